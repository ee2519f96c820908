package render

import (
	"cmp"
	"slices"
	"strings"

	"github.com/goalbot/goalbot/bot/status"
)

// DigestRelated is an item discovery found for a goal but could not place
// on a subgoal. Goal is a goal ID of DigestView.Goals (its title is
// shown), or a title.
type DigestRelated struct {
	Goal   string
	Item   ItemLink
	Status status.Status // the item's own status; "" when not known
	Detail string
}

// relatedDigestSection lists the related, not placed items of every goal,
// by goal title then item, so owners see what to place this week.
func relatedDigestSection(v DigestView, goal func(string) string) section {
	list := slices.Clone(v.Related)
	slices.SortFunc(list, func(a, b DigestRelated) int {
		return cmp.Or(cmp.Compare(strings.ToLower(goal(a.Goal)), strings.ToLower(goal(b.Goal))), cmp.Compare(a.Goal, b.Goal),
			compareRef(a.Item.Ref, b.Item.Ref))
	})
	return section{
		title:  "Related, not placed",
		header: "| Goal | Item | Status |\n| --- | --- | --- |\n",
		empty:  "Every discovered item is placed on a subgoal.", noun: "items",
		n: len(list),
		row: func(i int) string {
			r := list[i]
			st := "—"
			if r.Status != "" {
				st = statusCell(r.Status)
				if d := strings.TrimSpace(r.Detail); d != "" {
					st += ": " + text(d, 120)
				}
			}
			return digestRow(goal(r.Goal), item(r.Item), st)
		},
	}
}
