package core

import (
	"encoding/json"
	"fmt"
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

// ItemState is an item with its FCP and MCP state decoded.
type ItemState struct {
	bot.Item
	FCPState fcp.State
	MCPState fcp.MCP
}

// DecodeItem decodes an item's stored FCP and MCP state.
func DecodeItem(it bot.Item) (ItemState, error) {
	s := ItemState{Item: it, FCPState: fcp.State{Phase: fcp.PhaseNone}, MCPState: fcp.MCP{Phase: fcp.MCPNone}}
	if len(it.FCP) > 0 {
		if err := json.Unmarshal(it.FCP, &s.FCPState); err != nil {
			return s, fmt.Errorf("item %s: stored FCP state: %w", it.Ref, err)
		}
	}
	if len(it.MCP) > 0 {
		if err := json.Unmarshal(it.MCP, &s.MCPState); err != nil {
			return s, fmt.Errorf("item %s: stored MCP state: %w", it.Ref, err)
		}
	}
	return s, nil
}

// Encode returns the item with its FCP and MCP state encoded for storing.
func (s *ItemState) Encode() (bot.Item, error) {
	it := s.Item
	var err error
	if it.FCP, err = json.Marshal(s.FCPState); err != nil {
		return it, fmt.Errorf("item %s: encode FCP state: %w", it.Ref, err)
	}
	if it.MCP, err = json.Marshal(s.MCPState); err != nil {
		return it, fmt.Errorf("item %s: encode MCP state: %w", it.Ref, err)
	}
	return it, nil
}

// Apply feeds one event to both state machines.
func (s *ItemState) Apply(e fcp.Event) {
	s.FCPState = s.FCPState.Apply(e)
	s.MCPState = s.MCPState.Apply(e)
}

// ApplyLabels sets both state machines from the item's current labels.
func (s *ItemState) ApplyLabels(sn bot.Issue) {
	s.FCPState = s.FCPState.ApplyLabels(sn.Labels, sn.UpdatedAt)
	s.MCPState = s.MCPState.ApplyLabels(sn.Labels, sn.UpdatedAt)
}

// Merge applies a snapshot's base fields when it is not older than what
// the item shows, so that late deliveries never roll state back; it
// reports whether it did.
func (s *ItemState) Merge(sn bot.Issue) bool {
	if !s.UpdatedAt.IsZero() && sn.UpdatedAt.Before(s.UpdatedAt) {
		return false
	}
	s.Title, s.IsPull, s.Author, s.Labels, s.UpdatedAt = sn.Title, sn.IsPull, sn.Author, sn.Labels, sn.UpdatedAt
	if s.State != bot.StateMerged || sn.State == bot.StateMerged {
		s.State = sn.State
	}
	s.Kind = KindOf(s.Ref, s.IsPull, s.Labels)
	return true
}

// FactsOf turns an item into what the status rules look at.
func FactsOf(it bot.Item) status.Facts {
	s, err := DecodeItem(it)
	f := status.Facts{Kind: it.Kind, State: it.State, Labels: it.Labels}
	if err != nil {
		return f
	}
	f.FCP = status.FCPFacts{Phase: string(s.FCPState.Phase), Disposition: string(s.FCPState.Disposition),
		Reviewed: s.FCPState.Ticked(), Reviewers: len(s.FCPState.Reviewers), Concerns: len(s.FCPState.Unresolved()), End: s.FCPState.End}
	f.MCP = status.MCPFacts{Phase: string(s.MCPState.Phase), End: s.MCPState.End, Concerns: len(s.MCPState.Unresolved())}
	return f
}
