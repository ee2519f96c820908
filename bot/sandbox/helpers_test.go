package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v62/github"
)

const (
	testAppID  = 42
	testSecret = "s3cret"
	testRepo   = "rust-lang/rfcs"
)

// received is one webhook the test receiver got.
type received struct {
	event, guid, sig, ua, target string
	body                         []byte
}

// receiver is a webhook endpoint that records what it gets and answers status.
type receiver struct {
	mu     sync.Mutex
	got    []received
	status int
	srv    *httptest.Server
}

func newReceiver(t testing.TB) *receiver {
	rc := &receiver{status: http.StatusAccepted}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{
			event: r.Header.Get("X-GitHub-Event"), guid: r.Header.Get("X-GitHub-Delivery"),
			sig: r.Header.Get("X-Hub-Signature-256"), ua: r.Header.Get("User-Agent"),
			target: r.Header.Get("X-GitHub-Hook-Installation-Target-ID"), body: body,
		})
		status := rc.status
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// env is a sandbox with an App key, a webhook receiver and go-github clients.
type env struct {
	s     *Server
	key   *rsa.PrivateKey
	pem   []byte
	hooks *receiver
	gh    *github.Client // installation 1
	app   *github.Client // App JWT
}

func newEnv(t testing.TB) *env {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{key: key, hooks: newReceiver(t)}
	e.pem = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	e.s = New(Options{
		AppID: testAppID, AppSlug: "goalbot", AppKey: &key.PublicKey,
		WebhookURL: e.hooks.srv.URL, WebhookSecret: testSecret,
		Logf: t.Logf,
	})
	t.Cleanup(e.s.Close)
	e.s.AddRepo(testRepo, 1)
	e.gh = e.installationClient(t, e.pem, 1)
	e.app = e.appClient(t, e.pem)
	return e
}

func (e *env) installationClient(t testing.TB, pemKey []byte, inst int64) *github.Client {
	t.Helper()
	itr, err := ghinstallation.New(http.DefaultTransport, testAppID, inst, pemKey)
	if err != nil {
		t.Fatal(err)
	}
	itr.BaseURL = strings.TrimSuffix(e.s.URL(), "/")
	return e.client(t, itr)
}

func (e *env) appClient(t testing.TB, pemKey []byte) *github.Client {
	t.Helper()
	atr, err := ghinstallation.NewAppsTransport(http.DefaultTransport, testAppID, pemKey)
	if err != nil {
		t.Fatal(err)
	}
	atr.BaseURL = strings.TrimSuffix(e.s.URL(), "/")
	return e.client(t, atr)
}

// wrapApps builds an App-JWT transport over next with the env's key.
func wrapApps(t testing.TB, e *env, next http.RoundTripper) http.RoundTripper {
	t.Helper()
	atr, err := ghinstallation.NewAppsTransport(next, testAppID, e.pem)
	if err != nil {
		t.Fatal(err)
	}
	return atr
}

func (e *env) client(t testing.TB, rt http.RoundTripper) *github.Client {
	t.Helper()
	c, err := github.NewClient(&http.Client{Transport: rt}).WithEnterpriseURLs(e.s.URL(), e.s.URL())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// waitIdle waits for the sandbox's outgoing webhooks to drain.
func (e *env) waitIdle(t testing.TB) {
	t.Helper()
	if err := e.s.WaitIdle(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

// parse decodes a received webhook with go-github, failing the test on error.
func parse(t testing.TB, r received) any {
	t.Helper()
	ev, err := github.ParseWebHook(r.event, r.body)
	if err != nil {
		t.Fatalf("ParseWebHook(%s): %v", r.event, err)
	}
	return ev
}

func statusOf(err error) int {
	if er, ok := err.(*github.ErrorResponse); ok {
		return er.Response.StatusCode
	}
	return 0
}
