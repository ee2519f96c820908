package tracker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/core"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/google/go-github/v62/github"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"
)

// issueSnapshot is an issue's state as a webhook payload shows it.
func issueSnapshot(is *github.Issue, repo *github.Repository) bot.Issue {
	return gh.IssueFrom(ref.New(repo.GetOwner().GetLogin(), repo.GetName(), is.GetNumber()), is)
}

// pullSnapshot is a pull request's state as a webhook payload shows it.
func pullSnapshot(pr *github.PullRequest, repo *github.Repository) bot.Issue {
	return gh.PullFrom(ref.New(repo.GetOwner().GetLogin(), repo.GetName(), pr.GetNumber()), pr)
}

// updateItem applies change to the item behind r under the store's row
// lock, then recomputes every goal linked to it. Items goalbot does not
// follow (not stored, not linked) are left alone. The links are read
// before the lock: no store call may run inside it (SQLite has one
// connection).
func (t *Tracker) updateItem(ctx context.Context, r ref.Ref, c cause, change func(s *bot.Item) error) error {
	links, err := t.store.LinksToItem(ctx, r)
	if err != nil {
		return fmt.Errorf("links to %s: %w", r, err)
	}
	found, err := t.store.DiscoveredGoals(ctx, r)
	if err != nil {
		return err
	}
	saved, err := t.store.UpdateItem(ctx, r, func(it *bot.Item, exists bool) (bool, error) {
		if !exists && len(links) == 0 && len(found) == 0 {
			return false, nil
		}
		before := *it
		if err := change(it); err != nil {
			return false, err
		}
		// What the living comment shows of the item: a renamed item is
		// rendered again though no status moves.
		if it.Title != before.Title || it.IsPull != before.IsPull {
			c.Shown = true
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("update item %s: %w", r, err)
	}
	if !saved {
		return nil
	}
	if err := t.recomputeLinked(ctx, links, c); err != nil {
		return err
	}
	return t.placeFound(ctx, found, c)
}

// recomputeLinked recomputes each goal named in links once.
func (t *Tracker) recomputeLinked(ctx context.Context, links []bot.Link, c cause) error {
	done := map[string]bool{}
	for _, l := range links {
		if done[l.Goal] {
			continue
		}
		done[l.Goal] = true
		if err := t.Recompute(ctx, l.Goal, c); err != nil {
			return err
		}
	}
	return nil
}

// handleIssue keeps items current from issues and pull_request deliveries.
func (t *Tracker) handleIssue(ctx context.Context, d bot.Delivery) error {
	ev, err := github.ParseWebHook(d.Event, d.Payload)
	if err != nil {
		return bot.Errorf(bot.EINVALID, "%s payload: %v", d.Event, err)
	}
	var sn bot.Issue
	var label *github.Label
	var action string
	switch e := ev.(type) {
	case *github.IssuesEvent:
		if e.Issue == nil || e.Repo == nil {
			return nil
		}
		sn, label, action = issueSnapshot(e.Issue, e.Repo), e.Label, e.GetAction()
	case *github.PullRequestEvent:
		if e.PullRequest == nil || e.Repo == nil {
			return nil
		}
		sn, label, action = pullSnapshot(e.PullRequest, e.Repo), e.Label, e.GetAction()
	default:
		return nil
	}
	return t.updateItem(ctx, sn.Repo, cause{DeliveryID: d.ID, Item: sn.Repo}, func(s *bot.Item) error {
		newer := core.Merge(s, sn)
		switch {
		case (action == "labeled" || action == "unlabeled") && label != nil:
			core.Apply(s, fcp.NewLabelEvent(label.GetName(), action == "labeled", sn.UpdatedAt))
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
	ev, err := github.ParseWebHook(d.Event, d.Payload)
	if err != nil {
		return bot.Errorf(bot.EINVALID, "%s payload: %v", d.Event, err)
	}
	e, ok := ev.(*github.IssueCommentEvent)
	if !ok || e.Issue == nil || e.Repo == nil || e.Comment == nil {
		return nil
	}
	if a := e.GetAction(); a != "created" && a != "edited" {
		return nil
	}
	if login, err := t.gh.BotLogin(ctx); err == nil && strings.EqualFold(e.Comment.GetUser().GetLogin(), login) {
		return nil // our own comment
	}
	sn := issueSnapshot(e.Issue, e.Repo)
	c := e.Comment
	pe, isBot := t.parser().ParseComment(fcp.Comment{ID: c.GetID(), Author: c.GetUser().GetLogin(), Body: c.GetBody(),
		URL: c.GetHTMLURL(), CreatedAt: c.GetCreatedAt().Time.UTC(), UpdatedAt: c.GetUpdatedAt().Time.UTC(),
		Edited: e.GetAction() == "edited"})
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

// refreshWorker runs RefreshItem jobs.
type refreshWorker struct {
	river.WorkerDefaults[RefreshItem]
	t *Tracker
}

func (w *refreshWorker) Work(ctx context.Context, j *river.Job[RefreshItem]) error {
	r, err := ref.Parse(j.Args.Item, ref.Ref{})
	if err != nil {
		return river.JobCancel(err)
	}
	return jobError(wrap(w.t.Refresh(ctx, r), "refresh %s", r))
}

// Refresh re-reads an item from GitHub: a conditional read of the issue or
// pull request (a 304 costs no rate limit and ends the refresh), then its
// comments, from which the FCP and MCP state is rebuilt.
func (t *Tracker) Refresh(ctx context.Context, r ref.Ref) error {
	log := zerolog.Ctx(ctx).With().Str("item", r.String()).Logger()
	prev, err := t.store.Item(ctx, r)
	if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		return fmt.Errorf("load item %s: %w", r, err)
	}
	iss, notModified, err := t.gh.GetIssue(ctx, r, prev.ETag)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			log.Warn().Msg("item is gone (404/410); no longer read")
			return t.updateItem(ctx, r, cause{Item: r}, func(s *bot.Item) error {
				s.Gone, s.FetchedAt = true, t.now()
				if s.Kind == "" {
					s.Kind = core.KindOf(r, false, nil)
				}
				return nil
			})
		}
		return err
	}
	if notModified {
		return nil
	}
	comments, err := t.gh.ListComments(ctx, r, time.Time{})
	if err != nil {
		return err
	}
	p := t.parser()
	return t.updateItem(ctx, r, cause{Item: r}, func(s *bot.Item) error {
		// Rebuild from history: comments in order, then the labels as they
		// are now (newest), then the open/closed state.
		*s = core.NewItem(r)
		core.Merge(s, iss)
		s.ETag, s.FetchedAt = iss.ETag, t.now()
		listing := make([]fcp.Comment, 0, len(comments))
		for _, c := range comments {
			listing = append(listing, fcp.Comment{ID: c.ID, Author: c.Author, Body: c.Body, URL: c.URL, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt})
		}
		s.FCP, s.MCP = p.Rebuild(listing, iss.Labels, iss.State != bot.StateOpen, iss.UpdatedAt)
		log.Info().Str("state", s.State).Str("fcp", string(s.FCP.Phase)).Str("mcp", string(s.MCP.Phase)).Msg("item read from GitHub")
		return nil
	})
}
