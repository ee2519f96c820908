package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/core"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/job"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"
)

// RefreshItem is the job that re-reads one item from GitHub.
type RefreshItem struct {
	Item string `json:"item" river:"unique"`
}

// Kind names the job.
func (RefreshItem) Kind() string { return "refresh_item" }

// RefreshItems is the job that reads a batch of the items of a goal being
// loaded. One job per item cost the database more in the queue's own work
// (inserting, fetching, completing 1,000 jobs, and looking up the gathered
// recomputation after each item) than in the items themselves.
type RefreshItems struct {
	Items []string `json:"items" river:"unique"`
	// Goal is the goal being loaded, whose gathered recomputation waits
	// for the batch to end (recomputeWorker).
	Goal string `json:"goal,omitempty"`
}

// Kind names the job.
func (RefreshItems) Kind() string { return "refresh_items" }

// bulkPriority is River's priority of the reads of a goal being loaded and
// of the recomputations gathered from them (1, every other job's, comes
// first): a delivery (a command, a label) queued during a load waited
// behind the load's reads; now it waits for a worker to end its batch
// (BenchmarkCommandReplyDuringLoad).
const bulkPriority = 2

// bulkReadOpts are the insert options of the reads of a goal being loaded.
func bulkReadOpts() *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: refreshUnique(), Priority: bulkPriority}
}

// maxBatch bounds the items of one RefreshItems job.
const maxBatch = 50

// batchBudget bounds the time a RefreshItems job spends reading before it
// leaves its remaining items to a new batch, queued behind the jobs
// waiting: a delivery waits at most about that long for a worker during a
// load from a slow GitHub, and no batch runs into River's 2-minute job
// timeout (one GitHub request may take 30 s).
const batchBudget = 5 * time.Second

// refreshJobs returns the jobs that read items: one per item while there
// are few, in batches once there are more than four times the workers, of
// at most maxBatch items. Four batches per worker keep every worker busy
// and each batch short: a delivery waits for the first batch to end (132
// ms into a 1,000-item load with GitHub at 10 ms, 530 ms with two batches
// per worker; BenchmarkCommandReplyDuringLoad), and the load took as
// long.
func refreshJobs(goal string, items []string, workers int) []river.InsertManyParams {
	size := max(1, min(maxBatch, (len(items)+4*workers-1)/max(1, 4*workers)))
	var jobs []river.InsertManyParams
	for len(items) > 0 {
		n := min(size, len(items))
		var args river.JobArgs = RefreshItems{Items: items[:n], Goal: goal}
		if size == 1 {
			args = RefreshItem{Item: items[0]}
		}
		jobs = append(jobs, river.InsertManyParams{Args: args, InsertOpts: bulkReadOpts()})
		items = items[n:]
	}
	return jobs
}

// goalBatch collects the goals whose items a batch changed, goal id →
// whether some change was shown besides statuses (cause.Shown), so that
// each is recomputed once, after the batch's last change was committed.
type goalBatch map[string]bool

// refreshItemsWorker runs RefreshItems jobs.
type refreshItemsWorker struct {
	river.WorkerDefaults[RefreshItems]
	t *Tracker
}

// Work reads the batch's items one after the other, stores what changed
// in one transaction, then asks for one gathered recomputation of each
// goal it changed. An item whose read fails is retried in a RefreshItem
// job of its own, with that job's backoff (or cancelled there, for an
// error that will not pass), so one bad item neither holds up nor repeats
// the others. When GitHub asks to
// wait (a rate limit), the batch stops and waits as a whole; the items
// read by then are read again conditionally, which costs no rate limit.
// Items not read within batchBudget go to a new batch.
func (w *refreshItemsWorker) Work(ctx context.Context, j *river.Job[RefreshItems]) error {
	t := w.t
	if j.Args.Goal != "" {
		defer t.batches.start(j.Args.Goal)()
	}
	var refs []ref.Ref
	for _, s := range j.Args.Items {
		r, err := ref.Parse(s, ref.Ref{})
		if err != nil {
			t.logger(ctx).Error().Str("item", s).Err(err).Msg("item read skipped: not an item reference")
			continue
		}
		refs = append(refs, r)
	}
	prev, err := t.store.ItemsOf(ctx, refs)
	if err != nil {
		return err
	}
	batch := goalBatch{}
	if j.Attempt > 1 {
		// An earlier attempt may have stored changes and failed before
		// their goals were recomputed; read again, those items are
		// unchanged, so every goal of the batch is asked for, as shown
		// (what changed is not known; a render that finds its comment as
		// it would write it writes nothing).
		links, _, err := t.store.FollowersOf(ctx, refs)
		if err != nil {
			return err
		}
		for _, ls := range links {
			for _, l := range ls {
				batch[l.Goal] = true
			}
		}
	}
	var changes []itemChange
	var again []river.InsertManyParams
	var stop error
	budget := time.Now().Add(t.batchBudget)
	var rest []string
	for k, r := range refs {
		s := r.String()
		if k > 0 && time.Now().After(budget) {
			// Slow reads (a slow GitHub, waits on its limits) must not
			// run the job into River's timeout: the items not read by
			// now go to a batch of their own.
			for _, r := range refs[k:] {
				rest = append(rest, r.String())
			}
			break
		}
		change, err := t.readItem(ctx, r, prev[r])
		var wait job.RetryAfter
		switch {
		case err == nil:
			if change != nil {
				changes = append(changes, itemChange{r, cause{Item: r, Batch: batch}, change})
			}
		case ctx.Err() != nil:
			return err
		case errors.As(err, &wait):
			stop = wrap(err, "refresh %s", r)
		default:
			t.logger(ctx).Warn().Err(err).Str("item", s).Msg("item read failed; retried in a job of its own")
			again = append(again, river.InsertManyParams{Args: RefreshItem{Item: s}, InsertOpts: bulkReadOpts()})
		}
		if stop != nil {
			break
		}
	}
	// The batch's changes commit together, then its goals are recomputed.
	if err := t.updateItems(ctx, changes); err != nil {
		return err
	}
	for goal, shown := range batch {
		if err := t.gatherRecompute(ctx, goal, cause{Gather: true, Shown: shown}); err != nil {
			return err
		}
	}
	if stop != nil {
		return jobError(stop)
	}
	if len(rest) > 0 {
		again = append(again, river.InsertManyParams{Args: RefreshItems{Items: rest, Goal: j.Args.Goal}, InsertOpts: bulkReadOpts()})
	}
	if len(again) > 0 {
		if _, err := t.queue.InsertMany(ctx, again); err != nil {
			return fmt.Errorf("enqueue %d failed item reads: %w", len(again), err)
		}
	}
	return nil
}

// refreshWorker runs RefreshItem jobs.
type refreshWorker struct {
	river.WorkerDefaults[RefreshItem]
	t *Tracker
}

func (w *refreshWorker) Work(ctx context.Context, j *river.Job[RefreshItem]) error {
	r, err := ref.Parse(j.Args.Item, ref.Ref{})
	if err != nil {
		return river.JobCancel(err)
	}
	// Refresh jobs come in bursts (a goal loading 1,000 items): their
	// goals are recomputed once per burst, not once per item.
	return jobError(wrap(w.t.refresh(ctx, r, cause{Gather: true}), "refresh %s", r))
}

// Refresh re-reads an item from GitHub: a conditional read of the issue or
// pull request, then its comments, from which the FCP and MCP state is
// rebuilt. Editing a comment (rfcbot ticking a box, resolving a concern)
// changes neither the issue's updated_at nor its ETag, so when the issue
// read answers 304 the comments updated since the newest one last seen are
// asked for, conditionally too: both 304 (no rate limit spent) end the
// refresh; a changed comment rebuilds the state from the full listing.
func (t *Tracker) Refresh(ctx context.Context, r ref.Ref) error {
	return t.refresh(ctx, r, cause{})
}

// refresh is Refresh with the cause of the change it stores: c.Gather
// leaves the recomputation of the linked goals to a RecomputeGoal job
// shared by a burst of refreshes, c.Batch to the batch's end.
func (t *Tracker) refresh(ctx context.Context, r ref.Ref, c cause) error {
	prev, err := t.store.Item(ctx, r)
	if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		return fmt.Errorf("load item %s: %w", r, err)
	}
	change, err := t.readItem(ctx, r, prev)
	if err != nil || change == nil {
		return err
	}
	c.Item = r
	return t.updateItem(ctx, r, c, change)
}

// readItem reads r from GitHub as Refresh says and returns the change that
// brings the stored item in step, or nil when it is as last read (prev,
// zero when r is not stored).
func (t *Tracker) readItem(ctx context.Context, r ref.Ref, prev bot.Item) (func(s *bot.Item) error, error) {
	log := zerolog.Ctx(ctx).With().Str("item", r.String()).Logger()
	iss, notModified, err := t.gh.GetIssue(ctx, r, prev.ETag)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			log.Warn().Msg("item is gone (404/410); no longer read")
			return func(s *bot.Item) error {
				s.Gone, s.FetchedAt = true, t.now()
				if s.Kind == "" {
					s.Kind = core.KindOf(r, false, nil)
				}
				return nil
			}, nil
		}
		return nil, err
	}
	if notModified {
		changed, err := t.commentsChanged(ctx, prev)
		if err != nil || !changed {
			return nil, err
		}
	}
	comments, err := t.gh.ListComments(ctx, r, time.Time{})
	if err != nil {
		return nil, err
	}
	p := t.parser()
	return func(s *bot.Item) error {
		if notModified {
			// The issue is as last read (and as webhooks kept it since).
			iss = bot.Issue{Repo: r, Title: s.Title, State: s.State, IsPull: s.IsPull, Labels: s.Labels,
				Author: s.Author, UpdatedAt: s.UpdatedAt, ETag: s.ETag}
		}
		// Rebuild from history: comments in order, then the labels as they
		// are now (newest), then the open/closed state.
		*s = core.NewItem(r)
		core.Merge(s, iss)
		s.ETag, s.FetchedAt = iss.ETag, t.now()
		listing := make([]fcp.Comment, 0, len(comments))
		for _, c := range comments {
			listing = append(listing, fcp.Comment{ID: c.ID, Author: c.Author, Body: c.Body, URL: c.URL, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt})
			if c.UpdatedAt.After(s.CommentsSince) {
				s.CommentsSince = c.UpdatedAt
			}
		}
		s.FCP, s.MCP = p.Rebuild(listing, iss.Labels, iss.State != bot.StateOpen, iss.UpdatedAt)
		log.Info().Str("state", s.State).Str("fcp", string(s.FCP.Phase)).Str("mcp", string(s.MCP.Phase)).Msg("item read from GitHub")
		return nil
	}, nil
}

// commentsChanged reports whether a comment of prev was added or edited
// after its last full listing, by listing the comments updated since the
// newest one then seen, conditionally on the ETag of the last such
// listing. A listing holding only comments already seen is not a change:
// its ETag is kept so the next ask costs nothing.
func (t *Tracker) commentsChanged(ctx context.Context, prev bot.Item) (bool, error) {
	fresh, etag, same, err := t.gh.ListCommentsSince(ctx, prev.Ref, prev.CommentsSince, prev.CommentsETag)
	if err != nil {
		return false, err
	}
	if same {
		return false, nil
	}
	for _, c := range fresh {
		if prev.CommentsSince.IsZero() || c.UpdatedAt.After(prev.CommentsSince) {
			return true, nil
		}
	}
	if etag == prev.CommentsETag {
		return false, nil
	}
	_, err = t.store.UpdateItem(ctx, prev.Ref, func(it *bot.Item, exists bool) (bool, error) {
		if !exists || !it.CommentsSince.Equal(prev.CommentsSince) {
			return false, nil // read again since: its own listing decides
		}
		it.CommentsETag = etag
		return true, nil
	})
	return false, wrap(err, "remember the comments ETag of %s", prev.Ref)
}
