package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goalbot/goalbot/bot/webhook"
)

// AckRun is one measurement of webhook acknowledgements.
type AckRun struct {
	Acks     int
	Seconds  float64
	P50, P99 time.Duration
	Errors   int // answers other than the expected status, and transport errors
}

// PerSecond is the acknowledgement rate of the run.
func (r AckRun) PerSecond() float64 {
	if r.Seconds == 0 {
		return 0
	}
	return float64(r.Acks) / r.Seconds
}

// Load sends signed deliveries of body to url from c concurrent clients
// for d, each with a fresh delivery id, and measures the answers.
func Load(ctx context.Context, url, secret string, body []byte, event string, c int, d time.Duration) (AckRun, error) {
	return LoadVaried(ctx, url, secret, func(int64) []byte { return body }, event, c, d)
}

// LoadVaried is Load with the n-th delivery's body made by body(n).
func LoadVaried(ctx context.Context, url, secret string, bodyOf func(n int64) []byte, event string, c int, d time.Duration) (AckRun, error) {
	fixed := bodyOf(0)
	fixedSig := webhook.Sign(secret, fixed)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	var n, errs atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	prefix := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1024)
			for time.Now().Before(stop) && ctx.Err() == nil {
				i := n.Add(1)
				body, sig := bodyOf(i), fixedSig
				if !bytes.Equal(body, fixed) {
					sig = webhook.Sign(secret, body)
				}
				req, err := newDelivery(ctx, url, body, event, fmt.Sprintf("%s-%d", prefix, i), sig)
				if err != nil {
					errs.Add(1)
					return
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted {
					errs.Add(1)
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("status %d", resp.StatusCode)
					}
					mu.Unlock()
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r := AckRun{Acks: len(lat), Seconds: time.Since(start).Seconds(), Errors: int(errs.Load())}
	r.P50, r.P99 = percentile(lat, 50), percentile(lat, 99)
	if r.Acks == 0 && firstErr != nil {
		return r, fmt.Errorf("no delivery acknowledged: %w", firstErr)
	}
	return r, nil
}

// newDelivery is a POST of body as GitHub signs and names a delivery.
func newDelivery(ctx context.Context, url string, body []byte, event, id, sig string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", sig)
	return req, nil
}

// percentile returns the p-th percentile of ds (sorted in place).
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := len(ds) * p / 100
	if i >= len(ds) {
		i = len(ds) - 1
	}
	return ds[i]
}

// Baseline is the reference receiver: it reads the body and checks its
// HMAC, as goalbot's receiver does first, and stores nothing. goalbot's
// rate is reported as a fraction of it, measured in the same process and
// run, so the figure means the same on a fast and on a loaded machine.
type Baseline struct {
	srv *http.Server
	ln  net.Listener
}

// StartBaseline serves the bare handler on a local port.
func StartBaseline(secret string) (*Baseline, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(io.LimitReader(r.Body, webhook.MaxBody))
		if r.Header.Get("X-Hub-Signature-256") != webhook.Sign(secret, raw) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	b := &Baseline{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, ln: ln}
	go b.srv.Serve(ln)
	return b, nil
}

// URL is where the baseline receives deliveries.
func (b *Baseline) URL() string { return "http://" + b.ln.Addr().String() + "/webhook" }

// Close stops the baseline.
func (b *Baseline) Close() error { return b.srv.Close() }

// Sender sends the i-th delivery of a steady run and returns how long its
// acknowledgement took.
type Sender func(ctx context.Context, i int) (time.Duration, error)

// Steady sends n deliveries at rate per second through each of sends, the
// k-th sender k/len(sends) of an interval after the first, so that all see
// the same conditions, and returns each sender's p50 and p99. Deliveries
// are started on schedule even while earlier ones wait.
func Steady(ctx context.Context, n int, rate float64, sends ...Sender) (p50, p99 []time.Duration, err error) {
	interval := time.Duration(float64(time.Second) / rate)
	lat := make([][]time.Duration, len(sends))
	errs := make([]error, len(sends)*n)
	for k := range lat {
		lat[k] = make([]time.Duration, n)
	}
	var wg sync.WaitGroup
	tick := time.NewTicker(interval / time.Duration(len(sends)))
	defer tick.Stop()
	for i := 0; i < n*len(sends); i++ {
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-tick.C:
		}
		k, j := i%len(sends), i/len(sends)
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[k][j], errs[i] = sends[k](ctx, j)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	for _, l := range lat {
		p50, p99 = append(p50, percentile(l, 50)), append(p99, percentile(l, 99))
	}
	return p50, p99, nil
}

// Sender returns a Sender of signed deliveries of body to the baseline.
func (b *Baseline) Sender(secret string, body []byte, event string) Sender {
	client := &http.Client{Timeout: 30 * time.Second}
	sig := webhook.Sign(secret, body)
	prefix := fmt.Sprintf("steady-%d", time.Now().UnixNano())
	return func(ctx context.Context, i int) (time.Duration, error) {
		req, err := newDelivery(ctx, b.URL(), body, event, fmt.Sprintf("%s-%d", prefix, i), sig)
		if err != nil {
			return 0, err
		}
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, fmt.Errorf("baseline: %w", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return 0, fmt.Errorf("baseline answered %d", resp.StatusCode)
		}
		return time.Since(t0), nil
	}
}
