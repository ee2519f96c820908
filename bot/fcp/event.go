package fcp

import (
	"strings"
	"time"
)

// Kind says what an Event is.
type Kind string

// Event kinds. The rfcbot ones move the FCP state, the triagebot ones the
// MCP state; label and closed events move both.
const (
	KindProposal  Kind = "proposal"   // rfcbot status comment (created or edited)
	KindStart     Kind = "start"      // rfcbot ":bell: … entering its final comment period"
	KindComplete  Kind = "complete"   // rfcbot "… is now complete"
	KindCancel    Kind = "cancel"     // rfcbot "@x proposal cancelled."
	KindLabelNote Kind = "label-note" // rfcbot "psst … I wasn't able to add the … label" on its own
	KindCommand   Kind = "command"    // a human's @rfcbot / @rustbot command lines (informational)
	KindLabel     Kind = "label"      // a label added or removed
	KindClosed    Kind = "closed"     // the item was closed (Closed) or reopened (!Closed)

	KindMCPOpened   Kind = "mcp-opened"   // triagebot's opening comment on a new major change
	KindMCPAccepted Kind = "mcp-accepted" // triagebot's "this major change is now accepted"
	KindMCPConcerns Kind = "mcp-concerns" // triagebot's concern section of the issue body
)

// Comment is an issue or pull-request comment as the caller read it.
type Comment struct {
	ID        int64
	Author    string
	Body      string
	URL       string
	CreatedAt time.Time
	UpdatedAt time.Time
	Edited    bool // the delivery was an edit (webhook action "edited"); informational: CreatedAt and UpdatedAt decide
}

// LabelEvent is one label added to or removed from an item.
type LabelEvent struct {
	Label string    `json:"label"`
	Added bool      `json:"added"`
	At    time.Time `json:"at"`
}

// Command is one command line a human addressed to rfcbot or triagebot.
type Command struct {
	Bot  string `json:"bot"`           // "rfcbot" or "rustbot"
	Verb string `json:"verb"`          // merge, close, postpone, cancel, reviewed, concern, resolve, second
	Arg  string `json:"arg,omitempty"` // concern name, team list
}

// Event is one thing that happened to an item, carrying its time. Only the
// fields of its Kind are set.
type Event struct {
	Kind    Kind      `json:"kind"`
	At      time.Time `json:"at"`                // when it happened; a comment: when it was posted (created_at)
	Created time.Time `json:"created,omitzero"`  // comments: when the comment was created (= At)
	Updated time.Time `json:"updated,omitzero"`  // comments: the version's updated_at (an edit's time)
	ID      int64     `json:"id,omitempty"`      // comments: the comment id
	URL     string    `json:"url,omitempty"`     // comments: the comment URL
	Author  string    `json:"author,omitempty"`  // comments: who wrote it
	Version string    `json:"version,omitempty"` // rfcbot text variant recognised (for tests and logs)

	Disposition Disposition `json:"disposition,omitempty"`
	Initiator   string      `json:"initiator,omitempty"` // proposer; for KindCancel the canceller
	Reviewers   []Reviewer  `json:"reviewers,omitempty"`
	Concerns    []Concern   `json:"concerns,omitempty"`
	// StatusCommentID is the status comment a :bell: or completion comment
	// links to ("as per the review above"), 0 when not given.
	StatusCommentID int64     `json:"status_comment_id,omitempty"`
	StatusURL       string    `json:"status_url,omitempty"`
	End             time.Time `json:"end,omitzero"`            // KindStart: an end the text gives
	Days            int       `json:"days,omitempty"`          // KindStart: FCP length configured for this repository or bot, 0 for rfcbot's
	MissingLabel    string    `json:"missing_label,omitempty"` // label rfcbot says it could not add
	Commands        []Command `json:"commands,omitempty"`

	Label  LabelEvent `json:"label,omitzero"`
	Closed bool       `json:"closed,omitempty"`
}

// NewLabelEvent returns the event for one label change.
func NewLabelEvent(label string, added bool, at time.Time) Event {
	return Event{Kind: KindLabel, At: at, Label: LabelEvent{Label: label, Added: added, At: at}}
}

// NewClosedEvent returns the event for the item being closed (closed true)
// or reopened (closed false).
func NewClosedEvent(closed bool, at time.Time) Event {
	return Event{Kind: KindClosed, At: at, Closed: closed}
}

// Default bot logins.
var (
	DefaultRFCBotAuthors    = []string{"rfcbot", "rust-rfcbot"}
	DefaultTriagebotAuthors = []string{"rustbot", "triagebot"}
)

// Parser recognises bot comments by their authors. The zero Parser uses
// DefaultRFCBotAuthors and DefaultTriagebotAuthors and rfcbot's FCP length.
type Parser struct {
	Authors          []string // logins whose comments are rfcbot's
	TriagebotAuthors []string // logins whose comments are triagebot's

	// Days is the FCP length configured per repository ("owner/repo") or
	// per bot login (keys lower case), for rfcbot-rs forks that run other
	// lengths (the Matrix spec process: 5). DefaultDays applies elsewhere;
	// 0 or 10 keep rfcbot's own history (one week before 2016-10-24).
	Days        map[string]int
	DefaultDays int
}

// ParseComment parses c with the default Parser.
func ParseComment(c Comment) (Event, bool) { return Parser{}.ParseComment(c) }

// ParseComment turns a comment into an event: an rfcbot status, start,
// completion, cancellation or label note from an rfcbot author, a triagebot
// MCP comment from a triagebot author, or a human's command lines from
// anyone else. It reports false when the comment is none of these.
//
// The event carries both of the comment's times: At (and Created) is when
// the comment was posted, which orders phases; Updated is when this
// version of it was written, which orders the reviewers and concerns an
// edited status comment shows. An edit never moves the phase.
func (p Parser) ParseComment(c Comment) (Event, bool) {
	author := strings.TrimSuffix(strings.ToLower(c.Author), "[bot]")
	rfcbots, triagebots := p.Authors, p.TriagebotAuthors
	if len(rfcbots) == 0 {
		rfcbots = DefaultRFCBotAuthors
	}
	if len(triagebots) == 0 {
		triagebots = DefaultTriagebotAuthors
	}
	var (
		e  Event
		ok bool
	)
	switch {
	case hasLabel(rfcbots, author):
		e, ok = parseRFCBot(c.Body)
	case hasLabel(triagebots, author):
		e, ok = parseTriagebot(c.Body)
	default:
		e, ok = parseCommands(c.Body)
	}
	if !ok {
		return Event{}, false
	}
	e.ID, e.URL, e.Author = c.ID, c.URL, c.Author
	e.Created, e.Updated = c.CreatedAt, c.UpdatedAt
	if e.Created.IsZero() {
		e.Created = c.UpdatedAt
	}
	if e.Updated.IsZero() || e.Updated.Before(e.Created) {
		e.Updated = e.Created
	}
	e.At = e.Created
	if e.Kind == KindStart {
		e.Days = p.days(c.URL, author)
	}
	return e, true
}

// days returns the FCP length configured for the repository of a comment
// URL or for its author, 0 for rfcbot's own.
func (p Parser) days(url, author string) int {
	if repo := repoOf(url); repo != "" {
		if d, ok := p.Days[repo]; ok {
			return d
		}
	}
	if d, ok := p.Days[author]; ok {
		return d
	}
	if p.DefaultDays == 10 {
		return 0
	}
	return p.DefaultDays
}

// repoOf returns "owner/repo" (lower case) of a GitHub issue, pull request
// or comment URL, "" when u is none.
func repoOf(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	parts := strings.SplitN(rest, "/", 4)
	if len(parts) < 3 || parts[1] == "" || parts[2] == "" {
		return ""
	}
	return strings.ToLower(parts[1] + "/" + parts[2])
}
