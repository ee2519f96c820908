// Package dashboard serves goalbot's read-only web pages and JSON API
// (DESIGN §6): the goals with their subgoal statuses, the FCPs and MCPs in
// flight, what each person owes, an iCalendar feed of FCP end dates and an
// Atom feed of status transitions. Everything shown is public on GitHub
// already, so there is no login.
//
// It reads through one narrow interface, Source, which returns a Snapshot
// of domain values; the pure builders in build.go turn a snapshot into the
// plain view model of view.go, which the HTML templates and the JSON API
// both render. The dashboard never calls GitHub.
package dashboard

import (
	"context"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
)

// Source gives the dashboard the state it shows. Implementations read
// stored state only; see StoreSource for the one over goalbot's store.
type Source interface {
	// Snapshot returns every goal, item and transition as of now.
	Snapshot(ctx context.Context) (*Snapshot, error)
}

// SourceFunc adapts a function to Source (tests, benchmarks).
type SourceFunc func(ctx context.Context) (*Snapshot, error)

// Snapshot implements Source.
func (f SourceFunc) Snapshot(ctx context.Context) (*Snapshot, error) { return f(ctx) }

// Snapshot is what the dashboard knows at one moment, as domain values.
type Snapshot struct {
	Now         time.Time
	Goals       []Goal
	Items       []Item
	Transitions []bot.Transition // every goal's, oldest first
}

// Goal is one tracked goal with its parsed document, links and statuses.
type Goal struct {
	ID            string
	Title         string
	TrackingIssue ref.Ref
	UpdatedAt     time.Time
	Doc           goaldoc.Document
	Links         []bot.Link
	Statuses      map[string]bot.SubgoalStatus // by subgoal id
}

// Item is a tracked issue or pull request with its decoded FCP and MCP
// state (Phase none when there is none).
type Item struct {
	Ref       ref.Ref
	Kind      string
	Title     string
	State     string
	IsPull    bool
	Labels    []string
	Author    string
	UpdatedAt time.Time
	Gone      bool
	FCP       fcp.State
	MCP       fcp.MCP
}
