package sandbox

import (
	"fmt"
	"strings"
)

// The methods below act as people on GitHub: they change state and deliver, synchronously
// and signed, the webhook GitHub would send, returning the bot's answer. When an action
// sends several events (an issue opened with labels) all are delivered and the first is
// returned. A Delivery with Status starting "sandbox:" means the action itself was invalid.

// wait releases s.mu, then waits for every queued delivery and returns the first.
func (s *Server) wait(chs []<-chan Delivery) Delivery {
	s.mu.Unlock()
	var first Delivery
	for i, ch := range chs {
		d := <-ch
		if i == 0 {
			first = d
		}
	}
	return first
}

func invalid(format string, args ...any) Delivery {
	return Delivery{Status: "sandbox: " + fmt.Sprintf(format, args...)}
}

// OpenIssue opens an issue as actor and delivers issues opened (and labeled per label).
func (s *Server) OpenIssue(actor, repo, title, body string, labels ...string) (Issue, Delivery) {
	s.mu.Lock()
	rs := s.st.repo(repo)
	is, chs := s.createIssue(rs, actor, title, body, labels, false)
	snap := s.st.snapshot(rs, is)
	return snap, s.wait(chs)
}

// OpenPull opens a pull request as actor and delivers pull_request opened (and labeled).
func (s *Server) OpenPull(actor, repo, title, body string, labels ...string) (Issue, Delivery) {
	s.mu.Lock()
	rs := s.st.repo(repo)
	is, chs := s.createIssue(rs, actor, title, body, labels, true)
	snap := s.st.snapshot(rs, is)
	return snap, s.wait(chs)
}

// lockIssue takes s.mu and finds an issue; on failure it unlocks and returns an invalid delivery.
func (s *Server) lockIssue(repo string, number int) (*repoState, *Issue, Delivery, bool) {
	s.mu.Lock()
	rs := s.st.repos[strings.ToLower(repo)]
	if rs == nil || rs.issues[number] == nil {
		s.mu.Unlock()
		return nil, nil, invalid("no issue %s#%d", repo, number), false
	}
	return rs, rs.issues[number], Delivery{}, true
}

// Comment posts a comment as actor and delivers issue_comment created.
func (s *Server) Comment(actor, repo string, number int, body string) (Comment, Delivery) {
	rs, is, bad, found := s.lockIssue(repo, number)
	if !found {
		return Comment{}, bad
	}
	c, ch := s.createComment(rs, is, actor, body)
	snap := s.st.commentSnapshot(c)
	return snap, s.wait([]<-chan Delivery{ch})
}

// lockComment takes s.mu and finds a comment; on failure it unlocks.
func (s *Server) lockComment(id int64) (*repoState, *Issue, *Comment, Delivery, bool) {
	s.mu.Lock()
	c := s.st.comments[id]
	if c == nil {
		s.mu.Unlock()
		return nil, nil, nil, invalid("no comment %d", id), false
	}
	rs := s.st.repos[strings.ToLower(c.Repo)]
	return rs, rs.issues[c.Number], c, Delivery{}, true
}

// EditComment replaces a comment's body and delivers issue_comment edited with changes.body.from.
func (s *Server) EditComment(actor string, id int64, body string) Delivery {
	rs, is, c, bad, found := s.lockComment(id)
	if !found {
		return bad
	}
	return s.wait([]<-chan Delivery{s.editComment(rs, is, c, actor, body)})
}

// DeleteComment deletes a comment and delivers issue_comment deleted.
func (s *Server) DeleteComment(actor string, id int64) Delivery {
	rs, is, c, bad, found := s.lockComment(id)
	if !found {
		return bad
	}
	return s.wait([]<-chan Delivery{s.deleteComment(rs, is, c, actor)})
}

// AddLabel adds a label and delivers issues (or pull_request) labeled.
func (s *Server) AddLabel(actor, repo string, number int, label string) Delivery {
	rs, is, bad, found := s.lockIssue(repo, number)
	if !found {
		return bad
	}
	labels := append(append([]string(nil), is.Labels...), label)
	return s.wait(s.updateIssue(rs, is, actor, issueRequest{Labels: &labels}))
}

// RemoveLabel removes a label and delivers unlabeled.
func (s *Server) RemoveLabel(actor, repo string, number int, label string) Delivery {
	rs, is, bad, found := s.lockIssue(repo, number)
	if !found {
		return bad
	}
	labels := without(is.Labels, label)
	return s.wait(s.updateIssue(rs, is, actor, issueRequest{Labels: &labels}))
}

// Edit changes an issue's title and body and delivers edited with changes.
func (s *Server) Edit(actor, repo string, number int, title, body string) Delivery {
	rs, is, bad, found := s.lockIssue(repo, number)
	if !found {
		return bad
	}
	return s.wait(s.updateIssue(rs, is, actor, issueRequest{Title: &title, Body: &body}))
}

// CloseIssue closes an issue or pull request (unmerged) and delivers closed. (Close stops the server.)
func (s *Server) CloseIssue(actor, repo string, number int) Delivery {
	return s.setState(actor, repo, number, "closed")
}

// Reopen reopens an issue or pull request and delivers reopened.
func (s *Server) Reopen(actor, repo string, number int) Delivery {
	return s.setState(actor, repo, number, "open")
}

func (s *Server) setState(actor, repo string, number int, state string) Delivery {
	rs, is, bad, found := s.lockIssue(repo, number)
	if !found {
		return bad
	}
	if is.Merged {
		s.mu.Unlock()
		return invalid("%s#%d is merged", repo, number)
	}
	chs := s.updateIssue(rs, is, actor, issueRequest{State: &state})
	if len(chs) == 0 {
		s.mu.Unlock()
		return invalid("%s#%d is already %s", repo, number, state)
	}
	return s.wait(chs)
}

// Merge merges an open pull request and delivers pull_request closed with merged true.
func (s *Server) Merge(actor, repo string, number int) Delivery {
	rs, is, bad, found := s.lockIssue(repo, number)
	if !found {
		return bad
	}
	if !is.IsPull || is.State != "open" {
		s.mu.Unlock()
		return invalid("%s#%d is not an open pull request", repo, number)
	}
	return s.wait(s.merge(rs, is, actor))
}

// SubmitReview submits a commenting review with body on a pull request and delivers
// pull_request_review submitted.
func (s *Server) SubmitReview(actor, repo string, number int, body string) Delivery {
	rs, is, bad, found := s.lockIssue(repo, number)
	if !found {
		return bad
	}
	if !is.IsPull {
		s.mu.Unlock()
		return invalid("%s#%d is not a pull request", repo, number)
	}
	s.st.user(actor, "")
	return s.wait([]<-chan Delivery{s.reviewEvent(rs, is, actor, body, "commented")})
}

// PushFile commits content at path on ref (default branch if empty) and delivers push.
// It returns the new commit sha with the delivery.
func (s *Server) PushFile(actor, repo, ref, path string, content []byte) (string, Delivery) {
	s.mu.Lock()
	rs := s.st.repo(repo)
	if ref == "" {
		ref = rs.DefaultBranch
	}
	before := ""
	added := true
	if t := rs.branches[ref]; t != nil {
		before = t.commit
		_, exists := t.files[strings.Trim(path, "/")]
		added = !exists
	}
	sha := rs.put(s.st, ref, path, content)
	return sha, s.wait([]<-chan Delivery{s.pushEvent(rs, actor, ref, before, sha, strings.Trim(path, "/"), added)})
}

// Ping delivers the ping event GitHub sends when the webhook is set up.
func (s *Server) Ping() Delivery {
	s.mu.Lock()
	return s.wait([]<-chan Delivery{s.pingEvent()})
}
