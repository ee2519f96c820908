package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/store"
)

// ingestAll ingests the deliveries concurrently and returns each one's
// duplicate flag and error, in order.
func ingestAll(ctx context.Context, db *store.DB, ds []bot.Delivery, item func(i int) string) ([]bool, []error) {
	dups, errs := make([]bool, len(ds)), make([]error, len(ds))
	var wg sync.WaitGroup
	for i, d := range ds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := ""
			if item != nil {
				it = item(i)
			}
			dups[i], errs[i] = db.IngestAbout(ctx, d, it)
		}()
	}
	wg.Wait()
	return dups, errs
}

func countWhere(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	pump(t, db)
	var n int
	if err := db.QueryRowForTest(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// testIngestBatchConcurrent: many deliveries at once, gathered into a few
// transactions, each stored with exactly one job; repeats within and
// across batches are duplicates.
func testIngestBatchConcurrent(t *testing.T, db *store.DB) {
	ctx := context.Background()
	db.SetIngestOptions(store.IngestOptions{MaxBatch: 16, MaxWait: 5 * time.Millisecond})
	insertOnlyQueue(t, db)
	var ds []bot.Delivery
	for i := 0; i < 100; i++ {
		ds = append(ds, delivery(fmt.Sprintf("b-%d", i%70))) // 30 repeats
	}
	dups, errs := ingestAll(ctx, db, ds, nil)
	fresh := map[string]int{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
		if !dups[i] {
			fresh[ds[i].ID]++
		}
	}
	if len(fresh) != 70 {
		t.Errorf("%d ids accepted as new, want 70", len(fresh))
	}
	for id, n := range fresh {
		if n != 1 {
			t.Errorf("%s accepted as new %d times", id, n)
		}
	}
	if n := countWhere(t, db, `SELECT COUNT(*) FROM deliveries`); n != 70 {
		t.Errorf("%d rows, want 70", n)
	}
	if n := countWhere(t, db, `SELECT COUNT(*) FROM river_job WHERE kind = 'process_delivery'`); n != 70 {
		t.Errorf("%d jobs, want 70", n)
	}
}

// testIngestBatchFailure: when a batch's transaction fails, every
// delivery in it gets the error and none of them is stored or queued.
func testIngestBatchFailure(t *testing.T, db *store.DB) {
	ctx := context.Background()
	// A long wait gathers the 8 deliveries into one batch.
	db.SetIngestOptions(store.IngestOptions{MaxBatch: 8, MaxWait: 2 * time.Second, Committers: 1})
	insertOnlyQueue(t, db)
	if err := db.ExecForTest(ctx, `ALTER TABLE deliveries ADD CONSTRAINT no_bad CHECK (id NOT LIKE 'bad-%')`); err != nil {
		if db.Dialect() == store.SQLite {
			// SQLite cannot add a constraint: a trigger refuses the row.
			if err := db.ExecForTest(ctx, `CREATE TRIGGER no_bad BEFORE INSERT ON deliveries WHEN NEW.id LIKE 'bad-%'
				BEGIN SELECT RAISE(ABORT, 'bad delivery'); END`); err != nil {
				t.Fatal(err)
			}
		} else {
			t.Fatal(err)
		}
	}
	var ds []bot.Delivery
	for i := 0; i < 7; i++ {
		ds = append(ds, delivery(fmt.Sprintf("ok-%d", i)))
	}
	ds = append(ds, delivery("bad-1"))
	_, errs := ingestAll(ctx, db, ds, nil)
	for i, err := range errs {
		if err == nil {
			t.Errorf("delivery %s: no error, though its batch failed", ds[i].ID)
		}
	}
	if n := countWhere(t, db, `SELECT COUNT(*) FROM deliveries`); n != 0 {
		t.Errorf("%d deliveries stored from a failed batch", n)
	}
	if n := jobCount(t, db); n != 0 {
		t.Errorf("%d jobs queued from a failed batch", n)
	}
	// The next batch, without the bad one, goes through.
	db.SetIngestOptions(store.IngestOptions{})
	if _, err := db.Ingest(ctx, delivery("ok-0")); err != nil {
		t.Fatalf("after a failed batch: %v", err)
	}
}

// testIngestUntracked: a delivery about an item no goal tracks is stored
// as done with no job and without its payload; one about a linked item, or
// with no item named, gets its job and keeps its payload.
func testIngestUntracked(t *testing.T, db *store.DB) {
	ctx := context.Background()
	insertOnlyQueue(t, db)
	linked := ref.New("rust-lang", "rfcs", 3654)
	if _, err := db.AddLink(ctx, bot.Link{Goal: "g", Subgoal: "s", Item: linked, Origin: "doc"}); err != nil {
		t.Fatal(err)
	}
	// An item stored but linked by no goal (found by discovery, or kept
	// with [fcp] track_all) is tracked too.
	stored := ref.New("rust-lang", "compiler-team", 727)
	if _, err := db.UpdateItem(ctx, stored, func(it *bot.Item, exists bool) (bool, error) {
		it.Kind, it.Title = "issue", "MCP"
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id, item string
		job      bool
	}{
		{"u-untracked", "rust-lang/rust#1", false},
		{"u-linked", linked.String(), true},
		{"u-stored", stored.String(), true},
		{"u-none", "", true},
	}
	before := 0
	for _, c := range cases {
		dup, err := db.IngestAbout(ctx, delivery(c.id), c.item)
		if err != nil || dup {
			t.Fatalf("%s: %v, %v", c.id, dup, err)
		}
		total := countWhere(t, db, `SELECT COUNT(*) FROM river_job WHERE kind = 'process_delivery'`)
		jobs := total - before
		before = total
		got, err := db.Delivery(ctx, c.id)
		if err != nil {
			t.Fatal(err)
		}
		reason := ""
		if err := db.QueryRowForTest(ctx, `SELECT skip_reason FROM deliveries WHERE id = ?`, c.id).Scan(&reason); err != nil {
			t.Fatal(err)
		}
		if c.job {
			if jobs != 1 || got.Outcome != bot.OutcomeQueued || reason != "" || string(got.Payload) != `{"action":"labeled"}` {
				t.Errorf("%s: %d jobs, outcome %q, skip %q, payload %q; want 1 job, queued, the payload", c.id, jobs, got.Outcome, reason, got.Payload)
			}
		} else if jobs != 0 || got.Outcome != bot.OutcomeDone || got.ProcessedAt.IsZero() || reason != store.SkipUntracked ||
			len(got.Payload) != 0 || got.Event != "issues" || got.Repo != "rust-lang/rfcs" {
			t.Errorf("%s: %d jobs, outcome %q, processed %v, skip %q, payload %d bytes, event %q, repo %q; want no job, done, %q, no payload, the rest kept",
				c.id, jobs, got.Outcome, got.ProcessedAt, reason, len(got.Payload), got.Event, got.Repo, store.SkipUntracked)
		}
	}
	// Its redelivery is a duplicate like any other.
	if dup, err := db.IngestAbout(ctx, delivery("u-untracked"), "rust-lang/rust#1"); err != nil || !dup {
		t.Errorf("redelivery of an untracked delivery: %v, %v; want duplicate", dup, err)
	}
}

// testIngestDeadline: a delivery whose context ends while the store is
// busy returns the context's error at once, not when the store frees up.
func testIngestDeadline(t *testing.T, db *store.DB) {
	insertOnlyQueue(t, db)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	start := time.Now()
	_, err := db.Ingest(ctx, delivery("late"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Ingest after the deadline = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Ingest after the deadline took %v", d)
	}
}
