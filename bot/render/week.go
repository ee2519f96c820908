package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ISOWeek names the ISO 8601 week of t in UTC as "2024-W36". The year is
// the week-numbering year, so 2024-12-30 is in 2025-W01 and 2021-01-03 in
// 2020-W53.
func ISOWeek(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// ParseISOWeek returns the start of week s ("2024-W36"): its Monday at
// 00:00 UTC. The week ends seven days later. Only the canonical form that
// ISOWeek writes is accepted, so a week has one spelling wherever it is
// used as a key (claims, markers); anything else, or a week the year does
// not have ("2024-W53"), is an error saying why.
func ParseISOWeek(s string) (start time.Time, err error) {
	bad := func(format string, args ...any) (time.Time, error) {
		return time.Time{}, fmt.Errorf("parse ISO week %q: %s", s, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return bad("empty; write YYYY-Www, e.g. 2024-W36")
	}
	yearText, weekText, ok := strings.Cut(s, "-")
	if !ok || len(yearText) != 4 || len(weekText) != 3 || weekText[0] != 'W' ||
		!digits(yearText) || !digits(weekText[1:]) {
		return bad("want YYYY-Www with a capital W, e.g. 2024-W36")
	}
	year, _ := strconv.Atoi(yearText)
	week, _ := strconv.Atoi(weekText[1:])
	if year < 1 {
		return bad("year %s is out of range 0001..9999", yearText)
	}
	weeks := weeksIn(year)
	if week < 1 || week > weeks {
		return bad("week %02d is out of range: %d has weeks 01..%02d", week, year, weeks)
	}
	return weekOne(year).AddDate(0, 0, 7*(week-1)), nil
}

// weekOne returns the Monday of ISO week 1 of year: the week holding
// January 4th.
func weekOne(year int) time.Time {
	jan4 := time.Date(year, time.January, 4, 0, 0, 0, 0, time.UTC)
	back := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -back)
}

// weeksIn returns how many ISO weeks year has (52 or 53): December 28th is
// always in the last one.
func weeksIn(year int) int {
	_, w := time.Date(year, time.December, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// digits reports whether s is non-empty and all ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validWeek reports whether week is an ISO week as ISOWeek writes it.
func validWeek(week string) bool {
	_, err := ParseISOWeek(week)
	return err == nil
}

const (
	digestPrefix = "<!-- goalbot:digest week="
	digestTitle  = "Goal status digest: "
)

// DigestTitle returns the title of the digest issue of week,
// "Goal status digest: 2024-W36". A week that is not YYYY-Www is reduced
// with SafeID, so the title is always one plain line.
func DigestTitle(week string) string { return digestTitle + safeWeek(week) }

// DigestMarker returns the hidden first line of the digest issue of week,
// "<!-- goalbot:digest week=2024-W36 -->", by which the bot finds the issue
// again; the week is sanitised as in DigestTitle.
func DigestMarker(week string) string { return digestPrefix + safeWeek(week) + markerSuffix }

// ParseDigestMarker reads the week from the first line of an issue body
// and reports whether that line is a digest marker naming a valid week in
// canonical form. Markers further down (quoted or forged) do not count.
func ParseDigestMarker(body string) (week string, ok bool) {
	w, found := markerValue(body, digestPrefix)
	if !found || !validWeek(w) {
		return "", false
	}
	return w, true
}

// safeWeek returns week when it is a valid ISO week, and otherwise week
// reduced to SafeID's characters.
func safeWeek(week string) string {
	if validWeek(week) {
		return week
	}
	return SafeID(week)
}
