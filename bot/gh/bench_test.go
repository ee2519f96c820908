package gh

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-github/v62/github"
)

func BenchmarkClassify(b *testing.B) {
	u, _ := url.Parse("https://api.github.com/repos/o/r/issues/1")
	raw := fmt.Errorf("read o/r#1: %w", &github.ErrorResponse{Message: "Not Found",
		Response: &http.Response{StatusCode: 404, Request: &http.Request{Method: "GET", URL: u}}})
	b.ReportAllocs()
	for b.Loop() {
		if !IsNotFound(raw) {
			b.Fatal("not classified")
		}
	}
}

func BenchmarkRoute(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Route("/api/v3/repos/rust-lang/rfcs/issues/3654/comments", "/api/v3/")
	}
}

// BenchmarkRepoCached measures Repo once the installation is known: the
// path every job takes.
func BenchmarkRepoCached(b *testing.B) {
	f := newFake(b)
	f.set(func(f *fake) { f.installs["o/r"] = 1 })
	c, err := New(Config{APIURL: f.url(), AppID: testAppID, PrivateKey: keyPEM(testKey())})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	if _, err := c.Repo(ctx, "o", "r"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Repo(ctx, "O", "r"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetIssueNotModified measures a conditional read answered 304
// by a loopback fake, installation token cached.
func BenchmarkGetIssueNotModified(b *testing.B) {
	f := newFake(b)
	f.set(func(f *fake) { f.installs["o/r"] = 1 })
	f.addIssue("o", "r", 1)
	c, err := New(Config{APIURL: f.url(), AppID: testAppID, PrivateKey: keyPEM(testKey())})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	iss, _, err := c.GetIssue(ctx, refOf("o", "r", 1), "")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, nm, err := c.GetIssue(ctx, refOf("o", "r", 1), iss.ETag); err != nil || !nm {
			b.Fatal(nm, err)
		}
	}
}

// BenchmarkParseEvent decodes the real payloads the workers read most: an
// issue labelled, a comment, a pull request closed.
func BenchmarkParseEvent(b *testing.B) {
	for _, c := range []struct{ event, file string }{
		{"issues", "issues.labeled.json"},
		{"issue_comment", "issue_comment.created.json"},
		{"pull_request", "pull_request.closed.json"},
	} {
		payload, err := os.ReadFile(filepath.Join("..", "..", "cmd", "goalbot", "testdata", "webhooks", c.file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.event, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				if ev, err := ParseEvent(c.event, payload); ev == nil || err != nil {
					b.Fatalf("%v, %v", ev, err)
				}
			}
		})
	}
}
