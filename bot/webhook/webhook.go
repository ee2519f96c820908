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
// delivery id had been stored before.
type Ingester interface {
	Ingest(ctx context.Context, d bot.Delivery) (duplicate bool, err error)
}

// Receiver is the http.Handler for POST /webhook.
type Receiver struct {
	secrets [][]byte
	events  map[string]bool
	store   Ingester
	log     zerolog.Logger
	metrics *metrics.Metrics
	now     func() time.Time
}

// New returns a receiver that accepts deliveries signed with any of
// secrets and stores those whose event is in events. It refuses an empty
// secret list: go-github's ValidatePayload would accept unsigned bodies.
func New(store Ingester, secrets []string, events []string, log zerolog.Logger, m *metrics.Metrics) (*Receiver, error) {
	r := &Receiver{store: store, events: map[string]bool{}, log: log, metrics: m, now: time.Now}
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

// payloadHead is the part of a payload the receiver reads for routing and logs.
type payloadHead struct {
	Action     string `json:"action"`
	Repository *struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
	Installation *struct {
		ID int64 `json:"id"`
	} `json:"installation"`
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
	var head payloadHead
	if err := decodeHead(body, &head); err != nil {
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
	d := bot.Delivery{ID: id, Event: event, Action: head.Action, Payload: body, ReceivedAt: rc.now().UTC()}
	if head.Repository != nil {
		d.Repo = strings.ToLower(head.Repository.FullName)
	}
	if head.Installation != nil {
		d.InstallationID = head.Installation.ID
	}
	log = log.With().Str("repo", d.Repo).Str("action", d.Action).Logger()
	dup, err := rc.store.Ingest(r.Context(), d)
	switch {
	case err != nil:
		// 503 makes GitHub record a failed delivery that can be redelivered.
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
