package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/store"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// openPostgresQueue opens a migrated PostgreSQL store (skipping the test
// without GOALBOT_TEST_POSTGRES_URL) with an insert-only job queue.
func openPostgresQueue(t *testing.T) *store.DB {
	t.Helper()
	db := OpenPostgres(t)
	if _, err := db.NewQueue(&river.Config{}); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestPostgresBatchAndJobsCommitTogether makes River's insert of a job
// fail after the batch's deliveries were inserted (a trigger refuses the
// job of delivery "bad-1"): the deliveries' rows roll back with it, so no
// delivery is acknowledged without its job, and the next batch goes in.
func TestPostgresBatchAndJobsCommitTogether(t *testing.T) {
	ctx := context.Background()
	db := openPostgresQueue(t)
	for _, q := range []string{
		`CREATE FUNCTION refuse_bad_job() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.args->>'delivery_id' LIKE 'bad-%' THEN RAISE EXCEPTION 'refused job of %', NEW.args->>'delivery_id'; END IF;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER refuse_bad_job BEFORE INSERT ON river_job FOR EACH ROW EXECUTE FUNCTION refuse_bad_job()`,
	} {
		if err := db.ExecForTest(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.QueryRowForTest(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	bad := bot.Delivery{ID: "bad-1", Event: "issues", Action: "labeled", Repo: "rust-lang/rfcs", Payload: []byte(`{}`)}
	if _, err := db.Ingest(ctx, bad); err == nil {
		t.Fatal("ingest of a delivery whose job was refused: no error")
	}
	if n := count(`SELECT COUNT(*) FROM deliveries`); n != 0 {
		t.Errorf("%d deliveries stored though their job was refused", n)
	}
	ok := bad
	ok.ID = "ok-1"
	if dup, err := db.Ingest(ctx, ok); err != nil || dup {
		t.Fatalf("the next delivery: duplicate %v, %v", dup, err)
	}
	if d, j := count(`SELECT COUNT(*) FROM deliveries`), count(`SELECT COUNT(*) FROM river_job`); d != 1 || j != 1 {
		t.Errorf("after the next delivery: %d deliveries, %d jobs; want 1 and 1", d, j)
	}
}

// roundTrips counts what a pgx connection sends and waits for: each
// statement, each pipeline (a batch of statements) once.
type roundTrips struct {
	mu    sync.Mutex
	sent  []string
	trips int
}

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.trips++
	r.sent = append(r.sent, firstWords(d.SQL))
	return ctx
}

func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.trips++
	var qs []string
	for _, q := range d.Batch.QueuedQueries {
		qs = append(qs, firstWords(q.SQL))
	}
	r.sent = append(r.sent, "["+strings.Join(qs, "; ")+"]")
	return ctx
}

func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// take returns what was sent since the last call, and how many round
// trips it took.
func (r *roundTrips) take() (int, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n, sent := r.trips, r.sent
	r.trips, r.sent = 0, nil
	return n, sent
}

func firstWords(q string) string {
	f := strings.Fields(q)
	if len(f) > 3 {
		f = f[:3]
	}
	return strings.Join(f, " ")
}

// TestPostgresBatchRoundTrips counts the round trips of ingest batches on
// PostgreSQL: one for a batch whose deliveries get jobs (the statement
// storing rows and jobs, autocommitted), two for one whose deliveries are
// about items (the check of the tracked items first), whether they get
// jobs or are all finished untracked. An insert that checks the items
// itself was tried when jobs took a transaction of their own: it cost the
// untracked acknowledgements a quarter of their rate.
func TestPostgresBatchRoundTrips(t *testing.T) {
	ctx := context.Background()
	db := openPostgresQueue(t)
	rt := &roundTrips{}
	if err := db.TraceIngestForTest(ctx, rt); err != nil {
		t.Fatal(err)
	}
	ingest := func(id, item string) {
		t.Helper()
		d := bot.Delivery{ID: id, Event: "issues", Action: "labeled", Repo: "rust-lang/rfcs", Payload: []byte(`{}`)}
		if dup, err := db.IngestAbout(ctx, d, item); err != nil || dup {
			t.Fatalf("ingest %s: duplicate %v, %v", id, dup, err)
		}
	}
	if err := db.ExecForTest(ctx, `INSERT INTO items (ref, kind) VALUES ('rust-lang/rfcs#3654', 'rfc')`); err != nil {
		t.Fatal(err)
	}
	ingest("warm-up", "")
	rt.take()
	for _, c := range []struct {
		id, item    string
		min, max    int // round trips
		first, last string
	}{
		{"with-job-1", "", 1, 1, "WITH d AS", "WITH d AS"},
		{"with-job-2", "", 1, 1, "WITH d AS", "WITH d AS"},
		{"untracked", "rust-lang/rust#1", 2, 2, "SELECT ref FROM", "INSERT INTO deliveries"},
		{"tracked", "rust-lang/rfcs#3654", 2, 2, "SELECT ref FROM", "WITH d AS"},
	} {
		ingest(c.id, c.item)
		n, sent := rt.take()
		if n < c.min || n > c.max {
			t.Errorf("%s: %d round trips %q, want %d to %d", c.id, n, sent, c.min, c.max)
		}
		if len(sent) == 0 || sent[0] != c.first || sent[len(sent)-1] != c.last {
			t.Errorf("%s: sent %q, want %q first and %q last", c.id, sent, c.first, c.last)
		}
	}
	var jobs int
	if err := db.QueryRowForTest(ctx, `SELECT COUNT(*) FROM river_job`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != 4 {
		t.Errorf("%d jobs, want 4 (none for the untracked delivery)", jobs)
	}
}

// TestDeliveryJobIsRiverJob compares the job PostgreSQL ingest writes for
// a delivery with the one River's client writes for the same arguments:
// every column but the id and the times must be equal, so that a River
// upgrade or a change of bot.ProcessDelivery that ingest's statement does
// not follow fails here.
func TestDeliveryJobIsRiverJob(t *testing.T) {
	ctx := context.Background()
	db := OpenPostgres(t)
	q, err := db.NewQueue(&river.Config{MaxAttempts: 7})
	if err != nil {
		t.Fatal(err)
	}
	d := bot.Delivery{ID: "by-ingest", Event: "issues", Action: "labeled", Repo: "rust-lang/rfcs", Payload: []byte(`{}`)}
	if _, err := db.Ingest(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Insert(ctx, bot.ProcessDelivery{DeliveryID: "by-river"}, nil); err != nil {
		t.Fatal(err)
	}
	row := func(id string) string {
		t.Helper()
		var s string
		err := db.QueryRowForTest(ctx, `SELECT (to_jsonb(j) - 'id' - 'created_at' - 'scheduled_at'
			|| jsonb_build_object('args', j.args - 'delivery_id', 'fresh', j.scheduled_at > now() - interval '1 minute'))::text
			FROM river_job j WHERE args->>'delivery_id' = ?`, id).Scan(&s)
		if err != nil {
			t.Fatalf("job of %s: %v", id, err)
		}
		return s
	}
	got, want := row("by-ingest"), row("by-river")
	if got != want {
		t.Errorf("ingest's job:\n%s\nRiver's:\n%s", got, want)
	}
	if !strings.Contains(got, `"max_attempts": 7`) {
		t.Errorf("ingest's job %s does not take the queue's MaxAttempts 7", got)
	}
}

// TestDeliveryJobNotifiesWorkers checks that River's workers hear of a job
// PostgreSQL ingest wrote at once, by the notification its statement
// sends, rather than at their next poll (a minute here).
func TestDeliveryJobNotifiesWorkers(t *testing.T) {
	ctx := context.Background()
	db := OpenPostgres(t)
	worked := make(chan string, 4)
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(_ context.Context, j *river.Job[bot.ProcessDelivery]) error {
		worked <- j.Args.DeliveryID
		return nil
	}))
	q, err := db.NewQueue(&river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		Workers:           workers,
		FetchCooldown:     river.FetchCooldownMin, // the second ingest comes later: it is notified too
		FetchPollInterval: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })
	// The first may be found by the workers' first fetch; the second can
	// only be heard of.
	for _, id := range []string{"first", "second"} {
		d := bot.Delivery{ID: id, Event: "issues", Action: "labeled", Repo: "rust-lang/rfcs", Payload: []byte(`{}`)}
		if _, err := db.Ingest(ctx, d); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-worked:
			if got != id {
				t.Fatalf("worked %q, want %q", got, id)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("the job of %q was not worked within 20 s (the workers poll every minute)", id)
		}
	}
}
