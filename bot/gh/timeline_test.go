package gh_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/sandbox"
)

// sandboxClient starts a sandbox in token mode with rust-lang/goals#105
// and returns it with a client reading through it.
func sandboxClient(t *testing.T) (*sandbox.Server, *gh.Client) {
	t.Helper()
	s := sandbox.New(sandbox.Options{Token: "ghp_timeline", TokenLogin: "goalbot-test", Logf: t.Logf})
	t.Cleanup(s.Close)
	for _, r := range []string{"rust-lang/goals", "rust-lang/rust", "rust-lang/rfcs"} {
		s.AddRepo(r, 1)
	}
	s.SeedIssue(sandbox.Issue{Repo: "rust-lang/goals", Number: 105, Title: "Async parity", Author: "nikomatsakis"})
	c, err := gh.New(gh.Config{APIURL: s.URL(), Token: "ghp_timeline", BotLogin: "goalbot-test"})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var goal105 = ref.New("rust-lang", "goals", 105)

// sources formats references as "owner/repo#N by actor".
func sources(refs []gh.Reference) []string {
	var out []string
	for _, r := range refs {
		out = append(out, fmt.Sprintf("%s by %s", r.Source.Repo, r.Actor))
	}
	return out
}

func TestCrossReferences(t *testing.T) {
	s, c := sandboxClient(t)
	ctx := testCtx(t)
	pr, _ := s.OpenPull("compiler-errors", "rust-lang/rust", "Implement RTN", "Part of rust-lang/goals#105: RTN implementation")
	s.Comment("tmandry", "rust-lang/rfcs", 3654, "unused") // no such issue: ignored by the sandbox
	rfc, _ := s.OpenPull("nikomatsakis", "rust-lang/rfcs", "RFC: RTN", "no mention yet")
	s.Comment("dependabot[bot]", "rust-lang/rfcs", rfc.Number, "See https://github.com/rust-lang/goals/issues/105")
	s.Comment("nikomatsakis", "rust-lang/goals", 105, "An update: rust-lang/rust#"+fmt.Sprint(pr.Number)) // a comment, not a reference to 105

	refs, cursor, notModified, err := c.CrossReferences(ctx, goal105, "")
	if err != nil || notModified {
		t.Fatalf("CrossReferences = %v, notModified %v", err, notModified)
	}
	want := []string{fmt.Sprintf("rust-lang/rust#%d by compiler-errors", pr.Number), fmt.Sprintf("rust-lang/rfcs#%d by dependabot[bot]", rfc.Number)}
	if fmt.Sprint(sources(refs)) != fmt.Sprint(want) {
		t.Errorf("references = %v, want %v", sources(refs), want)
	}
	if len(refs) == 2 {
		first := refs[0].Source
		if !first.IsPull || first.Title != "Implement RTN" || first.Body == "" || first.Author != "compiler-errors" || refs[0].At.IsZero() {
			t.Errorf("first source = %+v at %v", first, refs[0].At)
		}
		if refs[1].ActorType != "Bot" {
			t.Errorf("dependabot's actor type = %q, want Bot (so discovery can ignore it)", refs[1].ActorType)
		}
	}

	// Nothing new: one conditional read of the last page, answered 304.
	before := s.Stats()
	again, cursor2, notModified, err := c.CrossReferences(ctx, goal105, cursor)
	after := s.Stats()
	if err != nil || !notModified || again != nil || cursor2 != cursor {
		t.Errorf("unchanged read = %v refs, cursor %q→%q, notModified %v, %v", len(again), cursor, cursor2, notModified, err)
	}
	if after.NotModified-before.NotModified != 1 || after.Charged != before.Charged {
		t.Errorf("unchanged read: %d 304s, %d charged; want one free 304", after.NotModified-before.NotModified, after.Charged-before.Charged)
	}

	// A new mention changes the last page: the whole list comes back.
	// It costs one request: the answer to the conditional read of a
	// one-page timeline is that page.
	issue, _ := s.OpenIssue("tmandry", "rust-lang/rust", "Tracking issue for RTN", "Goal: rust-lang/rust-project-goals#105 is the old name; rust-lang/goals#105")
	before = s.Stats()
	refs, _, notModified, err = c.CrossReferences(ctx, goal105, cursor)
	after = s.Stats()
	if err != nil || notModified || len(refs) != 3 || refs[2].Source.Repo != ref.New("rust-lang", "rust", issue.Number) {
		t.Errorf("after a new mention = %v, notModified %v, %v", sources(refs), notModified, err)
	}
	if n := after.Reads - before.Reads; n != 1 {
		t.Errorf("changed one-page timeline read with %d requests, want 1", n)
	}
}

// TestCrossReferencesPages reads a timeline of exactly two full pages and
// checks that a full last page is never trusted to a 304: a new event
// lands on a new page that the old last page's ETag cannot reveal.
func TestCrossReferencesPages(t *testing.T) {
	s, c := sandboxClient(t)
	ctx := testCtx(t)
	start := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 200; i++ {
		s.SeedIssue(sandbox.Issue{Repo: "rust-lang/rust", Number: i, Title: fmt.Sprint("PR ", i), IsPull: true, Author: "a",
			Body: "Part of rust-lang/goals#105", CreatedAt: start.Add(time.Duration(i) * time.Minute)})
	}
	refs, cursor, _, err := c.CrossReferences(ctx, goal105, "")
	if err != nil || len(refs) != 200 || refs[0].Source.Repo.Number != 1 || refs[199].Source.Repo.Number != 200 {
		t.Fatalf("read %d references (%v), first/last wrong or error", len(refs), err)
	}
	s.SeedIssue(sandbox.Issue{Repo: "rust-lang/rust", Number: 201, Title: "PR 201", IsPull: true, Author: "a",
		Body: "rust-lang/goals#105", CreatedAt: start.Add(time.Hour * 24)})
	refs, _, notModified, err := c.CrossReferences(ctx, goal105, cursor)
	if err != nil || notModified || len(refs) != 201 {
		t.Errorf("after the 201st mention: %d references, notModified %v, %v", len(refs), notModified, err)
	}
}

func TestCrossReferencesErrors(t *testing.T) {
	_, c := sandboxClient(t)
	ctx := testCtx(t)
	_, _, _, err := c.CrossReferences(ctx, ref.New("rust-lang", "goals", 9999), "")
	if !gh.IsNotFound(err) {
		t.Errorf("missing issue: %v, want not found", err)
	}
	// A cursor that is not ours (a plain ETag) means a full read, not an error.
	if refs, _, notModified, err := c.CrossReferences(ctx, goal105, `"abc"`); err != nil || notModified || len(refs) != 0 {
		t.Errorf("foreign cursor = %v, %v, %v", refs, notModified, err)
	}
	if _, _, _, err := c.CrossReferences(ctx, ref.Ref{}, ""); err == nil {
		t.Error("zero reference accepted")
	}
}
