package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// loadScaleGoal starts the demo with one more goal of n items, loads every
// goal and waits until the queue is empty (every item read, every status
// computed, every comment written); it returns how long that took and how
// many recomputations of that goal ran (the demo's goals recompute too, a
// varying number of times, and are not counted).
func loadScaleGoal(tb testing.TB, n int) (time.Duration, int64) {
	tb.Helper()
	dir := tb.TempDir()
	e, err := startDemo(context.Background(), demoOptions{Listen: "127.0.0.1:0", Log: &logBuffer{}, Level: "warn",
		Configure: func(cfg *config.Config, sb *sandbox.Server) {
			scaleGoal(dir, sb, n)
			cfg.Goals = append(cfg.Goals, config.GoalSource{Dir: dir})
		}})
	if err != nil {
		tb.Fatal(err)
	}
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	before := e.App.Tracker.Recomputes(scaleGoalID)
	start := time.Now()
	if err := e.App.Tracker.LoadGoals(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := e.App.WaitIdle(ctx); err != nil {
		tb.Fatal(err)
	}
	return time.Since(start), e.App.Tracker.Recomputes(scaleGoalID) - before
}

// BenchmarkGoalLoad measures loading a goal of 10, 100 and 1,000 items
// (one refresh job each) to a quiet queue: with recomputations gathered
// per burst the time grows linearly with the items, not quadratically.
func BenchmarkGoalLoad(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			var total time.Duration
			var recomputes int64
			for i := 0; i < b.N; i++ {
				d, r := loadScaleGoal(b, n)
				total += d
				recomputes += r
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/load")
			b.ReportMetric(float64(recomputes)/float64(b.N), "recomputes/load")
		})
	}
}

// TestGoalLoadRecomputesOncePerBurst loads a goal of 300 items, each read
// by its own refresh job, and checks that the goal was recomputed a few
// times for the whole burst, not once per item, and that what the gathered
// recomputations stored is what an immediate recomputation finds.
func TestGoalLoadRecomputesOncePerBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 300 items")
	}
	small, smallRuns := loadScaleGoal(t, 10)
	big, bigRuns := loadScaleGoal(t, 300)
	t.Logf("10 items: %v, %d recomputations; 300 items: %v, %d recomputations", small, smallRuns, big, bigRuns)
	if smallRuns == 0 || bigRuns == 0 {
		t.Fatalf("goal %q was not recomputed (10 items: %d, 300 items: %d)", scaleGoalID, smallRuns, bigRuns)
	}
	// Once per item would be 300; a burst is gathered into a few, plus one
	// for each change that came while both of the goal's slots ran (more of
	// them on a slow machine, a few dozen at most).
	if bigRuns > smallRuns+30 {
		t.Errorf("loading 300 items ran %d recomputations, 10 items %d: the burst is not gathered", bigRuns, smallRuns)
	}
}
