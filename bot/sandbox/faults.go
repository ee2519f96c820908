package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// faults holds the injected failures still to be served.
type faults struct {
	latency time.Duration

	failN      int
	failStatus int

	secondaryN      int
	secondaryStatus int
	retryAfter      time.Duration

	primaryN int

	dropHooks int
}

// secondaryMessage is the text GitHub answers when a secondary rate limit is hit.
const secondaryMessage = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
	"If you reach out to GitHub Support for help, please include the request ID %s."

// secondaryDocs ends in "secondary-rate-limits", which go-github v62 uses to recognise the 403.
const secondaryDocs = "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"

// take returns the next injected failure, if any, consuming it. Primary limits win over
// secondary limits, which win over server errors. It runs with s.mu held.
func (f *faults) take(s *Server, who identity) (reply, bool) {
	switch {
	case f.primaryN > 0:
		f.primaryN--
		return s.primaryLimitReply(who, time.Now().Add(time.Minute)), true // wall clock, see auth.go
	case f.secondaryN > 0:
		f.secondaryN--
		h := http.Header{}
		h.Set(hdrNoCharge, "1")
		h.Set("Retry-After", strconv.Itoa(int(f.retryAfter.Round(time.Second)/time.Second)))
		rep := errReply(f.secondaryStatus, fmt.Sprintf(secondaryMessage, newGUID()[:18]))
		rep.body.(map[string]any)["documentation_url"] = secondaryDocs
		rep.header = h
		return rep, true
	case f.failN > 0:
		f.failN--
		return errReply(f.failStatus, http.StatusText(f.failStatus)), true
	}
	return reply{}, false
}

// primaryLimitReply is GitHub's answer once the hourly budget is spent.
func (s *Server) primaryLimitReply(who identity, reset time.Time) reply {
	b := s.bucket(who)
	h := http.Header{}
	h.Set(hdrNoCharge, "1")
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Used", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	rep := errReply(http.StatusForbidden, fmt.Sprintf("API rate limit exceeded for %s.", who.describe()))
	rep.body.(map[string]any)["documentation_url"] =
		"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
	rep.header = h
	return rep
}

// SetLatency delays every API response by d (0 turns it off).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fa.latency = d
}

// FailNext makes the next n token-authenticated API requests answer status (a 5xx).
// Requests to /app/* (JWT) are exempt so token minting stays predictable.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fa.failN, s.fa.failStatus = n, status
}

// SecondaryLimitNext makes the next n API requests answer status (403 or 429) with
// Retry-After and GitHub's secondary-rate-limit message.
func (s *Server) SecondaryLimitNext(n, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fa.secondaryN, s.fa.secondaryStatus, s.fa.retryAfter = n, status, retryAfter
}

// PrimaryLimitNext makes the next n API requests answer 403 with X-RateLimit-Remaining 0
// and a reset one minute ahead, as when the hourly budget is spent.
func (s *Server) PrimaryLimitNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fa.primaryN = n
}

// DropWebhooks records the next n webhooks as failed deliveries without sending them.
func (s *Server) DropWebhooks(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fa.dropHooks = n
}

// Stats counts API requests since the start or the last ResetStats.
type Stats struct {
	Reads       int // GET and HEAD requests, 304s included
	Writes      int // every other method
	NotModified int // 304 answers to If-None-Match
	// Charged counts what GitHub would charge to the primary limit: everything except
	// 304s, /rate_limit, 401s and rate-limit refusals.
	Charged int
	ByRoute map[string]int // "GET /repos/{owner}/{repo}/issues/{issue_number}" → count
}

// Stats returns a copy of the request counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.sx
	out.ByRoute = make(map[string]int, len(s.sx.ByRoute))
	for k, v := range s.sx.ByRoute {
		out.ByRoute[k] = v
	}
	return out
}

// ResetStats zeroes the request counters.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sx = Stats{ByRoute: map[string]int{}}
}
