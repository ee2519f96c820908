package status

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Facts is what the rules look at: one item's kind, state, labels and its
// FCP (rfcbot) and MCP (triagebot) state. It is filled by the caller from
// bot.Item and the fcp package, so this package does not depend on them.
type Facts struct {
	Kind   string   // rfc, mcp, acp, pr, issue
	State  string   // open, closed, merged
	Labels []string // as on GitHub
	FCP    FCPFacts
	MCP    MCPFacts
}

// FCPFacts is the rfcbot final-comment-period state of an item.
type FCPFacts struct {
	Phase       string // none (or ""), proposed, active, finished, cancelled
	Disposition string // merge, close, postpone; "" when unknown
	Reviewed    int    // reviewers who ticked their box
	Reviewers   int    // reviewers asked
	Concerns    int    // unresolved concerns
	End         time.Time
}

// MCPFacts is the triagebot major-change state of an item.
type MCPFacts struct {
	Phase    string // none (or ""), proposed, seconded, blocked, accepted, closed
	End      time.Time
	Concerns int // unresolved concerns
}

// Rule maps item facts to a status. Empty fields match anything; every
// non-empty field must match for the rule to apply. Rules are tried in
// order and the first match wins: overrides go before DefaultRules.
//
// Detail is a template. Placeholders are written {name}:
//
//	{disposition}  the FCP disposition (merge, close, postpone), from the
//	               FCP facts or else a disposition-* label
//	{reviewed}     reviewers who ticked; {reviewers} reviewers asked
//	{concerns}     unresolved concerns with their noun: "1 concern", "2 concerns"
//	{end}          when the FCP (MCP for kind mcp) ends, as 2006-01-02
//
// The template is split into parts at ", "; a part is left out when a
// placeholder in it has no value (no disposition, no reviewers, zero
// concerns, no end time), so "{disposition}, {reviewed}/{reviewers}
// reviewed, {concerns}" gives "merge, 5/8 reviewed, 1 concern" and, with
// nothing unresolved, "merge, 5/8 reviewed".
//
// config decodes [[status.rules]] straight into Rule: the toml tags are the
// keys an operator writes, so every condition the built-in rules use can be
// written in goalbot.toml.
type Rule struct {
	Kind        string   `toml:"kind"`        // rfc, mcp, acp, pr, issue
	State       string   `toml:"state"`       // open, closed, merged
	Labels      []string `toml:"labels"`      // all must be present (case-insensitive)
	FCP         string   `toml:"fcp"`         // FCP phase; "none" also matches an empty phase
	MCP         string   `toml:"mcp"`         // MCP phase; "none" also matches an empty phase
	Disposition string   `toml:"disposition"` // merge, close, postpone (FCP facts or disposition-* label)
	Concerns    bool     `toml:"concerns"`    // requires at least one unresolved concern
	Status      Status   `toml:"status"`
	Detail      string   `toml:"detail"`
}

// Accepted values of the Rule and Facts fields ("" is always accepted).
var (
	kinds        = []string{"rfc", "mcp", "acp", "pr", "issue"}
	states       = []string{"open", "closed", "merged"}
	fcpPhases    = []string{"none", "proposed", "active", "finished", "cancelled"}
	mcpPhases    = []string{"none", "proposed", "seconded", "blocked", "accepted", "closed"}
	dispositions = []string{"merge", "close", "postpone"}
	placeholders = []string{"disposition", "reviewed", "reviewers", "concerns", "end"}
)

// RuleField is one enumerated field of a Rule: its key as written in
// goalbot.toml, its value and the values it accepts.
type RuleField struct {
	Name, Value string
	Allowed     []string
}

// Fields returns r's enumerated fields (kind, state, fcp, mcp,
// disposition), so that callers can check each against what it accepts
// and name the one that is wrong.
func (r Rule) Fields() []RuleField {
	return []RuleField{
		{"kind", r.Kind, kinds},
		{"state", r.State, states},
		{"fcp", r.FCP, fcpPhases},
		{"mcp", r.MCP, mcpPhases},
		{"disposition", r.Disposition, dispositions},
	}
}

// CheckDetail reports an unknown placeholder in a detail template.
func CheckDetail(tmpl string) error {
	for _, name := range templateNames(tmpl) {
		if !contains(placeholders, name) {
			return fmt.Errorf("detail %q: unknown placeholder {%s}; use %s", tmpl, name, "{"+strings.Join(placeholders, "}, {")+"}")
		}
	}
	return nil
}

// Validate reports the first field of r that can never match or render,
// naming the field and the values it accepts.
func (r Rule) Validate() error {
	for _, f := range r.Fields() {
		if f.Value != "" && !contains(f.Allowed, f.Value) {
			return fmt.Errorf("%s %q is not one of %s", f.Name, f.Value, strings.Join(f.Allowed, ", "))
		}
	}
	if !r.Status.Valid() {
		_, err := Parse(string(r.Status))
		return fmt.Errorf("status: %w", err)
	}
	return CheckDetail(r.Detail)
}

// DefaultRules returns the built-in rules for the rust-lang label set
// (rfcbot's FCP labels, triagebot's major-change labels, libs-team's ACP
// labels). The slice is fresh; callers may prepend overrides.
func DefaultRules() []Rule {
	const (
		review = "{disposition}, {reviewed}/{reviewers} reviewed, {concerns}"
	)
	return []Rule{
		// Decided by the item itself, whatever an FCP on it said: an
		// accepted MCP is accepted, a merged RFC accepted.
		{Kind: "mcp", MCP: "accepted", Status: Accepted, Detail: "MCP accepted"},
		{Kind: "mcp", Labels: []string{"major-change-accepted"}, Status: Accepted, Detail: "MCP accepted"},
		{Kind: "rfc", State: "merged", Status: Accepted, Detail: "RFC merged"},
		{Kind: "acp", Labels: []string{"ACP-accepted"}, Status: Accepted, Detail: "ACP accepted"},
		{Kind: "pr", State: "merged", Status: Complete, Detail: "merged"},
		{FCP: "finished", Disposition: "postpone", Status: Postponed, Detail: "FCP to postpone finished"},
		{State: "closed", Labels: []string{"postponed"}, Status: Postponed, Detail: "postponed"},
		{State: "closed", FCP: "finished", Disposition: "close", Status: Closed, Detail: "FCP to close finished"},
		// An MCP decided by an rfcbot FCP to merge, closed without the
		// accepted label (the team closes it by hand).
		{Kind: "mcp", State: "closed", FCP: "finished", Disposition: "merge", Status: Accepted, Detail: "FCP to merge finished"},
		{Kind: "mcp", MCP: "closed", Status: Closed, Detail: "MCP closed without acceptance"},
		{Kind: "mcp", State: "closed", Status: Closed, Detail: "MCP closed without acceptance"},
		{Kind: "rfc", State: "closed", Status: Closed, Detail: "closed without merging"},
		{Kind: "acp", State: "closed", Status: Closed, Detail: "ACP closed without acceptance"},
		{Kind: "pr", State: "closed", Status: Closed, Detail: "closed without merging"},
		{Kind: "issue", State: "closed", Status: Complete, Detail: "closed"},

		// Open items under an rfcbot FCP, whatever their kind (RFCs, MCPs
		// decided by a team FCP, stabilization PRs, ACPs, issues): while
		// one exists it is the decision in progress.
		{State: "open", FCP: "finished", Status: FCPFinished, Detail: "{disposition}, ended {end}"},
		{State: "open", FCP: "proposed", Concerns: true, Status: Blocked, Detail: review},
		{State: "open", FCP: "active", Concerns: true, Status: Blocked, Detail: review},
		{State: "open", FCP: "active", Status: InFCP, Detail: "{disposition}, ends {end}"},
		{State: "open", FCP: "proposed", Status: FCPProposed, Detail: review},

		// Open MCPs without an rfcbot FCP: triagebot's state, then its
		// labels for items whose MCP state was never built. On an MCP,
		// final-comment-period alone means seconded, not an rfcbot FCP.
		{Kind: "mcp", MCP: "blocked", Status: Blocked, Detail: "MCP has concerns, {concerns}"},
		{Kind: "mcp", Labels: []string{"has-concerns"}, Status: Blocked, Detail: "MCP has concerns, {concerns}"},
		{Kind: "mcp", Concerns: true, Status: Blocked, Detail: "MCP has concerns, {concerns}"},
		{Kind: "mcp", MCP: "seconded", Status: InFCP, Detail: "seconded, ends {end}"},
		{Kind: "mcp", FCP: "none", Labels: []string{"final-comment-period"}, Status: InFCP, Detail: "seconded, ends {end}"},
		{Kind: "mcp", Status: Proposed, Detail: "MCP awaiting a second"},

		// rfcbot's labels, for items whose FCP state was never built.
		{State: "open", FCP: "none", Labels: []string{"finished-final-comment-period"}, Status: FCPFinished, Detail: "{disposition}"},
		{State: "open", FCP: "none", Labels: []string{"final-comment-period"}, Status: InFCP, Detail: "{disposition}"},
		{State: "open", FCP: "none", Labels: []string{"proposed-final-comment-period"}, Status: FCPProposed, Detail: "{disposition}"},

		// Open items without an FCP.
		{Kind: "rfc", State: "open", FCP: "cancelled", Status: Proposed, Detail: "FCP cancelled"},
		{Kind: "rfc", State: "open", Status: Proposed, Detail: "RFC open, no FCP"},
		{Kind: "acp", State: "open", Status: Proposed, Detail: "ACP open"},
		{Kind: "pr", State: "open", Status: Proposed, Detail: "PR open"},
		{Kind: "issue", State: "open", Status: Proposed, Detail: "issue open"},
	}
}

// Evaluate returns the status and rendered detail of the first rule that
// matches f, or not-started with no detail when none does.
func Evaluate(rules []Rule, f Facts) (Status, string) {
	f = normalise(f)
	for _, r := range rules {
		if r.matches(f) {
			return r.Status, render(r, f)
		}
	}
	return NotStarted, ""
}

// normalise lower-cases the enumerated fields and fills the disposition from
// a disposition-* label when the FCP facts lack one.
func normalise(f Facts) Facts {
	f.Kind = strings.ToLower(strings.TrimSpace(f.Kind))
	f.State = strings.ToLower(strings.TrimSpace(f.State))
	f.FCP.Phase = strings.ToLower(strings.TrimSpace(f.FCP.Phase))
	f.MCP.Phase = strings.ToLower(strings.TrimSpace(f.MCP.Phase))
	f.FCP.Disposition = strings.ToLower(strings.TrimSpace(f.FCP.Disposition))
	if f.FCP.Disposition == "" {
		for _, d := range dispositions {
			if hasLabel(f.Labels, "disposition-"+d) {
				f.FCP.Disposition = d
				break
			}
		}
	}
	return f
}

// matches reports whether every non-empty field of r matches f.
func (r Rule) matches(f Facts) bool {
	switch {
	case r.Kind != "" && !strings.EqualFold(r.Kind, f.Kind),
		r.State != "" && !strings.EqualFold(r.State, f.State),
		!phaseMatches(r.FCP, f.FCP.Phase),
		!phaseMatches(r.MCP, f.MCP.Phase),
		r.Disposition != "" && !strings.EqualFold(r.Disposition, f.FCP.Disposition),
		r.Concerns && concerns(r, f) == 0:
		return false
	}
	for _, l := range r.Labels {
		if !hasLabel(f.Labels, l) {
			return false
		}
	}
	return true
}

// phaseMatches reports whether a rule's phase field accepts phase; "none"
// accepts the empty phase too.
func phaseMatches(want, phase string) bool {
	switch {
	case want == "":
		return true
	case strings.EqualFold(want, "none"):
		return phase == "" || phase == "none"
	}
	return strings.EqualFold(want, phase)
}

// fromMCP reports whether the concerns and end time that count for rule r
// on f are the MCP's (triagebot) rather than the FCP's (rfcbot): a rule on
// the FCP phase reads the FCP, a rule on the MCP phase the MCP; otherwise an
// MCP reads its MCP state unless an rfcbot FCP is under way on it.
func fromMCP(r Rule, f Facts) bool {
	switch {
	case r.FCP != "" && !strings.EqualFold(r.FCP, "none") && !strings.EqualFold(r.FCP, "cancelled"):
		return false
	case r.MCP != "":
		return true
	case f.Kind != "mcp":
		return false
	}
	switch f.FCP.Phase {
	case "proposed", "active", "finished":
		return false
	}
	return true
}

// concerns returns the unresolved concerns that count for rule r on f.
func concerns(r Rule, f Facts) int {
	if fromMCP(r, f) {
		return f.MCP.Concerns
	}
	return f.FCP.Concerns
}

// end returns the end time that counts for rule r on f, as concerns does.
func end(r Rule, f Facts) time.Time {
	if fromMCP(r, f) {
		return f.MCP.End
	}
	return f.FCP.End
}

// render fills r's detail template from f, leaving out every ", "-separated
// part with a placeholder that has no value.
func render(r Rule, f Facts) string {
	tmpl := r.Detail
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	values := map[string]string{}
	if f.FCP.Disposition != "" {
		values["disposition"] = f.FCP.Disposition
	}
	if f.FCP.Reviewers > 0 {
		values["reviewed"] = strconv.Itoa(f.FCP.Reviewed)
		values["reviewers"] = strconv.Itoa(f.FCP.Reviewers)
	}
	if n := concerns(r, f); n > 0 {
		values["concerns"] = Plural(n, "concern", "concerns")
	}
	if e := end(r, f); !e.IsZero() {
		values["end"] = e.UTC().Format(time.DateOnly)
	}
	var kept []string
	for _, part := range strings.Split(tmpl, ", ") {
		if out, ok := fill(part, values); ok {
			kept = append(kept, out)
		}
	}
	return strings.Join(kept, ", ")
}

// fill replaces the placeholders of part and reports whether all had values.
// Unknown placeholders (which Validate refuses) count as having none.
func fill(part string, values map[string]string) (string, bool) {
	var b strings.Builder
	for {
		i := strings.IndexByte(part, '{')
		if i < 0 {
			b.WriteString(part)
			return b.String(), true
		}
		j := strings.IndexByte(part[i:], '}')
		if j < 0 {
			b.WriteString(part)
			return b.String(), true
		}
		v, ok := values[part[i+1:i+j]]
		if !ok {
			return "", false
		}
		b.WriteString(part[:i])
		b.WriteString(v)
		part = part[i+j+1:]
	}
}

// templateNames returns the placeholder names used in tmpl, in order.
func templateNames(tmpl string) []string {
	var names []string
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return names
		}
		names = append(names, tmpl[i+1:i+j])
		tmpl = tmpl[i+j+1:]
	}
}

// Plural returns "1 concern" or "n concerns".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// hasLabel reports whether labels holds l, ignoring case as GitHub does.
func hasLabel(labels []string, l string) bool {
	for _, x := range labels {
		if strings.EqualFold(strings.TrimSpace(x), l) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
