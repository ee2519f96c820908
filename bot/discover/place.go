package discover

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/command"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
)

// KindTrackingIssue is a candidate's kind when it is a feature's tracking
// issue (Other tracking issues, a C-tracking-issue label); the other kinds
// are bot.KindRFC, KindMCP, KindACP, KindPR and KindIssue.
const KindTrackingIssue = "tracking-issue"

// Goal is what placement needs of a goal: its tracking issue and its
// subgoals, flattened in document order.
type Goal struct {
	TrackingIssue ref.Ref
	Subgoals      []Subgoal
}

// Subgoal is one node of the goal's subgoal tree.
type Subgoal struct {
	ID    string
	Title string
	Line  int
	// Items are the items placed by hand: the document row's links, config
	// links and /goal track. Auto placements are not passed back in: Place
	// recomputes them from all candidates, so that the result does not
	// depend on the order in which candidates were found.
	Items []ref.Ref
}

// GoalFromDocument returns the placement view of a parsed goal document,
// with each subgoal's row links as its items.
func GoalFromDocument(d *goaldoc.Document) Goal {
	g := Goal{TrackingIssue: d.TrackingIssue}
	d.Walk(func(s, _ *goaldoc.Subgoal) bool {
		g.Subgoals = append(g.Subgoals, Subgoal{ID: s.ID, Title: s.Title, Line: s.Line, Items: append([]ref.Ref{}, s.Links...)})
		return true
	})
	return g
}

// Candidate is an item found to relate to a goal, before placement.
type Candidate struct {
	Item  ref.Ref
	Kind  string // bot.KindRFC, …, or KindTrackingIssue
	Title string // the item's title, for messages and the suggestion
	// Stabilization is set for a stabilization PR, and for a tracking
	// issue carrying an FCP (which on a tracking issue is one to stabilize).
	Stabilization bool
	// Source says where it was found: "document", "body", "comment",
	// "timeline", "update" (an owner's comment on the tracking issue).
	Source string
	// Named is the subgoal the referencing text names (Mention.Subgoal),
	// "" when none.
	Named string
}

// Placement rules, in the order Place tries them.
const (
	RuleNamed         = "named"         // the referencing text names the subgoal
	RuleRFC           = "rfc"           // the only RFC row without an item
	RuleMCP           = "mcp"           // the only MCP row without an item
	RuleStabilization = "stabilization" // the only stabilization row
)

// Placement is Place's decision for one candidate.
type Placement struct {
	Candidate
	// Subgoal is the ID of the subgoal the item is placed on, "" when it is
	// related but not placed.
	Subgoal string
	// Rule is how it was placed (RuleNamed, …), "" when not placed.
	Rule string
	// Auto is set on every placement made by Place (shown "(auto)"): a
	// person did not link it, and /goal untrack removes it for good.
	Auto bool
	// Why says in a few words why it was placed or not, for logs and
	// status --explain.
	Why string
	// Suggest is, for an item not placed, the command the owner can paste
	// on the item to place it: /goal track <tracking-issue> "<subgoal>".
	Suggest string
}

// Untracked tells whether the owner removed an item from the goal with
// /goal untrack; such items are never placed or listed again.
type Untracked func(item ref.Ref) bool

// Place decides where each candidate goes. It leaves out candidates in
// the tracking issue's repository (the tracking issue itself, other goals'
// tracking issues, edits of the goal documents), items already on a
// subgoal (Subgoal.Items) and untracked items, and merges repeated
// candidates for one item (a Named one wins). A candidate is placed on the subgoal its text names when that
// name resolves to exactly one subgoal (by id, line or title, as /goal
// track resolves it); else an RFC on the only row whose title names an
// RFC and has no item, when it is the only unplaced RFC (likewise an MCP);
// else a stabilization PR or tracking-issue FCP on the only row whose
// title names a stabilization. Anything else is related, not placed, with
// a ready /goal track line. The result keeps the candidates' order.
func Place(g Goal, cands []Candidate, untracked Untracked) []Placement {
	onRow := map[ref.Ref]bool{}
	for _, s := range g.Subgoals {
		for _, it := range s.Items {
			onRow[it] = true
		}
	}
	// Merge repeats, keeping the first position and any name.
	var list []Candidate
	at := map[ref.Ref]int{}
	for _, c := range cands {
		if c.Item.IsZero() || sameRepo(c.Item, g.TrackingIssue) || onRow[c.Item] || (untracked != nil && untracked(c.Item)) {
			continue
		}
		if i, ok := at[c.Item]; ok {
			merged := &list[i]
			if merged.Named == "" {
				merged.Named, merged.Source = c.Named, c.Source
			}
			merged.Stabilization = merged.Stabilization || c.Stabilization
			if merged.Title == "" {
				merged.Title = c.Title
			}
			if merged.Kind == "" || merged.Kind == bot.KindIssue {
				merged.Kind = c.Kind
			}
			continue
		}
		at[c.Item] = len(list)
		list = append(list, c)
	}

	cmdCands := make([]command.Candidate, len(g.Subgoals))
	for i, s := range g.Subgoals {
		cmdCands[i] = command.Candidate{ID: s.ID, Title: s.Title, Line: s.Line}
	}
	out := make([]Placement, len(list))
	for i, c := range list {
		out[i] = Placement{Candidate: c}
		if c.Named == "" {
			continue
		}
		if s, err := command.ResolveSubgoal(g.TrackingIssue.String(), cmdCands, c.Named); err == nil {
			out[i].Subgoal, out[i].Rule, out[i].Auto = s.ID, RuleNamed, true
			out[i].Why = fmt.Sprintf("the %s names subgoal %q", sourceNoun(c.Source), c.Named)
		} else {
			out[i].Why = fmt.Sprintf("the %s names %q: %s", sourceNoun(c.Source), c.Named, bot.ErrorMessage(err))
		}
	}

	// The unambiguous rules look at the rows no named placement took.
	taken := map[string]bool{}
	for _, p := range out {
		if p.Subgoal != "" {
			taken[p.Subgoal] = true
		}
	}
	rows := func(re *regexp.Regexp, free bool) []Subgoal {
		var hits []Subgoal
		for _, s := range g.Subgoals {
			if re.MatchString(s.Title) && (!free || (len(s.Items) == 0 && !taken[s.ID])) {
				hits = append(hits, s)
			}
		}
		return hits
	}
	byRule := []struct {
		rule string
		re   *regexp.Regexp
		free bool // the row must have no item, and one candidate at most may take it
		fits func(Candidate) bool
		noun string
	}{
		{RuleRFC, rfcRowRe, true, func(c Candidate) bool { return c.Kind == bot.KindRFC }, "RFC"},
		{RuleMCP, mcpRowRe, true, func(c Candidate) bool { return c.Kind == bot.KindMCP }, "MCP"},
		{RuleStabilization, stabRowRe, false, func(c Candidate) bool { return c.Stabilization }, "stabilization"},
	}
	for _, r := range byRule {
		var waiting []int
		for i, p := range out {
			if p.Subgoal == "" && r.fits(p.Candidate) {
				waiting = append(waiting, i)
			}
		}
		if len(waiting) == 0 {
			continue
		}
		hits := rows(r.re, r.free)
		for _, i := range waiting {
			switch {
			case len(hits) == 1 && (!r.free || len(waiting) == 1):
				out[i].Subgoal, out[i].Rule, out[i].Auto = hits[0].ID, r.rule, true
				out[i].Why = fmt.Sprintf("the only %s row%s of the goal", r.noun, map[bool]string{true: " without an item", false: ""}[r.free])
			case out[i].Why != "":
				// keep the reason the named subgoal failed
			case len(hits) == 0:
				out[i].Why = fmt.Sprintf("no %s row%s", r.noun, map[bool]string{true: " without an item", false: ""}[r.free])
			case len(hits) > 1:
				out[i].Why = fmt.Sprintf("%d %s rows could take it", len(hits), r.noun)
			default:
				out[i].Why = fmt.Sprintf("%d %ss compete for the one %s row", len(waiting), r.noun, r.noun)
			}
		}
	}
	for i := range out {
		if out[i].Subgoal != "" {
			continue
		}
		if out[i].Why == "" {
			out[i].Why = "nothing names a subgoal for it"
		}
		out[i].Suggest = suggestLine(g, out[i].Candidate)
	}
	return out
}

// sameRepo reports whether item lives in the tracking issue's repository
// (any item when the goal has no tracking issue yet: none is excluded).
func sameRepo(item, tracking ref.Ref) bool {
	return !tracking.IsZero() && item.Owner == tracking.Owner && item.Repo == tracking.Repo
}

// Title patterns of the rows the unambiguous rules look for.
var (
	rfcRowRe  = regexp.MustCompile(`(?i)\brfcs?\b`)
	mcpRowRe  = regexp.MustCompile(`(?i)\b(?:mcps?|major change)\b`)
	stabRowRe = regexp.MustCompile(`(?i)\bstabili[sz]`)
)

// sourceNoun names a candidate's source in a reason.
func sourceNoun(source string) string {
	switch source {
	case "body":
		return "description"
	case "comment", "update":
		return "comment"
	case "timeline":
		return "referencing text"
	case "document":
		return "goal document"
	}
	return "text"
}

// suggestLine returns the /goal track line for an unplaced candidate: the
// subgoal whose title shares most words with the item's title (the first
// free row of the item's kind when none does), or a <subgoal> placeholder.
func suggestLine(g Goal, c Candidate) string {
	best, bestScore := -1, 0
	cw := titleWords(c.Title)
	for i, s := range g.Subgoals {
		score := 0
		for w := range titleWords(s.Title) {
			if cw[w] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		var re *regexp.Regexp
		switch {
		case c.Kind == bot.KindRFC:
			re = rfcRowRe
		case c.Kind == bot.KindMCP:
			re = mcpRowRe
		case c.Stabilization:
			re = stabRowRe
		}
		for i, s := range g.Subgoals {
			if re != nil && re.MatchString(s.Title) {
				best = i
				break
			}
		}
	}
	name := `"<subgoal>"`
	if best >= 0 {
		name = quoteSubgoal(g.Subgoals[best])
	}
	return fmt.Sprintf("/goal track %s %s", g.TrackingIssue, name)
}

// quoteSubgoal writes a subgoal for a /goal track line: its title in
// double quotes, or its id when the title cannot be quoted plainly (or
// holds an "@", which the living comment will not write).
func quoteSubgoal(s Subgoal) string {
	t := strings.Join(strings.Fields(s.Title), " ")
	if t == "" || strings.ContainsAny(t, "\"\\`@") || len(t) > 120 {
		return s.ID
	}
	return `"` + t + `"`
}

// titleWords returns the significant lower-case words of a title.
func titleWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		if len(w) > 2 && !stopWords[w] {
			out[w] = true
		}
	}
	return out
}

// stopWords carry no meaning when comparing titles.
var stopWords = map[string]bool{
	"the": true, "and": true, "for": true, "with": true, "from": true, "into": true,
	"add": true, "fix": true, "use": true, "support": true, "implement": true, "implementation": true,
}

// DocumentCandidates returns the goal-level references of a parsed goal
// document as candidates (source "document"): Other tracking issues are
// tracking issues, rust-lang/rfcs items RFCs, compiler-team items MCPs,
// and the rest issues until their state says more (see Candidates).
func DocumentCandidates(d *goaldoc.Document) []Candidate {
	other := map[ref.Ref]bool{}
	for _, r := range d.OtherTrackingIssues {
		other[r] = true
	}
	out := make([]Candidate, 0, len(d.References))
	for _, r := range d.References {
		kind := repoKind(r.Item)
		if other[r.Item] {
			kind = KindTrackingIssue
		}
		out = append(out, Candidate{Item: r.Item, Kind: kind, Source: bot.SourceDocument})
	}
	return out
}

// stabilizeTitleRe matches the titles of stabilization pull requests
// ("Stabilize `async_closure`", "stabilise feature X").
var stabilizeTitleRe = regexp.MustCompile(`(?i)^\s*(?:\[[^\]]*\]\s*)?(?:partially\s+)?stabili[sz]e`)

// IsStabilization reports whether a pull request is a stabilization PR, by
// its title; for a tracking issue, pass whether it carries an FCP instead.
func IsStabilization(title string) bool { return stabilizeTitleRe.MatchString(title) }
