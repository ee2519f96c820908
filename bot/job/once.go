package job

import (
	"context"
	"sync"
)

// A delivery's handlers often need the same thing of it — its payload
// decoded, above all (three handlers of an issue_comment each decoded it,
// a third of a job's time on an untracked item). Once computes such a
// thing once per job run.

// memo holds what the handlers of one delivery share.
type memo struct {
	mu   sync.Mutex
	vals map[string]memoValue
}

type memoValue struct {
	v   any
	err error
}

type memoKey struct{}

// withMemo returns ctx with an empty memo for one job run.
func withMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &memo{vals: map[string]memoValue{}})
}

// Once returns what fn computes for key: once per delivery when ctx is a
// delivery job's, shared by its handlers (which must only read it), and at
// every call otherwise. An error is remembered like a value.
func Once(ctx context.Context, key string, fn func() (any, error)) (any, error) {
	m, _ := ctx.Value(memoKey{}).(*memo)
	if m == nil {
		return fn()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.vals[key]; ok {
		return v.v, v.err
	}
	v, err := fn()
	m.vals[key] = memoValue{v, err}
	return v, err
}
