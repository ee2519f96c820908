package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-github/v62/github"
)

// timelineRequired are the required properties of the two timeline event
// schemas the sandbox serves, from @octokit/openapi 23.0.2
// (timeline-cross-referenced-event, timeline-comment-event). The slice in
// testdata/openapi cannot check them: the timeline's oneOf has no property
// every variant requires.
var timelineRequired = map[string][]string{
	"cross-referenced": {"event", "created_at", "updated_at", "source"},
	"commented":        {"event", "actor", "id", "node_id", "html_url", "issue_url", "author_association", "user", "url", "created_at", "updated_at"},
}

// crossRefSources returns "repo#N" of the cross-referenced events go-github
// reads from the timeline of goals#105, in order.
func crossRefSources(t *testing.T, e *env) []string {
	t.Helper()
	var out []string
	opt := &github.ListOptions{PerPage: 2}
	for {
		evs, resp, err := e.gh.Issues.ListIssueTimeline(ctx(t), "rust-lang", "goals", 105, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.GetEvent() != "cross-referenced" {
				continue
			}
			is := ev.GetSource().GetIssue()
			out = append(out, is.GetRepository().GetFullName()+"#"+itoa(is.GetNumber()))
		}
		if resp.NextPage == 0 {
			return out
		}
		opt.Page = resp.NextPage
	}
}

func TestTimelineCrossReferences(t *testing.T) {
	e := newEnv(t)
	e.s.AddRepo("rust-lang/goals", 1)
	e.s.AddRepo("rust-lang/rust", 1)
	e.s.SeedIssue(Issue{Repo: "rust-lang/goals", Number: 105, Title: "Async parity", Author: "nikomatsakis"})
	e.s.SeedIssue(Issue{Repo: testRepo, Number: 3654, Title: "Return type notation", IsPull: true})

	// A PR description, a comment, a URL, a #N from the same repository,
	// and an edit that adds a reference: each source is one event.
	pr, _ := e.s.OpenPull("compiler-errors", "rust-lang/rust", "Implement RTN", "Part of rust-lang/goals#105: RTN implementation\n\nAlso rust-lang/goals#105 again.")
	e.s.Comment("tmandry", testRepo, 3654, "For https://github.com/rust-lang/goals/issues/105#issuecomment-1")
	e.s.Comment("nikomatsakis", "rust-lang/goals", 105, "Update: see rust-lang/rust#"+itoa(pr.Number)+" and #105 (itself, not a reference).")
	issue, _, err := e.gh.Issues.Create(ctx(t), "rust-lang", "rust", &github.IssueRequest{Title: github.String("Tracking issue"), Body: github.String("nothing yet")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.gh.Issues.Edit(ctx(t), "rust-lang", "rust", issue.GetNumber(), &github.IssueRequest{Body: github.String("Goal: rust-lang/goals#105")}); err != nil {
		t.Fatal(err)
	}
	// Not references: code, unknown issues, other numbers.
	e.s.Comment("a", "rust-lang/rust", pr.Number, "`rust-lang/goals#105`\n\n```\nrust-lang/goals#105\n```\nrust-lang/goals#1050 rust-lang/goals#9999")
	e.waitIdle(t)

	got := crossRefSources(t, e)
	want := []string{"rust-lang/rust#" + itoa(pr.Number), "rust-lang/rfcs#3654", "rust-lang/rust#" + itoa(issue.GetNumber())}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("cross-referenced sources = %v, want %v", got, want)
	}
	// The goal's own comment referenced the PR: the PR's timeline has it.
	evs, _, err := e.gh.Issues.ListIssueTimeline(ctx(t), "rust-lang", "rust", pr.Number, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range evs {
		kinds = append(kinds, ev.GetEvent())
		if ev.GetEvent() == "cross-referenced" {
			src := ev.GetSource().GetIssue()
			if src.GetNumber() != 105 || ev.GetActor().GetLogin() != "nikomatsakis" || src.GetRepository().GetFullName() != "rust-lang/goals" {
				t.Errorf("PR's cross-reference = source %s#%d by %s", src.GetRepository().GetFullName(), src.GetNumber(), ev.GetActor().GetLogin())
			}
		}
	}
	sort.Strings(kinds)
	if strings.Join(kinds, " ") != "commented cross-referenced" {
		t.Errorf("PR timeline events = %v, want one comment and one cross-reference", kinds)
	}
}

// TestTimelineShapeAndETag reads the timeline raw: every event carries the
// schema's required properties, a PR source has pull_request, and a second
// read with the ETag is 304.
func TestTimelineShapeAndETag(t *testing.T) {
	e := newEnv(t)
	e.s.AddRepo("rust-lang/goals", 1)
	e.s.SeedIssue(Issue{Repo: "rust-lang/goals", Number: 105, Title: "Async parity"})
	e.s.OpenPull("a", testRepo, "RFC: RTN", "Goal: rust-lang/goals#105")
	e.s.Comment("b", "rust-lang/goals", 105, "An update.")
	e.waitIdle(t)

	req, err := e.gh.NewRequest("GET", "repos/rust-lang/goals/issues/105/timeline", nil)
	if err != nil {
		t.Fatal(err)
	}
	var raw []map[string]any
	resp, err := e.gh.Do(ctx(t), req, &raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 2 {
		t.Fatalf("events = %d, want 2: %v", len(raw), raw)
	}
	for _, ev := range raw {
		kind, _ := ev["event"].(string)
		req, known := timelineRequired[kind]
		if !known {
			t.Errorf("unexpected event %q", kind)
		}
		for _, k := range req {
			if _, ok := ev[k]; !ok {
				t.Errorf("%s event lacks required %q", kind, k)
			}
		}
		if kind == "cross-referenced" {
			src := ev["source"].(map[string]any)
			is := src["issue"].(map[string]any)
			if src["type"] != "issue" || is["pull_request"] == nil || is["repository"] == nil || is["number"] == nil {
				t.Errorf("source = %v", src)
			}
		}
	}
	etag := resp.Header.Get("ETag")
	again, _ := http.NewRequest("GET", e.s.URL()+"repos/rust-lang/goals/issues/105/timeline", nil)
	again.Header.Set("If-None-Match", etag)
	r2, err := e.gh.Client().Transport.RoundTrip(again)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, r2.Body)
	r2.Body.Close()
	if etag == "" || r2.StatusCode != http.StatusNotModified {
		t.Errorf("conditional read: etag %q, status %d; want 304", etag, r2.StatusCode)
	}
	// A new reference changes the list, and so the ETag.
	e.s.OpenIssue("c", testRepo, "Another", "rust-lang/goals#105")
	e.waitIdle(t)
	r3, err := e.gh.Client().Transport.RoundTrip(again.Clone(ctx(t)))
	if err != nil {
		t.Fatal(err)
	}
	var after []json.RawMessage
	json.NewDecoder(r3.Body).Decode(&after)
	r3.Body.Close()
	if r3.StatusCode != http.StatusOK || len(after) != 3 {
		t.Errorf("after a new reference: status %d, %d events; want 200 and 3", r3.StatusCode, len(after))
	}
	if _, _, err := e.gh.Issues.ListIssueTimeline(ctx(t), "rust-lang", "goals", 999, nil); statusOf(err) != http.StatusNotFound {
		t.Errorf("timeline of a missing issue: %v, want 404", err)
	}
}
