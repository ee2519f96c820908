package tracker

import (
	"context"
	"fmt"
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/status"
	"github.com/riverqueue/river"
)

// major reports whether a transition into s is worth a notice of its own:
// an FCP started or finished, an RFC or MCP accepted, work done or dropped.
func major(s status.Status) bool {
	switch s {
	case status.InFCP, status.FCPFinished, status.Accepted, status.Complete, status.Postponed, status.Closed:
		return true
	}
	return false
}

// NoticeJob posts one transition notice. Its fields name the transition,
// so the same transition is announced once however often it is computed.
type NoticeJob struct {
	Goal    string `json:"goal" river:"unique"`
	Subgoal string `json:"subgoal" river:"unique"`
	To      string `json:"to" river:"unique"`
	At      string `json:"at" river:"unique"`
	Item    string `json:"item"`
	Detail  string `json:"detail"`
}

// Kind names the job.
func (NoticeJob) Kind() string { return "notice" }

// enqueueNotices asks for notices of a goal's major transitions, when the
// goal has notices switched on (they are off by default).
func (t *Tracker) enqueueNotices(ctx context.Context, g bot.Goal, trans []bot.Transition) error {
	if !g.Notices || g.TrackingIssue.IsZero() {
		return nil
	}
	at := time.Now().Add(noticeSettle)
	for _, tr := range trans {
		if !major(tr.New) || tr.Item == "" {
			continue
		}
		res, err := t.queue.Insert(ctx, NoticeJob{Goal: g.ID, Subgoal: tr.Subgoal, To: string(tr.New), At: tr.At.UTC().Format("2006-01-02T15:04:05.000000000Z"),
			Item: tr.Item, Detail: tr.Detail}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}, ScheduledAt: at})
		if err != nil {
			return fmt.Errorf("enqueue notice: %w", err)
		}
		if !res.UniqueSkippedAsDuplicate {
			t.promoteWhenDue(res.Job, at)
		}
	}
	return nil
}

// noticeSettle is how long a notice waits before it is written. One
// action of rfcbot arrives as several deliveries (the edit ticking the last
// box, the :bell: comment with the FCP's end, the label) that workers may
// process in any order; the notice takes the subgoal's detail as it is when
// it is written (postNotice), and posted at once it sometimes missed the
// end date the :bell: comment brings (TestTransitionNoticesWhenEnabled
// failed so in one CI run).
const noticeSettle = 2 * time.Second

type noticeWorker struct {
	river.WorkerDefaults[NoticeJob]
	t *Tracker
}

func (w *noticeWorker) Work(ctx context.Context, j *river.Job[NoticeJob]) error {
	return jobError(wrap(w.t.postNotice(ctx, j.Args), "notice of %s %s → %s", j.Args.Goal, j.Args.Subgoal, j.Args.To))
}

func (t *Tracker) postNotice(ctx context.Context, n NoticeJob) error {
	g, doc, err := t.goalDoc(ctx, n.Goal)
	if err != nil {
		return err
	}
	v := render.NoticeView{GoalID: g.ID, GoalTitle: g.Title, Subgoal: n.Subgoal, Status: status.Status(n.To), Detail: n.Detail}
	if s, ok := doc.Lookup(n.Subgoal); ok {
		v.Subgoal = s.Title
	}
	// The deliveries of one change can be processed in any order (rfcbot's
	// label before its :bell: comment): while the subgoal is still in the
	// announced status, its current detail is the fuller one.
	cur, err := t.store.Statuses(ctx, n.Goal)
	if err != nil {
		return fmt.Errorf("read statuses of %s: %w", n.Goal, err)
	}
	if st, ok := cur[n.Subgoal]; ok && string(st.Status) == n.To && st.Detail != "" {
		v.Detail = st.Detail
	}
	if r, err := ref.Parse(n.Item, ref.Ref{}); err == nil {
		v.Item = render.ItemLink{Ref: r}
		if it, err := t.store.Item(ctx, r); err == nil {
			v.Item.Title, v.Item.IsPull = it.Title, it.IsPull
		}
	}
	v.Key = n.Subgoal + "/" + n.To + "/" + n.At
	issue := g.TrackingIssue
	// Look before posting: an earlier attempt may have posted the notice
	// and lost the answer.
	marker := render.NoticeMarker(g.ID, v.Key)
	found, err := t.gh.FindComment(ctx, issue, marker, 0)
	if err != nil {
		return fmt.Errorf("look for the notice on %s: %w", issue, err)
	}
	if found != 0 {
		return nil
	}
	if _, err := t.gh.CreateComment(ctx, issue, render.Notice(v)); err != nil {
		return fmt.Errorf("post notice on %s: %w", issue, err)
	}
	t.logger(ctx).Info().Str("goal", g.ID).Str("subgoal", n.Subgoal).Str("to", n.To).Msg("transition notice posted")
	return nil
}
