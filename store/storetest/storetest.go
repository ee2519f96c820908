// Package storetest is the one test suite every store backend runs: the
// same cases, unchanged, against SQLite and PostgreSQL.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/store"
	"github.com/riverqueue/river"
)

// Opener returns a fresh, migrated, empty store for one test and arranges
// its cleanup.
type Opener func(t *testing.T) *store.DB

// Run runs every case of the suite against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, db *store.DB)
	}{
		{"IngestStoresDeliveryAndJob", testIngestStoresDeliveryAndJob},
		{"GoalDocumentChanges", testGoalDocumentChanges},
		{"IngestDuplicate", testIngestDuplicate},
		{"IngestConcurrentDuplicates", testIngestConcurrentDuplicates},
		{"IngestBatchConcurrent", testIngestBatchConcurrent},
		{"IngestBatchFailure", testIngestBatchFailure},
		{"IngestUntracked", testIngestUntracked},
		{"IngestDeadline", testIngestDeadline},
		{"DeliveryNotFound", testDeliveryNotFound},
		{"FinishDelivery", testFinishDelivery},
		{"Ready", testReady},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := open(t)
			tt.fn(t, db)
		})
	}
	runDomain(t, open)
	runDiscovery(t, open)
	runRetention(t, open)
}

// insertOnlyQueue attaches an insert-only River client, as the receiver has.
func insertOnlyQueue(t *testing.T, db *store.DB) store.Queue {
	t.Helper()
	c, err := db.NewQueue(&river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func delivery(id string) bot.Delivery {
	return bot.Delivery{ID: id, Event: "issues", Action: "labeled", Repo: "rust-lang/rfcs",
		InstallationID: 42, ReceivedAt: time.Date(2024, 8, 1, 12, 0, 0, 0, time.UTC), Payload: []byte(`{"action":"labeled"}`)}
}

// pump enqueues the jobs of the deliveries stored so far (SQLite's pump
// runs in the background; tests that count jobs run it themselves).
func pump(t *testing.T, db *store.DB) {
	t.Helper()
	if _, err := db.Pump(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func jobCount(t *testing.T, db *store.DB) int {
	t.Helper()
	pump(t, db)
	n, err := db.QueueDepth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testIngestStoresDeliveryAndJob(t *testing.T, db *store.DB) {
	ctx := context.Background()
	insertOnlyQueue(t, db)
	want := delivery("d-1")
	dup, err := db.Ingest(ctx, want)
	if err != nil || dup {
		t.Fatalf("Ingest = %v, %v; want false, nil", dup, err)
	}
	got, err := db.Delivery(ctx, "d-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Event != want.Event || got.Action != want.Action || got.Repo != want.Repo ||
		got.InstallationID != want.InstallationID || string(got.Payload) != string(want.Payload) ||
		!got.ReceivedAt.Equal(want.ReceivedAt) || got.Outcome != bot.OutcomeQueued {
		t.Errorf("stored %+v, want %+v", got, want)
	}
	if n := jobCount(t, db); n != 1 {
		t.Errorf("queue depth = %d, want 1", n)
	}
}

func testIngestDuplicate(t *testing.T, db *store.DB) {
	ctx := context.Background()
	insertOnlyQueue(t, db)
	if _, err := db.Ingest(ctx, delivery("d-1")); err != nil {
		t.Fatal(err)
	}
	second := delivery("d-1")
	second.Payload = []byte(`{"action":"changed"}`)
	dup, err := db.Ingest(ctx, second)
	if err != nil || !dup {
		t.Fatalf("second Ingest = %v, %v; want true, nil", dup, err)
	}
	got, _ := db.Delivery(ctx, "d-1")
	if string(got.Payload) != `{"action":"labeled"}` {
		t.Errorf("duplicate overwrote payload: %s", got.Payload)
	}
	if n := jobCount(t, db); n != 1 {
		t.Errorf("queue depth = %d, want 1 (duplicate must not enqueue)", n)
	}
}

func testIngestConcurrentDuplicates(t *testing.T, db *store.DB) {
	ctx := context.Background()
	insertOnlyQueue(t, db)
	const workers, ids = 8, 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := map[string]int{}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < ids; i++ {
				id := fmt.Sprintf("d-%d", i)
				dup, err := db.Ingest(ctx, delivery(id))
				if err != nil {
					t.Error(err)
					return
				}
				if !dup {
					mu.Lock()
					fresh[id]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for i := 0; i < ids; i++ {
		if n := fresh[fmt.Sprintf("d-%d", i)]; n != 1 {
			t.Errorf("delivery d-%d accepted as new %d times, want 1", i, n)
		}
	}
	if n := jobCount(t, db); n != ids {
		t.Errorf("queue depth = %d, want %d", n, ids)
	}
}

func testDeliveryNotFound(t *testing.T, db *store.DB) {
	_, err := db.Delivery(context.Background(), "nope")
	if bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("Delivery(nope) error = %v, want code %s", err, bot.ENOTFOUND)
	}
}

func testFinishDelivery(t *testing.T, db *store.DB) {
	ctx := context.Background()
	insertOnlyQueue(t, db)
	db.Now = func() time.Time { return time.Date(2024, 8, 2, 0, 0, 0, 0, time.UTC) }
	if _, err := db.Ingest(ctx, delivery("d-1")); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishDelivery(ctx, "d-1", bot.OutcomeFailed, "boom"); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Delivery(ctx, "d-1")
	if got.Outcome != bot.OutcomeFailed || got.Error != "boom" || !got.ProcessedAt.Equal(db.Now()) {
		t.Errorf("after finish: outcome %q error %q processed %v", got.Outcome, got.Error, got.ProcessedAt)
	}
	counts, err := db.DeliveryCounts(ctx)
	if err != nil || counts[bot.OutcomeFailed] != 1 {
		t.Errorf("DeliveryCounts = %v, %v", counts, err)
	}
}

func testReady(t *testing.T, db *store.DB) {
	if err := db.Ready(context.Background()); err != nil {
		t.Fatalf("Ready on a migrated store: %v", err)
	}
}

// HoldWriteLock takes the write lock of the SQLite file at path from a
// connection of its own, as another process would, and returns what gives
// it back (also run at the end of the test).
func HoldWriteLock(t testing.TB, path string) (release func()) {
	t.Helper()
	ctx := context.Background()
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := other.Conn(ctx)
	if err != nil {
		other.Close()
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		conn.Close()
		other.Close()
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
				t.Error(err)
			}
			conn.Close()
			other.Close()
		})
	}
	t.Cleanup(release)
	return release
}
