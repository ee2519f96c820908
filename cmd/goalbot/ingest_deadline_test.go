package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/webhook"
	"github.com/goalbot/goalbot/store"
	"github.com/goalbot/goalbot/store/storetest"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"
)

// deadlineReceiver serves a receiver over db with a short ingest deadline.
func deadlineReceiver(t *testing.T, db *store.DB) (*httptest.Server, []byte) {
	t.Helper()
	if _, err := db.NewQueue(&river.Config{}); err != nil {
		t.Fatal(err)
	}
	rc, err := webhook.New(db, []string{"s"}, []string{"issues"}, zerolog.Nop(), nil)
	if err != nil {
		t.Fatal(err)
	}
	rc.SetIngestTimeout(300 * time.Millisecond)
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	body, err := readFixture("issues.labeled.json")
	if err != nil {
		t.Fatal(err)
	}
	return srv, body
}

// postDelivery sends one signed delivery and returns the status and how
// long the answer took.
func postDelivery(t *testing.T, srv *httptest.Server, id string, body []byte) (int, time.Duration) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(string(body)))
	req.Header.Set("X-GitHub-Event", "issues")
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", webhook.Sign("s", body))
	t0 := time.Now()
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("delivery %s: %v (no answer)", id, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(t0)
}

// TestIngestDeadlineSQLiteWriterBlocked: another process holds the write
// lock of the SQLite file deliveries go to (longer than the busy timeout);
// the receiver answers 503 at its deadline instead of hanging, and accepts
// the redelivery once the lock is gone.
func TestIngestDeadlineSQLiteWriterBlocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "goalbot.db")
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv, body := deadlineReceiver(t, db)

	release := storetest.HoldWriteLock(t, store.InboxPath(path))
	code, took := postDelivery(t, srv, "blocked-1", body)
	if code != http.StatusServiceUnavailable || took > 3*time.Second {
		t.Errorf("with the writer blocked: %d after %v, want 503 at the 300 ms deadline", code, took)
	}
	release()
	// GitHub redelivers; the store may or may not have kept the first try,
	// and either way the delivery is acknowledged.
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, _ = postDelivery(t, srv, "blocked-1", body)
		if code == http.StatusAccepted || code == http.StatusOK || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code != http.StatusAccepted && code != http.StatusOK {
		t.Errorf("redelivery after the lock was released: %d", code)
	}
	var n int
	db.QueryRowForTest(ctx, `SELECT COUNT(*) FROM deliveries WHERE id = 'blocked-1'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d rows for the delivery, want 1", n)
	}
}

// freezer is a TCP proxy to PostgreSQL that can stop answering: it keeps
// accepting connections and reading, and forwards nothing — a database that
// accepts and never answers.
type freezer struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	frozen bool
	conns  []net.Conn
}

func startFreezer(t *testing.T, target string) *freezer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{ln: ln, target: target}
	go f.serve()
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		for _, c := range f.conns {
			c.Close()
		}
		f.mu.Unlock()
	})
	return f
}

func (f *freezer) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		f.conns = append(f.conns, c)
		frozen := f.frozen
		f.mu.Unlock()
		if frozen {
			go io.Copy(io.Discard, c)
			continue
		}
		up, err := net.Dial("tcp", f.target)
		if err != nil {
			c.Close()
			continue
		}
		f.mu.Lock()
		f.conns = append(f.conns, up)
		f.mu.Unlock()
		go f.pipe(up, c)
		go f.pipe(c, up)
	}
}

// pipe copies until frozen, then swallows what src sends.
func (f *freezer) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		f.mu.Lock()
		frozen := f.frozen
		f.mu.Unlock()
		if !frozen {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
	}
}

func (f *freezer) freeze() {
	f.mu.Lock()
	f.frozen = true
	f.mu.Unlock()
}

// TestIngestDeadlinePostgresNeverAnswers: PostgreSQL accepts connections and
// never answers; the receiver answers 503 at its deadline, every time.
func TestIngestDeadlinePostgresNeverAnswers(t *testing.T) {
	if os.Getenv("GOALBOT_TEST_POSTGRES_URL") == "" {
		t.Skip("GOALBOT_TEST_POSTGRES_URL is not set")
	}
	real, err := url.Parse(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	f := startFreezer(t, real.Host)
	proxied := *real
	proxied.Host = f.ln.Addr().String()
	ctx := context.Background()
	db, err := store.Open(ctx, proxied.String())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv, body := deadlineReceiver(t, db)
	if code, _ := postDelivery(t, srv, "pg-1", body); code != http.StatusAccepted {
		t.Fatalf("before the freeze: %d", code)
	}
	f.freeze()
	for _, id := range []string{"pg-2", "pg-3"} {
		code, took := postDelivery(t, srv, id, body)
		if code != http.StatusServiceUnavailable || took > 3*time.Second {
			t.Errorf("%s with PostgreSQL silent: %d after %v, want 503 at the 300 ms deadline", id, code, took)
		}
	}
	// Close would wait on the frozen connections; the proxy's cleanup
	// closes them, which ends the store's calls.
	t.Cleanup(func() { go db.Close() })
}
