package tracker

import (
	"context"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/config"
	"github.com/rs/zerolog"
)

// itemStore is a Store holding some items and no links; it counts the
// write transactions UpdateItem would open.
type itemStore struct {
	Store   // only the methods below are called
	items   map[ref.Ref]bot.Item
	updates int
}

func (s *itemStore) FollowersOf(context.Context, []ref.Ref) (map[ref.Ref][]bot.Link, map[ref.Ref][]string, error) {
	return nil, nil, nil
}

func (s *itemStore) ItemsOf(_ context.Context, refs []ref.Ref) (map[ref.Ref]bot.Item, error) {
	out := map[ref.Ref]bot.Item{}
	for _, r := range refs {
		if it, ok := s.items[r]; ok {
			out[r] = it
		}
	}
	return out, nil
}

func (s *itemStore) Item(_ context.Context, r ref.Ref) (bot.Item, error) {
	it, ok := s.items[r]
	if !ok {
		return it, bot.Errorf(bot.ENOTFOUND, "item %s is not known", r)
	}
	return it, nil
}

func (s *itemStore) UpdateItem(_ context.Context, r ref.Ref, fn func(*bot.Item, bool) (bool, error)) (bool, error) {
	s.updates++
	it, exists := s.items[r]
	if !exists {
		it = bot.Item{Ref: r}
	}
	save, err := fn(&it, exists)
	if save && err == nil {
		s.items[r] = it
	}
	return save, err
}

// UpdateItems is one write transaction of UpdateItem's.
func (s *itemStore) UpdateItems(_ context.Context, refs []ref.Ref, fn func(int, *bot.Item, bool) (bool, error)) ([]bool, error) {
	s.updates++
	saved := make([]bool, len(refs))
	for i, r := range refs {
		it, exists := s.items[r]
		if !exists {
			it = bot.Item{Ref: r}
		}
		save, err := fn(i, &it, exists)
		if err != nil {
			return nil, err
		}
		if saved[i] = save; save {
			s.items[r] = it
		}
	}
	return saved, nil
}

// TestUpdateUnfollowedItem: a change to an item no goal links opens a
// write transaction only when the item is stored already (it is kept
// current) or when [fcp] track_all may store it; otherwise a read ends it.
func TestUpdateUnfollowedItem(t *testing.T) {
	known, unknown := ref.New("rust-lang", "rust", 1), ref.New("rust-lang", "rust", 2)
	tests := []struct {
		name     string
		item     ref.Ref
		trackAll bool
		updates  int
		title    string // the stored title after the change; "" when not stored
	}{
		{"unknown", unknown, false, 0, ""},
		{"stored", known, false, 1, "new"},
		{"unknown with track_all", unknown, true, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &itemStore{items: map[ref.Ref]bot.Item{known: {Ref: known, Kind: "issue", Title: "old"}}}
			cfg := &config.Config{}
			cfg.FCP.TrackAll = tt.trackAll
			tr := &Tracker{store: s, cfg: cfg, log: zerolog.Nop()}
			err := tr.updateItem(context.Background(), tt.item, cause{}, func(it *bot.Item) error {
				it.Title = "new"
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if s.updates != tt.updates {
				t.Errorf("%d write transactions, want %d", s.updates, tt.updates)
			}
			if got := s.items[tt.item].Title; got != tt.title {
				t.Errorf("stored title %q, want %q", got, tt.title)
			}
		})
	}
}
