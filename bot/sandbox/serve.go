package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRequestBody caps API request bodies, like GitHub's own limits do.
const maxRequestBody = 10 << 20

// ServeHTTP answers one REST request: latency, routing, auth, faults, handler, ETag,
// rate-limit headers and counters, in that order.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	latency := s.fa.latency
	s.mu.Unlock()
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}

	path := strings.TrimPrefix(r.URL.EscapedPath(), apiPrefix)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		s.write(w, r, nil, identity{}, errReply(http.StatusRequestEntityTooLarge, "Request body too large"))
		return
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	rt, params, _ := s.match(method, path)
	if rt == nil {
		s.write(w, r, nil, identity{}, notFound())
		return
	}
	who, authed := s.authenticate(r, rt.auth)
	if !authed {
		s.write(w, r, rt, identity{}, errReply(http.StatusUnauthorized, "Bad credentials"))
		return
	}
	if rt.auth == authToken && rt.Path != "/rate_limit" {
		if b := s.bucket(who); b.used >= b.limit {
			s.write(w, r, rt, who, s.primaryLimitReply(who, b.reset))
			return
		}
		if rep, hit := s.fa.take(s, who); hit {
			s.write(w, r, rt, who, rep)
			return
		}
	}
	c := &call{s: s, r: r, params: params, who: who, body: body}
	rep := rt.handle(c)
	if rep.status < 300 {
		if mode, lost := s.takeLost(rt, method); lost {
			s.loseAnswer(w, r, rt, who, mode)
			return
		}
	}
	s.write(w, r, rt, who, rep)
}

// write encodes rep, applies ETag/If-None-Match, sets rate-limit headers and counts the request.
// It runs with s.mu held.
func (s *Server) write(w http.ResponseWriter, r *http.Request, rt *route, who identity, rep reply) {
	h := w.Header()
	for k, vs := range rep.header {
		if k != hdrNoCharge {
			h[k] = vs
		}
	}
	h.Set("X-GitHub-Request-Id", newGUID()[:18])
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")

	var data []byte
	if rep.body != nil {
		var err error
		data, err = json.Marshal(rep.body)
		if err != nil {
			rep = errReply(http.StatusInternalServerError, "sandbox: encode response: "+err.Error())
			data, _ = json.Marshal(rep.body)
		}
		h.Set("Content-Type", "application/json; charset=utf-8")
	}

	status := rep.status
	isGet := r.Method == http.MethodGet || r.Method == http.MethodHead
	if isGet && status == http.StatusOK && who.key != "" {
		sum := sha256.New()
		sum.Write([]byte(who.token))
		sum.Write([]byte{0})
		sum.Write(data)
		etag := `"` + hex.EncodeToString(sum.Sum(nil)) + `"`
		h.Set("ETag", etag)
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			status = http.StatusNotModified
			data = nil
			h.Del("Content-Type")
		}
	}

	routeKey := "unmatched"
	if rt != nil {
		routeKey = rt.Method + " " + rt.Path
	}
	charged := status != http.StatusNotModified && status != http.StatusUnauthorized &&
		routeKey != "GET /rate_limit" && who.key != "" && !rep.uncharged()
	b := s.bucket(who)
	if charged && b.used < b.limit {
		b.used++
	}
	if !rep.keepsRateHeaders() {
		h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(b.limit-b.used))
		h.Set("X-RateLimit-Used", strconv.Itoa(b.used))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
	}

	if isGet {
		s.sx.Reads++
	} else {
		s.sx.Writes++
	}
	if status == http.StatusNotModified {
		s.sx.NotModified++
	}
	if charged {
		s.sx.Charged++
	}
	s.sx.ByRoute[routeKey]++

	w.WriteHeader(status)
	if data != nil && r.Method != http.MethodHead {
		w.Write(data) //nolint:errcheck // client went away
	}
}

// uncharged reports whether the reply is a rate-limit refusal, which GitHub does not count.
func (rep reply) uncharged() bool { return rep.header.Get(hdrNoCharge) != "" }

// keepsRateHeaders reports whether the handler already set the rate-limit headers itself.
func (rep reply) keepsRateHeaders() bool { return rep.header.Get("X-RateLimit-Remaining") != "" }

// hdrNoCharge marks a fault reply as not charged; it is removed before sending.
const hdrNoCharge = "X-Sandbox-No-Charge"

// etagMatches reports whether an If-None-Match header names etag (weak or strong, or *).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}

// bucket is one identity's primary rate-limit window.
type bucket struct {
	limit int
	used  int
	reset time.Time
}

// bucket returns who's current window, opening a new one when the old has passed.
func (s *Server) bucket(who identity) *bucket {
	now := time.Now() // wall clock: go-github compares X-RateLimit-Reset with time.Now
	key := who.key
	if key == "" {
		key = "anonymous"
	}
	b := s.rl[key]
	if b == nil || !now.Before(b.reset) {
		limit := s.opts.RateLimit
		if key == "anonymous" {
			limit = 60
		}
		b = &bucket{limit: limit, reset: now.Add(time.Hour).Truncate(time.Second)}
		s.rl[key] = b
	}
	return b
}
