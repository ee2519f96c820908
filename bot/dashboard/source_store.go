package dashboard

import (
	"context"
	"fmt"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
)

// Store is the part of goalbot's store the dashboard reads. It only reads.
type Store interface {
	Goals(ctx context.Context) ([]bot.Goal, error)
	Links(ctx context.Context, goal string) ([]bot.Link, error)
	Statuses(ctx context.Context, goal string) (map[string]bot.SubgoalStatus, error)
	Items(ctx context.Context) ([]bot.Item, error)
	Transitions(ctx context.Context, goal string, from, to time.Time) ([]bot.Transition, error)
}

// StoreSource is the Source over goalbot's store.
type StoreSource struct {
	Store Store
	Now   func() time.Time // the dashboard's clock (the demo's runs in story time); default time.Now
}

// Snapshot implements Source: every goal with its document, links and
// statuses, every stored item, every transition.
func (s StoreSource) Snapshot(ctx context.Context) (*Snapshot, error) {
	now := time.Now().UTC()
	if s.Now != nil {
		now = s.Now().UTC()
	}
	snap := &Snapshot{Now: now}
	goals, err := s.Store.Goals(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	for _, g := range goals {
		v := Goal{ID: g.ID, Title: g.Title, TrackingIssue: g.TrackingIssue, UpdatedAt: g.UpdatedAt}
		if g.Doc != nil { // the store never gives a goal without one
			v.Doc = *g.Doc
		}
		if v.Links, err = s.Store.Links(ctx, g.ID); err != nil {
			return nil, fmt.Errorf("dashboard: %w", err)
		}
		if v.Statuses, err = s.Store.Statuses(ctx, g.ID); err != nil {
			return nil, fmt.Errorf("dashboard: %w", err)
		}
		snap.Goals = append(snap.Goals, v)
	}
	items, err := s.Store.Items(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	for _, it := range items {
		v := itemOf(it)
		snap.Items = append(snap.Items, v)
	}
	// Transitions are stored in UTC from the first run on.
	if snap.Transitions, err = s.Store.Transitions(ctx, "", time.Unix(0, 0).UTC(), now.AddDate(100, 0, 0)); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return snap, nil
}

// itemOf turns a stored item into the dashboard's; an unset phase reads
// as none, as for an item never read.
func itemOf(it bot.Item) Item {
	v := Item{Ref: it.Ref, Kind: it.Kind, Title: it.Title, State: it.State, IsPull: it.IsPull, Labels: it.Labels,
		Author: it.Author, UpdatedAt: it.UpdatedAt, Gone: it.Gone, FCP: it.FCP, MCP: it.MCP}
	if v.FCP.Phase == "" {
		v.FCP.Phase = fcp.PhaseNone
	}
	if v.MCP.Phase == "" {
		v.MCP.Phase = fcp.MCPNone
	}
	return v
}
