-- What a refresh needs to notice an edited comment when the issue read
-- answers 304 (editing a comment changes neither the issue's updated_at
-- nor its ETag): the newest comment updated_at seen in the last full
-- listing, and the ETag of the listing of comments updated since then.
ALTER TABLE items ADD COLUMN comments_since TIMESTAMP;
ALTER TABLE items ADD COLUMN comments_etag TEXT NOT NULL DEFAULT '';
