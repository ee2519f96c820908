package storetest

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/store"
)

// runDiscovery runs the cases for discovered items and untrack memory.
func runDiscovery(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, db *store.DB)
	}{
		{"DiscoveredAddAndReplace", testDiscoveredAddAndReplace},
		{"DiscoveredPlacements", testDiscoveredPlacements},
		{"UntrackIsRemembered", testUntrackIsRemembered},
		{"UntrackEveryGoal", testUntrackEveryGoal},
		{"UntrackRacesDiscovery", testUntrackRacesDiscovery},
		{"DiscoveryLinksSurviveSaveGoal", testDiscoveryLinks},
		{"TimelineCursor", testTimelineCursor},
		{"Followers", testFollowers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

var (
	rust123720 = ref.New("rust-lang", "rust", 123720)
	rust44874  = ref.New("rust-lang", "rust", 44874)
)

// discoveredKeys formats rows as "item source named subgoal rule auto".
func discoveredKeys(t *testing.T, db *store.DB, goal string) []string {
	t.Helper()
	ds, err := db.Discovered(context.Background(), goal)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, d := range ds {
		if d.Goal != goal || d.FoundAt.IsZero() {
			t.Errorf("row %+v: wrong goal or no time", d)
		}
		auto := ""
		if d.Auto {
			auto = " auto"
		}
		out = append(out, d.Item.String()+" "+d.Source+" ["+d.Named+"] "+d.Subgoal+" "+d.Rule+auto)
	}
	return out
}

func checkKeys(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n  %q\nwant\n  %q", what, got, want)
	}
}

func testDiscoveredAddAndReplace(t *testing.T, db *store.DB) {
	ctx := context.Background()
	g := "2024h2/async"
	if ok, err := db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceTimeline, Via: "rust-lang/rust#123720"}); err != nil || !ok {
		t.Fatalf("AddDiscovered = %v, %v", ok, err)
	}
	// A repeat with a name keeps one row and takes the name; one without
	// a name does not erase it.
	db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceTimeline, Named: "RTN implementation"})
	db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceTimeline})
	db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceBody})
	if err := db.ReplaceDiscovered(ctx, g, bot.SourceDocument, []bot.Discovered{{Item: rfc3654}, {Item: rust44874}}); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, "after adds", discoveredKeys(t, db, g), []string{
		"rust-lang/rfcs#3654 document []  ",
		"rust-lang/rust#123720 body []  ",
		"rust-lang/rust#123720 timeline [RTN implementation]  ",
		"rust-lang/rust#44874 document []  ",
	})
	// The document drops one reference: only its document row goes.
	if err := db.ReplaceDiscovered(ctx, g, bot.SourceDocument, []bot.Discovered{{Item: rust44874}}); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, "after replace", discoveredKeys(t, db, g), []string{
		"rust-lang/rust#123720 body []  ",
		"rust-lang/rust#123720 timeline [RTN implementation]  ",
		"rust-lang/rust#44874 document []  ",
	})
	goals, err := db.DiscoveredGoals(ctx, rust123720)
	if err != nil || !reflect.DeepEqual(goals, []string{g}) {
		t.Errorf("DiscoveredGoals = %v, %v", goals, err)
	}
	if other, _ := db.Discovered(ctx, "2025h1/other"); len(other) != 0 {
		t.Errorf("another goal sees %v", other)
	}
}

func testDiscoveredPlacements(t *testing.T, db *store.DB) {
	ctx := context.Background()
	g := "2024h2/async"
	db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceTimeline})
	db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceBody, Named: "RTN implementation"})
	db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rfc3654, Source: bot.SourceDocument})
	ps := []store.DiscoveredPlacement{{Item: rust123720, Subgoal: "send-bound/rtn-implementation", Rule: "named", Auto: true}}
	changed, err := db.SetPlacements(ctx, g, ps)
	if err != nil || !changed {
		t.Fatalf("SetPlacements = %v, %v; want changed", changed, err)
	}
	checkKeys(t, "placed", discoveredKeys(t, db, g), []string{
		"rust-lang/rfcs#3654 document []  ",
		"rust-lang/rust#123720 body [RTN implementation] send-bound/rtn-implementation named auto",
		"rust-lang/rust#123720 timeline [] send-bound/rtn-implementation named auto",
	})
	if changed, err := db.SetPlacements(ctx, g, ps); err != nil || changed {
		t.Errorf("same placements again = %v, %v; want unchanged", changed, err)
	}
	// Placing nothing makes every item related, not placed.
	if changed, err := db.SetPlacements(ctx, g, nil); err != nil || !changed {
		t.Errorf("clearing placements = %v, %v; want changed", changed, err)
	}
	for _, d := range mustDiscovered(t, db, g) {
		if d.Subgoal != "" || d.Auto {
			t.Errorf("after clearing: %+v", d)
		}
	}
}

func mustDiscovered(t *testing.T, db *store.DB, g string) []bot.Discovered {
	t.Helper()
	ds, err := db.Discovered(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func testUntrackIsRemembered(t *testing.T, db *store.DB) {
	ctx := context.Background()
	g := "2024h2/async"
	db.Now = func() time.Time { return time.Date(2024, 8, 1, 12, 0, 0, 0, time.UTC) }
	db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceTimeline})
	db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceBody})
	goals, err := db.Untrack(ctx, g, rust123720, "tmandry")
	if err != nil || !reflect.DeepEqual(goals, []string{g}) {
		t.Fatalf("Untrack = %v, %v", goals, err)
	}
	if ds := mustDiscovered(t, db, g); len(ds) != 0 {
		t.Errorf("after untrack: %+v", ds)
	}
	// A resync finds it again, by every path: it stays out.
	if ok, err := db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceTimeline}); err != nil || ok {
		t.Errorf("AddDiscovered after untrack = %v, %v; want not stored", ok, err)
	}
	if err := db.ReplaceDiscovered(ctx, g, bot.SourceDocument, []bot.Discovered{{Item: rust123720}, {Item: rfc3654}}); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, "after resync", discoveredKeys(t, db, g), []string{"rust-lang/rfcs#3654 document []  "})
	un, err := db.UntrackedItems(ctx, g)
	if err != nil || len(un) != 1 || un[0].Item != rust123720 || un[0].By != "tmandry" || !un[0].At.Equal(db.Now()) {
		t.Errorf("UntrackedItems = %+v, %v", un, err)
	}
	// Untracking twice is fine; another goal is not affected.
	if _, err := db.Untrack(ctx, g, rust123720, "x"); err != nil {
		t.Errorf("second untrack: %v", err)
	}
	if ok, _ := db.AddDiscovered(ctx, bot.Discovered{Goal: "2025h1/async", Item: rust123720, Source: bot.SourceTimeline}); !ok {
		t.Error("untrack from one goal kept the item out of another")
	}
	// /goal track again lifts the memory.
	if ok, err := db.Retrack(ctx, g, rust123720); err != nil || !ok {
		t.Errorf("Retrack = %v, %v", ok, err)
	}
	if ok, _ := db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceTimeline}); !ok {
		t.Error("retracked item still kept out")
	}
	if ok, _ := db.Retrack(ctx, g, rust123720); ok {
		t.Error("Retrack of nothing reported true")
	}
}

func testUntrackEveryGoal(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for _, g := range []string{"2025h1/b", "2024h2/a"} {
		db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rfc3654, Source: bot.SourceDocument})
	}
	db.AddDiscovered(ctx, bot.Discovered{Goal: "2026/c", Item: mcp727, Source: bot.SourceDocument})
	goals, err := db.Untrack(ctx, "", rfc3654, "nikomatsakis")
	if err != nil || !reflect.DeepEqual(goals, []string{"2024h2/a", "2025h1/b"}) {
		t.Fatalf("Untrack from every goal = %v, %v", goals, err)
	}
	if gs, _ := db.DiscoveredGoals(ctx, rfc3654); len(gs) != 0 {
		t.Errorf("still discovered for %v", gs)
	}
	if len(mustDiscovered(t, db, "2026/c")) != 1 {
		t.Error("an unrelated item went too")
	}
}

// testUntrackRacesDiscovery runs untrack and rediscovery of one item
// concurrently: whatever the interleaving, the item is not listed after.
func testUntrackRacesDiscovery(t *testing.T, db *store.DB) {
	ctx := context.Background()
	g := "2024h2/async"
	db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceBody})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 10; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceTimeline})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := db.Untrack(ctx, g, rust123720, "tmandry")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && db.Dialect() == store.Postgres {
			t.Errorf("concurrent untrack/discover: %v", err)
		}
	}
	if ds := mustDiscovered(t, db, g); len(ds) != 0 {
		t.Errorf("untracked item listed after the race: %+v", ds)
	}
}

// testDiscoveryLinks checks that discovery's links are replaced as a set,
// report whether they changed, and survive a reload of the goal document
// (SaveGoal replaces document and config links only).
func testDiscoveryLinks(t *testing.T, db *store.DB) {
	ctx := context.Background()
	g := bot.Goal{ID: "2024h2/async", Title: "Async", Source: "dir:x", Doc: &goaldoc.Document{}}
	doc := bot.Link{Goal: g.ID, Subgoal: "send-bound", Item: rfc3654, Origin: bot.OriginDocument}
	if err := db.SaveGoal(ctx, g, []bot.Link{doc}); err != nil {
		t.Fatal(err)
	}
	auto := []bot.Link{{Goal: g.ID, Subgoal: "send-bound/rtn-implementation", Item: rust123720}}
	steps := []struct {
		name  string
		links []bot.Link
		want  bool
	}{
		{"first placement", auto, true},
		{"same again", auto, false},
		{"moved", []bot.Link{{Goal: g.ID, Subgoal: "send-bound/stabilization", Item: rust123720}}, true},
		{"none", nil, true},
		{"back", auto, true},
	}
	for _, s := range steps {
		if changed, err := db.ReplaceDiscoveryLinks(ctx, g.ID, s.links); err != nil || changed != s.want {
			t.Errorf("%s: ReplaceDiscoveryLinks = %v, %v; want %v", s.name, changed, err, s.want)
		}
	}
	if err := db.SaveGoal(ctx, g, []bot.Link{doc}); err != nil {
		t.Fatal(err)
	}
	links, err := db.Links(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range links {
		got = append(got, l.Subgoal+" "+l.Item.String()+" "+l.Origin)
	}
	checkKeys(t, "links after SaveGoal", got, []string{
		"send-bound rust-lang/rfcs#3654 document",
		"send-bound/rtn-implementation rust-lang/rust#123720 discovery",
	})
}

func testTimelineCursor(t *testing.T, db *store.DB) {
	ctx := context.Background()
	if cur, err := db.TimelineCursor(ctx, "g"); err != nil || cur != "" {
		t.Fatalf("cursor before any read = %q, %v; want empty", cur, err)
	}
	for _, want := range []string{"1:30:\"abc\"", "2:5:\"def\""} {
		if err := db.SetTimelineCursor(ctx, "g", want); err != nil {
			t.Fatal(err)
		}
		if cur, err := db.TimelineCursor(ctx, "g"); err != nil || cur != want {
			t.Errorf("cursor = %q, %v; want %q", cur, err, want)
		}
	}
	if cur, _ := db.TimelineCursor(ctx, "other"); cur != "" {
		t.Errorf("another goal's cursor = %q, want empty", cur)
	}
}

// testFollowers: Followers returns every link to an item, across goals,
// ordered by goal, subgoal and origin, and the goals discovery found it
// for, untracked goals left out; LinksToItem and DiscoveredGoals are its
// halves.
func testFollowers(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for _, g := range []string{"2025h1/async", "2024h2/async"} {
		if _, err := db.AddLink(ctx, bot.Link{Goal: g, Subgoal: "rtn", Item: rust123720, Origin: bot.OriginCommand, By: "tmandry"}); err != nil {
			t.Fatal(err)
		}
	}
	db.AddLink(ctx, bot.Link{Goal: "2024h2/async", Subgoal: "impl", Item: rust123720, Origin: bot.OriginDocument})
	db.AddLink(ctx, bot.Link{Goal: "2024h2/async", Subgoal: "impl", Item: rust44874, Origin: bot.OriginDocument})
	for _, g := range []string{"2025h2/async", "2024h2/async", "2026/async"} {
		db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceTimeline})
		db.AddDiscovered(ctx, bot.Discovered{Goal: g, Item: rust123720, Source: bot.SourceBody})
	}
	if _, err := db.Untrack(ctx, "2026/async", rust123720, "tmandry"); err != nil {
		t.Fatal(err)
	}
	links, found, err := db.Followers(ctx, rust123720)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, l := range links {
		if l.Item != rust123720 || l.At.IsZero() {
			t.Errorf("link %+v: wrong item or no time", l)
		}
		keys = append(keys, l.Goal+" "+l.Subgoal+" "+l.Origin+" "+l.By)
	}
	want := []string{"2024h2/async impl document ", "2024h2/async rtn command tmandry", "2025h1/async rtn command tmandry"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("Followers links = %q\nwant %q", keys, want)
	}
	if !reflect.DeepEqual(found, []string{"2024h2/async", "2025h2/async"}) {
		t.Errorf("Followers discovered = %v, want [2024h2/async 2025h2/async]", found)
	}
	if l, _ := db.LinksToItem(ctx, rust123720); !reflect.DeepEqual(l, links) {
		t.Errorf("LinksToItem = %+v, want Followers' links", l)
	}
	if f, _ := db.DiscoveredGoals(ctx, rust123720); !reflect.DeepEqual(f, found) {
		t.Errorf("DiscoveredGoals = %v, want Followers' goals", f)
	}
	if links, found, err := db.Followers(ctx, rfc3654); err != nil || links != nil || found != nil {
		t.Errorf("Followers of an item nobody follows = %v, %v, %v", links, found, err)
	}
	// Several items at once: each item's as Followers gives them.
	many, manyFound, err := db.FollowersOf(ctx, []ref.Ref{rfc3654, rust44874, rust123720})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []ref.Ref{rfc3654, rust44874, rust123720} {
		l, f, _ := db.Followers(ctx, r)
		if !reflect.DeepEqual(many[r], l) || !reflect.DeepEqual(manyFound[r], f) {
			t.Errorf("FollowersOf, item %s: %+v, %v; want %+v, %v", r, many[r], manyFound[r], l, f)
		}
	}
	if len(many) != 2 || len(many[rust44874]) != 1 {
		t.Errorf("FollowersOf links for %d items (%d of %s), want 2 items, 1 link", len(many), len(many[rust44874]), rust44874)
	}
}
