// Package tracker is goalbot's main job: it keeps the items that subgoals
// depend on current from webhooks and API reads, turns their state into a
// status per subgoal, logs every transition, and keeps one living status
// comment per tracking issue in step.
package tracker

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/job"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/config"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"
)

// Store is the persistence the tracker needs.
type Store interface {
	SaveGoal(ctx context.Context, g bot.Goal, links []bot.Link) error
	Goal(ctx context.Context, id string) (bot.Goal, error)
	Goals(ctx context.Context) ([]bot.Goal, error)
	GoalsByTrackingIssue(ctx context.Context, r ref.Ref) ([]bot.Goal, error)
	Links(ctx context.Context, goal string) ([]bot.Link, error)
	LinksToItem(ctx context.Context, item ref.Ref) ([]bot.Link, error)
	AddLink(ctx context.Context, l bot.Link) (bool, error)
	RemoveLinks(ctx context.Context, goal string, item ref.Ref) (int, error)
	Item(ctx context.Context, r ref.Ref) (bot.Item, error)
	ItemsOf(ctx context.Context, refs []ref.Ref) (map[ref.Ref]bot.Item, error)
	Items(ctx context.Context) ([]bot.Item, error)
	GoalItems(ctx context.Context, goal string) ([]bot.Item, error)
	UpdateItem(ctx context.Context, r ref.Ref, fn func(it *bot.Item, exists bool) (bool, error)) (bool, error)
	// UpdateItems is UpdateItem for several distinct items in one
	// transaction; fn gets each item's index in refs.
	UpdateItems(ctx context.Context, refs []ref.Ref, fn func(i int, it *bot.Item, exists bool) (bool, error)) ([]bool, error)
	LockGoal(ctx context.Context, goal string) (unlock func(), err error)
	Statuses(ctx context.Context, goal string) (map[string]bot.SubgoalStatus, error)
	SaveStatuses(ctx context.Context, goal string, changed []bot.SubgoalStatus, removed []string, transitions []bot.Transition) error
	LeaseStatusComment(ctx context.Context, goal string, issue ref.Ref, owner string, ttl time.Duration) (bot.StatusComment, bool, error)
	SaveStatusComment(ctx context.Context, sc bot.StatusComment, owner string) error
	ReleaseStatusComment(ctx context.Context, goal, owner string) error
	Replier
	DigestStore
	SyncStore
	DiscoveryStore
}

// Queue enqueues follow-up jobs (item refreshes, comment renders).
type Queue interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	// InsertMany enqueues a batch in one statement (the refreshes of a
	// goal being loaded), so that all of them wait before any finishes.
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	// JobGet and JobRetry make a delayed render available when it is due
	// (see enqueueRender).
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobRetry(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// Config holds the tracker's collaborators and settings.
type Config struct {
	Store    Store
	GitHub   bot.GitHub // every GitHub read and write (bot/gh's Gateway)
	Log      zerolog.Logger
	Settings *config.Config
	Now      func() time.Time // default time.Now
	// RenderDelay gathers a burst of changes into one comment write;
	// 0 renders at once.
	RenderDelay time.Duration
	Monitor     Monitor // told of successful syncs and digests; may be nil
}

// Tracker is the status engine.
type Tracker struct {
	store  Store
	gh     bot.GitHub
	log    zerolog.Logger
	cfg    *config.Config
	queue  Queue
	now    func() time.Time
	rules  rules
	owner  string       // lease owner id of this process
	leases atomic.Int64 // numbers each lease attempt

	rendered renderEnds  // renders waiting for a goal's lease hear when one ends
	joinable waitingJobs // the recompute a burst of refreshes joins, the render changes join
	batches  running     // RefreshItems batches running, per goal

	recomputes    sync.Map // goal id → *atomic.Int64 recomputations run, see Recomputes
	trackingRepos sync.Map // lower-case owner/repo (and former names) of loaded goals' tracking issues, see KeepWords

	renderDelay time.Duration // see Config.RenderDelay
	batchBudget time.Duration // see batchBudget; tests shorten it
	monitor     Monitor       // see Config.Monitor
}

// New returns a tracker; call Register and SetQueue before use.
func New(c Config) *Tracker {
	t := &Tracker{store: c.Store, gh: c.GitHub, log: c.Log, cfg: c.Settings, now: c.Now, renderDelay: c.RenderDelay, monitor: c.Monitor,
		batchBudget: batchBudget}
	if t.now == nil {
		t.now = func() time.Time { return time.Now().UTC() }
	}
	t.rules = newRules(c.Settings)
	t.owner = leaseOwner()
	return t
}

// SetQueue gives the tracker the job queue for follow-up jobs.
func (t *Tracker) SetQueue(q Queue) { t.queue = q }

// Register plugs the tracker's webhook handlers into the dispatcher and its
// jobs into the River workers.
func (t *Tracker) Register(d *job.Dispatcher, w *river.Workers) {
	d.Handle(job.HandlerFunc(named("update the item", t.handleIssue)), "issues", "pull_request")
	d.Handle(job.HandlerFunc(named("read the comment", t.handleComment)), "issue_comment")
	d.Handle(job.HandlerFunc(named("answer commands", t.handleCommands)), "issue_comment", "issues", "pull_request_review")
	d.Handle(job.HandlerFunc(named("reload pushed goal documents", t.handlePush)), "push")
	d.Handle(job.HandlerFunc(named("discover references to goals", t.handleDiscovery)), "issues", "pull_request", "issue_comment")
	river.AddWorker(w, &refreshWorker{t: t})
	river.AddWorker(w, &refreshItemsWorker{t: t})
	river.AddWorker(w, &renderWorker{t: t})
	river.AddWorker(w, &recomputeWorker{t: t})
	river.AddWorker(w, &syncWorker{t: t})
	river.AddWorker(w, &digestWorker{t: t})
	river.AddWorker(w, &noticeWorker{t: t})
	river.AddWorker(w, &timelineWorker{t: t})
}

// RenderStatus is the job that brings a goal's living comment in step.
type RenderStatus struct {
	Goal string `json:"goal" river:"unique"`
	// Again marks the second slot of a goal, taken while the first runs.
	Again bool `json:"again,omitempty" river:"unique"`
}

// Kind names the job.
func (RenderStatus) Kind() string { return "render_status" }

// named wraps a webhook handler so that its errors say which step of the
// delivery failed.
func named(what string, h func(ctx context.Context, d bot.Delivery) error) func(ctx context.Context, d bot.Delivery) error {
	return func(ctx context.Context, d bot.Delivery) error {
		return wrap(h(ctx, d), "%s %s: %s", d.Event, d.ID, what)
	}
}

// wrap adds what was being done to err (nil stays nil).
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// logger returns the logger of ctx (a delivery's, carrying its id, event
// and repository) or the tracker's own.
func (t *Tracker) logger(ctx context.Context) *zerolog.Logger {
	if l := zerolog.Ctx(ctx); l.GetLevel() != zerolog.Disabled {
		return l
	}
	return &t.log
}

// KeepWords returns the words whose presence in a delivery about an item
// no goal tracks yet means a handler may still act on it, so the receiver
// keeps its job: the repository names of the loaded goals' tracking issues
// (with their former names), since discovery may place the item; and with
// [fcp] track_all, rfcbot's and triagebot's FCP and MCP labels and the
// trusted rfcbot logins, since such an item becomes followed. It is the
// receiver's side of updateItem's and handleDiscovery's rules.
func (t *Tracker) KeepWords() []string {
	var out []string
	t.trackingRepos.Range(func(k, _ any) bool {
		out = append(out, k.(string))
		return true
	})
	if t.cfg != nil && t.cfg.FCP.TrackAll {
		out = append(out, "final-comment-period", "major-change", "disposition-")
		out = append(out, t.cfg.GitHub.RFCBotLogins...)
	}
	return out
}

// noteTrackingIssue remembers r's repository for KeepWords.
func (t *Tracker) noteTrackingIssue(r ref.Ref) {
	if r.IsZero() {
		return
	}
	for _, n := range ref.Names(r.FullName()) {
		t.trackingRepos.Store(n, true)
	}
}

// workers is how many jobs run at once in this process ([jobs] workers).
func (t *Tracker) workers() int {
	if t.cfg == nil || t.cfg.Jobs.Workers < 1 {
		return config.DefaultJobWorkers
	}
	return t.cfg.Jobs.Workers
}
