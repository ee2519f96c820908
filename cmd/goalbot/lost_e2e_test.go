package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// Routes whose answers the lost-answer tests drop.
const (
	routeCreateComment = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments"
	routeEditComment   = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}"
	routeCreateIssue   = "POST /repos/{owner}/{repo}/issues"
	routeReactComment  = "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"
)

var loseModes = []sandbox.LoseMode{sandbox.LoseReset, sandbox.Lose502, sandbox.LoseTimeout}

// lostEnv starts goalbot with a client that gives up on an answer after
// 400 ms, so that LoseTimeout is a timeout on goalbot's side.
func lostEnv(t *testing.T, configure func(cfg *config.Config, sb *sandbox.Server)) *demoEnv {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 400 * time.Millisecond
	return newEnv(t, demoOptions{App: AppOptions{Transport: tr}, Configure: configure})
}

// The living comment's create is applied and its answer lost: the retry
// finds it by its marker, so the tracking issue holds one.
func TestLostAnswerStatusCommentCreate(t *testing.T) {
	for _, mode := range loseModes {
		t.Run(mode.String(), func(t *testing.T) {
			e := lostEnv(t, nil)
			e.SB.LoseAnswerNext(1, mode, routeCreateComment)
			loadGoal(t, e) // fails unless exactly one status comment
		})
	}
}

// Someone deletes the living comment; the re-create's answer is lost; the
// retry's edit of the stored (deleted) id gets 404 and must find the
// re-created comment instead of making another.
func TestLostAnswerStatusCommentRecreate(t *testing.T) {
	for _, mode := range loseModes {
		t.Run(mode.String(), func(t *testing.T) {
			e := lostEnv(t, nil)
			loadGoal(t, e)
			old := statusComments(e)[0]
			if d := e.SB.DeleteComment("nikomatsakis", old.ID); !d.OK() {
				t.Fatalf("delete: %d %s", d.StatusCode, d.Status)
			}
			e.SB.LoseAnswerNext(1, mode, routeCreateComment)
			proposeFCP(t, e)
			cs := statusComments(e)
			if len(cs) != 1 || cs[0].ID == old.ID || !strings.Contains(cs[0].Body, "fcp-proposed") {
				t.Fatalf("%d status comments (%v), want one new comment showing fcp-proposed", len(cs), cs)
			}
		})
	}
}

// An edit of the living comment is applied and its answer lost: the retry
// edits again, and there is still one comment showing the news.
func TestLostAnswerStatusCommentEdit(t *testing.T) {
	for _, mode := range loseModes {
		t.Run(mode.String(), func(t *testing.T) {
			e := lostEnv(t, nil)
			loadGoal(t, e)
			e.SB.LoseAnswerNext(1, mode, routeEditComment)
			proposeFCP(t, e)
			cs := statusComments(e)
			if len(cs) != 1 || !strings.Contains(cs[0].Body, "fcp-proposed") {
				t.Fatalf("%d status comments, want one showing fcp-proposed", len(cs))
			}
		})
	}
}

// A command reply is applied and its answer lost: the delivery is retried,
// finds its claim without a reply id, looks for the reply's marker and
// adopts it. The commenter gets one reply.
func TestLostAnswerCommandReply(t *testing.T) {
	for _, mode := range loseModes {
		t.Run(mode.String(), func(t *testing.T) {
			e := lostEnv(t, nil)
			loadGoal(t, e)
			e.SB.AddUser("stranger", "User")
			e.SB.SetAssociation(demo.RustRepo, "stranger", "NONE")
			e.SB.LoseAnswerNext(1, mode, routeCreateComment)
			comment(t, e, "stranger", "/goal track rust-lang/goals#105 \"stabilize async closures\"")
			r := replies(e)
			if len(r) != 1 || !strings.Contains(r[0].Body, "may not use `/goal track`") {
				t.Fatalf("%d replies, want one refusal: %v", len(r), r)
			}
		})
	}
}

// A reaction is applied and its answer lost: reacting again keeps one 👍.
func TestLostAnswerReaction(t *testing.T) {
	for _, mode := range loseModes {
		t.Run(mode.String(), func(t *testing.T) {
			e := lostEnv(t, nil)
			loadGoal(t, e)
			e.SB.LoseAnswerNext(1, mode, routeReactComment)
			c := comment(t, e, "compiler-errors", "/goal track rust-lang/goals#105 \"stabilize async closures\"")
			n := 0
			for _, r := range e.SB.Reactions(c.ID) {
				if r.Content == "+1" {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d 👍 on the command, want 1", n)
			}
		})
	}
}

// The digest issue's create is applied and its answer lost: the next run
// finds it by its marker and edits it.
func TestLostAnswerDigestIssue(t *testing.T) {
	for _, mode := range loseModes {
		t.Run(mode.String(), func(t *testing.T) {
			e := lostEnv(t, nil)
			loadGoal(t, e)
			ctx := context.Background()
			e.SB.LoseAnswerNext(1, mode, routeCreateIssue)
			if _, err := e.App.Tracker.PostDigest(ctx, "2024-W31"); err == nil {
				t.Fatal("the lost create reported success")
			}
			n, err := e.App.Tracker.PostDigest(ctx, "2024-W31")
			if err != nil {
				t.Fatal(err)
			}
			issues := digestIssues(e)
			if len(issues) != 1 || issues[0].Number != n {
				t.Fatalf("digest issues %v, want exactly #%d", issues, n)
			}
		})
	}
}

// A transition notice is applied and its answer lost: the job's retry finds
// the notice's marker and posts nothing more.
func TestLostAnswerNotice(t *testing.T) {
	for _, mode := range loseModes {
		t.Run(mode.String(), func(t *testing.T) {
			e := lostEnv(t, func(cfg *config.Config, _ *sandbox.Server) { cfg.Goals[0].Notices = true })
			loadGoal(t, e)
			play := &demo.Play{SB: e.SB}
			tl := demo.Timeline()
			for i := 0; i <= 4; i++ { // up to the FCP start, which is noticed
				e.Clock.Advance(tl[i].After)
				if i == 4 {
					e.SB.LoseAnswerNext(1, mode, routeCreateComment)
				}
				tl[i].Do(play)
				waitIdle(t, e)
			}
			var notices []string
			for _, c := range e.SB.Comments(demo.TrackingRepo, demo.TrackingIssue) {
				if strings.HasPrefix(c.Body, "<!-- goalbot:notice") {
					notices = append(notices, c.Body)
				}
			}
			if len(notices) != 1 {
				t.Fatalf("%d notices, want 1: %q", len(notices), notices)
			}
			if _, ok := render.ParseMarker(notices[0]); ok {
				t.Error("a notice reads as a status comment")
			}
		})
	}
}
