package core

import (
	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/discover"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/status"
)

// MarkAuto marks the items of v's rows that only discovery placed (links
// of origin bot.OriginDiscovery and no other), so the living comment shows
// them "(auto)": a person did not link them and may /goal untrack them.
func MarkAuto(v *render.GoalView, links []bot.Link) {
	type key struct {
		subgoal string
		item    ref.Ref
	}
	auto, byHand := map[key]bool{}, map[key]bool{}
	for _, l := range links {
		k := key{l.Subgoal, l.Item}
		if l.Origin == bot.OriginDiscovery {
			auto[k] = true
		} else {
			byHand[k] = true
		}
	}
	for i := range v.Rows {
		for j := range v.Rows[i].Items {
			k := key{v.Rows[i].SubgoalID, v.Rows[i].Items[j].Ref}
			v.Rows[i].Items[j].Auto = auto[k] && !byHand[k]
		}
	}
}

// RelatedItems is the "Related, not placed" list of a goal: the
// placements discover.Place left unplaced, each with its own status (from
// its stored state, "" when not read yet), where it was found and the
// /goal track line that places it.
func RelatedItems(ps []discover.Placement, items map[ref.Ref]*bot.Item, rules Rules) []render.RelatedItem {
	var out []render.RelatedItem
	for _, p := range discover.Related(ps) {
		ri := render.RelatedItem{Item: render.ItemLink{Ref: p.Item, Title: p.Title}, Found: FoundIn(p.Source), Suggest: p.Suggest}
		if it := items[p.Item]; it != nil && it.Kind != "" {
			ri.Item.Title, ri.Item.IsPull, ri.Item.Detail = it.Title, it.IsPull, itemDetail(it)
			ri.Status, ri.Detail = status.Evaluate(rules.List, FactsOf(*it))
		}
		out = append(out, ri)
	}
	return out
}

// FoundIn says in words where discovery found an item (bot.Source…).
func FoundIn(source string) string {
	switch source {
	case bot.SourceDocument:
		return "goal document"
	case bot.SourceBody:
		return "its description"
	case bot.SourceComment:
		return "a comment on it"
	case bot.SourceTimeline:
		return "tracking issue timeline"
	case bot.SourceUpdate:
		return "an owner's update"
	}
	return source
}
