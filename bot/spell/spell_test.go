package spell

import "testing"

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"help", "", 4},
		{"", "help", 4},
		{"help", "help", 0},
		{"hlep", "help", 1},        // adjacent swap
		{"stauts", "status", 1},    // adjacent swap
		{"shedule", "schedule", 1}, // insertion
		{"track", "trak", 1},       // deletion
		{"track", "truck", 1},      // substitution
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // OSA, not full Damerau (which gives 2)
		{"ünïcode", "unicode", 2},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}
