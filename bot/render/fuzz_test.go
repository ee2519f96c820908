package render_test

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/command"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/status"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// pingSeeds are inputs that once pinged or nearly did; CI runs them.
var pingSeeds = []string{
	"x```@rust-lang/lang`b`", // issue 12: an unmatched run of three opened no span
	"@someone #12 rust-lang/rfcs#3654",
	"`@a` @b ``c`@d`` ```e",
	"\\`@x` \\\\`@y`",
	"&#64;entity &#x40;hex &commat;named &#35;1",
	"<b>@tag</b> <!-- @c --> <code>@in</code>",
	"track \"@q`\" `#7`",
	"[@link](https://x) ![#9](y) <https://github.com/@a>",
	"a\n\n@para\n- @item\n> @quote\n    @indented\n```\n@fenced\n```",
}

// FuzzNoPing renders every text goalbot writes around outside input — the
// reply to a command (its quote and refusal), the status comment, the
// transition notice and the digest — with GitHub-flavoured markdown and
// fails if the HTML holds a live "@login", "@org/team" or "#N" that the
// input supplied (one more than the same text shows for a harmless input).
func FuzzNoPing(f *testing.F) {
	for _, s := range pingSeeds {
		f.Add(s)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 4096 {
			return
		}
		base, got := writings("x"), writings(in)
		for i := range got {
			want := live(t, md, base[i].text)
			for tok, n := range live(t, md, got[i].text) {
				if n > want[tok] && strings.Contains(in, strings.TrimPrefix(strings.TrimPrefix(tok, "@"), "#")) {
					t.Fatalf("%s of %q renders a live %s:\n%s", got[i].name, in, tok, got[i].text)
				}
			}
		}
	})
}

// writing is one text goalbot would post.
type writing struct{ name, text string }

// writings returns every text goalbot writes with in copied into it.
func writings(in string) []writing {
	var out []writing
	// Replies: the tracker quotes the command line with Escape and quiets
	// the refusal (bot/tracker/commands.go).
	for _, c := range command.Find("/goal "+in+"\n@goalbot "+in, "goalbot") {
		_, err := command.Parse(c, ref.New("rust-lang", "rfcs", 1))
		if err == nil {
			continue
		}
		out = append(out, writing{"refusal", "> " + render.Escape(c.Raw) + "\n\n" + render.Quiet(refusal(err))})
	}
	out = append(out,
		writing{"quiet", render.Quiet(in)},
		writing{"not found", render.Quiet(bot.ErrorMessage(bot.Errorf(bot.ENOTFOUND, "no subgoal matches %q in %s; did you mean: `%s`?", in, in, in)))},
		writing{"unknown verb", render.Quiet((&command.UnknownVerbError{Verb: in, Suggestion: in, Help: command.Help()}).Error())},
	)
	link := render.ItemLink{Ref: ref.New("rust-lang", "rfcs", 3654), Title: in, IsPull: true}
	out = append(out, writing{"status comment", render.StatusComment(render.GoalView{
		ID: in, Title: in, TrackingIssue: ref.New("rust-lang", "goals", 105), Source: in,
		Rows: []render.Row{
			{SubgoalID: in, Subgoal: in, Items: []render.ItemLink{link}, Status: status.Status(in), Detail: in, DocStatus: status.Status(in), Disagree: true},
			{Depth: 1, SubgoalID: in, Status: status.InFCP, Detail: in},
		},
	})})
	out = append(out, writing{"notice", render.Notice(render.NoticeView{GoalID: in, GoalTitle: in, Subgoal: in, Item: link, Status: status.Status(in), Detail: in})})
	day := time.Date(2024, 9, 9, 9, 0, 0, 0, time.UTC)
	out = append(out, writing{"digest", render.Digest(render.DigestView{
		Week: "2024-W37", Now: day, StaleDays: 14,
		Goals: []render.DigestGoal{{ID: in, Title: in, TrackingIssue: ref.New("rust-lang", "goals", 105),
			Counts:  map[status.Status]int{status.Status(in): 1, status.InFCP: 2},
			Changes: []render.DigestChange{{Subgoal: in, From: status.Status(in), To: status.Status(in), Detail: in, At: day, Item: link}}}},
		Ending:   []render.DigestFCP{{Goal: in, Subgoal: in, Item: link, Kind: in, Disposition: in, End: day.Add(48 * time.Hour)}},
		Waiting:  []render.DigestWaiting{{Goal: in, Subgoal: in, Item: link, Pending: []string{in, "@" + in}, Reviewed: 1, Reviewers: 3}},
		Concerns: []render.DigestConcern{{Goal: in, Subgoal: in, Item: link, Name: in, URL: in, By: in}},
		Stale:    []render.DigestStale{{Goal: in, Subgoal: in, Status: status.Status(in), Since: day.Add(-30 * 24 * time.Hour)}},
	})})
	return out
}

// refusal is the tracker's refusal text for a command error.
func refusal(err error) string {
	if uv, ok := err.(*command.UnknownVerbError); ok {
		return uv.Error() + "\n\n" + uv.Help
	}
	if se, ok := err.(*command.SyntaxError); ok {
		return se.Error()
	}
	return bot.ErrorMessage(err)
}

var (
	// mention and issueRef follow GitHub's filters: "@" after a non-word
	// character, a login and an optional "/team"; "#" and digits.
	mention  = regexp.MustCompile(`(?:^|[^A-Za-z0-9_` + "`" + `])(@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9][A-Za-z0-9_-]*)?)`)
	issueRef = regexp.MustCompile(`(#[0-9]+)`)
)

// live renders markdown as GitHub would (GFM, raw HTML kept) and counts
// the mentions and issue references in its text, outside links, code and
// HTML comments, where GitHub's filters look for them.
func live(t *testing.T, md goldmark.Markdown, src string) map[string]int {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		t.Fatalf("goldmark: %v", err)
	}
	found := map[string]int{}
	doc := buf.String()
	skip := map[string]int{} // open a, code, pre elements
	for len(doc) > 0 {
		lt := strings.IndexByte(doc, '<')
		if lt < 0 {
			lt = len(doc)
		}
		if skip["a"]+skip["code"]+skip["pre"] == 0 {
			text := html.UnescapeString(doc[:lt])
			for _, m := range mention.FindAllStringSubmatch(text, -1) {
				found[m[1]]++
			}
			for _, m := range issueRef.FindAllString(text, -1) {
				found[m]++
			}
		}
		doc = doc[lt:]
		if doc == "" {
			break
		}
		if strings.HasPrefix(doc, "<!--") {
			end := strings.Index(doc, "-->")
			if end < 0 {
				break
			}
			doc = doc[end+3:]
			continue
		}
		gt := strings.IndexByte(doc, '>')
		if gt < 0 {
			break
		}
		tag := strings.ToLower(strings.TrimLeft(doc[1:gt], "/"))
		if i := strings.IndexAny(tag, " \t\n/"); i >= 0 {
			tag = tag[:i]
		}
		if tag == "a" || tag == "code" || tag == "pre" {
			if doc[1] == '/' {
				skip[tag] = max(skip[tag]-1, 0)
			} else {
				skip[tag]++
			}
		}
		doc = doc[gt+1:]
	}
	return found
}
