CREATE TABLE deliveries (
	id              TEXT PRIMARY KEY,
	event           TEXT NOT NULL,
	action          TEXT NOT NULL DEFAULT '',
	repo            TEXT NOT NULL DEFAULT '',
	installation_id BIGINT NOT NULL DEFAULT 0,
	received_at     TIMESTAMPTZ NOT NULL,
	payload         BYTEA NOT NULL,
	processed_at    TIMESTAMPTZ,
	outcome         TEXT NOT NULL DEFAULT 'queued',
	error           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_received_at ON deliveries (received_at);
