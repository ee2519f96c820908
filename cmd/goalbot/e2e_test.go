package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/bot/webhook"
	"github.com/goalbot/goalbot/config"
	"github.com/goalbot/goalbot/store/storetest"
)

// logBuffer collects goalbot's logs; a failing test prints them.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newEnv starts the sandbox and goalbot on loopback for one test.
func newEnv(t *testing.T, o demoOptions) *demoEnv {
	t.Helper()
	logs := &logBuffer{}
	o.Listen, o.Log = "127.0.0.1:0", logs
	if o.Level == "" {
		o.Level = "debug"
	}
	e, err := startDemo(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.Close()
		if t.Failed() {
			t.Logf("goalbot logs:\n%s", logs)
		}
	})
	return e
}

// post sends a signed webhook to goalbot and returns the status code.
func post(t *testing.T, e *demoEnv, event, id string, body []byte, sign bool) int {
	t.Helper()
	req, _ := http.NewRequest("POST", e.App.URL()+"/webhook", bytes.NewReader(body))
	if event != "" {
		req.Header.Set("X-GitHub-Event", event)
	}
	if id != "" {
		req.Header.Set("X-GitHub-Delivery", id)
	}
	if sign {
		req.Header.Set("X-Hub-Signature-256", webhook.Sign(e.Secret, body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := readFixture(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readFixture reads a real webhook payload from testdata/webhooks.
func readFixture(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", "webhooks", name))
}

func waitIdle(t *testing.T, e *demoEnv) {
	t.Helper()
	if err := e.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// statusComments returns the bot's living comments on the tracking issue.
func statusComments(e *demoEnv) []sandbox.Comment {
	var out []sandbox.Comment
	for _, c := range e.SB.Comments(demo.TrackingRepo, demo.TrackingIssue) {
		if _, ok := render.ParseMarker(c.Body); ok {
			out = append(out, c)
		}
	}
	return out
}

func TestWebhookStatusCodes(t *testing.T) {
	e := newEnv(t, demoOptions{})
	labeled := fixture(t, "issues.labeled.json")
	tests := []struct {
		name   string
		method string
		event  string
		id     string
		body   []byte
		sign   bool
		want   int
	}{
		{"real issues.labeled payload", "POST", "issues", "e2e-1", labeled, true, 202},
		{"same delivery again", "POST", "issues", "e2e-1", labeled, true, 200},
		{"unsigned", "POST", "issues", "e2e-2", labeled, false, 401},
		{"no event header", "POST", "", "e2e-3", labeled, true, 400},
		{"no delivery header", "POST", "issues", "", labeled, true, 400},
		{"not JSON", "POST", "issues", "e2e-4", []byte("<xml/>"), true, 400},
		{"ping", "POST", "ping", "e2e-5", fixture(t, "ping.json"), true, 200},
		{"unused event", "POST", "star", "e2e-6", fixture(t, "star.created.json"), true, 202},
	}
	for _, tt := range tests {
		if got := post(t, e, tt.event, tt.id, tt.body, tt.sign); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	resp, err := http.Get(e.App.URL() + "/webhook")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET /webhook = %d, want 405", resp.StatusCode)
	}
	big := bytes.Repeat([]byte(" "), webhook.MaxBody+10)
	if got := post(t, e, "issues", "e2e-big", big, true); got != 413 {
		t.Errorf("oversized body = %d, want 413", got)
	}
	waitIdle(t, e)
	counts, err := e.App.DB.DeliveryCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Only the one used event was stored (and processed: nobody tracks Codertocat/Hello-World).
	if counts["done"] != 1 || len(counts) != 1 {
		t.Errorf("stored deliveries by outcome = %v, want exactly one done", counts)
	}
	e.App.LoadGoals(context.Background()) // /readyz is 503 while no goal is loaded
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(e.App.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d: %s", path, resp.StatusCode, b)
		}
		if path == "/metrics" && !strings.Contains(string(b), `goalbot_webhook_deliveries_total{event="issues",outcome="duplicate"} 1`) {
			t.Errorf("metrics lack the duplicate delivery:\n%s", b)
		}
	}
}

// loadGoal loads the seed goal and waits until its first status comment exists.
func loadGoal(t *testing.T, e *demoEnv) {
	t.Helper()
	if err := e.App.Tracker.LoadGoals(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	if n := len(statusComments(e)); n != 1 {
		t.Fatalf("%d status comments after loading the goal, want 1", n)
	}
}

// sendBoundStatus returns the status cell of the send-bound subgoal row.
func sendBoundStatus(t *testing.T, e *demoEnv) string {
	t.Helper()
	cs := statusComments(e)
	if len(cs) != 1 {
		t.Fatalf("%d status comments, want exactly 1", len(cs))
	}
	for _, line := range strings.Split(cs[0].Body, "\n") {
		if strings.Contains(line, "approve RTN RFC") {
			cells := strings.Split(line, "|")
			if len(cells) >= 4 {
				return strings.TrimSpace(cells[3])
			}
		}
	}
	t.Fatalf("no send-bound row in:\n%s", cs[0].Body)
	return ""
}

func TestDemoTimeline(t *testing.T) { runTimeline(t, demoOptions{}) }

func TestDemoTimelinePostgres(t *testing.T) {
	runTimeline(t, demoOptions{DatabaseURL: storetest.PostgresURL(t)})
}

// runTimeline plays the demo timeline and checks the send-bound subgoal's
// status after each step, and that no step writes an unchanged comment.
func runTimeline(t *testing.T, o demoOptions) {
	e := newEnv(t, o)
	loadGoal(t, e)
	play := &demo.Play{SB: e.SB}
	var seen []string
	for i, step := range demo.Timeline() {
		e.Clock.Advance(step.After)
		before := e.SB.Stats()
		body := statusComments(e)[0].Body
		d := step.Do(play)
		if !d.OK() {
			t.Fatalf("step %d (%s): delivery %d %s", i+1, step.Say, d.StatusCode, d.Status)
		}
		waitIdle(t, e)
		got := sendBoundStatus(t, e)
		if step.Expect != "" {
			if !strings.HasPrefix(strings.Trim(got, "*` "), step.Expect) && !strings.Contains(got, step.Expect) {
				t.Errorf("step %d (%s): send-bound status %q, want %s", i+1, step.Say, got, step.Expect)
			}
			seen = append(seen, step.Expect)
		}
		after := e.SB.Stats()
		changed := statusComments(e)[0].Body != body
		writes := after.Writes - before.Writes
		if !changed && writes > 0 {
			t.Errorf("step %d: %d GitHub writes although the status comment did not change", i+1, writes)
		}
	}
	want := []string{"fcp-proposed", "fcp-proposed", "blocked", "fcp-proposed", "in-fcp", "fcp-finished", "accepted"}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("statuses seen %v, want %v", seen, want)
	}
	final := statusComments(e)[0].Body
	if strings.Contains(final, "@") && strings.Contains(final, "@nikomatsakis") {
		t.Errorf("status comment pings someone:\n%s", final)
	}
}

// proposeFCP plays the first timeline step: an FCP proposed on RFC #3654.
func proposeFCP(t *testing.T, e *demoEnv) *demo.Play {
	t.Helper()
	play := &demo.Play{SB: e.SB}
	if d := demo.Timeline()[0].Do(play); !d.OK() {
		t.Fatalf("delivery %d %s", d.StatusCode, d.Status)
	}
	waitIdle(t, e)
	return play
}

func TestDuplicateDeliveryProcessedOnce(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	proposeFCP(t, e)
	before := e.SB.Stats()
	comments := len(e.SB.Comments(demo.TrackingRepo, demo.TrackingIssue))
	// Redeliver every delivery so far: same GUIDs, so nothing runs again.
	for _, d := range e.SB.Deliveries() {
		if rd, ok := e.SB.Redeliver(d.GUID); !ok || rd.StatusCode != 200 {
			t.Errorf("redelivery of %s (%s) answered %d, want 200", d.GUID, d.Event, rd.StatusCode)
		}
	}
	waitIdle(t, e)
	after := e.SB.Stats()
	if after.Writes != before.Writes {
		t.Errorf("redeliveries caused %d GitHub writes", after.Writes-before.Writes)
	}
	if n := len(e.SB.Comments(demo.TrackingRepo, demo.TrackingIssue)); n != comments {
		t.Errorf("comments on the tracking issue went from %d to %d", comments, n)
	}
}

func TestFaultsStillEndWithOneEffect(t *testing.T) {
	e := newEnv(t, demoOptions{App: AppOptions{RetryBase: 10 * time.Millisecond}})
	loadGoal(t, e)
	first := statusComments(e)[0]
	e.SB.FailNext(3, 502)
	e.SB.SecondaryLimitNext(1, 403, time.Second)
	before := e.SB.Stats()
	proposeFCP(t, e)
	cs := statusComments(e)
	if len(cs) != 1 || cs[0].ID != first.ID {
		t.Fatalf("status comments = %d (first id %d), want the same single comment", len(cs), first.ID)
	}
	if !strings.Contains(cs[0].Body, "fcp-proposed") {
		t.Errorf("status comment does not show the FCP proposal:\n%s", cs[0].Body)
	}
	edits := e.SB.Stats().ByRoute["PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}"] - before.ByRoute["PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}"]
	if edits < 1 {
		t.Errorf("no successful edit recorded (by route: %v)", e.SB.Stats().ByRoute)
	}
}

func TestAckDoesNotWaitForGitHub(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	e.SB.SetLatency(2 * time.Second)
	e.SB.ResetStats()
	start := time.Now()
	play := &demo.Play{SB: e.SB}
	d := demo.Timeline()[0].Do(play) // four webhooks, each acknowledged synchronously
	acked := time.Since(start)
	st := e.SB.Stats()
	if !d.OK() {
		t.Fatalf("delivery %d %s", d.StatusCode, d.Status)
	}
	// Every GitHub request takes 2 s now; the acks came back before any of
	// them could finish.
	if done := st.Reads + st.Writes; done != 0 {
		t.Errorf("%d GitHub requests had finished when the webhooks were acknowledged (after %v)", done, acked)
	}
	waitIdle(t, e)
	if e.SB.Stats().Writes == 0 {
		t.Error("the workers never wrote the status comment")
	}
}

func TestRestartFinishesAcknowledgedWork(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "restart.db")
	e := newEnv(t, demoOptions{DatabaseURL: dbURL})
	loadGoal(t, e)
	// The first process acknowledges, then dies before any worker runs:
	// stop its queue so nothing is worked, then deliver.
	if err := e.App.Queue.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	play := &demo.Play{SB: e.SB}
	if d := demo.Timeline()[0].Do(play); !d.OK() {
		t.Fatalf("delivery %d %s", d.StatusCode, d.Status)
	}
	if n, _ := e.App.DB.QueueDepth(context.Background()); n == 0 {
		t.Fatal("no job waiting after the acknowledged delivery")
	}
	if strings.Contains(statusComments(e)[0].Body, "fcp-proposed") {
		t.Fatal("the stopped process worked the job")
	}
	// A new process on the same store finishes it.
	e2, err := NewApp(context.Background(), e.App.Config, e.App.Log, AppOptions{PollInterval: 20 * time.Millisecond, Now: e.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := e2.Start(context.Background(), "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer e2.Shutdown(context.Background())
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(statusComments(e)[0].Body, "fcp-proposed") {
		if time.Now().After(deadline) {
			t.Fatalf("the restarted process did not finish the work:\n%s", statusComments(e)[0].Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDeletedStatusCommentIsRecreated(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	old := statusComments(e)[0]
	if d := e.SB.DeleteComment("nikomatsakis", old.ID); !d.OK() {
		t.Fatalf("delete: %d %s", d.StatusCode, d.Status)
	}
	proposeFCP(t, e)
	cs := statusComments(e)
	if len(cs) != 1 || cs[0].ID == old.ID || !strings.Contains(cs[0].Body, "fcp-proposed") {
		t.Fatalf("after deletion: %d comments (ids %v), want one new comment showing fcp-proposed", len(cs), cs)
	}
}

func TestOutOfOrderDeliveryDoesNotRollBack(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	play := &demo.Play{SB: e.SB}
	tl := demo.Timeline()
	tl[0].Do(play)
	waitIdle(t, e)
	// Step 5 (FCP starts) is dropped on its way; step... the later merge arrives first.
	e.Clock.Advance(24 * time.Hour)
	e.SB.DropWebhooks(100)
	for _, i := range []int{1, 2, 3, 4} {
		tl[i].Do(play)
	}
	dropped := e.SB.Deliveries()
	e.SB.DropWebhooks(0)
	e.Clock.Advance(12 * 24 * time.Hour)
	tl[7].Do(play) // FCP complete
	waitIdle(t, e)
	if got := sendBoundStatus(t, e); !strings.Contains(got, "fcp-finished") {
		t.Fatalf("after completion: %q", got)
	}
	// Now the old deliveries arrive, late.
	for _, d := range dropped {
		if d.Dropped {
			e.SB.Redeliver(d.GUID)
		}
	}
	waitIdle(t, e)
	if got := sendBoundStatus(t, e); !strings.Contains(got, "fcp-finished") {
		t.Errorf("late deliveries rolled the status back to %q", got)
	}
}

func TestTransitionNoticesWhenEnabled(t *testing.T) {
	e := newEnv(t, demoOptions{Configure: func(cfg *config.Config, _ *sandbox.Server) { cfg.Goals[0].Notices = true }})
	loadGoal(t, e)
	play := &demo.Play{SB: e.SB}
	tl := demo.Timeline()
	for i := 0; i <= 4; i++ { // up to the FCP start
		e.Clock.Advance(tl[i].After)
		tl[i].Do(play)
		waitIdle(t, e)
	}
	var notices []string
	for _, c := range e.SB.Comments(demo.TrackingRepo, demo.TrackingIssue) {
		if strings.HasPrefix(c.Body, "<!-- goalbot:notice") {
			notices = append(notices, c.Body)
		}
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "rust-lang/rfcs#3654") || !strings.Contains(notices[0], "2024-08-16") {
		t.Fatalf("notices = %q, want one about the FCP starting", notices)
	}
	if strings.Contains(notices[0], "@") {
		t.Errorf("the notice pings: %q", notices[0])
	}
	// Redelivering everything announces nothing twice.
	for _, d := range e.SB.Deliveries() {
		e.SB.Redeliver(d.GUID)
	}
	waitIdle(t, e)
	n := 0
	for _, c := range e.SB.Comments(demo.TrackingRepo, demo.TrackingIssue) {
		if strings.HasPrefix(c.Body, "<!-- goalbot:notice") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d notices after redelivery, want 1", n)
	}
}
