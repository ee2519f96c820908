package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/store"
	"github.com/goalbot/goalbot/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, OpenSQLite)
}

func TestPostgres(t *testing.T) {
	if os.Getenv("GOALBOT_TEST_POSTGRES_URL") == "" {
		t.Skip("GOALBOT_TEST_POSTGRES_URL is not set; skipping the PostgreSQL store suite (.ci/run sets it)")
	}
	storetest.Run(t, OpenPostgres)
}

// OpenSQLite opens a migrated store in a fresh temporary file.
func OpenSQLite(t *testing.T) *store.DB {
	t.Helper()
	return openMigrated(t, "sqlite:"+filepath.Join(t.TempDir(), "goalbot.db"))
}

// OpenPostgres opens a migrated store in a fresh schema of the test database.
func OpenPostgres(t *testing.T) *store.DB {
	t.Helper()
	u := storetest.PostgresURL(t)
	return openMigrated(t, u)
}

func openMigrated(t *testing.T, u string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestOpenRejectsBadURL(t *testing.T) {
	for _, u := range []string{"mysql://x", "goalbot.db", "sqlite:"} {
		_, err := store.Open(context.Background(), u)
		if err == nil || !strings.Contains(err.Error(), "sqlite") {
			t.Errorf("Open(%q) = %v, want an error explaining the accepted forms", u, err)
		}
	}
}

func TestMigrateTwiceIsHarmless(t *testing.T) {
	db := OpenSQLite(t)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
}

// TestPostgresReplicasMigrateTogether starts two stores on one fresh schema
// at once: the advisory lock lets one migrate and the other find it done.
func TestPostgresReplicasMigrateTogether(t *testing.T) {
	u := storetest.PostgresURL(t)
	ctx := context.Background()
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() {
			db, err := store.Open(ctx, u)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				errs <- err
				return
			}
			errs <- db.Ready(ctx)
		}()
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
}

// TestSQLiteIngestLogIsCheckpointed: the writer leaves checkpoints to the
// ingester's checkpointer, which must copy what ingest wrote into the
// inbox file; were it missing, the log would only grow and the file would
// stay as migrations left it.
func TestSQLiteIngestLogIsCheckpointed(t *testing.T) {
	ctx := context.Background()
	db, path := openQueuedSQLite(t)
	path = store.InboxPath(path) // where ingest writes
	before := fileSize(t, path)
	payload := []byte(`{"action":"labeled","body":"` + strings.Repeat("x", 64<<10) + `"}`)
	const n = 40 // 2.5 MiB: over SQLite's 1,000-page threshold for a checkpoint
	for i := 0; i < n; i++ {
		d := bot.Delivery{ID: fmt.Sprintf("ckpt-%d", i), Event: "issues", Action: "labeled", Repo: "rust-lang/rfcs",
			Payload: payload, ReceivedAt: time.Now()}
		if _, err := db.Ingest(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for fileSize(t, path) < before+n*int64(len(payload)) {
		if time.Now().After(deadline) {
			t.Fatalf("database file is %d bytes 10 s after ingesting %d bytes (it was %d): the log was not checkpointed",
				fileSize(t, path), n*len(payload), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// BenchmarkGoal reads a goal of 1,000 subgoals, as a recompute or a
// render of a large goal does.
func BenchmarkGoal(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	doc := &goaldoc.Document{ID: "big", Title: "Big"}
	for i := range 1000 {
		doc.Subgoals = append(doc.Subgoals, goaldoc.Subgoal{ID: fmt.Sprintf("task-%d", i), Title: fmt.Sprintf("Task %d", i),
			Owners: []string{"compiler-errors"}, Links: []ref.Ref{ref.New("rust-lang", "rust", 300000+i)}})
	}
	if err := db.SaveGoal(ctx, bot.Goal{ID: "big", Title: "Big", Doc: doc}, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if g, err := db.Goal(ctx, "big"); err != nil || len(g.Doc.Subgoals) != 1000 {
			b.Fatalf("%d subgoals, %v", len(g.Doc.Subgoals), err)
		}
	}
}
