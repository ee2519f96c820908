package gh

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestInstallationCachedPerRepo(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) {
		f.installs["rust-lang/rfcs"] = 1
		f.installs["rust-lang/goals"] = 1
		f.installs["other/repo"] = 2
	})
	c := f.app(t)
	ctxt := ctx(t)
	clients := map[string]any{}
	for _, repo := range []string{"rust-lang/rfcs", "rust-lang/goals", "other/repo", "rust-lang/rfcs", "Rust-Lang/RFCs", "other/repo"} {
		owner, name, _ := strings.Cut(repo, "/")
		gc, err := c.Repo(ctxt, owner, name)
		if err != nil {
			t.Fatalf("Repo(%s): %v", repo, err)
		}
		if _, _, err := gc.Issues.Get(ctxt, owner, name, 1); !IsNotFound(err) {
			t.Fatalf("Issues.Get on %s: %v, want the fake's 404", repo, err)
		}
		if prev, ok := clients[strings.ToLower(repo)]; ok && prev != any(gc) {
			t.Errorf("Repo(%s) returned a new client on the second call", repo)
		}
		clients[strings.ToLower(repo)] = gc
	}
	if clients["rust-lang/rfcs"] != clients["rust-lang/goals"] {
		t.Error("two repositories of one installation got different clients")
	}
	if clients["rust-lang/rfcs"] == clients["other/repo"] {
		t.Error("two installations share a client")
	}
	for key, want := range map[string]int{
		"GET /repos/rust-lang/rfcs/installation":  1,
		"GET /repos/rust-lang/goals/installation": 1,
		"GET /repos/other/repo/installation":      1,
		"POST /app/installations/1/access_tokens": 1,
		"POST /app/installations/2/access_tokens": 1,
		"GET /repos/rust-lang/rfcs/issues/1":      2,
		"GET /repos/Rust-Lang/RFCs/issues/1":      1,
	} {
		if got := f.count(key); got != want {
			t.Errorf("%s: %d requests, want %d", key, got, want)
		}
	}
	// Each API call went out with its own installation's token.
	for _, l := range f.requests() {
		switch {
		case strings.Contains(l, "/issues/") && strings.Contains(strings.ToLower(l), "/other/repo/") && !strings.HasSuffix(l, " inst:2"),
			strings.Contains(l, "/issues/") && strings.Contains(strings.ToLower(l), "/rust-lang/") && !strings.HasSuffix(l, " inst:1"),
			(strings.Contains(l, "/installation ") || strings.Contains(l, "access_tokens")) && !strings.HasSuffix(l, " jwt"):
			t.Errorf("wrong credential: %s", l)
		}
	}
}

func TestRepoNotInstalled(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) { f.installs["a/b"] = 7 })
	c := f.app(t)
	if _, err := c.Repo(ctx(t), "a", "missing"); !IsNotFound(err) || !strings.Contains(err.Error(), "a/missing") {
		t.Fatalf("Repo of a repository without the App: %v, want ErrNotFound naming it", err)
	}
	// Not cached: once installed, it is found.
	f.set(func(f *fake) { f.installs["a/missing"] = 7 })
	if _, err := c.Repo(ctx(t), "a", "missing"); err != nil {
		t.Fatalf("after installing: %v", err)
	}
	// ForgetRepo makes the next call look again.
	c.ForgetRepo("A", "Missing")
	if _, err := c.Repo(ctx(t), "a", "missing"); err != nil {
		t.Fatal(err)
	}
	if got := f.count("GET /repos/a/missing/installation"); got != 3 {
		t.Errorf("installation lookups = %d, want 3 (404, found, after ForgetRepo)", got)
	}
}

func TestRepoConcurrentLookupsShareOne(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) {
		for i := range 4 {
			f.installs[fmt.Sprintf("o/r%d", i)] = int64(10 + i)
			f.issues[fmt.Sprintf("/repos/o/r%d/issues/1", i)] = issueJSON("o", fmt.Sprintf("r%d", i), 1, "x")
		}
	})
	c := f.app(t)
	ctxt := ctx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			repo := fmt.Sprintf("r%d", i%4)
			gc, err := c.Repo(ctxt, "o", repo)
			if err == nil {
				_, _, err = gc.Issues.Get(ctxt, "o", repo, 1)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		if got := f.count(fmt.Sprintf("GET /repos/o/r%d/installation", i)); got != 1 {
			t.Errorf("r%d: %d installation lookups, want 1", i, got)
		}
		if got := f.count(fmt.Sprintf("POST /app/installations/%d/access_tokens", 10+i)); got != 1 {
			t.Errorf("installation %d: %d token requests, want 1", 10+i, got)
		}
	}
}

func TestTokenRefreshedWhenExpired(t *testing.T) {
	for _, tt := range []struct {
		ttl        time.Duration
		wantTokens int
	}{
		{time.Hour, 1},        // cached across calls
		{30 * time.Second, 2}, // inside ghinstallation's one-minute margin: refreshed each call
	} {
		t.Run(tt.ttl.String(), func(t *testing.T) {
			f := newFake(t)
			f.ttl = tt.ttl
			f.set(func(f *fake) { f.installs["o/r"] = 3 })
			f.addIssue("o", "r", 5)
			c := f.app(t)
			for range 2 {
				gc, err := c.Repo(ctx(t), "o", "r")
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := gc.Issues.Get(ctx(t), "o", "r", 5); err != nil {
					t.Fatal(err)
				}
			}
			if got := f.count("POST /app/installations/3/access_tokens"); got != tt.wantTokens {
				t.Errorf("token requests = %d, want %d", got, tt.wantTokens)
			}
			if got := f.count("GET /repos/o/r/installation"); got != 1 {
				t.Errorf("installation lookups = %d, want 1", got)
			}
		})
	}
}

func TestEnterpriseBaseURL(t *testing.T) {
	for _, tt := range []struct{ name, suffix string }{
		{"explicit /api/v3/", "/api/v3/"},
		{"host only, go-github appends api/v3", "/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t) // anything outside /api/v3 fails the test
			f.set(func(f *fake) { f.installs["o/r"] = 9 })
			f.addIssue("o", "r", 1)
			var mu sync.Mutex
			var routes []string
			c := f.app(t, func(cfg *Config) {
				cfg.APIURL = f.srv.URL + tt.suffix
				cfg.Observe = func(method, route string, status int, d time.Duration) {
					mu.Lock()
					routes = append(routes, fmt.Sprintf("%s %s %d", method, route, status))
					mu.Unlock()
				}
			})
			iss, _, err := c.GetIssue(ctx(t), refOf("o", "r", 1), "")
			if err != nil {
				t.Fatal(err)
			}
			if iss.Title != "issue 1" {
				t.Errorf("title %q", iss.Title)
			}
			if login, err := c.BotLogin(ctx(t)); err != nil || login != testSlug+"[bot]" {
				t.Errorf("BotLogin = %q, %v", login, err)
			}
			if got := f.count("POST /app/installations/9/access_tokens"); got != 1 {
				t.Errorf("token requests under /api/v3: %d, want 1", got)
			}
			want := []string{
				"GET /repos/{owner}/{repo}/installation 200",
				"POST /app/installations/{n}/access_tokens 201",
				"GET /repos/{owner}/{repo}/issues/{n} 200",
				"GET /app 200",
			}
			mu.Lock()
			defer mu.Unlock()
			if strings.Join(routes, "\n") != strings.Join(want, "\n") {
				t.Errorf("observed\n%s\nwant\n%s", strings.Join(routes, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestTokenMode(t *testing.T) {
	f := newFake(t)
	f.addIssue("o", "r", 2)
	f.addIssue("x", "y", 3)
	c := f.pat(t)
	if c.App() != nil {
		t.Error("App() in token mode is not nil")
	}
	a, err := c.Repo(ctx(t), "o", "r")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Repo(ctx(t), "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("token mode returned two clients")
	}
	if _, _, err := c.GetIssue(ctx(t), refOf("x", "y", 3), ""); err != nil {
		t.Fatal(err)
	}
	for _, l := range f.requests() {
		if !strings.HasSuffix(l, " pat") || strings.Contains(l, "installation") {
			t.Errorf("token mode request %q", l)
		}
	}
	if len(f.requests()) != 1 {
		t.Errorf("requests %q, want only the issue read", f.requests())
	}
}

func TestAppClient(t *testing.T) {
	f := newFake(t)
	c := f.app(t)
	app, _, err := c.App().Apps.Get(ctx(t), "")
	if err != nil {
		t.Fatal(err)
	}
	if app.GetSlug() != testSlug {
		t.Errorf("slug %q", app.GetSlug())
	}
	if got := f.requests(); len(got) != 1 || got[0] != "GET /app jwt" {
		t.Errorf("requests %q", got)
	}
}

func TestBotLogin(t *testing.T) {
	tests := []struct {
		name       string
		client     func(f *fake, t *testing.T) *Client
		want       string
		wantRoutes []string
	}{
		{"configured", func(f *fake, t *testing.T) *Client {
			return f.app(t, func(c *Config) { c.BotLogin = "goalbot[bot]" })
		}, "goalbot[bot]", nil},
		{"App", func(f *fake, t *testing.T) *Client { return f.app(t) }, testSlug + "[bot]", []string{"GET /app jwt"}},
		{"token", func(f *fake, t *testing.T) *Client { return f.pat(t) }, "pat-user", []string{"GET /user pat"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := tt.client(f, t)
			for range 3 {
				got, err := c.BotLogin(ctx(t))
				if err != nil {
					t.Fatal(err)
				}
				if got != tt.want {
					t.Errorf("BotLogin = %q, want %q", got, tt.want)
				}
			}
			if got := f.requests(); strings.Join(got, ",") != strings.Join(tt.wantRoutes, ",") {
				t.Errorf("requests %q, want %q (discovered once, then cached)", got, tt.wantRoutes)
			}
		})
	}
}

func TestBotLoginFailureNotCached(t *testing.T) {
	f := newFake(t)
	fail := true
	f.set(func(f *fake) {
		f.override["GET /app"] = func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			failing := fail
			fail = false
			f.mu.Unlock()
			if failing {
				writeJSON(w, 502, map[string]string{"message": "Server Error"})
				return
			}
			writeJSON(w, 200, map[string]any{"slug": "later"})
		}
	})
	c := f.app(t)
	if _, err := c.BotLogin(ctx(t)); err == nil {
		t.Fatal("BotLogin succeeded on a 502")
	}
	if got, err := c.BotLogin(ctx(t)); err != nil || got != "later[bot]" {
		t.Fatalf("BotLogin after the 502 = %q, %v", got, err)
	}
}

// TestSecretsNeverInErrors fails when an error from a rejected key or token
// (or anything Observe is told) quotes a credential.
func TestSecretsNeverInErrors(t *testing.T) {
	other, err := rsa.GenerateKey(rand.Reader, 2048) // a key GitHub does not know
	if err != nil {
		t.Fatal(err)
	}
	otherPEM := keyPEM(other)
	f := newFake(t)
	f.set(func(f *fake) { f.installs["o/r"] = 1 })
	f.addIssue("o", "r", 1)
	var mu sync.Mutex
	var observed []string
	observe := func(method, route string, status int, d time.Duration) {
		mu.Lock()
		observed = append(observed, method+" "+route+" "+strconv.Itoa(status))
		mu.Unlock()
	}

	badKey := f.app(t, func(c *Config) { c.PrivateKey = otherPEM; c.Observe = observe })
	badToken := f.pat(t, func(c *Config) { c.Token = "ghp_wrongSECRET987"; c.Observe = observe })
	var errs []error
	_, err = badKey.Repo(ctx(t), "o", "r")
	errs = append(errs, err)
	_, err = badKey.BotLogin(ctx(t))
	errs = append(errs, err)
	_, _, err = badToken.GetIssue(ctx(t), refOf("o", "r", 1), "")
	errs = append(errs, err)
	_, err = badToken.BotLogin(ctx(t))
	errs = append(errs, err)

	// An installation token request rejected with 401.
	good := f.app(t, func(c *Config) { c.Observe = observe })
	f.set(func(f *fake) {
		f.override["POST /app/installations/1/access_tokens"] = func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, map[string]string{"message": "Bad credentials"})
		}
	})
	_, _, err = good.GetIssue(ctx(t), refOf("o", "r", 1), "")
	errs = append(errs, err)

	secrets := []string{"ghp_wrongSECRET987", testPAT, "PRIVATE KEY", string(otherPEM[32:72]), "eyJ", "Bearer", "ghs_"}
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d succeeded with bad credentials", i)
			continue
		}
		if !errors.Is(err, ErrUnauthorized) {
			t.Errorf("call %d: %v, want ErrUnauthorized", i, err)
		}
		for _, form := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%v", Classify(err))} {
			for _, s := range secrets {
				if strings.Contains(form, s) {
					t.Errorf("call %d: error %q contains %q", i, form, s)
				}
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	unauthorized := 0
	for _, o := range observed {
		for _, s := range secrets {
			if strings.Contains(o, s) {
				t.Errorf("observed %q contains %q", o, s)
			}
		}
		if strings.HasSuffix(o, " 401") {
			unauthorized++
		}
	}
	if unauthorized != len(errs) {
		t.Errorf("observed %q: %d answers 401, want %d", observed, unauthorized, len(errs))
	}
}

// TestRepoLookupOutlivesCanceledCaller: a shared installation lookup is not
// cut short by the first caller giving up; that caller returns at once.
func TestRepoLookupOutlivesCanceledCaller(t *testing.T) {
	f := newFake(t)
	release := make(chan struct{})
	f.set(func(f *fake) {
		f.installs["o/r"] = 1
		f.override["GET /repos/o/r/installation"] = func(w http.ResponseWriter, r *http.Request) {
			<-release
			writeJSON(w, 200, map[string]any{"id": 1})
		}
	})
	c := f.app(t)
	first, cancel := context.WithCancel(ctx(t))
	firstErr := make(chan error, 1)
	go func() {
		_, err := c.Repo(first, "o", "r")
		firstErr <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for f.count("GET /repos/o/r/installation") == 0 { // wait until the lookup is in flight
		if time.Now().After(deadline) {
			t.Fatal("the installation lookup never reached the server")
		}
		time.Sleep(time.Millisecond)
	}
	second := make(chan error, 1)
	go func() {
		_, err := c.Repo(ctx(t), "o", "r")
		second <- err
	}()
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("canceled caller: %v, want context.Canceled", err)
	}
	close(release)
	if err := <-second; err != nil {
		t.Errorf("second caller: %v", err)
	}
	if got := f.count("GET /repos/o/r/installation"); got != 1 {
		t.Errorf("%d lookups, want 1 shared", got)
	}
}
