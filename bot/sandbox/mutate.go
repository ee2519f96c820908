package sandbox

import "strings"

// The mutations below change state and queue the webhooks GitHub would send for the change.
// They run with s.mu held and return the queued deliveries in order; API handlers ignore
// them (asynchronous delivery), acting-as-user methods wait for them.

// createIssue opens an issue or pull request and emits opened (and labeled per label).
func (s *Server) createIssue(rs *repoState, actor, title, body string, labels []string, pull bool) (*Issue, []<-chan Delivery) {
	now := s.opts.Now()
	is := &Issue{
		Repo: rs.FullName, Number: rs.next, ID: s.st.id("issue"), Title: title, Body: body,
		State: "open", IsPull: pull, Author: actor, CreatedAt: now, UpdatedAt: now,
	}
	if pull {
		is.HeadRef, is.BaseRef = "pr-"+itoa(is.Number), rs.DefaultBranch
	}
	s.st.user(actor, "")
	s.insertIssue(rs, is)
	s.crossReference(rs, is, actor, body, now)
	chs := []<-chan Delivery{s.itemEvent("opened", rs, is, actor, nil)}
	for _, l := range dedupeFold(labels) {
		is.Labels = append(is.Labels, l)
		chs = append(chs, s.itemEvent("labeled", rs, is, actor, map[string]any{"label": s.labelJSON(rs, l)}))
	}
	return is, chs
}

// insertIssue stores is and keeps the next free number above every used one.
func (s *Server) insertIssue(rs *repoState, is *Issue) {
	rs.issues[is.Number] = is
	if is.Number >= rs.next {
		rs.next = is.Number + 1
	}
}

// updateIssue applies an edit and emits edited, closed/reopened, labeled and unlabeled.
func (s *Server) updateIssue(rs *repoState, is *Issue, actor string, req issueRequest) []<-chan Delivery {
	var chs []<-chan Delivery
	now := s.opts.Now()
	changes := map[string]any{}
	if req.Title != nil && *req.Title != is.Title {
		changes["title"] = map[string]any{"from": is.Title}
		is.Title = *req.Title
	}
	if req.Body != nil && *req.Body != is.Body {
		changes["body"] = map[string]any{"from": is.Body}
		is.Body = *req.Body
		s.crossReference(rs, is, actor, is.Body, now)
	}
	if len(changes) > 0 {
		is.UpdatedAt = now
		chs = append(chs, s.itemEvent("edited", rs, is, actor, map[string]any{"changes": changes}))
	}
	if req.State != nil && *req.State != is.State {
		is.State, is.UpdatedAt = *req.State, now
		action := "reopened"
		if is.State == "closed" {
			action = "closed"
			is.ClosedAt = now
			is.StateReason = "completed"
			if req.StateReason != nil {
				is.StateReason = *req.StateReason
			}
		} else {
			is.ClosedAt, is.StateReason = timeZero, "reopened"
		}
		chs = append(chs, s.itemEvent(action, rs, is, actor, nil))
	}
	if req.Labels != nil {
		want := dedupeFold(*req.Labels)
		old := is.Labels
		var kept []string
		for _, l := range old {
			if containsFold(want, l) {
				kept = append(kept, l)
				continue
			}
			is.Labels = without(is.Labels, l)
			is.UpdatedAt = now
			chs = append(chs, s.itemEvent("unlabeled", rs, is, actor, map[string]any{"label": s.labelJSON(rs, l)}))
		}
		for _, l := range want {
			if containsFold(kept, l) {
				continue
			}
			is.Labels = append(is.Labels, l)
			is.UpdatedAt = now
			chs = append(chs, s.itemEvent("labeled", rs, is, actor, map[string]any{"label": s.labelJSON(rs, l)}))
		}
	}
	return chs
}

// merge closes a pull request as merged and emits pull_request closed with merged true.
func (s *Server) merge(rs *repoState, is *Issue, actor string) []<-chan Delivery {
	now := s.opts.Now()
	is.Merged, is.MergedAt = true, now
	is.State, is.ClosedAt, is.UpdatedAt = "closed", now, now
	return []<-chan Delivery{s.itemEvent("closed", rs, is, actor, nil)}
}

// createComment adds a comment and emits issue_comment created.
func (s *Server) createComment(rs *repoState, is *Issue, actor, body string) (*Comment, <-chan Delivery) {
	now := s.opts.Now()
	s.st.user(actor, "")
	c := &Comment{
		ID: s.st.id("comment"), Repo: rs.FullName, Number: is.Number, Body: body,
		Author: actor, CreatedAt: now, UpdatedAt: now,
	}
	s.st.addComment(c)
	s.crossReference(rs, is, actor, body, now)
	is.UpdatedAt = now
	return c, s.commentEvent("created", rs, is, c, actor, nil)
}

// editComment changes a comment's body and emits issue_comment edited with changes.body.from.
func (s *Server) editComment(rs *repoState, is *Issue, c *Comment, actor, body string) <-chan Delivery {
	from := c.Body
	c.Body, c.UpdatedAt = body, s.opts.Now()
	s.crossReference(rs, is, actor, body, c.UpdatedAt)
	return s.commentEvent("edited", rs, is, c, actor, map[string]any{
		"changes": map[string]any{"body": map[string]any{"from": from}},
	})
}

// deleteComment removes a comment and emits issue_comment deleted.
func (s *Server) deleteComment(rs *repoState, is *Issue, c *Comment, actor string) <-chan Delivery {
	ch := s.commentEvent("deleted", rs, is, c, actor, nil)
	s.st.deleteComment(c.ID)
	return ch
}

func dedupeFold(in []string) []string {
	var out []string
	for _, s := range in {
		if s != "" && !containsFold(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func without(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if !strings.EqualFold(x, s) {
			out = append(out, x)
		}
	}
	return out
}
