package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// demoEnv is the demo's world: the sandbox as GitHub and goalbot against it.
type demoEnv struct {
	SB     *sandbox.Server
	App    *App
	Clock  *demo.Clock
	Secret string // the webhook secret
	dir    string
}

// demoOptions tune the demo world; tests use them to vary the store and
// the job timings.
type demoOptions struct {
	Listen      string    // address goalbot serves on
	Log         io.Writer // goalbot's logs
	Level       string    // log level
	DatabaseURL string    // "" for a temporary SQLite file
	App         AppOptions
	Configure   func(cfg *config.Config, sb *sandbox.Server) // changes to the demo's configuration
}

// startDemo builds the sandbox, seeds it, and starts goalbot against it with
// a temporary store.
func startDemo(ctx context.Context, o demoOptions) (*demoEnv, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	secretBytes := make([]byte, 16)
	rand.Read(secretBytes)
	secret := hex.EncodeToString(secretBytes)
	clock := demo.NewClock()
	sb := sandbox.New(sandbox.Options{AppID: 1, AppSlug: "goalbot", AppKey: &key.PublicKey, WebhookSecret: secret, Now: clock.Now})
	demo.Seed(sb, clock)

	dir, err := os.MkdirTemp("", "goalbot-demo-")
	if err != nil {
		sb.Close()
		return nil, err
	}
	goals := filepath.Join(dir, "goals")
	name, src := demo.GoalFile()
	if err := os.MkdirAll(goals, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(goals, name), src, 0o644); err != nil {
		return nil, err
	}

	cfg := config.Default()
	cfg.DatabaseURL = config.NewDSN("sqlite:" + filepath.Join(dir, "goalbot.db"))
	if o.DatabaseURL != "" {
		cfg.DatabaseURL = config.NewDSN(o.DatabaseURL)
	}
	cfg.WebhookSecrets = []config.Secret{config.NewSecret(secret)}
	cfg.GitHub.APIURL = sb.URL()
	cfg.GitHub.AppID = 1
	cfg.GitHub.PrivateKey = config.NewSecret(string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})))
	source := config.GoalSource{Dir: goals, TrackingIssues: map[string]ref.Ref{demo.GoalID: ref.New("rust-lang", "goals", demo.TrackingIssue)}}
	for _, l := range demo.Links {
		item, _ := ref.Parse(l.Item, ref.Ref{})
		source.Links = append(source.Links, config.Link{Goal: demo.GoalID, Subgoal: l.Subgoal, Item: item})
	}
	cfg.Goals = []config.GoalSource{source}
	cfg.Digest.Repo = demo.TrackingRepo
	if o.Configure != nil {
		o.Configure(cfg, sb)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}

	log := newLogger(o.Log, o.Level)
	if o.App.PollInterval == 0 {
		o.App.PollInterval = 20 * time.Millisecond
	}
	if o.App.RetryBase == 0 {
		o.App.RetryBase = 50 * time.Millisecond
	}
	o.App.Now = clock.Now
	o.App.NoSchedule = true // the demo drives digest and sync itself
	if o.App.RenderDelay == 0 {
		// Render at once: River promotes delayed jobs only every few
		// seconds, which would make each step of the story wait.
		o.App.RenderDelay = -1
	}
	app, err := NewApp(ctx, cfg, log, o.App)
	if err != nil {
		sb.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	if err := app.Start(ctx, o.Listen); err != nil {
		app.Shutdown(context.Background())
		sb.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	sb.SetWebhookURL(app.URL() + "/webhook")
	return &demoEnv{SB: sb, App: app, Clock: clock, Secret: secret, dir: dir}, nil
}

// Close stops goalbot and the sandbox and removes the temporary files.
func (e *demoEnv) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e.App.Shutdown(ctx)
	e.SB.Close()
	os.RemoveAll(e.dir)
}

// WaitIdle waits until the sandbox has no webhook in flight and goalbot no
// job waiting or running.
func (e *demoEnv) WaitIdle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		if err := e.SB.WaitIdle(ctx); err != nil {
			return err
		}
		n, err := e.App.DB.QueueDepth(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("goalbot still has %d jobs after 30 s", n)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// StatusComment returns the living status comment on the tracking issue.
func (e *demoEnv) StatusComment() (sandbox.Comment, bool) {
	for _, c := range e.SB.Comments(demo.TrackingRepo, demo.TrackingIssue) {
		if id, ok := render.ParseMarker(c.Body); ok && id == demo.GoalID {
			return c, true
		}
	}
	return sandbox.Comment{}, false
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	fs := newFlags("demo")
	once := fs.Bool("once", false, "play the timeline, print the results and exit")
	listen := fs.String("listen", "127.0.0.1:8080", "`ADDR` to serve on")
	pause := fs.Duration("pause", 2*time.Second, "wait between timeline steps so the dashboard can be watched (0 with --once)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *once {
		*pause = 0
	}
	fmt.Fprintln(stdout, "goalbot demo: the GitHub sandbox plays the seed goal's story as signed webhooks.")
	e, err := startDemo(ctx, demoOptions{Listen: *listen, Log: stderr, Level: "warn", App: AppOptions{DashboardRefresh: -1}})
	if err != nil {
		return err
	}
	defer e.Close()
	fmt.Fprintf(stdout, "Dashboard: %s/ (live while the timeline plays; %s/fcps?refresh=2 reloads itself)\n", e.App.DashboardURL(), e.App.DashboardURL())
	if err := e.App.Tracker.LoadGoals(ctx); err != nil {
		return err
	}
	if err := e.WaitIdle(ctx); err != nil {
		return err
	}
	revisions := 0
	last := ""
	show := func() {
		c, ok := e.StatusComment()
		if !ok || c.Body == last {
			fmt.Fprintf(stdout, "   (status comment unchanged)\n")
			return
		}
		revisions++
		if last == "" {
			fmt.Fprintf(stdout, "\n--- status comment on %s#%d, revision %d ---\n%s\n---\n",
				demo.TrackingRepo, demo.TrackingIssue, revisions, c.Body)
		} else {
			fmt.Fprintf(stdout, "   status comment revision %d; rows that changed:\n", revisions)
			for _, l := range changedLines(last, c.Body) {
				fmt.Fprintf(stdout, "   %s\n", l)
			}
		}
		last = c.Body
	}
	fmt.Fprintf(stdout, "\n[%s] goal %s loaded from the seed document\n", e.Clock.Now().Format("2006-01-02"), demo.GoalID)
	show()
	play := &demo.Play{SB: e.SB}
	for i, step := range demo.Timeline() {
		if i > 0 && *pause > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(*pause):
			}
		}
		e.Clock.Advance(step.After)
		fmt.Fprintf(stdout, "\n[%s] step %d: %s\n", e.Clock.Now().Format("2006-01-02"), i+1, step.Say)
		d := step.Do(play)
		if !d.OK() {
			return fmt.Errorf("step %d: webhook delivery answered %d (%s)", i+1, d.StatusCode, d.Status)
		}
		if err := e.WaitIdle(ctx); err != nil {
			return fmt.Errorf("step %d: %w", i+1, err)
		}
		show()
	}
	fmt.Fprintf(stdout, "\n--- the status comment at the end (revision %d) ---\n%s\n---\n", revisions, last)
	week := render.ISOWeek(e.Clock.Now())
	n, err := e.App.Tracker.PostDigest(ctx, week)
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	if err := e.WaitIdle(ctx); err != nil {
		return err
	}
	dg, _ := e.SB.Issue(demo.TrackingRepo, n)
	fmt.Fprintf(stdout, "\n--- weekly digest posted as %s#%d: %q ---\n%s\n---\n", demo.TrackingRepo, n, dg.Title, dg.Body)
	st := e.SB.Stats()
	fmt.Fprintf(stdout, "\nGitHub requests made by goalbot: %d reads, %d writes (%d charged to the rate limit, %d answered 304); %d revisions of the status comment.\n",
		st.Reads, st.Writes, st.Charged, st.NotModified, revisions)
	routes := make([]string, 0, len(st.ByRoute))
	for r := range st.ByRoute {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		fmt.Fprintf(stdout, "  %4d  %s\n", st.ByRoute[r], r)
	}
	if *once {
		return nil
	}
	fmt.Fprintf(stdout, "\ngoalbot is serving on %s (dashboard at %s/, webhooks at /webhook, metrics at /metrics); the sandbox GitHub API is at %s. Ctrl-C stops.\n",
		e.App.URL(), e.App.DashboardURL(), strings.TrimSuffix(e.SB.URL(), "/"))
	<-ctx.Done()
	return nil
}

// changedLines returns the lines of next that prev does not have.
func changedLines(prev, next string) []string {
	had := map[string]bool{}
	for _, l := range strings.Split(prev, "\n") {
		had[l] = true
	}
	var out []string
	for _, l := range strings.Split(next, "\n") {
		if !had[l] {
			out = append(out, l)
		}
	}
	return out
}
