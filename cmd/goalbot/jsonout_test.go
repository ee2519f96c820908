package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/json/*.golden with the current output")

// checkJSONStyle fails t unless out is JSON in the one style of every
// --json output: snake_case keys and no null anywhere (lists are [],
// absent strings ""). Commands added later (jobs, bench) can call it.
func checkJSONStyle(t *testing.T, name, out string) {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", name, err, out)
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case nil:
			t.Errorf("%s: %s is null; lists are [] and absent strings \"\"", name, path)
		case map[string]any:
			for k, x := range v {
				if !snake.MatchString(k) {
					t.Errorf("%s: key %q at %s is not snake_case", name, k, path)
				}
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(path+"["+strconv.Itoa(i)+"]", x)
			}
		}
	}
	walk("$", v)
}

// golden compares out with testdata/json/name.golden; -update rewrites it.
func golden(t *testing.T, name, out string) {
	t.Helper()
	path := filepath.Join("testdata", "json", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/goalbot -run %s -update to create it)", err, t.Name())
	}
	if string(want) != out {
		t.Errorf("%s differs from %s (go test ./cmd/goalbot -run %s -update rewrites it):\n%s", name, path, t.Name(), out)
	}
}

func TestStatusJSON(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	proposeFCP(t, e)
	env := map[string]string{"GOALBOT_DATABASE_URL": e.App.Config.DatabaseURL.Value()}
	code, out, stderr := runCLI(t, env, "status", "--json")
	if code != 0 {
		t.Fatalf("status --json: exit %d %s", code, stderr)
	}
	checkJSONStyle(t, "status --json", out)
	golden(t, "status", out)
	for _, bad := range []string{`"ID"`, `"Rows"`, `"Items"`, "null"} {
		if strings.Contains(out, bad) {
			t.Errorf("status --json holds %s", bad)
		}
	}
	// The row the FCP changed carries its item and detail.
	var js statusJSON
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range js.Goals[0].Subgoals {
		if s.Title == "approve RTN RFC or provide alternative" {
			found = true
			if s.Status != "fcp-proposed" || len(s.Items) != 1 || s.Items[0].Ref != "rust-lang/rfcs#3654" || s.Items[0].Kind != "pull_request" {
				t.Errorf("RTN row = %+v", s)
			}
		}
	}
	if !found {
		t.Error("no RTN row")
	}
}

func TestStatusJSONEmptyStore(t *testing.T) {
	env := map[string]string{"GOALBOT_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "goalbot.db")}
	if code, _, stderr := runCLI(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	code, out, stderr := runCLI(t, env, "status", "--json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	checkJSONStyle(t, "status --json (empty)", out)
	if strings.TrimSpace(out) != "{\n  \"goals\": []\n}" {
		t.Errorf("empty store: %q", out)
	}
}

func TestGoalsCheckJSON(t *testing.T) {
	// A relative path keeps "file" the same on every machine.
	code, out, stderr := runCLI(t, nil, "goals", "check", "--json", filepath.Join("..", "..", "bot", "demo", "seed"))
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	checkJSONStyle(t, "goals check --json", out)
	golden(t, "goals-check", out)
}
