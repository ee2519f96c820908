package sandbox

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// htmlBase is where html_url fields point, so links parse like real GitHub ones.
const htmlBase = "https://github.com"

// ts formats a time as GitHub does; the zero time is JSON null.
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// nodeID makes a stable GraphQL-style node id for a kind and database id.
func nodeID(kind string, id int64) string {
	return base64.RawStdEncoding.EncodeToString([]byte(fmt.Sprintf("0%s%d", kind, id)))
}

// api returns the absolute API URL of a path.
func (s *Server) api(format string, args ...any) string {
	return s.base + apiPrefix + fmt.Sprintf(format, args...)
}

// userJSON renders a simple-user.
func (s *Server) userJSON(login string) map[string]any {
	u := s.st.user(login, "")
	api := s.api("/users/%s", u.Login)
	return map[string]any{
		"login":               u.Login,
		"id":                  u.ID,
		"node_id":             nodeID("U", u.ID),
		"avatar_url":          fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", u.ID),
		"gravatar_id":         "",
		"url":                 api,
		"html_url":            htmlBase + "/" + u.Login,
		"followers_url":       api + "/followers",
		"following_url":       api + "/following{/other_user}",
		"gists_url":           api + "/gists{/gist_id}",
		"starred_url":         api + "/starred{/owner}{/repo}",
		"subscriptions_url":   api + "/subscriptions",
		"organizations_url":   api + "/orgs",
		"repos_url":           api + "/repos",
		"events_url":          api + "/events{/privacy}",
		"received_events_url": api + "/received_events",
		"type":                u.Type,
		"site_admin":          false,
	}
}

// repoJSON renders a repository as webhook payloads and /installation carry it.
func (s *Server) repoJSON(rs *repoState) map[string]any {
	_, name, _ := strings.Cut(rs.FullName, "/")
	api := s.api("/repos/%s", rs.FullName)
	return map[string]any{
		"id":                rs.ID,
		"node_id":           nodeID("R", rs.ID),
		"name":              name,
		"full_name":         rs.FullName,
		"private":           false,
		"owner":             s.userJSON(rs.owner),
		"html_url":          htmlBase + "/" + rs.FullName,
		"description":       nil,
		"fork":              false,
		"url":               api,
		"issues_url":        api + "/issues{/number}",
		"pulls_url":         api + "/pulls{/number}",
		"contents_url":      api + "/contents/{+path}",
		"default_branch":    rs.DefaultBranch,
		"visibility":        "public",
		"has_issues":        true,
		"archived":          false,
		"disabled":          false,
		"open_issues_count": 0,
		"created_at":        "2020-01-01T00:00:00Z",
		"updated_at":        "2020-01-01T00:00:00Z",
		"pushed_at":         "2020-01-01T00:00:00Z",
	}
}

// labelJSON renders a label.
func (s *Server) labelJSON(rs *repoState, name string) map[string]any {
	id := rs.labelID(s.st, name)
	return map[string]any{
		"id":          id,
		"node_id":     nodeID("LA", id),
		"url":         s.api("/repos/%s/labels/%s", rs.FullName, name),
		"name":        name,
		"description": nil,
		"color":       "ededed",
		"default":     false,
	}
}

func (s *Server) labelsJSON(rs *repoState, names []string) []any {
	out := make([]any, 0, len(names))
	for _, n := range names {
		out = append(out, s.labelJSON(rs, n))
	}
	return out
}

// reactionsSummary renders the reaction rollup GitHub embeds in issues and comments.
func (s *Server) reactionsSummary(url string, rs []Reaction) map[string]any {
	out := map[string]any{"url": url, "total_count": len(rs)}
	for _, c := range reactionContents {
		out[c] = 0
	}
	for _, r := range rs {
		out[r.Content] = out[r.Content].(int) + 1
	}
	return out
}

var reactionContents = []string{"+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"}

// issueJSON renders an issue (with pull_request set when it is a PR).
func (s *Server) issueJSON(rs *repoState, is *Issue) map[string]any {
	snap := s.st.snapshot(rs, is)
	api := s.api("/repos/%s/issues/%d", rs.FullName, is.Number)
	kind := "issues"
	if is.IsPull {
		kind = "pull"
	}
	out := map[string]any{
		"id":                 is.ID,
		"node_id":            nodeID("I", is.ID),
		"url":                api,
		"repository_url":     s.api("/repos/%s", rs.FullName),
		"labels_url":         api + "/labels{/name}",
		"comments_url":       api + "/comments",
		"events_url":         api + "/events",
		"html_url":           fmt.Sprintf("%s/%s/%s/%d", htmlBase, rs.FullName, kind, is.Number),
		"number":             is.Number,
		"state":              is.State,
		"state_reason":       nilIfEmpty(is.StateReason),
		"title":              is.Title,
		"body":               nilIfEmpty(is.Body),
		"user":               s.userJSON(is.Author),
		"labels":             s.labelsJSON(rs, is.Labels),
		"assignee":           nil,
		"assignees":          []any{},
		"milestone":          nil,
		"locked":             false,
		"active_lock_reason": nil,
		"comments":           snap.Comments,
		"closed_at":          ts(is.ClosedAt),
		"created_at":         ts(is.CreatedAt),
		"updated_at":         ts(is.UpdatedAt),
		"author_association": snap.AuthorAssociation,
		"reactions":          s.reactionsSummary(api+"/reactions", s.st.issueReactions[threadKey(rs.FullName, is.Number)]),
	}
	if is.IsPull {
		papi := s.api("/repos/%s/pulls/%d", rs.FullName, is.Number)
		html := fmt.Sprintf("%s/%s/pull/%d", htmlBase, rs.FullName, is.Number)
		out["pull_request"] = map[string]any{
			"url":       papi,
			"html_url":  html,
			"diff_url":  html + ".diff",
			"patch_url": html + ".patch",
			"merged_at": ts(is.MergedAt),
		}
		out["draft"] = false
	}
	return out
}

// pullJSON renders a pull request as GET /pulls/{n} and pull_request webhooks carry it.
func (s *Server) pullJSON(rs *repoState, is *Issue) map[string]any {
	snap := s.st.snapshot(rs, is)
	api := s.api("/repos/%s/pulls/%d", rs.FullName, is.Number)
	iapi := s.api("/repos/%s/issues/%d", rs.FullName, is.Number)
	html := fmt.Sprintf("%s/%s/pull/%d", htmlBase, rs.FullName, is.Number)
	branch := func(ref string) map[string]any {
		sha := ""
		if t := rs.branches[ref]; t != nil {
			sha = t.commit
		} else {
			sha = blobSHA([]byte(rs.FullName + "\x00" + ref))
		}
		return map[string]any{
			"label": rs.owner + ":" + ref, "ref": ref, "sha": sha,
			"user": s.userJSON(rs.owner), "repo": s.repoJSON(rs),
		}
	}
	var mergedBy any
	mergeSHA := any(nil)
	if is.Merged {
		mergedBy = s.userJSON(rs.owner)
		mergeSHA = blobSHA([]byte(fmt.Sprintf("merge %s %d", rs.FullName, is.Number)))
	}
	link := func(h string) map[string]any { return map[string]any{"href": h} }
	return map[string]any{
		"url":                 api,
		"id":                  is.ID,
		"node_id":             nodeID("PR", is.ID),
		"html_url":            html,
		"diff_url":            html + ".diff",
		"patch_url":           html + ".patch",
		"issue_url":           iapi,
		"commits_url":         api + "/commits",
		"review_comments_url": api + "/comments",
		"review_comment_url":  s.api("/repos/%s/pulls/comments{/number}", rs.FullName),
		"comments_url":        iapi + "/comments",
		"statuses_url":        s.api("/repos/%s/statuses/%s", rs.FullName, branch(is.HeadRef)["sha"]),
		"number":              is.Number,
		"state":               is.State,
		"locked":              false,
		"title":               is.Title,
		"user":                s.userJSON(is.Author),
		"body":                nilIfEmpty(is.Body),
		"labels":              s.labelsJSON(rs, is.Labels),
		"milestone":           nil,
		"active_lock_reason":  nil,
		"created_at":          ts(is.CreatedAt),
		"updated_at":          ts(is.UpdatedAt),
		"closed_at":           ts(is.ClosedAt),
		"merged_at":           ts(is.MergedAt),
		"merge_commit_sha":    mergeSHA,
		"assignee":            nil,
		"assignees":           []any{},
		"requested_reviewers": []any{},
		"requested_teams":     []any{},
		"head":                branch(is.HeadRef),
		"base":                branch(is.BaseRef),
		"_links": map[string]any{
			"self": link(api), "html": link(html), "issue": link(iapi),
			"comments": link(iapi + "/comments"), "review_comments": link(api + "/comments"),
			"review_comment": link(s.api("/repos/%s/pulls/comments{/number}", rs.FullName)),
			"commits":        link(api + "/commits"),
			"statuses":       link(s.api("/repos/%s/statuses/%s", rs.FullName, branch(is.HeadRef)["sha"])),
		},
		"author_association":    snap.AuthorAssociation,
		"auto_merge":            nil,
		"draft":                 false,
		"merged":                is.Merged,
		"mergeable":             nil,
		"rebaseable":            nil,
		"mergeable_state":       "unknown",
		"merged_by":             mergedBy,
		"comments":              snap.Comments,
		"review_comments":       0,
		"maintainer_can_modify": false,
		"commits":               1,
		"additions":             1,
		"deletions":             0,
		"changed_files":         1,
	}
}

// commentJSON renders an issue comment.
func (s *Server) commentJSON(c *Comment) map[string]any {
	snap := s.st.commentSnapshot(c)
	api := s.api("/repos/%s/issues/comments/%d", c.Repo, c.ID)
	kind := "issues"
	if rs := s.st.repos[strings.ToLower(c.Repo)]; rs != nil {
		if is := rs.issues[c.Number]; is != nil && is.IsPull {
			kind = "pull"
		}
	}
	return map[string]any{
		"id":                       c.ID,
		"node_id":                  nodeID("IC", c.ID),
		"url":                      api,
		"html_url":                 fmt.Sprintf("%s/%s/%s/%d#issuecomment-%d", htmlBase, c.Repo, kind, c.Number, c.ID),
		"issue_url":                s.api("/repos/%s/issues/%d", c.Repo, c.Number),
		"body":                     c.Body,
		"user":                     s.userJSON(c.Author),
		"created_at":               ts(c.CreatedAt),
		"updated_at":               ts(c.UpdatedAt),
		"author_association":       snap.AuthorAssociation,
		"performed_via_github_app": nil,
		"reactions":                s.reactionsSummary(api+"/reactions", s.st.reactions[c.ID]),
	}
}

// reactionJSON renders one reaction.
func (s *Server) reactionJSON(r Reaction) map[string]any {
	return map[string]any{
		"id":         r.ID,
		"node_id":    nodeID("REA", r.ID),
		"user":       s.userJSON(r.User),
		"content":    r.Content,
		"created_at": ts(r.CreatedAt),
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
