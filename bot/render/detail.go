package render

import "time"

// ItemDetail is what a dashboard shows of an item beside its link: its
// kind and state and the decision in progress. The living comment does
// not print it; core.View fills it so one view serves both.
type ItemDetail struct {
	Kind, State string
	FCPPhase    string    // "none" when no rfcbot FCP
	Disposition string    // merge, close, postpone
	FCPEnd      time.Time // end of the FCP's ten days, zero when unknown
	Reviewers   []string  // every reviewer asked
	Pending     []string  // reviewers who have not ticked
	MCPPhase    string    // "none" when no MCP
	MCPEnd      time.Time
	Concerns    []ItemConcern // unresolved (FCP or MCP)
}

// ItemConcern is one unresolved concern on an item.
type ItemConcern struct {
	Name, By, URL string
}
