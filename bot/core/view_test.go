package core

import (
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/status"
)

func TestView(t *testing.T) {
	doc := &goaldoc.Document{Subgoals: []goaldoc.Subgoal{
		{ID: "p", Title: "P", Line: 3, Children: []goaldoc.Subgoal{{ID: "p/a", Title: "A", Line: 4}}},
	}}
	links := []bot.Link{{Subgoal: "p/a", Item: rfc}, {Subgoal: "p/a", Item: pr}, {Subgoal: "p/a", Item: rfc}}
	proposed := fcp.State{Phase: fcp.PhaseProposed, Disposition: fcp.Merge,
		Reviewers: []fcp.Reviewer{{Login: "a", Ticked: true}, {Login: "b"}},
		Concerns:  []fcp.Concern{{Name: "naming", By: "b"}, {Name: "old", Resolved: true}}}
	items := map[ref.Ref]*bot.Item{rfc: item(t, rfc, true, "open", proposed, fcp.MCP{})} // pr not read yet
	statuses := map[string]bot.SubgoalStatus{"p/a": {Status: "proposed", Detail: "RFC open, no FCP", Since: earlier}}
	g := bot.Goal{ID: "g", Title: "G", TrackingIssue: ref.New("rust-lang", "goals", 105), Revision: "abc"}
	v := View(g, doc, links, items, statuses)
	want := render.GoalView{ID: "g", Title: "G", TrackingIssue: g.TrackingIssue, Source: "abc", Rows: []render.Row{
		{Depth: 0, SubgoalID: "p", Subgoal: "P", Line: 3},
		{Depth: 1, SubgoalID: "p/a", Subgoal: "A", Line: 4, Status: status.Proposed, Detail: "RFC open, no FCP", Since: earlier,
			Items: []render.ItemLink{{Ref: rfc, Title: "title of rust-lang/rfcs#3654", IsPull: true}, {Ref: pr}}},
	}}
	if len(v.Rows) != 2 {
		t.Fatalf("rows = %+v", v.Rows)
	}
	if v.ID != want.ID || v.Title != want.Title || v.TrackingIssue != want.TrackingIssue || v.Source != want.Source {
		t.Errorf("header = %+v", v)
	}
	for i := range want.Rows {
		w, g := want.Rows[i], v.Rows[i]
		if g.Depth != w.Depth || g.SubgoalID != w.SubgoalID || g.Subgoal != w.Subgoal || g.Line != w.Line ||
			g.Status != w.Status || g.Detail != w.Detail || !g.Since.Equal(w.Since) || len(g.Items) != len(w.Items) {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
			continue
		}
		for j := range w.Items {
			gi, wi := g.Items[j], w.Items[j]
			if gi.Ref != wi.Ref || gi.Title != wi.Title || gi.IsPull != wi.IsPull {
				t.Errorf("row %d item %d = %+v, want %+v", i, j, gi, wi)
			}
		}
	}
}

// TestViewItemDetail: the view carries each read item's decision in
// progress for a dashboard; unread items have none.
func TestViewItemDetail(t *testing.T) {
	doc, links := oneSubgoal(rfc, pr)
	proposed := fcp.State{Phase: fcp.PhaseProposed, Disposition: fcp.Merge,
		Reviewers: []fcp.Reviewer{{Login: "a", Ticked: true}, {Login: "b"}},
		Concerns:  []fcp.Concern{{Name: "naming", By: "b"}, {Name: "old", Resolved: true}}}
	items := map[ref.Ref]*bot.Item{rfc: item(t, rfc, true, "open", proposed, fcp.MCP{})}
	v := View(bot.Goal{ID: "g"}, doc, links, items, nil)
	d := v.Rows[0].Items[0].Detail
	if d == nil || d.Kind != bot.KindRFC || d.FCPPhase != "proposed" || d.Disposition != "merge" || d.MCPPhase != "none" {
		t.Fatalf("detail = %+v", d)
	}
	if len(d.Reviewers) != 2 || len(d.Pending) != 1 || d.Pending[0] != "b" {
		t.Errorf("reviewers %v, pending %v; want [a b] and [b]", d.Reviewers, d.Pending)
	}
	if len(d.Concerns) != 1 || d.Concerns[0].Name != "naming" {
		t.Errorf("concerns = %+v, want the unresolved one", d.Concerns)
	}
	if v.Rows[0].Items[1].Detail != nil {
		t.Error("an unread item has a detail")
	}
}

func TestBuildDigest(t *testing.T) {
	from := time.Date(2024, 8, 19, 0, 0, 0, 0, time.UTC) // 2024-W34
	doc, links := oneSubgoal(rfc)
	active := fcp.State{Phase: fcp.PhaseActive, Disposition: fcp.Merge, End: from.AddDate(0, 0, 9),
		Concerns: []fcp.Concern{{Name: "naming", By: "b", URL: "https://example.invalid/c"}}}
	it := item(t, rfc, true, "open", active, fcp.MCP{})
	in := DigestInput{Week: "2024-W34", From: from, Now: from.AddDate(0, 0, 30), StaleDays: 14,
		Items: map[ref.Ref]*bot.Item{rfc: it},
		Goals: []DigestGoal{{Goal: bot.Goal{ID: "g", Title: "G"}, Doc: doc, Links: links,
			Statuses:    map[string]bot.SubgoalStatus{"s": {Subgoal: "s", Status: "in-fcp", Since: from.AddDate(0, 0, -30)}},
			Transitions: []bot.Transition{{Subgoal: "s", Old: "fcp-proposed", New: "in-fcp", At: from.Add(time.Hour), Item: rfc.String()}}}},
	}
	v := BuildDigest(in)
	if !v.Now.Equal(from.AddDate(0, 0, 7)) {
		t.Errorf("a past week reads at its end: now = %s", v.Now)
	}
	if len(v.Goals) != 1 || len(v.Goals[0].Changes) != 1 || v.Goals[0].Changes[0].Subgoal != "S" ||
		v.Goals[0].Changes[0].Item.Title != it.Title || v.Goals[0].Counts[status.InFCP] != 1 {
		t.Errorf("goal section = %+v", v.Goals)
	}
	if len(v.Ending) != 1 || v.Ending[0].Kind != "FCP" || !v.Ending[0].End.Equal(active.End) {
		t.Errorf("ending = %+v, want the FCP ending within 7 days of the week's end", v.Ending)
	}
	if len(v.Concerns) != 1 || v.Concerns[0].Name != "naming" {
		t.Errorf("concerns = %+v", v.Concerns)
	}
	if len(v.Stale) != 1 || v.Stale[0].Subgoal != "S" {
		t.Errorf("stale = %+v", v.Stale)
	}
}
