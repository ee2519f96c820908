package main

import (
	"strings"
	"testing"
)

// A mention of the App anywhere in a line is a command, as triagebot does
// for @rustbot (issue 13.6); edits still run only what is new.
func TestMidLineMentionGetsAnAnswer(t *testing.T) {
	e := newEnv(t, demoOptions{})
	loadGoal(t, e)
	c := comment(t, e, "compiler-errors", "Thanks! @goalbot status")
	r := replies(e)
	if len(r) != 1 || !strings.Contains(r[0].Body, "serves no goal") {
		t.Fatalf("replies = %v, want one status answer", r)
	}
	// Prose that mentions the bot, quotes and code are not commands.
	comment(t, e, "compiler-errors", "I asked @goalbot about it.\n\n> thanks @goalbot status\n\nRun `@goalbot status` to see.")
	if r := replies(e); len(r) != 1 {
		t.Errorf("prose, a quote or code span was answered: %d replies", len(r))
	}
	// Editing the text around the command runs nothing again; a new
	// mention on the same line does run.
	if d := e.SB.EditComment("compiler-errors", c.ID, "Thanks a lot! @goalbot status."); !d.OK() {
		t.Fatal(d.Status)
	}
	waitIdle(t, e)
	if r := replies(e); len(r) != 1 {
		t.Errorf("an edit around the command answered again: %d replies", len(r))
	}
	if d := e.SB.EditComment("compiler-errors", c.ID, "Thanks a lot! @goalbot status. And @goalbot help"); !d.OK() {
		t.Fatal(d.Status)
	}
	waitIdle(t, e)
	r = replies(e)
	if len(r) != 2 || !strings.Contains(r[1].Body, "goalbot commands") || strings.Contains(r[1].Body, "serves no goal") {
		t.Errorf("after adding @goalbot help: %d replies, last %q", len(r), r[len(r)-1].Body)
	}
}
