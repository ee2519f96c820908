package fcp

import (
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
var mcpLabels = map[string]bool{LabelMajorChange: true, LabelSecond: true, LabelHasConcerns: true, LabelAccepted: true}

// MCP is the major-change state of one item, stored as JSON. The phase is a
// function of the tracked labels (each with the time of its newest event)
// and of the open/closed state, so late deliveries never roll a newer fact
// back. triagebot's opening and acceptance comments and its concern section
// count as the labels they stand for, since a missing label is not a
// disagreement.
type MCP struct {
	Phase      MCPPhase  `json:"phase"`
	SecondedAt time.Time `json:"seconded_at,omitzero"` // the second label's event; zero when known only from a snapshot
	SecondedBy string    `json:"seconded_by,omitempty"`
	// End is when the waiting period ends: ten days after the second, or
	// after the concerns were last cleared while seconded (triagebot
	// restarts the clock then).
	End      time.Time `json:"end,omitzero"`
	Concerns []Concern `json:"concerns,omitempty"`
	Closed   bool      `json:"closed,omitempty"`

	ClosedAt          time.Time            `json:"closed_at,omitzero"`           // event that set Closed
	ConcernsClearedAt time.Time            `json:"concerns_cleared_at,omitzero"` // has-concerns last removed
	ConcernsAt        time.Time            `json:"concerns_at,omitzero"`         // issue-body concern section behind Concerns
	Labels            []string             `json:"labels,omitempty"`
	LabelAt           map[string]time.Time `json:"label_at,omitempty"`
	UpdatedAt         time.Time            `json:"updated_at,omitzero"`
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
		m.label(name, e.Label.Added, e.Label.At, dated)
	case KindClosed:
		if e.At.Before(m.ClosedAt) {
			break
		}
		m.Closed, m.ClosedAt = e.Closed, e.At
	case KindMCPOpened:
		m.label(LabelMajorChange, true, e.At, dated)
	case KindMCPAccepted:
		m.label(LabelAccepted, true, e.At, dated)
	case KindMCPConcerns:
		if e.At.Before(m.ConcernsAt) {
			break
		}
		m.Concerns, m.ConcernsAt = mergeMCPConcerns(m.Concerns, e.Concerns), e.At
		m.label(LabelHasConcerns, len(unresolved(e.Concerns)) > 0, e.At, restated)
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

// label applies one label change known as how.
func (m *MCP) label(name string, added bool, at time.Time, how int) {
	was := m.HasLabel(name)
	if !setLabel(&m.Labels, &m.LabelAt, name, added, at) {
		return
	}
	if name == LabelSecond && !added {
		m.SecondedAt = time.Time{}
	}
	switch {
	case how == snapshot:
	case name == LabelSecond && added && !was:
		m.SecondedAt = at
	case name == LabelHasConcerns && !added && (was || how == dated):
		// A dated removal counts even when its addition is still on its
		// way (out-of-order delivery); setLabel already refused stale ones.
		if at.After(m.ConcernsClearedAt) {
			m.ConcernsClearedAt = at
		}
	}
}

// commands applies a human's @rustbot lines.
func (m *MCP) commands(e Event) {
	for _, c := range e.Commands {
		if c.Bot != "rustbot" {
			continue
		}
		switch c.Verb {
		case "second":
			m.SecondedBy = e.Author
		case "concern":
			if !m.ConcernsAt.IsZero() || indexConcern(m.Concerns, c.Arg) >= 0 {
				continue // the issue body's section is the record; re-raising is ignored
			}
			m.Concerns = append(m.Concerns, Concern{Name: c.Arg, URL: e.URL, By: e.Author})
		case "resolve":
			if i := indexConcern(m.Concerns, c.Arg); i >= 0 && m.ConcernsAt.IsZero() {
				m.Concerns[i].Resolved, m.Concerns[i].ResolvedURL = true, e.URL
			}
		}
	}
}

// derive sets Phase and End from the labels and the open/closed state.
func (m *MCP) derive() {
	switch {
	case m.HasLabel(LabelAccepted):
		m.Phase = MCPAccepted
	case m.Closed:
		m.Phase = MCPClosed
	case m.HasLabel(LabelHasConcerns):
		m.Phase = MCPBlocked
	case m.HasLabel(LabelSecond):
		m.Phase = MCPSeconded
	case m.HasLabel(LabelMajorChange):
		m.Phase = MCPProposed
	default:
		m.Phase = MCPNone
	}
	m.End = time.Time{}
	if m.HasLabel(LabelSecond) && !m.SecondedAt.IsZero() {
		base := m.SecondedAt
		if m.ConcernsClearedAt.After(base) {
			base = m.ConcernsClearedAt
		}
		m.End = base.Add(MCPWaitingPeriod)
	}
}

// ApplyLabels brings m to the label snapshot labels read at time at. A
// second seen only in a snapshot has no known time, so End stays unknown
// until a label event dates it.
func (m MCP) ApplyLabels(labels []string, at time.Time) MCP {
	m = m.clone()
	want := map[string]bool{}
	for _, l := range labels {
		if l = strings.ToLower(l); mcpLabels[l] {
			want[l] = true
		}
	}
	for l := range mcpLabels {
		if want[l] != m.HasLabel(l) {
			m.label(l, want[l], at, snapshot)
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
	if m.LabelAt != nil {
		at := make(map[string]time.Time, len(m.LabelAt))
		for k, v := range m.LabelAt {
			at[k] = v
		}
		m.LabelAt = at
	}
	return m
}
