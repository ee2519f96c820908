package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// serve runs srv on a random port and returns its address.
func serve(t *testing.T, srv *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// closedWithin reports whether the server closes conn within d.
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) bool {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return true
}

// TestNewTimeouts: every timeout is set, and each one cuts off the client
// it is for: headers that never end, a body that never comes, a handler
// that never answers, an idle kept-alive connection.
func TestNewTimeouts(t *testing.T) {
	srv := New(nil, Timeouts{})
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Fatalf("a timeout is unset: %+v", srv)
	}
	if srv.WriteTimeout <= srv.ReadTimeout {
		t.Errorf("WriteTimeout %s leaves no room to answer after a full read (ReadTimeout %s)", srv.WriteTimeout, srv.ReadTimeout)
	}

	short := Timeouts{ReadHeader: 150 * time.Millisecond, Read: 300 * time.Millisecond, Write: 300 * time.Millisecond, Idle: 300 * time.Millisecond}
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stuck" {
			select { // like a database call that never answers
			case <-r.Context().Done():
			case <-block:
			case <-time.After(3 * time.Second):
			}
		}
		io.Copy(io.Discard, r.Body)
		w.Write([]byte("ok"))
	})
	addr := serve(t, New(h, short))
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	t.Run("slow headers", func(t *testing.T) {
		c := dial()
		io.WriteString(c, "POST /webhook HTTP/1.1\r\nHost: x\r\n")
		if !closedWithin(t, c, 2*time.Second) {
			t.Error("unfinished headers held the connection open")
		}
	})
	t.Run("slow body", func(t *testing.T) {
		c := dial()
		io.WriteString(c, "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
		if !closedWithin(t, c, 2*time.Second) {
			t.Error("a body that never came held the connection open")
		}
	})
	t.Run("stuck handler", func(t *testing.T) {
		c := dial()
		io.WriteString(c, "GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
		start := time.Now()
		closedWithin(t, c, 5*time.Second)
		// The handler's context ends at the write deadline.
		if d := time.Since(start); d > 2900*time.Millisecond {
			t.Errorf("connection held %s by a stuck handler; WriteTimeout is 300ms", d)
		}
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		c := dial()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2))
		if !strings.Contains(string(b), "ok") {
			t.Fatalf("body %q", b)
		}
		if !closedWithin(t, c, 2*time.Second) {
			t.Error("an idle kept-alive connection was never closed")
		}
	})
}
