ALTER TABLE status_comments DROP COLUMN rendered_version;
ALTER TABLE goals DROP COLUMN status_version;
