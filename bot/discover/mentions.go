// Package discover decides, purely, which issues and pull requests belong
// to a goal beyond the ones its document's rows link: it finds references
// to a goal's tracking issue in bodies and comments (Mentions), and places
// candidate items on a subgoal when the text names one or the match is
// unambiguous, else lists them as related but not placed (Place). It reads
// nothing and writes nothing; the tracker feeds it and stores the result.
package discover

import (
	"bytes"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Text is a body or comment that may reference a tracking issue.
type Text struct {
	Body   string
	Author string  // GitHub login
	Bot    bool    // GitHub says the author is a bot (user type "Bot")
	Base   ref.Ref // the issue or PR the text is on; "#N" resolves against its repository
}

// Mention is one reference to the tracking issue in a text.
type Mention struct {
	Line int // 1-based line of the text
	// Subgoal is what the reference line names after the reference, as
	// written ("Part of rust-lang/goals#105: approve RTN RFC" gives
	// "approve RTN RFC"); "" when the line names nothing.
	Subgoal string
}

// Finder finds references to tracking issues. Its zero value is not
// ready; use NewFinder.
type Finder struct {
	// aliases maps a repository's former name to its current one, both
	// lower-case owner/repo, e.g. rust-lang/rust-project-goals → rust-lang/goals.
	aliases map[string]string
	// ignore holds lower-case logins whose texts never count.
	ignore map[string]bool
	p      parser.Parser
}

// DefaultAliases are the renamed repositories of the Rust project goals.
var defaultAliases = map[string]string{"rust-lang/rust-project-goals": "rust-lang/goals"}

// DefaultIgnore are the Rust project's bots that do not say "[bot]" in
// their login: their comments quote or list issues without meaning them.
var defaultIgnore = []string{"rfcbot", "rust-rfcbot", "rustbot", "triagebot", "bors", "rust-timer", "rust-highfive", "rust-log-analyzer"}

// NewFinder returns a Finder. aliases maps former repository names to
// current ones (owner/repo, any case); nil means the Rust project goals'
// rename, an empty map none. ignore lists more logins (without @) whose
// texts never count, besides bots and DefaultIgnore's.
func NewFinder(aliases map[string]string, ignore []string) *Finder {
	if aliases == nil {
		aliases = defaultAliases
	}
	f := &Finder{
		aliases: map[string]string{},
		ignore:  map[string]bool{},
		p:       goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser(),
	}
	for from, to := range aliases {
		f.aliases[strings.ToLower(from)] = strings.ToLower(to)
	}
	for _, l := range append(append([]string{}, defaultIgnore...), ignore...) {
		f.ignore[strings.ToLower(strings.TrimPrefix(l, "@"))] = true
	}
	return f
}

// ourMarker starts the first line of every text goalbot writes (status
// comments, notices, digests).
const ourMarker = "<!-- goalbot:"

// Ignored reports whether a text never counts: a bot's (GitHub type Bot, a
// "[bot]" login or an ignored login), or one of goalbot's own (the digest
// and status comments, told by their marker line).
func (f *Finder) Ignored(t Text) bool {
	login := strings.ToLower(t.Author)
	return t.Bot || strings.HasSuffix(login, "[bot]") || f.ignore[login] ||
		strings.HasPrefix(strings.TrimSpace(t.Body), ourMarker)
}

// sameRepo reports whether the owner/repo written in a text names repo
// (lower-case owner/repo), directly or through an alias.
func (f *Finder) sameRepo(written, repo string) bool {
	w := strings.ToLower(written)
	return w == repo || f.aliases[w] == repo
}

// issueRe matches owner/repo#N and #N in plain text; boundaries are
// checked by the caller.
var issueRe = regexp.MustCompile(`(?:([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9_.-]+))?#([0-9]+)`)

// hit is one reference found in a text: the repository as written
// (owner and repo "" for a bare #N), the number, and where it stands.
type hit struct {
	owner, repo string
	number      int
	off, end    int // byte offsets in the normalised text
}

// scan parses a text and returns it normalised (CRLF and CR as LF) with
// every reference in it outside code, block quotes, images and HTML:
// owner/repo#N and #N in text, and issue or pull URLs in links and
// autolinks (a link's hit spans the whole link).
func (f *Finder) scan(body string) ([]byte, []hit) {
	src := []byte(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n"))
	var hits []hit
	urlHit := func(u string, n ast.Node) {
		r, ok := ref.ParseURL(u)
		if !ok {
			return
		}
		parts := strings.SplitN(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(u), "https://"), "http://"), "/", 4)
		if len(parts) < 3 {
			return
		}
		off, end := nodeSpan(n, src)
		hits = append(hits, hit{owner: parts[1], repo: parts[2], number: r.Number, off: off, end: end})
	}
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		var run []*ast.Text
		flush := func() {
			if len(run) > 0 {
				hits = append(hits, textHits(src, run)...)
				run = run[:0]
			}
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if tx, ok := c.(*ast.Text); ok {
				run = append(run, tx)
				continue
			}
			flush()
			switch c := c.(type) {
			case *ast.Blockquote, *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock, *ast.RawHTML, *ast.Image:
				// quoted, code or markup: not the author's own reference
			case *ast.Link:
				if _, ok := ref.ParseURL(string(c.Destination)); ok {
					urlHit(string(c.Destination), c)
					continue
				}
				walk(c)
			case *ast.AutoLink:
				urlHit(string(c.URL(src)), c)
			default:
				walk(c)
			}
		}
		flush()
	}
	walk(f.p.Parse(text.NewReader(src)))
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].off < hits[j].off })
	return src, hits
}

// Mentions returns the references to issue in t, one per line that holds
// any, in line order: owner/repo#N, #N on an item of the same repository,
// and issue URLs (also with a comment anchor), under the repository's
// current or former names. References in code (spans, fenced or indented
// blocks), block quotes and HTML are not mentions, nor is anything in an
// ignored text (see Ignored).
func (f *Finder) Mentions(t Text, issue ref.Ref) []Mention {
	if issue.IsZero() || f.Ignored(t) || t.Body == "" {
		return nil
	}
	if !strings.Contains(t.Body, strconv.Itoa(issue.Number)) {
		return nil // the common case: a text that does not name the number at all
	}
	repo := issue.FullName()
	baseSame := !t.Base.IsZero() && f.sameRepo(t.Base.FullName(), repo)
	src, hits := f.scan(t.Body)
	starts := lineStarts(src)
	var out []Mention
	seen := map[int]bool{}
	for _, h := range hits {
		if h.number != issue.Number {
			continue
		}
		if h.owner == "" && !baseSame || h.owner != "" && !f.sameRepo(h.owner+"/"+h.repo, repo) {
			continue
		}
		line := lineAt(starts, h.off)
		if seen[line] {
			continue
		}
		seen[line] = true
		out = append(out, Mention{Line: line, Subgoal: subgoalAfter(src, starts, line, h.end)})
	}
	return out
}

// Links returns the issues and pull requests t references, in order of
// first mention, without t.Base itself: the items an owner's update
// comment on a tracking issue links. A #N is resolved against t.Base's
// repository (none when Base is zero); repositories are normalised as
// ref.New does. Code, block quotes, HTML and ignored texts give nothing.
func (f *Finder) Links(t Text) []ref.Ref {
	if f.Ignored(t) || t.Body == "" {
		return nil
	}
	_, hits := f.scan(t.Body)
	var out []ref.Ref
	seen := map[ref.Ref]bool{t.Base: true}
	for _, h := range hits {
		var r ref.Ref
		switch {
		case h.owner != "":
			r = ref.New(h.owner, h.repo, h.number)
		case !t.Base.IsZero():
			r = ref.New(t.Base.Owner, t.Base.Repo, h.number)
		default:
			continue
		}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// textHits returns the references in a run of adjacent text nodes.
func textHits(src []byte, run []*ast.Text) []hit {
	var b strings.Builder
	offs := make([]int, 0, len(run))
	for _, t := range run {
		offs = append(offs, b.Len())
		b.Write(t.Value(src))
		if t.SoftLineBreak() || t.HardLineBreak() {
			b.WriteByte('\n')
		}
	}
	str := b.String()
	if strings.IndexByte(str, '#') < 0 {
		return nil
	}
	offAt := func(pos int) int {
		i := len(offs) - 1
		for i > 0 && offs[i] > pos {
			i--
		}
		return run[i].Segment.Start + pos - offs[i]
	}
	var out []hit
	for _, m := range issueRe.FindAllStringSubmatchIndex(str, -1) {
		if m[0] > 0 && !boundaryBefore(str[m[0]-1]) || m[1] < len(str) && isWordByte(str[m[1]]) {
			continue
		}
		n, err := strconv.Atoi(str[m[6]:m[7]])
		if err != nil || n <= 0 {
			continue
		}
		h := hit{number: n, off: offAt(m[0]), end: offAt(m[1]-1) + 1}
		if m[2] >= 0 {
			h.owner, h.repo = str[m[2]:m[3]], str[m[4]:m[5]]
		}
		out = append(out, h)
	}
	return out
}

// boundaryBefore reports whether c may precede a reference.
func boundaryBefore(c byte) bool {
	return !isWordByte(c) && c != '/' && c != '.' && c != '&' && c != '#' && c != '-' && c != '@'
}

// isWordByte reports whether c is an ASCII letter, digit or underscore.
func isWordByte(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// nodeSpan returns where a link or autolink starts and ends in src, the
// end past its closing ")", "]" or ">".
func nodeSpan(n ast.Node, src []byte) (int, int) {
	start := n.Pos()
	if start < 0 || start > len(src) {
		return 0, 0
	}
	if al, ok := n.(*ast.AutoLink); ok {
		label := al.Label(src)
		end := start
		if i := bytes.Index(src[start:], label); i >= 0 {
			end = start + i + len(label)
		}
		if end < len(src) && src[end] == '>' {
			end++
		}
		return start, end
	}
	end := start
	var visit func(n ast.Node)
	visit = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				end = max(end, t.Segment.Stop)
			}
			visit(c)
		}
	}
	visit(n)
	// Skip the rest of the link syntax: ](url) or ][label].
	if end < len(src) && src[end] == ']' {
		end++
		if end < len(src) && (src[end] == '(' || src[end] == '[') {
			closer := byte(')')
			if src[end] == '[' {
				closer = ']'
			}
			if j := bytes.IndexByte(src[end:], closer); j >= 0 {
				return start, end + j + 1
			}
		}
	}
	return start, end
}

// subgoalRe reads what a reference line names after the reference: a
// separator (":", a dash, "→", ", subgoal:") then the subgoal's name, or
// a parenthesised name.
var subgoalRe = regexp.MustCompile(`(?i)^[\s*_\])>]*(?:(?::|—|–|-|→|->|,\s*subgoal\s*:?)\s*(?:subgoal\s*:?\s*)?(.+)|\(\s*(?:subgoal\s*:?\s*)?([^()]+)\))`)

// subgoalAfter returns the subgoal a reference line names after the
// reference ending at end, or "".
func subgoalAfter(src []byte, starts []int, line, end int) string {
	lineEnd := len(src)
	if line < len(starts) {
		lineEnd = starts[line] - 1
	}
	if end < 0 || end > lineEnd {
		return ""
	}
	rest := string(src[end:lineEnd])
	m := subgoalRe.FindStringSubmatch(rest)
	if m == nil {
		return ""
	}
	name := m[1]
	if name == "" {
		name = m[2]
	}
	name = strings.Trim(strings.TrimSpace(name), "*_`\"'“”.;,")
	if name == "" || len(name) > 200 {
		return ""
	}
	return strings.Join(strings.Fields(name), " ")
}

// lineStarts returns the offset where each line of src starts.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineAt returns the 1-based line holding offset off.
func lineAt(starts []int, off int) int {
	lo, hi := 0, len(starts)
	for lo < hi {
		mid := (lo + hi) / 2
		if starts[mid] <= off {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}
