CREATE TABLE goals (
	id             TEXT PRIMARY KEY,
	title          TEXT NOT NULL,
	source         TEXT NOT NULL,
	revision       TEXT NOT NULL DEFAULT '',
	tracking_issue TEXT NOT NULL DEFAULT '',
	doc            TEXT NOT NULL,
	notices        BOOLEAN NOT NULL DEFAULT FALSE,
	updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE items (
	ref        TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	title      TEXT NOT NULL DEFAULT '',
	state      TEXT NOT NULL DEFAULT 'open',
	is_pull    BOOLEAN NOT NULL DEFAULT FALSE,
	labels     TEXT NOT NULL DEFAULT '[]',
	author     TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMP,
	etag       TEXT NOT NULL DEFAULT '',
	fcp        TEXT,
	mcp        TEXT,
	gone       BOOLEAN NOT NULL DEFAULT FALSE,
	fetched_at TIMESTAMP
);

CREATE TABLE links (
	goal       TEXT NOT NULL,
	subgoal    TEXT NOT NULL,
	item       TEXT NOT NULL,
	origin     TEXT NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (goal, subgoal, item, origin)
);
CREATE INDEX links_item ON links (item);

CREATE TABLE statuses (
	goal       TEXT NOT NULL,
	subgoal    TEXT NOT NULL,
	status     TEXT NOT NULL,
	detail     TEXT NOT NULL DEFAULT '',
	doc_status TEXT NOT NULL DEFAULT '',
	disagree   BOOLEAN NOT NULL DEFAULT FALSE,
	since      TIMESTAMP NOT NULL,
	PRIMARY KEY (goal, subgoal)
);

CREATE TABLE transitions (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	goal     TEXT NOT NULL,
	subgoal  TEXT NOT NULL,
	old      TEXT NOT NULL,
	new      TEXT NOT NULL,
	detail   TEXT NOT NULL DEFAULT '',
	at       TIMESTAMP NOT NULL,
	delivery TEXT NOT NULL DEFAULT '',
	item     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transitions_at ON transitions (at);

CREATE TABLE status_comments (
	goal       TEXT PRIMARY KEY,
	repo       TEXT NOT NULL,
	number     INTEGER NOT NULL,
	comment_id INTEGER NOT NULL DEFAULT 0,
	body_hash  TEXT NOT NULL DEFAULT '',
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until TIMESTAMP,
	updated_at TIMESTAMP NOT NULL
);

CREATE TABLE command_replies (
	comment_id INTEGER NOT NULL,
	revision   TEXT NOT NULL,
	reply_id   INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (comment_id, revision)
);
