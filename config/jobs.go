package config

import (
	"strconv"
	"time"
)

// Jobs configures the background job queue.
type Jobs struct {
	// Workers is how many jobs run at once in this process. Most jobs wait
	// on GitHub or on the store, so more workers than cores pay off.
	Workers int
	// Poll is how often idle workers look for jobs (River's fetch poll
	// interval). Busy workers fetch whenever a slot frees, at most every
	// 5 ms (River's fetch cooldown, never above Poll).
	Poll time.Duration
}

// Defaults chosen by measurement with `goalbot bench` (README).
const (
	DefaultJobWorkers = 16
	DefaultJobPoll    = 100 * time.Millisecond
)

type fileJobs struct {
	Workers *int    `toml:"workers"`
	Poll    *string `toml:"poll"`
}

// applyJobs reads the [jobs] table.
func (c *Config) applyJobs(f fileJobs) []error {
	var problems []error
	if f.Workers != nil {
		if *f.Workers < 1 || *f.Workers > 1000 {
			problems = append(problems, c.src.errorf("jobs.workers", "%d workers; write a number from 1 to 1000", *f.Workers))
		} else {
			c.Jobs.Workers = *f.Workers
		}
	}
	if f.Poll != nil {
		d, err := time.ParseDuration(*f.Poll)
		switch {
		case err != nil:
			problems = append(problems, c.src.errorf("jobs.poll", "%q is not a duration; write e.g. \"20ms\" or \"1s\"", *f.Poll))
		case d < time.Millisecond || d > time.Minute:
			problems = append(problems, c.src.errorf("jobs.poll", "%v is out of range; write from 1ms to 1m", d))
		default:
			c.Jobs.Poll = d
		}
	}
	return problems
}

// writeJobs writes the [jobs] table.
func (t *tomlWriter) writeJobs(j Jobs) {
	t.table("jobs")
	t.kv("jobs", "workers", strconv.Itoa(j.Workers))
	t.kv("jobs", "poll", str(formatDuration(j.Poll)))
}
