package goaldoc

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot/ref"
)

// findShared returns the shared folder (corpus, seed) by looking in each
// parent of the working directory, so that the test also runs from a
// worktree nested deeper than the main checkout; it skips when absent.
func findShared(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared")
		if _, err := os.Stat(filepath.Join(cand, "corpus", "project-goals")); err == nil {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared corpus not found in any parent folder")
		}
		dir = parent
	}
}

// periodStats is one line of the corpus report.
type periodStats struct {
	docs, rows, rowsBefore, rowsAfter int
	goalRefsBefore, goalRefsAfter     int
	itemsBefore, itemsAfter           int // distinct items per goal, summed
	other, otherCovered               int
	byForm                            map[string]int
}

// inlineCodeRe matches a code span on one line.
var inlineCodeRe = regexp.MustCompile("`+[^`]*`+")

// TestCorpusReferences parses every goal document of the corpus with and
// without reference finding and reports, per period, the rows with an
// item and the goal-level references before and after. It asserts that
// every Other tracking issues entry and every markdown link is an item of
// its goal, and that no reference comes from code.
func TestCorpusReferences(t *testing.T) {
	sharedDir := findShared(t)
	root := filepath.Join(sharedDir, "corpus", "project-goals")
	book, err := os.ReadFile(filepath.Join(root, "_shared", "book.toml"))
	if err != nil {
		t.Fatal(err)
	}
	shared, err := LoadShared(book)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") && !strings.Contains(path, "_shared") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(sharedDir, "seed", "async-parity-2024h2.md"))

	stats := map[string]*periodStats{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		after := Parse(f, src, shared)
		if ok, _ := after.IsGoal(); !ok {
			continue
		}
		before := parseRowLinksOnly(f, src, shared)
		period := after.Period
		if period == "" {
			period = "other"
		}
		st := stats[period]
		if st == nil {
			st = &periodStats{byForm: map[string]int{}}
			stats[period] = st
		}
		st.docs++

		rowItems := map[ref.Ref]bool{}
		after.Walk(func(s, _ *Subgoal) bool {
			for _, l := range s.Links {
				rowItems[l] = true
			}
			if !s.Heading {
				st.rows++
				if len(s.Links) > 0 {
					st.rowsAfter++
				}
			}
			return true
		})
		beforeRow := map[ref.Ref]bool{}
		before.Walk(func(s, _ *Subgoal) bool {
			for _, l := range s.Links {
				beforeRow[l] = true
			}
			if !s.Heading && len(s.Links) > 0 {
				st.rowsBefore++
			}
			return true
		})
		prevGoalRefsBefore := st.goalRefsBefore
		for _, l := range before.Links {
			if !beforeRow[l] && l != before.TrackingIssue {
				st.goalRefsBefore++
			}
		}
		st.goalRefsAfter += len(after.References)
		goalRefs := map[ref.Ref]bool{}
		for _, r := range after.References {
			goalRefs[r.Item] = true
			st.byForm[r.Form]++
		}
		isItem := func(r ref.Ref) bool { return goalRefs[r] || rowItems[r] }
		// Nothing the row-links-only parse had is lost.
		for r := range beforeRow {
			if !rowItems[r] {
				t.Errorf("%s: row item %s lost", f, r)
			}
		}
		st.itemsBefore += len(beforeRow) + st.goalRefsBefore - prevGoalRefsBefore
		st.itemsAfter += len(rowItems) + len(after.References)

		for _, o := range after.OtherTrackingIssues {
			st.other++
			if isItem(o) {
				st.otherCovered++
			} else {
				t.Errorf("%s: Other tracking issue %s is not an item of the goal", f, o)
			}
		}
		for _, l := range after.Links {
			if !isItem(l) && l != after.TrackingIssue {
				t.Errorf("%s: linked %s is not an item of the goal", f, l)
			}
		}
		// No reference from code: not in a fence, and still named on its
		// line once code spans are removed.
		lines, _ := splitLines(src)
		inFence := fencedLines(lines)
		for _, r := range after.References {
			for _, n := range r.Lines {
				if n < 1 || n > len(lines) {
					t.Errorf("%s: reference %s at line %d outside the file", f, r.Item, n)
					continue
				}
				if inFence[n] {
					t.Errorf("%s:%d: reference %s comes from a code block", f, n, r.Item)
				}
				text := inlineCodeRe.ReplaceAllString(lines[n-1], "")
				num := fmt.Sprint(r.Item.Number)
				// A reference-style link ([text][label]) names its item
				// on the definition's line only (its text may span lines).
				if !strings.Contains(text, "#"+num) && !strings.Contains(text, "/"+num) && !strings.ContainsAny(text, "[]") {
					t.Errorf("%s:%d: reference %s is not on its line outside code: %q", f, n, r.Item, lines[n-1])
				}
			}
		}
	}

	periods := make([]string, 0, len(stats))
	for p := range stats {
		periods = append(periods, p)
	}
	sort.Strings(periods)
	var b strings.Builder
	fmt.Fprintf(&b, "%-8s %5s %6s %17s %17s %17s %11s  %s\n", "period", "docs", "rows", "rows w/ item b→a", "goal refs b→a", "goal items b→a", "other TI", "goal refs by form")
	total := periodStats{byForm: map[string]int{}}
	for _, p := range periods {
		st := stats[p]
		fmt.Fprintf(&b, "%-8s %5d %6d %8d → %-6d %8d → %-6d %8d → %-6d %5d/%-5d  %v\n", p, st.docs, st.rows, st.rowsBefore, st.rowsAfter,
			st.goalRefsBefore, st.goalRefsAfter, st.itemsBefore, st.itemsAfter, st.otherCovered, st.other, st.byForm)
		total.docs += st.docs
		total.rows += st.rows
		total.rowsBefore += st.rowsBefore
		total.rowsAfter += st.rowsAfter
		total.goalRefsBefore += st.goalRefsBefore
		total.goalRefsAfter += st.goalRefsAfter
		total.itemsBefore += st.itemsBefore
		total.itemsAfter += st.itemsAfter
		total.other += st.other
		total.otherCovered += st.otherCovered
	}
	fmt.Fprintf(&b, "%-8s %5d %6d %8d → %-6d %8d → %-6d %8d → %-6d %5d/%-5d\n", "total", total.docs, total.rows, total.rowsBefore, total.rowsAfter,
		total.goalRefsBefore, total.goalRefsAfter, total.itemsBefore, total.itemsAfter, total.otherCovered, total.other)
	t.Logf("references per period (b = row links only, a = with reference finding):\n%s", b.String())

	for _, p := range []string{"2024h2", "2025h1", "2025h2", "2026"} {
		st := stats[p]
		if st == nil || st.docs == 0 {
			t.Errorf("period %s: no goal documents", p)
			continue
		}
		if st.rowsAfter < st.rowsBefore || st.itemsAfter < st.itemsBefore {
			t.Errorf("period %s: reference finding lost items: %+v", p, *st)
		}
	}
	if total.itemsAfter <= total.itemsBefore {
		t.Errorf("goal items %d → %d: reference finding found nothing new", total.itemsBefore, total.itemsAfter)
	}
}

// fencedLines returns the 1-based lines inside (or opening or closing) a
// fenced code block.
func fencedLines(lines []string) map[int]bool {
	out := map[int]bool{}
	fence := ""
	for i, l := range lines {
		switch {
		case fence != "":
			out[i+1] = true
			if isFenceClose(strings.TrimSpace(l), fence) {
				fence = ""
			}
		default:
			if f := fenceOpen(l); f != "" {
				fence = f
				out[i+1] = true
			}
		}
	}
	return out
}
