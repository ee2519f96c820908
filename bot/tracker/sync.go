package tracker

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/core"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/riverqueue/river"
)

// SyncStore is the persistence reconciliation needs beyond Store.
type SyncStore interface {
	SyncState(ctx context.Context, repo string) (time.Time, string, error)
	SetSyncState(ctx context.Context, repo string, since time.Time, etag string) error
	HasDelivery(ctx context.Context, id string) (bool, error)
}

// SyncReport says what one reconciliation did.
type SyncReport struct {
	Repos   int // repositories looked at
	Items   int // tracked items
	Checked int // items read one by one
	Changed int // items whose read found a change
	Listed  int // repository listings that found changes (200)
	Cached  int // repository listings answered 304
	// Timelines counts the tracking-issue timelines read for discovery,
	// TimelinesCached those answered 304.
	Timelines, TimelinesCached int
}

// Progress is told about each item as reconciliation goes.
type Progress func(done, total int, item string)

// Sync reconciles every tracked item (of one goal when goal is not "")
// with GitHub, so that the effect of a webhook GitHub never delivered
// appears within one run. Per repository it lists what was updated since
// the last run — one conditional request covers every item, and a 304
// costs no rate limit — and reads only the items that moved. A repository
// never listed before has its items read one by one (conditionally), then
// gets its first watermark.
func (t *Tracker) Sync(ctx context.Context, goal string, progress Progress) (SyncReport, error) {
	var rep SyncReport
	items, err := t.trackedRefs(ctx, goal)
	if err != nil {
		return rep, err
	}
	byRepo := map[string][]ref.Ref{}
	var repos []string
	for _, r := range items {
		if _, ok := byRepo[r.FullName()]; !ok {
			repos = append(repos, r.FullName())
		}
		byRepo[r.FullName()] = append(byRepo[r.FullName()], r)
	}
	sort.Strings(repos)
	rep.Repos, rep.Items = len(repos), len(items)
	done := 0
	step := func(r ref.Ref) {
		done++
		if progress != nil {
			progress(done, len(items), r.String())
		}
	}
	errs := t.syncTimelines(ctx, goal, &rep) // discovery's reconciliation
	for _, repo := range repos {
		failed, err := t.syncRepo(ctx, repo, byRepo[repo], &rep, step)
		if err != nil {
			return rep, err
		}
		t.succeeded("sync", repo, len(failed) == 0)
		errs = append(errs, failed...)
	}
	return rep, errors.Join(errs...)
}

// syncRepo reconciles the tracked items of one repository, counting into
// rep and telling step about each item. It returns the per-item and
// listing failures (the run goes on) and, apart, a store failure that
// ends the run.
func (t *Tracker) syncRepo(ctx context.Context, repo string, refs []ref.Ref, rep *SyncReport, step func(ref.Ref)) ([]error, error) {
	var errs []error
	check := func(r ref.Ref) {
		rep.Checked++
		changed, err := t.refreshIfChanged(ctx, r)
		if changed {
			rep.Changed++
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	owner, name := refs[0].Owner, refs[0].Repo
	since, etag, err := t.store.SyncState(ctx, repo)
	if err != nil {
		return errs, fmt.Errorf("sync state of %s: %w", repo, err)
	}
	start := t.now().Add(-time.Minute) // GitHub's clock may run a little behind
	if since.IsZero() {
		for _, r := range refs {
			check(r)
			step(r)
		}
		// The first listing sets the watermark and the ETag the next run
		// revalidates.
		_, etag, _, err := t.gh.ListUpdatedSince(ctx, owner, name, start, "")
		if err != nil {
			return append(errs, err), nil
		}
		return errs, wrap(t.store.SetSyncState(ctx, repo, start, etag), "record the sync of %s", repo)
	}
	list, newETag, notModified, err := t.gh.ListUpdatedSince(ctx, owner, name, since, etag)
	if err != nil {
		return append(errs, err), nil
	}
	if notModified {
		rep.Cached++
		for _, r := range refs {
			step(r)
		}
		return errs, nil
	}
	rep.Listed++
	moved := map[ref.Ref]time.Time{}
	for _, is := range list {
		moved[is.Repo] = is.UpdatedAt
	}
	for _, r := range refs {
		at, ok := moved[r]
		if it, err := t.store.Item(ctx, r); ok && (err != nil || at.After(it.UpdatedAt) || it.FetchedAt.IsZero()) {
			check(r)
		}
		step(r)
	}
	if t.cfg != nil && t.cfg.FCP.TrackAll {
		errs = append(errs, t.keepDecisions(ctx, list, refs)...)
	}
	return errs, wrap(t.store.SetSyncState(ctx, repo, since, newETag), "record the sync of %s", repo)
}

// keepDecisions stores, from the listing alone (state and labels; no
// further request), the listed items no goal links that carry rfcbot's FCP
// labels or an MCP's ([fcp] track_all): a proposal whose webhooks were
// lost still reaches the dashboard.
func (t *Tracker) keepDecisions(ctx context.Context, list []bot.Issue, linked []ref.Ref) []error {
	var errs []error
	for _, is := range list {
		if slices.Contains(linked, is.Repo) || !isDecision(bot.Item{Labels: is.Labels}) {
			continue
		}
		err := t.updateItem(ctx, is.Repo, cause{Item: is.Repo}, func(s *bot.Item) error {
			if core.Merge(s, is) {
				core.ApplyLabels(s, is)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("keep %s from the listing: %w", is.Repo, err))
		}
	}
	return errs
}

// refreshIfChanged re-reads an item and reports whether its stored state
// changed.
func (t *Tracker) refreshIfChanged(ctx context.Context, r ref.Ref) (bool, error) {
	before, _ := t.store.Item(ctx, r)
	if err := t.Refresh(ctx, r); err != nil {
		return false, err
	}
	after, err := t.store.Item(ctx, r)
	if err != nil {
		return false, err
	}
	return !after.UpdatedAt.Equal(before.UpdatedAt) || after.State != before.State ||
		!reflect.DeepEqual(after.FCP, before.FCP) || !reflect.DeepEqual(after.MCP, before.MCP) || after.Gone != before.Gone, nil
}

// trackedRefs lists the items linked to any goal (or to one), sorted.
func (t *Tracker) trackedRefs(ctx context.Context, goal string) ([]ref.Ref, error) {
	goals, err := t.store.Goals(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[ref.Ref]bool{}
	var out []ref.Ref
	found := false
	for _, g := range goals {
		if goal != "" && g.ID != goal && !hasSuffixID(g.ID, goal) {
			continue
		}
		found = true
		links, err := t.store.Links(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			if !seen[l.Item] {
				seen[l.Item] = true
				out = append(out, l.Item)
			}
		}
	}
	if goal != "" && !found {
		return nil, bot.Errorf(bot.ENOTFOUND, "no goal %q", goal)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

func hasSuffixID(id, short string) bool {
	return len(id) > len(short) && id[len(id)-len(short)-1:] == "/"+short
}

// maxRedeliveries bounds one recovery run.
const maxRedeliveries = 50

// RecoverDeliveries asks GitHub to redeliver the App's recent webhook
// deliveries that failed and that goalbot never stored (GitHub does not
// retry on its own). It returns how many it asked for. Token installs have
// no App to ask and are skipped.
func (t *Tracker) RecoverDeliveries(ctx context.Context) (int, error) {
	cutoff := t.now().Add(-72 * time.Hour) // github.com keeps three days
	list, ok, err := t.gh.HookDeliveries(ctx, cutoff)
	if !ok || err != nil {
		return 0, err // token installs have no App to ask
	}
	asked := 0
	for _, d := range list {
		if d.Status == "OK" || d.Redelivery {
			continue
		}
		stored, err := t.store.HasDelivery(ctx, d.GUID)
		if err != nil {
			return asked, fmt.Errorf("look up delivery %s: %w", d.GUID, err)
		}
		if stored {
			continue
		}
		if asked >= maxRedeliveries {
			t.logger(ctx).Warn().Int("limit", maxRedeliveries).Msg("more failed deliveries than one recovery run redelivers")
			return asked, nil
		}
		if err := t.gh.Redeliver(ctx, d.ID); err != nil {
			return asked, fmt.Errorf("redeliver %s: %w", d.GUID, err)
		}
		asked++
		t.logger(ctx).Info().Str("delivery", d.GUID).Str("event", d.Event).Str("status", d.Status).Msg("asked GitHub to redeliver a failed webhook")
	}
	return asked, nil
}

// SyncJob is the periodic reconciliation; Tick makes each run unique per
// period, so only one replica works a given tick.
type SyncJob struct {
	Tick string `json:"tick" river:"unique"`
}

// Kind names the job.
func (SyncJob) Kind() string { return "sync" }

type syncWorker struct {
	river.WorkerDefaults[SyncJob]
	t *Tracker
}

func (w *syncWorker) Work(ctx context.Context, j *river.Job[SyncJob]) error {
	n, err := w.t.RecoverDeliveries(ctx)
	if err != nil {
		w.t.logger(ctx).Warn().Err(err).Msg("missed-delivery recovery failed")
	}
	rep, err := w.t.Sync(ctx, "", nil)
	w.t.logger(ctx).Info().Str("tick", j.Args.Tick).Int("redelivered", n).Int("items", rep.Items).Int("checked", rep.Checked).
		Int("changed", rep.Changed).Int("cached", rep.Cached).Msg("sync done")
	return jobError(wrap(err, "sync %s", j.Args.Tick))
}
