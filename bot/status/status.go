// Package status turns the state of the GitHub items a subgoal depends on
// into that subgoal's status (DESIGN §7): rules as data, evaluated first
// match wins, then combined across items, children and the goal document.
// It is pure: no I/O, no clock.
package status

import (
	"fmt"
	"strings"
)

// Status is a subgoal status. The non-terminal ones are ordered by progress;
// postponed and closed are terminal and off that scale.
type Status string

// Statuses in order of progress, then the terminal ones.
const (
	NotStarted  Status = "not-started"
	InProgress  Status = "in-progress" // a parent whose children have moved
	Proposed    Status = "proposed"
	FCPProposed Status = "fcp-proposed"
	Blocked     Status = "blocked" // unresolved concerns
	InFCP       Status = "in-fcp"
	FCPFinished Status = "fcp-finished"
	Accepted    Status = "accepted"
	Complete    Status = "complete"
	Postponed   Status = "postponed" // terminal
	Closed      Status = "closed"    // terminal
)

// all lists every status in Rank order.
var all = [...]Status{NotStarted, InProgress, Proposed, FCPProposed, Blocked, InFCP, FCPFinished, Accepted, Complete, Postponed, Closed}

// All returns every status in Rank order (a fresh slice the caller may keep).
func All() []Status { return append([]Status(nil), all[:]...) }

// Rank returns the position of s in progress order: 0 for not-started up to
// 8 for complete, 9 and 10 for the terminal postponed and closed (which sort
// after complete but are not "more progress"; see Terminal), -1 when s is
// not a status.
func (s Status) Rank() int {
	for i, v := range all {
		if v == s {
			return i
		}
	}
	return -1
}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return s.Rank() >= 0 }

// Terminal reports whether s ends the item's story without progress
// (postponed or closed).
func (s Status) Terminal() bool { return s == Postponed || s == Closed }

// String returns the status name.
func (s Status) String() string { return string(s) }

// Parse reads a status name. It is lenient about case, surrounding space and
// "_" or " " for "-" ("In FCP" is in-fcp) and names every valid status when
// s is none of them.
func Parse(s string) (Status, error) {
	norm := strings.ToLower(strings.TrimSpace(s))
	norm = strings.NewReplacer("_", "-", " ", "-").Replace(norm)
	if st := Status(norm); st.Valid() {
		return st, nil
	}
	names := make([]string, len(all))
	for i, v := range all {
		names[i] = string(v)
	}
	return "", fmt.Errorf("unknown status %q; use one of %s", s, strings.Join(names, ", "))
}
