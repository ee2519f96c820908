package core

import (
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/status"
)

// DigestGoal is what the digest reads of one goal.
type DigestGoal struct {
	Goal        bot.Goal
	Doc         *goaldoc.Document
	Statuses    map[string]bot.SubgoalStatus
	Transitions []bot.Transition // of the digest's week
	Links       []bot.Link
}

// DigestInput is everything BuildDigest looks at.
type DigestInput struct {
	Week      string    // "2024-W36"
	From      time.Time // the week's start (Monday 00:00 UTC)
	Now       time.Time // when the digest is built; a past week reads as at its end
	Mention   bool
	StaleDays int
	Goals     []DigestGoal
	Items     map[ref.Ref]*bot.Item // every stored item of the goals
}

// BuildDigest assembles the digest of a week: transitions by goal, FCPs
// and MCPs ending in the 7 days after the digest's time, proposals waiting
// on reviewers, unresolved concerns and subgoals that have not moved for
// StaleDays.
func BuildDigest(in DigestInput) render.DigestView {
	to := in.From.AddDate(0, 0, 7)
	now := in.Now
	if now.After(to) {
		now = to
	}
	v := render.DigestView{Week: in.Week, From: in.From, To: to, Now: now, Mention: in.Mention, StaleDays: in.StaleDays}
	for _, g := range in.Goals {
		titles := subgoalTitles(g.Doc)
		v.Goals = append(v.Goals, digestGoal(&v, g, titles, in.Items))
		for _, l := range g.Links {
			if s := in.Items[l.Item]; s != nil {
				digestItem(&v, g.Goal.ID, titles.of(l.Subgoal), itemLink(l.Item, in.Items), s)
			}
		}
	}
	return v
}

// titles maps subgoal ids to their titles.
type titles map[string]string

func subgoalTitles(doc *goaldoc.Document) titles {
	out := titles{}
	doc.Walk(func(s, _ *goaldoc.Subgoal) bool { out[s.ID] = s.Title; return true })
	return out
}

// of returns the title of subgoal id, the id itself when it left the document.
func (t titles) of(id string) string {
	if s, ok := t[id]; ok {
		return s
	}
	return id
}

func itemLink(r ref.Ref, items map[ref.Ref]*bot.Item) render.ItemLink {
	l := render.ItemLink{Ref: r}
	if s := items[r]; s != nil {
		l.Title, l.IsPull = s.Title, s.IsPull
	}
	return l
}

// digestGoal counts a goal's statuses, lists its stale subgoals into v and
// returns its section with the week's changes.
func digestGoal(v *render.DigestView, g DigestGoal, t titles, items map[ref.Ref]*bot.Item) render.DigestGoal {
	dg := render.DigestGoal{ID: g.Goal.ID, Title: g.Goal.Title, TrackingIssue: g.Goal.TrackingIssue, Counts: map[status.Status]int{}}
	for _, s := range g.Statuses {
		st := s.Status
		dg.Counts[st]++
		if v.StaleDays > 0 && !st.Terminal() && st != status.Complete && st != status.Accepted &&
			s.Since.Before(v.Now.AddDate(0, 0, -v.StaleDays)) {
			v.Stale = append(v.Stale, render.DigestStale{Goal: g.Goal.ID, Subgoal: t.of(s.Subgoal), Status: st, Since: s.Since})
		}
	}
	for _, tr := range g.Transitions {
		c := render.DigestChange{Subgoal: t.of(tr.Subgoal), From: tr.Old, To: tr.New, Detail: tr.Detail, At: tr.At}
		if r, err := ref.Parse(tr.Item, ref.Ref{}); err == nil && tr.Item != "" {
			c.Item = itemLink(r, items)
		}
		dg.Changes = append(dg.Changes, c)
	}
	return dg
}

// digestItem adds what one linked item contributes: an FCP or MCP ending
// soon, reviewers still to tick, unresolved concerns.
func digestItem(v *render.DigestView, goal, sub string, il render.ItemLink, s *bot.Item) {
	now := v.Now
	soon := func(end time.Time) bool { return !end.IsZero() && !end.Before(now) && end.Before(now.AddDate(0, 0, 7)) }
	isMCP := s.Kind == bot.KindMCP
	f, m := s.FCP, s.MCP
	if !isMCP && f.Phase == "active" && soon(f.End) {
		v.Ending = append(v.Ending, render.DigestFCP{Goal: goal, Subgoal: sub, Item: il, Kind: "FCP", Disposition: string(f.Disposition), End: f.End})
	}
	if isMCP && m.Phase == "seconded" && soon(m.End) {
		v.Ending = append(v.Ending, render.DigestFCP{Goal: goal, Subgoal: sub, Item: il, Kind: "MCP", End: m.End})
	}
	if !isMCP && f.Phase == "proposed" && len(f.Pending()) > 0 {
		v.Waiting = append(v.Waiting, render.DigestWaiting{Goal: goal, Subgoal: sub, Item: il, Pending: f.Pending(),
			Reviewed: f.Ticked(), Reviewers: len(f.Reviewers)})
	}
	concerns := f.Unresolved()
	if isMCP {
		concerns = m.Unresolved()
	}
	for _, c := range concerns {
		v.Concerns = append(v.Concerns, render.DigestConcern{Goal: goal, Subgoal: sub, Item: il, Name: c.Name, URL: c.URL, By: c.By})
	}
}
