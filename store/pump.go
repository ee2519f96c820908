package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/riverqueue/river"
)

// On SQLite, ingest commits deliveries to the inbox file only, and the pump
// enqueues their jobs: it reads the deliveries after the cursor
// (inbox_pump.seq, in the database), and in one transaction of the
// database inserts the jobs of those not skipped when they were stored and
// moves the cursor past them. A crash between an acknowledgement and the pump loses nothing: the
// next pump (one runs at start, see RecoverOrphans) finds the delivery
// after the cursor. A delivery is never enqueued twice: its job and the
// cursor commit together, and the inbox's seq only grows.

// pumpBatch bounds the deliveries one pump transaction enqueues.
const pumpBatch = 512

// pumpEvery is how often the pump looks at the inbox when no batch told it
// of new deliveries (after a failure, or deliveries another process wrote).
const pumpEvery = time.Second

// Pump enqueues the jobs of every delivery stored in the inbox and not
// enqueued yet, and returns how many it enqueued. On PostgreSQL, where a
// delivery and its job commit together, there is never any.
func (db *DB) Pump(ctx context.Context) (int, error) {
	if db.pump == nil {
		return 0, nil
	}
	if db.sqlQueue == nil {
		return 0, fmt.Errorf("pump deliveries: no job queue (call NewQueue first)")
	}
	total := 0
	for {
		n, more, err := db.pumpOnce(ctx)
		total += n
		if err != nil {
			return total, fmt.Errorf("pump deliveries of %s: %w", db.where(), err)
		}
		if !more {
			return total, nil
		}
	}
}

// pumpOnce enqueues the jobs of up to pumpBatch deliveries after the
// cursor; more reports that there may be others.
func (db *DB) pumpOnce(ctx context.Context) (n int, more bool, err error) {
	// The transaction holds the database's write lock, so only one pump
	// (of any process) reads the cursor and moves it at a time.
	tx, err := db.pump.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var cursor int64
	if err := tx.QueryRowContext(ctx, `SELECT seq FROM inbox_pump`).Scan(&cursor); err != nil {
		return 0, false, fmt.Errorf("read cursor: %w", err)
	}
	rows, err := db.inbox.QueryContext(ctx, `SELECT seq, id, skip_reason FROM deliveries WHERE seq > ? ORDER BY seq LIMIT ?`,
		cursor, pumpBatch)
	if err != nil {
		return 0, false, fmt.Errorf("read inbox: %w", err)
	}
	var jobs []river.InsertManyParams
	last, seen := cursor, 0
	for rows.Next() {
		var id, skip string
		if err := rows.Scan(&last, &id, &skip); err != nil {
			rows.Close()
			return 0, false, fmt.Errorf("read inbox: %w", err)
		}
		seen++
		if skip == "" { // not finished without a job when it was stored
			jobs = append(jobs, river.InsertManyParams{Args: bot.ProcessDelivery{DeliveryID: id}})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, fmt.Errorf("read inbox: %w", err)
	}
	if seen == 0 {
		return 0, false, nil
	}
	if len(jobs) > 0 {
		if _, err := db.sqlQueue.InsertManyTx(ctx, tx, jobs); err != nil {
			return 0, false, fmt.Errorf("enqueue %d jobs: %w", len(jobs), err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE inbox_pump SET seq = ?`, last); err != nil {
		return 0, false, fmt.Errorf("move cursor: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("commit: %w", err)
	}
	return len(jobs), seen == pumpBatch, nil
}

// pumpDelay is how long the pump waits after a batch told it of new
// deliveries: the batch's acknowledgements go out first instead of sharing
// the two cores with the pump's transaction, and the batches of that
// millisecond share one pump. At 20 deliveries a second (GitHub at 2 s) the
// acknowledgement's median went from 1.35 to 0.76-0.90 ms and its p99 from
// 3.7-4.3 to 3.0-3.5 ms (800 each); a /goal command's reply waits about
// 1 ms more (median 19-21 ms before).
const pumpDelay = time.Millisecond

// pumps runs the pump at once, then pumpDelay after batches commit and
// every pumpEvery, until the store closes.
func (in *ingester) pumps() {
	defer in.wg.Done()
	tick := time.NewTicker(pumpEvery)
	defer tick.Stop()
	for first := true; ; first = false {
		if !first {
			select {
			case <-in.stop:
				return
			case <-in.stored:
				select {
				case <-in.stop:
					return
				case <-time.After(pumpDelay):
				}
			case <-tick.C:
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
		if _, err := in.db.Pump(ctx); err != nil && in.opt.Failed != nil {
			// The deliveries stay after the cursor: the next pump retries.
			in.opt.Failed(err)
		}
		cancel()
	}
}

// moveDeliveries moves the deliveries of a SQLite database made before the
// inbox (its deliveries table) into the inbox, and drops the table. Their
// jobs are in river_job already, so the cursor goes past them. It all runs
// in one transaction of the database, which keeps any pump of this or
// another process from reading the cursor until it has moved; a crash
// before that transaction commits leaves rows copied to the inbox (the next
// Migrate copies again, the inbox keeps the first copy) and the table.
func (db *DB) moveDeliveries(ctx context.Context) error {
	err := inTx(ctx, db.db, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'`).Scan(&n)
		if err != nil || n == 0 {
			return err
		}
		for after := int64(0); ; {
			batch, last, err := oldDeliveries(ctx, tx, after)
			if err != nil {
				return err
			}
			if len(batch) == 0 {
				break
			}
			after = last
			err = inTx(ctx, db.inbox, func(in *sql.Tx) error {
				for _, args := range batch {
					if _, err := in.ExecContext(ctx, `INSERT INTO deliveries (`+movedColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?)
						ON CONFLICT (id) DO NOTHING`, args...); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("copy to the inbox: %w", err)
			}
			if len(batch) < moveBatch {
				break
			}
		}
		var last int64
		if err := db.inbox.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM deliveries`).Scan(&last); err != nil {
			return fmt.Errorf("read the inbox: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_pump SET seq = ?`, last); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DROP TABLE deliveries`)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate: move deliveries to the inbox: %w", err)
	}
	return nil
}

// movedColumns are the columns moveDeliveries copies.
const movedColumns = `id, event, action, repo, installation_id, received_at, processed_at, outcome, error, skip_reason, payload`

// moveBatch is how many deliveries moveDeliveries copies per inbox
// transaction.
const moveBatch = 200

// oldDeliveries reads up to moveBatch rows of the old deliveries table
// after rowid after, as insert arguments, and the last rowid read.
func oldDeliveries(ctx context.Context, tx *sql.Tx, after int64) ([][]any, int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rowid, `+movedColumns+` FROM deliveries WHERE rowid > ? ORDER BY rowid LIMIT ?`, after, moveBatch)
	if err != nil {
		return nil, 0, fmt.Errorf("read deliveries to move: %w", err)
	}
	defer rows.Close()
	var batch [][]any
	for rows.Next() {
		var d bot.Delivery
		var processed sql.NullTime
		var skip string
		if err := rows.Scan(&after, &d.ID, &d.Event, &d.Action, &d.Repo, &d.InstallationID, &d.ReceivedAt,
			&processed, &d.Outcome, &d.Error, &skip, &d.Payload); err != nil {
			return nil, 0, fmt.Errorf("read deliveries to move: %w", err)
		}
		batch = append(batch, []any{d.ID, d.Event, d.Action, d.Repo, d.InstallationID, d.ReceivedAt.UTC(),
			processed, d.Outcome, d.Error, skip, d.Payload})
	}
	return batch, after, rows.Err()
}
