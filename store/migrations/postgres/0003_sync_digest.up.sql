CREATE TABLE sync_state (
	repo       TEXT PRIMARY KEY,
	since      TIMESTAMPTZ,
	etag       TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE digests (
	week       TEXT PRIMARY KEY,
	repo       TEXT NOT NULL,
	number     BIGINT NOT NULL DEFAULT 0,
	claimed_by TEXT NOT NULL DEFAULT '',
	claimed_at TIMESTAMPTZ NOT NULL,
	closed     BOOLEAN NOT NULL DEFAULT FALSE
);
