package discover_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/discover"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/sandbox"
)

// TestPipelineAgainstSandbox runs discovery's pure pieces the way the
// worker will, against the sandbox: the seed goal's tracking issue is
// mentioned by a PR whose description names a subgoal, by an RFC that
// names none, and by a bot. It checks that the PR is placed (auto) on the
// named subgoal, the RFC is related with a ready /goal track line, the
// bot's mention is ignored, and an untracked item stays out on the next
// read.
func TestPipelineAgainstSandbox(t *testing.T) {
	src := seedSource(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s := sandbox.New(sandbox.Options{Token: "ghp_pipe", TokenLogin: "goalbot-test", Logf: t.Logf})
	defer s.Close()
	for _, r := range []string{"rust-lang/goals", "rust-lang/rust", "rust-lang/rfcs"} {
		s.AddRepo(r, 1)
	}
	s.SeedIssue(sandbox.Issue{Repo: "rust-lang/goals", Number: 105, Title: "Async parity", Author: "nikomatsakis"})
	pr, _ := s.OpenPull("compiler-errors", "rust-lang/rust", "Implement RTN in bounds", "Lowering for RTN.\n\nPart of rust-lang/goals#105: RTN implementation\n")
	rfc, _ := s.OpenPull("tmandry", "rust-lang/rfcs", "RFC: Implementable trait aliases", "Motivation: see rust-lang/goals#105.")
	s.OpenIssue("renovate[bot]", "rust-lang/rust", "Update deps", "rust-lang/goals#105: RTN implementation")
	client, err := gh.New(gh.Config{APIURL: s.URL(), Token: "ghp_pipe", BotLogin: "goalbot-test"})
	if err != nil {
		t.Fatal(err)
	}

	doc := goaldoc.Parse("2024h2/async-parity-2024h2.md", src, nil)
	goal := discover.GoalFromDocument(doc)
	goal.TrackingIssue = ref.New("rust-lang", "goals", 105)
	finder := discover.NewFinder(nil, nil)
	untracked := map[ref.Ref]bool{}

	run := func(cursor string) ([]discover.Placement, string) {
		refs, next, notModified, err := client.CrossReferences(ctx, goal.TrackingIssue, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if notModified {
			t.Fatal("timeline unexpectedly not modified")
		}
		var cands []discover.Candidate
		for _, r := range refs {
			text := discover.Text{Body: r.Source.Body, Author: r.Source.Author, Bot: r.ActorType == "Bot", Base: r.Source.Repo}
			ms := finder.Mentions(text, goal.TrackingIssue)
			if len(ms) == 0 {
				continue // a bot, or the mention was edited away or sits in code
			}
			kind := bot.KindPR
			if r.Source.Repo.FullName() == "rust-lang/rfcs" {
				kind = bot.KindRFC
			}
			cands = append(cands, discover.Candidate{Item: r.Source.Repo, Kind: kind, Title: r.Source.Title,
				Source: bot.SourceTimeline, Named: ms[0].Subgoal, Stabilization: discover.IsStabilization(r.Source.Title)})
		}
		return discover.Place(goal, cands, func(r ref.Ref) bool { return untracked[r] }), next
	}

	ps, cursor := run("")
	if len(ps) != 2 {
		t.Fatalf("placements = %+v, want the PR and the RFC (not the bot's issue)", ps)
	}
	placed, related := ps[0], ps[1]
	if placed.Item.Number != pr.Number || placed.Subgoal != "resolve-the-send-bound-problem/rtn-implementation" || !placed.Auto || placed.Rule != discover.RuleNamed {
		t.Errorf("PR placement = %+v", placed)
	}
	if related.Item.Number != rfc.Number || related.Subgoal != "" || related.Suggest == "" {
		t.Errorf("RFC placement = %+v, want related with a suggestion", related)
	}
	t.Logf("related suggestion: %s (%s)", related.Suggest, related.Why)

	// The owner untracks the PR; a new mention changes the timeline and
	// the next read finds the PR again, but it stays out.
	untracked[placed.Item] = true
	s.Comment("compiler-errors", "rust-lang/rust", pr.Number, "Still part of rust-lang/goals#105: RTN implementation")
	s.OpenPull("x", "rust-lang/rust", "Another", "rust-lang/goals#105")
	ps, _ = run(cursor)
	for _, p := range ps {
		if p.Item.Number == pr.Number && p.Item.Repo == "rust" {
			t.Errorf("untracked PR came back: %+v", p)
		}
	}
}

// seedSource reads the shared seed goal document from a parent folder.
func seedSource(t *testing.T) []byte {
	t.Helper()
	dir, _ := filepath.Abs(".")
	for {
		if src, err := os.ReadFile(filepath.Join(dir, "shared", "seed", "async-parity-2024h2.md")); err == nil {
			return src
		}
		if filepath.Dir(dir) == dir {
			t.Skip("shared seed not found")
		}
		dir = filepath.Dir(dir)
	}
}
