package fcp

import (
	"sort"
	"strings"
	"time"
)

// MCPPhase is where a major change proposal (triagebot) stands.
type MCPPhase string

// MCP phases.
const (
	MCPNone     MCPPhase = "none"
	MCPProposed MCPPhase = "proposed" // major-change, awaiting a second
	MCPSeconded MCPPhase = "seconded" // final-comment-period: the waiting period runs
	MCPBlocked  MCPPhase = "blocked"  // has-concerns
	MCPAccepted MCPPhase = "accepted" // major-change-accepted
	MCPClosed   MCPPhase = "closed"   // closed without acceptance
)

// triagebot's labels as compiler-team configures them (triagebot-mcp.md §1.1).
const (
	LabelSecond      = "final-comment-period"
	LabelHasConcerns = "has-concerns"
	LabelAccepted    = "major-change-accepted"
)

// MCPWaitingPeriod is the time from the second (or from the last concern
// resolved while seconded) to acceptance.
const MCPWaitingPeriod = 10 * 24 * time.Hour

// mcpLabels are the labels the MCP state tracks.
// The disposition labels are tracked too: with one of them,
// final-comment-period is rfcbot's FCP on the item, not a second.
var mcpLabels = map[string]bool{LabelMajorChange: true, LabelSecond: true, LabelHasConcerns: true, LabelAccepted: true,
	LabelMerge: true, LabelClose: true, LabelPostpone: true}

// MCP is the major-change state of one item, stored as JSON. The phase is a
// function of the tracked labels (each with the time of its newest event)
// and of the open/closed state, so late deliveries never roll a newer fact
// back. triagebot's opening and acceptance comments and its concern section
// count as the labels they stand for, since a missing label is not a
// disagreement.
type MCP struct {
	Phase      MCPPhase  `json:"phase"`
	SecondedAt time.Time `json:"seconded_at,omitzero"` // the second label's event; zero when known only from a snapshot (shown, not used for End)
	SecondedBy string    `json:"seconded_by,omitempty"`
	// End is when the waiting period ends: ten days after the newest
	// "@rustbot second" comment, or after the concerns were last resolved
	// while seconded (triagebot restarts the clock then). It is dated by
	// comments only, which webhooks and a comment listing both have; a
	// second seen only as a label has no known end.
	End      time.Time `json:"end,omitzero"`
	Concerns []Concern `json:"concerns,omitempty"`
	Closed   bool      `json:"closed,omitempty"`

	ClosedAt          time.Time            `json:"closed_at,omitzero"`           // event that set Closed
	ConcernsClearedAt time.Time            `json:"concerns_cleared_at,omitzero"` // has-concerns last removed
	ConcernsAt        time.Time            `json:"concerns_at,omitzero"`         // issue-body concern section behind Concerns
	Labels            []string             `json:"labels,omitempty"`
	LabelAt           map[string]time.Time `json:"label_at,omitempty"`
	UpdatedAt         time.Time            `json:"updated_at,omitzero"`

	// SecondCommandAt and ResolveCommandAt are when the newest
	// "@rustbot second" and "@rustbot resolve" comments were posted. They
	// date the waiting period when known (a comment listing has them, a
	// label snapshot has no times); the label events date it otherwise.
	SecondCommandAt  time.Time `json:"second_command_at,omitzero"`
	ResolveCommandAt time.Time `json:"resolve_command_at,omitzero"`
	// ConcernCommands are the "@rustbot concern/resolve" lines seen, by
	// concern name; they make the concern list while no concern section of
	// the issue body was seen.
	ConcernCommands map[string]ConcernCommands `json:"concern_commands,omitempty"`

	// PhaseBy says which label, comment or state change set Phase,
	// SecondBy which comment seconded it, LabelBy what set each label (for
	// goalbot status --explain).
	PhaseBy  *Provenance           `json:"phase_by,omitempty"`
	SecondBy *Provenance           `json:"second_by,omitempty"`
	LabelBy  map[string]Provenance `json:"label_by,omitempty"`
}

// ConcernCommands is what the "@rustbot concern NAME" and "@rustbot resolve
// NAME" comments of one concern say: the first raise (who and where) and
// the newest raise and resolve. The concern is resolved when it was
// resolved after it was last raised.
type ConcernCommands struct {
	RaisedAt     time.Time `json:"raised_at,omitzero"`      // first raised (re-raising is ignored)
	LastRaisedAt time.Time `json:"last_raised_at,omitzero"` // last raised
	Seq          int       `json:"seq,omitempty"`           // line of the first raise in its comment, for order
	By           string    `json:"by,omitempty"`
	URL          string    `json:"url,omitempty"`
	ResolvedAt   time.Time `json:"resolved_at,omitzero"`
	ResolvedURL  string    `json:"resolved_url,omitempty"`
}

// Unresolved returns the concerns not yet resolved.
func (m MCP) Unresolved() []Concern { return unresolved(m.Concerns) }

// HasLabel reports whether the tracked label name is on the item.
func (m MCP) HasLabel(name string) bool { return hasLabel(m.Labels, name) }

// Detail returns the short text shown after an MCP status: "awaiting a
// second", "seconded, ends 2024-08-20", "blocked, 1 concern", "accepted",
// "closed".
func (m MCP) Detail() string {
	switch m.Phase {
	case MCPProposed:
		return "awaiting a second"
	case MCPSeconded:
		if m.End.IsZero() {
			return "seconded"
		}
		return "seconded, ends " + m.End.UTC().Format(time.DateOnly)
	case MCPBlocked:
		if n := len(m.Unresolved()); n > 0 {
			return "blocked, " + plural(n, "concern")
		}
		return "blocked"
	case MCPAccepted:
		return "accepted"
	case MCPClosed:
		return "closed"
	}
	return ""
}

// Apply returns m with e applied: label changes, closing and reopening,
// triagebot's opening and acceptance comments, the concern section of the
// issue body, and human "@rustbot second/concern/resolve" lines (which only
// name the seconder and list concerns while no concern section was seen;
// triagebot may have refused them). Events of other kinds leave m as is.
func (m MCP) Apply(e Event) MCP {
	m = m.clone()
	switch e.Kind {
	case KindLabel:
		name := strings.ToLower(e.Label.Label)
		if !mcpLabels[name] {
			return m
		}
		m.label(name, e.Label.Added, e.Label.At, dated, Provenance{Source: "label", What: labelWhat(name, e.Label.Added), Label: name, At: e.Label.At})
	case KindClosed:
		if e.At.Before(m.ClosedAt) {
			break
		}
		m.Closed, m.ClosedAt = e.Closed, e.At
	case KindMCPOpened:
		m.label(LabelMajorChange, true, e.At, dated, commentBy(e, "triagebot's opening comment"))
	case KindMCPAccepted:
		m.label(LabelAccepted, true, e.At, dated, commentBy(e, "triagebot's acceptance comment"))
	case KindMCPConcerns:
		if e.At.Before(m.ConcernsAt) {
			break
		}
		m.Concerns, m.ConcernsAt = mergeMCPConcerns(m.Concerns, e.Concerns), e.At
		m.label(LabelHasConcerns, len(unresolved(e.Concerns)) > 0, e.At, restated, Provenance{Source: "issue body", What: "triagebot's concern section", At: e.At})
	case KindCommand:
		m.commands(e)
	default:
		return m
	}
	if e.At.After(m.UpdatedAt) {
		m.UpdatedAt = e.At
	}
	m.derive()
	return m
}

// How a label change is known, which decides whether its time dates the
// second and the clearing of concerns.
const (
	dated    = iota // a label event (or a comment standing for one): its time is when it happened
	restated        // the issue body restating its concerns: dates only a change
	snapshot        // a label snapshot: the time is when it was read, not when it happened
)

// labelWhat describes a label event.
func labelWhat(name string, added bool) string {
	if added {
		return "label " + name + " added"
	}
	return "label " + name + " removed"
}

// commentBy is the provenance of a fact a comment set.
func commentBy(e Event, what string) Provenance {
	return Provenance{Source: "comment", What: what, ID: e.ID, URL: e.URL, Author: e.Author, At: e.At, Version: e.Version}
}

// label applies one label change known as how, set by by.
func (m *MCP) label(name string, added bool, at time.Time, how int, by Provenance) {
	was := m.HasLabel(name)
	if !setLabel(&m.Labels, &m.LabelAt, name, added, at) {
		return
	}
	if m.LabelBy == nil {
		m.LabelBy = map[string]Provenance{}
	}
	m.LabelBy[name] = by
	if name == LabelSecond && !added {
		m.SecondedAt = time.Time{}
	}
	switch {
	case how == snapshot:
	case name == LabelSecond && added && !was:
		m.SecondedAt = at
	case name == LabelHasConcerns && !added && how == restated && was:
		// The issue body's concern section cleared: triagebot restarts
		// the waiting period.
		if at.After(m.ConcernsClearedAt) {
			m.ConcernsClearedAt = at
		}
	}
}

// commands applies a human's @rustbot lines, newest comment winning for
// each fact whatever the order they arrive in.
func (m *MCP) commands(e Event) {
	for i, c := range e.Commands {
		if c.Bot != "rustbot" {
			continue
		}
		switch c.Verb {
		case "second":
			if !e.At.Before(m.SecondCommandAt) {
				m.SecondCommandAt, m.SecondedBy = e.At, e.Author
				by := commentBy(e, "@rustbot second")
				m.SecondBy = &by
			}
		case "concern", "resolve":
			if m.ConcernCommands == nil {
				m.ConcernCommands = map[string]ConcernCommands{}
			}
			cc := m.ConcernCommands[c.Arg]
			if c.Verb == "concern" {
				if cc.RaisedAt.IsZero() || e.At.Before(cc.RaisedAt) {
					cc.RaisedAt, cc.By, cc.URL, cc.Seq = e.At, e.Author, e.URL, i
				}
				if e.At.After(cc.LastRaisedAt) {
					cc.LastRaisedAt = e.At
				}
			}
			if c.Verb == "resolve" {
				if !e.At.Before(cc.ResolvedAt) {
					cc.ResolvedAt, cc.ResolvedURL = e.At, e.URL
				}
				if e.At.After(m.ResolveCommandAt) {
					m.ResolveCommandAt = e.At
				}
			}
			m.ConcernCommands[c.Arg] = cc
		}
	}
	if m.ConcernsAt.IsZero() {
		m.Concerns = m.commandConcerns()
	}
}

// commandConcerns lists the concerns the commands raised, oldest first.
func (m *MCP) commandConcerns() []Concern {
	var out []Concern
	for name, cc := range m.ConcernCommands {
		if cc.RaisedAt.IsZero() {
			continue // resolved, but its raising not seen
		}
		c := Concern{Name: name, URL: cc.URL, By: cc.By}
		if cc.ResolvedAt.After(cc.LastRaisedAt) {
			c.Resolved, c.ResolvedURL = true, cc.ResolvedURL
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := m.ConcernCommands[out[i].Name], m.ConcernCommands[out[j].Name]
		if !a.RaisedAt.Equal(b.RaisedAt) {
			return a.RaisedAt.Before(b.RaisedAt)
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// derive sets Phase, PhaseBy and End from the labels, the open/closed
// state and the commands.
func (m *MCP) derive() {
	by := func(label string) *Provenance {
		if p, ok := m.LabelBy[label]; ok {
			return &p
		}
		return &Provenance{Source: "label", What: "label " + label, Label: label, At: m.LabelAt[label]}
	}
	switch {
	case m.HasLabel(LabelAccepted):
		m.Phase, m.PhaseBy = MCPAccepted, by(LabelAccepted)
	case m.Closed:
		m.Phase, m.PhaseBy = MCPClosed, &Provenance{Source: "closed", What: "item closed", At: m.ClosedAt}
	case m.HasLabel(LabelHasConcerns):
		m.Phase, m.PhaseBy = MCPBlocked, by(LabelHasConcerns)
	case m.seconded():
		m.Phase, m.PhaseBy = MCPSeconded, by(LabelSecond)
	case m.HasLabel(LabelMajorChange):
		m.Phase, m.PhaseBy = MCPProposed, by(LabelMajorChange)
	default:
		m.Phase, m.PhaseBy = MCPNone, nil
	}
	m.End = time.Time{}
	if !m.seconded() || m.SecondCommandAt.IsZero() {
		return // not seconded, or when is unknown (a label's time is not in a comment listing)
	}
	base := m.SecondCommandAt
	if m.ResolveCommandAt.After(base) && !m.HasLabel(LabelHasConcerns) {
		base = m.ResolveCommandAt // concerns resolved while seconded: the clock restarts
	}
	if m.ConcernsClearedAt.After(base) {
		base = m.ConcernsClearedAt
	}
	m.End = base.Add(MCPWaitingPeriod)
}

// seconded reports whether the second label is on and means a second: on
// an item with an rfcbot disposition it is rfcbot's FCP label.
func (m *MCP) seconded() bool {
	return m.HasLabel(LabelSecond) && !m.HasLabel(LabelMerge) && !m.HasLabel(LabelClose) && !m.HasLabel(LabelPostpone)
}

// ApplyLabels brings m to the label snapshot labels read at time at. A
// second seen only in a snapshot has no known time, so End stays unknown
// until a label event dates it.
func (m MCP) ApplyLabels(labels []string, at time.Time) MCP {
	m = m.clone()
	want := wanted(labels, mcpLabels)
	for l := range mcpLabels {
		if by, ok := m.LabelBy[l]; ok && !want[l] && by.Source == "comment" && !at.After(m.LabelAt[l]) {
			continue // triagebot's comment stands for the label; a snapshot no newer cannot say it was removed since
		}
		if want[l] != m.HasLabel(l) {
			m.label(l, want[l], at, snapshot, Provenance{Source: "labels", What: "label snapshot: " + labelWhat(l, want[l])})
		}
	}
	if at.After(m.UpdatedAt) {
		m.UpdatedAt = at
	}
	m.derive()
	return m
}

// MCPFromLabels returns the MCP state of an item seen only through its
// labels and open/closed state at time at.
func MCPFromLabels(labels []string, closed bool, at time.Time) MCP {
	m := MCP{Phase: MCPNone}
	if closed {
		m.Closed, m.ClosedAt = true, at
	}
	return m.ApplyLabels(labels, at)
}

// mergeMCPConcerns keeps who raised each concern when the issue body's
// section (which does not name them) replaces the list.
func mergeMCPConcerns(old, next []Concern) []Concern {
	out := make([]Concern, len(next))
	copy(out, next)
	for i, c := range out {
		if j := indexConcern(old, c.Name); j >= 0 && c.By == "" {
			out[i].By = old[j].By
		}
	}
	return out
}

// indexConcern returns the index of the concern named name, -1 if none.
func indexConcern(cs []Concern, name string) int {
	for i, c := range cs {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func (m MCP) clone() MCP {
	m.Concerns = append([]Concern(nil), m.Concerns...)
	m.Labels = append([]string(nil), m.Labels...)
	m.LabelAt = cloneMap(m.LabelAt)
	m.LabelBy = cloneMap(m.LabelBy)
	m.ConcernCommands = cloneMap(m.ConcernCommands)
	if m.PhaseBy != nil {
		p := *m.PhaseBy
		m.PhaseBy = &p
	}
	if m.SecondBy != nil {
		p := *m.SecondBy
		m.SecondBy = &p
	}
	return m
}
