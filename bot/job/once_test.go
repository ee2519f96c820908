package job

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"
)

// memStore is a Deliveries of fixed deliveries that records outcomes.
type memStore struct {
	ds       map[string]bot.Delivery
	outcomes map[string]string
}

func (s *memStore) Delivery(_ context.Context, id string) (bot.Delivery, error) {
	d, ok := s.ds[id]
	if !ok {
		return d, bot.Errorf(bot.ENOTFOUND, "no delivery %s", id)
	}
	return d, nil
}

func (s *memStore) FinishDelivery(_ context.Context, id, outcome, _ string) error {
	s.outcomes[id] = outcome
	return nil
}

// TestOnceIsPerDelivery: the handlers of one delivery share what Once
// computed (an error too); the next delivery's job computes it again; and
// outside a job Once computes at every call.
func TestOnceIsPerDelivery(t *testing.T) {
	store := &memStore{ds: map[string]bot.Delivery{
		"a": {ID: "a", Event: "issues", Payload: []byte("A")},
		"b": {ID: "b", Event: "issues", Payload: []byte("B")},
	}, outcomes: map[string]string{}}
	d := NewDispatcher(store, zerolog.Nop(), nil)
	computed := 0
	var seen []string
	boom := errors.New("decode failed")
	handler := func(ctx context.Context, del bot.Delivery) error {
		v, err := Once(ctx, "event", func() (any, error) {
			computed++
			if del.ID == "b" {
				return nil, boom
			}
			return string(del.Payload), nil
		})
		if err != nil {
			seen = append(seen, "error")
			return nil
		}
		seen = append(seen, v.(string))
		return nil
	}
	d.Handle(HandlerFunc(handler), "issues")
	d.Handle(HandlerFunc(handler), "issues")
	d.Handle(HandlerFunc(handler), "issues")
	w := d.Worker()
	for _, id := range []string{"a", "b"} {
		job := &river.Job[bot.ProcessDelivery]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 5, Kind: "process_delivery"},
			Args: bot.ProcessDelivery{DeliveryID: id}}
		if err := w.Work(context.Background(), job); err != nil {
			t.Fatalf("delivery %s: %v", id, err)
		}
	}
	if computed != 2 {
		t.Errorf("computed %d times for two deliveries of three handlers each, want 2", computed)
	}
	if want := []string{"A", "A", "A", "error", "error", "error"}; !slices.Equal(seen, want) {
		t.Errorf("handlers saw %q, want %q", seen, want)
	}
	computed = 0
	for range 2 {
		Once(context.Background(), "event", func() (any, error) { computed++; return nil, nil })
	}
	if computed != 2 {
		t.Errorf("outside a job: computed %d times in two calls, want 2", computed)
	}
}
