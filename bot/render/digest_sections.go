package render

// The sections of the weekly digest and the cells they are made of.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// changesSection lists this week's transitions, one table per goal under a
// heading linking the goal's tracking issue. The heading and table head
// travel with the goal's first row, so a cut never leaves a bare heading.
func changesSection(v DigestView) section {
	type at struct{ goal, change int }
	var all []at
	for g := range v.Goals {
		for c := range v.Goals[g].Changes {
			all = append(all, at{g, c})
		}
	}
	return section{
		title: "What changed this week", empty: "No subgoal changed status this week.", noun: "status changes",
		n: len(all),
		row: func(i int) string {
			g := v.Goals[all[i].goal]
			c := g.Changes[all[i].change]
			var b strings.Builder
			if all[i].change == 0 {
				if i > 0 {
					b.WriteString("\n")
				}
				b.WriteString("#### " + goalHeading(g) + "\n\n")
				b.WriteString("| Date | Subgoal | Change | Detail | Item |\n| --- | --- | --- | --- | --- |\n")
			}
			from := "new"
			if c.From != "" {
				from = cell(string(c.From), 40)
			}
			b.WriteString(digestRow(dateOr(c.At), subgoal(c.Subgoal), from+" → **"+statusCell(c.To)+"**", cell(c.Detail, maxDetail), item(c.Item)))
			return b.String()
		},
	}
}

// endingSection lists FCPs and MCP waiting periods by end date.
func endingSection(v DigestView, goal func(string) string) section {
	return section{
		title:  "FCPs ending in the next 7 days",
		header: "| Ends | Item | Kind | Disposition | Goal | Subgoal |\n| --- | --- | --- | --- | --- | --- |\n",
		empty:  "No FCP ends in the next 7 days.", noun: "FCPs",
		n: len(v.Ending),
		row: func(i int) string {
			e := v.Ending[i]
			kind := strings.TrimSpace(e.Kind)
			if kind == "" {
				kind = "FCP"
			}
			ends := "—"
			if !e.End.IsZero() {
				ends = date(e.End) + " (" + until(v.Now, e.End) + ")"
			}
			return digestRow(ends, item(e.Item), cell(kind, 10), cell(e.Disposition, 40), goal(e.Goal), subgoal(e.Subgoal))
		},
	}
}

// waitingSection lists FCP proposals with the reviewers still to tick.
// Logins are inline code, which pings nobody, unless v.Mention asks for
// @login.
func waitingSection(v DigestView, goal func(string) string) section {
	return section{
		title:  "Waiting on reviewers",
		header: "| Item | Reviewed | Pending | Goal | Subgoal |\n| --- | --- | --- | --- | --- |\n",
		empty:  "No FCP proposal is waiting on reviewers.", noun: "proposals",
		n: len(v.Waiting),
		row: func(i int) string {
			w := v.Waiting[i]
			return digestRow(item(w.Item), fmt.Sprintf("%d/%d", w.Reviewed, w.Reviewers), pending(w.Pending, v.Mention), goal(w.Goal), subgoal(w.Subgoal))
		},
	}
}

// pending renders logins sorted and deduplicated, as inline code or, when
// mention is set, as @login; at most maxPending, the rest counted.
func pending(logins []string, mention bool) string {
	var names []string
	for _, p := range logins {
		if l := Login(p); l != "" {
			names = append(names, l)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	left := len(names) - maxPending
	names = names[:min(len(names), maxPending)]
	if mention {
		for i, l := range names {
			names[i] = "@" + strings.Trim(l, "`")
		}
	}
	s := strings.Join(names, ", ")
	switch {
	case left > 0:
		s += fmt.Sprintf(" and %d more", left)
	case s == "":
		s = "—"
	}
	return s
}

// concernsSection lists unresolved concerns, each linking the comment that
// raised it when that is a github.com address.
func concernsSection(v DigestView, goal func(string) string) section {
	return section{
		title:  "Unresolved concerns",
		header: "| Concern | Raised by | Item | Goal | Subgoal |\n| --- | --- | --- | --- | --- |\n",
		empty:  "No unresolved concerns.", noun: "concerns",
		n: len(v.Concerns),
		row: func(i int) string {
			c := v.Concerns[i]
			name := cell(c.Name, maxItemText)
			if u, ok := redirectURL(c.URL); ok {
				name = "[" + name + "](" + u + ")"
			}
			by := Login(c.By)
			if by == "" {
				by = "—"
			}
			return digestRow(name, by, item(c.Item), goal(c.Goal), subgoal(c.Subgoal))
		},
	}
}

// staleSection lists subgoals whose status has not moved, oldest first;
// with no StaleDays it says the list is off.
func staleSection(v DigestView, goal func(string) string) section {
	s := section{
		title:  fmt.Sprintf("No movement for %d days", v.StaleDays),
		header: "| Subgoal | Goal | Status | Since |\n| --- | --- | --- | --- |\n",
		empty:  fmt.Sprintf("No subgoal has gone %d days without a status change.", v.StaleDays), noun: "subgoals",
		n: len(v.Stale),
		row: func(i int) string {
			st := v.Stale[i]
			since := "—"
			if !st.Since.IsZero() {
				since = fmt.Sprintf("%s (%s)", date(st.Since), status.Plural(int(v.Now.Sub(st.Since)/(24*time.Hour)), "day", "days"))
			}
			return digestRow(subgoal(st.Subgoal), goal(st.Goal), statusCell(st.Status), since)
		},
	}
	if v.StaleDays <= 0 {
		s.title, s.n = "No movement", 0
		s.empty = "Subgoals without movement are not listed (no number of days is configured)."
	}
	return s
}

// trackingSection links every goal's tracking issue with its counts.
func trackingSection(v DigestView) section {
	return section{
		title:  "Tracking issues",
		header: "| Goal | Tracking issue | Subgoals |\n| --- | --- | --- |\n",
		empty:  "No goals are tracked.", noun: "goals",
		n: len(v.Goals),
		row: func(i int) string {
			g := v.Goals[i]
			issue := "—"
			if !g.TrackingIssue.IsZero() {
				issue = link(g.TrackingIssue, false)
			}
			counts := countText(g.Counts)
			if counts == "" {
				counts = "—"
			}
			return digestRow(goalTitle(g), issue, counts)
		},
	}
}

// statusCell renders a status for a cell; "" is not-started.
func statusCell(s status.Status) string {
	if strings.TrimSpace(string(s)) == "" {
		s = status.NotStarted
	}
	return cell(string(s), 40)
}

// digestRow joins cells, already escaped, into "| a | b |\n".
func digestRow(cells ...string) string {
	return "| " + strings.Join(cells, " | ") + " |\n"
}

// cell escapes raw text for a table cell, clipped to n runes; "" is "—".
func cell(s string, n int) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "—"
	}
	return text(s, n)
}

// text is Escape of s clipped to n runes, with a zero-width space after
// every "#" before a digit: GitHub turns "#123" and "owner/repo#123" into
// references, and a reference in a new issue adds a "mentioned this" entry
// to the referenced one every week. Escape's own entities ("&#8203;") are
// left alone; "&" from s is already "&amp;".
func text(s string, n int) string {
	e := Escape(clip(s, n))
	if !strings.Contains(e, "#") {
		return e
	}
	var b strings.Builder
	for i := 0; i < len(e); i++ {
		b.WriteByte(e[i])
		if e[i] == '#' && i+1 < len(e) && e[i+1] >= '0' && e[i+1] <= '9' && (i == 0 || e[i-1] != '&') {
			b.WriteString(zwsp)
		}
	}
	return b.String()
}

func subgoal(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(untitled)"
	}
	return cell(s, maxTitle)
}

// goalTitle is the escaped title of g, or its ID when it has none.
func goalTitle(g DigestGoal) string {
	t := strings.TrimSpace(g.Title)
	if t == "" {
		t = "Goal " + SafeID(g.ID)
	}
	return text(t, maxTitle)
}

// goalHeading is the goal title, linked to its tracking issue when it has one.
func goalHeading(g DigestGoal) string {
	if g.TrackingIssue.IsZero() {
		return goalTitle(g)
	}
	r := g.TrackingIssue
	return "[" + goalTitle(g) + "](" + redirectBase + safeName(r.Owner) + "/" + safeName(r.Repo) + "/issues/" +
		strconv.Itoa(r.Number) + ") (" + link(r, false) + ")"
}

// item renders an item link with its title, or "—" for none.
func item(it ItemLink) string {
	if it.Ref.IsZero() {
		return "—"
	}
	s := link(it.Ref, it.IsPull)
	if t := strings.TrimSpace(it.Title); t != "" {
		s += " " + text(t, 80)
	}
	return s
}

// redirectBase is the host GitHub documents for links that create no
// backlink on the linked issue.
const redirectBase = "https://redirect.github.com/"

// link renders "[owner/repo#N](https://redirect.github.com/owner/repo/pull/N)".
func link(r ref.Ref, pull bool) string {
	kind := "issues"
	if pull {
		kind = "pull"
	}
	owner, repo, n := safeName(r.Owner), safeName(r.Repo), strconv.Itoa(r.Number)
	return "[" + Escape(owner+"/"+repo) + "#" + n + "](" + redirectBase + owner + "/" + repo + "/" + kind + "/" + n + ")"
}

// redirectURL rewrites a github.com address to redirect.github.com and
// reports whether u was one made only of characters that cannot end the
// link or break a table cell.
func redirectURL(u string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(u), "https://github.com/")
	if !ok {
		rest, ok = strings.CutPrefix(strings.TrimSpace(u), redirectBase)
	}
	if !ok || rest == "" || len(rest) > 500 {
		return "", false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/#%=?&:+", c) >= 0) {
			return "", false
		}
	}
	return redirectBase + rest, true
}

// until says when end comes, seen from now: "in 3 days", "in under a day",
// or "ended" when it has passed.
func until(now, end time.Time) string {
	d := end.Sub(now)
	switch {
	case d <= 0:
		return "ended"
	case d < 24*time.Hour:
		return "in under a day"
	}
	return "in " + status.Plural(int(d/(24*time.Hour)), "day", "days")
}

func date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func dateOr(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return date(t)
}
