package core

import (
	"testing"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		r      ref.Ref
		pull   bool
		labels []string
		want   string
	}{
		{ref.New("rust-lang", "rfcs", 3654), true, nil, bot.KindRFC},
		{ref.New("rust-lang", "rfcs", 1), false, nil, bot.KindIssue},
		{ref.New("rust-lang", "compiler-team", 727), false, []string{"major-change"}, bot.KindMCP},
		{ref.New("rust-lang", "lang-team", 9), false, []string{"Major-Change"}, bot.KindMCP},
		{ref.New("rust-lang", "libs-team", 3), false, []string{"api-change-proposal"}, bot.KindACP},
		{ref.New("rust-lang", "rust", 128245), true, []string{"T-lang"}, bot.KindPR},
		{ref.New("rust-lang", "rust", 1), false, nil, bot.KindIssue},
	}
	for _, tt := range tests {
		if got := KindOf(tt.r, tt.pull, tt.labels); got != tt.want {
			t.Errorf("KindOf(%s, pull=%v, %v) = %s, want %s", tt.r, tt.pull, tt.labels, got, tt.want)
		}
	}
}
