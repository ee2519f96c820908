package sandbox

import "strings"

// Seeding methods set up state without sending webhooks; inspection methods read it.

// AddRepo creates (or updates) a repository installed on installationID (0: not installed).
func (s *Server) AddRepo(fullName string, installationID int64) Repo {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.st.repo(fullName)
	rs.InstallationID = installationID
	return rs.Repo
}

// AddUser creates (or retypes) an account; typ is "User" or "Bot" ("" picks by the [bot] suffix).
func (s *Server) AddUser(login, typ string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.st.user(login, typ)
}

// BotLogin is the login the App acts as: AppSlug + "[bot]".
func (s *Server) BotLogin() string { return s.botLogin() }

// SetPermission sets login's permission on repo: admin, maintain, write, triage, read or none.
// Writers become COLLABORATOR in author_association unless SetAssociation says otherwise.
func (s *Server) SetPermission(repo, login, permission string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.user(login, "")
	s.st.repo(repo).perms[strings.ToLower(login)] = permission
}

// SetAssociation fixes login's author_association on repo (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE…).
func (s *Server) SetAssociation(repo, login, association string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.user(login, "")
	s.st.repo(repo).assoc[strings.ToLower(login)] = association
}

// SeedIssue stores an issue or pull request as is. Number 0 takes the next free number;
// empty State is open; zero times are now. Fields filled in on read are ignored.
func (s *Server) SeedIssue(is Issue) Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.st.repo(is.Repo)
	now := s.opts.Now()
	v := is
	v.Repo = rs.FullName
	if v.Number == 0 {
		v.Number = rs.next
	}
	if old := rs.issues[v.Number]; old != nil {
		v.ID = old.ID
	} else {
		v.ID = s.st.id("issue")
	}
	if v.State == "" {
		v.State = "open"
	}
	if v.Author == "" {
		v.Author = rs.owner
	}
	if v.CreatedAt.IsZero() {
		v.CreatedAt = now
	}
	if v.UpdatedAt.IsZero() {
		v.UpdatedAt = v.CreatedAt
	}
	if v.State == "closed" && v.ClosedAt.IsZero() {
		v.ClosedAt = v.UpdatedAt
	}
	if v.Merged && v.MergedAt.IsZero() {
		v.MergedAt = v.ClosedAt
	}
	if v.IsPull && v.HeadRef == "" {
		v.HeadRef, v.BaseRef = "pr-"+itoa(v.Number), rs.DefaultBranch
	}
	v.Labels = dedupeFold(v.Labels)
	s.st.user(v.Author, "")
	s.insertIssue(rs, &v)
	s.crossReference(rs, rs.issues[v.Number], v.Author, v.Body, v.CreatedAt)
	return s.st.snapshot(rs, &v)
}

// SeedComment stores a comment on an existing issue without a webhook; zero times are now.
// ok is false if the issue does not exist.
func (s *Server) SeedComment(c Comment) (Comment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.st.repos[strings.ToLower(c.Repo)]
	if rs == nil || rs.issues[c.Number] == nil {
		return Comment{}, false
	}
	v := c
	v.Repo = rs.FullName
	v.ID = s.st.id("comment")
	if v.CreatedAt.IsZero() {
		v.CreatedAt = s.opts.Now()
	}
	if v.UpdatedAt.IsZero() {
		v.UpdatedAt = v.CreatedAt
	}
	s.st.user(v.Author, "")
	s.st.addComment(&v)
	s.crossReference(rs, rs.issues[v.Number], v.Author, v.Body, v.CreatedAt)
	return s.st.commentSnapshot(&v), true
}

// PutFile commits content at path on ref (default branch if empty) without a push event
// and returns the commit sha.
func (s *Server) PutFile(repo, ref, path string, content []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.repo(repo).put(s.st, ref, path, content)
}

// Issue returns an issue or pull request as it stands now.
func (s *Server) Issue(repo string, number int) (Issue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.st.repos[strings.ToLower(repo)]
	if rs == nil || rs.issues[number] == nil {
		return Issue{}, false
	}
	return s.st.snapshot(rs, rs.issues[number]), true
}

// Comments returns an issue's comments in creation order.
func (s *Server) Comments(repo string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.st.commentsOf(repo, number) {
		out = append(out, s.st.commentSnapshot(c))
	}
	return out
}

// Reactions returns the reactions on a comment.
func (s *Server) Reactions(commentID int64) []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reaction(nil), s.st.reactions[commentID]...)
}

// IssueReactions returns the reactions on an issue or pull request itself.
func (s *Server) IssueReactions(repo string, number int) []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reaction(nil), s.st.issueReactions[threadKey(repo, number)]...)
}
