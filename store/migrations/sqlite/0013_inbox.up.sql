-- Deliveries move to the inbox file (store.InboxPath); Migrate copies the
-- rows of the deliveries table there and drops it. inbox_pump.seq is the
-- last delivery of the inbox whose job is in river_job: the pump enqueues
-- the ones after it and moves it in the same transaction.
CREATE TABLE inbox_pump (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	seq INTEGER NOT NULL
);
INSERT INTO inbox_pump (id, seq) VALUES (1, 0);
