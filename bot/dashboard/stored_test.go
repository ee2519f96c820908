package dashboard

// This file is the tests' only knowledge of how the store hands goals and
// item state over (JSON today). When bot.Goal.Doc and bot.Item.FCP/MCP
// become typed, storedGoal and storedItem set the values directly and
// TestStoredJSON goes.

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/goaldoc"
)

// storedGoal is a goal as the store returns it.
func storedGoal(id, title string, doc goaldoc.Document) bot.Goal {
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return bot.Goal{ID: id, Title: title, Doc: b}
}

// storedItem is an item as the store returns it; zero phases are stored
// as absent state.
func storedItem(v Item) bot.Item {
	it := bot.Item{Ref: v.Ref, Kind: v.Kind, Title: v.Title, State: v.State, IsPull: v.IsPull, Labels: v.Labels,
		Author: v.Author, UpdatedAt: v.UpdatedAt, Gone: v.Gone}
	if v.FCP.Phase != "" {
		it.FCP, _ = json.Marshal(v.FCP)
	}
	if v.MCP.Phase != "" {
		it.MCP, _ = json.Marshal(v.MCP)
	}
	return it
}

// TestStoredJSON: a stored row that does not decode is shown without its
// FCP state rather than dropped, and a goal whose document does not
// decode fails the snapshot with the goal's id.
func TestStoredJSON(t *testing.T) {
	store := &fakeStore{
		goals: []bot.Goal{storedGoal("g", "T", goaldoc.Document{Title: "T"})},
		items: []bot.Item{{Ref: rfc3657, Kind: bot.KindRFC, Title: "bad row", FCP: json.RawMessage(`{"phase": 7}`)}},
	}
	s, err := StoreSource{Store: store}.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Items) != 1 || s.Items[0].Title != "bad row" || s.Items[0].FCP.Phase != "" {
		t.Errorf("bad row = %+v", s.Items)
	}
	if _, err := decodeItem(bot.Item{Ref: mcp727, MCP: json.RawMessage(`[`)}); err == nil || !strings.Contains(err.Error(), "item rust-lang/compiler-team#727: stored MCP state") {
		t.Errorf("bad MCP: %v", err)
	}
	store.goals[0].Doc = json.RawMessage(`{`)
	if _, err := (StoreSource{Store: store}).Snapshot(context.Background()); err == nil || !strings.Contains(err.Error(), "goal g: stored document") {
		t.Errorf("bad document: err = %v", err)
	}
}
