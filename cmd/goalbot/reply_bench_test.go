package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
	"github.com/goalbot/goalbot/store/storetest"
)

// BenchmarkCommandReply measures how long a /goal command on a quiet
// queue waits for its answer: from GitHub's delivery being acknowledged to
// the bot's reply on the pull request, with the production poll interval
// ([jobs] poll). Without a listener River wakes its own workers as its
// client inserts, before the insert commits: on PostgreSQL over
// database/sql that fetch found nothing and the job waited for the next
// poll; River's pgx driver wakes a worker by LISTEN/NOTIFY once the
// delivery's transaction commits. (On SQLite the fetch waits for the
// pump's commit, which holds the write lock.) It reports the median and
// the slowest.
func BenchmarkCommandReply(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run("store="+name, func(b *testing.B) {
			o := demoOptions{Listen: "127.0.0.1:0", Log: &logBuffer{}, Level: "warn"}
			o.App.PollInterval = config.DefaultJobPoll
			if name == "postgres" {
				if os.Getenv("GOALBOT_TEST_POSTGRES_URL") == "" {
					b.Skip("GOALBOT_TEST_POSTGRES_URL is not set")
				}
				o.DatabaseURL = storetest.PostgresURL(b)
			}
			ctx := context.Background()
			e, err := startDemo(ctx, o)
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			if err := e.App.Tracker.LoadGoals(ctx); err != nil {
				b.Fatal(err)
			}
			if err := e.WaitIdle(ctx); err != nil {
				b.Fatal(err)
			}
			var waits []float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				before := len(replies(e))
				_, d := e.SB.Comment("compiler-errors", demo.RustRepo, demo.ClosuresPR, fmt.Sprintf("/goal frobnicate %d", i))
				if !d.OK() {
					b.Fatalf("delivery %d %s", d.StatusCode, d.Status)
				}
				t0 := time.Now()
				for len(replies(e)) == before {
					if time.Since(t0) > 10*time.Second {
						b.Fatalf("no reply to command %d after 10 s", i)
					}
					time.Sleep(time.Millisecond)
				}
				waits = append(waits, float64(time.Since(t0).Microseconds())/1000)
				// The next command meets a quiet queue again.
				b.StopTimer()
				if err := e.WaitIdle(ctx); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			slices.Sort(waits)
			b.ReportMetric(waits[len(waits)/2], "ms/reply-median")
			b.ReportMetric(waits[len(waits)-1], "ms/reply-max")
		})
	}
}

// BenchmarkCommandReplyDuringLoad measures how long a /goal command waits
// for its reply when it comes 300 ms into the load of a goal of 1,000
// items while GitHub takes 10 ms per request (the load takes about 1.3
// s): the load's reads must not hold up a person's command for the whole
// load.
func BenchmarkCommandReplyDuringLoad(b *testing.B) {
	ctx := context.Background()
	var waits []float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		o := demoOptions{Listen: "127.0.0.1:0", Log: &logBuffer{}, Level: "warn",
			App: AppOptions{Workers: config.DefaultJobWorkers, PollInterval: config.DefaultJobPoll},
			Configure: func(cfg *config.Config, sb *sandbox.Server) {
				scaleGoal(dir, sb, 1000)
				cfg.Goals = append(cfg.Goals, config.GoalSource{Dir: dir})
			}}
		e, err := startDemo(ctx, o)
		if err != nil {
			b.Fatal(err)
		}
		e.SB.SetLatency(10 * time.Millisecond)
		b.StartTimer()
		if err := e.App.Tracker.LoadGoals(ctx); err != nil {
			b.Fatal(err)
		}
		// Mid-load: every worker is reading by now.
		time.Sleep(300 * time.Millisecond)
		before := len(replies(e))
		t0 := time.Now()
		if _, d := e.SB.Comment("compiler-errors", demo.RustRepo, demo.ClosuresPR, fmt.Sprintf("/goal frobnicate %d", i)); !d.OK() {
			b.Fatalf("delivery %d %s", d.StatusCode, d.Status)
		}
		for len(replies(e)) == before {
			if time.Since(t0) > time.Minute {
				b.Fatalf("no reply to the command after a minute")
			}
			time.Sleep(time.Millisecond)
		}
		waits = append(waits, float64(time.Since(t0).Microseconds())/1000)
		b.StopTimer()
		e.SB.SetLatency(0)
		e.Close()
	}
	slices.Sort(waits)
	b.ReportMetric(waits[len(waits)/2], "ms/reply-median")
	b.ReportMetric(waits[len(waits)-1], "ms/reply-max")
}
