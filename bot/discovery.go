package bot

import (
	"time"

	"github.com/goalbot/goalbot/bot/ref"
)

// Where a discovered item was found (Discovered.Source).
const (
	SourceDocument = "document" // the goal document outside its rows
	SourceBody     = "body"     // an issue or PR description referencing the tracking issue
	SourceComment  = "comment"  // a comment referencing the tracking issue
	SourceTimeline = "timeline" // a cross-referenced event of the tracking issue's timeline
	SourceUpdate   = "update"   // a link in an owner's comment on the tracking issue
)

// Discovered is an item discovery found for a goal, with where it was
// found and where placement put it. One item may be found by several
// sources; each is one Discovered.
type Discovered struct {
	Goal   string
	Item   ref.Ref
	Source string // SourceDocument, …
	Via    string // what held the reference, e.g. "rust-lang/rust#123720" or a comment URL; "" for the document
	Named  string // the subgoal the referencing text names, as written; "" when none
	// Placement, as last computed for the goal: the subgoal's id ("" when
	// related, not placed), the rule that placed it and whether goalbot
	// (not a person) placed it.
	Subgoal string
	Rule    string
	Auto    bool
	FoundAt time.Time
}

// Untracked records that a person removed an item from a goal with
// /goal untrack, so that discovery never adds it back.
type Untracked struct {
	Goal string
	Item ref.Ref
	By   string
	At   time.Time
}

// DiscoveredPlacement is where placement put one discovered item of a goal,
// as the store records it.
type DiscoveredPlacement struct {
	Item    ref.Ref
	Subgoal string // "" when related, not placed
	Rule    string
	Auto    bool
}

// CrossReference is a cross-referenced event of an issue's timeline: the
// issue or pull request Source mentioned it, in its description or a
// comment.
type CrossReference struct {
	Source    Issue     // the mentioning item as the event carries it (title, body, state, author)
	Actor     string    // who wrote the mention
	ActorType string    // "User" or "Bot"
	At        time.Time // when the mention was made
}
