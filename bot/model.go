package bot

import (
	"time"

	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// Goal is a parsed goal document as goalbot tracks it.
type Goal struct {
	ID            string            // "period/name" (e.g. "2024h2/async") or "name" when no period is known
	Title         string            //
	Source        string            // where it was read: "dir:PATH" or "owner/repo@ref:path"
	Revision      string            // commit sha (repository sources) or content hash (directories)
	TrackingIssue ref.Ref           // zero when the goal has none yet
	Doc           *goaldoc.Document // the parsed document; never nil once stored; read-only (the store shares it)
	Notices       bool              // post transition notices for this goal
	UpdatedAt     time.Time
	StatusVersion int64 // grows whenever what the living comment shows may have changed
}

// Item kinds.
const (
	KindRFC   = "rfc"   // a pull request on rust-lang/rfcs
	KindMCP   = "mcp"   // a major change proposal issue (compiler-team and similar)
	KindACP   = "acp"   // a libs-team API change proposal
	KindPR    = "pr"    // any other pull request
	KindIssue = "issue" // any other issue
)

// Item states.
const (
	StateOpen   = "open"
	StateClosed = "closed"
	StateMerged = "merged"
)

// Item is a GitHub issue or pull request some subgoal depends on, with the
// state goalbot derived from webhooks and API reads.
type Item struct {
	Ref       ref.Ref
	Kind      string
	Title     string
	State     string
	IsPull    bool
	Labels    []string
	Author    string
	UpdatedAt time.Time // GitHub's updated_at of the newest state applied
	ETag      string    // of the last full read, for conditional requests
	FCP       fcp.State // rfcbot's FCP; Phase "none" (or "") when none
	MCP       fcp.MCP   // triagebot's MCP; Phase "none" (or "") when none
	Gone      bool      // GitHub answered 404/410: deleted or transferred
	FetchedAt time.Time // last time read from the API (zero: only webhooks)
	// CommentsSince is the newest comment updated_at of the last full
	// comment listing, and CommentsETag the ETag of the listing of the
	// comments updated since then: an edited comment changes neither the
	// issue's updated_at nor its ETag, so a refresh whose issue read
	// answers 304 asks this listing (free when 304) to notice edits.
	CommentsSince time.Time
	CommentsETag  string
}

// Link origins.
const (
	OriginDocument = "document" // a link in the subgoal's own table row
	OriginConfig   = "config"   // a [[goals.links]] entry
	OriginCommand  = "command"  // a /goal track command
	// OriginDiscovery is a placement discovery made (shown "(auto)"); the
	// tracker replaces these links whenever it places a goal's discovered
	// items again, and /goal untrack removes them for good.
	OriginDiscovery = "discovery"
)

// Link ties one subgoal of a goal to an item.
type Link struct {
	Goal    string
	Subgoal string // the subgoal's stable id
	Item    ref.Ref
	Origin  string
	By      string // who made it (commands), "" otherwise
	At      time.Time
}

// SubgoalStatus is the computed status of one subgoal.
type SubgoalStatus struct {
	Goal      string
	Subgoal   string
	Status    status.Status
	Detail    string
	DocStatus status.Status // what the document itself says, "" when nothing
	Disagree  bool          // the document and the items disagree
	// Provisional: computed while an item the subgoal rests on was not
	// read yet. A change from a provisional status is the subgoal's
	// baseline, not a transition.
	Provisional bool
	Since       time.Time
}

// Transition is one change of a subgoal's status.
type Transition struct {
	ID         int64
	Goal       string
	Subgoal    string
	Old, New   status.Status
	Detail     string
	At         time.Time
	DeliveryID string // the delivery that caused it, "" for syncs and commands
	Item       string // owner/repo#N of the item that moved, when one did
}

// StatusComment records the living status comment of one goal.
type StatusComment struct {
	Goal      string
	Issue     ref.Ref // the tracking issue it lives on
	CommentID int64   // 0 while claimed but not yet created
	BodyHash  string  // sha256 of the last body written
	// RenderedVersion is the goal's StatusVersion the last write showed.
	RenderedVersion int64
	UpdatedAt       time.Time
}

// Digest records the digest issue of one ISO week.
type Digest struct {
	Week   string // "2024-W36"
	Repo   string // owner/repo
	Number int    // issue number; 0 while being created
	Closed bool   // closed after the next week's digest
}
