package render

import (
	"strings"
	"testing"
	"time"
)

func TestISOWeek(t *testing.T) {
	for _, tt := range []struct {
		in   string // RFC 3339
		want string
	}{
		{"2024-09-02T00:00:00Z", "2024-W36"}, // Monday
		{"2024-09-08T23:59:59Z", "2024-W36"}, // Sunday
		{"2024-09-09T00:00:00Z", "2024-W37"},
		{"2020-12-31T12:00:00Z", "2020-W53"},
		{"2021-01-03T12:00:00Z", "2020-W53"}, // Sunday of the 53rd week
		{"2021-01-04T00:00:00Z", "2021-W01"},
		{"2024-12-30T00:00:00Z", "2025-W01"}, // Monday in December, next year's week 1
		{"2024-12-29T23:59:59Z", "2024-W52"},
		{"2026-01-01T00:00:00Z", "2026-W01"},
		{"2027-01-01T00:00:00Z", "2026-W53"},
		{"2005-01-01T00:00:00Z", "2004-W53"},
		// The week is the UTC week: Monday 01:00 in Berlin is still Sunday in UTC.
		{"2024-09-09T01:00:00+02:00", "2024-W36"},
	} {
		ts, err := time.Parse(time.RFC3339, tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := ISOWeek(ts); got != tt.want {
			t.Errorf("ISOWeek(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseISOWeek(t *testing.T) {
	for _, tt := range []struct {
		in, want string // want is the Monday as a date
	}{
		{"2024-W36", "2024-09-02"},
		{"2024-W01", "2024-01-01"},
		{"2020-W53", "2020-12-28"},
		{"2025-W01", "2024-12-30"},
		{"2021-W01", "2021-01-04"},
		{"2026-W53", "2026-12-28"},
	} {
		got, err := ParseISOWeek(tt.in)
		if err != nil {
			t.Errorf("ParseISOWeek(%q): %v", tt.in, err)
			continue
		}
		if got.Location() != time.UTC || got.Format(time.RFC3339) != tt.want+"T00:00:00Z" {
			t.Errorf("ParseISOWeek(%q) = %v, want %s 00:00 UTC", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, wantErr string }{
		{"", `parse ISO week "": empty`},
		{"2024-36", "want YYYY-Www with a capital W"},
		{"2024-w36", "want YYYY-Www with a capital W"}, // one spelling per week: weeks are keys
		{" 2024-W36", "want YYYY-Www"},
		{"2024-W36\n", "want YYYY-Www"},
		{"2024-W54", "2024 has weeks 01..52"},
		{"2024-W53", "2024 has weeks 01..52"},
		{"2024-W00", "week 00 is out of range"},
		{"0000-W01", "year 0000 is out of range"},
		{"24-W36", "want YYYY-Www"},
		{"2024-W6", "want YYYY-Www"},
		{"2024-W036", "want YYYY-Www"},
		{"2024W36", "want YYYY-Www"},
		{"2024-X36", "want YYYY-Www"},
		{"2024-W3a", "want YYYY-Www"},
		{"+024-W36", "want YYYY-Www"},
		{"2024-09-02", "want YYYY-Www"},
	} {
		_, err := ParseISOWeek(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseISOWeek(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
		}
	}
}

// TestISOWeekRoundTrip checks every 7 hours over eight years, across
// 53-week years and DST-free UTC: t lies in [start, start+7 days) of its
// own week, and that start is a Monday at midnight.
func TestISOWeekRoundTrip(t *testing.T) {
	end := time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)
	for ts := time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC); ts.Before(end); ts = ts.Add(7 * time.Hour) {
		w := ISOWeek(ts)
		start, err := ParseISOWeek(w)
		if err != nil {
			t.Fatalf("ParseISOWeek(ISOWeek(%v) = %q): %v", ts, w, err)
		}
		if ts.Before(start) || !ts.Before(start.AddDate(0, 0, 7)) {
			t.Fatalf("%v is not in week %s starting %v", ts, w, start)
		}
		if start.Weekday() != time.Monday || start.Hour() != 0 || start.Minute() != 0 {
			t.Fatalf("week %s starts %v, not Monday 00:00", w, start)
		}
		if ISOWeek(start) != w {
			t.Fatalf("ISOWeek(ParseISOWeek(%q)) = %q", w, ISOWeek(start))
		}
	}
}

func TestDigestMarker(t *testing.T) {
	if got := DigestTitle("2024-W36"); got != "Goal status digest: 2024-W36" {
		t.Errorf("DigestTitle = %q", got)
	}
	if got := DigestMarker("2024-W36"); got != "<!-- goalbot:digest week=2024-W36 -->" {
		t.Errorf("DigestMarker = %q", got)
	}
	// Hostile weeks are reduced to a harmless ID.
	for _, w := range []string{"x --> <!-- y", "2024-W36 -->\n@someone", "a\nb"} {
		m := DigestMarker(w)
		id, ok := strings.CutPrefix(m, "<!-- goalbot:digest week=")
		id, ok2 := strings.CutSuffix(id, " -->")
		if !ok || !ok2 || id == "" || strings.Contains(id, "--") || strings.ContainsAny(id, " \n<>@!") {
			t.Errorf("DigestMarker(%q) = %q", w, m)
		}
		if strings.ContainsAny(DigestTitle(w), "\n<>@") {
			t.Errorf("DigestTitle(%q) = %q", w, DigestTitle(w))
		}
	}

	for _, tt := range []struct {
		body, week string
		ok         bool
	}{
		{"<!-- goalbot:digest week=2024-W36 -->\nbody", "2024-W36", true},
		{DigestMarker("2020-W53") + "\n", "2020-W53", true},
		{"\ufeff<!-- goalbot:digest week=2024-W36 -->  \r\nbody", "2024-W36", true},
		{"<!-- goalbot:digest week=2024-W36 -->", "2024-W36", true},
		{"text\n<!-- goalbot:digest week=2024-W36 -->", "", false}, // not the first line
		{"<!-- goalbot:digest week=2024-w36 -->", "", false},       // not canonical
		{"<!-- goalbot:digest week=2024-W54 -->", "", false},       // no such week
		{"<!-- goalbot:digest week= -->", "", false},               //
		{"<!-- goalbot:digest week=2024-W36", "", false},           // unterminated
		{"<!-- goalbot:status goal=2024-W36 -->", "", false},       // another marker
		{"> <!-- goalbot:digest week=2024-W36 -->", "", false},     // quoted
		{"<!-- goalbot:digest week=2024-W36 --> x", "", false},     // trailing text
		{"<!-- goalbot:digest week=2024-W36 -->x -->", "", false},  //
		{"", "", false},
	} {
		w, ok := ParseDigestMarker(tt.body)
		if w != tt.week || ok != tt.ok {
			t.Errorf("ParseDigestMarker(%q) = %q, %v; want %q, %v", tt.body, w, ok, tt.week, tt.ok)
		}
	}
}
