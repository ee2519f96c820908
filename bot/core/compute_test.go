package core

import (
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

var (
	now     = time.Date(2024, 8, 20, 12, 0, 0, 0, time.UTC)
	earlier = now.Add(-48 * time.Hour)
	rfc     = ref.New("rust-lang", "rfcs", 3654)
	rfc2    = ref.New("rust-lang", "rfcs", 3657)
	pr      = ref.New("rust-lang", "rust", 128245)
	mcp     = ref.New("rust-lang", "compiler-team", 727)
	issue   = ref.New("rust-lang", "rust", 1)
)

// item builds a stored item with an FCP and MCP state.
func item(t *testing.T, r ref.Ref, isPull bool, state string, f fcp.State, m fcp.MCP, labels ...string) *bot.Item {
	t.Helper()
	return &bot.Item{Ref: r, Kind: KindOf(r, isPull, labels), Title: "title of " + r.String(), State: state, IsPull: isPull,
		Labels: labels, FCP: f, MCP: m}
}

// oneSubgoal is a document with one subgoal "s" linked to refs.
func oneSubgoal(refs ...ref.Ref) (*goaldoc.Document, []bot.Link) {
	doc := &goaldoc.Document{Subgoals: []goaldoc.Subgoal{{ID: "s", Title: "S", Line: 3}}}
	var links []bot.Link
	for _, r := range refs {
		links = append(links, bot.Link{Goal: "g", Subgoal: "s", Item: r, Origin: bot.OriginDocument})
	}
	return doc, links
}

func TestComputeItemRules(t *testing.T) {
	none, noMCP := fcp.State{}, fcp.MCP{}
	active := fcp.State{Phase: fcp.PhaseActive, Disposition: fcp.Merge, End: now.Add(72 * time.Hour)}
	finished := fcp.State{Phase: fcp.PhaseFinished, Disposition: fcp.Merge, End: earlier}
	postponeDone := fcp.State{Phase: fcp.PhaseFinished, Disposition: fcp.Postpone, End: earlier}
	proposed := fcp.State{Phase: fcp.PhaseProposed, Disposition: fcp.Merge,
		Reviewers: []fcp.Reviewer{{Login: "a", Ticked: true}, {Login: "b"}}}
	blocked := proposed
	blocked.Concerns = []fcp.Concern{{Name: "naming", By: "b"}}
	tests := []struct {
		name   string
		it     func(t *testing.T) *bot.Item
		status status.Status
		detail string
	}{
		{"open RFC, no FCP", func(t *testing.T) *bot.Item { return item(t, rfc, true, "open", none, noMCP) }, status.Proposed, "RFC open, no FCP"},
		{"merged RFC", func(t *testing.T) *bot.Item { return item(t, rfc, true, "merged", finished, noMCP) }, status.Accepted, "RFC merged"},
		{"closed RFC", func(t *testing.T) *bot.Item { return item(t, rfc, true, "closed", none, noMCP) }, status.Closed, "closed without merging"},
		{"RFC in FCP", func(t *testing.T) *bot.Item { return item(t, rfc, true, "open", active, noMCP) }, status.InFCP, "merge, ends 2024-08-23"},
		{"RFC FCP finished", func(t *testing.T) *bot.Item { return item(t, rfc, true, "open", finished, noMCP) }, status.FCPFinished, "merge, ended 2024-08-18"},
		{"RFC FCP proposed", func(t *testing.T) *bot.Item { return item(t, rfc, true, "open", proposed, noMCP) }, status.FCPProposed, ""},
		{"RFC FCP with a concern", func(t *testing.T) *bot.Item { return item(t, rfc, true, "open", blocked, noMCP) }, status.Blocked, ""},
		{"postponed by FCP", func(t *testing.T) *bot.Item { return item(t, rfc, true, "closed", postponeDone, noMCP) }, status.Postponed, "FCP to postpone finished"},
		{"merged PR", func(t *testing.T) *bot.Item { return item(t, pr, true, "merged", none, noMCP) }, status.Complete, "merged"},
		{"closed PR", func(t *testing.T) *bot.Item { return item(t, pr, true, "closed", none, noMCP) }, status.Closed, "closed without merging"},
		{"closed issue", func(t *testing.T) *bot.Item { return item(t, issue, false, "closed", none, noMCP) }, status.Complete, "closed"},
		{"MCP awaiting a second", func(t *testing.T) *bot.Item {
			return item(t, mcp, false, "open", none, fcp.MCP{Phase: fcp.MCPProposed}, "major-change")
		}, status.Proposed, "MCP awaiting a second"},
		{"MCP seconded", func(t *testing.T) *bot.Item {
			return item(t, mcp, false, "open", none, fcp.MCP{Phase: fcp.MCPSeconded, End: now.Add(96 * time.Hour)}, "major-change", "final-comment-period")
		}, status.InFCP, "seconded, ends 2024-08-24"},
		{"MCP accepted", func(t *testing.T) *bot.Item {
			return item(t, mcp, false, "closed", none, fcp.MCP{Phase: fcp.MCPAccepted}, "major-change-accepted")
		}, status.Accepted, "MCP accepted"},
		{"MCP closed", func(t *testing.T) *bot.Item {
			return item(t, mcp, false, "closed", none, fcp.MCP{Phase: fcp.MCPClosed}, "major-change")
		}, status.Closed, "MCP closed without acceptance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := tt.it(t)
			doc, links := oneSubgoal(it.Ref)
			out := Compute(Input{Goal: "g", Doc: doc, Links: links, Items: map[ref.Ref]*bot.Item{it.Ref: it}, Rules: DefaultRules(), Now: now})
			if len(out.Changed) != 1 {
				t.Fatalf("changed = %+v, want one row", out.Changed)
			}
			row := out.Changed[0]
			if row.Status != tt.status || (tt.detail != "" && row.Detail != tt.detail) {
				t.Errorf("row = %s %q, want %s %q", row.Status, row.Detail, tt.status, tt.detail)
			}
			if row.Provisional || !row.Since.Equal(now) || row.Goal != "g" || row.Subgoal != "s" {
				t.Errorf("row = %+v", row)
			}
			if len(out.Transitions) != 0 {
				t.Errorf("a first status is a baseline, got transitions %+v", out.Transitions)
			}
		})
	}
}

// TestComputeSeveralItems: one subgoal with several items combines them
// (least advanced wins with the default aggregate).
func TestComputeSeveralItems(t *testing.T) {
	a := item(t, rfc, true, "merged", fcp.State{}, fcp.MCP{})
	b := item(t, rfc2, true, "open", fcp.State{}, fcp.MCP{})
	doc, links := oneSubgoal(rfc, rfc2, rfc) // a duplicate link counts once
	items := map[ref.Ref]*bot.Item{rfc: a, rfc2: b}
	out := Compute(Input{Goal: "g", Doc: doc, Links: links, Items: items, Rules: DefaultRules(), Now: now})
	want := status.Combine("least", []status.Result{
		{Status: status.Accepted, Detail: "RFC merged"}, {Status: status.Proposed, Detail: "RFC open, no FCP"}})
	if got := out.Changed[0]; got.Status != want.Status || got.Detail != want.Detail {
		t.Errorf("two items: %s %q, want %s %q", got.Status, got.Detail, want.Status, want.Detail)
	}
	if want.Status != status.Proposed {
		t.Errorf("least of accepted and proposed = %s, want proposed", want.Status)
	}
}

// TestComputeParentSummary: a parent without items of its own summarises
// its children; a parent with items follows them.
func TestComputeParentSummary(t *testing.T) {
	doc := &goaldoc.Document{Subgoals: []goaldoc.Subgoal{
		{ID: "p", Title: "P", Children: []goaldoc.Subgoal{
			{ID: "p/a", Title: "A"}, {ID: "p/b", Title: "B"}, {ID: "p/c", Title: "C", Checked: true}}},
		{ID: "q", Title: "Q", Children: []goaldoc.Subgoal{{ID: "q/a", Title: "QA"}}},
	}}
	links := []bot.Link{{Goal: "g", Subgoal: "p/a", Item: rfc}, {Goal: "g", Subgoal: "p/b", Item: pr}, {Goal: "g", Subgoal: "q", Item: rfc2}}
	items := map[ref.Ref]*bot.Item{
		rfc:  item(t, rfc, true, "merged", fcp.State{}, fcp.MCP{}),
		pr:   item(t, pr, true, "open", fcp.State{}, fcp.MCP{}),
		rfc2: item(t, rfc2, true, "closed", fcp.State{}, fcp.MCP{}),
	}
	out := Compute(Input{Goal: "g", Doc: doc, Links: links, Items: items, Rules: DefaultRules(), Now: now})
	rows := map[string]bot.SubgoalStatus{}
	for _, r := range out.Changed {
		rows[r.Subgoal] = r
	}
	if len(rows) != 6 {
		t.Fatalf("rows = %v, want 6", rows)
	}
	kids := []status.Result{{Status: status.Accepted, Detail: "RFC merged"}, {Status: status.Proposed, Detail: rows["p/b"].Detail},
		{Status: status.Complete, Detail: rows["p/c"].Detail}}
	want := status.Summarize(kids)
	if got := rows["p"]; got.Status != want.Status || got.Detail != want.Detail {
		t.Errorf("parent p = %s %q, want the summary %s %q", got.Status, got.Detail, want.Status, want.Detail)
	}
	if rows["p/c"].Status != status.Complete {
		t.Errorf("checked child without items = %s, want complete", rows["p/c"].Status)
	}
	if got := rows["q"]; got.Status != status.Closed {
		t.Errorf("parent with its own item = %s, want its item's closed", got.Status)
	}
}

// TestComputeDocumentDisagreement: the document says complete while the
// item is open: the row shows the item's status and the disagreement.
func TestComputeDocumentDisagreement(t *testing.T) {
	doc, links := oneSubgoal(mcp)
	doc.Subgoals[0].Badges = []string{goaldoc.BadgeComplete}
	it := item(t, mcp, false, "open", fcp.State{}, fcp.MCP{Phase: fcp.MCPProposed}, "major-change")
	out := Compute(Input{Goal: "g", Doc: doc, Links: links, Items: map[ref.Ref]*bot.Item{mcp: it}, Rules: DefaultRules(), Now: now})
	row := out.Changed[0]
	if !row.Disagree || row.DocStatus != status.Complete || row.Status != status.Proposed {
		t.Errorf("row = %+v, want proposed, disagreeing with a complete document", row)
	}
}

// TestComputeFirstLoadBaseline: on a goal's first load the document's
// status stands while the items are unread (provisional); when they are
// read the status changes without a transition (issue 10.4). Later
// changes are transitions.
func TestComputeFirstLoadBaseline(t *testing.T) {
	doc, links := oneSubgoal(mcp)
	doc.Subgoals[0].Badges = []string{goaldoc.BadgeComplete}
	in := Input{Goal: "g", Doc: doc, Links: links, Items: map[ref.Ref]*bot.Item{}, Rules: DefaultRules(), Now: earlier}
	first := Compute(in)
	if len(first.Changed) != 1 || !first.Changed[0].Provisional || first.Changed[0].Status != status.Complete {
		t.Fatalf("before the item is read: %+v, want a provisional complete", first.Changed)
	}
	in.Previous = map[string]bot.SubgoalStatus{"s": first.Changed[0]}
	in.Items[mcp] = item(t, mcp, false, "open", fcp.State{}, fcp.MCP{Phase: fcp.MCPProposed}, "major-change")
	in.Now = now
	second := Compute(in)
	if len(second.Transitions) != 0 {
		t.Errorf("reading the items of a first load made transitions: %+v", second.Transitions)
	}
	if len(second.Changed) != 1 || second.Changed[0].Provisional || second.Changed[0].Status != status.Proposed || !second.Changed[0].Disagree {
		t.Fatalf("after the read: %+v, want a final proposed that disagrees", second.Changed)
	}
	in.Previous = map[string]bot.SubgoalStatus{"s": second.Changed[0]}
	in.Items[mcp] = item(t, mcp, false, "closed", fcp.State{}, fcp.MCP{Phase: fcp.MCPAccepted}, "major-change-accepted")
	in.Cause = Cause{DeliveryID: "d-1", Item: mcp}
	third := Compute(in)
	want := bot.Transition{Goal: "g", Subgoal: "s", Old: status.Proposed, New: status.Complete, // the document agrees now
		Detail: "MCP accepted", At: now, DeliveryID: "d-1", Item: mcp.String()}
	if len(third.Transitions) != 1 || third.Transitions[0] != want {
		t.Errorf("transitions = %+v, want %+v", third.Transitions, want)
	}
}

// TestComputeUnchangedAndRemoved: nothing changed gives an empty output; a
// detail-only change keeps Since; a subgoal that left the document is
// removed.
func TestComputeUnchangedAndRemoved(t *testing.T) {
	doc, links := oneSubgoal(rfc)
	it := item(t, rfc, true, "open", fcp.State{Phase: fcp.PhaseActive, Disposition: fcp.Merge, End: now}, fcp.MCP{})
	in := Input{Goal: "g", Doc: doc, Links: links, Items: map[ref.Ref]*bot.Item{rfc: it}, Rules: DefaultRules(), Now: earlier}
	first := Compute(in).Changed[0]
	in.Previous = map[string]bot.SubgoalStatus{"s": first}
	in.Now = now
	if out := Compute(in); !out.Empty() || len(out.Transitions) != 0 {
		t.Errorf("unchanged: %+v", out)
	}
	in.Items[rfc] = item(t, rfc, true, "open", fcp.State{Phase: fcp.PhaseActive, Disposition: fcp.Merge, End: now.Add(24 * time.Hour)}, fcp.MCP{})
	out := Compute(in)
	if len(out.Changed) != 1 || !out.Changed[0].Since.Equal(earlier) || len(out.Transitions) != 0 {
		t.Errorf("detail-only change: %+v, want one row keeping since %s", out, earlier)
	}
	in.Previous["gone"] = bot.SubgoalStatus{Goal: "g", Subgoal: "gone", Status: status.Proposed}
	if out := Compute(in); len(out.Removed) != 1 || out.Removed[0] != "gone" {
		t.Errorf("removed = %v, want [gone]", out.Removed)
	}
}

// TestComputeTransitionItems: one computation caused by one item moves
// several subgoals; each transition names the moved item only when it is
// linked to that subgoal or below it, never on an unrelated subgoal that
// moved at the same time.
func TestComputeTransitionItems(t *testing.T) {
	doc := &goaldoc.Document{Subgoals: []goaldoc.Subgoal{
		{ID: "p", Title: "P", Children: []goaldoc.Subgoal{{ID: "p/a", Title: "A"}, {ID: "p/b", Title: "B"}}},
		{ID: "q", Title: "Q"},
	}}
	links := []bot.Link{{Goal: "g", Subgoal: "p/a", Item: rfc}, {Goal: "g", Subgoal: "p/b", Item: pr}, {Goal: "g", Subgoal: "q", Item: rfc2}}
	in := Input{Goal: "g", Doc: doc, Links: links, Rules: DefaultRules(), Now: earlier, Items: map[ref.Ref]*bot.Item{
		rfc:  item(t, rfc, true, "open", fcp.State{}, fcp.MCP{}),
		pr:   item(t, pr, true, "merged", fcp.State{}, fcp.MCP{}),
		rfc2: item(t, rfc2, true, "open", fcp.State{}, fcp.MCP{}),
	}}
	in.Previous = map[string]bot.SubgoalStatus{}
	for _, r := range Compute(in).Changed {
		in.Previous[r.Subgoal] = r
	}
	// The RFC of p/a merges (this delivery); the RFC of q was closed by an
	// earlier read that did not recompute.
	in.Items[rfc] = item(t, rfc, true, "merged", fcp.State{}, fcp.MCP{})
	in.Items[rfc2] = item(t, rfc2, true, "closed", fcp.State{}, fcp.MCP{})
	in.Now, in.Cause = now, Cause{DeliveryID: "d-9", Item: rfc}
	out := Compute(in)
	got := map[string]string{}
	for _, tr := range out.Transitions {
		got[tr.Subgoal] = tr.Item
		if tr.DeliveryID != "d-9" {
			t.Errorf("%s: delivery %q, want d-9", tr.Subgoal, tr.DeliveryID)
		}
	}
	want := map[string]string{"p/a": rfc.String(), "q": ""}
	for _, r := range out.Changed {
		if r.Subgoal == "p" && r.Status != in.Previous["p"].Status { // the parent's summary moved with p/a
			want["p"] = rfc.String()
		}
	}
	for sub, w := range want {
		if it, ok := got[sub]; !ok || it != w {
			t.Errorf("transition of %s: item %q (present %v), want %q; all %v", sub, it, ok, w, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("transitions %v, want %v", got, want)
	}

	// The digest's Item column follows: q's change names no item.
	dv := BuildDigest(DigestInput{Week: "2024-W34", From: now.AddDate(0, 0, -1), Now: now, Items: in.Items,
		Goals: []DigestGoal{{Goal: bot.Goal{ID: "g"}, Doc: doc, Statuses: in.Previous, Transitions: out.Transitions, Links: links}}})
	items := map[string]ref.Ref{}
	for _, c := range dv.Goals[0].Changes {
		items[c.Subgoal] = c.Item.Ref
	}
	if items["A"] != rfc || !items["Q"].IsZero() {
		t.Errorf("digest changes name items %v, want A: %s and none for Q", items, rfc)
	}
}
