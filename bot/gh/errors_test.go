package gh

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/google/go-github/v62/github"
)

// answer returns a handler writing status, headers and a JSON message.
func answer(status int, headers map[string]string, body map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		writeJSON(w, status, body)
	}
}

const secondaryDoc = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"

func TestClassify(t *testing.T) {
	reset := time.Now().Add(2 * time.Minute).Unix()
	resetIn := time.Until(time.Unix(reset, 0)) + time.Second
	msg := map[string]string{"message": "nope"}
	tests := []struct {
		name      string
		h         http.HandlerFunc
		wantDelay time.Duration // > 0: a RetryAfterError of about this delay
		wantIs    error         // a sentinel the classified error matches
		wantCode  string        // bot.ErrorCode of the classified error
	}{
		{"primary limit", answer(403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "5000",
			"X-RateLimit-Reset": strconv.FormatInt(reset, 10)}, map[string]string{"message": "API rate limit exceeded"}),
			resetIn, nil, bot.EINTERNAL},
		{"secondary 403 with Retry-After", answer(403, map[string]string{"Retry-After": "30"},
			map[string]string{"message": "secondary", "documentation_url": secondaryDoc}), 30 * time.Second, nil, bot.EINTERNAL},
		{"secondary 403 without Retry-After", answer(403, nil,
			map[string]string{"message": "secondary", "documentation_url": secondaryDoc}), time.Minute, nil, bot.EINTERNAL},
		{"403 with Retry-After only", answer(403, map[string]string{"Retry-After": "45"}, msg), 45 * time.Second, nil, bot.EINTERNAL},
		{"429 with Retry-After", answer(429, map[string]string{"Retry-After": "7"}, msg), 7 * time.Second, nil, bot.EINTERNAL},
		{"429 with exhausted primary limit", answer(429, map[string]string{"X-RateLimit-Remaining": "0",
			"X-RateLimit-Reset": strconv.FormatInt(reset, 10)}, msg), resetIn, nil, bot.EINTERNAL},
		{"429 bare", answer(429, nil, msg), time.Minute, nil, bot.EINTERNAL},
		{"404", answer(404, nil, map[string]string{"message": "Not Found"}), 0, ErrNotFound, bot.ENOTFOUND},
		{"410", answer(410, nil, map[string]string{"message": "This issue was deleted"}), 0, ErrNotFound, bot.ENOTFOUND},
		{"403 permission", answer(403, map[string]string{"X-RateLimit-Remaining": "4000"},
			map[string]string{"message": "Resource not accessible by integration"}), 0, ErrForbidden, bot.EFORBIDDEN},
		{"401", answer(401, nil, map[string]string{"message": "Bad credentials"}), 0, ErrUnauthorized, bot.EFORBIDDEN},
		{"500", answer(500, nil, msg), 0, nil, bot.EINTERNAL},
		{"502 without JSON", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }, 0, nil, bot.EINTERNAL},
		{"422", answer(422, nil, map[string]string{"message": "Validation Failed"}), 0, nil, bot.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.set(func(f *fake) { f.override["GET /repos/o/r/issues/1"] = tt.h })
			c := f.pat(t)
			gc, _ := c.Repo(ctx(t), "o", "r")
			_, _, raw := gc.Issues.Get(ctx(t), "o", "r", 1)
			if raw == nil {
				t.Fatal("no error")
			}
			err := Classify(raw)
			checkClassified(t, err, tt.wantDelay, tt.wantIs, tt.wantCode)
			if again := Classify(fmt.Errorf("wrapped: %w", err)); !errors.Is(again, err) {
				t.Errorf("classifying twice changed %v into %v", err, again)
			}
			if !errors.Is(err, raw) {
				t.Errorf("classified error %v lost the go-github error", err)
			}
			// The helpers classify on their own.
			if _, _, gerr := c.GetIssue(ctx(t), refOf("o", "r", 1), ""); gerr != nil {
				checkClassified(t, gerr, tt.wantDelay, tt.wantIs, tt.wantCode)
			} else {
				t.Error("GetIssue: no error")
			}
		})
	}
}

// checkClassified fails unless err is the classification wanted.
func checkClassified(t *testing.T, err error, wantDelay time.Duration, wantIs error, wantCode string) {
	t.Helper()
	d, ok := IsRetryAfter(err)
	var ra *RetryAfterError
	if ok != errors.As(err, &ra) {
		t.Errorf("IsRetryAfter = %v but errors.As RetryAfterError = %v", ok, !ok)
	}
	switch {
	case wantDelay > 0 && !ok:
		t.Errorf("%v: not a RetryAfterError", err)
	case wantDelay > 0 && (d < wantDelay-3*time.Second || d > wantDelay+time.Second):
		t.Errorf("%v: delay %v, want about %v", err, d, wantDelay)
	case wantDelay > 0 && ra.RetryDelay() != d:
		t.Errorf("RetryDelay %v != Delay %v", ra.RetryDelay(), d)
	case wantDelay == 0 && ok:
		t.Errorf("%v: a RetryAfterError (%v), want none", err, d)
	}
	if wantIs != nil && !errors.Is(err, wantIs) {
		t.Errorf("%v: does not match %v", err, wantIs)
	}
	for _, s := range []error{ErrNotFound, ErrForbidden, ErrUnauthorized} {
		if s != wantIs && errors.Is(err, s) {
			t.Errorf("%v: matches %v too", err, s)
		}
	}
	if got := bot.ErrorCode(err); got != wantCode {
		t.Errorf("%v: code %q, want %q", err, got, wantCode)
	}
}

// TestPrimaryLimitRememberedLocally: after a 403 with an exhausted limit,
// go-github refuses requests on that client until the reset without asking
// GitHub; Classify must still say when to come back.
func TestPrimaryLimitRememberedLocally(t *testing.T) {
	f := newFake(t)
	reset := time.Now().Add(10 * time.Minute).Unix()
	f.set(func(f *fake) {
		f.override["GET /repos/o/r/issues/1"] = answer(403, map[string]string{"X-RateLimit-Remaining": "0",
			"X-RateLimit-Reset": strconv.FormatInt(reset, 10)}, map[string]string{"message": "API rate limit exceeded"})
	})
	f.addIssue("o", "r", 2)
	c := f.pat(t)
	if _, _, err := c.GetIssue(ctx(t), refOf("o", "r", 1), ""); err == nil {
		t.Fatal("no error")
	}
	_, _, err := c.GetIssue(ctx(t), refOf("o", "r", 2), "")
	var rle *github.RateLimitError
	if !errors.As(err, &rle) {
		t.Fatalf("second read: %v, want go-github's local RateLimitError", err)
	}
	if got := f.count("GET /repos/o/r/issues/2"); got != 0 {
		t.Errorf("second read reached the server (%d requests); the test no longer covers the local refusal", got)
	}
	d, ok := IsRetryAfter(err)
	want := time.Until(time.Unix(reset, 0)) + time.Second
	if !ok || d < want-3*time.Second || d > want+time.Second {
		t.Errorf("local refusal: IsRetryAfter = %v, %v; want about %v", d, ok, want)
	}
}

// TestSecondaryLimitRememberedLocally: the same for a secondary limit.
func TestSecondaryLimitRememberedLocally(t *testing.T) {
	f := newFake(t)
	f.set(func(f *fake) {
		f.override["GET /repos/o/r/issues/1"] = answer(403, map[string]string{"Retry-After": "120"},
			map[string]string{"message": "secondary", "documentation_url": secondaryDoc})
	})
	f.addIssue("o", "r", 2)
	c := f.pat(t)
	c.GetIssue(ctx(t), refOf("o", "r", 1), "") //nolint:errcheck // sets the limit
	_, _, err := c.GetIssue(ctx(t), refOf("o", "r", 2), "")
	if d, ok := IsRetryAfter(err); !ok || d < 100*time.Second || d > 121*time.Second {
		t.Errorf("local refusal: %v: IsRetryAfter = %v, %v", err, d, ok)
	}
	if f.count("GET /repos/o/r/issues/2") != 0 {
		t.Error("second read reached the server")
	}
}

// TestClassifyInstallationToken covers failures of ghinstallation's token
// request, which are not go-github errors.
func TestClassifyInstallationToken(t *testing.T) {
	tests := []struct {
		name      string
		h         http.HandlerFunc
		wantDelay time.Duration
		wantIs    error
		wantCode  string
	}{
		{"uninstalled", answer(404, nil, map[string]string{"message": "Not Found"}), 0, ErrNotFound, bot.ENOTFOUND},
		{"rate limited", answer(429, map[string]string{"Retry-After": "12"}, nil), 12 * time.Second, nil, bot.EINTERNAL},
		{"server error", answer(503, nil, nil), 0, nil, bot.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.set(func(f *fake) {
				f.installs["o/r"] = 5
				f.override["POST /app/installations/5/access_tokens"] = tt.h
			})
			f.addIssue("o", "r", 1)
			_, _, err := f.app(t).GetIssue(ctx(t), refOf("o", "r", 1), "")
			if err == nil {
				t.Fatal("no error")
			}
			checkClassified(t, err, tt.wantDelay, tt.wantIs, tt.wantCode)
			if f.count("GET /repos/o/r/issues/1") != 0 {
				t.Error("the issue was read without a token")
			}
		})
	}
}

func TestClassifyNetworkError(t *testing.T) {
	f := newFake(t)
	c := f.pat(t)
	f.srv.Close()
	_, _, err := c.GetIssue(ctx(t), refOf("o", "r", 1), "")
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	checkClassified(t, err, 0, nil, bot.EINTERNAL)
}

func TestRateLimitDelay(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"seconds", http.Header{"Retry-After": {"90"}}, 90 * time.Second, true},
		{"zero seconds waits one", http.Header{"Retry-After": {"0"}}, time.Second, true},
		{"HTTP date", http.Header{"Retry-After": {now.Add(5 * time.Minute).Format(http.TimeFormat)}}, 5 * time.Minute, true},
		{"date in the past", http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, time.Second, true},
		{"Retry-After wins over reset", http.Header{"Retry-After": {"3"}, "X-Ratelimit-Remaining": {"0"},
			"X-Ratelimit-Reset": {strconv.FormatInt(now.Add(time.Hour).Unix(), 10)}}, 3 * time.Second, true},
		{"reset", http.Header{"X-Ratelimit-Remaining": {"0"},
			"X-Ratelimit-Reset": {strconv.FormatInt(now.Add(time.Hour).Unix(), 10)}}, time.Hour + time.Second, true},
		{"exhausted without reset", http.Header{"X-Ratelimit-Remaining": {"0"}}, time.Minute, true},
		{"garbage Retry-After", http.Header{"Retry-After": {"soon"}}, 0, false},
		{"remaining", http.Header{"X-Ratelimit-Remaining": {"12"}}, 0, false},
		{"nothing", http.Header{}, 0, false},
	}
	for _, tt := range tests {
		d, ok := rateLimitDelay(tt.header, now)
		if d != tt.want || ok != tt.ok {
			t.Errorf("%s: %v, %v; want %v, %v", tt.name, d, ok, tt.want, tt.ok)
		}
	}
}

func TestClassifyPlain(t *testing.T) {
	if Classify(nil) != nil {
		t.Error("Classify(nil) != nil")
	}
	plain := errors.New("boom")
	if Classify(plain) != plain {
		t.Error("a plain error changed")
	}
	if _, ok := IsRetryAfter(plain); ok {
		t.Error("a plain error is a rate limit")
	}
	// A local RateLimitError with an unknown reset waits a minute, not forever.
	rle := &github.RateLimitError{Response: &http.Response{StatusCode: 403, Request: &http.Request{Method: "GET"}}}
	if d, ok := IsRetryAfter(rle); !ok || d != time.Minute {
		t.Errorf("RateLimitError without reset: %v, %v", d, ok)
	}
	// A reset in the past still waits a second.
	rle.Rate.Reset = github.Timestamp{Time: time.Now().Add(-time.Hour)}
	if d, ok := IsRetryAfter(rle); !ok || d != time.Second {
		t.Errorf("RateLimitError with a past reset: %v, %v", d, ok)
	}
}
