package fcp_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/fcp/fcptest"
	"github.com/goalbot/goalbot/bot/status"
)

// parser is how goalbot is configured for the threads: rfcbot and the
// Matrix fork trusted, Matrix's five-day FCPs.
var parser = fcp.Parser{
	Authors:     []string{"rfcbot", "rust-rfcbot", "mscbot"},
	Days:        map[string]int{"matrix-org/matrix-spec-proposals": 5},
	DefaultDays: 10,
}

// item is an item's state as the tracker keeps it from webhooks: the FCP
// and MCP state and the newest issue snapshot time seen. deliver mirrors
// tracker.handleIssue and tracker.handleComment (bot/tracker/items.go):
// the same fcp entry points in the same way.
type item struct {
	s       fcp.State
	m       fcp.MCP
	updated time.Time
}

func newItem() *item {
	return &item{s: fcp.State{Phase: fcp.PhaseNone}, m: fcp.MCP{Phase: fcp.MCPNone}}
}

func (it *item) apply(e fcp.Event) { it.s, it.m = it.s.Apply(e), it.m.Apply(e) }

func (it *item) deliver(d fcptest.Delivery) {
	newer := it.updated.IsZero() || !d.Issue.UpdatedAt.Before(it.updated)
	if newer {
		it.updated = d.Issue.UpdatedAt
	}
	switch d.Event {
	case "issue_comment":
		c := d.Comment
		if e, ok := parser.ParseComment(fcp.Comment{ID: c.ID, Author: c.Author, Body: c.Body, URL: c.URL,
			CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Edited: d.Action == "edited"}); ok {
			it.apply(e)
		}
	default:
		switch {
		case d.Action == "labeled" || d.Action == "unlabeled":
			it.apply(fcp.NewLabelEvent(d.Label, d.Action == "labeled", d.Issue.UpdatedAt))
		case newer:
			it.s, it.m = it.s.ApplyLabels(d.Issue.Labels, d.Issue.UpdatedAt), it.m.ApplyLabels(d.Issue.Labels, d.Issue.UpdatedAt)
		}
		if d.Action == "closed" || d.Action == "reopened" {
			it.apply(fcp.NewClosedEvent(d.Action == "closed", d.Issue.UpdatedAt))
		}
	}
}

// rebuild is what /goal refresh, /goal track and sync read: the listing.
func rebuild(l fcptest.Listing) (fcp.State, fcp.MCP) {
	var cs []fcp.Comment
	for _, c := range l.Comments {
		cs = append(cs, fcp.Comment{ID: c.ID, Author: c.Author, Body: c.Body, URL: c.URL, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt})
	}
	return parser.Rebuild(cs, l.Issue.Labels, l.Issue.State != "open", l.Issue.UpdatedAt)
}

// view is what must agree between webhooks and a rebuild: everything the
// status, its detail and `status --explain` show, apart from the times of
// label events (a listing has none; its labels are a snapshot) and which
// of a label and the comment standing for it set an MCP label.
type view struct {
	Phase        fcp.Phase
	Disposition  fcp.Disposition
	Initiator    string
	Reviewers    []fcp.Reviewer
	Concerns     []fcp.Concern
	Start, End   time.Time
	StatusID     int64
	CancelledBy  string
	Note         bool
	PhaseBy      string
	ReviewBy     string
	MCPPhase     fcp.MCPPhase
	MCPEnd       time.Time
	MCPConcerns  []fcp.Concern
	MCPClosed    bool
	SecondedBy   string
	Labels       []string
	FCPLabelsMCP []string
}

func viewOf(s fcp.State, m fcp.MCP) view {
	v := view{Phase: s.Phase, Disposition: s.Disposition, Initiator: s.Initiator, Reviewers: s.Reviewers, Concerns: s.Concerns,
		Start: s.Start, End: s.End, StatusID: s.StatusCommentID, CancelledBy: s.CancelledBy, Note: s.LabelMissingNote,
		MCPPhase: m.Phase, MCPEnd: m.End, MCPConcerns: m.Concerns, MCPClosed: m.Closed, SecondedBy: m.SecondedBy,
		Labels: s.Labels, FCPLabelsMCP: m.Labels}
	if v.Phase == "" {
		v.Phase = fcp.PhaseNone
	}
	// nil and empty lists read the same.
	v.Reviewers, v.Concerns, v.MCPConcerns = orNil(v.Reviewers), orNil(v.Concerns), orNil(v.MCPConcerns)
	v.Labels, v.FCPLabelsMCP = orNil(v.Labels), orNil(v.FCPLabelsMCP)
	if p := s.PhaseBy; p != nil {
		v.PhaseBy = fmt.Sprintf("%s %s %d %s %s", p.Source, p.What, p.ID, p.Author, p.Label)
		switch p.Source {
		case "comment":
			v.PhaseBy += " " + p.At.Format(time.RFC3339)
		case "label", "labels": // a label event or a snapshot: the label, not when it was read
			v.PhaseBy = "label " + p.Label
		}
	}
	if p := s.ReviewBy; p != nil {
		v.ReviewBy = fmt.Sprintf("%d %s %s", p.ID, p.Author, p.At.Format(time.RFC3339))
	}
	return v
}

func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// row is the subgoal row the default status rules give for the item, as
// the tracker computes it (tracker.factsOf).
func row(th fcptest.Thread, state string, labels []string, s fcp.State, m fcp.MCP) string {
	f := status.Facts{Kind: th.Kind, State: state, Labels: labels,
		FCP: status.FCPFacts{Phase: string(s.Phase), Disposition: string(s.Disposition), Reviewed: s.Ticked(), Reviewers: len(s.Reviewers),
			Concerns: len(s.Unresolved()), End: s.End},
		MCP: status.MCPFacts{Phase: string(m.Phase), End: m.End, Concerns: len(m.Unresolved())}}
	st, detail := status.Evaluate(status.DefaultRules(), f)
	return status.Result{Status: st, Detail: detail}.Text()
}

const shuffles = 12

// TestThreadsRebuildProperty: for every thread in testdata/threads and every
// prefix of it, the state from (a) its webhooks in order, (b) its webhooks
// re-sent and shuffled, and (c) a rebuild from the comment listing at that
// point are equal (DESIGN §7) — including threads whose status comment is
// edited after the :bell: and after completion. The row the status rules
// give after each event is the one the thread expects.
func TestThreadsRebuildProperty(t *testing.T) {
	threads, err := fcptest.Load("testdata/threads")
	if err != nil {
		t.Fatal(err)
	}
	if len(threads) < 8 {
		t.Fatalf("%d threads, want at least 8", len(threads))
	}
	checks := 0
	for _, th := range threads {
		t.Run(th.Name, func(t *testing.T) {
			for n := 0; n <= len(th.Events); n++ {
				ds := th.Deliveries(n)
				inOrder := newItem()
				for _, d := range ds {
					inOrder.deliver(d)
				}
				want := viewOf(inOrder.s, inOrder.m)

				l := th.ListingAt(n)
				rs, rm := rebuild(l)
				if got := viewOf(rs, rm); !reflect.DeepEqual(got, want) {
					t.Fatalf("after %d events: rebuild from the listing differs from webhooks in order\nrebuild  %+v\nwebhooks %+v", n, got, want)
				}

				rng := rand.New(rand.NewPCG(uint64(n), uint64(len(th.Name))))
				for k := range shuffles {
					mixed := append([]fcptest.Delivery(nil), ds...)
					for _, d := range ds {
						if rng.IntN(3) == 0 {
							mixed = append(mixed, d) // re-sent
						}
					}
					rng.Shuffle(len(mixed), func(i, j int) { mixed[i], mixed[j] = mixed[j], mixed[i] })
					shuffled := newItem()
					for _, d := range mixed {
						shuffled.deliver(d)
					}
					if got := viewOf(shuffled.s, shuffled.m); !reflect.DeepEqual(got, want) {
						t.Fatalf("after %d events, shuffle %d (%s): webhooks shuffled differ from in order\nshuffled %+v\nin order %+v", n, k, order(mixed), got, want)
					}
					checks++
				}

				if n > 0 {
					e := th.Events[n-1]
					got := row(th, l.Issue.State, l.Issue.Labels, inOrder.s, inOrder.m)
					if e.Expect != "" && got != e.Expect {
						t.Errorf("after event %d (%s %s%s at %s): row %q, want %q", n-1, e.Type, e.Author, e.Label, e.At.Format(time.RFC3339), got, e.Expect)
					}
				}
			}
		})
	}
	t.Logf("%d threads, %d shuffled replays checked against in-order webhooks and the rebuild", len(threads), checks)
}

func order(ds []fcptest.Delivery) string {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, d.Index)
	}
	return b.String()
}

// TestThreadsCover: the threads cover what issue 10 asks for.
func TestThreadsCover(t *testing.T) {
	threads, err := fcptest.Load("testdata/threads")
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, th := range threads {
		var bell, done, seconded bool
		for _, e := range th.Events {
			switch {
			case strings.Contains(e.Body, "entering its final comment period"):
				bell = true
			case strings.Contains(e.Body, "is now complete") || strings.Contains(e.Body, "is now **complete**"):
				done = true
			case strings.Contains(e.Body, "proposal cancelled"):
				has["cancelled"] = true
			case strings.Contains(e.Body, "@rfcbot resolve"):
				has["concern resolved"] = true
			case strings.Contains(e.Body, "@rustbot second"):
				seconded = true
			case e.Type == fcptest.Edit && bell && !done:
				has["status edited after the bell"] = true
			case e.Type == fcptest.Edit && done:
				has["status edited after completion"] = true
			}
			if e.Type == fcptest.Labeled && e.Label == "major-change-accepted" && seconded {
				has["mcp seconded and accepted"] = true
			}
		}
		if done {
			has["completion"] = true
		}
		if th.Kind == "mcp" && bell {
			has["mcp with an rfcbot fcp"] = true
		}
	}
	for _, want := range []string{"mcp with an rfcbot fcp", "cancelled", "concern resolved", "status edited after the bell", "status edited after completion", "completion", "mcp seconded and accepted"} {
		if !has[want] {
			t.Errorf("no thread covers %q", want)
		}
	}
}

// TestExplainThreads: the explanation names the comment or label that set
// each part, read from the listing as /goal refresh does.
func TestExplainThreads(t *testing.T) {
	threads, err := fcptest.Load("testdata/threads")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]fcptest.Thread{}
	for _, th := range threads {
		byName[th.Name] = th
	}
	tests := []struct {
		thread string
		events int // -1: all
		want   []string
	}{
		{"compiler-team-1022", -1, []string{
			"FCP phase: finished (merge), ended 2026-08-19 ← rfcbot completion comment 5290000001 by rust-rfcbot at 2026-08-19T08:10:01Z [complete] https://github.com/rust-lang/compiler-team/issues/1022#issuecomment-5290000001",
			"FCP reviewers: 9/11 reviewed; pending: jdonszelmann, wesleywiser ← rfcbot status comment 5082632158 by rust-rfcbot at 2026-08-09T08:00:00Z [current/majority] https://github.com/rust-lang/compiler-team/issues/1022#issuecomment-5082632158",
			"MCP phase: closed ← item closed (2026-08-20T12:00:00Z)",
		}},
		{"compiler-team-1022", 9, []string{ // labels moved, the :bell: not yet posted
			"FCP phase: active (merge), start unknown (no :bell: comment seen) ← label snapshot: label final-comment-period (time unknown: read from a label snapshot)",
		}},
		{"msc-1668", -1, []string{
			"FCP phase: active (merge), started 2018-09-09, ends 2018-09-14 ← rfcbot :bell: comment 419736500 by mscbot at 2018-09-09T10:05:00Z [start] https://github.com/matrix-org/matrix-spec-proposals/pull/1668#issuecomment-419736500",
			"FCP label note: rfcbot could not add final-comment-period; the comment stands for it ← rfcbot's note 419736500 by mscbot at 2018-09-09T10:05:00Z [start] https://github.com/matrix-org/matrix-spec-proposals/pull/1668#issuecomment-419736500",
		}},
		{"compiler-team-719", -1, []string{
			"MCP phase: accepted ← label snapshot: label major-change-accepted added (time unknown: read from a label snapshot)",
			"MCP second: by jackh726 ← @rustbot second 5401000001 by jackh726 at 2024-02-02T15:00:00Z [command] https://github.com/rust-lang/compiler-team/issues/719#issuecomment-5401000001",
		}},
		{"rust-145908", 11, []string{
			"FCP phase: cancelled (merge) by Mark-Simulacrum ← rfcbot cancellation comment 5201000006 by rust-rfcbot at 2025-08-27T10:03:02Z [cancel] https://github.com/rust-lang/rust/issues/145908#issuecomment-5201000006",
			"FCP concerns: 1 resolved: foo (raised by Mark-Simulacrum) ← rfcbot status comment 5201000002 by rust-rfcbot at 2025-08-27T10:02:05Z [team-member/majority] https://github.com/rust-lang/rust/issues/145908#issuecomment-5201000002",
		}},
	}
	for _, tt := range tests {
		th := byName[tt.thread]
		n := tt.events
		if n < 0 {
			n = len(th.Events)
		}
		s, m := rebuild(th.ListingAt(n))
		var got []string
		for _, e := range fcp.Explain(s, m) {
			line := e.Part + ": " + e.Value
			if e.By != nil {
				line += " ← " + e.By.String()
			}
			got = append(got, line)
		}
		for _, w := range tt.want {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				t.Errorf("%s after %d events: no line\n  %s\ngot\n  %s", tt.thread, n, w, strings.Join(got, "\n  "))
			}
		}
	}
}

// TestThreadBotTexts: every bot comment of the threads is read as the
// event its text is (a table over real texts; failures name the source).
func TestThreadBotTexts(t *testing.T) {
	threads, err := fcptest.Load("testdata/threads")
	if err != nil {
		t.Fatal(err)
	}
	want := func(body string) fcp.Kind {
		switch {
		case strings.Contains(body, "has proposed to"):
			return fcp.KindProposal
		case strings.Contains(body, "entering its final comment period"):
			return fcp.KindStart
		case strings.Contains(body, "this major change is now accepted"):
			return fcp.KindMCPAccepted
		case strings.Contains(body, "is now complete") || strings.Contains(body, "is now **complete**"):
			return fcp.KindComplete
		case strings.Contains(body, "proposal cancelled"):
			return fcp.KindCancel
		}
		return ""
	}
	n := 0
	for _, th := range threads {
		authors := map[int64]string{}
		for i, e := range th.Events {
			if e.Type == fcptest.Comment {
				authors[e.ID] = e.Author
			}
			author := authors[e.ID]
			if (e.Type != fcptest.Comment && e.Type != fcptest.Edit) || !strings.Contains("rust-rfcbot mscbot rustbot", author) {
				continue
			}
			src := th.Source
			if e.Source != "" {
				src = e.Source
			}
			got, ok := parser.ParseComment(fcp.Comment{ID: e.ID, Author: author, Body: e.Body, URL: th.CommentURL(e.ID), CreatedAt: e.At, UpdatedAt: e.At})
			if k := want(e.Body); !ok || got.Kind != k {
				t.Errorf("%s event %d (source %s): read as %q (%v), want %q", th.Name, i, src, got.Kind, ok, k)
			}
			if got.Kind == fcp.KindProposal && got.Disposition != fcp.Merge {
				t.Errorf("%s event %d (source %s): disposition %q, want merge", th.Name, i, src, got.Disposition)
			}
			n++
		}
	}
	if n < 15 {
		t.Errorf("only %d bot texts in the threads", n)
	}
}
