package tracker

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/gh"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/job"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/status"
	"github.com/google/go-github/v62/github"
	"github.com/riverqueue/river"
)

// leaseTTL bounds how long a crashed worker can block a goal's comment.
const leaseTTL = time.Minute

// leaseOwner names this process for leases: host, pid and a random part.
func leaseOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// renderWorker runs RenderStatus jobs.
type renderWorker struct {
	river.WorkerDefaults[RenderStatus]
	t *Tracker
}

func (w *renderWorker) Work(ctx context.Context, j *river.Job[RenderStatus]) error {
	err := w.t.RenderStatus(ctx, j.Args.Goal)
	var busy *leaseBusyError
	if errors.As(err, &busy) {
		return river.JobSnooze(time.Second)
	}
	return jobError(err)
}

// leaseBusyError says another worker is writing the goal's comment now.
type leaseBusyError struct{ goal string }

func (e *leaseBusyError) Error() string {
	return "status comment of " + e.goal + " is being written elsewhere"
}

// View builds the render view of a goal from the store.
func (t *Tracker) View(ctx context.Context, goalID string) (render.GoalView, error) {
	g, err := t.store.Goal(ctx, goalID)
	if err != nil {
		return render.GoalView{}, err
	}
	var doc goaldoc.Document
	if err := json.Unmarshal(g.Doc, &doc); err != nil {
		return render.GoalView{}, fmt.Errorf("goal %s: stored document: %w", goalID, err)
	}
	links, err := t.store.Links(ctx, goalID)
	if err != nil {
		return render.GoalView{}, err
	}
	statuses, err := t.store.Statuses(ctx, goalID)
	if err != nil {
		return render.GoalView{}, err
	}
	bySubgoal := map[string][]ref.Ref{}
	for _, l := range links {
		if !containsRef(bySubgoal[l.Subgoal], l.Item) {
			bySubgoal[l.Subgoal] = append(bySubgoal[l.Subgoal], l.Item)
		}
	}
	items, err := t.goalItems(ctx, goalID)
	if err != nil {
		return render.GoalView{}, err
	}
	v := render.GoalView{ID: g.ID, Title: g.Title, TrackingIssue: g.TrackingIssue, Source: g.Revision}
	depth := map[string]int{}
	doc.Walk(func(s, parent *goaldoc.Subgoal) bool {
		if parent != nil {
			depth[s.ID] = depth[parent.ID] + 1
		}
		st := statuses[s.ID]
		row := render.Row{Depth: depth[s.ID], SubgoalID: s.ID, Subgoal: s.Title, Line: s.Line,
			Status: status.Status(st.Status), Detail: st.Detail, DocStatus: status.Status(st.DocStatus),
			Disagree: st.Disagree, Since: st.Since}
		for _, r := range bySubgoal[s.ID] {
			il := render.ItemLink{Ref: r}
			if it := items[r]; it != nil {
				il.Title, il.IsPull = it.Title, it.IsPull
			}
			row.Items = append(row.Items, il)
		}
		v.Rows = append(v.Rows, row)
		return true
	})
	return v, nil
}

// RenderStatus brings the living status comment of a goal in step with the
// store: it takes the goal's lease, renders, and writes only when the text
// changed; a comment deleted on GitHub is made again.
func (t *Tracker) RenderStatus(ctx context.Context, goalID string) (err error) {
	g, err := t.store.Goal(ctx, goalID)
	if err != nil {
		return err
	}
	if g.TrackingIssue.IsZero() {
		return nil
	}
	// Every attempt leases under its own name, so concurrent workers of
	// one process exclude each other too.
	owner := fmt.Sprintf("%s/%d", t.owner, t.leases.Add(1))
	sc, ok, err := t.store.LeaseStatusComment(ctx, goalID, g.TrackingIssue, owner, leaseTTL)
	if err != nil {
		return err
	}
	if !ok {
		return &leaseBusyError{goalID}
	}
	saved := false
	defer func() {
		if !saved {
			t.store.ReleaseStatusComment(context.WithoutCancel(ctx), goalID, owner)
		}
	}()
	// Under the lease, read the version first: what is rendered below is at
	// least that new.
	if g, err = t.store.Goal(ctx, goalID); err != nil {
		return err
	}
	version := g.StatusVersion
	if sc.CommentID != 0 && sc.Issue == g.TrackingIssue && sc.RenderedVersion >= version {
		return nil // a render since the last change already showed it
	}
	v, err := t.View(ctx, goalID)
	if err != nil {
		return err
	}
	body := render.StatusComment(v)
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	issue := g.TrackingIssue
	if sc.CommentID != 0 && sc.BodyHash == hash && sc.Issue == issue {
		// Nothing shown changed: no write, but remember the version.
		sc.RenderedVersion = version
		if err := t.store.SaveStatusComment(ctx, sc, owner); err != nil {
			return err
		}
		saved = true
		return nil
	}
	c, err := t.gh.Repo(ctx, issue.Owner, issue.Repo)
	if err != nil {
		return err
	}
	id := sc.CommentID
	if sc.Issue != issue {
		id = 0 // the goal moved to another tracking issue
	}
	if id == 0 {
		// Look before posting: a worker may have died after creating the
		// comment but before recording it.
		if id, err = t.findStatusComment(ctx, issue, goalID); err != nil {
			return err
		}
	}
	if id != 0 {
		_, _, err = c.Issues.EditComment(ctx, issue.Owner, issue.Repo, id, &github.IssueComment{Body: github.String(body)})
		if gh.IsNotFound(err) {
			t.logger(ctx).Warn().Str("goal", goalID).Int64("comment", id).Msg("status comment was deleted; making it again")
			id, err = 0, nil
		}
		if err != nil {
			return fmt.Errorf("edit status comment of %s: %w", goalID, gh.Classify(err))
		}
	}
	if id == 0 {
		cm, _, err := c.Issues.CreateComment(ctx, issue.Owner, issue.Repo, issue.Number, &github.IssueComment{Body: github.String(body)})
		if err != nil {
			return fmt.Errorf("create status comment of %s: %w", goalID, gh.Classify(err))
		}
		id = cm.GetID()
		t.logger(ctx).Info().Str("goal", goalID).Int64("comment", id).Str("issue", issue.String()).Msg("status comment created")
	} else {
		t.logger(ctx).Info().Str("goal", goalID).Int64("comment", id).Msg("status comment updated")
	}
	if err := t.store.SaveStatusComment(ctx, bot.StatusComment{Goal: goalID, Issue: issue, CommentID: id, BodyHash: hash, RenderedVersion: version}, owner); err != nil {
		return err
	}
	saved = true
	return nil
}

// findStatusComment looks for the goal's marker in the bot's comments on
// the tracking issue.
func (t *Tracker) findStatusComment(ctx context.Context, issue ref.Ref, goalID string) (int64, error) {
	login, err := t.gh.BotLogin(ctx)
	if err != nil {
		return 0, err
	}
	comments, err := t.gh.ListComments(ctx, issue, time.Time{})
	if err != nil {
		return 0, fmt.Errorf("look for the status comment of %s: %w", goalID, err)
	}
	for _, c := range comments {
		if !strings.EqualFold(c.Author, login) {
			continue
		}
		if id, ok := render.ParseMarker(c.Body); ok && id == goalID {
			return c.ID, nil
		}
	}
	return 0, nil
}

// jobError turns an error into the job's fate, after classifying GitHub's
// errors (rate limits snooze, gone items are not retried).
func jobError(err error) error {
	if err == nil {
		return nil
	}
	return job.Fate(gh.Classify(err))
}
