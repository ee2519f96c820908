package fcp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	t0 = time.Date(2024, 8, 1, 12, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rv is a reviewer list written "+login" (ticked) or "-login".
func rv(s ...string) []Reviewer {
	var out []Reviewer
	for _, x := range s {
		out = append(out, Reviewer{Login: x[1:], Ticked: x[0] == '+'})
	}
	return out
}

func asJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

// TestParseFixtures parses every text variant in testdata as the comment of
// the author the variant is written by, and compares the whole event.
func TestParseFixtures(t *testing.T) {
	const pr = "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-"
	tests := []struct {
		file   string
		author string
		want   Event // ID, URL, Author, At, Created are filled by the test
		none   bool  // not an event
	}{
		{file: "status-current.md", want: Event{Kind: KindProposal, Version: "current/majority", Initiator: "tmandry", Disposition: Merge,
			Reviewers: rv("+joshtriplett", "-nikomatsakis", "-pnkfelix", "+scottmcm", "+tmandry", "-traviscross")}},
		{file: "status-current-edited.md", want: Event{Kind: KindProposal, Version: "current/majority", Initiator: "tmandry", Disposition: Merge,
			Reviewers: rv("+joshtriplett", "+nikomatsakis", "-pnkfelix", "+scottmcm", "+tmandry", "+traviscross")}},
		{file: "status-current-concerns.md", want: Event{Kind: KindProposal, Version: "current/majority", Initiator: "tmandry", Disposition: Merge,
			Reviewers: rv("+joshtriplett", "+nikomatsakis", "-pnkfelix", "+scottmcm", "+tmandry", "-traviscross"),
			Concerns: []Concern{
				{Name: "naming (see thread)", Resolved: true, ResolvedURL: pr + "2251000002"},
				{Name: "send-bound-syntax", URL: pr + "2251000003"},
			}}},
		{file: "status-base-no-boxes.md", want: Event{Kind: KindProposal, Version: "current/majority", Initiator: "tmandry", Disposition: Merge}},
		{file: "status-team-member.md", author: "rfcbot", want: Event{Kind: KindProposal, Version: "team-member/majority", Initiator: "nikomatsakis", Disposition: Close,
			Reviewers: rv("-cramertj", "+joshtriplett", "+nikomatsakis", "-pnkfelix", "-scottmcm"),
			Concerns:  []Concern{{Name: "unclear-motivation", URL: "https://github.com/rust-lang/rfcs/pull/2000#issuecomment--1859695680"}}}},
		{file: "status-team-member-2018.md", author: "rfcbot", want: Event{Kind: KindProposal, Version: "team-member/none-object", Initiator: "withoutboats", Disposition: Postpone,
			Reviewers: rv("+aturon", "-cramertj", "+eddyb", "+withoutboats")}},
		{file: "status-team-member-2016.md", author: "rfcbot", want: Event{Kind: KindProposal, Version: "team-member-2016/consensus", Initiator: "aturon", Disposition: Merge,
			Reviewers: rv("+alexcrichton", "+aturon", "-brson", "+sfackler"),
			Concerns:  []Concern{{Name: "breaking-change", Resolved: true, ResolvedURL: "https://github.com/rust-lang/rfcs/pull/1681#issuecomment-256000001"}}}},
		{file: "status-fcp-proposed-2016.md", author: "rfcbot", want: Event{Kind: KindProposal, Version: "fcp-proposed-2016/none", Disposition: Merge,
			Reviewers: rv("+alexcrichton", "-aturon", "-sfackler")}},
		{file: "status-dash-bullets.md", author: "mscbot", want: Event{Kind: KindProposal, Version: "team-member/none-object", Initiator: "ara4n", Disposition: Merge,
			Reviewers: rv("+ara4n", "+dbkr", "-erikjohnston", "-richvdh"),
			Concerns:  []Concern{{Name: "needs-implementation", URL: "https://github.com/matrix-org/matrix-spec-proposals/pull/1456#issuecomment-418000001"}}}},
		{file: "status-crlf.md", want: Event{Kind: KindProposal, Version: "current/majority", Initiator: "tmandry", Disposition: Postpone,
			Reviewers: rv("+tmandry", "-traviscross")}},
		{file: "start.md", want: Event{Kind: KindStart, Version: "start", StatusURL: pr + "2251000001", StatusCommentID: 2251000001}},
		{file: "start-psst.md", want: Event{Kind: KindStart, Version: "start", StatusURL: pr + "-1859695680", StatusCommentID: 1<<32 - 1859695680,
			Initiator: "tmandry", MissingLabel: LabelFCP}},
		{file: "start-2016.md", author: "rfcbot", want: Event{Kind: KindStart, Version: "start-2016"}},
		{file: "complete.md", want: Event{Kind: KindComplete, Version: "complete", Disposition: Merge, StatusURL: pr + "2251000001", StatusCommentID: 2251000001}},
		{file: "complete-close-psst.md", want: Event{Kind: KindComplete, Version: "complete", Disposition: Close,
			StatusURL: "https://github.com/rust-lang/rfcs/issues/2000#issuecomment-2251000001", StatusCommentID: 2251000001,
			Initiator: "nikomatsakis", MissingLabel: LabelFinished}},
		{file: "complete-2019.md", author: "rfcbot", want: Event{Kind: KindComplete, Version: "complete", Disposition: Merge,
			StatusURL: "https://github.com/rust-lang/rfcs/pull/2500#issuecomment-460000001", StatusCommentID: 460000001}},
		{file: "complete-2018-rfc-postpone.md", author: "rfcbot", want: Event{Kind: KindComplete, Version: "complete", Disposition: Postpone,
			StatusURL: "https://github.com/rust-lang/issues/2100/rfcs#issuecomment-380000001", StatusCommentID: 380000001}},
		{file: "complete-2016.md", author: "rfcbot", want: Event{Kind: KindComplete, Version: "complete-2016"}},
		{file: "cancel.md", want: Event{Kind: KindCancel, Version: "cancel", Initiator: "scottmcm"}},
		{file: "cancel-2016.md", author: "rfcbot", want: Event{Kind: KindCancel, Version: "cancel-2016", Initiator: "aturon"}},
		{file: "label-note.md", want: Event{Kind: KindLabelNote, Version: "label-note", Initiator: "tmandry", MissingLabel: LabelFCP}},
		{file: "poll.md", none: true},
		{file: "error.md", none: true},
		{file: "mcp-opened.md", author: "rustbot", want: Event{Kind: KindMCPOpened, Version: "mcp-opened"}},
		{file: "mcp-accepted.md", author: "rustbot", want: Event{Kind: KindMCPAccepted, Version: "mcp-accepted"}},
		// Bot texts from anyone else are not bot events.
		{file: "complete.md", author: "octocat", none: true},
		{file: "status-current.md", author: "rustbot", none: true},
	}
	for _, tt := range tests {
		author := tt.author
		if author == "" {
			author = "rust-rfcbot"
		}
		t.Run(tt.file+"/"+author, func(t *testing.T) {
			p := Parser{Authors: []string{"rfcbot", "rust-rfcbot", "mscbot"}}
			c := Comment{ID: 42, Author: author, Body: fixture(t, tt.file), URL: "https://example/c42", CreatedAt: t0, UpdatedAt: t0}
			got, ok := p.ParseComment(c)
			if tt.none {
				if ok {
					t.Fatalf("got event %s, want none", asJSON(got))
				}
				return
			}
			if !ok {
				t.Fatal("not recognised")
			}
			want := tt.want
			want.ID, want.URL, want.Author, want.At, want.Created, want.Updated = 42, "https://example/c42", author, t0, t0, t0
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %s\nwant %s", asJSON(got), asJSON(want))
			}
		})
	}
}

func TestParseDefaultAuthors(t *testing.T) {
	body := fixture(t, "start.md")
	for _, a := range []string{"rfcbot", "rust-rfcbot", "RFCBot", "rust-rfcbot[bot]"} {
		if e, ok := ParseComment(Comment{Author: a, Body: body, CreatedAt: t0}); !ok || e.Kind != KindStart {
			t.Errorf("author %s: got %v %v, want start", a, e.Kind, ok)
		}
	}
	if _, ok := ParseComment(Comment{Author: "mscbot", Body: body, CreatedAt: t0}); ok {
		t.Error("mscbot is not a default author")
	}
	if _, ok := (Parser{Authors: []string{"mscbot"}}).ParseComment(Comment{Author: "rfcbot", Body: body, CreatedAt: t0}); ok {
		t.Error("an explicit author set replaces the defaults")
	}
}

// TestParseEditTime: every comment is dated by when it was posted (At,
// Created), which orders phases; an edit's time travels apart (Updated) and
// only orders the versions of a status comment.
func TestParseEditTime(t *testing.T) {
	edited := t0.Add(3 * time.Hour)
	for _, file := range []string{"status-current-edited.md", "start.md", "complete.md"} {
		for _, flag := range []bool{true, false} {
			e, ok := ParseComment(Comment{Author: "rfcbot", Body: fixture(t, file), CreatedAt: t0, UpdatedAt: edited, Edited: flag})
			if !ok || !e.At.Equal(t0) || !e.Created.Equal(t0) || !e.Updated.Equal(edited) {
				t.Errorf("%s edited=%v: At %v Created %v Updated %v, want At=Created=%v Updated %v", file, flag, e.At, e.Created, e.Updated, t0, edited)
			}
		}
	}
	// No updated_at: the version is the posted one.
	if e, _ := ParseComment(Comment{Author: "rfcbot", Body: fixture(t, "start.md"), CreatedAt: t0}); !e.Updated.Equal(t0) {
		t.Errorf("Updated %v, want created_at", e.Updated)
	}
}

func TestParseStartEnd(t *testing.T) {
	body := ":bell: **This is now entering its final comment period**, as per the [review above](x). It ends on 2024-08-20. :bell:"
	e, ok := ParseComment(Comment{Author: "rfcbot", Body: body, CreatedAt: t0})
	if !ok || !e.End.Equal(time.Date(2024, 8, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("got %v %v, want end 2024-08-20", e.End, ok)
	}
}

func TestParseCommands(t *testing.T) {
	tests := []struct {
		name, body string
		want       []Command
	}{
		{"fcp merge teams", "@rfcbot fcp merge lang,compiler", []Command{{Bot: "rfcbot", Verb: "merge", Arg: "lang,compiler"}}},
		{"colon and pr", "  @rfcbot: pr close", []Command{{Bot: "rfcbot", Verb: "close"}}},
		{"space colon", "@rfcbot : fcp postpone", []Command{{Bot: "rfcbot", Verb: "postpone"}}},
		{"new alias", "@rust-rfcbot fcp cancel", []Command{{Bot: "rfcbot", Verb: "cancel"}}},
		{"aliases", "@rfcbot reviewed\n@rfcbot concerned too big\n@rfcbot resolved too big", []Command{
			{Bot: "rfcbot", Verb: "reviewed"}, {Bot: "rfcbot", Verb: "concern", Arg: "too big"}, {Bot: "rfcbot", Verb: "resolve", Arg: "too big"}}},
		{"concern name with spaces", "Some prose.\n\n@rfcbot concern what about `async fn`?\n\nMore.", []Command{{Bot: "rfcbot", Verb: "concern", Arg: "what about `async fn`?"}}},
		{"in code block still counts for rfcbot", "```\n@rfcbot concern x\n```", []Command{{Bot: "rfcbot", Verb: "concern", Arg: "x"}}},
		{"cancelled is not an alias", "@rfcbot fcp cancelled", nil},
		{"quote ignored", "> @rfcbot fcp merge", nil},
		{"mid-line ignored", "please @rfcbot fcp merge", nil},
		{"case-sensitive", "@RFCBOT fcp merge", nil},
		{"empty concern", "@rfcbot concern", nil},
		{"second", "I'm happy to\n@rustbot second", []Command{{Bot: "rustbot", Verb: "second"}}},
		{"seconded mid-line", "Looks fine to me, @rustbot seconded", []Command{{Bot: "rustbot", Verb: "second"}}},
		{"rustbot concern and resolve", "@rustbot concern perf\n@rustbot concern resolve perf\n@triagebot resolve other one", []Command{
			{Bot: "rustbot", Verb: "concern", Arg: "perf"}, {Bot: "rustbot", Verb: "resolve", Arg: "perf"}, {Bot: "rustbot", Verb: "resolve", Arg: "other one"}}},
		{"rustbot in code", "```\n@rustbot second\n```\n`@rustbot second`\n> @rustbot second", nil},
		{"plain comment", "LGTM, thanks!", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := ParseComment(Comment{Author: "octocat", Body: tt.body, URL: "u", CreatedAt: t0})
			if ok != (tt.want != nil) {
				t.Fatalf("ok = %v, want %v (%s)", ok, tt.want != nil, asJSON(e))
			}
			if ok && (e.Kind != KindCommand || !reflect.DeepEqual(e.Commands, tt.want)) {
				t.Errorf("got %s\nwant %s", asJSON(e.Commands), asJSON(tt.want))
			}
		})
	}
}

func TestParseIssueBody(t *testing.T) {
	const u = "https://github.com/rust-lang/compiler-team/issues/727#issuecomment-"
	e, ok := ParseIssueBody(fixture(t, "issue-body-concerns.md"), t1)
	want := Event{Kind: KindMCPConcerns, At: t1, Version: "mcp-concerns", Concerns: []Concern{
		{Name: "unsound-in-edge-case", URL: u + "2100000001"},
		{Name: "perf-regressions", URL: u + "2100000002", Resolved: true, ResolvedURL: u + "2100000003"},
	}}
	if !ok || !reflect.DeepEqual(e, want) {
		t.Errorf("got %v %s\nwant %s", ok, asJSON(e), asJSON(want))
	}
	if _, ok := ParseIssueBody("# Proposal\n\nno bot section", t1); ok {
		t.Error("a body without the section is no event")
	}
}

func TestCommentIDFromURL(t *testing.T) {
	tests := map[string]int64{
		"https://github.com/o/r/pull/1#issuecomment-2251000001":  2251000001,
		"https://github.com/o/r/pull/1#issuecomment--1859695680": 2435271616,
		"https://github.com/o/r/pull/1":                          0,
		"#issuecomment-99999999999999999999999":                  0,
		"#issuecomment--99999999999":                             0,
	}
	for u, want := range tests {
		if got := CommentIDFromURL(u); got != want {
			t.Errorf("%s: got %d, want %d", u, got, want)
		}
	}
}

func BenchmarkParseStatusComment(b *testing.B) {
	c := Comment{ID: 1, Author: "rust-rfcbot", Body: fixture(b, "status-current-concerns.md"), CreatedAt: t0, UpdatedAt: t1, Edited: true}
	b.SetBytes(int64(len(c.Body)))
	b.ReportAllocs()
	for b.Loop() {
		if e, ok := ParseComment(c); !ok || len(e.Reviewers) != 6 {
			b.Fatal("bad parse")
		}
	}
}

func BenchmarkParseOtherComment(b *testing.B) {
	c := Comment{ID: 1, Author: "octocat", Body: strings.Repeat("Some long discussion text without commands.\n", 50), CreatedAt: t0}
	b.SetBytes(int64(len(c.Body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := ParseComment(c); ok {
			b.Fatal("bad parse")
		}
	}
}
