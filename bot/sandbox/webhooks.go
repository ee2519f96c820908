package sandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Delivery is one attempt to deliver a webhook, as GitHub's delivery log records it.
type Delivery struct {
	ID             int64
	GUID           string // X-GitHub-Delivery; a redelivery keeps it
	Event          string
	Action         string
	InstallationID int64
	RepositoryID   int64
	DeliveredAt    time.Time
	Duration       time.Duration
	StatusCode     int    // the bot's HTTP status, 0 if nothing answered
	Status         string // "OK" for 2xx, else what went wrong
	Redelivery     bool
	Dropped        bool   // DropWebhooks swallowed it
	Payload        []byte // the signed body
}

// OK reports whether the bot answered with a 2xx.
func (d Delivery) OK() bool { return d.StatusCode >= 200 && d.StatusCode < 300 }

// hookHeaders are sent with every delivery besides the per-delivery ones.
const (
	hookID        = 1
	hookUserAgent = "GitHub-Hookshot/sandbox"
	hookTimeout   = 10 * time.Second // GitHub gives up after 10 s
)

// pending is a delivery waiting in the outgoing queue.
type pending struct {
	d    Delivery
	drop bool
	url  string
	done chan Delivery
}

// hookQueue delivers webhooks one at a time, in the order they were enqueued.
type hookQueue struct {
	s      *Server
	client *http.Client

	mu      sync.Mutex
	items   []*pending
	busy    bool
	changed chan struct{} // closed and replaced whenever the queue drains an item
	closed  bool
	wake    chan struct{}
	stopped chan struct{}

	log []Delivery // guarded by mu
}

func newHookQueue(s *Server) *hookQueue {
	q := &hookQueue{
		s:       s,
		client:  &http.Client{Timeout: hookTimeout},
		changed: make(chan struct{}),
		wake:    make(chan struct{}, 1),
		stopped: make(chan struct{}),
	}
	go q.run()
	return q
}

// enqueue appends a delivery; callers hold s.mu so the queue order is the mutation order.
func (q *hookQueue) enqueue(p *pending) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		d := p.d
		d.Status = "sandbox: server closed"
		p.done <- d
		return
	}
	q.items = append(q.items, p)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *hookQueue) run() {
	defer close(q.stopped)
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return
		}
		if len(q.items) == 0 {
			q.mu.Unlock()
			<-q.wake
			continue
		}
		p := q.items[0]
		q.items = q.items[1:]
		q.busy = true
		q.mu.Unlock()

		d := q.deliver(p)

		q.mu.Lock()
		q.log = append(q.log, d)
		q.busy = false
		close(q.changed)
		q.changed = make(chan struct{})
		q.mu.Unlock()
		p.done <- d
	}
}

func (q *hookQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	<-q.stopped
}

// deliver POSTs one payload, signed, and records the outcome.
func (q *hookQueue) deliver(p *pending) Delivery {
	d := p.d
	d.DeliveredAt = q.s.opts.Now()
	switch {
	case p.drop:
		d.Dropped = true
		d.Status = "failed to connect to host"
		return d
	case p.url == "":
		d.Status = "no webhook URL configured"
		return d
	}
	req, err := http.NewRequest(http.MethodPost, p.url, bytes.NewReader(d.Payload))
	if err != nil {
		d.Status = fmt.Sprintf("invalid webhook URL: %v", err)
		return d
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", hookUserAgent)
	h.Set("X-GitHub-Event", d.Event)
	h.Set("X-GitHub-Delivery", d.GUID)
	h.Set("X-GitHub-Hook-ID", strconv.Itoa(hookID))
	h.Set("X-GitHub-Hook-Installation-Target-Type", "integration")
	h.Set("X-GitHub-Hook-Installation-Target-ID", strconv.FormatInt(q.s.opts.AppID, 10))
	if secret := q.s.opts.WebhookSecret; secret != "" {
		h.Set("X-Hub-Signature-256", Sign(secret, d.Payload))
		mac := hmac.New(sha1.New, []byte(secret))
		mac.Write(d.Payload)
		h.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(mac.Sum(nil)))
	}
	start := time.Now()
	resp, err := q.client.Do(req)
	d.Duration = time.Since(start)
	if err != nil {
		d.Status = "failed to connect to host"
		q.s.logf("deliver %s %s: %v", d.Event, d.GUID, err)
		return d
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) //nolint:errcheck // drain for reuse
	resp.Body.Close()
	d.StatusCode = resp.StatusCode
	d.Status = "OK"
	if !d.OK() {
		d.Status = fmt.Sprintf("Invalid HTTP Response: %d", resp.StatusCode)
	}
	return d
}

// Sign returns the X-Hub-Signature-256 value for a body: "sha256=" and the hex HMAC.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// newGUID returns a random version-4 UUID string.
func newGUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("sandbox: crypto/rand failed: %v", err)) // the OS entropy source is gone
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// emit queues an event built from payload; it runs with s.mu held. The returned channel
// yields the delivery once sent.
func (s *Server) emit(event string, rs *repoState, payload map[string]any) <-chan Delivery {
	action, _ := payload["action"].(string)
	body, err := json.Marshal(payload)
	if err != nil {
		// Payloads are built from maps of plain values; this is a sandbox bug.
		panic(fmt.Sprintf("sandbox: encode %s payload: %v", event, err))
	}
	d := Delivery{ID: s.st.id("delivery"), GUID: newGUID(), Event: event, Action: action, Payload: body}
	if rs != nil {
		d.InstallationID, d.RepositoryID = rs.InstallationID, rs.ID
	}
	return s.enqueueDelivery(d)
}

// enqueueDelivery queues d, applying DropWebhooks; it runs with s.mu held.
func (s *Server) enqueueDelivery(d Delivery) <-chan Delivery {
	p := &pending{d: d, url: s.opts.WebhookURL, done: make(chan Delivery, 1)}
	if s.fa.dropHooks > 0 {
		s.fa.dropHooks--
		p.drop = true
	}
	s.hooks.enqueue(p)
	return p.done
}

// WaitIdle waits until every queued webhook has been delivered (or ctx ends).
func (s *Server) WaitIdle(ctx context.Context) error {
	q := s.hooks
	for {
		q.mu.Lock()
		idle := len(q.items) == 0 && !q.busy
		ch := q.changed
		q.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("wait for webhook queue: %w", ctx.Err())
		}
	}
}

// Deliveries returns the delivery log, oldest first.
func (s *Server) Deliveries() []Delivery {
	q := s.hooks
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]Delivery(nil), q.log...)
}

// Redeliver sends the payload of the delivery with guid again, keeping the GUID, and
// returns the new attempt. ok is false if no delivery has that GUID.
func (s *Server) Redeliver(guid string) (Delivery, bool) {
	s.mu.Lock()
	d, found := s.findDelivery(func(d Delivery) bool { return d.GUID == guid })
	if !found {
		s.mu.Unlock()
		return Delivery{}, false
	}
	ch := s.redeliver(d)
	s.mu.Unlock()
	return <-ch, true
}

// redeliver queues a copy of d as a redelivery; it runs with s.mu held.
func (s *Server) redeliver(d Delivery) <-chan Delivery {
	n := Delivery{
		ID: s.st.id("delivery"), GUID: d.GUID, Event: d.Event, Action: d.Action,
		InstallationID: d.InstallationID, RepositoryID: d.RepositoryID,
		Redelivery: true, Payload: d.Payload,
	}
	return s.enqueueDelivery(n)
}

// findDelivery returns the newest logged delivery matching f.
func (s *Server) findDelivery(f func(Delivery) bool) (Delivery, bool) {
	log := s.Deliveries()
	for i := len(log) - 1; i >= 0; i-- {
		if f(log[i]) {
			return log[i], true
		}
	}
	return Delivery{}, false
}
