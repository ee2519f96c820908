package render

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

var (
	rfc3502  = ItemLink{Ref: ref.New("rust-lang", "rfcs", 3502), Title: "cargo-script", IsPull: true}
	pr129000 = ItemLink{Ref: ref.New("rust-lang", "cargo", 14404), Title: "Stabilize cargo script frontmatter parsing", IsPull: true}
)

// weekView is a realistic digest of 2024-W33, built on the Monday after:
// two goals, transitions in both, an FCP and an MCP ending, two proposals
// waiting on reviewers, one concern and three stale subgoals.
func weekView() DigestView {
	return DigestView{
		Week:      "2024-W33",
		Now:       day("2024-08-19T09:00:00Z"),
		StaleDays: 21,
		Goals: []DigestGoal{
			{
				ID: "2024h2/cargo-script", Title: "Stabilize cargo-script",
				TrackingIssue: ref.New("rust-lang", "rust-project-goals", 119),
				Counts:        map[status.Status]int{status.NotStarted: 1, status.Proposed: 2, status.Accepted: 1, status.Complete: 2},
				Changes: []DigestChange{
					{Subgoal: "stabilize frontmatter syntax", From: "", To: status.Proposed, Detail: "PR open", At: day("2024-08-17T10:00:00Z"), Item: pr129000},
					{Subgoal: "author and accept RFC", From: status.FCPFinished, To: status.Accepted, Detail: "RFC merged", At: day("2024-08-16T08:30:00Z"), Item: rfc3502},
				},
			},
			{
				ID: "2024h2/async", Title: "Bringing the Async Rust experience closer to parity with sync Rust",
				TrackingIssue: ref.New("rust-lang", "rust-project-goals", 105),
				Counts: map[status.Status]int{status.NotStarted: 9, status.Proposed: 2, status.FCPProposed: 2,
					status.Blocked: 2, status.InFCP: 4, status.Complete: 3},
				Changes: []DigestChange{
					{Subgoal: "approve MCP", From: status.Proposed, To: status.InFCP, Detail: "seconded, ends 2024-08-23", At: day("2024-08-15T16:00:00Z"), Item: mcp727},
					{Subgoal: "approve RFC", From: status.FCPProposed, To: status.InFCP, Detail: "merge, ends 2024-08-20", At: day("2024-08-12T09:12:00Z"), Item: rfc3668},
					{Subgoal: "approve RTN RFC or provide alternative", From: status.Proposed, To: status.FCPProposed, Detail: "merge, 3/8 reviewed", At: day("2024-08-12T14:00:00Z"), Item: rfc3654},
					{Subgoal: "approve RTN RFC or provide alternative", From: status.FCPProposed, To: status.Blocked, Detail: "merge, 5/8 reviewed, 1 concern", At: day("2024-08-13T11:00:00Z"), Item: rfc3654},
					{Subgoal: "author RFC", From: status.Proposed, To: status.FCPProposed, Detail: "merge, 2/9 reviewed", At: day("2024-08-14T10:00:00Z"), Item: rfc3657},
				},
			},
		},
		Ending: []DigestFCP{
			{Goal: "2024h2/async", Subgoal: "approve MCP", Item: mcp727, Kind: "MCP", End: day("2024-08-23T16:00:00Z")},
			{Goal: "2024h2/async", Subgoal: "approve RFC", Item: rfc3668, Kind: "FCP", Disposition: "merge", End: day("2024-08-20T12:00:00Z")},
		},
		Waiting: []DigestWaiting{
			{Goal: "2024h2/async", Subgoal: "author RFC", Item: rfc3657, Reviewed: 2, Reviewers: 9,
				Pending: []string{"grace-lang", "dan-lang", "erin-lang", "frank-lang", "carol-lang", "heidi-lang", "ivan-lang"}},
			{Goal: "2024h2/async", Subgoal: "approve RTN RFC or provide alternative", Item: rfc3654, Reviewed: 5, Reviewers: 8,
				Pending: []string{"carol-lang", "bob-lang", "dan-lang"}},
		},
		Concerns: []DigestConcern{
			{Goal: "2024h2/async", Subgoal: "approve RTN RFC or provide alternative", Item: rfc3654,
				Name: "naming-of-rtn-syntax", URL: "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-2284870100", By: "bob-lang"},
		},
		Stale: []DigestStale{
			{Goal: "2024h2/cargo-script", Subgoal: "stabilize cargo script", Status: status.Proposed, Since: day("2024-07-20T12:00:00Z")},
			{Goal: "2024h2/async", Subgoal: "stabilize trait for async iteration", Status: status.NotStarted, Since: day("2024-06-01T00:00:00Z")},
			{Goal: "2024h2/async", Subgoal: "implementation work", Status: status.NotStarted, Since: day("2024-07-01T00:00:00Z")},
		},
	}
}

func TestDigestGolden(t *testing.T) {
	v := weekView()
	got := Digest(v)
	golden(t, "digest-week", got)
	checkDigest(t, got, "2024-W33")
	for _, want := range []string{
		"Week 2024-W33 (2024-08-12 to 2024-08-18, UTC): 2 goals with 28 subgoals (10 not-started, 4 proposed, 2 fcp-proposed, 2 blocked, 4 in-fcp, 1 accepted, 5 complete).",
		"This week: 7 status changes, 2 FCPs ending in the next 7 days, 2 proposals waiting on reviewers, 1 unresolved concern, 3 subgoals with no movement for 21 days.",
		"| 2024-08-20 (in 1 day) | [rust-lang/rfcs#3668](https://redirect.github.com/rust-lang/rfcs/pull/3668) Async closures | FCP | merge |",
		"| 2024-08-23 (in 4 days) | [rust-lang/compiler-team#727](https://redirect.github.com/rust-lang/compiler-team/issues/727) Async drop experiments | MCP | — |",
		"| 5/8 | `bob-lang`, `carol-lang`, `dan-lang` |",
		"[naming-of-rtn-syntax](https://redirect.github.com/rust-lang/rfcs/pull/3654#issuecomment-2284870100) | `bob-lang` |",
		"| stabilize trait for async iteration | Bringing the Async Rust experience closer to parity with sync Rust | not-started | 2024-06-01 (79 days) |",
		"| fcp-finished → **accepted** | RFC merged |",
		"| new → **proposed** | PR open |",
		"[rust-lang/goals#119](https://redirect.github.com/rust-lang/goals/issues/119)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("digest lacks %q", want)
		}
	}
	// Goals sorted by title, changes oldest first, FCPs by end date, stale
	// subgoals oldest first.
	inOrder(t, got, "#### [Bringing the Async", "#### [Stabilize cargo-script")
	inOrder(t, got, "| 2024-08-12 | approve RFC |", "| 2024-08-12 | approve RTN", "| 2024-08-13 |", "| 2024-08-14 |", "| 2024-08-15 |")
	inOrder(t, got, "| 2024-08-16 | author and accept RFC", "| 2024-08-17 | stabilize frontmatter")
	inOrder(t, got, "2024-08-20 (in 1 day)", "2024-08-23 (in 4 days)")
	inOrder(t, got, "2024-06-01 (79 days)", "2024-07-01 (49 days)", "2024-07-20 (29 days)")
	inOrder(t, got, "### What changed this week", "### FCPs ending in the next 7 days", "### Waiting on reviewers",
		"### Unresolved concerns", "### No movement for 21 days", "### Tracking issues")
}

func TestDigestEmptyGolden(t *testing.T) {
	got := Digest(DigestView{Week: "2024-W01", StaleDays: 21})
	golden(t, "digest-empty", got)
	checkDigest(t, got, "2024-W01")
	for _, want := range []string{
		"No subgoal changed status this week.",
		"No FCP ends in the next 7 days.",
		"No FCP proposal is waiting on reviewers.",
		"No unresolved concerns.",
		"No subgoal has gone 21 days without a status change.",
		"No goals are tracked.",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("empty digest lacks the line %q", want)
		}
	}
	if !strings.Contains(got, "\nWeek 2024-W01 (2024-01-01 to 2024-01-07, UTC): 0 goals with 0 subgoals. This week: 0 status changes,") {
		t.Error("empty digest: summary is wrong")
	}
	if strings.Contains(got, "| ---") {
		t.Error("empty digest has a table")
	}

	// No stale threshold: the section says the list is off, not that
	// nothing is stale; the summary does not count stale subgoals.
	off := Digest(DigestView{Week: "2024-W01", Stale: []DigestStale{{Subgoal: "x", Since: day("2023-01-01T00:00:00Z")}}})
	if !strings.Contains(off, "### No movement\n\nSubgoals without movement are not listed") || strings.Contains(off, "| x |") ||
		strings.Contains(off, "no movement for 0 days") {
		t.Errorf("StaleDays 0:\n%s", off)
	}
}

func TestDigestWeekBounds(t *testing.T) {
	// Week from From, and From/To from Week.
	a := Digest(DigestView{From: day("2020-12-28T00:00:00Z")})
	b := Digest(DigestView{Week: "2020-W53"})
	if a != b || !strings.HasPrefix(a, "<!-- goalbot:digest week=2020-W53 -->\nWeek 2020-W53 (2020-12-28 to 2021-01-03, UTC)") {
		t.Errorf("bounds:\n%s\n---\n%s", a, b)
	}
	// Explicit bounds win over Week.
	c := Digest(DigestView{Week: "2024-W36", From: day("2024-09-01T00:00:00Z"), To: day("2024-09-15T00:00:00Z")})
	if !strings.Contains(c, "(2024-09-01 to 2024-09-14, UTC)") {
		t.Errorf("explicit bounds: %s", c)
	}
}

func TestDigestDeterministic(t *testing.T) {
	// tied adds rows whose sort keys are equal and whose other fields differ.
	tied := func() DigestView {
		v := weekView()
		at := day("2024-08-14T10:00:00Z")
		for _, d := range []string{"b detail", "a detail", "c detail"} {
			v.Goals[1].Changes = append(v.Goals[1].Changes, DigestChange{Subgoal: "tie", To: status.Proposed, Detail: d, At: at})
			v.Concerns = append(v.Concerns, DigestConcern{Goal: "2024h2/async", Subgoal: "tie", Name: "same", By: d})
			v.Ending = append(v.Ending, DigestFCP{Goal: "2024h2/async", Subgoal: "tie", Disposition: d, End: at})
			v.Stale = append(v.Stale, DigestStale{Goal: "x", Subgoal: "tie", Status: status.Status(d), Since: at})
		}
		return v
	}
	want := Digest(tied())
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20; i++ {
		v := tied()
		shuffle(rng, v.Goals)
		for _, g := range v.Goals {
			shuffle(rng, g.Changes)
		}
		shuffle(rng, v.Ending)
		shuffle(rng, v.Concerns)
		shuffle(rng, v.Waiting)
		shuffle(rng, v.Stale)
		for i := range v.Waiting {
			shuffle(rng, v.Waiting[i].Pending)
		}
		before := fmt.Sprintf("%#v", v)
		if got := Digest(v); got != want {
			t.Fatalf("shuffled input gives other bytes:\n%s", lineDiff(want, got))
		}
		if after := fmt.Sprintf("%#v", v); after != before {
			t.Fatal("Digest reordered the caller's slices")
		}
	}
}

func shuffle[T any](rng *rand.Rand, s []T) {
	rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
}

func TestDigestInjection(t *testing.T) {
	evil := "x | y `code` <!-- goalbot:digest week=2024-W01 --> @someone #12 rust-lang/rfcs#3654\nTL;DR: pwned\nHelp wanted: me\n**Help wanted:** too\r\n| a | b |\n# heading\n</sub><img src=x>"
	link := ItemLink{Ref: ref.New("rust-lang", "rfcs", 1), Title: "TL;DR: " + evil, IsPull: true}
	v := DigestView{
		Week: "2024-W36", Now: day("2024-09-09T09:00:00Z"), StaleDays: 14,
		Goals: []DigestGoal{
			{ID: "evil", Title: "TL;DR: " + evil, TrackingIssue: ref.New("rust-lang", "goals", 1),
				Counts: map[status.Status]int{status.InFCP: 1, status.Status(evil): 2},
				Changes: []DigestChange{
					{Subgoal: "Help wanted: " + evil, From: status.Status(evil), To: status.Status("@someone"), Detail: evil, At: day("2024-09-03T00:00:00Z"), Item: link},
					{Subgoal: "", To: status.InFCP, Detail: "TL;DR: " + evil},
				}},
			{ID: "untracked", Title: "@someone", Counts: map[status.Status]int{status.Proposed: 1}},
		},
		Ending:  []DigestFCP{{Goal: evil, Subgoal: evil, Item: link, Kind: evil, Disposition: evil, End: day("2024-09-12T00:00:00Z")}},
		Waiting: []DigestWaiting{{Goal: "evil", Subgoal: evil, Item: link, Pending: []string{"@someone", "other`one", "<!--x-->", evil, "", "@"}, Reviewed: 1, Reviewers: 4}},
		Concerns: []DigestConcern{
			{Goal: "evil", Subgoal: evil, Item: link, Name: evil, URL: "https://github.com/a/b/pull/1#c) [x](javascript:alert(1)", By: "@someone"},
			{Goal: "evil", Subgoal: evil, Item: link, Name: evil, URL: "javascript:alert(1)", By: evil},
			{Goal: "evil", Subgoal: evil, Item: link, Name: "ok", URL: "https://github.com/a/b/pull/1#issuecomment-9", By: "x"},
		},
		Stale: []DigestStale{{Goal: evil, Subgoal: evil, Status: status.Status(evil), Since: day("2024-08-01T00:00:00Z")}},
	}
	got := Digest(v)
	golden(t, "digest-injection", got)
	checkDigest(t, got, "2024-W36")
	if strings.Contains(got, "](javascript") || strings.Contains(got, "(https://redirect.github.com/a/b/pull/1#c)") {
		t.Error("hostile concern URL became a link")
	}
	if !strings.Contains(got, "[ok](https://redirect.github.com/a/b/pull/1#issuecomment-9)") {
		t.Error("well-formed concern URL lost")
	}

	// Mention writes @login for pending reviewers and for nobody else.
	v.Mention = true
	loud := Digest(v)
	want := " | 1/4 | @--x--, @otherone, @someone, @" + strings.Trim(Login(evil), "`") + " | "
	if !strings.Contains(loud, want) {
		t.Errorf("Mention=true: no pending cell %q in\n%s", want, loud)
	}
	for i, l := range strings.Split(loud, "\n") {
		if isWaiting := strings.Contains(l, " | 1/4 | "); mentions(l) != isWaiting {
			t.Errorf("Mention=true: line %d mentions = %v, want %v: %q", i+1, mentions(l), isWaiting, l)
		}
	}
	if quiet := " | 1/4 | `--x--`, `otherone`, `someone`, " + Login(evil) + " | "; !strings.Contains(got, quiet) {
		t.Errorf("Mention=false: no pending cell starting %q", quiet)
	}
}

// checkDigest asserts what DESIGN §8 promises of the digest: the marker is
// the first line and the only HTML comment; no line starts with "TL;DR:" or
// is a "Help wanted:" line; nobody is mentioned; every table row has the
// cell count of its table's head; nothing links to github.com directly and
// no bare "#123" reference is left (those add backlinks every week); and
// the body fits GitHub's limit.
func checkDigest(t *testing.T, body, week string) {
	t.Helper()
	if w, ok := ParseDigestMarker(body); !ok || w != week {
		t.Errorf("ParseDigestMarker = %q, %v; want %q", w, ok, week)
	}
	if len(body) > MaxComment {
		t.Errorf("body is %d bytes, over %d", len(body), MaxComment)
	}
	pipes := -1 // cell separators of the current table's head; -1 outside tables
	for i, l := range strings.Split(body, "\n") {
		if i > 0 && (strings.Contains(l, "<!--") || strings.Contains(l, "-->")) {
			t.Errorf("line %d holds an HTML comment: %q", i+1, l)
		}
		if strings.HasPrefix(l, "TL;DR:") || helpWanted.MatchString(l) {
			t.Errorf("line %d starts with TL;DR: or Help wanted: %q", i+1, l)
		}
		for _, tag := range []string{"<img", "<script", "</sub>", "<br"} {
			if strings.Contains(l, tag) {
				t.Errorf("line %d holds raw %q", i+1, tag)
			}
		}
		switch {
		case !strings.HasPrefix(l, "|"):
			pipes = -1
		case pipes < 0:
			pipes = unescapedPipes(l)
		case unescapedPipes(l) != pipes || !strings.HasSuffix(l, " |"):
			t.Errorf("table line %d has %d cell separators, want %d: %q", i+1, unescapedPipes(l), pipes, l)
		}
	}
	if mentions(body) {
		t.Error("body can mention someone")
	}
	if strings.Contains(body, "https://github.com/") {
		t.Error("body links github.com directly (creates backlinks)")
	}
	stripped := regexp.MustCompile(`\[[a-z0-9._\\-]+/[a-z0-9._\\-]+#\d+\]\(https://redirect\.github\.com/[^ )]+\)`).ReplaceAllString(body, "")
	for _, loc := range regexp.MustCompile(`#\d`).FindAllStringIndex(stripped, -1) {
		if i := loc[0]; i == 0 || stripped[i-1] != '&' { // "&#8203;" is an entity, not a reference
			t.Errorf("bare reference left: …%s…", stripped[max(0, i-40):min(len(stripped), i+20)])
		}
	}
}

// inOrder asserts that the strings occur in s, each after the previous.
func inOrder(t *testing.T, s string, subs ...string) {
	t.Helper()
	at := 0
	for _, sub := range subs {
		i := strings.Index(s[at:], sub)
		if i < 0 {
			t.Errorf("%q missing or out of order (after byte %d)", sub, at)
			return
		}
		at += i + len(sub)
	}
}

// bigView has n rows in every list, each with long text that escapes to
// several bytes per rune.
func bigView(n int) DigestView {
	long := strings.Repeat("subgoal words ", 8) + "|@<`#1 " + strings.Repeat("more words ", 4)
	v := DigestView{Week: "2024-W36", Now: day("2024-09-09T09:00:00Z"), StaleDays: 21}
	for g := 0; g < 10; g++ {
		goal := DigestGoal{ID: fmt.Sprintf("goal-%02d", g), Title: fmt.Sprintf("Goal %02d %s", g, long),
			TrackingIssue: ref.New("rust-lang", "goals", 100+g), Counts: map[status.Status]int{status.InFCP: n / 10}}
		for i := 0; i < n/10; i++ {
			goal.Changes = append(goal.Changes, DigestChange{Subgoal: fmt.Sprintf("subgoal %d %s", i, long), From: status.Proposed, To: status.InFCP,
				Detail: long, At: day("2024-09-03T00:00:00Z").Add(time.Duration(i) * time.Minute), Item: ItemLink{Ref: ref.New("rust-lang", "rfcs", 1000+i), Title: long, IsPull: true}})
		}
		v.Goals = append(v.Goals, goal)
	}
	it := ItemLink{Ref: ref.New("rust-lang", "rfcs", 3654), Title: long, IsPull: true}
	for i := 0; i < n; i++ {
		v.Ending = append(v.Ending, DigestFCP{Goal: "goal-01", Subgoal: long, Item: it, Kind: "FCP", Disposition: "merge", End: v.Now.Add(time.Duration(i) * time.Minute)})
		v.Waiting = append(v.Waiting, DigestWaiting{Goal: "goal-02", Subgoal: fmt.Sprintf("%05d %s", i, long), Item: it, Pending: []string{"a", "b", "c"}, Reviewed: 5, Reviewers: 8})
		v.Concerns = append(v.Concerns, DigestConcern{Goal: "goal-03", Subgoal: fmt.Sprintf("%05d", i), Item: it, Name: long, URL: "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-1", By: "x"})
		v.Stale = append(v.Stale, DigestStale{Goal: "goal-04", Subgoal: long, Status: status.Proposed, Since: day("2024-01-01T00:00:00Z").Add(time.Duration(i) * time.Hour)})
	}
	return v
}

func TestDigestLimit(t *testing.T) {
	v := bigView(1000)
	got := Digest(v)
	checkDigest(t, got, "2024-W36")
	if len(got) < MaxComment*3/4 {
		t.Errorf("body is only %d bytes; truncation wastes room", len(got))
	}
	// Every list section is cut, says by how much, and still shows rows;
	// the small tracking table is whole.
	for _, s := range []struct {
		heading, noun string
		rows          int
	}{
		{"### What changed this week", "status changes", 1000},
		{"### FCPs ending in the next 7 days", "FCPs", 1000},
		{"### Waiting on reviewers", "proposals", 1000},
		{"### Unresolved concerns", "concerns", 1000},
		{"### No movement for 21 days", "subgoals", 1000},
	} {
		body := sectionText(got, s.heading)
		shown := tableRows(body)
		note := fmt.Sprintf("_%d more %s not shown: GitHub limits an issue body to 65536 characters._", s.rows-shown, s.noun)
		if shown < 5 || !strings.Contains(body, "\n\n"+note+"\n") {
			t.Errorf("%s: %d rows shown, want ≥ 5 and the note %q; got\n%.300s…", s.heading, shown, note, body)
		}
	}
	if tr := sectionText(got, "### Tracking issues"); tableRows(tr) != 10 || strings.Contains(tr, "not shown") {
		t.Errorf("tracking issues cut:\n%s", tr)
	}

	// Max-min sharing: one huge list does not crowd out small ones.
	v = weekView()
	for i := 0; i < 5000; i++ {
		v.Stale = append(v.Stale, DigestStale{Goal: "2024h2/async", Subgoal: fmt.Sprintf("stale %04d %s", i, strings.Repeat("x", 100)), Status: status.NotStarted, Since: day("2024-01-01T00:00:00Z")})
	}
	got = Digest(v)
	checkDigest(t, got, "2024-W33")
	full := Digest(weekView())
	for _, h := range []string{"### What changed this week", "### FCPs ending in the next 7 days", "### Waiting on reviewers", "### Unresolved concerns", "### Tracking issues"} {
		if sectionText(got, h) != sectionText(full, h) {
			t.Errorf("%s was cut for the sake of a long stale list", h)
		}
	}
	if !strings.Contains(got, "more subgoals not shown") || len(got) > MaxComment {
		t.Errorf("stale list not cut (%d bytes)", len(got))
	}

	// Odd statuses cannot grow the summary without bound.
	v = weekView()
	v.Goals[0].Counts = map[status.Status]int{status.InFCP: 1}
	for i := 0; i < 3000; i++ {
		v.Goals[0].Counts[status.Status(fmt.Sprintf("odd-%d %s", i, strings.Repeat("y", 50)))] = 1
	}
	got = Digest(v)
	checkDigest(t, got, "2024-W33")
	if !strings.Contains(got, "1 in-fcp, 3000 with other statuses |") || strings.Contains(got, "odd-") {
		t.Errorf("odd statuses not summed:\n%.2000s", got)
	}

	// A small limit keeps whole rows only.
	small := digest(weekView(), 2500)
	if len(small) > 2500 {
		t.Errorf("small limit: %d bytes", len(small))
	}
	for _, l := range strings.Split(small, "\n") {
		if strings.HasPrefix(l, "|") && !strings.HasSuffix(l, "|") {
			t.Errorf("cut row %q", l)
		}
	}
	if !strings.Contains(small, "not shown") {
		t.Error("small limit: no truncation note")
	}
}

// tableRows counts the table rows of s, not counting heads and separators.
func tableRows(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(l, "| ---"):
			n-- // the head above it
		case strings.HasPrefix(l, "|"):
			n++
		}
	}
	return n
}

// sectionText returns the text after heading up to the next "### " heading.
func sectionText(body, heading string) string {
	_, rest, ok := strings.Cut(body, heading+"\n\n")
	if !ok {
		return ""
	}
	text, _, _ := strings.Cut(rest, "\n### ")
	return text
}

func TestFill(t *testing.T) {
	// Sections of 10-byte rows: need is 10 × rows.
	for _, tt := range []struct {
		rows []int // rows per section
		room int
		want []int // allocation
	}{
		{[]int{1, 2, 3}, 100, []int{10, 20, 30}}, // everything fits
		{[]int{1, 50, 3}, 100, []int{10, 60, 30}},
		{[]int{50, 50, 1}, 100, []int{45, 45, 10}},
		{[]int{50, 50}, 101, []int{50, 50}},
		{[]int{0, 50, 2}, 60, []int{0, 40, 20}},
		{[]int{5, 5}, -10, []int{0, 0}},
		{nil, 100, []int{}},
	} {
		secs := make([]section, len(tt.rows))
		made := 0
		for i, n := range tt.rows {
			secs[i] = section{n: n, row: func(int) string { made++; return "0123456789" }}
		}
		rows, alloc := fill(secs, tt.room)
		if fmt.Sprint(alloc) != fmt.Sprint(tt.want) {
			t.Errorf("fill(%v, %d) allocates %v, want %v", tt.rows, tt.room, alloc, tt.want)
		}
		// Rows are made lazily: at most the allocation plus one row per section.
		for i := range secs {
			if len(rows[i])*10 > alloc[i]+10 {
				t.Errorf("fill(%v, %d): section %d made %d rows for %d bytes", tt.rows, tt.room, i, len(rows[i]), alloc[i])
			}
		}
	}
}

func TestUntil(t *testing.T) {
	now := day("2024-08-19T09:00:00Z")
	for _, tt := range []struct {
		end  string
		want string
	}{
		{"2024-08-19T08:00:00Z", "ended"},
		{"2024-08-19T09:00:00Z", "ended"},
		{"2024-08-19T20:00:00Z", "in under a day"},
		{"2024-08-20T09:00:00Z", "in 1 day"},
		{"2024-08-21T08:59:00Z", "in 1 day"},
		{"2024-08-26T09:00:00Z", "in 7 days"},
	} {
		if got := until(now, day(tt.end)); got != tt.want {
			t.Errorf("until(%s) = %q, want %q", tt.end, got, tt.want)
		}
	}
}

func TestRedirectURL(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"https://github.com/rust-lang/rfcs/pull/3654#issuecomment-1", "https://redirect.github.com/rust-lang/rfcs/pull/3654#issuecomment-1", true},
		{"https://redirect.github.com/a/b/issues/1", "https://redirect.github.com/a/b/issues/1", true},
		{" https://github.com/a/b/issues/1?x=1&y=2 ", "https://redirect.github.com/a/b/issues/1?x=1&y=2", true},
		{"http://github.com/a/b/issues/1", "", false},
		{"https://github.com.evil.example/a", "", false},
		{"https://evil.example/https://github.com/a", "", false},
		{"https://github.com/a/b) [x](javascript:1", "", false},
		{"https://github.com/a|b", "", false},
		{"https://github.com/a<b>", "", false},
		{"https://github.com/", "", false},
		{"javascript:alert(1)", "", false},
		{"", "", false},
	} {
		got, ok := redirectURL(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("redirectURL(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// BenchmarkDigest1000 builds a digest from 1,000 transitions and 1,000
// rows in every other list (most of it cut to fit the size limit).
func BenchmarkDigest1000(b *testing.B) {
	v := bigView(1000)
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(Digest(v))
	}
	b.ReportMetric(float64(n), "bytes/digest")
}

// TestCountTextInProgress: a parent in progress is counted in the digest's
// summary, between not-started and proposed (DESIGN §7 rank).
func TestCountTextInProgress(t *testing.T) {
	got := countText(map[status.Status]int{status.Proposed: 2, status.InProgress: 3, status.NotStarted: 1})
	if want := "1 not-started, 3 in-progress, 2 proposed"; got != want {
		t.Errorf("countText = %q, want %q", got, want)
	}
}
