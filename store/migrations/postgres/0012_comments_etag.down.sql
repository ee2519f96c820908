ALTER TABLE items DROP COLUMN comments_etag;
ALTER TABLE items DROP COLUMN comments_since;
