package discover

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
)

// seedGoal parses the shared seed document (the async goal of 2024h2),
// with rust-lang/goals#105 as its tracking issue.
func seedGoal(t *testing.T) Goal {
	t.Helper()
	dir, _ := filepath.Abs(".")
	for {
		p := filepath.Join(dir, "shared", "seed", "async-parity-2024h2.md")
		if src, err := os.ReadFile(p); err == nil {
			g := GoalFromDocument(goaldoc.Parse(p, src, nil))
			g.TrackingIssue = ref.New("rust-lang", "goals", 105)
			return g
		}
		if filepath.Dir(dir) == dir {
			t.Skip("shared seed not found")
		}
		dir = filepath.Dir(dir)
	}
}

// small is a goal with one RFC row, one MCP row and one stabilization row.
func small() Goal {
	return Goal{
		TrackingIssue: ref.New("rust-lang", "goals", 200),
		Subgoals: []Subgoal{
			{ID: "impl", Title: "Implementation", Line: 10},
			{ID: "rfc", Title: "Approve the RFC", Line: 11},
			{ID: "mcp", Title: "Accept MCP for the flag", Line: 12},
			{ID: "stab", Title: "Stabilization", Line: 13},
			{ID: "docs", Title: "Write documentation for async closures", Line: 14},
		},
	}
}

func rfcs(n int) ref.Ref  { return ref.New("rust-lang", "rfcs", n) }
func rust(n int) ref.Ref  { return ref.New("rust-lang", "rust", n) }
func mcp(n int) ref.Ref   { return ref.New("rust-lang", "compiler-team", n) }
func goals(n int) ref.Ref { return ref.New("rust-lang", "goals", n) }

// summary formats placements as "item→subgoal rule auto" or
// "item→related: suggestion".
func summary(ps []Placement) []string {
	var out []string
	for _, p := range ps {
		if p.Subgoal != "" {
			out = append(out, fmt.Sprintf("%s→%s %s auto=%v", p.Item, p.Subgoal, p.Rule, p.Auto))
		} else {
			out = append(out, fmt.Sprintf("%s→related: %s", p.Item, p.Suggest))
		}
	}
	return out
}

func TestPlace(t *testing.T) {
	seed := seedGoal(t)
	withItem := small()
	withItem.Subgoals[1].Items = []ref.Ref{rfcs(1)}
	tests := []struct {
		name      string
		goal      Goal
		cands     []Candidate
		untracked []ref.Ref
		want      []string
	}{
		{
			name:  "a reference line names the subgoal by a unique title prefix",
			goal:  seed,
			cands: []Candidate{{Item: rust(123720), Kind: bot.KindPR, Title: "Implement RTN", Source: "body", Named: "approve RTN RFC"}},
			want:  []string{"rust-lang/rust#123720→resolve-the-send-bound-problem/approve-rtn-rfc-or-provide-alternative named auto=true"},
		},
		{
			name:  "a reference line names the subgoal by id",
			goal:  seed,
			cands: []Candidate{{Item: rust(1), Kind: bot.KindPR, Named: "stabilize-async-closures/stabilization"}},
			want:  []string{"rust-lang/rust#1→stabilize-async-closures/stabilization named auto=true"},
		},
		{
			name:  "an RFC is ambiguous among the seed's many RFC rows",
			goal:  seed,
			cands: []Candidate{{Item: rfcs(3654), Kind: bot.KindRFC, Title: "Return type notation (RTN) in bounds", Source: "document"}},
			want:  []string{`rust-lang/rfcs#3654→related: /goal track rust-lang/goals#105 "RTN implementation"`},
		},
		{
			name:  "a name that matches several subgoals places nothing",
			goal:  seed,
			cands: []Candidate{{Item: rust(2), Kind: bot.KindPR, Title: "x", Named: "approve RFC"}},
			want:  []string{`rust-lang/rust#2→related: /goal track rust-lang/goals#105 "<subgoal>"`},
		},
		{
			name:  "the only RFC row without an item takes the only RFC",
			goal:  small(),
			cands: []Candidate{{Item: rfcs(3654), Kind: bot.KindRFC, Title: "RFC: something"}},
			want:  []string{"rust-lang/rfcs#3654→rfc rfc auto=true"},
		},
		{
			name:  "two RFCs for one free RFC row: neither is placed",
			goal:  small(),
			cands: []Candidate{{Item: rfcs(1), Kind: bot.KindRFC}, {Item: rfcs(2), Kind: bot.KindRFC}},
			want: []string{
				`rust-lang/rfcs#1→related: /goal track rust-lang/goals#200 "Approve the RFC"`,
				`rust-lang/rfcs#2→related: /goal track rust-lang/goals#200 "Approve the RFC"`,
			},
		},
		{
			name:  "a named RFC takes its row; the other RFC then finds no free row",
			goal:  small(),
			cands: []Candidate{{Item: rfcs(1), Kind: bot.KindRFC, Named: "Approve the RFC"}, {Item: rfcs(2), Kind: bot.KindRFC}},
			want: []string{
				"rust-lang/rfcs#1→rfc named auto=true",
				`rust-lang/rfcs#2→related: /goal track rust-lang/goals#200 "Approve the RFC"`,
			},
		},
		{
			name:  "the RFC row has an item already: not free",
			goal:  withItem,
			cands: []Candidate{{Item: rfcs(3654), Kind: bot.KindRFC}},
			want:  []string{`rust-lang/rfcs#3654→related: /goal track rust-lang/goals#200 "Approve the RFC"`},
		},
		{
			name:  "an item a row already has is not a candidate",
			goal:  withItem,
			cands: []Candidate{{Item: rfcs(1), Kind: bot.KindRFC}},
		},
		{
			name:  "the only MCP row takes the only MCP",
			goal:  small(),
			cands: []Candidate{{Item: mcp(727), Kind: bot.KindMCP}},
			want:  []string{"rust-lang/compiler-team#727→mcp mcp auto=true"},
		},
		{
			name: "stabilization PR and tracking-issue FCP both go to the only stabilization row",
			goal: small(),
			cands: []Candidate{
				{Item: rust(132706), Kind: bot.KindPR, Title: "Stabilize async closures", Stabilization: true},
				{Item: rust(62290), Kind: KindTrackingIssue, Title: "Tracking issue for async closures", Stabilization: true},
			},
			want: []string{"rust-lang/rust#132706→stab stabilization auto=true", "rust-lang/rust#62290→stab stabilization auto=true"},
		},
		{
			name:  "a stabilization PR among several stabilization rows stays related",
			goal:  seed,
			cands: []Candidate{{Item: rust(132706), Kind: bot.KindPR, Title: "Stabilize async closures", Stabilization: true}},
			want:  []string{`rust-lang/rust#132706→related: /goal track rust-lang/goals#105 "stabilize async closures"`},
		},
		{
			name:  "a tracking issue without FCP is related, suggestion by title words",
			goal:  small(),
			cands: []Candidate{{Item: rust(62290), Kind: KindTrackingIssue, Title: "Tracking issue for async closures"}},
			want:  []string{`rust-lang/rust#62290→related: /goal track rust-lang/goals#200 "Write documentation for async closures"`},
		},
		{
			name:      "untracked items are never placed or listed",
			goal:      small(),
			cands:     []Candidate{{Item: rfcs(3654), Kind: bot.KindRFC}, {Item: rust(5), Kind: bot.KindPR}},
			untracked: []ref.Ref{rfcs(3654)},
			want:      []string{`rust-lang/rust#5→related: /goal track rust-lang/goals#200 "<subgoal>"`},
		},
		{
			name: "repeats merge, a name found later wins; the goals repository is not a candidate",
			goal: small(),
			cands: []Candidate{
				{Item: rust(7), Kind: bot.KindPR, Source: "timeline"},
				{Item: goals(200), Kind: bot.KindIssue},
				{Item: goals(270), Kind: bot.KindIssue, Source: "update"}, // another goal
				{Item: rust(7), Kind: bot.KindPR, Source: "body", Named: "Implementation"},
			},
			want: []string{"rust-lang/rust#7→impl named auto=true"},
		},
		{
			name:  "a title with quotes is suggested by id",
			goal:  Goal{TrackingIssue: goals(1), Subgoals: []Subgoal{{ID: "send", Title: `resolve the "send bound" problem`}}},
			cands: []Candidate{{Item: rust(8), Kind: bot.KindPR, Title: "send bound fix"}},
			want:  []string{"rust-lang/rust#8→related: /goal track rust-lang/goals#1 send"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			un := map[ref.Ref]bool{}
			for _, r := range tt.untracked {
				un[r] = true
			}
			got := summary(Place(tt.goal, tt.cands, func(r ref.Ref) bool { return un[r] }))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Place =\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}

// TestPlaceOrderIndependent checks that the same candidates in another
// order land in the same places.
func TestPlaceOrderIndependent(t *testing.T) {
	cands := []Candidate{
		{Item: rfcs(1), Kind: bot.KindRFC, Named: "Approve the RFC"},
		{Item: rfcs(2), Kind: bot.KindRFC},
		{Item: rust(3), Kind: bot.KindPR, Stabilization: true},
		{Item: mcp(4), Kind: bot.KindMCP},
	}
	where := func(ps []Placement) map[ref.Ref]string {
		m := map[ref.Ref]string{}
		for _, p := range ps {
			m[p.Item] = p.Subgoal + "/" + p.Rule
		}
		return m
	}
	want := where(Place(small(), cands, nil))
	rev := []Candidate{cands[3], cands[2], cands[1], cands[0]}
	if got := where(Place(small(), rev, nil)); !reflect.DeepEqual(got, want) {
		t.Errorf("reversed order placed %v, want %v", got, want)
	}
}

// TestMentionToPlacement runs the whole pure path: a PR description
// mentioning the tracking issue with a reference line, on the seed goal.
func TestMentionToPlacement(t *testing.T) {
	g := seedGoal(t)
	f := NewFinder(nil, nil)
	body := "Implements RTN in bounds.\n\nPart of rust-lang/rust-project-goals#105: RTN implementation\n"
	ms := f.Mentions(Text{Body: body, Author: "compiler-errors", Base: rust(123720)}, g.TrackingIssue)
	if len(ms) != 1 {
		t.Fatalf("mentions = %v", ms)
	}
	ps := Place(g, []Candidate{{Item: rust(123720), Kind: bot.KindPR, Source: "body", Named: ms[0].Subgoal}}, nil)
	if len(ps) != 1 || ps[0].Subgoal != "resolve-the-send-bound-problem/rtn-implementation" || !ps[0].Auto {
		t.Errorf("placement = %+v", ps)
	}
}

func TestDocumentCandidates(t *testing.T) {
	src := "# G\n\n| Metadata | |\n|---|---|\n| Status | Accepted |\n| Tracking issue | [rust-lang/goals#9] |\n| Other tracking issues | [rust-lang/rust#44874] |\n\nSee [RFC #3654], [MCP 727](https://github.com/rust-lang/compiler-team/issues/727) and rust-lang/rust#5.\n"
	got := DocumentCandidates(goaldoc.Parse("2026/g.md", []byte(src), nil))
	var s []string
	for _, c := range got {
		s = append(s, c.Item.String()+" "+c.Kind)
	}
	want := []string{"rust-lang/rust#44874 tracking-issue", "rust-lang/rfcs#3654 rfc", "rust-lang/compiler-team#727 mcp", "rust-lang/rust#5 issue"}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("candidates = %q, want %q", s, want)
	}
}

func TestIsStabilization(t *testing.T) {
	for title, want := range map[string]bool{
		"Stabilize `async_closure`":                     true,
		"stabilise the never type":                      true,
		"[beta] Stabilize return type notation":         true,
		"Partially stabilize LoongArch target features": true,
		"Tracking issue for async closures":             false,
		"Fix ICE when stabilizing":                      false,
	} {
		if got := IsStabilization(title); got != want {
			t.Errorf("IsStabilization(%q) = %v, want %v", title, got, want)
		}
	}
}
