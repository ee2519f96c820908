package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/goalbot/goalbot/bot/render"
)

// Every --json output follows one style (DESIGN §4): snake_case keys, []
// (never null) for lists, "" for an absent string, RFC 3339 times in UTC.
// The types here are the output schema; they are built from the domain's
// views on purpose, so that renaming a Go field or a stored column never
// changes what scripts read.

// writeJSON writes v indented, without HTML escaping (titles hold < and &).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// statusJSON is `goalbot status --json`.
type statusJSON struct {
	Goals []goalStatusJSON `json:"goals"`
}

// goalStatusJSON is one goal with its subgoal rows.
type goalStatusJSON struct {
	ID            string              `json:"id"`
	Title         string              `json:"title"`
	TrackingIssue string              `json:"tracking_issue"` // owner/repo#N or ""
	Source        string              `json:"source"`         // revision of the goal document
	Subgoals      []subgoalStatusJSON `json:"subgoals"`
}

// subgoalStatusJSON is one subgoal row, in document order; depth says how
// it nests (0 top level, 1 a ↳ child or a row under a heading, …).
type subgoalStatusJSON struct {
	ID             string     `json:"id"`
	Title          string     `json:"title"`
	Line           int        `json:"line"`
	Depth          int        `json:"depth"`
	Status         string     `json:"status"`
	Detail         string     `json:"detail"`
	DocumentStatus string     `json:"document_status"` // what the document says, "" when nothing
	Disagree       bool       `json:"disagree"`
	Since          string     `json:"since"` // last transition, "" when unknown
	Items          []itemJSON `json:"items"`
}

// itemJSON is one GitHub item a subgoal depends on.
type itemJSON struct {
	Ref   string `json:"ref"` // owner/repo#N
	URL   string `json:"url"`
	Title string `json:"title"`
	Kind  string `json:"kind"` // "pull_request" or "issue"
}

// newStatusJSON converts the tracker's views to the output schema.
func newStatusJSON(views []render.GoalView) statusJSON {
	out := statusJSON{Goals: []goalStatusJSON{}}
	for _, v := range views {
		g := goalStatusJSON{ID: v.ID, Title: v.Title, Source: v.Source, Subgoals: []subgoalStatusJSON{}}
		if !v.TrackingIssue.IsZero() {
			g.TrackingIssue = v.TrackingIssue.String()
		}
		for _, r := range v.Rows {
			s := subgoalStatusJSON{
				ID: r.SubgoalID, Title: r.Subgoal, Line: r.Line, Depth: r.Depth,
				Status: string(r.Status), Detail: r.Detail, DocumentStatus: string(r.DocStatus),
				Disagree: r.Disagree, Items: []itemJSON{},
			}
			if !r.Since.IsZero() {
				s.Since = r.Since.UTC().Format(time.RFC3339)
			}
			for _, it := range r.Items {
				kind := "issue"
				if it.IsPull {
					kind = "pull_request"
				}
				s.Items = append(s.Items, itemJSON{Ref: it.Ref.String(), URL: it.Ref.URL(), Title: it.Title, Kind: kind})
			}
			g.Subgoals = append(g.Subgoals, s)
		}
		out.Goals = append(out.Goals, g)
	}
	return out
}
