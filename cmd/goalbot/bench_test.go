package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/webhook"
)

// BenchmarkAck measures webhook acknowledgements through the real server
// (verify, store the delivery and its job in one SQLite transaction, 202)
// against a bare handler that only verifies the HMAC, on the same machine
// in the same run. Workers run too, processing what is stored.
func BenchmarkAck(b *testing.B) {
	body, err := readFixture("issues.labeled.json")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("goalbot", func(b *testing.B) {
		logs := &logBuffer{}
		e, err := startDemo(b.Context(), demoOptions{Listen: "127.0.0.1:0", Log: logs, Level: "warn"})
		if err != nil {
			b.Fatal(err)
		}
		defer e.Close()
		ackBench(b, e.App.URL()+"/webhook", e.Secret, body)
	})
	b.Run("baseline", func(b *testing.B) {
		const secret = "baseline-secret"
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			raw, _ := io.ReadAll(io.LimitReader(r.Body, webhook.MaxBody))
			if r.Header.Get("X-Hub-Signature-256") != webhook.Sign(secret, raw) {
				w.WriteHeader(401)
				return
			}
			w.WriteHeader(202)
		}))
		defer srv.Close()
		ackBench(b, srv.URL, secret, body)
	})
}

func ackBench(b *testing.B, url, secret string, body []byte) {
	sig := webhook.Sign(secret, body)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var n atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	start := time.Now()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		var local []time.Duration
		for pb.Next() {
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("X-GitHub-Event", "issues")
			req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), n.Add(1)))
			req.Header.Set("X-Hub-Signature-256", sig)
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			local = append(local, time.Since(t0))
			if resp.StatusCode != 202 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "acks/s")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkAckSlowGitHub measures acknowledgement latency at a steady 50
// deliveries a second while the sandbox answers every GitHub request in
// 2 s and the workers keep calling it: label changes on a tracked RFC, each
// of which makes goalbot re-render the living comment.
func BenchmarkAckSlowGitHub(b *testing.B) {
	logs := &logBuffer{}
	e, err := startDemo(b.Context(), demoOptions{Listen: "127.0.0.1:0", Log: logs, Level: "warn"})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if err := e.App.Tracker.LoadGoals(b.Context()); err != nil {
		b.Fatal(err)
	}
	if err := e.WaitIdle(b.Context()); err != nil {
		b.Fatal(err)
	}
	e.SB.SetLatency(2 * time.Second)
	var lat []time.Duration
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		<-tick.C
		label := "proposed-final-comment-period"
		var d interface{ OK() bool }
		t0 := time.Now()
		if i%2 == 0 {
			d = e.SB.AddLabel("rfcbot", "rust-lang/rfcs", 3654, label)
		} else {
			d = e.SB.RemoveLabel("rfcbot", "rust-lang/rfcs", 3654, label)
		}
		lat = append(lat, time.Since(t0))
		if !d.OK() {
			b.Fatal("delivery failed")
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	st := e.SB.Stats()
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(st.Reads+st.Writes), "github-requests-done")
}
