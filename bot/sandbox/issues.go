package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// intParam reads a positive integer query parameter, clamped to [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil {
		return def
	}
	return max(lo, min(hi, n))
}

// sinceParam parses the ISO 8601 `since` query parameter (zero if absent).
func sinceParam(r *http.Request) (time.Time, error) {
	v := r.URL.Query().Get("since")
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse since %q: %w", v, err)
	}
	return t, nil
}

// paginate selects one page of total items and builds the Link header GitHub sends.
func (c *call) paginate(total int) (lo, hi int, h http.Header) {
	perPage := intParam(c.r, "per_page", 30, 1, 100)
	page := intParam(c.r, "page", 1, 1, 1<<30)
	last := max(1, (total+perPage-1)/perPage)
	lo = min(total, (page-1)*perPage)
	hi = min(total, lo+perPage)
	link := func(p int, rel string) string {
		q := c.r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(perPage))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, c.s.base, c.r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(min(page-1, last), "prev"))
	}
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"))
	}
	if len(links) > 0 {
		h = http.Header{"Link": {strings.Join(links, ", ")}}
	}
	return lo, hi, h
}

// page answers one page of list, each element rendered by js, with the
// Link header of its neighbours.
func page[T any](c *call, list []T, js func(T) map[string]any) reply {
	lo, hi, h := c.paginate(len(list))
	out := make([]any, 0, hi-lo)
	for _, x := range list[lo:hi] {
		out = append(out, js(x))
	}
	rep := ok(out)
	rep.header = h
	return rep
}

// repo returns the request's repository if the caller may see it.
func (c *call) repo() (*repoState, bool) {
	rs := c.s.st.lookupRepo(c.params["owner"], c.params["repo"])
	if rs == nil || (c.who.installation != 0 && rs.InstallationID != c.who.installation) {
		return nil, false
	}
	return rs, true
}

// issue returns the request's repository and issue (or pull, by pull_number).
func (c *call) issue() (*repoState, *Issue, bool) {
	rs, found := c.repo()
	if !found {
		return nil, nil, false
	}
	num := c.params["issue_number"]
	if num == "" {
		num = c.params["pull_number"]
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return nil, nil, false
	}
	is := rs.issues[n]
	return rs, is, is != nil
}

// handleListIssues lists a repository's issues and pulls with GitHub's filters and paging.
func handleListIssues(c *call) reply {
	rs, found := c.repo()
	if !found {
		return notFound()
	}
	q := c.r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	since, err := sinceParam(c.r)
	if err != nil {
		return errReply(http.StatusUnprocessableEntity, err.Error())
	}
	var want []string
	if l := q.Get("labels"); l != "" {
		want = strings.Split(l, ",")
	}
	var list []*Issue
	for _, is := range rs.sortedIssues() {
		if (state != "all" && is.State != state) || is.UpdatedAt.Before(since) || !hasLabels(is, want) {
			continue
		}
		list = append(list, is)
	}
	sortKey := q.Get("sort")
	desc := q.Get("direction") != "asc"
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		var less bool
		switch sortKey {
		case "updated":
			less = a.UpdatedAt.Before(b.UpdatedAt) || (a.UpdatedAt.Equal(b.UpdatedAt) && a.Number < b.Number)
		default:
			less = a.CreatedAt.Before(b.CreatedAt) || (a.CreatedAt.Equal(b.CreatedAt) && a.Number < b.Number)
		}
		if desc {
			return !less
		}
		return less
	})
	return page(c, list, func(is *Issue) map[string]any { return c.s.issueJSON(rs, is) })
}

// hasLabels reports whether an issue carries every label in want (case-insensitive).
func hasLabels(is *Issue, want []string) bool {
	for _, w := range want {
		if !containsFold(is.Labels, strings.TrimSpace(w)) {
			return false
		}
	}
	return true
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func handleGetIssue(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	return ok(c.s.issueJSON(rs, is))
}

func handleGetPull(c *call) reply {
	rs, is, found := c.issue()
	if !found || !is.IsPull {
		return notFound()
	}
	return ok(c.s.pullJSON(rs, is))
}

// issueRequest is the body of POST and PATCH on issues.
type issueRequest struct {
	Title       *string   `json:"title"`
	Body        *string   `json:"body"`
	State       *string   `json:"state"`
	StateReason *string   `json:"state_reason"`
	Labels      *[]string `json:"labels"`
}

func handleCreateIssue(c *call) reply {
	rs, found := c.repo()
	if !found {
		return notFound()
	}
	var req issueRequest
	if err := c.decode(&req); err != nil {
		return errReply(http.StatusBadRequest, "Problems parsing JSON")
	}
	if req.Title == nil || *req.Title == "" {
		return errReply(http.StatusUnprocessableEntity, "Validation Failed: title is required")
	}
	var labels []string
	if req.Labels != nil {
		labels = *req.Labels
	}
	is, _ := c.s.createIssue(rs, c.who.login, *req.Title, deref(req.Body), labels, false)
	return reply{status: http.StatusCreated, body: c.s.issueJSON(rs, is)}
}

func handleEditIssue(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	var req issueRequest
	if err := c.decode(&req); err != nil {
		return errReply(http.StatusBadRequest, "Problems parsing JSON")
	}
	if req.State != nil && *req.State != "open" && *req.State != "closed" {
		return errReply(http.StatusUnprocessableEntity, "Validation Failed: state must be open or closed")
	}
	c.s.updateIssue(rs, is, c.who.login, req)
	return ok(c.s.issueJSON(rs, is))
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// labelNames decodes a labels body: a JSON array of names or {"labels": [...]}.
func labelNames(body []byte) ([]string, error) {
	var names []string
	if err := json.Unmarshal(body, &names); err == nil {
		return names, nil
	}
	var obj struct {
		Labels []string `json:"labels"`
	}
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, fmt.Errorf("decode labels: %w", err)
	}
	return obj.Labels, nil
}

func handleListLabels(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	lo, hi, h := c.paginate(len(is.Labels))
	rep := ok(c.s.labelsJSON(rs, is.Labels[lo:hi]))
	rep.header = h
	return rep
}

func handleAddLabels(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	names, err := labelNames(c.body)
	if err != nil {
		return errReply(http.StatusUnprocessableEntity, err.Error())
	}
	labels := append([]string(nil), is.Labels...)
	for _, n := range names {
		if !containsFold(labels, n) {
			labels = append(labels, n)
		}
	}
	c.s.updateIssue(rs, is, c.who.login, issueRequest{Labels: &labels})
	return ok(c.s.labelsJSON(rs, is.Labels))
}

func handleSetLabels(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	names, err := labelNames(c.body)
	if err != nil {
		return errReply(http.StatusUnprocessableEntity, err.Error())
	}
	c.s.updateIssue(rs, is, c.who.login, issueRequest{Labels: &names})
	return ok(c.s.labelsJSON(rs, is.Labels))
}

func handleRemoveLabel(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	name := c.params["name"]
	if !containsFold(is.Labels, name) {
		return errReply(http.StatusNotFound, "Label does not exist")
	}
	var labels []string
	for _, l := range is.Labels {
		if !strings.EqualFold(l, name) {
			labels = append(labels, l)
		}
	}
	c.s.updateIssue(rs, is, c.who.login, issueRequest{Labels: &labels})
	return ok(c.s.labelsJSON(rs, is.Labels))
}

func handleRemoveAllLabels(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	c.s.updateIssue(rs, is, c.who.login, issueRequest{Labels: &[]string{}})
	return reply{status: http.StatusNoContent}
}
