package render

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// DigestView is everything the weekly digest issue shows (DESIGN §8).
// Goal, Subgoal and Item fields of the lists are copied from GitHub and the
// goal documents and are escaped when written.
type DigestView struct {
	Week      string    // "2024-W36"; from From when empty
	From, To  time.Time // the week's bounds [From, To); from Week when zero
	Now       time.Time // when built, for "in N days"; From when zero
	StaleDays int       // subgoals with no movement for this many days are listed; 0 for none
	Mention   bool      // write pending reviewers as @login (pinging) instead of plain text
	Goals     []DigestGoal
	Ending    []DigestFCP     // FCPs (and MCP waiting periods) ending in the next 7 days after Now
	Waiting   []DigestWaiting // FCP proposals waiting on reviewers
	Concerns  []DigestConcern // unresolved concerns
	Stale     []DigestStale   // subgoals with no movement for StaleDays
	Related   []DigestRelated // discovered items not placed; the section shows only when there are some
}

// DigestGoal is one goal: its status counts now and its transitions this week.
type DigestGoal struct {
	ID, Title     string
	TrackingIssue ref.Ref               // zero when none
	Counts        map[status.Status]int // subgoals per status now
	Changes       []DigestChange        // this week's transitions, oldest first
}

// DigestChange is one status transition of a subgoal.
type DigestChange struct {
	Subgoal  string
	From, To status.Status // From is "" for a subgoal seen for the first time
	Detail   string
	At       time.Time
	Item     ItemLink // the item that moved it; zero Ref when none
}

// DigestFCP is an FCP or MCP waiting period that ends soon. Goal is a goal
// ID of DigestView.Goals (its title is shown), or a title.
type DigestFCP struct {
	Goal, Subgoal string
	Item          ItemLink
	Kind          string // "FCP" or "MCP"
	Disposition   string
	End           time.Time
}

// DigestWaiting is an FCP proposal not all reviewers have ticked.
type DigestWaiting struct {
	Goal, Subgoal       string
	Item                ItemLink
	Pending             []string // logins
	Reviewed, Reviewers int
}

// DigestConcern is one unresolved concern; URL is the comment that raised it.
type DigestConcern struct {
	Goal, Subgoal string
	Item          ItemLink
	Name, URL, By string
}

// DigestStale is a subgoal whose status has not moved since Since.
type DigestStale struct {
	Goal, Subgoal string
	Status        status.Status
	Since         time.Time
}

// maxPending is how many pending reviewers one row names; the rest are counted.
const maxPending = 20

// Digest renders the body of the digest issue of v: the marker line, a
// summary paragraph, then the sections "What changed this week" (a table
// per goal), "FCPs ending in the next 7 days", "Waiting on reviewers",
// "Unresolved concerns", "No movement for N days" and "Tracking issues".
// An empty section says so in one line. Lists are sorted, so the same view
// gives the same bytes. Links go through redirect.github.com, which GitHub
// documents as not creating backlinks, so a weekly issue does not add a
// "mentioned this" entry to every item it lists. When the body would pass
// GitHub's 65,536-character limit, the sections share the room and each cut
// section ends with a note saying how many rows it left out.
func Digest(v DigestView) string { return digest(v, MaxComment-64) }

// digest is Digest with the size limit (in bytes) as a parameter for tests.
func digest(v DigestView, limit int) string {
	v = normalize(v)
	titles := make(map[string]string, len(v.Goals))
	for _, g := range v.Goals {
		titles[g.ID] = goalTitle(g)
	}
	goal := func(id string) string {
		if t, ok := titles[id]; ok {
			return t
		}
		return cell(id, 80)
	}
	head := DigestMarker(v.Week) + "\n" + summary(v)
	secs := []section{
		changesSection(v),
		endingSection(v, goal),
		waitingSection(v, goal),
		concernsSection(v, goal),
		staleSection(v, goal),
		trackingSection(v),
	}
	if len(v.Related) > 0 {
		secs = append(secs[:len(secs)-1], relatedDigestSection(v, goal), secs[len(secs)-1])
	}
	return head + layout(secs, limit-len(head))
}

// normalize fills Week, From, To and Now from each other and returns v with
// its lists copied and sorted (goals by title, then the order each section
// documents, ties broken by the fields shown), so rendering neither depends
// on nor changes the caller's order.
func normalize(v DigestView) DigestView {
	if v.Week == "" && !v.From.IsZero() {
		v.Week = ISOWeek(v.From)
	}
	if start, err := ParseISOWeek(v.Week); err == nil && v.From.IsZero() {
		v.From = start
	}
	if v.To.IsZero() && !v.From.IsZero() {
		v.To = v.From.AddDate(0, 0, 7)
	}
	if v.Now.IsZero() {
		v.Now = v.From
	}
	v.Goals = slices.Clone(v.Goals)
	slices.SortFunc(v.Goals, func(a, b DigestGoal) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)), cmp.Compare(a.Title, b.Title),
			cmp.Compare(a.ID, b.ID), compareRef(a.TrackingIssue, b.TrackingIssue))
	})
	key := make(map[string]string, len(v.Goals)) // goal ID to sort key, so lists follow the goals' order
	for i, g := range v.Goals {
		key[g.ID] = fmt.Sprintf("%08d", i)
		v.Goals[i].Changes = slices.Clone(g.Changes)
		slices.SortFunc(v.Goals[i].Changes, func(a, b DigestChange) int {
			return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Subgoal, b.Subgoal), compareRef(a.Item.Ref, b.Item.Ref),
				cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Detail, b.Detail), cmp.Compare(a.Item.Title, b.Item.Title))
		})
	}
	place := func(g1, s1 string, i1 ref.Ref, g2, s2 string, i2 ref.Ref) int {
		k1, ok1 := key[g1]
		if !ok1 {
			k1 = "~" + g1 // goals not in v.Goals last
		}
		k2, ok2 := key[g2]
		if !ok2 {
			k2 = "~" + g2
		}
		return cmp.Or(cmp.Compare(k1, k2), cmp.Compare(s1, s2), compareRef(i1, i2))
	}
	v.Ending = slices.Clone(v.Ending)
	slices.SortFunc(v.Ending, func(a, b DigestFCP) int {
		return cmp.Or(a.End.Compare(b.End), place(a.Goal, a.Subgoal, a.Item.Ref, b.Goal, b.Subgoal, b.Item.Ref),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Disposition, b.Disposition), cmp.Compare(a.Item.Title, b.Item.Title))
	})
	v.Waiting = slices.Clone(v.Waiting)
	for i := range v.Waiting {
		v.Waiting[i].Pending = sorted(v.Waiting[i].Pending)
	}
	slices.SortFunc(v.Waiting, func(a, b DigestWaiting) int {
		return cmp.Or(place(a.Goal, a.Subgoal, a.Item.Ref, b.Goal, b.Subgoal, b.Item.Ref), cmp.Compare(a.Reviewed, b.Reviewed),
			cmp.Compare(a.Reviewers, b.Reviewers), cmp.Compare(a.Item.Title, b.Item.Title), slices.Compare(a.Pending, b.Pending))
	})
	v.Concerns = slices.Clone(v.Concerns)
	slices.SortFunc(v.Concerns, func(a, b DigestConcern) int {
		return cmp.Or(place(a.Goal, a.Subgoal, a.Item.Ref, b.Goal, b.Subgoal, b.Item.Ref), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.URL, b.URL), cmp.Compare(a.By, b.By), cmp.Compare(a.Item.Title, b.Item.Title))
	})
	v.Stale = slices.Clone(v.Stale)
	slices.SortFunc(v.Stale, func(a, b DigestStale) int {
		return cmp.Or(a.Since.Compare(b.Since), place(a.Goal, a.Subgoal, ref.Ref{}, b.Goal, b.Subgoal, ref.Ref{}), cmp.Compare(a.Status, b.Status))
	})
	return v
}

// compareRef orders refs by owner, repository and number, without
// allocating (sorting 1,000 rows compares them some 10,000 times).
func compareRef(a, b ref.Ref) int {
	return cmp.Or(cmp.Compare(a.Owner, b.Owner), cmp.Compare(a.Repo, b.Repo), cmp.Compare(a.Number, b.Number))
}

// sorted returns a sorted copy of s.
func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// summary is the opening paragraph: the week, the goals and subgoals by
// status, and how many rows each section has.
func summary(v DigestView) string {
	var b strings.Builder
	b.WriteString("Week " + safeWeek(v.Week))
	if !v.From.IsZero() {
		fmt.Fprintf(&b, " (%s to %s, UTC)", date(v.From), date(v.To.Add(-time.Nanosecond)))
	}
	total, changes := 0, 0
	counts := map[status.Status]int{}
	for _, g := range v.Goals {
		for s, n := range g.Counts {
			counts[s] += n
			total += n
		}
		changes += len(g.Changes)
	}
	fmt.Fprintf(&b, ": %s with %s", status.Plural(len(v.Goals), "goal", "goals"), status.Plural(total, "subgoal", "subgoals"))
	if c := countText(counts); c != "" {
		b.WriteString(" (" + c + ")")
	}
	parts := []string{
		status.Plural(changes, "status change", "status changes"),
		status.Plural(len(v.Ending), "FCP", "FCPs") + " ending in the next 7 days",
		status.Plural(len(v.Waiting), "proposal", "proposals") + " waiting on reviewers",
		status.Plural(len(v.Concerns), "unresolved concern", "unresolved concerns"),
	}
	if v.StaleDays > 0 {
		parts = append(parts, status.Plural(len(v.Stale), "subgoal", "subgoals")+fmt.Sprintf(" with no movement for %d days", v.StaleDays))
	}
	b.WriteString(". This week: " + strings.Join(parts, ", ") + ".\n")
	return b.String()
}

// countText renders subgoal counts in progress order ("2 in-fcp,
// 1 complete"), statuses unknown to the status package last (more than five
// are summed as one), zeros left out.
func countText(counts map[status.Status]int) string {
	var parts []string
	for _, s := range status.All() {
		if n := counts[s]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+Escape(string(s)))
		}
	}
	var odd []string
	for s, n := range counts {
		if !s.Valid() && n > 0 {
			odd = append(odd, strconv.Itoa(n)+" "+cell(string(s), 40))
		}
	}
	slices.Sort(odd)
	if len(odd) > 5 {
		rest := 0
		for s, n := range counts {
			if !s.Valid() && n > 0 {
				rest += n
			}
		}
		odd = []string{strconv.Itoa(rest) + " with other statuses"}
	}
	return strings.Join(append(parts, odd...), ", ")
}

// section is one "###" part of the digest: n rows that may be cut, made
// on demand by row (so a cut list is not escaped in full), with a header
// written before the first row and a line for when there are none.
type section struct {
	title, header string
	n             int
	row           func(i int) string // row i, ending in "\n"
	empty         string             // written instead when there are no rows
	noun          string             // plural noun for the truncation note
}

// layout writes sections within limit bytes. When all rows do not fit,
// the room left after the fixed text is shared max-min fairly: a section
// needing less than an equal share keeps all its rows and the rest is
// shared among the others, so one long list cannot crowd out the others.
func layout(secs []section, limit int) string {
	const noteRoom = 120 // the truncation note is shorter than this
	fixed := 0
	for _, s := range secs {
		fixed += len(s.title) + len(s.header) + len(s.empty) + noteRoom + 8
	}
	rows, alloc := fill(secs, limit-fixed)
	var b strings.Builder
	b.Grow(min(limit, fixed+sum(alloc)))
	for i, s := range secs {
		b.WriteString("\n### " + s.title + "\n\n")
		if s.n == 0 {
			b.WriteString(s.empty + "\n")
			continue
		}
		used, shown := 0, 0
		for _, r := range rows[i] {
			if used+len(r) > alloc[i] {
				break
			}
			used += len(r)
			shown++
		}
		if shown > 0 {
			b.WriteString(s.header)
		}
		for _, r := range rows[i][:shown] {
			b.WriteString(r)
		}
		if left := s.n - shown; left > 0 {
			if shown > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "_%d more %s not shown: GitHub limits an issue body to %d characters._\n", left, s.noun, MaxComment)
		}
	}
	return b.String()
}

// fill renders the rows of secs that can be shown in room bytes and
// returns them with each section's share of the room. The share is
// max-min fair: room is split equally among the sections; those needing
// less than their part keep all their rows and give the rest back, to be
// split among the others, until no section finishes below its part. Rows
// are made only as far as a section's part reaches, so a list of
// thousands is not escaped in full to show a few dozen.
func fill(secs []section, room int) (rows [][]string, alloc []int) {
	rows = make([][]string, len(secs))
	alloc = make([]int, len(secs))
	need := make([]int, len(secs))
	active := make([]int, 0, len(secs))
	for i := range secs {
		active = append(active, i)
	}
	room = max(room, 0)
	for len(active) > 0 {
		fair := room / len(active)
		var open []int
		for _, i := range active {
			// Render until past fair, so we know whether the section fits.
			for j := len(rows[i]); j < secs[i].n && need[i] <= fair; j++ {
				r := secs[i].row(j)
				rows[i] = append(rows[i], r)
				need[i] += len(r)
			}
			if len(rows[i]) == secs[i].n && need[i] <= fair {
				alloc[i] = need[i]
				room -= need[i]
			} else {
				open = append(open, i)
			}
		}
		if len(open) == len(active) {
			for _, i := range open {
				alloc[i] = fair
			}
			break
		}
		active = open
	}
	return rows, alloc
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
