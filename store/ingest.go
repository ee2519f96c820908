package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goalbot/goalbot/bot"
)

// SkipUntracked is the skip_reason of a delivery finished when it was
// stored, without a job, because no goal tracks the item it is about.
const SkipUntracked = "untracked"

// IngestOptions tune the group commit of deliveries. Concurrent deliveries
// are gathered into one transaction (one commit, one fsync, one statement
// for their rows and, on PostgreSQL, their jobs), which is what lets a receiver
// keep up with GitHub bursts; every caller is answered only after the
// transaction holding its delivery committed.
type IngestOptions struct {
	// MaxBatch bounds the deliveries per transaction; default 64.
	MaxBatch int
	// MaxWait is how long a batch waits for more deliveries after its
	// first; 0 (the default) takes only those already waiting, which
	// batches by itself under load (deliveries gather while the previous
	// batch commits) and adds no latency when idle.
	MaxWait time.Duration
	// Committers is how many batches may commit at once: 1 on SQLite (one
	// writer), on PostgreSQL up to maxCommitters (the default), where
	// commits overlap their WAL flushes.
	Committers int
	// Failed, when set, hears of each failed SQLite checkpoint (the log
	// then grows until one succeeds) and each failed pump (the deliveries
	// wait in the inbox until one succeeds).
	Failed func(error)
}

// maxCommitters is the number of PostgreSQL connections ingest keeps. Two
// measured best on two cores (ratio to the bare handler about 0.154 against
// 0.147 with four and 0.13 with eight): more committers make smaller
// batches, so more round trips per delivery.
const maxCommitters = 2

// ingestReq is one delivery waiting for its batch.
type ingestReq struct {
	ctx  context.Context
	d    bot.Delivery
	item string // finish without a job if no goal tracks this item ("" never)
	done chan ingestResult
}

type ingestResult struct {
	duplicate bool
	err       error
}

// ingester runs the group commits of one store.
type ingester struct {
	db    *DB
	opt   IngestOptions
	reqs  chan *ingestReq
	stop  chan struct{}
	wg    sync.WaitGroup
	stmts sync.Map // stmtKey → *sql.Stmt

	// SQLite: a batch committed; the log may need a checkpoint, and the
	// pump has deliveries to enqueue.
	committed, stored chan struct{}
	unflushed         atomic.Int64 // about how many bytes the inbox's log holds past its last checkpoint
}

// stmtKey names a statement prepared on one pool.
type stmtKey struct {
	pool *sql.DB
	q    string
}

// SetIngestOptions changes how deliveries are batched; call it before the
// first Ingest.
func (db *DB) SetIngestOptions(o IngestOptions) { db.ingestOpt = o }

// startIngester starts the batching goroutines once.
func (db *DB) startIngester() *ingester {
	db.ingestOnce.Do(func() {
		o := db.ingestOpt
		if o.MaxBatch <= 0 {
			o.MaxBatch = 64
		}
		if db.dialect == SQLite {
			o.Committers = 1
		} else if o.Committers <= 0 || o.Committers > maxCommitters {
			o.Committers = maxCommitters
		}
		in := &ingester{db: db, opt: o, reqs: make(chan *ingestReq, 4*o.MaxBatch), stop: make(chan struct{})}
		if db.dialect == SQLite {
			in.committed, in.stored = make(chan struct{}, 1), make(chan struct{}, 1)
			in.wg.Add(2)
			go in.checkpoints()
			go in.pumps()
		}
		for i := 0; i < o.Committers; i++ {
			in.wg.Add(1)
			go in.run()
		}
		db.ingest = in
	})
	return db.ingest
}

// close stops the batching goroutines; requests still waiting fail.
func (in *ingester) close() {
	close(in.stop)
	in.wg.Wait()
	in.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}

// errClosed answers deliveries that arrive while the store closes.
var errClosed = errors.New("store is closing")

// Ingest stores d, in one transaction shared with other deliveries
// arriving at the same time, and enqueues its ProcessDelivery job: in the
// same statement on PostgreSQL, through the pump on SQLite (pump.go),
// which enqueues every committed delivery exactly once. It reports
// duplicate=true, and enqueues nothing, when a delivery with the same id
// was stored before (a redelivery). It returns only once the delivery is
// committed, or with an error when it may not be (ctx ended first, or the
// batch failed): then the caller must not acknowledge it.
func (db *DB) Ingest(ctx context.Context, d bot.Delivery) (duplicate bool, err error) {
	return db.IngestAbout(ctx, d, "")
}

// IngestAbout is Ingest for a delivery that only matters if a goal tracks
// item ("owner/repo#N", as ref.Ref.String writes it) and that holds no
// command: when no goal tracks item, the delivery is stored as done, with
// skip_reason "untracked", without its payload and with no job. Nothing
// would read the payload (a goal that tracks the item later reads it from
// GitHub), and it was most of what the receiver wrote: its row is kept,
// for redeliveries and for the record. The check reads the database just
// before the batch is stored: an item tracked meanwhile is read from
// GitHub when it is tracked, after the change this delivery reports. An
// empty item always enqueues a job.
func (db *DB) IngestAbout(ctx context.Context, d bot.Delivery, item string) (duplicate bool, err error) {
	if db.queue == nil {
		return false, fmt.Errorf("ingest delivery %s: no job queue (call NewQueue first)", d.ID)
	}
	if d.ReceivedAt.IsZero() {
		d.ReceivedAt = db.Now()
	}
	in := db.startIngester()
	if in == nil {
		return false, fmt.Errorf("ingest delivery %s: %w", d.ID, errClosed)
	}
	req := &ingestReq{ctx: ctx, d: d, item: item, done: make(chan ingestResult, 1)}
	select {
	case in.reqs <- req:
	case <-ctx.Done():
		return false, fmt.Errorf("ingest delivery %s: %w", d.ID, context.Cause(ctx))
	case <-in.stop:
		return false, fmt.Errorf("ingest delivery %s: %w", d.ID, errClosed)
	}
	select {
	case r := <-req.done:
		if r.err != nil {
			return false, fmt.Errorf("ingest delivery %s: %w", d.ID, r.err)
		}
		return r.duplicate, nil
	case <-ctx.Done():
		// The batch may still commit: the delivery is then a duplicate
		// when GitHub sends it again, acknowledged and processed once.
		return false, fmt.Errorf("ingest delivery %s: %w", d.ID, context.Cause(ctx))
	}
}

// run gathers batches and commits them until the store closes.
func (in *ingester) run() {
	defer in.wg.Done()
	batch := make([]*ingestReq, 0, in.opt.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case r := <-in.reqs:
			batch = append(batch, r)
		case <-in.stop:
			in.drain()
			return
		}
		batch = in.fill(batch)
		in.commit(batch)
	}
}

// fill adds the requests already waiting, and those arriving within
// MaxWait, up to MaxBatch.
func (in *ingester) fill(batch []*ingestReq) []*ingestReq {
	var deadline <-chan time.Time
	if in.opt.MaxWait > 0 {
		t := time.NewTimer(in.opt.MaxWait)
		defer t.Stop()
		deadline = t.C
	}
	for len(batch) < in.opt.MaxBatch {
		select {
		case r := <-in.reqs:
			batch = append(batch, r)
			continue
		default:
		}
		if deadline == nil {
			return batch
		}
		select {
		case r := <-in.reqs:
			batch = append(batch, r)
		case <-deadline:
			return batch
		case <-in.stop:
			return batch
		}
	}
	return batch
}

// drain fails the requests left when the store closes.
func (in *ingester) drain() {
	for {
		select {
		case r := <-in.reqs:
			r.done <- ingestResult{err: errClosed}
		default:
			return
		}
	}
}

// commit stores one batch and answers each of its requests.
func (in *ingester) commit(batch []*ingestReq) {
	// Requests whose caller gave up are left out: they were answered with
	// an error, and GitHub will send them again.
	live := batch[:0]
	for _, r := range batch {
		if r.ctx.Err() == nil {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return
	}
	dup, err := in.store(live)
	for i, r := range live {
		if err != nil {
			r.done <- ingestResult{err: err}
			continue
		}
		r.done <- ingestResult{duplicate: dup[i]}
	}
}

// batchTimeout bounds one batch's transaction, whoever waits for it.
const batchTimeout = 30 * time.Second

// store writes the batch with one statement: the deliveries' rows and, on
// PostgreSQL, the jobs of those that were new (on SQLite the pump enqueues
// them).
func (in *ingester) store(batch []*ingestReq) ([]bool, error) {
	db := in.db
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	// Ends the transaction early when every caller has given up, so that a
	// hung database does not hold the writer past the requests' deadlines.
	var waiting atomic.Int64
	waiting.Store(int64(len(batch)))
	for _, r := range batch {
		stop := context.AfterFunc(r.ctx, func() {
			if waiting.Add(-1) == 0 {
				cancel()
			}
		})
		defer stop()
	}

	dup := make([]bool, len(batch))
	// The same id twice in one batch: the later one is a duplicate.
	first := make(map[string]int, len(batch))
	var rows []*ingestReq
	var rowIdx []int
	for i, r := range batch {
		if _, seen := first[r.d.ID]; seen {
			dup[i] = true
			continue
		}
		first[r.d.ID] = i
		rows = append(rows, r)
		rowIdx = append(rowIdx, i)
	}

	// Rows (and so their jobs) in delivery-id order: concurrent batches on
	// PostgreSQL then take their row and unique-key locks in one order and
	// cannot deadlock on each other's duplicates.
	order := make([]int, len(rows))
	for k := range order {
		order[k] = k
	}
	sort.Slice(order, func(a, b int) bool { return rows[order[a]].d.ID < rows[order[b]].d.ID })
	sortedRows, sortedIdx := make([]*ingestReq, len(rows)), make([]int, len(rows))
	for k, o := range order {
		sortedRows[k], sortedIdx[k] = rows[o], rowIdx[o]
	}
	rows, rowIdx = sortedRows, sortedIdx

	var trackedItems map[string]bool
	if items := itemsOf(rows); len(items) > 0 {
		var err error
		if trackedItems, err = in.tracked(ctx, items); err != nil {
			return nil, fmt.Errorf("check tracked items: %w", err)
		}
	}
	now := db.Now().UTC()
	args := make([]any, 0, len(rows)*deliveryColumns)
	written := 0 // bytes, about, the batch adds to the log
	skip := make(map[string]bool)
	for _, r := range rows {
		d := r.d
		outcome, processed, reason, payload := bot.OutcomeQueued, sql.NullTime{}, "", d.Payload
		if r.item != "" && !trackedItems[r.item] {
			outcome, processed, reason = bot.OutcomeDone, sql.NullTime{Time: now, Valid: true}, SkipUntracked
			payload = []byte{}
			skip[d.ID] = true
		}
		args = append(args, d.ID, d.Event, d.Action, d.Repo, d.InstallationID, d.ReceivedAt.UTC(), payload,
			string(outcome), processed, reason)
		written += len(payload) + rowOverhead
	}

	// markNew marks the deliveries that were not new duplicates and counts
	// the new ones that get a job (not skipped). No unique option on the
	// jobs: the delivery row's own id, inserted with ON CONFLICT DO
	// NOTHING, already gives each delivery one job.
	markNew := func(inserted map[string]bool) (queued int) {
		for k, r := range rows {
			dup[rowIdx[k]] = !inserted[r.d.ID]
			if inserted[r.d.ID] && !skip[r.d.ID] {
				queued++
			}
		}
		return queued
	}
	insert := in.insertQuery(len(rows))
	if db.dialect == Postgres {
		if err := db.insertPostgres(ctx, insert, args, len(skip) < len(rows), markNew); err != nil {
			return nil, err
		}
		return dup, nil
	}

	// On SQLite the rows' statement commits by itself: the pump enqueues
	// their jobs.
	stmt, err := in.stmt(ctx, db.writer, insert)
	if err != nil {
		return nil, err
	}
	res, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("insert deliveries: %w", err)
	}
	inserted, err := stringSet(res)
	res.Close()
	if err != nil {
		return nil, fmt.Errorf("insert deliveries: %w", err)
	}
	queued := markNew(inserted)
	in.wrote(written)
	if queued > 0 {
		signal(in.stored)
	}
	return dup, nil
}

// signal wakes whoever waits on c, unless it has been woken already.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// rowOverhead is about what a delivery row and its index entries add to
// the log besides the payload.
const rowOverhead = 512

// deliveryColumns is the number of values per row insertQuery takes.
const deliveryColumns = 10

// insertQuery is the statement that stores n deliveries and returns the
// ids of those that were new.
func (in *ingester) insertQuery(n int) string {
	return in.db.rebind(`INSERT INTO deliveries (id, event, action, repo, installation_id, received_at, payload,
		outcome, processed_at, skip_reason) VALUES ` + valuesList(n, deliveryColumns) + ` ON CONFLICT (id) DO NOTHING RETURNING id`)
}

// stmt returns q prepared on pool, preparing it the first time: batches of
// the same size reuse one statement. (Preparing was a fifth of the
// writer's time per batch.)
func (in *ingester) stmt(ctx context.Context, pool *sql.DB, q string) (*sql.Stmt, error) {
	key := stmtKey{pool, q}
	if s, ok := in.stmts.Load(key); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := pool.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare ingest statement: %w", err)
	}
	if prev, loaded := in.stmts.LoadOrStore(key, s); loaded {
		s.Close()
		return prev.(*sql.Stmt), nil
	}
	return s, nil
}

// itemsOf lists the distinct items the batch's deliveries may be skipped
// for.
func itemsOf(rows []*ingestReq) []any {
	var items []any
	seen := map[string]bool{}
	for _, r := range rows {
		if r.item != "" && !seen[r.item] {
			seen[r.item] = true
			items = append(items, r.item)
		}
	}
	return items
}

// trackedQuery is the statement that returns which of n items some goal
// tracks: an item row or a link to it exists.
func (in *ingester) trackedQuery(n int) string {
	marks := placeholders(n)
	return in.db.rebind(`SELECT ref FROM items WHERE ref IN (` + marks + `) UNION SELECT item FROM links WHERE item IN (` + marks + `)`)
}

// tracked returns which of the items some goal tracks, read just before
// the batch is stored (on SQLite over a read-only connection of the
// database, as the inbox is another file).
func (in *ingester) tracked(ctx context.Context, items []any) (map[string]bool, error) {
	q := in.trackedQuery(len(items))
	if in.db.dialect == Postgres {
		return in.db.trackedPostgres(ctx, q, items)
	}
	check, err := in.stmt(ctx, in.db.reader, q)
	if err != nil {
		return nil, err
	}
	rs, err := check.QueryContext(ctx, append(items, items...)...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	return stringSet(rs)
}
