package fcp

import (
	"regexp"
	"strings"
	"time"
)

// rfcbotVerb maps an rfcbot subcommand word or alias (reference §1
// "Grammar") to its canonical verb, "" when the word is none.
func rfcbotVerb(w string) string {
	switch w {
	case "merge", "merged", "merging", "merges":
		return "merge"
	case "close", "closed", "closing", "closes":
		return "close"
	case "postpone", "postponed", "postponing", "postpones":
		return "postpone"
	case "cancel", "canceled", "canceling", "cancels":
		return "cancel"
	case "reviewed", "review", "reviewing", "reviews":
		return "reviewed"
	case "concern", "concerned", "concerning", "concerns":
		return "concern"
	case "resolve", "resolved", "resolving", "resolves":
		return "resolve"
	}
	return ""
}

// parseCommands collects a human's command lines: rfcbot's (a line starting
// with @rfcbot or @rust-rfcbot, as rfcbot reads them) and triagebot's
// second/concern/resolve (a mention outside code and quotes).
func parseCommands(body string) (Event, bool) {
	var cmds []Command
	fenced := false
	for line := range strings.SplitSeq(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
		}
		// rfcbot ignores markdown: a command inside a code block still counts.
		if c, ok := rfcbotCommand(t); ok {
			cmds = append(cmds, c)
			continue
		}
		if fenced || strings.HasPrefix(t, ">") {
			continue
		}
		cmds = append(cmds, rustbotCommands(t)...)
	}
	if len(cmds) == 0 {
		return Event{}, false
	}
	return Event{Kind: KindCommand, Version: "command", Commands: cmds}, true
}

// rfcbotCommand reads one trimmed line as rfcbot would.
func rfcbotCommand(t string) (Command, bool) {
	var rest string
	switch {
	case strings.HasPrefix(t, "@rust-rfcbot"):
		rest = t[len("@rust-rfcbot"):]
	case strings.HasPrefix(t, "@rfcbot"):
		rest = t[len("@rfcbot"):]
	default:
		return Command{}, false
	}
	rest = strings.TrimPrefix(strings.TrimLeft(rest, " \t"), ":")
	fields := strings.Fields(rest)
	if len(fields) > 0 && (fields[0] == "fcp" || fields[0] == "pr") {
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return Command{}, false
	}
	verb := rfcbotVerb(fields[0])
	if verb == "" {
		return Command{}, false
	}
	c := Command{Bot: "rfcbot", Verb: verb}
	switch verb {
	case "merge", "concern", "resolve":
		// The argument is the rest of the line after the first occurrence
		// of the subcommand word, as rfcbot takes it.
		_, after, _ := strings.Cut(rest, fields[0])
		c.Arg = strings.TrimSpace(after)
		if c.Arg == "" && verb != "merge" {
			return Command{}, false
		}
	}
	return c, true
}

// rustbotMention finds "@rustbot" or "@triagebot" (any case) followed by a
// word boundary.
var rustbotMention = regexp.MustCompile(`(?i)@(?:rustbot|triagebot)\b[ \t]*:?`)

// rustbotCommands reads triagebot's second, concern and resolve commands
// from one line, skipping mentions inside inline code.
func rustbotCommands(t string) []Command {
	var out []Command
	for _, loc := range rustbotMention.FindAllStringIndex(t, -1) {
		if strings.Count(t[:loc[0]], "`")%2 == 1 {
			continue
		}
		rest := strings.TrimSpace(t[loc[1]:])
		if i := rustbotMention.FindStringIndex(rest); i != nil {
			rest = strings.TrimSpace(rest[:i[0]])
		}
		word, arg, _ := strings.Cut(rest, " ")
		arg = strings.TrimSpace(arg)
		switch word {
		case "second", "seconded":
			out = append(out, Command{Bot: "rustbot", Verb: "second"})
		case "concern":
			if r, ok := strings.CutPrefix(arg, "resolve "); ok {
				if r = strings.TrimSpace(r); r != "" {
					out = append(out, Command{Bot: "rustbot", Verb: "resolve", Arg: r})
				}
			} else if arg != "" {
				out = append(out, Command{Bot: "rustbot", Verb: "concern", Arg: arg})
			}
		case "resolve":
			if arg != "" {
				out = append(out, Command{Bot: "rustbot", Verb: "resolve", Arg: arg})
			}
		}
	}
	return out
}

// triagebot's markers (reference triagebot-mcp.md §1.4–1.6).
var (
	acceptedRe = regexp.MustCompile(`(?i)this major change is now \**accepted\**`)
	streamRe   = regexp.MustCompile(`(?m)^\[stream\]:\s*\S`)
)

// parseTriagebot recognises triagebot's opening and acceptance comments on
// a major change.
func parseTriagebot(body string) (Event, bool) {
	switch {
	case acceptedRe.MatchString(body):
		return Event{Kind: KindMCPAccepted, Version: "mcp-accepted"}, true
	case streamRe.MatchString(body):
		return Event{Kind: KindMCPOpened, Version: "mcp-opened"}, true
	}
	return Event{}, false
}

// Markers around triagebot's concern section in an issue body (§1.5).
const (
	concernStart = "<!-- TRIAGEBOT_CONCERN-ISSUE_START -->"
	concernEnd   = "<!-- TRIAGEBOT_CONCERN-ISSUE_END -->"
)

// ParseIssueBody reads the concern section triagebot keeps in an issue
// body (a quoted "# Concerns (k active)" list, resolved ones struck
// through) into a KindMCPConcerns event at time at, the body's edit time.
// It reports false when the body has no such section.
func ParseIssueBody(body string, at time.Time) (Event, bool) {
	_, rest, ok := strings.Cut(body, concernStart)
	if !ok {
		return Event{}, false
	}
	section, _, _ := strings.Cut(rest, concernEnd)
	e := Event{Kind: KindMCPConcerns, At: at, Version: "mcp-concerns"}
	for line := range strings.SplitSeq(strings.ReplaceAll(section, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		for strings.HasPrefix(line, ">") {
			line = strings.TrimSpace(line[1:])
		}
		ok, item := cutBullet(line)
		if !ok {
			continue
		}
		var c Concern
		if inner, tail, struck := strings.Cut(strings.TrimPrefix(item, "~~"), "~~"); strings.HasPrefix(item, "~~") && struck {
			c.Name, c.URL = markdownLink(inner)
			c.Resolved = true
			if _, after, ok := strings.Cut(tail, "]("); ok {
				c.ResolvedURL = firstURL(after)
			}
		} else {
			c.Name, c.URL = markdownLink(item)
		}
		if c.Name != "" {
			e.Concerns = append(e.Concerns, c)
		}
	}
	return e, true
}

// markdownLink splits "[text](url)" into its text and URL; other text is
// returned whole with no URL.
func markdownLink(s string) (text, url string) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") {
		if i := strings.LastIndex(s, "]("); i > 0 && strings.HasSuffix(s, ")") {
			return s[1:i], s[i+2 : len(s)-1]
		}
	}
	return s, ""
}
