package bench

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestSteadyKeepsSendersApart checks that each sender's latencies make its
// own percentiles and that every sender gets every index once.
func TestSteadyKeepsSendersApart(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]map[int]bool{0: {}, 1: {}}
	sender := func(k int, base time.Duration) Sender {
		return func(ctx context.Context, i int) (time.Duration, error) {
			mu.Lock()
			seen[k][i] = true
			mu.Unlock()
			return base + time.Duration(i)*time.Millisecond, nil
		}
	}
	const n = 20
	p50, p99, err := Steady(t.Context(), n, 100, sender(0, 0), sender(1, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(p50) != 2 || len(p99) != 2 {
		t.Fatalf("got %d p50s and %d p99s, want 2 each", len(p50), len(p99))
	}
	if p50[0] != 10*time.Millisecond || p99[0] != 19*time.Millisecond {
		t.Errorf("first sender p50 %v p99 %v, want 10ms 19ms", p50[0], p99[0])
	}
	if p50[1] != time.Second+10*time.Millisecond || p99[1] != time.Second+19*time.Millisecond {
		t.Errorf("second sender p50 %v p99 %v, want 1.01s 1.019s", p50[1], p99[1])
	}
	for k := range seen {
		if len(seen[k]) != n {
			t.Errorf("sender %d got %d distinct indexes, want %d", k, len(seen[k]), n)
		}
	}
}

func TestSteadyReportsErrors(t *testing.T) {
	boom := errors.New("answered 503")
	ok := func(ctx context.Context, i int) (time.Duration, error) { return time.Millisecond, nil }
	bad := func(ctx context.Context, i int) (time.Duration, error) {
		if i == 3 {
			return 0, boom
		}
		return time.Millisecond, nil
	}
	if _, _, err := Steady(t.Context(), 5, 200, ok, bad); !errors.Is(err, boom) {
		t.Errorf("err %v, want %v", err, boom)
	}
}
