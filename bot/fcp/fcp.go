// Package fcp computes the final-comment-period state of a GitHub item from
// what rfcbot writes (its status, :bell:, completion and cancellation
// comments) and from the FCP labels, and the major-change (MCP) state from
// triagebot's labels and comments (DESIGN §7). It is pure: callers parse
// comments and label changes into events and apply them; no I/O, no clock.
package fcp

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Phase is where an FCP stands.
type Phase string

// FCP phases.
const (
	PhaseNone      Phase = "none"
	PhaseProposed  Phase = "proposed"  // status comment posted, reviews pending
	PhaseActive    Phase = "active"    // :bell: posted, the 10 days are running
	PhaseFinished  Phase = "finished"  // completion comment posted
	PhaseCancelled Phase = "cancelled" // "proposal cancelled"
)

// Disposition is what an FCP proposes to do with the item.
type Disposition string

// Dispositions.
const (
	Merge    Disposition = "merge"
	Close    Disposition = "close"
	Postpone Disposition = "postpone"
)

// parseDisposition maps a disposition word to its value, "" when s is none.
func parseDisposition(s string) Disposition {
	switch d := Disposition(strings.ToLower(s)); d {
	case Merge, Close, Postpone:
		return d
	}
	return ""
}

// Reviewer is one person asked to review an FCP proposal.
type Reviewer struct {
	Login  string `json:"login"`
	Ticked bool   `json:"ticked"`
}

// Concern is a concern raised on an FCP (rfcbot) or an MCP (triagebot).
type Concern struct {
	Name        string `json:"name"`
	Resolved    bool   `json:"resolved"`
	URL         string `json:"url,omitempty"`          // the comment that raised it, where known
	ResolvedURL string `json:"resolved_url,omitempty"` // the comment that resolved it, where known
	By          string `json:"by,omitempty"`           // who raised it, where known
}

// Durations of an FCP: one week until rfcbot commit 2eb16f7 (2016-10-24),
// ten days since.
const (
	Duration    = 10 * 24 * time.Hour
	oldDuration = 7 * 24 * time.Hour
)

// tenDaysSince is when rfcbot moved from one-week to ten-day FCPs.
var tenDaysSince = time.Date(2016, 10, 24, 0, 0, 0, 0, time.UTC)

// EndOf returns when an FCP that started at start ends: ten days later
// (one week for FCPs started before 2016-10-24), zero for a zero start.
func EndOf(start time.Time) time.Time {
	if start.IsZero() {
		return time.Time{}
	}
	if start.Before(tenDaysSince) {
		return start.Add(oldDuration)
	}
	return start.Add(Duration)
}

// endAfter returns when an FCP started at start ends with a configured
// length of days (0: rfcbot's, see EndOf).
func endAfter(start time.Time, days int) time.Time {
	if days <= 0 || start.IsZero() {
		return EndOf(start)
	}
	return start.AddDate(0, 0, days)
}

// State is the FCP state of one item, stored as JSON.
//
// It is a function of what was seen, whatever the order it arrived in:
// rfcbot's comments that move the phase (Posts, ordered by when rfcbot
// posted them), the newest version of the current status comment
// (reviewers and concerns), the FCP labels now on the item and whether it
// is closed. The exported phase fields are derived from those after every
// event, so webhooks in order, webhooks re-sent and shuffled, and a
// rebuild from the comment listing give the same state (DESIGN §7).
type State struct {
	Phase       Phase       `json:"phase"`
	Disposition Disposition `json:"disposition,omitempty"`
	Initiator   string      `json:"initiator,omitempty"`
	Reviewers   []Reviewer  `json:"reviewers,omitempty"`
	Concerns    []Concern   `json:"concerns,omitempty"` // Listed, with what commands and the phase say
	// Listed are the concerns the newest status comment version lists.
	Listed          []Concern `json:"listed_concerns,omitempty"`
	Start           time.Time `json:"start,omitzero"`
	End             time.Time `json:"end,omitzero"`
	StatusCommentID int64     `json:"status_comment_id,omitempty"`
	StatusURL       string    `json:"status_url,omitempty"`
	CancelledBy     string    `json:"cancelled_by,omitempty"`
	UpdatedAt       time.Time `json:"updated_at,omitzero"` // time of the newest event applied

	// LabelMissingNote is set while rfcbot's note that it could not add
	// MissingLabel stands: it is cleared when that label arrives.
	LabelMissingNote bool   `json:"label_missing_note,omitempty"`
	MissingLabel     string `json:"missing_label,omitempty"`

	// Labels are the FCP-relevant labels present on the item (sorted, lower
	// case), LabelAt the time of the newest event seen for each such label.
	Labels  []string             `json:"labels,omitempty"`
	LabelAt map[string]time.Time `json:"label_at,omitempty"`
	// LabelSnapshot marks labels whose newest change was read from a
	// snapshot (a payload's or a listing's labels), whose time is when
	// they were read, not when they changed.
	LabelSnapshot map[string]bool `json:"label_snapshot,omitempty"`

	PhaseAt       time.Time `json:"phase_at,omitzero"`       // when the comment or label that set Phase was posted; zero for a label snapshot
	DispositionAt time.Time `json:"disposition_at,omitzero"` // when the comment that set Disposition was posted
	ReviewAt      time.Time `json:"review_at,omitzero"`      // updated_at of the status comment version behind Reviewers and Concerns

	// Raisers maps concern names to who raised them, learned from human
	// "@rfcbot concern" commands (rfcbot's status comment does not say);
	// RaisedAt and RaisedURL say when and where (the earliest command wins).
	Raisers   map[string]string    `json:"raisers,omitempty"`
	RaisedAt  map[string]time.Time `json:"raised_at,omitempty"`
	RaisedURL map[string]string    `json:"raised_url,omitempty"`
	// ResolvedAt is when "@rfcbot resolve NAME" last named each concern.
	ResolvedAt map[string]time.Time `json:"resolved_at,omitempty"`

	// Posts are rfcbot's comments that move the phase, one per comment id.
	Posts []Post `json:"posts,omitempty"`
	// ReviewID and ReviewCreated name the status comment behind Reviewers
	// and Concerns (the newest one posted); ReviewURL, ReviewAuthor its
	// link and author; Ticks every login seen ticked in any version of it
	// (ticks are sticky in rfcbot, rfcbot-rs#311).
	ReviewID      int64     `json:"review_id,omitempty"`
	ReviewCreated time.Time `json:"review_created,omitzero"`
	ReviewURL     string    `json:"review_url,omitempty"`
	ReviewAuthor  string    `json:"review_author,omitempty"`
	Ticks         []string  `json:"ticks,omitempty"`

	Closed   bool      `json:"closed,omitempty"`
	ClosedAt time.Time `json:"closed_at,omitzero"`

	// PhaseBy says which comment or label set Phase, ReviewBy which
	// status comment version Reviewers and Concerns were read from (for
	// goalbot status --explain).
	PhaseBy  *Provenance `json:"phase_by,omitempty"`
	ReviewBy *Provenance `json:"review_by,omitempty"`
}

// Post is one rfcbot comment that moves an FCP's phase: a status comment
// (a proposal), a :bell:, a completion, a cancellation or a label note.
// Kind "legacy" stands for the phase of a state stored before posts were
// recorded.
type Post struct {
	Kind            Kind        `json:"kind"`
	ID              int64       `json:"id,omitempty"`
	URL             string      `json:"url,omitempty"`
	Author          string      `json:"author,omitempty"`
	Created         time.Time   `json:"created"`
	Disposition     Disposition `json:"disposition,omitempty"`
	Initiator       string      `json:"initiator,omitempty"`
	StatusCommentID int64       `json:"status_comment_id,omitempty"`
	StatusURL       string      `json:"status_url,omitempty"`
	End             time.Time   `json:"end,omitzero"`
	Days            int         `json:"days,omitempty"`
	MissingLabel    string      `json:"missing_label,omitempty"`
	Version         string      `json:"version,omitempty"`

	Phase Phase     `json:"phase,omitempty"` // legacy only
	Start time.Time `json:"start,omitzero"`  // legacy only
}

// Provenance says which comment, label or state change set a part of an
// item's state: a comment (ID, URL, Author, At = when it was posted, or
// the edit time of a status comment version), a label (Label, At = its
// newest event, zero when known only from a snapshot), or the item being
// closed.
type Provenance struct {
	Source  string    `json:"source"`            // "comment", "label", "closed" or "stored" (state saved before provenance was recorded)
	What    string    `json:"what,omitempty"`    // e.g. "rfcbot :bell: comment", "label final-comment-period"
	ID      int64     `json:"id,omitempty"`      // comment id
	URL     string    `json:"url,omitempty"`     // comment URL
	Author  string    `json:"author,omitempty"`  // comment author
	Label   string    `json:"label,omitempty"`   // label name
	At      time.Time `json:"at,omitzero"`       // when
	Version string    `json:"version,omitempty"` // rfcbot text variant recognised
}

// phase returns s.Phase with the zero value read as none.
func (s State) phase() Phase {
	if s.Phase == "" {
		return PhaseNone
	}
	return s.Phase
}

// Pending returns the logins of reviewers who have not ticked their box, sorted.
func (s State) Pending() []string {
	var out []string
	for _, r := range s.Reviewers {
		if !r.Ticked {
			out = append(out, r.Login)
		}
	}
	sort.Strings(out)
	return out
}

// Ticked returns how many reviewers ticked their box.
func (s State) Ticked() int {
	n := 0
	for _, r := range s.Reviewers {
		if r.Ticked {
			n++
		}
	}
	return n
}

// Unresolved returns the concerns not yet resolved, in stored order.
func (s State) Unresolved() []Concern { return unresolved(s.Concerns) }

func unresolved(cs []Concern) []Concern {
	var out []Concern
	for _, c := range cs {
		if !c.Resolved {
			out = append(out, c)
		}
	}
	return out
}

// HasLabel reports whether the FCP-relevant label name is on the item.
func (s State) HasLabel(name string) bool { return hasLabel(s.Labels, name) }

// Detail returns the short text DESIGN §7 shows after a status: for a
// proposal "merge, 5/8 reviewed, 1 concern", for an active FCP "merge, ends
// 2024-08-20", for a finished one "merge, ended 2024-08-20", for a cancelled
// one "merge, cancelled". Parts without a value are left out.
func (s State) Detail() string {
	var parts []string
	if s.Disposition != "" {
		parts = append(parts, string(s.Disposition))
	}
	switch s.phase() {
	case PhaseNone:
		return ""
	case PhaseProposed:
		if len(s.Reviewers) > 0 {
			parts = append(parts, fmt.Sprintf("%d/%d reviewed", s.Ticked(), len(s.Reviewers)))
		}
		if n := len(s.Unresolved()); n > 0 {
			parts = append(parts, plural(n, "concern"))
		}
	case PhaseActive:
		if !s.End.IsZero() {
			parts = append(parts, "ends "+s.End.UTC().Format(time.DateOnly))
		}
		if n := len(s.Unresolved()); n > 0 {
			parts = append(parts, plural(n, "concern")) // listed by an edit after the :bell:
		}
	case PhaseFinished:
		if !s.End.IsZero() {
			parts = append(parts, "ended "+s.End.UTC().Format(time.DateOnly))
		}
	case PhaseCancelled:
		parts = append(parts, "cancelled")
	}
	return strings.Join(parts, ", ")
}

// plural returns "1 concern" or "n concerns".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// hasLabel reports whether sorted-or-not list holds name (case-insensitive).
func hasLabel(list []string, name string) bool {
	for _, l := range list {
		if strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}
