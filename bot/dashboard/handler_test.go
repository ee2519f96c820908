package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// newTestHandler serves the fixture, reading a fresh snapshot on every
// request; reads counts the snapshots taken.
func newTestHandler(t testing.TB, refresh int64) (*Handler, *atomic.Int64) {
	t.Helper()
	var reads atomic.Int64
	h, err := New(Options{Source: SourceFunc(func(context.Context) (*Snapshot, error) {
		reads.Add(1)
		return fixture(), nil
	}), Log: zerolog.Nop(), Refresh: refreshOf(refresh)})
	if err != nil {
		t.Fatal(err)
	}
	return h, &reads
}

func get(t testing.TB, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", name, path, got)
	}
}

// TestAPIGoldens checks every JSON endpoint against its golden, and that no
// answer holds a null anywhere (lists are [] and absent objects left out).
func TestAPIGoldens(t *testing.T) {
	h, _ := newTestHandler(t, -1)
	for _, tt := range []struct{ name, path string }{
		{"api-goals", "/api/v1/goals"},
		{"api-goals-filtered", "/api/v1/goals?period=2024h2&team=lang"},
		{"api-goal-seed", "/api/v1/goals/async-parity-2024h2"},
		{"api-goal-hostile", "/api/v1/goals/2025h1/evil"},
		{"api-fcps", "/api/v1/fcps"},
		{"api-fcps-blocked", "/api/v1/fcps?blocked_on_others=tmandry"},
		{"api-person-pnkfelix", "/api/v1/people/pnkfelix"},
		{"api-person-nobody", "/api/v1/people/nobody"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := get(t, h, tt.path)
			b := body(t, res)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("%s: %d %s\n%s", tt.path, res.StatusCode, res.Header.Get("Content-Type"), b)
			}
			golden(t, tt.name, b)
			var v any
			if err := json.Unmarshal([]byte(b), &v); err != nil {
				t.Fatal(err)
			}
			if p := findNull(v, "$"); p != "" {
				t.Errorf("null at %s", p)
			}
			if strings.Contains(b, "javascript:") || strings.Contains(b, "evil.example") {
				t.Errorf("a hostile URL passed through:\n%s", b)
			}
		})
	}
}

// findNull returns the path of the first null in v, "" when none.
func findNull(v any, path string) string {
	switch x := v.(type) {
	case nil:
		return path
	case map[string]any:
		for k, e := range x {
			if p := findNull(e, path+"."+k); p != "" {
				return p
			}
		}
	case []any:
		for i, e := range x {
			if p := findNull(e, path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	}
	return ""
}

func TestAPIErrors(t *testing.T) {
	h, _ := newTestHandler(t, -1)
	for _, tt := range []struct {
		path   string
		status int
		want   string
	}{
		{"/api/v1/goals/nope", 404, `"error": "no goal \"nope\"; /api/v1/goals lists them"`},
		{"/api/v1/people/a%20b", 404, `is not a GitHub login`},
		{"/api/v1/nothing", 404, `no such endpoint`},
	} {
		res := get(t, h, tt.path)
		b := body(t, res)
		if res.StatusCode != tt.status || !strings.Contains(b, tt.want) || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %q, want %d containing %q", tt.path, res.StatusCode, b, tt.status, tt.want)
		}
	}
}

// TestETag: answers carry an ETag and Cache-Control; If-None-Match gets a
// bodiless 304 until the data change; the answer cache serves repeats
// without reading the store again within the refresh interval.
func TestETag(t *testing.T) {
	h, reads := newTestHandler(t, 60)
	res := get(t, h, "/api/v1/fcps")
	etag := res.Header.Get("ETag")
	if res.StatusCode != 200 || !regexp.MustCompile(`^"[0-9a-f]{24}"$`).MatchString(etag) || res.Header.Get("Cache-Control") != "public, max-age=5" {
		t.Fatalf("first answer: %d etag %q cache %q", res.StatusCode, etag, res.Header.Get("Cache-Control"))
	}
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		res = get(t, h, "/api/v1/fcps", "If-None-Match", inm)
		if res.StatusCode != http.StatusNotModified || body(t, res) != "" || res.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %d", inm, res.StatusCode)
		}
	}
	if res = get(t, h, "/api/v1/fcps", "If-None-Match", `"stale"`); res.StatusCode != 200 {
		t.Errorf("stale tag: %d, want 200", res.StatusCode)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("%d snapshots read for 6 requests within the refresh interval, want 1", n)
	}
	for _, p := range []string{"/", "/fcps", "/fcps.ics", "/feed.atom"} {
		if res := get(t, h, p); res.Header.Get("ETag") == "" || res.Header.Get("ETag") == etag {
			t.Errorf("%s: etag %q", p, res.Header.Get("ETag"))
		}
	}

	// New data: a new tag, and the old one no longer matches.
	var n atomic.Int64
	h2, err := New(Options{Source: SourceFunc(func(context.Context) (*Snapshot, error) {
		s := fixture()
		if n.Add(1) > 1 {
			s.Items[0].FCP.Reviewers[0].Ticked = true // joshtriplett ticks
		}
		return s, nil
	}), Refresh: refreshOf(-1)})
	if err != nil {
		t.Fatal(err)
	}
	first := get(t, h2, "/api/v1/fcps").Header.Get("ETag")
	res = get(t, h2, "/api/v1/fcps", "If-None-Match", first)
	if res.StatusCode != 200 || res.Header.Get("ETag") == first {
		t.Errorf("after a change: %d etag %s (was %s)", res.StatusCode, res.Header.Get("ETag"), first)
	}
}

func refreshOf(seconds int64) time.Duration { return time.Duration(seconds) * time.Second }

var errSecret = errors.New("connect to db password=hunter2: refused")

// githubHref is every form of GitHub link the dashboard may write: an
// item, an item's comment, a person's profile.
var githubHref = regexp.MustCompile(`^https://github\.com/(?:[A-Za-z0-9-]+/[A-Za-z0-9._-]+/(?:issues|pull)/[1-9][0-9]*(?:#(?:issuecomment|pullrequestreview)-[1-9][0-9]*)?|[A-Za-z0-9-]+)$`)

// TestPages checks the structure of every HTML page: one h1, semantic
// tables, no script, links either local or well-formed GitHub addresses,
// the texts a reader looks for, and hostile GitHub text shown as text.
func TestPages(t *testing.T) {
	h, _ := newTestHandler(t, -1)
	for _, tt := range []struct {
		path string
		want []string // texts of the page
	}{
		{"/", []string{"Goals", "Bringing the Async Rust experience closer to parity with sync Rust", "rust-lang/goals#105", "tmandry", "2024-08-05", "in-fcp 2"}},
		{"/?period=2024h2&team=lang&refresh=5", []string{"1 goal, period 2024h2, team lang"}},
		{"/goals/async-parity-2024h2", []string{"approve RTN RFC", "rust-lang/rfcs#3654", "Return type notation (send bounds, part 2)",
			"joshtriplett", "naming-of-rtn", "FCP proposed", "the document says complete", "History (2)", "fcp-proposed", "webhook delivery d-2", "ends 2024-08-15"}},
		{"/goals/2025h1/evil", []string{"<img src=x onerror=alert(1)>"}},
		{"/fcps", []string{"Open proposals", "T-lang", "T-compiler", "3/6", "joshtriplett, pnkfelix, traviscross", "naming-of-rtn",
			"In final comment period", "2024-08-13 (in 6 days)", "Recently finished", "rust-lang/rfcs#3000"}},
		{"/fcps?blocked_on_others=scottmcm", []string{"Proposals scottmcm has reviewed", "rust-lang/rfcs#3654"}},
		{"/people/pnkfelix", []string{"Waiting on pnkfelix's review", "rust-lang/rfcs#3654", "rust-lang/rfcs#3657", "Past reviews", "not ticked"}},
		{"/people/scottmcm", []string{"Unresolved concerns raised by scottmcm", "naming-of-rtn", "Reviewed, blocked on others"}},
		{"/people/nikomatsakis", []string{"Subgoals owned", "approve RTN RFC", "Bringing the Async Rust"}},
	} {
		t.Run(tt.path, func(t *testing.T) {
			res := get(t, h, tt.path)
			b := body(t, res)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			checkPage(t, b, tt.want)
		})
	}
}

// checkPage parses an HTML page and checks its structure and texts.
func checkPage(t *testing.T, page string, want []string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var text strings.Builder
	var walk func(n *html.Node, inTable bool)
	walk = func(n *html.Node, inTable bool) {
		switch n.Type {
		case html.TextNode:
			text.WriteString(n.Data)
		case html.ElementNode:
			count[n.Data]++
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("<%s> has an event handler %s=%q", n.Data, a.Key, a.Val)
				}
				if a.Key == "href" || a.Key == "src" || a.Key == "action" {
					checkHref(t, a.Val)
				}
			}
			switch n.Data {
			case "table":
				if !hasChild(n, "thead") || !hasChild(n, "tbody") {
					t.Errorf("a table without thead or tbody")
				}
			case "th":
				if !hasAttr(n, "scope") {
					t.Errorf("a th without scope")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inTable || n.Data == "table")
		}
	}
	walk(doc, false)
	if count["h1"] != 1 {
		t.Errorf("%d h1 elements, want 1", count["h1"])
	}
	for _, el := range []string{"script", "img", "iframe", "object", "style"} {
		if count[el] > 0 {
			t.Errorf("%d <%s> elements", count[el], el)
		}
	}
	if count["main"] != 1 || count["nav"] != 1 {
		t.Errorf("landmarks: %d main, %d nav", count["main"], count["nav"])
	}
	norm := strings.Join(strings.Fields(text.String()), " ")
	for _, w := range want {
		if !strings.Contains(norm, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("page lacks text %q", w)
		}
	}
	if t.Failed() {
		t.Logf("page:\n%s", page)
	}
}

func checkHref(t *testing.T, v string) {
	t.Helper()
	switch {
	case strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//"):
	case strings.HasPrefix(v, "https://github.com"):
		if !githubHref.MatchString(v) {
			t.Errorf("malformed GitHub link %q", v)
		}
	default:
		t.Errorf("link to %q: neither local nor GitHub", v)
	}
}

func hasChild(n *html.Node, tag string) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == tag {
			return true
		}
	}
	return false
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func TestPageErrors(t *testing.T) {
	h, _ := newTestHandler(t, -1)
	for _, tt := range []struct {
		path   string
		status int
		want   string
	}{
		{"/goals/nope", 404, `No goal "nope" is tracked.`},
		{"/people/%3Cscript%3E", 404, `"<script>" is not a GitHub login.`},
		{"/nothing/here", 404, "No such page."},
	} {
		res := get(t, h, tt.path)
		b := body(t, res)
		if res.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.path, res.StatusCode, tt.status)
		}
		checkPage(t, b, []string{tt.want})
	}
	res := get(t, h, "/people?login=%40PnkFelix")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/people/PnkFelix" {
		t.Errorf("person form: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res = get(t, h, "/static/dashboard.css")
	if b := body(t, res); res.StatusCode != 200 || !strings.Contains(b, "prefers-color-scheme: dark") || res.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("stylesheet: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res := get(t, h, "/static/dashboard.css", "If-None-Match", res.Header.Get("ETag")); res.StatusCode != 304 {
		t.Errorf("stylesheet revalidation: %d", res.StatusCode)
	}
}

// TestSourceError: a failing store is a 500 that says nothing of the cause.
func TestSourceError(t *testing.T) {
	var logs bytes.Buffer
	h, err := New(Options{Source: SourceFunc(func(context.Context) (*Snapshot, error) {
		return nil, errSecret
	}), Log: zerolog.New(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/api/v1/goals"} {
		res := get(t, h, p)
		if b := body(t, res); res.StatusCode != 500 || strings.Contains(b, "db password") {
			t.Errorf("%s: %d %q", p, res.StatusCode, b)
		}
	}
	if !strings.Contains(logs.String(), "db password") {
		t.Errorf("the cause is not logged: %s", logs.String())
	}
}
