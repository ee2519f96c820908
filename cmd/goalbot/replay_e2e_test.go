package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/fcp/fcptest"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/goalbot/goalbot/config"
)

// rebuildOffset numbers the twin of each thread's item: the same events
// happen to it with every webhook dropped, and it is read only by a
// rebuild from GitHub (tracker.Refresh, what /goal refresh and sync run).
const rebuildOffset = 900000

// replayGoal is a goal document with one row per thread for the live
// replay and one for its rebuild twin.
func replayGoal(threads []fcptest.Thread) []byte {
	var b strings.Builder
	b.WriteString("# Replay of real rfcbot and triagebot threads\n\n")
	b.WriteString("| Metadata | |\n| -------- | --- |\n| Owner(s) | tmandry |\n| Teams | Lang |\n| Status | Accepted |\n\n")
	b.WriteString("## Ownership and other resources\n\n")
	b.WriteString("| Subgoal | Owner(s) or team(s) | Status |\n| ------- | ------------------- | ------ |\n")
	for _, th := range threads {
		fmt.Fprintf(&b, "| replay %s | tmandry | Funded |\n| rebuild %s | tmandry | Funded |\n", th.Name, th.Name)
	}
	return []byte(b.String())
}

// TestReplayRealThreads replays every thread of bot/fcp/testdata/threads
// through the real server against the sandbox: each event happens on
// GitHub (the sandbox) at its real time and reaches goalbot as a signed
// webhook, and the subgoal row in the living comment is checked after
// every event. The same events also happen to a twin item whose webhooks
// are all dropped; after every event goalbot rebuilds the twin from the
// comment listing (tracker.Refresh) and its row must read the same.
func TestReplayRealThreads(t *testing.T) {
	threads, err := fcptest.Load(filepath.Join("..", "..", "bot", "fcp", "testdata", "threads"))
	if err != nil {
		t.Fatal(err)
	}
	goals := t.TempDir()
	if err := os.WriteFile(filepath.Join(goals, "replay.md"), replayGoal(threads), 0o644); err != nil {
		t.Fatal(err)
	}
	refs := map[string]ref.Ref{}
	e := newEnv(t, demoOptions{Configure: func(cfg *config.Config, sb *sandbox.Server) {
		src := config.GoalSource{Dir: goals, TrackingIssues: map[string]ref.Ref{"replay": ref.New("rust-lang", "goals", demo.TrackingIssue)}}
		for _, th := range threads {
			repo, n, err := th.Ref()
			if err != nil {
				t.Fatal(err)
			}
			sb.AddRepo(repo, demo.Installation)
			owner, name, _ := strings.Cut(repo, "/")
			live, twin := ref.New(owner, name, n), ref.New(owner, name, n+rebuildOffset)
			refs["replay "+th.Name], refs["rebuild "+th.Name] = live, twin
			for _, r := range []ref.Ref{live, twin} {
				sb.SeedIssue(sandbox.Issue{Repo: repo, Number: r.Number, Title: th.Title, IsPull: th.Pull, Author: th.Author,
					Labels: append([]string(nil), th.Labels...), CreatedAt: th.Opened, UpdatedAt: th.Opened})
			}
			src.Links = append(src.Links, config.Link{Goal: "replay", Subgoal: "replay " + th.Name, Item: live},
				config.Link{Goal: "replay", Subgoal: "rebuild " + th.Name, Item: twin})
		}
		cfg.Goals = []config.GoalSource{src}
		cfg.GitHub.RFCBotLogins = append(cfg.GitHub.RFCBotLogins, "mscbot")
		cfg.GitHub.FCPDaysBy = map[string]int{"matrix-org/matrix-spec-proposals": 5}
	}})
	ctx := context.Background()
	if err := e.App.Tracker.LoadGoals(ctx); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, e)

	for _, th := range threads {
		live, twin := refs["replay "+th.Name], refs["rebuild "+th.Name]
		ids := map[int64][2]int64{} // thread comment id → sandbox ids (live, twin)
		for i, ev := range th.Events {
			e.Clock.Advance(ev.At.Sub(e.Clock.Now()))
			var got [2]int64
			for k, r := range []ref.Ref{live, twin} {
				if k == 1 {
					e.SB.DropWebhooks(1 << 20) // the twin is only ever read back
				}
				id, d := happen(e.SB, r, ev, ids[ev.ID][k])
				got[k] = id
				if k == 1 {
					e.SB.DropWebhooks(0)
				}
				if k == 0 && !d.OK() {
					t.Fatalf("%s event %d (%s): delivery %d %s", th.Name, i, ev.Type, d.StatusCode, d.Status)
				}
			}
			if ev.Type == fcptest.Comment {
				ids[ev.ID] = got
			}
			waitIdle(t, e)
			// An edited comment changes neither the issue's updated_at nor
			// its ETag (on GitHub, and in the sandbox): the refresh must
			// notice it all the same.
			if err := e.App.Tracker.Refresh(ctx, twin); err != nil {
				t.Fatalf("%s event %d: rebuild: %v", th.Name, i, err)
			}
			waitIdle(t, e)
			rows := replayRows(t, e)
			if ev.Expect == "" {
				continue
			}
			if got := rows["replay "+th.Name]; got != ev.Expect {
				t.Errorf("%s after event %d (%s %s%s at %s): live row %q, want %q", th.Name, i, ev.Type, ev.Author, ev.Label, ev.At.Format(time.RFC3339), got, ev.Expect)
			}
			if got := rows["rebuild "+th.Name]; got != ev.Expect {
				t.Errorf("%s after event %d (%s %s%s at %s): row rebuilt from the listing %q, want %q", th.Name, i, ev.Type, ev.Author, ev.Label, ev.At.Format(time.RFC3339), got, ev.Expect)
			}
		}
	}
}

// happen makes one thread event happen to item r in the sandbox and
// returns the new comment's id (for a comment) and the delivery.
func happen(sb *sandbox.Server, r ref.Ref, ev fcptest.Event, commentID int64) (int64, sandbox.Delivery) {
	repo := r.FullName()
	switch ev.Type {
	case fcptest.Comment:
		c, d := sb.Comment(ev.Author, repo, r.Number, ev.Body)
		return c.ID, d
	case fcptest.Edit:
		author := "editor"
		for _, c := range sb.Comments(repo, r.Number) {
			if c.ID == commentID {
				author = c.Author
			}
		}
		return 0, sb.EditComment(author, commentID, ev.Body)
	case fcptest.Labeled:
		return 0, sb.AddLabel("rust-rfcbot", repo, r.Number, ev.Label)
	case fcptest.Unlabeled:
		return 0, sb.RemoveLabel("rust-rfcbot", repo, r.Number, ev.Label)
	case fcptest.Closed:
		return 0, sb.CloseIssue("apiraino", repo, r.Number)
	case fcptest.Reopened:
		return 0, sb.Reopen("apiraino", repo, r.Number)
	case fcptest.Merged:
		return 0, sb.Merge("apiraino", repo, r.Number)
	}
	return 0, sandbox.Delivery{Status: "unknown event " + ev.Type}
}

// replayRows returns the status cell of every row of the replay goal's
// living comment, by subgoal title.
func replayRows(t *testing.T, e *demoEnv) map[string]string {
	t.Helper()
	rows := map[string]string{}
	for _, c := range statusComments(e) {
		for _, line := range strings.Split(c.Body, "\n") {
			cells := strings.Split(line, "|")
			if len(cells) < 5 {
				continue
			}
			title := strings.TrimSpace(cells[1])
			if strings.HasPrefix(title, "replay ") || strings.HasPrefix(title, "rebuild ") {
				rows[title] = strings.Trim(strings.TrimSpace(cells[3]), "*`")
			}
		}
	}
	if len(rows) == 0 {
		t.Fatalf("no replay rows in the living comments:\n%v", statusComments(e))
	}
	return rows
}
