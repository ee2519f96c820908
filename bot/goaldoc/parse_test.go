package goaldoc

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// doc builds a small goal document around a task table body.
func doc(meta, body string) string {
	if meta == "" {
		meta = "| Status | Accepted |\n"
	}
	return "# A goal\n\n| Metadata | |\n| --- | --- |\n" + meta + "\n## Ownership and team asks\n\n" + body
}

const taskHeader = "| Subgoal | Owner(s) or team(s) | Notes |\n| --- | --- | --- |\n"

// only returns the single top-level subgoal of d, failing otherwise.
func only(t *testing.T, d *Document) Subgoal {
	t.Helper()
	if len(d.Subgoals) != 1 {
		t.Fatalf("subgoals = %d (%+v), want 1", len(d.Subgoals), d.Subgoals)
	}
	return d.Subgoals[0]
}

func TestNesting(t *testing.T) {
	src := doc("", taskHeader+
		"| parent | | |\n"+ // line 11
		"| ↳ child | | |\n"+
		"| ↳ ↳ grandchild | | |\n"+
		"| ↳ second child | | |\n"+
		"| next top | | |\n"+
		"| ~~↳ struck child~~ | | |\n")
	d := Parse("x/2025h1/n.md", []byte(src), nil)
	if len(d.Errors) > 0 {
		t.Fatalf("errors: %v", d.Errors)
	}
	var got []string
	d.Walk(func(s, p *Subgoal) bool {
		parent := "-"
		if p != nil {
			parent = p.ID
		}
		got = append(got, s.ID+"<"+parent)
		return true
	})
	want := []string{
		"parent<-", "parent/child<parent", "parent/child/grandchild<parent/child",
		"parent/second-child<parent", "next-top<-", "next-top/struck-child<next-top",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tree = %v\nwant %v", got, want)
	}
	if d.Subgoals[1].Children[0].Struck != true {
		t.Error("~~↳ struck child~~ not struck")
	}
	if d.Subgoals[0].Line != 11 || d.Subgoals[0].Children[1].Line != 14 {
		t.Errorf("lines = %d, %d; want 11, 14", d.Subgoals[0].Line, d.Subgoals[0].Children[1].Line)
	}
	checkString(t, "period", d.Period, "2025h1")
	checkString(t, "key", d.Key, "2025h1/n")
}

func TestOrphanArrowWarns(t *testing.T) {
	d := Parse("o.md", []byte(doc("", taskHeader+"| ↳ orphan | | |\n")), nil)
	s := only(t, d)
	checkString(t, "title", s.Title, "orphan")
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0].Message, "no parent row") || d.Warnings[0].Line != 11 {
		t.Errorf("warnings = %v, want one about the parent at line 11", d.Warnings)
	}
}

func TestHeadingNodes(t *testing.T) {
	src := "# G\n\n| Metadata | |\n|---|---|\n| Status | Accepted |\n\n" +
		"## Work items over the next year\n\n" + // structural: no node
		"| Task | Owner(s) | Notes |\n|---|---|---|\n| flat task | @a | |\n\n" + // line 11
		"### Work items\n\n#### First subgoal\n\n" +
		"| Task | Owner(s) | Notes |\n|---|---|---|\n| do it | @b | |\n\n" + // heading 15, row 19
		"#### First subgoal\n\n" + // same title again: de-duplicated id
		"| Task | Owner(s) | Notes |\n|---|---|---|\n| do it | @c | |\n| do it | @d | |\n"
	d := Parse("h.md", []byte(src), nil)
	var got []string
	d.Walk(func(s, _ *Subgoal) bool {
		got = append(got, s.ID+"@"+strconv.Itoa(s.Line))
		return true
	})
	want := []string{"flat-task@11", "first-subgoal@15", "first-subgoal/do-it@19", "first-subgoal-2@21", "first-subgoal-2/do-it@25", "first-subgoal-2/do-it-2@26"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("nodes = %v\nwant %v", got, want)
	}
	if !d.Subgoals[1].Heading || d.Subgoals[0].Heading {
		t.Error("Heading flag wrong")
	}
	if s, ok := d.Lookup("first-subgoal/do-it"); !ok || s.Owners[0] != "b" {
		t.Errorf("Lookup by id = %+v, %v", s, ok)
	}
	if _, ok := d.Lookup("do it"); ok {
		t.Error("Lookup of an ambiguous title succeeded")
	}
	if s, ok := d.Lookup("  Flat   TASK "); !ok || s.Line != 11 {
		t.Errorf("Lookup by title = %+v, %v", s, ok)
	}
}

func TestCells(t *testing.T) {
	tests := []struct {
		name   string
		row    string
		title  string
		owners []string
		teams  []string
		badges []string
		struck bool
		links  []string
		notes  string
	}{
		{"at owners", "| t | @alice, @bob-2 and @carol_x | |", "t", []string{"alice", "bob-2", "carol_x"}, nil, nil, false, nil, ""},
		{"ref owners", "| t | [alice][] or [Bob Smith](https://github.com/bob) | |", "t", []string{"alice", "bob"}, nil, nil, false, nil, ""},
		{"email is no owner", "| t | mail a@b.org, @triagebot | |", "t", nil, nil, nil, false, nil, ""},
		{"struck task", "| ~~done thing~~ | @a | |", "done thing", []string{"a"}, nil, nil, true, nil, ""},
		{"struck owner only", "| thing | ~~@a~~ | |", "thing", []string{"a"}, nil, nil, true, nil, ""},
		{"partly struck is not struck", "| ~~half~~ thing | @a | |", "half thing", []string{"a"}, nil, nil, false, nil, ""},
		{"badges any case", "| t | ![team][] [lang] | ![COMPLETE][] ![help Wanted][] |", "t", nil, []string{"lang"}, []string{"Team", "Complete", "Help wanted"}, false, nil, ""},
		{"unknown badges kept", "| t | | ![Completed][] ![Stretch Goal](https://img.shields.io/badge/Stretch%20Goal-red) |", "t", nil, nil, []string{"Completed", "Stretch Goal"}, false, nil, ""},
		{"escaped pipe", `| a \| b | @x | c \| d |`, "a | b", []string{"x"}, nil, nil, false, nil, "c | d"},
		{"code keeps brackets", "| `[x]` and `@y` | | |", "[x] and @y", nil, nil, nil, false, nil, ""},
		{"rfc linkifier", "| Author [RFC #3654] | | |", "Author RFC #3654", nil, nil, nil, false, []string{"rust-lang/rfcs#3654"}, ""},
		{"org/repo linkifier", "| t | | see [rust-lang/rust-project-goals#105] |", "t", nil, nil, nil, false, []string{"rust-lang/goals#105"}, "see rust-lang/rust-project-goals#105"},
		{"hash linkifier", "| t | | [#123] |", "t", nil, nil, nil, false, []string{"rust-lang/rust#123"}, "#123"},
		{"file reference", "| t | | [MCP 727] |", "t", nil, nil, nil, false, []string{"rust-lang/compiler-team#727"}, "MCP 727"},
		{"full reference", "| t | | Update [rfcs#3268][rfc_sve] |", "t", nil, nil, nil, false, []string{"rust-lang/rfcs#3268"}, "Update rfcs#3268"},
		{"inline link", "| t | | [PR 123720](https://github.com/rust-lang/rust/pull/123720) |", "t", nil, nil, nil, false, []string{"rust-lang/rust#123720"}, "PR 123720"},
		{"bare url", "| t | | https://github.com/rust-lang/libs-team/issues/5 and <https://github.com/rust-lang/rfcs/pull/1> |", "t", nil, nil, nil, false, []string{"rust-lang/libs-team#5", "rust-lang/rfcs#1"}, ""},
		{"non-item url ignored", "| t | | [docs](https://doc.rust-lang.org/std/) |", "t", nil, nil, nil, false, nil, "docs"},
		{"checkbox", "| ↳ [x] step | | |", "step", nil, nil, nil, false, nil, ""},
	}
	defs := "\n[alice]: https://github.com/alice\n[MCP 727]: https://github.com/rust-lang/compiler-team/issues/727\n[rfc_sve]: https://github.com/rust-lang/rfcs/pull/3268\n"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := taskHeader + "| parent | | |\n" + tt.row + "\n" + defs
			d := Parse("c.md", []byte(doc("", body)), nil)
			if len(d.Errors) > 0 {
				t.Fatalf("errors: %v", d.Errors)
			}
			p := d.Subgoals[0]
			var s Subgoal
			if strings.Contains(tt.row, "↳") {
				if len(p.Children) != 1 {
					t.Fatalf("children = %+v", p.Children)
				}
				s = p.Children[0]
				if !s.Checked {
					t.Error("checkbox not read")
				}
			} else {
				if len(d.Subgoals) != 2 {
					t.Fatalf("subgoals = %+v", d.Subgoals)
				}
				s = d.Subgoals[1]
			}
			checkString(t, "title", s.Title, tt.title)
			checkStrings(t, "owners", s.Owners, tt.owners)
			checkStrings(t, "teams", s.Teams, tt.teams)
			checkStrings(t, "badges", s.Badges, tt.badges)
			if s.Struck != tt.struck {
				t.Errorf("struck = %v, want %v", s.Struck, tt.struck)
			}
			var links []string
			for _, l := range s.Links {
				links = append(links, l.String())
			}
			checkStrings(t, "links", links, tt.links)
			if tt.notes != "" {
				checkString(t, "notes", s.Notes, tt.notes)
			}
		})
	}
}

func TestCRLF(t *testing.T) {
	lf := doc("| Status | Accepted |\n| Tracking issue | [rust-lang/goals#7] |\n", taskHeader+"| one | @a | |\n| ↳ two | ![Team][] [lang] | |\n")
	a := Parse("a.md", []byte(lf), nil)
	b := Parse("a.md", []byte(strings.ReplaceAll(lf, "\n", "\r\n")), nil)
	c := Parse("a.md", []byte(strings.ReplaceAll(lf, "\n", "\r")), nil)
	if a.Count() != 2 || len(a.TeamAsks) != 1 {
		t.Fatalf("LF parse: %d nodes, %d asks", a.Count(), len(a.TeamAsks))
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("CRLF parse differs:\n%+v\n%+v", a, b)
	}
	if !reflect.DeepEqual(a, c) {
		t.Errorf("CR parse differs:\n%+v\n%+v", a, c)
	}
	checkString(t, "tracking", b.TrackingIssue.String(), "rust-lang/goals#7")
}

func TestMetadata(t *testing.T) {
	tests := []struct {
		name     string
		meta     string
		errs     []string // substrings, one per error
		warns    []string // substrings, one per warning
		status   string
		tracking string
		poc      []string
		other    []string
	}{
		{"full", "| Point of contact | @Alice |\n| Status | Accepted |\n| Tracking issue | [rust-lang/goals#105] |\n| Other tracking issues | [rust-lang/rust#1], https://github.com/rust-lang/rust/issues/2 |\n| Zulip channel | [#t-lang][z] |\n| Short title | Async |\n| Roadmap | [Just add async](roadmap.md) |\n| Roadmap | Second |\n| [lang] champion | @bob |\n",
			nil, nil, "Accepted", "rust-lang/goals#105", []string{"Alice"}, []string{"rust-lang/rust#1", "rust-lang/rust#2"}},
		{"owners row is the poc", "| Owner(s) | [tmandry][], @niko |\n| Status | Proposed |\n", nil, nil, "Proposed", "", []string{"tmandry", "niko"}, nil},
		{"misspelt status", "| Stauts | Accepted |\n", nil, []string{`"Stauts" looks like a misspelling of "status"`}, "Accepted", "", nil, nil},
		{"misspelt other tracking", "| Status | Accepted |\n| Other tacking issues | [rust-lang/rust#9] |\n", nil, []string{`misspelling of "other tracking issue`}, "Accepted", "", nil, []string{"rust-lang/rust#9"}},
		{"singular other tracking", "| Status | Accepted |\n| Other Tracking issue | [rust-lang/rust#9] |\n", nil, nil, "Accepted", "", nil, []string{"rust-lang/rust#9"}},
		{"unknown key", "| Status | Accepted |\n| Favourite colour | blue |\n", nil, []string{`unknown metadata key "Favourite colour"`}, "Accepted", "", nil, nil},
		{"empty status", "| Status | |\n", []string{"Status is empty"}, nil, "", "", nil, nil},
		{"bare tracking issue", "| Status | Accepted |\n| Tracking issue | rust-lang/rust-project-goals#3 |\n", nil, nil, "Accepted", "rust-lang/goals#3", nil, nil},
		{"bad tracking issue", "| Status | Accepted |\n| Tracking issue | soon |\n", nil, []string{`Tracking issue "soon" is not an issue reference`}, "Accepted", "", nil, nil},
		{"duplicate status", "| Status | Accepted |\n| Status | Proposed |\n", nil, []string{"repeated"}, "Accepted", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Parse("m.md", []byte(doc(tt.meta, "[tmandry]: https://github.com/tmandry\n[z]: https://rust-lang.zulipchat.com/#narrow/channel/1\n")), nil)
			matchDiags(t, "errors", d.Errors, tt.errs)
			matchDiags(t, "warnings", d.Warnings, tt.warns)
			checkString(t, "status", d.Status, tt.status)
			checkString(t, "tracking", d.TrackingIssue.String(), tt.tracking)
			checkStrings(t, "poc", d.PointOfContact, tt.poc)
			var other []string
			for _, r := range d.OtherTrackingIssues {
				other = append(other, r.String())
			}
			checkStrings(t, "other", other, tt.other)
			if tt.name == "full" {
				checkString(t, "zulip", d.Zulip, "#t-lang")
				checkString(t, "short title", d.ShortTitle, "Async")
				checkStrings(t, "roadmap", d.Roadmap, []string{"Just add async", "Second"})
				if d.Champions["lang"] != "bob" {
					t.Errorf("champions = %v", d.Champions)
				}
			}
		})
	}
}

// matchDiags checks that diags has exactly one entry containing each want.
func matchDiags(t *testing.T, what string, diags []Diagnostic, want []string) {
	t.Helper()
	if len(diags) != len(want) {
		t.Errorf("%s = %v, want %d matching %q", what, diags, len(want), want)
		return
	}
	for i, w := range want {
		if !strings.Contains(diags[i].Message, w) {
			t.Errorf("%s[%d] = %q, want it to contain %q", what, i, diags[i].Message, w)
		}
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		goal  bool
		errs  []string
		lines []int
	}{
		{"too many cells", doc("", taskHeader+"| a | b | c | d |\n"), true, []string{"row has 4 cells, header has 3"}, []int{11}},
		{"delimiter width", doc("", "| Task | Owner(s) | Notes |\n| --- | --- |\n| a | b | c |\n"), true, []string{"delimiter row has 2 cells"}, []int{10}},
		{"second delimiter", doc("", taskHeader+"| a | | |\n| --- | --- | --- |\n"), true, []string{"second delimiter row"}, []int{12}},
		{"no title", "| Metadata | |\n|---|---|\n| Status | Accepted |\n", true, []string{"no title"}, []int{1}},
		{"no status is no goal", "# R\n\n| Metadata | |\n|---|---|\n| Short title | R |\n", false, []string{"no Status row"}, []int{3}},
		{"no metadata", "# Index\n\nSome text.\n\n| A | B |\n|---|---|\n", false, nil, nil},
		{"tables in code are ignored", doc("", "```\n| a | b | c | d | e |\n```\n"+taskHeader+"| x | | |\n"), true, nil, nil},
		{"empty input", "", false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Parse("bad.md", []byte(tt.src), nil)
			if ok, why := d.IsGoal(); ok != tt.goal {
				t.Errorf("IsGoal = %v (%s), want %v", ok, why, tt.goal)
			}
			matchDiags(t, "errors", d.Errors, tt.errs)
			for i, l := range tt.lines {
				if i < len(d.Errors) && d.Errors[i].Line != l {
					t.Errorf("error %d at line %d, want %d", i, d.Errors[i].Line, l)
				}
			}
		})
	}
}

func TestTeamAskTable(t *testing.T) {
	src := "# G\n\n| Metadata | |\n|---|---|\n| Status | Accepted |\n\n## Team asks\n\n" +
		"| Team | Support level | Notes |\n|---|---|---|\n" +
		"| [compiler] | Medium | Reviews |\n" + // line 11
		"| [Lang] | small | |\n" +
		"| [types] | Vibes | |\n"
	d := Parse("t.md", []byte(src), nil)
	want := []TeamAsk{
		{Team: "compiler", Teams: []string{"compiler"}, Ask: "Reviews", Level: "Medium", Line: 11},
		{Team: "lang", Teams: []string{"lang"}, Ask: "", Level: "Small", Line: 12},
		{Team: "types", Teams: []string{"types"}, Ask: "", Level: "Vibes", Line: 13},
	}
	if !reflect.DeepEqual(d.TeamAsks, want) {
		t.Errorf("asks = %+v\nwant %+v", d.TeamAsks, want)
	}
	matchDiags(t, "warnings", d.Warnings, []string{`support level "Vibes"`})
	checkStrings(t, "teams", d.Teams, []string{"compiler", "lang", "types"})
}

func TestSuggestionsNeedMatchingHeading(t *testing.T) {
	src := doc("", taskHeader+
		"| Stabilize the frobnicator | | |\n"+
		"| Author RFC | | |\n"+
		"| Stabilize widgets | | [RFC #2] |\n") +
		"\n## Plan\n\n### Stabilize the frobnicator\n\nSee [RFC #1] and [rust-lang/rust#5].\n" +
		"\n### Author RFC for something much bigger than this\n\nSee [RFC #9].\n" +
		"\n### Stabilize widgets\n\nSee [RFC #2].\n"
	d := Parse("s.md", []byte(src), nil)
	if len(d.Suggestions) != 1 {
		t.Fatalf("suggestions = %+v, want one", d.Suggestions)
	}
	s := d.Suggestions[0]
	if s.Subgoal != "stabilize-the-frobnicator" || s.Item.String() != "rust-lang/rfcs#1" || s.Line != 11 || !strings.Contains(s.Reason, "Stabilize the frobnicator") {
		t.Errorf("suggestion = %+v", s)
	}
}
