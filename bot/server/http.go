package server

import (
	"context"
	"net/http"
	"time"
)

// Timeouts bound how long one connection may hold the server, so that a
// slow or stuck client (or a handler stuck on a dead database) cannot pin
// a goroutine and a socket for ever.
type Timeouts struct {
	ReadHeader time.Duration // request line and headers
	Read       time.Duration // the whole request, body included (25 MiB deliveries)
	Write      time.Duration // from the end of the headers to the end of the response
	Idle       time.Duration // a kept-alive connection waiting for its next request
}

// DefaultTimeouts suit GitHub deliveries: GitHub waits 10 s for an answer,
// a 25 MiB body may take a while on a slow link, and WriteTimeout leaves
// room for the slowest handler (the bounded ingest, /readyz's 3 s check,
// /metrics) after a full read.
var DefaultTimeouts = Timeouts{
	ReadHeader: 10 * time.Second,
	Read:       30 * time.Second,
	Write:      45 * time.Second,
	Idle:       120 * time.Second,
}

// New returns an HTTP server for h with every timeout set; zero fields of
// t take DefaultTimeouts' values. WriteTimeout alone only makes a late
// answer fail; each request's context also ends at the write deadline, so a
// handler waiting on its context (a database call, a lock) gives up then
// and the connection is freed.
func New(h http.Handler, t Timeouts) *http.Server {
	or := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	write := or(t.Write, DefaultTimeouts.Write)
	if h == nil {
		h = http.DefaultServeMux
	}
	bounded := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), write)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
	return &http.Server{
		Handler:           bounded,
		ReadHeaderTimeout: or(t.ReadHeader, DefaultTimeouts.ReadHeader),
		ReadTimeout:       or(t.Read, DefaultTimeouts.Read),
		WriteTimeout:      write,
		IdleTimeout:       or(t.Idle, DefaultTimeouts.Idle),
	}
}
