package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot/demo"
)

// statusRow returns the living comment's table row of the subgoal whose
// title cell holds title ("" when there is none).
func statusRow(t *testing.T, e *demoEnv, title string) string {
	t.Helper()
	cs := statusComments(e)
	if len(cs) != 1 {
		t.Fatalf("%d status comments, want exactly 1", len(cs))
	}
	for _, line := range strings.Split(cs[0].Body, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) > 2 && strings.HasSuffix(strings.TrimSpace(cells[1]), title) {
			return line
		}
	}
	return ""
}

// relatedSection returns the living comment's "Related, not placed" part.
func relatedPart(e *demoEnv) string {
	body := statusComments(e)[0].Body
	i := strings.Index(body, "**Related, not placed**")
	if i < 0 {
		return ""
	}
	return body[i:]
}

// TestDiscoveryEndToEnd plays issue 16's done-when over HTTP against the
// sandbox: a PR whose description names a subgoal of the goal's tracking
// issue is placed there "(auto)" with no command; an RFC that only
// mentions the tracking issue is listed under "Related, not placed" with
// its FCP status and a ready /goal track line; /goal untrack removes the
// auto-placed PR for good, also after the goal is reloaded, the items are
// resynced and the PR's description is edited again. Discovery itself
// never posts a comment.
func TestDiscoveryEndToEnd(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	before := e.SB.Stats().ByRoute[routeCreateComment]
	tracking := fmt.Sprintf("%s#%d", demo.TrackingRepo, demo.TrackingIssue)

	// 1. A PR naming its subgoal in its description.
	pr, d := e.SB.OpenPull("petrochenkov", demo.RustRepo, "Async drop: lower drop glue for async destructors",
		"This lowers async drop glue.\n\nPart of "+tracking+": implementation work\n")
	if !d.OK() {
		t.Fatalf("open PR: %d %s", d.StatusCode, d.Status)
	}
	waitIdle(t, e)
	prURL := fmt.Sprintf("https://github.com/%s/pull/%d)", demo.RustRepo, pr.Number)
	row := statusRow(t, e, "implementation work")
	if !strings.Contains(row, prURL) || !strings.Contains(row, "(auto)") {
		t.Fatalf("implementation work row does not show the PR placed (auto):\n%s\n\ncomment:\n%s", row, statusComments(e)[0].Body)
	}
	for _, other := range []string{"approve RTN RFC or provide alternative", "stabilization", "implementation"} {
		if r := statusRow(t, e, other); strings.Contains(r, prURL) {
			t.Errorf("PR also placed on %q: %s", other, r)
		}
	}

	// 2. An RFC that only says it relates to the goal, then an FCP on it.
	rfc, d := e.SB.OpenPull("tmandry", demo.RFCRepo, "Async closures capture rules",
		"An RFC for the async goal.\n\nRelated: "+tracking+"\n")
	if !d.OK() {
		t.Fatalf("open RFC: %d %s", d.StatusCode, d.Status)
	}
	waitIdle(t, e)
	e.SB.Comment("tmandry", demo.RFCRepo, rfc.Number, "@rfcbot fcp merge")
	e.SB.Comment("rfcbot", demo.RFCRepo, rfc.Number, "@tmandry has proposed to merge this. The next step is review by the rest of the tagged team members:\n\n* [x] @tmandry\n* [ ] @nikomatsakis\n\nNo concerns currently listed.\n\nOnce a majority of reviewers approve (and at most 2 approvals are outstanding), this will enter its final comment period. If you spot a major issue that hasn't been raised at any point in this process, please speak up!\n\nSee [this document](https://github.com/rust-lang/rfcbot-rs/blob/master/README.md) for info about what commands tagged team members can give me.")
	e.SB.AddLabel("rfcbot", demo.RFCRepo, rfc.Number, "proposed-final-comment-period")
	if d := e.SB.AddLabel("rfcbot", demo.RFCRepo, rfc.Number, "disposition-merge"); !d.OK() {
		t.Fatalf("label RFC: %d %s", d.StatusCode, d.Status)
	}
	waitIdle(t, e)
	related := relatedPart(e)
	rfcURL := fmt.Sprintf("https://github.com/%s/pull/%d)", demo.RFCRepo, rfc.Number)
	var rfcLine string
	for _, l := range strings.Split(related, "\n") {
		if strings.Contains(l, rfcURL) {
			rfcLine = l
		}
	}
	if rfcLine == "" {
		t.Fatalf("RFC not under Related, not placed:\n%s", statusComments(e)[0].Body)
	}
	if !strings.Contains(rfcLine, "fcp-proposed") || !strings.Contains(rfcLine, "`/goal track "+tracking+" ") {
		t.Errorf("related RFC line lacks its FCP status or a /goal track line: %s", rfcLine)
	}
	if strings.Contains(related, prURL) {
		t.Errorf("the placed PR is also listed as related:\n%s", related)
	}

	// 3. /goal untrack on the auto-placed PR removes it for good.
	if _, d := e.SB.Comment("petrochenkov", demo.RustRepo, pr.Number, "/goal untrack"); !d.OK() {
		t.Fatalf("untrack: %d %s", d.StatusCode, d.Status)
	}
	waitIdle(t, e)
	gone := func(when string) {
		t.Helper()
		body := statusComments(e)[0].Body
		if strings.Contains(body, prURL) {
			t.Errorf("%s: untracked PR still in the living comment:\n%s", when, body)
		}
	}
	gone("after /goal untrack")
	if err := e.App.Tracker.LoadGoals(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Tracker.Sync(ctx, "", nil); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	gone("after reloading the goal and a sync")
	if d := e.SB.Edit("petrochenkov", demo.RustRepo, pr.Number, "", "Lowers async drop glue.\n\nPart of "+tracking+": implementation work\n"); !d.OK() {
		t.Fatalf("edit PR: %d %s", d.StatusCode, d.Status)
	}
	waitIdle(t, e)
	gone("after the PR's description is edited again")

	// Discovery wrote no comment: the only comment goalbot created is the
	// living one (from loadGoal); the untrack is acknowledged with a reaction.
	if n := e.SB.Stats().ByRoute[routeCreateComment] - before; n != 0 {
		t.Errorf("goalbot created %d comments during discovery, want 0", n)
	}
	if n := len(statusComments(e)); n != 1 {
		t.Errorf("%d living comments, want 1", n)
	}
}

// TestDiscoveryFromTimeline: a PR whose webhook never came is found on the
// tracking issue's timeline (its cross-referenced event) when the goal is
// reconciled, placed by the subgoal its description names; once nothing
// moves, reconciliation revalidates the timeline with a free 304.
func TestDiscoveryFromTimeline(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	before := e.SB.Stats().ByRoute[routeCreateComment]
	tracking := fmt.Sprintf("%s#%d", demo.TrackingRepo, demo.TrackingIssue)
	e.SB.DropWebhooks(100)
	pr, _ := e.SB.OpenPull("petrochenkov", demo.RustRepo, "Async drop: lower drop glue",
		"Part of "+tracking+": implementation work\n")
	e.SB.DropWebhooks(0)
	waitIdle(t, e)
	prURL := fmt.Sprintf("https://github.com/%s/pull/%d)", demo.RustRepo, pr.Number)
	if strings.Contains(statusComments(e)[0].Body, prURL) {
		t.Fatalf("PR shown before any delivery or reconciliation")
	}
	if _, err := e.App.Tracker.Sync(ctx, "", nil); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	if row := statusRow(t, e, "implementation work"); !strings.Contains(row, prURL) || !strings.Contains(row, "(auto)") {
		t.Fatalf("after a sync the PR is not placed (auto) from the timeline: %q\n%s", row, statusComments(e)[0].Body)
	}
	// The living comment's edit is on the timeline too (as on GitHub, a
	// commented event carries the body), so one more sync reads it anew.
	if _, err := e.App.Tracker.Sync(ctx, "", nil); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	st := e.SB.Stats()
	if _, err := e.App.Tracker.Sync(ctx, "", nil); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	const timeline = "GET /repos/{owner}/{repo}/issues/{issue_number}/timeline"
	after := e.SB.Stats()
	if reads := after.ByRoute[timeline] - st.ByRoute[timeline]; reads != 1 {
		t.Errorf("an idle sync read the timeline %d times, want 1", reads)
	}
	if after.NotModified <= st.NotModified {
		t.Errorf("the idle sync's timeline read was not answered 304")
	}
	if n := e.SB.Stats().ByRoute[routeCreateComment] - before; n != 0 {
		t.Errorf("goalbot created %d comments during discovery, want 0", n)
	}
}
