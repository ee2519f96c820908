package sandbox

import (
	"net/http"
	"time"
)

// LoseMode says how the answer to an applied write is lost.
type LoseMode int

// Ways an answer is lost after GitHub applied the write.
const (
	// LoseReset closes the connection without a byte of answer, as a
	// connection reset or a proxy dying does.
	LoseReset LoseMode = iota
	// Lose502 answers 502 Bad Gateway, as GitHub's front end sometimes does
	// when the write went through behind it.
	Lose502
	// LoseTimeout sends nothing and holds the connection for LoseHold, so
	// that a client with a shorter deadline gives up waiting.
	LoseTimeout
)

// LoseHold is how long LoseTimeout holds a connection before closing it.
const LoseHold = 3 * time.Second

// String names the mode for test names.
func (m LoseMode) String() string {
	switch m {
	case LoseReset:
		return "reset"
	case Lose502:
		return "502"
	case LoseTimeout:
		return "timeout"
	}
	return "unknown"
}

// lostAnswers is the "apply the write, then lose the answer" fault.
type lostAnswers struct {
	n     int
	mode  LoseMode
	route string // "POST /repos/{owner}/{repo}/issues" and the like; "" for any write
}

// LoseAnswerNext makes the next n writes (any method but GET and HEAD)
// whose route is route ("" for any write; otherwise the method and the
// OpenAPI path template, e.g. "POST /repos/{owner}/{repo}/issues/{issue_number}/comments")
// happen — state changes and webhooks go out — while their answer is lost
// as mode says. It is how a client learns whether its writes are
// idempotent: a retry must not write twice.
func (s *Server) LoseAnswerNext(n int, mode LoseMode, route string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lost = lostAnswers{n: n, mode: mode, route: route}
}

// takeLost reports whether the answer to this write is to be lost, and
// how, consuming one. It runs with s.mu held.
func (s *Server) takeLost(rt *route, method string) (LoseMode, bool) {
	l := &s.lost
	if l.n <= 0 || method == http.MethodGet || (l.route != "" && l.route != rt.Method+" "+rt.Path) {
		return 0, false
	}
	l.n--
	return l.mode, true
}

// loseAnswer drops the answer to an applied write as mode says. It runs
// with s.mu held and never blocks on the client.
func (s *Server) loseAnswer(w http.ResponseWriter, r *http.Request, rt *route, who identity, mode LoseMode) {
	if mode == Lose502 {
		s.write(w, r, rt, who, errReply(http.StatusBadGateway, "Bad Gateway"))
		return
	}
	s.sx.Writes++
	s.sx.ByRoute[rt.Method+" "+rt.Path]++
	hj, ok := w.(http.Hijacker)
	if !ok {
		s.write(w, r, rt, who, errReply(http.StatusBadGateway, "Bad Gateway"))
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if mode == LoseReset {
		conn.Close()
		return
	}
	go func() {
		time.Sleep(LoseHold)
		conn.Close()
	}()
}
