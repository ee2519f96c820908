package status

import (
	"strings"
	"testing"
	"time"
)

var end20 = time.Date(2024, 8, 20, 17, 3, 0, 0, time.UTC)

// TestDefaultRules covers every default rule (the test fails if one is
// never the first match) and the edges between them.
func TestDefaultRules(t *testing.T) {
	rules := DefaultRules()
	tests := []struct {
		name   string
		f      Facts
		want   Status
		detail string
	}{
		// MCPs.
		{"mcp accepted", Facts{Kind: "mcp", State: "closed", MCP: MCPFacts{Phase: "accepted"}}, Accepted, "MCP accepted"},
		{"mcp accepted label only", Facts{Kind: "mcp", State: "closed", Labels: []string{"major-change", "Major-Change-Accepted"}}, Accepted, "MCP accepted"},
		{"mcp closed phase", Facts{Kind: "mcp", State: "closed", Labels: []string{"has-concerns"}, MCP: MCPFacts{Phase: "closed"}}, Closed, "MCP closed without acceptance"},
		{"mcp closed state wins over concerns", Facts{Kind: "mcp", State: "closed", Labels: []string{"has-concerns"}, MCP: MCPFacts{Concerns: 1}}, Closed, "MCP closed without acceptance"},
		{"mcp blocked", Facts{Kind: "mcp", State: "open", MCP: MCPFacts{Phase: "blocked", Concerns: 2}}, Blocked, "MCP has concerns, 2 concerns"},
		{"mcp has-concerns label", Facts{Kind: "mcp", State: "open", Labels: []string{"major-change", "has-concerns"}}, Blocked, "MCP has concerns"},
		{"mcp seconded with concerns", Facts{Kind: "mcp", State: "open", MCP: MCPFacts{Phase: "seconded", Concerns: 1, End: end20}}, Blocked, "MCP has concerns, 1 concern"},
		{"mcp seconded", Facts{Kind: "mcp", State: "open", MCP: MCPFacts{Phase: "seconded", End: end20}}, InFCP, "seconded, ends 2024-08-20"},
		{"mcp seconded label, no end", Facts{Kind: "mcp", State: "open", Labels: []string{"major-change", "final-comment-period"}}, InFCP, "seconded"},
		{"mcp proposed", Facts{Kind: "mcp", State: "open", Labels: []string{"major-change"}, MCP: MCPFacts{Phase: "proposed"}}, Proposed, "MCP awaiting a second"},
		{"mcp ignores rfcbot label meaning", Facts{Kind: "mcp", State: "open", Labels: []string{"proposed-final-comment-period"}}, Proposed, "MCP awaiting a second"},

		// rfcbot FCPs on MCPs (compiler-team decides some major changes,
		// e.g. target tier promotions, with a team FCP on the issue): the
		// FCP shows, and the MCP's own acceptance wins once it comes.
		{"mcp under fcp proposed", Facts{Kind: "mcp", State: "open", Labels: []string{"major-change", "proposed-final-comment-period", "disposition-merge"},
			FCP: FCPFacts{Phase: "proposed", Disposition: "merge", Reviewed: 2, Reviewers: 5}, MCP: MCPFacts{Phase: "proposed"}}, FCPProposed, "merge, 2/5 reviewed"},
		{"mcp under fcp with an fcp concern", Facts{Kind: "mcp", State: "open", FCP: FCPFacts{Phase: "proposed", Disposition: "merge", Reviewed: 2, Reviewers: 5, Concerns: 1}, MCP: MCPFacts{Phase: "proposed"}},
			Blocked, "merge, 2/5 reviewed, 1 concern"},
		{"mcp in fcp reads the fcp end", Facts{Kind: "mcp", State: "open", Labels: []string{"major-change", "final-comment-period", "disposition-merge"},
			FCP: FCPFacts{Phase: "active", Disposition: "merge", End: end20}, MCP: MCPFacts{Phase: "seconded", End: end20.AddDate(0, 0, 3)}}, InFCP, "merge, ends 2024-08-20"},
		{"mcp fcp finished, not yet accepted", Facts{Kind: "mcp", State: "open", FCP: FCPFacts{Phase: "finished", Disposition: "merge", End: end20}, MCP: MCPFacts{Phase: "seconded"}}, FCPFinished, "merge, ended 2024-08-20"},
		{"mcp accepted after its fcp", Facts{Kind: "mcp", State: "closed", FCP: FCPFacts{Phase: "finished", Disposition: "merge"}, MCP: MCPFacts{Phase: "accepted"}}, Accepted, "MCP accepted"},
		{"mcp closed after fcp to merge", Facts{Kind: "mcp", State: "closed", FCP: FCPFacts{Phase: "finished", Disposition: "merge"}, MCP: MCPFacts{Phase: "closed"}}, Accepted, "FCP to merge finished"},
		{"mcp fcp cancelled falls back to triagebot", Facts{Kind: "mcp", State: "open", FCP: FCPFacts{Phase: "cancelled"}, MCP: MCPFacts{Phase: "seconded", End: end20}}, InFCP, "seconded, ends 2024-08-20"},
		{"council issue in fcp", Facts{Kind: "issue", State: "open", Labels: []string{"T-leadership-council", "final-comment-period"}, FCP: FCPFacts{Phase: "active", Disposition: "merge", End: end20}}, InFCP, "merge, ends 2024-08-20"},
		{"merged rfc whatever the fcp said", Facts{Kind: "rfc", State: "merged", FCP: FCPFacts{Phase: "active", Disposition: "merge"}}, Accepted, "RFC merged"},

		// RFCs.
		{"rfc merged", Facts{Kind: "rfc", State: "merged", Labels: []string{"finished-final-comment-period", "disposition-merge"}, FCP: FCPFacts{Phase: "finished", Disposition: "merge"}}, Accepted, "RFC merged"},
		{"rfc postpone finished, open", Facts{Kind: "rfc", State: "open", FCP: FCPFacts{Phase: "finished", Disposition: "postpone"}}, Postponed, "FCP to postpone finished"},
		{"rfc postponed label, closed", Facts{Kind: "rfc", State: "closed", Labels: []string{"postponed", "finished-final-comment-period"}}, Postponed, "postponed"},
		{"rfc close finished", Facts{Kind: "rfc", State: "closed", Labels: []string{"closed"}, FCP: FCPFacts{Phase: "finished", Disposition: "close"}}, Closed, "FCP to close finished"},
		{"rfc closed unmerged", Facts{Kind: "rfc", State: "closed"}, Closed, "closed without merging"},
		{"rfc fcp finished, not yet merged", Facts{Kind: "rfc", State: "open", FCP: FCPFacts{Phase: "finished", Disposition: "merge", End: end20}}, FCPFinished, "merge, ended 2024-08-20"},
		{"rfc fcp finished close, still open", Facts{Kind: "rfc", State: "open", FCP: FCPFacts{Phase: "finished", Disposition: "close"}}, FCPFinished, "close"},
		{"rfc proposed with concern", Facts{Kind: "rfc", State: "open", FCP: FCPFacts{Phase: "proposed", Disposition: "merge", Reviewed: 5, Reviewers: 8, Concerns: 1}}, Blocked, "merge, 5/8 reviewed, 1 concern"},
		{"rfc active with concerns", Facts{Kind: "rfc", State: "open", FCP: FCPFacts{Phase: "active", Disposition: "merge", Reviewed: 8, Reviewers: 8, Concerns: 3, End: end20}}, Blocked, "merge, 8/8 reviewed, 3 concerns"},
		{"rfc in fcp", Facts{Kind: "rfc", State: "open", FCP: FCPFacts{Phase: "active", Disposition: "merge", End: end20}}, InFCP, "merge, ends 2024-08-20"},
		{"rfc fcp proposed", Facts{Kind: "rfc", State: "open", FCP: FCPFacts{Phase: "proposed", Disposition: "merge", Reviewed: 5, Reviewers: 8}}, FCPProposed, "merge, 5/8 reviewed"},
		{"rfc fcp proposed, disposition from label", Facts{Kind: "rfc", State: "open", Labels: []string{"disposition-postpone"}, FCP: FCPFacts{Phase: "proposed", Reviewers: 3}}, FCPProposed, "postpone, 0/3 reviewed"},
		{"rfc finished label only", Facts{Kind: "rfc", State: "open", Labels: []string{"finished-final-comment-period", "disposition-merge"}}, FCPFinished, "merge"},
		{"rfc fcp label only", Facts{Kind: "rfc", State: "open", Labels: []string{"final-comment-period", "disposition-close"}}, InFCP, "close"},
		{"rfc proposed label only", Facts{Kind: "rfc", State: "open", Labels: []string{"proposed-final-comment-period"}}, FCPProposed, ""},
		{"rfc stale label ignored once fcp known", Facts{Kind: "rfc", State: "open", Labels: []string{"final-comment-period"}, FCP: FCPFacts{Phase: "cancelled"}}, Proposed, "FCP cancelled"},
		{"rfc open", Facts{Kind: "rfc", State: "open", FCP: FCPFacts{Phase: "none"}}, Proposed, "RFC open, no FCP"},

		// ACPs.
		{"acp accepted", Facts{Kind: "acp", State: "closed", Labels: []string{"api-change-proposal", "ACP-accepted"}}, Accepted, "ACP accepted"},
		{"acp rejected", Facts{Kind: "acp", State: "closed", Labels: []string{"api-change-proposal"}}, Closed, "ACP closed without acceptance"},
		{"acp under fcp", Facts{Kind: "acp", State: "open", FCP: FCPFacts{Phase: "active", Disposition: "merge", End: end20}}, InFCP, "merge, ends 2024-08-20"},
		{"acp open", Facts{Kind: "acp", State: "open", Labels: []string{"api-change-proposal", "T-libs-api"}}, Proposed, "ACP open"},

		// Other PRs and issues.
		{"pr merged", Facts{Kind: "pr", State: "merged"}, Complete, "merged"},
		{"pr closed", Facts{Kind: "pr", State: "closed"}, Closed, "closed without merging"},
		{"stabilization pr in fcp", Facts{Kind: "pr", State: "open", Labels: []string{"final-comment-period"}, FCP: FCPFacts{Phase: "active", Disposition: "merge", End: end20}}, InFCP, "merge, ends 2024-08-20"},
		{"pr open", Facts{Kind: "pr", State: "open"}, Proposed, "PR open"},
		{"issue closed", Facts{Kind: "issue", State: "closed"}, Complete, "closed"},
		{"issue closed by fcp to close", Facts{Kind: "issue", State: "closed", FCP: FCPFacts{Phase: "finished", Disposition: "close"}}, Closed, "FCP to close finished"},
		{"issue open", Facts{Kind: "issue", State: "open"}, Proposed, "issue open"},
		{"case and space tolerated", Facts{Kind: " Issue", State: "OPEN"}, Proposed, "issue open"},

		// Nothing matches.
		{"no kind, no state", Facts{}, NotStarted, ""},
		{"unknown kind", Facts{Kind: "discussion", State: "open"}, NotStarted, ""},
		{"rfc with no state", Facts{Kind: "rfc"}, NotStarted, ""},
	}
	hit := make([]bool, len(rules))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, detail := Evaluate(rules, tt.f)
			if st != tt.want || detail != tt.detail {
				t.Errorf("Evaluate = %q, %q; want %q, %q", st, detail, tt.want, tt.detail)
			}
			for i, r := range rules {
				if r.matches(normalise(tt.f)) {
					hit[i] = true
					break
				}
			}
		})
	}
	for i, h := range hit {
		if !h {
			t.Errorf("default rule %d (%+v) is never the first match", i, rules[i])
		}
	}
}

func TestDefaultRulesValidate(t *testing.T) {
	for i, r := range DefaultRules() {
		if err := r.Validate(); err != nil {
			t.Errorf("default rule %d: %v", i, err)
		}
	}
}

func TestOverridePrepended(t *testing.T) {
	override := Rule{Kind: "rfc", State: "open", Labels: []string{"S-waiting-on-team"}, Status: Blocked, Detail: "waiting on the team"}
	rules := append([]Rule{override}, DefaultRules()...)
	st, detail := Evaluate(rules, Facts{Kind: "rfc", State: "open", Labels: []string{"S-waiting-on-team"}})
	if st != Blocked || detail != "waiting on the team" {
		t.Errorf("override not applied: %q, %q", st, detail)
	}
	st, _ = Evaluate(rules, Facts{Kind: "rfc", State: "open"})
	if st != Proposed {
		t.Errorf("override applied without its label: %q", st)
	}
	if st, _ := Evaluate(nil, Facts{Kind: "rfc", State: "merged"}); st != NotStarted {
		t.Errorf("no rules: %q, want not-started", st)
	}
}

func TestRuleMatchFields(t *testing.T) {
	f := Facts{Kind: "rfc", State: "open", Labels: []string{"A", "b"},
		FCP: FCPFacts{Phase: "proposed", Disposition: "merge", Concerns: 1}, MCP: MCPFacts{Phase: "seconded"}}
	tests := []struct {
		r    Rule
		want bool
	}{
		{Rule{}, true},
		{Rule{Kind: "RFC"}, true},
		{Rule{Kind: "mcp"}, false},
		{Rule{State: "closed"}, false},
		{Rule{Labels: []string{"a", "B"}}, true},
		{Rule{Labels: []string{"a", "c"}}, false},
		{Rule{FCP: "proposed"}, true},
		{Rule{FCP: "none"}, false},
		{Rule{MCP: "seconded"}, true},
		{Rule{MCP: "accepted"}, false},
		{Rule{Disposition: "merge"}, true},
		{Rule{Disposition: "close"}, false},
		{Rule{Concerns: true}, true},
	}
	for _, tt := range tests {
		if got := tt.r.matches(normalise(f)); got != tt.want {
			t.Errorf("%+v matches = %v, want %v", tt.r, got, tt.want)
		}
	}
	if (Rule{Concerns: true}).matches(normalise(Facts{Kind: "mcp", FCP: FCPFacts{Concerns: 2}})) {
		t.Error("Concerns on an mcp counted the FCP's concerns")
	}
	if !(Rule{FCP: "none", MCP: "none"}).matches(normalise(Facts{})) {
		t.Error(`phase "none" does not match an empty phase`)
	}
}

func TestRuleValidate(t *testing.T) {
	tests := []struct {
		r   Rule
		err string // substring; "" for valid
	}{
		{Rule{Status: InFCP, Detail: "{disposition}, ends {end}"}, ""},
		{Rule{Kind: "rfc", State: "merged", FCP: "finished", MCP: "none", Disposition: "merge", Status: Accepted}, ""},
		{Rule{Kind: "RFC", Status: Accepted}, "kind"},
		{Rule{State: "draft", Status: Accepted}, "state"},
		{Rule{FCP: "seconded", Status: Accepted}, "fcp"},
		{Rule{MCP: "active", Status: Accepted}, "mcp"},
		{Rule{Disposition: "reject", Status: Accepted}, "disposition"},
		{Rule{Status: "done"}, "status"},
		{Rule{}, "status"},
		{Rule{Status: InFCP, Detail: "ends {ending}"}, "{ending}"},
	}
	for _, tt := range tests {
		err := tt.r.Validate()
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%+v: unexpected error %v", tt.r, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%+v: error %v, want one mentioning %q", tt.r, err, tt.err)
		}
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		tmpl string
		f    Facts
		want string
	}{
		{"plain text", Facts{}, "plain text"},
		{"{disposition}, {reviewed}/{reviewers} reviewed, {concerns}", Facts{FCP: FCPFacts{Disposition: "merge", Reviewed: 5, Reviewers: 8, Concerns: 1}}, "merge, 5/8 reviewed, 1 concern"},
		{"{disposition}, {reviewed}/{reviewers} reviewed, {concerns}", Facts{FCP: FCPFacts{Disposition: "merge", Reviewed: 0, Reviewers: 8, Concerns: 2}}, "merge, 0/8 reviewed, 2 concerns"},
		{"{disposition}, {reviewed}/{reviewers} reviewed, {concerns}", Facts{FCP: FCPFacts{Disposition: "close"}}, "close"},
		{"{disposition}, {reviewed}/{reviewers} reviewed, {concerns}", Facts{}, ""},
		{"{disposition}, ends {end}", Facts{FCP: FCPFacts{End: time.Date(2024, 8, 20, 23, 0, 0, 0, time.FixedZone("x", -5*3600))}}, "ends 2024-08-21"},
		{"seconded, ends {end}", Facts{Kind: "mcp", MCP: MCPFacts{End: end20}, FCP: FCPFacts{End: end20.AddDate(0, 0, 3)}}, "seconded, ends 2024-08-20"},
		{"{unknown} x, kept", Facts{}, "kept"},
		{"unclosed {brace", Facts{}, "unclosed {brace"},
	}
	for _, tt := range tests {
		if got := render(Rule{Detail: tt.tmpl}, normalise(tt.f)); got != tt.want {
			t.Errorf("render(%q) = %q, want %q", tt.tmpl, got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 concerns", 1: "1 concern", 2: "2 concerns", 11: "11 concerns"} {
		if got := Plural(n, "concern", "concerns"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}
