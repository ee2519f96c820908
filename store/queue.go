package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
)

// Queue is the River job queue of a store. On SQLite it is River's
// client over database/sql; on PostgreSQL over a pgx pool (River's native
// driver), whose workers hear of new jobs by LISTEN/NOTIFY instead of at
// their next poll, and whose jobs ingest inserts in the pgx transaction
// that stores their deliveries.
type Queue interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobRetry(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// riverConns is the size of River's own pool on PostgreSQL: its fetches,
// completions, listener, leader election and maintenance, and the
// tracker's inserts and look-ups; the workers' queries use the store's.
const riverConns = 8

// NewQueue creates the River client over this database and remembers it,
// so that Ingest (or the pump, on SQLite) enqueues the deliveries' jobs. A
// config without Queues gives an insert-only client.
func (db *DB) NewQueue(config *river.Config) (Queue, error) {
	if db.dialect == Postgres {
		c, err := river.NewClient(riverpgxv5.New(db.river), config)
		if err != nil {
			return nil, fmt.Errorf("create job queue: %w", err)
		}
		db.pgxQueue, db.queue = c, c
		return c, nil
	}
	c, err := river.NewClient(riversqlite.New(db.db), config)
	if err != nil {
		return nil, fmt.Errorf("create job queue: %w", err)
	}
	db.sqlQueue, db.queue = c, c
	// The pump enqueues what the inbox holds from before (a crash between
	// an acknowledgement and its job) and what comes in.
	db.startIngester()
	return c, nil
}

// openPgxPool opens a pgx pool of at most conns connections to the
// PostgreSQL database, checking that it answers.
func (db *DB) openPgxPool(ctx context.Context, conns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(db.dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", db.where(), redact(err, db.dsn))
	}
	cfg.MaxConns = conns
	cfg.MaxConnIdleTime = 5 * time.Minute
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", db.where(), redact(err, db.dsn))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", db.where(), redact(err, db.dsn))
	}
	return pool, nil
}

// insertPostgres stores a PostgreSQL batch: the deliveries' rows with
// insert, which returns the ids that were new, and in the same transaction
// the jobs that jobsFor names for those. A batch needing no job (jobsFor is
// called all the same: it marks the duplicates) is one autocommitted
// statement, one round trip instead of four.
func (db *DB) insertPostgres(ctx context.Context, insert string, args []any, needsJobs bool,
	jobsFor func(inserted map[string]bool) []river.InsertManyParams) error {
	if !needsJobs {
		inserted, err := insertedIDs(db.pgxWriter.Query(ctx, insert, args...))
		if err != nil {
			return err
		}
		jobsFor(inserted)
		return nil
	}
	tx, err := db.pgxWriter.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) // after Commit, a no-op
	inserted, err := insertedIDs(tx.Query(ctx, insert, args...))
	if err != nil {
		return err
	}
	if jobs := jobsFor(inserted); len(jobs) > 0 {
		if _, err := db.pgxQueue.InsertManyTx(ctx, tx, jobs); err != nil {
			return fmt.Errorf("enqueue %d jobs: %w", len(jobs), err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// insertedIDs collects the ids an insert ... RETURNING id returned.
func insertedIDs(rows pgx.Rows, err error) (map[string]bool, error) {
	if err != nil {
		return nil, fmt.Errorf("insert deliveries: %w", err)
	}
	defer rows.Close()
	ids, err := stringSet(rows)
	if err != nil {
		return nil, fmt.Errorf("insert deliveries: %w", err)
	}
	return ids, nil
}

// trackedPostgres returns which of items some goal tracks (see
// trackedQuery), read on ingest's pool.
func (db *DB) trackedPostgres(ctx context.Context, check string, items []any) (map[string]bool, error) {
	rows, err := db.pgxWriter.Query(ctx, check, append(items, items...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return stringSet(rows)
}
