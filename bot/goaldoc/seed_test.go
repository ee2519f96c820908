package goaldoc

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// corpusRoot is the shared test corpus beside the repository (see
// DESIGN §1); tests that need it skip when it is absent.
const corpusRoot = "../../../shared"

// readShared reads a file under corpusRoot or skips the test.
func readShared(t testing.TB, rel string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(corpusRoot, rel))
	if err != nil {
		t.Skipf("shared corpus not available at %s (%v); clone it beside the repository", corpusRoot, err)
	}
	return src
}

// row is the hand-written expectation for one node of the seed's table.
type wantRow struct {
	line   int
	parent int // line of the parent row, 0 at top level
	id     string
	title  string
	owners []string
	teams  []string
	badges []string
	struck bool
}

// seedRows is written by reading ../shared/seed/async-parity-2024h2.md
// lines 181-204, not from parser output.
var seedRows = []wantRow{
	{183, 0, "overall-program-management", "overall program management", []string{"tmandry", "nikomatsakis"}, nil, []string{"Funded"}, false},
	{184, 0, "stabilize-async-closures", "stabilize async closures", nil, nil, []string{"Funded"}, false},
	{185, 184, "stabilize-async-closures/implementation", "implementation", []string{"compiler-errors"}, nil, []string{"Complete"}, true},
	{186, 184, "stabilize-async-closures/author-rfc", "author RFC", []string{"nikomatsakis", "compiler-errors"}, nil, []string{"Funded"}, false},
	{187, 184, "stabilize-async-closures/approve-rfc", "approve RFC", nil, []string{"lang"}, []string{"Team", "Not funded"}, false},
	{188, 184, "stabilize-async-closures/stabilization", "stabilization", []string{"compiler-errors"}, nil, []string{"Not funded"}, false},
	{189, 0, "resolve-the-send-bound-problem", `resolve the "send bound" problem`, nil, nil, []string{"Funded"}, false},
	{190, 189, "resolve-the-send-bound-problem/rtn-implementation", "RTN implementation", []string{"compiler-errors"}, nil, []string{"Complete"}, true},
	{191, 189, "resolve-the-send-bound-problem/rtn-rfc", "RTN RFC", []string{"nikomatsakis"}, nil, []string{"Complete"}, true},
	{192, 189, "resolve-the-send-bound-problem/approve-rtn-rfc-or-provide-alternative", "approve RTN RFC or provide alternative", nil, []string{"lang"}, []string{"Team", "Not funded"}, false},
	{193, 189, "resolve-the-send-bound-problem/stabilization", "stabilization", []string{"compiler-errors"}, nil, []string{"Not funded"}, false},
	{194, 0, "stabilize-trait-for-async-iteration", "stabilize trait for async iteration", nil, nil, []string{"Funded"}, false},
	{195, 194, "stabilize-trait-for-async-iteration/author-rfc", "author RFC", []string{"eholk"}, nil, []string{"Funded"}, false},
	{196, 194, "stabilize-trait-for-async-iteration/approve-rfc", "approve RFC", nil, []string{"libs-api"}, []string{"Team", "Funded"}, false},
	{197, 194, "stabilize-trait-for-async-iteration/implementation", "implementation", []string{"eholk"}, nil, []string{"Funded"}, false},
	{198, 0, "author-draft-rfc-for-async-vision", "author draft RFC for async vision", nil, nil, []string{"Funded"}, false},
	{199, 198, "author-draft-rfc-for-async-vision/author-rfc", "author RFC", []string{"tmandry"}, nil, []string{"Funded"}, false},
	{200, 198, "author-draft-rfc-for-async-vision/approve-rfc", "approve RFC", nil, []string{"lang", "libs-api"}, []string{"Team", "Not approved"}, false},
	{201, 0, "complete-async-drop-experiments", "complete async drop experiments", nil, nil, nil, false},
	{202, 201, "complete-async-drop-experiments/author-mcp", "author MCP", []string{"petrochenkov"}, nil, []string{"Complete"}, true},
	{203, 201, "complete-async-drop-experiments/approve-mcp", "approve MCP", nil, []string{"compiler"}, []string{"Complete"}, true},
	{204, 201, "complete-async-drop-experiments/implementation-work", "implementation work", []string{"petrochenkov"}, nil, []string{"Not funded"}, false},
}

func TestSeedGolden(t *testing.T) {
	src := readShared(t, "seed/async-parity-2024h2.md")
	d := Parse("seed/async-parity-2024h2.md", src, nil)

	if ok, why := d.IsGoal(); !ok {
		t.Fatalf("seed is not a goal document: %s", why)
	}
	if len(d.Errors) != 0 {
		t.Errorf("errors = %v, want none", d.Errors)
	}
	checkString(t, "id", d.ID, "async-parity-2024h2")
	checkString(t, "title", d.Title, "Bringing the Async Rust experience closer to parity with sync Rust")
	checkString(t, "status", d.Status, "Proposed as RFC #3657")
	checkString(t, "tracking issue", d.TrackingIssue.String(), "")
	checkStrings(t, "point of contact", d.PointOfContact, []string{"tmandry", "nikomatsakis"})
	checkStrings(t, "teams", d.Teams, []string{"lang", "libs-api"})

	if len(d.Subgoals) != 6 {
		t.Errorf("top-level subgoals = %d, want 6", len(d.Subgoals))
	}
	if n := d.Count(); n != 22 {
		t.Errorf("subgoal nodes = %d, want 22 (one per table row)", n)
	}
	got := map[int]*Subgoal{}
	parentOf := map[int]int{}
	d.Walk(func(s, parent *Subgoal) bool {
		got[s.Line] = s
		if parent != nil {
			parentOf[s.Line] = parent.Line
		}
		return true
	})
	for _, w := range seedRows {
		s := got[w.line]
		if s == nil {
			t.Errorf("no subgoal at line %d (%q)", w.line, w.title)
			continue
		}
		where := "line " + strconv.Itoa(w.line)
		checkString(t, where+" title", s.Title, w.title)
		checkString(t, where+" id", s.ID, w.id)
		checkStrings(t, where+" owners", s.Owners, w.owners)
		checkStrings(t, where+" teams", s.Teams, w.teams)
		checkStrings(t, where+" badges", s.Badges, w.badges)
		if s.Struck != w.struck {
			t.Errorf("%s struck = %v, want %v", where, s.Struck, w.struck)
		}
		if parentOf[w.line] != w.parent {
			t.Errorf("%s parent line = %d, want %d", where, parentOf[w.line], w.parent)
		}
		if s.Children == nil || s.Links == nil {
			t.Errorf("%s has nil children or links; JSON needs []", where)
		}
	}

	wantAsks := []TeamAsk{
		{Team: "lang", Teams: []string{"lang"}, Ask: "approve RFC", Subgoal: "stabilize-async-closures/approve-rfc", Line: 187},
		{Team: "lang", Teams: []string{"lang"}, Ask: "approve RTN RFC or provide alternative", Subgoal: "resolve-the-send-bound-problem/approve-rtn-rfc-or-provide-alternative", Line: 192},
		{Team: "libs-api", Teams: []string{"libs-api"}, Ask: "approve RFC", Subgoal: "stabilize-trait-for-async-iteration/approve-rfc", Line: 196},
		{Team: "lang", Teams: []string{"lang", "libs-api"}, Ask: "approve RFC", Subgoal: "author-draft-rfc-for-async-vision/approve-rfc", Line: 200},
	}
	if !reflect.DeepEqual(d.TeamAsks, wantAsks) {
		t.Errorf("team asks:\n got %+v\nwant %+v", d.TeamAsks, wantAsks)
	}

	// [sb] is used at lines 108, 110, 189 and 227 and never defined; [RTN]
	// (227) and [async closures] (120) neither.
	wantWarn := map[int][]string{108: {"[sb]"}, 110: {"[sb]"}, 120: {"[async closures]"}, 189: {"[sb]"}, 227: {"[sb]", "[RTN]"}}
	gotWarn := map[int][]string{}
	for _, w := range d.Warnings {
		i := strings.Index(w.Message, "[")
		j := strings.Index(w.Message, "]")
		if !strings.HasPrefix(w.Message, "reference [") || !strings.HasSuffix(w.Message, "] is not defined") || i < 0 || j < i {
			t.Errorf("unexpected warning %d: %s", w.Line, w.Message)
			continue
		}
		gotWarn[w.Line] = append(gotWarn[w.Line], w.Message[i:j+1])
	}
	if !reflect.DeepEqual(gotWarn, wantWarn) {
		t.Errorf("undefined-reference warnings = %v, want %v", gotWarn, wantWarn)
	}

	// Links: RFC #3657 (status, defined at line 9), RFC #3654 (line 110,
	// defined at 112), MCP 727 (inline URL at line 155).
	var links []string
	for _, l := range d.Links {
		links = append(links, l.String())
	}
	checkStrings(t, "links", links, []string{"rust-lang/rfcs#3657", "rust-lang/rfcs#3654", "rust-lang/compiler-team#727"})

	// The "Resolve the send bound problem" section (line 108) names RFC
	// #3654; "Complete async drop experiments" (153) names MCP 727.
	var sugg []string
	for _, s := range d.Suggestions {
		sugg = append(sugg, s.Subgoal+" "+strconv.Itoa(s.Line)+" "+s.Item.String())
	}
	checkStrings(t, "suggestions", sugg, []string{
		"resolve-the-send-bound-problem 189 rust-lang/rfcs#3654",
		"complete-async-drop-experiments 201 rust-lang/compiler-team#727",
	})
}

func checkString(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func checkStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}
