package gh

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// TestRequestTimeout: a GitHub that accepts the request and never answers
// fails each call after the per-request timeout, in token mode and in App
// mode (where the installation-token request is the one that hangs), even
// when the caller's context has no deadline.
func TestRequestTimeout(t *testing.T) {
	hang := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}
	for _, mode := range []string{"token", "app"} {
		t.Run(mode, func(t *testing.T) {
			f := newFake(t)
			f.set(func(f *fake) {
				f.installs["rust-lang/rfcs"] = 1
				f.override["GET /repos/rust-lang/rfcs/issues/1"] = hang
				f.override["POST /app/installations/1/access_tokens"] = hang
			})
			short := func(c *Config) { c.Transport = WithTimeout(nil, 200*time.Millisecond) }
			var c *Client
			if mode == "token" {
				c = f.pat(t, short)
			} else {
				c = f.app(t, short)
			}
			start := time.Now()
			gc, err := c.Repo(context.Background(), "rust-lang", "rfcs")
			if err == nil {
				_, _, err = gc.Issues.Get(context.Background(), "rust-lang", "rfcs", 1)
			}
			if err == nil {
				t.Fatal("the call succeeded against a GitHub that never answers")
			}
			if d := time.Since(start); d > 1500*time.Millisecond {
				t.Errorf("the call took %s; the per-request timeout is 200ms", d)
			}
		})
	}
}

// TestRequestTimeoutReadsBody: the deadline lasts until the body is read,
// and a normal call is unaffected.
func TestRequestTimeoutReadsBody(t *testing.T) {
	f := newFake(t)
	c := f.pat(t, func(c *Config) { c.Transport = WithTimeout(nil, 5*time.Second) })
	gc, err := c.Repo(context.Background(), "rust-lang", "rfcs")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := gc.Issues.Get(context.Background(), "rust-lang", "rfcs", 1); !IsNotFound(err) {
		t.Fatalf("Issues.Get: %v, want the fake's 404", err)
	}
}
