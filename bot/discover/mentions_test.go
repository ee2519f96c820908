package discover

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot/ref"
)

func TestMentions(t *testing.T) {
	goal := ref.New("rust-lang", "goals", 105)
	rfc := ref.New("rust-lang", "rfcs", 3654)
	onGoals := ref.New("rust-lang", "goals", 105)
	tests := []struct {
		name string
		text Text
		want []string // "line:subgoal"
	}{
		{
			name: "PR description with a reference line naming the subgoal",
			text: Text{Body: "This implements return type notation.\n\nPart of rust-lang/goals#105: approve RTN RFC\n", Author: "compiler-errors", Base: rfc},
			want: []string{"3:approve RTN RFC"},
		},
		{
			name: "the old repository name counts as the same issue",
			text: Text{Body: "Tracking: rust-lang/rust-project-goals#105 — RTN implementation", Author: "a", Base: rfc},
			want: []string{"1:RTN implementation"},
		},
		{
			name: "issue URL with a comment anchor, as owners' summaries link it",
			text: Text{Body: "On the project goal tracking issue, [someone posted a summary](https://github.com/rust-lang/rust-project-goals/issues/105#issuecomment-3725163795),\nremaining steps towards stabilization.", Author: "a", Base: rfc},
			want: []string{"1:"},
		},
		{
			name: "link whose text names the goal, then a parenthesised subgoal",
			text: Text{Body: "- [Project goal: resolve the send bound problem](https://github.com/rust-lang/goals/issues/105) (stabilization)\n", Author: "a", Base: rfc},
			want: []string{"1:stabilization"},
		},
		{
			name: "footnote-style definition counts where it is used",
			text: Text{Body: "See the goal.[^2]\n\n[^2]: <https://github.com/rust-lang/rust-project-goals/issues/105>\n", Author: "a", Base: rfc},
			want: []string{"1:"},
		},
		{
			name: "bare URL is autolinked",
			text: Text{Body: "Follow https://github.com/rust-lang/goals/issues/105. When it lands, switch.", Author: "a", Base: rfc},
			want: []string{"1:"},
		},
		{
			name: "code, quotes and HTML comments are not mentions",
			text: Text{Body: "`rust-lang/goals#105`\n\n```rust\n// TODO: https://github.com/rust-lang/rust-project-goals/issues/105\n```\n\n> Part of rust-lang/goals#105: approve RTN RFC\n\n<!-- rust-lang/goals#105 -->\n\n    rust-lang/goals#105\n", Author: "a", Base: rfc},
		},
		{
			name: "a comma then the word subgoal",
			text: Text{Body: "Tracking: rust-lang/goals#105, Subgoal: stabilization\nSee rust-lang/goals#105, rust-lang/rust#1", Author: "a", Base: rfc},
			want: []string{"1:stabilization", "2:"},
		},
		{
			name: "#N counts only on an item of the goals repository",
			text: Text{Body: "Update for #105: RTN RFC merged.", Author: "nikomatsakis", Base: onGoals},
			want: []string{"1:RTN RFC merged"},
		},
		{
			name: "#N on another repository is another issue",
			text: Text{Body: "Fixes #105.", Author: "a", Base: rfc},
		},
		{
			name: "other numbers, other repositories, longer numbers",
			text: Text{Body: "rust-lang/goals#1050, rust-lang/rust#105, rust-lang/goals#10, goals#105, x/rust-lang/goals#105", Author: "a", Base: rfc},
		},
		{
			name: "bots do not count",
			text: Text{Body: "Part of rust-lang/goals#105", Author: "rustbot", Base: rfc},
		},
		{
			name: "GitHub App bots do not count",
			text: Text{Body: "Part of rust-lang/goals#105", Author: "dependabot[bot]", Base: rfc},
		},
		{
			name: "bot type does not count",
			text: Text{Body: "Part of rust-lang/goals#105", Author: "someone", Bot: true, Base: rfc},
		},
		{
			name: "goalbot's digest does not count",
			text: Text{Body: "<!-- goalbot:digest week=2024-W30 -->\n| rust-lang/goals#105 | in-fcp |", Author: "nikomatsakis", Base: onGoals},
		},
		{
			name: "one mention per line, every line",
			text: Text{Body: "rust-lang/goals#105 and again rust-lang/goals#105\r\nSee also https://github.com/rust-lang/goals/issues/105", Author: "a", Base: rfc},
			want: []string{"1:", "2:"},
		},
	}
	f := NewFinder(nil, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range f.Mentions(tt.text, goal) {
				got = append(got, fmt.Sprintf("%d:%s", m.Line, m.Subgoal))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Mentions = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMentionsAliasesConfigured(t *testing.T) {
	goal := ref.New("rust-lang", "goals", 105)
	text := Text{Body: "Part of rust-lang/rust-project-goals#105", Author: "a"}
	if got := NewFinder(map[string]string{}, nil).Mentions(text, goal); len(got) != 0 {
		t.Errorf("without aliases the old name matched: %v", got)
	}
	if got := NewFinder(nil, nil).Mentions(text, goal); len(got) != 1 {
		t.Errorf("with the default aliases the old name did not match: %v", got)
	}
	if got := NewFinder(nil, []string{"@goalbot"}).Mentions(Text{Body: text.Body, Author: "GoalBot"}, goal); len(got) != 0 {
		t.Errorf("an ignored login counted: %v", got)
	}
}

// FuzzMentions checks that Mentions never panics and keeps lines inside
// the text.
func FuzzMentions(f *testing.F) {
	for _, s := range []string{"Part of rust-lang/goals#105: x", "[a](https://github.com/rust-lang/goals/issues/105)(", "<https://github.com/rust-lang/goals/issues/105", "#105\r\n> #105", "[x][y]\n[y]: https://github.com/rust-lang/goals/issues/105"} {
		f.Add(s)
	}
	finder := NewFinder(nil, nil)
	goal := ref.New("rust-lang", "goals", 105)
	f.Fuzz(func(t *testing.T, body string) {
		lines := 1
		for _, c := range body {
			if c == '\n' || c == '\r' {
				lines++
			}
		}
		for _, m := range finder.Mentions(Text{Body: body, Base: goal}, goal) {
			if m.Line < 1 || m.Line > lines {
				t.Fatalf("line %d outside 1..%d", m.Line, lines)
			}
		}
	})
}

func TestLinks(t *testing.T) {
	goal := ref.New("rust-lang", "goals", 105)
	tests := []struct {
		name string
		text Text
		want string
	}{
		{
			name: "an owner's monthly update",
			text: Text{Body: "**Key developments**\n\n- RTN landed in rust-lang/rust#138424 and [#138425](https://github.com/rust-lang/rust/pull/138425).\n- The RFC ([RFC #3654](https://github.com/rust-lang/rfcs/pull/3654)) is in FCP.\n- Tracked in #105 and #110 (this repository).\n\n> quoting rust-lang/rust#1\n\n```\nrust-lang/rust#2\n```\n", Author: "nikomatsakis", Base: goal},
			want: "[rust-lang/rust#138424 rust-lang/rust#138425 rust-lang/rfcs#3654 rust-lang/goals#110]",
		},
		{
			name: "renamed repository and anchors",
			text: Text{Body: "See https://github.com/rust-lang/rust-project-goals/issues/270#issuecomment-1 and rust-lang/rust#5, rust-lang/rust#5.", Author: "a", Base: goal},
			want: "[rust-lang/goals#270 rust-lang/rust#5]",
		},
		{
			name: "bots and the digest link nothing",
			text: Text{Body: "<!-- goalbot:digest week=2024-W30 -->\nrust-lang/rust#1", Author: "nikomatsakis", Base: goal},
			want: "[]",
		},
		{
			name: "#N without a base is unknown",
			text: Text{Body: "#12 and o/r#3", Author: "a"},
			want: "[o/r#3]",
		},
	}
	f := NewFinder(nil, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := f.Links(tt.text)
			var s []string
			for _, r := range got {
				s = append(s, r.String())
			}
			if fmt.Sprint("[", strings.Join(s, " "), "]") != tt.want {
				t.Errorf("Links = %v, want %s", s, tt.want)
			}
		})
	}
}
