package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/tracker"
)

func TestReadOnlyCommandsNeedAMigratedStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "goalbot.db")
	env := map[string]string{"GOALBOT_DATABASE_URL": "sqlite:" + db}
	for _, args := range [][]string{{"status"}, {"status", "--json"}, {"digest", "--dry-run", "--week", "2024-W31"}} {
		code, out, stderr := runCLI(t, env, args...)
		if code != 1 || out != "" || !strings.Contains(stderr, `run "goalbot migrate" first`) || !strings.Contains(stderr, db) {
			t.Errorf("%q before migrate: exit %d, stdout %q, stderr %q; want 1 and a hint naming %s", args, code, out, stderr, db)
		}
		if strings.Contains(stderr, "no such table") {
			t.Errorf("%q leaks the SQL error: %q", args, stderr)
		}
		if _, err := os.Stat(db); !os.IsNotExist(err) {
			t.Fatalf("%q created %s (stat: %v)", args, db, err)
		}
	}
	// An existing file without the schema (an empty SQLite file).
	if err := os.WriteFile(db, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, env, "status")
	if code != 1 || !strings.Contains(stderr, "has no goalbot schema") || !strings.Contains(stderr, `run "goalbot migrate" first`) {
		t.Errorf("status on an empty file: exit %d, %q", code, stderr)
	}
	// After migrate, status works on the empty store.
	if code, _, stderr := runCLI(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: exit %d %q", code, stderr)
	}
	if code, out, stderr := runCLI(t, env, "status"); code != 0 {
		t.Errorf("status --json on an empty store: exit %d, %q %q", code, out, stderr)
	}
}

func TestSQLiteOpenErrorsNameThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "goalbot.db")
	code, _, stderr := runCLI(t, map[string]string{"GOALBOT_DATABASE_URL": "sqlite:" + path}, "migrate")
	if code != 1 || !strings.Contains(stderr, path) {
		t.Errorf("migrate into a missing directory: exit %d, %q; want the path named", code, stderr)
	}
}

func TestDigestDryRunFromTheStoreAlone(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	proposeFCP(t, e)
	before := e.SB.Stats()
	// No GitHub credentials, no API URL: only the store.
	env := map[string]string{"GOALBOT_DATABASE_URL": e.App.Config.DatabaseURL.Value()}
	code, out, stderr := runCLI(t, env, "digest", "--week", "2024-W31", "--dry-run")
	if code != 0 || !strings.HasPrefix(out, "# Goal status digest: 2024-W31") || !strings.Contains(out, "approve RTN RFC") {
		t.Errorf("digest --dry-run without credentials: exit %d\n%s%s", code, out, stderr)
	}
	if after := e.SB.Stats(); after.Reads+after.Writes != before.Reads+before.Writes {
		t.Errorf("a dry run talked to GitHub: %d requests before, %d after", before.Reads+before.Writes, after.Reads+after.Writes)
	}
	// Posting still needs credentials, and says so.
	code, _, stderr = runCLI(t, env, "digest", "--week", "2024-W31")
	if code == 0 {
		t.Errorf("digest without credentials posted? stderr %q", stderr)
	}
}

func TestSyncSummary(t *testing.T) {
	tests := []struct {
		rep  tracker.SyncReport
		want []string
	}{
		{tracker.SyncReport{Repos: 2, Items: 3, Checked: 3, Changed: 0, Listed: 0, Cached: 0},
			[]string{"synced 3 items in 2 repositories in 12ms: 0 items changed", "repository listings: 0 with news, 0 unchanged (304); items read one by one: 3"}},
		{tracker.SyncReport{Repos: 1, Items: 1, Checked: 1, Changed: 1, Listed: 1},
			[]string{"synced 1 item in 1 repository in 12ms: 1 item changed", "1 with news"}},
		{tracker.SyncReport{Repos: 2, Items: 3, Cached: 2},
			[]string{": 0 items changed", "0 with news, 2 unchanged (304)"}},
	}
	for _, tt := range tests {
		got := syncSummary(tt.rep, 12*time.Millisecond)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%+v: %q lacks %q", tt.rep, got, w)
			}
		}
		// One count of changed items, said once: no "0 changed; … 2 changed".
		if n := strings.Count(got, " changed"); n != 1 {
			t.Errorf("%+v: %q says \"changed\" %d times", tt.rep, got, n)
		}
	}
}

func TestVersionString(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name   string
		linked string
		info   *debug.BuildInfo
		want   string
	}{
		{"checkout", "", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"},
			Settings: vcs("vcs.revision", "c15c293a1b2c3d4e5f", "vcs.time", "2026-12-05T07:00:00Z", "vcs.modified", "true")},
			"(devel) (revision c15c293a1b2c of 2026-12-05T07:00:00Z, modified; go1.26.0)"},
		{"go install at a tag", "", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}},
			"v1.2.3 (no VCS revision: built with -buildvcs=false or outside a git checkout; go1.26.0)"},
		{"-buildvcs=false", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			"(devel) (no VCS revision: built with -buildvcs=false or outside a git checkout)"},
		{"the image", "v1.2.3-4-gabc", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}},
			"v1.2.3-4-gabc (go1.26.0)"},
		{"no build info", "", nil, "(unknown: built without module information)"},
	}
	for _, tt := range tests {
		if got := versionString(tt.linked, tt.info, tt.info != nil); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	code, out, _ := runCLI(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "goalbot ") || strings.TrimSpace(out) == "goalbot (devel)" {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

// The image has no .git: the Dockerfile stamps the version the linker way.
func TestDockerfilePassesTheVersion(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ARG VERSION", "-X main.linkedVersion=${VERSION}"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("deploy/Dockerfile lacks %q", want)
		}
	}
}

func TestWarnEnv(t *testing.T) {
	var buf bytes.Buffer
	warnEnv(&buf, []string{"GOALBOT_LISTEN=:1", "GOALBOT_WEBHOOK_SECRT=hunter2", "PATH=/bin"})
	if got := buf.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, "did you mean GOALBOT_WEBHOOK_SECRET?") || strings.Contains(got, "hunter2") {
		t.Errorf("warnEnv: %q", got)
	}
}
