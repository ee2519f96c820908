package sandbox

import "testing"

// BenchmarkGetIssue measures one go-github Issues.Get round trip through the sandbox.
func BenchmarkGetIssue(b *testing.B) {
	e := newEnv(b)
	e.s.mu.Lock()
	e.s.opts.RateLimit = 1 << 30 // no primary limit in a benchmark
	e.s.rl = map[string]*bucket{}
	e.s.mu.Unlock()
	e.s.SeedIssue(Issue{Repo: testRepo, Number: 1, Title: "t", Labels: []string{"a", "b"}})
	c, cx := e.gh, ctx(b)
	for b.Loop() {
		if _, _, err := c.Issues.Get(cx, "rust-lang", "rfcs", 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommentWithWebhook measures a user comment delivered as a signed webhook.
func BenchmarkCommentWithWebhook(b *testing.B) {
	e := newEnv(b)
	e.s.SeedIssue(Issue{Repo: testRepo, Number: 1, Title: "t"})
	for b.Loop() {
		if _, d := e.s.Comment("rfcbot", testRepo, 1, "@rfcbot fcp merge"); !d.OK() {
			b.Fatal(d.Status)
		}
	}
}
