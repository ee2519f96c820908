package tracker

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/goalsource"
	"github.com/goalbot/goalbot/config"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// LoadGoals reads every configured goal source, stores the goals and their
// links, asks for reads of items not seen yet and recomputes statuses. A
// broken source or document is logged and skipped; the others still load.
func (t *Tracker) LoadGoals(ctx context.Context) error {
	var errs []error
	for i, src := range t.cfg.Goals {
		if err := t.loadSource(ctx, src, nil, ""); err != nil {
			errs = append(errs, fmt.Errorf("goal source %d (%s): %w", i+1, goalsource.Describe(src), err))
		}
	}
	return errors.Join(errs...)
}

// loadSource reads one source (all files, or only those in only when it is
// not nil) and stores the goals found.
func (t *Tracker) loadSource(ctx context.Context, src config.GoalSource, only map[string]bool, revision string) error {
	shared, files, err := goalsource.Read(ctx, t.gh, src, only)
	if err != nil {
		return err
	}
	for _, f := range files {
		doc := goaldoc.Parse(f.Name, f.Src, shared)
		if ok, _ := doc.IsGoal(); !ok {
			continue
		}
		for _, e := range doc.Errors {
			t.logger(ctx).Warn().Str("file", f.Name).Int("line", e.Line).Msg("goal document: " + e.Message)
		}
		rev := f.Revision
		if revision != "" {
			rev = revision
		}
		if err := t.saveDoc(ctx, src, doc, rev); err != nil {
			return err
		}
	}
	return nil
}

// saveDoc stores one parsed goal with its document and config links, then
// asks for reads of unknown items and recomputes the goal's statuses.
func (t *Tracker) saveDoc(ctx context.Context, src config.GoalSource, doc *goaldoc.Document, revision string) error {
	id := doc.Key
	if id == "" {
		id = doc.ID
	}
	g := bot.Goal{ID: id, Title: doc.Title, Source: goalsource.Describe(src), Revision: revision,
		TrackingIssue: doc.TrackingIssue, Doc: doc, Notices: src.Notices || t.cfg.Notices.Enabled, UpdatedAt: t.now()}
	for _, k := range []string{doc.Key, doc.ID} {
		if r, ok := src.TrackingIssues[k]; ok && k != "" {
			g.TrackingIssue = r
			break
		}
	}
	var links []bot.Link
	doc.Walk(func(s, _ *goaldoc.Subgoal) bool {
		for _, r := range s.Links {
			links = append(links, bot.Link{Goal: id, Subgoal: s.ID, Item: r, Origin: bot.OriginDocument})
		}
		return true
	})
	for _, l := range src.Links {
		if l.Goal != doc.ID && l.Goal != doc.Key {
			continue
		}
		s, ok := findSubgoal(doc, l.Subgoal)
		if !ok {
			t.logger(ctx).Error().Str("goal", id).Str("subgoal", l.Subgoal).Str("item", l.Item.String()).
				Msg("config link names no subgoal of this goal; ignored")
			continue
		}
		links = append(links, bot.Link{Goal: id, Subgoal: s.ID, Item: l.Item, Origin: bot.OriginConfig})
	}
	if err := t.store.SaveGoal(ctx, g, links); err != nil {
		return fmt.Errorf("store goal %s: %w", id, err)
	}
	t.noteTrackingIssue(g.TrackingIssue)
	t.logger(ctx).Info().Str("goal", id).Int("subgoals", doc.Count()).Int("links", len(links)).Str("revision", revision).Msg("goal loaded")
	all, err := t.store.Links(ctx, id)
	if err != nil {
		return fmt.Errorf("links of %s: %w", id, err)
	}
	stored, err := t.store.GoalItems(ctx, id)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(stored))
	for _, it := range stored {
		known[it.Ref.String()] = true
	}
	var unknown []string
	for _, l := range all {
		if r := l.Item.String(); !known[r] {
			known[r] = true // one read for an item linked twice
			unknown = append(unknown, r)
		}
	}
	if err := t.discoverDocument(ctx, id, doc); err != nil {
		return err
	}
	if err := t.Place(ctx, id, cause{}); err != nil { // places discovered items, then recomputes
		return err
	}
	if !g.TrackingIssue.IsZero() {
		if err := t.enqueueTimeline(ctx, g); err != nil {
			return err
		}
		if err := t.enqueueRender(ctx, id); err != nil { // the document itself may read differently
			return err
		}
	}
	// The reads come last, queued in one batch: all of them wait before
	// the first finishes, so the recomputation their burst shares
	// (gatherRecompute) queues behind the last of them, and the render
	// asked for above waits when that recomputation wants one at once,
	// which makes it due. (Queued first, a burst read before the render
	// was asked for left that render to wait its whole delay.)
	if len(unknown) > 0 {
		if _, err := t.queue.InsertMany(ctx, refreshJobs(id, unknown, t.workers())); err != nil {
			return fmt.Errorf("enqueue %d item reads of %s: %w", len(unknown), id, err)
		}
	}
	return nil
}

// findSubgoal finds a subgoal by stable id, title or line number.
func findSubgoal(doc *goaldoc.Document, q string) (*goaldoc.Subgoal, bool) {
	if n, err := strconv.Atoi(strings.TrimSpace(q)); err == nil {
		var found *goaldoc.Subgoal
		doc.Walk(func(s, _ *goaldoc.Subgoal) bool {
			if s.Line == n && found == nil {
				found = s
			}
			return true
		})
		return found, found != nil
	}
	return doc.Lookup(q)
}

// enqueue inserts a follow-up job.
func (t *Tracker) enqueue(ctx context.Context, args river.JobArgs) error {
	opts := &river.InsertOpts{}
	if _, ok := args.(RefreshItem); ok {
		// Unique while waiting or running, not once completed: a later
		// refresh must read again.
		opts.UniqueOpts = refreshUnique()
	}
	_, err := t.queue.Insert(ctx, args, opts)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// refreshUnique makes a RefreshItem unique while waiting or running, not
// once completed: a later refresh must read again.
func refreshUnique() river.UniqueOpts {
	return river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled}}
}

// handlePush re-reads goal documents touched by a push to a source's branch.
func (t *Tracker) handlePush(ctx context.Context, d bot.Delivery) error {
	ev, err := gh.ParseEvent("push", d.Payload)
	push, ok := ev.(*bot.PushEvent)
	if err != nil || !ok {
		return err
	}
	branch := strings.TrimPrefix(push.Ref, "refs/heads/")
	for _, src := range t.cfg.Goals {
		if src.Repo == "" || !strings.EqualFold(src.Repo, push.Repo) {
			continue
		}
		if want := src.Ref; want != "" && want != branch || want == "" && branch != push.DefaultBranch {
			continue
		}
		touched := map[string]bool{}
		for _, p := range push.Changed {
			if path.Dir(p) == strings.Trim(src.Path, "/") && strings.HasSuffix(p, ".md") {
				touched[p] = true
			}
		}
		if len(touched) == 0 {
			continue
		}
		src.Ref = push.After // read exactly the pushed revision
		if err := t.loadSource(ctx, src, touched, push.After); err != nil {
			return fmt.Errorf("reload %s: %w", goalsource.Describe(src), err)
		}
	}
	return nil
}
