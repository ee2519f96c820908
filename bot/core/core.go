// Package core is goalbot's pure status core: from a goal's document, its
// links, the stored items and the previous statuses it computes every
// subgoal's status and the transitions (Compute), the view the living
// comment and a dashboard show (View), and the weekly digest
// (BuildDigest). It does no I/O and reads no clock: the time comes in as
// an argument, so every rule path is a table test.
package core

import (
	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// Rules is the ordered rule list (configured rules first, then the
// defaults) and how one subgoal's several items combine.
type Rules struct {
	List      []status.Rule
	Aggregate string // "least" (default) or what status.Combine accepts
}

// DefaultRules is the built-in rule list with the "least" aggregate.
func DefaultRules() Rules {
	return Rules{List: status.DefaultRules(), Aggregate: "least"}
}

// ItemsBySubgoal groups the linked items of a goal by subgoal id, each
// item once per subgoal, in link order.
func ItemsBySubgoal(links []bot.Link) map[string][]ref.Ref {
	out := map[string][]ref.Ref{}
	for _, l := range links {
		if !containsRef(out[l.Subgoal], l.Item) {
			out[l.Subgoal] = append(out[l.Subgoal], l.Item)
		}
	}
	return out
}

func containsRef(list []ref.Ref, r ref.Ref) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// ItemMap indexes items by reference.
func ItemMap(list []bot.Item) map[ref.Ref]*bot.Item {
	items := make(map[ref.Ref]*bot.Item, len(list))
	for i := range list {
		items[list[i].Ref] = &list[i]
	}
	return items
}
