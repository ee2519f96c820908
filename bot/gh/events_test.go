package gh

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
)

// realPayload reads one of GitHub's documented webhook payloads kept for
// the end-to-end tests.
func realPayload(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "cmd", "goalbot", "testdata", "webhooks", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseEvent(t *testing.T) {
	hello := func(n int) ref.Ref { return ref.New("Codertocat", "Hello-World", n) }
	ev, err := ParseEvent("issues", realPayload(t, "issues.labeled.json"))
	if e, ok := ev.(*bot.ItemEvent); err != nil || !ok || e.Action != "labeled" || !e.HasLabel || e.Label != "bug" || e.Item.Repo != hello(1) || e.Item.IsPull {
		t.Errorf("issues.labeled = %+v, %v", ev, err)
	}
	ev, err = ParseEvent("issue_comment", realPayload(t, "issue_comment.created.json"))
	if e, ok := ev.(*bot.CommentEvent); err != nil || !ok || e.Action != "created" || e.Comment.ID != 492700400 ||
		e.Comment.Author != "Codertocat" || e.Item.Repo != hello(1) || e.PrevBody != "" {
		t.Errorf("issue_comment.created = %+v, %v", ev, err)
	}
	ev, err = ParseEvent("pull_request", realPayload(t, "pull_request.closed.json"))
	if e, ok := ev.(*bot.ItemEvent); err != nil || !ok || e.Action != "closed" || e.HasLabel || e.Item.Repo != hello(2) || !e.Item.IsPull {
		t.Errorf("pull_request.closed = %+v, %v", ev, err)
	}
	ev, err = ParseEvent("push", []byte(`{"ref":"refs/heads/main","after":"abc","repository":{"full_name":"Rust-Lang/Goals","default_branch":"main"},
		"commits":[{"added":["src/a.md"],"modified":["src/b.md"]},{"modified":["README.md"]}]}`))
	if e, ok := ev.(*bot.PushEvent); err != nil || !ok || e.Repo != "rust-lang/goals" || e.After != "abc" || len(e.Changed) != 3 {
		t.Errorf("push = %+v, %v", ev, err)
	}
	if ev, err := ParseEvent("star", realPayload(t, "star.created.json")); ev != nil || err != nil {
		t.Errorf("an unused event = %+v, %v; want nil, nil", ev, err)
	}
	if ev, err := ParseEvent("issues", []byte(`{"action":"opened"}`)); ev != nil || err != nil {
		t.Errorf("issues without an issue = %+v, %v; want nil, nil", ev, err)
	}
	if _, err := ParseEvent("issues", []byte(`{"action":`)); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("broken payload: %v, want an invalid error", err)
	}
}
