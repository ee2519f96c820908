package render

import (
	"strings"

	"github.com/goalbot/goalbot/bot/status"
)

// NoticeView is one transition worth a separate comment (DESIGN §8; off
// unless enabled for the goal or globally).
type NoticeView struct {
	GoalID    string
	GoalTitle string
	Subgoal   string
	Item      ItemLink      // the item that moved; zero Ref when none did
	Status    status.Status // the new status
	Detail    string
	// Key names the transition in the marker (subgoal, status, time), so a
	// notice whose answer was lost is found instead of posted twice.
	Key string
}

// Notice renders a short transition notice, e.g.
//
//	FCP started on [rust-lang/rfcs#3654](…) “Return type notation” (merge, ends 2024-08-20) — subgoal “approve RTN RFC” of goal “…”.
//
// after a hidden "<!-- goalbot:notice goal=ID transition=KEY -->" line (which ParseMarker
// does not take for a status comment). Copied text is escaped as in
// StatusComment.
func Notice(n NoticeView) string {
	var b strings.Builder
	b.WriteString(NoticeMarker(n.GoalID, n.Key) + "\n")
	subgoal := "subgoal “" + Escape(clip(strings.TrimSpace(n.Subgoal), maxTitle)) + "”"
	goal := "goal “" + Escape(clip(strings.TrimSpace(n.GoalTitle), maxTitle)) + "”"
	detail := ""
	if d := strings.TrimSpace(n.Detail); d != "" {
		detail = " (" + Escape(clip(d, maxDetail)) + ")"
	}
	st := n.Status
	if st == "" {
		st = status.NotStarted
	}
	if n.Item.Ref.IsZero() {
		b.WriteString("Subgoal “" + Escape(clip(strings.TrimSpace(n.Subgoal), maxTitle)) + "” of " + goal +
			" is now " + Escape(string(st)) + detail + ".\n")
		return b.String()
	}
	item := itemLink(n.Item)
	if t := strings.TrimSpace(n.Item.Title); t != "" {
		item += " “" + Escape(clip(t, maxItemText)) + "”"
	}
	var lead string
	switch st {
	case status.FCPProposed:
		lead = "FCP proposed on " + item
	case status.Blocked:
		lead = "Concerns block " + item
	case status.InFCP:
		lead = "FCP started on " + item
	case status.FCPFinished:
		lead = "FCP finished on " + item
	case status.Accepted:
		lead = item + " was accepted"
	case status.Complete:
		lead = item + " is complete"
	case status.Postponed:
		lead = item + " was postponed"
	case status.Closed:
		lead = item + " was closed"
	default:
		lead = item + " is now " + Escape(string(st))
	}
	b.WriteString(lead + detail + " — " + subgoal + " of " + goal + ".\n")
	return b.String()
}
