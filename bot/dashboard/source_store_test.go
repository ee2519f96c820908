package dashboard

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
)

// fakeStore is a Store of fixed values; err fails the method named by failOn.
type fakeStore struct {
	goals  []bot.Goal
	items  []bot.Item
	trans  []bot.Transition
	failOn string
	from   time.Time
}

func (f *fakeStore) fail(name string) error {
	if f.failOn == name {
		return errors.New(name + " failed")
	}
	return nil
}

func (f *fakeStore) Goals(context.Context) ([]bot.Goal, error) { return f.goals, f.fail("goals") }
func (f *fakeStore) Links(_ context.Context, goal string) ([]bot.Link, error) {
	return []bot.Link{{Goal: goal, Subgoal: "s", Item: rfc3654}}, f.fail("links")
}
func (f *fakeStore) Statuses(_ context.Context, goal string) (map[string]bot.SubgoalStatus, error) {
	return map[string]bot.SubgoalStatus{"s": {Goal: goal, Subgoal: "s", Status: "in-fcp"}}, f.fail("statuses")
}
func (f *fakeStore) Items(context.Context) ([]bot.Item, error) { return f.items, f.fail("items") }
func (f *fakeStore) Transitions(_ context.Context, _ string, from, _ time.Time) ([]bot.Transition, error) {
	f.from = from
	return f.trans, f.fail("transitions")
}

func TestStoreSource(t *testing.T) {
	store := &fakeStore{
		goals: []bot.Goal{storedGoal("g", "T", goaldoc.Document{Title: "T", Subgoals: []goaldoc.Subgoal{{ID: "s", Title: "S"}}})},
		items: []bot.Item{
			storedItem(Item{Ref: rfc3654, Kind: bot.KindRFC, Title: "good", FCP: fcp.State{Phase: fcp.PhaseActive, Disposition: fcp.Merge, End: day(10)}}),
			storedItem(Item{Ref: mcp727, Kind: bot.KindMCP, Title: "no state"}),
		},
		trans: []bot.Transition{{Goal: "g", Subgoal: "s", New: "in-fcp", At: day(1)}},
	}
	src := StoreSource{Store: store, Now: func() time.Time { return day(3) }}
	s, err := src.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !s.Now.Equal(day(3)) || len(s.Goals) != 1 || s.Goals[0].Doc.Title != "T" || len(s.Goals[0].Links) != 1 || s.Goals[0].Statuses["s"].Status != "in-fcp" || len(s.Transitions) != 1 {
		t.Errorf("snapshot = %+v", s)
	}
	if !store.from.Before(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("transitions read from %v: the history would miss older ones", store.from)
	}
	if len(s.Items) != 2 || s.Items[0].FCP.Phase != fcp.PhaseActive || !s.Items[0].FCP.End.Equal(day(10)) {
		t.Fatalf("items = %+v", s.Items)
	}
	if s.Items[1].FCP.Phase != fcp.PhaseNone || s.Items[1].MCP.Phase != fcp.MCPNone {
		t.Errorf("item without state = %+v", s.Items[1])
	}

	for _, name := range []string{"goals", "links", "statuses", "items", "transitions"} {
		store.failOn = name
		if _, err := src.Snapshot(context.Background()); err == nil || !strings.Contains(err.Error(), name+" failed") {
			t.Errorf("%s failing: err = %v", name, err)
		}
	}
}

func TestItemOf(t *testing.T) {
	v := itemOf(storedItem(Item{Ref: mcp727, MCP: fcp.MCP{Phase: fcp.MCPSeconded, SecondedBy: "wesleywiser"}}))
	if v.MCP.Phase != fcp.MCPSeconded || v.MCP.SecondedBy != "wesleywiser" || v.FCP.Phase != fcp.PhaseNone {
		t.Errorf("itemOf = %+v", v)
	}
}
