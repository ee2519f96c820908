package dashboard

import (
	"context"
	"fmt"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
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
		if v.Doc, err = decodeGoal(g); err != nil {
			return nil, fmt.Errorf("dashboard: %w", err)
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
		snap.Items = append(snap.Items, itemOf(it))
	}
	// Transitions are stored in UTC from the first run on.
	if snap.Transitions, err = s.Store.Transitions(ctx, "", time.Unix(0, 0).UTC(), now.AddDate(100, 0, 0)); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return snap, nil
}

// decodeGoal returns a copy of a stored goal's parsed document; a goal
// stored without one is an error.
func decodeGoal(g bot.Goal) (goaldoc.Document, error) {
	if g.Doc == nil {
		return goaldoc.Document{}, fmt.Errorf("goal %s: no stored document", g.ID)
	}
	return *g.Doc, nil
}

// itemOf turns a stored item into the dashboard's: an item the store has
// no FCP or MCP state for reads as the none phases.
func itemOf(it bot.Item) Item {
	v := Item{Ref: it.Ref, Kind: it.Kind, Title: it.Title, State: it.State, IsPull: it.IsPull, Labels: it.Labels,
		Author: it.Author, UpdatedAt: it.UpdatedAt, Gone: it.Gone,
		FCP: fcp.State{Phase: fcp.PhaseNone}, MCP: fcp.MCP{Phase: fcp.MCPNone}}
	if it.FCP.Phase != "" {
		v.FCP = it.FCP
	}
	if it.MCP.Phase != "" {
		v.MCP = it.MCP
	}
	return v
}
