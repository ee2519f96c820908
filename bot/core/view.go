package core

import (
	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
)

// View is what the living comment (and a dashboard) shows of a goal: one
// row per subgoal in document order, with its stored status and its items'
// titles. It is plain data.
func View(g bot.Goal, doc *goaldoc.Document, links []bot.Link, items map[ref.Ref]*bot.Item, statuses map[string]bot.SubgoalStatus) render.GoalView {
	bySubgoal := ItemsBySubgoal(links)
	v := render.GoalView{ID: g.ID, Title: g.Title, TrackingIssue: g.TrackingIssue, Source: g.Revision}
	depth := map[string]int{}
	doc.Walk(func(s, parent *goaldoc.Subgoal) bool {
		if parent != nil {
			depth[s.ID] = depth[parent.ID] + 1
		}
		st := statuses[s.ID]
		row := render.Row{Depth: depth[s.ID], SubgoalID: s.ID, Subgoal: s.Title, Line: s.Line,
			Status: st.Status, Detail: st.Detail, DocStatus: st.DocStatus,
			Disagree: st.Disagree, Since: st.Since}
		for _, r := range bySubgoal[s.ID] {
			il := render.ItemLink{Ref: r}
			if it := items[r]; it != nil {
				il.Title, il.IsPull, il.Detail = it.Title, it.IsPull, itemDetail(it)
			}
			row.Items = append(row.Items, il)
		}
		v.Rows = append(v.Rows, row)
		return true
	})
	return v
}

// itemDetail is the dashboard's view of an item's decision in progress.
func itemDetail(it *bot.Item) *render.ItemDetail {
	f, m := it.FCP, it.MCP
	d := &render.ItemDetail{Kind: it.Kind, State: it.State, FCPPhase: string(orNone(f.Phase)), Disposition: string(f.Disposition),
		FCPEnd: f.End, Pending: f.Pending(), MCPPhase: string(orNoneMCP(m.Phase)), MCPEnd: m.End}
	for _, r := range f.Reviewers {
		d.Reviewers = append(d.Reviewers, r.Login)
	}
	concerns := append(f.Unresolved(), m.Unresolved()...)
	for _, c := range concerns {
		d.Concerns = append(d.Concerns, render.ItemConcern{Name: c.Name, By: c.By, URL: c.URL})
	}
	return d
}
