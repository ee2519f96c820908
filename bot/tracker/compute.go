package tracker

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/core"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
	"github.com/goalbot/goalbot/config"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// rules is the ordered rule list: config overrides, then the defaults.
type rules = core.Rules

func newRules(cfg *config.Config) rules {
	r := rules{Aggregate: "least"}
	if cfg == nil {
		r.List = status.DefaultRules()
		return r
	}
	r.List = append(append(r.List, cfg.Status.Rules...), status.DefaultRules()...) // config validated the overrides
	if cfg.Status.Aggregate != "" {
		r.Aggregate = cfg.Status.Aggregate
	}
	return r
}

// cause says what made a recomputation happen, for the transitions log.
type cause struct {
	DeliveryID string
	Item       ref.Ref
	// Shown: something the living comment shows besides statuses changed
	// (an item's title, a link added or removed), so the comment is
	// rendered again even when no status moved.
	Shown bool
	// Gather: the change may be one of a burst (refresh jobs of a goal
	// being loaded), so the goals are recomputed by a RecomputeGoal job
	// that the whole burst shares (gatherRecompute) rather than at once.
	Gather bool
	// Gathered: this is the recomputation a burst was gathered into; the
	// burst is over, so its render need not wait to gather more.
	Gathered bool
	// Batch: the change is one of a RefreshItems batch, which recomputes
	// the goals recorded here once, after its last change.
	Batch goalBatch
}

// Recompute derives every subgoal status of a goal from the stored items
// (core.Compute), stores them with the transitions, and asks for a render
// of the living comment when anything shown changed.
func (t *Tracker) Recompute(ctx context.Context, goalID string, c cause) error {
	// One recomputation per goal at a time, so a slower one can never
	// store statuses older than a faster one read.
	unlock, err := t.store.LockGoal(ctx, goalID)
	if err != nil {
		return fmt.Errorf("lock goal %s: %w", goalID, err)
	}
	return t.recomputeLocked(ctx, goalID, c, unlock)
}

// recomputeLocked is Recompute once the goal's lock is held; it calls
// unlock.
func (t *Tracker) recomputeLocked(ctx context.Context, goalID string, c cause, unlock func()) error {
	locked := true
	defer func() {
		if locked {
			unlock()
		}
	}()
	n, _ := t.recomputes.LoadOrStore(goalID, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	in, g, err := t.computeInput(ctx, goalID)
	if err != nil {
		return err
	}
	in.Now, in.Cause = t.now(), core.Cause{DeliveryID: c.DeliveryID, Item: c.Item}
	out := core.Compute(in)
	if out.Empty() && !c.Shown {
		return nil
	}
	if err := t.store.SaveStatuses(ctx, goalID, out.Changed, out.Removed, out.Transitions); err != nil {
		return fmt.Errorf("recompute goal %s: %w", goalID, err)
	}
	// The lock covers reading, computing and storing only: the log and the
	// follow-up jobs need not hold up the next recomputation of the goal.
	unlock()
	locked = false
	for _, tr := range out.Transitions {
		t.logger(ctx).Info().Str("goal", goalID).Str("subgoal", tr.Subgoal).Str("from", string(tr.Old)).Str("to", string(tr.New)).
			Str("detail", tr.Detail).Msg("status changed")
	}
	if g.TrackingIssue.IsZero() {
		return nil
	}
	if err := t.enqueueNotices(ctx, g, out.Transitions); err != nil {
		return err
	}
	if c.Gathered {
		return t.enqueueRenderNow(ctx, goalID)
	}
	return t.enqueueRender(ctx, goalID)
}

// computeInput reads what core.Compute needs of a goal from the store.
func (t *Tracker) computeInput(ctx context.Context, goalID string) (core.Input, bot.Goal, error) {
	g, doc, err := t.goalDoc(ctx, goalID)
	if err != nil {
		return core.Input{}, g, err
	}
	links, err := t.store.Links(ctx, goalID)
	if err != nil {
		return core.Input{}, g, fmt.Errorf("links of %s: %w", goalID, err)
	}
	items, err := t.goalItems(ctx, goalID)
	if err != nil {
		return core.Input{}, g, err
	}
	old, err := t.store.Statuses(ctx, goalID)
	if err != nil {
		return core.Input{}, g, fmt.Errorf("statuses of %s: %w", goalID, err)
	}
	return core.Input{Goal: goalID, Doc: doc, Links: links, Items: items, Previous: old, Rules: t.rules}, g, nil
}

// goalDoc reads a goal and decodes its stored document.
func (t *Tracker) goalDoc(ctx context.Context, goalID string) (bot.Goal, *goaldoc.Document, error) {
	g, err := t.store.Goal(ctx, goalID)
	if err != nil {
		return g, nil, fmt.Errorf("load goal %s: %w", goalID, err)
	}
	if g.Doc == nil {
		return g, nil, fmt.Errorf("goal %s: no stored document", goalID)
	}
	return g, g.Doc, nil
}

// enqueueRender asks for a render of the goal's living comment a moment
// from now, so that a burst of changes (a goal loading hundreds of items)
// is written once or a few times, not once per change; renders that find
// nothing new since the last write end at once. Like RecomputeGoal, a goal
// has two render slots: a change finds the first waiting and joins it, or
// running (it may have read the store before the change) and takes the
// second. The delay counts from the first change of a burst.
func (t *Tracker) enqueueRender(ctx context.Context, goalID string) error {
	return t.enqueueRenderAt(ctx, goalID, time.Now().Add(t.renderDelay))
}

// enqueueRenderNow asks for a render at once, making a render that waits
// for its delay available now: a gathered burst is complete.
func (t *Tracker) enqueueRenderNow(ctx context.Context, goalID string) error {
	return t.enqueueRenderAt(ctx, goalID, time.Now())
}

// enqueueRenderAt asks for a render of the goal's living comment at, or
// before when one is already waiting for an earlier time.
func (t *Tracker) enqueueRenderAt(ctx context.Context, goalID string, at time.Time) error {
	key := "render " + goalID
	if j := t.joinable.get(ctx, t.queue, key); j != nil {
		t.joinRender(j, at)
		return nil
	}
	for _, again := range []bool{false, true} {
		opts := &river.InsertOpts{UniqueOpts: recomputeUnique()}
		if at.After(time.Now()) {
			opts.ScheduledAt = at
		}
		res, err := t.queue.Insert(ctx, RenderStatus{Goal: goalID, Again: again}, opts)
		if err != nil {
			return fmt.Errorf("enqueue render of %s: %w", goalID, err)
		}
		if !res.UniqueSkippedAsDuplicate {
			if res.Job != nil {
				t.joinable.remember(key, res.Job.ID)
			}
			t.promoteWhenDue(res.Job, at)
			return nil
		}
		if res.Job != nil && res.Job.State != rivertype.JobStateRunning {
			t.joinable.remember(key, res.Job.ID)
			t.joinRender(res.Job, at)
			return nil
		}
	}
	// Both slots are running: one more render, outside the slots.
	opts := &river.InsertOpts{}
	if at.After(time.Now()) {
		opts.ScheduledAt = at
	}
	res, err := t.queue.Insert(ctx, RenderStatus{Goal: goalID}, opts)
	if err != nil {
		return fmt.Errorf("enqueue render of %s: %w", goalID, err)
	}
	t.promoteWhenDue(res.Job, at)
	return nil
}

// joinRender lets a change join render j, which has yet to start and will
// read it, making j due by at when it would wait longer.
func (t *Tracker) joinRender(j *rivertype.JobRow, at time.Time) {
	if j.ScheduledAt.After(at) && waiting(j, at) {
		t.promoteWhenDue(j, at)
	}
}

// promoteWhenDue makes a delayed job available when it is due. River
// promotes scheduled jobs only every 5 s, which made a living comment lag
// a change by 2 to 7 s; if this process stops first, River's own promotion
// still runs the job.
func (t *Tracker) promoteWhenDue(job *rivertype.JobRow, at time.Time) {
	if job == nil || !waiting(job, at) {
		return
	}
	time.AfterFunc(time.Until(at), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		j, err := t.queue.JobGet(ctx, job.ID)
		if err != nil || !waiting(j, time.Now()) {
			return // gone, running, or the store is closing: nothing to do
		}
		if _, err := t.queue.JobRetry(ctx, job.ID); err != nil {
			t.log.Debug().Err(err).Int64("job", job.ID).Msg("could not make a due render available; River's scheduler will")
		}
	})
}

// waiting reports whether no worker would take j at at: it is scheduled,
// or available with a later scheduled_at — River's scheduler makes the
// jobs due in the next 5 s available and leaves their time, before which
// workers do not take them. (Missing the second case left a render made
// "now" waiting up to its delay, 2 s, at the end of each goal load.)
func waiting(j *rivertype.JobRow, at time.Time) bool {
	switch j.State {
	case rivertype.JobStateScheduled:
		return true
	case rivertype.JobStateAvailable:
		return j.ScheduledAt.After(at)
	}
	return false
}

// goalItems loads every stored item of a goal in one query; items linked
// but not read yet are absent (a refresh is queued for them).
func (t *Tracker) goalItems(ctx context.Context, goalID string) (map[ref.Ref]*bot.Item, error) {
	list, err := t.store.GoalItems(ctx, goalID)
	if err != nil {
		return nil, fmt.Errorf("items of %s: %w", goalID, err)
	}
	return core.ItemMap(list), nil
}
