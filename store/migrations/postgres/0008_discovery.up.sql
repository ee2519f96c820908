-- Items discovery found for a goal (document references, bodies and
-- comments referencing the tracking issue, its timeline), one row per
-- source, with the placement last computed for the goal.
CREATE TABLE discovered (
	goal     TEXT NOT NULL,
	item     TEXT NOT NULL,
	source   TEXT NOT NULL,
	via      TEXT NOT NULL DEFAULT '',
	named    TEXT NOT NULL DEFAULT '',
	subgoal  TEXT NOT NULL DEFAULT '',
	rule     TEXT NOT NULL DEFAULT '',
	auto     BOOLEAN NOT NULL DEFAULT FALSE,
	found_at TIMESTAMP NOT NULL,
	PRIMARY KEY (goal, item, source)
);
CREATE INDEX discovered_item ON discovered (item);

-- Items a person removed from a goal with /goal untrack: never rediscovered.
CREATE TABLE untracked (
	goal       TEXT NOT NULL,
	item       TEXT NOT NULL,
	created_by TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (goal, item)
);
