package sandbox

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// crossRef is a cross-referenced event on an issue's timeline: the issue
// or pull request Source (owner/repo, number) mentioned it.
type crossRef struct {
	SourceRepo   string
	SourceNumber int
	Actor        string
	CreatedAt    time.Time
}

// refPatterns find references in a body the way GitHub links them:
// owner/repo#N, #N (same repository) and issue or pull URLs.
var (
	refTextRe = regexp.MustCompile(`(?:^|[^\w/.&#@-])(?:([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9_.-]+))?#([0-9]+)\b`)
	refURLRe  = regexp.MustCompile(`https?://(?:www\.)?github\.com/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9_.-]+)/(?:issues|pull)/([0-9]+)\b`)
	// codeRe matches fenced blocks and code spans, where GitHub links nothing.
	codeRe = regexp.MustCompile("(?s)(?:^|\n)[ \t]*(```+|~~~+)[^\n]*\n.*?(?:\n[ \t]*(?:```+|~~~+)[ \t]*(?:\n|$)|$)|`+[^`\n]*`+")
)

// referencedIssues returns the issues of known repositories that body
// references, in order of first mention, without from itself.
func (s *Server) referencedIssues(fromRepo string, fromNumber int, body string) []*Issue {
	text := codeRe.ReplaceAllString(body, " ")
	var out []*Issue
	seen := map[string]bool{threadKey(fromRepo, fromNumber): true}
	add := func(owner, repo, num string) {
		n, err := strconv.Atoi(num)
		if err != nil || n <= 0 {
			return
		}
		full := fromRepo
		if owner != "" {
			full = owner + "/" + repo
		}
		rs := s.st.repos[strings.ToLower(full)]
		if rs == nil || rs.issues[n] == nil || seen[threadKey(rs.FullName, n)] {
			return
		}
		seen[threadKey(rs.FullName, n)] = true
		out = append(out, rs.issues[n])
	}
	type hit struct {
		at               int
		owner, repo, num string
	}
	var hits []hit
	for _, m := range refURLRe.FindAllStringSubmatchIndex(text, -1) {
		hits = append(hits, hit{m[0], text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]]})
	}
	for _, m := range refTextRe.FindAllStringSubmatchIndex(text, -1) {
		h := hit{at: m[0], num: text[m[6]:m[7]]}
		if m[2] >= 0 {
			h.owner, h.repo = text[m[2]:m[3]], text[m[4]:m[5]]
		}
		hits = append(hits, h)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].at < hits[j].at })
	for _, h := range hits {
		add(h.owner, h.repo, h.num)
	}
	return out
}

// crossReference records, on the timeline of every issue body references,
// that the issue or pull request is (on rs) mentioned it, as GitHub does
// when a body or comment is created or edited, at time at. A source is recorded once
// per target (GitHub shows one "mentioned this" per referencing item), and
// a later edit that drops the reference leaves the event, as on GitHub.
func (s *Server) crossReference(rs *repoState, is *Issue, actor, body string, at time.Time) {
	if body == "" {
		return
	}
	for _, target := range s.referencedIssues(rs.FullName, is.Number, body) {
		key := threadKey(target.Repo, target.Number)
		dup := false
		for _, x := range s.timelines()[key] {
			if strings.EqualFold(x.SourceRepo, rs.FullName) && x.SourceNumber == is.Number {
				dup = true
				break
			}
		}
		if !dup {
			s.timelines()[key] = append(s.timelines()[key], crossRef{
				SourceRepo: rs.FullName, SourceNumber: is.Number, Actor: actor, CreatedAt: at,
			})
		}
	}
}

// timelines returns the cross-reference map, creating it on first use.
func (s *Server) timelines() map[string][]crossRef {
	if s.st.crossRefs == nil {
		s.st.crossRefs = map[string][]crossRef{}
	}
	return s.st.crossRefs
}

// timelineEvent is one entry of an issue's timeline, for ordering.
type timelineEvent struct {
	at   time.Time
	seq  int
	json func() map[string]any
}

// handleListTimeline answers GET /repos/{owner}/{repo}/issues/{n}/timeline:
// the issue's comments (event "commented") and cross-references (event
// "cross-referenced"), oldest first, paged like GitHub's other lists.
func handleListTimeline(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	var events []timelineEvent
	for i, cm := range c.s.st.commentsOf(rs.FullName, is.Number) {
		cm := cm
		events = append(events, timelineEvent{at: cm.CreatedAt, seq: i, json: func() map[string]any {
			out := c.s.commentJSON(cm)
			out["event"] = "commented"
			out["actor"] = c.s.userJSON(cm.Author)
			return out
		}})
	}
	for i, x := range c.s.timelines()[threadKey(rs.FullName, is.Number)] {
		x := x
		src := c.s.st.repos[strings.ToLower(x.SourceRepo)]
		if src == nil || src.issues[x.SourceNumber] == nil {
			continue
		}
		srcIssue := src.issues[x.SourceNumber]
		events = append(events, timelineEvent{at: x.CreatedAt, seq: 1<<20 + i, json: func() map[string]any {
			issue := c.s.issueJSON(src, srcIssue)
			issue["repository"] = c.s.repoJSON(src)
			return map[string]any{
				"event":      "cross-referenced",
				"actor":      c.s.userJSON(x.Actor),
				"created_at": ts(x.CreatedAt),
				"updated_at": ts(x.CreatedAt),
				"source":     map[string]any{"type": "issue", "issue": issue},
			}
		}})
	}
	sort.SliceStable(events, func(i, j int) bool {
		if !events[i].at.Equal(events[j].at) {
			return events[i].at.Before(events[j].at)
		}
		return events[i].seq < events[j].seq
	})
	return page(c, events, func(e timelineEvent) map[string]any { return e.json() })
}
