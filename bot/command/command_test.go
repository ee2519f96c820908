package command

import (
	"reflect"
	"testing"
)

// found is the part of a Command the recogniser tests compare.
type found struct {
	Line int
	Verb string
	Args []string
}

func summarize(cmds []Command) []found {
	var out []found
	for _, c := range cmds {
		out = append(out, found{c.Line, c.Verb, c.Args})
	}
	return out
}

func TestFind(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []found
	}{
		{"empty", "", nil},
		{"plain slash", "/goal status", []found{{1, "status", nil}}},
		{"slash with args", "/goal track rust-lang/goals#105 \"approve RFC\"",
			[]found{{1, "track", []string{"rust-lang/goals#105", "approve RFC"}}}},
		{"verb case folded", "/goal STATUS", []found{{1, "status", nil}}},
		{"verb trailing punctuation", "/goal help.", []found{{1, "help", nil}}},
		{"leading spaces", "   /goal refresh", []found{{1, "refresh", nil}}},
		{"after prose in same paragraph", "Thanks!\n/goal status\nmore prose", []found{{2, "status", nil}}},
		{"trailing text kept as args", "/goal status please", []found{{1, "status", []string{"please"}}}},
		{"not /goals", "/goals status\n/goalpost x", nil},
		{"mid-sentence slash", "please run /goal status", nil},
		{"mention", "@goalbot status", []found{{1, "status", nil}}},
		{"mention any case with colon", "@GoalBot: track #1", []found{{1, "track", []string{"#1"}}}},
		{"mention space colon", "@goalbot : refresh", []found{{1, "refresh", nil}}},
		{"mention colon no space", "@goalbot:status", []found{{1, "status", nil}}},
		{"mention [bot]", "@goalbot[bot] help", []found{{1, "help", nil}}},
		{"mention [BOT] colon", "@GOALBOT[BOT]: help", []found{{1, "help", nil}}},
		{"mid-sentence mention", "I asked @goalbot status yesterday", nil},
		{"longer login", "@goalbotx status\n@goalbot-dev status\n@goalbot's status", nil},
		{"email-like", "@goalbot.example status", nil},
		{"several", "/goal track #1\n\n@goalbot status\n- list\n\n/goal help",
			[]found{{1, "track", []string{"#1"}}, {3, "status", nil}, {6, "help", nil}}},
		{"fence backticks", "```\n/goal status\n```\n/goal help", []found{{4, "help", nil}}},
		{"fence tildes with info", "~~~markdown\n/goal status\n@goalbot help\n~~~\n", nil},
		{"fence longer closing", "````\n```\n/goal status\n````\n/goal help", []found{{5, "help", nil}}},
		{"unclosed fence hides the rest", "```\n/goal status\n\n/goal help", nil},
		{"indented code", "text\n\n    /goal status\n\n/goal help", []found{{5, "help", nil}}},
		{"tab-indented code", "\t/goal status", nil},
		{"indented continuation is text", "text\n    /goal status", []found{{2, "status", nil}}},
		{"block quote", "> /goal status\n\n/goal help", []found{{3, "help", nil}}},
		{"nested block quote", "> > @goalbot status", nil},
		{"lazy quote continuation", "> quoted\n/goal status", nil},
		{"quote in list", "- > /goal status", nil},
		{"html comment one line", "<!-- /goal status -->\n/goal help", []found{{2, "help", nil}}},
		{"html comment multi-line", "<!--\n/goal status\n@goalbot help\n-->\n/goal refresh", []found{{5, "refresh", nil}}},
		{"inline html comment across lines", "text <!-- hidden\n/goal status\n--> after", nil},
		{"details html block", "<details>\n/goal status\n</details>", nil},
		{"details with markdown inside", "<details>\n<summary>s</summary>\n\n/goal status\n\n</details>", []found{{4, "status", nil}}},
		{"code span across lines", "see `code\n/goal status` here", nil},
		{"link text", "[see\n/goal status](https://example.com)", nil},
		{"link destination line", "[x](\n/goal \"t\")", nil},
		{"table cell", "/goal status | x\n--- | ---\n/goal help | y", nil},
		{"list item continuation", "- item\n  /goal status", []found{{2, "status", nil}}},
		{"list marker line", "- /goal status", nil},
		{"heading text line", "/goal status\n---", []found{{1, "status", nil}}},
		{"emphasis is text", "*note\n/goal track #1*", []found{{2, "track", []string{"#1*"}}}},
		{"crlf", "hi\r\n/goal status\r\n\r\n@goalbot help\r\n", []found{{2, "status", nil}, {4, "help", nil}}},
		{"crlf fence", "```\r\n/goal status\r\n```\r\n/goal help\r\n", []found{{4, "help", nil}}},
		{"lone cr", "hi\r/goal status", []found{{2, "status", nil}}},
		{"unicode", "Größe ✓ 😀\n/goal track #105 “approve RFC”", []found{{2, "track", []string{"#105", "approve RFC"}}}},
		{"unicode before mention", "😀 @goalbot status", nil},
		{"tracking issue url", "/goal track https://github.com/rust-lang/rust-project-goals/issues/105 0",
			[]found{{1, "track", []string{"https://github.com/rust-lang/rust-project-goals/issues/105", "0"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(Find(tt.body, "goalbot[bot]"))
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			for i := range tt.want {
				if len(tt.want[i].Args) == 0 {
					tt.want[i].Args = nil
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Find(%q)\n got %+v\nwant %+v", tt.body, got, tt.want)
			}
		})
	}
}
