package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// MaxComment is GitHub's limit on a comment body, in characters. Bodies
// are kept under it in bytes, which is stricter.
const MaxComment = 65536

// Per-cell limits, in runes of raw text, so that one huge title cannot crowd
// out the rest of the table.
const (
	maxTitle    = 200 // goal and subgoal titles
	maxItemText = 120 // item titles
	maxDetail   = 300 // status details
	maxItems    = 8   // items listed per row; the rest are counted
)

// GoalView is everything the living status comment of one goal shows.
type GoalView struct {
	ID            string  // goal id, written into the marker
	Title         string  // goal title, as in the document
	TrackingIssue ref.Ref // where the comment lives; named in the footer
	Source        string  // revision of the goal document (e.g. commit sha)
	Rows          []Row   // subgoals in document order, children after parents
	// Related are discovered items not placed on any subgoal, listed
	// after the table; optional.
	Related []RelatedItem
}

// Row is one subgoal of the table.
type Row struct {
	Depth     int    // 0 for top-level subgoals, 1 for ↳ children, …
	SubgoalID string // stable id; shown when Subgoal is empty
	Subgoal   string // title
	Line      int    // source line in the document (not shown)
	Items     []ItemLink
	Status    status.Status
	Detail    string
	DocStatus status.Status // what the document says; "" when nothing
	Disagree  bool          // the document and the items disagree
	Since     time.Time     // last transition; zero when unknown
}

// ItemLink is one GitHub item a subgoal depends on.
type ItemLink struct {
	Ref    ref.Ref
	Title  string
	IsPull bool
	// Detail is set by core.View for dashboards (nil when the item was not
	// read yet); the comment does not print it.
	Detail *ItemDetail
	Auto   bool // placed by discovery, not by a person: shown "(auto)"
}

// StatusComment renders the living status comment of v: the marker line,
// a heading with the goal title, a table of subgoals (item links, status
// with detail, date of the last transition) and a footer naming the source
// revision and the /goal commands. The same view always gives the same
// bytes, so callers can skip edits that change nothing. Rows that would
// take the body past MaxComment are left out with a note saying how many.
func StatusComment(v GoalView) string { return statusComment(v, MaxComment-64) }

// statusComment is StatusComment with the size limit (in bytes) as a
// parameter for tests.
func statusComment(v GoalView, limit int) string {
	var head strings.Builder
	head.WriteString(Marker(v.ID))
	head.WriteString("\n### ")
	title := strings.TrimSpace(v.Title)
	if title == "" {
		title = "Goal " + SafeID(v.ID)
	}
	head.WriteString(Escape(clip(title, maxTitle)))
	head.WriteString("\n\n")

	foot := footer(v)
	related := relatedSection(v.Related)
	if len(v.Rows) == 0 {
		return head.String() + "No subgoals found in the goal document.\n" + related + "\n" + foot
	}
	head.WriteString("| Subgoal | Item(s) | Status | Since |\n")
	head.WriteString("| --- | --- | --- | --- |\n")

	const noteRoom = 200 // the truncation note is shorter than this
	budget := limit - head.Len() - len(foot) - len(related) - noteRoom
	var body strings.Builder
	shown := 0
	for _, r := range v.Rows {
		line := row(r)
		if body.Len()+len(line) > budget {
			break
		}
		body.WriteString(line)
		shown++
	}
	out := head.String() + body.String()
	if left := len(v.Rows) - shown; left > 0 {
		out += fmt.Sprintf("\n_%s not shown: GitHub limits a comment to %d characters._\n",
			status.Plural(left, "more subgoal", "more subgoals"), MaxComment)
	}
	return out + related + "\n" + foot
}

// row renders one table row, ending in a newline.
func row(r Row) string {
	var b strings.Builder
	b.WriteString("| ")
	if r.Depth > 0 {
		b.WriteString(strings.Repeat("&nbsp;&nbsp;", min(r.Depth-1, 5)))
		b.WriteString("↳ ")
	}
	name := strings.TrimSpace(r.Subgoal)
	if name == "" {
		name = r.SubgoalID
	}
	if name == "" {
		name = "(untitled)"
	}
	b.WriteString(Escape(clip(name, maxTitle)))
	b.WriteString(" | ")
	if len(r.Items) == 0 {
		b.WriteString("—")
	}
	for i, it := range r.Items {
		if i == maxItems {
			fmt.Fprintf(&b, "<br>and %d more", len(r.Items)-maxItems)
			break
		}
		if i > 0 {
			b.WriteString("<br>")
		}
		b.WriteString(itemLink(it))
		if t := strings.TrimSpace(it.Title); t != "" {
			b.WriteByte(' ')
			b.WriteString(Escape(clip(t, maxItemText)))
		}
		if it.Auto {
			b.WriteString(autoMark)
		}
	}
	b.WriteString(" | ")
	b.WriteString(statusText(r))
	b.WriteString(" | ")
	if r.Since.IsZero() {
		b.WriteString("—")
	} else {
		b.WriteString(r.Since.UTC().Format(time.DateOnly))
	}
	b.WriteString(" |\n")
	return b.String()
}

// statusText renders "status: detail", and when the document disagrees,
// marks it and names the document's status too (unless the detail already
// does, as status.Reconcile's does).
func statusText(r Row) string {
	st := string(r.Status)
	if st == "" {
		st = string(status.NotStarted)
	}
	s := Escape(st)
	if d := strings.TrimSpace(r.Detail); d != "" {
		s += ": " + Escape(clip(d, maxDetail))
	}
	if r.Disagree {
		s = "⚠️ " + s
		if r.DocStatus != "" && !strings.Contains(r.Detail, status.DocNote(r.DocStatus)) {
			s += "; " + Escape(status.DocNote(r.DocStatus))
		}
	}
	return s
}

// itemLink renders "[owner/repo#N](https://github.com/owner/repo/pull/N)".
func itemLink(it ItemLink) string {
	owner, repo := safeName(it.Ref.Owner), safeName(it.Ref.Repo)
	kind := "issues"
	if it.IsPull {
		kind = "pull"
	}
	n := strconv.Itoa(it.Ref.Number)
	return "[" + Escape(owner+"/"+repo) + "#" + n + "](https://github.com/" + owner + "/" + repo + "/" + kind + "/" + n + ")"
}

// refText renders r as owner/repo#N with only characters a repository name
// can hold, for use in code spans.
func refText(r ref.Ref) string {
	return safeName(r.Owner) + "/" + safeName(r.Repo) + "#" + strconv.Itoa(r.Number)
}

// safeName keeps the characters a GitHub owner or repository name can hold.
// ref.New already guarantees this; a Ref built by hand might not.
func safeName(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			return c
		}
		return -1
	}, s)
}

// footer names the source revision and how to link items with /goal.
func footer(v GoalView) string {
	var b strings.Builder
	b.WriteString("<sub>Kept up to date by goalbot")
	if src := strings.TrimSpace(v.Source); src != "" {
		b.WriteString(" from revision ")
		b.WriteString(Escape(clip(src, 80)))
		b.WriteString(" of the goal document")
	}
	b.WriteString(". To link an issue or PR to a subgoal, comment `/goal track ")
	if v.TrackingIssue.IsZero() {
		b.WriteString("<tracking-issue>")
	} else {
		b.WriteString(refText(v.TrackingIssue))
	}
	b.WriteString(" <subgoal>` on it; `/goal help` lists the commands.</sub>\n")
	return b.String()
}
