package render

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain title", "plain title"},
		{"a | b", `a \| b`},
		{"line one\nline two\r\nthree\rfour", "line one line two three four"},
		{"tab\there\u2028sep", "tab here sep"},
		{"use `cfg` here", "use \\`cfg\\` here"},
		{"<!-- goalbot:status goal=x -->", "&lt;!-- goalbot:status goal=x --&gt;"},
		{"</sub><script>", "&lt;/sub&gt;&lt;script&gt;"},
		{"AT&T &amp;", "AT&amp;T &amp;amp;"},
		{"cc @someone and @rust-lang/lang", "cc @&#8203;someone and @&#8203;rust-lang/lang"},
		{"*bold* _em_ [link](x) ![img][] ~~s~~ $x$", `\*bold\* \_em\_ \[link\](x) !\[img\]\[\] \~\~s\~\~ \$x\$`},
		{`back\slash`, `back\\slash`},
		{"fixes #123 and rust-lang/rfcs#3654, C# #x", "fixes #&#8203;123 and rust-lang/rfcs#&#8203;3654, C# #x"},
		{"bidi \u202eevil\u202c ctl\x00\x1b\u0085x", "bidi evil ctl x"},
		{"bad utf8 \xff!", "bad utf8 !"},
		{"#\xfa1 #\x002 #\u202e3", "#&#8203;1 #&#8203;2 #&#8203;3"}, // a dropped byte joins nothing
		{"non-ascii: ↳ café 🦀", "non-ascii: ↳ café 🦀"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestEscapeInvariants checks what every escaped string must satisfy,
// whatever the input.
func TestEscapeInvariants(t *testing.T) {
	inputs := []string{
		"TL;DR: x\nHelp wanted: y", "a|b|c", "<!--", "-->", "@a@b", "``", "\\|", "\\\n|",
		strings.Repeat("|`@<\n", 50), "\xf0\x28\x8c\x28",
	}
	for _, in := range inputs {
		out := Escape(in)
		if strings.ContainsAny(out, "\r\n<>") {
			t.Errorf("Escape(%q) = %q keeps a line break or angle bracket", in, out)
		}
		if unescapedPipes(out) != 0 {
			t.Errorf("Escape(%q) = %q has an unescaped |", in, out)
		}
		if mentions(out) {
			t.Errorf("Escape(%q) = %q can mention someone", in, out)
		}
		if !utf8.ValidString(out) {
			t.Errorf("Escape(%q) = %q is not valid UTF-8", in, out)
		}
	}
}

func TestLogin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"nikomatsakis", "`nikomatsakis`"},
		{"@tmandry", "`tmandry`"},
		{" goalbot[bot] ", "`goalbot[bot]`"},
		{"evil`@x\n", "`evilx`"},
		{"@", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Login(tt.in); got != tt.want {
			t.Errorf("Login(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarker(t *testing.T) {
	tests := []struct{ id, want string }{
		{"2024h2/async", "<!-- goalbot:status goal=2024h2/async -->"},
		{"async-parity-2024h2", "<!-- goalbot:status goal=async-parity-2024h2 -->"},
		{"x --> <b>", "<!-- goalbot:status goal=x-b -->"},
		{"--a--b--", "<!-- goalbot:status goal=a-b -->"},
		{"", "<!-- goalbot:status goal=unknown -->"},
		{"<>", "<!-- goalbot:status goal=unknown -->"},
	}
	for _, tt := range tests {
		got := Marker(tt.id)
		if got != tt.want {
			t.Errorf("Marker(%q) = %q, want %q", tt.id, got, tt.want)
		}
		id, ok := ParseMarker(got + "\nbody")
		if !ok || id != SafeID(tt.id) {
			t.Errorf("ParseMarker(Marker(%q)) = %q, %v", tt.id, id, ok)
		}
	}
}

func TestParseMarker(t *testing.T) {
	tests := []struct {
		body string
		id   string
		ok   bool
	}{
		{"<!-- goalbot:status goal=2024h2/async -->\n### x", "2024h2/async", true},
		{"<!-- goalbot:status goal=a -->", "a", true},
		{"<!-- goalbot:status goal=a -->\r\nrest", "a", true},
		{"\ufeff  <!-- goalbot:status goal=a -->  \n", "a", true},
		{"text\n<!-- goalbot:status goal=a -->", "", false},
		{"<!-- goalbot:status goal= -->", "", false},
		{"<!-- goalbot:status goal=a b -->", "", false},
		{"<!-- goalbot:status goal=a--b -->", "", false},
		{"<!-- goalbot:notice goal=a -->", "", false},
		{"<!-- goalbot:status goal=a", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		id, ok := ParseMarker(tt.body)
		if id != tt.id || ok != tt.ok {
			t.Errorf("ParseMarker(%q) = %q, %v; want %q, %v", tt.body, id, ok, tt.id, tt.ok)
		}
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"this is too long", 8, "this is…"},
		{"↳↳↳↳↳↳", 4, "↳↳↳…"},
	}
	for _, tt := range tests {
		got := clip(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if utf8.RuneCountInString(got) > tt.n {
			t.Errorf("clip(%q, %d) = %q is longer than %d runes", tt.in, tt.n, got, tt.n)
		}
	}
}

// unescapedPipes counts "|" not preceded by an odd number of backslashes.
func unescapedPipes(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '|' {
			continue
		}
		k := 0
		for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
			k++
		}
		if k%2 == 0 {
			n++
		}
	}
	return n
}

// mentions reports whether s holds an "@" that GitHub could take for a
// mention: one directly followed by a login character.
func mentions(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		c := s[i+1]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			return true
		}
	}
	return false
}

func TestQuiet(t *testing.T) {
	tests := []struct{ in, want string }{
		{"no subgoal matches \"@rust-lang/lang\"", "no subgoal matches \"@&#8203;rust-lang/lang\""},
		{"write `/goal track <tracking-issue>`, not <!-- x", "write `/goal track <tracking-issue>`, not &lt;!-- x"},
		{"`@a` and @b", "`@\u200ba` and @&#8203;b"},
		{"unpaired ` then @c", "unpaired ` then @&#8203;c"},
		// An unmatched run of three opens no span (issue 12): parity said
		// "@rust-lang/lang" sat in a span and left it live.
		{"unknown command \"x```@rust-lang/lang`b`\"", "unknown command \"x```@&#8203;rust-lang/lang`b`\""},
		{"``a`@b``", "``a`@\u200bb``"},
		{"\\`@a` \\\\`@b`", "\\`@&#8203;a` \\\\`@&#8203;b`"}, // the span is " \\"
		{"&#64;x #1 `#2 &amp;`", "&amp;#&#8203;64;x #&#8203;1 `#\u200b2 &\u200bamp;`"},
		{"`a\nb` @c", "`a\nb` @&#8203;c"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Quiet(tt.in); got != tt.want {
			t.Errorf("Quiet(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
