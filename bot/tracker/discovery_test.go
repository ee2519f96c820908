package tracker

import "testing"

func TestWithoutCommands(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"no command", "Part of rust-lang/goals#105: approve RFC", "Part of rust-lang/goals#105: approve RFC"},
		{"slash command dropped", "Context.\n/goal track rust-lang/goals#105 \"approve RFC\"\nMore.", "Context.\nMore."},
		{"indented command dropped", "  /goal track rust-lang/goals#105 1", ""},
		{"mention command dropped", "@GoalBot track rust-lang/goals#105 1\nsee rust-lang/goals#105", "see rust-lang/goals#105"},
		{"command word inside a line kept", "I will /goal track later, see rust-lang/goals#105", "I will /goal track later, see rust-lang/goals#105"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withoutCommands(tt.body, "goalbot"); got != tt.want {
				t.Errorf("withoutCommands(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}
