package goaldoc

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/yuin/goldmark/ast"
)

// Parse reads one goal document. file is the path used in messages (its
// base name gives the ID, its folder the period); shared supplies the
// book.toml definitions, nil meaning DefaultShared(). Parse never panics
// and never returns nil: problems are reported in Errors and Warnings, and
// IsGoal tells whether src is a goal document at all.
func Parse(file string, src []byte, shared *Shared) (doc *Document) {
	doc = newDocument(file)
	defer func() {
		if r := recover(); r != nil {
			doc.Errors = append(doc.Errors, Diagnostic{Line: 0, Message: fmt.Sprintf("internal error: parser panicked: %v", r)})
		}
	}()
	p := &parse{doc: doc, sh: prepare(shared)}
	p.run(src)
	return doc
}

// parseRowLinksOnly parses like Parse without finding references: rows
// keep only their markdown links. Tests use it to measure what reference
// finding adds.
func parseRowLinksOnly(file string, src []byte, shared *Shared) *Document {
	doc := newDocument(file)
	p := &parse{doc: doc, sh: prepare(shared), noRefs: true}
	p.run(src)
	return doc
}

// newDocument returns an empty document for file with non-nil slices.
func newDocument(file string) *Document {
	base := filepath.Base(filepath.ToSlash(file))
	id := strings.TrimSuffix(base, filepath.Ext(base))
	period := periodOf(file)
	key := id
	if period != "" {
		key = period + "/" + id
	}
	return &Document{
		File: file, ID: id, Period: period, Key: key,
		OtherTrackingIssues: []ref.Ref{}, PointOfContact: []string{}, Owners: []string{},
		Teams: []string{}, Roadmap: []string{}, Metadata: []MetaRow{},
		Subgoals: []Subgoal{}, TeamAsks: []TeamAsk{}, Links: []ref.Ref{},
		Suggestions: []Suggestion{}, Errors: []Diagnostic{}, Warnings: []Diagnostic{},
		References: []Reference{},
	}
}

// periodRe matches a period folder (2024h2, 2026) or a folder named after
// one (2024h2-at-7b77f9b).
var periodRe = regexp.MustCompile(`^([0-9]{4}(?:[hH][12])?)(?:-|$)`)

// periodOf returns the period named by file's parent folder, or "".
func periodOf(file string) string {
	dir := filepath.Base(filepath.Dir(filepath.FromSlash(file)))
	if m := periodRe.FindStringSubmatch(dir); m != nil {
		return strings.ToLower(m[1])
	}
	return ""
}

// parse holds the state of one Parse call.
type parse struct {
	doc     *Document
	sh      *resolved
	in      *inliner
	starts  []int // byte offset of each line's start in the normalised text
	heads   []*headInfo
	links   []lineRef // every item link of the document, with its line
	roots   []*node
	seenIDs map[string]bool
	root    ast.Node // the whole document as goldmark read it
	src     []byte   // the normalised text root's offsets point into
	noRefs  bool     // skip reference finding (see parseRowLinksOnly)
}

// headInfo is a heading with its plain-text title.
type headInfo struct {
	heading
	title string
	node  *node // the subgoal node made from it, if any
}

// lineRef is an item reference at a line.
type lineRef struct {
	ref  ref.Ref
	line int
}

func (p *parse) errorf(line int, format string, args ...any) {
	p.doc.Errors = append(p.doc.Errors, Diagnostic{Line: line, Message: fmt.Sprintf(format, args...)})
}

func (p *parse) warnf(line int, format string, args ...any) {
	p.doc.Warnings = append(p.doc.Warnings, Diagnostic{Line: line, Message: fmt.Sprintf(format, args...)})
}

// lineOf converts a byte offset of the normalised text to a 1-based line.
func (p *parse) lineOf(off int) int {
	if off < 0 {
		return 0
	}
	return sort.Search(len(p.starts), func(i int) bool { return p.starts[i] > off })
}

// run does the whole parse.
func (p *parse) run(src []byte) {
	lines, norm := splitLines(src)
	p.starts = make([]int, 0, len(lines)+1)
	off := 0
	for _, l := range lines {
		p.starts = append(p.starts, off)
		off += len(l) + 1
	}
	p.in = newInliner(p.sh)
	p.in.addDefinitions(swallowedDefinitions(lines))
	p.scanDocument(norm)

	blocks := readBlocks(lines, p.errorf)
	p.readMetadata(blocks)
	p.readStructure(blocks)
	p.finishTree()
	if !p.noRefs {
		p.references()
	}
	p.suggest()
	sortDiagnostics(p.doc.Errors)
	sortDiagnostics(p.doc.Warnings)
}

// scanDocument parses the whole text with goldmark to learn its reference
// definitions, every item it links and every undefined reference.
func (p *parse) scanDocument(norm []byte) {
	root := p.in.parseDoc(norm)
	p.root, p.src = root, norm
	var s scan
	p.in.walk(root, norm, &s, false)
	seen := map[ref.Ref]bool{}
	for _, l := range s.links {
		p.links = append(p.links, lineRef{l.ref, p.lineOf(l.off)})
		if !seen[l.ref] {
			seen[l.ref] = true
			p.doc.Links = append(p.doc.Links, l.ref)
		}
	}
	warned := map[string]bool{}
	for _, u := range s.undefined {
		line := p.lineOf(u.off)
		k := fmt.Sprintf("%d\x00%s", line, u.label)
		if !warned[k] {
			warned[k] = true
			p.warnf(line, "reference [%s] is not defined", u.label)
		}
	}
}

// sortDiagnostics orders diagnostics by line, keeping the order of equal ones.
func sortDiagnostics(d []Diagnostic) {
	sort.SliceStable(d, func(i, j int) bool { return d[i].Line < d[j].Line })
}

// cell parses one table cell's inline markdown.
func (p *parse) cell(raw string) *scan {
	s := &scan{}
	if strings.TrimSpace(raw) == "" {
		return s
	}
	src := []byte(raw)
	p.in.walk(p.in.parseInline(src), src, s, false)
	return s
}

// dedupe returns list without repeats (compared case-insensitively),
// keeping the first spelling; never nil.
func dedupe(list []string) []string {
	out := make([]string, 0, len(list))
	seen := map[string]bool{}
	for _, v := range list {
		k := strings.ToLower(v)
		if v == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, v)
	}
	return out
}

// refsOf returns the distinct refs of a scan, in order; never nil.
func refsOf(scans ...*scan) []ref.Ref {
	out := []ref.Ref{}
	seen := map[ref.Ref]bool{}
	for _, s := range scans {
		for _, l := range s.links {
			if !seen[l.ref] {
				seen[l.ref] = true
				out = append(out, l.ref)
			}
		}
	}
	return out
}

// definitionRe matches a link reference definition line.
var definitionRe = regexp.MustCompile(`^ {0,3}\[([^\[\]]+)\]:\s*<?([^\s<>]+)>?`)

// swallowedDefinitions returns the reference definitions written right
// below a table without a blank line. GFM reads such lines as more table
// rows, but their authors (and this package's table reader, which ends a
// table at the first line not starting with '|') mean definitions.
func swallowedDefinitions(lines []string) map[string]string {
	defs := map[string]string{}
	afterTable := false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "|"):
			afterTable = true
		case afterTable && t != "":
			if m := definitionRe.FindStringSubmatch(l); m != nil {
				defs[m[1]] = m[2]
			} else {
				afterTable = false
			}
		default:
			afterTable = false
		}
	}
	return defs
}
