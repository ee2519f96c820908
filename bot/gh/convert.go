package gh

import (
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/google/go-github/v62/github"
)

// Issue is an issue or pull request as goalbot reads it (see bot.Issue).
type Issue = bot.Issue

// Comment is an issue or pull request comment (see bot.Comment).
type Comment = bot.Comment

// Item states as Issue.State spells them.
const (
	stateOpen   = "open"
	stateClosed = "closed"
	stateMerged = "merged"
)

// IssueFrom converts a go-github issue (or the issue view of a pull
// request) numbered r. A pull request whose issue view carries merged_at is
// "merged".
func IssueFrom(r ref.Ref, is *github.Issue) Issue {
	out := Issue{Repo: r, Title: is.GetTitle(), Body: is.GetBody(), State: is.GetState(),
		IsPull: is.IsPullRequest(), Author: is.GetUser().GetLogin(), AuthorType: is.GetUser().GetType(),
		AuthorAssociation: is.GetAuthorAssociation(), CreatedAt: utc(is.GetCreatedAt()),
		UpdatedAt: utc(is.GetUpdatedAt()), ClosedAt: utc(is.GetClosedAt())}
	if is.PullRequestLinks != nil && is.PullRequestLinks.MergedAt != nil {
		out.State = stateMerged
	}
	out.Labels = make([]string, 0, len(is.Labels))
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

// PullFrom converts a go-github pull request numbered r; a merged one is
// "merged".
func PullFrom(r ref.Ref, pr *github.PullRequest) Issue {
	out := Issue{Repo: r, Title: pr.GetTitle(), Body: pr.GetBody(), State: pr.GetState(),
		IsPull: true, Author: pr.GetUser().GetLogin(), AuthorType: pr.GetUser().GetType(),
		AuthorAssociation: pr.GetAuthorAssociation(), CreatedAt: utc(pr.GetCreatedAt()),
		UpdatedAt: utc(pr.GetUpdatedAt()), ClosedAt: utc(pr.GetClosedAt())}
	if pr.GetMerged() || pr.MergedAt != nil {
		out.State = stateMerged
	}
	out.Labels = make([]string, 0, len(pr.Labels))
	for _, l := range pr.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

// CommentFrom converts a go-github issue comment.
func CommentFrom(c *github.IssueComment) Comment {
	return Comment{ID: c.GetID(), Author: c.GetUser().GetLogin(), AuthorType: c.GetUser().GetType(),
		AuthorAssociation: c.GetAuthorAssociation(), Body: c.GetBody(), URL: c.GetHTMLURL(),
		CreatedAt: utc(c.GetCreatedAt()), UpdatedAt: utc(c.GetUpdatedAt())}
}

// utc returns t in UTC, the zero time when GitHub sent none.
func utc(t github.Timestamp) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}
