package sandbox

import (
	"encoding/base64"
	"net/http"
	"path"
	"sort"
	"strings"
)

// routeTable lists every operation the sandbox serves, named as in GitHub's OpenAPI spec.
func (s *Server) routeTable() []route {
	return []route{
		{"POST", "/app/installations/{installation_id}/access_tokens", "apps/create-installation-access-token", authApp, handleCreateToken},
		{"GET", "/app", "apps/get-authenticated", authApp, handleGetApp},
		{"GET", "/app/hook/deliveries", "apps/list-webhook-deliveries", authApp, handleListDeliveries},
		{"GET", "/app/hook/deliveries/{delivery_id}", "apps/get-webhook-delivery", authApp, handleGetDelivery},
		{"POST", "/app/hook/deliveries/{delivery_id}/attempts", "apps/redeliver-webhook-delivery", authApp, handleRedeliver},
		{"GET", "/repos/{owner}/{repo}/installation", "apps/get-repo-installation", authApp, handleRepoInstallation},
		{"GET", "/user", "users/get-authenticated", authToken, handleGetUser},
		{"GET", "/rate_limit", "rate-limit/get", authToken, handleRateLimit},

		{"GET", "/repos/{owner}/{repo}/issues", "issues/list-for-repo", authToken, handleListIssues},
		{"POST", "/repos/{owner}/{repo}/issues", "issues/create", authToken, handleCreateIssue},
		{"GET", "/repos/{owner}/{repo}/issues/{issue_number}", "issues/get", authToken, handleGetIssue},
		{"PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", "issues/update", authToken, handleEditIssue},
		{"GET", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "issues/list-labels-on-issue", authToken, handleListLabels},
		{"POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "issues/add-labels", authToken, handleAddLabels},
		{"PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "issues/set-labels", authToken, handleSetLabels},
		{"DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "issues/remove-all-labels", authToken, handleRemoveAllLabels},
		{"DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", "issues/remove-label", authToken, handleRemoveLabel},
		{"GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "issues/list-comments", authToken, handleListComments},
		{"POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "issues/create-comment", authToken, handleCreateComment},
		{"GET", "/repos/{owner}/{repo}/issues/{issue_number}/timeline", "issues/list-events-for-timeline", authToken, handleListTimeline},
		{"POST", "/repos/{owner}/{repo}/issues/{issue_number}/reactions", "reactions/create-for-issue", authToken, handleCreateIssueReaction},
		{"GET", "/repos/{owner}/{repo}/issues/comments", "issues/list-comments-for-repo", authToken, handleListRepoComments},
		{"GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "issues/get-comment", authToken, handleGetComment},
		{"PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "issues/update-comment", authToken, handleEditComment},
		{"DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "issues/delete-comment", authToken, handleDeleteComment},
		{"GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", "reactions/list-for-issue-comment", authToken, handleListCommentReactions},
		{"POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", "reactions/create-for-issue-comment", authToken, handleCreateCommentReaction},
		{"GET", "/repos/{owner}/{repo}/pulls/{pull_number}", "pulls/get", authToken, handleGetPull},
		{"GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", "repos/get-collaborator-permission-level", authToken, handlePermission},
		{"GET", "/repos/{owner}/{repo}/contents/{path}", "repos/get-content", authToken, handleGetContent},
	}
}

// handlePermission answers a user's permission on a repository.
func handlePermission(c *call) reply {
	rs, found := c.repo()
	if !found {
		return notFound()
	}
	login := c.params["username"]
	u := c.s.st.users[strings.ToLower(login)]
	if u == nil {
		return errReply(http.StatusNotFound, login+" is not a user")
	}
	perm := rs.permission(u.Login)
	role := perm
	legacy := perm // the permission field only knows admin, write, read and none
	switch perm {
	case "maintain":
		legacy = "write"
	case "triage":
		legacy = "read"
	}
	user := c.s.userJSON(u.Login)
	user["role_name"] = role
	return ok(map[string]any{"permission": legacy, "role_name": role, "user": user})
}

// resolveTree finds the snapshot a ref names: a branch, refs/heads/branch, or a commit sha.
func (rs *repoState) resolveTree(ref string) *tree {
	if ref == "" {
		ref = rs.DefaultBranch
	}
	ref = strings.TrimPrefix(ref, "refs/heads/")
	if t := rs.branches[ref]; t != nil {
		return t
	}
	return rs.commits[ref]
}

// handleGetContent returns a file (base64) or a directory listing at a ref.
func handleGetContent(c *call) reply {
	rs, found := c.repo()
	if !found {
		return notFound()
	}
	ref := c.r.URL.Query().Get("ref")
	t := rs.resolveTree(ref)
	if t == nil {
		return errReply(http.StatusNotFound, "No commit found for the ref "+ref)
	}
	if ref == "" {
		ref = rs.DefaultBranch
	}
	p := strings.Trim(c.params["path"], "/")
	if f, isFile := t.files[p]; isFile {
		out := c.s.contentEntry(rs, ref, p, f, "file")
		out["encoding"] = "base64"
		out["content"] = wrap60(base64.StdEncoding.EncodeToString(f.content))
		return ok(out)
	}
	var names []string
	seen := map[string]bool{}
	for fp := range t.files {
		rest, inDir := strings.CutPrefix(fp, p+"/")
		if !inDir {
			continue
		}
		first, _, _ := strings.Cut(rest, "/")
		if !seen[first] {
			seen[first] = true
			names = append(names, first)
		}
	}
	if len(names) == 0 {
		return notFound()
	}
	sort.Strings(names)
	out := make([]any, 0, len(names))
	for _, n := range names {
		fp := p + "/" + n
		if f, isFile := t.files[fp]; isFile {
			out = append(out, c.s.contentEntry(rs, ref, fp, f, "file"))
		} else {
			out = append(out, c.s.contentEntry(rs, ref, fp, file{sha: blobSHA([]byte("tree " + fp))}, "dir"))
		}
	}
	return ok(out)
}

// contentEntry renders the metadata of one file or directory.
func (s *Server) contentEntry(rs *repoState, ref, p string, f file, typ string) map[string]any {
	self := s.api("/repos/%s/contents/%s?ref=%s", rs.FullName, p, ref)
	git := s.api("/repos/%s/git/blobs/%s", rs.FullName, f.sha)
	html := htmlBase + "/" + rs.FullName + "/blob/" + ref + "/" + p
	var download any
	if typ == "file" {
		download = "https://raw.githubusercontent.com/" + rs.FullName + "/" + ref + "/" + p
	}
	return map[string]any{
		"type": typ, "size": len(f.content), "name": path.Base(p), "path": p, "sha": f.sha,
		"url": self, "git_url": git, "html_url": html, "download_url": download,
		"_links": map[string]any{"self": self, "git": git, "html": html},
	}
}

// wrap60 breaks base64 into 60-character lines with a trailing newline, as GitHub does.
func wrap60(s string) string {
	var b strings.Builder
	for len(s) > 60 {
		b.WriteString(s[:60])
		b.WriteByte('\n')
		s = s[60:]
	}
	b.WriteString(s)
	b.WriteByte('\n')
	return b.String()
}
