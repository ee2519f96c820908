package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/status"
	"github.com/google/go-github/v62/github"
	"github.com/riverqueue/river"
)

// DigestStore is the persistence the weekly digest needs.
type DigestStore interface {
	Transitions(ctx context.Context, goal string, from, to time.Time) ([]bot.Transition, error)
	ClaimDigest(ctx context.Context, week, repo, owner string, stale time.Duration) (bot.Digest, bool, error)
	SetDigestIssue(ctx context.Context, week string, number int) error
	Digests(ctx context.Context) ([]bot.Digest, error)
	SetDigestClosed(ctx context.Context, week string) error
}

// BuildDigest assembles the digest of an ISO week ("2024-W36") from the
// store: transitions of that week by goal, FCPs ending in the 7 days after
// the digest's time, proposals waiting on reviewers, unresolved concerns
// and subgoals that have not moved for the configured number of days.
func (t *Tracker) BuildDigest(ctx context.Context, week string) (render.DigestView, error) {
	ds, ok := t.store.(DigestStore)
	if !ok {
		return render.DigestView{}, errors.New("digest: the store cannot keep digests")
	}
	from, err := render.ParseISOWeek(week)
	if err != nil {
		return render.DigestView{}, bot.Errorf(bot.EINVALID, "%v", err)
	}
	to := from.AddDate(0, 0, 7)
	now := t.now()
	if now.After(to) {
		now = to // a past week reads as it stood at its end
	}
	v := render.DigestView{Week: week, From: from, To: to, Now: now, Mention: t.cfg.Digest.Mention, StaleDays: t.cfg.Digest.StaleDays}
	goals, err := t.store.Goals(ctx)
	if err != nil {
		return v, err
	}
	items := map[ref.Ref]*itemState{}
	for _, g := range goals {
		list, err := t.store.GoalItems(ctx, g.ID)
		if err != nil {
			return v, err
		}
		for _, it := range list {
			if s, err := decodeItem(it); err == nil {
				items[it.Ref] = &s
			}
		}
	}
	item := func(r ref.Ref) *itemState { return items[r] }
	link := func(r ref.Ref) render.ItemLink {
		l := render.ItemLink{Ref: r}
		if s := item(r); s != nil {
			l.Title, l.IsPull = s.Title, s.IsPull
		}
		return l
	}
	for _, g := range goals {
		var doc goaldoc.Document
		if err := json.Unmarshal(g.Doc, &doc); err != nil {
			return v, fmt.Errorf("goal %s: stored document: %w", g.ID, err)
		}
		titles := map[string]string{}
		doc.Walk(func(s, _ *goaldoc.Subgoal) bool { titles[s.ID] = s.Title; return true })
		title := func(id string) string {
			if t, ok := titles[id]; ok {
				return t
			}
			return id
		}
		statuses, err := t.store.Statuses(ctx, g.ID)
		if err != nil {
			return v, err
		}
		dg := render.DigestGoal{ID: g.ID, Title: g.Title, TrackingIssue: g.TrackingIssue, Counts: map[status.Status]int{}}
		for _, s := range statuses {
			dg.Counts[status.Status(s.Status)]++
			st := status.Status(s.Status)
			if v.StaleDays > 0 && !st.Terminal() && st != status.Complete && st != status.Accepted &&
				s.Since.Before(now.AddDate(0, 0, -v.StaleDays)) {
				v.Stale = append(v.Stale, render.DigestStale{Goal: g.ID, Subgoal: title(s.Subgoal), Status: st, Since: s.Since})
			}
		}
		trans, err := ds.Transitions(ctx, g.ID, from, to)
		if err != nil {
			return v, err
		}
		for _, tr := range trans {
			c := render.DigestChange{Subgoal: title(tr.Subgoal), From: status.Status(tr.Old), To: status.Status(tr.New), Detail: tr.Detail, At: tr.At}
			if r, err := ref.Parse(tr.Item, ref.Ref{}); err == nil && tr.Item != "" {
				c.Item = link(r)
			}
			dg.Changes = append(dg.Changes, c)
		}
		v.Goals = append(v.Goals, dg)

		links, err := t.store.Links(ctx, g.ID)
		if err != nil {
			return v, err
		}
		for _, l := range links {
			s := item(l.Item)
			if s == nil {
				continue
			}
			sub, il := title(l.Subgoal), link(l.Item)
			soon := func(end time.Time) bool { return !end.IsZero() && !end.Before(now) && end.Before(now.AddDate(0, 0, 7)) }
			isMCP := s.Kind == bot.KindMCP
			if !isMCP && s.fcp.Phase == "active" && soon(s.fcp.End) {
				v.Ending = append(v.Ending, render.DigestFCP{Goal: g.ID, Subgoal: sub, Item: il, Kind: "FCP", Disposition: string(s.fcp.Disposition), End: s.fcp.End})
			}
			if isMCP && s.mcp.Phase == "seconded" && soon(s.mcp.End) {
				v.Ending = append(v.Ending, render.DigestFCP{Goal: g.ID, Subgoal: sub, Item: il, Kind: "MCP", End: s.mcp.End})
			}
			if !isMCP && s.fcp.Phase == "proposed" && len(s.fcp.Pending()) > 0 {
				v.Waiting = append(v.Waiting, render.DigestWaiting{Goal: g.ID, Subgoal: sub, Item: il, Pending: s.fcp.Pending(),
					Reviewed: s.fcp.Ticked(), Reviewers: len(s.fcp.Reviewers)})
			}
			concerns := s.fcp.Unresolved()
			if isMCP {
				concerns = s.mcp.Unresolved()
			}
			for _, c := range concerns {
				v.Concerns = append(v.Concerns, render.DigestConcern{Goal: g.ID, Subgoal: sub, Item: il, Name: c.Name, URL: c.URL, By: c.By})
			}
		}
	}
	return v, nil
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
	ds := t.store.(DigestStore)
	v, err := t.BuildDigest(ctx, week)
	if err != nil {
		return 0, err
	}
	title, body := render.DigestTitle(week), render.Digest(v)
	owner, name, _ := strings.Cut(repo, "/")
	c, err := t.gh.Repo(ctx, owner, name)
	if err != nil {
		return 0, err
	}
	claimer := fmt.Sprintf("%s/%d", t.owner, t.leases.Add(1))
	d, claimed, err := ds.ClaimDigest(ctx, week, repo, claimer, 2*time.Minute)
	if err != nil {
		return 0, err
	}
	number := d.Number
	if number == 0 && !claimed {
		return 0, &gh.RetryAfterError{Delay: 5 * time.Second, Err: fmt.Errorf("the %s digest is being posted by another worker", week)}
	}
	if number == 0 {
		if number, err = t.findDigest(ctx, c, owner, name, week); err != nil {
			return 0, err
		}
	}
	if number != 0 {
		_, _, err = c.Issues.Edit(ctx, owner, name, number, &github.IssueRequest{Title: github.String(title), Body: github.String(body)})
		if err != nil {
			return 0, fmt.Errorf("edit the %s digest: %w", week, gh.Classify(err))
		}
	} else {
		labels := append([]string{}, t.cfg.Digest.Labels...)
		is, _, err := c.Issues.Create(ctx, owner, name, &github.IssueRequest{Title: github.String(title), Body: github.String(body), Labels: &labels})
		if err != nil {
			return 0, fmt.Errorf("create the %s digest: %w", week, gh.Classify(err))
		}
		number = is.GetNumber()
		t.logger(ctx).Info().Str("week", week).Int("issue", number).Str("repo", repo).Msg("digest issue created")
	}
	if err := ds.SetDigestIssue(ctx, week, number); err != nil {
		return number, err
	}
	if t.cfg.Digest.ClosePrevious {
		if err := t.closeOlderDigests(ctx, c, owner, name, week); err != nil {
			return number, err
		}
	}
	return number, nil
}

// findDigest looks for the week's digest among the bot's issues in the
// repository (a worker may have died after creating it).
func (t *Tracker) findDigest(ctx context.Context, c *github.Client, owner, name, week string) (int, error) {
	login, err := t.gh.BotLogin(ctx)
	if err != nil {
		return 0, err
	}
	opt := &github.IssueListByRepoOptions{State: "all", Creator: login, Labels: t.cfg.Digest.Labels, ListOptions: github.ListOptions{PerPage: 100}}
	for {
		list, resp, err := c.Issues.ListByRepo(ctx, owner, name, opt)
		if err != nil {
			return 0, fmt.Errorf("look for the %s digest: %w", week, gh.Classify(err))
		}
		for _, is := range list {
			if w, ok := render.ParseDigestMarker(is.GetBody()); ok && w == week && !is.IsPullRequest() {
				return is.GetNumber(), nil
			}
		}
		if resp.NextPage == 0 {
			return 0, nil
		}
		opt.Page = resp.NextPage
	}
}

// closeOlderDigests closes the digests of weeks before week.
func (t *Tracker) closeOlderDigests(ctx context.Context, c *github.Client, owner, name, week string) error {
	ds := t.store.(DigestStore)
	all, err := ds.Digests(ctx)
	if err != nil {
		return err
	}
	for _, d := range all {
		if d.Week >= week || d.Closed || d.Number == 0 || d.Repo != owner+"/"+name {
			continue
		}
		_, _, err := c.Issues.Edit(ctx, owner, name, d.Number, &github.IssueRequest{State: github.String("closed")})
		if err != nil && !gh.IsNotFound(err) {
			return fmt.Errorf("close the %s digest: %w", d.Week, gh.Classify(err))
		}
		if err := ds.SetDigestClosed(ctx, d.Week); err != nil {
			return err
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
	return jobError(err)
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
