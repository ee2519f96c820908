package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/sandbox"
)

// playSteps plays timeline steps first..last (0-based, inclusive).
func playSteps(t *testing.T, e *demoEnv, play *demo.Play, first, last int) {
	t.Helper()
	tl := demo.Timeline()
	for i := first; i <= last; i++ {
		e.Clock.Advance(tl[i].After)
		if d := tl[i].Do(play); !d.OK() {
			t.Fatalf("step %d: %d %s", i+1, d.StatusCode, d.Status)
		}
		waitIdle(t, e)
	}
}

// digestIssues returns the digest issues in the tracking repository.
func digestIssues(e *demoEnv) []sandbox.Issue {
	var out []sandbox.Issue
	for n := 1; n < 300; n++ {
		is, ok := e.SB.Issue(demo.TrackingRepo, n)
		if ok && strings.HasPrefix(is.Title, "Goal status digest") {
			out = append(out, is)
		}
	}
	return out
}

func section(body, heading string) string {
	heading = "### " + heading
	i := strings.Index(body, heading)
	if i < 0 {
		return ""
	}
	rest := body[i+len(heading):]
	if j := strings.Index(rest, "\n### "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestDigestSectionsOverAWeek(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	play := &demo.Play{SB: e.SB}
	playSteps(t, e, play, 0, 2) // 2024-08-01..03: proposed, ticks, concern raised
	v, err := e.App.Tracker.BuildDigest(context.Background(), "2024-W31")
	if err != nil {
		t.Fatal(err)
	}
	body := render.Digest(v)
	if w, ok := render.ParseDigestMarker(body); !ok || w != "2024-W31" {
		t.Errorf("marker = %q, %v", w, ok)
	}
	changed := section(body, "What changed this week")
	for _, want := range []string{"fcp-proposed", "blocked", "rust-lang/rfcs#3654"} {
		if !strings.Contains(changed, want) {
			t.Errorf("changes section lacks %q:\n%s", want, changed)
		}
	}
	if waiting := section(body, "Waiting on reviewers"); !strings.Contains(waiting, "4/6") || !strings.Contains(waiting, "pnkfelix") {
		t.Errorf("waiting section:\n%s", waiting)
	}
	if concerns := section(body, "Unresolved concerns"); !strings.Contains(concerns, "naming-of-rtn") {
		t.Errorf("concerns section:\n%s", concerns)
	}
	if strings.Contains(body, "@pnkfelix") || strings.Contains(body, "@scottmcm") {
		t.Error("the digest pings reviewers")
	}

	playSteps(t, e, play, 3, 5)         // 08-06..07: resolved, FCP starts, MCP seconded
	e.Clock.Advance(5 * 24 * time.Hour) // Monday 2024-08-12
	v, err = e.App.Tracker.BuildDigest(context.Background(), "2024-W33")
	if err != nil {
		t.Fatal(err)
	}
	body = render.Digest(v)
	ending := section(body, "FCPs ending in the next 7 days")
	if strings.Count(ending, "rust-lang/rfcs#3654](") != 1 || !strings.Contains(ending, "2024-08-16") || !strings.Contains(ending, "compiler-team#727") {
		t.Errorf("ending section:\n%s", ending)
	}
	if changed := section(body, "What changed this week"); strings.Contains(changed, "rfcs#3654") {
		t.Errorf("W33 lists changes of other weeks:\n%s", changed)
	}
}

func TestDigestOneIssuePerWeek(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	ctx := context.Background()
	n1, err := e.App.Tracker.PostDigest(ctx, "2024-W31")
	if err != nil {
		t.Fatal(err)
	}
	n2, err := e.App.Tracker.PostDigest(ctx, "2024-W31")
	if err != nil || n2 != n1 {
		t.Fatalf("second run = %d, %v; want the same issue %d", n2, err, n1)
	}
	// A second replica on the same store, racing the first on the next week.
	other, err := NewApp(ctx, e.App.Config, e.App.Log, AppOptions{NoSchedule: true, Now: e.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Shutdown(ctx)
	var wg sync.WaitGroup
	numbers := make([]int, 4)
	for i := range numbers {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tr := e.App.Tracker
			if i%2 == 1 {
				tr = other.Tracker
			}
			for {
				n, err := tr.PostDigest(ctx, "2024-W32")
				if _, busy := gh.IsRetryAfter(err); busy {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				if err != nil {
					t.Error(err)
				}
				numbers[i] = n
				return
			}
		}(i)
	}
	wg.Wait()
	issues := digestIssues(e)
	if len(issues) != 2 {
		t.Fatalf("%d digest issues, want 2 (one per week): %v", len(issues), issues)
	}
	for _, n := range numbers {
		if n != numbers[0] {
			t.Errorf("racing runs returned different issues: %v", numbers)
		}
	}
	if old, _ := e.SB.Issue(demo.TrackingRepo, n1); old.State != "closed" {
		t.Errorf("last week's digest is %s, want closed", old.State)
	}
}

func TestSyncRecoversADroppedWebhook(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	play := &demo.Play{SB: e.SB}
	playSteps(t, e, play, 0, 0)
	ctx := context.Background()
	if _, err := e.App.Tracker.Sync(ctx, "", nil); err != nil { // cold: sets the watermarks
		t.Fatal(err)
	}
	e.Clock.Advance(time.Hour)
	e.SB.DropWebhooks(2)
	e.SB.RemoveLabel("rfcbot", demo.RFCRepo, demo.SendBoundRFC, "proposed-final-comment-period")
	e.SB.AddLabel("rfcbot", demo.RFCRepo, demo.SendBoundRFC, "final-comment-period")
	waitIdle(t, e)
	if got := sendBoundStatus(t, e); !strings.Contains(got, "fcp-proposed") {
		t.Fatalf("before the sync the bot already knew: %q", got)
	}
	rep, err := e.App.Tracker.Sync(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	if got := sendBoundStatus(t, e); !strings.Contains(got, "in-fcp") {
		t.Errorf("after one sync the send-bound subgoal shows %q, want in-fcp (report %+v)", got, rep)
	}
	if rep.Changed != 1 {
		t.Errorf("sync report %+v, want exactly one changed item", rep)
	}
}

func TestWarmSyncCostsNothing(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	ctx := context.Background()
	if _, err := e.App.Tracker.Sync(ctx, "", nil); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	before := e.SB.Stats()
	rep, err := e.App.Tracker.Sync(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	after := e.SB.Stats()
	if charged := after.Charged - before.Charged; charged != 0 {
		t.Errorf("a warm sync of unchanged items was charged %d rate-limit points (by route %v)", charged, after.ByRoute)
	}
	// One 304 per repository listing, and one for the tracking issue's
	// timeline (discovery's reconciliation).
	if after.NotModified-before.NotModified != rep.Repos+1 || rep.Cached != rep.Repos || rep.Repos != 2 ||
		rep.Timelines != 1 || rep.TimelinesCached != 1 {
		t.Errorf("warm sync: %d 304s for %d repositories and the timeline (report %+v)", after.NotModified-before.NotModified, rep.Repos, rep)
	}
}

func TestRecoverDeliveriesRedeliversFailedOnes(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	e.SB.DropWebhooks(4) // the whole first step is lost on its way
	play := &demo.Play{SB: e.SB}
	demo.Timeline()[0].Do(play)
	waitIdle(t, e)
	if got := sendBoundStatus(t, e); strings.Contains(got, "fcp-proposed") {
		t.Fatalf("dropped webhooks arrived anyway: %q", got)
	}
	n, err := e.App.Tracker.RecoverDeliveries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	if n != 4 {
		t.Errorf("asked for %d redeliveries, want 4", n)
	}
	if got := sendBoundStatus(t, e); !strings.Contains(got, "fcp-proposed") {
		t.Errorf("after recovery: %q, want fcp-proposed", got)
	}
	if n, _ := e.App.Tracker.RecoverDeliveries(context.Background()); n != 0 {
		t.Errorf("a second recovery asked for %d more", n)
	}
}
