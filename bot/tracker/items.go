package tracker

import (
	"context"
	"fmt"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/core"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/job"
	"github.com/goalbot/goalbot/bot/ref"
)

// updateItem applies change to the item behind r under the store's row
// lock, then recomputes every goal linked to it. Items goalbot does not
// follow (not stored, not linked, not found by discovery) are left alone,
// except, with [fcp]
// track_all, one the change shows to be an rfcbot FCP or an MCP: it is
// stored (state only, for the dashboard; no goal links it, so no comment
// follows). The links are read before the lock: no store call may run
// inside it (SQLite has one connection).
func (t *Tracker) updateItem(ctx context.Context, r ref.Ref, c cause, change func(s *bot.Item) error) error {
	return t.updateItems(ctx, []itemChange{{r, c, change}})
}

// itemChange is a change to one item and what caused it.
type itemChange struct {
	ref    ref.Ref
	cause  cause
	change func(s *bot.Item) error
}

// updateItems is updateItem for changes to distinct items, stored in one
// transaction (a batch of reads commits once).
func (t *Tracker) updateItems(ctx context.Context, changes []itemChange) error {
	trackAll := t.cfg != nil && t.cfg.FCP.TrackAll
	all := make([]ref.Ref, len(changes))
	for i, ch := range changes {
		all[i] = ch.ref
	}
	followers, discovered, err := t.store.FollowersOf(ctx, all)
	if err != nil {
		return err
	}
	// An item nothing follows is only kept current when a row is stored
	// already (by an earlier link, say). A read tells, not a write
	// transaction that inserts a placeholder only to delete it (on
	// PostgreSQL, a commit's flush per delivery about such an item).
	var unfollowed []ref.Ref
	for _, ch := range changes {
		if len(followers[ch.ref]) == 0 && len(discovered[ch.ref]) == 0 && !trackAll {
			unfollowed = append(unfollowed, ch.ref)
		}
	}
	var stored map[ref.Ref]bot.Item
	if len(unfollowed) > 0 {
		if stored, err = t.store.ItemsOf(ctx, unfollowed); err != nil {
			return fmt.Errorf("update %d items: %w", len(unfollowed), err)
		}
	}
	var refs []ref.Ref
	var kept []itemChange
	var links [][]bot.Link
	var found [][]string
	for _, ch := range changes {
		l, f := followers[ch.ref], discovered[ch.ref]
		if _, ok := stored[ch.ref]; !ok && len(l) == 0 && len(f) == 0 && !trackAll {
			continue
		}
		refs, kept, links, found = append(refs, ch.ref), append(kept, ch), append(links, l), append(found, f)
	}
	if len(kept) == 0 {
		return nil
	}
	saved, err := t.store.UpdateItems(ctx, refs, func(i int, it *bot.Item, exists bool) (bool, error) {
		followed := len(links[i]) > 0 || len(found[i]) > 0
		if !exists && !followed && !trackAll {
			return false, nil
		}
		before := *it
		if err := kept[i].change(it); err != nil {
			return false, err
		}
		if !exists && !followed && !isDecision(*it) {
			return false, nil
		}
		// What the living comment shows of the item: a renamed item is
		// rendered again though no status moves.
		if it.Title != before.Title || it.IsPull != before.IsPull {
			kept[i].cause.Shown = true
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	for i, ch := range kept {
		if !saved[i] {
			continue
		}
		if err := t.recomputeLinked(ctx, links[i], ch.cause); err != nil {
			return err
		}
		if err := t.placeFound(ctx, found[i], ch.cause); err != nil {
			return err
		}
	}
	return nil
}

// isDecision reports whether an item is one goalbot follows org-wide with
// [fcp] track_all: rfcbot runs (or ran) an FCP on it, or it is an MCP.
func isDecision(it bot.Item) bool {
	if (it.FCP.Phase != "" && it.FCP.Phase != fcp.PhaseNone) || (it.MCP.Phase != "" && it.MCP.Phase != fcp.MCPNone) {
		return true
	}
	for _, l := range it.Labels {
		switch l {
		case fcp.LabelProposed, fcp.LabelFCP, fcp.LabelFinished, fcp.LabelMajorChange, "major-change-accepted":
			return true
		}
	}
	return false
}

// recomputeLinked recomputes each goal named in links once, at once or,
// for a cause that may come in a burst (c.Gather), through one
// RecomputeGoal job per goal for the whole burst; a batch's changes
// (c.Batch) leave the goals to the batch's end.
func (t *Tracker) recomputeLinked(ctx context.Context, links []bot.Link, c cause) error {
	done := map[string]bool{}
	for _, l := range links {
		if done[l.Goal] {
			continue
		}
		done[l.Goal] = true
		if c.Batch != nil {
			c.Batch[l.Goal] = c.Batch[l.Goal] || c.Shown
			continue
		}
		recompute := t.Recompute
		if c.Gather && t.queue != nil {
			recompute = t.gatherRecompute
		}
		if err := recompute(ctx, l.Goal, c); err != nil {
			return err
		}
	}
	return nil
}

// parseEvent decodes a delivery's payload (gh.ParseEvent) once for all
// its handlers; the event is shared, so they only read it.
func parseEvent(ctx context.Context, d bot.Delivery) (any, error) {
	return job.Once(ctx, "event", func() (any, error) { return gh.ParseEvent(d.Event, d.Payload) })
}

// handleIssue keeps items current from issues and pull_request deliveries.
func (t *Tracker) handleIssue(ctx context.Context, d bot.Delivery) error {
	ev, err := parseEvent(ctx, d)
	e, ok := ev.(*bot.ItemEvent)
	if err != nil || !ok {
		return err
	}
	sn, action := e.Item, e.Action
	return t.updateItem(ctx, sn.Repo, cause{DeliveryID: d.ID, Item: sn.Repo}, func(s *bot.Item) error {
		newer := core.Merge(s, sn)
		switch {
		case (action == "labeled" || action == "unlabeled") && e.HasLabel:
			core.Apply(s, fcp.NewLabelEvent(e.Label, action == "labeled", sn.UpdatedAt))
		case newer:
			core.ApplyLabels(s, sn)
		}
		if action == "closed" || action == "reopened" {
			core.Apply(s, fcp.NewClosedEvent(action == "closed", sn.UpdatedAt))
		}
		return nil
	})
}

// handleComment feeds rfcbot's and triagebot's comments (created or
// edited) on followed items to their FCP and MCP state.
func (t *Tracker) handleComment(ctx context.Context, d bot.Delivery) error {
	ev, err := parseEvent(ctx, d)
	e, ok := ev.(*bot.CommentEvent)
	if err != nil || !ok {
		return err
	}
	if e.Action != "created" && e.Action != "edited" {
		return nil
	}
	c := e.Comment
	if login, err := t.gh.BotLogin(ctx); err == nil && strings.EqualFold(c.Author, login) {
		return nil // our own comment
	}
	sn := e.Item
	pe, isBot := t.parser().ParseComment(fcp.Comment{ID: c.ID, Author: c.Author, Body: c.Body,
		URL: c.URL, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Edited: e.Action == "edited"})
	return t.updateItem(ctx, sn.Repo, cause{DeliveryID: d.ID, Item: sn.Repo}, func(s *bot.Item) error {
		core.Merge(s, sn)
		if isBot {
			core.Apply(s, pe)
		}
		return nil
	})
}

func (t *Tracker) parser() fcp.Parser {
	var p fcp.Parser
	if t.cfg != nil {
		p.Authors = t.cfg.GitHub.RFCBotLogins
		p.Days, p.DefaultDays = t.cfg.GitHub.FCPDaysBy, t.cfg.GitHub.FCPDays
	}
	return p
}
