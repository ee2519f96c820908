package goaldoc

import (
	"fmt"
	"regexp"
	"strings"
)

// node is a subgoal under construction; the tree is turned into values
// once complete.
type node struct {
	s        Subgoal
	parent   *node
	children []*node
	ask      *TeamAsk // the team ask made from this row, if any
}

// structuralRe matches the template's container headings, which group
// subgoals but are not subgoals themselves.
var structuralRe = regexp.MustCompile(`(?i)^(ownership and\b|work items\b|team asks?\b|tasks and status\b)`)

// readStructure builds the subgoal tree and the team asks from the task
// and team tables, in document order.
func (p *parse) readStructure(blocks []block) {
	var stack []*headInfo // enclosing headings, outermost first
	var current *headInfo
	firstTable := true
	for _, b := range blocks {
		if h := b.heading; h != nil {
			hi := &headInfo{heading: *h, title: p.cell(h.text).plain()}
			p.heads = append(p.heads, hi)
			for len(stack) > 0 && stack[len(stack)-1].level >= h.level {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, hi)
			current = hi
			continue
		}
		t := b.table
		if firstTable {
			firstTable = false
			if kindOf(t.header) == metadataTable {
				continue // the document's metadata, read already
			}
		}
		switch kindOf(t.header) {
		case taskTable:
			p.taskTable(t, p.headingNode(current, stack))
		case teamTable:
			p.teamTable(t)
		}
	}
}

// headingNode returns the subgoal node of the heading a task table sits
// under, making it on first use, or nil when the table's rows are
// top-level (under a # or ## heading, or a template container heading).
func (p *parse) headingNode(h *headInfo, stack []*headInfo) *node {
	if h == nil || h.level < 3 || structuralRe.MatchString(h.title) {
		return nil
	}
	if h.node != nil {
		return h.node
	}
	var parent *node
	for i := len(stack) - 2; i >= 0; i-- {
		if stack[i].node != nil {
			parent = stack[i].node
			break
		}
	}
	h.node = &node{s: Subgoal{Title: h.title, Line: h.line, Heading: true}}
	p.attach(parent, h.node)
	return h.node
}

// attach adds n under parent, or at top level when parent is nil.
func (p *parse) attach(parent, n *node) {
	n.parent = parent
	if parent == nil {
		p.roots = append(p.roots, n)
		return
	}
	parent.children = append(parent.children, n)
}

// checkboxRe matches a task-list box at the start of a task cell.
var checkboxRe = regexp.MustCompile(`^\[([ xX])\]\s*`)

// taskTable makes one node per data row, nesting ↳ rows under the row
// above them with one arrow fewer.
func (p *parse) taskTable(t *table, under *node) {
	var last []*node // last node seen at each arrow depth in this table
	for _, r := range t.rows {
		if strings.TrimSpace(strings.Join(r.cells, "")) == "" {
			continue
		}
		raw, depth := stripArrows(r.cells[0])
		checked := false
		if m := checkboxRe.FindStringSubmatch(raw); m != nil {
			checked = m[1] != " "
			raw = raw[len(m[0]):]
		}
		task := p.cell(raw)
		owner := p.cell(r.cells[1])
		var notes []*scan
		var noteText []string
		for _, c := range r.cells[2:] {
			s := p.cell(c)
			notes = append(notes, s)
			if v := s.plain(); v != "" {
				noteText = append(noteText, v)
			}
		}
		title := task.plain()
		// An arrow inside markup (~~↳ x~~) shows only in the plain text.
		for strings.HasPrefix(title, "↳") {
			title = strings.TrimSpace(strings.TrimPrefix(title, "↳"))
			depth++
		}
		if title == "" {
			p.warnf(r.line, "task row has no title in its first cell")
		}
		badges := append(append([]string{}, task.badges...), owner.badges...)
		for _, n := range notes {
			badges = append(badges, n.badges...)
		}
		all := append([]*scan{task, owner}, notes...)
		n := &node{s: Subgoal{
			Title:   title,
			Line:    r.line,
			Owners:  dedupe(owner.mentions),
			Teams:   dedupe(owner.teams),
			Badges:  dedupe(badges),
			Struck:  task.struck() || owner.struck(),
			Checked: checked,
			Notes:   strings.Join(noteText, " | "),
			Links:   refsOf(all...),
		}}
		n.s.Teams = minus(n.s.Teams, n.s.Owners)
		var parent *node
		switch {
		case depth == 0:
			parent = under
		case depth-1 < len(last) && last[depth-1] != nil:
			parent = last[depth-1]
		default:
			p.warnf(r.line, "↳ row has no parent row above it in its table; kept at the top of the table")
			depth = 0
			parent = under
		}
		p.attach(parent, n)
		last = append(last[:min(depth, len(last))], n)
		if n.s.HasBadge(BadgeTeam) {
			n.s.TeamAsk = true
			teams := n.s.Teams
			if len(teams) == 0 {
				p.warnf(r.line, "team ask %q names no team (write ![Team][] [team])", title)
			}
			ask := TeamAsk{Teams: teams, Ask: title, Struck: n.s.Struck, Line: r.line}
			if len(teams) > 0 {
				ask.Team = teams[0]
			}
			n.ask = &ask
		}
	}
}

// stripArrows removes leading ↳ markers from a raw cell and counts them.
func stripArrows(raw string) (string, int) {
	depth := 0
	raw = strings.TrimSpace(raw)
	for strings.HasPrefix(raw, "↳") {
		raw = strings.TrimSpace(strings.TrimPrefix(raw, "↳"))
		depth++
	}
	return raw, depth
}

// minus returns list without the entries of drop (case-insensitive).
func minus(list, drop []string) []string {
	out := list[:0:0]
	for _, v := range list {
		keep := true
		for _, d := range drop {
			if strings.EqualFold(v, d) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, v)
		}
	}
	return out
}

// supportLevels are the 2026 team-ask levels, by lower-case spelling.
var supportLevels = map[string]string{"small": "Small", "medium": "Medium", "large": "Large"}

// teamTable reads a 2026 "Team | Support level | Notes" table.
func (p *parse) teamTable(t *table) {
	for _, r := range t.rows {
		team := p.cell(r.cells[0])
		name := ""
		if teams := dedupe(team.teams); len(teams) > 0 {
			name = teams[0]
		} else {
			name = strings.ToLower(strings.Trim(team.plain(), "[] "))
		}
		if name == "" || strings.Trim(name, ".… ") == "" {
			continue
		}
		levelText := p.cell(r.cells[1]).plain()
		level, ok := supportLevels[strings.ToLower(levelText)]
		switch {
		case ok:
		case levelText == "":
			p.warnf(r.line, "team ask for %q has no support level (Small, Medium or Large)", name)
		default:
			level = levelText
			p.warnf(r.line, "team ask for %q has support level %q; expected Small, Medium or Large", name, levelText)
		}
		var notes []string
		for _, c := range r.cells[2:] {
			if v := p.cell(c).plain(); v != "" {
				notes = append(notes, v)
			}
		}
		p.doc.TeamAsks = append(p.doc.TeamAsks, TeamAsk{
			Team: name, Teams: []string{name}, Ask: strings.Join(notes, " | "), Level: level, Line: r.line,
		})
	}
}

// finishTree assigns IDs, converts the tree to values, collects the
// pre-2026 team asks in document order and fills Teams when the metadata
// did not name them.
func (p *parse) finishTree() {
	p.seenIDs = map[string]bool{}
	var rowAsks []TeamAsk
	var conv func(ns []*node, prefix string) []Subgoal
	conv = func(ns []*node, prefix string) []Subgoal {
		out := make([]Subgoal, 0, len(ns))
		for _, n := range ns {
			s := n.s
			s.ID = p.uniqueID(prefix + slug(s.Title))
			if n.ask != nil {
				n.ask.Subgoal = s.ID
				rowAsks = append(rowAsks, *n.ask)
			}
			s.Owners = nonNil(s.Owners)
			s.Teams = nonNil(s.Teams)
			s.Badges = nonNil(s.Badges)
			s.Children = conv(n.children, s.ID+"/")
			out = append(out, s)
		}
		return out
	}
	p.doc.Subgoals = conv(p.roots, "")
	// Row asks and table asks never mix in one document era, but if they
	// do, keep them in line order.
	asks := append(append([]TeamAsk{}, rowAsks...), p.doc.TeamAsks...)
	sortAsks(asks)
	p.doc.TeamAsks = asks
	if len(p.doc.Teams) == 0 {
		var teams []string
		for _, a := range asks {
			teams = append(teams, a.Teams...)
		}
		p.doc.Teams = dedupe(teams)
	}
}

// sortAsks orders asks by line (insertion sort: lists are short).
func sortAsks(a []TeamAsk) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j].Line < a[j-1].Line; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// uniqueID returns id, or id-2, id-3, ... when taken.
func (p *parse) uniqueID(id string) string {
	if !p.seenIDs[id] {
		p.seenIDs[id] = true
		return id
	}
	for i := 2; ; i++ {
		c := fmt.Sprintf("%s-%d", id, i)
		if !p.seenIDs[c] {
			p.seenIDs[c] = true
			return c
		}
	}
}

// slug turns a title into a lower-case, dash-separated identifier of at
// most 48 bytes, cut at a word boundary; "item" when nothing is left.
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > 48 {
		s = s[:48]
		if i := strings.LastIndexByte(s, '-'); i > 16 {
			s = s[:i]
		}
		s = strings.TrimRight(s, "-")
	}
	if s == "" {
		return "item"
	}
	return s
}

// nonNil returns list, or an empty slice for nil.
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
