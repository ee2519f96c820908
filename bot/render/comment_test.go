package render

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// golden compares got with testdata/name.golden, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update if intended)\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first differing line of want and got.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want %q\n got  %q", i+1, wl, gl)
		}
	}
	return "(identical lines; trailing bytes differ)"
}

// seedItem is an item of the seed goal with its facts at one stage.
type seedItem struct {
	link  ItemLink
	facts status.Facts
}

// seedRow is one row of the seed goal: its document facts, its items and,
// for parents, its children (the following rows of greater depth).
type seedRow struct {
	depth int
	name  string
	line  int
	doc   status.DocFacts
	items []seedItem
	since string
}

var (
	rfc3668  = ItemLink{Ref: ref.New("rust-lang", "rfcs", 3668), Title: "Async closures", IsPull: true}
	rfc3654  = ItemLink{Ref: ref.New("rust-lang", "rfcs", 3654), Title: "Return type notation (send bounds, part 1)", IsPull: true}
	rfc3657  = ItemLink{Ref: ref.New("rust-lang", "rfcs", 3657), Title: "Async Rust vision (draft)", IsPull: true}
	mcp727   = ItemLink{Ref: ref.New("rust-lang", "compiler-team", 727), Title: "Async drop experiments"}
	pr132706 = ItemLink{Ref: ref.New("rust-lang", "rust", 132706), Title: "Stabilize async closures (RFC 3668)", IsPull: true}
)

func rfc(state string, fcp status.FCPFacts) status.Facts {
	return status.Facts{Kind: "rfc", State: state, FCP: fcp}
}

// seedRows returns the seed goal's subgoal table with item states at one
// stage of the demo timeline: "proposed", "deciding" or "decided".
func seedRows(stage string) []seedRow {
	end := time.Date(2024, 8, 20, 12, 0, 0, 0, time.UTC)
	var r3668, r3654, r3657, m727, p132706 status.Facts
	switch stage {
	case "proposed":
		r3668 = rfc("open", status.FCPFacts{})
		r3654 = rfc("open", status.FCPFacts{})
		r3657 = rfc("open", status.FCPFacts{})
		m727 = status.Facts{Kind: "mcp", State: "open", Labels: []string{"major-change"}, MCP: status.MCPFacts{Phase: "proposed"}}
		p132706 = status.Facts{Kind: "pr", State: "open"}
	case "deciding":
		r3668 = rfc("open", status.FCPFacts{Phase: "active", Disposition: "merge", End: end})
		r3654 = rfc("open", status.FCPFacts{Phase: "proposed", Disposition: "merge", Reviewed: 5, Reviewers: 8, Concerns: 1})
		r3657 = rfc("open", status.FCPFacts{Phase: "proposed", Disposition: "merge", Reviewed: 2, Reviewers: 9})
		m727 = status.Facts{Kind: "mcp", State: "open", Labels: []string{"major-change", "final-comment-period"}, MCP: status.MCPFacts{Phase: "seconded", End: end.AddDate(0, 0, 3)}}
		p132706 = status.Facts{Kind: "pr", State: "open"}
	case "decided":
		r3668 = rfc("merged", status.FCPFacts{Phase: "finished", Disposition: "merge", End: end})
		r3654 = rfc("open", status.FCPFacts{Phase: "finished", Disposition: "merge", End: end.AddDate(0, 0, 9)})
		r3657 = rfc("closed", status.FCPFacts{Phase: "finished", Disposition: "postpone"})
		m727 = status.Facts{Kind: "mcp", State: "closed", Labels: []string{"major-change", "major-change-accepted"}, MCP: status.MCPFacts{Phase: "accepted"}}
		p132706 = status.Facts{Kind: "pr", State: "merged"}
	}
	it := func(l ItemLink, f status.Facts) []seedItem { return []seedItem{{l, f}} }
	done := status.DocFacts{Complete: true, Struck: true}
	return []seedRow{
		{0, "overall program management", 184, status.DocFacts{}, nil, ""},
		{0, "stabilize async closures", 185, status.DocFacts{}, nil, "2024-08-10"},
		{1, "implementation", 186, done, nil, "2024-06-01"},
		{1, "author RFC", 187, status.DocFacts{}, it(rfc3668, r3668), "2024-08-10"},
		{1, "approve RFC", 188, status.DocFacts{}, it(rfc3668, r3668), "2024-08-10"},
		{1, "stabilization", 189, status.DocFacts{}, it(pr132706, p132706), "2024-11-26"},
		{0, `resolve the "send bound" problem`, 190, status.DocFacts{}, nil, "2024-08-12"},
		{1, "RTN implementation", 191, done, nil, "2024-06-01"},
		{1, "RTN RFC", 192, status.DocFacts{Complete: true, Struck: true}, it(rfc3654, r3654), "2024-08-12"},
		{1, "approve RTN RFC or provide alternative", 193, status.DocFacts{}, it(rfc3654, r3654), "2024-08-12"},
		{1, "stabilization", 194, status.DocFacts{}, nil, ""},
		{0, "stabilize trait for async iteration", 195, status.DocFacts{}, nil, ""},
		{1, "author RFC", 196, status.DocFacts{}, nil, ""},
		{1, "approve RFC", 197, status.DocFacts{}, nil, ""},
		{1, "implementation", 198, status.DocFacts{}, nil, ""},
		{0, "author draft RFC for async vision", 199, status.DocFacts{}, nil, "2024-08-14"},
		{1, "author RFC", 200, status.DocFacts{}, it(rfc3657, r3657), "2024-08-14"},
		{1, "approve RFC", 201, status.DocFacts{}, []seedItem{{rfc3657, r3657}, {rfc3654, r3654}}, "2024-08-14"},
		{0, "complete async drop experiments", 202, status.DocFacts{}, nil, "2024-08-15"},
		{1, "author MCP", 203, done, it(mcp727, m727), "2024-08-15"},
		{1, "approve MCP", 204, done, it(mcp727, m727), "2024-08-15"},
		{1, "implementation work", 205, status.DocFacts{}, nil, ""},
	}
}

// seedView computes the seed goal's statuses at stage with the status
// package's default rules, the way the bot does, and builds the view.
func seedView(stage string) GoalView {
	rows := seedRows(stage)
	results := make([]status.Result, len(rows))
	// Children first (bottom-up), so parents can summarise them.
	for i := len(rows) - 1; i >= 0; i-- {
		sr := rows[i]
		var children []status.Result
		for j := i + 1; j < len(rows) && rows[j].depth > sr.depth; j++ {
			if rows[j].depth == sr.depth+1 {
				children = append(children, results[j])
			}
		}
		var own *status.Result
		switch {
		case len(sr.items) > 0:
			var items []status.Result
			for _, it := range sr.items {
				st, d := status.Evaluate(status.DefaultRules(), it.facts)
				items = append(items, status.Result{Status: st, Detail: d})
			}
			r := status.Combine(status.Least, items)
			own = &r
		case len(children) > 0:
			r := status.Summarize(children)
			own = &r
		}
		results[i] = status.Reconcile(sr.doc, own)
	}
	v := GoalView{
		ID:            "2024h2/async",
		Title:         "Bringing the Async Rust experience closer to parity with sync Rust",
		TrackingIssue: ref.New("rust-lang", "rust-project-goals", 105),
		Source:        "b5caa3f",
	}
	for i, sr := range rows {
		row := Row{
			Depth: sr.depth, SubgoalID: fmt.Sprintf("line-%d", sr.line), Subgoal: sr.name, Line: sr.line,
			Status: results[i].Status, Detail: results[i].Detail,
			DocStatus: results[i].DocStatus, Disagree: results[i].Disagree,
		}
		for _, it := range sr.items {
			row.Items = append(row.Items, it.link)
		}
		if sr.since != "" {
			row.Since, _ = time.Parse(time.DateOnly, sr.since)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

func TestStatusCommentGolden(t *testing.T) {
	for _, stage := range []string{"proposed", "deciding", "decided"} {
		t.Run(stage, func(t *testing.T) {
			v := seedView(stage)
			got := StatusComment(v)
			golden(t, "seed-"+stage, got)
			checkSafe(t, got, v.ID, len(v.Rows))
			if again := StatusComment(seedView(stage)); again != got {
				t.Error("StatusComment is not deterministic")
			}
		})
	}
}

// TestStatusCommentStages pins the facts the goldens show, so that an
// -update cannot silently bless a wrong status.
func TestStatusCommentStages(t *testing.T) {
	tests := []struct {
		stage string
		want  []string
	}{
		{"proposed", []string{
			"| ↳ author RFC | [rust-lang/rfcs#3668](https://github.com/rust-lang/rfcs/pull/3668) Async closures | proposed: RFC open, no FCP | 2024-08-10 |",
			"| ↳ author MCP | [rust-lang/compiler-team#727](https://github.com/rust-lang/compiler-team/issues/727) Async drop experiments | ⚠️ proposed: MCP awaiting a second; document says complete |",
			"| ↳ implementation | — | complete: marked complete in the document | 2024-06-01 |",
			"| resolve the \"send bound\" problem | — | in-progress: 1/4 complete |",
		}},
		{"deciding", []string{
			"| in-fcp: merge, ends 2024-08-20 |",
			"| blocked: merge, 5/8 reviewed, 1 concern |",
			"| fcp-proposed: merge, 2/9 reviewed |",
			"in-fcp: seconded, ends 2024-08-23",
			"| stabilize async closures | — | proposed: 1/4 complete |",
			"[rust-lang/rfcs#3657](https://github.com/rust-lang/rfcs/pull/3657) Async Rust vision (draft)<br>[rust-lang/rfcs#3654](https://github.com/rust-lang/rfcs/pull/3654) Return type notation (send bounds, part 1) | fcp-proposed: merge, 2/9 reviewed |",
		}},
		{"decided", []string{
			"| ↳ approve RFC | [rust-lang/rfcs#3668](https://github.com/rust-lang/rfcs/pull/3668) Async closures | accepted: RFC merged |",
			"| ↳ stabilization | [rust-lang/rust#132706](https://github.com/rust-lang/rust/pull/132706) Stabilize async closures (RFC 3668) | complete: merged |",
			"| ↳ author RFC | [rust-lang/rfcs#3657](https://github.com/rust-lang/rfcs/pull/3657) Async Rust vision (draft) | postponed: FCP to postpone finished |",
			"| fcp-finished: merge, ended 2024-08-29; also 1 postponed |",
			"| ↳ author MCP | [rust-lang/compiler-team#727](https://github.com/rust-lang/compiler-team/issues/727) Async drop experiments | complete: MCP accepted |",
			"| author draft RFC for async vision | — | fcp-finished: 0/1 complete; 1 postponed |",
			"| resolve the \"send bound\" problem | — | in-progress: 1/4 complete, 2 FCP finished |",
		}},
	}
	for _, tt := range tests {
		got := StatusComment(seedView(tt.stage))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: output lacks %q", tt.stage, w)
			}
		}
	}
}

func TestStatusCommentShape(t *testing.T) {
	got := StatusComment(seedView("deciding"))
	lines := strings.Split(got, "\n")
	if lines[0] != "<!-- goalbot:status goal=2024h2/async -->" {
		t.Errorf("first line %q", lines[0])
	}
	if lines[1] != "### Bringing the Async Rust experience closer to parity with sync Rust" {
		t.Errorf("heading %q", lines[1])
	}
	if !strings.Contains(got, "`/goal track rust-lang/goals#105 <subgoal>`") {
		t.Error("footer does not name the tracking issue (renamed repository) in the /goal track example")
	}
	if !strings.Contains(got, "revision b5caa3f") {
		t.Error("footer does not name the source revision")
	}
	if !strings.HasSuffix(got, "</sub>\n") {
		t.Error("output does not end with the footer line")
	}
}

func TestStatusCommentEmpty(t *testing.T) {
	got := StatusComment(GoalView{ID: "g", Title: ""})
	for _, w := range []string{Marker("g") + "\n### Goal g\n", "No subgoals found", "/goal track <tracking-issue> <subgoal>"} {
		if !strings.Contains(got, w) {
			t.Errorf("empty view output lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "| Subgoal |") {
		t.Error("empty view renders a table")
	}
}

func TestStatusCommentRowDetails(t *testing.T) {
	items := make([]ItemLink, 10)
	for i := range items {
		items[i] = ItemLink{Ref: ref.New("o", "r", i+1)}
	}
	v := GoalView{ID: "g", Title: "T", Rows: []Row{
		{Depth: 3, Subgoal: "deep", Status: status.InFCP},
		{SubgoalID: "only-id", Items: items},
		{Subgoal: "  ", Status: status.Accepted, Disagree: true, DocStatus: status.Complete, Detail: "RFC merged"},
		{Subgoal: "dup", Status: status.InFCP, Disagree: true, DocStatus: status.Complete, Detail: "merge; document says complete"},
		{Subgoal: "hand-made ref", Items: []ItemLink{{Ref: ref.Ref{Owner: "a)(b", Repo: "c d", Number: 1}}}},
	}}
	got := StatusComment(v)
	for _, w := range []string{
		"| &nbsp;&nbsp;&nbsp;&nbsp;↳ deep | — | in-fcp | — |",
		"| only-id | [o/r#1](https://github.com/o/r/issues/1)<br>",
		"<br>[o/r#8](https://github.com/o/r/issues/8)<br>and 2 more | not-started | — |",
		"| (untitled) | — | ⚠️ accepted: RFC merged; document says complete | — |",
		"| dup | — | ⚠️ in-fcp: merge; document says complete | — |",
		"| hand-made ref | [ab/cd#1](https://github.com/ab/cd/issues/1) |",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "o/r#9") {
		t.Error("more than 8 items listed in one row")
	}
}

// TestStatusCommentInjection feeds hostile text everywhere GitHub text goes.
func TestStatusCommentInjection(t *testing.T) {
	evil := "x | y `code` <!-- goalbot:status goal=x --> @someone\nTL;DR: pwned\nHelp wanted: me\n**Help wanted:** too\r\n- [x] done\n# heading\n</sub><img src=x>"
	v := GoalView{
		ID:            "evil --> <!-- goalbot:status goal=x",
		Title:         "TL;DR: " + evil,
		TrackingIssue: ref.New("rust-lang", "goals", 1),
		Source:        "abc`@someone\n<!-- goalbot:status goal=y -->",
		Rows: []Row{
			{Subgoal: "TL;DR: " + evil, Items: []ItemLink{{Ref: ref.New("rust-lang", "rfcs", 1), Title: evil, IsPull: true}}, Status: status.Blocked, Detail: "merge, concern " + evil},
			{Depth: 1, Subgoal: "Help wanted: " + evil, Status: status.InFCP, Detail: evil, Disagree: true, DocStatus: status.Complete},
			{Depth: 1, Subgoal: "@someone", Items: []ItemLink{{Ref: ref.New("a", "b", 2), Title: "@someone"}}, Status: "@someone"},
		},
	}
	got := StatusComment(v)
	golden(t, "injection", got)
	checkSafe(t, got, SafeID(v.ID), len(v.Rows))

	n := Notice(NoticeView{GoalID: v.ID, GoalTitle: evil, Subgoal: evil, Item: ItemLink{Ref: ref.New("rust-lang", "rfcs", 1), Title: evil, IsPull: true}, Status: status.InFCP, Detail: evil})
	golden(t, "injection-notice", n)
	checkSafe(t, n, "", -1)
}

var (
	helpWanted = regexp.MustCompile(`(?i)^\s*[-*]?\s*(\*\*)?help wanted:`)
	tableRow   = regexp.MustCompile(`^\|.*\|$`)
)

// checkSafe asserts what DESIGN §8 promises of every text goalbot writes:
// exactly one marker line, the first (when id is set); no "TL;DR:" start
// and no "Help wanted:" line; no mention; and, when rows >= 0, a table of
// exactly rows rows, each with four cells.
func checkSafe(t *testing.T, body, id string, rows int) {
	t.Helper()
	if strings.HasPrefix(body, "TL;DR:") {
		t.Error("body starts with TL;DR:")
	}
	lines := strings.Split(body, "\n")
	comments := 0
	tables := 0
	for i, l := range lines {
		if strings.Contains(l, "<!--") || strings.Contains(l, "-->") {
			comments++
			if i != 0 {
				t.Errorf("line %d holds an HTML comment: %q", i+1, l)
			}
		}
		if strings.HasPrefix(l, "TL;DR:") {
			t.Errorf("line %d starts with TL;DR:", i+1)
		}
		if helpWanted.MatchString(l) {
			t.Errorf("line %d is a Help wanted line: %q", i+1, l)
		}
		if tableRow.MatchString(l) {
			tables++
			if c := unescapedPipes(l); c != 5 {
				t.Errorf("table line %d has %d cell separators, want 5: %q", i+1, c, l)
			}
		}
		for _, tag := range []string{"<img", "<script", "</sub><", "<!-- goalbot:status goal=x"} {
			if i > 0 && strings.Contains(l, tag) {
				t.Errorf("line %d holds raw %q", i+1, tag)
			}
		}
	}
	if comments != 1 {
		t.Errorf("%d lines hold HTML comments, want exactly 1 (the marker)", comments)
	}
	if mentions(body) {
		t.Error("body can mention someone")
	}
	if id != "" {
		if got, ok := ParseMarker(body); !ok || got != id {
			t.Errorf("ParseMarker = %q, %v; want %q", got, ok, id)
		}
	}
	if rows >= 0 && tables != rows+2 {
		t.Errorf("%d table lines, want %d (header, separator, %d rows)", tables, rows+2, rows)
	}
}

func TestStatusCommentLimit(t *testing.T) {
	long := strings.Repeat("|@<`", 400) // every rune escapes to several bytes
	var rows []Row
	for i := 0; i < 2000; i++ {
		var items []ItemLink
		for j := 0; j < 12; j++ {
			items = append(items, ItemLink{Ref: ref.New("rust-lang", "compiler-team", 1000+j), Title: long})
		}
		rows = append(rows, Row{Subgoal: long, Items: items, Status: status.FCPProposed, Detail: long, Since: time.Unix(0, 0)})
	}
	v := GoalView{ID: "big", Title: long, Source: long, Rows: rows}
	got := StatusComment(v)
	if len(got) > MaxComment {
		t.Fatalf("body is %d bytes, over %d", len(got), MaxComment)
	}
	if len(got) < MaxComment*3/4 {
		t.Errorf("body is only %d bytes; truncation wastes room", len(got))
	}
	shown := strings.Count(got, "\n| ") - 2 // header and separator
	note := fmt.Sprintf("_%d more subgoals not shown: GitHub limits a comment to 65536 characters._", len(rows)-shown)
	if !strings.Contains(got, note) {
		t.Errorf("no truncation note %q", note)
	}
	if !strings.HasSuffix(got, "</sub>\n") {
		t.Error("footer lost by truncation")
	}
	checkSafe(t, got, "big", shown)

	// A small limit keeps whole rows only.
	small := statusComment(seedView("deciding"), 1500)
	if len(small) > 1500 {
		t.Errorf("small limit: %d bytes", len(small))
	}
	if !strings.Contains(small, "more subgoals not shown") {
		t.Error("small limit: no truncation note")
	}
	for _, l := range strings.Split(small, "\n") {
		if strings.HasPrefix(l, "|") && !strings.HasSuffix(l, "|") {
			t.Errorf("cut row %q", l)
		}
	}
}

// BenchmarkStatusComment renders a 40-row goal.
func BenchmarkStatusComment(b *testing.B) {
	seed := seedView("deciding")
	v := seed
	v.Rows = nil
	for len(v.Rows) < 40 {
		v.Rows = append(v.Rows, seed.Rows...)
	}
	v.Rows = v.Rows[:40]
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(StatusComment(v))
	}
	b.ReportMetric(float64(n), "bytes/comment")
}
