package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// get fetches url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// errorLines returns the logged error lines, decoded.
func errorLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(logs, "\n") {
		if !strings.Contains(l, `"level":"error"`) {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// TestWrongTokenIsLoud runs serve as an operator would with a token GitHub
// (the sandbox) refuses: the start-up sync, the digest and the status
// comment renders fail; each failed job logs one error line, /readyz is
// 503 saying why while /healthz stays 200, the failures are counted, and
// goalbot jobs --failed lists them with their errors; jobs retry re-runs
// one (issue 12.1: all of this was silent).
func TestWrongTokenIsLoud(t *testing.T) {
	sb := sandbox.New(sandbox.Options{AppID: 1, AppSlug: "goalbot", Token: "ghp_right", TokenLogin: "goalbot"})
	demo.Seed(sb, demo.NewClock())
	t.Cleanup(sb.Close)
	dir := t.TempDir()
	goals := filepath.Join(dir, "goals")
	name, src := demo.GoalFile()
	if err := os.MkdirAll(goals, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(goals, name), src, 0o644); err != nil {
		t.Fatal(err)
	}
	dbURL := "sqlite:" + filepath.Join(dir, "goalbot.db")
	cfg := config.Default()
	cfg.DatabaseURL = config.NewDSN(dbURL)
	cfg.WebhookSecrets = []config.Secret{config.NewSecret("s")}
	cfg.GitHub.APIURL = sb.URL()
	cfg.GitHub.Token = config.NewSecret("ghp_wrong")
	source := config.GoalSource{Dir: goals, TrackingIssues: map[string]ref.Ref{demo.GoalID: ref.New("rust-lang", "goals", demo.TrackingIssue)}}
	for _, l := range demo.Links {
		item, _ := ref.Parse(l.Item, ref.Ref{})
		source.Links = append(source.Links, config.Link{Goal: demo.GoalID, Subgoal: l.Subgoal, Item: item})
	}
	cfg.Goals = []config.GoalSource{source}
	cfg.Digest.Repo = demo.TrackingRepo
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}

	logs := &logBuffer{}
	ctx := context.Background()
	// What cmdServe does, with the schedule on: the sync and the digest
	// run at start, within one sync interval.
	app, err := NewApp(ctx, cfg, newLogger(logs, "info"), AppOptions{Serve: true, PollInterval: 20 * time.Millisecond, RetryBase: 50 * time.Millisecond, RenderDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Start(ctx, "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		app.Shutdown(sctx)
		if t.Failed() {
			t.Logf("goalbot logs:\n%s", logs)
		}
	})
	app.LoadGoals(ctx)

	failedKinds := func() map[string]int {
		kinds := map[string]int{}
		for _, l := range errorLines(t, logs.String()) {
			if l["message"] == "job failed permanently" {
				kinds[l["kind"].(string)]++
			}
		}
		return kinds
	}
	eventually(t, 30*time.Second, "no error line for the sync, digest and render jobs", func() bool {
		k := failedKinds()
		return k["sync"] > 0 && k["digest"] > 0 && k["render_status"] > 0
	})
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := app.WaitIdle(wctx); err != nil {
		t.Fatal(err)
	}

	// One error line per failed job, each with kind, args, attempt and
	// the cause; nothing else logs the same failure at error level.
	perJob := map[float64]int{}
	for _, l := range errorLines(t, logs.String()) {
		if l["message"] != "job failed permanently" {
			continue
		}
		perJob[l["job"].(float64)]++
		if l["args"] == nil || l["attempt"] == nil || !strings.Contains(l["error"].(string), "credentials") || l["reason"] != "forbidden" {
			t.Errorf("error line lacks args, attempt or cause: %v", l)
		}
	}
	for id, n := range perJob {
		if n != 1 {
			t.Errorf("job %v logged %d error lines, want 1", id, n)
		}
	}

	code, body := get(t, app.URL()+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "github: authentication failed") || strings.Count(strings.TrimSpace(body), "\n") != 0 {
		t.Errorf("/readyz = %d %q, want 503 with one line naming GitHub authentication", code, body)
	}
	if strings.Contains(body, "ghp_wrong") {
		t.Errorf("/readyz shows the token: %q", body)
	}
	if code, _ := get(t, app.URL()+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d, want 200: the process is fine", code)
	}
	_, metricsText := get(t, app.URL()+"/metrics")
	for _, want := range []string{`goalbot_jobs_failed_total{kind="sync",reason="forbidden"}`, `goalbot_jobs_failed_total{kind="render_status",reason="forbidden"}`, `goalbot_build_info{`} {
		if !strings.Contains(metricsText, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// goalbot jobs --failed, from another process's point of view.
	environ := map[string]string{"GOALBOT_DATABASE_URL": dbURL, "GOALBOT_GITHUB_TOKEN": "ghp_wrong", "GOALBOT_GITHUB_API_URL": sb.URL()}
	getenv := func(k string) string { return environ[k] }
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"jobs", "--failed"}, &stdout, &stderr, getenv); code != 0 {
		t.Fatalf("jobs --failed exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"sync", "digest", "render_status", "cancelled", "GitHub rejected the bot's credentials"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("jobs --failed lacks %q:\n%s", want, stdout.String())
		}
	}
	stdout.Reset()
	if code := run(ctx, []string{"jobs", "--failed", "--kind", "sync", "--json"}, &stdout, &stderr, getenv); code != 0 {
		t.Fatalf("jobs --json exit %d: %s", code, stderr.String())
	}
	var listed struct {
		Jobs []struct {
			ID     int64  `json:"id"`
			Kind   string `json:"kind"`
			State  string `json:"state"`
			Errors []struct {
				Error string `json:"error"`
			} `json:"errors"`
		} `json:"jobs"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &listed); err != nil {
		t.Fatalf("jobs --json: %v\n%s", err, stdout.String())
	}
	if len(listed.Jobs) == 0 {
		t.Fatal("jobs --failed --kind sync --json listed nothing")
	}
	for _, j := range listed.Jobs {
		if j.Kind != "sync" || j.State != "cancelled" || len(j.Errors) == 0 || !strings.Contains(j.Errors[0].Error, "credentials") {
			t.Errorf("listed %+v", j)
		}
	}

	// Retry one: it runs again (and fails again, the token being wrong).
	id := listed.Jobs[0].ID
	stdout.Reset()
	if code := run(ctx, []string{"jobs", "retry", strconv.FormatInt(id, 10)}, &stdout, &stderr, getenv); code != 0 || !strings.Contains(stdout.String(), "queued to run again") {
		t.Fatalf("jobs retry exit %d: %s %s", code, stdout.String(), stderr.String())
	}
	eventually(t, 30*time.Second, "the retried job did not run again", func() bool {
		j, err := app.Queue.JobGet(ctx, id)
		return err == nil && j.Attempt == 2 && j.State == "cancelled"
	})
}

// TestReadyWhenWorking: with working credentials and goals loaded, /readyz
// is 200 and a sync records its success per repository.
func TestReadyWhenWorking(t *testing.T) {
	e := newEnv(t, demoOptions{})
	ctx := context.Background()
	if code, body := get(t, e.App.URL()+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "goals: no goal is loaded") {
		t.Errorf("/readyz before loading goals = %d %q, want 503 naming the goals", code, body)
	}
	e.App.LoadGoals(ctx)
	if _, err := e.App.Tracker.Sync(ctx, "", nil); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)
	if code, body := get(t, e.App.URL()+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q, want 200", code, body)
	}
	_, m := get(t, e.App.URL()+"/metrics")
	for _, want := range []string{`goalbot_last_success_timestamp_seconds{job="sync",repo="rust-lang/rfcs"}`, `goalbot_github_rate_limit_remaining{resource="core"}`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
