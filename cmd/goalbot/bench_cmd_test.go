package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/bench"
)

// TestBenchQuickTiny runs the bench engine over real worlds with tiny
// sizes and checks that every figure is there and sane (not how fast).
func TestBenchQuickTiny(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four goalbot worlds")
	}
	logs := &logBuffer{}
	res, err := bench.Run(context.Background(), bench.Options{Quick: true, Concurrency: 4, Pairs: 1,
		AckFor: 300 * time.Millisecond, Jobs: 40, Slow: 6, SlowDelay: 50 * time.Millisecond, Items: 15,
		Log: newLogger(io.Discard, "warn")}, benchWorld(logs))
	if err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, logs)
	}
	var out bytes.Buffer
	if err := printBench(&out, res, true); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("bench --json printed %q: %v", out.String(), err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := slices.Clone(bench.Keys())
	sort.Strings(want)
	if !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	for _, k := range []string{"acks_per_s", "baseline_acks_per_s", "ratio_to_baseline", "ack_p50_ms", "ack_p99_ms",
		"ack_p99_ms_slow_github", "baseline_ack_p99_ms_slow_github", "jobs_per_s", "acks_per_s_with_job", "api_requests", "api_requests_minimum",
		"goal_load_s_1000_items", "digest_ms_1000_items", "rss_mb"} {
		if v, _ := m[k].(float64); v <= 0 {
			t.Errorf("%s = %v, want > 0", k, m[k])
		}
	}
	if res.AckP50Ms > res.AckP99Ms {
		t.Errorf("p50 %v ms above p99 %v ms", res.AckP50Ms, res.AckP99Ms)
	}
	if res.APIRequests < res.APIRequestsMinimum {
		t.Errorf("%d API requests, fewer than the %d writes the story needs", res.APIRequests, res.APIRequestsMinimum)
	}
	if res.GoalLoadItems != 15 || res.Store != "sqlite" {
		t.Errorf("goal_load_items %d, store %q", res.GoalLoadItems, res.Store)
	}
	if res.RateLimitPointsWarmSync < 0 || res.RatioToBaseline > 10 {
		t.Errorf("warm sync points %d, ratio %v", res.RateLimitPointsWarmSync, res.RatioToBaseline)
	}
}

func TestBenchRefusesBadStore(t *testing.T) {
	if code, _, errOut := runCLI(t, nil, "bench", "--store", "mysql://x"); code != 2 {
		t.Errorf("bench --store mysql://x exited %d (%s), want 2", code, errOut)
	}
}
