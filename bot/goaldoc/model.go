// Package goaldoc reads Rust project-goal documents (markdown with a
// metadata table and subgoal/task tables, in every format era of the goals
// repository) into a goal model with 1-based source lines, and checks them.
package goaldoc

import (
	"strings"

	"github.com/goalbot/goalbot/bot/ref"
)

// Document is one parsed goal document. Slices are never nil so that the
// JSON form has [] rather than null.
type Document struct {
	File   string `json:"file"`
	ID     string `json:"id"`     // file base name without .md
	Period string `json:"period"` // parent folder such as "2024h2", "" when unknown
	Key    string `json:"key"`    // "period/id" when the period is known, else id

	Title               string            `json:"title"`
	ShortTitle          string            `json:"short_title,omitempty"`
	Status              string            `json:"status"`
	TrackingIssue       ref.Ref           `json:"tracking_issue"`
	OtherTrackingIssues []ref.Ref         `json:"other_tracking_issues"`
	PointOfContact      []string          `json:"point_of_contact"`
	Owners              []string          `json:"owners"` // the Owner(s) row, pre-2025
	Teams               []string          `json:"teams"`
	Champions           map[string]string `json:"champions,omitempty"` // team → login
	Zulip               string            `json:"zulip,omitempty"`
	Flagship            string            `json:"flagship,omitempty"`
	Roadmap             []string          `json:"roadmap"`
	Metadata            []MetaRow         `json:"metadata"`

	Subgoals    []Subgoal    `json:"subgoals"`
	TeamAsks    []TeamAsk    `json:"team_asks"`
	Links       []ref.Ref    `json:"links"` // every item the document links, in order of first use
	References  []Reference  `json:"references"`
	Suggestions []Suggestion `json:"suggestions"`

	Errors   []Diagnostic `json:"errors"`
	Warnings []Diagnostic `json:"warnings"`

	skip string // why this is not a goal document; "" when it is one
}

// MetaRow is one row of the metadata table, with the key as written.
type MetaRow struct {
	Key   string `json:"key"`
	Value string `json:"value"` // plain text of the value cell
	Line  int    `json:"line"`
}

// Subgoal is one node of the subgoal tree: a task-table row, or a
// ###/#### heading that holds a task table.
type Subgoal struct {
	// ID is stable across re-parses of unchanged text: the slug of the
	// title, prefixed by the parent's ID and "/", made unique with -2, -3.
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Line     int       `json:"line"`
	Heading  bool      `json:"heading,omitempty"` // from a heading, not a table row
	Owners   []string  `json:"owners"`            // GitHub logins
	Teams    []string  `json:"teams"`             // teams named in the owner cell
	Badges   []string  `json:"badges"`            // canonical names when known, else as written
	Struck   bool      `json:"struck"`            // task or owner cell struck through
	Checked  bool      `json:"checked,omitempty"` // a "[x]" checkbox before the title
	TeamAsk  bool      `json:"team_ask,omitempty"`
	Notes    string    `json:"notes,omitempty"` // plain text of the remaining cells
	Links    []ref.Ref `json:"links"`
	Children []Subgoal `json:"children"`
}

// Complete reports whether the row is marked done: a Complete badge, a
// struck task or owner, or a ticked checkbox.
func (s *Subgoal) Complete() bool {
	return s.Struck || s.Checked || s.HasBadge(BadgeComplete)
}

// HasBadge reports whether the node carries the badge name
// (case-insensitive).
func (s *Subgoal) HasBadge(name string) bool {
	for _, b := range s.Badges {
		if strings.EqualFold(b, name) {
			return true
		}
	}
	return false
}

// TeamAsk is support a goal asks of a team: a pre-2026 row whose owner
// cell holds ![Team][], or a row of a 2026 "Team | Support level" table.
type TeamAsk struct {
	Team    string   `json:"team"`            // the first team named
	Teams   []string `json:"teams,omitempty"` // all teams named in the cell
	Ask     string   `json:"ask"`             // task title, or the Notes of a 2026 row
	Level   string   `json:"level"`           // Small, Medium, Large (2026 only)
	Subgoal string   `json:"subgoal,omitempty"`
	Struck  bool     `json:"struck,omitempty"`
	Line    int      `json:"line"`
}

// Diagnostic is one problem found in a document, at a 1-based line.
type Diagnostic struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Suggestion proposes linking Item to a subgoal, because a section whose
// heading matches the subgoal's title links it. It is never applied.
type Suggestion struct {
	Subgoal string  `json:"subgoal"` // subgoal ID
	Line    int     `json:"line"`    // the subgoal's line
	Item    ref.Ref `json:"item"`
	Reason  string  `json:"reason"`
}

// Canonical badge names; others are kept as written.
const (
	BadgeFunded      = "Funded"
	BadgeNotFunded   = "Not funded"
	BadgeTeam        = "Team"
	BadgeComplete    = "Complete"
	BadgeApproved    = "Approved"
	BadgeNotApproved = "Not approved"
	BadgeTBD         = "TBD"
	BadgeHelpWanted  = "Help wanted"
)

// canonicalBadge returns the canonical spelling of a badge name, matched
// case-insensitively, or the name as written when it is not a known badge.
func canonicalBadge(name string) string {
	name = strings.TrimSpace(name)
	for _, c := range []string{BadgeFunded, BadgeNotFunded, BadgeTeam, BadgeComplete,
		BadgeApproved, BadgeNotApproved, BadgeTBD, BadgeHelpWanted} {
		if strings.EqualFold(strings.Join(strings.Fields(name), " "), c) {
			return c
		}
	}
	return name
}

// IsGoal reports whether the document is a goal document (a leading
// Metadata table with a Status row) and, if not, why.
func (d *Document) IsGoal() (bool, string) { return d.skip == "", d.skip }

// HasErrors reports whether the document has any error.
func (d *Document) HasErrors() bool { return len(d.Errors) > 0 }

// Walk calls fn for every subgoal depth-first in document order, with its
// parent (nil at top level); fn returning false skips the node's children.
func (d *Document) Walk(fn func(s, parent *Subgoal) bool) {
	var walk func(list []Subgoal, parent *Subgoal)
	walk = func(list []Subgoal, parent *Subgoal) {
		for i := range list {
			if fn(&list[i], parent) {
				walk(list[i].Children, &list[i])
			}
		}
	}
	walk(d.Subgoals, nil)
}

// Count returns the number of subgoal nodes in the tree.
func (d *Document) Count() int {
	n := 0
	d.Walk(func(*Subgoal, *Subgoal) bool { n++; return true })
	return n
}

// Lookup finds a subgoal by ID, or else by title (case-insensitive, spaces
// collapsed) when exactly one node has that title.
func (d *Document) Lookup(idOrTitle string) (*Subgoal, bool) {
	var byID, byTitle *Subgoal
	titles := 0
	want := strings.ToLower(strings.Join(strings.Fields(idOrTitle), " "))
	d.Walk(func(s, _ *Subgoal) bool {
		if s.ID == idOrTitle && byID == nil {
			byID = s
		}
		if strings.ToLower(strings.Join(strings.Fields(s.Title), " ")) == want {
			titles++
			byTitle = s
		}
		return true
	})
	if byID != nil {
		return byID, true
	}
	if titles == 1 {
		return byTitle, true
	}
	return nil, false
}
