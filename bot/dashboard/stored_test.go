package dashboard

// This file is the tests' only knowledge of how the store hands goals and
// item state over: typed values (bot.Goal.Doc, bot.Item.FCP/MCP).

import (
	"context"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/goaldoc"
)

// storedGoal is a goal as the store returns it.
func storedGoal(id, title string, doc goaldoc.Document) bot.Goal {
	return bot.Goal{ID: id, Title: title, Doc: &doc}
}

// storedItem is an item as the store returns it.
func storedItem(v Item) bot.Item {
	return bot.Item{Ref: v.Ref, Kind: v.Kind, Title: v.Title, State: v.State, IsPull: v.IsPull, Labels: v.Labels,
		Author: v.Author, UpdatedAt: v.UpdatedAt, Gone: v.Gone, FCP: v.FCP, MCP: v.MCP}
}

// TestStoredValues: an item whose state was never built shows the none
// phases, and a goal without a document fails the snapshot with the
// goal's id.
func TestStoredValues(t *testing.T) {
	store := &fakeStore{
		goals: []bot.Goal{storedGoal("g", "T", goaldoc.Document{Title: "T"})},
		items: []bot.Item{{Ref: rfc3657, Kind: bot.KindRFC, Title: "never read"}},
	}
	s, err := StoreSource{Store: store}.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Items) != 1 || s.Items[0].Title != "never read" || s.Items[0].FCP.Phase != "none" || s.Items[0].MCP.Phase != "none" {
		t.Errorf("unbuilt state = %+v", s.Items)
	}
	store.goals[0].Doc = nil
	if _, err := (StoreSource{Store: store}).Snapshot(context.Background()); err == nil || !strings.Contains(err.Error(), "goal g: no stored document") {
		t.Errorf("no document: err = %v", err)
	}
}
