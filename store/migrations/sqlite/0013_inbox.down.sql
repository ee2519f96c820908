-- The deliveries stay in the inbox file; the table comes back empty, as
-- migration 0007 left it, for the older migrations' down steps.
CREATE TABLE IF NOT EXISTS deliveries (
	id              TEXT PRIMARY KEY,
	event           TEXT NOT NULL,
	action          TEXT NOT NULL DEFAULT '',
	repo            TEXT NOT NULL DEFAULT '',
	installation_id INTEGER NOT NULL DEFAULT 0,
	received_at     TIMESTAMP NOT NULL,
	payload         BLOB NOT NULL,
	processed_at    TIMESTAMP,
	outcome         TEXT NOT NULL DEFAULT 'queued',
	error           TEXT NOT NULL DEFAULT '',
	skip_reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS deliveries_received_at ON deliveries (received_at);
DROP TABLE inbox_pump;
