package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/tracker"
	"github.com/goalbot/goalbot/config"
	"github.com/goalbot/goalbot/store"
	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// openOneShot builds an App for a one-shot command: workers but no HTTP
// server and no schedule.
func openOneShot(ctx context.Context, cfg *config.Config, stderr io.Writer) (*App, error) {
	return NewApp(ctx, cfg, newLogger(stderr, "warn"), AppOptions{NoSchedule: true, PollInterval: 50 * time.Millisecond})
}

func cmdSync(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	var goal *string
	cfg, err := configCommand("sync", args, getenv, func(fs *flag.FlagSet) {
		goal = fs.String("goal", "", "only the items of this goal (`ID`)")
	})
	if err != nil {
		return err
	}
	app, err := openOneShot(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer app.Shutdown(context.Background())
	if err := app.StartWorkers(ctx); err != nil {
		return err
	}
	bar := newProgress(stdout)
	start := time.Now()
	rep, err := app.Tracker.Sync(ctx, *goal, bar.update)
	bar.done()
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if werr := app.WaitIdle(wctx); werr != nil && err == nil {
		err = werr
	}
	total, cached := app.GitHub.Requests()
	fmt.Fprint(stdout, syncSummary(rep, time.Since(start)))
	fmt.Fprintf(stdout, "GitHub requests: %d, of which %d answered 304; rate-limit points used: %d\n", total, cached, total-cached)
	return err
}

// syncSummary says what a sync found: how many items changed first, then
// how it found out (repository listings, then items read one by one).
func syncSummary(rep tracker.SyncReport, took time.Duration) string {
	return fmt.Sprintf("synced %d %s in %d %s in %s: %d %s changed\n"+
		"  repository listings: %d with news, %d unchanged (304); items read one by one: %d\n",
		rep.Items, plural(rep.Items, "item", "items"), rep.Repos, plural(rep.Repos, "repository", "repositories"),
		took.Round(time.Millisecond), rep.Changed, plural(rep.Changed, "item", "items"),
		rep.Listed, rep.Cached, rep.Checked)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// progress draws a progress bar on a terminal and plain lines otherwise.
type progress struct {
	w        io.Writer
	terminal bool
	last     time.Time
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, terminal: ok && isatty.IsTerminal(f.Fd())}
}

func (p *progress) update(done, total int, item string) {
	if !p.terminal {
		fmt.Fprintf(p.w, "%d/%d %s\n", done, total, item)
		return
	}
	if time.Since(p.last) < 50*time.Millisecond && done < total {
		return
	}
	p.last = time.Now()
	const width = 30
	n := width
	if total > 0 {
		n = done * width / total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %-40s", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, trim(item, 40))
}

func (p *progress) done() {
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}

func cmdDigest(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	var week *string
	var dry *bool
	cfg, err := configCommand("digest", args, getenv, func(fs *flag.FlagSet) {
		week = fs.String("week", "", "ISO week `YYYY-Www`, e.g. 2024-W36 (default: the current week)")
		dry = fs.Bool("dry-run", false, "print the digest instead of posting it")
	})
	if err != nil {
		return err
	}
	if *week == "" {
		*week = render.ISOWeek(time.Now())
	}
	if _, err := render.ParseISOWeek(*week); err != nil {
		return usagef("--week: %v", err)
	}
	if *dry {
		// From the store alone: no GitHub credentials, no queue, no writes.
		db, err := store.OpenExisting(ctx, cfg.DatabaseURL.Value())
		if err != nil {
			return err
		}
		defer db.Close()
		t := tracker.New(tracker.Config{Store: db, Log: zerolog.Nop(), Settings: cfg})
		v, err := t.BuildDigest(ctx, *week)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "# %s\n\n%s\n", render.DigestTitle(*week), render.Digest(v))
		return nil
	}
	app, err := openOneShot(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer app.Shutdown(context.Background())
	if app.Config.Digest.Repo == "" {
		return &configError{fmt.Errorf("no digest repository: set [digest] repo in goalbot.toml (or use --dry-run)")}
	}
	n, err := app.Tracker.PostDigest(ctx, *week)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "digest %s posted as %s#%d\n", *week, app.Config.Digest.Repo, n)
	return nil
}
