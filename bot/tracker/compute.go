package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
	"github.com/goalbot/goalbot/config"
	"github.com/riverqueue/river"
)

// rules is the ordered rule list: config overrides, then the defaults.
type rules struct {
	list      []status.Rule
	aggregate string
}

func newRules(cfg *config.Config) rules {
	r := rules{aggregate: "least"}
	if cfg == nil {
		r.list = status.DefaultRules()
		return r
	}
	r.list = append(append(r.list, cfg.Status.Rules...), status.DefaultRules()...) // config validated the overrides
	if cfg.Status.Aggregate != "" {
		r.aggregate = cfg.Status.Aggregate
	}
	return r
}

// cause says what made a recomputation happen, for the transitions log.
type cause struct {
	DeliveryID string
	Item       ref.Ref
}

// Recompute derives every subgoal status of a goal from the stored items,
// stores them with the transitions, and asks for a render of the living
// comment when anything shown changed.
func (t *Tracker) Recompute(ctx context.Context, goalID string, c cause) error {
	// One recomputation per goal at a time, so a slower one can never
	// store statuses older than a faster one read.
	unlock, err := t.store.LockGoal(ctx, goalID)
	if err != nil {
		return err
	}
	defer unlock()
	g, err := t.store.Goal(ctx, goalID)
	if err != nil {
		return err
	}
	var doc goaldoc.Document
	if err := json.Unmarshal(g.Doc, &doc); err != nil {
		return fmt.Errorf("goal %s: stored document: %w", goalID, err)
	}
	links, err := t.store.Links(ctx, goalID)
	if err != nil {
		return err
	}
	bySubgoal := map[string][]ref.Ref{}
	for _, l := range links {
		if !containsRef(bySubgoal[l.Subgoal], l.Item) {
			bySubgoal[l.Subgoal] = append(bySubgoal[l.Subgoal], l.Item)
		}
	}
	items, err := t.goalItems(ctx, goalID)
	if err != nil {
		return err
	}
	computed := map[string]status.Result{}
	var compute func(s *goaldoc.Subgoal) status.Result
	compute = func(s *goaldoc.Subgoal) status.Result {
		var res []status.Result
		for _, r := range bySubgoal[s.ID] {
			if it := items[r]; it != nil {
				st, detail := status.Evaluate(t.rules.list, factsOf(*it))
				res = append(res, status.Result{Status: st, Detail: detail})
			}
		}
		var own *status.Result
		if len(res) > 0 {
			r := status.Combine(t.rules.aggregate, res)
			own = &r
		}
		var kids []status.Result
		for i := range s.Children {
			kids = append(kids, compute(&s.Children[i]))
		}
		if own == nil && len(kids) > 0 {
			r := status.Summarize(kids)
			own = &r
		}
		out := status.Reconcile(status.DocFacts{Complete: s.HasBadge(goaldoc.BadgeComplete) || s.Checked, Struck: s.Struck}, own)
		computed[s.ID] = out
		return out
	}
	for i := range doc.Subgoals {
		compute(&doc.Subgoals[i])
	}

	old, err := t.store.Statuses(ctx, goalID)
	if err != nil {
		return err
	}
	now := t.now()
	var changed []bot.SubgoalStatus
	var trans []bot.Transition
	doc.Walk(func(s, _ *goaldoc.Subgoal) bool {
		r := computed[s.ID]
		row := bot.SubgoalStatus{Goal: goalID, Subgoal: s.ID, Status: string(r.Status), Detail: r.Detail,
			DocStatus: string(r.DocStatus), Disagree: r.Disagree, Since: now}
		prev, seen := old[s.ID]
		switch {
		case !seen:
			changed = append(changed, row)
		case prev.Status != row.Status:
			changed = append(changed, row)
			item := ""
			if !c.Item.IsZero() {
				item = c.Item.String()
			}
			trans = append(trans, bot.Transition{Goal: goalID, Subgoal: s.ID, Old: prev.Status, New: row.Status,
				Detail: row.Detail, At: now, DeliveryID: c.DeliveryID, Item: item})
		case prev.Detail != row.Detail || prev.DocStatus != row.DocStatus || prev.Disagree != row.Disagree:
			row.Since = prev.Since
			changed = append(changed, row)
		}
		return true
	})
	var removed []string
	for id := range old {
		if _, ok := computed[id]; !ok {
			removed = append(removed, id)
		}
	}
	if len(changed) == 0 && len(removed) == 0 {
		return nil
	}
	if err := t.store.SaveStatuses(ctx, goalID, changed, removed, trans); err != nil {
		return err
	}
	for _, tr := range trans {
		t.logger(ctx).Info().Str("goal", goalID).Str("subgoal", tr.Subgoal).Str("from", tr.Old).Str("to", tr.New).
			Str("detail", tr.Detail).Msg("status changed")
	}
	if g.TrackingIssue.IsZero() {
		return nil
	}
	if err := t.enqueueNotices(ctx, g, trans); err != nil {
		return err
	}
	return t.enqueueRender(ctx, goalID)
}

// enqueueRender asks for a render of the goal's living comment a moment
// from now, so that a burst of changes (a goal loading hundreds of items)
// is written once or a few times, not once per change; renders that find
// nothing new since the last write end at once.
func (t *Tracker) enqueueRender(ctx context.Context, goalID string) error {
	opts := &river.InsertOpts{}
	if t.renderDelay > 0 {
		opts.ScheduledAt = time.Now().Add(t.renderDelay)
	}
	if _, err := t.queue.Insert(ctx, RenderStatus{Goal: goalID}, opts); err != nil {
		return fmt.Errorf("enqueue render of %s: %w", goalID, err)
	}
	return nil
}

func containsRef(list []ref.Ref, r ref.Ref) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// goalItems loads every stored item of a goal in one query; items linked
// but not read yet are absent (a refresh is queued for them).
func (t *Tracker) goalItems(ctx context.Context, goalID string) (map[ref.Ref]*bot.Item, error) {
	list, err := t.store.GoalItems(ctx, goalID)
	if err != nil {
		return nil, err
	}
	items := make(map[ref.Ref]*bot.Item, len(list))
	for i := range list {
		items[list[i].Ref] = &list[i]
	}
	return items, nil
}
