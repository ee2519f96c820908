package health

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	r := New()
	ctx := context.Background()
	if err := r.Ready(ctx); err != nil {
		t.Fatalf("empty registry: %v", err)
	}
	storeErr := errors.New("schema version 3, want 6:\nrun goalbot migrate")
	var storeDown bool
	r.Probe("store", func(context.Context) error {
		if storeDown {
			return storeErr
		}
		return nil
	})
	w := GitHubWatcher{Registry: r}
	w.Auth(errors.New("GitHub answered 401"))
	err := r.Ready(ctx)
	if err == nil || err.Error() != "github: authentication failed: GitHub answered 401" {
		t.Fatalf("Ready = %v", err)
	}
	storeDown = true
	err = r.Ready(ctx)
	if err == nil || err.Error() != "store: schema version 3, want 6: run goalbot migrate; github: authentication failed: GitHub answered 401" {
		t.Fatalf("Ready = %q, want both problems on one line in registration order", err)
	}
	storeDown = false
	w.Auth(nil)
	if err := r.Ready(ctx); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
	var got []string
	GitHubWatcher{Registry: r, OnRateLimit: func(res string, n int) { got = append(got, res) }}.RateLimit("core", 4999)
	if strings.Join(got, ",") != "core" {
		t.Errorf("rate limit not passed on: %v", got)
	}
}
