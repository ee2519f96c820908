package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/goalbot/goalbot/bot/bench"
	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench")
	asJSON := fs.Bool("json", false, "print one JSON object")
	quick := fs.Bool("quick", false, "a shorter run (under a minute) with a 200-item goal")
	storeFlag := fs.String("store", "sqlite", "sqlite (a temporary file) or a PostgreSQL URL (a temporary schema in it)")
	conc := fs.Int("c", 16, "concurrent deliveries in the ack runs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *storeFlag != "sqlite" && !strings.HasPrefix(*storeFlag, "postgres://") && !strings.HasPrefix(*storeFlag, "postgresql://") {
		return usagef("bench: --store must be sqlite or a postgres:// URL")
	}
	log := newLogger(stderr, "warn")
	if !*asJSON {
		fmt.Fprintln(stdout, "goalbot bench: measuring against the GitHub sandbox (this takes a minute or two)…")
	}
	res, err := bench.Run(ctx, bench.Options{Quick: *quick, Store: *storeFlag, Concurrency: *conc, Log: log}, benchWorld(stderr))
	if err != nil {
		return err
	}
	return printBench(stdout, res, *asJSON)
}

// printBench writes the result as JSON or as one aligned line per figure.
func printBench(w io.Writer, res *bench.Result, asJSON bool) error {
	raw, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if asJSON {
		_, err := fmt.Fprintf(w, "%s\n", raw)
		return err
	}
	var m map[string]any
	json.Unmarshal(raw, &m)
	for _, k := range bench.Keys() {
		fmt.Fprintf(w, "%-30s %v\n", k, m[k])
	}
	return nil
}

// benchWorld builds bench worlds: the demo's sandbox and goalbot, with a
// generated goal of many items when asked.
func benchWorld(logs io.Writer) bench.Starter {
	return func(ctx context.Context, o bench.WorldOptions) (bench.World, error) {
		w := &world{}
		dbURL := ""
		if o.Store != "sqlite" {
			u, drop, err := tempSchema(ctx, o.Store)
			if err != nil {
				return nil, err
			}
			dbURL, w.drop = u, drop
		}
		// Render at once as the demo does (River promotes delayed jobs only
		// every few seconds, which would make each step of the story wait),
		// except for the large goal, which gets serve's delay: bursts of
		// changes share one write.
		renderDelay := time.Duration(-1)
		if o.Items > 0 {
			renderDelay = 2 * time.Second
		}
		dir, err := os.MkdirTemp("", "goalbot-bench-")
		if err != nil {
			return nil, err
		}
		w.dir = dir
		e, err := startDemo(ctx, demoOptions{Listen: "127.0.0.1:0", Log: logs, Level: "error", DatabaseURL: dbURL,
			NoWorkers: o.PausedWorkers,
			App: AppOptions{NoSkip: o.NoSkip, RenderDelay: renderDelay,
				// serve's queue settings, not the demo's
				Workers: config.DefaultJobWorkers, PollInterval: config.DefaultJobPoll},
			Configure: func(cfg *config.Config, sb *sandbox.Server) {
				if o.Items > 0 {
					scaleGoal(filepath.Join(dir, "scale"), sb, o.Items)
					cfg.Goals = append(cfg.Goals, config.GoalSource{Dir: filepath.Join(dir, "scale")})
				}
			}})
		if err != nil {
			w.Close()
			return nil, err
		}
		w.e = e
		// Learn the bot's login as serve does at start, so that the receiver
		// can tell commands from the first delivery on.
		if _, err := e.App.GitHub.BotLogin(ctx); err != nil {
			w.Close()
			return nil, err
		}
		return w, nil
	}
}

// world is a bench.World over a demoEnv.
type world struct {
	e    *demoEnv
	dir  string
	drop func()

	mu       sync.Mutex
	labelled bool
}

func (w *world) WebhookURL() string { return w.e.App.URL() + "/webhook" }
func (w *world) Secret() string     { return w.e.Secret }

func (w *world) StartWorkers(ctx context.Context) error { return w.e.App.StartWorkers(ctx) }

func (w *world) QueueDepth(ctx context.Context) (int, error) { return w.e.App.DB.QueueDepth(ctx) }

func (w *world) LoadGoals(ctx context.Context) error {
	if err := w.e.App.Tracker.LoadGoals(ctx); err != nil {
		return err
	}
	return w.WaitIdle(ctx)
}

// WaitIdle waits without demoEnv.WaitIdle's 30 s cap: a large goal's load
// takes longer.
func (w *world) WaitIdle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	for {
		if err := w.e.SB.WaitIdle(ctx); err != nil {
			return err
		}
		n, err := w.e.App.DB.QueueDepth(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d jobs still queued: %w", n, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (w *world) SetGitHubLatency(d time.Duration) { w.e.SB.SetLatency(d) }

func (w *world) LabelTracked(ctx context.Context, i int) (time.Duration, error) {
	const label = "proposed-final-comment-period"
	// One change at a time, alternating: sent out of order, a removal of
	// a label not there would change nothing and deliver nothing.
	w.mu.Lock()
	defer w.mu.Unlock()
	w.labelled = !w.labelled
	var d sandbox.Delivery
	if w.labelled {
		d = w.e.SB.AddLabel("rfcbot", demo.RFCRepo, demo.SendBoundRFC, label)
	} else {
		d = w.e.SB.RemoveLabel("rfcbot", demo.RFCRepo, demo.SendBoundRFC, label)
	}
	if !d.OK() {
		return 0, fmt.Errorf("delivery answered %d (%s)", d.StatusCode, d.Status)
	}
	return d.Duration, nil
}

func (w *world) Requests() (int, int) {
	st := w.e.SB.Stats()
	w.e.SB.ResetStats()
	return st.Reads + st.Writes, st.Charged
}

// Story plays the demo's timeline; each distinct revision of the status
// comment is one write goalbot cannot avoid.
func (w *world) Story(ctx context.Context) (int, error) {
	last, _ := w.e.StatusComment()
	revisions := 0
	play := &demo.Play{SB: w.e.SB}
	for i, step := range demo.Timeline() {
		w.e.Clock.Advance(step.After)
		if d := step.Do(play); !d.OK() {
			return 0, fmt.Errorf("step %d: delivery answered %d (%s)", i+1, d.StatusCode, d.Status)
		}
		if err := w.WaitIdle(ctx); err != nil {
			return 0, fmt.Errorf("step %d: %w", i+1, err)
		}
		if c, ok := w.e.StatusComment(); ok && c.Body != last.Body {
			revisions++
			last = c
		}
	}
	return revisions, nil
}

func (w *world) Sync(ctx context.Context) error {
	_, err := w.e.App.Tracker.Sync(ctx, "", nil)
	return err
}

func (w *world) Digest(ctx context.Context) error {
	v, err := w.e.App.Tracker.BuildDigest(ctx, render.ISOWeek(w.e.Clock.Now()))
	if err != nil {
		return err
	}
	render.Digest(v)
	return nil
}

func (w *world) Close() {
	if w.e != nil {
		w.e.SB.SetLatency(0)
		w.e.Close()
	}
	if w.dir != "" {
		os.RemoveAll(w.dir)
	}
	if w.drop != nil {
		w.drop()
	}
}

// tempSchema creates a fresh schema in the PostgreSQL database at base and
// returns a URL that uses it, and a function that drops it.
func tempSchema(ctx context.Context, base string) (string, func(), error) {
	b := make([]byte, 6)
	rand.Read(b)
	schema := "bench_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, fmt.Errorf("bench store: %w", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("bench store: create schema: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("bench store: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop := func() {
		if admin, err := sql.Open("pgx", base); err == nil {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		}
	}
	return u.String(), drop, nil
}

// scaleGoalID is the id of the goal scaleGoal writes (its file's name).
const scaleGoalID = "scale"

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
	os.WriteFile(filepath.Join(dir, scaleGoalID+".md"), []byte(b.String()), 0o644)
}
