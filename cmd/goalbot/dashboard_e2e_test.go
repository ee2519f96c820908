package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// fetch GETs a URL and returns its status and body.
func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// TestListeners: by default the webhook, the dashboard and /metrics share
// one listener; [http] dashboard_listen and metrics_listen move the
// dashboard and /metrics to listeners of their own, and off the main one.
func TestListeners(t *testing.T) {
	for _, tt := range []struct {
		name     string
		separate bool
	}{{"one listener", false}, {"separate listeners", true}} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, demoOptions{Level: "warn", App: AppOptions{DashboardRefresh: -1}, Configure: func(cfg *config.Config, _ *sandbox.Server) {
				if tt.separate {
					cfg.HTTP.DashboardListen, cfg.HTTP.MetricsListen = "127.0.0.1:0", "127.0.0.1:0"
				}
			}})
			if err := e.App.Tracker.LoadGoals(context.Background()); err != nil {
				t.Fatal(err)
			}
			main, dash, metrics := e.App.URL(), e.App.DashboardURL(), e.App.MetricsURL()
			if (main == dash) == tt.separate || (metrics == main+"/metrics") == tt.separate {
				t.Fatalf("main %s, dashboard %s, metrics %s", main, dash, metrics)
			}
			if code, body := fetch(t, dash+"/api/v1/goals"); code != 200 || !strings.Contains(body, `"id": "async-parity-2024h2"`) {
				t.Errorf("dashboard API: %d %s", code, body)
			}
			if code, body := fetch(t, dash+"/"); code != 200 || !strings.Contains(body, "Bringing the Async Rust experience closer to parity with sync Rust") {
				t.Errorf("dashboard page: %d", code)
			}
			if code, body := fetch(t, metrics); code != 200 || !strings.Contains(body, "# TYPE") {
				t.Errorf("metrics: %d", code)
			}
			if code, _ := fetch(t, main+"/healthz"); code != 200 {
				t.Errorf("healthz on the main listener: %d", code)
			}
			res, err := http.Post(main+"/webhook", "application/json", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("unsigned webhook on the main listener: %d, want 401", res.StatusCode)
			}
			if tt.separate {
				if code, _ := fetch(t, main+"/metrics"); code != 404 {
					t.Errorf("/metrics still on the main listener: %d", code)
				}
				if code, _ := fetch(t, main+"/api/v1/goals"); code != 404 {
					t.Errorf("dashboard still on the main listener: %d", code)
				}
				if code, _ := fetch(t, dash+"/webhook"); code == http.StatusUnauthorized {
					t.Error("the dashboard listener answers webhooks")
				}
			}
		})
	}
}
