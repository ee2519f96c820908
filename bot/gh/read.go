package gh

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/google/go-github/v62/github"
)

// Issue is an issue or pull request as goalbot reads it: plain values,
// converted at the edge.
type Issue struct {
	Repo              ref.Ref
	Title, Body       string
	State             string // "open", "closed" or "merged"
	IsPull            bool
	Labels            []string
	Author            string
	AuthorAssociation string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	ClosedAt          time.Time
	ETag              string
}

// Comment is an issue or pull request comment.
type Comment struct {
	ID                int64
	Author            string
	AuthorType        string // "User" or "Bot"
	AuthorAssociation string
	Body, URL         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// IssueFrom converts a go-github issue of repository r.
func IssueFrom(r ref.Ref, is *github.Issue) Issue {
	out := Issue{Repo: r, Title: is.GetTitle(), Body: is.GetBody(), State: is.GetState(), IsPull: is.IsPullRequest(),
		Author: is.GetUser().GetLogin(), AuthorAssociation: is.GetAuthorAssociation(),
		CreatedAt: is.GetCreatedAt().Time.UTC(), UpdatedAt: is.GetUpdatedAt().Time.UTC(), ClosedAt: is.GetClosedAt().Time.UTC()}
	if is.PullRequestLinks != nil && is.PullRequestLinks.MergedAt != nil {
		out.State = "merged"
	}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

// CommentFrom converts a go-github issue comment.
func CommentFrom(c *github.IssueComment) Comment {
	return Comment{ID: c.GetID(), Author: c.GetUser().GetLogin(), AuthorType: c.GetUser().GetType(),
		AuthorAssociation: c.GetAuthorAssociation(), Body: c.GetBody(), URL: c.GetHTMLURL(),
		CreatedAt: c.GetCreatedAt().Time.UTC(), UpdatedAt: c.GetUpdatedAt().Time.UTC()}
}

// GetIssue reads an issue or pull request. With a non-empty etag the read
// is conditional: when nothing changed GitHub answers 304, which costs no
// rate limit, and GetIssue reports notModified. A pull request whose issue
// view does not say whether it merged is read through the pulls API too.
func (c *Client) GetIssue(ctx context.Context, r ref.Ref, etag string) (iss Issue, notModified bool, err error) {
	gc, err := c.Repo(ctx, r.Owner, r.Repo)
	if err != nil {
		return iss, false, err
	}
	req, err := gc.NewRequest("GET", fmt.Sprintf("repos/%s/%s/issues/%d", r.Owner, r.Repo, r.Number), nil)
	if err != nil {
		return iss, false, err
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	var is github.Issue
	resp, err := gc.Do(ctx, req, &is)
	if resp != nil && resp.StatusCode == http.StatusNotModified {
		return iss, true, nil
	}
	if err != nil {
		return iss, false, fmt.Errorf("read %s: %w", r, Classify(err))
	}
	iss = IssueFrom(r, &is)
	iss.ETag = resp.Header.Get("ETag")
	if iss.IsPull && iss.State == "closed" && (is.PullRequestLinks == nil || is.PullRequestLinks.MergedAt == nil) {
		pr, _, err := gc.PullRequests.Get(ctx, r.Owner, r.Repo, r.Number)
		if err != nil {
			return iss, false, fmt.Errorf("read pull %s: %w", r, Classify(err))
		}
		if pr.GetMerged() {
			iss.State = "merged"
		}
	}
	return iss, false, nil
}

// ListComments reads every comment of an issue or pull request updated
// since the given time (all when zero), following pages.
func (c *Client) ListComments(ctx context.Context, r ref.Ref, since time.Time) ([]Comment, error) {
	gc, err := c.Repo(ctx, r.Owner, r.Repo)
	if err != nil {
		return nil, err
	}
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	if !since.IsZero() {
		opt.Since = &since
	}
	var out []Comment
	for {
		page, resp, err := gc.Issues.ListComments(ctx, r.Owner, r.Repo, r.Number, opt)
		if err != nil {
			return nil, fmt.Errorf("list comments of %s: %w", r, Classify(err))
		}
		for _, cm := range page {
			out = append(out, CommentFrom(cm))
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

// IsNotFound reports whether err means the thing is gone (404 or 410).
func IsNotFound(err error) bool { return errors.Is(Classify(err), ErrNotFound) }
