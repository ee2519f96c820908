package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/goalbot/goalbot/bot/dashboard"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/health"
	"github.com/goalbot/goalbot/bot/job"
	"github.com/goalbot/goalbot/bot/metrics"
	"github.com/goalbot/goalbot/bot/server"
	"github.com/goalbot/goalbot/bot/tracker"
	"github.com/goalbot/goalbot/bot/webhook"
	"github.com/goalbot/goalbot/config"
	"github.com/goalbot/goalbot/store"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"
)

// App is one running goalbot: store, job queue, GitHub client, handlers and
// HTTP server, built from a Config. Tests and the demo run it in-process.
type App struct {
	Config  *config.Config
	Log     zerolog.Logger
	DB      *store.DB
	Queue   store.Queue
	GitHub  *gh.Client
	Metrics *metrics.Metrics
	Tracker *tracker.Tracker
	Health  *health.Registry // what /readyz reports: store, GitHub credentials, goals
	// Dashboard serves the pages, /api/v1 and feeds, on the main listener
	// or on [http] dashboard_listen.
	Dashboard *dashboard.Handler

	goalsErr atomicError // the last goal load's error, for /readyz
	server   *http.Server
	ln       net.Listener
	served   chan error
	extra    []*extraListener // [http] dashboard_listen and metrics_listen
}

// extraListener is one optional listener of [http].
type extraListener struct {
	name, addr string
	server     *http.Server
	ln         net.Listener
}

// AppOptions tune an App for tests and the demo.
type AppOptions struct {
	Workers      int           // concurrent jobs; default [jobs] workers
	PollInterval time.Duration // how often idle workers look for jobs; default [jobs] poll
	RescueAfter  time.Duration // when a running job is deemed orphaned; default 10 min
	RetryBase    time.Duration // first retry delay; default 1 s
	Transport    http.RoundTripper
	Now          func() time.Time // the tracker's clock; default time.Now
	NoSchedule   bool             // no periodic digest or sync (tests, the demo, one-shot commands)
	Serve        bool             // the long-running server: resumes jobs a crash left running (SQLite)
	RenderDelay  time.Duration    // gathers bursts of changes into one comment write; default 2 s (River promotes delayed jobs every ~5 s), <0 none
	// DashboardRefresh is how long the dashboard serves one read of the
	// store; default 2 s, <0 reads on every request (tests, the demo).
	DashboardRefresh time.Duration
	NoSkip           bool // every delivery gets a job, even one about an untracked item (benchmarks of the queue)
}

// NewApp opens the store, migrates it and builds every part; Start runs them.
func NewApp(ctx context.Context, cfg *config.Config, log zerolog.Logger, opt AppOptions) (*App, error) {
	if opt.Workers == 0 {
		opt.Workers = cmp.Or(cfg.Jobs.Workers, config.DefaultJobWorkers)
	}
	if opt.PollInterval == 0 {
		opt.PollInterval = cmp.Or(cfg.Jobs.Poll, config.DefaultJobPoll)
	}
	if opt.RescueAfter == 0 {
		opt.RescueAfter = 10 * time.Minute
	}
	if opt.RetryBase == 0 {
		opt.RetryBase = time.Second
	}
	switch {
	case opt.RenderDelay == 0:
		opt.RenderDelay = 2 * time.Second
	case opt.RenderDelay < 0:
		opt.RenderDelay = 0
	}
	a := &App{Config: cfg, Log: log}
	db, err := store.Open(ctx, cfg.DatabaseURL.Value())
	if err != nil {
		return nil, err
	}
	a.DB = db
	db.SetIngestOptions(store.IngestOptions{Failed: func(err error) {
		// A failed checkpoint lets the log grow, a failed pump leaves
		// deliveries waiting in the inbox; both are retried within a second.
		log.Error().Err(err).Msg("store: background step failed; retrying")
	}})
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if opt.Serve {
		n, err := db.RecoverOrphans(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		if n > 0 {
			log.Warn().Int("jobs", n).Msg("requeued jobs a previous run left unfinished")
		}
	}
	a.Metrics = metrics.New(db.QueueDepth)
	a.Metrics.BuildInfo(buildLabels())
	a.Health = health.New()
	a.Health.Probe("store", db.Ready)
	a.Health.Probe("goals", a.goalsLoaded)

	a.GitHub, err = gh.New(gh.Config{
		APIURL:     cfg.GitHub.APIURL,
		AppID:      cfg.GitHub.AppID,
		PrivateKey: []byte(cfg.GitHub.PrivateKey.Value()),
		Token:      cfg.GitHub.Token.Value(),
		BotLogin:   cfg.GitHub.BotLogin,
		Transport: gh.Watch(gh.WithTimeout(opt.Transport, gh.DefaultRequestTimeout),
			health.GitHubWatcher{Registry: a.Health, OnRateLimit: a.Metrics.RateLimitRemaining}),
		Observe: a.Metrics.ObserveGitHub,
	})
	if err != nil {
		db.Close()
		return nil, &configError{fmt.Errorf("github: %w", err)}
	}

	dispatcher := job.NewDispatcher(db, log, a.Metrics)
	workers := river.NewWorkers()
	river.AddWorker(workers, dispatcher.Worker())
	a.Tracker = tracker.New(tracker.Config{
		Store: db, GitHub: gh.NewGateway(a.GitHub, gh.GatewayOptions{Log: log}), Log: log, Settings: cfg, Now: opt.Now, RenderDelay: opt.RenderDelay,
		Monitor: a.Metrics,
	})
	a.Tracker.Register(dispatcher, workers)
	river.AddWorker(workers, &job.RetentionWorker{Store: db, Keep: cfg.Store.Retention, Log: log})
	var periodic []*river.PeriodicJob
	if !opt.NoSchedule {
		periodic = append(a.Tracker.PeriodicJobs(), job.PeriodicRetention(time.Hour))
	}

	// Busy workers fetch again as soon as a slot frees, at most every 5 ms;
	// idle ones look every poll (measured: 16 workers with a 5 ms cooldown
	// drained untracked deliveries ~2× faster than with 20 ms).
	cooldown := min(opt.PollInterval, 5*time.Millisecond)
	failures := job.NewFailures(log, a.Metrics)
	a.Queue, err = db.NewQueue(&river.Config{
		Hooks: []rivertype.Hook{failures},
		// The retention job deletes finished jobs after [store] retention;
		// River's own cleaner would drop failed ones after a day, before
		// anyone ran goalbot jobs --failed.
		CancelledJobRetentionPeriod: -1,
		CompletedJobRetentionPeriod: -1,
		DiscardedJobRetentionPeriod: -1,
		ErrorHandler:                failures,
		Queues:                      map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opt.Workers}},
		Workers:                     workers,
		PeriodicJobs:                periodic,
		MaxAttempts:                 10,
		RetryPolicy:                 job.RetryPolicy{Base: opt.RetryBase, Max: 10 * time.Minute},
		FetchPollInterval:           opt.PollInterval,
		FetchCooldown:               cooldown,
		JobTimeout:                  2 * time.Minute,
		RescueStuckJobsAfter:        max(opt.RescueAfter, 2*time.Minute+time.Second),
		Logger:                      slog.New(zerolog.NewSlogHandler(log.With().Str("component", "river").Logger().Level(zerolog.WarnLevel))),
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Tracker.SetQueue(a.Queue)

	// One-shot commands (sync, digest) need no receiver, hence no secret.
	if len(cfg.WebhookSecrets) > 0 {
		secrets := make([]string, len(cfg.WebhookSecrets))
		for i, s := range cfg.WebhookSecrets {
			secrets[i] = s.Value()
		}
		receiver, err := webhook.New(db, secrets, dispatcher.Events(), log, a.Metrics)
		if err != nil {
			db.Close()
			return nil, &configError{err}
		}
		// The tracker's handlers act on tracked items and commands only:
		// other deliveries about items are finished as they are stored.
		if !opt.NoSkip {
			receiver.SkipUntracked(a.GitHub.KnownBotLogin, a.Tracker.KeepWords)
		}
		a.Dashboard, err = dashboard.New(dashboard.Options{
			Source:  dashboard.StoreSource{Store: db, Now: opt.Now},
			Log:     log.With().Str("component", "dashboard").Logger(),
			Refresh: opt.DashboardRefresh,
		})
		if err != nil {
			db.Close()
			return nil, err
		}
		routes := server.Config{Webhook: receiver, Ready: a.Health.Ready, Registry: a.Metrics.Registry, Dashboard: a.Dashboard, Log: log}
		if cfg.HTTP.DashboardListen != "" {
			routes.Dashboard = nil
			a.extra = append(a.extra, &extraListener{name: "dashboard", addr: cfg.HTTP.DashboardListen, server: newHTTPServer(a.Dashboard)})
		}
		if cfg.HTTP.MetricsListen != "" {
			routes.Registry = nil
			mux := http.NewServeMux()
			mux.Handle("GET /metrics", promhttp.HandlerFor(a.Metrics.Registry, promhttp.HandlerOpts{}))
			a.extra = append(a.extra, &extraListener{name: "metrics", addr: cfg.HTTP.MetricsListen, server: newHTTPServer(mux)})
		}
		a.server = newHTTPServer(server.Handler(routes))
	}
	return a, nil
}

func newHTTPServer(h http.Handler) *http.Server {
	return server.New(h, server.DefaultTimeouts)
}

// StartWorkers starts the job workers (and the scheduler) only.
func (a *App) StartWorkers(ctx context.Context) error {
	if err := a.Queue.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	return nil
}

// WaitIdle waits until no job is waiting or running, or ctx ends.
func (a *App) WaitIdle(ctx context.Context) error {
	for {
		n, err := a.DB.QueueDepth(ctx)
		if err != nil || n == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d jobs still queued: %w", n, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Start starts the workers and listens on addr (":0" picks a port).
func (a *App) Start(ctx context.Context, addr string) error {
	if a.server == nil {
		return &configError{errors.New("no webhook secret: set GOALBOT_WEBHOOK_SECRET or webhook_secrets in goalbot.toml")}
	}
	if err := a.StartWorkers(ctx); err != nil {
		return err
	}
	if err := a.Listen(addr); err != nil {
		a.Queue.Stop(ctx)
		return err
	}
	return nil
}

// Listen serves HTTP on addr without starting the workers.
func (a *App) Listen(addr string) error {
	if a.server == nil {
		return &configError{errors.New("no webhook secret: set GOALBOT_WEBHOOK_SECRET or webhook_secrets in goalbot.toml")}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	a.ln = ln
	for _, x := range a.extra {
		if x.ln, err = net.Listen("tcp", x.addr); err != nil {
			ln.Close()
			for _, y := range a.extra {
				if y.ln != nil && y != x {
					y.ln.Close()
				}
			}
			return fmt.Errorf("listen on %s ([http] %s_listen): %w", x.addr, x.name, err)
		}
	}
	a.served = make(chan error, 1+len(a.extra))
	go func() { a.served <- a.server.Serve(ln) }()
	a.Log.Info().Str("addr", ln.Addr().String()).Msg("goalbot listening")
	for _, x := range a.extra {
		go func() { a.served <- x.server.Serve(x.ln) }()
		a.Log.Info().Str("addr", x.ln.Addr().String()).Msgf("%s listening", x.name)
	}
	return nil
}

// URL is the base URL the App serves on.
func (a *App) URL() string { return "http://" + a.ln.Addr().String() }

// DashboardURL is the base URL of the dashboard: the main listener's, or
// [http] dashboard_listen's.
func (a *App) DashboardURL() string { return a.listenerURL("dashboard") }

// MetricsURL is the address of /metrics.
func (a *App) MetricsURL() string { return a.listenerURL("metrics") + "/metrics" }

func (a *App) listenerURL(name string) string {
	for _, x := range a.extra {
		if x.name == name && x.ln != nil {
			return "http://" + x.ln.Addr().String()
		}
	}
	return a.URL()
}

// Shutdown stops accepting requests, lets running jobs finish until ctx's
// deadline, then cancels what is left (it will be resumed on the next start)
// and closes the store.
func (a *App) Shutdown(ctx context.Context) error {
	var errs []error
	if a.ln != nil {
		if err := a.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		}
		for _, x := range a.extra {
			if err := x.server.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("http shutdown (%s): %w", x.name, err))
			}
		}
	}
	if a.Queue != nil {
		if err := a.Queue.Stop(ctx); err != nil {
			a.Log.Warn().Err(err).Msg("jobs did not finish in time; cancelling them")
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			a.Queue.StopAndCancel(cctx)
			cancel()
		}
	}
	if err := a.DB.Close(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func cmdServe(ctx context.Context, args []string, stderr io.Writer, getenv env) error {
	cfg, err := configCommand("serve", args, getenv, nil)
	if err != nil {
		return err
	}
	if err := cfg.RequireServe(); err != nil {
		return &configError{err}
	}
	log := newLogger(stderr, cfg.LogLevel)
	app, err := NewApp(ctx, cfg, log, AppOptions{Serve: true})
	if err != nil {
		return err
	}
	if err := app.Start(ctx, cfg.Listen); err != nil {
		app.Shutdown(context.Background())
		return err
	}
	app.LoadGoals(ctx)
	// The receiver finishes deliveries about untracked items without a job
	// once it knows the bot's login (a mention of it may be a command).
	go func() {
		if _, err := app.GitHub.BotLogin(ctx); err != nil {
			log.Warn().Err(err).Msg("could not learn the bot's login; every delivery gets a job until it is known")
		}
	}()
	select {
	case <-ctx.Done():
	case err := <-app.served:
		log.Error().Err(err).Msg("http server stopped")
	}
	log.Info().Msg("shutting down: no new deliveries; letting running jobs finish")
	sctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	return app.Shutdown(sctx)
}
