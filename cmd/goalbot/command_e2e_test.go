package main

import (
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/sandbox"
)

// replies returns the bot's comments on the PR that are not status comments.
func replies(e *demoEnv) []sandbox.Comment {
	var out []sandbox.Comment
	for _, c := range e.SB.Comments(demo.RustRepo, demo.ClosuresPR) {
		if c.Author == e.SB.BotLogin() {
			out = append(out, c)
		}
	}
	return out
}

// replyText returns a reply's text below its hidden marker line, failing
// the test when the reply does not start with one.
func replyText(t *testing.T, body string) string {
	t.Helper()
	marker, rest, _ := strings.Cut(body, "\n")
	if !strings.HasPrefix(marker, "<!-- goalbot:reply key=") || !strings.HasSuffix(marker, " -->") {
		t.Fatalf("the reply does not start with its marker: %q", body)
	}
	return rest
}

func comment(t *testing.T, e *demoEnv, actor, body string) sandbox.Comment {
	t.Helper()
	c, d := e.SB.Comment(actor, demo.RustRepo, demo.ClosuresPR, body)
	if !d.OK() {
		t.Fatalf("delivery %d %s", d.StatusCode, d.Status)
	}
	waitIdle(t, e)
	return c
}

func reacted(e *demoEnv, id int64) bool {
	for _, r := range e.SB.Reactions(id) {
		if r.Content == "+1" {
			return true
		}
	}
	return false
}

func TestTrackCommandByMember(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	c := comment(t, e, "compiler-errors", "Linking this.\n\n/goal track rust-lang/goals#105 \"stabilize async closures\"")
	if !reacted(e, c.ID) {
		t.Error("no 👍 on the track command")
	}
	if r := replies(e); len(r) != 0 {
		t.Errorf("a successful track got a reply: %q", r[0].Body)
	}
	body := statusComments(e)[0].Body
	var row string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "| stabilize async closures") {
			row = l
		}
	}
	if !strings.Contains(row, "rust-lang/rust#128245") || !strings.Contains(row, "proposed") {
		t.Errorf("the subgoal row does not show the tracked PR and its status: %q", row)
	}
}

func TestTrackCommandByStranger(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	e.SB.AddUser("stranger", "User")
	e.SB.SetAssociation(demo.RustRepo, "stranger", "NONE")
	before := statusComments(e)[0].Body
	c := comment(t, e, "stranger", "/goal track rust-lang/goals#105 \"stabilize async closures\"")
	if reacted(e, c.ID) {
		t.Error("a refused command got a 👍")
	}
	r := replies(e)
	if len(r) != 1 || !strings.Contains(r[0].Body, "may not use `/goal track`") || !strings.Contains(r[0].Body, "MEMBER") {
		t.Fatalf("replies = %v, want one refusal naming who may track", r)
	}
	if text := replyText(t, r[0].Body); !strings.HasPrefix(text, "@stranger\n") || strings.Count(text, "@") != 1 {
		t.Errorf("the refusal should mention the commenter and nobody else: %q", r[0].Body)
	}
	if statusComments(e)[0].Body != before {
		t.Error("a refused track changed the status comment")
	}
}

func TestUnknownCommandGetsHelp(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	comment(t, e, "compiler-errors", "/goal frobnicate")
	r := replies(e)
	if len(r) != 1 || !strings.Contains(r[0].Body, `unknown command "frobnicate"`) || !strings.Contains(r[0].Body, "/goal track <tracking-issue>") {
		t.Fatalf("replies = %v, want one with the help text", r)
	}
	comment(t, e, "compiler-errors", "/goal stauts")
	if r := replies(e); len(r) != 2 || !strings.Contains(r[1].Body, "did you mean `/goal status`") {
		t.Errorf("a near miss should suggest the verb: %v", r)
	}
}

func TestCommandInCodeBlockIsIgnored(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	c := comment(t, e, "compiler-errors", "To link a PR, write:\n\n```\n/goal track rust-lang/goals#105 \"stabilize async closures\"\n```\n\n> /goal help")
	if reacted(e, c.ID) || len(replies(e)) != 0 {
		t.Errorf("a command in a code block or quote was acted on: reactions %v, replies %v", e.SB.Reactions(c.ID), replies(e))
	}
}

func TestEditedCommentRunsOnlyNewCommands(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	c := comment(t, e, "compiler-errors", "/goal help")
	if r := replies(e); len(r) != 1 {
		t.Fatalf("help: %d replies", len(r))
	}
	if d := e.SB.EditComment("compiler-errors", c.ID, "/goal help\n/goal status"); !d.OK() {
		t.Fatal(d.Status)
	}
	waitIdle(t, e)
	r := replies(e)
	if len(r) != 2 {
		t.Fatalf("after the edit: %d replies, want 2", len(r))
	}
	if !strings.Contains(r[1].Body, "serves no goal") || strings.Contains(r[1].Body, "goalbot commands") {
		t.Errorf("the edit's reply should answer only the new status command: %q", r[1].Body)
	}
}

func TestRedeliveredCommandRepliesOnce(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	comment(t, e, "compiler-errors", "/goal status\n/goal frobnicate")
	r := replies(e)
	if len(r) != 1 || !strings.Contains(r[0].Body, "frobnicate") || !strings.Contains(r[0].Body, "serves no goal") {
		t.Fatalf("two commands should get one reply holding both answers: %v", r)
	}
	for _, d := range e.SB.Deliveries() {
		if d.Event == "issue_comment" {
			e.SB.Redeliver(d.GUID)
		}
	}
	waitIdle(t, e)
	if n := len(replies(e)); n != 1 {
		t.Errorf("%d replies after redelivery, want 1", n)
	}
}

func TestRefreshCommandReadsAMissedChange(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	proposeFCP(t, e)
	e.SB.DropWebhooks(2) // the FCP start's labels never arrive
	e.SB.RemoveLabel("rfcbot", demo.RFCRepo, demo.SendBoundRFC, "proposed-final-comment-period")
	e.SB.AddLabel("rfcbot", demo.RFCRepo, demo.SendBoundRFC, "final-comment-period")
	waitIdle(t, e)
	if got := sendBoundStatus(t, e); !strings.Contains(got, "fcp-proposed") {
		t.Fatalf("the dropped change arrived anyway: %q", got)
	}
	c, d := e.SB.Comment("nikomatsakis", demo.RFCRepo, demo.SendBoundRFC, "/goal refresh")
	if !d.OK() {
		t.Fatal(d.Status)
	}
	waitIdle(t, e)
	if !reacted(e, c.ID) {
		t.Error("no 👍 on refresh")
	}
	if got := sendBoundStatus(t, e); !strings.Contains(got, "in-fcp") {
		t.Errorf("after /goal refresh the subgoal shows %q, want in-fcp", got)
	}
}

func TestCommandInReviewBody(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	if d := e.SB.SubmitReview("compiler-errors", demo.RustRepo, demo.ClosuresPR, "Looks right.\n\n/goal track rust-lang/goals#105 188"); !d.OK() {
		t.Fatal(d.Status)
	}
	waitIdle(t, e)
	body := statusComments(e)[0].Body
	found := false
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "| ↳ stabilization") && strings.Contains(l, "rust-lang/rust#128245") {
			found = true
		}
	}
	if !found {
		t.Errorf("the review's track command (line 188: stabilization) did not link the PR:\n%s", body)
	}
}

func TestRefusalsQuoteInputWithoutPinging(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	comment(t, e, "compiler-errors", "/goal track rust-lang/goals#105 \"@rust-lang/lang <!-- x\"")
	r := replies(e)
	if len(r) != 1 || !strings.Contains(r[0].Body, "no subgoal matches") {
		t.Fatalf("replies = %v, want a no-match refusal", r)
	}
	if text := replyText(t, r[0].Body); strings.Contains(text, "@rust-lang/lang") || strings.Contains(text, "<!--") {
		t.Errorf("the refusal repeats a ping or a comment opener:\n%s", r[0].Body)
	}
	if strings.Count(r[0].Body, "@") != 1+strings.Count(r[0].Body, "@\u200b")+strings.Count(r[0].Body, "@&#8203;") {
		t.Errorf("an @ other than the commenter's is live:\n%s", r[0].Body)
	}
}
