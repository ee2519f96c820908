// Package bench is the engine of `goalbot bench` (DESIGN §11): it measures
// goalbot in one process against the sandbox — webhook acknowledgements
// beside a bare HMAC handler, queue throughput, ack latency while GitHub is
// slow, GitHub requests, goal loads and digests at scale, memory — and
// reports one figure per key. The worlds it measures (goalbot wired to a
// sandbox) are built by its caller, which owns the wiring.
package bench

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// untracked is a real issues.labeled payload about an item no goal tracks.
//
//go:embed testdata/issues.labeled.json
var untracked []byte

// WorldOptions say what world a measurement needs.
type WorldOptions struct {
	Store         string // "sqlite" (a temporary file) or a PostgreSQL URL
	Items         int    // a generated goal with this many items, besides the demo's
	NoSkip        bool   // every delivery gets its job, even about untracked items
	PausedWorkers bool   // workers start only at StartWorkers
}

// World is goalbot running against a seeded sandbox.
type World interface {
	WebhookURL() string
	Secret() string
	// StartWorkers starts paused workers.
	StartWorkers(ctx context.Context) error
	// QueueDepth is the number of jobs waiting or running.
	QueueDepth(ctx context.Context) (int, error)
	// LoadGoals loads the goal documents and waits until every job they
	// cause is done.
	LoadGoals(ctx context.Context) error
	// WaitIdle waits until no webhook is in flight and no job is left.
	WaitIdle(ctx context.Context) error
	// SetGitHubLatency makes every GitHub API answer take d.
	SetGitHubLatency(d time.Duration)
	// LabelTracked makes the sandbox label or unlabel (in turn) a tracked
	// item and returns how long goalbot took to acknowledge the delivery.
	LabelTracked(ctx context.Context, i int) (time.Duration, error)
	// Requests returns the GitHub API requests and the rate-limit points
	// spent since the last call.
	Requests() (requests, points int)
	// Story plays the demo's timeline and returns the GitHub writes it
	// needs at least: one per revision of the status comment.
	Story(ctx context.Context) (minimumWrites int, err error)
	// Sync reconciles every tracked item with GitHub.
	Sync(ctx context.Context) error
	// Digest builds and renders this week's digest.
	Digest(ctx context.Context) error
	Close()
}

// Starter builds a world.
type Starter func(ctx context.Context, o WorldOptions) (World, error)

// Options tune a run.
type Options struct {
	Quick       bool   // under a minute: shorter runs, a smaller goal
	Store       string // "sqlite" (default) or a PostgreSQL URL
	Concurrency int    // concurrent deliveries of the ack runs; default 16
	// Sizes for tests; zero values take the defaults of Quick or not.
	Pairs     int           // baseline/goalbot pairs
	AckFor    time.Duration // each ack run
	Jobs      int           // deliveries for the queue run
	Slow      int           // deliveries at 20/s while GitHub takes 2 s
	SlowDelay time.Duration // GitHub's latency in the slow run; default 2 s
	Items     int           // items of the generated goal
	Log       zerolog.Logger
}

// Result is what `goalbot bench --json` prints.
type Result struct {
	Store                   string  `json:"store"`
	Concurrency             int     `json:"concurrency"`
	Pairs                   int     `json:"pairs"`
	AcksPerS                float64 `json:"acks_per_s"`
	BaselineAcksPerS        float64 `json:"baseline_acks_per_s"`
	RatioToBaseline         float64 `json:"ratio_to_baseline"`
	AckP50Ms                float64 `json:"ack_p50_ms"`
	AckP99Ms                float64 `json:"ack_p99_ms"`
	BaselineP99Ms           float64 `json:"baseline_ack_p99_ms"`
	AcksPerSWithJob         float64 `json:"acks_per_s_with_job"`
	AckP99MsSlowGitHub      float64 `json:"ack_p99_ms_slow_github"`
	BaselineP99MsSlowGitHub float64 `json:"baseline_ack_p99_ms_slow_github"`
	SlowGitHubRate          float64 `json:"slow_github_deliveries_per_s"`
	JobsPerS                float64 `json:"jobs_per_s"`
	APIRequests             int     `json:"api_requests"`
	APIRequestsMinimum      int     `json:"api_requests_minimum"`
	RateLimitPointsWarmSync int     `json:"rate_limit_points_warm_sync"`
	GoalLoadItems           int     `json:"goal_load_items"`
	GoalLoadS1000Items      float64 `json:"goal_load_s_1000_items"`
	DigestMs1000Items       float64 `json:"digest_ms_1000_items"`
	RSSMB                   float64 `json:"rss_mb"`
	Seconds                 float64 `json:"seconds"`
}

// Keys lists the JSON keys every result has, in print order.
func Keys() []string {
	return []string{"store", "concurrency", "pairs", "acks_per_s", "baseline_acks_per_s", "ratio_to_baseline",
		"ack_p50_ms", "ack_p99_ms", "baseline_ack_p99_ms", "acks_per_s_with_job", "ack_p99_ms_slow_github",
		"baseline_ack_p99_ms_slow_github", "slow_github_deliveries_per_s", "jobs_per_s", "api_requests", "api_requests_minimum",
		"rate_limit_points_warm_sync", "goal_load_items", "goal_load_s_1000_items", "digest_ms_1000_items",
		"rss_mb", "seconds"}
}

func (o *Options) defaults() {
	if o.Store == "" {
		o.Store = "sqlite"
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	def := func(v *int, quick, full int) {
		if *v <= 0 {
			*v = full
			if o.Quick {
				*v = quick
			}
		}
	}
	def(&o.Pairs, 3, 5)
	def(&o.Jobs, 1000, 3000)
	// The slow run's p99 over 200 deliveries was their third slowest, which
	// one stall of this virtual machine moved by milliseconds (the bare
	// handler's own ranged 1.6-5.4 ms); over 600 it is the seventh.
	def(&o.Slow, 60, 600)
	def(&o.Items, 200, 1000)
	if o.AckFor <= 0 {
		o.AckFor = 3 * time.Second
		if o.Quick {
			o.AckFor = 1500 * time.Millisecond
		}
	}
	if o.SlowDelay <= 0 {
		o.SlowDelay = 2 * time.Second
	}
}

// slowRate is the delivery rate of the slow-GitHub run (issue 15's target
// is stated at 20 deliveries a second).
const slowRate = 20

// Run measures everything once and returns the figures.
func Run(ctx context.Context, o Options, start Starter) (*Result, error) {
	o.defaults()
	began := time.Now()
	res := &Result{Store: storeName(o.Store), Concurrency: o.Concurrency, Pairs: o.Pairs, SlowGitHubRate: slowRate}
	steps := []struct {
		name string
		fn   func(context.Context, Options, Starter, *Result) error
	}{
		{"acks", measureAcks},
		{"jobs", measureJobs},
		{"requests", measureRequests},
		{"scale", measureScale},
	}
	for _, s := range steps {
		t0 := time.Now()
		if err := s.fn(ctx, o, start, res); err != nil {
			return nil, fmt.Errorf("bench %s: %w", s.name, err)
		}
		o.Log.Info().Str("step", s.name).Dur("took", time.Since(t0)).Msg("bench step done")
	}
	res.RSSMB = rssMB()
	res.Seconds = round(time.Since(began).Seconds(), 1)
	return res, nil
}

func storeName(s string) string {
	if s == "sqlite" {
		return s
	}
	return "postgres"
}

// measureAcks runs interleaved pairs — the bare handler, then goalbot, in
// the same conditions — and keeps the medians; then the ack latency at
// 20 deliveries a second while GitHub answers slowly and workers wait on it.
func measureAcks(ctx context.Context, o Options, start Starter, res *Result) error {
	w, err := loadedWorld(ctx, start, WorldOptions{Store: o.Store})
	if err != nil {
		return err
	}
	defer w.Close()
	base, err := StartBaseline(w.Secret())
	if err != nil {
		return err
	}
	defer base.Close()
	var rates, baseRates, p50s, p99s, baseP99s []float64
	for i := 0; i < o.Pairs; i++ {
		b, err := Load(ctx, base.URL(), w.Secret(), untracked, "issues", o.Concurrency, o.AckFor)
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		g, err := Load(ctx, w.WebhookURL(), w.Secret(), untracked, "issues", o.Concurrency, o.AckFor)
		if err != nil {
			return fmt.Errorf("goalbot: %w", err)
		}
		if g.Errors > 0 {
			return fmt.Errorf("goalbot: %d deliveries not acknowledged with 202", g.Errors)
		}
		o.Log.Info().Int("pair", i+1).Float64("baseline", b.PerSecond()).Float64("goalbot", g.PerSecond()).
			Dur("p99", g.P99).Msg("ack pair")
		rates, baseRates = append(rates, g.PerSecond()), append(baseRates, b.PerSecond())
		p50s, p99s, baseP99s = append(p50s, ms(g.P50)), append(p99s, ms(g.P99)), append(baseP99s, ms(b.P99))
	}
	res.AcksPerS = round(median(rates), 0)
	res.BaselineAcksPerS = round(median(baseRates), 0)
	res.RatioToBaseline = round(median(ratios(rates, baseRates)), 3)
	res.AckP50Ms, res.AckP99Ms, res.BaselineP99Ms = round(median(p50s), 2), round(median(p99s), 2), round(median(baseP99s), 2)

	// The bare handler gets deliveries at the same rate, half an interval
	// after goalbot's, so that its p99 shows what the machine's scheduling
	// alone costs a lone request while goalbot's workers run.
	w.SetGitHubLatency(o.SlowDelay)
	_, p99, err := Steady(ctx, o.Slow, slowRate, w.LabelTracked, base.Sender(w.Secret(), untracked, "issues"))
	w.SetGitHubLatency(0)
	if err != nil {
		return fmt.Errorf("slow GitHub: %w", err)
	}
	res.AckP99MsSlowGitHub, res.BaselineP99MsSlowGitHub = round(ms(p99[0]), 2), round(ms(p99[1]), 2)
	return nil
}

// untrackedItem is the untracked payload about issue n+1 of its
// repository: deliveries spread over items as real traffic does (jobs
// about one item serialise on its row).
func untrackedItem(n int64) []byte {
	return bytes.Replace(untracked, []byte(`"number": 1,`), []byte(`"number": `+strconv.FormatInt(n+1, 10)+`,`), 1)
}

// measureJobs stores deliveries about untracked items with their jobs
// while the workers are paused, then times the workers draining them.
func measureJobs(ctx context.Context, o Options, start Starter, res *Result) error {
	w, err := start(ctx, WorldOptions{Store: o.Store, NoSkip: true, PausedWorkers: true})
	if err != nil {
		return err
	}
	defer w.Close()
	sent := 0
	var rates []float64
	for sent < o.Jobs {
		r, err := LoadVaried(ctx, w.WebhookURL(), w.Secret(), untrackedItem, "issues", o.Concurrency, 300*time.Millisecond)
		if err != nil {
			return err
		}
		sent += r.Acks
		rates = append(rates, r.PerSecond())
	}
	res.AcksPerSWithJob = round(median(rates), 0)
	queued, err := w.QueueDepth(ctx)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := w.StartWorkers(ctx); err != nil {
		return err
	}
	for {
		n, err := w.QueueDepth(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	res.JobsPerS = round(float64(queued)/time.Since(t0).Seconds(), 0)
	return nil
}

// measureRequests plays the demo's story and counts GitHub requests, then
// a warm resync's rate-limit points.
func measureRequests(ctx context.Context, o Options, start Starter, res *Result) error {
	w, err := loadedWorld(ctx, start, WorldOptions{Store: o.Store})
	if err != nil {
		return err
	}
	defer w.Close()
	if err := syncIdle(ctx, w); err != nil { // the cold sync fills the caches
		return err
	}
	w.Requests()
	min, err := w.Story(ctx)
	if err != nil {
		return err
	}
	res.APIRequests, _ = w.Requests()
	res.APIRequestsMinimum = min
	if err := syncIdle(ctx, w); err != nil {
		return err
	}
	w.Requests()
	if err := syncIdle(ctx, w); err != nil {
		return err
	}
	_, res.RateLimitPointsWarmSync = w.Requests()
	return nil
}

// loadedWorld starts a world and loads its goals.
func loadedWorld(ctx context.Context, start Starter, o WorldOptions) (World, error) {
	w, err := start(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := w.LoadGoals(ctx); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// syncIdle reconciles every tracked item and waits for what it caused.
func syncIdle(ctx context.Context, w World) error {
	if err := w.Sync(ctx); err != nil {
		return err
	}
	return w.WaitIdle(ctx)
}

// measureScale loads a goal of many items and times it, then the digest.
func measureScale(ctx context.Context, o Options, start Starter, res *Result) error {
	w, err := start(ctx, WorldOptions{Store: o.Store, Items: o.Items})
	if err != nil {
		return err
	}
	defer w.Close()
	t0 := time.Now()
	if err := w.LoadGoals(ctx); err != nil {
		return err
	}
	res.GoalLoadItems = o.Items
	res.GoalLoadS1000Items = round(time.Since(t0).Seconds(), 2)
	var ds []float64
	for i := 0; i < 5; i++ {
		t := time.Now()
		if err := w.Digest(ctx); err != nil {
			return err
		}
		ds = append(ds, ms(time.Since(t)))
	}
	res.DigestMs1000Items = round(median(ds), 1)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratios pairs each goalbot rate with the baseline measured just before it.
func ratios(rates, base []float64) []float64 {
	out := make([]float64, len(rates))
	for i := range rates {
		if base[i] > 0 {
			out[i] = rates[i] / base[i]
		}
	}
	return out
}

func round(x float64, digits int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	return v
}

// rssMB is the process's peak resident memory (VmHWM) in MiB, 0 where
// /proc is missing. It covers the whole bench process: goalbot, the
// sandbox and the load generator.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				return round(kb/1024, 1)
			}
		}
	}
	return 0
}
