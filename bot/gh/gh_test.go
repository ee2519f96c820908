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
	t      testing.TB
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
func newFake(t testing.TB) *fake {
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
	if claims.ExpiresAt == nil || time.Until(claims.ExpiresAt.Time) > 10*time.Minute {
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
