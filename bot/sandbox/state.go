package sandbox

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// User is a GitHub account; Type is "User" or "Bot".
type User struct {
	Login string
	ID    int64
	Type  string
}

// Repo is a repository; InstallationID 0 means the App is not installed on it.
type Repo struct {
	FullName       string
	ID             int64
	InstallationID int64
	DefaultBranch  string
}

// Issue is an issue or pull request (they share numbers within a repository).
type Issue struct {
	Repo              string // owner/name
	Number            int
	ID                int64
	Title, Body       string
	State             string // "open" or "closed"
	StateReason       string
	IsPull            bool
	Merged            bool
	Labels            []string
	Author            string
	AuthorAssociation string // filled in on read
	CreatedAt         time.Time
	UpdatedAt         time.Time
	ClosedAt          time.Time // zero while open
	MergedAt          time.Time // zero unless merged
	Comments          int       // filled in on read
	HeadRef, BaseRef  string    // pull requests only
}

// Comment is an issue or pull-request conversation comment.
type Comment struct {
	ID                int64
	Repo              string
	Number            int
	Body              string
	Author            string
	AuthorAssociation string // filled in on read
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Reaction is an emoji reaction ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes").
type Reaction struct {
	ID        int64
	Content   string
	User      string
	CreatedAt time.Time
}

// file is one blob in a tree snapshot.
type file struct {
	content []byte
	sha     string
}

// tree is a snapshot of a repository's files at one commit.
type tree struct {
	commit string
	files  map[string]file
}

// repoState is everything stored for one repository.
type repoState struct {
	Repo
	owner    string
	issues   map[int]*Issue
	next     int
	perms    map[string]string // lower login → admin|maintain|write|triage|read|none
	assoc    map[string]string // lower login → author association override
	labels   map[string]int64  // lower label name → label id
	branches map[string]*tree
	commits  map[string]*tree
}

// state is the sandbox's whole world; every access holds Server.mu.
type state struct {
	users          map[string]*User
	repos          map[string]*repoState
	comments       map[int64]*Comment
	reactions      map[int64][]Reaction  // by comment id
	issueReactions map[string][]Reaction // by threadKey
	threads        map[string][]int64    // comment ids by threadKey, in creation order
	ids            map[string]int64      // next id per kind
	tokens         map[string]token
	crossRefs      map[string][]crossRef // cross-referenced timeline events by target threadKey (timeline.go)
}

func newState() *state {
	return &state{
		users:          map[string]*User{},
		repos:          map[string]*repoState{},
		comments:       map[int64]*Comment{},
		reactions:      map[int64][]Reaction{},
		issueReactions: map[string][]Reaction{},
		threads:        map[string][]int64{},
		tokens:         map[string]token{},
		ids: map[string]int64{
			"user":     1000,
			"repo":     500000,
			"issue":    1000000,
			"comment":  1<<31 + 1000, // above 2^31 like today's GitHub, to catch int32 bugs
			"reaction": 100000000,
			"label":    7000000,
			"delivery": 10000000000,
			"commit":   1,
		},
	}
}

// id returns the next id of a kind.
func (st *state) id(kind string) int64 {
	st.ids[kind]++
	return st.ids[kind]
}

// user returns the account with login, creating it (typ "" → User, or Bot for "[bot]" logins).
func (st *state) user(login, typ string) *User {
	key := strings.ToLower(login)
	if u := st.users[key]; u != nil {
		if typ != "" {
			u.Type = typ
		}
		return u
	}
	if typ == "" {
		typ = "User"
		if strings.HasSuffix(login, "[bot]") {
			typ = "Bot"
		}
	}
	u := &User{Login: login, ID: st.id("user"), Type: typ}
	st.users[key] = u
	return u
}

// repo returns the repository named owner/name, creating it on installation 1 if unknown.
func (st *state) repo(fullName string) *repoState {
	key := strings.ToLower(fullName)
	if r := st.repos[key]; r != nil {
		return r
	}
	owner, _, _ := strings.Cut(fullName, "/")
	r := &repoState{
		Repo:     Repo{FullName: fullName, ID: st.id("repo"), InstallationID: 1, DefaultBranch: "main"},
		owner:    owner,
		issues:   map[int]*Issue{},
		next:     1,
		perms:    map[string]string{},
		assoc:    map[string]string{},
		labels:   map[string]int64{},
		branches: map[string]*tree{},
		commits:  map[string]*tree{},
	}
	st.user(owner, "")
	st.repos[key] = r
	return r
}

// lookupRepo finds an existing repository by owner and name.
func (st *state) lookupRepo(owner, name string) *repoState {
	return st.repos[strings.ToLower(owner+"/"+name)]
}

// labelID returns the id of a label in a repository, creating the label on first use.
func (rs *repoState) labelID(st *state, name string) int64 {
	key := strings.ToLower(name)
	if id, ok := rs.labels[key]; ok {
		return id
	}
	id := st.id("label")
	rs.labels[key] = id
	return id
}

// permission returns login's permission on the repository.
func (rs *repoState) permission(login string) string {
	if p, ok := rs.perms[strings.ToLower(login)]; ok {
		return p
	}
	if strings.EqualFold(login, rs.owner) {
		return "admin"
	}
	return "read"
}

// association returns login's author association on the repository.
func (rs *repoState) association(login string) string {
	if a, ok := rs.assoc[strings.ToLower(login)]; ok {
		return a
	}
	if strings.EqualFold(login, rs.owner) {
		return "OWNER"
	}
	switch rs.permission(login) {
	case "admin", "maintain", "write", "triage":
		return "COLLABORATOR"
	}
	return "NONE"
}

// sortedIssues returns the repository's issues by number.
func (rs *repoState) sortedIssues() []*Issue {
	out := make([]*Issue, 0, len(rs.issues))
	for _, is := range rs.issues {
		out = append(out, is)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// threadKey names one issue's conversation: lower-cased "owner/name#N".
func threadKey(repo string, number int) string {
	return fmt.Sprintf("%s#%d", strings.ToLower(repo), number)
}

// commentsOf returns the comments on one issue in creation order.
func (st *state) commentsOf(repo string, number int) []*Comment {
	ids := st.threads[threadKey(repo, number)]
	out := make([]*Comment, 0, len(ids))
	for _, id := range ids {
		out = append(out, st.comments[id])
	}
	return out
}

// addComment stores a new comment and indexes it under its issue.
func (st *state) addComment(c *Comment) {
	st.comments[c.ID] = c
	k := threadKey(c.Repo, c.Number)
	st.threads[k] = append(st.threads[k], c.ID)
}

// deleteComment removes a comment and its reactions.
func (st *state) deleteComment(id int64) {
	c := st.comments[id]
	if c == nil {
		return
	}
	delete(st.comments, id)
	delete(st.reactions, id)
	k := threadKey(c.Repo, c.Number)
	ids := st.threads[k]
	for i, x := range ids {
		if x == id {
			st.threads[k] = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
}

// put writes a file on a branch as a new commit and returns the commit sha.
func (rs *repoState) put(st *state, ref, path string, content []byte) string {
	if ref == "" {
		ref = rs.DefaultBranch
	}
	files := map[string]file{}
	if old := rs.branches[ref]; old != nil {
		for k, v := range old.files {
			files[k] = v
		}
	}
	files[strings.Trim(path, "/")] = file{content: append([]byte(nil), content...), sha: blobSHA(content)}
	sum := sha1.Sum([]byte(fmt.Sprintf("commit %s %d", rs.FullName, st.id("commit"))))
	t := &tree{commit: hex.EncodeToString(sum[:]), files: files}
	rs.branches[ref] = t
	rs.commits[t.commit] = t
	return t.commit
}

// blobSHA is git's object id for a blob.
func blobSHA(content []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// snapshot returns a copy of an issue with the read-time fields filled in.
func (st *state) snapshot(rs *repoState, is *Issue) Issue {
	out := *is
	out.Labels = append([]string(nil), is.Labels...)
	out.AuthorAssociation = rs.association(is.Author)
	out.Comments = len(st.commentsOf(is.Repo, is.Number))
	return out
}

// commentSnapshot returns a copy of a comment with its author association filled in.
func (st *state) commentSnapshot(c *Comment) Comment {
	out := *c
	if rs := st.repos[strings.ToLower(c.Repo)]; rs != nil {
		out.AuthorAssociation = rs.association(c.Author)
	}
	return out
}
