package fcp

import "time"

// Rebuild returns an item's FCP and MCP state read from a listing of its
// comments (each with its created_at, its updated_at and its current body),
// its labels now, whether it is closed and when it was last updated (at).
// It is what `/goal refresh`, `/goal track` and sync use, and it gives the
// state webhooks give for the same events in any order: phases are ordered
// by when each comment was posted, an edited status comment gives
// reviewers and concerns only, and the labels and the closed state are a
// snapshot at at.
func (p Parser) Rebuild(comments []Comment, labels []string, closed bool, at time.Time) (State, MCP) {
	s, m := State{Phase: PhaseNone}, MCP{Phase: MCPNone}
	for _, c := range comments {
		if e, ok := p.ParseComment(c); ok {
			s, m = s.Apply(e), m.Apply(e)
		}
	}
	s, m = s.ApplyLabels(labels, at), m.ApplyLabels(labels, at)
	if closed {
		e := NewClosedEvent(true, at)
		s, m = s.Apply(e), m.Apply(e)
	}
	return s, m
}
