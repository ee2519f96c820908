package dashboard

import (
	"bytes"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// calendar serves /fcps.ics: one all-day event per FCP (and MCP waiting
// period) end date, in progress or recently finished, as RFC 5545 wants it
// (CRLF line ends, lines folded at 75 octets, UID and DTSTAMP on every
// event), so that people can subscribe to when decisions land.
func (h *Handler) calendar(r *http.Request, w *world) (int, string, []byte, error) {
	return http.StatusOK, "text/calendar; charset=utf-8", w.ics(), nil
}

func (w *world) ics() []byte {
	var b icsWriter
	b.line("BEGIN:VCALENDAR")
	b.line("VERSION:2.0")
	b.line("PRODID:-//goalbot//dashboard//EN")
	b.line("CALSCALE:GREGORIAN")
	b.line("METHOD:PUBLISH")
	b.prop("X-WR-CALNAME", "goalbot: FCP end dates")
	b.line("REFRESH-INTERVAL;VALUE=DURATION:PT1H")
	for _, r := range w.order {
		e := w.entries[r]
		if e.End.IsZero() || !(isInProgress(e) || isFinished(e)) {
			continue
		}
		end := e.End.UTC()
		day := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
		stamp := e.Start.UTC()
		if it := w.items[r]; it != nil && !it.UpdatedAt.IsZero() {
			stamp = it.UpdatedAt.UTC()
		}
		if stamp.IsZero() {
			stamp = w.snap.Now.UTC()
		}
		what := strings.ToUpper(e.Kind)
		if e.Disposition != "" {
			what += " to " + e.Disposition
		}
		verb := "ends"
		if isFinished(e) {
			verb = "ended"
		}
		b.line("BEGIN:VEVENT")
		// One UID per decision: a restarted FCP (new start) is a new event.
		b.prop("UID", e.Kind+"-"+strings.NewReplacer("/", "-", "#", "-").Replace(e.Item.Ref)+"-"+e.Start.UTC().Format("20060102T150405Z")+"@goalbot")
		b.line("DTSTAMP:" + stamp.Format("20060102T150405Z"))
		b.line("DTSTART;VALUE=DATE:" + day.Format("20060102"))
		b.line("DTEND;VALUE=DATE:" + day.AddDate(0, 0, 1).Format("20060102"))
		b.prop("SUMMARY", what+" "+verb+": "+e.Item.Ref+" "+e.Item.Title)
		desc := e.Item.Title + "\n" + e.Detail
		for _, g := range e.Goals {
			desc += "\nGoal: " + g.GoalTitle + " / " + g.SubgoalTitle
		}
		b.prop("DESCRIPTION", desc)
		b.prop("URL", e.StatusURL)
		b.line("TRANSP:TRANSPARENT")
		b.line("END:VEVENT")
	}
	b.line("END:VCALENDAR")
	return b.Bytes()
}

// icsWriter writes content lines folded to 75 octets with CRLF.
type icsWriter struct{ bytes.Buffer }

// prop writes NAME:value with value escaped as RFC 5545 TEXT.
func (b *icsWriter) prop(name, value string) {
	if name != "URL" {
		value = icsEscape(value)
	}
	b.line(name + ":" + value)
}

// icsEscape escapes TEXT: backslash, semicolon, comma and newlines; other
// control characters are dropped (they are not allowed in TEXT).
func icsEscape(s string) string {
	var out strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\', r == ';', r == ',':
			out.WriteByte('\\')
			out.WriteRune(r)
		case r == '\n' || r == '\r':
			out.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			// dropped
		case r == utf8.RuneError:
			out.WriteRune('\uFFFD')
		default:
			out.WriteRune(r)
		}
	}
	return out.String()
}

// line writes one content line, folding it after 75 octets (never inside a
// UTF-8 sequence) with CRLF and a space.
func (b *icsWriter) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
