package gh

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/google/go-github/v62/github"
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

// parseWithGoGitHub is how ParseEvent read issues, pull_request and
// issue_comment payloads before payload.go: go-github's whole event. It is
// the reference the lean decoder must agree with.
func parseWithGoGitHub(event string, payload []byte) (any, error) {
	ev, err := github.ParseWebHook(event, payload)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "%s payload: %v", event, err)
	}
	item := func(action string, sn bot.Issue, label *github.Label) *bot.ItemEvent {
		out := &bot.ItemEvent{Action: action, Item: sn}
		if label != nil {
			out.Label, out.HasLabel = label.GetName(), true
		}
		return out
	}
	repoRef := func(repo *github.Repository, n int) ref.Ref {
		return ref.New(repo.GetOwner().GetLogin(), repo.GetName(), n)
	}
	switch e := ev.(type) {
	case *github.IssuesEvent:
		if e == nil || e.Issue == nil || e.Repo == nil {
			return nil, nil
		}
		return item(e.GetAction(), IssueFrom(repoRef(e.Repo, e.Issue.GetNumber()), e.Issue), e.Label), nil
	case *github.PullRequestEvent:
		if e == nil || e.PullRequest == nil || e.Repo == nil {
			return nil, nil
		}
		return item(e.GetAction(), PullFrom(repoRef(e.Repo, e.PullRequest.GetNumber()), e.PullRequest), e.Label), nil
	case *github.IssueCommentEvent:
		if e == nil || e.Issue == nil || e.Repo == nil || e.Comment == nil {
			return nil, nil
		}
		out := &bot.CommentEvent{Action: e.GetAction(), Item: IssueFrom(repoRef(e.Repo, e.Issue.GetNumber()), e.Issue), Comment: CommentFrom(e.Comment)}
		if e.Changes != nil && e.Changes.Body != nil {
			out.PrevBody = e.Changes.Body.GetFrom()
		}
		return out, nil
	}
	return nil, nil
}

// agreeWithGoGitHub fails when ParseEvent reads payload differently from
// go-github's whole event, wherever go-github can read it.
func agreeWithGoGitHub(t *testing.T, event string, payload []byte) {
	t.Helper()
	want, werr := parseWithGoGitHub(event, payload)
	got, err := ParseEvent(event, payload)
	if werr != nil {
		return // go-github refuses it; fields goalbot does not read are not checked
	}
	if err != nil {
		t.Fatalf("%s %q: %v; go-github read it as %+v", event, payload, err, want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s %q:\n got %+v\nwant %+v", event, payload, got, want)
	}
}

// TestParseEventAgreesWithGoGitHub checks the lean decoder against
// go-github on GitHub's documented payloads and on variations of them.
func TestParseEventAgreesWithGoGitHub(t *testing.T) {
	for _, c := range []struct{ event, file string }{
		{"issues", "issues.labeled.json"},
		{"issue_comment", "issue_comment.created.json"},
		{"pull_request", "pull_request.closed.json"},
		{"issues", "issue_comment.created.json"}, // an issue, and more
	} {
		agreeWithGoGitHub(t, c.event, realPayload(t, c.file))
	}
	for _, c := range []struct{ event, payload string }{
		{"issues", `{"action":"opened","issue":{"number":7,"title":"T","pull_request":{"merged_at":"2024-07-01T00:00:00Z"},"labels":[null,{"name":"A"}]},"repository":{"name":"rfcs","owner":{"login":"rust-lang"}}}`},
		{"issues", `{"action":"unlabeled","issue":{"number":7,"closed_at":1719792000},"label":{},"repository":{"name":"rfcs"}}`},
		{"pull_request", `{"action":"closed","pull_request":{"number":3,"merged":true,"user":null},"repository":{"owner":{}}}`},
		{"pull_request", `{"action":"edited","pull_request":{"number":3,"merged_at":"2024-07-01T00:00:00Z","labels":[]},"repository":{}}`},
		{"issue_comment", `{"action":"edited","issue":{"number":1},"comment":{"id":9,"user":{"login":"rfcbot","type":"Bot"}},"changes":{"body":{"from":"old"}},"repository":{"name":"r"}}`},
		{"issue_comment", `{"action":"edited","issue":{"number":1},"comment":{"id":9},"changes":{},"repository":{"name":"r"}}`},
		{"issue_comment", `{"issue":{"number":1},"repository":{"name":"r"}}`},
		{"issues", `{"action":"opened","repository":{"name":"r"}}`},
		{"issues", `{"action":"opened","issue":{"number":1}}`},
		{"issues", `null`},
		{"issues", `{"ISSUE":{"NUMBER":2},"Repository":{"Name":"x"}}`},
	} {
		agreeWithGoGitHub(t, c.event, []byte(c.payload))
	}
}

// FuzzParseEvent: ParseEvent never panics, and reads what go-github reads
// the same way.
func FuzzParseEvent(f *testing.F) {
	for _, name := range []string{"issues.labeled.json", "issue_comment.created.json", "pull_request.closed.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "cmd", "goalbot", "testdata", "webhooks", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(0), b)
		f.Add(uint8(1), b)
		f.Add(uint8(2), b)
	}
	f.Add(uint8(0), []byte(`{"action":"opened","issue":{"number":7,"pull_request":{}},"repository":{"name":"r"}}`))
	events := []string{"issues", "pull_request", "issue_comment"}
	f.Fuzz(func(t *testing.T, which uint8, payload []byte) {
		agreeWithGoGitHub(t, events[int(which)%len(events)], payload)
	})
}
