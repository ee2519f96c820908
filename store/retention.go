package store

import (
	"context"
	"fmt"
	"time"
)

// PruneDeliveries deletes at most batch stored deliveries received before
// cutoff whose processing has finished (done, ignored or failed), oldest
// first, and returns how many it deleted. A delivery still queued is kept
// whatever its age: nothing acknowledged is lost.
func (db *DB) PruneDeliveries(ctx context.Context, cutoff time.Time, batch int) (int, error) {
	res, err := db.inbox.ExecContext(ctx, db.rebind(`DELETE FROM deliveries WHERE id IN (
		SELECT id FROM deliveries WHERE received_at < ? AND outcome <> 'queued'
		ORDER BY received_at LIMIT ?)`), cutoff.UTC(), batch)
	if err != nil {
		return 0, fmt.Errorf("prune deliveries before %s: %w", cutoff.Format(time.RFC3339), err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// PruneJobs deletes at most batch River jobs that finished (completed,
// cancelled or discarded) before cutoff, oldest first, and returns how
// many it deleted. Jobs waiting, scheduled for a retry or running are
// never touched.
func (db *DB) PruneJobs(ctx context.Context, cutoff time.Time, batch int) (int, error) {
	// riversqlite keeps times as text ("2006-01-02 15:04:05.000");
	// datetime() reads it and the cutoff alike.
	q := `DELETE FROM river_job WHERE id IN (
		SELECT id FROM river_job WHERE state IN ('completed', 'cancelled', 'discarded')
		AND datetime(finalized_at) < datetime(?) ORDER BY id LIMIT ?)`
	var at any = cutoff.UTC().Format("2006-01-02 15:04:05")
	if db.dialect == Postgres {
		q = `DELETE FROM river_job WHERE id IN (
			SELECT id FROM river_job WHERE state IN ('completed', 'cancelled', 'discarded')
			AND finalized_at < ? ORDER BY id LIMIT ?)`
		at = cutoff.UTC()
	}
	res, err := db.exec(ctx, q, at, batch)
	if err != nil {
		return 0, fmt.Errorf("prune finished jobs before %s: %w", cutoff.Format(time.RFC3339), err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
