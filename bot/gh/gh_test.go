package gh

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/golang-jwt/jwt/v4"
)

// testKey is one RSA key for the whole test binary: generating one per
// test would dominate the run time.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// keyPEM returns k as a PKCS#1 PEM block, the form GitHub hands out.
func keyPEM(k *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

const (
	testAppID = 4242
	testPAT   = "ghp_patSECRET0123456789"
	testSlug  = "goalbot-test"
)

// fake is a tiny GitHub: App JWT and installation-token auth, installation
// lookup and tokens, /app, /user, issues with ETags, paginated comments and
// pulls. Tests add overrides to answer one route as they need.
type fake struct {
	t      *testing.T
	srv    *httptest.Server
	prefix string // API base path
	pub    *rsa.PublicKey
	ttl    time.Duration // installation token lifetime

	mu       sync.Mutex
	installs map[string]int64            // owner/repo → installation id
	tokens   map[string]int64            // issued installation token → installation id
	issues   map[string]map[string]any   // "/repos/o/r/issues/n" and "/repos/o/r/pulls/n" → JSON
	comments map[string][]map[string]any // "/repos/o/r/issues/n/comments" → comments
	override map[string]http.HandlerFunc // "METHOD path" → answer (after auth)
	hits     map[string]int              // "METHOD path" → requests seen
	log      []string                    // "METHOD path auth" in order; auth is jwt, inst:N or pat
}

// newFake starts a fake serving the API under /api/v3, where go-github's
// WithEnterpriseURLs puts it for any host but api.github.com.
func newFake(t *testing.T) *fake {
	f := &fake{t: t, prefix: "/api/v3", pub: &testKey().PublicKey, ttl: time.Hour,
		installs: map[string]int64{}, tokens: map[string]int64{}, issues: map[string]map[string]any{},
		comments: map[string][]map[string]any{}, override: map[string]http.HandlerFunc{}, hits: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// url is the API base URL clients are configured with.
func (f *fake) url() string { return f.srv.URL + f.prefix + "/" }

// app returns an App-mode client of f.
func (f *fake) app(t *testing.T, mod ...func(*Config)) *Client {
	cfg := Config{APIURL: f.url(), AppID: testAppID, PrivateKey: keyPEM(testKey())}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pat returns a token-mode client of f.
func (f *fake) pat(t *testing.T, mod ...func(*Config)) *Client {
	cfg := Config{APIURL: f.url(), Token: testPAT}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fake) set(fn func(f *fake)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// count returns how often "METHOD path" was requested.
func (f *fake) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

// requests returns the request log.
func (f *fake) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.log...)
}

var installationPath = regexp.MustCompile(`^/repos/[^/]+/[^/]+/installation$`)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // test server
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	p, ok := strings.CutPrefix(r.URL.Path, f.prefix)
	if !ok || !strings.HasPrefix(p, "/") {
		f.t.Errorf("request outside the API base %q: %s %s", f.prefix, r.Method, r.URL.Path)
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
		return
	}
	key := r.Method + " " + p
	jwtRoute := strings.HasPrefix(p, "/app") || installationPath.MatchString(p)
	var who string
	if jwtRoute {
		if err := f.checkJWT(r.Header.Get("Authorization")); err != nil {
			f.record(key, "bad-jwt")
			writeJSON(w, 401, map[string]string{"message": "A JSON web token could not be decoded: " + err.Error()})
			return
		}
		who = "jwt"
	} else {
		var ok bool
		if who, ok = f.checkToken(r.Header.Get("Authorization")); !ok {
			f.record(key, "bad-token")
			writeJSON(w, 401, map[string]string{"message": "Bad credentials"})
			return
		}
	}
	f.record(key, who)
	f.mu.Lock()
	h := f.override[key]
	f.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	f.route(w, r, p, who)
}

func (f *fake) record(key, who string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits[key]++
	f.log = append(f.log, key+" "+who)
}

// checkJWT verifies an App JWT: RS256 by the App's key, issued by the app id.
func (f *fake) checkJWT(authz string) error {
	tok, ok := strings.CutPrefix(authz, "Bearer ")
	if !ok {
		return fmt.Errorf("no bearer token")
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(tok, &claims, func(t *jwt.Token) (any, error) {
		if t.Method != jwt.SigningMethodRS256 {
			return nil, fmt.Errorf("signed with %v, want RS256", t.Header["alg"])
		}
		return f.pub, nil
	})
	if err != nil {
		return err
	}
	if claims.Issuer != strconv.Itoa(testAppID) {
		return fmt.Errorf("iss %q, want %d", claims.Issuer, testAppID)
	}
	if claims.ExpiresAt == nil || claims.ExpiresAt.Sub(time.Now()) > 10*time.Minute {
		return fmt.Errorf("exp missing or more than 10 minutes ahead")
	}
	return nil
}

// checkToken accepts a live installation token ("token ghs_…") or the PAT.
func (f *fake) checkToken(authz string) (string, bool) {
	if authz == "Bearer "+testPAT || authz == "token "+testPAT {
		return "pat", true
	}
	tok, ok := strings.CutPrefix(authz, "token ")
	if !ok || !strings.HasPrefix(tok, "ghs_") {
		return "", false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.tokens[tok]
	return "inst:" + strconv.FormatInt(id, 10), ok
}

var tokenPath = regexp.MustCompile(`^/app/installations/(\d+)/access_tokens$`)

func (f *fake) route(w http.ResponseWriter, r *http.Request, p, who string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == "GET" && p == "/app":
		writeJSON(w, 200, map[string]any{"id": testAppID, "slug": testSlug, "name": "Goalbot Test"})
	case r.Method == "GET" && installationPath.MatchString(p):
		repo := strings.TrimSuffix(strings.TrimPrefix(p, "/repos/"), "/installation")
		id, ok := f.installs[strings.ToLower(repo)]
		if !ok {
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		}
		writeJSON(w, 200, map[string]any{"id": id, "app_id": testAppID})
	case r.Method == "POST" && tokenPath.MatchString(p):
		id, _ := strconv.ParseInt(tokenPath.FindStringSubmatch(p)[1], 10, 64)
		tok := fmt.Sprintf("ghs_%d_%d", id, len(f.tokens)+1)
		f.tokens[tok] = id
		writeJSON(w, 201, map[string]any{"token": tok, "expires_at": time.Now().Add(f.ttl).UTC().Format(time.RFC3339)})
	case r.Method == "GET" && p == "/user" && who == "pat":
		writeJSON(w, 200, map[string]any{"login": "pat-user", "type": "User"})
	case r.Method == "GET" && f.issues[p] != nil:
		body, _ := json.Marshal(f.issues[p])
		sum := sha256.Sum256(append(body, who...)) // ETags differ per token, as on GitHub
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body) //nolint:errcheck // test server
	case r.Method == "GET" && f.comments[p] != nil:
		f.listComments(w, r, f.comments[p])
	default:
		writeJSON(w, 404, map[string]string{"message": "Not Found"})
	}
}

// listComments answers one page of comments, filtered by since, with a
// Link header to the next page.
func (f *fake) listComments(w http.ResponseWriter, r *http.Request, all []map[string]any) {
	q := r.URL.Query()
	var list []map[string]any
	if s := q.Get("since"); s != "" {
		since, err := time.Parse(time.RFC3339, s)
		if err != nil {
			writeJSON(w, 422, map[string]string{"message": "bad since"})
			return
		}
		for _, c := range all {
			if u, _ := time.Parse(time.RFC3339, c["updated_at"].(string)); !u.Before(since) {
				list = append(list, c)
			}
		}
	} else {
		list = all
	}
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	lo, hi := min((page-1)*per, len(list)), min(page*per, len(list))
	if hi < len(list) {
		next := *r.URL
		q.Set("page", strconv.Itoa(page+1))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next"`, f.srv.URL, next.RequestURI()))
	}
	writeJSON(w, 200, list[lo:hi])
}

func refOf(owner, repo string, n int) ref.Ref { return ref.New(owner, repo, n) }

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// issueJSON is a minimal issue as GitHub renders it.
func issueJSON(owner, repo string, n int, title string) map[string]any {
	return map[string]any{
		"number": n, "title": title, "state": "open", "body": "body of " + title,
		"user":       map[string]any{"login": "nikomatsakis", "type": "User"},
		"labels":     []any{map[string]any{"name": "T-lang"}, map[string]any{"name": "proposed-final-comment-period"}},
		"created_at": "2024-07-01T10:00:00Z", "updated_at": "2024-07-02T11:00:00Z",
		"author_association": "MEMBER",
		"html_url":           fmt.Sprintf("https://github.com/%s/%s/issues/%d", owner, repo, n),
	}
}

// addIssue serves an issue at owner/repo#n and returns its API path.
func (f *fake) addIssue(owner, repo string, n int) string {
	p := fmt.Sprintf("/repos/%s/%s/issues/%d", owner, repo, n)
	f.set(func(f *fake) { f.issues[p] = issueJSON(owner, repo, n, "issue "+strconv.Itoa(n)) })
	return p
}

func TestNewValidates(t *testing.T) {
	good := keyPEM(testKey())
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	ecKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})
	secretGarbage := []byte("-----BEGIN RSA PRIVATE KEY-----\nU0VDUkVUS0VZTUFURVJJQUw=\n-----END RSA PRIVATE KEY-----\n")
	escaped := []byte(strings.ReplaceAll(string(good), "\n", `\n`))
	pkcs8, err := x509.MarshalPKCS8PrivateKey(testKey())
	if err != nil {
		t.Fatal(err)
	}
	pkcs8PEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // "" for success
	}{
		{"token", Config{Token: "t"}, ""},
		{"app PKCS#1", Config{AppID: 1, PrivateKey: good}, ""},
		{"app PKCS#8", Config{AppID: 1, PrivateKey: pkcs8PEM}, ""},
		{"app key with literal \\n", Config{AppID: 1, PrivateKey: escaped}, ""},
		{"GHES URL", Config{Token: "t", APIURL: "https://ghe.example.com/api/v3/"}, ""},
		{"nothing", Config{}, "no GitHub credentials"},
		{"both", Config{AppID: 1, PrivateKey: good, Token: "t"}, "not both"},
		{"id without key", Config{AppID: 1}, "needs both"},
		{"key without id", Config{PrivateKey: good}, "needs both"},
		{"negative id", Config{AppID: -3, PrivateKey: good}, "needs both"},
		{"not PEM", Config{AppID: 1, PrivateKey: []byte("SECRETKEYMATERIAL")}, "no PEM block"},
		{"PEM of garbage", Config{AppID: 1, PrivateKey: secretGarbage}, "neither a PKCS#1 nor a PKCS#8"},
		{"EC key", Config{AppID: 1, PrivateKey: ecKey}, "not an RSA key"},
		{"relative URL", Config{Token: "t", APIURL: "api.github.com"}, "not an absolute"},
		{"ftp URL", Config{Token: "t", APIURL: "ftp://x/"}, "not an absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want it to say %q", err, tt.wantErr)
			}
			for _, secret := range []string{"SECRETKEYMATERIAL", "U0VDUkVU", string(ecKey[40:80]), string(good[40:80])} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q quotes the key", err)
				}
			}
		})
	}
}

func TestURLs(t *testing.T) {
	tests := []struct{ in, base, upload string }{
		{"", "https://api.github.com/", "https://uploads.github.com/"},
		{"https://api.github.com", "https://api.github.com/", "https://uploads.github.com/"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/uploads/"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/uploads/"},
		{"https://ghe.example.com/", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/uploads/"},
	}
	for _, tt := range tests {
		c, err := New(Config{Token: "t", APIURL: tt.in})
		if err != nil {
			t.Fatal(err)
		}
		if c.base != tt.base || c.upload != tt.upload {
			t.Errorf("%q: base %q upload %q, want %q %q", tt.in, c.base, c.upload, tt.base, tt.upload)
		}
		if got := c.token.BaseURL.String(); got != tt.base {
			t.Errorf("%q: go-github BaseURL %q, want %q", tt.in, got, tt.base)
		}
	}
}

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
