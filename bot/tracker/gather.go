package tracker

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// RecomputeGoal is the job that recomputes a goal's statuses once for a
// burst of item changes (the refresh jobs of a goal being loaded): every
// refresh of the burst finds it still waiting and joins it.
type RecomputeGoal struct {
	Goal string `json:"goal" river:"unique"`
	// Shown: some item of the burst changed what the living comment shows
	// besides statuses (cause.Shown), so the comment is rendered again.
	Shown bool `json:"shown,omitempty" river:"unique"`
	// Again marks the second slot of a goal, taken while the first runs.
	Again bool `json:"again,omitempty" river:"unique"`
}

// Kind names the job.
func (RecomputeGoal) Kind() string { return "recompute_goal" }

// recomputeUnique makes a RecomputeGoal unique per goal while it waits or
// runs (River requires the running state in every unique set).
func recomputeUnique() river.UniqueOpts {
	return river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled}}
}

// gatherRecompute asks for a recomputation of goalID by a RecomputeGoal
// job, available at once: queued behind the refreshes already waiting
// (River takes jobs in order of priority, then of scheduling; it has the
// reads' bulkPriority, after any other job's), it runs when the burst has
// been read, and each refresh that comes before it joins it instead of
// recomputing. The item change is committed before the job is looked up,
// so a waiting job will read it. A job that is already running may have
// read the items before this change: then the goal is recomputed here, at
// in the second slot, or, when that one runs too, here at once as before
// bursts were gathered (under the goal lock, so after or before that job,
// never with older items than this change).
func (t *Tracker) gatherRecompute(ctx context.Context, goalID string, c cause) error {
	key := fmt.Sprintf("recompute %s %v", goalID, c.Shown)
	if t.joinable.get(ctx, t.queue, key) != nil {
		return nil
	}
	// Two job slots per goal: while the first runs (it may have read the
	// items before this change), the second waits for the next burst.
	for _, again := range []bool{false, true} {
		res, err := t.queue.Insert(ctx, RecomputeGoal{Goal: goalID, Shown: c.Shown, Again: again}, &river.InsertOpts{UniqueOpts: recomputeUnique(), Priority: bulkPriority})
		if err != nil {
			return fmt.Errorf("enqueue recompute of %s: %w", goalID, err)
		}
		if !res.UniqueSkippedAsDuplicate || (res.Job != nil && (res.Job.State != rivertype.JobStateRunning || t.joinable.isUnread(res.Job.ID))) {
			if res.Job != nil {
				t.joinable.remember(key, res.Job.ID)
			}
			return nil
		}
	}
	// Both slots run: this change comes at the end of a burst whose
	// recomputation started, so its render need not wait for more.
	c.Gather, c.Gathered = false, true
	return t.Recompute(ctx, goalID, c)
}

// waitingJobs remembers, per key, the waiting job (of either slot) this
// process last enqueued or joined: the goal's recomputation that a burst
// of refreshes joins, the goal's render that changes join. Later callers
// find it waiting with a read instead of a unique insert (a write, and on
// PostgreSQL a commit's flush, each time).
type waitingJobs struct {
	mu   sync.Mutex
	jobs map[string]int64
	// unread holds the jobs of this process that run but have not read
	// the store yet: as good as waiting.
	unread map[int64]bool
}

// unreadStart marks job id of this process running but not yet reading;
// unreadEnd marks it reading (or done).
func (w *waitingJobs) unreadStart(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.unread == nil {
		w.unread = map[int64]bool{}
	}
	w.unread[id] = true
}

func (w *waitingJobs) unreadEnd(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.unread, id)
}

// isUnread reports whether job id runs in this process and has read
// nothing yet.
func (w *waitingJobs) isUnread(id int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.unread[id]
}

func (w *waitingJobs) remember(key string, id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.jobs == nil {
		w.jobs = map[string]int64{}
	}
	w.jobs[key] = id
}

// get returns the job remembered for key if it has yet to start (it will
// then read what was committed before this call), or nil, forgetting it.
func (w *waitingJobs) get(ctx context.Context, q Queue, key string) *rivertype.JobRow {
	w.mu.Lock()
	id, ok := w.jobs[key]
	w.mu.Unlock()
	if !ok {
		return nil
	}
	j, err := q.JobGet(ctx, id)
	if err == nil {
		switch j.State {
		case rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStatePending, rivertype.JobStateRetryable:
			return j
		case rivertype.JobStateRunning:
			if w.isUnread(id) {
				return j
			}
		}
	}
	w.mu.Lock()
	if w.jobs[key] == id {
		delete(w.jobs, key)
	}
	w.mu.Unlock()
	return nil
}

// recomputeWorker runs RecomputeGoal jobs.
type recomputeWorker struct {
	river.WorkerDefaults[RecomputeGoal]
	t *Tracker
}

// Work waits for the batches of item reads of its goal that run in this
// process to end (for at most batchWait), then recomputes the goal. Until
// it holds the goal's lock it has read nothing, so changes committed
// meanwhile still join it (waitingJobs.unread): the last batches of a
// goal being loaded, running when the recomputation was taken, made it
// run three to five times, each followed by a render of the whole goal.
func (w *recomputeWorker) Work(ctx context.Context, j *river.Job[RecomputeGoal]) error {
	t, goal := w.t, j.Args.Goal
	t.joinable.unreadStart(j.ID)
	defer t.joinable.unreadEnd(j.ID)
	if err := t.batches.await(ctx, goal, batchWait); err != nil {
		return err
	}
	unlock, err := t.store.LockGoal(ctx, goal)
	if err != nil {
		return fmt.Errorf("lock goal %s: %w", goal, err)
	}
	t.joinable.unreadEnd(j.ID)
	// The transitions of a gathered burst name no single delivery or item:
	// the burst's changes are merged into one step per subgoal.
	return jobError(wrap(t.recomputeLocked(ctx, goal, cause{Shown: j.Args.Shown, Gathered: true}, unlock), "recompute %s", goal))
}

// batchWait bounds how long a gathered recomputation waits for the
// batches of its goal: a batch reading from a slow GitHub must not hold
// the goal's statuses back for long (those it changes later take the
// goal's second slot).
const batchWait = 10 * time.Second

// running counts, per goal, the RefreshItems batches running in this
// process for it.
type running struct {
	mu    sync.Mutex
	goals map[string]int
	ended chan struct{} // closed, and replaced, when a batch ends
}

// start counts a batch of goal as running until the returned func is
// called.
func (r *running) start(goal string) (end func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.goals == nil {
		r.goals, r.ended = map[string]int{}, make(chan struct{})
	}
	r.goals[goal]++
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.goals[goal]--; r.goals[goal] == 0 {
			delete(r.goals, goal)
		}
		close(r.ended)
		r.ended = make(chan struct{})
	}
}

// await returns when no batch of goal runs in this process, or after
// limit, or with ctx's error when it ends first.
func (r *running) await(ctx context.Context, goal string, limit time.Duration) error {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for {
		r.mu.Lock()
		n, ended := r.goals[goal], r.ended
		r.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ended:
		case <-timer.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Recomputes counts the recomputations of goalID this tracker ran (tests
// and benchmarks check that a burst costs a few, not one per item).
func (t *Tracker) Recomputes(goalID string) int64 {
	if n, ok := t.recomputes.Load(goalID); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}
