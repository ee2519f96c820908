// Package job runs stored webhook deliveries through the handlers that use
// them, on River: it decides whether a failure is retried with backoff,
// snoozed until a rate limit resets, or given up for good.
package job

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/metrics"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"
)

// Handler acts on one stored delivery. It must be idempotent: a delivery
// may be handled again after a crash or a retry.
type Handler interface {
	Handle(ctx context.Context, d bot.Delivery) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, d bot.Delivery) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, d bot.Delivery) error { return f(ctx, d) }

// Deliveries is what the worker needs from the store.
type Deliveries interface {
	Delivery(ctx context.Context, id string) (bot.Delivery, error)
	FinishDelivery(ctx context.Context, id, outcome, errText string) error
}

// RetryAfter is implemented by errors that know when to try again, such as
// GitHub rate-limit errors; the job is snoozed for that long instead of
// failing an attempt.
type RetryAfter interface {
	RetryDelay() time.Duration
}

// Dispatcher routes deliveries to handlers by event type.
type Dispatcher struct {
	handlers map[string][]Handler
	store    Deliveries
	log      zerolog.Logger
	metrics  *metrics.Metrics
}

// NewDispatcher returns a dispatcher with no handlers.
func NewDispatcher(store Deliveries, log zerolog.Logger, m *metrics.Metrics) *Dispatcher {
	return &Dispatcher{handlers: map[string][]Handler{}, store: store, log: log, metrics: m}
}

// Handle registers h for each of the events.
func (d *Dispatcher) Handle(h Handler, events ...string) {
	for _, e := range events {
		d.handlers[e] = append(d.handlers[e], h)
	}
}

// Events lists the events some handler uses; the receiver stores only these.
func (d *Dispatcher) Events() []string {
	var ev []string
	for e := range d.handlers {
		ev = append(ev, e)
	}
	sort.Strings(ev)
	return ev
}

// Worker is the River worker for bot.ProcessDelivery jobs.
type Worker struct {
	river.WorkerDefaults[bot.ProcessDelivery]
	d *Dispatcher
}

// Worker returns the River worker that runs deliveries through d.
func (d *Dispatcher) Worker() *Worker { return &Worker{d: d} }

// Work loads the delivery and runs its handlers. Every handler runs even
// when one fails, so one broken handler does not starve the others; the
// first error decides the job's fate.
func (w *Worker) Work(ctx context.Context, job *river.Job[bot.ProcessDelivery]) error {
	start := time.Now()
	d := w.d
	del, err := d.store.Delivery(ctx, job.Args.DeliveryID)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return river.JobCancel(err)
		}
		return err
	}
	log := d.log.With().Str("delivery", del.ID).Str("event", del.Event).Str("repo", del.Repo).
		Int("attempt", job.Attempt).Logger()
	ctx = log.WithContext(ctx)
	if del.Outcome == bot.OutcomeDone || del.Outcome == bot.OutcomeIgnored {
		log.Debug().Msg("delivery already processed")
		return nil
	}
	hs := d.handlers[del.Event]
	ctx = withMemo(ctx)
	var firstErr error
	for _, h := range hs {
		if err := h.Handle(ctx, del); err != nil {
			log.Warn().Err(err).Msg("handler failed")
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	result, jobErr := d.outcome(ctx, del, job, firstErr, log)
	if d.metrics != nil {
		d.metrics.JobLatency.WithLabelValues(job.Kind, result).Observe(time.Since(start).Seconds())
	}
	return jobErr
}

// outcome maps a handler error to the job's fate (pkgsite's rule: only
// transient failures are retried) and records final outcomes on the
// delivery row.
func (d *Dispatcher) outcome(ctx context.Context, del bot.Delivery, job *river.Job[bot.ProcessDelivery], err error, log zerolog.Logger) (string, error) {
	finish := func(outcome, text string) {
		if ferr := d.store.FinishDelivery(context.WithoutCancel(ctx), del.ID, outcome, text); ferr != nil {
			log.Error().Err(ferr).Msg("could not record delivery outcome")
		}
	}
	var ra RetryAfter
	switch {
	case err == nil:
		outcome := bot.OutcomeDone
		if len(d.handlers[del.Event]) == 0 {
			outcome = bot.OutcomeIgnored
		}
		finish(outcome, "")
		log.Info().Msg("delivery processed")
		return "ok", nil
	case errors.As(err, &ra):
		delay := max(ra.RetryDelay(), time.Second)
		log.Warn().Dur("snooze", delay).Msg("rate limited; snoozing")
		return "snooze", river.JobSnooze(delay)
	case isPermanent(err):
		finish(bot.OutcomeFailed, err.Error())
		log.Warn().Err(err).Msg("delivery failed permanently")
		return "cancel", river.JobCancel(err)
	default:
		if job.Attempt >= job.MaxAttempts {
			finish(bot.OutcomeFailed, fmt.Sprintf("after %d attempts: %v", job.Attempt, err))
			log.Warn().Err(err).Msg("delivery failed after its last attempt")
		}
		return "retry", err
	}
}

// isPermanent reports whether retrying err cannot help.
func isPermanent(err error) bool {
	switch bot.ErrorCode(err) {
	case bot.EINVALID, bot.ENOTFOUND, bot.EFORBIDDEN, bot.ECONFLICT:
		return true
	}
	return false
}

// RetryPolicy is River's retry schedule for goalbot: quick first retries
// (a GitHub 502 usually passes within seconds), growing to a cap.
type RetryPolicy struct {
	Base, Max time.Duration
}

// NextRetry implements river.ClientRetryPolicy.
func (p RetryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	d := p.Base
	for i := 1; i < job.Attempt && d < p.Max; i++ {
		d *= 2
	}
	return time.Now().Add(min(d, p.Max))
}

// Fate maps an error from any job to what River should do with it: nil
// completes, a RetryAfter error snoozes without spending an attempt, a
// permanent domain error (invalid, not found, forbidden, conflict) cancels,
// anything else is retried with backoff.
func Fate(err error) error {
	var ra RetryAfter
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ra):
		return river.JobSnooze(max(ra.RetryDelay(), time.Second))
	case isPermanent(err):
		return river.JobCancel(err)
	default:
		return err
	}
}
