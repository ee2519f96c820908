package discover

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/ref"
)

func TestCandidates(t *testing.T) {
	active := fcp.State{Phase: fcp.PhaseActive, Disposition: fcp.Merge}
	items := map[ref.Ref]bot.Item{
		rust(132706): {Ref: rust(132706), Kind: bot.KindPR, IsPull: true, Title: "Stabilize async closures"},
		rust(62290):  {Ref: rust(62290), Kind: bot.KindIssue, Title: "Tracking issue for async closures", Labels: []string{"C-tracking-issue"}, FCP: active},
		rust(44874):  {Ref: rust(44874), Kind: bot.KindIssue, Title: "Tracking issue for arbitrary_self_types", FCP: fcp.State{Phase: fcp.PhaseNone}},
		rfcs(3654):   {Ref: rfcs(3654), Kind: bot.KindRFC, IsPull: true, Title: "Return type notation"},
		rust(9):      {Ref: rust(9), Kind: bot.KindPR, IsPull: true, Title: "Fix ICE in stabilized code"},
	}
	found := []bot.Discovered{
		{Item: rust(132706), Source: bot.SourceTimeline},
		{Item: rust(62290), Source: bot.SourceDocument},
		{Item: rust(44874), Source: bot.SourceDocument},
		{Item: rfcs(3654), Source: bot.SourceBody, Named: "approve RTN RFC"},
		{Item: rust(9), Source: bot.SourceComment},
		{Item: mcp(727), Source: bot.SourceDocument}, // not read yet: kind from its repository
		{Item: rust(1), Source: bot.SourceTimeline},  // not read yet
	}
	var got []string
	for _, c := range Candidates(found, items) {
		got = append(got, fmt.Sprintf("%s %s stab=%v %s [%s]", c.Item, c.Kind, c.Stabilization, c.Source, c.Named))
	}
	want := []string{
		"rust-lang/rust#132706 pr stab=true timeline []",
		"rust-lang/rust#62290 tracking-issue stab=true document []",
		"rust-lang/rust#44874 tracking-issue stab=false document []",
		"rust-lang/rfcs#3654 rfc stab=false body [approve RTN RFC]",
		"rust-lang/rust#9 pr stab=false comment []",
		"rust-lang/compiler-team#727 mcp stab=false document []",
		"rust-lang/rust#1 issue stab=false timeline []",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Candidates =\n  %q\nwant\n  %q", got, want)
	}
}
