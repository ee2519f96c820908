package dashboard

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// recentDays is how long a finished FCP stays under "recently finished".
const recentDays = 30

// world is a snapshot with the indexes every page needs, built once per
// snapshot so that each page is a walk over maps, not a search.
type world struct {
	snap      *Snapshot
	items     map[ref.Ref]*Item
	goals     map[string]*Goal
	titles    map[string]map[string]string           // goal → subgoal id → title
	links     map[string]map[string][]bot.Link       // goal → subgoal id → links
	itemGoals map[ref.Ref][]GoalRef                  // item → the subgoals linking it
	history   map[string]map[string][]bot.Transition // goal → subgoal → transitions, oldest first
	last      map[string]time.Time                   // goal → newest transition
	entries   map[ref.Ref]*FCPEntry                  // items with an FCP or MCP
	order     []ref.Ref                              // keys of entries, by reference
}

// newWorld indexes a snapshot.
func newWorld(s *Snapshot) *world {
	w := &world{snap: s, items: map[ref.Ref]*Item{}, goals: map[string]*Goal{},
		titles: map[string]map[string]string{}, links: map[string]map[string][]bot.Link{},
		itemGoals: map[ref.Ref][]GoalRef{}, history: map[string]map[string][]bot.Transition{},
		last: map[string]time.Time{}, entries: map[ref.Ref]*FCPEntry{}}
	for i := range s.Items {
		w.items[s.Items[i].Ref] = &s.Items[i]
	}
	for i := range s.Goals {
		g := &s.Goals[i]
		w.goals[g.ID] = g
		titles := map[string]string{}
		g.Doc.Walk(func(sg, _ *goaldoc.Subgoal) bool { titles[sg.ID] = sg.Title; return true })
		w.titles[g.ID] = titles
		bySub := map[string][]bot.Link{}
		for _, l := range g.Links {
			if slices.ContainsFunc(bySub[l.Subgoal], func(x bot.Link) bool { return x.Item == l.Item }) {
				continue
			}
			bySub[l.Subgoal] = append(bySub[l.Subgoal], l)
			gr := GoalRef{Goal: g.ID, GoalTitle: g.Title, Subgoal: l.Subgoal, SubgoalTitle: titleOr(titles, l.Subgoal)}
			if !slices.Contains(w.itemGoals[l.Item], gr) {
				w.itemGoals[l.Item] = append(w.itemGoals[l.Item], gr)
			}
		}
		w.links[g.ID] = bySub
		w.history[g.ID] = map[string][]bot.Transition{}
	}
	for _, t := range s.Transitions {
		if h, ok := w.history[t.Goal]; ok {
			h[t.Subgoal] = append(h[t.Subgoal], t)
		}
		if t.At.After(w.last[t.Goal]) {
			w.last[t.Goal] = t.At
		}
	}
	for i := range s.Items {
		it := &s.Items[i]
		d := decisionOf(it)
		if d == nil {
			continue
		}
		goals := w.itemGoals[it.Ref]
		if goals == nil {
			goals = []GoalRef{}
		}
		w.entries[it.Ref] = &FCPEntry{Item: w.itemRef(it.Ref), Teams: teamsOf(it.Labels), Goals: goals, Decision: *d}
		w.order = append(w.order, it.Ref)
	}
	sort.Slice(w.order, func(i, j int) bool { return refLess(w.order[i], w.order[j]) })
	return w
}

func refLess(a, b ref.Ref) bool {
	if a.Owner != b.Owner {
		return a.Owner < b.Owner
	}
	if a.Repo != b.Repo {
		return a.Repo < b.Repo
	}
	return a.Number < b.Number
}

func titleOr(titles map[string]string, id string) string {
	if t, ok := titles[id]; ok {
		return t
	}
	return id
}

// itemRef links an item, with its title when it has been read.
func (w *world) itemRef(r ref.Ref) ItemRef {
	ir := ItemRef{Ref: r.String()}
	it := w.items[r]
	if it != nil {
		ir.Title, ir.IsPull = it.Title, it.IsPull
	}
	ir.URL = itemURL(r, ir.IsPull)
	return ir
}

// decisionOf returns the FCP on an item (it wins while it exists, DESIGN
// §7), else its MCP, else nil.
func decisionOf(it *Item) *Decision {
	item := itemURL(it.Ref, it.IsPull)
	f := it.FCP
	if f.Phase != "" && f.Phase != fcp.PhaseNone && !(f.Phase == fcp.PhaseCancelled && mcpActive(it.MCP)) {
		statusURL := githubURL(f.StatusURL, item)
		d := &Decision{Kind: "fcp", Phase: string(f.Phase), Disposition: string(f.Disposition), Initiator: f.Initiator,
			StatusURL: statusURL, Detail: f.Detail(), Reviewers: []Reviewer{}, Pending: []string{},
			// rfcbot's status comment lists the concerns: the fallback link.
			Concerns: concerns(f.Concerns, f.Raisers, statusURL), Start: f.Start, End: f.End}
		for _, r := range f.Reviewers {
			d.Reviewers = append(d.Reviewers, Reviewer{Login: r.Login, Ticked: r.Ticked})
			if r.Ticked {
				d.Ticked++
			}
		}
		sort.Slice(d.Reviewers, func(i, j int) bool {
			return strings.ToLower(d.Reviewers[i].Login) < strings.ToLower(d.Reviewers[j].Login)
		})
		d.Pending = append(d.Pending, f.Pending()...)
		if d.End.IsZero() && !d.Start.IsZero() {
			d.End = fcp.EndOf(d.Start)
		}
		return d
	}
	m := it.MCP
	if m.Phase == "" || m.Phase == fcp.MCPNone {
		return nil
	}
	return &Decision{Kind: "mcp", Phase: string(m.Phase), Initiator: it.Author, SecondedBy: m.SecondedBy, StatusURL: item,
		Detail: m.Detail(), Reviewers: []Reviewer{}, Pending: []string{}, Concerns: concerns(m.Concerns, nil, item),
		Start: m.SecondedAt, End: m.End}
}

func mcpActive(m fcp.MCP) bool { return m.Phase != "" && m.Phase != fcp.MCPNone }

func concerns(cs []fcp.Concern, raisers map[string]string, fallback string) []Concern {
	out := []Concern{}
	for _, c := range cs {
		by := c.By
		if by == "" {
			by = raisers[c.Name]
		}
		v := Concern{Name: c.Name, Resolved: c.Resolved, By: by, URL: githubURL(c.URL, fallback)}
		if c.ResolvedURL != "" {
			v.ResolvedURL = githubURL(c.ResolvedURL, "")
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// teamsOf returns the teams an item is labelled with (T-lang → lang).
func teamsOf(labels []string) []string {
	out := []string{}
	for _, l := range labels {
		if len(l) > 2 && strings.EqualFold(l[:2], "t-") {
			if t := strings.ToLower(l[2:]); !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}

var periodRE = regexp.MustCompile(`\b(20\d\d[hH][12])\b|(20\d\d[hH][12])$`)

// periodOf returns the goal's period: the document's folder, else one
// written in its id ("async-parity-2024h2").
func periodOf(g *Goal) string {
	if g.Doc.Period != "" {
		return strings.ToLower(g.Doc.Period)
	}
	if m := periodRE.FindString(strings.ReplaceAll(g.ID, "-", " ")); m != "" {
		return strings.ToLower(m)
	}
	return ""
}

func lowerAll(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, strings.ToLower(s))
	}
	return out
}

// summary builds a goal's line on the goals page.
func (w *world) summary(g *Goal) GoalSummary {
	s := GoalSummary{ID: g.ID, Title: g.Title, Period: periodOf(g), Teams: lowerAll(g.Doc.Teams), DocStatus: g.Doc.Status,
		PointOfContact: pointsOfContact(g), Progress: []StatusCount{}, LastChange: w.last[g.ID]}
	if s.Title == "" {
		s.Title = g.Doc.Title
	}
	if !g.TrackingIssue.IsZero() {
		ir := ItemRef{Ref: g.TrackingIssue.String(), URL: itemURL(g.TrackingIssue, false), Title: g.Title}
		s.TrackingIssue = &ir
	}
	counts := map[string]int{}
	g.Doc.Walk(func(sg, _ *goaldoc.Subgoal) bool {
		if len(sg.Children) > 0 {
			return true
		}
		st := string(status.NotStarted)
		if v, ok := g.Statuses[sg.ID]; ok && v.Status != "" {
			st = string(v.Status)
		}
		counts[st]++
		s.Subgoals++
		return true
	})
	for _, st := range status.All() {
		if n := counts[string(st)]; n > 0 {
			s.Progress = append(s.Progress, StatusCount{Status: string(st), Count: n, Percent: percent(n, s.Subgoals)})
			delete(counts, string(st))
		}
	}
	others := make([]string, 0, len(counts))
	for st := range counts {
		others = append(others, st)
	}
	sort.Strings(others)
	for _, st := range others {
		s.Progress = append(s.Progress, StatusCount{Status: st, Count: counts[st], Percent: percent(counts[st], s.Subgoals)})
	}
	if s.LastChange.IsZero() {
		for _, v := range g.Statuses {
			if v.Since.After(s.LastChange) {
				s.LastChange = v.Since
			}
		}
	}
	return s
}

func percent(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(int(float64(n)*1000/float64(total)+0.5)) / 10
}

func pointsOfContact(g *Goal) []string {
	out := []string{}
	for _, l := range append(append([]string{}, g.Doc.PointOfContact...), g.Doc.Owners...) {
		if l != "" && !slices.ContainsFunc(out, func(x string) bool { return equalLogin(x, l) }) {
			out = append(out, l)
		}
	}
	return out
}

// sortedGoals returns the goals newest period first, then by title.
func (w *world) sortedGoals() []*Goal {
	out := make([]*Goal, 0, len(w.snap.Goals))
	for i := range w.snap.Goals {
		out = append(out, &w.snap.Goals[i])
	}
	sort.SliceStable(out, func(i, j int) bool {
		pi, pj := periodOf(out[i]), periodOf(out[j])
		if pi != pj {
			return pi > pj
		}
		return strings.ToLower(out[i].Title) < strings.ToLower(out[j].Title)
	})
	return out
}

// GoalFilter narrows the goals page.
type GoalFilter struct {
	Period string // "2024h2"; "" for all
	Team   string // "lang"; "" for all
}

// goalList builds the goals page.
func (w *world) goalList(f GoalFilter) GoalList {
	f.Period, f.Team = strings.ToLower(strings.TrimSpace(f.Period)), strings.ToLower(strings.TrimSpace(f.Team))
	l := GoalList{Period: f.Period, Team: f.Team, Periods: []string{}, AllTeam: []string{}, Goals: []GoalSummary{}}
	for _, g := range w.sortedGoals() {
		s := w.summary(g)
		if s.Period != "" && !slices.Contains(l.Periods, s.Period) {
			l.Periods = append(l.Periods, s.Period)
		}
		for _, t := range s.Teams {
			if !slices.Contains(l.AllTeam, t) {
				l.AllTeam = append(l.AllTeam, t)
			}
		}
		if (f.Period == "" || s.Period == f.Period) && (f.Team == "" || slices.Contains(s.Teams, f.Team)) {
			l.Goals = append(l.Goals, s)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(l.Periods)))
	sort.Strings(l.AllTeam)
	return l
}

// goalDetail builds the page of one goal; ok is false when there is none.
func (w *world) goalDetail(id string) (GoalDetail, bool) {
	g, ok := w.goals[id]
	if !ok {
		return GoalDetail{}, false
	}
	d := GoalDetail{GoalSummary: w.summary(g), Subgoals: []SubgoalView{}}
	for i := range g.Doc.Subgoals {
		d.Subgoals = append(d.Subgoals, w.subgoal(g, &g.Doc.Subgoals[i], 0))
	}
	return d, true
}

func (w *world) subgoal(g *Goal, sg *goaldoc.Subgoal, depth int) SubgoalView {
	v := SubgoalView{ID: sg.ID, Title: sg.Title, Line: sg.Line, Depth: depth, Owners: append([]string{}, sg.Owners...),
		Status: string(status.NotStarted), Items: []ItemView{}, History: []Transition{}, Children: []SubgoalView{}}
	if st, ok := g.Statuses[sg.ID]; ok {
		v.Status, v.Detail, v.Since, v.DocStatus, v.Disagree = string(st.Status), st.Detail, st.Since, string(st.DocStatus), st.Disagree
	}
	for _, l := range w.links[g.ID][sg.ID] {
		iv := ItemView{ItemRef: w.itemRef(l.Item), Origin: l.Origin}
		if it := w.items[l.Item]; it != nil {
			iv.Kind, iv.State, iv.Gone = it.Kind, it.State, it.Gone
			if e := w.entries[l.Item]; e != nil {
				d := e.Decision
				iv.Decision = &d
			}
		}
		v.Items = append(v.Items, iv)
	}
	h := w.history[g.ID][sg.ID]
	for i := len(h) - 1; i >= 0; i-- {
		v.History = append(v.History, w.transition(h[i]))
	}
	for i := range sg.Children {
		v.Children = append(v.Children, w.subgoal(g, &sg.Children[i], depth+1))
	}
	return v
}

func (w *world) transition(t bot.Transition) Transition {
	v := Transition{At: t.At, Goal: t.Goal, Subgoal: t.Subgoal, SubgoalTitle: titleOr(w.titles[t.Goal], t.Subgoal),
		From: string(t.Old), To: string(t.New), Detail: t.Detail, Cause: "sync, command or document change"}
	if t.DeliveryID != "" {
		v.Cause = "webhook delivery " + t.DeliveryID
	}
	if t.Item != "" {
		if r, err := ref.Parse(t.Item, ref.Ref{}); err == nil {
			ir := w.itemRef(r)
			v.Item = &ir
		}
	}
	return v
}

// FCPFilter narrows the FCP page.
type FCPFilter struct {
	Team            string // only proposals labelled with this team
	BlockedOnOthers string // only proposals this login reviewed that still wait on others
}

// blockedOnOthers reports whether login has ticked e's box while others
// still have to review or a concern someone else raised stands.
func blockedOnOthers(e *FCPEntry, login string) bool {
	if e.Kind != "fcp" || e.Phase != string(fcp.PhaseProposed) || !e.TickedBy(login) {
		return false
	}
	for _, p := range e.Pending {
		if !equalLogin(p, login) {
			return true
		}
	}
	for _, c := range e.Concerns {
		if !c.Resolved && !equalLogin(c.By, login) {
			return true
		}
	}
	return false
}

func isProposal(e *FCPEntry) bool {
	switch e.Kind + ":" + e.Phase {
	case "fcp:proposed", "mcp:proposed", "mcp:blocked":
		return true
	}
	return false
}

func isInProgress(e *FCPEntry) bool {
	return e.Kind+":"+e.Phase == "fcp:active" || e.Kind+":"+e.Phase == "mcp:seconded"
}

func isFinished(e *FCPEntry) bool {
	return e.Kind+":"+e.Phase == "fcp:finished" || e.Kind+":"+e.Phase == "mcp:accepted"
}

// finishedAt is when a finished decision ended, for "recently finished".
func (w *world) finishedAt(r ref.Ref, e *FCPEntry) time.Time {
	if !e.End.IsZero() && e.Kind == "fcp" {
		return e.End
	}
	if it := w.items[r]; it != nil {
		if e.Kind == "mcp" && !it.MCP.UpdatedAt.IsZero() {
			return it.MCP.UpdatedAt
		}
		return it.UpdatedAt
	}
	return e.End
}

// fcpList builds the FCP page.
func (w *world) fcpList(f FCPFilter) FCPList {
	f.Team = strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(f.Team), "T-"), "t-"))
	f.BlockedOnOthers = normLogin(f.BlockedOnOthers)
	l := FCPList{Team: f.Team, BlockedOnOthers: f.BlockedOnOthers, Proposals: []TeamProposals{}, InProgress: []FCPEntry{},
		RecentlyFinished: []FCPEntry{}, Teams: []string{}}
	groups := map[string][]FCPEntry{}
	since := w.snap.Now.AddDate(0, 0, -recentDays)
	var finishedAt []time.Time
	for _, r := range w.order {
		e := w.entries[r]
		for _, t := range e.Teams {
			if !slices.Contains(l.Teams, t) {
				l.Teams = append(l.Teams, t)
			}
		}
		if f.Team != "" && !slices.Contains(e.Teams, f.Team) {
			continue
		}
		switch {
		case isProposal(e):
			if f.BlockedOnOthers != "" && !blockedOnOthers(e, f.BlockedOnOthers) {
				continue
			}
			teams := e.Teams
			if len(teams) == 0 {
				teams = []string{""}
			}
			for _, t := range teams {
				if f.Team == "" || t == f.Team {
					groups[t] = append(groups[t], *e)
				}
			}
		case f.BlockedOnOthers != "":
		case isInProgress(e):
			l.InProgress = append(l.InProgress, *e)
		case isFinished(e):
			at := w.finishedAt(r, e)
			if !at.Before(since) {
				l.RecentlyFinished = append(l.RecentlyFinished, *e)
				finishedAt = append(finishedAt, at)
			}
		}
	}
	sort.Strings(l.Teams)
	names := make([]string, 0, len(groups))
	for t := range groups {
		names = append(names, t)
	}
	sort.Slice(names, func(i, j int) bool { // teams by name, unlabelled last
		if (names[i] == "") != (names[j] == "") {
			return names[j] == ""
		}
		return names[i] < names[j]
	})
	for _, t := range names {
		l.Proposals = append(l.Proposals, TeamProposals{Team: t, Proposals: groups[t]})
	}
	sort.SliceStable(l.InProgress, func(i, j int) bool {
		a, b := l.InProgress[i].End, l.InProgress[j].End
		if a.IsZero() != b.IsZero() {
			return b.IsZero()
		}
		return a.Before(b)
	})
	idx := make([]int, len(l.RecentlyFinished))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return finishedAt[idx[i]].After(finishedAt[idx[j]]) })
	sorted := make([]FCPEntry, len(idx))
	for i, k := range idx {
		sorted[i] = l.RecentlyFinished[k]
	}
	l.RecentlyFinished = sorted
	return l
}

// person builds the page of one login.
func (w *world) person(login string) Person {
	login = normLogin(login)
	p := Person{Login: login, ReviewRequests: []FCPEntry{}, BlockedOnOthers: []FCPEntry{}, PastReviews: []FCPEntry{},
		Concerns: []RaisedConcern{}, Goals: []GoalSummary{}, Subgoals: []OwnedSubgoal{}}
	for _, r := range w.order {
		e := w.entries[r]
		reviewer := slices.ContainsFunc(e.Reviewers, func(x Reviewer) bool { return equalLogin(x.Login, login) })
		open := e.Kind == "fcp" && (e.Phase == string(fcp.PhaseProposed) || e.Phase == string(fcp.PhaseActive))
		switch {
		case reviewer && open && !e.TickedBy(login):
			p.ReviewRequests = append(p.ReviewRequests, *e)
		case blockedOnOthers(e, login):
			p.BlockedOnOthers = append(p.BlockedOnOthers, *e)
		case reviewer && e.Kind == "fcp" && !open:
			p.PastReviews = append(p.PastReviews, *e)
		}
		if isProposal(e) || isInProgress(e) {
			for _, c := range e.Concerns {
				if !c.Resolved && equalLogin(c.By, login) {
					p.Concerns = append(p.Concerns, RaisedConcern{Item: e.Item, Kind: e.Kind, Concern: c})
				}
			}
		}
	}
	sort.SliceStable(p.PastReviews, func(i, j int) bool { return p.PastReviews[i].End.After(p.PastReviews[j].End) })
	if len(p.PastReviews) > 20 {
		p.PastReviews = p.PastReviews[:20]
	}
	for _, g := range w.sortedGoals() {
		if slices.ContainsFunc(pointsOfContact(g), func(x string) bool { return equalLogin(x, login) }) {
			p.Goals = append(p.Goals, w.summary(g))
		}
		g.Doc.Walk(func(sg, _ *goaldoc.Subgoal) bool {
			if slices.ContainsFunc(sg.Owners, func(x string) bool { return equalLogin(x, login) }) {
				st := g.Statuses[sg.ID]
				if st.Status == "" {
					st.Status = status.NotStarted
				}
				p.Subgoals = append(p.Subgoals, OwnedSubgoal{GoalRef: GoalRef{Goal: g.ID, GoalTitle: g.Title, Subgoal: sg.ID, SubgoalTitle: sg.Title},
					Status: string(st.Status), Detail: st.Detail})
			}
			return true
		})
	}
	return p
}

// recentTransitions returns the newest n transitions, newest first.
func (w *world) recentTransitions(n int) []Transition {
	t := w.snap.Transitions
	out := []Transition{}
	for i := len(t) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, w.transition(t[i]))
	}
	return out
}

// normLogin trims a login and its leading @.
func normLogin(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), "@") }

// equalLogin compares GitHub logins, which are case-insensitive.
func equalLogin(a, b string) bool { return a != "" && strings.EqualFold(normLogin(a), normLogin(b)) }
