package sandbox

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-github/v62/github"
)

func TestWebhookSignedAndShaped(t *testing.T) {
	e := newEnv(t)
	e.s.SetAssociation(testRepo, "tmandry", "MEMBER")
	is, d := e.s.OpenIssue("tmandry", testRepo, "Async parity", "body", "T-lang")
	if d.StatusCode != http.StatusAccepted || d.Status != "OK" || d.Event != "issues" || d.Action != "opened" {
		t.Fatalf("delivery = %+v", d)
	}
	got := e.hooks.all()
	if len(got) != 2 {
		t.Fatalf("%d webhooks, want opened + labeled", len(got))
	}
	r := got[0]
	if r.guid != d.GUID || r.ua != "GitHub-Hookshot/sandbox" || r.target != strconv.Itoa(testAppID) {
		t.Errorf("headers: guid %q ua %q target %q", r.guid, r.ua, r.target)
	}
	if err := github.ValidateSignature(r.sig, r.body, []byte(testSecret)); err != nil {
		t.Errorf("signature: %v", err)
	}
	if err := github.ValidateSignature(r.sig, r.body, []byte("other")); err == nil {
		t.Error("signature validates with the wrong secret")
	}
	ev := parse(t, r).(*github.IssuesEvent)
	if ev.GetIssue().GetNumber() != is.Number || ev.GetRepo().GetFullName() != testRepo ||
		ev.GetRepo().GetOwner().GetLogin() != "rust-lang" || ev.GetSender().GetLogin() != "tmandry" ||
		ev.GetInstallation().GetID() != 1 || ev.GetIssue().GetAuthorAssociation() != "MEMBER" {
		t.Errorf("payload: %s", r.body)
	}
	if lab := parse(t, got[1]).(*github.IssuesEvent); lab.GetAction() != "labeled" || lab.GetLabel().GetName() != "T-lang" {
		t.Errorf("second event: %s", got[1].body)
	}
	if p := e.s.Ping(); p.Event != "ping" || !p.OK() {
		t.Errorf("ping: %+v", p)
	}
}

func TestPullRequestLifecycleWebhooks(t *testing.T) {
	e := newEnv(t)
	pr, _ := e.s.OpenPull("tmandry", testRepo, "RFC: return type notation", "")
	cm, d := e.s.Comment("nikomatsakis", testRepo, pr.Number, "@rfcbot fcp merge")
	if !d.OK() || cm.ID <= 1<<31 {
		t.Fatalf("comment %d, delivery %+v", cm.ID, d)
	}
	e.s.EditComment("nikomatsakis", cm.ID, "@rfcbot fcp merge\n/goal track #105")
	e.s.AddLabel("rfcbot", testRepo, pr.Number, "proposed-final-comment-period")
	e.s.SubmitReview("tmandry", testRepo, pr.Number, "/goal status")
	e.s.Merge("nikomatsakis", testRepo, pr.Number)
	e.s.DeleteComment("nikomatsakis", cm.ID)

	var seq []string
	for _, r := range e.hooks.all() {
		switch ev := parse(t, r).(type) {
		case *github.PullRequestEvent:
			seq = append(seq, "pull_request:"+ev.GetAction())
			if ev.GetAction() == "closed" && (!ev.GetPullRequest().GetMerged() || ev.GetPullRequest().MergedAt == nil) {
				t.Errorf("closed event not merged: %s", r.body)
			}
			if ev.GetNumber() != pr.Number {
				t.Errorf("number = %d", ev.GetNumber())
			}
		case *github.IssueCommentEvent:
			seq = append(seq, "issue_comment:"+ev.GetAction())
			if !ev.GetIssue().IsPullRequest() || ev.GetComment().GetID() != cm.ID {
				t.Errorf("comment payload: %s", r.body)
			}
			if ev.GetAction() == "edited" && ev.GetChanges().GetBody().GetFrom() != "@rfcbot fcp merge" {
				t.Errorf("changes.body.from = %q", ev.GetChanges().GetBody().GetFrom())
			}
		case *github.PullRequestReviewEvent:
			seq = append(seq, "pull_request_review:"+ev.GetAction())
			if ev.GetReview().GetBody() != "/goal status" || ev.GetReview().GetUser().GetLogin() != "tmandry" {
				t.Errorf("review payload: %s", r.body)
			}
		default:
			t.Errorf("unexpected %T", ev)
		}
	}
	want := []string{"pull_request:opened", "issue_comment:created", "issue_comment:edited",
		"pull_request:labeled", "pull_request_review:submitted", "pull_request:closed", "issue_comment:deleted"}
	if strings.Join(seq, " ") != strings.Join(want, " ") {
		t.Errorf("events = %v\nwant     %v", seq, want)
	}
	if got, _ := e.s.Issue(testRepo, pr.Number); !got.Merged || got.State != "closed" {
		t.Errorf("stored PR: %+v", got)
	}
	if d := e.s.CloseIssue("x", testRepo, pr.Number); !strings.HasPrefix(d.Status, "sandbox:") {
		t.Errorf("closing a merged PR: %+v", d)
	}
	pull, _, err := e.gh.PullRequests.Get(ctx(t), "rust-lang", "rfcs", pr.Number)
	if err != nil || !pull.GetMerged() {
		t.Errorf("GET pull: merged %v, %v", pull.GetMerged(), err)
	}
}

func TestPushWebhook(t *testing.T) {
	e := newEnv(t)
	sha, d := e.s.PushFile("nikomatsakis", "rust-lang/goals", "", "src/2024h2/async.md", []byte("# Async"))
	if !d.OK() {
		t.Fatalf("delivery %+v", d)
	}
	ev := parse(t, e.hooks.all()[0]).(*github.PushEvent)
	if ev.GetRef() != "refs/heads/main" || ev.GetAfter() != sha || ev.GetHeadCommit().Added[0] != "src/2024h2/async.md" ||
		ev.GetRepo().GetFullName() != "rust-lang/goals" || ev.GetInstallation().GetID() != 1 {
		t.Errorf("push payload: %s", e.hooks.all()[0].body)
	}
	f, _, _, err := e.gh.Repositories.GetContents(ctx(t), "rust-lang", "goals", "src/2024h2/async.md", &github.RepositoryContentGetOptions{Ref: sha})
	if text, _ := f.GetContent(); err != nil || text != "# Async" {
		t.Errorf("contents at pushed sha = %q, %v", text, err)
	}
}

func TestDroppedWebhookAndRedelivery(t *testing.T) {
	e := newEnv(t)
	e.s.DropWebhooks(1)
	_, d := e.s.OpenIssue("tmandry", testRepo, "dropped", "")
	if !d.Dropped || d.OK() || len(e.hooks.all()) != 0 {
		t.Fatalf("drop: delivery %+v, %d received", d, len(e.hooks.all()))
	}
	e.hooks.mu.Lock()
	e.hooks.status = http.StatusServiceUnavailable
	e.hooks.mu.Unlock()
	_, failed := e.s.OpenIssue("tmandry", testRepo, "bot down", "")
	if failed.StatusCode != 503 || failed.Status != "Invalid HTTP Response: 503" {
		t.Errorf("failed delivery: %+v", failed)
	}
	e.hooks.mu.Lock()
	e.hooks.status = http.StatusAccepted
	e.hooks.mu.Unlock()

	// The App lists its deliveries (newest first) and finds the failures.
	list, resp, err := e.app.Apps.ListHookDeliveries(ctx(t), &github.ListCursorOptions{PerPage: 1})
	if err != nil || len(list) != 1 || list[0].GetGUID() != failed.GUID || resp.Cursor == "" {
		t.Fatalf("page 1: %v cursor %q, %v", list, resp.Cursor, err)
	}
	list, _, err = e.app.Apps.ListHookDeliveries(ctx(t), &github.ListCursorOptions{PerPage: 1, Cursor: resp.Cursor})
	if err != nil || len(list) != 1 || list[0].GetGUID() != d.GUID || list[0].GetStatus() == "OK" {
		t.Fatalf("page 2: %v, %v", list, err)
	}

	// Redelivery through the API answers 202 and re-sends the same GUID.
	_, _, err = e.app.Apps.RedeliverHookDelivery(ctx(t), list[0].GetID())
	var accepted *github.AcceptedError
	if !errors.As(err, &accepted) {
		t.Fatalf("redeliver: %v, want 202 AcceptedError", err)
	}
	e.waitIdle(t)
	got := e.hooks.all()
	if len(got) != 2 || got[1].guid != d.GUID {
		t.Fatalf("received %d, last guid %q, want %q", len(got), got[len(got)-1].guid, d.GUID)
	}
	if err := github.ValidateSignature(got[1].sig, got[1].body, []byte(testSecret)); err != nil {
		t.Error(err)
	}
	again, found := e.s.Redeliver(failed.GUID)
	if !found || !again.OK() || !again.Redelivery || again.GUID != failed.GUID || again.ID == failed.ID {
		t.Errorf("Redeliver: %+v", again)
	}
	full, _, err := e.app.Apps.GetHookDelivery(ctx(t), again.ID)
	if err != nil || !full.GetRedelivery() || full.GetStatusCode() != 202 {
		t.Errorf("GET delivery: %+v, %v", full, err)
	}
	if _, ok := e.s.Redeliver("no-such-guid"); ok {
		t.Error("redelivered an unknown GUID")
	}
}
