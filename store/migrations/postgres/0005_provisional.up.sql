ALTER TABLE statuses ADD COLUMN provisional BOOLEAN NOT NULL DEFAULT FALSE;
-- Schema versions of the JSON stored for goal documents and item FCP/MCP
-- state; the rows stored so far are version 1.
ALTER TABLE goals ADD COLUMN doc_schema INTEGER NOT NULL DEFAULT 1;
ALTER TABLE items ADD COLUMN state_schema INTEGER NOT NULL DEFAULT 1;
