package tracker

import (
	"context"
	"fmt"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/discover"
	"github.com/riverqueue/river"
)

// ReadTimeline is the job that reads a goal's tracking-issue timeline for
// items that reference it (cross-referenced events), conditionally.
type ReadTimeline struct {
	Goal string `json:"goal" river:"unique"`
}

// Kind names the job.
func (ReadTimeline) Kind() string { return "read_timeline" }

// timelineWorker runs ReadTimeline jobs.
type timelineWorker struct {
	river.WorkerDefaults[ReadTimeline]
	t *Tracker
}

func (w *timelineWorker) Work(ctx context.Context, j *river.Job[ReadTimeline]) error {
	_, err := w.t.ReadTimeline(ctx, j.Args.Goal)
	return jobError(wrap(err, "read the timeline of goal %s", j.Args.Goal))
}

// enqueueTimeline asks for a read of a goal's tracking-issue timeline.
func (t *Tracker) enqueueTimeline(ctx context.Context, g bot.Goal) error {
	if g.TrackingIssue.IsZero() {
		return nil
	}
	return t.enqueue(ctx, ReadTimeline{Goal: g.ID})
}

// ReadTimeline reads the cross-referenced events of a goal's tracking
// issue since the stored cursor (a 304 ends it at no rate-limit cost);
// every item that mentioned the tracking issue, by a person, becomes a
// candidate of the goal (named subgoal taken from its description when
// it says one), its state is stored and read, and the goal is placed
// again. Nothing is written to GitHub but the living comment. It reports
// whether GitHub answered 304.
func (t *Tracker) ReadTimeline(ctx context.Context, goalID string) (notModified bool, err error) {
	g, err := t.store.Goal(ctx, goalID)
	if err != nil {
		return false, fmt.Errorf("load goal %s: %w", goalID, err)
	}
	if g.TrackingIssue.IsZero() {
		return false, nil
	}
	cursor, err := t.store.TimelineCursor(ctx, goalID)
	if err != nil {
		return false, err
	}
	refs, next, cached, err := t.gh.CrossReferences(ctx, g.TrackingIssue, cursor)
	if err != nil {
		return false, err
	}
	if cached {
		return true, nil
	}
	f := t.finder(ctx)
	touched := map[string]bool{}
	var saved []bot.Issue
	for _, cr := range refs {
		src := cr.Source
		if src.Repo.IsZero() || src.Repo == g.TrackingIssue {
			continue
		}
		if f.Ignored(discover.Text{Author: cr.Actor, Bot: strings.EqualFold(cr.ActorType, "Bot")}) {
			continue // bots' mentions do not count
		}
		named := ""
		for _, m := range f.Mentions(discover.Text{Body: src.Body, Author: src.Author, Base: src.Repo}, g.TrackingIssue) {
			if m.Subgoal != "" {
				named = m.Subgoal
				break
			}
		}
		ok, err := t.store.AddDiscovered(ctx, bot.Discovered{Goal: goalID, Item: src.Repo, Source: bot.SourceTimeline, Via: src.Repo.String(), Named: named})
		if err != nil {
			return false, err
		}
		if ok { // not untracked
			touched[goalID] = true
			saved = append(saved, src)
		}
	}
	for _, sn := range saved {
		if err := t.saveSnapshot(ctx, sn); err != nil {
			return false, err
		}
	}
	if err := t.store.SetTimelineCursor(ctx, goalID, next); err != nil {
		return false, err
	}
	if len(touched) == 0 {
		return false, nil
	}
	return false, t.Place(ctx, goalID, cause{Shown: true})
}

// syncTimelines reads the timeline of every goal's tracking issue (of
// goalID only, when not ""), as reconciliation does: a cross-reference
// whose webhook never came is found there. Failures are returned; the
// run goes on.
func (t *Tracker) syncTimelines(ctx context.Context, goalID string, rep *SyncReport) []error {
	goals, err := t.store.Goals(ctx)
	if err != nil {
		return []error{fmt.Errorf("list goals: %w", err)}
	}
	var errs []error
	for _, g := range goals {
		if (goalID != "" && g.ID != goalID) || g.TrackingIssue.IsZero() {
			continue
		}
		rep.Timelines++
		cached, err := t.ReadTimeline(ctx, g.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("timeline of goal %s: %w", g.ID, err))
			continue
		}
		if cached {
			rep.TimelinesCached++
		}
	}
	return errs
}
