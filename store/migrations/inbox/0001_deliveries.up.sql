-- The deliveries of a SQLite store, in a file of their own (store.InboxPath)
-- so that the receiver never waits for the database's write lock. seq
-- orders them as they were committed and is never reused (AUTOINCREMENT):
-- the pump's cursor in the database (inbox_pump) counts on it. The payload
-- comes last, so reading the other columns does not walk its pages.
CREATE TABLE deliveries (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT,
	id              TEXT NOT NULL UNIQUE,
	event           TEXT NOT NULL,
	action          TEXT NOT NULL DEFAULT '',
	repo            TEXT NOT NULL DEFAULT '',
	installation_id INTEGER NOT NULL DEFAULT 0,
	received_at     TIMESTAMP NOT NULL,
	processed_at    TIMESTAMP,
	outcome         TEXT NOT NULL DEFAULT 'queued',
	error           TEXT NOT NULL DEFAULT '',
	skip_reason     TEXT NOT NULL DEFAULT '',
	payload         BLOB NOT NULL
);
CREATE INDEX deliveries_received_at ON deliveries (received_at);
