package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
)

// TestKilledServerRepliesOncePerCommand is the SIGKILL campaign of issue
// 11: a burst of commands while the serve process is killed three times
// (GitHub answering slowly, so kills land between a reply's POST and its
// record), every failed delivery redelivered, then everything redelivered
// again. Each command gets exactly one reply, and the goal one living
// comment.
func TestKilledServerRepliesOncePerCommand(t *testing.T) {
	const commands = 45
	dbPath := filepath.Join(t.TempDir(), "kill.db")
	e := newEnv(t, demoOptions{DatabaseURL: "sqlite:" + dbPath})
	loadGoal(t, e)
	cfg := e.App.Config
	if err := e.App.Queue.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	logs := filepath.Join(t.TempDir(), "serve.log")
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "GOALBOT_TEST_MAIN=1", "GOALBOT_TEST_ARGS=serve",
			"GOALBOT_LISTEN="+addr, "GOALBOT_DATABASE_URL=sqlite:"+dbPath,
			"GOALBOT_WEBHOOK_SECRET="+e.Secret, "GOALBOT_GITHUB_API_URL="+cfg.GitHub.APIURL,
			"GOALBOT_GITHUB_APP_ID=1", "GOALBOT_GITHUB_PRIVATE_KEY="+cfg.GitHub.PrivateKey.Value(),
			"GOALBOT_LOG_LEVEL=warn")
		out, _ := os.OpenFile(logs, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitListening(t, addr)
		return cmd
	}
	e.SB.SetWebhookURL(fmt.Sprintf("http://%s/webhook", addr))
	serve := start()
	defer func() {
		serve.Process.Signal(syscall.SIGTERM)
		serve.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(logs)
			t.Logf("serve logs:\n%s", b)
		}
	}()
	e.SB.SetLatency(30 * time.Millisecond)
	var ids []int64
	for i := range commands {
		c, _ := e.SB.Comment("compiler-errors", demo.RustRepo, demo.ClosuresPR, fmt.Sprintf("/goal status\n\nrun %d", i))
		ids = append(ids, c.ID)
		if i > 0 && i%(commands/4) == 0 { // three kills mid-burst
			time.Sleep(time.Duration(i%7) * 15 * time.Millisecond)
			serve.Process.Signal(syscall.SIGKILL)
			serve.Wait()
			serve = start()
		}
	}
	e.SB.SetLatency(0)
	for _, d := range e.SB.Deliveries() {
		if !d.OK() {
			e.SB.Redeliver(d.GUID)
		}
	}
	waitQueueEmpty(t, e)
	for _, d := range e.SB.Deliveries() { // GitHub redelivers everything again
		e.SB.Redeliver(d.GUID)
	}
	waitQueueEmpty(t, e)

	perCommand := map[int64]int{}
	for _, c := range replies(e) {
		var key int64
		line, _, _ := strings.Cut(c.Body, "\n")
		if _, err := fmt.Sscanf(line, "<!-- goalbot:reply key=%d ", &key); err != nil {
			t.Errorf("a reply without its marker: %q", line)
			continue
		}
		perCommand[key]++
	}
	for _, id := range ids {
		if n := perCommand[id]; n != 1 {
			t.Errorf("command comment %d got %d replies, want 1", id, n)
		}
	}
	if n := len(statusComments(e)); n != 1 {
		t.Errorf("%d living comments, want 1", n)
	}
}

// waitListening waits until something accepts connections on addr.
func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not listen on %s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitQueueEmpty waits until the store holds no job still to run.
func waitQueueEmpty(t *testing.T, e *demoEnv) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var n int
		if err := queryInt(e, `SELECT COUNT(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable', 'pending', 'running')`, &n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still queued", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
