package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/store"
	"github.com/goalbot/goalbot/store/storetest"
	"github.com/riverqueue/river"
)

func sqliteDelivery(id string) bot.Delivery {
	return bot.Delivery{ID: id, Event: "issues", Action: "labeled", Repo: "rust-lang/rfcs", InstallationID: 7,
		ReceivedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Payload: []byte(`{"action":"labeled"}`)}
}

// openQueuedSQLite opens a migrated SQLite store in a fresh file, with an
// insert-only queue (so its pump runs), and returns it and the file's path.
func openQueuedSQLite(t *testing.T) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "goalbot.db")
	db := openMigrated(t, "sqlite:"+path)
	if _, err := db.NewQueue(&river.Config{}); err != nil {
		t.Fatal(err)
	}
	return db, path
}

func processJobs(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowForTest(context.Background(), `SELECT COUNT(*) FROM river_job WHERE kind = 'process_delivery'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSQLiteIngestWhileDatabaseLocked: deliveries go to the inbox file, so
// an acknowledgement does not wait for the database's write lock, which a
// worker (here: another connection) may hold for a while; their jobs come
// once it is free.
func TestSQLiteIngestWhileDatabaseLocked(t *testing.T) {
	ctx := context.Background()
	db, path := openQueuedSQLite(t)
	release := storetest.HoldWriteLock(t, path)
	// Well under the 5 s busy timeout a wait for the lock would last.
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if dup, err := db.Ingest(short, sqliteDelivery("while-locked")); err != nil || dup {
		t.Fatalf("Ingest while the database is locked = %v, %v; want stored", dup, err)
	}
	// The pump cannot enqueue its job yet; the queue's depth counts it.
	if n, err := db.QueueDepth(ctx); err != nil || n != 1 {
		t.Errorf("QueueDepth with the delivery waiting for the pump = %d, %v; want 1", n, err)
	}
	release()
	if _, err := db.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	if n := processJobs(t, db); n != 1 {
		t.Errorf("%d jobs after the lock was released, want 1", n)
	}
}

// TestSQLitePumpRecoversAndNeverRepeats: deliveries committed to the inbox
// by a process that stopped before its pump ran are enqueued by the next
// one, once each; a delivery skipped as untracked gets no job.
func TestSQLitePumpRecoversAndNeverRepeats(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "goalbot.db")
	// The first process: an inbox writer whose pump never ran (the rows
	// are written as ingest writes them, with no job queue at all).
	first := openMigrated(t, "sqlite:"+path)
	inbox, err := sql.Open("sqlite", "file:"+store.InboxPath(path))
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"a", "b", "c"} {
		skip := ""
		if i == 1 {
			skip = store.SkipUntracked
		}
		if _, err := inbox.ExecContext(ctx, `INSERT INTO deliveries (id, event, received_at, payload, skip_reason)
			VALUES (?, 'issues', ?, '{}', ?)`, id, time.Now().UTC(), skip); err != nil {
			t.Fatal(err)
		}
	}
	inbox.Close()
	first.Close()

	second := openMigrated(t, "sqlite:"+path)
	if _, err := second.NewQueue(&river.Config{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for processJobs(t, second) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // the pump runs when the queue is made
	}
	for i := 0; i < 3; i++ {
		if _, err := second.Pump(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := processJobs(t, second); n != 2 {
		t.Errorf("%d jobs for two queued deliveries and one skipped, want 2", n)
	}
	var got sql.NullString
	if err := second.QueryRowForTest(ctx, `SELECT group_concat(json_extract(args, '$.delivery_id'), ',') FROM river_job`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got.String != "a,c" && got.String != "c,a" {
		t.Errorf("jobs for %q, want a and c", got.String)
	}
}

// TestSQLiteMigrateMovesDeliveries: a database from before the inbox keeps
// its deliveries (moved to the inbox, the old table dropped) and their jobs,
// and no job is made again for them.
func TestSQLiteMigrateMovesDeliveries(t *testing.T) {
	ctx := context.Background()
	db, path := openQueuedSQLite(t)
	if _, err := db.Ingest(ctx, sqliteDelivery("new-before")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	// Put back the table of migration 0007, holding two deliveries whose
	// jobs were enqueued with them (one of them also in the inbox).
	old, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	for _, q := range []string{
		`CREATE TABLE deliveries (id TEXT PRIMARY KEY, event TEXT NOT NULL, action TEXT NOT NULL DEFAULT '',
			repo TEXT NOT NULL DEFAULT '', installation_id INTEGER NOT NULL DEFAULT 0, received_at TIMESTAMP NOT NULL,
			payload BLOB NOT NULL, processed_at TIMESTAMP, outcome TEXT NOT NULL DEFAULT 'queued',
			error TEXT NOT NULL DEFAULT '', skip_reason TEXT NOT NULL DEFAULT '')`,
		`INSERT INTO deliveries (id, event, action, repo, installation_id, received_at, payload, outcome, error)
			VALUES ('old-1', 'issues', 'labeled', 'rust-lang/rfcs', 7, '2026-11-01 10:00:00+00:00', '{"a":1}', 'failed', 'boom'),
			('new-before', 'issues', 'opened', '', 0, '2026-11-02 10:00:00+00:00', '{"b":2}', 'queued', '')`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate with an old deliveries table: %v", err)
	}
	var tables int
	old.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'deliveries'`).Scan(&tables)
	if tables != 0 {
		t.Error("the old deliveries table is still in the database")
	}
	got, err := db.Delivery(ctx, "old-1")
	if err != nil {
		t.Fatalf("moved delivery: %v", err)
	}
	if got.Outcome != bot.OutcomeFailed || got.Error != "boom" || string(got.Payload) != `{"a":1}` || got.InstallationID != 7 {
		t.Errorf("moved delivery = %+v", got)
	}
	if kept, _ := db.Delivery(ctx, "new-before"); kept.Action != "labeled" {
		t.Errorf("the inbox's own copy was replaced: action %q", kept.Action)
	}
	if _, err := db.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	if n := processJobs(t, db); n != 1 {
		t.Errorf("%d jobs after moving, want 1 (the moved deliveries' jobs were made with them)", n)
	}
	if _, err := db.Ingest(ctx, sqliteDelivery("after")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pump(ctx); err != nil {
		t.Fatal(err)
	}
	if n := processJobs(t, db); n != 2 {
		t.Errorf("%d jobs after a new delivery, want 2", n)
	}
}
