package fcp

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func rustbot(t testing.TB, file string, h float64) Event {
	t.Helper()
	e, ok := ParseComment(Comment{ID: 9, Author: "rustbot", Body: fixture(t, file), CreatedAt: at(h), UpdatedAt: at(h)})
	if !ok {
		t.Fatalf("%s not recognised", file)
	}
	return e
}

func human(t testing.TB, author, body string, h float64) Event {
	t.Helper()
	e, ok := ParseComment(Comment{ID: 10, Author: author, Body: body, URL: "https://github.com/rust-lang/compiler-team/issues/727#issuecomment-" + author, CreatedAt: at(h)})
	if !ok {
		t.Fatalf("%q not recognised", body)
	}
	return e
}

func TestMCPLifecycle(t *testing.T) {
	ends := func(h float64) string { return "seconded, ends " + at(h).Add(MCPWaitingPeriod).Format(time.DateOnly) }
	label := func(name string, added bool, h float64) func(testing.TB) Event {
		return func(testing.TB) Event { return lbl(name, added, at(h)) }
	}
	closed := func(c bool, h float64) func(testing.TB) Event {
		return func(testing.TB) Event { return NewClosedEvent(c, at(h)) }
	}
	comment := func(file string, h float64) func(testing.TB) Event {
		return func(t testing.TB) Event { return rustbot(t, file, h) }
	}
	body := func(text string, h float64) func(testing.TB) Event {
		return func(t testing.TB) Event {
			e, ok := ParseIssueBody(text, at(h))
			if !ok {
				t.Fatal("body not parsed")
			}
			return e
		}
	}
	const oneActive = "<!-- TRIAGEBOT_CONCERN-ISSUE_START -->\n> # Concerns (1 active)\n> - [perf](u1)\n<!-- TRIAGEBOT_CONCERN-ISSUE_END -->"
	const noneActive = "<!-- TRIAGEBOT_CONCERN-ISSUE_START -->\n> # Concerns (0 active)\n> - ~~[perf](u1)~~ resolved in [this comment](u2)\n<!-- TRIAGEBOT_CONCERN-ISSUE_END -->"
	opened := label(LabelMajorChange, true, 0)
	// triagebot seconds on "@rustbot second": the comment dates the
	// waiting period, the label says it is on.
	cmd := func(body string, h float64) func(testing.TB) Event {
		return func(t testing.TB) Event { return human(t, "alice", body, h) }
	}
	second := label(LabelSecond, true, 24)
	s24 := cmd("@rustbot second", 24)
	tests := []struct {
		name   string
		events []func(testing.TB) Event
		phase  MCPPhase
		detail string
	}{
		{"nothing", nil, MCPNone, ""},
		{"opened", []func(testing.TB) Event{opened}, MCPProposed, "awaiting a second"},
		{"opening comment, label missing", []func(testing.TB) Event{comment("mcp-opened.md", 0)}, MCPProposed, "awaiting a second"},
		{"seconded", []func(testing.TB) Event{opened, s24, second}, MCPSeconded, ends(24)},
		{"blocked", []func(testing.TB) Event{opened, s24, second, label(LabelHasConcerns, true, 48)}, MCPBlocked, "blocked"},
		{"unblocked restarts the clock", []func(testing.TB) Event{opened, s24, second, label(LabelHasConcerns, true, 48), cmd("@rustbot resolve perf", 72), label(LabelHasConcerns, false, 72)}, MCPSeconded, ends(72)},
		{"second seen only as a label: end unknown", []func(testing.TB) Event{opened, second}, MCPSeconded, "seconded"},
		{"rfcbot's fcp label on an mcp is no second", []func(testing.TB) Event{opened, label(LabelMerge, true, 20), s24, second}, MCPProposed, "awaiting a second"},
		{"concerns before the second", []func(testing.TB) Event{opened, label(LabelHasConcerns, true, 2), cmd("@rustbot resolve perf", 3), label(LabelHasConcerns, false, 3), s24, second}, MCPSeconded, ends(24)},
		{"accepted", []func(testing.TB) Event{opened, s24, second, label(LabelAccepted, true, 264), label(LabelSecond, false, 264), closed(true, 264)}, MCPAccepted, "accepted"},
		{"acceptance comment alone", []func(testing.TB) Event{opened, s24, second, comment("mcp-accepted.md", 264), closed(true, 264), label(LabelSecond, false, 264)}, MCPAccepted, "accepted"},
		{"closed without acceptance", []func(testing.TB) Event{opened, s24, second, closed(true, 100)}, MCPClosed, "closed"},
		{"reopened", []func(testing.TB) Event{opened, s24, second, closed(true, 100), closed(false, 101)}, MCPSeconded, ends(24)},
		{"unsecond", []func(testing.TB) Event{opened, s24, second, label(LabelSecond, false, 30)}, MCPProposed, "awaiting a second"},
		{"acceptance undone", []func(testing.TB) Event{opened, s24, second, label(LabelAccepted, true, 264), label(LabelSecond, false, 264), closed(true, 264), label(LabelAccepted, false, 300), closed(false, 300)}, MCPProposed, "awaiting a second"},

		// Out of order: older events never override a newer one for the same fact.
		{"unsecond before its second", []func(testing.TB) Event{opened, label(LabelSecond, false, 30), s24, second}, MCPProposed, "awaiting a second"},
		{"clear before second delivered", []func(testing.TB) Event{opened, cmd("@rustbot resolve perf", 72), label(LabelHasConcerns, false, 72), label(LabelHasConcerns, true, 48), second, s24}, MCPSeconded, ends(72)},
		{"reopen before close delivered", []func(testing.TB) Event{opened, closed(false, 101), closed(true, 100)}, MCPProposed, "awaiting a second"},
		{"accepted, then stale events", []func(testing.TB) Event{opened, label(LabelAccepted, true, 264), closed(true, 264), label(LabelHasConcerns, true, 48), label(LabelAccepted, false, 100)}, MCPAccepted, "accepted"},

		// Concerns: the issue body's section is triagebot's record.
		{"body section blocks", []func(testing.TB) Event{opened, s24, second, body(oneActive, 30)}, MCPBlocked, "blocked, 1 concern"},
		{"body section unblocks", []func(testing.TB) Event{opened, s24, second, body(oneActive, 30), body(noneActive, 40)}, MCPSeconded, ends(40)},
		{"older body ignored", []func(testing.TB) Event{opened, s24, second, body(noneActive, 40), body(oneActive, 30)}, MCPSeconded, ends(24)},
		{"commands do not block", []func(testing.TB) Event{opened, s24, second, func(t testing.TB) Event { return human(t, "bob", "@rustbot concern perf", 30) }}, MCPSeconded, ends(24)},

		// rfcbot events are not MCP events.
		{"bell ignored", []func(testing.TB) Event{opened, func(t testing.TB) Event { return bot(t, "start.md", 2, at(5), at(5)) }}, MCPProposed, "awaiting a second"},
		{"irrelevant label", []func(testing.TB) Event{opened, label("to-announce", true, 5)}, MCPProposed, "awaiting a second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MCP{}
			for _, f := range tt.events {
				m = m.Apply(f(t))
			}
			if m.Phase == "" && tt.phase == MCPNone {
				m.Phase = MCPNone
			}
			if m.Phase != tt.phase || m.Detail() != tt.detail {
				t.Errorf("got %s %q, want %s %q\n%s", m.Phase, m.Detail(), tt.phase, tt.detail, asJSON(m))
			}
		})
	}
}

func TestMCPConcernsAndSeconder(t *testing.T) {
	m := MCPFromLabels([]string{"major-change", "T-compiler"}, false, at(0))
	m = m.Apply(human(t, "alice", "Sounds good.\n@rustbot second", 1))
	m = m.Apply(human(t, "bob", "@rustbot concern perf\n@rustbot concern naming", 2))
	m = m.Apply(human(t, "bob", "@rustbot resolve naming\n@rustbot concern perf", 3)) // re-raising is ignored
	if m.SecondedBy != "alice" {
		t.Errorf("seconded by %q", m.SecondedBy)
	}
	want := []Concern{
		{Name: "perf", URL: "https://github.com/rust-lang/compiler-team/issues/727#issuecomment-bob", By: "bob"},
		{Name: "naming", URL: "https://github.com/rust-lang/compiler-team/issues/727#issuecomment-bob", By: "bob", Resolved: true, ResolvedURL: "https://github.com/rust-lang/compiler-team/issues/727#issuecomment-bob"},
	}
	if !reflect.DeepEqual(m.Concerns, want) {
		t.Errorf("concerns %s", asJSON(m.Concerns))
	}
	// The body section replaces the list and keeps who raised what.
	e, _ := ParseIssueBody("<!-- TRIAGEBOT_CONCERN-ISSUE_START -->\n> - [perf](u1)\n<!-- TRIAGEBOT_CONCERN-ISSUE_END -->", at(4))
	m = m.Apply(e)
	if len(m.Concerns) != 1 || m.Concerns[0].By != "bob" || m.Concerns[0].URL != "u1" || m.Phase != MCPBlocked {
		t.Errorf("after body: %s", asJSON(m))
	}
	// Once the body section is known, commands no longer change the list.
	m = m.Apply(human(t, "carol", "@rustbot concern other", 5))
	if len(m.Concerns) != 1 {
		t.Errorf("command changed a body-backed list: %s", asJSON(m.Concerns))
	}
}

func TestMCPFromLabels(t *testing.T) {
	tests := []struct {
		labels []string
		closed bool
		phase  MCPPhase
		detail string
	}{
		{nil, false, MCPNone, ""},
		{[]string{"major-change", "T-compiler", "to-announce"}, false, MCPProposed, "awaiting a second"},
		{[]string{"major-change", "final-comment-period"}, false, MCPSeconded, "seconded"}, // when is unknown
		{[]string{"major-change", "final-comment-period", "has-concerns"}, false, MCPBlocked, "blocked"},
		{[]string{"major-change", "major-change-accepted"}, true, MCPAccepted, "accepted"},
		{[]string{"major-change"}, true, MCPClosed, "closed"},
	}
	for _, tt := range tests {
		m := MCPFromLabels(tt.labels, tt.closed, at(0))
		if m.Phase != tt.phase || m.Detail() != tt.detail {
			t.Errorf("%v closed=%v: got %s %q, want %s %q", tt.labels, tt.closed, m.Phase, m.Detail(), tt.phase, tt.detail)
		}
	}
	// The "@rustbot second" comment dates the second; a label event is
	// recorded but does not date the end (a listing has no label times).
	m := MCPFromLabels([]string{"major-change"}, false, at(0)).Apply(lbl(LabelSecond, true, at(24)))
	if !m.End.IsZero() || !m.SecondedAt.Equal(at(24)) {
		t.Errorf("label only: end %v seconded %v", m.End, m.SecondedAt)
	}
	m = m.Apply(human(t, "alice", "@rustbot second", 23.9))
	if !m.End.Equal(at(23.9).Add(MCPWaitingPeriod)) || m.SecondedBy != "alice" || m.SecondBy == nil || m.SecondBy.Author != "alice" {
		t.Errorf("with the comment: end %v by %q %+v", m.End, m.SecondedBy, m.SecondBy)
	}
	// A snapshot that drops the second label unseconds.
	m = m.ApplyLabels([]string{"major-change"}, at(30))
	if m.Phase != MCPProposed || !m.SecondedAt.IsZero() || !m.End.IsZero() {
		t.Errorf("after resync: %s", asJSON(m))
	}
}

func TestMCPJSONRoundTrip(t *testing.T) {
	m := MCPFromLabels([]string{"major-change"}, false, at(0)).Apply(lbl(LabelSecond, true, at(24))).Apply(human(t, "bob", "@rustbot concern perf", 25))
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back MCP
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Errorf("round trip:\n%s\n%s", asJSON(m), asJSON(back))
	}
}
