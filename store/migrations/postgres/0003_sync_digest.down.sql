DROP TABLE digests;
DROP TABLE sync_state;
