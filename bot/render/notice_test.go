package render

import (
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

func TestNotice(t *testing.T) {
	goal := "Bringing the Async Rust experience closer to parity with sync Rust"
	base := NoticeView{GoalID: "2024h2/async", GoalTitle: goal, Subgoal: "approve RTN RFC or provide alternative", Item: rfc3654}
	with := func(st status.Status, detail string) NoticeView {
		n := base
		n.Status, n.Detail = st, detail
		return n
	}
	noItem := with(status.Complete, "4/4 complete")
	noItem.Item = ItemLink{}
	noItem.Subgoal = "stabilize async closures"
	mcp := NoticeView{GoalID: "2024h2/async", GoalTitle: goal, Subgoal: "approve MCP", Item: mcp727, Status: status.Accepted, Detail: "MCP accepted"}

	views := []struct {
		name string
		n    NoticeView
	}{
		{"fcp-proposed", with(status.FCPProposed, "merge, 0/8 reviewed")},
		{"blocked", with(status.Blocked, "merge, 5/8 reviewed, 1 concern")},
		{"in-fcp", with(status.InFCP, "merge, ends 2024-08-20")},
		{"fcp-finished", with(status.FCPFinished, "merge, ended 2024-08-20")},
		{"accepted", with(status.Accepted, "RFC merged")},
		{"mcp accepted", mcp},
		{"complete", with(status.Complete, "")},
		{"postponed", with(status.Postponed, "FCP to postpone finished")},
		{"closed", with(status.Closed, "closed without merging")},
		{"proposed", with(status.Proposed, "FCP cancelled")},
		{"no status", with("", "")},
		{"no item", noItem},
	}
	var all strings.Builder
	for _, v := range views {
		got := Notice(v.n)
		all.WriteString("== " + v.name + " ==\n" + got)
		checkSafe(t, got, "", -1)
		if !strings.HasPrefix(got, "<!-- goalbot:notice goal=2024h2/async -->\n") {
			t.Errorf("%s: no notice marker: %q", v.name, got)
		}
		if _, ok := ParseMarker(got); ok {
			t.Errorf("%s: ParseMarker takes a notice for a status comment", v.name)
		}
		if strings.Count(got, "\n") != 2 {
			t.Errorf("%s: notice is not two lines: %q", v.name, got)
		}
	}
	golden(t, "notices", all.String())

	want := "FCP started on [rust-lang/rfcs#3654](https://github.com/rust-lang/rfcs/pull/3654) “Return type notation (send bounds, part 1)” (merge, ends 2024-08-20) — subgoal “approve RTN RFC or provide alternative” of goal “Bringing the Async Rust experience closer to parity with sync Rust”.\n"
	if got := Notice(with(status.InFCP, "merge, ends 2024-08-20")); !strings.HasSuffix(got, want) {
		t.Errorf("in-fcp notice:\n got %q\nwant …%q", got, want)
	}
	if got := Notice(noItem); !strings.Contains(got, "Subgoal “stabilize async closures” of goal “"+goal+"” is now complete (4/4 complete).") {
		t.Errorf("no-item notice: %q", got)
	}
	if got := Notice(NoticeView{GoalID: "g", Item: ItemLink{Ref: ref.New("o", "r", 1)}, Status: status.Closed}); !strings.Contains(got, "[o/r#1](https://github.com/o/r/issues/1) was closed — subgoal") {
		t.Errorf("issue notice: %q", got)
	}
}
