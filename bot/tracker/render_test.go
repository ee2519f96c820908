package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"
)

// slotQueue is a Queue that keeps River's uniqueness by kind and args and
// records promotions.
type slotQueue struct {
	mu       sync.Mutex
	jobs     map[string]*rivertype.JobRow // unique key → job
	byID     map[int64]*rivertype.JobRow
	inserts  int
	promoted []int64
	gets     map[int64]int   // JobGet calls per job
	many     []river.JobArgs // inserted by InsertMany, in order
}

func newSlotQueue() *slotQueue {
	return &slotQueue{jobs: map[string]*rivertype.JobRow{}, byID: map[int64]*rivertype.JobRow{}, gets: map[int64]int{}}
}

// await polls cond, under the queue's lock, until it holds or 5 s pass.
func (q *slotQueue) await(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		q.mu.Lock()
		ok := cond()
		q.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within 5 s: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (q *slotQueue) Insert(_ context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.inserts++
	var key string
	switch r := args.(type) {
	case RenderStatus:
		key = fmt.Sprintf("%s %s %v", r.Kind(), r.Goal, r.Again)
	case RecomputeGoal:
		key = fmt.Sprintf("%s %s %v %v", r.Kind(), r.Goal, r.Shown, r.Again)
	}
	unique := opts != nil && opts.UniqueOpts.ByArgs
	if j, ok := q.jobs[key]; ok && unique && j.State != rivertype.JobStateCompleted {
		return &rivertype.JobInsertResult{Job: j, UniqueSkippedAsDuplicate: true}, nil
	}
	encoded, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	j := &rivertype.JobRow{ID: int64(len(q.byID) + 1), Kind: args.Kind(), State: rivertype.JobStateAvailable, EncodedArgs: encoded, Priority: 1}
	if opts != nil && opts.Priority != 0 {
		j.Priority = opts.Priority
	}
	if opts != nil && opts.ScheduledAt.After(time.Now()) {
		j.State, j.ScheduledAt = rivertype.JobStateScheduled, opts.ScheduledAt
	}
	if unique {
		q.jobs[key] = j
	}
	q.byID[j.ID] = j
	cp := *j
	return &rivertype.JobInsertResult{Job: &cp}, nil
}

func (q *slotQueue) InsertMany(_ context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, p := range params {
		q.many = append(q.many, p.Args)
	}
	return nil, nil
}

func (q *slotQueue) JobGet(_ context.Context, id int64) (*rivertype.JobRow, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.gets[id]++
	cp := *q.byID[id]
	return &cp, nil
}

func (q *slotQueue) JobRetry(_ context.Context, id int64) (*rivertype.JobRow, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.byID[id].State, q.byID[id].ScheduledAt = rivertype.JobStateAvailable, time.Now()
	q.promoted = append(q.promoted, id)
	cp := *q.byID[id]
	return &cp, nil
}

func (q *slotQueue) set(id int64, s rivertype.JobState) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.byID[id].State = s
}

// TestRenderNowPromotesRenderMadeAvailableAhead: River's scheduler makes a
// job due within 5 s available but keeps its time, before which no worker
// takes it; a render wanted now must still be made due now.
func TestRenderNowPromotesRenderMadeAvailableAhead(t *testing.T) {
	ctx := context.Background()
	q := newSlotQueue()
	tr := &Tracker{queue: q, log: zerolog.Nop(), renderDelay: 4 * time.Second}
	tr.enqueueRender(ctx, "g")
	q.set(1, rivertype.JobStateAvailable) // what River's scheduler does ahead of time
	start := time.Now()
	if err := tr.enqueueRenderNow(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	q.await(t, "render due at once", func() bool { return len(q.promoted) == 1 && q.byID[1].ScheduledAt.Before(start.Add(time.Second)) })
	if n := len(q.byID); n != 1 {
		t.Errorf("%d render jobs, want the one, made due", n)
	}
}

// TestEnqueueRenderSlots: a burst of changes shares one waiting render; a
// change while that render runs takes the second slot; one while both run
// gets a render of its own, so no change is left unrendered.
func TestEnqueueRenderSlots(t *testing.T) {
	ctx := context.Background()
	q := newSlotQueue()
	tr := &Tracker{queue: q, log: zerolog.Nop()}
	for i := 0; i < 50; i++ {
		if err := tr.enqueueRender(ctx, "g"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(q.byID); n != 1 {
		t.Fatalf("50 changes made %d render jobs, want 1", n)
	}
	q.set(1, rivertype.JobStateRunning)
	tr.enqueueRender(ctx, "g")
	tr.enqueueRender(ctx, "g")
	if n := len(q.byID); n != 2 {
		t.Fatalf("changes while the first render runs made %d jobs in all, want 2", n)
	}
	q.set(2, rivertype.JobStateRunning)
	tr.enqueueRender(ctx, "g")
	if n := len(q.byID); n != 3 {
		t.Fatalf("a change while both slots run made %d jobs in all, want 3", n)
	}
	tr.enqueueRender(ctx, "other")
	if n := len(q.byID); n != 4 {
		t.Fatalf("another goal's change made %d jobs in all, want 4", n)
	}
}

// TestDelayedRenderPromotedWhenDue: a delayed render is made available
// when it is due rather than at River's next promotion, and a job that ran
// meanwhile is left alone.
func TestDelayedRenderPromotedWhenDue(t *testing.T) {
	ctx := context.Background()
	q := newSlotQueue()
	tr := &Tracker{queue: q, log: zerolog.Nop(), renderDelay: 30 * time.Millisecond}
	tr.enqueueRender(ctx, "g")
	tr.enqueueRender(ctx, "h")
	q.set(2, rivertype.JobStateCompleted) // "h" ran already (River promoted it)
	q.await(t, "render made available when due", func() bool { return q.byID[1].State == rivertype.JobStateAvailable })
	q.await(t, "h's timer looked at its job", func() bool { return q.gets[2] > 0 })
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.promoted) != 1 || q.promoted[0] != 1 {
		t.Errorf("promoted %v, want only job 1", q.promoted)
	}
}

// TestRenderNowPromotesWaitingRender: the render a gathered burst asks for
// does not wait for the delay of a render a single change scheduled.
func TestRenderNowPromotesWaitingRender(t *testing.T) {
	ctx := context.Background()
	q := newSlotQueue()
	tr := &Tracker{queue: q, log: zerolog.Nop(), renderDelay: time.Hour}
	tr.enqueueRender(ctx, "g")
	if j, _ := q.JobGet(ctx, 1); j.State != rivertype.JobStateScheduled {
		t.Fatalf("render is %s, want scheduled an hour from now", j.State)
	}
	if err := tr.enqueueRenderNow(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	q.await(t, "render made available at once", func() bool { return q.byID[1].State == rivertype.JobStateAvailable })
	if n := len(q.byID); n != 1 {
		t.Errorf("%d render jobs, want the one, made available", n)
	}
}

// TestRenderEnds: a render waiting for a goal's lease hears of the end of
// a render of that goal that began before or after it asked, and only of
// that goal's.
func TestRenderEnds(t *testing.T) {
	var r renderEnds
	a, b := r.wait("a"), r.wait("b")
	if again := r.wait("a"); again != a {
		t.Error("two waiters of one goal got different channels")
	}
	r.done("a")
	select {
	case <-a:
	default:
		t.Fatal("the end of a render of goal a was not heard")
	}
	select {
	case <-b:
		t.Fatal("a render of goal a woke the waiters of goal b")
	default:
	}
	next := r.wait("a")
	select {
	case <-next:
		t.Fatal("a waiter asking after a render ended heard of that render")
	default:
	}
	r.done("c") // no one waits: nothing happens
}

// TestGatherJoinsWaitingRecompute: the refreshes of a burst join the
// recomputation the first one enqueued by looking it up, not by inserting
// it again; once it runs, the next refresh takes the second slot.
func TestGatherJoinsWaitingRecompute(t *testing.T) {
	ctx := context.Background()
	q := newSlotQueue()
	tr := &Tracker{queue: q, log: zerolog.Nop()}
	for i := 0; i < 50; i++ {
		if err := tr.gatherRecompute(ctx, "g", cause{Gather: true}); err != nil {
			t.Fatal(err)
		}
	}
	if q.inserts != 1 || len(q.byID) != 1 || q.gets[1] != 49 {
		t.Fatalf("50 refreshes: %d inserts, %d jobs, %d looks at job 1; want 1, 1 and 49", q.inserts, len(q.byID), q.gets[1])
	}
	q.set(1, rivertype.JobStateRunning) // it may have read the items already
	if err := tr.gatherRecompute(ctx, "g", cause{Gather: true}); err != nil {
		t.Fatal(err)
	}
	if len(q.byID) != 2 || q.byID[2].Kind != "recompute_goal" {
		t.Fatalf("a refresh while the recomputation runs made %d jobs, want a second one waiting", len(q.byID))
	}
	inserts := q.inserts
	for i := 0; i < 10; i++ {
		tr.gatherRecompute(ctx, "g", cause{Gather: true})
	}
	if q.inserts != inserts || q.gets[2] != 10 {
		t.Errorf("10 more refreshes: %d inserts, %d looks at the second job; want 0 and 10", q.inserts-inserts, q.gets[2])
	}
}

// TestRenderJoinsWaitingRender: changes after the first find its render
// waiting with a look-up, not an insert each; one wanted now makes that
// render due now; once it runs, a change takes the second slot.
func TestRenderJoinsWaitingRender(t *testing.T) {
	ctx := context.Background()
	q := newSlotQueue()
	tr := &Tracker{queue: q, log: zerolog.Nop(), renderDelay: 2 * time.Second}
	for i := 0; i < 20; i++ {
		if err := tr.enqueueRender(ctx, "g"); err != nil {
			t.Fatal(err)
		}
	}
	if q.inserts != 1 || len(q.byID) != 1 || q.gets[1] != 19 {
		t.Fatalf("20 changes: %d inserts, %d jobs, %d looks at job 1; want 1, 1 and 19", q.inserts, len(q.byID), q.gets[1])
	}
	if err := tr.enqueueRenderNow(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	q.await(t, "the waiting render made due now", func() bool { return len(q.promoted) == 1 && q.promoted[0] == 1 })
	q.set(1, rivertype.JobStateRunning) // it may have read the store already
	if err := tr.enqueueRender(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	if len(q.byID) != 2 || q.byID[2].Kind != "render_status" {
		t.Fatalf("a change while the render runs made %d jobs, want a second one waiting", len(q.byID))
	}
}
