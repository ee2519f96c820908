package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// TestGoalsFromRepositoryFollowPushes reads the seed goal through the
// contents API and re-reads it when a push touches it.
func TestGoalsFromRepositoryFollowPushes(t *testing.T) {
	name, src := demo.GoalFile()
	path := "src/2024h2/" + name
	e := newEnv(t, demoOptions{Configure: func(cfg *config.Config, sb *sandbox.Server) {
		sb.PutFile(demo.TrackingRepo, "", path, src)
		cfg.Goals = []config.GoalSource{{Repo: demo.TrackingRepo, Path: "src/2024h2",
			TrackingIssues: map[string]ref.Ref{"async-parity-2024h2": ref.New("rust-lang", "goals", demo.TrackingIssue)}}}
	}})
	ctx := context.Background()
	if err := e.App.Tracker.LoadGoals(ctx); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	goals, err := e.App.DB.Goals(ctx)
	if err != nil || len(goals) != 1 {
		t.Fatalf("goals = %v, %v", goals, err)
	}
	g := goals[0]
	if g.ID != "2024h2/async-parity-2024h2" || g.Revision == "" || !strings.Contains(g.Source, "rust-lang/goals") {
		t.Errorf("goal %q from %q at revision %q", g.ID, g.Source, g.Revision)
	}
	if doc := g.Doc; doc == nil || doc.Count() != 22 {
		t.Errorf("stored document %+v, want the seed's 22 subgoals", doc)
	}
	if len(statusComments(e)) != 1 {
		t.Fatalf("no status comment for the goal read from the repository")
	}
	// A push marks "overall program management" complete.
	edited := bytes.Replace(src, []byte("| [tmandry][], [nikomatsakis][]           | ![Funded][]         |"),
		[]byte("| [tmandry][], [nikomatsakis][]           | ![Complete][]       |"), 1)
	if bytes.Equal(edited, src) {
		t.Fatal("test edit did not apply")
	}
	sha, d := e.SB.PushFile("nikomatsakis", demo.TrackingRepo, "", path, edited)
	if !d.OK() {
		t.Fatalf("push delivery %d %s", d.StatusCode, d.Status)
	}
	waitIdle(t, e)
	g2, err := e.App.DB.Goal(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g2.Revision != sha {
		t.Errorf("revision after push = %q, want the pushed commit %q", g2.Revision, sha)
	}
	body := statusComments(e)[0].Body
	if !strings.Contains(body, "| overall program management | — | complete") {
		t.Errorf("the pushed change is not in the status comment:\n%s", body)
	}
	if !strings.Contains(body, sha[:7]) {
		t.Errorf("the status comment does not name the revision %s", sha[:7])
	}
}
