package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/tracker"
	"github.com/goalbot/goalbot/store"
)

// itemExplanation is what `goalbot status --explain ITEM` prints: the item,
// the rows it counts for, and which comment or label set each part of its
// state (DESIGN §4).
type itemExplanation struct {
	Item   string            `json:"item"`
	Title  string            `json:"title"`
	Kind   string            `json:"kind"`
	State  string            `json:"state"`
	Labels []string          `json:"labels"`
	Rows   []explainedRow    `json:"rows"`
	Parts  []fcp.Explanation `json:"parts"`
}

type explainedRow struct {
	Goal    string `json:"goal"`
	Subgoal string `json:"subgoal"`
	Status  string `json:"status"`
}

// explainItem gathers the explanation of the item named by arg.
func explainItem(ctx context.Context, t *tracker.Tracker, db *store.DB, arg string) (itemExplanation, error) {
	r, err := ref.Parse(arg, ref.Ref{})
	if err != nil {
		return itemExplanation{}, usagef("--explain %q: %v; write owner/repo#N or an issue URL", arg, err)
	}
	it, err := db.Item(ctx, r)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return itemExplanation{}, usagef("goalbot does not follow %s; goalbot status lists the goals and their items", r)
		}
		return itemExplanation{}, fmt.Errorf("read item %s: %w", r, err)
	}
	s, m := it.FCP, it.MCP
	if s.Phase == "" {
		s.Phase = fcp.PhaseNone
	}
	if m.Phase == "" {
		m.Phase = fcp.MCPNone
	}
	ex := itemExplanation{Item: r.String(), Title: it.Title, Kind: it.Kind, State: it.State, Labels: it.Labels, Parts: fcp.Explain(s, m)}
	links, err := db.LinksToItem(ctx, r)
	if err != nil {
		return itemExplanation{}, fmt.Errorf("links of %s: %w", r, err)
	}
	done := map[string]bool{}
	for _, l := range links {
		if done[l.Goal] {
			continue
		}
		done[l.Goal] = true
		v, err := t.View(ctx, l.Goal)
		if err != nil {
			return itemExplanation{}, fmt.Errorf("view of goal %s: %w", l.Goal, err)
		}
		for _, row := range v.Rows {
			for _, il := range row.Items {
				if il.Ref == r {
					ex.Rows = append(ex.Rows, explainedRow{Goal: l.Goal, Subgoal: row.Subgoal, Status: rowText(row)})
				}
			}
		}
	}
	return ex, nil
}

func rowText(r render.Row) string {
	if r.Detail == "" {
		return string(r.Status)
	}
	return string(r.Status) + ": " + r.Detail
}

// writeExplanation prints ex for a person.
func writeExplanation(w io.Writer, ex itemExplanation) {
	fmt.Fprintf(w, "%s — %s\n", ex.Item, ex.Title)
	fmt.Fprintf(w, "  kind %s, %s; labels: %s\n", ex.Kind, ex.State, orDash(strings.Join(ex.Labels, ", ")))
	for _, r := range ex.Rows {
		fmt.Fprintf(w, "  row %s / %s: %s\n", r.Goal, r.Subgoal, r.Status)
	}
	if len(ex.Parts) == 0 {
		fmt.Fprintln(w, "  no FCP or MCP state: the status comes from the item's kind, state and labels")
	}
	for _, p := range ex.Parts {
		fmt.Fprintf(w, "  %s: %s\n", p.Part, p.Value)
		if p.By != nil {
			fmt.Fprintf(w, "    set by %s\n", p.By)
		} else {
			fmt.Fprintln(w, "    set by: unknown")
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
