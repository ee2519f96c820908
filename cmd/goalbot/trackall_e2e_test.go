package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// rfcbotProposal is rfcbot's status comment proposing to merge, as it
// writes it today, with one box ticked.
const rfcbotProposal = "@joshtriplett has proposed to merge this. The next step is review by the rest of the tagged team members:\n\n" +
	"* [x] @joshtriplett\n* [ ] @nikomatsakis\n* [ ] @pnkfelix-unlinked\n* [ ] @scottmcm\n\nNo concerns currently listed.\n\n" +
	"Once a majority of reviewers approve (and at most 2 approvals are outstanding), this will enter its final comment period. " +
	"If you spot a major issue that hasn't been raised at any point in this process, please speak up!\n\n" +
	"See [this document](https://github.com/rust-lang/rfcbot-rs/blob/master/README.md) for info about what commands tagged team members can give me."

// TestTrackAllFollowsUnlinkedFCPs: rfcbot proposes to merge an RFC no goal
// links. With [fcp] track_all (the default) it is stored and shows on
// /api/v1/fcps with its reviewers and on a reviewer's /api/v1/people page,
// and no comment is written about it; with track_all = false it is not
// stored at all.
func TestTrackAllFollowsUnlinkedFCPs(t *testing.T) {
	for _, trackAll := range []bool{true, false} {
		t.Run("track_all="+strconv.FormatBool(trackAll), func(t *testing.T) {
			e := newEnv(t, demoOptions{Configure: func(cfg *config.Config, _ *sandbox.Server) { cfg.FCP.TrackAll = trackAll }})
			loadGoal(t, e)
			is, d := e.SB.OpenPull("someone", demo.RFCRepo, "RFC: an RFC no goal links", "An unrelated proposal.")
			if !d.OK() {
				t.Fatal(d.Status)
			}
			writesBefore := e.SB.Stats().Writes
			if _, d := e.SB.Comment("rfcbot", demo.RFCRepo, is.Number, rfcbotProposal); !d.OK() {
				t.Fatal(d.Status)
			}
			for _, l := range []string{"proposed-final-comment-period", "disposition-merge", "T-lang"} {
				if d := e.SB.AddLabel("rfcbot", demo.RFCRepo, is.Number, l); !d.OK() {
					t.Fatal(d.Status)
				}
			}
			waitIdle(t, e)
			r := ref.New("rust-lang", "rfcs", is.Number)
			it, err := e.App.DB.Item(context.Background(), r)
			fcps, person := get200(t, e.App.DashboardURL()+"/api/v1/fcps"), get200(t, e.App.DashboardURL()+"/api/v1/people/pnkfelix-unlinked")
			if !trackAll {
				if bot.ErrorCode(err) != bot.ENOTFOUND {
					t.Errorf("track_all = false stored the unlinked item: %+v (%v)", it, err)
				}
				if strings.Contains(fcps, r.String()) {
					t.Errorf("track_all = false: /api/v1/fcps lists %s:\n%s", r, fcps)
				}
				return
			}
			if err != nil {
				t.Fatalf("the unlinked FCP item is not stored: %v", err)
			}
			if it.FCP.Phase != "proposed" || len(it.FCP.Reviewers) != 4 || it.FCP.Ticked() != 1 {
				t.Errorf("stored FCP = %+v, want proposed with 4 reviewers, 1 ticked", it.FCP)
			}
			if !strings.Contains(fcps, `"`+r.String()+`"`) {
				t.Errorf("/api/v1/fcps does not list %s:\n%s", r, fcps)
			}
			for _, login := range []string{"nikomatsakis", "pnkfelix-unlinked", "scottmcm"} {
				if !strings.Contains(fcps, `"`+login+`"`) {
					t.Errorf("/api/v1/fcps does not show pending reviewer %s", login)
				}
			}
			if !strings.Contains(person, `"`+r.String()+`"`) {
				t.Errorf("/api/v1/people/pnkfelix-unlinked does not list %s:\n%s", r, person)
			}
			if w := e.SB.Stats().Writes - writesBefore; w != 0 {
				t.Errorf("goalbot wrote %d times to GitHub about an item no goal links", w)
			}
		})
	}
}

// get200 fetches url and returns the body of a 200.
func get200(t *testing.T, url string) string {
	t.Helper()
	code, body := get(t, url)
	if code != 200 {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	return body
}

// TestTrackAllFromTheSyncListing: rfcbot's labels land on an RFC no goal
// links while every webhook is lost; the next sync's repository listing
// (which it makes anyway for the linked items) stores the proposal.
func TestTrackAllFromTheSyncListing(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	if _, err := e.App.Tracker.Sync(ctx, "", nil); err != nil { // sets the listing's watermark
		t.Fatal(err)
	}
	e.SB.DropWebhooks(1 << 20)
	is, _ := e.SB.OpenPull("someone", demo.RFCRepo, "RFC: proposed while webhooks were lost", "An unrelated proposal.")
	e.SB.AddLabel("rfcbot", demo.RFCRepo, is.Number, "proposed-final-comment-period")
	e.SB.AddLabel("rfcbot", demo.RFCRepo, is.Number, "disposition-merge")
	plain, _ := e.SB.OpenPull("someone", demo.RFCRepo, "RFC: no FCP", "Nothing to follow.")
	e.SB.DropWebhooks(0)
	r := ref.New("rust-lang", "rfcs", is.Number)
	if _, err := e.App.DB.Item(ctx, r); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("stored before the sync: %v", err)
	}
	if _, err := e.App.Tracker.Sync(ctx, "", nil); err != nil {
		t.Fatal(err)
	}
	it, err := e.App.DB.Item(ctx, r)
	if err != nil {
		t.Fatalf("the sync listing did not store the unlinked proposal: %v", err)
	}
	if it.FCP.Phase != "proposed" {
		t.Errorf("stored FCP phase %q, want proposed", it.FCP.Phase)
	}
	if _, err := e.App.DB.Item(ctx, ref.New("rust-lang", "rfcs", plain.Number)); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("an unlinked RFC without FCP was stored: %v", err)
	}
}
