// Package webhook receives GitHub webhook deliveries: it verifies them,
// stores the ones goalbot uses durably together with their job, and
// answers at once. It never calls GitHub.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/metrics"
	"github.com/rs/zerolog"
)

// MaxBody is the largest body accepted: GitHub caps payloads at 25 MB and
// does not deliver larger events at all.
const MaxBody = 25 << 20

// Ingester stores a delivery and its job atomically, reporting whether the
// delivery id had been stored before. It returns only once the delivery is
// durable, or with an error.
type Ingester interface {
	Ingest(ctx context.Context, d bot.Delivery) (duplicate bool, err error)
}

// ItemIngester is an Ingester that can finish a delivery about an item no
// goal tracks without a job (see Receiver.SkipUntracked).
type ItemIngester interface {
	Ingester
	// IngestAbout is Ingest, except that when no goal tracks item the
	// delivery is stored as done and gets no job.
	IngestAbout(ctx context.Context, d bot.Delivery, item string) (duplicate bool, err error)
}

// DefaultIngestTimeout bounds storing one delivery. GitHub waits 10 s for an
// answer; a 503 well before that records a failed delivery that can be
// redelivered, where a hung request records nothing useful.
const DefaultIngestTimeout = 5 * time.Second

// Receiver is the http.Handler for POST /webhook.
type Receiver struct {
	secrets [][]byte
	events  map[string]bool
	store   Ingester
	log     zerolog.Logger
	metrics *metrics.Metrics
	now     func() time.Time

	timeout time.Duration   // bound on storing one delivery
	login   func() string   // the bot's login when known; nil: never skip
	keep    func() []string // words that make an untracked delivery keep its job
	items   ItemIngester    // store, when it can skip untracked deliveries
}

// SetIngestTimeout bounds how long storing one delivery may take before the
// receiver answers 503 (default DefaultIngestTimeout).
func (rc *Receiver) SetIngestTimeout(d time.Duration) {
	if d > 0 {
		rc.timeout = d
	}
}

// SkipUntracked lets the receiver finish, without a job, deliveries about
// an issue or pull request no goal tracks that hold no command: the
// handlers of issues, pull_request, issue_comment and pull_request_review
// events act on tracked items and on commands only. login returns the
// bot's login ("" while unknown: nothing is skipped then, since a mention
// could be a command). keep, when not nil, returns words whose presence
// anywhere in a payload (ASCII case folded) means its handlers may still
// act on an untracked item — rfcbot's FCP labels and logins with [fcp]
// track_all, a goal's tracking-issue repository for discovery — so it gets
// its job. It needs a store that implements ItemIngester.
func (rc *Receiver) SkipUntracked(login func() string, keep func() []string) {
	if ii, ok := rc.store.(ItemIngester); ok && login != nil {
		rc.items, rc.login, rc.keep = ii, login, keep
	}
}

// New returns a receiver that accepts deliveries signed with any of
// secrets and stores those whose event is in events. It refuses an empty
// secret list: go-github's ValidatePayload would accept unsigned bodies.
func New(store Ingester, secrets []string, events []string, log zerolog.Logger, m *metrics.Metrics) (*Receiver, error) {
	r := &Receiver{store: store, events: map[string]bool{}, log: log, metrics: m, now: time.Now, timeout: DefaultIngestTimeout}
	for _, s := range secrets {
		if s != "" {
			r.secrets = append(r.secrets, []byte(s))
		}
	}
	if len(r.secrets) == 0 {
		return nil, errors.New("no webhook secret configured")
	}
	for _, e := range events {
		r.events[e] = true
	}
	return r, nil
}

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := rc.now()
	event := r.Header.Get("X-GitHub-Event")
	id := r.Header.Get("X-GitHub-Delivery")
	log := rc.log.With().Str("delivery", id).Str("event", event).Logger()
	reply := func(status int, outcome, msg string) {
		if rc.metrics != nil {
			rc.metrics.Deliveries.WithLabelValues(metricEvent(event, rc.events), outcome).Inc()
			rc.metrics.AckLatency.Observe(rc.now().Sub(start).Seconds())
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, msg+"\n")
	}

	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		reply(http.StatusMethodNotAllowed, "bad_request", "method not allowed: deliveries are POSTed")
		return
	}
	if r.ContentLength > MaxBody {
		reply(http.StatusRequestEntityTooLarge, "too_large", "payload too large")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			reply(http.StatusRequestEntityTooLarge, "too_large", "payload too large")
			return
		}
		reply(http.StatusBadRequest, "bad_request", "could not read body")
		return
	}
	if !rc.validSignature(r.Header.Get("X-Hub-Signature-256"), body) {
		log.Warn().Msg("webhook signature missing or wrong; nothing stored")
		reply(http.StatusUnauthorized, "unauthorized", "missing or invalid X-Hub-Signature-256")
		return
	}
	if event == "" || id == "" {
		reply(http.StatusBadRequest, "bad_request", "missing X-GitHub-Event or X-GitHub-Delivery header")
		return
	}
	head, ok := parseHead(body)
	if !ok {
		reply(http.StatusBadRequest, "bad_request", "body is not a JSON object")
		return
	}
	if event == "ping" {
		reply(http.StatusOK, "ping", "pong")
		return
	}
	if !rc.events[event] {
		log.Debug().Msg("event not used; dropped")
		reply(http.StatusAccepted, "ignored", "event not used; ignored")
		return
	}
	d := bot.Delivery{ID: id, Event: event, Action: head.action, Repo: head.repo, InstallationID: head.installation,
		Payload: body, ReceivedAt: rc.now().UTC()}
	log = log.With().Str("repo", d.Repo).Str("action", d.Action).Logger()
	ctx, cancel := context.WithTimeoutCause(r.Context(), rc.timeout,
		fmt.Errorf("storing the delivery took longer than %v", rc.timeout))
	defer cancel()
	var dup bool
	if item := rc.skippable(event, head, body); item != "" {
		dup, err = rc.items.IngestAbout(ctx, d, item)
	} else {
		dup, err = rc.store.Ingest(ctx, d)
	}
	switch {
	case err != nil:
		// 503 makes GitHub record a failed delivery that can be redelivered;
		// it is never sent for a delivery known to be stored.
		log.Error().Err(err).Msg("could not store delivery")
		reply(http.StatusServiceUnavailable, "error", "could not store delivery; please redeliver")
	case dup:
		log.Info().Msg("duplicate delivery acknowledged, not processed again")
		reply(http.StatusOK, "duplicate", "already received")
	default:
		log.Info().Msg("delivery stored")
		reply(http.StatusAccepted, "accepted", "accepted")
	}
}

// skippable returns the item a delivery is about when it may be finished
// without a job if no goal tracks that item, and "" when it needs its job.
func (rc *Receiver) skippable(event string, h head, body []byte) string {
	if rc.items == nil || !itemEvents[event] {
		return ""
	}
	item := h.item()
	if item == "" {
		return ""
	}
	lower := lowerASCII(body)
	if mayHoldCommand(body, lower, rc.login()) {
		return ""
	}
	if rc.keep != nil {
		for _, w := range rc.keep() {
			if w != "" && containsFold(lower, w) {
				return ""
			}
		}
	}
	return item
}

// validSignature reports whether sig is "sha256=<hex HMAC of body>" under
// any configured secret, compared in constant time.
func (rc *Receiver) validSignature(sig string, body []byte) bool {
	hexSig, ok := strings.CutPrefix(sig, "sha256=")
	if !ok {
		return false
	}
	want, err := hex.DecodeString(hexSig)
	if err != nil || len(want) != sha256.Size {
		return false
	}
	valid := false
	for _, s := range rc.secrets {
		mac := hmac.New(sha256.New, s)
		mac.Write(body)
		if hmac.Equal(mac.Sum(nil), want) {
			valid = true // keep going: no early exit that times secrets
		}
	}
	return valid
}

// metricEvent bounds the label's cardinality: unknown events share one label.
func metricEvent(event string, used map[string]bool) string {
	if used[event] || event == "ping" {
		return event
	}
	return "other"
}

// Sign returns the X-Hub-Signature-256 value for body under secret; the
// sandbox, the demo and tests sign with it.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
