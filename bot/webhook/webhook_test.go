package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/metrics"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
)

type fakeStore struct {
	mu   sync.Mutex
	seen map[string]bot.Delivery
	err  error
}

func (f *fakeStore) Ingest(ctx context.Context, d bot.Delivery) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return false, f.err
	}
	if _, ok := f.seen[d.ID]; ok {
		return true, nil
	}
	f.seen[d.ID] = d
	return false, nil
}

const body = `{"action":"labeled","repository":{"full_name":"Rust-Lang/RFCs"},"installation":{"id":7}}`

func TestReceiver(t *testing.T) {
	sig := Sign("s2", []byte(body))
	tests := []struct {
		name     string
		method   string
		event    string
		id       string
		sig      string
		body     string
		storeErr error
		want     int
		stored   bool
	}{
		{"accepted with second secret", "POST", "issues", "d1", sig, body, nil, 202, true},
		{"wrong method", "GET", "issues", "d1", sig, body, nil, 405, false},
		{"no signature", "POST", "issues", "d1", "", body, nil, 401, false},
		{"sha1 only is not enough", "POST", "issues", "d1", "sha1=abc", body, nil, 401, false},
		{"wrong signature", "POST", "issues", "d1", Sign("nope", []byte(body)), body, nil, 401, false},
		{"signature of other body", "POST", "issues", "d1", sig, body + " ", nil, 401, false},
		{"bad hex", "POST", "issues", "d1", "sha256=zz", body, nil, 401, false},
		{"no event header", "POST", "", "d1", sig, body, nil, 400, false},
		{"no delivery header", "POST", "issues", "", sig, body, nil, 400, false},
		{"invalid json", "POST", "issues", "d1", Sign("s1", []byte("{nope")), "{nope", nil, 400, false},
		{"ping", "POST", "ping", "d1", sig, body, nil, 200, false},
		{"unused event", "POST", "star", "d1", sig, body, nil, 202, false},
		{"store down", "POST", "issues", "d1", sig, body, errors.New("disk full"), 503, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeStore{seen: map[string]bot.Delivery{}, err: tt.storeErr}
			m := metrics.New(nil)
			rc, err := New(st, []string{"s1", "s2"}, []string{"issues", "issue_comment"}, zerolog.Nop(), m)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(tt.method, "/webhook", strings.NewReader(tt.body))
			if tt.event != "" {
				req.Header.Set("X-GitHub-Event", tt.event)
			}
			if tt.id != "" {
				req.Header.Set("X-GitHub-Delivery", tt.id)
			}
			if tt.sig != "" {
				req.Header.Set("X-Hub-Signature-256", tt.sig)
			}
			rec := httptest.NewRecorder()
			rc.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("status = %d, want %d (%s)", rec.Code, tt.want, rec.Body)
			}
			d, ok := st.seen["d1"]
			if ok != tt.stored {
				t.Fatalf("stored = %v, want %v", ok, tt.stored)
			}
			if ok && (d.Repo != "rust-lang/rfcs" || d.Action != "labeled" || d.InstallationID != 7 || string(d.Payload) != body) {
				t.Errorf("stored delivery %+v", d)
			}
		})
	}
}

func TestReceiverDuplicate(t *testing.T) {
	st := &fakeStore{seen: map[string]bot.Delivery{}}
	m := metrics.New(nil)
	rc, _ := New(st, []string{"s"}, []string{"issues"}, zerolog.Nop(), m)
	send := func() int {
		req := httptest.NewRequest("POST", "/webhook", strings.NewReader(body))
		req.Header.Set("X-GitHub-Event", "issues")
		req.Header.Set("X-GitHub-Delivery", "same")
		req.Header.Set("X-Hub-Signature-256", Sign("s", []byte(body)))
		rec := httptest.NewRecorder()
		rc.ServeHTTP(rec, req)
		return rec.Code
	}
	if c := send(); c != 202 {
		t.Fatalf("first = %d", c)
	}
	if c := send(); c != 200 {
		t.Fatalf("second = %d, want 200 (acknowledged duplicate)", c)
	}
	if got := testutil.ToFloat64(m.Deliveries.WithLabelValues("issues", "duplicate")); got != 1 {
		t.Errorf("duplicate counter = %v", got)
	}
}

func TestReceiverTooLarge(t *testing.T) {
	st := &fakeStore{seen: map[string]bot.Delivery{}}
	rc, _ := New(st, []string{"s"}, []string{"issues"}, zerolog.Nop(), nil)
	big := strings.Repeat("x", MaxBody+1)
	for _, declared := range []bool{true, false} {
		req := httptest.NewRequest("POST", "/webhook", strings.NewReader(big))
		if !declared {
			req.ContentLength = -1 // chunked: the cap must hold while reading
		}
		req.Header.Set("X-GitHub-Event", "issues")
		req.Header.Set("X-GitHub-Delivery", "big")
		req.Header.Set("X-Hub-Signature-256", Sign("s", []byte(big)))
		rec := httptest.NewRecorder()
		rc.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("declared=%v: status = %d, want 413", declared, rec.Code)
		}
	}
	if len(st.seen) != 0 {
		t.Error("oversized delivery stored")
	}
}

func TestNewRefusesNoSecret(t *testing.T) {
	if _, err := New(&fakeStore{}, []string{""}, nil, zerolog.Nop(), nil); err == nil {
		t.Fatal("New with only empty secrets succeeded")
	}
}

func BenchmarkAck(b *testing.B) {
	st := &fakeStore{seen: map[string]bot.Delivery{}}
	rc, _ := New(st, []string{"s"}, []string{"issues"}, zerolog.Nop(), metrics.New(nil))
	sig := Sign("s", []byte(body))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest("POST", "/webhook", strings.NewReader(body))
		req.Header.Set("X-GitHub-Event", "issues")
		req.Header.Set("X-GitHub-Delivery", "d"+string(rune(i)))
		req.Header.Set("X-Hub-Signature-256", sig)
		rc.ServeHTTP(httptest.NewRecorder(), req)
	}
}
