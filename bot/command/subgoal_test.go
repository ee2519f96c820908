package command

import (
	"testing"

	"github.com/goalbot/goalbot/bot"
)

// asyncSubgoals are subgoals of the seed goal, rust-lang/goals#105.
var asyncSubgoals = []Candidate{
	{ID: "async-closures", Title: "stabilize async closures", Line: 170},
	{ID: "", Title: "resolve the \"send bound\" problem", Line: 180},
	{ID: "rtn-rfc", Title: "approve RFC", Line: 187},
	{ID: "", Title: "approve RTN RFC or provide alternative", Line: 192},
	{ID: "vision", Title: "author draft RFC for `async` vision", Line: 200},
	{ID: "drop", Title: "complete async drop experiments", Line: 210},
	{ID: "", Title: "Stabilize   trait for async iteration", Line: 220},
	{ID: "dup", Title: "write docs", Line: 230},
	{ID: "", Title: "Write Docs", Line: 240},
}

func TestResolveSubgoal(t *testing.T) {
	tests := []struct {
		query    string
		wantLine int
	}{
		{"rtn-rfc", 187},                             // id
		{"async-closures", 170},                      // id
		{"192", 192},                                 // line
		{" 200 ", 200},                               // line, spaces trimmed
		{"approve RFC", 187},                         // exact title, though a prefix of another
		{"APPROVE rfc", 187},                         // case-insensitive
		{"approve rtn", 192},                         // unique prefix
		{"author draft RFC for async vision", 200},   // ` ignored
		{"stabilize trait for ASYNC iteration", 220}, // spaces collapsed
		{"resolve the \"send bound\" problem", 180},  // quotes in titles
		{"complete", 210},                            // unique prefix of one word
		{"stabilize a", 170},                         // prefix
	}
	for _, tt := range tests {
		got, err := ResolveSubgoal("rust-lang/goals#105", asyncSubgoals, tt.query)
		if err != nil {
			t.Errorf("ResolveSubgoal(%q): %v", tt.query, err)
			continue
		}
		if got.Line != tt.wantLine {
			t.Errorf("ResolveSubgoal(%q) = %+v, want line %d", tt.query, got, tt.wantLine)
		}
	}
}

func TestResolveSubgoalErrors(t *testing.T) {
	const goal = "rust-lang/goals#105"
	tests := []struct {
		cands []Candidate
		query string
		code  string
		want  string
	}{
		{asyncSubgoals, "approve rfcs", bot.ENOTFOUND,
			`no subgoal matches "approve rfcs" in rust-lang/goals#105; did you mean: approve RFC (line 187), approve RTN RFC or provide alternative (line 192)?`},
		{asyncSubgoals, "approve", bot.EINVALID,
			`"approve" matches 2 subgoals in rust-lang/goals#105: approve RFC (line 187), approve RTN RFC or provide alternative (line 192); quote more of the title or use the line number`},
		{asyncSubgoals, "stabilize", bot.EINVALID,
			`"stabilize" matches 2 subgoals in rust-lang/goals#105: stabilize async closures (line 170), Stabilize trait for async iteration (line 220); quote more of the title or use the line number`},
		{asyncSubgoals, "write docs", bot.EINVALID,
			`"write docs" matches 2 subgoals in rust-lang/goals#105: write docs (line 230), Write Docs (line 240); quote more of the title or use the line number`},
		{asyncSubgoals, "async drop", bot.ENOTFOUND,
			`no subgoal matches "async drop" in rust-lang/goals#105; did you mean: complete async drop experiments (line 210)?`},
		{asyncSubgoals, "stabilise async closure", bot.ENOTFOUND,
			`no subgoal matches "stabilise async closure" in rust-lang/goals#105; did you mean: stabilize async closures (line 170)?`},
		{asyncSubgoals, "send bound", bot.ENOTFOUND,
			`no subgoal matches "send bound" in rust-lang/goals#105; did you mean: resolve the "send bound" problem (line 180)?`},
		{asyncSubgoals, "async", bot.ENOTFOUND,
			`no subgoal matches "async" in rust-lang/goals#105; did you mean: stabilize async closures (line 170), author draft RFC for ` + "`async`" + ` vision (line 200), complete async drop experiments (line 210)?`},
		{asyncSubgoals, "999", bot.ENOTFOUND,
			`no subgoal matches "999" in rust-lang/goals#105; give a subgoal's id, line number or title`},
		{asyncSubgoals, "RTN-RFC", bot.ENOTFOUND, // ids are exact
			`no subgoal matches "RTN-RFC" in rust-lang/goals#105; did you mean: approve RTN RFC or provide alternative (line 192)?`},
		{asyncSubgoals, "zzz", bot.ENOTFOUND,
			`no subgoal matches "zzz" in rust-lang/goals#105; give a subgoal's id, line number or title`},
		{asyncSubgoals, "  ", bot.EINVALID,
			`no subgoal given for rust-lang/goals#105; give its id, line number or title`},
		{nil, "x", bot.ENOTFOUND, `rust-lang/goals#105 has no subgoals to track`},
		{[]Candidate{{Title: "a one"}, {Title: "a two"}, {Title: "a three"}, {Title: "a four"}, {Title: "a five"}, {Title: "a six"}, {Title: "a seven", ID: "s7"}}, "a", bot.EINVALID,
			`"a" matches 7 subgoals in rust-lang/goals#105: a one, a two, a three, a four, a five, and 2 more; quote more of the title or use the line number`},
	}
	for _, tt := range tests {
		_, err := ResolveSubgoal(goal, tt.cands, tt.query)
		if err == nil {
			t.Errorf("ResolveSubgoal(%q): no error, want %q", tt.query, tt.want)
			continue
		}
		if got := bot.ErrorMessage(err); got != tt.want {
			t.Errorf("ResolveSubgoal(%q):\n got %s\nwant %s", tt.query, got, tt.want)
		}
		if got := bot.ErrorCode(err); got != tt.code {
			t.Errorf("ResolveSubgoal(%q): code %q, want %q", tt.query, got, tt.code)
		}
	}
}
