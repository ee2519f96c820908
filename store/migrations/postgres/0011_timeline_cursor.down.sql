DROP TABLE timeline_cursors;
