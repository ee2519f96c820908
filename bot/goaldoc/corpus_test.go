package goaldoc

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusFiles lists every markdown file of the project-goals corpus except
// the template, plus the seed; it skips the test when the corpus is absent.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	root := filepath.Join(corpusRoot, "corpus", "project-goals")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("shared corpus not available at %s (%v); clone it beside the repository", root, err)
	}
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") && filepath.ToSlash(path) != filepath.ToSlash(filepath.Join(root, "_shared", "TEMPLATE.md")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return append(files, filepath.Join(corpusRoot, "seed", "async-parity-2024h2.md"))
}

func TestCorpus(t *testing.T) {
	shared, err := LoadShared(readShared(t, "corpus/project-goals/_shared/book.toml"))
	if err != nil {
		t.Fatal(err)
	}
	goals := 0
	byPeriod := map[string]int{}
	for _, f := range corpusFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := Parse(f, src, shared)
		if ok, _ := d.IsGoal(); !ok {
			continue
		}
		goals++
		byPeriod[d.Period]++
		for _, e := range d.Errors {
			t.Errorf("%s:%d: error: %s", f, e.Line, e.Message)
		}
		if d.Title == "" || d.Status == "" {
			t.Errorf("%s: title %q, status %q; want both", f, d.Title, d.Status)
		}
		ids := map[string]bool{}
		d.Walk(func(s, parent *Subgoal) bool {
			if s.Line <= 0 || s.ID == "" || ids[s.ID] {
				t.Errorf("%s: subgoal %q has line %d, id %q (duplicate=%v)", f, s.Title, s.Line, s.ID, ids[s.ID])
			}
			ids[s.ID] = true
			if parent != nil && !strings.HasPrefix(s.ID, parent.ID+"/") {
				t.Errorf("%s: child id %q not under parent id %q", f, s.ID, parent.ID)
			}
			if strings.Contains(s.Title, "↳") || strings.Contains(s.Title, "~~") {
				t.Errorf("%s:%d: title %q keeps markup", f, s.Line, s.Title)
			}
			return true
		})
		for _, a := range d.TeamAsks {
			if a.Team == "" || a.Line <= 0 {
				t.Errorf("%s: team ask %+v has no team or line", f, a)
			}
		}
		// Accepted goals of the sampled periods all link their tracking issue.
		if d.Status == "Accepted" && d.TrackingIssue.IsZero() {
			t.Errorf("%s: accepted goal without a tracking issue", f)
		}
		if !d.TrackingIssue.IsZero() && d.TrackingIssue.Repo != "goals" {
			t.Errorf("%s: tracking issue %s is not in rust-lang/goals", f, d.TrackingIssue)
		}
	}
	// The corpus has goal documents in every period; a parser that
	// skipped a whole era would show here.
	for _, p := range []string{"2024h2", "2025h1", "2025h2", "2026"} {
		if byPeriod[p] < 5 {
			t.Errorf("period %s: %d goal documents parsed, want at least 5", p, byPeriod[p])
		}
	}
	if goals < 100 {
		t.Errorf("%d goal documents, want over 100", goals)
	}
}

// TestCorpusEras pins one document of each format era to its structure.
func TestCorpusEras(t *testing.T) {
	tests := []struct {
		file      string
		period    string
		top       int // top-level subgoals
		nodes     int
		asks      int
		tracking  string
		firstKid  string // ID of the first child of the first top-level node with children
		teamsHave string
	}{
		// Era A: the seed-like proposal with ↳ rows and Funded badges.
		{"corpus/project-goals/historical/async-2024h2-revisions/async-b5caa3f-2024-07-08.md", "", 6, 24, 6, "", "resolve-the-send-bound-problem/rtn-implementation", "lang"},
		// Era B: @owners, Notes column, a tracking issue under the old repo name.
		{"corpus/project-goals/historical/2024h2-at-7b77f9b/async.md", "2024h2", 7, 30, 10, "rust-lang/goals#105", "send-bound-problem/implementation", "libs-api"},
		// Era C: ### subgoal headings each with a Task table.
		{"corpus/project-goals/2025h1/GPU-Offload.md", "2025h1", 3, 3, 2, "rust-lang/goals#109", "", "lang"},
		// Era D: #### subgoals under "Work items", a Team | Support level table.
		{"corpus/project-goals/2026/arbitrary-self-types.md", "2026", 3, 14, 5, "rust-lang/goals#619", "arbitrary-self-types/implementation-of-deref-decoupling", "types"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			d := Parse(tt.file, readShared(t, tt.file), nil)
			if len(d.Errors) > 0 {
				t.Errorf("errors: %v", d.Errors)
			}
			checkString(t, "period", d.Period, tt.period)
			if len(d.Subgoals) != tt.top || d.Count() != tt.nodes || len(d.TeamAsks) != tt.asks {
				t.Errorf("top=%d nodes=%d asks=%d, want %d %d %d", len(d.Subgoals), d.Count(), len(d.TeamAsks), tt.top, tt.nodes, tt.asks)
			}
			checkString(t, "tracking issue", d.TrackingIssue.String(), tt.tracking)
			if tt.firstKid != "" {
				found := ""
				for _, s := range d.Subgoals {
					if len(s.Children) > 0 {
						found = s.Children[0].ID
						break
					}
				}
				checkString(t, "first child", found, tt.firstKid)
			}
			has := false
			for _, team := range d.Teams {
				has = has || team == tt.teamsHave
			}
			if !has {
				t.Errorf("teams %v lack %q", d.Teams, tt.teamsHave)
			}
		})
	}
}
