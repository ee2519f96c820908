package fcp

import (
	"fmt"
	"strings"
	"time"
)

// Explanation is one part of an item's state with what set it, so that a
// person can check goalbot's reading of a thread in one step
// (`goalbot status --explain`).
type Explanation struct {
	Part  string      `json:"part"`         // "FCP phase", "FCP reviewers", "MCP phase", …
	Value string      `json:"value"`        // what goalbot read
	By    *Provenance `json:"by,omitempty"` // the comment, label or change that set it; nil when unknown
}

// Explain lists the parts of s and m that say something, each with its
// provenance: the FCP phase, reviewers, concerns and missing-label note,
// then the MCP phase, second and concerns.
func Explain(s State, m MCP) []Explanation {
	var out []Explanation
	if s.phase() != PhaseNone || len(s.Reviewers) > 0 {
		out = append(out, Explanation{Part: "FCP phase", Value: s.phaseText(), By: s.PhaseBy})
		if len(s.Reviewers) > 0 {
			v := fmt.Sprintf("%d/%d reviewed", s.Ticked(), len(s.Reviewers))
			if p := s.Pending(); len(p) > 0 {
				v += "; pending: " + strings.Join(p, ", ")
			}
			out = append(out, Explanation{Part: "FCP reviewers", Value: v, By: s.ReviewBy})
		}
		if len(s.Concerns) > 0 {
			out = append(out, Explanation{Part: "FCP concerns", Value: concernsText(s.Concerns), By: s.ReviewBy})
		}
		if s.LabelMissingNote {
			out = append(out, Explanation{Part: "FCP label note", Value: "rfcbot could not add " + s.MissingLabel + "; the comment stands for it", By: s.noteBy()})
		}
	}
	if m.Phase != "" && m.Phase != MCPNone {
		v := string(m.Phase)
		if d := m.Detail(); d != "" && d != v {
			v = d
		}
		out = append(out, Explanation{Part: "MCP phase", Value: v, By: m.PhaseBy})
		if m.SecondedBy != "" {
			out = append(out, Explanation{Part: "MCP second", Value: "by " + m.SecondedBy, By: m.SecondBy})
		}
		if len(m.Concerns) > 0 {
			by := (*Provenance)(nil)
			if p, ok := m.LabelBy[LabelHasConcerns]; ok {
				by = &p
			}
			out = append(out, Explanation{Part: "MCP concerns", Value: concernsText(m.Concerns), By: by})
		}
	}
	return out
}

// phaseText is the FCP phase with its disposition and dates.
func (s State) phaseText() string {
	v := string(s.phase())
	if s.Disposition != "" {
		v += " (" + string(s.Disposition) + ")"
	}
	switch {
	case s.phase() == PhaseActive && !s.Start.IsZero():
		v += ", started " + day(s.Start) + ", ends " + day(s.End)
	case s.phase() == PhaseActive:
		v += ", start unknown (no :bell: comment seen)"
	case s.phase() == PhaseFinished && !s.End.IsZero():
		v += ", ended " + day(s.End)
	case s.phase() == PhaseCancelled && s.CancelledBy != "":
		v += " by " + s.CancelledBy
	}
	return v
}

// noteBy is the comment that carried rfcbot's missing-label note.
func (s State) noteBy() *Provenance {
	for i := len(s.Posts) - 1; i >= 0; i-- {
		if p := s.Posts[i]; p.MissingLabel == s.MissingLabel {
			return &Provenance{Source: "comment", What: "rfcbot's note", ID: p.ID, URL: p.URL, Author: p.Author, At: p.Created, Version: p.Version}
		}
	}
	return nil
}

// concernsText lists concerns: "2 unresolved: a (raised by x), b; 1 resolved: c".
func concernsText(cs []Concern) string {
	var open, done []string
	for _, c := range cs {
		t := c.Name
		if c.By != "" {
			t += " (raised by " + c.By + ")"
		}
		if c.Resolved {
			done = append(done, t)
		} else {
			open = append(open, t)
		}
	}
	var parts []string
	if len(open) > 0 {
		parts = append(parts, fmt.Sprintf("%d unresolved: %s", len(open), strings.Join(open, ", ")))
	}
	if len(done) > 0 {
		parts = append(parts, fmt.Sprintf("%d resolved: %s", len(done), strings.Join(done, ", ")))
	}
	return strings.Join(parts, "; ")
}

// String says what set a part, in one line: "rfcbot :bell: comment 123 by
// rust-rfcbot at 2024-08-01T12:00:00Z <url>", "label final-comment-period
// (2024-08-01T12:00:00Z)".
func (p Provenance) String() string {
	var b strings.Builder
	b.WriteString(p.What)
	if b.Len() == 0 {
		b.WriteString(p.Source)
	}
	if p.ID != 0 {
		fmt.Fprintf(&b, " %d", p.ID)
	}
	if p.Author != "" {
		b.WriteString(" by " + p.Author)
	}
	switch {
	case !p.At.IsZero() && p.Source == "comment":
		b.WriteString(" at " + p.At.UTC().Format(time.RFC3339))
	case !p.At.IsZero():
		b.WriteString(" (" + p.At.UTC().Format(time.RFC3339) + ")")
	case p.Source == "label" || p.Source == "labels":
		b.WriteString(" (time unknown: read from a label snapshot)")
	}
	if p.Version != "" {
		b.WriteString(" [" + p.Version + "]")
	}
	if p.URL != "" {
		b.WriteString(" " + p.URL)
	}
	return b.String()
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }
