package core

import (
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// Cause says what made a computation happen, for the transitions log.
type Cause struct {
	DeliveryID string  // the webhook delivery, "" for syncs and commands
	Item       ref.Ref // the item that moved, zero when none did
}

// Input is everything Compute looks at.
type Input struct {
	Goal     string
	Doc      *goaldoc.Document
	Links    []bot.Link
	Items    map[ref.Ref]*bot.Item // stored items; linked items not read yet are absent
	Previous map[string]bot.SubgoalStatus
	Rules    Rules
	Now      time.Time
	Cause    Cause
}

// Output is what changed: rows to store, rows of subgoals that left the
// document, and the transitions to log.
type Output struct {
	Changed     []bot.SubgoalStatus
	Removed     []string
	Transitions []bot.Transition
}

// Empty reports whether nothing changed.
func (o Output) Empty() bool { return len(o.Changed) == 0 && len(o.Removed) == 0 }

// computed is one subgoal's fresh result; provisional while one of the
// items it rests on has not been read yet.
type computed struct {
	status.Result
	provisional bool
}

// Compute derives every subgoal status of a goal and compares it with the
// previous statuses. A status change is a transition only when the
// previous status was itself final: the first status computed from read
// items is the subgoal's baseline, not a change (a goal's first load lists
// no transitions), though a disagreement with the document stays visible.
func Compute(in Input) Output {
	got := evaluate(in)
	bySubgoal := ItemsBySubgoal(in.Links)
	var out Output
	in.Doc.Walk(func(s, _ *goaldoc.Subgoal) bool {
		diffRow(in, s.ID, got[s.ID], causeItem(s, bySubgoal, in.Cause.Item), &out)
		return true
	})
	for id := range in.Previous {
		if _, ok := got[id]; !ok {
			out.Removed = append(out.Removed, id)
		}
	}
	return out
}

// evaluate computes every subgoal's result, children before parents.
func evaluate(in Input) map[string]computed {
	bySubgoal := ItemsBySubgoal(in.Links)
	got := map[string]computed{}
	var visit func(s *goaldoc.Subgoal) computed
	visit = func(s *goaldoc.Subgoal) computed {
		var kids []computed
		for i := range s.Children {
			kids = append(kids, visit(&s.Children[i]))
		}
		c := subgoalResult(s, bySubgoal[s.ID], in.Items, in.Rules, kids)
		got[s.ID] = c
		return c
	}
	for i := range in.Doc.Subgoals {
		visit(&in.Doc.Subgoals[i])
	}
	return got
}

// subgoalResult is one subgoal's status: from its own items when it has
// read ones, else the summary of its children, reconciled with what the
// document says.
func subgoalResult(s *goaldoc.Subgoal, refs []ref.Ref, items map[ref.Ref]*bot.Item, rules Rules, kids []computed) computed {
	var c computed
	var res []status.Result
	for _, r := range refs {
		it := items[r]
		if it == nil {
			c.provisional = true
			continue
		}
		st, detail := status.Evaluate(rules.List, FactsOf(*it))
		res = append(res, status.Result{Status: st, Detail: detail})
	}
	var own *status.Result
	if len(res) > 0 {
		r := status.Combine(rules.Aggregate, res)
		own = &r
	}
	if own == nil && len(kids) > 0 {
		results := make([]status.Result, len(kids))
		for i, k := range kids {
			results[i] = k.Result
			c.provisional = c.provisional || k.provisional
		}
		r := status.Summarize(results)
		own = &r
	}
	c.Result = status.Reconcile(status.DocFacts{Complete: s.HasBadge(goaldoc.BadgeComplete) || s.Checked, Struck: s.Struck}, own)
	return c
}

// causeItem is the item a transition of s is recorded against: the item
// that moved when it is linked to s or to one of its descendants (what s's
// status rests on), else "" — a subgoal that moved in the same computation
// for another reason (the document, the clock, an item read before) must
// not show an item that is not its own.
func causeItem(s *goaldoc.Subgoal, bySubgoal map[string][]ref.Ref, moved ref.Ref) string {
	if moved.IsZero() {
		return ""
	}
	found := false
	var walk func(x *goaldoc.Subgoal)
	walk = func(x *goaldoc.Subgoal) {
		if found {
			return
		}
		if containsRef(bySubgoal[x.ID], moved) {
			found = true
			return
		}
		for i := range x.Children {
			walk(&x.Children[i])
		}
	}
	walk(s)
	if !found {
		return ""
	}
	return moved.String()
}

// diffRow compares one subgoal's fresh result with its previous row and
// records the row and transition to store, if any; item is what caused a
// transition (see causeItem).
func diffRow(in Input, id string, c computed, item string, out *Output) {
	row := bot.SubgoalStatus{Goal: in.Goal, Subgoal: id, Status: c.Status, Detail: c.Detail,
		DocStatus: c.DocStatus, Disagree: c.Disagree, Provisional: c.provisional, Since: in.Now}
	prev, seen := in.Previous[id]
	switch {
	case !seen:
		out.Changed = append(out.Changed, row)
	case prev.Status != row.Status:
		out.Changed = append(out.Changed, row)
		if !prev.Provisional {
			out.Transitions = append(out.Transitions, transition(in, prev, row, item))
		}
	case prev.Detail != row.Detail || prev.DocStatus != row.DocStatus || prev.Disagree != row.Disagree || prev.Provisional != row.Provisional:
		row.Since = prev.Since
		out.Changed = append(out.Changed, row)
	}
}

func transition(in Input, prev, row bot.SubgoalStatus, item string) bot.Transition {
	return bot.Transition{Goal: in.Goal, Subgoal: row.Subgoal, Old: prev.Status, New: row.Status,
		Detail: row.Detail, At: in.Now, DeliveryID: in.Cause.DeliveryID, Item: item}
}
