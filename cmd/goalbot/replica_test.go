package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/bot/webhook"
	"github.com/goalbot/goalbot/config"
	"github.com/goalbot/goalbot/store/storetest"
)

// replicas starts n goalbot processes (Apps) on one store behind a
// round-robin proxy the sandbox delivers to.
type replicas struct {
	e     *demoEnv
	apps  []*App
	proxy *httptest.Server
}

func startReplicas(t testing.TB, dbURL string, n int) *replicas {
	t.Helper()
	return startReplicasWith(t, demoOptions{DatabaseURL: dbURL}, n)
}

// startReplicasWith is startReplicas with the first replica's demo options
// (a Configure hook adding goals, say).
func startReplicasWith(t testing.TB, o demoOptions, n int) *replicas {
	t.Helper()
	o.Level, o.App.Workers = "warn", 8
	logs := &logBuffer{}
	o.Listen, o.Log = "127.0.0.1:0", logs
	e, err := startDemo(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	r := &replicas{e: e, apps: []*App{e.App}}
	for i := 1; i < n; i++ {
		a, err := NewApp(context.Background(), e.App.Config, e.App.Log, AppOptions{Workers: 8, PollInterval: 20 * time.Millisecond, Now: e.Clock.Now, NoSchedule: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Start(context.Background(), "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		r.apps = append(r.apps, a)
	}
	var next atomic.Int64
	var targets []*httputil.ReverseProxy
	for _, a := range r.apps {
		u, _ := url.Parse(a.URL())
		targets = append(targets, httputil.NewSingleHostReverseProxy(u))
	}
	r.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		targets[int(next.Add(1))%len(targets)].ServeHTTP(w, req)
	}))
	e.SB.SetWebhookURL(r.proxy.URL + "/webhook")
	t.Cleanup(func() {
		r.proxy.Close()
		for _, a := range r.apps[1:] {
			a.Shutdown(context.Background())
		}
		e.Close()
		if tt, ok := t.(*testing.T); ok && tt.Failed() {
			tt.Logf("goalbot logs:\n%s", logs)
		}
	})
	return r
}

// waitIdle waits until the sandbox and every replica are idle.
func (r *replicas) waitIdle(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := r.e.SB.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range r.apps {
		if err := a.WaitIdle(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// sendBurst sends n deliveries through the sandbox and returns how many
// distinct delivery ids it made (redeliveries reuse ids).
func sendBurst(t testing.TB, e *demoEnv, n int, seed int64) (distinct int) {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	var guids []string
	labelled := false
	for i := 0; i < n; i++ {
		switch k := rng.Intn(10); {
		case k < 2 && len(guids) > 0: // a redelivery of an earlier delivery
			g := guids[rng.Intn(len(guids))]
			if d, ok := e.SB.Redeliver(g); !ok || !d.OK() {
				t.Fatalf("redeliver %s: %d %s", g, d.StatusCode, d.Status)
			}
		case k < 6:
			if labelled {
				d := e.SB.RemoveLabel("rfcbot", demo.RFCRepo, demo.SendBoundRFC, "proposed-final-comment-period")
				guids = append(guids, d.GUID)
			} else {
				d := e.SB.AddLabel("rfcbot", demo.RFCRepo, demo.SendBoundRFC, "proposed-final-comment-period")
				guids = append(guids, d.GUID)
			}
			labelled = !labelled
			distinct++
		default:
			_, d := e.SB.Comment("wesleywiser", demo.MCPRepo, demo.AsyncDropMCP, fmt.Sprintf("note %d", i))
			if !d.OK() {
				t.Fatalf("comment: %d %s", d.StatusCode, d.Status)
			}
			guids = append(guids, d.GUID)
			distinct++
		}
	}
	return distinct
}

func TestReplicasProcessEachDeliveryOnce(t *testing.T) {
	if os.Getenv("GOALBOT_TEST_POSTGRES_URL") == "" {
		t.Skip("GOALBOT_TEST_POSTGRES_URL is not set; the replica test needs PostgreSQL (.ci/run sets it)")
	}
	n := 2000
	if testing.Short() {
		n = 300
	}
	r := startReplicas(t, storetest.PostgresURL(t), 2)
	e := r.e
	ctx := context.Background()
	if err := e.App.Tracker.LoadGoals(ctx); err != nil {
		t.Fatal(err)
	}
	r.waitIdle(t)
	sendBurst(t, e, n, 1)
	// The story ends: the MCP is seconded and the RFC merged.
	e.Clock.Advance(time.Hour)
	e.SB.AddLabel("rustbot", demo.MCPRepo, demo.AsyncDropMCP, "final-comment-period")
	e.SB.Merge("nikomatsakis", demo.RFCRepo, demo.SendBoundRFC)
	// Both replicas post this week's digest at once.
	var wg sync.WaitGroup
	for _, a := range r.apps {
		wg.Add(1)
		go func(a *App) {
			defer wg.Done()
			for {
				_, err := a.Tracker.PostDigest(ctx, "2024-W31")
				if _, busy := gh.IsRetryAfter(err); busy {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				if err != nil {
					t.Error(err)
				}
				return
			}
		}(a)
	}
	wg.Wait()
	r.waitIdle(t)

	// Every distinct delivery GitHub (the sandbox) made — people's actions
	// and the echoes of goalbot's own writes — counted once.
	guids := map[string]bool{}
	redelivered := 0
	for _, d := range e.SB.Deliveries() {
		if d.Redelivery {
			redelivered++
		}
		if d.OK() && d.Event != "ping" {
			guids[d.GUID] = true
		}
	}
	distinct := len(guids)
	if redelivered < n/10 {
		t.Fatalf("only %d redeliveries in the burst", redelivered)
	}
	counts, err := e.App.DB.DeliveryCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts["done"] != distinct || len(counts) != 1 {
		t.Errorf("deliveries by outcome %v, want %d done and nothing else", counts, distinct)
	}
	var jobs int
	if err := queryInt(e, `SELECT COUNT(*) FROM river_job WHERE kind = 'process_delivery'`, &jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != distinct {
		t.Errorf("%d delivery jobs for %d distinct deliveries", jobs, distinct)
	}
	cs := statusComments(e)
	if len(cs) != 1 {
		t.Fatalf("%d status comments, want exactly 1", len(cs))
	}
	body := cs[0].Body
	if !strings.Contains(body, "accepted: RFC merged") || !strings.Contains(body, "in-fcp: seconded") {
		t.Errorf("the status comment does not show the final state:\n%s", body)
	}
	if d := digestIssues(e); len(d) != 1 {
		t.Errorf("%d digest issues for one week, want 1", len(d))
	}
	var leaders int
	queryInt(e, `SELECT COUNT(*) FROM river_leader`, &leaders)
	if leaders > 1 {
		t.Errorf("%d River leaders", leaders)
	}
}

// queryInt runs a one-number query on the store (test helper).
func queryInt(e *demoEnv, q string, dst *int) error {
	return e.App.DB.QueryRowForTest(context.Background(), q).Scan(dst)
}

// BenchmarkDeliveries measures deliveries per second through the whole
// path — signed webhook, ack, job, state, statuses, living comment — on
// SQLite and PostgreSQL, with one and two replicas.
func BenchmarkDeliveries(b *testing.B) {
	cases := []struct {
		name     string
		postgres bool
		replicas int
	}{{"sqlite/1", false, 1}, {"postgres/1", true, 1}, {"postgres/2", true, 2}}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			url := ""
			if c.postgres {
				if os.Getenv("GOALBOT_TEST_POSTGRES_URL") == "" {
					b.Skip("GOALBOT_TEST_POSTGRES_URL is not set")
				}
				url = storetest.PostgresURL(b)
			}
			r := startReplicas(b, url, c.replicas)
			if err := r.e.App.Tracker.LoadGoals(context.Background()); err != nil {
				b.Fatal(err)
			}
			r.waitIdle(b)
			b.ResetTimer()
			start := time.Now()
			sendBurst(b, r.e, b.N, 2)
			r.waitIdle(b)
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
		})
	}
}

// BenchmarkReplicasOverGoals measures what a second replica adds on work
// spread over 20 goals of 5 items each while GitHub takes 50 ms per
// request: rfcbot's label toggled b.N times over the 100 items, each change
// recomputed under its goal's lock and rendered to its living comment. The
// deliveries are posted by 16 senders at once, as GitHub sends them, round
// robin to the replicas; the rate is deliveries over the time until every
// job is done. (Sent through the sandbox, which delivers one webhook at a
// time and waits for each answer, the rate was that of the
// acknowledgements in series, the same for one replica or two.) A
// replica's 8 workers spend most of their time waiting on GitHub, so a
// second one should nearly double the rate unless something (a lock, the
// store) serialises them.
func BenchmarkReplicasOverGoals(b *testing.B) {
	if os.Getenv("GOALBOT_TEST_POSTGRES_URL") == "" {
		b.Skip("GOALBOT_TEST_POSTGRES_URL is not set")
	}
	const goals, items = 20, 5
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			var refs []int
			r := startReplicasWith(b, demoOptions{DatabaseURL: storetest.PostgresURL(b),
				Configure: func(cfg *config.Config, sb *sandbox.Server) {
					refs = manyGoals(dir, sb, goals, items)
					cfg.Goals = append(cfg.Goals, config.GoalSource{Dir: dir})
				}}, n)
			if err := r.e.App.Tracker.LoadGoals(context.Background()); err != nil {
				b.Fatal(err)
			}
			r.waitIdle(b)
			// The changes are made in the sandbox with their webhooks held
			// back, to be posted below all at once.
			r.e.SB.DropWebhooks(b.N)
			held := make([]sandbox.Delivery, b.N)
			labelled := make([]bool, len(refs))
			for i := range held {
				k := i % len(refs)
				if labelled[k] = !labelled[k]; labelled[k] {
					held[i] = r.e.SB.AddLabel("rfcbot", demo.RustRepo, refs[k], "proposed-final-comment-period")
				} else {
					held[i] = r.e.SB.RemoveLabel("rfcbot", demo.RustRepo, refs[k], "proposed-final-comment-period")
				}
				if !held[i].Dropped {
					b.Fatalf("change %d was delivered; want it held back", i)
				}
			}
			r.e.SB.SetLatency(50 * time.Millisecond)
			defer r.e.SB.SetLatency(0)
			b.ResetTimer()
			start := time.Now()
			var next atomic.Int64
			var wg sync.WaitGroup
			for w := 0; w < 16; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := int(next.Add(1)) - 1; i < len(held); i = int(next.Add(1)) - 1 {
						if code := postHeld(r.proxy.URL+"/webhook", r.e.Secret, held[i]); code != http.StatusAccepted {
							b.Errorf("delivery %d answered %d", i, code)
							return
						}
					}
				}()
			}
			wg.Wait()
			r.waitIdle(b)
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
		})
	}
}

// postHeld posts a delivery the sandbox held back, signed, and returns the
// status it was answered with (0 if none).
func postHeld(url, secret string, d sandbox.Delivery) int {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(d.Payload))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", d.Event)
	req.Header.Set("X-GitHub-Delivery", d.GUID)
	req.Header.Set("X-Hub-Signature-256", webhook.Sign(secret, d.Payload))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// manyGoals writes goals documents of items rows each, every row linking
// its own rust-lang/rust issue, seeds those issues and the goals' tracking
// issues, and returns the issue numbers.
func manyGoals(dir string, sb *sandbox.Server, goals, items int) []int {
	now := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	var nums []int
	os.MkdirAll(dir, 0o755)
	for g := 0; g < goals; g++ {
		var doc strings.Builder
		fmt.Fprintf(&doc, "# Goal %d\n\n| Metadata | |\n| --- | --- |\n| Point of contact | @nikomatsakis |\n| Status | Accepted |\n| Tracking issue | [rust-lang/goals#%d] |\n\n## Work items\n\n| Task | Owner(s) | Notes |\n| --- | --- | --- |\n", g, 300+g)
		for i := 0; i < items; i++ {
			num := 300000 + g*items + i
			fmt.Fprintf(&doc, "| task %d | @compiler-errors | [rust-lang/rust#%d] |\n", i, num)
			sb.SeedIssue(sandbox.Issue{Repo: demo.RustRepo, Number: num, Title: fmt.Sprintf("Item %d of goal %d", i, g), State: "open",
				Author: "compiler-errors", CreatedAt: now, UpdatedAt: now})
			nums = append(nums, num)
		}
		sb.SeedIssue(sandbox.Issue{Repo: demo.TrackingRepo, Number: 300 + g, Title: fmt.Sprintf("Goal %d", g), State: "open", Author: "nikomatsakis", CreatedAt: now, UpdatedAt: now})
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("goal-%02d.md", g)), []byte(doc.String()), 0o644)
	}
	return nums
}
