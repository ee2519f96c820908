package sandbox

import (
	"strconv"
	"time"
)

// Webhook payloads follow @octokit/webhooks-examples 7.6.1 (api.github.com): every event
// carries action, repository, sender and installation; issue events carry issue (with
// pull_request set on PRs), pull-request events carry number and pull_request.

var timeZero time.Time

func itoa(n int) string { return strconv.Itoa(n) }

// basePayload builds the fields every repository event shares.
func (s *Server) basePayload(action string, rs *repoState, sender string) map[string]any {
	p := map[string]any{
		"repository": s.repoJSON(rs),
		"sender":     s.userJSON(sender),
	}
	if action != "" {
		p["action"] = action
	}
	if rs.InstallationID != 0 {
		p["installation"] = map[string]any{"id": rs.InstallationID, "node_id": nodeID("INST", rs.InstallationID)}
	}
	return p
}

// itemEvent emits an issues event, or a pull_request event when the item is a PR.
func (s *Server) itemEvent(action string, rs *repoState, is *Issue, sender string, extra map[string]any) <-chan Delivery {
	p := s.basePayload(action, rs, sender)
	event := "issues"
	if is.IsPull {
		event = "pull_request"
		p["number"] = is.Number
		p["pull_request"] = s.pullJSON(rs, is)
	} else {
		p["issue"] = s.issueJSON(rs, is)
	}
	for k, v := range extra {
		p[k] = v
	}
	return s.emit(event, rs, p)
}

// commentEvent emits an issue_comment event.
func (s *Server) commentEvent(action string, rs *repoState, is *Issue, c *Comment, sender string, extra map[string]any) <-chan Delivery {
	p := s.basePayload(action, rs, sender)
	p["issue"] = s.issueJSON(rs, is)
	p["comment"] = s.commentJSON(c)
	for k, v := range extra {
		p[k] = v
	}
	return s.emit("issue_comment", rs, p)
}

// reviewEvent emits pull_request_review submitted for a review comment body.
func (s *Server) reviewEvent(rs *repoState, is *Issue, reviewer, body, state string) <-chan Delivery {
	id := s.st.id("comment")
	p := s.basePayload("submitted", rs, reviewer)
	pull := s.pullJSON(rs, is)
	p["pull_request"] = pull
	html := pull["html_url"].(string)
	p["review"] = map[string]any{
		"id":                 id,
		"node_id":            nodeID("PRR", id),
		"user":               s.userJSON(reviewer),
		"body":               nilIfEmpty(body),
		"commit_id":          pull["head"].(map[string]any)["sha"],
		"submitted_at":       ts(s.opts.Now()),
		"state":              state,
		"html_url":           html + "#pullrequestreview-" + strconv.FormatInt(id, 10),
		"pull_request_url":   pull["url"],
		"author_association": rs.association(reviewer),
		"_links": map[string]any{
			"html":         map[string]any{"href": html + "#pullrequestreview-" + strconv.FormatInt(id, 10)},
			"pull_request": map[string]any{"href": pull["url"]},
		},
	}
	return s.emit("pull_request_review", rs, p)
}

// pushEvent emits push for one commit that changed path on ref.
func (s *Server) pushEvent(rs *repoState, pusher, ref, before, after, path string, added bool) <-chan Delivery {
	p := s.basePayload("", rs, pusher)
	repo := p["repository"].(map[string]any)
	repo["pushed_at"] = s.opts.Now().Unix() // push payloads carry epoch seconds here
	repo["master_branch"] = rs.DefaultBranch
	if before == "" {
		before = "0000000000000000000000000000000000000000"
	}
	u := s.st.user(pusher, "")
	person := map[string]any{"name": u.Login, "email": u.Login + "@users.noreply.github.com", "username": u.Login}
	files := map[string]any{"added": []any{}, "removed": []any{}, "modified": []any{}}
	if added {
		files["added"] = []any{path}
	} else {
		files["modified"] = []any{path}
	}
	commit := map[string]any{
		"id": after, "tree_id": blobSHA([]byte("tree " + after)), "distinct": true,
		"message": "Update " + path, "timestamp": ts(s.opts.Now()),
		"url":    htmlBase + "/" + rs.FullName + "/commit/" + after,
		"author": person, "committer": person,
		"added": files["added"], "removed": files["removed"], "modified": files["modified"],
	}
	p["ref"] = "refs/heads/" + ref
	p["before"] = before
	p["after"] = after
	p["created"] = before == "0000000000000000000000000000000000000000"
	p["deleted"] = false
	p["forced"] = false
	p["base_ref"] = nil
	p["compare"] = htmlBase + "/" + rs.FullName + "/compare/" + before[:12] + "..." + after[:12]
	p["commits"] = []any{commit}
	p["head_commit"] = commit
	p["pusher"] = map[string]any{"name": u.Login, "email": person["email"]}
	return s.emit("push", rs, p)
}

// pingEvent emits the ping GitHub sends when a hook is created.
func (s *Server) pingEvent() <-chan Delivery {
	p := map[string]any{
		"zen":     "Keep it logically awesome.",
		"hook_id": hookID,
		"hook": map[string]any{
			"type": "App", "id": hookID, "name": "web", "active": true, "events": appEvents,
			"config":     map[string]any{"content_type": "json", "insecure_ssl": "0", "url": s.opts.WebhookURL},
			"app_id":     s.opts.AppID,
			"url":        s.api("/app/hook/config"),
			"ping_url":   s.api("/app/hook/pings"),
			"created_at": ts(s.opts.Now()), "updated_at": ts(s.opts.Now()),
		},
		"sender": s.userJSON(s.botLogin()),
	}
	return s.emit("ping", nil, p)
}
