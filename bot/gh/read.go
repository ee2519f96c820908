package gh

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/google/go-github/v62/github"
)

// GetIssue reads an issue or pull request. With a non-empty etag the read
// is conditional (If-None-Match): when nothing changed GitHub answers 304,
// which costs no rate limit, and GetIssue reports notModified with a zero
// Issue. A closed pull request whose issue view does not say whether it
// merged is read through the pulls API too. Errors are classified.
func (c *Client) GetIssue(ctx context.Context, r ref.Ref, etag string) (iss Issue, notModified bool, err error) {
	if r.IsZero() || r.Owner == "" || r.Repo == "" {
		return iss, false, fmt.Errorf("read issue: incomplete reference %q", r)
	}
	gc, err := c.Repo(ctx, r.Owner, r.Repo)
	if err != nil {
		return iss, false, fmt.Errorf("read %s: %w", r, err)
	}
	req, err := gc.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/issues/%d", r.Owner, r.Repo, r.Number), nil)
	if err != nil {
		return iss, false, fmt.Errorf("read %s: %w", r, err)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	var is github.Issue
	resp, err := gc.Do(ctx, req, &is)
	if isNotModified(resp, err) {
		return iss, true, nil
	}
	if err != nil {
		return iss, false, fmt.Errorf("read %s: %w", r, Classify(err))
	}
	iss = IssueFrom(r, &is)
	iss.ETag = resp.Header.Get("ETag")
	if iss.IsPull && iss.State == stateClosed && is.PullRequestLinks.MergedAt == nil {
		pr, _, err := gc.PullRequests.Get(ctx, r.Owner, r.Repo, r.Number)
		if err != nil {
			return Issue{}, false, fmt.Errorf("read pull %s: %w", r, Classify(err))
		}
		if pr.GetMerged() {
			iss.State = stateMerged
		}
	}
	return iss, false, nil
}

// isNotModified reports whether a go-github answer is a 304: go-github
// treats every status outside 2xx as an *ErrorResponse.
func isNotModified(resp *github.Response, err error) bool {
	var er *github.ErrorResponse
	return err != nil && errors.As(err, &er) && er.Response != nil &&
		er.Response.StatusCode == http.StatusNotModified && resp != nil
}

// ListComments reads every comment of an issue or pull request updated at
// or after since (all when zero), oldest first, following every page.
// Errors are classified.
func (c *Client) ListComments(ctx context.Context, r ref.Ref, since time.Time) ([]Comment, error) {
	if r.IsZero() || r.Owner == "" || r.Repo == "" {
		return nil, fmt.Errorf("list comments: incomplete reference %q", r)
	}
	gc, err := c.Repo(ctx, r.Owner, r.Repo)
	if err != nil {
		return nil, fmt.Errorf("list comments of %s: %w", r, err)
	}
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	if !since.IsZero() {
		opt.Since = &since
	}
	var out []Comment
	for {
		page, resp, err := gc.Issues.ListComments(ctx, r.Owner, r.Repo, r.Number, opt)
		if err != nil {
			return nil, fmt.Errorf("list comments of %s (page %d): %w", r, max(opt.Page, 1), Classify(err))
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

// ListCommentsSince lists an issue's comments updated at or after since
// (all when zero), oldest first, conditionally: with a non-empty etag the
// first page carries If-None-Match, and when no comment was added or
// edited since GitHub answers 304, free of rate limit, and notModified is
// true. newETag is the first page's ETag, to pass to the next call with
// the same since. It is how a refresh notices an edited comment, which
// changes neither the issue's updated_at nor its ETag. Errors are
// classified.
func (c *Client) ListCommentsSince(ctx context.Context, r ref.Ref, since time.Time, etag string) (comments []Comment, newETag string, notModified bool, err error) {
	if r.IsZero() || r.Owner == "" || r.Repo == "" {
		return nil, "", false, fmt.Errorf("list comments: incomplete reference %q", r)
	}
	gc, err := c.Repo(ctx, r.Owner, r.Repo)
	if err != nil {
		return nil, "", false, fmt.Errorf("list comments of %s: %w", r, err)
	}
	q := url.Values{"per_page": {"100"}}
	if !since.IsZero() {
		q.Set("since", since.UTC().Format(time.RFC3339))
	}
	for page := 1; ; page++ {
		q.Set("page", strconv.Itoa(page))
		req, err := gc.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/issues/%d/comments?%s", r.Owner, r.Repo, r.Number, q.Encode()), nil)
		if err != nil {
			return nil, "", false, fmt.Errorf("list comments of %s: %w", r, err)
		}
		if page == 1 && etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		var list []*github.IssueComment
		resp, err := gc.Do(ctx, req, &list)
		if page == 1 && isNotModified(resp, err) {
			return nil, etag, true, nil
		}
		if err != nil {
			return nil, "", false, fmt.Errorf("list comments of %s since %s (page %d): %w", r, q.Get("since"), page, Classify(err))
		}
		if page == 1 {
			newETag = resp.Header.Get("ETag")
		}
		for _, cm := range list {
			comments = append(comments, CommentFrom(cm))
		}
		if resp.NextPage == 0 {
			return comments, newETag, false, nil
		}
	}
}

// IsNotFound reports whether err means the thing is gone (404 or 410).
func IsNotFound(err error) bool { return errors.Is(Classify(err), ErrNotFound) }

// ListUpdatedSince lists a repository's issues and pull requests updated
// at or after since (all when zero; open and closed, most recently updated
// first),
// following every page. With a non-empty etag the first page is read
// conditionally: when nothing changed GitHub answers 304, free of rate
// limit, and notModified is true with the same etag. newETag is the first
// page's, to pass to the next call with the same since. Errors are
// classified.
func (c *Client) ListUpdatedSince(ctx context.Context, owner, repo string, since time.Time, etag string) (issues []Issue, newETag string, notModified bool, err error) {
	r := ref.New(owner, repo, 0) // lower case, renamed repositories followed
	owner, repo, full := r.Owner, r.Repo, r.FullName()
	gc, err := c.Repo(ctx, owner, repo)
	if err != nil {
		return nil, "", false, fmt.Errorf("list %s issues: %w", full, err)
	}
	q := url.Values{"state": {"all"}, "sort": {"updated"}, "direction": {"desc"}, "per_page": {"100"}}
	if !since.IsZero() {
		q.Set("since", since.UTC().Format(time.RFC3339))
	}
	for page := 1; ; {
		q.Set("page", strconv.Itoa(page))
		req, err := gc.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/issues?%s", owner, repo, q.Encode()), nil)
		if err != nil {
			return nil, "", false, fmt.Errorf("list %s issues: %w", full, err)
		}
		if page == 1 && etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		var list []*github.Issue
		resp, err := gc.Do(ctx, req, &list)
		if page == 1 && isNotModified(resp, err) {
			return nil, etag, true, nil
		}
		if err != nil {
			return nil, "", false, fmt.Errorf("list %s issues updated since %s (page %d): %w", full, q.Get("since"), page, Classify(err))
		}
		if page == 1 {
			newETag = resp.Header.Get("ETag")
		}
		for _, is := range list {
			issues = append(issues, IssueFrom(ref.New(owner, repo, is.GetNumber()), is))
		}
		if resp.NextPage == 0 {
			return issues, newETag, false, nil
		}
		page = resp.NextPage
	}
}
