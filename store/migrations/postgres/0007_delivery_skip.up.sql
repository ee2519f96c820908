-- Deliveries about an item no goal tracks, with no command in them, are
-- finished when they are stored, without a job; skip_reason says why.
ALTER TABLE deliveries ADD COLUMN skip_reason TEXT NOT NULL DEFAULT '';
