package dashboard

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/fcp"
)

func refs(entries []FCPEntry) []string {
	out := []string{}
	for _, e := range entries {
		out = append(out, e.Item.Ref)
	}
	return out
}

func TestGoalList(t *testing.T) {
	w := newWorld(fixture())
	tests := []struct {
		name   string
		filter GoalFilter
		want   []string
	}{
		{"all, newest period first", GoalFilter{}, []string{"2025h1/evil", "async-parity-2024h2"}},
		{"period from the id", GoalFilter{Period: "2024H2"}, []string{"async-parity-2024h2"}},
		{"period from the folder", GoalFilter{Period: "2025h1"}, []string{"2025h1/evil"}},
		{"team, any case", GoalFilter{Team: "LANG"}, []string{"async-parity-2024h2"}},
		{"period and team that do not meet", GoalFilter{Period: "2025h1", Team: "lang"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := w.goalList(tt.filter)
			got := []string{}
			for _, g := range l.Goals {
				got = append(got, g.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("goals = %q, want %q", got, tt.want)
			}
			if !reflect.DeepEqual(l.Periods, []string{"2025h1", "2024h2"}) || !reflect.DeepEqual(l.AllTeam, []string{"compiler", "lang", "libs-api"}) {
				t.Errorf("filter choices = %q %q", l.Periods, l.AllTeam)
			}
		})
	}
	seed := w.goalList(GoalFilter{Period: "2024h2"}).Goals[0]
	// Leaves only: a parent's status summarises its children.
	want := []StatusCount{{"proposed", 1, 20}, {"blocked", 1, 20}, {"in-fcp", 2, 40}, {"complete", 1, 20}}
	if seed.Subgoals != 5 || !reflect.DeepEqual(seed.Progress, want) {
		t.Errorf("progress = %d %+v, want 4 %+v", seed.Subgoals, seed.Progress, want)
	}
	if !seed.LastChange.Equal(day(4)) {
		t.Errorf("last change = %v, want the newest transition %v", seed.LastChange, day(4))
	}
	if seed.TrackingIssue == nil || seed.TrackingIssue.URL != "https://github.com/rust-lang/goals/issues/105" {
		t.Errorf("tracking issue = %+v", seed.TrackingIssue)
	}
}

func TestGoalDetail(t *testing.T) {
	w := newWorld(fixture())
	if _, ok := w.goalDetail("nope"); ok {
		t.Fatal("unknown goal found")
	}
	d, ok := w.goalDetail("async-parity-2024h2")
	if !ok {
		t.Fatal("seed goal missing")
	}
	if len(d.Subgoals) != 4 || len(d.Subgoals[0].Children) != 2 || d.Subgoals[0].Children[0].Depth != 1 {
		t.Fatalf("tree = %+v", d.Subgoals)
	}
	rtn := d.Subgoals[0].Children[0]
	if rtn.Status != "blocked" || len(rtn.Items) != 1 || rtn.Items[0].Decision == nil {
		t.Fatalf("rtn = %+v", rtn)
	}
	dec := rtn.Items[0].Decision
	if !reflect.DeepEqual(dec.Pending, []string{"joshtriplett", "pnkfelix", "traviscross"}) || dec.Ticked != 3 || len(dec.Reviewers) != 6 {
		t.Errorf("reviewers: pending %q ticked %d of %d", dec.Pending, dec.Ticked, len(dec.Reviewers))
	}
	if rtn.Items[0].URL != "https://github.com/rust-lang/rfcs/pull/3654" {
		t.Errorf("item url = %s", rtn.Items[0].URL)
	}
	wantConcerns := []Concern{
		{Name: "naming-of-rtn", By: "scottmcm", URL: "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-2147484700"},
		// rfcbot's 2024 negative comment ids fall back to the status comment.
		{Name: "old-one", Resolved: true, By: "pnkfelix", URL: "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-2147484651"},
	}
	if !reflect.DeepEqual(dec.Concerns, wantConcerns) {
		t.Errorf("concerns = %+v\nwant %+v", dec.Concerns, wantConcerns)
	}
	if len(rtn.History) != 2 || rtn.History[0].To != "blocked" || rtn.History[1].To != "fcp-proposed" ||
		rtn.History[0].Cause != "webhook delivery d-2" || rtn.History[0].Item == nil || rtn.History[0].Item.Ref != "rust-lang/rfcs#3654" {
		t.Errorf("history (newest first) = %+v", rtn.History)
	}
	vision := d.Subgoals[1]
	if !vision.Disagree || vision.DocStatus != "complete" || vision.Items[0].Decision.End != day(14) {
		t.Errorf("vision = %+v", vision)
	}
}

func TestFCPList(t *testing.T) {
	w := newWorld(fixture())
	l := w.fcpList(FCPFilter{})
	var teams []string
	for _, g := range l.Proposals {
		teams = append(teams, g.Team+"="+strings.Join(refs(g.Proposals), ","))
	}
	// The hostile item is listed under each of its team labels.
	if len(teams) != 3 || teams[0] != "compiler=evil/repo#1" || teams[1] != "lang=rust-lang/rfcs#3654" || !strings.HasSuffix(teams[2], "=evil/repo#1") {
		t.Errorf("proposals by team = %q", teams)
	}
	if got := refs(l.InProgress); !reflect.DeepEqual(got, []string{"rust-lang/compiler-team#727", "rust-lang/rfcs#3657"}) {
		t.Errorf("in progress by end date = %q", got)
	}
	if got := refs(l.RecentlyFinished); !reflect.DeepEqual(got, []string{"rust-lang/rfcs#3000"}) {
		t.Errorf("recently finished = %q", got)
	}
	if got := refs(w.fcpList(FCPFilter{Team: "T-Lang"}).InProgress); !reflect.DeepEqual(got, []string{"rust-lang/rfcs#3657"}) {
		t.Errorf("T-lang in progress = %q", got)
	}

	// Long after, nothing counts as recently finished.
	s := fixture()
	s.Now = day(60)
	if got := newWorld(s).fcpList(FCPFilter{}).RecentlyFinished; len(got) != 0 {
		t.Errorf("recently finished after 60 days = %q", refs(got))
	}
}

func TestBlockedOnOthers(t *testing.T) {
	w := newWorld(fixture())
	tests := []struct {
		login string
		want  []string
	}{
		{"scottmcm", []string{"evil/repo#1", "rust-lang/rfcs#3654"}}, // ticked both; others pending
		{"@TMandry", []string{"rust-lang/rfcs#3654"}},                // case and @ do not matter
		{"pnkfelix", []string{}},                                     // has not ticked: waits on them, not others
		{"nobody", []string{}},
	}
	for _, tt := range tests {
		l := w.fcpList(FCPFilter{BlockedOnOthers: tt.login})
		got := []string{}
		for _, g := range l.Proposals {
			for _, e := range g.Proposals {
				if !contains(got, e.Item.Ref) {
					got = append(got, e.Item.Ref)
				}
			}
		}
		if !reflect.DeepEqual(got, tt.want) || len(l.InProgress) != 0 || len(l.RecentlyFinished) != 0 {
			t.Errorf("blocked on others for %s = %q (+%d in progress), want %q", tt.login, got, len(l.InProgress), tt.want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestPerson(t *testing.T) {
	w := newWorld(fixture())
	p := w.person("PNKFelix")
	if got := refs(p.ReviewRequests); !reflect.DeepEqual(got, []string{"rust-lang/rfcs#3654", "rust-lang/rfcs#3657"}) {
		t.Errorf("pnkfelix review requests = %q (proposed and in FCP, box unticked)", got)
	}
	if got := refs(p.PastReviews); !reflect.DeepEqual(got, []string{"rust-lang/rfcs#3000"}) || p.PastReviews[0].TickedBy("pnkfelix") {
		t.Errorf("pnkfelix past reviews = %q", got)
	}
	if len(p.Concerns) != 0 {
		t.Errorf("pnkfelix's only concern is resolved, got %+v", p.Concerns)
	}

	s := w.person("scottmcm")
	if len(s.ReviewRequests) != 0 || len(s.Concerns) != 1 || s.Concerns[0].Concern.Name != "naming-of-rtn" || s.Concerns[0].Item.Ref != "rust-lang/rfcs#3654" {
		t.Errorf("scottmcm: requests %q concerns %+v", refs(s.ReviewRequests), s.Concerns)
	}
	if got := refs(s.BlockedOnOthers); !reflect.DeepEqual(got, []string{"evil/repo#1", "rust-lang/rfcs#3654"}) {
		t.Errorf("scottmcm blocked on others = %q", got)
	}

	n := w.person("nikomatsakis")
	if len(n.Goals) != 1 || n.Goals[0].ID != "async-parity-2024h2" || len(n.Subgoals) != 1 || n.Subgoals[0].Subgoal != "send-bound/rtn-rfc" || n.Subgoals[0].Status != "blocked" {
		t.Errorf("nikomatsakis owns %+v / %+v", n.Goals, n.Subgoals)
	}
}

func TestDecisionOf(t *testing.T) {
	start := time.Date(2024, 8, 5, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		it        Item
		kind      string
		phase     string
		end       time.Time
		statusURL string
	}{
		{"none", Item{FCP: fcp.State{Phase: fcp.PhaseNone}, MCP: fcp.MCP{Phase: fcp.MCPNone}}, "", "", time.Time{}, ""},
		{"zero values", Item{}, "", "", time.Time{}, ""},
		{"active fcp without end: start + 10 days", Item{FCP: fcp.State{Phase: fcp.PhaseActive, Start: start}}, "fcp", "active", start.AddDate(0, 0, 10), "https://github.com/o/r/issues/1"},
		{"fcp wins over mcp", Item{FCP: fcp.State{Phase: fcp.PhaseProposed}, MCP: fcp.MCP{Phase: fcp.MCPSeconded}}, "fcp", "proposed", time.Time{}, "https://github.com/o/r/issues/1"},
		{"cancelled fcp yields to a live mcp", Item{FCP: fcp.State{Phase: fcp.PhaseCancelled}, MCP: fcp.MCP{Phase: fcp.MCPProposed}}, "mcp", "proposed", time.Time{}, "https://github.com/o/r/issues/1"},
		{"hostile status url", Item{IsPull: true, FCP: fcp.State{Phase: fcp.PhaseProposed, StatusURL: "javascript:alert(1)//https://github.com/o/r/pull/1"}}, "fcp", "proposed", time.Time{}, "https://github.com/o/r/pull/1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.it.Ref = refOf("o/r#1")
			d := decisionOf(&tt.it)
			if tt.kind == "" {
				if d != nil {
					t.Fatalf("decision = %+v, want none", d)
				}
				return
			}
			if d == nil || d.Kind != tt.kind || d.Phase != tt.phase || !d.End.Equal(tt.end) || d.StatusURL != tt.statusURL {
				t.Errorf("decision = %+v, want %s %s end %v url %s", d, tt.kind, tt.phase, tt.end, tt.statusURL)
			}
		})
	}
}

func TestGitHubURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://github.com/rust-lang/rfcs/pull/3654#issuecomment-2147484651", "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-2147484651"},
		{"https://github.com/rust-lang/rfcs/issues/1", "https://github.com/rust-lang/rfcs/issues/1"},
		{"https://GitHub.com/a/b/pull/2#pullrequestreview-7", "https://github.com/a/b/pull/2#pullrequestreview-7"},
		{"https://github.com/a/b/pull/2#issuecomment--1859695680", "FALLBACK"}, // rfcbot's negative ids
		{"http://github.com/a/b/issues/1", "FALLBACK"},
		{"https://github.com.evil/a/b/issues/1", "FALLBACK"},
		{"https://user@github.com/a/b/issues/1", "FALLBACK"},
		{"https://github.com/a/b/issues/1?x=<script>", "FALLBACK"},
		{"https://github.com/a/b/issues/1#x\"><script>", "FALLBACK"},
		{"https://github.com/a/b/wiki", "FALLBACK"},
		{"javascript:alert(1)", "FALLBACK"},
		{"", "FALLBACK"},
	}
	for _, tt := range tests {
		if got := githubURL(tt.in, "FALLBACK"); got != tt.want {
			t.Errorf("githubURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUntil(t *testing.T) {
	now := time.Date(2024, 8, 10, 23, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		end  time.Time
		want string
	}{
		{now.Add(2 * time.Hour), "tomorrow"},
		{now.Add(-20 * time.Hour), "today"},
		{now.AddDate(0, 0, 5), "in 5 days"},
		{now.AddDate(0, 0, -3), "3 days ago"},
		{time.Time{}, ""},
	} {
		if got := until(tt.end, now); got != tt.want {
			t.Errorf("until(%v) = %q, want %q", tt.end, got, tt.want)
		}
	}
}
