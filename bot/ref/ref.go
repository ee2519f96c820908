// Package ref names GitHub issues and pull requests as owner/repo#N and
// parses the textual forms people and documents use for them.
package ref

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Ref identifies one issue or pull request. Owner and Repo are lower-case
// as normalised by New; the zero Ref is invalid.
type Ref struct {
	Owner  string `json:"owner"`
	Repo   string `json:"repo"`
	Number int    `json:"number"`
}

// aliases maps renamed repositories to their current name, so that links
// written before a rename and after it name the same item.
var aliases = map[string]string{
	"rust-lang/rust-project-goals": "rust-lang/goals",
}

// Names returns the names a repository is written by: fullName (owner/repo,
// lower case) and every former name that now maps to it.
func Names(fullName string) []string {
	out := []string{fullName}
	for old, to := range aliases {
		if to == fullName {
			out = append(out, old)
		}
	}
	return out
}

// New returns a normalised Ref: lower-case owner and repository, renamed
// repositories mapped to their current name.
func New(owner, repo string, number int) Ref {
	owner, repo = strings.ToLower(owner), strings.ToLower(repo)
	if to, ok := aliases[owner+"/"+repo]; ok {
		owner, repo, _ = strings.Cut(to, "/")
	}
	return Ref{Owner: owner, Repo: repo, Number: number}
}

// String formats r as owner/repo#N.
func (r Ref) String() string {
	if r.IsZero() {
		return ""
	}
	return fmt.Sprintf("%s/%s#%d", r.Owner, r.Repo, r.Number)
}

// FullName returns owner/repo.
func (r Ref) FullName() string { return r.Owner + "/" + r.Repo }

// IsZero reports whether r names nothing.
func (r Ref) IsZero() bool { return r.Number == 0 }

// URL returns the github.com web address of the item (issues/ works for
// pull requests too: GitHub redirects).
func (r Ref) URL() string {
	return fmt.Sprintf("https://github.com/%s/%s/issues/%d", r.Owner, r.Repo, r.Number)
}

// MarshalText implements encoding.TextMarshaler so a Ref is "owner/repo#N" in JSON.
func (r Ref) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Ref) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*r = Ref{}
		return nil
	}
	p, err := Parse(string(b), Ref{})
	if err != nil {
		return err
	}
	*r = p
	return nil
}

// Parse reads one item reference: "owner/repo#N", "#N" (resolved against
// base's repository), or an issue or pull URL on github.com
// (https://github.com/owner/repo/issues/N, .../pull/N, with optional
// trailing path, query or fragment). It returns an error naming the input
// when it is none of these.
func Parse(s string, base Ref) (Ref, error) {
	s = strings.TrimSpace(s)
	bad := func(why string) (Ref, error) {
		return Ref{}, fmt.Errorf("%q is not an issue reference (%s); write owner/repo#N, #N or an issue URL", s, why)
	}
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		r, ok := ParseURL(s)
		if !ok {
			return bad("not a github.com issue or pull request URL")
		}
		return r, nil
	}
	head, num, ok := strings.Cut(s, "#")
	if !ok {
		return bad("no #")
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 || strings.HasPrefix(num, "+") {
		return bad("number after # must be a positive integer")
	}
	if head == "" {
		if base.Owner == "" {
			return bad("#N needs a repository")
		}
		return New(base.Owner, base.Repo, n), nil
	}
	owner, repo, ok := strings.Cut(head, "/")
	if !ok || !validName(owner) || !validName(repo) {
		return bad("repository must be owner/repo")
	}
	return New(owner, repo, n), nil
}

// ParseURL reads an issue or pull request URL on github.com and reports
// whether it was one.
func ParseURL(s string) (Ref, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return Ref{}, false
	}
	if h := strings.ToLower(u.Host); h != "github.com" && h != "www.github.com" {
		return Ref{}, false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 4 || (parts[2] != "issues" && parts[2] != "pull" && parts[2] != "pulls") {
		return Ref{}, false
	}
	n, err := strconv.Atoi(parts[3])
	if err != nil || n <= 0 || !validName(parts[0]) || !validName(parts[1]) {
		return Ref{}, false
	}
	return New(parts[0], parts[1], n), true
}

// validName reports whether s can be a GitHub owner or repository name.
func validName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}
