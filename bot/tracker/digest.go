package tracker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/core"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/riverqueue/river"
)

// DigestStore is the persistence the weekly digest needs.
type DigestStore interface {
	Transitions(ctx context.Context, goal string, from, to time.Time) ([]bot.Transition, error)
	ClaimDigest(ctx context.Context, week, repo, owner string, stale time.Duration) (bot.Digest, bool, error)
	SetDigestIssue(ctx context.Context, week string, number int) error
	Digests(ctx context.Context) ([]bot.Digest, error)
	SetDigestClosed(ctx context.Context, week string) error
	ReleaseDigest(ctx context.Context, week, owner string) error
}

// BuildDigest assembles the digest of an ISO week ("2024-W36") from the
// store with core.BuildDigest: transitions of that week by goal, FCPs
// ending in the 7 days after the digest's time, proposals waiting on
// reviewers, unresolved concerns and subgoals that have not moved for the
// configured number of days.
func (t *Tracker) BuildDigest(ctx context.Context, week string) (render.DigestView, error) {
	from, err := render.ParseISOWeek(week)
	if err != nil {
		return render.DigestView{}, bot.Errorf(bot.EINVALID, "%v", err)
	}
	in := core.DigestInput{Week: week, From: from, Now: t.now(), Mention: t.cfg.Digest.Mention,
		StaleDays: t.cfg.Digest.StaleDays, Items: map[ref.Ref]*bot.Item{}}
	goals, err := t.store.Goals(ctx)
	if err != nil {
		return render.DigestView{}, fmt.Errorf("digest %s: list goals: %w", week, err)
	}
	for _, g := range goals {
		dg, err := t.digestGoal(ctx, g, from, in.Items)
		if err != nil {
			return render.DigestView{}, fmt.Errorf("digest %s: %w", week, err)
		}
		in.Goals = append(in.Goals, dg)
	}
	v := core.BuildDigest(in)
	if v.Related, err = t.digestRelated(ctx, goals); err != nil {
		return render.DigestView{}, fmt.Errorf("digest %s: %w", week, err)
	}
	return v, nil
}

// digestGoal reads what the digest needs of one goal, adding its items to
// items.
func (t *Tracker) digestGoal(ctx context.Context, g bot.Goal, from time.Time, items map[ref.Ref]*bot.Item) (core.DigestGoal, error) {
	dg := core.DigestGoal{Goal: g, Doc: g.Doc}
	if dg.Doc == nil {
		return dg, fmt.Errorf("goal %s: no stored document", g.ID)
	}
	list, err := t.store.GoalItems(ctx, g.ID)
	if err != nil {
		return dg, fmt.Errorf("items of %s: %w", g.ID, err)
	}
	for i := range list {
		items[list[i].Ref] = &list[i]
	}
	if dg.Statuses, err = t.store.Statuses(ctx, g.ID); err != nil {
		return dg, fmt.Errorf("statuses of %s: %w", g.ID, err)
	}
	if dg.Transitions, err = t.store.Transitions(ctx, g.ID, from, from.AddDate(0, 0, 7)); err != nil {
		return dg, fmt.Errorf("transitions of %s: %w", g.ID, err)
	}
	if dg.Links, err = t.store.Links(ctx, g.ID); err != nil {
		return dg, fmt.Errorf("links of %s: %w", g.ID, err)
	}
	return dg, nil
}

// PostDigest builds the week's digest and posts it as an issue in the
// configured repository: created once, then edited (found by the store's
// record, else by its marker among the bot's issues), so two runs or two
// replicas still make exactly one issue. It closes older digests when
// configured and returns the issue number.
func (t *Tracker) PostDigest(ctx context.Context, week string) (int, error) {
	repo := t.cfg.Digest.Repo
	if repo == "" {
		return 0, bot.Errorf(bot.EINVALID, "no digest repository: set [digest] repo in goalbot.toml")
	}
	v, err := t.BuildDigest(ctx, week)
	if err != nil {
		return 0, err
	}
	if len(v.Goals) == 0 {
		// Nothing loaded (a mistyped goal folder, a first start that failed
		// to read the sources): a digest would announce that nothing is
		// tracked. An empty week with goals still gets its digest.
		t.logger(ctx).Warn().Str("week", week).Msg("no goal is loaded; no digest posted")
		return 0, nil
	}
	title, body := render.DigestTitle(week), render.Digest(v)
	claimer := fmt.Sprintf("%s/%d", t.owner, t.leases.Add(1))
	d, claimed, err := t.store.ClaimDigest(ctx, week, repo, claimer, 2*time.Minute)
	if err != nil {
		return 0, fmt.Errorf("claim the %s digest: %w", week, err)
	}
	number := d.Number
	if number == 0 && !claimed {
		return 0, &retryAfter{delay: 5 * time.Second, err: fmt.Errorf("the %s digest is being posted by another worker", week)}
	}
	number, err = t.writeDigest(ctx, repo, week, title, body, number)
	if err != nil {
		if claimed {
			if rerr := t.store.ReleaseDigest(context.WithoutCancel(ctx), week, claimer); rerr != nil {
				t.logger(ctx).Warn().Err(rerr).Str("week", week).Msg("could not release the digest claim")
			}
		}
		return 0, err
	}
	if err := t.store.SetDigestIssue(ctx, week, number); err != nil {
		return number, fmt.Errorf("record the %s digest: %w", week, err)
	}
	if t.cfg.Digest.ClosePrevious {
		if err := t.closeOlderDigests(ctx, repo, week); err != nil {
			return number, err
		}
	}
	return number, nil
}

// writeDigest edits the week's digest issue number, or creates it after
// looking for it by its marker (a worker may have died after creating it,
// or the answer to the create was lost), and returns its number.
func (t *Tracker) writeDigest(ctx context.Context, repo, week, title, body string, number int) (int, error) {
	var err error
	if number == 0 {
		if number, err = t.gh.FindIssue(ctx, repo, render.DigestMarker(week), t.cfg.Digest.Labels); err != nil {
			return 0, fmt.Errorf("look for the %s digest: %w", week, err)
		}
	}
	if number != 0 {
		if err := t.gh.EditIssue(ctx, digestRef(repo, number), title, body); err != nil {
			return 0, fmt.Errorf("edit the %s digest: %w", week, err)
		}
	} else {
		if number, err = t.gh.CreateIssue(ctx, repo, title, body, t.cfg.Digest.Labels); err != nil {
			return 0, fmt.Errorf("create the %s digest: %w", week, err)
		}
		t.logger(ctx).Info().Str("week", week).Int("issue", number).Str("repo", repo).Msg("digest issue created")
	}
	return number, nil
}

// digestRef names issue number of repo ("owner/name").
func digestRef(repo string, number int) ref.Ref {
	owner, name, _ := strings.Cut(repo, "/")
	return ref.New(owner, name, number)
}

// retryAfter asks the job runner to try again after delay.
type retryAfter struct {
	delay time.Duration
	err   error
}

func (e *retryAfter) Error() string { return e.err.Error() }

// RetryDelay says how long to wait (job.RetryAfter).
func (e *retryAfter) RetryDelay() time.Duration { return e.delay }

// closeOlderDigests closes the digests of weeks before week.
func (t *Tracker) closeOlderDigests(ctx context.Context, repo, week string) error {
	all, err := t.store.Digests(ctx)
	if err != nil {
		return fmt.Errorf("list digests: %w", err)
	}
	for _, d := range all {
		if d.Week >= week || d.Closed || d.Number == 0 || d.Repo != repo {
			continue
		}
		if err := t.gh.CloseIssue(ctx, digestRef(repo, d.Number)); err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
			return fmt.Errorf("close the %s digest: %w", d.Week, err)
		}
		if err := t.store.SetDigestClosed(ctx, d.Week); err != nil {
			return fmt.Errorf("record the %s digest closed: %w", d.Week, err)
		}
	}
	return nil
}

// DigestJob posts one week's digest; the week makes it unique, so one
// week's digest job runs once however many replicas schedule it.
type DigestJob struct {
	Week string `json:"week" river:"unique"`
}

// Kind names the job.
func (DigestJob) Kind() string { return "digest" }

type digestWorker struct {
	river.WorkerDefaults[DigestJob]
	t *Tracker
}

func (w *digestWorker) Work(ctx context.Context, j *river.Job[DigestJob]) error {
	_, err := w.t.PostDigest(ctx, j.Args.Week)
	w.t.succeeded("digest", w.t.cfg.Digest.Repo, err == nil)
	return jobError(wrap(err, "post the %s digest", j.Args.Week))
}

// weekly is a schedule that fires once a week at a weekday and time (UTC).
type weekly struct {
	day          time.Weekday
	hour, minute int
}

// Next returns the first firing strictly after t.
func (w weekly) Next(t time.Time) time.Time {
	t = t.UTC()
	next := time.Date(t.Year(), t.Month(), t.Day(), w.hour, w.minute, 0, 0, time.UTC)
	next = next.AddDate(0, 0, (int(w.day)-int(next.Weekday())+7)%7)
	if !next.After(t) {
		next = next.AddDate(0, 0, 7)
	}
	return next
}

// last returns the latest firing at or before t.
func (w weekly) last(t time.Time) time.Time { return w.Next(t).AddDate(0, 0, -7) }

// PeriodicJobs returns the scheduled jobs: the weekly digest (when a
// repository is configured) and the reconciliation. Each run is a unique
// job named by its period, so only one replica works a given tick even
// though River keeps the schedule in the leader's memory, and a tick
// missed while down runs once at start, not once per missed period.
func (t *Tracker) PeriodicJobs() []*river.PeriodicJob {
	var jobs []*river.PeriodicJob
	unique := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
	if t.cfg.Digest.Repo != "" {
		w := weekly{day: t.cfg.Digest.Weekday, hour: t.cfg.Digest.Hour, minute: t.cfg.Digest.Minute}
		jobs = append(jobs, river.NewPeriodicJob(w, func() (river.JobArgs, *river.InsertOpts) {
			return DigestJob{Week: render.ISOWeek(w.last(time.Now()))}, unique
		}, &river.PeriodicJobOpts{RunOnStart: true, ID: "digest"}))
	}
	if every := t.cfg.Sync.Interval; every > 0 {
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
			return SyncJob{Tick: time.Now().UTC().Truncate(every).Format(time.RFC3339)}, unique
		}, &river.PeriodicJobOpts{RunOnStart: true, ID: "sync"}))
	}
	return jobs
}
