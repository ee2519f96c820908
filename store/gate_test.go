package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"
	"time"
)

// TestGatePriorityFirst: when the holder releases, a waiting priority
// holder (ingest) gets the gate before others that waited longer.
func TestGatePriorityFirst(t *testing.T) {
	g := &gate{}
	ctx := context.Background()
	if err := g.acquire(ctx, false); err != nil {
		t.Fatal(err)
	}
	order := make(chan string, 2)
	waiting := func(n int) {
		deadline := time.Now().Add(5 * time.Second)
		for {
			g.mu.Lock()
			w := len(g.first) + len(g.rest)
			g.mu.Unlock()
			if w == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d waiters, want %d", w, n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	go func() { g.acquire(ctx, false); order <- "worker"; g.release() }()
	waiting(1)
	go func() { g.acquire(ctx, true); order <- "ingest"; g.release() }()
	waiting(2)
	g.release()
	if first, second := <-order, <-order; first != "ingest" || second != "worker" {
		t.Errorf("order %s, %s; want ingest, worker", first, second)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		g.mu.Lock()
		held := g.held
		g.mu.Unlock()
		if !held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("gate still held after everyone released it")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGateWaitEndsWithContext: a waiter whose context ends gets an error
// and leaves the queue, and the gate still passes to the next one.
func TestGateWaitEndsWithContext(t *testing.T) {
	g := &gate{}
	bg := context.Background()
	g.acquire(bg, false)
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel()
	if err := g.acquire(ctx, true); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire = %v, want the deadline", err)
	}
	g.mu.Lock()
	left := len(g.first)
	g.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d priority waiters left after the deadline", left)
	}
	got := make(chan error, 1)
	go func() { got <- g.acquire(bg, false) }()
	for {
		g.mu.Lock()
		n := len(g.rest)
		g.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	g.release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the gate was not handed to the next waiter")
	}
}

func TestWrites(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1":                           false,
		"  select * from x":                  false,
		"-- name: JobGetAvailable\nSELECT":   false,
		"/* c */ EXPLAIN QUERY PLAN SELECT":  false,
		"PRAGMA wal_checkpoint(PASSIVE)":     false,
		"INSERT INTO x VALUES (1)":           true,
		"-- name: JobSetState\nUPDATE x":     true,
		"WITH a AS (SELECT 1) DELETE FROM x": true,
		"delete from x":                      true,
		"-- unterminated":                    false,
	} {
		if got := writes(q); got != want {
			t.Errorf("writes(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestGateFreedWhenConnectionClosesInTransaction: a connection closed in
// the middle of a transaction (database/sql drops a broken one) gives the
// gate back, or every writer after it would wait forever.
func TestGateFreedWhenConnectionClosesInTransaction(t *testing.T) {
	g := &gate{}
	c := &gatedConnector{gate: g}
	gc := &gatedConn{conn: nopConn{}, c: c, inTx: true}
	g.acquire(context.Background(), false)
	gc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := g.acquire(ctx, true); err != nil {
		t.Fatalf("gate still taken after the connection closed: %v", err)
	}
}

type nopConn struct{}

func (nopConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("closed") }
func (nopConn) Close() error                        { return nil }
func (nopConn) Begin() (driver.Tx, error)           { return nil, errors.New("closed") }
