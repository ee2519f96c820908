package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"
)

// TestRefreshJobs: a goal's unknown items are read one job each while
// they are few, in batches spread over four times the workers once they
// are many, never more than maxBatch in one; every item once, in order,
// behind any other job.
func TestRefreshJobs(t *testing.T) {
	tests := []struct {
		items, workers int
		jobs, largest  int
		batched        bool
	}{
		{1, 16, 1, 1, false},
		{64, 16, 64, 1, false},
		{65, 16, 33, 2, true},
		{100, 16, 50, 2, true},
		{1000, 16, 63, 16, true},
		{5000, 16, 100, 50, true},
		{10, 1, 4, 3, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d items %d workers", tt.items, tt.workers), func(t *testing.T) {
			var items []string
			for i := range tt.items {
				items = append(items, fmt.Sprintf("o/r#%d", i+1))
			}
			jobs := refreshJobs("g", items, tt.workers)
			var got []string
			largest := 0
			for _, j := range jobs {
				switch a := j.Args.(type) {
				case RefreshItem:
					got = append(got, a.Item)
					largest = max(largest, 1)
					if tt.batched {
						t.Errorf("a job of one item among batches")
					}
				case RefreshItems:
					got = append(got, a.Items...)
					largest = max(largest, len(a.Items))
					if a.Goal != "g" || !tt.batched {
						t.Errorf("batch %+v, want goal g and batches only past twice the workers", a)
					}
				}
				if j.InsertOpts == nil || !j.InsertOpts.UniqueOpts.ByArgs || j.InsertOpts.Priority != bulkPriority {
					t.Errorf("job %T: options %+v, want unique while it waits, with the bulk priority", j.Args, j.InsertOpts)
				}
			}
			if len(jobs) != tt.jobs || largest != tt.largest {
				t.Errorf("%d jobs, the largest of %d items; want %d and %d", len(jobs), largest, tt.jobs, tt.largest)
			}
			if !slices.Equal(got, items) {
				t.Errorf("the jobs read %d items %v…, want each of the %d once, in order", len(got), got[:min(3, len(got))], len(items))
			}
		})
	}
}

// readGitHub is a GitHub whose issues are read from a map; an item
// listed in fail answers that error.
type readGitHub struct {
	bot.GitHub // only the methods below are called
	fail       map[ref.Ref]error
	reads      []ref.Ref
}

func (g *readGitHub) GetIssue(_ context.Context, r ref.Ref, etag string) (bot.Issue, bool, error) {
	g.reads = append(g.reads, r)
	if err := g.fail[r]; err != nil {
		return bot.Issue{}, false, err
	}
	if etag == "e" {
		return bot.Issue{}, true, nil // as last read
	}
	return bot.Issue{Repo: r, Title: "read " + r.String(), State: bot.StateOpen, ETag: "e"}, false, nil
}

func (g *readGitHub) ListCommentsSince(context.Context, ref.Ref, time.Time, string) ([]bot.Comment, string, bool, error) {
	return nil, "", true, nil
}

func (g *readGitHub) ListComments(context.Context, ref.Ref, time.Time) ([]bot.Comment, error) {
	return nil, nil
}

// linkStore is an itemStore whose items are linked to goals.
type linkStore struct {
	itemStore
	links map[ref.Ref][]bot.Link
}

func (s *linkStore) FollowersOf(_ context.Context, refs []ref.Ref) (map[ref.Ref][]bot.Link, map[ref.Ref][]string, error) {
	out := map[ref.Ref][]bot.Link{}
	for _, r := range refs {
		out[r] = s.links[r]
	}
	return out, nil, nil
}

// forget drops what waitingJobs remembers for key, as if the change came
// from another process.
func (w *waitingJobs) forget(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.jobs, key)
}

// waitError is an error after which GitHub asks to wait (a rate limit).
type waitError struct{}

func (waitError) Error() string             { return "rate limited" }
func (waitError) RetryDelay() time.Duration { return time.Minute }

// TestRefreshItemsBatch: a batch stores every item it reads, in one
// transaction, then asks
// once per goal for its recomputation (the second goal's too); an item
// whose read fails is left to a RefreshItem job of its own; GitHub asking
// to wait stops the batch, which waits as a whole, after asking for the
// recomputations of what it stored; out of time, it leaves the items it
// did not read to a new batch.
func TestRefreshItemsBatch(t *testing.T) {
	a, b, c, d := ref.New("o", "r", 1), ref.New("o", "r", 2), ref.New("o", "r", 3), ref.New("o", "r", 4)
	links := map[ref.Ref][]bot.Link{
		a: {{Goal: "g1", Item: a}}, b: {{Goal: "g1", Item: b}, {Goal: "g2", Item: b}},
		c: {{Goal: "g1", Item: c}}, d: {{Goal: "g2", Item: d}},
	}
	tests := []struct {
		name     string
		fail     map[ref.Ref]error
		stored   []ref.Ref
		goals    []string // goals of the recomputations asked for
		alone    []string // items left to jobs of their own, or a new batch ("[items] goal")
		snoozed  bool
		attempt  int
		previous []ref.Ref // stored before the batch
		writes   int       // write transactions
		budget   bool      // the batch's time is up after its first item
	}{
		{"all read", nil, []ref.Ref{a, b, c, d}, []string{"g1", "g2"}, nil, false, 1, nil, 1, false},
		{"one fails", map[ref.Ref]error{c: errors.New("502")}, []ref.Ref{a, b, d}, []string{"g1", "g2"}, []string{c.String()}, false, 1, nil, 1, false},
		{"rate limited", map[ref.Ref]error{b: waitError{}}, []ref.Ref{a}, []string{"g1"}, nil, true, 1, nil, 1, false},
		// A retry finds d stored already by the failed attempt: its goal
		// is recomputed though the read changes nothing new.
		{"retry", map[ref.Ref]error{a: errors.New("502"), b: errors.New("502"), c: errors.New("502")}, []ref.Ref{d}, []string{"g1", "g2"},
			[]string{a.String(), b.String(), c.String()}, false, 2, []ref.Ref{d}, 0, false},
		// Out of time after a: b, c and d go to a new batch of the goal.
		{"out of time", nil, []ref.Ref{a}, []string{"g1"}, []string{"[o/r#2 o/r#3 o/r#4] g1"}, false, 1, nil, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &linkStore{itemStore: itemStore{items: map[ref.Ref]bot.Item{}}, links: links}
			for _, r := range tt.previous {
				s.items[r] = bot.Item{Ref: r, Kind: "issue", Title: "read " + r.String(), State: bot.StateOpen, ETag: "e"}
			}
			q := newSlotQueue()
			gh := &readGitHub{fail: tt.fail}
			tr := &Tracker{store: s, gh: gh, queue: q, log: zerolog.Nop(), now: time.Now, batchBudget: time.Hour}
			if tt.budget {
				tr.batchBudget = -time.Hour
			}
			w := &refreshItemsWorker{t: tr}
			err := w.Work(context.Background(), &river.Job[RefreshItems]{JobRow: &rivertype.JobRow{ID: 99, Attempt: tt.attempt},
				Args: RefreshItems{Items: []string{a.String(), b.String(), c.String(), d.String()}, Goal: "g1"}})
			var snooze *river.JobSnoozeError
			if got := errors.As(err, &snooze); got != tt.snoozed || (!tt.snoozed && err != nil) {
				t.Fatalf("Work: %v; want a snooze %v", err, tt.snoozed)
			}
			for _, r := range []ref.Ref{a, b, c, d} {
				if got, want := s.items[r].Title != "", slices.Contains(tt.stored, r); got != want {
					t.Errorf("item %s stored %v, want %v", r, got, want)
				}
			}
			if s.updates != tt.writes {
				t.Errorf("%d write transactions, want %d", s.updates, tt.writes)
			}
			var goals []string
			for _, j := range q.byID {
				var args RecomputeGoal
				json.Unmarshal(j.EncodedArgs, &args)
				goals = append(goals, args.Goal)
			}
			slices.Sort(goals)
			if !slices.Equal(goals, tt.goals) || q.inserts != len(tt.goals) {
				t.Errorf("recomputations asked for %v in %d inserts, want %v once each", goals, q.inserts, tt.goals)
			}
			var alone []string
			for _, a := range q.many {
				switch a := a.(type) {
				case RefreshItem:
					alone = append(alone, a.Item)
				case RefreshItems:
					alone = append(alone, fmt.Sprint(a.Items, " ", a.Goal))
				}
			}
			if !slices.Equal(alone, tt.alone) {
				t.Errorf("items left to jobs of their own %v, want %v", alone, tt.alone)
			}
		})
	}
}

// TestGatherJoinsUnreadRecompute: a recomputation that runs but has not
// read the store yet (it waits for its goal's batches, or its lock) is
// joined like a waiting one; once it reads, a change takes the second
// slot.
func TestGatherJoinsUnreadRecompute(t *testing.T) {
	ctx := context.Background()
	q := newSlotQueue()
	tr := &Tracker{queue: q, log: zerolog.Nop()}
	if err := tr.gatherRecompute(ctx, "g", cause{Gather: true}); err != nil {
		t.Fatal(err)
	}
	if p := q.byID[1].Priority; p != bulkPriority {
		t.Errorf("the recomputation has priority %d, want the reads' %d (behind them)", p, bulkPriority)
	}
	q.set(1, rivertype.JobStateRunning)
	tr.joinable.unreadStart(1)
	for i := 0; i < 3; i++ {
		if err := tr.gatherRecompute(ctx, "g", cause{Gather: true}); err != nil {
			t.Fatal(err)
		}
	}
	if q.inserts != 1 {
		t.Errorf("3 changes while the recomputation had read nothing: %d inserts, want it found by a look-up", q.inserts-1)
	}
	tr.joinable.forget("recompute g false") // as a change in another process would find it: by inserting
	if err := tr.gatherRecompute(ctx, "g", cause{Gather: true}); err != nil {
		t.Fatal(err)
	}
	if len(q.byID) != 1 {
		t.Fatalf("changes while the recomputation had read nothing made %d jobs, want it joined", len(q.byID))
	}
	tr.joinable.unreadEnd(1)
	if err := tr.gatherRecompute(ctx, "g", cause{Gather: true}); err != nil {
		t.Fatal(err)
	}
	if len(q.byID) != 2 {
		t.Fatalf("a change after the recomputation read made %d jobs, want a second one waiting", len(q.byID))
	}
}

// TestBatchesAwait: a goal's recomputation waits while a batch of that
// goal runs, not for another goal's, and not past its limit.
func TestBatchesAwait(t *testing.T) {
	ctx := context.Background()
	var r running
	endG := r.start("g")
	endH := r.start("h")
	done := make(chan error, 1)
	go func() { done <- r.await(ctx, "g", time.Minute) }()
	endH() // another goal's batch ends: g's still runs
	select {
	case err := <-done:
		t.Fatalf("await returned (%v) while a batch of its goal ran", err)
	default:
	}
	if err := r.await(ctx, "g", time.Millisecond); err != nil {
		t.Fatalf("await past its limit: %v", err)
	}
	endG()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("await did not return within 5 s of the batch's end")
	}
	cctx, cancel := context.WithCancel(ctx)
	defer r.start("g")()
	cancel()
	if err := r.await(cctx, "g", time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("await with a cancelled context: %v", err)
	}
}
