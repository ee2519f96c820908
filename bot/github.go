package bot

import (
	"context"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot/ref"
)

// Issue is an issue or pull request as goalbot reads it: plain values,
// converted at the GitHub edge so the domain never sees go-github's
// pointers.
type Issue struct {
	Repo              ref.Ref // the item itself: owner/repo#N
	Title, Body       string
	State             string // "open", "closed" or "merged"
	IsPull            bool
	Labels            []string
	Author            string
	AuthorType        string // "User" or "Bot"
	AuthorAssociation string // OWNER, MEMBER, CONTRIBUTOR, NONE, …
	CreatedAt         time.Time
	UpdatedAt         time.Time
	ClosedAt          time.Time // zero while open
	ETag              string    // for the next conditional read; "" when unknown
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

// HookDelivery is one webhook delivery as GitHub's App delivery log lists it.
type HookDelivery struct {
	ID          int64  // GitHub's numeric id, to ask for a redelivery
	GUID        string // X-GitHub-Delivery
	Event       string
	Status      string // "OK" when GitHub got a 2xx
	Redelivery  bool
	DeliveredAt time.Time
}

// GitHub is every read and write goalbot does on GitHub, in domain terms.
// It is implemented by bot/gh (and by fakes in tests); no other package
// talks to GitHub. Every error it returns is already classified: a 404 or
// 410 has code ENOTFOUND, a rate limit carries its delay (RetryDelay), a
// 403 is EFORBIDDEN; anything else is internal and may be retried.
//
// Writes are plain: a write whose answer was lost may have happened. The
// callers make them idempotent with markers: every comment or issue
// goalbot writes starts with a hidden marker line naming what it is, and a
// write that may have happened before first looks for its marker with
// FindComment or FindIssue and adopts what it finds.
type GitHub interface {
	// BotLogin is the login goalbot posts as.
	BotLogin(ctx context.Context) (string, error)
	// GetIssue reads an issue or pull request; with an etag the read is
	// conditional and notModified reports a 304.
	GetIssue(ctx context.Context, r ref.Ref, etag string) (iss Issue, notModified bool, err error)
	// CrossReferences reads the cross-referenced events of an issue's
	// timeline, oldest first; cursor is what the previous read returned
	// ("" for none), and notModified says nothing was added since (free
	// of rate limit).
	CrossReferences(ctx context.Context, r ref.Ref, cursor string) (refs []CrossReference, newCursor string, notModified bool, err error)
	// ListComments lists an item's comments updated at or after since (all
	// when zero), oldest first.
	ListComments(ctx context.Context, r ref.Ref, since time.Time) ([]Comment, error)
	// ListCommentsSince lists an item's comments updated at or after
	// since; with an etag the first page is conditional and notModified
	// reports a 304 (no comment added or edited since).
	ListCommentsSince(ctx context.Context, r ref.Ref, since time.Time, etag string) (comments []Comment, newETag string, notModified bool, err error)
	// ListUpdatedSince lists a repository's issues and pull requests
	// updated at or after since; with an etag the first page is
	// conditional and notModified reports a 304.
	ListUpdatedSince(ctx context.Context, owner, repo string, since time.Time, etag string) (issues []Issue, newETag string, notModified bool, err error)
	// ListFiles lists the paths of the files (not folders) directly in dir
	// of repo ("owner/name") at revision ("" for the default branch).
	ListFiles(ctx context.Context, repo, revision, dir string) ([]string, error)
	// ReadFile reads one file of repo at revision and returns its content
	// and blob sha.
	ReadFile(ctx context.Context, repo, revision, path string) (content []byte, sha string, err error)
	// FindComment returns the id of the bot's comment on issue whose first
	// line is marker, 0 when there is none. A comment with id skip is
	// ignored (one known to be deleted).
	FindComment(ctx context.Context, issue ref.Ref, marker string, skip int64) (int64, error)
	// FindIssue returns the number of the bot's issue (not pull request) in
	// repo, carrying every label of labels, whose body's first line is
	// marker; 0 when there is none.
	FindIssue(ctx context.Context, repo, marker string, labels []string) (int, error)
	// HookDeliveries lists the App's webhook deliveries since a time,
	// newest first; ok is false when goalbot runs with a token and has no
	// App to ask.
	HookDeliveries(ctx context.Context, since time.Time) (list []HookDelivery, ok bool, err error)

	// CreateComment posts a comment on issue and returns its id.
	CreateComment(ctx context.Context, issue ref.Ref, body string) (int64, error)
	// EditComment replaces the body of comment id in issue's repository.
	EditComment(ctx context.Context, issue ref.Ref, id int64, body string) error
	// React adds a reaction (e.g. "+1") to comment id of issue's
	// repository, or to the issue itself when id is 0. GitHub keeps one
	// reaction per user and content, so reacting twice is harmless.
	React(ctx context.Context, issue ref.Ref, id int64, content string) error
	// CreateIssue opens an issue in repo and returns its number.
	CreateIssue(ctx context.Context, repo, title, body string, labels []string) (int, error)
	// EditIssue replaces the title and body of an issue.
	EditIssue(ctx context.Context, issue ref.Ref, title, body string) error
	// CloseIssue closes an issue; closing a closed issue is harmless.
	CloseIssue(ctx context.Context, issue ref.Ref) error
	// Redeliver asks GitHub to send a webhook delivery again.
	Redeliver(ctx context.Context, id int64) error
}

// FirstLine returns body's first line without a byte-order mark and
// surrounding space: where goalbot's hidden markers stand.
func FirstLine(body string) string {
	line, _, _ := strings.Cut(body, "\n")
	return strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
}
