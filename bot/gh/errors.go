package gh

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/google/go-github/v62/github"
)

// Domain errors for GitHub answers. They carry bot codes, so jobs and
// replies treat them like any other domain error.
var (
	ErrNotFound  = &bot.Error{Code: bot.ENOTFOUND, Message: "not found on GitHub (deleted, transferred, or the App cannot see it)"}
	ErrForbidden = &bot.Error{Code: bot.EFORBIDDEN, Message: "GitHub refused the request: the App lacks a permission"}
)

// RetryAfterError says GitHub asked us to wait before trying again.
type RetryAfterError struct {
	Delay time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("GitHub rate limit: retry after %s: %v", e.Delay.Round(time.Second), e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryDelay implements job.RetryAfter, so the job snoozes.
func (e *RetryAfterError) RetryDelay() time.Duration { return e.Delay }

// IsRetryAfter reports whether err asks to wait, and for how long.
func IsRetryAfter(err error) (time.Duration, bool) {
	var ra *RetryAfterError
	if errors.As(err, &ra) {
		return ra.Delay, true
	}
	return 0, false
}

// Classify turns go-github errors into goalbot's: primary and secondary
// rate limits (including 429s and go-github's local refusal while a limit
// lasts) into *RetryAfterError, 404/410 into ErrNotFound, other 403s into
// ErrForbidden. Anything else (5xx, network) is returned as is: retryable.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := IsRetryAfter(err); ok {
		return err
	}
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		d := time.Until(rl.Rate.Reset.Time) + time.Second
		if rl.Rate.Reset.Time.IsZero() || d < time.Second {
			d = time.Minute
		}
		return &RetryAfterError{Delay: d, Err: err}
	}
	var ab *github.AbuseRateLimitError
	if errors.As(err, &ab) {
		d := time.Minute
		if ab.RetryAfter != nil && *ab.RetryAfter > 0 {
			d = *ab.RetryAfter
		}
		return &RetryAfterError{Delay: d, Err: err}
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch code := er.Response.StatusCode; {
		case code == http.StatusTooManyRequests || (code == http.StatusForbidden && er.Response.Header.Get("Retry-After") != ""):
			d := time.Minute
			if s, err := strconv.Atoi(er.Response.Header.Get("Retry-After")); err == nil && s > 0 {
				d = time.Duration(s) * time.Second
			}
			return &RetryAfterError{Delay: d, Err: err}
		case code == http.StatusNotFound || code == http.StatusGone:
			return fmt.Errorf("%w: %s", ErrNotFound, er.Message)
		case code == http.StatusForbidden:
			return fmt.Errorf("%w: %s", ErrForbidden, er.Message)
		}
	}
	return err
}
