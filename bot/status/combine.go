package status

import (
	"fmt"
	"strings"
)

// Result is a status with its detail, and, once reconciled with the goal
// document, what the document says and whether the two disagree.
type Result struct {
	Status    Status
	Detail    string
	DocStatus Status // what the document says; "" when it says nothing
	Disagree  bool   // the document and the items disagree: news worth reporting
}

// Text returns "status: detail", or just the status when there is no detail.
func (r Result) Text() string {
	if r.Detail == "" {
		return string(r.Status)
	}
	return string(r.Status) + ": " + r.Detail
}

// Aggregation modes for Combine.
const (
	Least = "least" // a subgoal is as far as its least advanced item
	Most  = "most"  // a subgoal is as far as its most advanced item
)

// Combine gives one subgoal's status from the results of its items.
//
// Mode "least" (the default, also for unknown modes) takes the least
// advanced item, "most" the most advanced; ties keep the first item, whose
// detail is kept. Terminal items (postponed, closed) do not hold a subgoal
// back: a closed RFC beside an accepted replacement leaves the subgoal
// accepted. They are news, though, so the detail names them ("RFC merged;
// also 1 closed"), which makes the change visible as a transition. When
// every item is terminal the subgoal is postponed if any item is (it may come
// back), else closed. No items at all is not-started.
func Combine(mode string, items []Result) Result {
	if len(items) == 0 {
		return Result{Status: NotStarted}
	}
	var best *Result
	var postponed, closed int
	for i := range items {
		r := &items[i]
		switch {
		case r.Status == Postponed:
			postponed++
			continue
		case r.Status == Closed:
			closed++
			continue
		case !r.Status.Valid():
			continue // a bug upstream; an unknown status carries no progress
		}
		if best == nil ||
			(mode == Most && r.Status.Rank() > best.Status.Rank()) ||
			(mode != Most && r.Status.Rank() < best.Status.Rank()) {
			best = r
		}
	}
	if best == nil {
		for _, r := range items {
			if r.Status == Postponed {
				return Result{Status: Postponed, Detail: r.Detail}
			}
		}
		for _, r := range items {
			if r.Status == Closed {
				return Result{Status: Closed, Detail: r.Detail}
			}
		}
		return Result{Status: NotStarted}
	}
	out := Result{Status: best.Status, Detail: best.Detail}
	if note := terminalNote(postponed, closed); note != "" {
		out.Detail = joinDetail(out.Detail, "also "+note)
	}
	return out
}

// Summarize gives a parent subgoal's status from its children's (DESIGN
// §7). A parent is complete only when every non-terminal child is, and
// not-started only when no child has moved; when some children moved but
// others have not, it is in-progress and its detail says what moved ("2/4
// complete, 1 in FCP"); when all moved, it is as far as its least advanced
// child ("proposed: 1/3 complete"). All terminal children make it postponed
// (if any is) or closed, and terminal children are counted apart ("2/4
// complete; 1 closed").
func Summarize(children []Result) Result {
	if len(children) == 0 {
		return Result{Status: NotStarted}
	}
	var done, live, moved, postponed, closed int
	by := map[Status]int{}
	least := Complete
	for _, c := range children {
		switch {
		case c.Status == Postponed:
			postponed++
		case c.Status == Closed:
			closed++
		case !c.Status.Valid():
			live++
			least = NotStarted
		default:
			live++
			by[c.Status]++
			if c.Status == Complete {
				done++
			}
			if c.Status != NotStarted {
				moved++
			}
			if c.Status.Rank() < least.Rank() {
				least = c.Status
			}
		}
	}
	note := terminalNote(postponed, closed)
	if live == 0 {
		st := Closed
		if postponed > 0 {
			st = Postponed
		}
		return Result{Status: st, Detail: note}
	}
	parts := []string{fmt.Sprintf("%d/%d complete", done, live)}
	if least == NotStarted && moved > 0 {
		// The status alone does not say what moved: the detail does.
		least = InProgress
		for _, m := range movedNames {
			if n := by[m.status]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, m.name))
			}
		}
	}
	return Result{Status: least, Detail: joinDetail(strings.Join(parts, ", "), note)}
}

// movedNames are the child statuses a parent's detail counts beside the
// complete ones, most advanced first.
var movedNames = []struct {
	status Status
	name   string
}{
	{Accepted, "accepted"},
	{FCPFinished, "FCP finished"},
	{InFCP, "in FCP"},
	{Blocked, "blocked"},
	{FCPProposed, "FCP proposed"},
}

// DocFacts is what the goal document itself says about a subgoal row.
type DocFacts struct {
	Complete bool // the row carries ![Complete][]
	Struck   bool // the row's task is ~~struck~~
}

// Done reports whether the document marks the row finished.
func (d DocFacts) Done() bool { return d.Complete || d.Struck }

// DocNote returns the note Reconcile adds to a detail when the document
// says doc and the items say otherwise ("document says complete").
func DocNote(doc Status) string { return "document says " + string(doc) }

// Reconcile merges what the document says with what the items say (item is
// nil when the subgoal has no items). A Complete badge or a struck row counts
// as complete unless an item says otherwise: an accepted or complete item
// agrees (the result is complete, with the item's detail); any other item
// status wins but the result keeps both, with Disagree set and the detail
// ending in DocNote, because that disagreement is news.
func Reconcile(doc DocFacts, item *Result) Result {
	if !doc.Done() {
		if item == nil {
			return Result{Status: NotStarted}
		}
		return Result{Status: item.Status, Detail: item.Detail}
	}
	if item == nil {
		return Result{Status: Complete, Detail: "marked complete in the document", DocStatus: Complete}
	}
	if item.Status == Complete || item.Status == Accepted {
		return Result{Status: Complete, Detail: item.Detail, DocStatus: Complete}
	}
	return Result{
		Status:    item.Status,
		Detail:    joinDetail(item.Detail, DocNote(Complete)),
		DocStatus: Complete,
		Disagree:  true,
	}
}

// terminalNote counts terminal items: "1 postponed, 2 closed", or "".
func terminalNote(postponed, closed int) string {
	var parts []string
	if postponed > 0 {
		parts = append(parts, fmt.Sprintf("%d postponed", postponed))
	}
	if closed > 0 {
		parts = append(parts, fmt.Sprintf("%d closed", closed))
	}
	return strings.Join(parts, ", ")
}

// joinDetail joins two detail fragments with "; ", skipping empty ones.
func joinDetail(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
