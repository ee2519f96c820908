package gh

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/google/go-github/v62/github"
	"github.com/rs/zerolog"
)

// Gateway is the one implementation of bot.GitHub: every read and write
// goalbot does goes through it, with go-github's errors classified once
// (Classify) and wrapped with what was being done, each call counted by
// operation, and, in dry-run mode, writes logged instead of sent.
type Gateway struct {
	c      *Client
	dryRun bool
	log    zerolog.Logger
	fakeID atomic.Int64 // ids handed out by dry-run writes, counting down from -1

	mu    sync.Mutex
	calls map[string]int64 // operation → calls
}

var _ bot.GitHub = (*Gateway)(nil)

// GatewayOptions tunes a Gateway.
type GatewayOptions struct {
	// DryRun logs every write (its kind, target and body length) and sends
	// none; reads still go to GitHub. Created things get negative ids.
	DryRun bool
	Log    zerolog.Logger // where dry-run writes are told; default none
}

// NewGateway returns the gateway over c.
func NewGateway(c *Client, o GatewayOptions) *Gateway {
	return &Gateway{c: c, dryRun: o.DryRun, log: o.Log, calls: map[string]int64{}}
}

// Client returns the underlying client (for request totals and cache
// control); the domain never needs it.
func (g *Gateway) Client() *Client { return g.c }

// Calls returns how many times each operation was called ("CreateComment"
// → 3), dry-run writes included: the request accounting of the domain's
// view, beside Client.Requests' count of HTTP requests.
func (g *Gateway) Calls() map[string]int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[string]int64, len(g.calls))
	for k, v := range g.calls {
		out[k] = v
	}
	return out
}

func (g *Gateway) count(op string) {
	g.mu.Lock()
	g.calls[op]++
	g.mu.Unlock()
}

// dry reports whether a write is to be skipped, logging it when it is.
func (g *Gateway) dry(op, target string, body string) bool {
	g.count(op)
	if !g.dryRun {
		return false
	}
	g.log.Info().Str("op", op).Str("target", target).Int("bytes", len(body)).Msg("dry run: GitHub write not sent")
	return true
}

// repo returns the client for r's repository.
func (g *Gateway) repo(ctx context.Context, owner, name string) (*github.Client, error) {
	return g.c.Repo(ctx, owner, name)
}

// splitRepo splits "owner/name".
func splitRepo(repo string) (string, string, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", bot.Errorf(bot.EINVALID, "repository %q is not owner/name", repo)
	}
	return owner, name, nil
}

// BotLogin returns the login goalbot posts as.
func (g *Gateway) BotLogin(ctx context.Context) (string, error) {
	return g.c.BotLogin(ctx)
}

// GetIssue reads an issue or pull request (see Client.GetIssue).
func (g *Gateway) GetIssue(ctx context.Context, r ref.Ref, etag string) (bot.Issue, bool, error) {
	g.count("GetIssue")
	return g.c.GetIssue(ctx, r, etag)
}

// CrossReferences reads the cross-referenced events of an issue's timeline
// (see Client.CrossReferences).
func (g *Gateway) CrossReferences(ctx context.Context, r ref.Ref, cursor string) ([]bot.CrossReference, string, bool, error) {
	g.count("CrossReferences")
	return g.c.CrossReferences(ctx, r, cursor)
}

// ListComments lists an item's comments (see Client.ListComments).
func (g *Gateway) ListComments(ctx context.Context, r ref.Ref, since time.Time) ([]bot.Comment, error) {
	g.count("ListComments")
	return g.c.ListComments(ctx, r, since)
}

// ListCommentsSince lists an item's comments updated since a time,
// conditionally (see Client.ListCommentsSince).
func (g *Gateway) ListCommentsSince(ctx context.Context, r ref.Ref, since time.Time, etag string) ([]bot.Comment, string, bool, error) {
	g.count("ListCommentsSince")
	return g.c.ListCommentsSince(ctx, r, since, etag)
}

// ListUpdatedSince lists a repository's recently updated issues (see
// Client.ListUpdatedSince).
func (g *Gateway) ListUpdatedSince(ctx context.Context, owner, repo string, since time.Time, etag string) ([]bot.Issue, string, bool, error) {
	g.count("ListUpdatedSince")
	return g.c.ListUpdatedSince(ctx, owner, repo, since, etag)
}

// ListFiles lists the files directly in dir of repo at revision.
func (g *Gateway) ListFiles(ctx context.Context, repo, revision, dir string) ([]string, error) {
	g.count("ListFiles")
	owner, name, err := splitRepo(repo)
	if err != nil {
		return nil, err
	}
	c, err := g.repo(ctx, owner, name)
	if err != nil {
		return nil, fmt.Errorf("list %s/%s: %w", repo, dir, err)
	}
	_, entries, _, err := c.Repositories.GetContents(ctx, owner, name, dir, &github.RepositoryContentGetOptions{Ref: revision})
	if err != nil {
		return nil, fmt.Errorf("list %s/%s: %w", repo, dir, Classify(err))
	}
	var out []string
	for _, e := range entries {
		if e.GetType() == "file" {
			out = append(out, e.GetPath())
		}
	}
	return out, nil
}

// ReadFile reads one file of repo at revision.
func (g *Gateway) ReadFile(ctx context.Context, repo, revision, p string) ([]byte, string, error) {
	g.count("ReadFile")
	owner, name, err := splitRepo(repo)
	if err != nil {
		return nil, "", err
	}
	c, err := g.repo(ctx, owner, name)
	if err != nil {
		return nil, "", fmt.Errorf("read %s/%s: %w", repo, p, err)
	}
	fc, _, _, err := c.Repositories.GetContents(ctx, owner, name, p, &github.RepositoryContentGetOptions{Ref: revision})
	if err != nil {
		return nil, "", fmt.Errorf("read %s/%s: %w", repo, p, Classify(err))
	}
	if fc == nil {
		return nil, "", bot.Errorf(bot.EINVALID, "read %s/%s: not a file", repo, p)
	}
	s, err := fc.GetContent()
	if err != nil {
		return nil, "", fmt.Errorf("decode %s/%s: %w", repo, p, err)
	}
	return []byte(s), fc.GetSHA(), nil
}

// FindComment returns the bot's comment on issue whose first line is
// marker, skipping comment skip.
func (g *Gateway) FindComment(ctx context.Context, issue ref.Ref, marker string, skip int64) (int64, error) {
	g.count("FindComment")
	login, err := g.c.BotLogin(ctx)
	if err != nil {
		return 0, err
	}
	comments, err := g.c.ListComments(ctx, issue, time.Time{})
	if err != nil {
		return 0, fmt.Errorf("look for %q: %w", marker, err)
	}
	for _, c := range comments {
		if c.ID != skip && strings.EqualFold(c.Author, login) && bot.FirstLine(c.Body) == marker {
			return c.ID, nil
		}
	}
	return 0, nil
}

// FindIssue returns the bot's issue in repo with labels whose first line
// is marker.
func (g *Gateway) FindIssue(ctx context.Context, repo, marker string, labels []string) (int, error) {
	g.count("FindIssue")
	owner, name, err := splitRepo(repo)
	if err != nil {
		return 0, err
	}
	login, err := g.c.BotLogin(ctx)
	if err != nil {
		return 0, err
	}
	c, err := g.repo(ctx, owner, name)
	if err != nil {
		return 0, fmt.Errorf("look for %q in %s: %w", marker, repo, err)
	}
	opt := &github.IssueListByRepoOptions{State: "all", Creator: login, Labels: labels, ListOptions: github.ListOptions{PerPage: 100}}
	for {
		list, resp, err := c.Issues.ListByRepo(ctx, owner, name, opt)
		if err != nil {
			return 0, fmt.Errorf("look for %q in %s: %w", marker, repo, Classify(err))
		}
		for _, is := range list {
			if !is.IsPullRequest() && bot.FirstLine(is.GetBody()) == marker {
				return is.GetNumber(), nil
			}
		}
		if resp.NextPage == 0 {
			return 0, nil
		}
		opt.Page = resp.NextPage
	}
}

// maxDeliveryPages bounds one listing of the App's delivery log.
const maxDeliveryPages = 10

// HookDeliveries lists the App's webhook deliveries since a time.
func (g *Gateway) HookDeliveries(ctx context.Context, since time.Time) ([]bot.HookDelivery, bool, error) {
	g.count("HookDeliveries")
	app := g.c.App()
	if app == nil {
		return nil, false, nil
	}
	opt := &github.ListCursorOptions{PerPage: 100}
	var out []bot.HookDelivery
	for page := 0; page < maxDeliveryPages; page++ {
		list, resp, err := app.Apps.ListHookDeliveries(ctx, opt)
		if err != nil {
			return out, true, fmt.Errorf("list webhook deliveries: %w", Classify(err))
		}
		old := false
		for _, d := range list {
			at := d.GetDeliveredAt().Time
			if at.Before(since) {
				old = true
				continue
			}
			out = append(out, bot.HookDelivery{ID: d.GetID(), GUID: d.GetGUID(), Event: d.GetEvent(),
				Status: d.GetStatus(), Redelivery: d.GetRedelivery(), DeliveredAt: at.UTC()})
		}
		if old || resp.Cursor == "" {
			break
		}
		opt.Cursor = resp.Cursor
	}
	return out, true, nil
}

// CreateComment posts a comment on issue.
func (g *Gateway) CreateComment(ctx context.Context, issue ref.Ref, body string) (int64, error) {
	if g.dry("CreateComment", issue.String(), body) {
		return g.fakeID.Add(-1), nil
	}
	c, err := g.repo(ctx, issue.Owner, issue.Repo)
	if err != nil {
		return 0, fmt.Errorf("comment on %s: %w", issue, err)
	}
	cm, _, err := c.Issues.CreateComment(ctx, issue.Owner, issue.Repo, issue.Number, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return 0, fmt.Errorf("comment on %s: %w", issue, Classify(err))
	}
	return cm.GetID(), nil
}

// EditComment replaces a comment's body.
func (g *Gateway) EditComment(ctx context.Context, issue ref.Ref, id int64, body string) error {
	if g.dry("EditComment", fmt.Sprintf("%s comment %d", issue.FullName(), id), body) || id < 0 {
		return nil
	}
	c, err := g.repo(ctx, issue.Owner, issue.Repo)
	if err != nil {
		return fmt.Errorf("edit comment %d in %s: %w", id, issue.FullName(), err)
	}
	_, _, err = c.Issues.EditComment(ctx, issue.Owner, issue.Repo, id, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return fmt.Errorf("edit comment %d in %s: %w", id, issue.FullName(), Classify(err))
	}
	return nil
}

// React adds a reaction to a comment, or to the issue when id is 0.
func (g *Gateway) React(ctx context.Context, issue ref.Ref, id int64, content string) error {
	target := issue.String()
	if id != 0 {
		target = fmt.Sprintf("%s comment %d", issue.FullName(), id)
	}
	if g.dry("React", target, content) {
		return nil
	}
	c, err := g.repo(ctx, issue.Owner, issue.Repo)
	if err != nil {
		return fmt.Errorf("react to %s: %w", target, err)
	}
	if id != 0 {
		_, _, err = c.Reactions.CreateIssueCommentReaction(ctx, issue.Owner, issue.Repo, id, content)
	} else {
		_, _, err = c.Reactions.CreateIssueReaction(ctx, issue.Owner, issue.Repo, issue.Number, content)
	}
	if err != nil {
		return fmt.Errorf("react to %s: %w", target, Classify(err))
	}
	return nil
}

// CreateIssue opens an issue in repo.
func (g *Gateway) CreateIssue(ctx context.Context, repo, title, body string, labels []string) (int, error) {
	if g.dry("CreateIssue", repo, body) {
		return int(g.fakeID.Add(-1)), nil
	}
	owner, name, err := splitRepo(repo)
	if err != nil {
		return 0, err
	}
	c, err := g.repo(ctx, owner, name)
	if err != nil {
		return 0, fmt.Errorf("open an issue in %s: %w", repo, err)
	}
	ls := append([]string{}, labels...)
	is, _, err := c.Issues.Create(ctx, owner, name, &github.IssueRequest{Title: github.String(title), Body: github.String(body), Labels: &ls})
	if err != nil {
		return 0, fmt.Errorf("open an issue in %s: %w", repo, Classify(err))
	}
	return is.GetNumber(), nil
}

// EditIssue replaces an issue's title and body.
func (g *Gateway) EditIssue(ctx context.Context, issue ref.Ref, title, body string) error {
	if g.dry("EditIssue", issue.String(), body) || issue.Number < 0 {
		return nil
	}
	return g.editIssue(ctx, issue, &github.IssueRequest{Title: github.String(title), Body: github.String(body)})
}

// CloseIssue closes an issue.
func (g *Gateway) CloseIssue(ctx context.Context, issue ref.Ref) error {
	if g.dry("CloseIssue", issue.String(), "") || issue.Number < 0 {
		return nil
	}
	return g.editIssue(ctx, issue, &github.IssueRequest{State: github.String("closed")})
}

func (g *Gateway) editIssue(ctx context.Context, issue ref.Ref, req *github.IssueRequest) error {
	c, err := g.repo(ctx, issue.Owner, issue.Repo)
	if err != nil {
		return fmt.Errorf("edit %s: %w", issue, err)
	}
	if _, _, err := c.Issues.Edit(ctx, issue.Owner, issue.Repo, issue.Number, req); err != nil {
		return fmt.Errorf("edit %s: %w", issue, Classify(err))
	}
	return nil
}

// Redeliver asks GitHub to send delivery id again.
func (g *Gateway) Redeliver(ctx context.Context, id int64) error {
	if g.dry("Redeliver", fmt.Sprint(id), "") {
		return nil
	}
	app := g.c.App()
	if app == nil {
		return bot.Errorf(bot.EINVALID, "redeliver %d: goalbot runs with a token and has no App", id)
	}
	_, _, err := app.Apps.RedeliverHookDelivery(ctx, id)
	var accepted *github.AcceptedError
	if err != nil && !errors.As(err, &accepted) {
		return fmt.Errorf("redeliver %d: %w", id, Classify(err))
	}
	return nil
}
