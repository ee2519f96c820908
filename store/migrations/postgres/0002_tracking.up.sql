CREATE TABLE goals (
	id             TEXT PRIMARY KEY,
	title          TEXT NOT NULL,
	source         TEXT NOT NULL,
	revision       TEXT NOT NULL DEFAULT '',
	tracking_issue TEXT NOT NULL DEFAULT '',
	doc            TEXT NOT NULL,
	notices        BOOLEAN NOT NULL DEFAULT FALSE,
	updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE items (
	ref        TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	title      TEXT NOT NULL DEFAULT '',
	state      TEXT NOT NULL DEFAULT 'open',
	is_pull    BOOLEAN NOT NULL DEFAULT FALSE,
	labels     TEXT NOT NULL DEFAULT '[]',
	author     TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMPTZ,
	etag       TEXT NOT NULL DEFAULT '',
	fcp        TEXT,
	mcp        TEXT,
	gone       BOOLEAN NOT NULL DEFAULT FALSE,
	fetched_at TIMESTAMPTZ
);

CREATE TABLE links (
	goal       TEXT NOT NULL,
	subgoal    TEXT NOT NULL,
	item       TEXT NOT NULL,
	origin     TEXT NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
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
	since      TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (goal, subgoal)
);

CREATE TABLE transitions (
	id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	goal     TEXT NOT NULL,
	subgoal  TEXT NOT NULL,
	old      TEXT NOT NULL,
	new      TEXT NOT NULL,
	detail   TEXT NOT NULL DEFAULT '',
	at       TIMESTAMPTZ NOT NULL,
	delivery TEXT NOT NULL DEFAULT '',
	item     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transitions_at ON transitions (at);

CREATE TABLE status_comments (
	goal       TEXT PRIMARY KEY,
	repo       TEXT NOT NULL,
	number     BIGINT NOT NULL,
	comment_id BIGINT NOT NULL DEFAULT 0,
	body_hash  TEXT NOT NULL DEFAULT '',
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until TIMESTAMPTZ,
	updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE command_replies (
	comment_id BIGINT NOT NULL,
	revision   TEXT NOT NULL,
	reply_id   BIGINT NOT NULL DEFAULT 0,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (comment_id, revision)
);
