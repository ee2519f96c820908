package goaldoc

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// checkOne writes text as period/name under a temporary folder and checks it.
func checkOne(t *testing.T, name, text string, opts CheckOptions) (*Report, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "2025h1", name)
	writeFile(t, path, text)
	rep, err := CheckPathsWith([]string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep, dir
}

func TestValidateAuthorMistakes(t *testing.T) {
	tests := []struct {
		name string
		meta string
		body string
		want []string // substrings of one warning each
		none bool     // no warning at all
	}{
		{"clean", "| Status | Accepted |\n| Teams | [lang], [Libs-API] |\n",
			taskHeader + "| a | ![Team][] [lang] | ![Complete][] |\n| b | @x | ![Help wanted][] |\n", nil, true},
		{"status with more text", "| Status | Proposed as [RFC #3657] |\n", taskHeader + "| a | @x | |\n", nil, true},
		{"status typo", "| Status | Acepted |\n", taskHeader + "| a | @x | |\n",
			[]string{`5: unknown status "Acepted" (did you mean "Accepted"?)`}, false},
		{"status not accepted typo", "| Status | Not acepted |\n", taskHeader + "| a | @x | |\n",
			[]string{`unknown status "Not acepted"`}, false},
		{"status unknown far", "| Status | Basically complete |\n", taskHeader + "| a | @x | |\n",
			[]string{`unknown status "Basically complete"; the goals repository accepts Accepted, Proposed, Not accepted`}, false},
		{"team typo in owner cell", "", taskHeader + "| approve RFC | ![Team][] [lnag] | |\n",
			[]string{"11: unknown team [lnag] (did you mean [lang]?)"}, false},
		{"team typo in Teams row", "| Status | Accepted |\n| Teams | [lnag], [libs] |\n", taskHeader + "| a | @x | |\n",
			[]string{"6: unknown team [lnag] (did you mean [lang]?)"}, false},
		{"team far off", "", taskHeader + "| approve RFC | ![Team][] [frobnicators] | |\n",
			[]string{"unknown team [frobnicators]"}, false},
		{"badge typo", "", taskHeader + "| a | @x | ![Fundd][] |\n",
			[]string{"11: unknown badge ![Fundd][] (did you mean ![Funded][]?)", "11: reference [Fundd] is not defined (did you mean ![Funded][]?)"}, false},
		{"badge completed", "", taskHeader + "| a | @x | ![Completed][] |\n",
			[]string{"did you mean ![Complete][]?"}, false},
		{"inline badge of its own", "", taskHeader + "| a | @x | ![Stretch Goal](https://img.shields.io/badge/Stretch%20Goal-red) |\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, _ := checkOne(t, "goal.md", doc(tt.meta, tt.body), CheckOptions{})
			if len(rep.Documents) != 1 {
				t.Fatalf("documents %d, skipped %+v", len(rep.Documents), rep.Skipped)
			}
			d := rep.Documents[0]
			var got []string
			for _, w := range d.Warnings {
				got = append(got, strconv.Itoa(w.Line)+": "+w.Message)
			}
			if tt.none && len(got) > 0 {
				t.Errorf("warnings %q, want none", got)
			}
			for _, w := range tt.want {
				found := false
				for _, g := range got {
					found = found || strings.Contains(g, w)
				}
				if !found {
					t.Errorf("no warning %q in %q", w, got)
				}
			}
			if d.HasErrors() {
				t.Errorf("errors %+v: these are warnings", d.Errors)
			}
			if rep.HasWarnings() == tt.none {
				t.Errorf("HasWarnings = %v", rep.HasWarnings())
			}
		})
	}
}

func TestMalformedMetadataIsAnError(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		want       string
	}{
		{"no delimiter row", "# A goal\n\n| Metadata | |\n| Status | Accepted |\n| Point of contact | @x |\n", 4, "malformed Metadata table: line 4 should be a delimiter row"},
		{"delimiter cells differ", "# A goal\n\n| Metadata | |\n|---|\n| Status | Accepted |\n", 4, "delimiter row has 1 cells"},
		{"header at the end", "# A goal\n\n| Metadata | |", 3, "not followed by a delimiter row"},
		{"no status row", "# A goal\n\n| Metadata | |\n|---|---|\n| Point of contact | @x |\n", 3, "metadata table has no Status row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, _ := checkOne(t, "goal.md", tt.text, CheckOptions{})
			if len(rep.Documents) != 1 || len(rep.Skipped) != 0 {
				t.Fatalf("documents %d, skipped %+v: a malformed goal document must not be skipped", len(rep.Documents), rep.Skipped)
			}
			errs := rep.Documents[0].Errors
			if !rep.HasErrors() || errs[0].Line != tt.line || !strings.Contains(errs[0].Message, tt.want) {
				t.Errorf("errors %+v, want line %d %q", errs, tt.line, tt.want)
			}
		})
	}
	// Pages that are not goal documents stay skipped: an index, a page whose
	// first table is another one, a roadmap (Metadata without Status).
	for name, text := range map[string]string{
		"README.md":        "# Goals\n\n| Goal | Owner |\n|---|---|\n| x | y |\n\n| Metadata | |\n",
		"index.md":         "# Index\n\nNo tables.\n",
		"roadmap-async.md": "# Async\n\n| Metadata | |\n|---|---|\n| Short title | Async |\n| Point of contact | @x |\n",
		"code.md":          "# Code\n\n```\n| Metadata | |\n```\n",
	} {
		rep, _ := checkOne(t, name, text, CheckOptions{})
		if len(rep.Skipped) != 1 || rep.HasErrors() {
			t.Errorf("%s: skipped %+v, documents %d; want it skipped without error", name, rep.Skipped, len(rep.Documents))
		}
	}
}

func TestTeamsFromTheGoalsRepositoryConfig(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "rust-project-goals.toml"), "teams = [\"lang\", \"frobnicators\"]\n")
	writeFile(t, filepath.Join(dir, "src", "2025h1", "goal.md"), doc("", taskHeader+"| a | ![Team][] [frobnicators] | |\n| b | ![Team][] [libs] | |\n"))
	rep, err := CheckPathsWith([]string{filepath.Join(dir, "src", "2025h1")}, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w := rep.Documents[0].Warnings
	if len(w) != 1 || !strings.Contains(w[0].Message, "unknown team [libs]") || !strings.Contains(w[0].Message, "rust-project-goals.toml") {
		t.Errorf("warnings %+v: want only libs unknown, naming the configuration", w)
	}
	// The real file has no team list: the built-in (corpus) teams apply.
	writeFile(t, filepath.Join(dir, "rust-project-goals.toml"), "[team_asks]\n\"RFC decision\" = { short = \"RFC\" }\n")
	rep, _ = CheckPathsWith([]string{filepath.Join(dir, "src", "2025h1")}, CheckOptions{})
	if w := rep.Documents[0].Warnings; len(w) != 1 || !strings.Contains(w[0].Message, "unknown team [frobnicators]") {
		t.Errorf("warnings %+v", w)
	}
}

// The corpus is the real goals repository: its goal documents must give no
// error, and no warning of the kinds added here except the one draft whose
// status is free text.
func TestCheckCorpusHasNoFalseErrors(t *testing.T) {
	root := filepath.Join(corpusRoot, "corpus", "project-goals")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("shared corpus not available at %s", root)
	}
	rep, err := CheckPathsWith([]string{root}, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Documents) < 100 {
		t.Fatalf("only %d documents", len(rep.Documents))
	}
	var warnings []Diagnostic
	for _, d := range rep.Documents {
		for _, e := range d.Errors {
			t.Errorf("%s:%d: false error: %s", d.File, e.Line, e.Message)
		}
		for _, w := range d.Warnings {
			if strings.HasPrefix(w.Message, "unknown team") || strings.HasPrefix(w.Message, "unknown badge") {
				t.Errorf("%s:%d: false warning: %s", d.File, w.Line, w.Message)
			}
			if strings.HasPrefix(w.Message, "unknown status") && !strings.Contains(w.Message, "Basically complete") {
				t.Errorf("%s:%d: false warning: %s", d.File, w.Line, w.Message)
			}
		}
		warnings = append(warnings, d.Warnings...)
	}
	t.Logf("%d documents, %d skipped, warnings by kind: %v", len(rep.Documents), len(rep.Skipped), CountByKind(warnings))
}
