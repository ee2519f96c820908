-- Where goalbot last read each goal's tracking-issue timeline (an opaque
-- cursor for a conditional read of its cross-referenced events).
CREATE TABLE timeline_cursors (
	goal       TEXT PRIMARY KEY,
	cursor     TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMP NOT NULL
);
