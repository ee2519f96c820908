package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/store"
)

// runDomain runs the cases for goals, items, links and statuses.
func runDomain(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, db *store.DB)
	}{
		{"GoalRoundTripAndLinks", testGoalRoundTripAndLinks},
		{"ItemRoundTrip", testItemRoundTrip},
		{"UpdateItemConcurrent", testUpdateItemConcurrent},
		{"UpdateItems", testUpdateItems},
		{"StatusesAndTransitions", testStatusesAndTransitions},
		{"ManyStatusesAndLinks", testManyStatusesAndLinks},
		{"StatusCommentLease", testStatusCommentLease},
		{"StatusCommentLeaseRace", testStatusCommentLeaseRace},
		{"ClaimReplyOnce", testClaimReplyOnce},
		{"SyncState", testSyncState},
		{"DigestClaimOncePerWeek", testDigestClaimOncePerWeek},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

var (
	rfc3654 = ref.New("rust-lang", "rfcs", 3654)
	mcp727  = ref.New("rust-lang", "compiler-team", 727)
	goal105 = ref.New("rust-lang", "goals", 105)
)

// testGoalDocumentChanges: a goal read again unchanged shares its
// document with the last read (decoded once), and a goal saved with
// another document reads back the new one, by Goal and by Goals, though
// the old one was read just before.
func testGoalDocumentChanges(t *testing.T, db *store.DB) {
	ctx := context.Background()
	g := bot.Goal{ID: "2025h1/doc", Title: "Doc", Doc: &goaldoc.Document{ID: "doc", Title: "First",
		Subgoals: []goaldoc.Subgoal{{ID: "a", Title: "A", Links: []ref.Ref{rfc3654}}}}}
	if err := db.SaveGoal(ctx, g, nil); err != nil {
		t.Fatal(err)
	}
	first, err := db.Goal(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.Goal(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Doc != first.Doc || !reflect.DeepEqual(again.Doc, g.Doc) {
		t.Errorf("unchanged goal read again: document %p %+v, want the first read's %p, equal to %+v", again.Doc, again.Doc, first.Doc, g.Doc)
	}
	g.Doc = &goaldoc.Document{ID: "doc", Title: "Second", Subgoals: []goaldoc.Subgoal{{ID: "b", Title: "B"}}}
	if err := db.SaveGoal(ctx, g, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.Goal(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Doc, g.Doc) {
		t.Errorf("after saving another document, Goal read %+v, want %+v", got.Doc, g.Doc)
	}
	all, err := db.Goals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || !reflect.DeepEqual(all[0].Doc, g.Doc) {
		t.Errorf("after saving another document, Goals read %+v, want one goal with %+v", all, g.Doc)
	}
	if first.Doc.Title != "First" || first.Doc.Subgoals[0].ID != "a" {
		t.Errorf("the document read before the change changed under its reader: %+v", first.Doc)
	}
}

func testGoalRoundTripAndLinks(t *testing.T, db *store.DB) {
	ctx := context.Background()
	g := bot.Goal{ID: "2024h2/async", Title: "Async | parity", Source: "dir:goals", Revision: "abc",
		TrackingIssue: goal105, Doc: &goaldoc.Document{ID: "async"}, Notices: true,
		UpdatedAt: time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)}
	links := []bot.Link{
		{Goal: g.ID, Subgoal: "send-bound", Item: rfc3654, Origin: bot.OriginConfig},
		{Goal: g.ID, Subgoal: "async-drop", Item: mcp727, Origin: bot.OriginDocument},
	}
	if err := db.SaveGoal(ctx, g, links); err != nil {
		t.Fatal(err)
	}
	if added, err := db.AddLink(ctx, bot.Link{Goal: g.ID, Subgoal: "vision", Item: ref.New("rust-lang", "rfcs", 3657), Origin: bot.OriginCommand, By: "tmandry"}); err != nil || !added {
		t.Fatalf("AddLink = %v, %v", added, err)
	}
	if added, _ := db.AddLink(ctx, bot.Link{Goal: g.ID, Subgoal: "vision", Item: ref.New("rust-lang", "rfcs", 3657), Origin: bot.OriginCommand, By: "x"}); added {
		t.Error("AddLink of an existing link reported added")
	}
	got, err := db.Goal(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != g.Title || got.TrackingIssue != goal105 || !reflect.DeepEqual(got.Doc, g.Doc) || !got.Notices || !got.UpdatedAt.Equal(g.UpdatedAt) {
		t.Errorf("Goal = %+v, want %+v", got, g)
	}
	// Saving the goal again replaces document/config links but keeps command links.
	if err := db.SaveGoal(ctx, g, links[:1]); err != nil {
		t.Fatal(err)
	}
	ls, err := db.Links(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || ls[0].Subgoal != "send-bound" || ls[1].Subgoal != "vision" || ls[1].By != "tmandry" {
		t.Errorf("links after reload = %+v", ls)
	}
	to, _ := db.LinksToItem(ctx, rfc3654)
	if len(to) != 1 || to[0].Goal != g.ID {
		t.Errorf("LinksToItem = %+v", to)
	}
	byIssue, _ := db.GoalsByTrackingIssue(ctx, goal105)
	if len(byIssue) != 1 || byIssue[0].ID != g.ID {
		t.Errorf("GoalsByTrackingIssue = %+v", byIssue)
	}
	if n, err := db.RemoveLinks(ctx, "", ref.New("rust-lang", "rfcs", 3657)); err != nil || n != 1 {
		t.Errorf("RemoveLinks = %d, %v", n, err)
	}
	if n, _ := db.RemoveLinks(ctx, g.ID, rfc3654); n != 0 {
		t.Errorf("RemoveLinks removed a config link")
	}
	if _, err := db.Goal(ctx, "nope"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("Goal(nope) = %v", err)
	}
}

func testItemRoundTrip(t *testing.T, db *store.DB) {
	ctx := context.Background()
	it := bot.Item{Ref: rfc3654, Kind: bot.KindRFC, Title: "Return type notation", State: bot.StateOpen, IsPull: true,
		Labels: []string{"T-lang", "proposed-final-comment-period"}, Author: "nikomatsakis",
		UpdatedAt: time.Date(2024, 8, 1, 12, 0, 0, 0, time.UTC), ETag: `W/"x"`, FCP: fcp.State{Phase: fcp.PhaseProposed},
		CommentsSince: time.Date(2024, 7, 30, 9, 0, 0, 0, time.UTC), CommentsETag: `"c"`}
	if err := db.SaveItem(ctx, it); err != nil {
		t.Fatal(err)
	}
	got, err := db.Item(ctx, rfc3654)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != it.Title || got.State != it.State || !got.IsPull || len(got.Labels) != 2 || got.Labels[1] != "proposed-final-comment-period" ||
		!got.UpdatedAt.Equal(it.UpdatedAt) || got.ETag != it.ETag || !reflect.DeepEqual(got.FCP, it.FCP) || got.MCP.Phase != fcp.MCPNone || !got.FetchedAt.IsZero() ||
		!got.CommentsSince.Equal(it.CommentsSince) || got.CommentsETag != it.CommentsETag {
		t.Errorf("Item = %+v, want %+v", got, it)
	}
	it.State, it.Labels, it.FCP = bot.StateMerged, nil, fcp.State{}
	if err := db.SaveItem(ctx, it); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Item(ctx, rfc3654)
	if got.State != bot.StateMerged || len(got.Labels) != 0 || got.FCP.Phase != fcp.PhaseNone {
		t.Errorf("after update: %+v", got)
	}
	all, _ := db.Items(ctx)
	if len(all) != 1 {
		t.Errorf("Items = %d", len(all))
	}
	if _, err := db.Item(ctx, mcp727); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("unknown item: %v", err)
	}
}

// testUpdateItemConcurrent runs 16 updates of one item at once, the
// first of them creating it: each sees the others' changes (no update is
// lost, the item was locked), exactly one sees it missing, and an update
// that declines to create an item leaves no row behind.
func testUpdateItemConcurrent(t *testing.T, db *store.DB) {
	ctx := context.Background()
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.UpdateItem(ctx, rfc3654, func(it *bot.Item, exists bool) (bool, error) {
				if !exists {
					mu.Lock()
					created++
					mu.Unlock()
					it.Kind, it.State = bot.KindRFC, bot.StateOpen
				}
				it.Labels = append(it.Labels, fmt.Sprintf("l%02d", i))
				return true, nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
	}
	got, err := db.Item(ctx, rfc3654)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Labels) != n || created != 1 {
		t.Errorf("after %d concurrent updates: %d labels %v, %d saw the item missing; want %d and 1", n, len(got.Labels), got.Labels, created, n)
	}
	saved, err := db.UpdateItem(ctx, mcp727, func(*bot.Item, bool) (bool, error) { return false, nil })
	if err != nil || saved {
		t.Fatalf("declined update = %v, %v", saved, err)
	}
	if _, err := db.Item(ctx, mcp727); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("a declined update left a row: %v", err)
	}
}

// testUpdateItems: one transaction changes several items, stored or not,
// each seen once with its index; a declined item leaves no row; an error
// stores none of them; a batch naming an item twice is refused; transactions over the same items in opposite
// orders, at once, neither lose a change nor deadlock.
func testUpdateItems(t *testing.T, db *store.DB) {
	ctx := context.Background()
	if err := db.SaveItem(ctx, bot.Item{Ref: mcp727, Kind: bot.KindMCP, Title: "old", State: bot.StateOpen}); err != nil {
		t.Fatal(err)
	}
	refs := []ref.Ref{rfc3654, mcp727, goal105}
	seen := map[int]bool{}
	saved, err := db.UpdateItems(ctx, refs, func(i int, it *bot.Item, exists bool) (bool, error) {
		seen[i] = true
		if exists != (refs[i] == mcp727) || it.Ref != refs[i] {
			t.Errorf("item %d: %s exists %v", i, it.Ref, exists)
		}
		it.Kind, it.Title, it.State = bot.KindRFC, fmt.Sprint("title ", i), bot.StateOpen
		return refs[i] != goal105, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(saved, []bool{true, true, false}) || len(seen) != 3 {
		t.Fatalf("saved %v, fn saw %v; want [true true false], each item once", saved, seen)
	}
	for i, r := range refs[:2] {
		if got, err := db.Item(ctx, r); err != nil || got.Title != fmt.Sprint("title ", i) {
			t.Errorf("item %s: %q, %v; want title %d", r, got.Title, err, i)
		}
	}
	if _, err := db.Item(ctx, goal105); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("a declined item left a row: %v", err)
	}
	got, err := db.ItemsOf(ctx, refs)
	if err != nil || len(got) != 2 || got[rfc3654].Title != "title 0" || got[mcp727].Title != "title 1" {
		t.Errorf("ItemsOf = %+v, %v; want the two stored items", got, err)
	}

	_, err = db.UpdateItems(ctx, refs, func(i int, it *bot.Item, exists bool) (bool, error) {
		if refs[i] == goal105 {
			return false, errors.New("broken")
		}
		it.Title = "lost"
		return true, nil
	})
	if err == nil {
		t.Fatal("an error from fn was not returned")
	}
	for _, r := range refs[:2] {
		if got, _ := db.Item(ctx, r); got.Title == "lost" {
			t.Errorf("item %s was stored though the transaction failed", r)
		}
	}

	if _, err := db.UpdateItems(ctx, []ref.Ref{rfc3654, mcp727, rfc3654}, func(int, *bot.Item, bool) (bool, error) {
		t.Error("fn called for a batch naming an item twice")
		return false, nil
	}); err == nil {
		t.Error("a batch naming an item twice was not refused")
	}

	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for k := 0; k < n; k++ {
		order := []ref.Ref{rfc3654, mcp727}
		if k%2 == 1 {
			order = []ref.Ref{mcp727, rfc3654}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[k] = db.UpdateItems(ctx, order, func(_ int, it *bot.Item, _ bool) (bool, error) {
				it.Labels = append(it.Labels, fmt.Sprintf("l%d", k))
				return true, nil
			})
		}()
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			t.Fatalf("update %d: %v", k, err)
		}
	}
	for _, r := range refs[:2] {
		if got, _ := db.Item(ctx, r); len(got.Labels) != n {
			t.Errorf("item %s after %d concurrent batches: labels %v, want %d", r, n, got.Labels, n)
		}
	}
}

func testStatusesAndTransitions(t *testing.T, db *store.DB) {
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2024, 8, d, 0, 0, 0, 0, time.UTC) }
	st := []bot.SubgoalStatus{{Goal: "g", Subgoal: "a", Status: "in-fcp", Detail: "merge, ends 2024-08-20", Since: day(10)},
		{Goal: "g", Subgoal: "b", Status: "complete", DocStatus: "complete", Disagree: true, Since: day(1)}}
	tr := []bot.Transition{{Goal: "g", Subgoal: "a", Old: "fcp-proposed", New: "in-fcp", At: day(10), DeliveryID: "d1", Item: rfc3654.String()}}
	if err := db.SaveGoal(ctx, bot.Goal{ID: "g", Title: "G", Source: "dir:x", Doc: &goaldoc.Document{}}, nil); err != nil {
		t.Fatal(err)
	}
	g0, _ := db.Goal(ctx, "g")
	if err := db.SaveStatuses(ctx, "g", st, nil, tr); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveStatuses(ctx, "g", nil, []string{"b"}, []bot.Transition{{Goal: "g", Subgoal: "a", Old: "in-fcp", New: "fcp-finished", At: day(20)}}); err != nil {
		t.Fatal(err)
	}
	if g, _ := db.Goal(ctx, "g"); g.StatusVersion != g0.StatusVersion+2 {
		t.Errorf("status version went from %d to %d after two saves", g0.StatusVersion, g.StatusVersion)
	}
	got, err := db.Statuses(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["a"].Detail != "merge, ends 2024-08-20" || !got["a"].Since.Equal(day(10)) {
		t.Errorf("Statuses = %+v", got)
	}
	ts, err := db.Transitions(ctx, "", day(1), day(15))
	if err != nil || len(ts) != 1 || ts[0].DeliveryID != "d1" || ts[0].New != "in-fcp" {
		t.Errorf("Transitions in window = %+v, %v", ts, err)
	}
	ts, _ = db.Transitions(ctx, "g", day(1), day(31))
	if len(ts) != 2 || ts[1].New != "fcp-finished" {
		t.Errorf("all transitions = %+v", ts)
	}
}

// testManyStatusesAndLinks saves a goal of 150 links and 150 statuses and
// transitions, more than one multi-row statement holds (64 + 64 + 16 + 4 +
// 2 rows), with a subgoal changed twice in one save: every row arrives, the
// later change wins, and transitions keep their order.
func testManyStatusesAndLinks(t *testing.T, db *store.DB) {
	ctx := context.Background()
	const n = 150
	at := time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)
	var links []bot.Link
	var st []bot.SubgoalStatus
	var tr []bot.Transition
	for i := 0; i < n; i++ {
		sub := fmt.Sprintf("s%03d", i)
		links = append(links, bot.Link{Goal: "g", Subgoal: sub, Item: ref.New("rust-lang", "rust", 1000+i), Origin: bot.OriginDocument})
		st = append(st, bot.SubgoalStatus{Goal: "g", Subgoal: sub, Status: "not-started", Since: at})
		tr = append(tr, bot.Transition{Goal: "g", Subgoal: sub, Old: "", New: "not-started", At: at})
	}
	links = append(links, links[7]) // the same link twice is stored once
	// In the first statement's rows, so that one upsert would meet s007 twice.
	st = slices.Insert(st, 9, bot.SubgoalStatus{Goal: "g", Subgoal: "s007", Status: "in-fcp", Detail: "later", Since: at})
	if err := db.SaveGoal(ctx, bot.Goal{ID: "g", Title: "G", Source: "dir:x", Doc: &goaldoc.Document{}, UpdatedAt: at}, links); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveStatuses(ctx, "g", st, nil, tr); err != nil {
		t.Fatal(err)
	}
	gotLinks, err := db.Links(ctx, "g")
	if err != nil || len(gotLinks) != n {
		t.Fatalf("Links = %d links, %v; want %d", len(gotLinks), err, n)
	}
	got, err := db.Statuses(ctx, "g")
	if err != nil || len(got) != n {
		t.Fatalf("Statuses = %d, %v; want %d", len(got), err, n)
	}
	if got["s007"].Status != "in-fcp" || got["s007"].Detail != "later" || got["s149"].Status != "not-started" {
		t.Errorf("s007 = %+v, s149 = %+v", got["s007"], got["s149"])
	}
	ts, err := db.Transitions(ctx, "g", at, at.Add(time.Second))
	if err != nil || len(ts) != n {
		t.Fatalf("Transitions = %d, %v; want %d", len(ts), err, n)
	}
	for i, x := range ts {
		if want := fmt.Sprintf("s%03d", i); x.Subgoal != want {
			t.Fatalf("transition %d is of %s, want %s (order lost)", i, x.Subgoal, want)
		}
	}
}

func testStatusCommentLease(t *testing.T, db *store.DB) {
	ctx := context.Background()
	now := time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	sc, ok, err := db.LeaseStatusComment(ctx, "g", goal105, "w1", time.Minute)
	if err != nil || !ok || sc.CommentID != 0 || sc.Issue != goal105 {
		t.Fatalf("first lease = %+v, %v, %v", sc, ok, err)
	}
	if _, ok, _ := db.LeaseStatusComment(ctx, "g", goal105, "w2", time.Minute); ok {
		t.Fatal("second worker got a held lease")
	}
	if err := db.SaveStatusComment(ctx, bot.StatusComment{Goal: "g", Issue: goal105, CommentID: 1 << 33, BodyHash: "h"}, "w2"); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("save without the lease = %v, want ECONFLICT", err)
	}
	if err := db.SaveStatusComment(ctx, bot.StatusComment{Goal: "g", Issue: goal105, CommentID: 1 << 33, BodyHash: "h", RenderedVersion: 7}, "w1"); err != nil {
		t.Fatal(err)
	}
	sc, ok, _ = db.LeaseStatusComment(ctx, "g", goal105, "w2", time.Minute)
	if !ok || sc.CommentID != 1<<33 || sc.BodyHash != "h" || sc.RenderedVersion != 7 {
		t.Fatalf("lease after save = %+v, %v", sc, ok)
	}
	now = now.Add(2 * time.Minute) // w2 crashed; its lease expires
	if _, ok, _ := db.LeaseStatusComment(ctx, "g", goal105, "w3", time.Minute); !ok {
		t.Fatal("expired lease not taken over")
	}
	got, err := db.StatusComment(ctx, "g")
	if err != nil || got.CommentID != 1<<33 {
		t.Errorf("StatusComment = %+v, %v", got, err)
	}
}

func testStatusCommentLeaseRace(t *testing.T, db *store.DB) {
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, ok, err := db.LeaseStatusComment(ctx, "race", goal105, string(rune('a'+i)), time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				winners++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if winners != 1 {
		t.Errorf("%d workers hold the lease, want exactly 1", winners)
	}
}

func testClaimReplyOnce(t *testing.T, db *store.DB) {
	ctx := context.Background()
	ok, _, err := db.ClaimReply(ctx, 1<<32, "rev1")
	if err != nil || !ok {
		t.Fatalf("first claim = %v, %v", ok, err)
	}
	if err := db.SetReplyID(ctx, 1<<32, "rev1", 99); err != nil {
		t.Fatal(err)
	}
	ok, id, err := db.ClaimReply(ctx, 1<<32, "rev1")
	if err != nil || ok || id != 99 {
		t.Errorf("second claim = %v, %d, %v; want false, 99", ok, id, err)
	}
	if ok, _, _ := db.ClaimReply(ctx, 1<<32, "rev2"); !ok {
		t.Error("a new revision could not be claimed")
	}
}

func testSyncState(t *testing.T, db *store.DB) {
	ctx := context.Background()
	since, etag, err := db.SyncState(ctx, "rust-lang/rfcs")
	if err != nil || !since.IsZero() || etag != "" {
		t.Fatalf("unknown repo = %v, %q, %v", since, etag, err)
	}
	at := time.Date(2024, 8, 1, 12, 0, 0, 0, time.UTC)
	if err := db.SetSyncState(ctx, "rust-lang/rfcs", at, `"e1"`); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSyncState(ctx, "rust-lang/rfcs", at.Add(time.Hour), `"e2"`); err != nil {
		t.Fatal(err)
	}
	since, etag, _ = db.SyncState(ctx, "rust-lang/rfcs")
	if !since.Equal(at.Add(time.Hour)) || etag != `"e2"` {
		t.Errorf("SyncState = %v, %q", since, etag)
	}
	if ok, err := db.HasDelivery(ctx, "nope"); err != nil || ok {
		t.Errorf("HasDelivery(nope) = %v, %v", ok, err)
	}
}

func testDigestClaimOncePerWeek(t *testing.T, db *store.DB) {
	ctx := context.Background()
	now := time.Date(2024, 9, 2, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	var wg sync.WaitGroup
	var mu sync.Mutex
	claims := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, ok, err := db.ClaimDigest(ctx, "2024-W36", "rust-lang/goals", string(rune('a'+i)), time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				claims++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if claims != 1 {
		t.Fatalf("%d claims of one week, want 1", claims)
	}
	// A claim whose issue was never recorded is taken over once stale.
	now = now.Add(2 * time.Minute)
	if _, ok, _ := db.ClaimDigest(ctx, "2024-W36", "rust-lang/goals", "z", time.Minute); !ok {
		t.Error("stale claim not taken over")
	}
	if err := db.SetDigestIssue(ctx, "2024-W36", 812); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	d, ok, err := db.ClaimDigest(ctx, "2024-W36", "rust-lang/goals", "y", time.Minute)
	if err != nil || ok || d.Number != 812 {
		t.Errorf("claim after the issue exists = %+v, %v, %v; want not claimed, number 812", d, ok, err)
	}
	if err := db.SetDigestClosed(ctx, "2024-W36"); err != nil {
		t.Fatal(err)
	}
	all, _ := db.Digests(ctx)
	if len(all) != 1 || !all[0].Closed || all[0].Number != 812 {
		t.Errorf("Digests = %+v", all)
	}
}
