package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
	"github.com/google/go-github/v62/github"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"
)

// kindOf classifies an item from where it lives and its labels.
func kindOf(r ref.Ref, isPull bool, labels []string) string {
	has := func(l string) bool {
		for _, x := range labels {
			if strings.EqualFold(x, l) {
				return true
			}
		}
		return false
	}
	switch {
	case r.FullName() == "rust-lang/rfcs" && isPull:
		return bot.KindRFC
	case !isPull && (has("major-change") || has("major-change-accepted") || r.FullName() == "rust-lang/compiler-team"):
		return bot.KindMCP
	case !isPull && (has("api-change-proposal") || has("ACP-accepted") || r.FullName() == "rust-lang/libs-team"):
		return bot.KindACP
	case isPull:
		return bot.KindPR
	default:
		return bot.KindIssue
	}
}

// itemState is an item with its FCP and MCP state decoded.
type itemState struct {
	bot.Item
	fcp fcp.State
	mcp fcp.MCP
}

func decodeItem(it bot.Item) (itemState, error) {
	s := itemState{Item: it, fcp: fcp.State{Phase: fcp.PhaseNone}, mcp: fcp.MCP{Phase: fcp.MCPNone}}
	if len(it.FCP) > 0 {
		if err := json.Unmarshal(it.FCP, &s.fcp); err != nil {
			return s, fmt.Errorf("item %s: stored FCP state: %w", it.Ref, err)
		}
	}
	if len(it.MCP) > 0 {
		if err := json.Unmarshal(it.MCP, &s.mcp); err != nil {
			return s, fmt.Errorf("item %s: stored MCP state: %w", it.Ref, err)
		}
	}
	return s, nil
}

func (s *itemState) encode() (bot.Item, error) {
	it := s.Item
	var err error
	if it.FCP, err = json.Marshal(s.fcp); err != nil {
		return it, err
	}
	if it.MCP, err = json.Marshal(s.mcp); err != nil {
		return it, err
	}
	return it, nil
}

// apply feeds one event to both state machines.
func (s *itemState) apply(e fcp.Event) {
	s.fcp = s.fcp.Apply(e)
	s.mcp = s.mcp.Apply(e)
}

// factsOf turns an item into what the status rules look at.
func factsOf(it bot.Item) status.Facts {
	s, err := decodeItem(it)
	f := status.Facts{Kind: it.Kind, State: it.State, Labels: it.Labels}
	if err != nil {
		return f
	}
	f.FCP = status.FCPFacts{Phase: string(s.fcp.Phase), Disposition: string(s.fcp.Disposition),
		Reviewed: s.fcp.Ticked(), Reviewers: len(s.fcp.Reviewers), Concerns: len(s.fcp.Unresolved()), End: s.fcp.End}
	f.MCP = status.MCPFacts{Phase: string(s.mcp.Phase), End: s.mcp.End, Concerns: len(s.mcp.Unresolved())}
	return f
}

// issueSnapshot is an issue's state as a webhook payload shows it.
func issueSnapshot(is *github.Issue, repo *github.Repository) gh.Issue {
	return gh.IssueFrom(ref.New(repo.GetOwner().GetLogin(), repo.GetName(), is.GetNumber()), is)
}

// pullSnapshot is a pull request's state as a webhook payload shows it.
func pullSnapshot(pr *github.PullRequest, repo *github.Repository) gh.Issue {
	return gh.PullFrom(ref.New(repo.GetOwner().GetLogin(), repo.GetName(), pr.GetNumber()), pr)
}

// updateItem applies change to the item behind r under the store's row
// lock, then recomputes every goal linked to it. Items goalbot does not
// follow (not stored, not linked) are left alone. The links are read
// before the lock: no store call may run inside it (SQLite has one
// connection).
func (t *Tracker) updateItem(ctx context.Context, r ref.Ref, c cause, change func(s *itemState) error) error {
	links, err := t.store.LinksToItem(ctx, r)
	if err != nil {
		return err
	}
	saved, err := t.store.UpdateItem(ctx, r, func(it *bot.Item, exists bool) (bool, error) {
		if !exists && len(links) == 0 {
			return false, nil
		}
		s, err := decodeItem(*it)
		if err != nil {
			return false, err
		}
		if err := change(&s); err != nil {
			return false, err
		}
		*it, err = s.encode()
		return err == nil, err
	})
	if err != nil || !saved {
		return err
	}
	return t.recomputeLinked(ctx, links, c)
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

// merge applies a snapshot's base fields when it is not older than what the
// item shows, so that late deliveries never roll state back.
func (s *itemState) merge(sn gh.Issue) bool {
	if !s.UpdatedAt.IsZero() && sn.UpdatedAt.Before(s.UpdatedAt) {
		return false
	}
	s.Title, s.IsPull, s.Author, s.Labels, s.UpdatedAt = sn.Title, sn.IsPull, sn.Author, sn.Labels, sn.UpdatedAt
	if s.State != bot.StateMerged || sn.State == bot.StateMerged {
		s.State = sn.State
	}
	s.Kind = kindOf(s.Ref, s.IsPull, s.Labels)
	return true
}

// handleIssue keeps items current from issues and pull_request deliveries.
func (t *Tracker) handleIssue(ctx context.Context, d bot.Delivery) error {
	ev, err := github.ParseWebHook(d.Event, d.Payload)
	if err != nil {
		return bot.Errorf(bot.EINVALID, "%s payload: %v", d.Event, err)
	}
	var sn gh.Issue
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
	return t.updateItem(ctx, sn.Repo, cause{DeliveryID: d.ID, Item: sn.Repo}, func(s *itemState) error {
		newer := s.merge(sn)
		switch {
		case (action == "labeled" || action == "unlabeled") && label != nil:
			s.apply(fcp.NewLabelEvent(label.GetName(), action == "labeled", sn.UpdatedAt))
		case newer:
			s.fcp = s.fcp.ApplyLabels(sn.Labels, sn.UpdatedAt)
			s.mcp = s.mcp.ApplyLabels(sn.Labels, sn.UpdatedAt)
		}
		if action == "closed" || action == "reopened" {
			s.apply(fcp.NewClosedEvent(action == "closed", sn.UpdatedAt))
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
	return t.updateItem(ctx, sn.Repo, cause{DeliveryID: d.ID, Item: sn.Repo}, func(s *itemState) error {
		s.merge(sn)
		if isBot {
			s.apply(pe)
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
	return jobError(w.t.Refresh(ctx, r))
}

// Refresh re-reads an item from GitHub: a conditional read of the issue or
// pull request (a 304 costs no rate limit and ends the refresh), then its
// comments, from which the FCP and MCP state is rebuilt.
func (t *Tracker) Refresh(ctx context.Context, r ref.Ref) error {
	log := zerolog.Ctx(ctx).With().Str("item", r.String()).Logger()
	prev, err := t.store.Item(ctx, r)
	if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		return err
	}
	iss, notModified, err := t.gh.GetIssue(ctx, r, prev.ETag)
	if err != nil {
		if errors.Is(gh.Classify(err), gh.ErrNotFound) {
			log.Warn().Msg("item is gone (404/410); no longer read")
			return t.updateItem(ctx, r, cause{Item: r}, func(s *itemState) error {
				s.Gone, s.FetchedAt = true, t.now()
				if s.Kind == "" {
					s.Kind = kindOf(r, false, nil)
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
	return t.updateItem(ctx, r, cause{Item: r}, func(s *itemState) error {
		// Rebuild from history: comments in order, then the labels as they
		// are now (newest), then the open/closed state.
		*s, _ = decodeItem(bot.Item{Ref: r})
		s.merge(iss)
		s.ETag, s.FetchedAt = iss.ETag, t.now()
		listing := make([]fcp.Comment, 0, len(comments))
		for _, c := range comments {
			listing = append(listing, fcp.Comment{ID: c.ID, Author: c.Author, Body: c.Body, URL: c.URL, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt})
		}
		s.fcp, s.mcp = p.Rebuild(listing, iss.Labels, iss.State != bot.StateOpen, iss.UpdatedAt)
		log.Info().Str("state", s.State).Str("fcp", string(s.fcp.Phase)).Str("mcp", string(s.mcp.Phase)).Msg("item read from GitHub")
		return nil
	})
}
