package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// PostgresURL creates a schema of its own for t in the database of
// GOALBOT_TEST_POSTGRES_URL, drops it at cleanup, and returns a URL whose
// search_path selects it.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("GOALBOT_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("GOALBOT_TEST_POSTGRES_URL is not set; skipping a PostgreSQL test (.ci/run sets it)")
	}
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
