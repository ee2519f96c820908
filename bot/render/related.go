package render

import (
	"fmt"
	"strings"

	"github.com/goalbot/goalbot/bot/status"
)

// RelatedItem is an item discovery found for a goal (its document, or a
// reference to its tracking issue) but could not place on a subgoal. The
// living comment lists it under "Related, not placed" with its status and
// the command that places it.
type RelatedItem struct {
	Item    ItemLink
	Status  status.Status // the item's own status; "" when not known yet
	Detail  string
	Found   string // where discovery found it, in words: "goal document", "timeline", …
	Suggest string // a ready /goal track line, e.g. /goal track rust-lang/goals#105 "approve RTN RFC"
}

// maxRelated bounds the related items listed; the rest are counted.
const maxRelated = 20

// relatedSection renders the "Related, not placed" section, or "" when
// there is nothing to list. Suggestions go in code spans, so nothing in a
// subgoal title renders as markup; a backtick or line break (which a code
// span cannot hold) or an "@" (which must never ping, even if a reader's
// client linked it) drops the suggestion.
func relatedSection(items []RelatedItem) string {
	if len(items) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n**Related, not placed**: goalbot found these for this goal but not which subgoal they serve. ")
	b.WriteString("Comment the line on the item to place it, or `/goal untrack` there to drop it.\n\n")
	b.WriteString("| Item | Status | Found in | To place it |\n| --- | --- | --- | --- |\n")
	for i, it := range items {
		if i == maxRelated {
			fmt.Fprintf(&b, "\n_%s not shown._\n", status.Plural(len(items)-maxRelated, "more related item", "more related items"))
			break
		}
		b.WriteString("| ")
		b.WriteString(itemLink(it.Item))
		if t := strings.TrimSpace(it.Item.Title); t != "" {
			b.WriteByte(' ')
			b.WriteString(Escape(clip(t, maxItemText)))
		}
		b.WriteString(" | ")
		if it.Status == "" {
			b.WriteString("—")
		} else {
			b.WriteString(statusText(Row{Status: it.Status, Detail: it.Detail}))
		}
		b.WriteString(" | ")
		if f := strings.TrimSpace(it.Found); f != "" {
			b.WriteString(Escape(clip(f, 80)))
		} else {
			b.WriteString("—")
		}
		b.WriteString(" | ")
		b.WriteString(suggestCode(it.Suggest))
		b.WriteString(" |\n")
	}
	return b.String()
}

// suggestCode puts a /goal line in a code span fit for a table cell.
func suggestCode(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "`\r\n@") || !strings.HasPrefix(s, "/goal ") {
		return "—"
	}
	return "`" + strings.ReplaceAll(clip(s, maxTitle+60), "|", `\|`) + "`"
}

// autoMark is what a row shows after an item goalbot placed by itself.
const autoMark = " (auto)"
