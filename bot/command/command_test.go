package command

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
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
		{"no-break space after prefix", "/goal\u00a0status\n@goalbot\u00a0help", []found{{1, "status", nil}, {2, "help", nil}}},
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
		{"mid-sentence mention", "I asked @goalbot status yesterday", []found{{1, "status", nil}}},
		{"mention after thanks", "Thanks! @goalbot status", []found{{1, "status", nil}}},
		{"mention mid-line [bot] colon", "ok, @goalbot[bot]: refresh.", []found{{1, "refresh", nil}}},
		{"mention mid-line with args", "Could you @goalbot track #105 \"approve RFC\" please", []found{{1, "track", []string{"#105", "approve RFC", "please"}}}},
		{"mention mid-line sentence ends", "Ping @goalbot track #105 approve RFC. Thanks!", []found{{1, "track", []string{"#105", "approve", "RFC"}}}},
		{"mention mid-line quoted dot", "so @goalbot track #105 \"v1. approve\" ok", []found{{1, "track", []string{"#105", "v1. approve", "ok"}}}},
		{"two mentions on a line", "@goalbot status @goalbot refresh", []found{{1, "status", nil}, {1, "refresh", nil}}},
		{"slash then mention", "/goal track #1 @goalbot help", []found{{1, "track", []string{"#1"}}, {1, "help", nil}}},
		{"mid-line prose mention", "I asked @goalbot about it\nthanks to @goalbot\n@goalbot, thanks", nil},
		{"mid-line unknown verb", "hey @goalbot stats", nil},
		{"mid-line in parens", "(@goalbot help)", []found{{1, "help", nil}}},
		{"mid-line code span", "run `@goalbot status` to see", nil},
		{"mid-line in quote", "> thanks @goalbot status", nil},
		{"mid-line in html comment", "text <!-- @goalbot status --> more", nil},
		{"mid-line in link", "see [@goalbot status](https://example.com)", nil},
		{"mid-line in fence", "```\nx @goalbot status\n```", nil},
		{"mid-line e-mail and path", "mail me@goalbot status\nsee a/@goalbot status\nx_@goalbot status", nil},
		{"mid-line emphasis", "**Thanks** @goalbot status", []found{{1, "status", nil}}},
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
		{"unicode before mention", "😀 @goalbot status", []found{{1, "status", nil}}},
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

func TestFindFields(t *testing.T) {
	body := "x\r\n  @GoalBot :  track  #105   'approve RFC'  \r\n"
	got := Find(body, "@goalbot")
	if len(got) != 1 {
		t.Fatalf("Find: got %d commands, want 1", len(got))
	}
	c := got[0]
	want := Command{Line: 2, Raw: "@GoalBot :  track  #105   'approve RFC'", Verb: "track", Args: []string{"#105", "approve RFC"}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Find:\n got %#v\nwant %#v", c, want)
	}
}

func TestFindNoLogin(t *testing.T) {
	got := summarize(Find("@goalbot status\n/goal help", ""))
	want := []found{{2, "help", nil}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestFindErrors(t *testing.T) {
	tests := []struct {
		body, want string
	}{
		{"/goal", `"/goal" has no command after it; try "/goal help"`},
		{"@goalbot:   ", `"@goalbot:" has no command after it; try "/goal help"`},
		{`/goal ""`, `"/goal" has no command after it; try "/goal help"`},
		{`/goal track #1 "approve RFC`, `column 16: unterminated " quote; close it with "`},
		{`@goalbot track #1 “approve`, `column 19: unterminated “ quote; close it with ”`},
		{`/goal track #1 ‘x`, `column 16: unterminated ‘ quote; close it with ’`},
	}
	for _, tt := range tests {
		cmds := Find(tt.body, "goalbot")
		if len(cmds) != 1 {
			t.Errorf("Find(%q): got %d commands, want 1", tt.body, len(cmds))
			continue
		}
		if got := bot.ErrorMessage(cmds[0].Err); got != tt.want {
			t.Errorf("Find(%q).Err = %q, want %q", tt.body, got, tt.want)
		}
		if _, err := Parse(cmds[0], ref.Ref{}); err != cmds[0].Err {
			t.Errorf("Parse(%q) = %v, want the command's own error", tt.body, err)
		}
	}
}

func TestFindLongLine(t *testing.T) {
	long := strings.Repeat("x", 100<<10)
	body := "intro\n/goal track #1 " + long + "\n```\n/goal status " + long + "\n```\n" + long + " @goalbot help\n"
	got := Find(body, "goalbot")
	// The long line that ends with a mention holds a command too.
	if len(got) != 2 || got[0].Line != 2 || got[0].Verb != "track" || len(got[0].Args) != 2 || got[0].Args[1] != long ||
		got[1].Line != 6 || got[1].Verb != "help" || len(got[1].Args) != 0 {
		t.Fatalf("Find on a 100 kB line: got %d commands", len(got))
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name      string
		prev, cur string
		want      []found
	}{
		{"created", "", "/goal status", []found{{1, "status", nil}}},
		{"unchanged", "/goal status", "/goal status", nil},
		{"prose edited around", "hi\n/goal track #1 x", "hello there\n\n/goal track #1 x\nthanks", nil},
		{"prefix and spacing do not matter", "/goal track #1  x", "@GoalBot: TRACK #1 \"x\"", nil},
		{"title quoted afterwards", "/goal track #1 approve RFC", "/goal track #1 “approve RFC”", nil},
		{"added", "/goal status", "/goal status\n/goal refresh", []found{{2, "refresh", nil}}},
		{"removed", "/goal status\n/goal refresh", "/goal refresh", nil},
		{"changed argument", "/goal track #1 a", "/goal track #1 b", []found{{1, "track", []string{"#1", "b"}}}},
		{"duplicated", "/goal refresh", "/goal refresh\n/goal refresh", []found{{2, "refresh", nil}}},
		{"tripled from one", "/goal refresh", "/goal refresh\n/goal refresh\n/goal refresh", []found{{2, "refresh", nil}, {3, "refresh", nil}}},
		{"moved out of a code block", "```\n/goal status\n```", "/goal status", []found{{1, "status", nil}}},
		{"moved into a quote", "/goal status", "> /goal status", nil},
		{"unchanged broken", "/goal track #1 \"x", "/goal  track #1 \"x", nil},
		{"fixed broken", "/goal track #1 \"x", "/goal track #1 \"x\"", []found{{1, "track", []string{"#1", "x"}}}},
		{"mid-line unchanged", "Thanks! @goalbot status", "Thanks a lot! @goalbot status.", nil},
		{"mid-line same as line-start", "/goal status", "Thanks! @goalbot status", nil},
		{"mid-line added", "Thanks!", "Thanks! @goalbot status", []found{{1, "status", nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(New(tt.prev, tt.cur, "goalbot"))
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("New(%q, %q)\n got %+v\nwant %+v", tt.prev, tt.cur, got, tt.want)
			}
		})
	}
}

// comment5k is a realistic 5 kB comment: prose, a quote of an earlier
// comment, a code block with an example, a details block and two commands.
func comment5k() string {
	var b strings.Builder
	b.WriteString("Thanks for the review! Replying inline.\n\n> @goalbot status\n> was this tracked?\n\n")
	for b.Len() < 4000 {
		fmt.Fprintf(&b, "Paragraph %d with `code`, *emphasis*, a [link](https://example.com/%d) and rust-lang/rfcs#3654.\n", b.Len(), b.Len())
		if b.Len()%5 == 0 {
			b.WriteString("\n```rust\nfn main() { /* /goal status */ }\n/goal refresh\n```\n\n")
		}
	}
	b.WriteString("\n<details>\n<summary>log</summary>\n\n```\n/goal help\n```\n\n</details>\n\n")
	for b.Len() < 5000 {
		b.WriteString("- a list item with some words in it\n")
	}
	b.WriteString("\n/goal track rust-lang/goals#105 \"approve RFC\"\n@goalbot refresh\n")
	return b.String()
}

func BenchmarkFind(b *testing.B) {
	body := comment5k()
	if got := len(Find(body, "goalbot")); got != 2 {
		b.Fatalf("Find on the benchmark comment: %d commands, want 2", got)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		Find(body, "goalbot")
	}
}

// BenchmarkFindNoCommand measures the common case: a comment with no command
// line, which never reaches the markdown parser.
func BenchmarkFindNoCommand(b *testing.B) {
	body := strings.ReplaceAll(strings.ReplaceAll(comment5k(), "/goal", "/gaol"), "@goalbot", "@someone")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		Find(body, "goalbot")
	}
}
