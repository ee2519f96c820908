// Package command finds goalbot's slash commands in comment bodies, tokenizes
// and parses them into typed requests, and resolves subgoal names; it does no
// I/O so the handlers that act on commands stay small.
package command

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goalbot/goalbot/bot"
)

// Prefix is the slash form every command may start with.
const Prefix = "/goal"

// Command is one command line found in a comment, tokenized but not yet
// checked against the grammar (see Parse).
type Command struct {
	Line int      // 1-based line in the comment (CRLF and CR count as one line break)
	Raw  string   // the line from "/goal" or "@login" on, trailing space trimmed
	Verb string   // the first word after the prefix, lower-cased, trailing .,;:!? dropped; "" only with Err
	Args []string // the remaining words, unquoted
	Err  error    // a tokenizer error or a missing verb; Verb and Args are then partial
}

// Find returns the commands in body in order. A command is a line that starts
// (after spaces or tabs) with "/goal" or "@<botLogin>" — the login matched in
// any case, with or without its "[bot]" suffix, optionally followed by ":" —
// or, as triagebot does for @rustbot, a mention of the bot anywhere in a line
// followed by one of the verbs ("Thanks! @goalbot status"). A command runs to
// the end of its line or to the next mention of the bot on it; a mid-line
// one also ends with its sentence, and a no-argument verb there ignores the
// words after it. Every command is ordinary text of the comment: not inside a
// code block, code span, block quote, HTML block or comment, link or table.
// botLogin may be empty (only "/goal" is recognised) and may carry "@" or
// "[bot]".
func Find(body, botLogin string) []Command {
	src := normalize(body)
	login := loginName(botLogin)
	lines := splitLines(src)
	var cands []candidate
	for i, ln := range lines {
		line := src[ln.start:ln.end]
		trimmed := strings.TrimLeft(line, " \t")
		lead := len(line) - len(trimmed)
		mentions := findMentions(line, login, lead)
		end := func(at int) int { // where the command starting at at stops
			for _, m := range mentions {
				if m > at {
					return m
				}
			}
			return len(line)
		}
		if rest, ok := matchPrefix(trimmed, login); ok {
			stop := end(lead)
			rest = rest[:len(rest)-(len(line)-stop)]
			cands = append(cands, candidate{line: i + 1, off: ln.start + lead, text: line[lead:stop], rest: rest})
		}
		for _, m := range mentions {
			if m == lead {
				continue // the line-start form, above
			}
			seg := line[m:end(m)]
			rest, ok := matchPrefix(seg, login)
			if !ok {
				continue
			}
			pre := len(seg) - len(rest) // "@goalbot" and its ":"
			rest = rest[:sentenceEnd(rest)]
			if !knownVerb(rest) {
				continue // prose that mentions the bot: "I asked @goalbot about it"
			}
			text := seg[:pre+len(rest)]
			cands = append(cands, candidate{line: i + 1, off: ln.start + m, text: text, rest: rest, midLine: true})
		}
	}
	if len(cands) == 0 {
		return nil // most comments: skip the markdown parse
	}
	offs := make(map[int]bool, len(cands))
	var inside []int
	for _, c := range cands {
		if c.midLine {
			inside = append(inside, c.off)
		} else {
			offs[c.off] = true
		}
	}
	visible := visibleStarts([]byte(src), offs, inside)
	var cmds []Command
	for _, c := range cands {
		if !visible[c.off] {
			continue
		}
		cmds = append(cmds, c.command())
	}
	return cmds
}

// candidate is a line that looks like a command before the markdown check.
type candidate struct {
	line int
	off  int    // byte offset of the prefix in the normalised body
	text string // the line from the prefix on
	rest string // the text after the prefix (and its ":")

	midLine bool // a mention after other text on the line
}

func (c candidate) command() Command {
	raw := strings.TrimRight(c.text, " \t")
	cmd := Command{Line: c.line, Raw: raw}
	rest := strings.TrimRight(c.rest, " \t")
	// Columns in errors count from the start of Raw, so they point into
	// what the user sees on the line.
	col := utf8.RuneCountInString(raw[:len(raw)-len(rest)]) + 1
	toks, err := tokenize(rest, col)
	if err != nil {
		cmd.Err = err
	}
	if len(toks) > 0 {
		cmd.Verb = strings.ToLower(toks[0])
		if v := strings.TrimRight(cmd.Verb, ".,;:!?"); v != "" {
			cmd.Verb = v // "help." and "status?" read as meant
		}
	}
	if cmd.Verb == "" && err == nil {
		// Nothing, or only "", after the prefix.
		cmd.Err = invalidf("%q has no command after it; try %q", prefixOf(raw, rest), Prefix+" help")
	}
	if len(toks) > 1 {
		cmd.Args = toks[1:]
	}
	if c.midLine && cmd.Err == nil && noArgs(cmd.Verb) {
		// "Thanks! @goalbot status for this one": the verb takes no
		// arguments, so the words after it are the sentence going on.
		cmd.Args = nil
	}
	return cmd
}

// findMentions returns the byte offsets in line of every "@login" that
// starts a word (the line's start, or after a character that cannot be part
// of a login, an e-mail address or a path) and ends one (matchPrefix).
// lead is where the line's text starts after its indentation.
func findMentions(line, login string, lead int) []int {
	if login == "" {
		return nil
	}
	var out []int
	for i := 0; i < len(line); {
		j := strings.IndexByte(line[i:], '@')
		if j < 0 {
			break
		}
		at := i + j
		i = at + 1
		if at > lead {
			r, _ := utf8.DecodeLastRuneInString(line[:at])
			if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_-./@\\`", r) {
				continue
			}
		}
		if _, ok := matchPrefix(line[at:], login); ok {
			out = append(out, at)
		}
	}
	return out
}

// sentenceEnd returns where the sentence that rest starts ends: before the
// first ".", "!", "?" or ";" that is followed by white space or the end, or
// before a ")" closing a parenthesis opened before the mention, and is not
// inside a double-quoted title.
func sentenceEnd(rest string) int {
	quoted := false
	depth := 0
	for i, r := range rest {
		switch r {
		case '(':
			if !quoted {
				depth++
			}
		case ')':
			if !quoted {
				if depth == 0 {
					return i
				}
				depth--
			}
		case '"':
			quoted = !quoted
		case '“', '„':
			quoted = !(quoted && r == '“') // „…“ closes with “
		case '”':
			quoted = false
		case '.', '!', '?', ';':
			if quoted {
				continue
			}
			next, _ := utf8.DecodeRuneInString(rest[i+1:])
			if i+1 == len(rest) || unicode.IsSpace(next) {
				return i
			}
		}
	}
	return len(rest)
}

// knownVerb reports whether the first word of rest is one of the verbs (as
// Find reads it: any case, trailing punctuation dropped).
func knownVerb(rest string) bool {
	f := strings.Fields(rest)
	if len(f) == 0 {
		return false
	}
	w := strings.TrimRight(strings.ToLower(f[0]), ".,;:!?")
	for _, v := range verbs {
		if v.name == w {
			return true
		}
	}
	return false
}

// noArgs reports whether verb takes no arguments.
func noArgs(verb string) bool {
	return verb == VerbStatus || verb == VerbRefresh || verb == VerbHelp
}

// prefixOf returns the part of raw before rest (the "/goal" or "@login:").
func prefixOf(raw, rest string) string {
	return strings.TrimRight(raw[:len(raw)-len(rest)], " \t")
}

// normalize turns CRLF and lone CR line breaks into LF, the way GitHub
// renders them, so that line numbers and offsets agree with the parse.
func normalize(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// loginName returns the lower-case App slug of a bot login: "@GoalBot[bot]"
// becomes "goalbot".
func loginName(login string) string {
	login = strings.ToLower(strings.TrimSpace(login))
	login = strings.TrimPrefix(login, "@")
	return strings.TrimSuffix(login, "[bot]")
}

type span struct{ start, end int }

// splitLines returns the byte span of each line of s, without its "\n".
func splitLines(s string) []span {
	var out []span
	start := 0
	for {
		i := strings.IndexByte(s[start:], '\n')
		if i < 0 {
			return append(out, span{start, len(s)})
		}
		out = append(out, span{start, start + i})
		start += i + 1
	}
}

// matchPrefix reports whether line starts with a command prefix and returns
// the text after it. "/goal" must be followed by white space or the end of
// the line; "@login" (any case, optional "[bot]") by white space, ":" or the
// end.
func matchPrefix(line, login string) (string, bool) {
	if rest, ok := strings.CutPrefix(line, Prefix); ok {
		return rest, startsWord(rest)
	}
	if login == "" || len(line) < 1+len(login) || line[0] != '@' || !strings.EqualFold(line[1:1+len(login)], login) {
		return "", false
	}
	rest := line[1+len(login):]
	if len(rest) >= 5 && strings.EqualFold(rest[:5], "[bot]") {
		rest = rest[5:]
	}
	// "@goalbot: x" and "@goalbot : x" (rfcbot-rs#225) are both commands.
	after := strings.TrimLeft(rest, " \t")
	if strings.HasPrefix(after, ":") {
		return after[1:], true
	}
	return rest, startsWord(rest)
}

// startsWord reports whether the text after a prefix ends the prefix word:
// it is empty or starts with white space (a no-break space from a phone
// keyboard counts).
func startsWord(rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || unicode.IsSpace(r)
}

// New returns the commands of cur that were not in prev, for edited comments:
// commands compare by verb and arguments (not by prefix form, spacing or line),
// counting multiplicity, so a command present twice in cur and once in prev
// is returned once (its later occurrence).
func New(prev, cur, botLogin string) []Command {
	seen := map[string]int{}
	for _, c := range Find(prev, botLogin) {
		seen[c.key()]++
	}
	var out []Command
	for _, c := range Find(cur, botLogin) {
		k := c.key()
		if seen[k] > 0 {
			seen[k]--
			continue
		}
		out = append(out, c)
	}
	return out
}

// key is the normalised text of c that New compares.
func (c Command) key() string {
	if c.Err != nil {
		// Malformed commands compare by their text after the prefix, so
		// an unchanged broken line is not answered twice.
		return "!" + strings.Join(strings.Fields(strings.ToLower(c.Raw)), " ")
	}
	// Words joined by one space: quoting a title that was unquoted (which
	// Parse reads the same) does not make a new command.
	return strings.Join(append([]string{c.Verb}, c.Args...), " ")
}

// invalidf returns a user-facing error about bad input: bot.ErrorMessage
// shows its message.
func invalidf(format string, args ...any) error {
	return bot.Errorf(bot.EINVALID, format, args...)
}
