package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/metrics"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/rs/zerolog"
)

// Failures makes every job that fails for good loud, whatever its kind
// (deliveries, refreshes, renders, syncs, digests, notices, retention):
// one error line with the kind, id, arguments, attempt and cause, and one
// increment of goalbot_jobs_failed_total{kind,reason}. A job fails for good
// when it is cancelled (a permanent domain error, see Fate) or when its
// last attempt errs or panics. Install it as a River hook (Config.Hooks)
// and error handler (Config.ErrorHandler): the hook sees every worker's
// result, so no worker needs its own logging.
type Failures struct {
	river.HookDefaults
	log     zerolog.Logger
	metrics *metrics.Metrics
}

// NewFailures returns the hook; m may be nil.
func NewFailures(log zerolog.Logger, m *metrics.Metrics) *Failures {
	return &Failures{log: log, metrics: m}
}

// WorkEnd implements rivertype.HookWorkEnd. It returns err unchanged.
func (f *Failures) WorkEnd(ctx context.Context, job *rivertype.JobRow, err error) error {
	if err == nil {
		return nil
	}
	var snooze *rivertype.JobSnoozeError
	var cancel *rivertype.JobCancelError
	switch {
	case errors.As(err, &snooze):
	case errors.As(err, &cancel):
		cause := errors.Unwrap(cancel)
		if cause == nil {
			cause = err
		}
		f.failed(job, "cancelled", reason(cause), cause)
	case job.Attempt >= job.MaxAttempts:
		f.failed(job, "discarded", "attempts_exhausted", err)
	}
	return err
}

// HandleError implements river.ErrorHandler; WorkEnd has seen the error.
func (f *Failures) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	return nil
}

// HandlePanic implements river.ErrorHandler: a panic on the last attempt
// is a permanent failure too (panics skip the WorkEnd hooks).
func (f *Failures) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	f.log.Warn().Str("kind", job.Kind).Int64("job", job.ID).Str("trace", trace).Msgf("job panicked: %v", panicVal)
	if job.Attempt >= job.MaxAttempts {
		f.failed(job, "discarded", "panic", fmt.Errorf("panic: %v", panicVal))
	}
	return nil
}

func (f *Failures) failed(job *rivertype.JobRow, state, reason string, cause error) {
	ev := f.log.Error().Str("kind", job.Kind).Int64("job", job.ID).
		Int("attempt", job.Attempt).Int("max_attempts", job.MaxAttempts).
		Str("state", state).Str("reason", reason).Err(cause)
	if json.Valid(job.EncodedArgs) {
		ev = ev.RawJSON("args", job.EncodedArgs)
	}
	ev.Msg("job failed permanently")
	if f.metrics != nil {
		f.metrics.JobsFailed.WithLabelValues(job.Kind, reason).Inc()
	}
}

// reason is the metric label for a cancelled job's cause: its domain
// error code (forbidden, not_found, invalid, conflict, internal).
func reason(err error) string {
	if code := bot.ErrorCode(err); code != "" {
		return code
	}
	return bot.EINTERNAL
}
