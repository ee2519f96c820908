CREATE TABLE sync_state (
	repo       TEXT PRIMARY KEY,
	since      TIMESTAMP,
	etag       TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMP NOT NULL
);

CREATE TABLE digests (
	week       TEXT PRIMARY KEY,
	repo       TEXT NOT NULL,
	number     INTEGER NOT NULL DEFAULT 0,
	claimed_by TEXT NOT NULL DEFAULT '',
	claimed_at TIMESTAMP NOT NULL,
	closed     BOOLEAN NOT NULL DEFAULT FALSE
);
