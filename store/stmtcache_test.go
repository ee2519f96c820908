package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"testing"
)

// TestStmtCacheNestedSameQuery: a query run again while the rows of the
// same text are still open gets a statement of its own; sharing the cached
// one would reset the outer rows half-way.
func TestStmtCacheNestedSameQuery(t *testing.T) {
	ctx := context.Background()
	db, err := openGated("file:"+filepath.Join(t.TempDir(), "c.db")+"?"+sqlitePragmas, &gate{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = "SELECT x FROM t ORDER BY x"
	sum := func() int {
		rs, err := tx.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		n := 0
		for rs.Next() {
			var x int
			rs.Scan(&x)
			n += x
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
		return n
	}
	outer, err := tx.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	for outer.Next() {
		var x int
		outer.Scan(&x)
		seen = append(seen, x)
		if len(seen) > 3 {
			t.Fatalf("outer rows start over: %v", seen)
		}
		if s := sum(); s != 6 {
			t.Errorf("inner sum %d, want 6", s)
		}
	}
	outer.Close()
	if fmt.Sprint(seen) != "[1 2 3]" {
		t.Errorf("outer rows %v, want [1 2 3]", seen)
	}
	if s := sum(); s != 6 { // the cached statement is free again
		t.Errorf("sum after %d, want 6", s)
	}
}

// TestStmtCacheEvictKeepsBusy: eviction closes only statements no rows use.
func TestStmtCacheEvictKeepsBusy(t *testing.T) {
	c := &stmtCache{stmts: map[string]*cachedStmt{"a": {stmt: &fakeStmt{}, busy: true}, "b": {stmt: &fakeStmt{}}}}
	a, b := c.stmts["a"].stmt.(*fakeStmt), c.stmts["b"].stmt.(*fakeStmt)
	c.evict()
	if a.closed || !b.closed || len(c.stmts) != 1 {
		t.Errorf("after evict: busy closed=%v, idle closed=%v, %d left; want false, true, 1", a.closed, b.closed, len(c.stmts))
	}
}

type fakeStmt struct{ closed bool }

func (s *fakeStmt) Close() error                               { s.closed = true; return nil }
func (s *fakeStmt) NumInput() int                              { return 0 }
func (s *fakeStmt) Exec([]driver.Value) (driver.Result, error) { return nil, nil }
func (s *fakeStmt) Query([]driver.Value) (driver.Rows, error)  { return nil, nil }
