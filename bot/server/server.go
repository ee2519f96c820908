// Package server assembles goalbot's HTTP endpoints: the webhook receiver,
// health and readiness probes, Prometheus metrics and the dashboard.
package server

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
)

// Config holds the parts the server exposes.
type Config struct {
	Webhook   http.Handler                    // POST /webhook
	Ready     func(ctx context.Context) error // nil error when the store is usable
	Registry  *prometheus.Registry            // served on /metrics; nil when metrics have their own listener
	Dashboard http.Handler                    // every other path (/, /goals/…, /api/v1/…); nil for none
	Log       zerolog.Logger
}

// Handler returns the router for every endpoint.
func Handler(c Config) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/webhook", c.Webhook)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := c.Ready(ctx); err != nil {
			c.Log.Warn().Err(err).Msg("not ready")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("not ready: " + err.Error() + "\n"))
			return
		}
		w.Write([]byte("ready\n"))
	})
	if c.Registry != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(c.Registry, promhttp.HandlerOpts{}))
	}
	if c.Dashboard != nil {
		mux.Handle("/", c.Dashboard)
	}
	return mux
}
