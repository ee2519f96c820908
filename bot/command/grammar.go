package command

import (
	"fmt"
	"github.com/goalbot/goalbot/bot/spell"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/ref"
)

// Verbs.
const (
	VerbTrack   = "track"   // link this item to a goal's subgoal
	VerbUntrack = "untrack" // remove the link
	VerbStatus  = "status"  // reply with this item's goals and statuses
	VerbRefresh = "refresh" // re-read this item (or all items of a tracking issue)
	VerbHelp    = "help"    // list commands
)

// verbs lists the grammar in the order Help prints it.
var verbs = []struct{ name, usage, what string }{
	{VerbTrack, "/goal track <tracking-issue> [<subgoal>]", "link this item to a goal's subgoal"},
	{VerbUntrack, "/goal untrack [<tracking-issue>]", "remove the link (to every goal when no tracking issue is given)"},
	{VerbStatus, "/goal status", "reply with this item's goals, FCP state and statuses"},
	{VerbRefresh, "/goal refresh", "re-read this item (on a tracking issue: all its items)"},
	{VerbHelp, "/goal help", "list these commands"},
}

// Parsed is a command that passed the grammar.
type Parsed struct {
	Verb    string  // one of the Verb constants
	Issue   ref.Ref // the tracking issue of track and untrack; zero when untrack names none
	Subgoal string  // track's subgoal as written (id, line number or title); "" when none
}

// UnknownVerbError is a command whose verb is not in the grammar. It carries
// the closest verb, if any is close, and the help text for the reply.
type UnknownVerbError struct {
	Verb       string // as written, lower-cased
	Suggestion string // the closest verb by edit distance, "" when none is close
	Help       string // Help()
}

func (e *UnknownVerbError) Error() string {
	if e.Suggestion != "" {
		return fmt.Sprintf("unknown command %q; did you mean `%s %s`?", e.Verb, Prefix, e.Suggestion)
	}
	return fmt.Sprintf("unknown command %q; `%s help` lists the commands", e.Verb, Prefix)
}

// Unwrap makes the error a bot.EINVALID, so bot.ErrorMessage shows it.
func (e *UnknownVerbError) Unwrap() error {
	return &bot.Error{Code: bot.EINVALID, Message: e.Error()}
}

// Parse checks a found command against the grammar. base is the issue or
// pull request the comment is on; "#N" resolves against its repository.
// Errors are bot.EINVALID with a message that says what to type instead;
// an unknown verb is an *UnknownVerbError.
func Parse(c Command, base ref.Ref) (Parsed, error) {
	if c.Err != nil {
		return Parsed{}, c.Err
	}
	args := c.Args
	switch c.Verb {
	case VerbTrack:
		if len(args) == 0 {
			return Parsed{}, invalidf("`track` needs a tracking issue: `%s`, for example `/goal track rust-lang/goals#105 \"approve RFC\"`", usage(VerbTrack))
		}
		r, err := ref.Parse(args[0], base)
		if err != nil {
			return Parsed{}, invalidf("`track`: %s", err)
		}
		// Unquoted words after the issue make up the title, so
		// `/goal track #105 approve RFC` needs no quotes.
		return Parsed{Verb: VerbTrack, Issue: r, Subgoal: strings.Join(args[1:], " ")}, nil
	case VerbUntrack:
		switch len(args) {
		case 0:
			return Parsed{Verb: VerbUntrack}, nil
		case 1:
			r, err := ref.Parse(args[0], base)
			if err != nil {
				return Parsed{}, invalidf("`untrack`: %s", err)
			}
			return Parsed{Verb: VerbUntrack, Issue: r}, nil
		}
		return Parsed{}, invalidf("`untrack` takes at most one tracking issue, got %d arguments (%s); write `%s`", len(args), quoteAll(args), usage(VerbUntrack))
	case VerbStatus, VerbRefresh, VerbHelp:
		if len(args) > 0 {
			return Parsed{}, invalidf("`%s` takes no arguments, got %s; write `%s`", c.Verb, quoteAll(args), usage(c.Verb))
		}
		return Parsed{Verb: c.Verb}, nil
	}
	return Parsed{}, &UnknownVerbError{Verb: c.Verb, Suggestion: closestVerb(c.Verb), Help: Help()}
}

// usage returns the synopsis of verb.
func usage(verb string) string {
	for _, v := range verbs {
		if v.name == verb {
			return v.usage
		}
	}
	return ""
}

// quoteAll returns args as a comma-separated list of quoted strings.
func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return strings.Join(q, ", ")
}

// closestVerb returns the verb nearest to w by edit distance, or "" when
// none is within a third of the longer word (at least 1, so "stats" finds
// "status" but "frobnicate" finds nothing).
func closestVerb(w string) string {
	best, bestD := "", -1
	for _, v := range verbs {
		d := spell.Distance(w, v.name)
		if limit := max(1, max(len([]rune(w)), len(v.name))/3); d > limit {
			continue
		}
		if bestD < 0 || d < bestD {
			best, bestD = v.name, d
		}
	}
	return best
}

// Help returns the help text: the commands and what they do, in markdown,
// with no @-mentions so that posting it pings nobody.
func Help() string {
	var b strings.Builder
	b.WriteString("goalbot commands (`/goal` at the start of a line, or a mention of the bot anywhere in a line; outside code blocks and quotes):\n\n")
	for _, v := range verbs {
		fmt.Fprintf(&b, "- `%s`: %s\n", v.usage, v.what)
	}
	b.WriteString("\n`<tracking-issue>` is `owner/repo#N`, `#N` (this repository) or an issue URL. ")
	b.WriteString("`<subgoal>` is the subgoal's id, its line number in the goal document, or its title (quote it, or give enough of its start to be unique).\n")
	return b.String()
}
