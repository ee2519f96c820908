package sandbox

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v62/github"
)

// warm creates the repository's issue 1 and caches the installation token, so that
// injected faults hit the API call under test rather than token minting.
func warm(t *testing.T, e *env) {
	t.Helper()
	e.s.SeedIssue(Issue{Repo: testRepo, Number: 1, Title: "t"})
	if _, _, err := e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 1); err != nil {
		t.Fatal(err)
	}
}

func TestFailNext(t *testing.T) {
	e := newEnv(t)
	warm(t, e)
	e.s.FailNext(2, http.StatusBadGateway)
	for i := range 2 {
		if _, _, err := e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 1); statusOf(err) != http.StatusBadGateway {
			t.Errorf("request %d: %v, want 502", i, err)
		}
	}
	if _, _, err := e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 1); err != nil {
		t.Errorf("third request: %v, want success", err)
	}
}

func TestSecondaryLimit(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusTooManyRequests} {
		e := newEnv(t)
		warm(t, e)
		e.s.SecondaryLimitNext(1, status, 42*time.Second)
		e.s.ResetStats()
		_, resp, err := e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 1)
		if resp == nil || resp.StatusCode != status || resp.Header.Get("Retry-After") != "42" {
			t.Fatalf("%d: response %v, err %v", status, resp, err)
		}
		if status == http.StatusForbidden {
			var abuse *github.AbuseRateLimitError
			if !errors.As(err, &abuse) || abuse.GetRetryAfter() != 42*time.Second {
				t.Errorf("403: err = %#v, want AbuseRateLimitError with RetryAfter 42s", err)
			}
		} else if statusOf(err) != http.StatusTooManyRequests {
			// go-github v62 does not map 429 to AbuseRateLimitError; callers read Retry-After.
			t.Errorf("429: err = %#v", err)
		}
		if st := e.s.Stats(); st.Charged != 0 {
			t.Errorf("%d: refusal charged: %+v", status, st)
		}
	}
}

func TestPrimaryLimit(t *testing.T) {
	e := newEnv(t)
	warm(t, e)
	e.s.PrimaryLimitNext(1)
	_, _, err := e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 1)
	var rl *github.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %#v, want RateLimitError", err)
	}
	if rl.Rate.Remaining != 0 || !rl.Rate.Reset.After(time.Now()) {
		t.Errorf("rate = %+v, want remaining 0 and a future reset", rl.Rate)
	}
	// A fresh client (no local rate-limit memory) goes through again.
	if _, _, err := e.installationClient(t, e.pem, 1).Issues.Get(ctx(t), "rust-lang", "rfcs", 1); err != nil {
		t.Errorf("after the fault: %v", err)
	}
}

func TestLatency(t *testing.T) {
	e := newEnv(t)
	warm(t, e)
	const d = 150 * time.Millisecond
	e.s.SetLatency(d)
	start := time.Now()
	if _, _, err := e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 1); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < d {
		t.Errorf("request took %v, want at least %v", took, d)
	}
	e.s.SetLatency(0)
}

func TestPrimaryLimitEnforced(t *testing.T) {
	e := newEnv(t)
	e.s.Close()
	key := e.key
	s := New(Options{AppID: testAppID, AppKey: &key.PublicKey, RateLimit: 3})
	t.Cleanup(s.Close)
	e.s = s
	e.gh = e.installationClient(t, e.pem, 1)
	s.SeedIssue(Issue{Repo: testRepo, Number: 1, Title: "t"})
	for i := range 3 {
		if _, _, err := e.gh.Issues.Get(ctx(t), "rust-lang", "rfcs", 1); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	_, _, err := e.installationClient(t, e.pem, 1).Issues.Get(ctx(t), "rust-lang", "rfcs", 1)
	var rl *github.RateLimitError
	if !errors.As(err, &rl) || rl.Rate.Limit != 3 {
		t.Fatalf("4th call: %v, want RateLimitError with limit 3", err)
	}
	rate, _, err := e.installationClient(t, e.pem, 1).RateLimit.Get(ctx(t))
	if err != nil || rate.GetCore().Remaining != 0 {
		t.Errorf("/rate_limit while limited: %+v, %v", rate, err)
	}
}
