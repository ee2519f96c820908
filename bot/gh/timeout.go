package gh

import (
	"context"
	"io"
	"net/http"
	"time"
)

// DefaultRequestTimeout is how long one GitHub request may take, response
// body included, when the caller gives no shorter deadline.
const DefaultRequestTimeout = 30 * time.Second

// WithTimeout returns a transport that gives every request through next
// (http.DefaultTransport when nil) its own deadline of d: API calls,
// installation-token requests and every page of a listing alike, so a
// GitHub (or proxy) that accepts connections and never answers fails the
// call after d instead of holding a worker until the job times out. The
// deadline covers reading the body: it is released when the body is closed.
func WithTimeout(next http.RoundTripper, d time.Duration) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if d <= 0 {
		d = DefaultRequestTimeout
	}
	return &deadline{next: next, d: d}
}

type deadline struct {
	next http.RoundTripper
	d    time.Duration
}

func (t *deadline) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(r.Context(), t.d)
	resp, err := t.next.RoundTrip(r.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody releases its request's deadline when closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
