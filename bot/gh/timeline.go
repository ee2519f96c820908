package gh

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/google/go-github/v62/github"
)

// Reference is a cross-referenced event of an issue's timeline
// (bot.CrossReference, named here for the client's callers).
type Reference = bot.CrossReference

// timelinePerPage is the page size of timeline reads, GitHub's maximum.
const timelinePerPage = 100

// CrossReferences reads the cross-referenced events of an issue's timeline,
// oldest first, following every page. The timeline grows at its end, so
// the conditional read is of its last page: pass the etag a previous call
// returned (an opaque cursor holding that page, its length and its ETag)
// and, when the last page was not full and GitHub answers 304 (free of
// rate limit), notModified is true and nothing else is read. Otherwise the
// whole timeline is read again (for a one-page timeline, the answer to the
// conditional read is that page: it is not asked for twice). Errors are
// classified.
func (c *Client) CrossReferences(ctx context.Context, r ref.Ref, etag string) (refs []Reference, newETag string, notModified bool, err error) {
	if r.IsZero() || r.Owner == "" || r.Repo == "" {
		return nil, "", false, fmt.Errorf("read timeline: incomplete reference %q", r)
	}
	gc, err := c.Repo(ctx, r.Owner, r.Repo)
	if err != nil {
		return nil, "", false, fmt.Errorf("read timeline of %s: %w", r, err)
	}
	get := func(page int, ifNoneMatch string) ([]*github.Timeline, *github.Response, error) {
		req, err := gc.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/issues/%d/timeline?per_page=%d&page=%d",
			r.Owner, r.Repo, r.Number, timelinePerPage, page), nil)
		if err != nil {
			return nil, nil, err
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		var evs []*github.Timeline
		resp, err := gc.Do(ctx, req, &evs)
		return evs, resp, err
	}
	var (
		evs  []*github.Timeline
		resp *github.Response
	)
	if cur, ok := parseTimelineCursor(etag); ok && cur.count < timelinePerPage {
		evs, resp, err = get(cur.page, cur.etag)
		if isNotModified(resp, err) {
			return nil, etag, true, nil
		}
		if err != nil {
			return nil, "", false, fmt.Errorf("read timeline of %s (page %d): %w", r, cur.page, Classify(err))
		}
		if cur.page != 1 {
			resp = nil // the whole timeline is read again, from its first page
		}
	}
	for page := 1; ; {
		if resp == nil {
			evs, resp, err = get(page, "")
			if err != nil {
				return nil, "", false, fmt.Errorf("read timeline of %s (page %d): %w", r, page, Classify(err))
			}
		}
		for _, ev := range evs {
			if x, ok := referenceFrom(ev); ok {
				refs = append(refs, x)
			}
		}
		if resp.NextPage == 0 {
			return refs, timelineCursor{page: page, count: len(evs), etag: resp.Header.Get("ETag")}.String(), false, nil
		}
		page, resp = resp.NextPage, nil
	}
}

// referenceFrom converts a cross-referenced event whose source is an issue
// or pull request; other events (and sources it cannot name) give false.
func referenceFrom(ev *github.Timeline) (Reference, bool) {
	if ev.GetEvent() != "cross-referenced" || ev.Source == nil || ev.Source.Issue == nil {
		return Reference{}, false
	}
	is := ev.Source.Issue
	var src ref.Ref
	if full := is.GetRepository().GetFullName(); full != "" {
		owner, repo, _ := strings.Cut(full, "/")
		src = ref.New(owner, repo, is.GetNumber())
	} else if u, ok := ref.ParseURL(is.GetHTMLURL()); ok {
		src = u
	}
	if src.IsZero() || src.Owner == "" {
		return Reference{}, false
	}
	actor := ev.GetActor()
	if actor == nil {
		actor = ev.Source.GetActor()
	}
	return Reference{
		Source:    IssueFrom(src, is),
		Actor:     actor.GetLogin(),
		ActorType: actor.GetType(),
		At:        utc(ev.GetCreatedAt()),
	}, true
}

// timelineCursor is what CrossReferences hands back as its etag: the last
// page read, how many events it held, and its ETag.
type timelineCursor struct {
	page, count int
	etag        string
}

// String encodes the cursor as "timeline:PAGE:COUNT:ETAG".
func (c timelineCursor) String() string {
	if c.etag == "" {
		return ""
	}
	return fmt.Sprintf("timeline:%d:%d:%s", c.page, c.count, c.etag)
}

// parseTimelineCursor reads a cursor String wrote; ok is false for
// anything else (such as "" or a plain ETag), which means a full read.
func parseTimelineCursor(s string) (timelineCursor, bool) {
	parts := strings.SplitN(s, ":", 4)
	if len(parts) != 4 || parts[0] != "timeline" || parts[3] == "" {
		return timelineCursor{}, false
	}
	page, err1 := strconv.Atoi(parts[1])
	count, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || page < 1 || count < 0 {
		return timelineCursor{}, false
	}
	return timelineCursor{page: page, count: count, etag: parts[3]}, true
}
