package goaldoc

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/goalbot/goalbot/bot/ref"
)

// stopWords carry no meaning when matching subgoal titles to headings.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "the": true, "of": true, "for": true,
	"to": true, "in": true, "on": true, "or": true, "with": true, "by": true,
}

// words returns the distinct significant lower-case words of s.
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !stopWords[w] {
			out[w] = true
		}
	}
	return out
}

// itemKind names what kind of decision an item is, or "" when it is
// neither an RFC nor an MCP.
func itemKind(r ref.Ref) string {
	switch {
	case r.Owner == "rust-lang" && r.Repo == "rfcs":
		return "RFC"
	case r.Owner == "rust-lang" && r.Repo == "compiler-team":
		return "MCP"
	}
	return ""
}

// suggest proposes, for each subgoal whose title matches a heading, the
// RFCs and MCPs that heading's section links and the subgoal does not.
// A title matches when the heading holds all its words (at least two) and
// the title has at least half of the heading's words.
func (p *parse) suggest() {
	type section struct {
		title string
		line  int
		words map[string]bool
		items []ref.Ref
	}
	var secs []section
	for i, h := range p.heads {
		end := 1 << 30
		if i+1 < len(p.heads) {
			end = p.heads[i+1].line
		}
		sec := section{title: h.title, line: h.line, words: words(h.title)}
		seen := map[ref.Ref]bool{}
		for _, l := range p.links {
			if l.line > h.line && l.line < end && itemKind(l.ref) != "" && !seen[l.ref] {
				seen[l.ref] = true
				sec.items = append(sec.items, l.ref)
			}
		}
		if len(sec.items) > 0 {
			secs = append(secs, sec)
		}
	}
	if len(secs) == 0 {
		return
	}
	done := map[string]bool{}
	p.doc.Walk(func(s, _ *Subgoal) bool {
		tw := words(s.Title)
		if len(tw) < 2 {
			return true
		}
		linked := subtreeLinks(s)
		for _, sec := range secs {
			if !contains(sec.words, tw) || 2*len(tw) < len(sec.words) {
				continue
			}
			for _, it := range sec.items {
				k := s.ID + "\x00" + it.String()
				if linked[it] || done[k] {
					continue
				}
				done[k] = true
				p.doc.Suggestions = append(p.doc.Suggestions, Suggestion{
					Subgoal: s.ID, Line: s.Line, Item: it,
					Reason: fmt.Sprintf("section %q (line %d) links %s %s", sec.title, sec.line, itemKind(it), it),
				})
			}
		}
		return true
	})
}

// contains reports whether every word of sub is in set.
func contains(set, sub map[string]bool) bool {
	for w := range sub {
		if !set[w] {
			return false
		}
	}
	return true
}

// subtreeLinks returns every item linked by s or its descendants.
func subtreeLinks(s *Subgoal) map[ref.Ref]bool {
	out := map[ref.Ref]bool{}
	var add func(s *Subgoal)
	add = func(s *Subgoal) {
		for _, l := range s.Links {
			out[l] = true
		}
		for i := range s.Children {
			add(&s.Children[i])
		}
	}
	add(s)
	return out
}
