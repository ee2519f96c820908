package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls out until it holds a match of re after offset from, or the
// deadline passes.
func waitFor(t *testing.T, out *syncBuffer, from int, re *regexp.Regexp, within time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		s := out.String()
		if from > len(s) {
			from = len(s)
		}
		if m := re.FindStringSubmatch(s[from:]); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the demo's output within %s:\n%s", re, within, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// splitShell splits a command line printed by the demo: words, and
// single-quoted strings.
func splitShell(line string) []string {
	var out []string
	re := regexp.MustCompile(`'((?:[^']|'\\'')*)'|(\S+)`)
	for _, m := range re.FindAllStringSubmatch(line, -1) {
		if m[2] != "" {
			out = append(out, m[2])
		} else {
			out = append(out, strings.ReplaceAll(m[1], `'\''`, "'"))
		}
	}
	return out
}

// The demo you can talk to (issue 13.2): after the timeline the demo prints
// instructions; executing them makes goalbot's reply appear in the demo's
// own output.
func TestDemoYouCanTalkTo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--listen", "127.0.0.1:0"}, &out, &errb, func(string) string { return "" })
	}()
	send := waitFor(t, &out, 0, regexp.MustCompile(`(?m)^  go run \./cmd/goalbot (demo send .*)$`), 3*time.Minute)[1]
	text := out.String()
	for _, want := range []string{"webhook URL     http://127.0.0.1:", "/webhook", "webhook secret  ", "token ghp_demo"} {
		if !strings.Contains(text, want) {
			t.Errorf("the instructions lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Bad credentials") {
		t.Error("the demo printed a refusal")
	}
	start := len(text)

	// The printed demo send command, executed as printed.
	var sendOut, sendErr bytes.Buffer
	code := run(ctx, splitShell(send), &sendOut, &sendErr, func(string) string { return "" })
	if code != 0 || !strings.Contains(sendOut.String(), "goalbot[bot] replied:") || !strings.Contains(sendOut.String(), "stabilize async closures") {
		t.Fatalf("demo send: exit %d\n%s%s", code, sendOut.String(), sendErr.String())
	}
	waitFor(t, &out, start, regexp.MustCompile(`\[live\] demo-user commented on rust-lang/rust#128245:\n    /goal status`), 30*time.Second)
	waitFor(t, &out, start, regexp.MustCompile(`\[live\] goalbot\[bot\] replied on rust-lang/rust#128245:\n(?:    .*\n)*    > /goal status`), 30*time.Second)

	// The printed curl, done with net/http: a mid-line mention this time.
	curl := splitShell(waitFor(t, &out, 0, regexp.MustCompile(`(?m)^  (curl -sS -H .* -d .*)$`), time.Second)[1])
	if len(curl) != 7 || curl[2] != "-H" || curl[4] != "-d" {
		t.Fatalf("curl line %q", curl)
	}
	req, _ := http.NewRequest(http.MethodPost, curl[6], strings.NewReader(strings.Replace(curl[5], "/goal status", "Thanks! @goalbot help", 1)))
	name, value, _ := strings.Cut(curl[3], ": ")
	req.Header.Set(name, value)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("the printed curl: %v %v", res, err)
	}
	res.Body.Close()
	waitFor(t, &out, start, regexp.MustCompile(`\[live\] goalbot\[bot\] replied on rust-lang/rust#128245:\n(?:    .*\n)*    goalbot commands`), 30*time.Second)

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("demo exit %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the demo did not stop after its context ended")
	}
}

func TestDemoSendUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "send", "/goal status"}, "needs --api and --token"},
		{[]string{"demo", "send", "--api", "http://127.0.0.1:1/api/v3/", "--token", "x"}, "needs the comment"},
		{[]string{"demo", "send", "--api", "http://127.0.0.1:1/api/v3/", "--token", "x", "--on", "nope", "/goal status"}, "--on"},
	} {
		code, _, stderr := runCLI(t, nil, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d %q, want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
	// Nothing listening: a runtime failure that says what to check.
	code, _, stderr := runCLI(t, nil, "demo", "send", "--api", "http://127.0.0.1:1/api/v3/", "--token", "x", "/goal status")
	if code != 1 || !strings.Contains(stderr, "is goalbot demo still running?") {
		t.Errorf("no demo: exit %d %q", code, stderr)
	}
}
