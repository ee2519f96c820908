package webhook

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/rs/zerolog"
)

// itemStore records which path each delivery took.
type itemStore struct {
	mu    sync.Mutex
	items map[string]string // delivery id → item passed to IngestAbout
	plain map[string]bool   // delivery ids passed to Ingest
	block bool              // wait for the context to end, then fail
}

func newItemStore() *itemStore {
	return &itemStore{items: map[string]string{}, plain: map[string]bool{}}
}

func (s *itemStore) Ingest(ctx context.Context, d bot.Delivery) (bool, error) {
	if s.block {
		<-ctx.Done()
		return false, context.Cause(ctx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.plain[d.ID] = true
	return false, nil
}

func (s *itemStore) IngestAbout(ctx context.Context, d bot.Delivery, item string) (bool, error) {
	if s.block {
		<-ctx.Done()
		return false, context.Cause(ctx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[d.ID] = item
	return false, nil
}

func post(rc *Receiver, event, id, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/webhook", strings.NewReader(body))
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", Sign("s", []byte(body)))
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, req)
	return w
}

func TestReceiverSkipsUntrackedOnlyWithoutCommands(t *testing.T) {
	const repo = `"repository":{"full_name":"Rust-Lang/Rust"}`
	tests := []struct {
		name, event, body, login string
		item                     string // "" means the plain Ingest (a job whatever the item)
	}{
		{"label on an issue", "issues", `{"action":"labeled","issue":{"number":5},` + repo + `}`, "goalbot[bot]", "rust-lang/rust#5"},
		{"pull request", "pull_request", `{"action":"closed","number":9,"pull_request":{"number":9},` + repo + `}`, "goalbot[bot]", "rust-lang/rust#9"},
		{"review", "pull_request_review", `{"action":"submitted","review":{"body":"lgtm"},"pull_request":{"number":9},` + repo + `}`, "goalbot[bot]", "rust-lang/rust#9"},
		{"plain comment", "issue_comment", `{"action":"created","comment":{"body":"nice"},"issue":{"number":5},` + repo + `}`, "goalbot[bot]", "rust-lang/rust#5"},
		{"slash command", "issue_comment", `{"action":"created","comment":{"body":"/goal track x"},"issue":{"number":5},` + repo + `}`, "goalbot[bot]", ""},
		{"escaped slash command", "issue_comment", `{"action":"created","comment":{"body":"\/goal track x"},"issue":{"number":5},` + repo + `}`, "goalbot[bot]", ""},
		{"mention in another case", "issue_comment", `{"action":"created","comment":{"body":"hey @GoalBot track x"},"issue":{"number":5},` + repo + `}`, "goalbot[bot]", ""},
		{"mention of another login", "issue_comment", `{"action":"created","comment":{"body":"@rustbot label x"},"issue":{"number":5},` + repo + `}`, "rustbot", ""},
		{"login not known yet", "issue_comment", `{"action":"created","comment":{"body":"nice"},"issue":{"number":5},` + repo + `}`, "", ""},
		{"push", "push", `{"ref":"refs/heads/main",` + repo + `}`, "goalbot[bot]", ""},
		{"rfcbot's label on an untracked item (track_all)", "issues", `{"action":"labeled","label":{"name":"proposed-final-comment-period"},"issue":{"number":5},` + repo + `}`, "goalbot[bot]", ""},
		{"rfcbot's comment (track_all)", "issue_comment", `{"action":"created","comment":{"body":"Team member @x has proposed to merge this.","user":{"login":"RFCBot"}},"issue":{"number":5},` + repo + `}`, "goalbot[bot]", ""},
		{"a PR naming a goal's tracking issue (discovery)", "pull_request", `{"action":"opened","number":9,"pull_request":{"number":9,"body":"Part of rust-lang/goals#105"},` + repo + `}`, "goalbot[bot]", ""},
		{"no item number", "issues", `{"action":"labeled",` + repo + `}`, "goalbot[bot]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newItemStore()
			rc, err := New(st, []string{"s"}, []string{"issues", "pull_request", "issue_comment", "pull_request_review", "push"}, zerolog.Nop(), nil)
			if err != nil {
				t.Fatal(err)
			}
			login := tt.login
			rc.SkipUntracked(func() string { return login }, func() []string { return []string{"final-comment-period", "rfcbot", "rust-lang/goals"} })
			if w := post(rc, tt.event, "d1", tt.body); w.Code != 202 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			item, about := st.items["d1"]
			switch {
			case tt.item == "" && (about || !st.plain["d1"]):
				t.Errorf("stored with IngestAbout(%q); want a plain Ingest (a job)", item)
			case tt.item != "" && item != tt.item:
				t.Errorf("IngestAbout item %q (called %v), want %q", item, about, tt.item)
			}
		})
	}
}

func TestReceiverAnswers503PastTheIngestDeadline(t *testing.T) {
	st := newItemStore()
	st.block = true
	rc, err := New(st, []string{"s"}, []string{"issues"}, zerolog.Nop(), nil)
	if err != nil {
		t.Fatal(err)
	}
	rc.SetIngestTimeout(100 * time.Millisecond)
	start := time.Now()
	w := post(rc, "issues", "d1", `{"action":"labeled"}`)
	took := time.Since(start)
	if w.Code != 503 {
		t.Errorf("status %d, want 503", w.Code)
	}
	if took > 2*time.Second {
		t.Errorf("answered after %v; the deadline is 100 ms", took)
	}
}

func TestParseHead(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
		want head
	}{
		{`{"action":"created","repository":{"full_name":"Rust-Lang/RFCs"},"installation":{"id":7},"issue":{"number":12,"body":"x"}}`, true,
			head{action: "created", repo: "rust-lang/rfcs", installation: 7, number: 12}},
		{`{"action":"opened","pull_request":{"number":3}}`, true, head{action: "opened", number: 3}},
		{`{}`, true, head{}},
		{`null`, false, head{}},
		{`[1]`, false, head{}},
		{`"x"`, false, head{}},
		{`{"action":`, false, head{}},
		{``, false, head{}},
	}
	for _, tt := range tests {
		got, ok := parseHead([]byte(tt.body))
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseHead(%s) = %+v, %v; want %+v, %v", tt.body, got, ok, tt.want, tt.ok)
		}
	}
}

func TestContainsFold(t *testing.T) {
	lower := lowerASCII([]byte(`{"body":"Ping @GoalBot and RFCBot; see Rust-Lang/Goals#105 — Ünïcode"}`))
	for _, tt := range []struct {
		word string
		want bool
	}{
		{"@goalbot", true},
		{"@GOALBOT", true},
		{"rfcbot", true},
		{"rust-lang/goals", true},
		{"Rust-Lang/Goals", true},
		{"Ünïcode", true},  // non-ASCII bytes are compared as they are
		{"ünïcode", false}, // (only ASCII is folded)
		{"@rustbot", false},
		{"rust-lang/rfcs", false},
	} {
		if got := containsFold(lower, tt.word); got != tt.want {
			t.Errorf("containsFold(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
}

// BenchmarkSkippable is the receiver's decision for an untracked delivery
// with the keep words of a configuration that follows every FCP and two
// goal periods' tracking repositories: the check runs on every delivery.
func BenchmarkSkippable(b *testing.B) {
	body, err := os.ReadFile("../bench/testdata/issues.labeled.json")
	if err != nil {
		b.Fatal(err)
	}
	rc, err := New(newItemStore(), []string{"s"}, []string{"issues"}, zerolog.Nop(), nil)
	if err != nil {
		b.Fatal(err)
	}
	words := []string{"rust-lang/rust-project-goals", "rust-lang/goals", "final-comment-period", "major-change", "disposition-", "rfcbot", "mscbot"}
	rc.SkipUntracked(func() string { return "goalbot[bot]" }, func() []string { return words })
	h, _ := parseHead(body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if rc.skippable("issues", h, body) == "" {
			b.Fatal("the untracked delivery was not skippable")
		}
	}
}
