package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goalbot/goalbot/bot/render"
	"github.com/goalbot/goalbot/bot/tracker"
	"github.com/goalbot/goalbot/store"
	"github.com/rs/zerolog"
)

func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	var goal, explain *string
	var asJSON *bool
	cfg, err := configCommand("status", args, getenv, func(fs *flag.FlagSet) {
		goal = fs.String("goal", "", "only this goal (`ID` or period/id)")
		asJSON = fs.Bool("json", false, "print JSON")
		explain = fs.String("explain", "", "show which comment or label set the state of this item (owner/repo#N)")
	})
	if err != nil {
		return err
	}
	db, err := store.OpenExisting(ctx, cfg.DatabaseURL.Value())
	if err != nil {
		return err
	}
	defer db.Close()
	t := tracker.New(tracker.Config{Store: db, Log: zerolog.Nop(), Settings: cfg})
	if *explain != "" {
		ex, err := explainItem(ctx, t, db, *explain)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(stdout, ex)
		}
		writeExplanation(stdout, ex)
		return nil
	}
	views, err := statusViews(ctx, t, db, *goal)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, newStatusJSON(views))
	}
	writeStatusText(stdout, views)
	return nil
}

// statusViews returns the views of every goal, or of the one matching id
// (exactly, or by its file name without the period).
func statusViews(ctx context.Context, t *tracker.Tracker, db *store.DB, id string) ([]render.GoalView, error) {
	goals, err := db.Goals(ctx)
	if err != nil {
		return nil, err
	}
	var views []render.GoalView
	for _, g := range goals {
		if id != "" && g.ID != id && !strings.HasSuffix(g.ID, "/"+id) {
			continue
		}
		v, err := t.View(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		views = append(views, v)
	}
	if id != "" && len(views) == 0 {
		return nil, usagef("no goal %q in the store; goalbot status lists the goals it knows", id)
	}
	return views, nil
}

func writeStatusText(w io.Writer, views []render.GoalView) {
	for i, v := range views {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s — %s", v.ID, v.Title)
		if !v.TrackingIssue.IsZero() {
			fmt.Fprintf(w, " (%s)", v.TrackingIssue)
		}
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  SUBGOAL\tITEMS\tSTATUS\tSINCE")
		for _, r := range v.Rows {
			var items []string
			for _, it := range r.Items {
				items = append(items, it.Ref.String())
			}
			st := string(r.Status)
			if r.Detail != "" {
				st += ": " + r.Detail
			}
			if r.Disagree && r.DocStatus != "" {
				st += " (document: " + string(r.DocStatus) + ")"
			}
			since := ""
			if !r.Since.IsZero() {
				since = r.Since.Format(time.DateOnly)
			}
			fmt.Fprintf(tw, "  %s%s\t%s\t%s\t%s\n", strings.Repeat("  ", r.Depth), trim(r.Subgoal, 60), strings.Join(items, " "), st, since)
		}
		tw.Flush()
	}
}

func trim(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
