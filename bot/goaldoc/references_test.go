package goaldoc

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// refStrings formats references as "item@line where/form" for comparison.
func refStrings(rs []Reference) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s@%d %s/%s", r.Item, r.Line, r.Where, r.Form))
	}
	return out
}

func TestReferences(t *testing.T) {
	tracking := "| Tracking issue | [rust-lang/rust-project-goals#105] |\n"
	tests := []struct {
		name string
		meta string
		body string
		want []string
		row  []string // the first subgoal's links, when set
	}{
		{
			name: "other tracking issues in metadata",
			meta: "| Status | Accepted |\n" + tracking + "| Other tracking issues | [rust-lang/rust#44874], [rust-lang/cargo#11213] |\n",
			want: []string{"rust-lang/rust#44874@7 metadata/link", "rust-lang/cargo#11213@7 metadata/link"},
		},
		{
			name: "other tracking issues written bare",
			meta: "| Status | Accepted |\n| Other tracking issues | rust-lang/rust#44874 |\n",
			want: []string{"rust-lang/rust#44874@6 metadata/text"},
		},
		{
			name: "tracking issue itself is not a reference, under either repo name",
			meta: "| Status | Accepted |\n" + tracking,
			body: "Discussed in rust-lang/goals#105 and https://github.com/rust-lang/rust-project-goals/issues/105.\n",
		},
		{
			name: "linkifier and URL in prose",
			body: "[RFC #3654] has been opened; see https://github.com/rust-lang/rust/pull/123720.\n",
			want: []string{"rust-lang/rfcs#3654@9 prose/link", "rust-lang/rust#123720@9 prose/link"},
		},
		{
			name: "bare owner/repo#N in prose, not in code",
			body: "Blocked on rust-lang/rust#1 (and `rust-lang/rust#2`).\n\n```\nrust-lang/rust#3\n```\n\n    rust-lang/rust#4\n\n<!-- rust-lang/rust#5 -->\n",
			want: []string{"rust-lang/rust#1@9 prose/text"},
		},
		{
			name: "unused footnote definition, and one inside a fence",
			body: "Text.\n\n[sb]: https://github.com/rust-lang/rust/issues/1234\n\n~~~\n[x]: https://github.com/rust-lang/rust/issues/99\n~~~\n",
			want: []string{"rust-lang/rust#1234@11 definition/definition"},
		},
		{
			name: "used definition: its use and its definition line",
			body: "See [the issue][i].\n\n[i]: https://github.com/rust-lang/cargo/issues/7\n",
			want: []string{"rust-lang/cargo#7@9 prose/link"},
		},
		{
			name: "relative #N continuing a list takes the list's repository",
			body: "Landed in rust-lang/rust#10, #11 and #12. Unrelated: step #13.\n",
			want: []string{"rust-lang/rust#10@9 prose/text", "rust-lang/rust#11@9 prose/relative", "rust-lang/rust#12@9 prose/relative"},
		},
		{
			name: "relative #N resolved only when the document names the number in one repository",
			body: "[RFC #3516](https://github.com/rust-lang/rfcs/pull/3516) replaces it.\n\nWork through #3516, #119428.\n",
			want: []string{"rust-lang/rfcs#3516@9 prose/link"},
		},
		{
			name: "not references: paths, entities, words, mentions",
			body: "See example.com/a/b#3, &#123; x, abc#4, @rust-lang/lang#5, rust-lang/rust#6x.\n",
		},
		{
			name: "a row's bare reference goes to the row",
			body: taskHeader + "| Approve RFC | @x | rust-lang/rfcs#3654 |\n\nAlso rust-lang/rust#9.\n",
			want: []string{"rust-lang/rust#9@13 prose/text"},
			row:  []string{"rust-lang/rfcs#3654"},
		},
		{
			name: "an item a row links is not goal-level though prose names it too",
			body: "rust-lang/rfcs#3654 is the RFC.\n\n" + taskHeader + "| Approve RFC | @x | [RFC #3654] |\n",
			row:  []string{"rust-lang/rfcs#3654"},
		},
		{
			name: "2026 team ask notes",
			body: "| Team | Support level | Notes |\n| --- | --- | --- |\n| [lang] | Medium | Review rust-lang/rfcs#3800 |\n",
			want: []string{"rust-lang/rfcs#3800@11 team-ask/text"},
		},
		{
			name: "struck and quoted prose still counts",
			body: "> ~~rust-lang/rust#77~~ was closed.\n",
			want: []string{"rust-lang/rust#77@9 prose/text"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Parse("goals/2025h1/x.md", []byte(doc(tt.meta, tt.body)), nil)
			if d.HasErrors() {
				t.Fatalf("errors: %v", d.Errors)
			}
			got := refStrings(d.References)
			if tt.want == nil {
				tt.want = []string{}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("references =\n  %q\nwant\n  %q", got, tt.want)
			}
			if tt.row != nil {
				var links []string
				for _, l := range only(t, d).Links {
					links = append(links, l.String())
				}
				checkStrings(t, "row links", links, tt.row)
			}
		})
	}
}

func TestReferencesLines(t *testing.T) {
	src := doc("", "rust-lang/rust#1 here.\n\nAnd [again](https://github.com/rust-lang/rust/issues/1).\n\n[d]: https://github.com/rust-lang/rust/issues/1\n")
	d := Parse("x.md", []byte(src), nil)
	if len(d.References) != 1 {
		t.Fatalf("references = %v", refStrings(d.References))
	}
	r := d.References[0]
	if r.Line != 9 || !reflect.DeepEqual(r.Lines, []int{9, 11, 13}) || r.Form != "text" {
		t.Errorf("reference = %+v, want line 9, lines [9 11 13], form text", r)
	}
}

// TestReferencesRowLinksOnly pins the "before" parse the corpus test
// compares with: no References, rows keep only markdown links.
func TestReferencesRowLinksOnly(t *testing.T) {
	src := []byte(doc("", taskHeader+"| Approve RFC | @x | rust-lang/rfcs#3654 |\n\nAlso rust-lang/rust#9.\n"))
	before := parseRowLinksOnly("x.md", src, nil)
	if len(before.References) != 0 || len(only(t, before).Links) != 0 {
		t.Errorf("before: references %v, row links %v; want none", before.References, only(t, before).Links)
	}
	after := Parse("x.md", src, nil)
	if len(after.References) != 1 || len(only(t, after).Links) != 1 {
		t.Errorf("after: references %v, row links %v; want one each", after.References, only(t, after).Links)
	}
}

// referenceSeeds are fuzz seeds that exercise reference finding: lists of
// #N, references in code, definitions in fences, entities and rows.
var referenceSeeds = []string{
	doc("| Status | Accepted |\n| Tracking issue | rust-lang/goals#1 |\n| Other tracking issues | [rust-lang/rust#2], o/r#3 |\n", "o/r#4, #5 and #6 `o/r#7`\n\n```\no/r#8\n```\n[d]: https://github.com/o/r/pull/9\n"),
	doc("", taskHeader+"| a #1 | @x | o/r#2, #3 |\n| ↳ b | @y | [#2] &#4; |\n\n~~~\n[x]: https://github.com/o/r/issues/5\n"),
	"# T\n| Metadata | |\n|-|-|\n| Status | x |\n<!-- o/r#1\n-->o/r#2\n#3/#4#5 a/b#c #0 #99999999999999999999\n",
}

// FuzzReferences checks that reference finding keeps its promises on any
// input: lines inside the text, no goal-level copy of a row item or of the
// tracking issue, no zero item.
func FuzzReferences(f *testing.F) {
	for _, s := range referenceSeeds {
		f.Add([]byte(s))
	}
	shared := DefaultShared()
	f.Fuzz(func(t *testing.T, src []byte) {
		d := Parse("fuzz/2025h1/f.md", src, shared)
		lines := strings.Count(string(src), "\n") + strings.Count(string(src), "\r") + 1
		onRow := map[string]bool{}
		d.Walk(func(s, _ *Subgoal) bool {
			for _, l := range s.Links {
				onRow[l.String()] = true
			}
			return true
		})
		for _, r := range d.References {
			if r.Item.IsZero() || r.Item == d.TrackingIssue || onRow[r.Item.String()] {
				t.Fatalf("reference %+v is zero, the tracking issue or a row item", r)
			}
			if r.Line < 1 || r.Line > lines || len(r.Lines) == 0 || r.Lines[0] != r.Line {
				t.Fatalf("reference %+v: lines outside 1..%d or first line not Line", r, lines)
			}
		}
	})
}
