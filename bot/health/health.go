// Package health keeps what goalbot's readiness depends on beyond the
// process being alive: parts report their state as they learn it (GitHub
// authentication from every response, goal loading from every load) and
// probes are asked at each check (the store). /readyz answers 503 with the
// first problem while any is known.
package health

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Registry collects reported states and probes. The zero value is not
// usable; call New. It is safe for concurrent use.
type Registry struct {
	mu       sync.Mutex
	order    []string         // components and probes, in registration order
	reported map[string]error // component → last reported problem (nil: fine)
	probes   map[string]func(context.Context) error
}

// New returns an empty registry: ready until something says otherwise.
func New() *Registry {
	return &Registry{reported: map[string]error{}, probes: map[string]func(context.Context) error{}}
}

// Report records the state of a component: err nil when it works, else
// what is wrong. The last report wins.
func (r *Registry) Report(component string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.reported[component]; !ok {
		if _, probed := r.probes[component]; !probed {
			r.order = append(r.order, component)
		}
	}
	r.reported[component] = err
}

// Probe registers a check run at every Ready call, after reported states
// of the same name (a component may have both).
func (r *Registry) Probe(component string, fn func(context.Context) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.reported[component]; !ok {
		if _, probed := r.probes[component]; !probed {
			r.order = append(r.order, component)
		}
	}
	r.probes[component] = fn
}

// Ready returns nil when every component is fine, else one line naming
// each failing component and its problem ("github: …; goals: …").
func (r *Registry) Ready(ctx context.Context) error {
	r.mu.Lock()
	order := append([]string(nil), r.order...)
	reported := make(map[string]error, len(r.reported))
	for k, v := range r.reported {
		reported[k] = v
	}
	probes := make(map[string]func(context.Context) error, len(r.probes))
	for k, v := range r.probes {
		probes[k] = v
	}
	r.mu.Unlock()

	var problems []string
	for _, c := range order {
		err := reported[c]
		if p := probes[c]; p != nil && err == nil {
			err = p(ctx)
		}
		if err != nil {
			problems = append(problems, c+": "+oneLine(err.Error()))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(problems, "; "))
}

// oneLine folds a multi-line message (errors.Join) onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// GitHubWatcher turns what GitHub's responses say (gh.Watcher) into the
// "github" component's state and a rate-limit callback (a gauge).
type GitHubWatcher struct {
	Registry    *Registry
	OnRateLimit func(resource string, remaining int) // may be nil
}

// Auth reports the credentials' state as the "github" component.
func (w GitHubWatcher) Auth(err error) {
	if err != nil {
		err = fmt.Errorf("authentication failed: %w", err)
	}
	w.Registry.Report("github", err)
}

// RateLimit passes the remaining count on.
func (w GitHubWatcher) RateLimit(resource string, remaining int) {
	if w.OnRateLimit != nil {
		w.OnRateLimit(resource, remaining)
	}
}
