CREATE TABLE deliveries (
	id              TEXT PRIMARY KEY,
	event           TEXT NOT NULL,
	action          TEXT NOT NULL DEFAULT '',
	repo            TEXT NOT NULL DEFAULT '',
	installation_id INTEGER NOT NULL DEFAULT 0,
	received_at     TIMESTAMP NOT NULL,
	payload         BLOB NOT NULL,
	processed_at    TIMESTAMP,
	outcome         TEXT NOT NULL DEFAULT 'queued',
	error           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_received_at ON deliveries (received_at);
