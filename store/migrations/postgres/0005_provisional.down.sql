ALTER TABLE items DROP COLUMN state_schema;
ALTER TABLE goals DROP COLUMN doc_schema;
ALTER TABLE statuses DROP COLUMN provisional;
