package sandbox

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// comment returns the request's repository, issue and comment (by comment_id).
func (c *call) comment() (*repoState, *Issue, *Comment, bool) {
	rs, found := c.repo()
	if !found {
		return nil, nil, nil, false
	}
	id, err := strconv.ParseInt(c.params["comment_id"], 10, 64)
	if err != nil {
		return nil, nil, nil, false
	}
	cm := c.s.st.comments[id]
	if cm == nil || !strings.EqualFold(cm.Repo, rs.FullName) {
		return nil, nil, nil, false
	}
	return rs, rs.issues[cm.Number], cm, true
}

// listComments answers one page of comments updated at or after `since`.
func (c *call) listComments(all []*Comment) reply {
	since, err := sinceParam(c.r)
	if err != nil {
		return errReply(http.StatusUnprocessableEntity, err.Error())
	}
	var list []*Comment
	for _, cm := range all {
		if !cm.UpdatedAt.Before(since) {
			list = append(list, cm)
		}
	}
	return page(c, list, c.s.commentJSON)
}

func handleListComments(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	return c.listComments(c.s.st.commentsOf(rs.FullName, is.Number))
}

// handleListRepoComments lists every issue comment of a repository, by creation (or update) time.
func handleListRepoComments(c *call) reply {
	rs, found := c.repo()
	if !found {
		return notFound()
	}
	var all []*Comment
	for _, cm := range c.s.st.comments {
		if strings.EqualFold(cm.Repo, rs.FullName) {
			all = append(all, cm)
		}
	}
	q := c.r.URL.Query()
	byUpdated := q.Get("sort") == "updated"
	desc := q.Get("direction") == "desc"
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		less := a.ID < b.ID
		if byUpdated && !a.UpdatedAt.Equal(b.UpdatedAt) {
			less = a.UpdatedAt.Before(b.UpdatedAt)
		}
		if desc {
			return !less
		}
		return less
	})
	return c.listComments(all)
}

func handleGetComment(c *call) reply {
	_, _, cm, found := c.comment()
	if !found {
		return notFound()
	}
	return ok(c.s.commentJSON(cm))
}

type commentRequest struct {
	Body *string `json:"body"`
}

// commentBody reads and validates the body of a comment create or edit
// request as GitHub does, or returns the error reply.
func (c *call) commentBody() (string, reply, bool) {
	var req commentRequest
	if err := c.decode(&req); err != nil {
		return "", errReply(http.StatusBadRequest, "Problems parsing JSON"), false
	}
	if req.Body == nil || *req.Body == "" {
		return "", errReply(http.StatusUnprocessableEntity, "Validation Failed: body is required"), false
	}
	if len(*req.Body) > 65536 {
		return "", errReply(http.StatusUnprocessableEntity, "Validation Failed: body is too long (maximum is 65536 characters)"), false
	}
	return *req.Body, reply{}, true
}

func handleCreateComment(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	body, bad, valid := c.commentBody()
	if !valid {
		return bad
	}
	cm, _ := c.s.createComment(rs, is, c.who.login, body)
	return reply{status: http.StatusCreated, body: c.s.commentJSON(cm)}
}

func handleEditComment(c *call) reply {
	rs, is, cm, found := c.comment()
	if !found {
		return notFound()
	}
	body, bad, valid := c.commentBody()
	if !valid {
		return bad
	}
	c.s.editComment(rs, is, cm, c.who.login, body)
	return ok(c.s.commentJSON(cm))
}

func handleDeleteComment(c *call) reply {
	rs, is, cm, found := c.comment()
	if !found {
		return notFound()
	}
	c.s.deleteComment(rs, is, cm, c.who.login)
	return reply{status: http.StatusNoContent}
}

// addReaction stores a reaction unless the user already gave that one; created reports which.
func (s *Server) addReaction(list []Reaction, login, content string) ([]Reaction, Reaction, bool) {
	for _, r := range list {
		if r.Content == content && strings.EqualFold(r.User, login) {
			return list, r, false
		}
	}
	r := Reaction{ID: s.st.id("reaction"), Content: content, User: login, CreatedAt: s.opts.Now()}
	return append(list, r), r, true
}

type reactionRequest struct {
	Content string `json:"content"`
}

// reactionReply validates a reaction body and answers 201 (new) or 200 (already there).
func (c *call) react(list *[]Reaction) reply {
	var req reactionRequest
	if err := c.decode(&req); err != nil {
		return errReply(http.StatusBadRequest, "Problems parsing JSON")
	}
	valid := false
	for _, v := range reactionContents {
		valid = valid || v == req.Content
	}
	if !valid {
		return errReply(http.StatusUnprocessableEntity, "Validation Failed: content is not a valid reaction")
	}
	var r Reaction
	var created bool
	*list, r, created = c.s.addReaction(*list, c.who.login, req.Content)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return reply{status: status, body: c.s.reactionJSON(r)}
}

func handleCreateCommentReaction(c *call) reply {
	_, _, cm, found := c.comment()
	if !found {
		return notFound()
	}
	list := c.s.st.reactions[cm.ID]
	rep := c.react(&list)
	c.s.st.reactions[cm.ID] = list
	return rep
}

func handleListCommentReactions(c *call) reply {
	_, _, cm, found := c.comment()
	if !found {
		return notFound()
	}
	list := c.s.st.reactions[cm.ID]
	if want := c.r.URL.Query().Get("content"); want != "" {
		var f []Reaction
		for _, r := range list {
			if r.Content == want {
				f = append(f, r)
			}
		}
		list = f
	}
	return page(c, list, c.s.reactionJSON)
}

func handleCreateIssueReaction(c *call) reply {
	rs, is, found := c.issue()
	if !found {
		return notFound()
	}
	k := threadKey(rs.FullName, is.Number)
	list := c.s.st.issueReactions[k]
	rep := c.react(&list)
	c.s.st.issueReactions[k] = list
	return rep
}
