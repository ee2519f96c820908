package goaldoc

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// Reference is an issue or pull request the document mentions outside any
// task row: a goal-level item. Items a row (or subgoal heading) names are
// that subgoal's Links instead, and the goal's own tracking issue is
// neither.
type Reference struct {
	Item  ref.Ref `json:"item"`
	Line  int     `json:"line"`  // first line that mentions it
	Lines []int   `json:"lines"` // every line that mentions it, ascending
	// Where tells the part of the document of the first mention:
	// "metadata" (e.g. Other tracking issues), "team-ask" (a support-level
	// table row), "definition" (a [label]: URL line) or "prose".
	Where string `json:"where"`
	// Form tells how the first mention is written: "link" (a markdown link,
	// an autolinked URL or a linkifier form such as [RFC #3654]),
	// "definition", "text" (a bare owner/repo#N) or "relative" (a #N whose
	// repository the document makes certain).
	Form string `json:"form"`
}

// Reference forms and places; see Reference.
const (
	whereMetadata   = "metadata"
	whereTeamAsk    = "team-ask"
	whereDefinition = "definition"
	whereProse      = "prose"

	formLink       = "link"
	formDefinition = "definition"
	formText       = "text"
	formRelative   = "relative"
)

// occurrence is one mention of an item in the document.
type occurrence struct {
	ref  ref.Ref
	line int
	form string
}

// bareRefRe matches owner/repo#N and #N in plain text. The boundary checks
// (no word character, '/', '.', '&' or '#' before; no word character
// after) are done by the caller, as Go's regexp has no look-around.
var bareRefRe = regexp.MustCompile(`(?:([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9_.-]+))?#([0-9]+)`)

// listSepRe is what may stand between two references of one list
// ("rust-lang/rust#1, #2 and #3").
var listSepRe = regexp.MustCompile(`^(?:\s|,|;|&|\band\b|\bor\b)*$`)

// textRef is a bare reference found in plain text, before #N resolution.
type textRef struct {
	ref  ref.Ref // zero for a #N not yet resolved
	num  int
	line int
	list ref.Ref // for #N: the explicit reference whose list it continues
}

// references finds every item the document mentions and sorts them into
// row items (added to the subgoal whose line mentions them) and goal-level
// References. It runs after the tree is built.
func (p *parse) references() {
	var occ []occurrence
	for _, l := range p.links {
		occ = append(occ, occurrence{l.ref, l.line, formLink})
	}
	occ = append(occ, p.definitionRefs()...)
	occ = append(occ, p.textRefs(occ)...)
	sort.SliceStable(occ, func(i, j int) bool { return occ[i].line < occ[j].line })

	// Subgoals by line: a table row is one line, a heading too.
	byLine := map[int]*Subgoal{}
	p.doc.Walk(func(s, _ *Subgoal) bool {
		byLine[s.Line] = s
		return true
	})
	for _, o := range occ {
		if s := byLine[o.line]; s != nil && !hasRef(s.Links, o.ref) {
			s.Links = append(s.Links, o.ref)
		}
	}
	onRow := map[ref.Ref]bool{}
	p.doc.Walk(func(s, _ *Subgoal) bool {
		for _, l := range s.Links {
			onRow[l] = true
		}
		return true
	})

	where := map[int]string{}
	for _, m := range p.doc.Metadata {
		where[m.Line] = whereMetadata
	}
	for _, a := range p.doc.TeamAsks {
		if byLine[a.Line] == nil { // a 2026 support-level row, not a task row
			where[a.Line] = whereTeamAsk
		}
	}
	index := map[ref.Ref]int{}
	for _, o := range occ {
		if o.ref.IsZero() || o.ref == p.doc.TrackingIssue || onRow[o.ref] {
			continue
		}
		i, ok := index[o.ref]
		if !ok {
			w := where[o.line]
			if w == "" {
				w = whereProse
				if o.form == formDefinition {
					w = whereDefinition
				}
			}
			index[o.ref] = len(p.doc.References)
			p.doc.References = append(p.doc.References, Reference{Item: o.ref, Line: o.line, Where: w, Form: o.form, Lines: []int{}})
			i = len(p.doc.References) - 1
		}
		r := &p.doc.References[i]
		if !containsInt(r.Lines, o.line) {
			r.Lines = append(r.Lines, o.line)
		}
	}
}

// definitionRefs returns the items named by link reference definitions
// ([label]: https://github.com/o/r/issues/N), used or not, at their lines.
// Lines in fenced code and HTML comments are skipped, as goldmark does.
func (p *parse) definitionRefs() []occurrence {
	var out []occurrence
	lines, _ := splitLines(p.src)
	var hid hidden
	for i, l := range lines {
		if hid.skip(l) {
			continue
		}
		m := definitionRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if r, ok := ref.ParseURL(m[2]); ok {
			out = append(out, occurrence{r, i + 1, formDefinition})
		}
	}
	return out
}

// textRefs returns the bare owner/repo#N references of the document's
// plain text (not code, links, images or HTML), and the #N ones whose
// repository is certain: a #N continuing a list that starts with an
// explicit owner/repo#M takes its repository; else a #N whose number the
// document names in exactly one repository (by any form in known) is that
// item. Any other #N is left out: "#3516, #119428" may mix repositories.
func (p *parse) textRefs(known []occurrence) []occurrence {
	var found []textRef
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		var run []*ast.Text
		flush := func() {
			if len(run) > 0 {
				found = p.scanText(run, found)
				run = run[:0]
			}
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				run = append(run, t)
				continue
			}
			flush()
			switch c.(type) {
			case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock, *ast.RawHTML,
				*ast.Link, *ast.AutoLink, *ast.Image:
				// code, markup, and links (their destination counts, not their text)
			case *extast.Strikethrough:
				walk(c)
			default:
				walk(c)
			}
		}
		flush()
	}
	if p.root != nil {
		walk(p.root)
	}

	repos := map[int]map[ref.Ref]bool{} // number → items of that number
	note := func(r ref.Ref) {
		if repos[r.Number] == nil {
			repos[r.Number] = map[ref.Ref]bool{}
		}
		repos[r.Number][r] = true
	}
	for _, o := range known {
		note(o.ref)
	}
	for _, f := range found {
		if !f.ref.IsZero() {
			note(f.ref)
		}
	}
	var out []occurrence
	for _, f := range found {
		switch {
		case !f.ref.IsZero():
			out = append(out, occurrence{f.ref, f.line, formText})
		case !f.list.IsZero():
			out = append(out, occurrence{ref.New(f.list.Owner, f.list.Repo, f.num), f.line, formRelative})
		case len(repos[f.num]) == 1:
			for r := range repos[f.num] {
				out = append(out, occurrence{r, f.line, formRelative})
			}
		}
	}
	return out
}

// scanText appends the references of one run of adjacent text nodes.
func (p *parse) scanText(run []*ast.Text, found []textRef) []textRef {
	var b strings.Builder
	offs := make([]int, 0, len(run))
	for _, t := range run {
		offs = append(offs, b.Len())
		b.Write(t.Value(p.src))
		if t.SoftLineBreak() || t.HardLineBreak() {
			b.WriteByte(' ')
		}
	}
	str := b.String()
	if strings.IndexByte(str, '#') < 0 {
		return found
	}
	offAt := func(pos int) int {
		i := len(offs) - 1
		for i > 0 && offs[i] > pos {
			i--
		}
		return run[i].Segment.Start + pos - offs[i]
	}
	var list ref.Ref // the explicit reference a following #N continues
	listEnd := -1
	for _, m := range bareRefRe.FindAllStringSubmatchIndex(str, -1) {
		start, end := m[0], m[1]
		if start > 0 && !boundaryBefore(str[start-1]) {
			list = ref.Ref{}
			continue
		}
		if end < len(str) && isWordByte(str[end]) {
			list = ref.Ref{}
			continue
		}
		n, err := strconv.Atoi(str[m[6]:m[7]])
		if err != nil || n <= 0 {
			continue
		}
		line := p.lineOf(offAt(start))
		if m[2] >= 0 {
			r := ref.New(str[m[2]:m[3]], str[m[4]:m[5]], n)
			found = append(found, textRef{ref: r, num: n, line: line})
			list, listEnd = r, end
			continue
		}
		tr := textRef{num: n, line: line}
		if !list.IsZero() && listSepRe.MatchString(str[listEnd:start]) {
			tr.list = list
			listEnd = end
		} else {
			list = ref.Ref{}
		}
		found = append(found, tr)
	}
	return found
}

// boundaryBefore reports whether c may precede a reference: not part of a
// word, a path, a host name, an HTML entity (&#123;) or another reference.
func boundaryBefore(c byte) bool {
	return !isWordByte(c) && c != '/' && c != '.' && c != '&' && c != '#' && c != '-' && c != '@'
}

// isWordByte reports whether c is an ASCII letter, digit or underscore.
func isWordByte(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// hasRef reports whether list holds r.
func hasRef(list []ref.Ref, r ref.Ref) bool {
	for _, l := range list {
		if l == r {
			return true
		}
	}
	return false
}

// containsInt reports whether list holds v.
func containsInt(list []int, v int) bool {
	for _, l := range list {
		if l == v {
			return true
		}
	}
	return false
}
