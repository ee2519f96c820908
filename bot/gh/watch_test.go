package gh

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

type watchLog struct {
	auth  []error
	limit map[string]int
}

func (w *watchLog) Auth(err error) { w.auth = append(w.auth, err) }
func (w *watchLog) RateLimit(res string, n int) {
	if w.limit == nil {
		w.limit = map[string]int{}
	}
	w.limit[res] = n
}

// TestWatch: a wrong token is reported from the 401, a working one from
// any accepted answer (404 included), with the rate limit left.
func TestWatch(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) {
		f.override["GET /repos/rust-lang/rfcs/issues/1"] = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-RateLimit-Remaining", "4321")
			w.Header().Set("X-RateLimit-Resource", "core")
			w.WriteHeader(http.StatusNotFound)
		}
	})
	var good watchLog
	c := f.pat(t, func(c *Config) { c.Transport = Watch(nil, &good) })
	gc, err := c.Repo(context.Background(), "rust-lang", "rfcs")
	if err != nil {
		t.Fatal(err)
	}
	gc.Issues.Get(context.Background(), "rust-lang", "rfcs", 1)
	if len(good.auth) != 1 || good.auth[0] != nil || good.limit["core"] != 4321 {
		t.Errorf("working token: auth %v, limits %v", good.auth, good.limit)
	}

	var bad watchLog
	c = f.pat(t, func(c *Config) { c.Token = "ghp_badtoken"; c.Transport = Watch(nil, &bad) })
	gc, _ = c.Repo(context.Background(), "rust-lang", "rfcs")
	gc.Issues.Get(context.Background(), "rust-lang", "rfcs", 1)
	if len(bad.auth) != 1 || bad.auth[0] == nil || !strings.Contains(bad.auth[0].Error(), "401") || strings.Contains(bad.auth[0].Error(), "ghp_badtoken") {
		t.Errorf("wrong token: auth %v", bad.auth)
	}
}
