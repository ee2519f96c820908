package render

import (
	"errors"
	"testing"

	"github.com/goalbot/goalbot/bot/command"
	"github.com/goalbot/goalbot/bot/ref"
)

// unknownVerb is the refusal of a mistyped verb as the handler words it:
// the error, then the help.
func unknownVerb(t *testing.T) string {
	t.Helper()
	cmds := command.Find("/goal stauts", "goalbot[bot]")
	if len(cmds) != 1 {
		t.Fatalf("commands = %v", cmds)
	}
	_, err := command.Parse(cmds[0], ref.New("rust-lang", "rust", 0))
	var uv *command.UnknownVerbError
	if !errors.As(err, &uv) {
		t.Fatalf("parse error = %v, want an unknown verb", err)
	}
	return uv.Error() + "\n\n" + uv.Help
}

func TestReplyGoldens(t *testing.T) {
	pr := ref.New("rust-lang", "rust", 128245)
	status := StatusReply(StatusReplyView{Item: pr, Known: true, Kind: "pr", State: "open",
		FCPPhase: "active", FCPDetail: "merge, ends 2024-08-20 | <b>", MCPPhase: "none",
		Rows: []StatusReplyRow{
			{GoalTitle: "Async | parity", TrackingIssue: ref.New("rust-lang", "goals", 105), Subgoal: "stabilize async closures",
				Status: "in-fcp", Detail: "merge, ends 2024-08-20", Origin: "command", By: "compiler-errors"},
			{GoalTitle: "Other goal", TrackingIssue: ref.New("rust-lang", "goals", 106), Subgoal: "gone-subgoal",
				Status: "", Origin: "document"},
		}})
	tests := []struct {
		name string
		got  string
	}{
		{"reply-status", Reply(ReplyMarker(7, "abc"), "nikomatsakis", []ReplyPart{{Command: "/goal status", Text: status}})},
		{"reply-status-unlinked", Reply(ReplyMarker(7, "abd"), "nikomatsakis", []ReplyPart{{Command: "/goal status",
			Text: StatusReply(StatusReplyView{Item: pr})}})},
		{"reply-help", Reply(ReplyMarker(9, "1a"), "yoshuawuyts", []ReplyPart{{Command: "/goal help", Text: command.Help()}})},
		{"reply-unknown-verb", Reply(ReplyMarker(10, "1b"), "yoshuawuyts", []ReplyPart{{Command: "/goal stauts", Refusal: true,
			Text: unknownVerb(t)}})},
		{"reply-refusals", Reply(ReplyMarker(-3<<20, "0f"), "stranger", []ReplyPart{
			{Command: "/goal track rust-lang/goals#105 \"@rust-lang/lang\"", Refusal: true,
				Text: "you may not use `/goal track` here: it is open to MEMBER, OWNER (your association is none)."},
			{Command: "/goal x```@rust-lang/lang`b`", Refusal: true, Text: "unknown command \"x```@rust-lang/lang`b`\""},
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { golden(t, tt.name, tt.got) })
	}
}

// The reply's marker is its first line, naming the comment and revision.
func TestReplyMarkerFirstLine(t *testing.T) {
	body := Reply(ReplyMarker(42, "r-1"), "a", []ReplyPart{{Command: "/goal help", Text: "help"}})
	if want := "<!-- goalbot:reply key=42 rev=r-1 -->\n@a\n\n"; body[:len(want)] != want {
		t.Errorf("reply starts %q, want %q", body[:len(want)], want)
	}
	if ReplyMarker(42, "r-1") == ReplyMarker(42, "r-2") || ReplyMarker(42, "r") == ReplyMarker(43, "r") {
		t.Error("markers of different comments or revisions collide")
	}
}
