package gh_test

import (
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/sandbox"
)

// TestListCommentsSinceConditional: the listing of comments updated since
// a time answers 304 (free) while nothing changed, and a changed ETag with
// the edited comment once one is edited — which the issue's own ETag does
// not show.
func TestListCommentsSinceConditional(t *testing.T) {
	now := time.Date(2024, 8, 1, 12, 0, 0, 0, time.UTC)
	s := sandbox.New(sandbox.Options{Token: "ghp_since", TokenLogin: "goalbot-test", Logf: t.Logf, Now: func() time.Time { return now }})
	t.Cleanup(s.Close)
	s.AddRepo("rust-lang/rfcs", 1)
	c, err := gh.New(gh.Config{APIURL: s.URL(), Token: "ghp_since", BotLogin: "goalbot-test"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	rfc, _ := s.OpenPull("nikomatsakis", "rust-lang/rfcs", "RFC: RTN", "body")
	r := ref.New("rust-lang", "rfcs", rfc.Number)
	s.Comment("someone", "rust-lang/rfcs", rfc.Number, "first")
	now = now.Add(time.Hour)
	status, _ := s.Comment("rfcbot", "rust-lang/rfcs", rfc.Number, "* [ ] @scottmcm")
	since := now

	iss, _, err := c.GetIssue(ctx, r, "")
	if err != nil {
		t.Fatal(err)
	}
	list, etag, notModified, err := c.ListCommentsSince(ctx, r, since, "")
	if err != nil || notModified || etag == "" || len(list) != 1 || list[0].ID != status.ID {
		t.Fatalf("first listing: %v, etag %q, notModified %v, err %v; want the one status comment and an ETag", list, etag, notModified, err)
	}
	if _, _, notModified, err := c.ListCommentsSince(ctx, r, since, etag); err != nil || !notModified {
		t.Fatalf("unchanged listing: notModified %v, err %v; want a 304", notModified, err)
	}

	now = now.Add(time.Hour)
	s.EditComment("rfcbot", status.ID, "* [x] @scottmcm")
	if _, notModified, err := c.GetIssue(ctx, r, iss.ETag); err != nil || !notModified {
		t.Fatalf("the issue read after the edit: notModified %v, err %v; the sandbox no longer mirrors GitHub here", notModified, err)
	}
	list, etag2, notModified, err := c.ListCommentsSince(ctx, r, since, etag)
	if err != nil || notModified || etag2 == etag || len(list) != 1 || list[0].Body != "* [x] @scottmcm" {
		t.Errorf("after the edit: %v, etag changed %v, notModified %v, err %v; want the edited comment", list, etag2 != etag, notModified, err)
	}
}
