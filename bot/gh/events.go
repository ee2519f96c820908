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
	switch event {
	case "issues", "pull_request", "issue_comment":
		return parseItemEvent(event, payload) // the workers' most frequent: see payload.go
	}
	ev, err := github.ParseWebHook(event, payload)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "%s payload: %v", event, err)
	}
	switch e := ev.(type) {
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

// pullSnapshot is a pull request's state as a webhook payload shows it.
func pullSnapshot(pr *github.PullRequest, repo *github.Repository) bot.Issue {
	return PullFrom(ref.New(repo.GetOwner().GetLogin(), repo.GetName(), pr.GetNumber()), pr)
}
