package tracker

import (
	"testing"
	"time"

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
		if got := kindOf(tt.r, tt.pull, tt.labels); got != tt.want {
			t.Errorf("kindOf(%s, pull=%v, %v) = %s, want %s", tt.r, tt.pull, tt.labels, got, tt.want)
		}
	}
}

func TestWeeklySchedule(t *testing.T) {
	w := weekly{day: time.Monday, hour: 9}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct{ now, next, last string }{
		{"2024-09-02T08:59:00Z", "2024-09-02T09:00:00Z", "2024-08-26T09:00:00Z"}, // Monday before nine
		{"2024-09-02T09:00:00Z", "2024-09-09T09:00:00Z", "2024-09-02T09:00:00Z"}, // exactly then: strictly after
		{"2024-09-05T12:00:00Z", "2024-09-09T09:00:00Z", "2024-09-02T09:00:00Z"}, // Thursday
		{"2024-12-29T23:00:00Z", "2024-12-30T09:00:00Z", "2024-12-23T09:00:00Z"}, // Sunday, across the year
	}
	for _, tt := range tests {
		if got := w.Next(at(tt.now)); !got.Equal(at(tt.next)) {
			t.Errorf("Next(%s) = %s, want %s", tt.now, got, tt.next)
		}
		if got := w.last(at(tt.now)); !got.Equal(at(tt.last)) {
			t.Errorf("last(%s) = %s, want %s", tt.now, got, tt.last)
		}
	}
}
