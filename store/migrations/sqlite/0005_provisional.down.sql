ALTER TABLE statuses DROP COLUMN provisional;
