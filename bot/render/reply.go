package render

import (
	"fmt"
	"strings"

	"github.com/goalbot/goalbot/bot/ref"
)

// ReplyPart is the answer to one command of a comment.
type ReplyPart struct {
	Command string // the command line as typed, quoted (escaped) in the reply
	// Text is the answer: a refusal (user-facing message, quieted here) or a
	// rendered answer such as StatusReply's or the help text.
	Text    string
	Refusal bool
}

// replyFooter closes every reply.
const replyFooter = "<sub>goalbot answers `/goal` commands; `/goal help` lists them.</sub>"

// Reply renders goalbot's one reply to the commands of a comment: the
// hidden marker line (see ReplyMarker), a mention of the commenter — the
// one person a reply may ping — and each command quoted with its answer.
func Reply(marker, author string, parts []ReplyPart) string {
	answers := make([]string, len(parts))
	for i, p := range parts {
		text := p.Text
		if p.Refusal {
			text = Quiet(text)
		}
		answers[i] = fmt.Sprintf("> %s\n\n%s", Escape(p.Command), text)
	}
	return fmt.Sprintf("%s\n@%s\n\n%s\n\n%s", marker, author, strings.Join(answers, "\n\n---\n\n"), replyFooter)
}

// StatusReplyView is what `/goal status` answers about one item.
type StatusReplyView struct {
	Item ref.Ref
	// Known: the item was read; Kind and State (and the phases) are set.
	Known       bool
	Kind, State string
	FCPPhase    string // "" or "none" when no FCP
	FCPDetail   string
	MCPPhase    string // "" or "none" when no MCP
	MCPDetail   string
	Rows        []StatusReplyRow // one per link; none: the item serves no goal
}

// StatusReplyRow is one goal and subgoal the item serves.
type StatusReplyRow struct {
	GoalTitle     string
	TrackingIssue ref.Ref
	Subgoal       string // title, or id when the document lost it
	Status        string
	Detail        string
	Origin        string // document, config or command
	By            string // who linked it by command, "" otherwise
}

// StatusReply renders the answer to `/goal status`: the item's kind,
// state and decision in progress, then a table of the goals and subgoals
// it serves with their status. Copied text is escaped.
func StatusReply(v StatusReplyView) string {
	if len(v.Rows) == 0 {
		return fmt.Sprintf("%s serves no goal goalbot follows. Link it with `/goal track <tracking-issue> <subgoal>`.", v.Item)
	}
	var b strings.Builder
	if v.Known {
		fmt.Fprintf(&b, "%s (%s, %s)", v.Item, v.Kind, v.State)
		if v.FCPPhase != "" && v.FCPPhase != "none" {
			fmt.Fprintf(&b, "; FCP %s: %s", v.FCPPhase, Escape(v.FCPDetail))
		}
		if v.MCPPhase != "" && v.MCPPhase != "none" {
			fmt.Fprintf(&b, "; MCP %s: %s", v.MCPPhase, Escape(v.MCPDetail))
		}
		b.WriteString("\n\n")
	}
	b.WriteString("| goal | subgoal | status | linked by |\n|---|---|---|---|\n")
	for _, r := range v.Rows {
		cell := r.Status
		if r.Detail != "" {
			cell += ": " + r.Detail
		}
		by := r.Origin
		if r.By != "" {
			by += " (" + Login(r.By) + ")"
		}
		fmt.Fprintf(&b, "| %s (%s) | %s | %s | %s |\n", Escape(r.GoalTitle), r.TrackingIssue, Escape(r.Subgoal), Escape(cell), by)
	}
	return b.String()
}
