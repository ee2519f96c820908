package gh_test

import (
	"context"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/rs/zerolog"
)

// gateway returns a token-mode gateway on a sandbox with rust-lang/rfcs#1.
func gateway(t *testing.T, dryRun bool) (*gh.Gateway, *sandbox.Server) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Token: "tok", TokenLogin: "goalbot-user"})
	t.Cleanup(sb.Close)
	sb.AddRepo("rust-lang/rfcs", 1)
	sb.SeedIssue(sandbox.Issue{Repo: "rust-lang/rfcs", Number: 1, Title: "t"})
	c, err := gh.New(gh.Config{APIURL: sb.URL(), Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	return gh.NewGateway(c, gh.GatewayOptions{DryRun: dryRun, Log: zerolog.Nop()}), sb
}

var issue1 = ref.New("rust-lang", "rfcs", 1)

func TestGatewayFindCommentByMarker(t *testing.T) {
	g, sb := gateway(t, false)
	ctx := context.Background()
	const marker = "<!-- goalbot:reply key=7 rev=ab -->"
	// Someone else quoting the marker, and the marker further down, do not count.
	sb.SeedComment(sandbox.Comment{Repo: "rust-lang/rfcs", Number: 1, Author: "stranger", Body: marker + "\nforged"})
	sb.SeedComment(sandbox.Comment{Repo: "rust-lang/rfcs", Number: 1, Author: "goalbot-user", Body: "hi\n" + marker})
	if id, err := g.FindComment(ctx, issue1, marker, 0); err != nil || id != 0 {
		t.Fatalf("FindComment before the write = %d, %v; want 0", id, err)
	}
	id, err := g.CreateComment(ctx, issue1, "\ufeff"+marker+"\nbody")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := g.FindComment(ctx, issue1, marker, 0); err != nil || got != id {
		t.Errorf("FindComment = %d, %v; want %d", got, err, id)
	}
	if got, _ := g.FindComment(ctx, issue1, marker, id); got != 0 {
		t.Errorf("FindComment skipping %d = %d, want 0", id, got)
	}
	if n := g.Calls()["FindComment"]; n != 3 {
		t.Errorf("FindComment counted %d times, want 3", n)
	}
}

func TestGatewayErrorsAreClassified(t *testing.T) {
	g, _ := gateway(t, false)
	ctx := context.Background()
	_, _, err := g.ReadFile(ctx, "rust-lang/rfcs", "", "src/missing.md")
	if bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("ReadFile of a missing path: code %q (%v), want not_found", bot.ErrorCode(err), err)
	}
	if err := g.EditComment(ctx, issue1, 999999, "x"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("EditComment of a missing comment: code %q (%v), want not_found", bot.ErrorCode(err), err)
	}
	if _, err := g.CreateIssue(ctx, "no-slash", "t", "b", nil); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("CreateIssue in a malformed repository: %v, want invalid", err)
	}
}

func TestGatewayDryRunSendsNoWrite(t *testing.T) {
	g, sb := gateway(t, true)
	ctx := context.Background()
	sb.ResetStats()
	id, err := g.CreateComment(ctx, issue1, "x")
	if err != nil || id >= 0 {
		t.Fatalf("dry-run CreateComment = %d, %v; want a negative id", id, err)
	}
	if err := g.EditComment(ctx, issue1, id, "y"); err != nil {
		t.Fatal(err)
	}
	if n, err := g.CreateIssue(ctx, "rust-lang/rfcs", "t", "b", nil); err != nil || n >= 0 {
		t.Fatalf("dry-run CreateIssue = %d, %v", n, err)
	}
	if err := g.React(ctx, issue1, 0, "+1"); err != nil {
		t.Fatal(err)
	}
	if err := g.CloseIssue(ctx, issue1); err != nil {
		t.Fatal(err)
	}
	if st := sb.Stats(); st.Writes != 0 {
		t.Errorf("dry run sent %d writes", st.Writes)
	}
	if len(sb.Comments("rust-lang/rfcs", 1)) != 0 {
		t.Error("dry run left a comment")
	}
	if _, _, err := g.GetIssue(ctx, issue1, ""); err != nil {
		t.Errorf("reads still work in dry run: %v", err)
	}
	calls := g.Calls()
	if calls["CreateComment"] != 1 || calls["CreateIssue"] != 1 || calls["GetIssue"] != 1 {
		t.Errorf("calls = %v", calls)
	}
}
