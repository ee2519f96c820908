// Package sandbox is a stateful fake of the GitHub REST subset goalbot uses, served over
// loopback HTTP so the real go-github client and ghinstallation can talk to it in tests and
// in `goalbot demo`.
package sandbox

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Options configures a Server.
type Options struct {
	AppID   int64  // the GitHub App id; the JWT issuer must match it
	AppSlug string // the App slug; the bot's login is AppSlug+"[bot]"
	// AppKey verifies App JWTs (RS256) on the /app endpoints; nil refuses every JWT.
	AppKey *rsa.PublicKey
	// Token, when set, is accepted as plain user authentication acting as TokenLogin.
	Token      string
	TokenLogin string
	// WebhookURL receives every event, signed with WebhookSecret; empty records deliveries unsent.
	WebhookURL    string
	WebhookSecret string
	// RateLimit is the primary limit per identity and hour (default 5000); once spent, API
	// calls answer 403 with X-RateLimit-Remaining 0 until the window resets.
	RateLimit int
	Now       func() time.Time                 // injectable clock for GitHub data timestamps, default time.Now
	Logf      func(format string, args ...any) // optional log sink
}

// Server is a running sandbox; all methods are safe for concurrent use.
type Server struct {
	opts   Options
	ln     net.Listener
	hs     *http.Server
	base   string
	routes []route

	mu sync.Mutex // guards everything below, and is held while an API handler runs
	st *state
	rl map[string]*bucket
	fa faults
	sx Stats

	lost lostAnswers // see LoseAnswerNext

	hooks *hookQueue
}

// apiPrefix is the path GitHub Enterprise (and go-github's WithEnterpriseURLs) puts the API under.
const apiPrefix = "/api/v3"

// New starts a sandbox listening on 127.0.0.1 on a free port.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.RateLimit <= 0 {
		opts.RateLimit = 5000
	}
	if opts.AppSlug == "" {
		opts.AppSlug = "goalbot"
	}
	if opts.AppID == 0 {
		opts.AppID = 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		// Loopback listening only fails on a broken host; tests cannot continue either way.
		panic(fmt.Sprintf("sandbox: listen on loopback: %v", err))
	}
	s := &Server{
		opts: opts,
		ln:   ln,
		base: "http://" + ln.Addr().String(),
		st:   newState(),
		rl:   map[string]*bucket{},
		sx:   Stats{ByRoute: map[string]int{}},
	}
	s.routes = s.routeTable()
	s.hooks = newHookQueue(s)
	s.hs = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.st.user(opts.AppSlug+"[bot]", "Bot")
	if opts.TokenLogin != "" {
		s.st.user(opts.TokenLogin, "")
	}
	go s.hs.Serve(ln) //nolint:errcheck // returns ErrServerClosed on Close
	return s
}

// URL returns the REST base URL with a trailing slash, usable as go-github's BaseURL or
// with WithEnterpriseURLs (it already ends in /api/v3/).
func (s *Server) URL() string { return s.base + apiPrefix + "/" }

// Close stops the outgoing webhook queue and the HTTP server.
func (s *Server) Close() {
	s.hooks.close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.hs.Shutdown(ctx) //nolint:errcheck // best effort in tests
}

// SetWebhookURL changes where events are delivered (the bot often starts after the sandbox).
func (s *Server) SetWebhookURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.WebhookURL = url
}

// authKind says which credential a route wants.
type authKind int

const (
	authToken authKind = iota // installation token or the plain token
	authApp                   // App JWT
)

// route is one REST operation the sandbox serves; Path uses the OpenAPI template names.
type route struct {
	Method      string
	Path        string
	OperationID string
	auth        authKind
	handle      func(c *call) reply
}

// call is one authenticated API request being served.
type call struct {
	s      *Server
	r      *http.Request
	params map[string]string
	who    identity
	body   []byte
}

// reply is what a handler answers: a status, a JSON body (nil for none) and extra headers.
type reply struct {
	status int
	body   any
	header http.Header
}

func ok(body any) reply { return reply{status: http.StatusOK, body: body} }

func errReply(status int, msg string) reply {
	return reply{status: status, body: map[string]any{
		"message":           msg,
		"documentation_url": "https://docs.github.com/rest",
		"status":            fmt.Sprint(status),
	}}
}

func notFound() reply { return errReply(http.StatusNotFound, "Not Found") }

// decode reads the JSON request body into v.
func (c *call) decode(v any) error {
	if len(c.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return fmt.Errorf("decode %s body: %w", c.r.URL.Path, err)
	}
	return nil
}

// match finds the route for method and path, preferring the template with most literal segments.
func (s *Server) match(method, path string) (*route, map[string]string, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *route
	var bestParams map[string]string
	bestLit := -1
	pathKnown := false
	for i := range s.routes {
		rt := &s.routes[i]
		params, lit, okm := matchTemplate(rt.Path, segs)
		if !okm {
			continue
		}
		pathKnown = true
		if rt.Method != method {
			continue
		}
		if lit > bestLit {
			best, bestParams, bestLit = rt, params, lit
		}
	}
	return best, bestParams, pathKnown
}

// matchTemplate matches path segments against a template such as
// /repos/{owner}/{repo}/contents/{path}, where a final {path} takes the rest.
func matchTemplate(tmpl string, segs []string) (map[string]string, int, bool) {
	ts := strings.Split(strings.Trim(tmpl, "/"), "/")
	params := map[string]string{}
	lit := 0
	for i, t := range ts {
		if i >= len(segs) {
			return nil, 0, false
		}
		if strings.HasPrefix(t, "{") {
			if t == "{path}" && i == len(ts)-1 {
				p, err := url.PathUnescape(strings.Join(segs[i:], "/"))
				params["path"] = p
				return params, lit, err == nil && segs[i] != ""
			}
			if segs[i] == "" {
				return nil, 0, false
			}
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return nil, 0, false
			}
			params[strings.Trim(t, "{}")] = v
			continue
		}
		if t != segs[i] {
			return nil, 0, false
		}
		lit++
	}
	return params, lit, len(ts) == len(segs)
}

func (s *Server) logf(format string, args ...any) { s.opts.Logf("sandbox: "+format, args...) }
