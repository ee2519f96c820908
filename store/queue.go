package store

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/goalbot/goalbot/bot"

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
// their next poll, and whose delivery jobs ingest writes in the statement
// that stores their deliveries (deliveryJobs).
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
		db.queue = c
		db.deliveryJobs = newDeliveryJobs(config)
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

// insertPostgres stores a PostgreSQL batch in one autocommitted statement,
// one round trip: the deliveries' rows with insert (which returns the ids
// that were new), and when needsJobs also the ProcessDelivery jobs of the
// new ones that were not finished on arrival (outcome queued), written
// into River's table (deliveryJobs). markNew is called with the new ids: it
// marks the duplicates and counts the jobs written.
func (db *DB) insertPostgres(ctx context.Context, insert string, args []any, needsJobs bool,
	markNew func(inserted map[string]bool) (queued int)) error {
	var claim notifyClaim
	if needsJobs {
		var jobArgs []any
		jobArgs, claim = db.deliveryJobs.args()
		insert, args = db.deliveryJobs.query(insert, len(args)), append(args, jobArgs...)
	}
	inserted, err := insertedIDs(db.pgxWriter.Query(ctx, insert, args...))
	if err != nil {
		db.deliveryJobs.release(claim)
		return err
	}
	if markNew(inserted) == 0 {
		db.deliveryJobs.release(claim) // no job, so nothing was sent
	}
	return nil
}

// deliveryJobs writes the ProcessDelivery jobs of PostgreSQL ingest in the
// statement that stores their deliveries, as River's clients in other
// languages insert jobs: rows of River's job table, then a notification
// on River's insert topic so that the workers fetch at once. It was four
// round trips (BEGIN, the rows, River's InsertManyTx, COMMIT) and five
// with River's notification; TestDeliveryJobIsRiverJob checks that the rows
// equal those River's own insert writes. River's insert hooks and
// middleware do not see these jobs (goalbot installs none; its hook is on
// the end of work).
type deliveryJobs struct {
	maxAttempts int
	// cooldown spaces the notifications, as River's client spaces its
	// own (at most one a FetchCooldown per queue): the workers fetch
	// once for everything inserted meanwhile.
	cooldown time.Duration
	start    time.Time    // what notified counts from (the monotonic clock)
	notified atomic.Int64 // nanoseconds from start to the last notification; -cooldown for none
}

func newDeliveryJobs(config *river.Config) *deliveryJobs {
	j := &deliveryJobs{
		maxAttempts: cmp.Or(config.MaxAttempts, river.MaxAttemptsDefault),
		cooldown:    cmp.Or(config.FetchCooldown, river.FetchCooldownDefault),
		start:       time.Now(),
	}
	j.notified.Store(-int64(j.cooldown))
	return j
}

// notifyClaim is a batch's claim on the notification of the current
// cooldown: the time it took and the time it replaced.
type notifyClaim struct {
	ok       bool
	at, prev int64
}

// query extends insert, an INSERT INTO deliveries … RETURNING id taking n
// parameters, with the jobs of its new queued rows and the notification;
// it takes args' five parameters after insert's.
func (j *deliveryJobs) query(insert string, n int) string {
	p := func(k int) string { return "$" + strconv.Itoa(n+k) }
	return `WITH d AS (` + insert + `, outcome),
	j AS (
		INSERT INTO river_job (args, kind, max_attempts, metadata, priority, queue, state, tags)
		SELECT jsonb_build_object('delivery_id', id), ` + p(1) + `::text, ` + p(2) + `::smallint, '{}', ` +
		p(3) + `::smallint, ` + p(4) + `::text, 'available', '{}' FROM d WHERE outcome = 'queued'
		RETURNING queue
	),
	n AS (
		SELECT count(*) FROM (SELECT pg_notify(current_schema() || '.river_insert', json_build_object('queue', queue)::text)
		FROM j WHERE ` + p(5) + `::boolean LIMIT 1) notified
	)
	SELECT id FROM d, n`
}

// args are query's parameters for one batch: the job's kind, attempts,
// priority and queue, and whether to notify, which is this cooldown's
// claim when the batch made it.
func (j *deliveryJobs) args() ([]any, notifyClaim) {
	now := int64(time.Since(j.start))
	last := j.notified.Load()
	var claim notifyClaim
	if now-last >= int64(j.cooldown) && j.notified.CompareAndSwap(last, now) {
		claim = notifyClaim{ok: true, at: now, prev: last}
	}
	return []any{bot.ProcessDelivery{}.Kind(), j.maxAttempts, river.PriorityDefault, river.QueueDefault, claim.ok}, claim
}

// release gives back the claim of a batch that sent no notification (it
// failed, or its deliveries were all stored before), so that the next
// batch's jobs are not left to the workers' next poll.
func (j *deliveryJobs) release(c notifyClaim) {
	if c.ok {
		j.notified.CompareAndSwap(c.at, c.prev)
	}
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
