package tracker

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/core"
	"github.com/goalbot/goalbot/bot/job"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/riverqueue/river"
)

// leaseTTL bounds how long a crashed worker can block a goal's comment.
const leaseTTL = time.Minute

// leaseOwner names this process for leases: host, pid and a random part.
func leaseOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// renderWorker runs RenderStatus jobs.
type renderWorker struct {
	river.WorkerDefaults[RenderStatus]
	t *Tracker
}

func (w *renderWorker) Work(ctx context.Context, j *river.Job[RenderStatus]) error {
	goal := j.Args.Goal
	giveUp := time.Now().Add(leaseWait)
	for {
		// Asked for before the lease, so that a render of this process
		// ending in between is not missed.
		freed := w.t.rendered.wait(goal)
		err := w.t.RenderStatus(ctx, goal)
		var busy *leaseBusyError
		if !errors.As(err, &busy) {
			w.t.rendered.done(goal)
			return jobError(wrap(err, "render the status comment of %s", goal))
		}
		if time.Now().After(giveUp) {
			// Held all along, by a slow render or another replica: free
			// the worker and try later.
			return river.JobSnooze(leaseRetry)
		}
		// Most often the other render is this process's (the goal's other
		// slot, about as long as one GitHub edit): try again as soon as a
		// render ends, not a snooze later (a snooze of a second made the
		// last render of a burst wait most of it for nothing).
		t := time.NewTimer(leaseRetry)
		select {
		case <-freed:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		t.Stop()
	}
}

// A render that finds its goal's lease taken tries again when a render of
// this process ends, or after leaseRetry, for leaseWait; then it snoozes
// leaseRetry.
const (
	leaseRetry = 250 * time.Millisecond
	leaseWait  = time.Second
)

// renderEnds tells renders waiting for a goal's lease that a render of
// that goal in this process ended.
type renderEnds struct {
	mu    sync.Mutex
	goals map[string]chan struct{}
}

// wait returns a channel closed when the next render of goal ends.
func (r *renderEnds) wait(goal string) <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.goals == nil {
		r.goals = map[string]chan struct{}{}
	}
	c, ok := r.goals[goal]
	if !ok {
		c = make(chan struct{})
		r.goals[goal] = c
	}
	return c
}

// done wakes whoever waits for a render of goal to end.
func (r *renderEnds) done(goal string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.goals[goal]; ok {
		close(c)
		delete(r.goals, goal)
	}
}

// leaseBusyError says another worker is writing the goal's comment now.
type leaseBusyError struct{ goal string }

func (e *leaseBusyError) Error() string {
	return "status comment of " + e.goal + " is being written elsewhere"
}

// View builds the render view of a goal from the store (core.View).
func (t *Tracker) View(ctx context.Context, goalID string) (render.GoalView, error) {
	g, err := t.store.Goal(ctx, goalID)
	if err != nil {
		return render.GoalView{}, fmt.Errorf("load goal %s: %w", goalID, err)
	}
	return t.viewOf(ctx, g)
}

// viewOf builds the render view of a goal already read, with its document.
func (t *Tracker) viewOf(ctx context.Context, g bot.Goal) (render.GoalView, error) {
	goalID, doc := g.ID, g.Doc
	if doc == nil {
		return render.GoalView{}, fmt.Errorf("goal %s: no stored document", goalID)
	}
	links, err := t.store.Links(ctx, goalID)
	if err != nil {
		return render.GoalView{}, fmt.Errorf("links of %s: %w", goalID, err)
	}
	statuses, err := t.store.Statuses(ctx, goalID)
	if err != nil {
		return render.GoalView{}, fmt.Errorf("statuses of %s: %w", goalID, err)
	}
	items, err := t.goalItems(ctx, goalID)
	if err != nil {
		return render.GoalView{}, err
	}
	v := core.View(g, doc, links, items, statuses)
	core.MarkAuto(&v, links)
	ps, found, err := t.placements(ctx, g, doc, links)
	if err != nil {
		return render.GoalView{}, fmt.Errorf("related items of %s: %w", goalID, err)
	}
	v.Related = core.RelatedItems(ps, found, t.rules)
	return v, nil
}

// RenderStatus brings the living status comment of a goal in step with the
// store: it takes the goal's lease, renders, and writes only when the text
// changed; a comment deleted on GitHub is made again.
func (t *Tracker) RenderStatus(ctx context.Context, goalID string) (err error) {
	g, err := t.store.Goal(ctx, goalID)
	if err != nil {
		return fmt.Errorf("load goal %s: %w", goalID, err)
	}
	if g.TrackingIssue.IsZero() {
		return nil
	}
	// Every attempt leases under its own name, so concurrent workers of
	// one process exclude each other too.
	owner := fmt.Sprintf("%s/%d", t.owner, t.leases.Add(1))
	sc, ok, err := t.store.LeaseStatusComment(ctx, goalID, g.TrackingIssue, owner, leaseTTL)
	if err != nil {
		return fmt.Errorf("lease the status comment of %s: %w", goalID, err)
	}
	if !ok {
		return &leaseBusyError{goalID}
	}
	saved := false
	defer func() {
		if !saved {
			t.store.ReleaseStatusComment(context.WithoutCancel(ctx), goalID, owner)
		}
	}()
	// Under the lease, read the version first: what is rendered below is at
	// least that new.
	if g, err = t.store.Goal(ctx, goalID); err != nil {
		return fmt.Errorf("load goal %s: %w", goalID, err)
	}
	version := g.StatusVersion
	if sc.CommentID != 0 && sc.Issue == g.TrackingIssue && sc.RenderedVersion >= version {
		return nil // a render since the last change already showed it
	}
	v, err := t.viewOf(ctx, g) // the goal read under the lease, not read again
	if err != nil {
		return err
	}
	body := render.StatusComment(v)
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	issue := g.TrackingIssue
	if sc.CommentID != 0 && sc.BodyHash == hash && sc.Issue == issue {
		// Nothing shown changed: no write, but remember the version.
		sc.RenderedVersion = version
		if err := t.store.SaveStatusComment(ctx, sc, owner); err != nil {
			return fmt.Errorf("record the status comment of %s: %w", goalID, err)
		}
		saved = true
		return nil
	}
	id, err := t.writeStatusComment(ctx, goalID, issue, sc, body)
	if err != nil {
		return err
	}
	if err := t.store.SaveStatusComment(ctx, bot.StatusComment{Goal: goalID, Issue: issue, CommentID: id, BodyHash: hash, RenderedVersion: version}, owner); err != nil {
		return fmt.Errorf("record the status comment of %s: %w", goalID, err)
	}
	saved = true
	return nil
}

// writeStatusComment edits the goal's living comment or creates it, and
// returns its id. Whenever the stored id cannot be trusted — none stored
// (a worker died after creating it, or its answer was lost), the goal moved
// to another tracking issue, or the edit found it deleted — it first looks
// for the goal's marker among the bot's comments and adopts what it finds,
// so that however often a create is retried the issue holds one.
func (t *Tracker) writeStatusComment(ctx context.Context, goalID string, issue ref.Ref, sc bot.StatusComment, body string) (int64, error) {
	marker := render.Marker(goalID)
	id := sc.CommentID
	if sc.Issue != issue {
		id = 0 // the goal moved to another tracking issue
	}
	if id == 0 {
		found, err := t.gh.FindComment(ctx, issue, marker, 0)
		if err != nil {
			return 0, fmt.Errorf("look for the status comment of %s: %w", goalID, err)
		}
		id = found
	}
	for tries := 0; id != 0 && tries < 3; tries++ {
		err := t.gh.EditComment(ctx, issue, id, body)
		if err == nil {
			t.logger(ctx).Info().Str("goal", goalID).Int64("comment", id).Msg("status comment updated")
			return id, nil
		}
		if bot.ErrorCode(err) != bot.ENOTFOUND {
			return 0, fmt.Errorf("edit status comment of %s: %w", goalID, err)
		}
		t.logger(ctx).Warn().Str("goal", goalID).Int64("comment", id).Msg("status comment was deleted; looking for another before making it again")
		found, err := t.gh.FindComment(ctx, issue, marker, id)
		if err != nil {
			return 0, fmt.Errorf("look for the status comment of %s: %w", goalID, err)
		}
		if found == id {
			found = 0
		}
		id = found
	}
	if id != 0 {
		return 0, fmt.Errorf("status comment of %s: comment %d vanished while being edited", goalID, id)
	}
	id, err := t.gh.CreateComment(ctx, issue, body)
	if err != nil {
		return 0, fmt.Errorf("create status comment of %s: %w", goalID, err)
	}
	t.logger(ctx).Info().Str("goal", goalID).Int64("comment", id).Str("issue", issue.String()).Msg("status comment created")
	return id, nil
}

// jobError turns an error into the job's fate, after classifying GitHub's
// errors (rate limits snooze, gone items are not retried).
func jobError(err error) error {
	if err == nil {
		return nil
	}
	return job.Fate(err) // GitHub's errors come classified from the gateway
}
