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

// TestMain lets a test start this binary as "goalbot serve" in a process of
// its own (GOALBOT_TEST_MAIN=1), so that it can be killed for real.
func TestMain(m *testing.M) {
	if os.Getenv("GOALBOT_TEST_MAIN") == "1" {
		ctx, stop := signalContext()
		code := run(ctx, strings.Fields(os.Getenv("GOALBOT_TEST_ARGS")), os.Stdout, os.Stderr, os.Getenv)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestKilledServerFinishesWorkAfterRestart kills a serve process with
// SIGKILL while it works an acknowledged delivery (GitHub answering slowly)
// and checks that the next process on the same store finishes it.
func TestKilledServerFinishesWorkAfterRestart(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "kill.db")
	e := newEnv(t, demoOptions{DatabaseURL: "sqlite:" + dbPath})
	loadGoal(t, e)
	cfg := e.App.Config
	// The in-process App steps aside; the store and the sandbox stay.
	if err := e.App.Queue.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "GOALBOT_TEST_MAIN=1", "GOALBOT_TEST_ARGS=serve",
			"GOALBOT_LISTEN="+addr, "GOALBOT_DATABASE_URL=sqlite:"+dbPath,
			"GOALBOT_WEBHOOK_SECRET="+e.Secret, "GOALBOT_GITHUB_API_URL="+cfg.GitHub.APIURL,
			"GOALBOT_GITHUB_APP_ID=1", "GOALBOT_GITHUB_PRIVATE_KEY="+cfg.GitHub.PrivateKey.Value(),
			"GOALBOT_LOG_LEVEL=warn")
		out, _ := os.Create(filepath.Join(t.TempDir(), "serve.log"))
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
				return cmd
			}
			if time.Now().After(deadline) {
				t.Fatalf("serve did not listen on %s", addr)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	e.SB.SetWebhookURL(fmt.Sprintf("http://%s/webhook", addr))
	first := start()
	e.SB.SetLatency(5 * time.Second)
	play := &demo.Play{SB: e.SB}
	if d := demo.Timeline()[0].Do(play); !d.OK() { // acknowledged: 202
		t.Fatalf("delivery %d %s", d.StatusCode, d.Status)
	}
	// Wait until every delivery is handled and only the render of the
	// living comment runs, stuck on the slow GitHub: then kill. Nothing
	// else would write the comment again, so only a resumed job can.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var render, other int
		queryInt(e, `SELECT COUNT(*) FROM river_job WHERE state = 'running' AND kind = 'render_status'`, &render)
		queryInt(e, `SELECT COUNT(*) FROM river_job WHERE kind = 'process_delivery'
			AND state IN ('available', 'scheduled', 'retryable', 'pending', 'running')`, &other)
		if render > 0 && other == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the render never ran alone")
		}
		time.Sleep(10 * time.Millisecond)
	}
	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	if strings.Contains(statusComments(e)[0].Body, "fcp-proposed") {
		t.Fatal("the work finished before the kill; the test proves nothing")
	}
	e.SB.SetLatency(0)
	second := start()
	defer func() {
		second.Process.Signal(syscall.SIGTERM)
		second.Wait()
	}()
	deadline = time.Now().Add(30 * time.Second)
	for !strings.Contains(statusComments(e)[0].Body, "fcp-proposed") {
		if time.Now().After(deadline) {
			t.Fatalf("the restarted server did not finish the acknowledged work:\n%s", statusComments(e)[0].Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
