package status

import (
	"strings"
	"testing"
)

func TestRankOrder(t *testing.T) {
	want := []Status{NotStarted, InProgress, Proposed, FCPProposed, Blocked, InFCP, FCPFinished, Accepted, Complete, Postponed, Closed}
	for i, s := range want {
		if got := s.Rank(); got != i {
			t.Errorf("%s.Rank() = %d, want %d", s, got, i)
		}
		if !s.Valid() {
			t.Errorf("%s.Valid() = false", s)
		}
	}
	if got := Status("done").Rank(); got != -1 {
		t.Errorf(`Status("done").Rank() = %d, want -1`, got)
	}
	if Status("").Valid() {
		t.Error(`Status("").Valid() = true`)
	}
	for _, s := range All() {
		if s.Terminal() != (s == Postponed || s == Closed) {
			t.Errorf("%s.Terminal() = %v", s, s.Terminal())
		}
	}
	a := All()
	a[0] = "mutated"
	if All()[0] != NotStarted {
		t.Error("All returns a shared slice")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Status
		err  bool
	}{
		{"in-fcp", InFCP, false},
		{" In FCP ", InFCP, false},
		{"FCP_PROPOSED", FCPProposed, false},
		{"not-started", NotStarted, false},
		{"closed", Closed, false},
		{"postponed", Postponed, false},
		{"", "", true},
		{"done", "", true},
		{"in--fcp", "", true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("Parse(%q) = %q, %v; want %q, err=%v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && !strings.Contains(err.Error(), "fcp-finished") {
			t.Errorf("Parse(%q) error %q does not list the valid statuses", tt.in, err)
		}
	}
}
