package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/goalbot/goalbot/bot"
)

// Delivery returns the stored delivery with the given id, or an ENOTFOUND
// error.
func (db *DB) Delivery(ctx context.Context, id string) (bot.Delivery, error) {
	var d bot.Delivery
	var processed sql.NullTime
	err := db.inbox.QueryRowContext(ctx, db.rebind(`SELECT id, event, action, repo, installation_id, received_at, payload,
		processed_at, outcome, error FROM deliveries WHERE id = ?`), id).Scan(
		&d.ID, &d.Event, &d.Action, &d.Repo, &d.InstallationID, &d.ReceivedAt, &d.Payload,
		&processed, &d.Outcome, &d.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return d, bot.Errorf(bot.ENOTFOUND, "no delivery %s", id)
	}
	if err != nil {
		return d, fmt.Errorf("load delivery %s: %w", id, err)
	}
	d.ProcessedAt = processed.Time
	d.ReceivedAt = d.ReceivedAt.UTC()
	return d, nil
}

// FinishDelivery records the outcome of processing a delivery.
func (db *DB) FinishDelivery(ctx context.Context, id, outcome, errText string) error {
	_, err := db.inbox.ExecContext(ctx, db.rebind(`UPDATE deliveries SET processed_at = ?, outcome = ?, error = ? WHERE id = ?`),
		db.Now().UTC(), outcome, errText, id)
	if err != nil {
		return fmt.Errorf("finish delivery %s: %w", id, err)
	}
	if db.pump != nil && db.ingest != nil {
		// SQLite, whose ingester NewQueue started before any worker ran.
		db.ingest.wrote(pageSize) // about a page of the inbox's log
	}
	return nil
}

// DeliveryCounts returns how many deliveries have each outcome.
func (db *DB) DeliveryCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.inbox.QueryContext(ctx, `SELECT outcome, COUNT(*) FROM deliveries GROUP BY outcome`)
	if err != nil {
		return nil, fmt.Errorf("count deliveries: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var o string
		var n int
		if err := rows.Scan(&o, &n); err != nil {
			return nil, err
		}
		counts[o] = n
	}
	return counts, rows.Err()
}

// QueueDepth returns the number of jobs waiting or running, counting on
// SQLite the deliveries in the inbox whose jobs the pump has yet to make.
func (db *DB) QueueDepth(ctx context.Context) (int, error) {
	const jobs = `SELECT COUNT(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable', 'running', 'pending')`
	var n int
	if db.pump == nil {
		if err := db.queryRow(ctx, jobs).Scan(&n); err != nil {
			return 0, fmt.Errorf("queue depth: %w", err)
		}
		return n, nil
	}
	// One statement reads both in one snapshot: a delivery the pump
	// enqueues meanwhile is counted once, as a job or after the cursor.
	var cursor int64
	if err := db.queryRow(ctx, `SELECT (`+jobs+`), (SELECT seq FROM inbox_pump)`).Scan(&n, &cursor); err != nil {
		return 0, fmt.Errorf("queue depth: %w", err)
	}
	var waiting int
	if err := db.inbox.QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries WHERE seq > ? AND skip_reason = ''`, cursor).Scan(&waiting); err != nil {
		return 0, fmt.Errorf("queue depth: deliveries waiting for the pump: %w", err)
	}
	return n + waiting, nil
}

// RecoverOrphans makes jobs left "running" by a process that died
// available again and releases the living-comment leases it held; it
// returns how many jobs there were. Only a single-process store (SQLite)
// may do this at start: there, no other process can be running them.
// PostgreSQL replicas leave it to River's rescuer and the leases' expiry.
func (db *DB) RecoverOrphans(ctx context.Context) (int, error) {
	if db.dialect != SQLite {
		return 0, nil
	}
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// scheduled_at is left alone: a job that ran was due already.
		res, err := tx.ExecContext(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `UPDATE status_comments SET lease_owner = '', lease_until = NULL`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("recover orphaned jobs: %w", err)
	}
	return int(n), nil
}
