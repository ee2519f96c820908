package gh

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRoute(t *testing.T) {
	tests := []struct{ path, prefix, want string }{
		{"/api/v3/repos/rust-lang/rfcs/issues/3654", "/api/v3/", "/repos/{owner}/{repo}/issues/{n}"},
		{"/repos/rust-lang/rfcs/issues/3654/comments", "/", "/repos/{owner}/{repo}/issues/{n}/comments"},
		{"/repos/o/r/issues/comments/123/reactions", "/", "/repos/{owner}/{repo}/issues/comments/{n}/reactions"},
		{"/repos/o/r/contents/src/2024h2/async.md", "/", "/repos/{owner}/{repo}/contents/{path}"},
		{"/repos/o/r/installation", "/", "/repos/{owner}/{repo}/installation"},
		{"/repos/o/r/collaborators/alice/permission", "/", "/repos/{owner}/{repo}/collaborators/{name}/permission"},
		{"/repos/o/r/issues/5/labels/T-lang", "/", "/repos/{owner}/{repo}/issues/{n}/labels/{name}"},
		{"/repos/o/r/commits/0123456789abcdef0123456789abcdef01234567", "/", "/repos/{owner}/{repo}/commits/{sha}"},
		{"/app/installations/77/access_tokens", "/", "/app/installations/{n}/access_tokens"},
		{"/app", "/", "/app"},
		{"/user", "/", "/user"},
		{"/users/nikomatsakis", "/", "/users/{name}"},
		{"/api/v3/", "/api/v3/", "/"},
		{"/rate_limit", "/api/v3/", "/rate_limit"},
	}
	for _, tt := range tests {
		if got := Route(tt.path, tt.prefix); got != tt.want {
			t.Errorf("Route(%q, %q) = %q, want %q", tt.path, tt.prefix, got, tt.want)
		}
	}
}

// TestObserve: every request is reported, token requests included, with
// status 0 when no answer came, and each carries the User-Agent.
func TestObserve(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) { f.installs["o/r"] = 1 })
	f.addIssue("o", "r", 1)
	var agents []string
	f.set(func(f *fake) {
		wrap := func(next http.HandlerFunc) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				f.mu.Lock()
				agents = append(agents, r.Header.Get("User-Agent"))
				f.mu.Unlock()
				next(w, r)
			}
		}
		f.override["POST /app/installations/1/access_tokens"] = wrap(func(w http.ResponseWriter, r *http.Request) {
			f.route(w, r, "/app/installations/1/access_tokens", "jwt")
		})
		f.override["GET /repos/o/r/issues/1"] = wrap(func(w http.ResponseWriter, r *http.Request) {
			f.route(w, r, "/repos/o/r/issues/1", "inst:1")
		})
	})
	var mu sync.Mutex
	var got []string
	var durations []time.Duration
	c := f.app(t, func(cfg *Config) {
		cfg.UserAgent = "goalbot-test/1"
		cfg.Observe = func(method, route string, status int, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, method+" "+route+" "+http.StatusText(status))
			durations = append(durations, d)
		}
	})
	if _, _, err := c.GetIssue(ctx(t), refOf("o", "r", 1), ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.GetIssue(ctx(t), refOf("o", "r", 2), ""); !IsNotFound(err) {
		t.Fatalf("missing issue: %v", err)
	}
	f.srv.Close()
	c.GetIssue(ctx(t), refOf("o", "r", 1), "") //nolint:errcheck // the server is gone

	mu.Lock()
	defer mu.Unlock()
	want := []string{
		"GET /repos/{owner}/{repo}/installation OK",
		"POST /app/installations/{n}/access_tokens Created",
		"GET /repos/{owner}/{repo}/issues/{n} OK",
		"GET /repos/{owner}/{repo}/issues/{n} Not Found",
		"GET /repos/{owner}/{repo}/issues/{n} ", // status 0: no answer
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("observed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, d := range durations {
		if d <= 0 {
			t.Errorf("request %d observed with duration %v", i, d)
		}
	}
	for _, a := range agents {
		if a != "goalbot-test/1" {
			t.Errorf("User-Agent %q, want the configured one on API and token requests", a)
		}
	}
	if len(agents) != 2 {
		t.Errorf("saw %d wrapped requests, want 2", len(agents))
	}
}
