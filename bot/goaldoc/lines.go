package goaldoc

import "strings"

// The line reader finds the document's structure the way the goals
// repository's own tooling does: '#' lines open sections, and runs of
// lines starting with '|' whose second line is a delimiter row are tables.
// Unlike upstream it skips fenced code and HTML comments, and honours \|.

// heading is one ATX heading.
type heading struct {
	level int
	text  string // raw inline markdown, closing #s removed
	line  int
}

// table is one pipe table with its header, as raw cell strings.
type table struct {
	header []string
	rows   []row
	line   int // the header's line
}

// row is one data row of a table.
type row struct {
	cells []string // raw inline markdown, trimmed; padded to the header's width
	line  int
}

// block is a heading or a table, in document order.
type block struct {
	heading *heading
	table   *table
}

// splitLines returns src's lines with CRLF and lone CR endings normalised,
// and the normalised text itself (which goldmark parses, so offsets agree).
func splitLines(src []byte) ([]string, []byte) {
	norm := src
	if strings.ContainsRune(string(src), '\r') {
		s := strings.ReplaceAll(string(src), "\r\n", "\n")
		norm = []byte(strings.ReplaceAll(s, "\r", "\n"))
	}
	lines := strings.Split(string(norm), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines, norm
}

// readBlocks returns the headings and tables of lines; malformed tables are
// reported through errf with a 1-based line.
func readBlocks(lines []string, errf func(line int, format string, args ...any)) []block {
	var out []block
	var hid hidden
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if hid.skip(l) {
			continue
		}
		t := strings.TrimSpace(l)
		if h, ok := parseHeading(l); ok {
			h.line = i + 1
			out = append(out, block{heading: &h})
			continue
		}
		if !strings.HasPrefix(t, "|") {
			continue
		}
		// A table needs a delimiter row right after its header.
		if i+1 >= len(lines) {
			continue
		}
		delim, isDelim := splitRow(lines[i+1])
		if !isDelim || !isDelimiterRow(delim) {
			continue
		}
		header, _ := splitRow(l)
		tb := &table{header: header, line: i + 1}
		if len(delim) != len(header) {
			errf(i+2, "table delimiter row has %d cells, header has %d", len(delim), len(header))
		}
		i += 2
		for ; i < len(lines); i++ {
			cells, ok := splitRow(lines[i])
			if !ok {
				break
			}
			if isDelimiterRow(cells) {
				errf(i+1, "second delimiter row in table (header at line %d)", tb.line)
				continue
			}
			if len(cells) > len(header) {
				errf(i+1, "table row has %d cells, header has %d (escape | inside a cell as \\|)", len(cells), len(header))
				cells = cells[:len(header)]
			}
			for len(cells) < len(header) {
				cells = append(cells, "")
			}
			tb.rows = append(tb.rows, row{cells: cells, line: i + 1})
		}
		i-- // the loop's i++ revisits the line that ended the table
		out = append(out, block{table: tb})
	}
	return out
}

// hidden follows the fenced code blocks and HTML comments of a document
// read line by line: lines goldmark shows as neither prose nor tables.
type hidden struct {
	fence     string // the open code fence, "" outside one
	inComment bool
}

// skip reports whether line l is hidden — inside, opening or closing a
// fenced code block or an HTML comment — and moves past it.
func (h *hidden) skip(l string) bool {
	switch {
	case h.fence != "":
		if isFenceClose(strings.TrimSpace(l), h.fence) {
			h.fence = ""
		}
		return true
	case h.inComment:
		if strings.Contains(l, "-->") {
			h.inComment = false
		}
		return true
	}
	if f := fenceOpen(l); f != "" {
		h.fence = f
		return true
	}
	if rest, ok := strings.CutPrefix(strings.TrimLeft(l, " "), "<!--"); ok {
		h.inComment = !strings.Contains(rest, "-->")
		return true
	}
	return false
}

// fenceOpen returns the fence marker (``` or ~~~ run) when l opens a
// fenced code block.
func fenceOpen(l string) string {
	t := strings.TrimLeft(l, " \t")
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(t) && t[n] == c {
			n++
		}
		if n >= 3 {
			if c == '`' && strings.ContainsRune(t[n:], '`') {
				return "" // a backtick fence's info string has no backticks
			}
			return t[:n]
		}
	}
	return ""
}

// isFenceClose reports whether the trimmed line t closes the fence.
func isFenceClose(t, fence string) bool {
	if !strings.HasPrefix(t, fence) {
		return false
	}
	return strings.Trim(t, fence[:1]) == ""
}

// parseHeading reads an ATX heading (up to three spaces of indent).
func parseHeading(l string) (heading, bool) {
	indent := len(l) - len(strings.TrimLeft(l, " "))
	if indent > 3 {
		return heading{}, false
	}
	t := l[indent:]
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(t) && t[n] != ' ' && t[n] != '\t') {
		return heading{}, false
	}
	text := strings.TrimSpace(t[n:])
	// Drop an optional closing sequence of #s preceded by a space.
	if trimmed := strings.TrimRight(text, "#"); trimmed != text {
		if trimmed == "" {
			text = ""
		} else if strings.HasSuffix(trimmed, " ") || strings.HasSuffix(trimmed, "\t") {
			text = strings.TrimSpace(trimmed)
		}
	}
	return heading{level: n, text: text}, true
}

// splitRow splits a table line into trimmed cells, honouring \| escapes;
// ok is false when the line is not a table row (does not start with |).
func splitRow(l string) (cells []string, ok bool) {
	t := strings.TrimSpace(l)
	if !strings.HasPrefix(t, "|") {
		return nil, false
	}
	t = t[1:]
	var cur strings.Builder
	escaped := false
	closed := false
	for _, r := range t {
		closed = false
		switch {
		case escaped:
			// Keep the backslash: goldmark then reads \| as a literal pipe.
			escaped = false
			cur.WriteByte('\\')
			cur.WriteRune(r)
		case r == '\\':
			escaped = true
		case r == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
			closed = true
		default:
			cur.WriteRune(r)
		}
	}
	if escaped {
		cur.WriteByte('\\')
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" || !closed {
		// Text after the last pipe (or a row without a closing pipe) is
		// one more cell, as in GFM.
		if rest != "" || len(cells) == 0 {
			cells = append(cells, rest)
		}
	}
	return cells, true
}

// isDelimiterRow reports whether every cell is a delimiter like ---, :--:.
func isDelimiterRow(cells []string) bool {
	if len(cells) == 0 {
		return false
	}
	for _, c := range cells {
		c = strings.TrimSpace(c)
		c = strings.TrimPrefix(c, ":")
		c = strings.TrimSuffix(c, ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return false
		}
	}
	return true
}

// tableKind is what a table holds, told by its header.
type tableKind int

const (
	otherTable tableKind = iota
	metadataTable
	taskTable
	teamTable
)

// kindOf tells what a table is from its header cells.
func kindOf(header []string) tableKind {
	if len(header) == 0 {
		return otherTable
	}
	first := strings.ToLower(plainHeader(header[0]))
	second := ""
	if len(header) > 1 {
		second = strings.ToLower(plainHeader(header[1]))
	}
	switch {
	case first == "metadata":
		return metadataTable
	case (first == "subgoal" || first == "task" || first == "milestone") &&
		(strings.HasPrefix(second, "owner") || strings.HasPrefix(second, "contributor")):
		return taskTable
	case first == "team" && strings.HasPrefix(second, "support level"):
		return teamTable
	}
	return otherTable
}

// plainHeader strips emphasis markers from a header cell.
func plainHeader(s string) string {
	return strings.TrimSpace(strings.Trim(s, "*_ "))
}
