package command

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

var fuzzSeeds = []string{
	"",
	"/goal status",
	"hi\r\n/goal track #1 \"approve RFC\"\r\n@goalbot: help",
	"```\n/goal status\n```\n/goal help",
	"~~~\n@goalbot status\n",
	"    /goal status\n\n/goal x",
	"> /goal status\nlazy /goal\n/goal refresh",
	"<!--\n/goal status\n-->\n<details>\n/goal help\n</details>",
	"text `a\n/goal status` b\n[x\n/goal y](z)",
	"- a\n  /goal status\n\n1. b\n   @GoalBot[bot] : refresh “x",
	"/goal status | a\n--|--\n",
	"\t/goal\r/goal 'x\r\n",
	"Thanks! @goalbot status. See `@goalbot help` and > @goalbot refresh",
	"x @goalbot track #1 \"a. b\" (@goalbot help) me@goalbot status <!-- @goalbot status -->",
	"@goalbot status @GoalBot[bot]: refresh @goalbot",
}

// codeLines returns the 1-based lines that goldmark puts inside code blocks
// or HTML blocks of the normalised src: the lines no command may be on.
func codeLines(src string) map[int]bool {
	b := []byte(src)
	lineOf := func(off int) int { return strings.Count(src[:off], "\n") + 1 }
	doc := goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser().Parse(text.NewReader(b))
	out := map[int]bool{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			segs := n.Lines()
			for i := 0; i < segs.Len(); i++ {
				out[lineOf(segs.At(i).Start)] = true
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

func FuzzFind(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		cmds := Find(body, "goalbot[bot]")
		src := normalize(body)
		lines := strings.Split(src, "\n")
		code := codeLines(src)
		for _, c := range cmds {
			if c.Line < 1 || c.Line > len(lines) {
				t.Fatalf("command %+v: line out of range 1..%d", c, len(lines))
			}
			if code[c.Line] {
				t.Fatalf("command %+v is on a line inside a code or HTML block", c)
			}
			// Raw is the part of its line from the prefix on: the whole
			// line for a line-start command, else from a mention.
			line := strings.TrimRight(strings.TrimLeft(lines[c.Line-1], " \t"), " \t")
			if !strings.Contains(line, c.Raw) || c.Raw == "" {
				t.Fatalf("command %+v: Raw is not part of its line %q", c, line)
			}
			if !strings.HasPrefix(c.Raw, Prefix) && !strings.HasPrefix(strings.ToLower(c.Raw), "@goalbot") {
				t.Fatalf("command %+v: Raw starts with neither %s nor @goalbot", c, Prefix)
			}
			if strings.HasPrefix(c.Raw, Prefix) && !strings.HasPrefix(line, c.Raw) {
				t.Fatalf("command %+v: a /goal command after other text on its line %q", c, line)
			}
			if c.Err == nil && c.Verb == "" {
				t.Fatalf("command %+v: no verb and no error", c)
			}
		}
		if again := Find(body, "goalbot[bot]"); !reflect.DeepEqual(again, cmds) {
			t.Fatalf("Find is not deterministic")
		}
		if n := New(body, body, "goalbot"); len(n) != 0 {
			t.Fatalf("New(body, body) = %d commands, want none", len(n))
		}
		if n := New("", body, "goalbot"); len(n) != len(cmds) {
			t.Fatalf("New(\"\", body) = %d commands, Find = %d", len(n), len(cmds))
		}
		// Whatever the body, wrapped in a fence, indented as code or put in
		// an HTML comment it holds no command.
		wrapped := map[string]string{
			"fence":   "```\n" + strings.ReplaceAll(src, "`", "") + "\n```\n",
			"tilde":   "~~~~\n" + strings.ReplaceAll(src, "~", "") + "\n~~~~\nafter",
			"indent":  "    " + strings.ReplaceAll(src, "\n", "\n    "),
			"comment": "<!--\n" + strings.ReplaceAll(src, ">", "") + "\n-->\n",
		}
		for name, w := range wrapped {
			if got := Find(w, "goalbot"); len(got) != 0 {
				t.Fatalf("%s-wrapped body %q: found %+v", name, w, got[0])
			}
		}
	})
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "a b", `"a b" 'c d' “e f”`, `"\"\\"`, `'x`, "“a \"b\" c”", "‘a’b \u00a0 „c“", "\xff\"x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks, err := Tokenize(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Tokenize(%q): error %v is not a *SyntaxError", s, err)
			}
			if se.Column < 1 || se.Column > utf8.RuneCountInString(s) {
				t.Fatalf("Tokenize(%q): column %d outside 1..%d", s, se.Column, utf8.RuneCountInString(s))
			}
			return
		}
		// Without quotes, tokens are the space-separated fields.
		if utf8.ValidString(s) && !strings.ContainsAny(s, "\"'“”„‘‚") {
			if want := strings.FieldsFunc(s, unicode.IsSpace); !reflect.DeepEqual(toks, want) && len(toks)+len(want) > 0 {
				t.Fatalf("Tokenize(%q) = %q, want fields %q", s, toks, want)
			}
		}
		// Quoting each token again gives back the same tokens.
		q := make([]string, len(toks))
		for i, tok := range toks {
			q[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(tok) + `"`
		}
		again, err := Tokenize(strings.Join(q, " "))
		if err != nil || !reflect.DeepEqual(again, toks) && len(again)+len(toks) > 0 {
			t.Fatalf("Tokenize(%q) = %q; requoted %q gives %q, %v", s, toks, strings.Join(q, " "), again, err)
		}
	})
}
