DROP TABLE command_replies;
DROP TABLE status_comments;
DROP TABLE transitions;
DROP TABLE statuses;
DROP TABLE links;
DROP TABLE items;
DROP TABLE goals;
