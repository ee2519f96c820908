package main

import (
	"context"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// Issue 10.4: a goal's first load is its baseline: the week's digest lists
// no transitions, while the disagreement with the document stays visible.
func TestFirstLoadListsNoTransitions(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	v, err := e.App.Tracker.BuildDigest(context.Background(), render.ISOWeek(e.Clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range v.Goals {
		if len(g.Changes) != 0 {
			t.Errorf("goal %s: first load listed transitions %+v", g.ID, g.Changes)
		}
	}
	if body := statusComments(e)[0].Body; !strings.Contains(body, "⚠️") {
		t.Errorf("the document's disagreement is no longer shown:\n%s", body)
	}
}

// Issue 10.5: a renamed item is shown under its new title though no
// status moved; an unchanged body is still never written.
func TestRenamedItemIsRerendered(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	before := statusComments(e)[0]
	e.SB.ResetStats()
	if d := e.SB.Edit("nikomatsakis", demo.RFCRepo, demo.SendBoundRFC, "Return type notation (renamed)", ""); !d.OK() {
		t.Fatalf("delivery %d %s", d.StatusCode, d.Status)
	}
	waitIdle(t, e)
	after := statusComments(e)[0]
	if !strings.Contains(after.Body, "Return type notation (renamed)") {
		t.Fatalf("the living comment keeps the old title:\n%s", after.Body)
	}
	if after.ID != before.ID {
		t.Error("the living comment was made again instead of edited")
	}
	// The same title again changes nothing shown: no write.
	e.SB.ResetStats()
	e.SB.AddLabel("nikomatsakis", demo.RFCRepo, demo.SendBoundRFC, "A-unrelated")
	waitIdle(t, e)
	if n := e.SB.Stats().ByRoute[routeEditComment]; n != 0 {
		t.Errorf("%d edits of the living comment for a change it does not show", n)
	}
}

// Issue 12.6: no digest is posted while no goal is loaded; an empty week
// with goals still gets its digest.
func TestNoDigestWithoutGoals(t *testing.T) {
	e := newEnv(t, demoOptions{Configure: func(cfg *config.Config, _ *sandbox.Server) { cfg.Goals[0].Dir += "-mistyped" }})
	if err := e.App.Tracker.LoadGoals(context.Background()); err == nil {
		t.Fatal("loading a missing goal folder succeeded")
	}
	n, err := e.App.Tracker.PostDigest(context.Background(), "2024-W31")
	if err != nil || n != 0 {
		t.Fatalf("PostDigest without goals = %d, %v; want 0, nil", n, err)
	}
	if got := digestIssues(e); len(got) != 0 {
		t.Fatalf("a digest was posted with no goal loaded: %v", got)
	}
}

func TestEmptyWeekWithGoalsGetsDigest(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	n, err := e.App.Tracker.PostDigest(context.Background(), "2024-W10") // long before anything happened
	if err != nil || n == 0 {
		t.Fatalf("PostDigest of an empty week = %d, %v", n, err)
	}
	if got := digestIssues(e); len(got) != 1 {
		t.Fatalf("%d digests, want 1", len(got))
	}
}
