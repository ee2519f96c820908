package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// SQLite lets one connection write at a time. When a second one wants to,
// SQLite's busy handler makes it sleep 1, 2, 5, 10, 15, 20, 25 … ms between
// tries, so an acknowledgement that met a worker's transaction waited 20 to
// 100 ms for a lock free after 1. The gate orders this process's writers
// itself instead: a connection takes it before SQLite's write lock (a
// transaction, which starts with BEGIN IMMEDIATE, or a statement that
// writes outside one) and gives it back when that ends, handing it at once
// to who waits — ingest first, since GitHub waits for its answer. The busy
// timeout stays for other processes (a `goalbot jobs retry`, say).

// gate is a lock with two classes of waiters: when it is released, a
// waiting priority holder gets it before any other. Each class is served in
// arrival order. Since the ingester holds it for one batch at a time and
// asks again only after its answers are sent, a waiting worker gets its
// turn between two batches: neither side starves.
type gate struct {
	mu    sync.Mutex
	held  bool
	first []chan struct{} // priority waiters (ingest)
	rest  []chan struct{} // everyone else
}

// acquire takes the gate, waiting as long as ctx allows.
func (g *gate) acquire(ctx context.Context, priority bool) error {
	g.mu.Lock()
	if !g.held {
		g.held = true
		g.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	if priority {
		g.first = append(g.first, ch)
	} else {
		g.rest = append(g.rest, ch)
	}
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		removed := remove(&g.first, ch) || remove(&g.rest, ch)
		g.mu.Unlock()
		if !removed { // handed over meanwhile: pass it on
			<-ch
			g.release()
		}
		return fmt.Errorf("wait for SQLite's write lock: %w", context.Cause(ctx))
	}
}

// release hands the gate to the next waiter, priority first, or frees it.
func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	var next chan struct{}
	switch {
	case len(g.first) > 0:
		next, g.first = g.first[0], g.first[1:]
	case len(g.rest) > 0:
		next, g.rest = g.rest[0], g.rest[1:]
	default:
		g.held = false
		return
	}
	close(next)
}

func remove(q *[]chan struct{}, ch chan struct{}) bool {
	for i, c := range *q {
		if c == ch {
			*q = append((*q)[:i], (*q)[i+1:]...)
			return true
		}
	}
	return false
}

// gatedConnector opens SQLite connections whose writes take the gate.
type gatedConnector struct {
	drv      driver.Driver
	dsn      string
	gate     *gate
	priority bool
}

// openGated opens a pool of SQLite connections (the driver registered as
// "sqlite") whose writes go through g.
func openGated(dsn string, g *gate, priority bool) (*sql.DB, error) {
	probe, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	probe.Close()
	return sql.OpenDB(&gatedConnector{drv: drv, dsn: dsn, gate: g, priority: priority}), nil
}

func (c *gatedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &gatedConn{conn: conn, c: c}, nil
}

func (c *gatedConnector) Driver() driver.Driver { return c.drv }

// sqliteConn is what modernc.org/sqlite's connections implement.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// gatedConn is one connection; database/sql uses it from one goroutine at
// a time, so inTx needs no lock.
type gatedConn struct {
	conn  driver.Conn
	c     *gatedConnector
	inTx  bool
	cache stmtCache
}

var errNotSQLite = errors.New("store: the sqlite driver's connection lacks a method goalbot needs")

func (gc *gatedConn) sqlite() (sqliteConn, error) {
	s, ok := gc.conn.(sqliteConn)
	if !ok {
		return nil, errNotSQLite
	}
	return s, nil
}

func (gc *gatedConn) Prepare(query string) (driver.Stmt, error) {
	return gc.PrepareContext(context.Background(), query)
}

func (gc *gatedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, err := gc.sqlite()
	if err != nil {
		return nil, err
	}
	st, err := s.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &gatedStmt{Stmt: st, conn: gc, write: writes(query)}, nil
}

func (gc *gatedConn) Close() error {
	gc.cache.close()
	err := gc.conn.Close()
	if gc.inTx {
		// database/sql closes a broken connection without ending its
		// transaction through it: the gate must not stay taken.
		gc.inTx = false
		gc.c.gate.release()
	}
	return err
}

func (gc *gatedConn) Begin() (driver.Tx, error) {
	return gc.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx takes the gate for the whole transaction: with _txlock=immediate
// every transaction holds SQLite's write lock from its BEGIN.
func (gc *gatedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	s, err := gc.sqlite()
	if err != nil {
		return nil, err
	}
	if err := gc.c.gate.acquire(ctx, gc.c.priority); err != nil {
		return nil, err
	}
	tx, err := s.BeginTx(ctx, opts)
	if err != nil {
		gc.c.gate.release()
		return nil, err
	}
	gc.inTx = true
	return &gatedTx{Tx: tx, conn: gc}, nil
}

// hold takes the gate for one statement outside a transaction when it
// writes, and returns what gives it back.
func (gc *gatedConn) hold(ctx context.Context, write bool) (func(), error) {
	if gc.inTx || !write {
		return func() {}, nil
	}
	if err := gc.c.gate.acquire(ctx, gc.c.priority); err != nil {
		return nil, err
	}
	return gc.c.gate.release, nil
}

func (gc *gatedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := gc.sqlite()
	if err != nil {
		return nil, err
	}
	done, err := gc.hold(ctx, writes(query))
	if err != nil {
		return nil, err
	}
	defer done()
	return gc.cache.exec(ctx, s, query, args)
}

func (gc *gatedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := gc.sqlite()
	if err != nil {
		return nil, err
	}
	write := writes(query)
	done, err := gc.hold(ctx, write)
	if err != nil {
		return nil, err
	}
	return gc.cache.query(ctx, s, query, args, done)
}

func (gc *gatedConn) Ping(ctx context.Context) error {
	s, err := gc.sqlite()
	if err != nil {
		return err
	}
	return s.Ping(ctx)
}

func (gc *gatedConn) ResetSession(ctx context.Context) error {
	s, err := gc.sqlite()
	if err != nil {
		return err
	}
	return s.ResetSession(ctx)
}

func (gc *gatedConn) IsValid() bool {
	s, err := gc.sqlite()
	return err == nil && s.IsValid()
}

// gatedRows gives the gate back when rows of a writing statement outside a
// transaction close (SQLite holds its lock until then); other rows are
// returned as they are.
func gatedRows(rows driver.Rows, err error, wrap bool, done func()) (driver.Rows, error) {
	if err != nil {
		done()
		return nil, err
	}
	if !wrap {
		done()
		return rows, nil
	}
	return &closingRows{Rows: rows, done: done}, nil
}

// closingRows runs done once when its rows close: the gate goes back, a
// cached statement is free again.
type closingRows struct {
	driver.Rows
	once sync.Once
	done func()
}

func (r *closingRows) Close() error {
	err := r.Rows.Close()
	r.once.Do(r.done)
	return err
}

// sqliteRows is what modernc.org/sqlite's rows implement besides
// driver.Rows; closingRows passes it on, so that Rows.ColumnTypes keeps
// working.
type sqliteRows interface {
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

func (r *closingRows) ColumnTypeDatabaseTypeName(i int) string {
	if c, ok := r.Rows.(sqliteRows); ok {
		return c.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *closingRows) ColumnTypeLength(i int) (int64, bool) {
	if c, ok := r.Rows.(sqliteRows); ok {
		return c.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *closingRows) ColumnTypeNullable(i int) (bool, bool) {
	if c, ok := r.Rows.(sqliteRows); ok {
		return c.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *closingRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if c, ok := r.Rows.(sqliteRows); ok {
		return c.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

func (r *closingRows) ColumnTypeScanType(i int) reflect.Type {
	if c, ok := r.Rows.(sqliteRows); ok {
		return c.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

type gatedTx struct {
	driver.Tx
	conn *gatedConn
}

func (t *gatedTx) Commit() error {
	defer t.end()
	return t.Tx.Commit()
}

func (t *gatedTx) Rollback() error {
	defer t.end()
	return t.Tx.Rollback()
}

func (t *gatedTx) end() {
	if t.conn.inTx {
		t.conn.inTx = false
		t.conn.c.gate.release()
	}
}

type gatedStmt struct {
	driver.Stmt
	conn  *gatedConn
	write bool
}

func (s *gatedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	ex, ok := s.Stmt.(driver.StmtExecContext)
	if !ok {
		return nil, errNotSQLite
	}
	done, err := s.conn.hold(ctx, s.write)
	if err != nil {
		return nil, err
	}
	defer done()
	return ex.ExecContext(ctx, args)
}

func (s *gatedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := s.Stmt.(driver.StmtQueryContext)
	if !ok {
		return nil, errNotSQLite
	}
	done, err := s.conn.hold(ctx, s.write)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, args)
	return gatedRows(rows, err, s.write && !s.conn.inTx, done)
}

// writes reports whether a statement may take SQLite's write lock: all but
// those that start with SELECT, EXPLAIN or PRAGMA (a checkpoint takes no
// write lock; goalbot's other pragmas are set when a connection opens).
// Leading blanks and comments are skipped.
func writes(query string) bool {
	q := query
	for {
		q = strings.TrimLeft(q, " \t\r\n")
		switch {
		case strings.HasPrefix(q, "--"):
			if i := strings.IndexByte(q, '\n'); i >= 0 {
				q = q[i+1:]
				continue
			}
			return false
		case strings.HasPrefix(q, "/*"):
			if i := strings.Index(q, "*/"); i >= 0 {
				q = q[i+2:]
				continue
			}
			return false
		}
		break
	}
	for _, kw := range []string{"SELECT", "EXPLAIN", "PRAGMA"} {
		if len(q) >= len(kw) && strings.EqualFold(q[:len(kw)], kw) {
			return false
		}
	}
	return true
}
