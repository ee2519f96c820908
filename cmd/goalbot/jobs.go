package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goalbot/goalbot/config"
	"github.com/goalbot/goalbot/store"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// failedStates are the states of jobs that failed for good.
var failedStates = []rivertype.JobState{rivertype.JobStateCancelled, rivertype.JobStateDiscarded}

// allStates lists every job state, for listing without --failed.
var allStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateCancelled, rivertype.JobStateCompleted,
	rivertype.JobStateDiscarded, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// jobFlags are the filters goalbot jobs and goalbot jobs retry share.
type jobFlags struct {
	failed *bool
	kind   *string
	limit  *int
}

func defineJobFlags(fs *flag.FlagSet) *jobFlags {
	return &jobFlags{
		failed: fs.Bool("failed", false, "only jobs that failed for good (cancelled, or out of attempts)"),
		kind:   fs.String("kind", "", "only jobs of these kinds, comma-separated (e.g. sync,render_status,process_delivery)"),
		limit:  fs.Int("limit", 100, "at most this many jobs, newest first"),
	}
}

// params turns the filters into River's list parameters.
func (f *jobFlags) params() *river.JobListParams {
	p := river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(max(*f.limit, 1))
	if *f.failed {
		p = p.States(failedStates...)
	} else {
		p = p.States(allStates...)
	}
	if *f.kind != "" {
		var kinds []string
		for k := range strings.SplitSeq(*f.kind, ",") {
			if k = strings.TrimSpace(k); k != "" {
				kinds = append(kinds, k)
			}
		}
		p = p.Kinds(kinds...)
	}
	return p
}

// cmdJobs lists background jobs with their errors (goalbot jobs [--failed]
// [--kind K]) or re-runs them (goalbot jobs retry ID|--failed). River keeps
// the errors; on SQLite its driver stores them as JSONB (SQLite's binary
// JSON), which the sqlite3 shell shows as bytes: read them here, or with
// json(errors) in SQL.
func cmdJobs(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	if len(args) > 0 && args[0] == "retry" {
		return cmdJobsRetry(ctx, args[1:], stdout, stderr, getenv)
	}
	var f *jobFlags
	var asJSON *bool
	cfg, err := configCommand("jobs", args, getenv, func(fs *flag.FlagSet) {
		f = defineJobFlags(fs)
		asJSON = fs.Bool("json", false, "print JSON")
	})
	if err != nil {
		return err
	}
	db, queue, err := openJobs(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := queue.JobList(ctx, f.params())
	if err != nil {
		return fmt.Errorf("list jobs: %w", err)
	}
	if *asJSON {
		return writeJobsJSON(stdout, res.Jobs)
	}
	writeJobs(stdout, res.Jobs)
	return nil
}

// cmdJobsRetry makes jobs available to run again now, with their attempts
// kept (River's JobRetry); a running goalbot serve works them.
func cmdJobsRetry(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) error {
	var f *jobFlags
	fs := newFlags("jobs retry")
	path := fs.String("config", "", "configuration file")
	f = defineJobFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var ids []int64
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return usagef("jobs retry: %q is not a job id; write goalbot jobs retry ID or goalbot jobs retry --failed", a)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 && !*f.failed {
		return usagef("jobs retry: name job ids or --failed; goalbot jobs --failed lists them")
	}
	if len(ids) > 0 && *f.failed {
		return usagef("jobs retry: name job ids or --failed, not both")
	}
	cfg, err := loadConfig(*path, getenv)
	if err != nil {
		return err
	}
	db, queue, err := openJobs(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if *f.failed {
		res, err := queue.JobList(ctx, f.params())
		if err != nil {
			return fmt.Errorf("list failed jobs: %w", err)
		}
		for _, j := range res.Jobs {
			ids = append(ids, j.ID)
		}
	}
	for _, id := range ids {
		j, err := queue.JobRetry(ctx, id)
		if err != nil {
			return fmt.Errorf("retry job %d: %w", id, err)
		}
		fmt.Fprintf(stdout, "job %d (%s) queued to run again\n", j.ID, j.Kind)
	}
	if len(ids) == 0 {
		fmt.Fprintln(stdout, "no failed jobs")
	}
	return nil
}

// openJobs opens the store with an insert-only job client: listing and
// retrying jobs needs neither GitHub credentials nor workers.
func openJobs(ctx context.Context, cfg *config.Config) (*store.DB, store.Queue, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL.Value())
	if err != nil {
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	q, err := db.NewQueue(&river.Config{})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, q, nil
}

// writeJobs prints one line per job and, indented under it, its last error.
func writeJobs(w io.Writer, jobs []*rivertype.JobRow) {
	if len(jobs) == 0 {
		fmt.Fprintln(w, "no jobs")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTATE\tATTEMPT\tWHEN\tARGS")
	for _, j := range jobs {
		when := j.CreatedAt
		if j.FinalizedAt != nil {
			when = *j.FinalizedAt
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d/%d\t%s\t%s\n", j.ID, j.Kind, j.State, j.Attempt, j.MaxAttempts,
			when.UTC().Format(time.RFC3339), oneLineJSON(j.EncodedArgs))
		if n := len(j.Errors); n > 0 {
			e := j.Errors[n-1]
			// Five tabs keep the columns aligned: the error sits under ARGS.
			fmt.Fprintf(tw, "\t\t\t\t\terror (attempt %d): %s\n", e.Attempt, errorText(e.Error))
		}
	}
	tw.Flush()
}

// jobJSON is one job in goalbot jobs --json.
type jobJSON struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	State       string          `json:"state"`
	Attempt     int             `json:"attempt"`
	MaxAttempts int             `json:"max_attempts"`
	Args        json.RawMessage `json:"args"`
	CreatedAt   time.Time       `json:"created_at"`
	FinalizedAt *time.Time      `json:"finalized_at"`
	Errors      []jobErrorJSON  `json:"errors"`
}

type jobErrorJSON struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Error   string    `json:"error"`
}

func writeJobsJSON(w io.Writer, jobs []*rivertype.JobRow) error {
	out := struct {
		Jobs []jobJSON `json:"jobs"`
	}{Jobs: []jobJSON{}}
	for _, j := range jobs {
		args := json.RawMessage(j.EncodedArgs)
		if !json.Valid(args) {
			args = json.RawMessage("{}")
		}
		jj := jobJSON{ID: j.ID, Kind: j.Kind, State: string(j.State), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
			Args: args, CreatedAt: j.CreatedAt.UTC(), FinalizedAt: j.FinalizedAt, Errors: []jobErrorJSON{}}
		for _, e := range j.Errors {
			jj.Errors = append(jj.Errors, jobErrorJSON{Attempt: e.Attempt, At: e.At.UTC(), Error: errorText(e.Error)})
		}
		out.Jobs = append(out.Jobs, jj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// errorText is a stored job error on one line, without the prefix River's
// cancel error adds.
func errorText(s string) string {
	s = strings.TrimPrefix(s, "JobCancelError: ")
	return strings.Join(strings.Fields(s), " ")
}

// oneLineJSON returns compact JSON on one line.
func oneLineJSON(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, _ := json.Marshal(v)
	return string(out)
}
