// Package metrics defines goalbot's Prometheus metrics in one place, on a
// registry of its own so tests and replicas never share global state.
package metrics

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds every collector goalbot exports.
type Metrics struct {
	Registry       *prometheus.Registry
	Deliveries     *prometheus.CounterVec   // by event and outcome
	JobLatency     *prometheus.HistogramVec // by job kind and result
	GitHubRequests *prometheus.CounterVec   // by method and status
	AckLatency     prometheus.Histogram
}

// New creates and registers the collectors. depth, when not nil, reports the
// job queue depth at scrape time.
func New(depth func(context.Context) (int, error)) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "goalbot_webhook_deliveries_total",
			Help: "Webhook deliveries received, by event and outcome (accepted, duplicate, ignored, ping, unauthorized, bad_request, too_large, error).",
		}, []string{"event", "outcome"}),
		JobLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "goalbot_job_duration_seconds",
			Help:    "Time a job took to run, by kind and result (ok, retry, snooze, cancel).",
			Buckets: prometheus.ExponentialBuckets(0.005, 3, 10),
		}, []string{"kind", "result"}),
		GitHubRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "goalbot_github_requests_total",
			Help: "Requests made to the GitHub API, by method and HTTP status.",
		}, []string{"method", "status"}),
		AckLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "goalbot_webhook_ack_seconds",
			Help:    "Time from receiving a webhook to answering it.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
	}
	reg.MustRegister(m.Deliveries, m.JobLatency, m.GitHubRequests, m.AckLatency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if depth != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "goalbot_job_queue_depth",
			Help: "Jobs waiting, scheduled for retry or running.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := depth(ctx)
			if err != nil {
				return -1
			}
			return float64(n)
		}))
	}
	return m
}

// ObserveGitHub counts one GitHub API request; it fits gh.Config.Observe.
func (m *Metrics) ObserveGitHub(method, route string, status int, d time.Duration) {
	m.GitHubRequests.WithLabelValues(method, strconv.Itoa(status)).Inc()
}
