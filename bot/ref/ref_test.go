package ref

import "testing"

func TestParse(t *testing.T) {
	base := New("rust-lang", "rfcs", 1)
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"rust-lang/rfcs#3654", "rust-lang/rfcs#3654", true},
		{"Rust-Lang/RFCs#3654", "rust-lang/rfcs#3654", true},
		{"#12", "rust-lang/rfcs#12", true},
		{"rust-lang/rust-project-goals#105", "rust-lang/goals#105", true},
		{"https://github.com/rust-lang/compiler-team/issues/727", "rust-lang/compiler-team#727", true},
		{"https://github.com/rust-lang/rfcs/pull/3654#issuecomment-1", "rust-lang/rfcs#3654", true},
		{"https://github.com/rust-lang/rfcs/pull/3654/files", "rust-lang/rfcs#3654", true},
		{"https://gitlab.com/a/b/issues/1", "", false},
		{"https://github.com/rust-lang/rfcs/blob/master/x.md", "", false},
		{"rust-lang/rfcs#0", "", false},
		{"rust-lang/rfcs#-3", "", false},
		{"rust-lang/rfcs#+3", "", false},
		{"rfcs#3", "", false},
		{"a b/c#3", "", false},
		{"3654", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, base)
		if (err == nil) != tt.ok {
			t.Errorf("Parse(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if _, err := Parse("#5", Ref{}); err == nil {
		t.Error("Parse(#5) without base succeeded")
	}
}

func TestTextRoundTrip(t *testing.T) {
	r := New("rust-lang", "rfcs", 3657)
	b, _ := r.MarshalText()
	var back Ref
	if err := back.UnmarshalText(b); err != nil || back != r {
		t.Fatalf("round trip = %v, %v; want %v", back, err, r)
	}
}
