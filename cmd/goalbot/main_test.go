package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot/demo"
)

// runCLI runs one command line with the given environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestCLIUsageAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "goalbot.toml")
	os.WriteFile(bad, []byte("listen = \":9000\"\n\n[digest]\nshedule = \"Mon 09:00\"\n"), 0o644)
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stderr string
	}{
		{"no command", nil, nil, 2, "usage: goalbot"},
		{"unknown command", nil, []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"bad flag", nil, []string{"status", "--nope"}, 2, "flag provided but not defined"},
		{"unknown config key", nil, []string{"config", "check", "--config", bad}, 2, `goalbot.toml:4: unknown key "digest.shedule" (did you mean "digest.schedule"?)`},
		{"serve without a secret", map[string]string{"GOALBOT_GITHUB_TOKEN": "x"}, []string{"serve"}, 2, "no webhook secret"},
		{"goals check without paths", nil, []string{"goals", "check"}, 2, "needs at least one file"},
		{"digest with a bad week", nil, []string{"digest", "--week", "2024-36", "--dry-run"}, 2, "--week"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, tt.env, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tt.name, code, stderr, tt.code, tt.stderr)
		}
		if tt.code == 2 && tt.args != nil && strings.Count(strings.TrimSpace(stderr), "\n") > 0 && tt.name != "unknown config key" {
			t.Errorf("%s: the error should be one line, got %q", tt.name, stderr)
		}
	}
	if code, out, _ := runCLI(t, nil, "version"); code != 0 || !strings.HasPrefix(out, "goalbot ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestCLIConfigCheckMasksSecrets(t *testing.T) {
	env := map[string]string{"GOALBOT_WEBHOOK_SECRET": "hunter2-secret", "GOALBOT_GITHUB_TOKEN": "ghp_supersecret"}
	code, out, stderr := runCLI(t, env, "config", "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(out, "hunter2") || strings.Contains(out, "supersecret") || !strings.Contains(out, "****") {
		t.Errorf("config check output leaks or hides nothing:\n%s", out)
	}
}

func TestCLIGoalsCheck(t *testing.T) {
	dir := t.TempDir()
	name, src := demo.GoalFile()
	os.WriteFile(filepath.Join(dir, name), src, 0o644)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("# Goals\n\nAn index page.\n"), 0o644)
	code, out, stderr := runCLI(t, nil, "goals", "check", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Documents []struct {
			ID       string `json:"id"`
			Subgoals []any  `json:"subgoals"`
			TeamAsks []any  `json:"team_asks"`
		} `json:"documents"`
		Skipped []struct{ File, Reason string } `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(rep.Documents) != 1 || rep.Documents[0].ID != "async-parity-2024h2" || len(rep.Documents[0].Subgoals) != 6 || len(rep.Documents[0].TeamAsks) != 4 {
		t.Errorf("report = %+v", rep)
	}
	if len(rep.Skipped) != 1 || !strings.HasSuffix(rep.Skipped[0].File, "README.md") {
		t.Errorf("skipped = %+v", rep.Skipped)
	}
	// A goal document with an error exits 1 and names file:line.
	broken := filepath.Join(dir, "broken.md")
	os.WriteFile(broken, []byte("| Metadata | |\n|---|---|\n| Status | Proposed |\n\n## Work items\n\n| Task | Owner(s) |\n|---|---|\n| a | b | c | d |\n"), 0o644)
	code, out, _ = runCLI(t, nil, "goals", "check", broken)
	if code != 1 || !strings.Contains(out, "broken.md:") {
		t.Errorf("broken document: exit %d, output %q", code, out)
	}
}

func TestCLIStatusAfterDemo(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	proposeFCP(t, e)
	env := map[string]string{"GOALBOT_DATABASE_URL": e.App.Config.DatabaseURL.Value()}
	code, out, stderr := runCLI(t, env, "status", "--goal", "async-parity-2024h2")
	if code != 0 || !strings.Contains(out, "approve RTN RFC or provide alternative") || !strings.Contains(out, "fcp-proposed: merge, 1/6 reviewed") {
		t.Errorf("status: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runCLI(t, env, "status", "--json")
	var js struct {
		Goals []struct {
			ID       string `json:"id"`
			Subgoals []struct {
				Status string `json:"status"`
			} `json:"subgoals"`
		} `json:"goals"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &js) != nil || len(js.Goals) != 1 || len(js.Goals[0].Subgoals) != 22 {
		t.Errorf("status --json: exit %d, %s", code, out)
	}
	if code, _, stderr := runCLI(t, env, "status", "--goal", "nope"); code != 2 || !strings.Contains(stderr, `no goal "nope"`) {
		t.Errorf("unknown goal: exit %d %q", code, stderr)
	}

	// --explain names the rfcbot comment that set the phase and the
	// reviewers, with its id, author, time and URL.
	code, out, stderr = runCLI(t, env, "status", "--explain", "rust-lang/rfcs#3654")
	for _, want := range []string{
		"rust-lang/rfcs#3654 — ",
		"fcp-proposed: merge, 1/6 reviewed",
		"FCP phase: proposed (merge)",
		"set by rfcbot status comment ",
		" by rfcbot at ",
		"#issuecomment-",
		"FCP reviewers: 1/6 reviewed; pending: ",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("status --explain: exit %d, output lacks %q\n%s%s", code, want, out, stderr)
		}
	}
	code, out, _ = runCLI(t, env, "status", "--explain", "rust-lang/rfcs#3654", "--json")
	var ex struct {
		Parts []struct {
			Part string
			By   *struct {
				ID  int64  `json:"id"`
				URL string `json:"url"`
			} `json:"by"`
		} `json:"parts"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &ex) != nil || len(ex.Parts) == 0 || ex.Parts[0].By == nil || ex.Parts[0].By.ID == 0 {
		t.Errorf("status --explain --json: exit %d, %s", code, out)
	}
	if code, _, stderr := runCLI(t, env, "status", "--explain", "rust-lang/rfcs#1"); code != 2 || !strings.Contains(stderr, "does not follow rust-lang/rfcs#1") {
		t.Errorf("unknown item: exit %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, env, "status", "--explain", "not a ref"); code != 2 || !strings.Contains(stderr, "--explain") {
		t.Errorf("bad item: exit %d %q", code, stderr)
	}
}

func TestCLISyncAndDigestDryRun(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	proposeFCP(t, e)
	cfg := e.App.Config
	env := map[string]string{
		"GOALBOT_DATABASE_URL":       cfg.DatabaseURL.Value(),
		"GOALBOT_GITHUB_API_URL":     cfg.GitHub.APIURL,
		"GOALBOT_GITHUB_APP_ID":      "1",
		"GOALBOT_GITHUB_PRIVATE_KEY": cfg.GitHub.PrivateKey.Value(),
	}
	code, out, stderr := runCLI(t, env, "sync")
	if code != 0 {
		t.Fatalf("sync: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "3/3 ") || !strings.Contains(out, "synced 3 items in 2 repositories") || !strings.Contains(out, "GitHub requests:") {
		t.Errorf("sync output:\n%s", out)
	}
	code, out, stderr = runCLI(t, env, "digest", "--week", "2024-W31", "--dry-run")
	if code != 0 || !strings.HasPrefix(out, "# Goal status digest: 2024-W31") || !strings.Contains(out, "<!-- goalbot:digest week=2024-W31 -->") {
		t.Errorf("digest --dry-run: exit %d\n%s%s", code, out, stderr)
	}
	if n := len(digestIssues(e)); n != 0 {
		t.Errorf("a dry run posted %d issues", n)
	}
}
