package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// chromium returns the path of a Chromium (or Chrome) binary, "" when none.
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// hostileTitle would run script if the dashboard did not escape it.
const hostileTitle = `Fix </span><img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> & "quotes"`

// githubLink is every form of GitHub address the dashboard may link: an
// issue or pull request, one of its comments, a person's profile.
var githubLink = regexp.MustCompile(`^https://github\.com/(?:[A-Za-z0-9-]+/[A-Za-z0-9._-]+/(?:issues|pull)/[1-9][0-9]*(?:#(?:issuecomment|pullrequestreview)-[1-9][0-9]*)?|[A-Za-z0-9-]+)$`)

// browser is one headless Chromium for a test, with the console errors,
// uncaught exceptions and browser-log errors of every page it loaded.
type browser struct {
	ctx    context.Context
	mu     sync.Mutex
	errors []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := chromium()
	if exe == "" {
		if os.Getenv("GOALBOT_REQUIRE_BROWSER") != "" {
			t.Fatal("GOALBOT_REQUIRE_BROWSER is set but no chromium is installed: apt-get install -y chromium")
		}
		t.Skip("no chromium on PATH (apt-get install -y chromium); set GOALBOT_REQUIRE_BROWSER=1 to make this a failure")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	b := &browser{ctx: ctx}
	collected := make(chan struct{})
	t.Cleanup(func() { cancel(); cancelAlloc(); <-collected })
	// The first action starts Chromium and ties it to its context: ctx
	// itself, not a child with a timeout that would close the browser.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		close(collected)
		t.Fatalf("start chromium (%s): %v", exe, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		defer close(collected)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				b.mu.Lock()
				b.errors = append(b.errors, fmt.Sprintf("%s (%s)", m, m.URL))
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// takeErrors returns and forgets the errors seen so far.
func (b *browser) takeErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.errors
	b.errors = nil
	return e
}

// pageCheck is what one page must show.
type pageCheck struct {
	path string
	want []string // texts of the page, as a reader sees them
}

// view is what the browser saw of one page at one width.
type view struct {
	text        string
	hrefs       []string
	scrollWidth int64 // wider than the viewport: sideways scrolling
	innerWidth  int64
	styled      bool // the stylesheet applied
	injected    bool // an element or script from GitHub text got in
	screenshot  string
}

// load opens base+path at a width and returns what it shows, with a
// full-page screenshot saved under dir.
func (b *browser) load(t *testing.T, base, path string, width int64, dark bool, dir, name string) view {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	var vo []chromedp.EmulateViewportOption
	if width < 600 {
		vo = append(vo, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(width, 900, vo...),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		}),
		chromedp.Navigate(base+path),
		chromedp.WaitReady(chromedp.CSS("footer")),
	)
	if err != nil {
		t.Fatalf("load %s at %d px: %v", path, width, err)
	}
	var v view
	must := func(err error) {
		if err != nil {
			t.Fatalf("read %s at %d px: %v", path, width, err)
		}
	}
	// Open every <details> (the subgoal histories) as a reader would.
	v.text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelectorAll('details').forEach(d => d.open = true), document.body.innerText`))
	must(err)
	v.hrefs, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))`))
	must(err)
	v.scrollWidth, err = chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
	must(err)
	v.innerWidth, err = chromedp.Run(ctx, chromedp.Evaluate[int64](`window.innerWidth`))
	must(err)
	v.styled, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('header.site')).display === 'flex'`))
	must(err)
	v.injected, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__pwned !== undefined || document.querySelectorAll('img, script, iframe').length > 0`))
	must(err)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG; less is JPEG
	must(err)
	v.screenshot = filepath.Join(dir, name)
	if err := os.WriteFile(v.screenshot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return v
}

// checkPages loads every page at desktop and phone widths (and the first
// in dark mode too) and checks texts, links, layout and the console.
func (b *browser) checkPages(t *testing.T, base, stage string, pages []pageCheck) {
	t.Helper()
	// Screenshots go to the test's temporary directory, or to
	// $GOALBOT_SCREENSHOTS to keep them after the test.
	dir := t.TempDir()
	if d := os.Getenv("GOALBOT_SCREENSHOTS"); d != "" {
		dir = d
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range pages {
		for _, w := range []struct {
			name  string
			width int64
			dark  bool
		}{{"desktop", 1280, false}, {"phone", 390, false}, {"phone-dark", 390, true}} {
			if w.dark && i > 0 {
				continue
			}
			name := fmt.Sprintf("%s-%02d-%s-%s.png", stage, i, strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(strings.Trim(p.path, "/")), w.name)
			v := b.load(t, base, p.path, w.width, w.dark, dir, name)
			t.Logf("screenshot %s %s at %d px: %s", stage, p.path, w.width, v.screenshot)
			text := strings.Join(strings.Fields(v.text), " ")
			for _, want := range p.want {
				if !strings.Contains(text, want) {
					t.Errorf("%s %s at %d px lacks %q; it shows:\n%s", stage, p.path, w.width, want, text)
				}
			}
			github := 0
			for _, h := range v.hrefs {
				switch {
				case strings.HasPrefix(h, "https://github.com"):
					github++
					if !githubLink.MatchString(h) {
						t.Errorf("%s %s: malformed GitHub link %q", stage, p.path, h)
					}
				case strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "//"):
				default:
					t.Errorf("%s %s: link %q is neither local nor GitHub", stage, p.path, h)
				}
			}
			if github == 0 && p.path != "/" {
				t.Errorf("%s %s links nothing on GitHub", stage, p.path)
			}
			if v.scrollWidth > v.innerWidth+1 {
				t.Errorf("%s %s at %d px is %d px wide: it scrolls sideways", stage, p.path, v.innerWidth, v.scrollWidth)
			}
			if v.injected {
				t.Errorf("%s %s: hostile GitHub text became markup or ran", stage, p.path)
			}
			if !v.styled {
				t.Errorf("%s %s: the stylesheet did not apply", stage, p.path)
			}
			if errs := b.takeErrors(); len(errs) > 0 {
				t.Errorf("%s %s at %d px: console errors:\n%s", stage, p.path, w.width, strings.Join(errs, "\n"))
			}
		}
	}
}

// TestDashboardBrowser runs the demo in-process (the real server against
// the sandbox) and looks at every dashboard page in headless Chromium at
// desktop (1280 px) and phone (390 px) widths: while RFC #3654's FCP is
// proposed and blocked by a concern, and after the timeline has played.
func TestDashboardBrowser(t *testing.T) {
	b := newBrowser(t)
	// A pull request whose title tries to run script, linked to the
	// closures' "author RFC" row (line 186): the browser must show it as text.
	e := newEnv(t, demoOptions{App: AppOptions{DashboardRefresh: -1}, Configure: func(cfg *config.Config, sb *sandbox.Server) {
		now := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
		sb.SeedIssue(sandbox.Issue{Repo: demo.RustRepo, Number: 666, IsPull: true, State: "open", Author: "someone",
			Title: hostileTitle, Labels: []string{"T-lang"}, CreatedAt: now, UpdatedAt: now})
		cfg.Goals[0].Links = append(cfg.Goals[0].Links, config.Link{Goal: demo.GoalID, Subgoal: "186", Item: ref.New("rust-lang", "rust", 666)})
	}})
	ctx := context.Background()
	if err := e.App.Tracker.LoadGoals(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	play := &demo.Play{SB: e.SB}
	steps := demo.Timeline()
	playTo := func(from, to int) {
		for _, s := range steps[from:to] {
			e.Clock.Advance(s.After)
			if d := s.Do(play); !d.OK() {
				t.Fatalf("%s: delivery answered %d", s.Say, d.StatusCode)
			}
			if err := e.WaitIdle(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	base := e.App.DashboardURL()
	goal := "/goals/" + demo.GoalID

	// Steps 1-3: proposed, two ticks, scottmcm's concern blocks it.
	playTo(0, 3)
	b.checkPages(t, base, "blocked", []pageCheck{
		{"/", []string{"Bringing the Async Rust experience closer to parity with sync Rust", "rust-lang/goals#105", "tmandry", "blocked 1"}},
		{goal, []string{hostileTitle, "approve RTN RFC or provide alternative", "rust-lang/rfcs#3654", "FCP proposed to merge",
			"joshtriplett", "pnkfelix", "naming-of-rtn", "blocked", "History"}},
		{"/fcps", []string{"Open proposals", "T-lang", "Return type notation (send bounds, part 2)", "4/6",
			"joshtriplett, pnkfelix", "naming-of-rtn by scottmcm"}},
		{"/fcps?blocked_on_others=tmandry", []string{"Proposals tmandry has reviewed", "rust-lang/rfcs#3654"}},
		{"/people/pnkfelix", []string{"Waiting on pnkfelix's review", "rust-lang/rfcs#3654", "☐ pending", "4/6"}},
		{"/people/scottmcm", []string{"Unresolved concerns raised by scottmcm", "naming-of-rtn"}},
	})

	// The rest: resolved, FCP, MCP seconded and accepted, finished, merged;
	// then the discovered PR and RFC #3658, whose FCP proposal is open.
	playTo(3, len(steps))
	b.checkPages(t, base, "end", []pageCheck{
		{goal, []string{"accepted", "RFC merged", "FCP finished to merge", "ended 2024-08-", "in-fcp → fcp-finished", "fcp-finished → accepted"}},
		{"/fcps", []string{"Recently finished", "rust-lang/rfcs#3654", "rust-lang/compiler-team#727",
			"Open proposals", "rust-lang/rfcs#3658", "Async iteration: the AsyncIterator trait"}},
		{"/people/pnkfelix", []string{"Past reviews", "rust-lang/rfcs#3654", "☐ not ticked"}},
	})
}
