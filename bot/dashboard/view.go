package dashboard

import "time"

// The view model: plain values the pages and the JSON API render. JSON
// names are snake_case; lists are never nil so they encode as [], and
// optional objects are left out rather than null.

// ItemRef is a GitHub issue or pull request as the dashboard links it.
type ItemRef struct {
	Ref    string `json:"ref"` // owner/repo#N
	URL    string `json:"url"` // https://github.com/owner/repo/issues/N or /pull/N
	Title  string `json:"title"`
	IsPull bool   `json:"is_pull"`
}

// Reviewer is one review box of an FCP proposal.
type Reviewer struct {
	Login  string `json:"login"`
	Ticked bool   `json:"ticked"`
}

// Concern is a concern raised on an FCP or an MCP.
type Concern struct {
	Name        string `json:"name"`
	Resolved    bool   `json:"resolved"`
	By          string `json:"by,omitempty"`
	URL         string `json:"url"`                    // the comment that raised it, else the item
	ResolvedURL string `json:"resolved_url,omitempty"` // the comment that resolved it
}

// Decision is the FCP (rfcbot) or MCP (triagebot) running on an item.
type Decision struct {
	Kind        string     `json:"kind"`  // "fcp" or "mcp"
	Phase       string     `json:"phase"` // fcp: proposed, active, finished, cancelled; mcp: proposed, seconded, blocked, accepted, closed
	Disposition string     `json:"disposition,omitempty"`
	Initiator   string     `json:"initiator,omitempty"`
	SecondedBy  string     `json:"seconded_by,omitempty"`
	StatusURL   string     `json:"status_url"` // rfcbot's status comment, else the item
	Detail      string     `json:"detail"`     // "merge, 5/8 reviewed, 1 concern"
	Reviewers   []Reviewer `json:"reviewers"`
	Pending     []string   `json:"pending"`
	Ticked      int        `json:"ticked"`
	Concerns    []Concern  `json:"concerns"`
	Start       time.Time  `json:"start,omitzero"`
	End         time.Time  `json:"end,omitzero"`
}

// Unresolved returns the decision's open concerns.
func (d *Decision) Unresolved() []Concern {
	out := []Concern{}
	for _, c := range d.Concerns {
		if !c.Resolved {
			out = append(out, c)
		}
	}
	return out
}

// GoalRef names the goal and subgoal an item belongs to.
type GoalRef struct {
	Goal         string `json:"goal"`
	GoalTitle    string `json:"goal_title"`
	Subgoal      string `json:"subgoal"`
	SubgoalTitle string `json:"subgoal_title"`
}

// StatusCount is how many subgoals of a goal have one status.
type StatusCount struct {
	Status  string  `json:"status"`
	Count   int     `json:"count"`
	Percent float64 `json:"percent"`
}

// GoalSummary is one goal on the goals page.
type GoalSummary struct {
	ID             string        `json:"id"`
	Title          string        `json:"title"`
	Period         string        `json:"period"`
	Teams          []string      `json:"teams"`
	DocStatus      string        `json:"doc_status"` // the document's Status row
	TrackingIssue  *ItemRef      `json:"tracking_issue,omitempty"`
	PointOfContact []string      `json:"point_of_contact"`
	Subgoals       int           `json:"subgoals"` // leaf subgoals counted in Progress
	Progress       []StatusCount `json:"progress"` // in status order
	LastChange     time.Time     `json:"last_change,omitzero"`
}

// GoalList is the goals page.
type GoalList struct {
	Period  string        `json:"period"` // the filter in force, "" for all
	Team    string        `json:"team"`
	Periods []string      `json:"periods"` // every period known, for the filter
	AllTeam []string      `json:"teams"`   // every team known, for the filter
	Goals   []GoalSummary `json:"goals"`
}

// Transition is one status change of a subgoal.
type Transition struct {
	At           time.Time `json:"at"`
	Goal         string    `json:"goal"`
	Subgoal      string    `json:"subgoal"`
	SubgoalTitle string    `json:"subgoal_title"`
	From         string    `json:"from"`
	To           string    `json:"to"`
	Detail       string    `json:"detail"`
	Item         *ItemRef  `json:"item,omitempty"` // the item whose change caused it
	Cause        string    `json:"cause"`          // "webhook", "sync or command"
}

// ItemView is an item linked to a subgoal.
type ItemView struct {
	ItemRef
	Kind     string    `json:"kind"`
	State    string    `json:"state"` // open, closed, merged, "" when not read yet
	Origin   string    `json:"origin"`
	Gone     bool      `json:"gone"`
	Decision *Decision `json:"decision,omitempty"`
}

// SubgoalView is one node of a goal's subgoal tree.
type SubgoalView struct {
	ID        string        `json:"id"`
	Title     string        `json:"title"`
	Line      int           `json:"line"`
	Depth     int           `json:"depth"`
	Owners    []string      `json:"owners"`
	Status    string        `json:"status"`
	Detail    string        `json:"detail"`
	Since     time.Time     `json:"since,omitzero"`
	DocStatus string        `json:"doc_status"` // what the document says, "" when nothing
	Disagree  bool          `json:"disagree"`   // the document and the items disagree
	Items     []ItemView    `json:"items"`
	History   []Transition  `json:"history"` // newest first
	Children  []SubgoalView `json:"children"`
}

// GoalDetail is the page of one goal.
type GoalDetail struct {
	GoalSummary
	Source   string        `json:"-"`
	Subgoals []SubgoalView `json:"subgoal_tree"`
}

// FCPEntry is one decision in the FCP lists.
type FCPEntry struct {
	Item  ItemRef   `json:"item"`
	Teams []string  `json:"teams"`
	Goals []GoalRef `json:"goals"`
	Decision
}

// TeamProposals are the open proposals labelled with one team.
type TeamProposals struct {
	Team      string     `json:"team"` // "lang" for T-lang; "" for none
	Proposals []FCPEntry `json:"proposals"`
}

// FCPList is the FCP page.
type FCPList struct {
	Team             string          `json:"team"`              // filter in force
	BlockedOnOthers  string          `json:"blocked_on_others"` // filter: proposals this login reviewed that wait on others
	Proposals        []TeamProposals `json:"proposals"`         // not yet in FCP, grouped by team label
	InProgress       []FCPEntry      `json:"in_progress"`       // in FCP (or MCPs seconded), by end date
	RecentlyFinished []FCPEntry      `json:"recently_finished"` // ended in the last 30 days, newest first
	Teams            []string        `json:"teams"`             // every team label seen, for the filter
}

// OwnedSubgoal is a subgoal a person owns.
type OwnedSubgoal struct {
	GoalRef
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// RaisedConcern is an unresolved concern a person raised.
type RaisedConcern struct {
	Item    ItemRef `json:"item"`
	Kind    string  `json:"kind"`
	Concern Concern `json:"concern"`
}

// Person is what one login owes and owns.
type Person struct {
	Login           string          `json:"login"`
	ReviewRequests  []FCPEntry      `json:"review_requests"`   // proposals and FCPs with this person's box unticked
	BlockedOnOthers []FCPEntry      `json:"blocked_on_others"` // proposals they reviewed that wait on others
	PastReviews     []FCPEntry      `json:"past_reviews"`      // finished or cancelled FCPs they were asked to review
	Concerns        []RaisedConcern `json:"concerns"`          // unresolved concerns they raised
	Goals           []GoalSummary   `json:"goals"`             // goals they are point of contact or owner of
	Subgoals        []OwnedSubgoal  `json:"subgoals"`
}

// TickedBy reports whether login's box on e is ticked (false when login is
// not a reviewer).
func (e FCPEntry) TickedBy(login string) bool {
	for _, r := range e.Reviewers {
		if equalLogin(r.Login, login) {
			return r.Ticked
		}
	}
	return false
}
