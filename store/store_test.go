package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	u := PostgresSchemaURL(t)
	return openMigrated(t, u)
}

// PostgresSchemaURL creates a schema of its own for t in the database of
// GOALBOT_TEST_POSTGRES_URL, drops it at cleanup, and returns a URL whose
// search_path selects it.
func PostgresSchemaURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("GOALBOT_TEST_POSTGRES_URL")
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
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
