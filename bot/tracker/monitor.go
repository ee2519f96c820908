package tracker

import "time"

// Monitor is told when periodic work succeeds, so that an operator can
// alert on a sync or digest that stopped succeeding (the metrics'
// goalbot_last_success_timestamp_seconds).
type Monitor interface {
	// Succeeded records a successful run of job ("sync", "digest") for
	// repo at at.
	Succeeded(job, repo string, at time.Time)
}

// succeeded tells the monitor, if any, that job succeeded for repo.
func (t *Tracker) succeeded(job, repo string, ok bool) {
	if ok && t.monitor != nil {
		t.monitor.Succeeded(job, repo, t.now())
	}
}
