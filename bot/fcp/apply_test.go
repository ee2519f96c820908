package fcp

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// at returns t0 plus n hours.
func at(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }

// bot parses an rfcbot comment from testdata, created at created and last
// updated at updated (an edit when later).
func bot(t testing.TB, file string, id int64, created, updated time.Time) Event {
	t.Helper()
	e, ok := ParseComment(Comment{ID: id, Author: "rust-rfcbot", Body: fixture(t, file), URL: "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-" + itoa(id), CreatedAt: created, UpdatedAt: updated, Edited: updated.After(created)})
	if !ok {
		t.Fatalf("%s not recognised", file)
	}
	return e
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func lbl(name string, added bool, t time.Time) Event { return NewLabelEvent(name, added, t) }

// summary is what the reconciliation tables compare.
type summary struct {
	Phase  Phase
	Detail string
	Start  time.Time
	Note   bool
}

func sum(s State) summary {
	return summary{Phase: s.Phase, Detail: s.Detail(), Start: s.Start, Note: s.LabelMissingNote}
}

func TestApplyReconcile(t *testing.T) {
	status := func(file string, id int64, c, u float64) func(testing.TB) Event {
		return func(t testing.TB) Event { return bot(t, file, id, at(c), at(u)) }
	}
	label := func(name string, added bool, h float64) func(testing.TB) Event {
		return func(testing.TB) Event { return lbl(name, added, at(h)) }
	}
	// The status comment ids the fixtures' bells and completions link to.
	const sid, psid = 2251000001, 1<<32 - 1859695680
	const (
		cur     = "status-current.md"          // 3/6 ticked
		edited  = "status-current-edited.md"   // 5/6 ticked
		concern = "status-current-concerns.md" // 4/6, one unresolved concern
	)
	end := func(h float64) string { return at(h).Add(Duration).Format(time.DateOnly) }
	tests := []struct {
		name   string
		events []func(testing.TB) Event
		want   summary
	}{
		{"lifecycle in order", []func(testing.TB) Event{
			status("status-base-no-boxes.md", sid, 0, 0), status(cur, sid, 0, 0.01),
			label(LabelProposed, true, 0.02), label(LabelMerge, true, 0.02),
			status(edited, sid, 0, 5),
			label(LabelFCP, true, 24), label(LabelProposed, false, 24), status("start.md", 2, 24.01, 24.01),
			label(LabelFinished, true, 264), label(LabelFCP, false, 264), status("complete.md", 3, 264.01, 264.01),
		}, summary{PhaseFinished, "merge, ended " + end(24.01), at(24.01), false}},
		{"proposal only", []func(testing.TB) Event{status(cur, sid, 0, 0)}, summary{PhaseProposed, "merge, 3/6 reviewed", time.Time{}, false}},
		{"proposal with concern", []func(testing.TB) Event{status(concern, sid, 0, 0)}, summary{PhaseProposed, "merge, 4/6 reviewed, 1 concern", time.Time{}, false}},
		{"edited status re-parses", []func(testing.TB) Event{status(cur, sid, 0, 0), status(edited, sid, 0, 2)}, summary{PhaseProposed, "merge, 5/6 reviewed", time.Time{}, false}},
		{"older edit delivered late", []func(testing.TB) Event{status(edited, sid, 0, 2), status(cur, sid, 0, 1)}, summary{PhaseProposed, "merge, 5/6 reviewed", time.Time{}, false}},
		{"created after its edit", []func(testing.TB) Event{status(cur, sid, 0, 0.01), status("status-base-no-boxes.md", sid, 0, 0)}, summary{PhaseProposed, "merge, 3/6 reviewed", time.Time{}, false}},

		// A missing label is not a disagreement.
		{"bell alone", []func(testing.TB) Event{status("start.md", 2, 24, 24)}, summary{PhaseActive, "ends " + end(24), at(24), false}},
		{"bell with psst", []func(testing.TB) Event{status(cur, psid, 0, 0), status("start-psst.md", 2, 24, 24)}, summary{PhaseActive, "merge, ends " + end(24), at(24), true}},
		{"psst then label arrives", []func(testing.TB) Event{status("start-psst.md", 2, 24, 24), label(LabelFCP, true, 25)}, summary{PhaseActive, "ends " + end(24), at(24), false}},
		{"label present before psst", []func(testing.TB) Event{label(LabelFCP, true, 23), status("start-psst.md", 2, 24, 24)}, summary{PhaseActive, "ends " + end(24), at(24), false}},
		{"label older than psst, delivered later", []func(testing.TB) Event{status("start-psst.md", 2, 24, 24), label(LabelFCP, true, 23)}, summary{PhaseActive, "ends " + end(24), at(24), false}},
		{"completion alone", []func(testing.TB) Event{status("complete.md", 3, 264, 264)}, summary{PhaseFinished, "merge", time.Time{}, false}},
		{"completion with psst", []func(testing.TB) Event{status("complete-close-psst.md", 3, 264, 264)}, summary{PhaseFinished, "close", time.Time{}, true}},
		{"proposal, no labels, fcp label missing", []func(testing.TB) Event{
			status(cur, psid, 0, 0), label(LabelProposed, true, 0), label(LabelProposed, false, 24), status("start-psst.md", 2, 24, 24)},
			summary{PhaseActive, "merge, ends " + end(24), at(24), true}},

		// Disagreement: the newer event wins.
		{"fcp label then newer cancel", []func(testing.TB) Event{label(LabelFCP, true, 24), status("cancel.md", 4, 30, 30)}, summary{PhaseCancelled, "cancelled", time.Time{}, false}},
		{"cancel then older fcp label", []func(testing.TB) Event{status("cancel.md", 4, 30, 30), label(LabelFCP, true, 24)}, summary{PhaseCancelled, "cancelled", time.Time{}, false}},
		// rfcbot's comments decide: a proposal label after a cancellation is
		// no new proposal until rfcbot posts its status comment.
		{"cancel then newer proposed label", []func(testing.TB) Event{status("cancel.md", 4, 30, 30), label(LabelProposed, true, 31)}, summary{PhaseCancelled, "cancelled", time.Time{}, false}},
		{"finished label then older bell", []func(testing.TB) Event{label(LabelFinished, true, 264), status("start.md", 2, 24, 24)}, summary{PhaseFinished, "ended " + end(24), at(24), false}},
		{"stale proposed label after bell", []func(testing.TB) Event{status("start.md", 2, 24, 24), label(LabelProposed, true, 1)}, summary{PhaseActive, "ends " + end(24), at(24), false}},

		// Out-of-order deliveries never roll a newer phase back.
		{"completion, bell, status reversed", []func(testing.TB) Event{
			status("complete.md", 3, 264, 264), status("start.md", 2, 24, 24), status(edited, sid, 0, 5), status(cur, sid, 0, 0)},
			summary{PhaseFinished, "merge, ended " + end(24), at(24), false}},
		{"labels reversed", []func(testing.TB) Event{
			label(LabelFCP, false, 264), label(LabelFinished, true, 264), label(LabelProposed, false, 24), label(LabelFCP, true, 24), label(LabelMerge, true, 0), label(LabelProposed, true, 0)},
			summary{PhaseFinished, "merge", time.Time{}, false}},

		// An edit of the status comment never moves the phase: a concern it
		// lists after the bell shows on the active FCP (the status rules
		// call that blocked); rfcbot then posts a fresh bell, and a concern
		// listed before a bell was resolved by then.
		{"concern during fcp", []func(testing.TB) Event{status(cur, sid, 0, 0), status("start.md", 2, 24, 24), status(concern, sid, 0, 48)}, summary{PhaseActive, "merge, ends " + end(24) + ", 1 concern", at(24), false}},
		{"concern then duplicate old bell", []func(testing.TB) Event{status(concern, sid, 0, 48), status("start.md", 2, 24, 24)}, summary{PhaseActive, "merge, ends " + end(24) + ", 1 concern", at(24), false}},
		{"concern resolved, fresh bell", []func(testing.TB) Event{status(cur, sid, 0, 0), status("start.md", 2, 24, 24), status(concern, sid, 0, 48), status("start.md", 5, 72, 72)}, summary{PhaseActive, "merge, ends " + end(72), at(72), false}},
		{"fresh bell before the concern edit arrives", []func(testing.TB) Event{status("start.md", 5, 72, 72), status(cur, sid, 0, 0), status(concern, sid, 0, 48), status("start.md", 2, 24, 24)}, summary{PhaseActive, "merge, ends " + end(72), at(72), false}},
		{"human tick after bell", []func(testing.TB) Event{status(cur, sid, 0, 0), status("start.md", 2, 24, 24), status(edited, sid, 0, 30)}, summary{PhaseActive, "merge, ends " + end(24), at(24), false}},

		// Cancel and a new proposal.
		{"cancel", []func(testing.TB) Event{status(cur, sid, 0, 0), status("cancel.md", 4, 30, 30)}, summary{PhaseCancelled, "merge, cancelled", time.Time{}, false}},
		{"new proposal after cancel", []func(testing.TB) Event{status(cur, sid, 0, 0), status("cancel.md", 4, 30, 30), status("status-team-member.md", 6, 40, 40)}, summary{PhaseProposed, "close, 2/5 reviewed, 1 concern", time.Time{}, false}},
		{"tick on cancelled proposal", []func(testing.TB) Event{status(cur, sid, 0, 0), status("cancel.md", 4, 30, 30), status(edited, sid, 0, 31)}, summary{PhaseCancelled, "merge, cancelled", time.Time{}, false}},
		{"old proposal's edit after new one", []func(testing.TB) Event{status("status-team-member.md", 6, 40, 40), status(edited, sid, 0, 5)}, summary{PhaseProposed, "close, 2/5 reviewed, 1 concern", time.Time{}, false}},
		// rfcbot drops a proposal without a comment when the item is closed.
		{"labels removed on close", []func(testing.TB) Event{status(cur, sid, 0, 0), label(LabelProposed, true, 0), label(LabelMerge, true, 0), func(testing.TB) Event { return NewClosedEvent(true, at(10)) }, label(LabelProposed, false, 10), label(LabelMerge, false, 10)}, summary{PhaseCancelled, "merge, cancelled", time.Time{}, false}},
		{"labels removed, item open", []func(testing.TB) Event{status(cur, sid, 0, 0), label(LabelProposed, true, 0), label(LabelMerge, true, 0), label(LabelProposed, false, 10), label(LabelMerge, false, 10)}, summary{PhaseProposed, "merge, 3/6 reviewed", time.Time{}, false}},
		// Labels alone: the phase is what they say now, its start unknown.
		{"fcp label removed, disposition stays", []func(testing.TB) Event{label(LabelMerge, true, 0), label(LabelFCP, true, 24), label(LabelFCP, false, 264)}, summary{PhaseNone, "", time.Time{}, false}},

		// On a major change, final-comment-period is triagebot's second.
		{"mcp second is not an fcp", []func(testing.TB) Event{label(LabelMajorChange, true, 0), label(LabelFCP, true, 24)}, summary{PhaseNone, "", time.Time{}, false}},
		{"mcp under rfcbot fcp", []func(testing.TB) Event{label(LabelMajorChange, true, 0), label(LabelMerge, true, 1), label(LabelFCP, true, 24)}, summary{PhaseActive, "merge", time.Time{}, false}},

		{"irrelevant label", []func(testing.TB) Event{status(cur, sid, 0, 0), label("T-lang", true, 50)}, summary{PhaseProposed, "merge, 3/6 reviewed", time.Time{}, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s State
			var newest time.Time
			for _, f := range tt.events {
				e := f(t)
				s = s.Apply(e)
				if eventTime(e).After(newest) && (e.Kind != KindLabel || e.Label.Label != "T-lang") {
					newest = eventTime(e)
				}
			}
			if got := sum(s); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v\nstate %s", got, tt.want, asJSON(s))
			}
			if !s.UpdatedAt.Equal(newest) {
				t.Errorf("UpdatedAt %v, want newest event %v", s.UpdatedAt, newest)
			}
		})
	}
}

// TestApplyStickyTicks: rfcbot re-ticks a box someone unticked, so an edit
// that unticks does not un-review.
func TestApplyStickyTicks(t *testing.T) {
	s := State{}.Apply(bot(t, "status-current-edited.md", 1, at(0), at(1)))
	s = s.Apply(bot(t, "status-current.md", 1, at(0), at(2))) // newer edit, nikomatsakis and traviscross unticked
	if got := s.Pending(); !reflect.DeepEqual(got, []string{"pnkfelix"}) {
		t.Errorf("pending %v, want [pnkfelix]", got)
	}
	if s.Ticked() != 5 || s.ReviewAt != at(2) {
		t.Errorf("ticked %d review_at %v", s.Ticked(), s.ReviewAt)
	}
}

func TestApplyConcernDetails(t *testing.T) {
	const url = "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-2251000003"
	cmd, ok := ParseComment(Comment{Author: "scottmcm", Body: "I have doubts.\n@rfcbot concern send-bound-syntax", URL: url, CreatedAt: at(1)})
	if !ok {
		t.Fatal("command not parsed")
	}
	status := bot(t, "status-current-concerns.md", 1, at(0), at(2))
	for _, order := range [][]Event{{cmd, status}, {status, cmd}} {
		s := State{}
		for _, e := range order {
			s = s.Apply(e)
		}
		u := s.Unresolved()
		if len(u) != 1 || u[0].Name != "send-bound-syntax" || u[0].By != "scottmcm" || u[0].URL != url {
			t.Errorf("order %v then %v: unresolved %+v", order[0].Kind, order[1].Kind, u)
		}
		if s.Phase != PhaseProposed {
			t.Errorf("a command must not move the phase: %s", s.Phase)
		}
	}

	// A concern shown unresolved, then resolved, keeps the raising comment.
	first := State{}.Apply(Event{Kind: KindProposal, At: at(0), Created: at(0), ID: 1, Concerns: []Concern{{Name: "naming (see thread)", URL: "raise"}}})
	s := first.Apply(bot(t, "status-current-concerns.md", 1, at(0), at(3)))
	if c := s.Concerns[0]; !c.Resolved || c.URL != "raise" || c.ResolvedURL == "" {
		t.Errorf("resolved concern %+v, want raising URL kept", c)
	}
	if len(first.Concerns) != 1 || first.Concerns[0].Resolved {
		t.Error("Apply changed the state it was called on")
	}
}

func TestApplyDoesNotAlias(t *testing.T) {
	s := State{}.Apply(bot(t, "status-current.md", 1, at(0), at(0))).Apply(lbl(LabelProposed, true, at(0)))
	before := asJSON(s)
	_ = s.Apply(bot(t, "status-current-edited.md", 1, at(0), at(1)))
	_ = s.Apply(lbl(LabelProposed, false, at(2)))
	_ = s.ApplyLabels([]string{LabelFCP}, at(3))
	if after := asJSON(s); after != before {
		t.Errorf("state changed by Apply on a copy:\n%s\n%s", before, after)
	}
}

func TestFromLabels(t *testing.T) {
	tests := []struct {
		labels []string
		phase  Phase
		disp   Disposition
		detail string
	}{
		{nil, PhaseNone, "", ""},
		{[]string{"T-lang", "A-async"}, PhaseNone, "", ""},
		{[]string{"proposed-final-comment-period", "disposition-merge", "T-lang"}, PhaseProposed, Merge, "merge"},
		{[]string{"Final-Comment-Period", "disposition-close"}, PhaseActive, Close, "close"},                     // when it started is unknown
		{[]string{"finished-final-comment-period", "disposition-postpone"}, PhaseFinished, Postpone, "postpone"}, // when it ended is unknown
		{[]string{"finished-final-comment-period", "proposed-final-comment-period", "disposition-merge"}, PhaseProposed, Merge, "merge"},
		{[]string{"final-comment-period", "major-change", "T-compiler"}, PhaseNone, "", ""},
		{[]string{"disposition-merge"}, PhaseNone, Merge, ""},
	}
	for _, tt := range tests {
		s := FromLabels(tt.labels, at(0))
		if s.Phase != tt.phase || s.Disposition != tt.disp || s.Detail() != tt.detail {
			t.Errorf("%v: got %s %q %q, want %s %q %q", tt.labels, s.Phase, s.Disposition, s.Detail(), tt.phase, tt.disp, tt.detail)
		}
	}
	// A snapshot without phase labels asserts no phase: an older bell still counts.
	s := FromLabels([]string{"disposition-merge"}, at(48)).Apply(bot(t, "start.md", 2, at(24), at(24)))
	if s.Phase != PhaseActive {
		t.Errorf("bell after empty snapshot: %s", s.Phase)
	}
	// A snapshot with a phase label does: an older bell only fills the dates.
	s = FromLabels([]string{LabelFinished}, at(300)).Apply(bot(t, "start.md", 2, at(24), at(24)))
	if s.Phase != PhaseFinished || s.Start != at(24) {
		t.Errorf("bell after finished snapshot: %s %v", s.Phase, s.Start)
	}
	// ApplyLabels diffs: a later snapshot without the FCP label but with
	// the finished one finishes it.
	s = FromLabels([]string{LabelFCP, LabelMerge}, at(0)).ApplyLabels([]string{LabelFinished, LabelMerge}, at(300))
	if s.Phase != PhaseFinished || !reflect.DeepEqual(s.Labels, []string{LabelMerge, LabelFinished}) {
		t.Errorf("resync: %s %v", s.Phase, s.Labels)
	}
}

func TestStateJSONRoundTrip(t *testing.T) {
	s := State{}
	for _, e := range []Event{
		bot(t, "status-current-concerns.md", 1<<32-1859695680, at(0), at(1)),
		lbl(LabelProposed, true, at(1)),
		bot(t, "start-psst.md", 2, at(24), at(24)),
	} {
		s = s.Apply(e)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip:\n%s\n%s", asJSON(s), asJSON(back))
	}
	// Applying to the decoded state behaves like applying to the original.
	e := lbl(LabelFCP, true, at(25))
	if a, b := asJSON(s.Apply(e)), asJSON(back.Apply(e)); a != b {
		t.Errorf("decoded state applies differently:\n%s\n%s", a, b)
	}
	for _, key := range []string{`"phase":"active"`, `"reviewers":[`, `"label_missing_note":true`, `"status_comment_id":2435271616`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s: %s", key, b)
		}
	}
}

func TestDetail(t *testing.T) {
	end := time.Date(2024, 8, 20, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		s    State
		want string
	}{
		{State{}, ""},
		{State{Phase: PhaseProposed, Disposition: Merge, Reviewers: rv("+a", "+b", "+c", "+d", "+e", "-f", "-g", "-h"), Concerns: []Concern{{Name: "x"}, {Name: "y", Resolved: true}}}, "merge, 5/8 reviewed, 1 concern"},
		{State{Phase: PhaseProposed, Disposition: Close, Concerns: []Concern{{Name: "x"}, {Name: "y"}}}, "close, 2 concerns"},
		{State{Phase: PhaseActive, Disposition: Merge, End: end}, "merge, ends 2024-08-20"},
		{State{Phase: PhaseActive}, ""},
		{State{Phase: PhaseFinished, Disposition: Postpone, End: end}, "postpone, ended 2024-08-20"},
		{State{Phase: PhaseCancelled}, "cancelled"},
	}
	for _, tt := range tests {
		if got := tt.s.Detail(); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestEndOf(t *testing.T) {
	old := time.Date(2016, 10, 1, 0, 0, 0, 0, time.UTC)
	if got := EndOf(old); !got.Equal(old.AddDate(0, 0, 7)) {
		t.Errorf("2016 FCP ends %v, want one week", got)
	}
	if got := EndOf(t0); !got.Equal(t0.AddDate(0, 0, 10)) {
		t.Errorf("ends %v, want ten days", got)
	}
	if !EndOf(time.Time{}).IsZero() {
		t.Error("zero start has no end")
	}
}

// TestStoredStateUpgrade: a state stored before posts and provenance were
// recorded (the JSON of the previous release) decodes, explains itself as
// stored, and combines with new events.
func TestStoredStateUpgrade(t *testing.T) {
	const old = `{"phase":"active","disposition":"merge","initiator":"tmandry","reviewers":[{"login":"a","ticked":true},{"login":"b","ticked":false}],` +
		`"start":"2024-08-02T12:00:00Z","end":"2024-08-12T12:00:00Z","status_comment_id":2251000001,"status_url":"u","updated_at":"2024-08-02T12:00:00Z",` +
		`"labels":["disposition-merge","final-comment-period"],"label_at":{"disposition-merge":"2024-08-01T12:00:00Z","final-comment-period":"2024-08-02T12:00:00Z"},` +
		`"phase_at":"2024-08-02T12:00:00Z","review_at":"2024-08-01T13:00:00Z"}`
	var s State
	if err := json.Unmarshal([]byte(old), &s); err != nil {
		t.Fatal(err)
	}
	if ex := Explain(s, MCP{}); len(ex) == 0 || ex[0].Value != "active (merge), started 2024-08-02, ends 2024-08-12" {
		t.Errorf("explain stored: %+v", ex)
	}
	// A tick arrives (a late edit): the phase and dates stay.
	s2 := s.Apply(Event{Kind: KindProposal, ID: 2251000001, At: at(0), Created: at(0), Updated: at(30), Disposition: Merge, Initiator: "tmandry",
		Reviewers: rv("+a", "+b")})
	if s2.Phase != PhaseActive || !s2.Start.Equal(s.Start) || s2.Ticked() != 2 || s2.PhaseBy == nil || s2.PhaseBy.Source != "stored" {
		t.Errorf("after a late tick: %s", asJSON(s2))
	}
	// The completion finishes it, keeping when it ended.
	s3 := s2.Apply(bot(t, "complete.md", 3, at(240), at(240)))
	if s3.Phase != PhaseFinished || !s3.End.Equal(s.End) || s3.PhaseBy.ID != 3 {
		t.Errorf("after completion: %s", asJSON(s3))
	}
}

// TestConcernDuringFCP: rfcbot moves the labels back to proposed when a
// concern is raised during the FCP and posts no comment (its status
// comment may show the concern later, or not at all): the labels with the
// "@rfcbot concern" comment after the :bell: send the FCP back to proposed,
// whatever the order events arrive in and from a rebuild alike; a fresh
// :bell: starts it again.
func TestConcernDuringFCP(t *testing.T) {
	const url = "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-"
	concern, _ := ParseComment(Comment{ID: 11, Author: "scottmcm", Body: "@rfcbot concern naming", URL: url + "11", CreatedAt: at(30)})
	resolve, _ := ParseComment(Comment{ID: 12, Author: "scottmcm", Body: "@rfcbot resolve naming", URL: url + "12", CreatedAt: at(40)})
	base := []Event{
		bot(t, "status-current.md", 1, at(0), at(0)), lbl(LabelProposed, true, at(0)), lbl(LabelMerge, true, at(0)),
		lbl(LabelFCP, true, at(24)), lbl(LabelProposed, false, at(24)), bot(t, "start.md", 2, at(24), at(24)),
		concern, lbl(LabelProposed, true, at(30)), lbl(LabelFCP, false, at(30)),
	}
	tests := []struct {
		name   string
		events []Event
		want   summary
	}{
		{"back to proposed", base, summary{PhaseProposed, "merge, 3/6 reviewed, 1 concern", time.Time{}, false}},
		{"resolved, before the fresh bell", append(slices.Clone(base), resolve), summary{PhaseProposed, "merge, 3/6 reviewed", time.Time{}, false}},
		{"fresh bell", append(slices.Clone(base), resolve, lbl(LabelFCP, true, at(41)), lbl(LabelProposed, false, at(41)), bot(t, "start.md", 3, at(41), at(41))),
			summary{PhaseActive, "merge, ends " + at(41).Add(Duration).Format(time.DateOnly), at(41), false}},
	}
	for _, tt := range tests {
		orders := [][]Event{tt.events, slices.Clone(tt.events)}
		slices.Reverse(orders[1])
		for i, evs := range orders {
			var s State
			for _, e := range evs {
				s = s.Apply(e)
			}
			if got := sum(s); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s (order %d): got %+v, want %+v\n%s", tt.name, i, got, tt.want, asJSON(s))
			}
		}
	}
	// A concern raised during the FCP that rfcbot refused leaves the labels
	// as they are: the FCP stays active.
	s := State{}
	for _, e := range []Event{bot(t, "start.md", 2, at(24), at(24)), lbl(LabelFCP, true, at(24)), concern} {
		s = s.Apply(e)
	}
	if s.Phase != PhaseActive {
		t.Errorf("refused concern moved the phase: %s", s.Phase)
	}
}

// TestConcernDuringFCPRebuild: the listing of the same thread, with the
// labels as a snapshot, reads the same as the webhooks above.
func TestConcernDuringFCPRebuild(t *testing.T) {
	const url = "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-"
	cs := []Comment{
		{ID: 1, Author: "rust-rfcbot", Body: fixture(t, "status-current.md"), URL: url + "1", CreatedAt: at(0), UpdatedAt: at(0)},
		{ID: 2, Author: "rust-rfcbot", Body: fixture(t, "start.md"), URL: url + "2", CreatedAt: at(24), UpdatedAt: at(24)},
		{ID: 11, Author: "scottmcm", Body: "@rfcbot concern naming", URL: url + "11", CreatedAt: at(30), UpdatedAt: at(30)},
	}
	s, _ := Parser{}.Rebuild(cs, []string{LabelProposed, LabelMerge}, false, at(30))
	if got, want := sum(s), (summary{PhaseProposed, "merge, 3/6 reviewed, 1 concern", time.Time{}, false}); !reflect.DeepEqual(got, want) {
		t.Errorf("rebuild: got %+v, want %+v", got, want)
	}
	cs = append(cs, Comment{ID: 12, Author: "scottmcm", Body: "@rfcbot resolve naming", URL: url + "12", CreatedAt: at(40), UpdatedAt: at(40)},
		Comment{ID: 3, Author: "rust-rfcbot", Body: fixture(t, "start.md"), URL: url + "3", CreatedAt: at(41), UpdatedAt: at(41)})
	s, _ = Parser{}.Rebuild(cs, []string{LabelFCP, LabelMerge}, false, at(41))
	if s.Phase != PhaseActive || !s.Start.Equal(at(41)) || len(s.Unresolved()) != 0 {
		t.Errorf("rebuild after the fresh bell: %s", asJSON(s))
	}
}
