package job

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"
)

// Pruner deletes old rows in batches; the store implements it.
type Pruner interface {
	// PruneDeliveries deletes at most batch finished deliveries received
	// before cutoff and returns how many it deleted.
	PruneDeliveries(ctx context.Context, cutoff time.Time, batch int) (int, error)
	// PruneJobs deletes at most batch jobs finished before cutoff and
	// returns how many it deleted.
	PruneJobs(ctx context.Context, cutoff time.Time, batch int) (int, error)
}

// Retention is the periodic job that deletes stored deliveries and
// finished jobs older than the configured retention ([store] retention).
// Tick names the period, so that replicas insert it once.
type Retention struct {
	Tick string `json:"tick" river:"unique"`
}

// Kind names the job.
func (Retention) Kind() string { return "retention" }

// RetentionWorker runs Retention jobs. The duplicate check of deliveries
// is by stored id, so Keep must cover GitHub's redelivery window (3 days,
// config.RedeliveryWindow; config refuses less).
type RetentionWorker struct {
	river.WorkerDefaults[Retention]
	Store Pruner
	Keep  time.Duration    // how long rows are kept
	Batch int              // rows per DELETE; default 1000
	Now   func() time.Time // default time.Now
	Log   zerolog.Logger
}

// Work deletes in batches until a batch comes back short, so that no one
// statement holds the database (SQLite has one writer) for long.
func (w *RetentionWorker) Work(ctx context.Context, j *river.Job[Retention]) error {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	batch := w.Batch
	if batch <= 0 {
		batch = 1000
	}
	cutoff := now().Add(-w.Keep)
	prune := func(what string, fn func(context.Context, time.Time, int) (int, error)) (int, error) {
		total := 0
		for {
			n, err := fn(ctx, cutoff, batch)
			total += n
			if err != nil {
				return total, fmt.Errorf("retention: %s: %w", what, err)
			}
			if n < batch {
				return total, nil
			}
			if err := ctx.Err(); err != nil {
				return total, fmt.Errorf("retention: %s: %w", what, err)
			}
		}
	}
	deliveries, err := prune("deliveries", w.Store.PruneDeliveries)
	if err != nil {
		return err
	}
	jobs, err := prune("jobs", w.Store.PruneJobs)
	if err != nil {
		return err
	}
	w.Log.Info().Time("before", cutoff).Int("deliveries", deliveries).Int("jobs", jobs).Msg("retention: old rows deleted")
	return nil
}

// PeriodicRetention schedules a Retention job every interval (and at start).
func PeriodicRetention(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
		return Retention{Tick: time.Now().UTC().Truncate(every).Format(time.RFC3339)}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
	}, &river.PeriodicJobOpts{RunOnStart: true, ID: "retention"})
}
