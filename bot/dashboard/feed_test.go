package dashboard

import (
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestICS checks /fcps.ics against RFC 5545: CRLF line ends, lines of at
// most 75 octets folded without splitting a character, UID and DTSTAMP on
// every event, TEXT escaped, and the events it should hold.
func TestICS(t *testing.T) {
	h, _ := newTestHandler(t, -1)
	res := get(t, h, "/fcps.ics")
	raw := body(t, res)
	if res.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Errorf("content type %q", res.Header.Get("Content-Type"))
	}
	if !strings.HasSuffix(raw, "\r\n") || strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\r") {
		t.Fatal("not CRLF throughout")
	}
	physical := strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n")
	for i, l := range physical {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a character: %q", i+1, l)
		}
	}
	// Unfold: a CRLF followed by one space continues the line.
	lines := strings.Split(strings.TrimSuffix(strings.ReplaceAll(raw, "\r\n ", ""), "\r\n"), "\r\n")
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" || !contains(lines, "VERSION:2.0") || !contains(lines, "PRODID:-//goalbot//dashboard//EN") {
		t.Errorf("calendar frame: %q … %q", lines[0], lines[len(lines)-1])
	}
	var events []map[string]string
	var cur map[string]string
	for _, l := range lines {
		switch {
		case l == "BEGIN:VEVENT":
			cur = map[string]string{}
		case l == "END:VEVENT":
			events = append(events, cur)
			cur = nil
		case cur != nil:
			name, value, ok := strings.Cut(l, ":")
			if !ok {
				t.Errorf("content line without a colon: %q", l)
			}
			cur[name] = value
		}
	}
	// 727 (MCP, seconded), 3657 (in FCP), 3000 (finished): the proposals
	// have no end date yet.
	if len(events) != 3 {
		t.Fatalf("%d events, want 3:\n%s", len(events), raw)
	}
	stamp := regexp.MustCompile(`^\d{8}T\d{6}Z$`)
	uids := map[string]bool{}
	for _, e := range events {
		if e["UID"] == "" || uids[e["UID"]] || !stamp.MatchString(e["DTSTAMP"]) || e["DTSTART;VALUE=DATE"] == "" || e["DTEND;VALUE=DATE"] == "" {
			t.Errorf("event lacks a unique UID, a UTC DTSTAMP or dates: %q", e)
		}
		uids[e["UID"]] = true
		if !githubHref.MatchString(e["URL"]) {
			t.Errorf("event URL %q", e["URL"])
		}
	}
	vision := events[2]
	if vision["SUMMARY"] != `FCP to merge ends: rust-lang/rfcs#3657 Async Rust vision (draft)` ||
		vision["DTSTART;VALUE=DATE"] != "20240815" || vision["DTEND;VALUE=DATE"] != "20240816" {
		t.Errorf("vision event = %q", vision)
	}
	if !strings.Contains(vision["DESCRIPTION"], `\nGoal: Bringing the Async Rust experience closer to parity with sync Rust / author draft RFC for async vision`) {
		t.Errorf("description %q", vision["DESCRIPTION"])
	}
}

func TestICSEscapeAndFold(t *testing.T) {
	if got := icsEscape("a;b,c\\d\r\ne\nf\x00g"); got != `a\;b\,c\\d\ne\nfg` {
		t.Errorf("icsEscape = %q", got)
	}
	var b icsWriter
	long := "SUMMARY:" + strings.Repeat("é", 60) // 8 + 120 octets
	b.line(long)
	out := b.String()
	parts := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
	for _, p := range parts {
		if len(p) > 75 || !utf8.ValidString(p) {
			t.Errorf("folded line %q (%d octets)", p, len(p))
		}
	}
	if strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n ", "") != long {
		t.Errorf("unfolding does not give the line back: %q", out)
	}
}

// TestAtom checks /feed.atom parses as Atom with the required elements,
// permanent ids, and hostile text carried as text.
func TestAtom(t *testing.T) {
	h, _ := newTestHandler(t, -1)
	res := get(t, h, "/feed.atom")
	raw := body(t, res)
	if res.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" || !strings.HasPrefix(raw, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Fatalf("%s\n%s", res.Header.Get("Content-Type"), raw)
	}
	var f struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Summary string `xml:"summary"`
			Links   []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(raw), &f); err != nil {
		t.Fatalf("not XML: %v\n%s", err, raw)
	}
	urn := regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !urn.MatchString(f.ID) || f.Title == "" || f.Author.Name == "" || f.Updated != "2024-08-06T10:00:00Z" {
		t.Errorf("feed head: %q %q %q %q", f.ID, f.Title, f.Author.Name, f.Updated)
	}
	if len(f.Entries) != 6 {
		t.Fatalf("%d entries, want 6", len(f.Entries))
	}
	seen := map[string]bool{}
	for _, e := range f.Entries {
		if !urn.MatchString(e.ID) || seen[e.ID] || e.Title == "" {
			t.Errorf("entry id %q title %q", e.ID, e.Title)
		}
		seen[e.ID] = true
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("entry updated %q: %v", e.Updated, err)
		}
		for _, l := range e.Links {
			checkHref(t, l.Href)
		}
	}
	// Newest first: the hostile one; its text arrives as text.
	if first := f.Entries[0]; !strings.Contains(first.Title, "<img src=x onerror=alert(1)>") || !strings.Contains(first.Summary, "evil/repo#1") {
		t.Errorf("newest entry = %+v", first)
	}
	if last := f.Entries[5]; last.Title != "stabilize async closures: not-started → proposed" ||
		last.Links[0].Href != "/goals/async-parity-2024h2#sg-closures" || last.Links[1].Href != "https://github.com/rust-lang/rust/pull/128245" {
		t.Errorf("oldest entry = %+v", last)
	}
	// Ids are permanent: the same feed twice has the same ids.
	again := get(t, h, "/feed.atom")
	if body(t, again) != raw {
		t.Error("the feed changed between two reads of the same data")
	}
}
