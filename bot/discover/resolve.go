package discover

import (
	"github.com/goalbot/goalbot/bot/fcp"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
)

// Candidates turns what the store remembers discovery found for one goal
// (one row per item and source) into placement candidates, taking each
// item's kind, title and stabilization flag from its stored state when
// items has it (a missing item is a plain issue until read). The order is
// the rows' order; Place merges repeats.
func Candidates(found []bot.Discovered, items map[ref.Ref]bot.Item) []Candidate {
	out := make([]Candidate, 0, len(found))
	for _, d := range found {
		c := Candidate{Item: d.Item, Kind: bot.KindIssue, Source: d.Source, Named: d.Named}
		if it, ok := items[d.Item]; ok && it.Kind != "" {
			c.Kind, c.Title = KindOf(it), it.Title
			c.Stabilization = IsStabilizing(it)
		} else if d.Source == bot.SourceDocument {
			c.Kind = repoKind(d.Item)
		}
		out = append(out, c)
	}
	return out
}

// KindOf returns an item's kind for placement: its stored kind, except
// that an issue labelled C-tracking-issue (or named "Tracking issue for …")
// is a tracking issue.
func KindOf(it bot.Item) string {
	if it.Kind != bot.KindIssue {
		return it.Kind
	}
	for _, l := range it.Labels {
		if strings.EqualFold(l, "C-tracking-issue") {
			return KindTrackingIssue
		}
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(it.Title)), "tracking issue") {
		return KindTrackingIssue
	}
	return it.Kind
}

// IsStabilizing reports whether an item is a stabilization step: a pull
// request titled as a stabilization, or a tracking issue carrying an FCP
// (on a tracking issue, the FCP to stabilize).
func IsStabilizing(it bot.Item) bool {
	if it.IsPull {
		return IsStabilization(it.Title)
	}
	return KindOf(it) == KindTrackingIssue && it.FCP.Phase != "" && it.FCP.Phase != fcp.PhaseNone
}

// repoKind guesses a kind from the repository alone, for items not read
// yet: RFCs live in rust-lang/rfcs, MCPs in rust-lang/compiler-team.
func repoKind(r ref.Ref) string {
	switch r.FullName() {
	case "rust-lang/rfcs":
		return bot.KindRFC
	case "rust-lang/compiler-team":
		return bot.KindMCP
	}
	return bot.KindIssue
}

// Related returns the placements Place left unplaced, in order.
func Related(ps []Placement) []Placement {
	var out []Placement
	for _, p := range ps {
		if p.Subgoal == "" {
			out = append(out, p)
		}
	}
	return out
}

// OnSubgoal returns the auto placements of one subgoal, in order.
func OnSubgoal(ps []Placement, subgoal string) []Placement {
	var out []Placement
	for _, p := range ps {
		if p.Subgoal == subgoal && subgoal != "" {
			out = append(out, p)
		}
	}
	return out
}
