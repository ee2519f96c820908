package command

import (
	"fmt"
	"github.com/goalbot/goalbot/bot/spell"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goalbot/goalbot/bot"
)

// Candidate is a subgoal a track command may name.
type Candidate struct {
	ID    string // the stable id; "" when the subgoal has none
	Title string // as the goal document writes it
	Line  int    // 1-based line of its row in the goal document
}

// Bounds on how many subgoals one error message lists.
const (
	maxSuggestions = 3
	maxAmbiguous   = 5
)

// ResolveSubgoal returns the candidate of goal (named in messages, e.g.
// "rust-lang/goals#105") that query names: a stable id exactly, then a line
// number, then a title compared case-insensitively (ignoring ` and * and
// runs of spaces), exactly first, then as a unique prefix. When nothing
// matches the error (bot.ENOTFOUND) suggests up to three similar titles;
// when a title or prefix matches several it (bot.EINVALID) lists them.
func ResolveSubgoal(goal string, cands []Candidate, query string) (Candidate, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return Candidate{}, invalidf("no subgoal given for %s; give its id, line number or title", goal)
	}
	if len(cands) == 0 {
		return Candidate{}, bot.Errorf(bot.ENOTFOUND, "%s has no subgoals to track", goal)
	}
	for _, c := range cands {
		if c.ID != "" && c.ID == q {
			return c, nil
		}
	}
	if n, err := strconv.Atoi(q); err == nil && isDigits(q) {
		for _, c := range cands {
			if c.Line == n {
				return c, nil
			}
		}
	}
	fq := fold(q)
	for _, match := range []func(string) bool{
		func(t string) bool { return t == fq },
		func(t string) bool { return strings.HasPrefix(t, fq) },
	} {
		var hits []Candidate
		for _, c := range cands {
			if match(fold(c.Title)) {
				hits = append(hits, c)
			}
		}
		switch {
		case len(hits) == 1:
			return hits[0], nil
		case len(hits) > 1:
			return Candidate{}, invalidf("%q matches %d subgoals in %s: %s; quote more of the title or use the line number",
				q, len(hits), goal, list(hits, maxAmbiguous))
		}
	}
	if s := suggest(fq, cands); len(s) > 0 {
		return Candidate{}, bot.Errorf(bot.ENOTFOUND, "no subgoal matches %q in %s; did you mean: %s?", q, goal, list(s, maxSuggestions))
	}
	return Candidate{}, bot.Errorf(bot.ENOTFOUND, "no subgoal matches %q in %s; give a subgoal's id, line number or title", q, goal)
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// fold returns the form titles compare in: lower case, without the ` and *
// of markdown code and emphasis, spaces collapsed.
func fold(s string) string {
	s = strings.NewReplacer("`", "", "*", "").Replace(strings.ToLower(s))
	return strings.Join(strings.Fields(s), " ")
}

// list formats up to limit candidates as "Title (line N), …", with a count of
// the rest.
func list(cs []Candidate, limit int) string {
	var parts []string
	for i, c := range cs {
		if i == limit {
			parts = append(parts, fmt.Sprintf("and %d more", len(cs)-limit))
			break
		}
		parts = append(parts, describe(c))
	}
	return strings.Join(parts, ", ")
}

// describe names c for a message, shortening very long titles.
func describe(c Candidate) string {
	t := strings.Join(strings.Fields(c.Title), " ")
	if utf8.RuneCountInString(t) > 80 {
		t = string([]rune(t)[:79]) + "…"
	}
	switch {
	case c.Line > 0:
		return fmt.Sprintf("%s (line %d)", t, c.Line)
	case c.ID != "":
		return fmt.Sprintf("%s (id %s)", t, c.ID)
	}
	return t
}

// suggest returns up to maxSuggestions candidates whose titles resemble the
// folded query, most similar first (document order among equals), leaving
// out those much less similar than the best so one clear match stands alone.
func suggest(fq string, cands []Candidate) []Candidate {
	type scored struct {
		c     Candidate
		score float64
	}
	var ss []scored
	for _, c := range cands {
		if s := similarity(fq, fold(c.Title)); s >= 0.5 {
			ss = append(ss, scored{c, s})
		}
	}
	sort.SliceStable(ss, func(a, b int) bool { return ss[a].score > ss[b].score })
	var out []Candidate
	for _, s := range ss {
		if len(out) == maxSuggestions || s.score < ss[0].score-0.25 {
			break
		}
		out = append(out, s.c)
	}
	return out
}

// similarity scores how much the folded query q resembles the folded title t
// from 0 to 1: 1 when one contains the other, else the better of the share
// of q's words found in t (allowing plurals and typos) and one minus the
// relative edit distance to t or to t's start.
func similarity(q, t string) float64 {
	if q == "" || t == "" {
		return 0
	}
	if strings.Contains(t, q) || strings.Contains(q, t) {
		return 1
	}
	best := 0.0
	qw, tw := contentWords(q), contentWords(t)
	if len(qw) > 0 {
		hit := 0
		for _, a := range qw {
			for _, b := range tw {
				if wordsMatch(a, b) {
					hit++
					break
				}
			}
		}
		best = float64(hit) / float64(len(qw))
	}
	qr := []rune(q)
	tr := []rune(t)
	if len(qr) > 200 {
		return best // no title is that long; spare the quadratic distance
	}
	d := spell.Distance(q, t)
	if len(tr) > len(qr) {
		d = min(d, spell.Distance(q, string(tr[:len(qr)])))
	}
	return max(best, 1-float64(d)/float64(max(len(qr), 1)))
}

// isStopWord reports whether w is left out of word overlap: such words
// appear in most titles and would make everything look similar.
func isStopWord(w string) bool {
	switch w {
	case "a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with":
		return true
	}
	return false
}

// contentWords returns the words of s that say something, without
// surrounding punctuation.
func contentWords(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		w = strings.Trim(w, `.,;:!?()[]"'`)
		if w != "" && !isStopWord(w) {
			out = append(out, w)
		}
	}
	return out
}

// wordsMatch reports whether two folded words are the same word, allowing a
// plural or suffix (rfc/rfcs) and one typo in words of four letters or more.
func wordsMatch(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if min(la, lb) >= 3 && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a)) {
		return true
	}
	return min(la, lb) >= 4 && spell.Distance(a, b) <= 1
}
