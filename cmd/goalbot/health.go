package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// LoadGoals loads the configured goal documents, logs what failed and
// remembers it for /readyz, which stays 503 while no goal is loaded.
func (a *App) LoadGoals(ctx context.Context) {
	err := a.Tracker.LoadGoals(ctx)
	a.goalsErr.set(err)
	if err != nil {
		a.Log.Error().Err(err).Msg("could not load goals; will retry on the next push or sync")
	}
}

// goalsLoaded is the "goals" readiness probe: at least one goal in the
// store, else the reason the last load gave.
func (a *App) goalsLoaded(ctx context.Context) error {
	goals, err := a.DB.Goals(ctx)
	if err != nil {
		return fmt.Errorf("read goals: %w", err)
	}
	if len(goals) > 0 {
		return nil
	}
	if err := a.goalsErr.get(); err != nil {
		return fmt.Errorf("no goal is loaded: %w", err)
	}
	return errors.New("no goal is loaded yet: check the [[goals]] sources")
}

// atomicError holds an error shared between goroutines.
type atomicError struct {
	mu  sync.Mutex
	err error
}

func (e *atomicError) set(err error) { e.mu.Lock(); e.err = err; e.mu.Unlock() }
func (e *atomicError) get() error    { e.mu.Lock(); defer e.mu.Unlock(); return e.err }

// buildLabels returns the version, VCS revision and Go version of this
// binary, for goalbot_build_info.
func buildLabels() (version, revision, goVersion string) {
	version, revision = "(devel)", "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	return version, revision, runtime.Version()
}
