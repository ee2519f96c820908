// Package render writes the text goalbot posts on GitHub: the living status
// comment of a goal's tracking issue and transition notices (DESIGN §8).
// Everything copied from GitHub passes through Escape, so that a title
// cannot break the table, inject a marker or ping anyone. It is pure: same
// input, same bytes.
package render

import (
	"strings"
	"unicode/utf8"
)

// zwsp is written after every "@" in escaped text. GitHub only turns
// "@login" into a mention (and a notification) when a login character
// follows the "@"; an HTML-escaped zero-width space between them renders as
// nothing, keeps the source ASCII and pings nobody (Renovate does the same).
const zwsp = "&#8203;"

// Escape makes text copied from GitHub (titles, concern names, details) safe
// inside a markdown table cell or a sentence:
//
//   - newlines and other line or paragraph separators become spaces, so the
//     text cannot start a line (no "TL;DR:", "Help wanted:", heading or row);
//   - other control and bidirectional-override characters are dropped;
//   - "|", "\", "`", "*", "_", "[", "]", "~" and "$" are escaped with a
//     backslash (no cell breaks, code spans, emphasis, links, images,
//     strikethrough or math);
//   - "&", "<" and ">" become entities, so "<!--" cannot open a comment or
//     forge a marker and no HTML tag survives;
//   - "@" is followed by a zero-width space so "@login" pings nobody, and
//     so is "#" before a digit: "#123" and "owner/repo#123" would link an
//     issue, and a reference adds a "mentioned this" entry to its timeline
//     every time goalbot writes it.
func Escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case c == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			b.WriteByte(' ')
		case c == '\n' || c == '\t' || c == '\v' || c == '\f' || c == '\u2028' || c == '\u2029' || c == '\u0085':
			b.WriteByte(' ')
		case c == utf8.RuneError && size == 1, dropped(c):
			// invalid UTF-8, controls and direction overrides
		case strings.ContainsRune("|\\`*_[]~$", c):
			b.WriteByte('\\')
			b.WriteRune(c)
		case c == '&':
			b.WriteString("&amp;")
		case c == '<':
			b.WriteString("&lt;")
		case c == '>':
			b.WriteString("&gt;")
		case c == '@':
			b.WriteString("@" + zwsp)
		case c >= '0' && c <= '9' && strings.HasSuffix(b.String(), "#"):
			// After what was written, not after the input's next byte: a
			// dropped control or invalid byte between "#" and the digit
			// must not join them (found by FuzzNoPing).
			b.WriteString(zwsp)
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// dropped reports whether Escape drops c: C0 and C1 controls, DEL, the
// byte-order mark and the bidirectional embedding, override and isolate
// controls (which can make text read differently from what it is).
func dropped(c rune) bool {
	switch {
	case c < 0x20, c >= 0x7f && c < 0xa0, c == 0xfeff:
		return true
	case c >= 0x202a && c <= 0x202e, c >= 0x2066 && c <= 0x2069:
		return true
	}
	return false
}

// Login writes a GitHub login as inline code ("`octocat`"), which GitHub
// shows as the name without mentioning anyone. A leading "@" is removed and
// characters a login cannot hold are dropped; "" gives "".
func Login(s string) string {
	s = strings.TrimLeft(strings.TrimSpace(s), "@")
	var b strings.Builder
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '[' || c == ']' {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "`" + b.String() + "`"
}

// Marker prefixes.
const (
	markerPrefix = "<!-- goalbot:status goal="
	noticePrefix = "<!-- goalbot:notice goal="
	markerSuffix = " -->"
)

// Marker returns the hidden first line of a goal's living status comment,
// "<!-- goalbot:status goal=ID -->", with the ID sanitised (see SafeID).
func Marker(goalID string) string { return markerPrefix + SafeID(goalID) + markerSuffix }

// ParseMarker reads the goal ID from the first line of a comment body and
// reports whether that line is a status-comment marker with a well-formed
// ID. Markers further down (quoted or forged) do not count.
func ParseMarker(body string) (goalID string, ok bool) {
	id, found := markerValue(body, markerPrefix)
	if !found || id == "" || SafeID(id) != id {
		return "", false
	}
	return id, true
}

// markerValue returns what stands between prefix and the marker's end on
// the first line of body (a byte-order mark and surrounding space ignored).
func markerValue(body, prefix string) (string, bool) {
	line, _, _ := strings.Cut(body, "\n")
	line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
	rest, found := strings.CutPrefix(line, prefix)
	if !found {
		return "", false
	}
	return strings.CutSuffix(rest, markerSuffix)
}

// SafeID returns goalID reduced to what may sit inside an HTML comment and
// a code span: letters, digits and "._/-", every other run of characters
// replaced by one "-", no "--", no leading or trailing "-". An ID with
// nothing left is "unknown".
func SafeID(goalID string) string {
	var b strings.Builder
	dash := false
	for _, c := range goalID {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '/' {
			b.WriteRune(c)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.TrimRight(b.String(), "-")
	if id == "" {
		return "unknown"
	}
	return id
}

// clip cuts s to at most n runes, ending in "…" when it cut. It works on the
// raw text, before escaping, so it never splits an escape sequence.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n-1 {
			return strings.TrimRight(s[:pos], " ") + "…"
		}
		i++
	}
	return s
}

// Quiet neutralises what could ping someone, reference an issue or open
// HTML in a message goalbot composed around user input (a refusal quoting
// the command someone typed), while keeping the message's own markdown.
// It is safe by construction, whatever the backticks: every "@", every "#"
// before a digit and every "&" is neutralised, in code spans and out of
// them. Outside a code span "@" and "#" get an HTML-escaped zero-width
// space after them and "<" and "&" become entities. Inside a code span
// (found line by line with CommonMark's rule: a run of n backticks up to
// the next run of exactly n, a backslash-escaped backtick opening nothing)
// entities would show, so a raw zero-width space follows the character
// instead: invisible, and still no mention, reference or entity if GitHub
// saw the span differently. "<" inside a span is left as it is, so the
// help's "<tracking-issue>" stays copyable; misread, it could hide text,
// never ping.
func Quiet(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for line := range strings.SplitAfterSeq(s, "\n") {
		quietLine(&b, line)
	}
	return b.String()
}

// quietLine writes one line of Quiet's input to b.
func quietLine(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '`' || s[i+1] == '\\'):
			// An escaped backtick opens no span; an escaped backslash
			// escapes nothing after it.
			b.WriteString(s[i : i+2])
			i += 2
		case c == '`':
			n := backticks(s[i:])
			end := closingRun(s, i+n, n)
			if end < 0 {
				b.WriteString(s[i : i+n])
				i += n
				continue
			}
			b.WriteString(s[i : i+n])
			for j := i + n; j < end; j++ {
				b.WriteByte(s[j])
				if s[j] != '<' && neutral(s, j) {
					b.WriteString("\u200b")
				}
			}
			b.WriteString(s[end : end+n])
			i = end + n
		case c == '<':
			b.WriteString("&lt;")
			i++
		case c == '&':
			b.WriteString("&amp;")
			i++
		case neutral(s, i):
			b.WriteByte(c)
			b.WriteString(zwsp)
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
}

// neutral reports whether s[i] needs a zero-width space after it: "@",
// "<", "&", and "#" before a digit.
func neutral(s string, i int) bool {
	switch s[i] {
	case '@', '<', '&':
		return true
	case '#':
		return i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9'
	}
	return false
}

// backticks returns the length of the run of backticks s starts with.
func backticks(s string) int {
	n := 0
	for n < len(s) && s[n] == '`' {
		n++
	}
	return n
}

// closingRun returns where the first run of exactly n backticks at or after
// from starts in s, or -1.
func closingRun(s string, from, n int) int {
	for j := from; j < len(s); {
		if s[j] != '`' {
			j++
			continue
		}
		m := backticks(s[j:])
		if m == n {
			return j
		}
		j += m
	}
	return -1
}
