package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot/demo"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/sandbox"
	"github.com/google/go-github/v62/github"
)

// The demo's serving phase is something to talk to (issue 13.2): the
// sandbox accepts a user token acting as a member, so a comment posted
// through its REST API reaches goalbot as a signed webhook exactly as
// GitHub would send it, and the demo prints what goalbot does in reply.

// demoUser is the member the demo's user token acts as.
const demoUser = "demo-user"

// demoTarget is where `demo send` posts by default: the PR the timeline
// linked with /goal track.
func demoTarget() string { return fmt.Sprintf("%s#%d", demo.RustRepo, demo.ClosuresPR) }

// newUserToken returns a token in GitHub's personal-token shape.
func newUserToken() string {
	b := make([]byte, 18)
	rand.Read(b)
	return "ghp_demo" + hex.EncodeToString(b)
}

// addDemoUser makes the token's user a member of every demo repository,
// so its commands pass goalbot's permission check.
func addDemoUser(sb *sandbox.Server) {
	sb.AddUser(demoUser, "User")
	for _, r := range []string{demo.TrackingRepo, demo.RFCRepo, demo.MCPRepo, demo.RustRepo} {
		sb.SetAssociation(r, demoUser, "MEMBER")
	}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// writeTalkInstructions prints how to talk to the running demo: the
// addresses, the secret and the token, a ready-to-paste command and where
// the answer appears.
func writeTalkInstructions(w io.Writer, e *demoEnv) {
	api := e.SB.URL()
	target := demoTarget()
	r, _ := ref.Parse(target, ref.Ref{})
	comments := fmt.Sprintf("%srepos/%s/%s/issues/%d/comments", api, r.Owner, r.Repo, r.Number)
	auth := shellQuote("Authorization: token " + e.UserToken)
	lines := []struct{ name, value string }{
		{"goalbot", e.App.URL() + "  (metrics at /metrics)"},
		{"webhook URL", e.App.URL() + "/webhook"},
		{"webhook secret", e.Secret + "  (signs X-Hub-Signature-256)"},
		{"GitHub sandbox", api + "  (REST API; token " + e.UserToken + " acts as " + demoUser + ", a member)"},
		{"dashboard", e.App.DashboardURL() + "/  (goals, /fcps, /people/LOGIN, /api/v1/…)"},
	}
	fmt.Fprintf(w, "\n=== goalbot demo is live: talk to it ===\n")
	for _, l := range lines {
		fmt.Fprintf(w, "  %-15s %s\n", l.name, l.value)
	}
	fmt.Fprintf(w, "\nIn a second terminal, post a comment on %s as %s (the sandbox delivers it to goalbot as a signed webhook, like GitHub):\n\n", target, demoUser)
	fmt.Fprintf(w, "  go run ./cmd/goalbot demo send --api %s --token %s '/goal status'\n\n", api, e.UserToken)
	fmt.Fprintf(w, "or with curl:\n\n  curl -sS -H %s -d %s %s\n\n", auth, shellQuote(`{"body":"/goal status"}`), comments)
	fmt.Fprintf(w, "goalbot's answer is printed below as it happens (new status comment revisions too), by demo send, and in\n\n  curl -sS -H %s %s\n\n", auth, comments)
	fmt.Fprintf(w, "Try also 'Thanks! @goalbot status', '/goal help', or '/goal refresh' with --on %s#%d. Ctrl-C stops.\n\n", demo.TrackingRepo, demo.TrackingIssue)
}

// demoWatch prints, as they happen, the comments posted on the demo's
// issues, goalbot's replies and reactions, and each new revision of the
// living status comment.
type demoWatch struct {
	e         *demoEnv
	bodies    map[int64]string // comment id → body last seen
	reactions map[int64]int    // comment id → reactions seen
	revision  int              // of the status comment
}

// newDemoWatch remembers what exists now, so that only changes print.
func newDemoWatch(e *demoEnv, revision int) *demoWatch {
	w := &demoWatch{e: e, bodies: map[int64]string{}, reactions: map[int64]int{}, revision: revision}
	w.poll(io.Discard)
	return w
}

// watched lists the demo's issues and pull requests.
func watched() []ref.Ref {
	return []ref.Ref{
		ref.New("rust-lang", "goals", demo.TrackingIssue),
		ref.New("rust-lang", "rfcs", demo.SendBoundRFC),
		ref.New("rust-lang", "rfcs", demo.VisionRFC),
		ref.New("rust-lang", "compiler-team", demo.AsyncDropMCP),
		ref.New("rust-lang", "rust", demo.ClosuresPR),
	}
}

// poll prints what changed since the last poll.
func (w *demoWatch) poll(out io.Writer) {
	bot := w.e.SB.BotLogin()
	for _, r := range watched() {
		for _, c := range w.e.SB.Comments(r.FullName(), r.Number) {
			prev, seen := w.bodies[c.ID]
			w.bodies[c.ID] = c.Body
			switch {
			case seen && prev == c.Body:
			case c.Author == bot && isStatusComment(c.Body):
				w.revision++
				fmt.Fprintf(out, "[live] status comment on %s, revision %d; rows that changed:\n", r, w.revision)
				for _, l := range changedLines(prev, c.Body) {
					fmt.Fprintf(out, "   %s\n", l)
				}
			case c.Author == bot:
				fmt.Fprintf(out, "[live] %s replied on %s:\n%s\n", c.Author, r, indent(c.Body))
			case seen:
				fmt.Fprintf(out, "[live] %s edited a comment on %s:\n%s\n", c.Author, r, indent(c.Body))
			default:
				fmt.Fprintf(out, "[live] %s commented on %s:\n%s\n", c.Author, r, indent(c.Body))
			}
			rs := w.e.SB.Reactions(c.ID)
			for _, re := range rs[min(w.reactions[c.ID], len(rs)):] {
				if re.User == bot {
					fmt.Fprintf(out, "[live] %s reacted %s to %s's comment on %s\n", re.User, emoji(re.Content), c.Author, r)
				}
			}
			w.reactions[c.ID] = len(rs)
		}
	}
}

// run polls until ctx ends.
func (w *demoWatch) run(ctx context.Context, out io.Writer, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.poll(out)
		}
	}
}

func isStatusComment(body string) bool {
	_, ok := render.ParseMarker(body)
	return ok
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

func emoji(content string) string {
	switch content {
	case "+1":
		return "👍"
	case "-1":
		return "👎"
	case "eyes":
		return "👀"
	case "confused":
		return "😕"
	}
	return ":" + content + ":"
}

// cmdDemoSend posts a comment to a running demo's sandbox as its member
// and waits for goalbot's answer: a reply, or a 👍 on the comment.
func cmdDemoSend(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("demo send")
	api := fs.String("api", "", "the sandbox's REST `URL`, as the running demo prints it")
	token := fs.String("token", "", "the demo user's `TOKEN`, as the running demo prints it")
	on := fs.String("on", demoTarget(), "the issue or pull request to comment on (`OWNER/REPO#N`)")
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for goalbot's answer (a `DURATION` such as 10s)")
	var words []string
	for len(args) > 0 { // flags may follow the comment
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
	body := strings.Join(words, " ")
	switch {
	case *api == "" || *token == "":
		return usagef("demo send needs --api and --token: copy the line the running demo printed (goalbot demo send --api URL --token TOKEN '/goal status')")
	case strings.TrimSpace(body) == "":
		return usagef("demo send needs the comment to post, e.g. '/goal status'")
	}
	target, err := ref.Parse(*on, ref.Ref{})
	if err != nil {
		return usagef("--on: %v", err)
	}
	base := *api
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	gc, err := github.NewClient(&http.Client{Timeout: 10 * time.Second}).WithAuthToken(*token).WithEnterpriseURLs(base, base)
	if err != nil {
		return usagef("--api %q: %v", *api, err)
	}
	posted, _, err := gc.Issues.CreateComment(ctx, target.Owner, target.Repo, target.Number, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		var ge *github.ErrorResponse
		if errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode == http.StatusUnauthorized {
			return fmt.Errorf("the sandbox refused the token: is this the token the running demo printed? (%w)", err)
		}
		return fmt.Errorf("post the comment on %s (is goalbot demo still running?): %w", target, err)
	}
	fmt.Fprintf(stdout, "posted comment %d on %s as %s; waiting for goalbot…\n", posted.GetID(), target, posted.GetUser().GetLogin())
	deadline := time.Now().Add(*wait)
	for {
		replies, reacted, err := demoAnswer(ctx, gc, target, posted)
		if err != nil {
			return err
		}
		for _, r := range replies {
			fmt.Fprintf(stdout, "%s replied:\n%s\n", r.GetUser().GetLogin(), indent(r.GetBody()))
		}
		if reacted != "" {
			fmt.Fprintf(stdout, "%s reacted 👍: done.\n", reacted)
		}
		if len(replies) > 0 || reacted != "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer from goalbot within %s (is the comment a command? try '/goal help')", *wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// demoAnswer returns the bot's comments posted after ours and who of the
// bots reacted 👍 to ours.
func demoAnswer(ctx context.Context, gc *github.Client, target ref.Ref, posted *github.IssueComment) ([]*github.IssueComment, string, error) {
	list, _, err := gc.Issues.ListComments(ctx, target.Owner, target.Repo, target.Number, &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		return nil, "", fmt.Errorf("read the comments of %s: %w", target, err)
	}
	var replies []*github.IssueComment
	for _, c := range list {
		if c.GetID() > posted.GetID() && strings.HasSuffix(c.GetUser().GetLogin(), "[bot]") && !isStatusComment(c.GetBody()) {
			replies = append(replies, c)
		}
	}
	reactions, _, err := gc.Reactions.ListIssueCommentReactions(ctx, target.Owner, target.Repo, posted.GetID(), nil)
	if err != nil {
		return nil, "", fmt.Errorf("read the reactions to comment %d: %w", posted.GetID(), err)
	}
	for _, r := range reactions {
		if r.GetContent() == "+1" && strings.HasSuffix(r.GetUser().GetLogin(), "[bot]") {
			return replies, r.GetUser().GetLogin(), nil
		}
	}
	return replies, "", nil
}
