package gh

import (
	"fmt"
	"net/http"
	"strconv"
)

// Watcher is told what GitHub's responses say about the bot's standing:
// whether its credentials work and how much of a rate limit is left.
type Watcher interface {
	// Auth is called with nil after a response that shows the
	// credentials work, and with the problem after a 401.
	Auth(err error)
	// RateLimit is called with X-RateLimit-Resource (default "core") and
	// X-RateLimit-Remaining of every response that carries them.
	RateLimit(resource string, remaining int)
}

// Watch returns a transport that tells w about every response through next
// (http.DefaultTransport when nil). It reads headers and status only; the
// request, its credentials and the body are passed through untouched.
// Put it under the client (gh.Config.Transport) so that installation-token
// requests, which fail first with a wrong App key, are watched too.
func Watch(next http.RoundTripper, w Watcher) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &watched{next: next, w: w}
}

type watched struct {
	next http.RoundTripper
	w    Watcher
}

func (t *watched) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil || t.w == nil {
		return resp, err
	}
	if v := resp.Header.Get("X-RateLimit-Remaining"); v != "" {
		if n, perr := strconv.Atoi(v); perr == nil {
			res := resp.Header.Get("X-RateLimit-Resource")
			if res == "" {
				res = "core"
			}
			t.w.RateLimit(res, n)
		}
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		t.w.Auth(fmt.Errorf("GitHub answered 401 Unauthorized to %s %s: the token, App id or App key is wrong, revoked or expired", r.Method, Route(r.URL.Path, "")))
	case resp.StatusCode < 400 || resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusForbidden:
		// The credentials were accepted (a 404 or 403 is about the
		// resource, not about who asks).
		if r.Header.Get("Authorization") != "" {
			t.w.Auth(nil)
		}
	}
	return resp, nil
}
