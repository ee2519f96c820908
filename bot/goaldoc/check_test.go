package goaldoc

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadShared(t *testing.T) {
	s, err := LoadShared(defaultBookToml)
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"Help wanted", "Complete", "TBD", "Team", "Not funded"} {
		if !strings.HasPrefix(s.Links[label], "https://img.shields.io/badge/") {
			t.Errorf("link %q = %q", label, s.Links[label])
		}
	}
	if len(s.Linkifiers) != 3 || len(s.IgnoreUsers) != 1 || s.IgnoreUsers[0] != "@triagebot" {
		t.Errorf("linkifiers %v, ignore %v", s.Linkifiers, s.IgnoreUsers)
	}
	in := newInliner(prepare(s))
	for bracketed, want := range map[string]string{
		"[RFC #3654]":           "rust-lang/rfcs#3654",
		"[rust-lang/goals#105]": "rust-lang/goals#105",
		"[#42]":                 "rust-lang/rust#42",
		"[RFC 3654]":            "",
		"[#x]":                  "",
	} {
		r, ok := in.linkify(bracketed)
		if got := r.String(); ok != (want != "") || got != want {
			t.Errorf("linkify(%s) = %q, %v; want %q", bracketed, got, ok, want)
		}
	}
	if _, err := LoadShared([]byte("[preprocessor.goals.linkifiers]\n\"(\" = \"x\"\n")); err == nil {
		t.Error("bad linkifier regex accepted")
	}
	if _, err := LoadShared([]byte("not toml = = =")); err == nil {
		t.Error("bad TOML accepted")
	}
}

// A document that uses only shared badges resolves them through the
// shared definitions, and not without them.
func TestSharedBadges(t *testing.T) {
	src := []byte(doc("", taskHeader+"| t | ![Team][] [lang] | ![Help wanted][] |\n"))
	d := Parse("b.md", src, nil) // nil: DefaultShared
	checkStrings(t, "badges", d.Subgoals[0].Badges, []string{"Team", "Help wanted"})
	if len(d.Warnings) != 0 || len(d.TeamAsks) != 1 {
		t.Errorf("default shared: warnings %v, asks %v", d.Warnings, d.TeamAsks)
	}
	bare := Parse("b.md", src, &Shared{})
	// Undefined badges are still badges, but now each is a warning.
	checkStrings(t, "badges", bare.Subgoals[0].Badges, []string{"Team", "Help wanted"})
	if len(bare.Warnings) != 2 {
		t.Errorf("empty shared: warnings %v, want 2", bare.Warnings)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckPaths(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "2024h2", "good.md"), doc("| Status | Accepted |\n| Tracking issue | [rust-lang/goals#105] |\n", taskHeader+"| a | @x | |\n| ↳ b | ![Team][] [lang] | |\n"))
	writeFile(t, filepath.Join(dir, "2024h2", "bad.md"), doc("", taskHeader+"| a | b | c | d |\n| t | | ![Nope][] |\n"))
	writeFile(t, filepath.Join(dir, "2024h2", "README.md"), "# Index\n\nNothing here.\n")
	writeFile(t, filepath.Join(dir, "2024h2", "notes.txt"), "| Metadata | |\n")
	writeFile(t, filepath.Join(dir, ".git", "x.md"), doc("", ""))

	rep, err := CheckPaths([]string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Documents) != 2 || len(rep.Skipped) != 1 {
		t.Fatalf("documents %d, skipped %+v; want 2 and README", len(rep.Documents), rep.Skipped)
	}
	if !rep.HasErrors() {
		t.Error("HasErrors = false with a malformed table")
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	bad := filepath.Join(dir, "2024h2", "bad.md")
	for _, want := range []string{
		`good: "A goal", status "Accepted", 2 subgoals, 1 team asks, tracking issue rust-lang/goals#105`,
		`bad: "A goal", status "Accepted", 2 subgoals, 0 team asks, tracking issue none`,
		bad + ":11: error: table row has 4 cells, header has 3",
		bad + ":12: warning: reference [Nope] is not defined",
		"README.md: skipped: not a goal document",
		"2 goal documents, 1 errors, 1 warnings, 1 files skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}

	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Documents []map[string]json.RawMessage `json:"documents"`
		Skipped   []map[string]string          `json:"skipped"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("JSON: %v\n%s", err, buf.String())
	}
	for _, key := range []string{"file", "id", "title", "status", "tracking_issue", "point_of_contact", "teams", "subgoals", "team_asks", "errors", "warnings"} {
		if _, ok := got.Documents[0][key]; !ok {
			t.Errorf("document JSON lacks %q", key)
		}
	}
	if string(got.Documents[1]["tracking_issue"]) != `"rust-lang/goals#105"` || string(got.Documents[0]["tracking_issue"]) != `""` {
		t.Errorf("tracking_issue = %s / %s", got.Documents[1]["tracking_issue"], got.Documents[0]["tracking_issue"])
	}
	if !strings.Contains(string(got.Documents[1]["subgoals"]), `"children": [`) || strings.Contains(buf.String(), "null") {
		t.Errorf("JSON has null where [] is expected:\n%s", buf.String())
	}
	if got.Skipped[0]["reason"] == "" {
		t.Error("skipped entry has no reason")
	}

	// A single file path is checked even without .md, and a missing path is an error.
	if rep, err := CheckPaths([]string{filepath.Join(dir, "2024h2", "good.md")}, nil); err != nil || len(rep.Documents) != 1 || rep.HasErrors() {
		t.Errorf("single file: %v, %+v", err, rep)
	}
	if _, err := CheckPaths([]string{filepath.Join(dir, "missing")}, nil); err == nil {
		t.Error("missing path accepted")
	}
}
