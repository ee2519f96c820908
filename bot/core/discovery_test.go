package core

import (
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/discover"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

func TestMarkAuto(t *testing.T) {
	doc := &goaldoc.Document{Subgoals: []goaldoc.Subgoal{{ID: "a", Title: "A", Line: 3}, {ID: "b", Title: "B", Line: 4}}}
	tests := []struct {
		name  string
		links []bot.Link
		want  map[string]bool // "subgoal item" → Auto
	}{
		{"discovery only", []bot.Link{{Subgoal: "a", Item: pr, Origin: bot.OriginDiscovery}},
			map[string]bool{"a " + pr.String(): true}},
		{"a person linked it too", []bot.Link{{Subgoal: "a", Item: pr, Origin: bot.OriginDiscovery}, {Subgoal: "a", Item: pr, Origin: bot.OriginCommand}},
			map[string]bool{"a " + pr.String(): false}},
		{"by hand on another row", []bot.Link{{Subgoal: "a", Item: pr, Origin: bot.OriginDiscovery}, {Subgoal: "b", Item: pr, Origin: bot.OriginConfig}},
			map[string]bool{"a " + pr.String(): true, "b " + pr.String(): false}},
		{"document link", []bot.Link{{Subgoal: "b", Item: rfc, Origin: bot.OriginDocument}},
			map[string]bool{"b " + rfc.String(): false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := View(bot.Goal{ID: "g"}, doc, tt.links, nil, nil)
			MarkAuto(&v, tt.links)
			got := map[string]bool{}
			for _, r := range v.Rows {
				for _, it := range r.Items {
					got[r.SubgoalID+" "+it.Ref.String()] = it.Auto
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("items = %v, want %v", got, tt.want)
			}
			for k, w := range tt.want {
				if got[k] != w {
					t.Errorf("%s auto = %v, want %v", k, got[k], w)
				}
			}
		})
	}
}

func TestRelatedItems(t *testing.T) {
	unread := ref.New("rust-lang", "rust", 1)
	inFCP := fcp.State{Phase: fcp.PhaseProposed, Disposition: fcp.Merge, Reviewers: []fcp.Reviewer{{Login: "a", Ticked: true}, {Login: "b"}}}
	items := map[ref.Ref]*bot.Item{rfc: item(t, rfc, true, "open", inFCP, fcp.MCP{}), unread: nil}
	ps := []discover.Placement{
		{Candidate: discover.Candidate{Item: pr, Source: bot.SourceBody}, Subgoal: "a", Auto: true},
		{Candidate: discover.Candidate{Item: rfc, Source: bot.SourceBody, Title: "old title"}, Suggest: `/goal track rust-lang/goals#105 "A"`},
		{Candidate: discover.Candidate{Item: unread, Source: bot.SourceTimeline}, Suggest: `/goal track rust-lang/goals#105 "<subgoal>"`},
	}
	got := RelatedItems(ps, items, Rules{List: status.DefaultRules(), Aggregate: "least"})
	if len(got) != 2 {
		t.Fatalf("related = %+v, want the two unplaced", got)
	}
	if r := got[0]; r.Item.Ref != rfc || r.Status != status.FCPProposed || r.Item.Title != "title of rust-lang/rfcs#3654" ||
		r.Found != "its description" || r.Suggest != `/goal track rust-lang/goals#105 "A"` {
		t.Errorf("related RFC = %+v", r)
	}
	if r := got[1]; r.Item.Ref != unread || r.Status != "" || r.Found != "tracking issue timeline" {
		t.Errorf("related unread item = %+v", r)
	}
}
