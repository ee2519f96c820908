package core

import (
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// KindOf classifies an item from where it lives and its labels.
func KindOf(r ref.Ref, isPull bool, labels []string) string {
	has := func(l string) bool {
		for _, x := range labels {
			if strings.EqualFold(x, l) {
				return true
			}
		}
		return false
	}
	switch {
	case r.FullName() == "rust-lang/rfcs" && isPull:
		return bot.KindRFC
	case !isPull && (has("major-change") || has("major-change-accepted") || r.FullName() == "rust-lang/compiler-team"):
		return bot.KindMCP
	case !isPull && (has("api-change-proposal") || has("ACP-accepted") || r.FullName() == "rust-lang/libs-team"):
		return bot.KindACP
	case isPull:
		return bot.KindPR
	default:
		return bot.KindIssue
	}
}

// NewItem is an item as goalbot knows it before any read: its reference,
// no FCP and no MCP.
func NewItem(r ref.Ref) bot.Item {
	return bot.Item{Ref: r, FCP: fcp.State{Phase: fcp.PhaseNone}, MCP: fcp.MCP{Phase: fcp.MCPNone}}
}

// Apply feeds one event to both state machines of it.
func Apply(it *bot.Item, e fcp.Event) {
	it.FCP = it.FCP.Apply(e)
	it.MCP = it.MCP.Apply(e)
}

// ApplyLabels sets both state machines from the labels a snapshot shows.
func ApplyLabels(it *bot.Item, sn bot.Issue) {
	it.FCP = it.FCP.ApplyLabels(sn.Labels, sn.UpdatedAt)
	it.MCP = it.MCP.ApplyLabels(sn.Labels, sn.UpdatedAt)
}

// Merge applies a snapshot's base fields when it is not older than what
// the item shows, so that late deliveries never roll state back; it
// reports whether it did.
func Merge(it *bot.Item, sn bot.Issue) bool {
	if !it.UpdatedAt.IsZero() && sn.UpdatedAt.Before(it.UpdatedAt) {
		return false
	}
	it.Title, it.IsPull, it.Author, it.Labels, it.UpdatedAt = sn.Title, sn.IsPull, sn.Author, sn.Labels, sn.UpdatedAt
	if it.State != bot.StateMerged || sn.State == bot.StateMerged {
		it.State = sn.State
	}
	it.Kind = KindOf(it.Ref, it.IsPull, it.Labels)
	return true
}

// FactsOf turns an item into what the status rules look at.
func FactsOf(it bot.Item) status.Facts {
	f := status.Facts{Kind: it.Kind, State: it.State, Labels: it.Labels}
	f.FCP = status.FCPFacts{Phase: string(orNone(it.FCP.Phase)), Disposition: string(it.FCP.Disposition),
		Reviewed: it.FCP.Ticked(), Reviewers: len(it.FCP.Reviewers), Concerns: len(it.FCP.Unresolved()), End: it.FCP.End}
	f.MCP = status.MCPFacts{Phase: string(orNoneMCP(it.MCP.Phase)), End: it.MCP.End, Concerns: len(it.MCP.Unresolved())}
	return f
}

// orNone reads an unset phase as "none", as a state never built is.
func orNone(p fcp.Phase) fcp.Phase {
	if p == "" {
		return fcp.PhaseNone
	}
	return p
}

func orNoneMCP(p fcp.MCPPhase) fcp.MCPPhase {
	if p == "" {
		return fcp.MCPNone
	}
	return p
}
