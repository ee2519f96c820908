package dashboard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// Options configure a Handler.
type Options struct {
	Source Source
	Log    zerolog.Logger
	// Refresh is how long one snapshot of the store is served before the
	// next request reads a new one; default 2 s, <0 reads on every request.
	Refresh time.Duration
	// MaxAge is the Cache-Control max-age of every answer; default 5 s.
	MaxAge time.Duration
}

// Handler serves the dashboard's pages, JSON API and feeds.
type Handler struct {
	src     Source
	log     zerolog.Logger
	refresh time.Duration
	maxAge  string
	pages   *pages
	mux     *http.ServeMux

	mu      sync.Mutex
	world   *world
	gen     uint64    // grows with each snapshot read
	readAt  time.Time // when world was read (wall clock)
	answers map[string]*answer
}

// answer is one rendered response, kept until the next snapshot.
type answer struct {
	gen    uint64
	status int
	ctype  string
	body   []byte
	etag   string
}

// maxAnswers bounds the answer cache (query strings are the client's).
const maxAnswers = 1024

// New returns the dashboard handler.
func New(o Options) (*Handler, error) {
	if o.Source == nil {
		return nil, fmt.Errorf("dashboard: no source")
	}
	p, err := newPages()
	if err != nil {
		return nil, err
	}
	h := &Handler{src: o.Source, log: o.Log, refresh: o.Refresh, pages: p, answers: map[string]*answer{}}
	switch {
	case h.refresh == 0:
		h.refresh = 2 * time.Second
	case h.refresh < 0:
		h.refresh = 0
	}
	if o.MaxAge <= 0 {
		o.MaxAge = 5 * time.Second
	}
	h.maxAge = "public, max-age=" + strconv.Itoa(int(o.MaxAge/time.Second))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.page(h.goalsPage))
	mux.HandleFunc("GET /goals/{id...}", h.page(h.goalPage))
	mux.HandleFunc("GET /fcps", h.page(h.fcpsPage))
	mux.HandleFunc("GET /people", h.findPerson)
	mux.HandleFunc("GET /people/{login}", h.page(h.personPage))
	mux.HandleFunc("GET /api/v1/goals", h.api(h.goalsAPI))
	mux.HandleFunc("GET /api/v1/goals/{id...}", h.api(h.goalAPI))
	mux.HandleFunc("GET /api/v1/fcps", h.api(h.fcpsAPI))
	mux.HandleFunc("GET /api/v1/people/{login}", h.api(h.personAPI))
	mux.HandleFunc("GET /fcps.ics", h.page(h.calendar))
	mux.HandleFunc("GET /feed.atom", h.page(h.feed))
	mux.HandleFunc("GET /static/dashboard.css", h.css)
	mux.HandleFunc("GET /api/", h.api(func(*http.Request, *world) (int, any, error) {
		return http.StatusNotFound, apiError("no such endpoint; see /api/v1/goals, /api/v1/fcps, /api/v1/people/{login}"), nil
	}))
	mux.HandleFunc("/", h.page(func(*http.Request, *world) (int, string, []byte, error) {
		return h.errorPage(http.StatusNotFound, "No such page.")
	}))
	h.mux = mux
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// current returns the snapshot to answer from, reading a new one when the
// one held is older than the refresh interval.
func (h *Handler) current(ctx context.Context) (*world, uint64, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.world != nil && time.Since(h.readAt) < h.refresh {
		return h.world, h.gen, nil
	}
	snap, err := h.src.Snapshot(ctx)
	if err != nil {
		return nil, 0, err
	}
	h.world, h.readAt = newWorld(snap), time.Now()
	h.gen++
	return h.world, h.gen, nil
}

// renderFunc renders one answer from a snapshot.
type renderFunc func(r *http.Request, w *world) (status int, ctype string, body []byte, err error)

// page serves a renderFunc through the answer cache with ETags.
func (h *Handler) page(fn renderFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		wd, gen, err := h.current(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		key := r.URL.Path + "?" + r.URL.Query().Encode()
		h.mu.Lock()
		a := h.answers[key]
		h.mu.Unlock()
		if a == nil || a.gen != gen {
			status, ctype, body, err := fn(r, wd)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			sum := sha256.Sum256(body)
			a = &answer{gen: gen, status: status, ctype: ctype, body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
			h.mu.Lock()
			if len(h.answers) >= maxAnswers {
				clear(h.answers)
			}
			h.answers[key] = a
			h.mu.Unlock()
		}
		hd := w.Header()
		hd.Set("Content-Type", a.ctype)
		hd.Set("Cache-Control", h.maxAge)
		hd.Set("X-Content-Type-Options", "nosniff")
		if a.status == http.StatusOK {
			hd.Set("ETag", a.etag)
			if etagMatch(r.Header.Get("If-None-Match"), a.etag) {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		hd.Set("Content-Length", strconv.Itoa(len(a.body)))
		w.WriteHeader(a.status)
		if r.Method != http.MethodHead {
			w.Write(a.body)
		}
	}
}

// etagMatch reports whether an If-None-Match header names etag (or is *).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// fail answers an internal error without its cause, which goes to the log.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error().Err(err).Str("path", r.URL.Path).Msg("dashboard")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, http.StatusInternalServerError, apiError("internal error"))
		return
	}
	http.Error(w, "Internal error.", http.StatusInternalServerError)
}

// apiFunc returns a JSON value and its status.
type apiFunc func(r *http.Request, w *world) (int, any, error)

func (h *Handler) api(fn apiFunc) http.HandlerFunc {
	return h.page(func(r *http.Request, w *world) (int, string, []byte, error) {
		status, v, err := fn(r, w)
		if err != nil {
			return 0, "", nil, err
		}
		body, err := encodeJSON(v)
		return status, "application/json; charset=utf-8", body, err
	})
}

func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return b.Bytes(), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := encodeJSON(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

type errorBody struct {
	Error string `json:"error"`
}

func apiError(msg string) errorBody { return errorBody{Error: msg} }

// loginRE matches a GitHub login (and App bots' "name[bot]").
var loginRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$`)

func (h *Handler) goalsAPI(r *http.Request, w *world) (int, any, error) {
	return http.StatusOK, w.goalList(goalFilter(r)), nil
}

func (h *Handler) goalAPI(r *http.Request, w *world) (int, any, error) {
	d, ok := w.goalDetail(r.PathValue("id"))
	if !ok {
		return http.StatusNotFound, apiError(fmt.Sprintf("no goal %q; /api/v1/goals lists them", r.PathValue("id"))), nil
	}
	return http.StatusOK, d, nil
}

func (h *Handler) fcpsAPI(r *http.Request, w *world) (int, any, error) {
	return http.StatusOK, w.fcpList(fcpFilter(r)), nil
}

func (h *Handler) personAPI(r *http.Request, w *world) (int, any, error) {
	login := normLogin(r.PathValue("login"))
	if !loginRE.MatchString(login) {
		return http.StatusNotFound, apiError(fmt.Sprintf("%q is not a GitHub login", login)), nil
	}
	return http.StatusOK, w.person(login), nil
}

func goalFilter(r *http.Request) GoalFilter {
	q := r.URL.Query()
	return GoalFilter{Period: q.Get("period"), Team: q.Get("team")}
}

func fcpFilter(r *http.Request) FCPFilter {
	q := r.URL.Query()
	return FCPFilter{Team: q.Get("team"), BlockedOnOthers: q.Get("blocked_on_others")}
}

// findPerson sends the header's person form to that person's page.
func (h *Handler) findPerson(w http.ResponseWriter, r *http.Request) {
	login := normLogin(r.URL.Query().Get("login"))
	if !loginRE.MatchString(login) {
		_, ctype, body, _ := h.errorPage(http.StatusNotFound, "Type a GitHub login, such as nikomatsakis.")
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(http.StatusNotFound)
		w.Write(body)
		return
	}
	http.Redirect(w, r, "/people/"+url.PathEscape(login), http.StatusSeeOther)
}
