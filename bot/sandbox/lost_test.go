package sandbox

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
)

// TestLoseAnswerAppliesTheWrite checks each mode: the client gets no
// success, yet the comment exists once; the next write is answered again.
func TestLoseAnswerAppliesTheWrite(t *testing.T) {
	for _, mode := range []LoseMode{LoseReset, Lose502, LoseTimeout} {
		t.Run(mode.String(), func(t *testing.T) {
			e := newEnv(t)
			warm(t, e)
			e.s.LoseAnswerNext(1, mode, "POST /repos/{owner}/{repo}/issues/{issue_number}/comments")
			c, cancel := context.WithTimeout(ctx(t), 500*time.Millisecond)
			defer cancel()
			_, _, err := e.gh.Issues.CreateComment(c, "rust-lang", "rfcs", 1, &github.IssueComment{Body: github.String("once")})
			if err == nil {
				t.Fatal("the write was answered")
			}
			if mode == Lose502 && statusOf(err) != http.StatusBadGateway {
				t.Errorf("err = %v, want a 502", err)
			}
			if got := e.s.Comments(testRepo, 1); len(got) != 1 || got[0].Body != "once" {
				t.Fatalf("comments = %+v, want the one lost-answer write applied", got)
			}
			if _, _, err := e.gh.Issues.CreateComment(ctx(t), "rust-lang", "rfcs", 1, &github.IssueComment{Body: github.String("twice")}); err != nil {
				t.Errorf("the next write: %v", err)
			}
		})
	}
}

// TestLoseAnswerOnlyMatchingRoute checks that reads and other routes are
// answered while the fault waits for its route.
func TestLoseAnswerOnlyMatchingRoute(t *testing.T) {
	e := newEnv(t)
	warm(t, e)
	e.s.LoseAnswerNext(1, LoseReset, "POST /repos/{owner}/{repo}/issues")
	if _, _, err := e.gh.Issues.CreateComment(ctx(t), "rust-lang", "rfcs", 1, &github.IssueComment{Body: github.String("x")}); err != nil {
		t.Fatalf("another route's write: %v", err)
	}
	if _, _, err := e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 1); err != nil {
		t.Fatalf("a read: %v", err)
	}
	if _, _, err := e.gh.Issues.Create(ctx(t), "rust-lang", "rfcs", &github.IssueRequest{Title: github.String("t")}); err == nil {
		t.Fatal("the matching write was answered")
	}
}
