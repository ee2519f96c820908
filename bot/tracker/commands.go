package tracker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/command"
	"github.com/goalbot/goalbot/bot/core"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/rs/zerolog"
)

// trigger is a comment (or issue body, or review body) that may hold
// commands, normalised from the three webhook shapes.
type trigger struct {
	item        bot.Issue
	commentID   int64 // 0 for an issue body or a review
	reviewID    int64
	body, prev  string // prev: the body before an edit, "" otherwise
	author      string
	authorType  string
	association string
}

// handleCommands runs /goal commands from issue comments, issue bodies and
// pull request review bodies, and answers every one of them.
func (t *Tracker) handleCommands(ctx context.Context, d bot.Delivery) error {
	tr, ok, err := triggerOf(ctx, d)
	if err != nil || !ok {
		return err
	}
	login, err := t.gh.BotLogin(ctx)
	if err != nil {
		return err
	}
	if strings.EqualFold(tr.author, login) || tr.authorType == "Bot" || strings.HasSuffix(tr.author, "[bot]") {
		return nil // our own comments, and other bots', never command us
	}
	cmds := command.Find(tr.body, login)
	if tr.prev != "" {
		cmds = command.New(tr.prev, tr.body, login)
	}
	if len(cmds) == 0 {
		return nil
	}
	// One answer per (comment, revision): a redelivered or repeated event
	// finds its claim and does not answer again.
	key, revision := tr.replyKey()
	claimed, replyID, err := t.store.ClaimReply(ctx, key, revision)
	if err != nil {
		return fmt.Errorf("claim the reply to %s: %w", tr.item.Repo, err)
	}
	if !claimed && replyID != 0 {
		return nil
	}
	marker := render.ReplyMarker(key, revision)
	if !claimed {
		// Claimed before without a reply recorded: an earlier attempt may
		// have posted it and lost the answer. Adopt what it posted.
		found, err := t.gh.FindComment(ctx, tr.item.Repo, marker, 0)
		if err != nil {
			return fmt.Errorf("look for the reply on %s: %w", tr.item.Repo, err)
		}
		if found != 0 {
			return t.store.SetReplyID(ctx, key, revision, found)
		}
	}
	replies, okCount := t.runCommands(ctx, tr, cmds)
	r := tr.item.Repo
	if okCount > 0 && tr.commentID != 0 {
		if err := t.gh.React(ctx, r, tr.commentID, "+1"); err != nil {
			return err
		}
	} else if okCount > 0 && tr.reviewID == 0 {
		if err := t.gh.React(ctx, r, 0, "+1"); err != nil {
			return err
		}
	}
	done := int64(-1) // answered with a reaction only
	if len(replies) > 0 {
		id, err := t.gh.CreateComment(ctx, r, render.Reply(marker, tr.author, replies))
		if err != nil {
			return fmt.Errorf("reply on %s: %w", r, err)
		}
		done = id
	}
	if err := t.store.SetReplyID(ctx, key, revision, done); err != nil {
		return fmt.Errorf("record the reply on %s: %w", r, err)
	}
	return nil
}

// runCommands runs a trigger's commands in order and returns the answers
// to post (refusals, and answers with text) and how many succeeded.
func (t *Tracker) runCommands(ctx context.Context, tr trigger, cmds []command.Command) ([]render.ReplyPart, int) {
	log := zerolog.Ctx(ctx).With().Str("item", tr.item.Repo.String()).Str("commenter", tr.author).Logger()
	var replies []render.ReplyPart
	okCount := 0
	for _, c := range cmds {
		out, err := t.runCommand(ctx, tr, c)
		switch {
		case err != nil && bot.ErrorCode(err) == bot.EINTERNAL && !isUserError(err):
			// A fault (store, GitHub): the user reads "Internal error.", the
			// operator the cause.
			log.Error().Err(err).Str("command", c.Raw).Msg("command failed")
			replies = append(replies, render.ReplyPart{Command: c.Raw, Text: refusal(err), Refusal: true})
		case err != nil:
			log.Info().Err(err).Str("command", c.Raw).Msg("command refused")
			replies = append(replies, render.ReplyPart{Command: c.Raw, Text: refusal(err), Refusal: true})
		case out != "":
			replies = append(replies, render.ReplyPart{Command: c.Raw, Text: out})
			okCount++
		default:
			log.Info().Str("command", c.Raw).Msg("command done")
			okCount++
		}
	}
	return replies, okCount
}

// triggerOf normalises an issue_comment (created or edited), issues
// (opened) or pull_request_review (submitted) delivery into a trigger;
// ok is false for other deliveries.
func triggerOf(ctx context.Context, d bot.Delivery) (trigger, bool, error) {
	ev, err := parseEvent(ctx, d)
	if err != nil {
		return trigger{}, false, err
	}
	var tr trigger
	switch e := ev.(type) {
	case *bot.CommentEvent:
		if e.Action != "created" && e.Action != "edited" {
			return trigger{}, false, nil
		}
		c := e.Comment
		tr = trigger{item: e.Item, commentID: c.ID, body: c.Body, author: c.Author, authorType: c.AuthorType,
			association: c.AuthorAssociation}
		if e.Action == "edited" {
			tr.prev = e.PrevBody
		}
	case *bot.ItemEvent:
		if d.Event != "issues" || e.Action != "opened" {
			return trigger{}, false, nil
		}
		is := e.Item
		tr = trigger{item: is, body: is.Body, author: is.Author, authorType: is.AuthorType, association: is.AuthorAssociation}
	case *bot.ReviewEvent:
		if e.Action != "submitted" {
			return trigger{}, false, nil
		}
		rv := e.Review
		tr = trigger{item: e.Item, reviewID: rv.ID, body: rv.Body, author: rv.Author, authorType: rv.AuthorType,
			association: rv.AuthorAssociation}
	default:
		return trigger{}, false, nil
	}
	return tr, true, nil
}

// replyKey names the trigger for the reply claim and marker: the comment,
// the review (negative) or the issue body (negative, shifted), and a hash of
// the text's revision.
func (tr trigger) replyKey() (int64, string) {
	key := tr.commentID
	if key == 0 {
		key = -tr.reviewID
	}
	if key == 0 {
		key = -int64(tr.item.Repo.Number) << 20 // issue bodies: one per issue
	}
	sum := sha256.Sum256([]byte(tr.item.Repo.String() + "\x00" + tr.body))
	return key, hex.EncodeToString(sum[:8])
}

// Replier is the store's record of answered commands.
type Replier interface {
	ClaimReply(ctx context.Context, commentID int64, revision string) (bool, int64, error)
	SetReplyID(ctx context.Context, commentID int64, revision string, replyID int64) error
}

// isUserError reports whether err is a parse error of the user's command.
func isUserError(err error) bool {
	var uv *command.UnknownVerbError
	var se *command.SyntaxError
	return errors.As(err, &uv) || errors.As(err, &se)
}

// refusal words an error for the reply: domain errors as they are, the
// rest as an internal error (the cause is in the log).
func refusal(err error) string {
	var uv *command.UnknownVerbError
	if errors.As(err, &uv) {
		return uv.Error() + "\n\n" + uv.Help
	}
	var se *command.SyntaxError
	if errors.As(err, &se) {
		return se.Error()
	}
	return bot.ErrorMessage(err)
}

// runCommand runs one command and returns what to reply ("" for a silent
// success acknowledged by the reaction).
func (t *Tracker) runCommand(ctx context.Context, tr trigger, c command.Command) (string, error) {
	base := ref.New(tr.item.Repo.Owner, tr.item.Repo.Repo, 0)
	p, err := command.Parse(c, base)
	if err != nil {
		return "", err
	}
	isAuthor := strings.EqualFold(tr.author, tr.item.Author)
	if t.cfg != nil && !t.cfg.Commands.Allows(p.Verb, tr.association, isAuthor) {
		who := strings.Join(t.cfg.Commands.Permissions[p.Verb], ", ")
		who = strings.ReplaceAll(who, "AUTHOR", "the author of this item")
		return "", bot.Errorf(bot.EFORBIDDEN, "you may not use `/goal %s` here: it is open to %s (your association is %s).",
			p.Verb, who, strings.ToLower(orNone(tr.association)))
	}
	switch p.Verb {
	case command.VerbHelp:
		return command.Help(), nil
	case command.VerbTrack:
		return "", t.track(ctx, tr, p)
	case command.VerbUntrack:
		return "", t.untrack(ctx, tr, p)
	case command.VerbRefresh:
		return "", t.refreshCommand(ctx, tr)
	case command.VerbStatus:
		return t.statusReply(ctx, tr.item.Repo)
	}
	return "", bot.Errorf(bot.EINVALID, "unknown command")
}

func orNone(s string) string {
	if s == "" {
		return "NONE"
	}
	return s
}

// goalOf returns the goal whose tracking issue is r.
func (t *Tracker) goalOf(ctx context.Context, r ref.Ref) (bot.Goal, *goaldoc.Document, error) {
	goals, err := t.store.GoalsByTrackingIssue(ctx, r)
	if err != nil {
		return bot.Goal{}, nil, fmt.Errorf("goals tracked on %s: %w", r, err)
	}
	if len(goals) == 0 {
		return bot.Goal{}, nil, bot.Errorf(bot.ENOTFOUND,
			"%s is not the tracking issue of any goal goalbot follows; name the goal's tracking issue, e.g. `/goal track rust-lang/goals#105 \"approve RFC\"`", r)
	}
	return goals[0], goals[0].Doc, nil
}

func (t *Tracker) track(ctx context.Context, tr trigger, p command.Parsed) error {
	g, doc, err := t.goalOf(ctx, p.Issue)
	if err != nil {
		return err
	}
	var cands []command.Candidate
	doc.Walk(func(s, _ *goaldoc.Subgoal) bool {
		cands = append(cands, command.Candidate{ID: s.ID, Title: s.Title, Line: s.Line})
		return true
	})
	sg, err := command.ResolveSubgoal(p.Issue.String(), cands, p.Subgoal)
	if err != nil {
		return err
	}
	item := tr.item.Repo
	added, err := t.store.AddLink(ctx, bot.Link{Goal: g.ID, Subgoal: sg.ID, Item: item, Origin: bot.OriginCommand, By: tr.author, At: t.now()})
	if err != nil {
		return fmt.Errorf("link %s to goal %s: %w", item, g.ID, err)
	}
	if err := t.retrack(ctx, g.ID, item); err != nil {
		return err
	}
	// Record what the payload shows now; a full read (comments, FCP
	// history) follows as a job. A new link is shown even when no status
	// moves.
	sn := tr.item
	if err := t.updateItem(ctx, item, cause{Item: item, Shown: added}, func(s *bot.Item) error {
		core.Merge(s, sn)
		core.ApplyLabels(s, sn)
		return nil
	}); err != nil {
		return err
	}
	return t.enqueue(ctx, RefreshItem{Item: item.String()})
}

func (t *Tracker) untrack(ctx context.Context, tr trigger, p command.Parsed) error {
	goalID := ""
	if !p.Issue.IsZero() {
		g, _, err := t.goalOf(ctx, p.Issue)
		if err != nil {
			return err
		}
		goalID = g.ID
	}
	links, err := t.store.LinksToItem(ctx, tr.item.Repo)
	if err != nil {
		return fmt.Errorf("links to %s: %w", tr.item.Repo, err)
	}
	n, err := t.store.RemoveLinks(ctx, goalID, tr.item.Repo)
	if err != nil {
		return fmt.Errorf("unlink %s: %w", tr.item.Repo, err)
	}
	dropped, err := t.untrackDiscovered(ctx, goalID, tr.item.Repo, tr.author)
	if err != nil {
		return err
	}
	if n == 0 && dropped {
		return nil
	}
	if n == 0 {
		what := "any goal"
		if goalID != "" {
			what = "goal " + goalID
		}
		if len(links) > 0 {
			return bot.Errorf(bot.EINVALID, "%s is linked to %s by its goal document or goalbot's configuration, not by a command; change it there", tr.item.Repo, what)
		}
		return bot.Errorf(bot.ENOTFOUND, "%s is not tracked by %s", tr.item.Repo, what)
	}
	done := map[string]bool{}
	for _, l := range links {
		if (goalID == "" || l.Goal == goalID) && !done[l.Goal] {
			done[l.Goal] = true
			if err := t.Recompute(ctx, l.Goal, cause{Item: tr.item.Repo, Shown: true}); err != nil {
				return err
			}
		}
	}
	return nil
}

// refreshCommand re-reads this item, or every item of the goals whose
// tracking issue this is.
func (t *Tracker) refreshCommand(ctx context.Context, tr trigger) error {
	goals, err := t.store.GoalsByTrackingIssue(ctx, tr.item.Repo)
	if err != nil {
		return fmt.Errorf("goals tracked on %s: %w", tr.item.Repo, err)
	}
	if len(goals) == 0 {
		links, err := t.store.LinksToItem(ctx, tr.item.Repo)
		if err != nil {
			return err
		}
		if len(links) == 0 {
			return bot.Errorf(bot.ENOTFOUND, "%s is not tracked by any goal; link it first with `/goal track <tracking-issue> <subgoal>`", tr.item.Repo)
		}
		return t.enqueue(ctx, RefreshItem{Item: tr.item.Repo.String()})
	}
	for _, g := range goals {
		links, err := t.store.Links(ctx, g.ID)
		if err != nil {
			return err
		}
		for _, l := range links {
			if err := t.enqueue(ctx, RefreshItem{Item: l.Item.String()}); err != nil {
				return err
			}
		}
		if err := t.enqueueRender(ctx, g.ID); err != nil {
			return err
		}
	}
	return nil
}

// statusReply describes the goals and subgoals an item serves, its FCP or
// MCP state and each status (render.StatusReply). Store faults are
// returned, never shown as a half-empty table.
func (t *Tracker) statusReply(ctx context.Context, r ref.Ref) (string, error) {
	links, err := t.store.LinksToItem(ctx, r)
	if err != nil {
		return "", fmt.Errorf("links to %s: %w", r, err)
	}
	v := render.StatusReplyView{Item: r}
	if len(links) == 0 {
		return render.StatusReply(v), nil
	}
	it, err := t.store.Item(ctx, r)
	switch {
	case err == nil:
		v.Known, v.Kind, v.State = true, it.Kind, it.State
		v.FCPPhase, v.FCPDetail = string(it.FCP.Phase), it.FCP.Detail()
		v.MCPPhase, v.MCPDetail = string(it.MCP.Phase), it.MCP.Detail()
	case bot.ErrorCode(err) != bot.ENOTFOUND:
		return "", fmt.Errorf("item %s: %w", r, err)
	}
	for _, l := range links {
		row, err := t.statusReplyRow(ctx, l)
		if err != nil {
			return "", err
		}
		v.Rows = append(v.Rows, row)
	}
	return render.StatusReply(v), nil
}

// statusReplyRow reads one goal and subgoal an item serves.
func (t *Tracker) statusReplyRow(ctx context.Context, l bot.Link) (render.StatusReplyRow, error) {
	g, doc, err := t.goalDoc(ctx, l.Goal)
	if err != nil {
		return render.StatusReplyRow{}, err
	}
	st, err := t.store.Statuses(ctx, l.Goal)
	if err != nil {
		return render.StatusReplyRow{}, fmt.Errorf("statuses of %s: %w", l.Goal, err)
	}
	title := l.Subgoal
	if s, ok := doc.Lookup(l.Subgoal); ok {
		title = s.Title
	}
	return render.StatusReplyRow{GoalTitle: g.Title, TrackingIssue: g.TrackingIssue, Subgoal: title,
		Status: string(st[l.Subgoal].Status), Detail: st[l.Subgoal].Detail, Origin: l.Origin, By: l.By}, nil
}
