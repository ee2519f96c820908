package gh

import (
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/google/go-github/v62/github"
)

// ParseEvent decodes a webhook payload into a domain event: *bot.ItemEvent
// (issues, pull_request), *bot.CommentEvent (issue_comment),
// *bot.ReviewEvent (pull_request_review) or *bot.PushEvent (push). Other
// events, and payloads lacking the issue, pull request, comment, review
// or repository they need, give nil. A payload go-github cannot read is
// an EINVALID error.
func ParseEvent(event string, payload []byte) (any, error) {
	ev, err := github.ParseWebHook(event, payload)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "%s payload: %v", event, err)
	}
	switch e := ev.(type) {
	case *github.IssuesEvent:
		if e.Issue == nil || e.Repo == nil {
			return nil, nil
		}
		return itemEvent(e.GetAction(), issueSnapshot(e.Issue, e.Repo), e.Label), nil
	case *github.PullRequestEvent:
		if e.PullRequest == nil || e.Repo == nil {
			return nil, nil
		}
		return itemEvent(e.GetAction(), pullSnapshot(e.PullRequest, e.Repo), e.Label), nil
	case *github.IssueCommentEvent:
		if e.Issue == nil || e.Repo == nil || e.Comment == nil {
			return nil, nil
		}
		out := &bot.CommentEvent{Action: e.GetAction(), Item: issueSnapshot(e.Issue, e.Repo), Comment: CommentFrom(e.Comment)}
		if e.Changes != nil && e.Changes.Body != nil {
			out.PrevBody = e.Changes.Body.GetFrom()
		}
		return out, nil
	case *github.PullRequestReviewEvent:
		if e.Review == nil || e.PullRequest == nil || e.Repo == nil {
			return nil, nil
		}
		rv := e.Review
		return &bot.ReviewEvent{Action: e.GetAction(), Item: pullSnapshot(e.PullRequest, e.Repo),
			Review: bot.Comment{ID: rv.GetID(), Author: rv.GetUser().GetLogin(), AuthorType: rv.GetUser().GetType(),
				AuthorAssociation: rv.GetAuthorAssociation(), Body: rv.GetBody(), URL: rv.GetHTMLURL(),
				CreatedAt: utc(rv.GetSubmittedAt()), UpdatedAt: utc(rv.GetSubmittedAt())}}, nil
	case *github.PushEvent:
		out := &bot.PushEvent{Repo: strings.ToLower(e.GetRepo().GetFullName()), DefaultBranch: e.GetRepo().GetDefaultBranch(),
			Ref: e.GetRef(), After: e.GetAfter()}
		for _, c := range e.Commits {
			out.Changed = append(out.Changed, c.Added...)
			out.Changed = append(out.Changed, c.Modified...)
		}
		return out, nil
	}
	return nil, nil
}

func itemEvent(action string, sn bot.Issue, label *github.Label) *bot.ItemEvent {
	out := &bot.ItemEvent{Action: action, Item: sn}
	if label != nil {
		out.Label, out.HasLabel = label.GetName(), true
	}
	return out
}

// issueSnapshot is an issue's state as a webhook payload shows it.
func issueSnapshot(is *github.Issue, repo *github.Repository) bot.Issue {
	return IssueFrom(ref.New(repo.GetOwner().GetLogin(), repo.GetName(), is.GetNumber()), is)
}

// pullSnapshot is a pull request's state as a webhook payload shows it.
func pullSnapshot(pr *github.PullRequest, repo *github.Repository) bot.Issue {
	return PullFrom(ref.New(repo.GetOwner().GetLogin(), repo.GetName(), pr.GetNumber()), pr)
}
