DROP TABLE untracked;
DROP INDEX discovered_item;
DROP TABLE discovered;
