package command

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
)

// parseLine finds exactly one command in line and parses it.
func parseLine(t *testing.T, line string, base ref.Ref) (Parsed, error) {
	t.Helper()
	cmds := Find(line, "goalbot[bot]")
	if len(cmds) != 1 {
		t.Fatalf("Find(%q): %d commands, want 1", line, len(cmds))
	}
	return Parse(cmds[0], base)
}

func TestParse(t *testing.T) {
	base := ref.New("rust-lang", "rfcs", 3654)
	goals := ref.New("rust-lang", "goals", 105)
	tests := []struct {
		line string
		want Parsed
	}{
		{"/goal track rust-lang/goals#105", Parsed{Verb: VerbTrack, Issue: goals}},
		{"/goal track Rust-Lang/Rust-Project-Goals#105", Parsed{Verb: VerbTrack, Issue: goals}},
		{"/goal track #7", Parsed{Verb: VerbTrack, Issue: ref.New("rust-lang", "rfcs", 7)}},
		{"/goal track https://github.com/rust-lang/rust-project-goals/issues/105", Parsed{Verb: VerbTrack, Issue: goals}},
		{"/goal track https://github.com/rust-lang/goals/issues/105#issuecomment-1 rtn", Parsed{Verb: VerbTrack, Issue: goals, Subgoal: "rtn"}},
		{`/goal track rust-lang/goals#105 "approve RFC"`, Parsed{Verb: VerbTrack, Issue: goals, Subgoal: "approve RFC"}},
		{`/goal track rust-lang/goals#105 “resolve the "send bound" problem”`, Parsed{Verb: VerbTrack, Issue: goals, Subgoal: `resolve the "send bound" problem`}},
		{"/goal track rust-lang/goals#105 approve   RFC", Parsed{Verb: VerbTrack, Issue: goals, Subgoal: "approve RFC"}},
		{"/goal track rust-lang/goals#105 187", Parsed{Verb: VerbTrack, Issue: goals, Subgoal: "187"}},
		{"@GoalBot: Track #105", Parsed{Verb: VerbTrack, Issue: ref.New("rust-lang", "rfcs", 105)}},
		{"/goal untrack", Parsed{Verb: VerbUntrack}},
		{"/goal untrack rust-lang/goals#105", Parsed{Verb: VerbUntrack, Issue: goals}},
		{"/goal UNTRACK #1", Parsed{Verb: VerbUntrack, Issue: ref.New("rust-lang", "rfcs", 1)}},
		{"/goal status", Parsed{Verb: VerbStatus}},
		{"@goalbot Status!", Parsed{Verb: VerbStatus}},
		{"/goal refresh", Parsed{Verb: VerbRefresh}},
		{"/goal help", Parsed{Verb: VerbHelp}},
		{"@goalbot[bot] HELP?", Parsed{Verb: VerbHelp}},
	}
	for _, tt := range tests {
		got, err := parseLine(t, tt.line, base)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.line, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.line, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	base := ref.New("rust-lang", "rfcs", 3654)
	tests := []struct {
		line string
		base ref.Ref
		want string
	}{
		{"/goal track", base, "`track` needs a tracking issue: `/goal track <tracking-issue> [<subgoal>]`, for example `/goal track rust-lang/goals#105 \"approve RFC\"`"},
		{"/goal track 105", base, "`track`: \"105\" is not an issue reference (no #); write owner/repo#N, #N or an issue URL"},
		{"/goal track #0", base, "`track`: \"#0\" is not an issue reference (number after # must be a positive integer); write owner/repo#N, #N or an issue URL"},
		{"/goal track #5", ref.Ref{}, "`track`: \"#5\" is not an issue reference (#N needs a repository); write owner/repo#N, #N or an issue URL"},
		{"/goal track https://gitlab.com/a/b/issues/1", base, "`track`: \"https://gitlab.com/a/b/issues/1\" is not an issue reference (not a github.com issue or pull request URL); write owner/repo#N, #N or an issue URL"},
		{"/goal track a/b/c#1", base, "`track`: \"a/b/c#1\" is not an issue reference (repository must be owner/repo); write owner/repo#N, #N or an issue URL"},
		{"/goal untrack x", base, "`untrack`: \"x\" is not an issue reference (no #); write owner/repo#N, #N or an issue URL"},
		{"/goal untrack #1 #2", base, "`untrack` takes at most one tracking issue, got 2 arguments (\"#1\", \"#2\"); write `/goal untrack [<tracking-issue>]`"},
		{"/goal status please", base, "`status` takes no arguments, got \"please\"; write `/goal status`"},
		{"/goal refresh #1 now", base, "`refresh` takes no arguments, got \"#1\", \"now\"; write `/goal refresh`"},
		{"/goal help me", base, "`help` takes no arguments, got \"me\"; write `/goal help`"},
		{"/goal trak #1", base, "unknown command \"trak\"; did you mean `/goal track`?"},
		{"/goal untrak", base, "unknown command \"untrak\"; did you mean `/goal untrack`?"},
		{"/goal stats", base, "unknown command \"stats\"; did you mean `/goal status`?"},
		{"@goalbot refesh", base, "unknown command \"refesh\"; did you mean `/goal refresh`?"},
		{"/goal hlep", base, "unknown command \"hlep\"; did you mean `/goal help`?"},
		{"/goal frobnicate", base, "unknown command \"frobnicate\"; `/goal help` lists the commands"},
		{"/goal !", base, "unknown command \"!\"; `/goal help` lists the commands"},
		{"/goal ship-it", base, "unknown command \"ship-it\"; `/goal help` lists the commands"},
	}
	for _, tt := range tests {
		_, err := parseLine(t, tt.line, tt.base)
		if err == nil {
			t.Errorf("Parse(%q): no error, want %q", tt.line, tt.want)
			continue
		}
		if got := bot.ErrorMessage(err); got != tt.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tt.line, got, tt.want)
		}
		if bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("Parse(%q): code %q, want %q", tt.line, bot.ErrorCode(err), bot.EINVALID)
		}
	}
}

func TestParseUnknownVerb(t *testing.T) {
	_, err := parseLine(t, "/goal trakc #1", ref.Ref{})
	var uv *UnknownVerbError
	if !errors.As(err, &uv) {
		t.Fatalf("Parse: error %v, want *UnknownVerbError", err)
	}
	if uv.Verb != "trakc" || uv.Suggestion != "track" || uv.Help != Help() {
		t.Errorf("UnknownVerbError = {%q %q help %v}, want {trakc track help true}", uv.Verb, uv.Suggestion, uv.Help == Help())
	}
}

func TestHelp(t *testing.T) {
	h := Help()
	for _, want := range []string{"`/goal track <tracking-issue> [<subgoal>]`", "`/goal untrack [<tracking-issue>]`", "`/goal status`", "`/goal refresh`", "`/goal help`", "`owner/repo#N`"} {
		if !strings.Contains(h, want) {
			t.Errorf("Help() lacks %s:\n%s", want, h)
		}
	}
	if strings.Contains(h, "@") {
		t.Errorf("Help() contains an @-mention:\n%s", h)
	}
	// Posting the help must not trigger the bot (it ignores its own comments,
	// but a user quoting it unquoted must not either).
	if cmds := Find(h, "goalbot"); len(cmds) != 0 {
		t.Errorf("Find(Help()) = %d commands, want none", len(cmds))
	}
}
