package store

import (
	"context"
	"database/sql/driver"
)

// River's SQLite driver and goalbot's own queries send SQL text that
// SQLite parses and plans again on every call: a fifth to a quarter of the
// process's CPU while jobs run. A connection keeps the statements it ran
// prepared, keyed by their text, and reuses them.

// A statement prepared from a script of several statements is run as
// conn.Exec would (modernc.org/sqlite parses its statements in turn on each
// run), so any text may be cached; only single statements gain.

// stmtCacheSize bounds the statements one connection keeps; River's and
// goalbot's distinct texts are far fewer, and a text built per call (an IN
// list of varying length) is cached per length.
const stmtCacheSize = 512

// stmtCache is one connection's prepared statements. database/sql uses a
// connection from one goroutine at a time, so it needs no lock.
type stmtCache struct {
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	stmt driver.Stmt
	busy bool // its rows are still open
}

// get returns the cached statement for query, preparing it with prepare
// the first time, and whether it came from (and belongs to) the cache.
// A statement whose rows are still open is not shared: the caller gets a
// fresh one to close itself.
func (c *stmtCache) get(ctx context.Context, query string, prepare func(context.Context, string) (driver.Stmt, error)) (driver.Stmt, *cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok && !cs.busy {
		return cs.stmt, cs, nil
	} else if ok {
		st, err := prepare(ctx, query)
		return st, nil, err
	}
	st, err := prepare(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	if c.stmts == nil {
		c.stmts = make(map[string]*cachedStmt)
	}
	if len(c.stmts) >= stmtCacheSize {
		c.evict()
	}
	cs := &cachedStmt{stmt: st}
	c.stmts[query] = cs
	return st, cs, nil
}

// evict closes and forgets the statements no rows use.
func (c *stmtCache) evict() {
	for q, cs := range c.stmts {
		if !cs.busy {
			cs.stmt.Close()
			delete(c.stmts, q)
		}
	}
}

// close closes every cached statement.
func (c *stmtCache) close() {
	for _, cs := range c.stmts {
		cs.stmt.Close()
	}
	c.stmts = nil
}

// exec runs query on a cached statement.
func (c *stmtCache) exec(ctx context.Context, s sqliteConn, query string, args []driver.NamedValue) (driver.Result, error) {
	st, cs, err := c.get(ctx, query, s.PrepareContext)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		defer st.Close()
	}
	ex, ok := st.(driver.StmtExecContext)
	if !ok {
		return nil, errNotSQLite
	}
	return ex.ExecContext(ctx, args)
}

// query runs query on a cached statement; done runs when its rows close.
func (c *stmtCache) query(ctx context.Context, s sqliteConn, query string, args []driver.NamedValue, done func()) (driver.Rows, error) {
	st, cs, err := c.get(ctx, query, s.PrepareContext)
	if err != nil {
		done()
		return nil, err
	}
	q, ok := st.(driver.StmtQueryContext)
	if !ok {
		done()
		return nil, errNotSQLite
	}
	rows, err := q.QueryContext(ctx, args)
	if err != nil {
		if cs == nil {
			st.Close()
		}
		done()
		return nil, err
	}
	if cs != nil {
		cs.busy = true
	}
	return &closingRows{Rows: rows, done: func() {
		if cs != nil {
			cs.busy = false
		} else {
			st.Close()
		}
		done()
	}}, nil
}
