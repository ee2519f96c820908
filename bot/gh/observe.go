package gh

import (
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// observed is the base transport: it sets the User-Agent where none is
// (ghinstallation's token requests) and reports every request to observe.
// It sees requests with their Authorization header but reports only the
// method, the route, the status and the duration.
type observed struct {
	next    http.RoundTripper
	observe func(method, route string, status int, d time.Duration)
	agent   string
	prefix  string // API base path, stripped from routes ("/api/v3/")

	requests, notModified atomic.Int64 // requests sent; of them answered 304
}

func (o *observed) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("User-Agent") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", o.agent)
	}
	start := time.Now()
	resp, err := o.next.RoundTrip(r)
	o.requests.Add(1)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	if status == http.StatusNotModified {
		o.notModified.Add(1)
	}
	if o.observe != nil {
		o.observe(r.Method, Route(r.URL.Path, o.prefix), status, time.Since(start))
	}
	return resp, err
}

// Route turns a request path into a route with few distinct values, fit
// for a metric label: the API base path is removed and owner, repository,
// user and organisation names, numbers and content paths become
// placeholders ("/repos/{owner}/{repo}/issues/{n}/comments").
func Route(path, prefix string) string {
	if p, ok := strings.CutPrefix(path, strings.TrimSuffix(prefix, "/")); ok {
		path = p
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		prev := ""
		if i > 0 {
			prev = segs[i-1]
		}
		switch {
		case s == "":
			continue
		case prev == "contents" && segs[0] == "repos":
			return "/" + strings.Join(append(out, "{path}"), "/") // the rest is a file path
		case isNumber(s):
			s = "{n}"
		case segs[0] == "repos" && i == 1:
			s = "{owner}"
		case segs[0] == "repos" && i == 2:
			s = "{repo}"
		case (segs[0] == "users" || segs[0] == "orgs") && i == 1:
			s = "{name}"
		case prev == "collaborators" || prev == "labels" || prev == "assignees":
			s = "{name}"
		case len(s) >= 40 && isHex(s):
			s = "{sha}"
		}
		out = append(out, s)
	}
	return "/" + strings.Join(out, "/")
}

// isNumber reports whether s is all ASCII digits.
func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// isHex reports whether s is all lower-case hexadecimal digits.
func isHex(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}
