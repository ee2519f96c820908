package gh

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/goalbot/goalbot/bot"
	"github.com/google/go-github/v62/github"
)

// Domain errors Classify wraps GitHub failures in. They are *bot.Error values,
// so bot.ErrorCode maps them to a job outcome (cancel, not retry) and
// errors.Is matches them through any wrapping.
var (
	// ErrNotFound: GitHub answered 404 or 410; the item, repository or
	// installation is gone or invisible to the bot. Retrying will not help.
	ErrNotFound = &bot.Error{Code: bot.ENOTFOUND, Message: "It does not exist on GitHub, or the bot cannot see it."}
	// ErrForbidden: GitHub answered 403 for a reason other than a rate limit
	// (missing permission, blocked user, locked issue).
	ErrForbidden = &bot.Error{Code: bot.EFORBIDDEN, Message: "GitHub does not allow the bot to do this."}
	// ErrUnauthorized: GitHub answered 401; the App key, app id or token is
	// wrong, revoked or expired. An operator has to mend the configuration.
	ErrUnauthorized = &bot.Error{Code: bot.EFORBIDDEN, Message: "GitHub rejected the bot's credentials."}
)

// defaultRetryAfter is how long to wait after a rate limit that names no
// time: GitHub's guidance is "at least one minute".
const defaultRetryAfter = time.Minute

// RetryAfterError is a GitHub rate limit (primary or secondary): the request
// may succeed after Delay and should not be retried sooner.
type RetryAfterError struct {
	Delay time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("GitHub rate limit: retry in %s: %v", e.Delay.Round(time.Second), e.Err)
}

// Unwrap returns the go-github error.
func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryDelay returns Delay; it lets the job runner snooze instead of retry.
func (e *RetryAfterError) RetryDelay() time.Duration { return e.Delay }

// IsRetryAfter reports whether err (classified or not) is a rate limit, or
// any other error that says when to try again (a RetryDelay method), and
// how long to wait before trying again.
func IsRetryAfter(err error) (time.Duration, bool) {
	var ra interface{ RetryDelay() time.Duration }
	if errors.As(Classify(err), &ra) {
		return ra.RetryDelay(), true
	}
	return 0, false
}

// Classify turns an error from go-github or ghinstallation into a domain
// error: *RetryAfterError for rate limits, ErrNotFound for 404/410,
// ErrForbidden for other 403s, ErrUnauthorized for 401. Server errors,
// network errors and anything else come back unchanged, to be retried.
// Classifying an already classified error returns it as it is.
func Classify(err error) error {
	return classifyAt(err, time.Now())
}

func classifyAt(err error, now time.Time) error {
	if err == nil || isClassified(err) {
		return err
	}
	// Primary limit, from GitHub's 403 or go-github's local refusal until
	// the remembered reset (which carries a fake 403 response).
	var rle *github.RateLimitError
	if errors.As(err, &rle) {
		return &RetryAfterError{Delay: untilReset(rle.Rate.Reset.Time, now), Err: err}
	}
	// Secondary limit, from GitHub or go-github's local refusal.
	var abuse *github.AbuseRateLimitError
	if errors.As(err, &abuse) {
		d := defaultRetryAfter
		if abuse.RetryAfter != nil {
			d = max(*abuse.RetryAfter, time.Second)
		}
		return &RetryAfterError{Delay: d, Err: err}
	}
	resp := responseOf(err)
	if resp == nil {
		return err
	}
	switch resp.StatusCode {
	case http.StatusForbidden, http.StatusTooManyRequests:
		if d, ok := rateLimitDelay(resp.Header, now); ok {
			return &RetryAfterError{Delay: d, Err: err}
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			return &RetryAfterError{Delay: defaultRetryAfter, Err: err}
		}
		return fmt.Errorf("%w: %w", ErrForbidden, err)
	case http.StatusNotFound, http.StatusGone:
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case http.StatusUnauthorized:
		return fmt.Errorf("%w: %w", ErrUnauthorized, err)
	}
	return err
}

// isClassified reports whether Classify already ran over err.
func isClassified(err error) bool {
	var ra *RetryAfterError
	return errors.As(err, &ra) || errors.Is(err, ErrNotFound) ||
		errors.Is(err, ErrForbidden) || errors.Is(err, ErrUnauthorized)
}

// responseOf returns the HTTP response behind a go-github or ghinstallation
// (token refresh) error, nil when there is none.
func responseOf(err error) *http.Response {
	var er *github.ErrorResponse
	if errors.As(err, &er) {
		return er.Response
	}
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) {
		return he.Response
	}
	return nil
}

// rateLimitDelay reads how long a 403 or 429 asks us to wait: Retry-After
// (seconds or HTTP date) first, then an exhausted x-ratelimit-remaining with
// its reset time, as GitHub's rate-limit guide orders them.
func rateLimitDelay(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return max(time.Duration(s)*time.Second, time.Second), true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), time.Second), true
		}
	}
	if h.Get("X-Ratelimit-Remaining") == "0" {
		if s, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			return untilReset(time.Unix(s, 0), now), true
		}
		return defaultRetryAfter, true
	}
	return 0, false
}

// untilReset is the wait until a primary limit's reset time plus one second
// (the reset is whole seconds and clocks differ), at least one second, and
// a minute when the reset is unknown.
func untilReset(reset, now time.Time) time.Duration {
	if reset.IsZero() {
		return defaultRetryAfter
	}
	return max(reset.Sub(now)+time.Second, time.Second)
}
