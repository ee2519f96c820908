package gh

import (
	"encoding/json"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/google/go-github/v62/github"
)

// The events workers read most (issues, pull_request, issue_comment) are
// decoded into the few fields goalbot uses, not go-github's whole event: a
// payload's repository, sender, installation and a pull request's head and
// base repositories are most of its bytes and of the objects go-github
// allocates (an issues.labeled payload: 450 allocations, 125 µs). The
// result is the same as go-github's for any payload go-github accepts
// (FuzzParseEvent checks it); fields goalbot does not read are not checked.

// The payloads as goalbot reads them: each declares only fields go-github's
// event of the same name has, with the same types, so that a payload this
// refuses go-github refuses too.
type issuesPayload struct {
	Action string       `json:"action"`
	Issue  *issueFields `json:"issue"`
	Label  *labelFields `json:"label"`
	Repo   *repoFields  `json:"repository"`
}

type pullPayload struct {
	Action      string       `json:"action"`
	PullRequest *pullFields  `json:"pull_request"`
	Label       *labelFields `json:"label"`
	Repo        *repoFields  `json:"repository"`
}

type commentPayload struct {
	Action  string         `json:"action"`
	Issue   *issueFields   `json:"issue"`
	Comment *commentFields `json:"comment"`
	Changes *changesFields `json:"changes"`
	Repo    *repoFields    `json:"repository"`
}

type repoFields struct {
	Name  *string `json:"name"`
	Owner *struct {
		Login *string `json:"login"`
	} `json:"owner"`
}

// ref names number in the repository as go-github's getters would.
func (r *repoFields) ref(number *int) ref.Ref {
	owner := ""
	if r.Owner != nil {
		owner = str(r.Owner.Login)
	}
	n := 0
	if number != nil {
		n = *number
	}
	return ref.New(owner, str(r.Name), n)
}

type userFields struct {
	Login *string `json:"login"`
	Type  *string `json:"type"`
}

func (u *userFields) login() string {
	if u == nil {
		return ""
	}
	return str(u.Login)
}

func (u *userFields) kind() string {
	if u == nil {
		return ""
	}
	return str(u.Type)
}

type labelFields struct {
	Name *string `json:"name"`
}

func labelNames(ls []*labelFields) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		if l == nil {
			out = append(out, "")
			continue
		}
		out = append(out, str(l.Name))
	}
	return out
}

// authoredFields holds what issues, pull requests and comments share:
// who wrote them, what, and when.
type authoredFields struct {
	Body              *string           `json:"body"`
	User              *userFields       `json:"user"`
	AuthorAssociation *string           `json:"author_association"`
	CreatedAt         *github.Timestamp `json:"created_at"`
	UpdatedAt         *github.Timestamp `json:"updated_at"`
}

// itemFields holds what issues and pull requests share.
type itemFields struct {
	authoredFields
	Number   *int              `json:"number"`
	Title    *string           `json:"title"`
	State    *string           `json:"state"`
	ClosedAt *github.Timestamp `json:"closed_at"`
	Labels   []*labelFields    `json:"labels"`
}

func (it *itemFields) issue(repo *repoFields) bot.Issue {
	a := it.authoredFields
	return bot.Issue{Repo: repo.ref(it.Number), Title: str(it.Title), Body: str(a.Body), State: str(it.State),
		Author: a.User.login(), AuthorType: a.User.kind(), AuthorAssociation: str(a.AuthorAssociation),
		CreatedAt: stamp(a.CreatedAt), UpdatedAt: stamp(a.UpdatedAt), ClosedAt: stamp(it.ClosedAt),
		Labels: labelNames(it.Labels)}
}

type issueFields struct {
	itemFields
	PullRequest *struct {
		MergedAt *github.Timestamp `json:"merged_at"`
	} `json:"pull_request"`
}

// snapshot is IssueFrom's result for the issue.
func (is *issueFields) snapshot(repo *repoFields) bot.Issue {
	out := is.issue(repo)
	out.IsPull = is.PullRequest != nil
	if is.PullRequest != nil && is.PullRequest.MergedAt != nil {
		out.State = stateMerged
	}
	return out
}

type pullFields struct {
	itemFields
	Merged   *bool             `json:"merged"`
	MergedAt *github.Timestamp `json:"merged_at"`
}

// snapshot is PullFrom's result for the pull request.
func (pr *pullFields) snapshot(repo *repoFields) bot.Issue {
	out := pr.issue(repo)
	out.IsPull = true
	if (pr.Merged != nil && *pr.Merged) || pr.MergedAt != nil {
		out.State = stateMerged
	}
	return out
}

type commentFields struct {
	authoredFields
	ID      *int64  `json:"id"`
	HTMLURL *string `json:"html_url"`
}

// comment is CommentFrom's result for the comment.
func (c *commentFields) comment() bot.Comment {
	a := c.authoredFields
	out := bot.Comment{Author: a.User.login(), AuthorType: a.User.kind(), AuthorAssociation: str(a.AuthorAssociation),
		Body: str(a.Body), URL: str(c.HTMLURL), CreatedAt: stamp(a.CreatedAt), UpdatedAt: stamp(a.UpdatedAt)}
	if c.ID != nil {
		out.ID = *c.ID
	}
	return out
}

type changesFields struct {
	Body *struct {
		From *string `json:"from"`
	} `json:"body"`
}

// parseItemEvent decodes an issues, pull_request or issue_comment payload
// as ParseEvent does.
func parseItemEvent(event string, payload []byte) (any, error) {
	invalid := func(err error) error { return bot.Errorf(bot.EINVALID, "%s payload: %v", event, err) }
	switch event {
	case "issues":
		var p issuesPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return nil, invalid(err)
		}
		if p.Issue == nil || p.Repo == nil {
			return nil, nil
		}
		return itemEventOf(p.Action, p.Issue.snapshot(p.Repo), p.Label), nil
	case "pull_request":
		var p pullPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return nil, invalid(err)
		}
		if p.PullRequest == nil || p.Repo == nil {
			return nil, nil
		}
		return itemEventOf(p.Action, p.PullRequest.snapshot(p.Repo), p.Label), nil
	default: // issue_comment
		var p commentPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return nil, invalid(err)
		}
		if p.Issue == nil || p.Comment == nil || p.Repo == nil {
			return nil, nil
		}
		out := &bot.CommentEvent{Action: p.Action, Item: p.Issue.snapshot(p.Repo), Comment: p.Comment.comment()}
		if p.Changes != nil && p.Changes.Body != nil {
			out.PrevBody = str(p.Changes.Body.From)
		}
		return out, nil
	}
}

func itemEventOf(action string, sn bot.Issue, label *labelFields) *bot.ItemEvent {
	out := &bot.ItemEvent{Action: action, Item: sn}
	if label != nil {
		out.Label, out.HasLabel = str(label.Name), true
	}
	return out
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// stamp is utc for a timestamp that may be absent.
func stamp(t *github.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return utc(*t)
}
