package goaldoc

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// refContext is a goldmark parse context that falls back to a fixed set
// of definitions (the file's own and the shared book.toml ones) when the
// parsed text does not define a label itself.
type refContext struct {
	parser.Context
	fallback map[string]parser.Reference // keyed by util.ToLinkReference
}

// Reference implements parser.Context: the text's own definitions first,
// as CommonMark's "first definition wins" and the preprocessor's appending
// of shared definitions after the page imply.
func (c refContext) Reference(label string) (parser.Reference, bool) {
	if r, ok := c.Context.Reference(label); ok {
		return r, true
	}
	r, ok := c.fallback[label]
	return r, ok
}

// inliner parses inline markdown (a cell, a heading, a whole document)
// with goldmark and collects what the goal model needs from it.
type inliner struct {
	p    parser.Parser
	sh   *resolved
	refs map[string]parser.Reference // file + shared definitions
}

// newInliner returns an inliner whose fallback definitions are shared's.
func newInliner(sh *resolved) *inliner {
	in := &inliner{
		p:    goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser(),
		sh:   sh,
		refs: map[string]parser.Reference{},
	}
	for label, dest := range sh.links {
		in.refs[label] = parser.NewReference([]byte(label), []byte(dest), nil)
	}
	return in
}

// addDefinitions adds fallback reference definitions that the shared ones
// do not override.
func (in *inliner) addDefinitions(defs map[string]string) {
	for label, dest := range defs {
		in.refs[util.ToLinkReference([]byte(label))] = parser.NewReference([]byte(label), []byte(dest), nil)
	}
}

// parseDoc parses a whole document, then adds the document's own reference
// definitions to the inliner (ahead of the shared ones) for later cells.
func (in *inliner) parseDoc(src []byte) ast.Node {
	shared := in.refs
	ctx := refContext{Context: parser.NewContext(), fallback: shared}
	root := in.p.Parse(text.NewReader(src), parser.WithContext(ctx))
	merged := make(map[string]parser.Reference, len(shared)+16)
	for k, v := range shared {
		merged[k] = v
	}
	for _, r := range ctx.Context.References() {
		merged[util.ToLinkReference(r.Label())] = r
	}
	in.refs = merged
	return root
}

// parseInline parses a snippet such as a table cell.
func (in *inliner) parseInline(src []byte) ast.Node {
	ctx := refContext{Context: parser.NewContext(), fallback: in.refs}
	return in.p.Parse(text.NewReader(src), parser.WithContext(ctx))
}

// posRef is an item reference at a byte offset of the parsed source.
type posRef struct {
	ref ref.Ref
	off int
}

// posLabel is an undefined reference label at a byte offset.
type posLabel struct {
	label string
	off   int
}

// scan is what one walk over inline content found.
type scan struct {
	text       strings.Builder
	struckRune int // non-space runes of text inside ~~strikethrough~~
	totalRune  int // non-space runes of text
	links      []posRef
	badges     []string
	mentions   []string // GitHub logins from @user and profile links
	teams      []string // governance link texts and unresolved [team] labels
	undefined  []posLabel
}

// plain returns the collected plain text with spaces collapsed.
func (s *scan) plain() string { return strings.Join(strings.Fields(s.text.String()), " ") }

// struck reports whether there is text and all of it is struck through.
func (s *scan) struck() bool { return s.totalRune > 0 && s.struckRune == s.totalRune }

// bracketRe matches bracketed text that goldmark left as literal text
// because no definition resolved it: [text], [text][], [text][label] and
// the image forms with a leading '!'.
var bracketRe = regexp.MustCompile(`(!?)\[([^\[\]]*)\](?:\[([^\[\]]*)\])?`)

// mentionRe matches @user the way the goals preprocessor does, not inside
// words or e-mail addresses.
var mentionRe = regexp.MustCompile(`(^|[^\w@/.\-])@([A-Za-z0-9][-_A-Za-z0-9]*)`)

// teamNameRe is what an unresolved [team] label must look like.
var teamNameRe = regexp.MustCompile(`^[A-Za-z][-.A-Za-z0-9_]+$`)

// walk collects from n's subtree into s.
func (in *inliner) walk(n ast.Node, src []byte, s *scan, struck bool) {
	var run []*ast.Text
	flush := func() {
		if len(run) > 0 {
			in.scanRun(run, src, s, struck)
			run = run[:0]
		}
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			run = append(run, t)
			continue
		}
		flush()
		switch c := c.(type) {
		case *ast.String:
			s.addText(string(c.Value), struck)
		case *ast.CodeSpan:
			var b strings.Builder
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if tt, ok := t.(*ast.Text); ok {
					b.Write(tt.Value(src))
				} else if st, ok := t.(*ast.String); ok {
					b.Write(st.Value)
				}
			}
			s.addText(b.String(), struck)
		case *ast.Image:
			var alt scan
			in.walk(c, src, &alt, false)
			s.badges = append(s.badges, canonicalBadge(alt.plain()))
		case *ast.Link:
			in.addLink(string(c.Destination), c, src, s)
			in.walk(c, src, s, struck)
		case *ast.AutoLink:
			u := string(c.URL(src))
			if c.AutoLinkType == ast.AutoLinkURL {
				if r, ok := ref.ParseURL(u); ok {
					s.links = append(s.links, posRef{r, nodeOff(c, src)})
				}
			}
			s.addText(u, struck)
		case *extast.Strikethrough:
			in.walk(c, src, s, true)
		case *ast.RawHTML, *ast.HTMLBlock, *ast.CodeBlock, *ast.FencedCodeBlock:
			// markup and code carry no goal data
		default:
			if c.Type() == ast.TypeBlock && c.HasChildren() && s.text.Len() > 0 {
				s.text.WriteByte(' ')
			}
			in.walk(c, src, s, struck)
		}
	}
	flush()
}

// addText appends literal text and counts its struck runes.
func (s *scan) addText(t string, struck bool) {
	s.text.WriteString(t)
	for _, r := range t {
		if !unicode.IsSpace(r) {
			s.totalRune++
			if struck {
				s.struckRune++
			}
		}
	}
}

// addLink records what a link destination names: an item, a person's
// GitHub profile, or a team page.
func (in *inliner) addLink(dest string, n ast.Node, src []byte, s *scan) {
	if r, ok := ref.ParseURL(dest); ok {
		s.links = append(s.links, posRef{r, nodeOff(n, src)})
		return
	}
	u, err := url.Parse(dest)
	if err != nil {
		return
	}
	host := strings.ToLower(u.Host)
	path := strings.Trim(u.Path, "/")
	switch {
	case (host == "github.com" || host == "www.github.com") && path != "" && !strings.Contains(path, "/"):
		s.mentions = append(s.mentions, path)
	case strings.HasSuffix(host, "rust-lang.org") && strings.Contains(u.Path, "/governance/"):
		var t scan
		in.walk(n, src, &t, false)
		if name := strings.ToLower(strings.Trim(t.plain(), "[] ")); name != "" {
			s.teams = append(s.teams, name)
		}
	}
}

// scanRun reads a run of adjacent text nodes: linkifier forms, @mentions,
// unresolved references and badges. It appends the run's text to s, minus
// unresolved badge images.
func (in *inliner) scanRun(run []*ast.Text, src []byte, s *scan, struck bool) {
	var b strings.Builder
	offs := make([]int, 0, len(run)) // run position where each node starts
	for _, t := range run {
		offs = append(offs, b.Len())
		b.Write(t.Value(src))
		if t.SoftLineBreak() || t.HardLineBreak() {
			b.WriteByte(' ')
		}
	}
	str := b.String()
	offAt := func(pos int) int {
		i := len(offs) - 1
		for i > 0 && offs[i] > pos {
			i--
		}
		return run[i].Segment.Start + pos - offs[i]
	}
	// visible is the text as rendered: unresolved badge images dropped,
	// bracketed references shown by their text.
	var visible strings.Builder
	last := 0
	var matches [][]int
	if strings.IndexByte(str, '[') >= 0 { // the regexp is the costly part of a parse
		matches = bracketRe.FindAllStringSubmatchIndex(str, -1)
	}
	for _, m := range matches {
		visible.WriteString(str[last:m[0]])
		last = m[1]
		image := m[3] > m[2]
		inner := str[m[4]:m[5]]
		hasLabel := m[6] >= 0
		label := inner
		if hasLabel && m[7] > m[6] {
			label = str[m[6]:m[7]]
		}
		if image {
			s.badges = append(s.badges, canonicalBadge(inner))
			if !in.known(label) {
				s.undefined = append(s.undefined, posLabel{label, offAt(m[0])})
			}
			continue
		}
		if r, ok := in.linkify("[" + inner + "]"); ok {
			s.links = append(s.links, posRef{r, offAt(m[0])})
			visible.WriteString(inner)
			continue
		}
		if hasLabel && !in.known(label) {
			s.undefined = append(s.undefined, posLabel{label, offAt(m[0])})
		}
		name := strings.TrimSpace(inner)
		isTeam := teamNameRe.MatchString(name) && (!hasLabel || label == inner)
		if isTeam {
			s.teams = append(s.teams, strings.ToLower(name))
		}
		if hasLabel || in.sh.teams[strings.ToLower(name)] {
			visible.WriteString(inner)
		} else {
			visible.WriteString(str[m[0]:m[1]])
		}
	}
	visible.WriteString(str[last:])
	if strings.IndexByte(str, '@') < 0 {
		s.addText(string(util.UnescapePunctuations([]byte(visible.String()))), struck)
		return
	}
	for _, m := range mentionRe.FindAllStringSubmatch(str, -1) {
		if !in.sh.ignoreUsers[strings.ToLower(m[2])] {
			s.mentions = append(s.mentions, m[2])
		}
	}
	s.addText(string(util.UnescapePunctuations([]byte(visible.String()))), struck)
}

// known reports whether a reference label resolves: defined in the file or
// shared, a team the preprocessor defines, or a linkifier form.
func (in *inliner) known(label string) bool {
	key := util.ToLinkReference([]byte(label))
	if _, ok := in.refs[key]; ok {
		return true
	}
	if in.sh.teams[key] {
		return true
	}
	_, ok := in.linkify("[" + label + "]")
	return ok
}

// linkify applies the first matching linkifier to bracketed text.
func (in *inliner) linkify(bracketed string) (ref.Ref, bool) {
	for _, l := range in.sh.linkifiers {
		m := l.re.FindStringSubmatchIndex(bracketed)
		if m == nil || m[0] != 0 || m[1] != len(bracketed) {
			continue
		}
		if r, ok := ref.ParseURL(l.expand(bracketed, m)); ok {
			return r, true
		}
	}
	return ref.Ref{}, false
}

// nodeOff returns the source offset of n: its recorded position, else
// that of its first text, or -1.
func nodeOff(n ast.Node, src []byte) int {
	if p := n.Pos(); p >= 0 {
		return p
	}
	for c := n; c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start
		}
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			return c.Lines().At(0).Start
		}
	}
	return -1
}
