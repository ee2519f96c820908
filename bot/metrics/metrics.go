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
	JobsFailed     *prometheus.CounterVec // by kind and reason
	LastSuccess    *prometheus.GaugeVec   // by job (sync, digest) and repository
	RateLimit      *prometheus.GaugeVec   // by resource
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
	m.JobsFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "goalbot_jobs_failed_total",
		Help: "Jobs that failed for good (cancelled or out of attempts), by kind and reason (the error code: forbidden, not_found, invalid, conflict; attempts_exhausted; panic).",
	}, []string{"kind", "reason"})
	m.LastSuccess = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "goalbot_last_success_timestamp_seconds",
		Help: "Unix time of the last successful run of a periodic job, by job (sync, digest) and repository.",
	}, []string{"job", "repo"})
	m.RateLimit = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "goalbot_github_rate_limit_remaining",
		Help: "Requests left in GitHub's current rate-limit window, from the last response's X-RateLimit-Remaining, by resource (core, search, …).",
	}, []string{"resource"})
	reg.MustRegister(m.JobsFailed, m.LastSuccess, m.RateLimit)
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

// Succeeded records a successful run of a periodic job for a repository
// (sync per repository read, digest per digest repository).
func (m *Metrics) Succeeded(job, repo string, at time.Time) {
	m.LastSuccess.WithLabelValues(job, repo).Set(float64(at.UnixNano()) / 1e9)
}

// RateLimitRemaining records what GitHub said is left of a rate limit.
func (m *Metrics) RateLimitRemaining(resource string, remaining int) {
	m.RateLimit.WithLabelValues(resource).Set(float64(remaining))
}

// BuildInfo registers goalbot_build_info, always 1, labelled with the
// version, the VCS revision and the Go version the binary was built with.
func (m *Metrics) BuildInfo(version, revision, goVersion string) {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "goalbot_build_info",
		Help:        "Always 1; its labels say which build is running.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": goVersion},
	})
	g.Set(1)
	m.Registry.MustRegister(g)
}

// ObserveGitHub counts one GitHub API request; it fits gh.Config.Observe.
func (m *Metrics) ObserveGitHub(method, route string, status int, d time.Duration) {
	m.GitHubRequests.WithLabelValues(method, strconv.Itoa(status)).Inc()
}
