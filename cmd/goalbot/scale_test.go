package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// BenchmarkSyncScale measures reconciliation over the demo data and over
// 1,000 generated items: requests and rate-limit points of a cold and of a
// warm sync, and the time to build a digest covering them.
func BenchmarkSyncScale(b *testing.B) {
	for _, n := range []int{0, 1000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			logs := &logBuffer{}
			e, err := startDemo(context.Background(), demoOptions{Listen: "127.0.0.1:0", Log: logs, Level: "warn",
				App: AppOptions{Workers: 8},
				Configure: func(cfg *config.Config, sb *sandbox.Server) {
					if n > 0 {
						scaleGoal(dir, sb, n)
						cfg.Goals = append(cfg.Goals, config.GoalSource{Dir: dir})
					}
				}})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			ctx := context.Background()
			if err := e.App.Tracker.LoadGoals(ctx); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
			defer cancel()
			if err := e.App.WaitIdle(wctx); err != nil {
				b.Fatal(err)
			}
			b.Logf("initial load of %d items: %v, %+v", n, time.Since(start), e.SB.Stats().Reads)
			measure := func(name string) {
				e.SB.ResetStats()
				start := time.Now()
				rep, err := e.App.Tracker.Sync(ctx, "", nil)
				if err != nil {
					b.Fatal(err)
				}
				took := time.Since(start)
				e.WaitIdle(ctx)
				st := e.SB.Stats()
				b.ReportMetric(float64(st.Reads+st.Writes), name+"-requests")
				b.ReportMetric(float64(st.Charged), name+"-points")
				b.Logf("%s sync of %d items: %d requests (%d answered 304), %d rate-limit points, %d read one by one, %v", name, rep.Items, st.Reads+st.Writes, st.NotModified, st.Charged, rep.Checked, took)
			}
			measure("cold")
			measure("warm")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				v, err := e.App.Tracker.BuildDigest(ctx, render.ISOWeek(e.Clock.Now()))
				if err != nil {
					b.Fatal(err)
				}
				render.Digest(v)
			}
		})
	}
}
