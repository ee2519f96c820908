package tracker

import (
	"testing"
	"time"
)

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
