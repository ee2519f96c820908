package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// scaleGoal writes a goal document whose n task rows each link one
// rust-lang/rust issue, and seeds those issues in the sandbox.
func scaleGoal(dir string, sb *sandbox.Server, n int) {
	var b strings.Builder
	b.WriteString("# Scale goal\n\n| Metadata | |\n| --- | --- |\n| Point of contact | @nikomatsakis |\n| Status | Accepted |\n| Tracking issue | [rust-lang/goals#106] |\n\n## Work items\n\n| Task | Owner(s) | Notes |\n| --- | --- | --- |\n")
	now := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		num := 200000 + i
		fmt.Fprintf(&b, "| task %d | @compiler-errors | [rust-lang/rust#%d] |\n", i, num)
		sb.SeedIssue(sandbox.Issue{Repo: demo.RustRepo, Number: num, Title: fmt.Sprintf("Item %d", i), State: "open",
			Author: "compiler-errors", CreatedAt: now, UpdatedAt: now})
	}
	sb.SeedIssue(sandbox.Issue{Repo: demo.TrackingRepo, Number: 106, Title: "Scale goal", State: "open", Author: "nikomatsakis", CreatedAt: now, UpdatedAt: now})
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "scale.md"), []byte(b.String()), 0o644)
}

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
