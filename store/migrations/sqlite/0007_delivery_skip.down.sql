ALTER TABLE deliveries DROP COLUMN skip_reason;
