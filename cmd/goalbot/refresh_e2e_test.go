package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/ref"
)

// TestRefreshSeesAnEditedCommentForFree: rfcbot ticks a box by editing its
// status comment, which changes neither the updated_at nor its
// ETag; the edit's webhook is lost. A refresh must still see the tick, and
// a refresh with nothing new must cost no rate limit (every read a 304).
func TestRefreshSeesAnEditedCommentForFree(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	proposeFCP(t, e)
	rfc := ref.New(strings.Split(demo.RFCRepo, "/")[0], strings.Split(demo.RFCRepo, "/")[1], demo.SendBoundRFC)
	var statusID int64
	var body string
	for _, c := range e.SB.Comments(demo.RFCRepo, demo.SendBoundRFC) {
		if c.Author == "rfcbot" && strings.Contains(c.Body, "has proposed to") {
			statusID, body = c.ID, c.Body
		}
	}
	if statusID == 0 || !strings.Contains(body, "* [ ]") {
		t.Fatalf("no rfcbot status comment with an unticked box on %s", rfc)
	}
	ticked := func() int {
		t.Helper()
		it, err := e.App.DB.Item(ctx, rfc)
		if err != nil {
			t.Fatal(err)
		}
		return it.FCP.Ticked()
	}
	refresh := func() {
		t.Helper()
		if err := e.App.Tracker.Refresh(ctx, rfc); err != nil {
			t.Fatalf("refresh: %v", err)
		}
		waitIdle(t, e)
	}
	refresh() // a full read: the ETag is now known
	refresh() // the issue answers 304; the comments listing's ETag gets known
	before := ticked()

	e.SB.ResetStats()
	refresh()
	if st := e.SB.Stats(); st.Charged != 0 || st.NotModified < 2 {
		t.Errorf("a refresh with nothing new: %d requests charged, %d answered 304 (%v); want 0 charged, both reads 304", st.Charged, st.NotModified, st.ByRoute)
	}

	e.Clock.Advance(time.Hour)
	e.SB.DropWebhooks(1)
	if d := e.SB.EditComment("rfcbot", statusID, strings.Replace(body, "* [ ]", "* [x]", 1)); d.OK() {
		t.Fatal("the edit's webhook was delivered; the test needs it lost")
	}
	e.SB.DropWebhooks(0)
	waitIdle(t, e)
	if got := ticked(); got != before {
		t.Fatalf("ticked %d before the refresh, want %d (the webhook was dropped)", got, before)
	}
	refresh()
	if got := ticked(); got != before+1 {
		t.Errorf("after the refresh %d boxes ticked, want %d: the edited status comment was not read", got, before+1)
	}
}
