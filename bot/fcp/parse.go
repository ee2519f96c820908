package fcp

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// rfcbot's markers. The reference (shared/reference/rfcbot-fcp.md §2) lists
// every wording since 2016; these key on the stable parts of each.
var (
	// "@x has proposed to merge this", "Team member @x has …", "Team member x has …",
	// and the forks' bold disposition: "has proposed to **merge** this" (mscbot-python).
	proposalRe = regexp.MustCompile(`(?m)^[ \t]*(Team member )?(@?)([A-Za-z0-9][A-Za-z0-9_-]*(?:\[bot\])?) has proposed to \**(merge|close|postpone)\** this`)
	// 2016-09: "FCP proposed with disposition to merge. Review requested from:".
	oldProposalRe = regexp.MustCompile(`FCP proposed with disposition to (merge|close|postpone)`)

	startRe    = regexp.MustCompile(`(?i)this is now entering its final comment period`)
	oldStartRe = regexp.MustCompile(`All relevant subteam members have reviewed\. No concerns remain\.`)
	// "[review above](url)" (rfcbot), "[review](url) above" and "[the
	// review](url) above" (rfcbot-rs forks: mscbot-python).
	reviewRe = regexp.MustCompile(`\[(?:review above|review|the review)\]\(([^)\s]+)\)`)
	endRe    = regexp.MustCompile(`(?i)\bend(?:s|ing)?[ \t]+(?:on[ \t]+)?(\d{4}-\d{2}-\d{2})\b`)

	completeRe    = regexp.MustCompile(`(?is)final comment period\b.{0,400}?\bis now \**complete\**`)
	completeDisp  = regexp.MustCompile(`disposition to \**(merge|close|postpone)\**`)
	suffixDispRe  = regexp.MustCompile(`(?i)(?:I hereby (close|postpone) this RFC|(?:This|The RFC) is now (closed|postponed)|(?:This|The RFC) will be (merged) soon)`)
	cancelRe      = regexp.MustCompile(`(?m)^[ \t]*@([A-Za-z0-9][A-Za-z0-9_-]*(?:\[bot\])?) (FCP )?proposal cancell?ed\.?[ \t]*$`)
	psstRe        = regexp.MustCompile("(?i)psst @([A-Za-z0-9][A-Za-z0-9_-]*), I wasn['’]t able to add the `([^`\\s]+)` label")
	commentIDRe   = regexp.MustCompile(`#issuecomment-(-?\d+)`)
	majorityRules = []struct{ re, name string }{
		{"Once a majority of reviewers approve (and at most 2 approvals are outstanding)", "majority"},
		{"Once a majority of reviewers approve (and none object)", "none-object"},
		{"Once these reviewers reach consensus", "consensus"},
		{"Once at least 75% of reviewers approve (and there are no outstanding concerns)", "three-quarters"}, // mscbot-python
	}
)

// parseRFCBot recognises one of rfcbot's own comments.
func parseRFCBot(body string) (Event, bool) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if e, ok := parseStatus(body); ok {
		return e, true
	}
	if startRe.MatchString(body) || oldStartRe.MatchString(body) {
		e := Event{Kind: KindStart, Version: "start"}
		if !startRe.MatchString(body) {
			e.Version = "start-2016"
		}
		e.StatusURL, e.StatusCommentID = reviewLink(body)
		if m := endRe.FindStringSubmatch(body); m != nil {
			if t, err := time.Parse(time.DateOnly, m[1]); err == nil {
				e.End = t
			}
		}
		psst(body, &e)
		return e, true
	}
	if completeRe.MatchString(body) {
		e := Event{Kind: KindComplete, Version: "complete"}
		if m := completeDisp.FindStringSubmatch(body); m != nil {
			e.Disposition = parseDisposition(m[1])
		} else {
			e.Version = "complete-2016"
			if m := suffixDispRe.FindStringSubmatch(body); m != nil {
				e.Disposition = dispositionWord(m[1] + m[2] + m[3])
			}
		}
		e.StatusURL, e.StatusCommentID = reviewLink(body)
		psst(body, &e)
		return e, true
	}
	if m := cancelRe.FindStringSubmatch(body); m != nil {
		e := Event{Kind: KindCancel, Version: "cancel", Initiator: m[1]}
		if m[2] != "" {
			e.Version = "cancel-2016"
		}
		return e, true
	}
	var e Event
	if psst(body, &e) {
		e.Kind, e.Version = KindLabelNote, "label-note"
		return e, true
	}
	return Event{}, false
}

// dispositionWord maps "closed", "postponed", "merged" and the plain words
// to a disposition.
func dispositionWord(w string) Disposition {
	switch strings.ToLower(w) {
	case "close", "closed":
		return Close
	case "postpone", "postponed":
		return Postpone
	case "merge", "merged":
		return Merge
	}
	return ""
}

// psst fills e from rfcbot's "psst @x, I wasn't able to add the `l` label"
// note and reports whether there was one.
func psst(body string, e *Event) bool {
	m := psstRe.FindStringSubmatch(body)
	if m == nil {
		return false
	}
	if e.Initiator == "" {
		e.Initiator = m[1]
	}
	e.MissingLabel = strings.ToLower(m[2])
	return true
}

// reviewLink returns the "[review above](url)" link and the comment id in it.
func reviewLink(body string) (string, int64) {
	m := reviewRe.FindStringSubmatch(body)
	if m == nil {
		return "", 0
	}
	return m[1], CommentIDFromURL(m[1])
}

// CommentIDFromURL returns the comment id of a "#issuecomment-N" URL, 0 when
// there is none. Negative ids, which rfcbot wrote from June 2024 to
// February 2025 for ids above 2³¹ (rfcbot-rs#327), are unwrapped.
func CommentIDFromURL(u string) int64 {
	m := commentIDRe.FindStringSubmatch(u)
	if m == nil {
		return 0
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0
	}
	if id < 0 {
		if id < -(1 << 32) {
			return 0
		}
		id += 1 << 32
	}
	return id
}

// parseStatus recognises rfcbot's status (tracking) comment: who proposed
// what, the reviewer checkboxes and the concern list.
func parseStatus(body string) (Event, bool) {
	e := Event{Kind: KindProposal}
	var opening string
	if m := proposalRe.FindStringSubmatch(body); m != nil {
		e.Initiator, e.Disposition = m[3], parseDisposition(m[4])
		switch {
		case m[1] == "":
			opening = "current"
		case m[2] == "":
			opening = "team-member-2016"
		default:
			opening = "team-member"
		}
	} else if m := oldProposalRe.FindStringSubmatch(body); m != nil {
		e.Disposition, opening = parseDisposition(m[1]), "fcp-proposed-2016"
	} else {
		return Event{}, false
	}
	majority := "none"
	for _, r := range majorityRules {
		if strings.Contains(body, r.re) {
			majority = r.name
			break
		}
	}
	e.Version = opening + "/" + majority

	inConcerns := false
	seen := map[string]bool{}
	for line := range strings.SplitSeq(body, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "Concerns:":
			inConcerns = true
			continue
		case line == "", strings.HasPrefix(line, "No concerns currently listed"):
			continue
		}
		bullet, rest := cutBullet(line)
		if !bullet {
			// Any prose after the list (the majority sentence, the cc
			// line, the docs link) ends the concern list.
			inConcerns = false
			continue
		}
		if inConcerns {
			if c, ok := concernLine(rest); ok {
				e.Concerns = append(e.Concerns, c)
			}
			continue
		}
		if login, ticked, ok := checkbox(rest); ok && !seen[strings.ToLower(login)] {
			seen[strings.ToLower(login)] = true
			e.Reviewers = append(e.Reviewers, Reviewer{Login: login, Ticked: ticked})
		}
	}
	return e, true
}

// cutBullet strips a "* " or "- " list marker.
func cutBullet(line string) (bool, string) {
	if len(line) >= 2 && (line[0] == '*' || line[0] == '-') && (line[1] == ' ' || line[1] == '\t') {
		return true, strings.TrimSpace(line[2:])
	}
	return false, line
}

// checkbox reads "[x] @login" or "[ ] @login" (the @ is optional).
func checkbox(s string) (login string, ticked, ok bool) {
	if len(s) < 4 || s[0] != '[' || s[2] != ']' {
		return "", false, false
	}
	switch s[1] {
	case 'x', 'X':
		ticked = true
	case ' ':
	default:
		return "", false, false
	}
	rest := strings.TrimLeft(s[3:], " \t")
	rest = strings.TrimPrefix(rest, "@")
	n := 0
	for n < len(rest) && isLoginByte(rest[n]) {
		n++
	}
	if n == 0 {
		return "", false, false
	}
	login = rest[:n]
	if strings.HasPrefix(rest[n:], "[bot]") {
		login += "[bot]"
	}
	return login, ticked, true
}

// isLoginByte reports whether b may appear in a GitHub login.
func isLoginByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_'
}

// concernLine reads "name (url)" or "~~name~~ resolved by url".
func concernLine(s string) (Concern, bool) {
	if strings.HasPrefix(s, "~~") {
		name, rest, ok := strings.Cut(s[2:], "~~")
		if !ok {
			return Concern{}, false
		}
		c := Concern{Name: strings.TrimSpace(name), Resolved: true}
		if _, u, ok := strings.Cut(rest, "resolved by "); ok {
			c.ResolvedURL = firstURL(u)
		}
		return c, c.Name != ""
	}
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, " ("); i > 0 {
			if u := s[i+2 : len(s)-1]; strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
				return Concern{Name: strings.TrimSpace(s[:i]), URL: u}, true
			}
		}
	}
	return Concern{Name: s}, s != ""
}

// firstURL returns the first http(s) URL in s, without trailing
// punctuation, or s's first field when it has none.
func firstURL(s string) string {
	i := strings.Index(s, "http")
	if i < 0 {
		return ""
	}
	u := s[i:]
	if j := strings.IndexAny(u, " \t)]>"); j >= 0 {
		u = u[:j]
	}
	return strings.TrimRight(u, ".,;")
}
