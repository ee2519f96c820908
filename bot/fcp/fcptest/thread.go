// Package fcptest loads real rfcbot and triagebot threads kept as JSON
// timelines (bot/fcp/testdata/threads) and derives from them what goalbot
// would receive: the webhook deliveries in order, and the comment listing
// and label snapshot a rebuild reads at any point. It is pure and used by
// the fcp property test and the replay end-to-end test.
package fcptest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Thread is one item's history as GitHub showed it.
type Thread struct {
	Source string    `json:"source"` // the item's URL
	Item   string    `json:"item"`   // owner/repo#N
	Kind   string    `json:"kind"`   // rfc, mcp, pr, issue
	Pull   bool      `json:"pull"`   // a pull request
	Title  string    `json:"title"`
	Author string    `json:"author"`
	Opened time.Time `json:"opened_at"`
	Labels []string  `json:"labels"` // labels when opened
	Note   string    `json:"note"`   // how the timeline was assembled
	Events []Event   `json:"events"`

	Name string `json:"-"` // file name without .json
}

// Event types.
const (
	Comment   = "comment"   // a comment posted (ID, Author, Body, At = created_at)
	Edit      = "edit"      // a comment edited (ID, Body, At = updated_at)
	Labeled   = "labeled"   // a label added (Label, At)
	Unlabeled = "unlabeled" // a label removed (Label, At)
	Closed    = "closed"    // the item closed (At)
	Reopened  = "reopened"  // the item reopened (At)
	Merged    = "merged"    // the pull request merged, which closes it (At)
)

// Event is one thing that happened, with the row goalbot should show once
// it has seen every event up to this one.
type Event struct {
	Type   string    `json:"type"`
	At     time.Time `json:"at"`
	ID     int64     `json:"id,omitempty"`
	Author string    `json:"author,omitempty"`
	Body   string    `json:"body,omitempty"`
	Label  string    `json:"label,omitempty"`
	// Source is where this text was read when it is not the thread's
	// source; Reconstructed says why a text or time is not exactly as
	// GitHub shows it (e.g. an intermediate version of an edited comment).
	Source        string `json:"source,omitempty"`
	Reconstructed string `json:"reconstructed,omitempty"`
	// Expect is the subgoal row ("status: detail") after this event.
	Expect string `json:"expect,omitempty"`
}

// Load reads every *.json thread in dir, sorted by name.
func Load(dir string) ([]Thread, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list threads in %s: %w", dir, err)
	}
	slices.Sort(paths)
	var out []Thread
	for _, p := range paths {
		th, err := LoadFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, th)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no threads in %s", dir)
	}
	return out, nil
}

// LoadFile reads one thread and checks it: times never go back, edits
// follow their comment, every comment id is unique.
func LoadFile(path string) (Thread, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Thread{}, fmt.Errorf("read thread: %w", err)
	}
	var th Thread
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&th); err != nil {
		return Thread{}, fmt.Errorf("thread %s: %w", path, err)
	}
	th.Name = strings.TrimSuffix(filepath.Base(path), ".json")
	if err := th.check(); err != nil {
		return Thread{}, fmt.Errorf("thread %s: %w", path, err)
	}
	return th, nil
}

func (th Thread) check() error {
	if th.Source == "" || th.Item == "" || th.Kind == "" || th.Opened.IsZero() {
		return fmt.Errorf("source, item, kind and opened_at are required")
	}
	if _, _, err := th.Ref(); err != nil {
		return err
	}
	seen := map[int64]bool{}
	last := th.Opened
	for i, e := range th.Events {
		if e.At.Before(last) {
			return fmt.Errorf("event %d (%s) at %s is before the previous one", i, e.Type, e.At.Format(time.RFC3339))
		}
		last = e.At
		switch e.Type {
		case Comment:
			if e.ID == 0 || e.Author == "" || seen[e.ID] {
				return fmt.Errorf("event %d: a comment needs a unique id and an author", i)
			}
			seen[e.ID] = true
		case Edit:
			if !seen[e.ID] {
				return fmt.Errorf("event %d: edit of comment %d before it was posted", i, e.ID)
			}
		case Labeled, Unlabeled:
			if e.Label == "" {
				return fmt.Errorf("event %d: %s without a label", i, e.Type)
			}
		case Closed, Reopened, Merged:
		default:
			return fmt.Errorf("event %d: unknown type %q", i, e.Type)
		}
	}
	return nil
}

// Ref splits Item into owner/repo and number.
func (th Thread) Ref() (string, int, error) {
	repo, num, ok := strings.Cut(th.Item, "#")
	var n int
	if _, err := fmt.Sscanf(num, "%d", &n); !ok || err != nil || !strings.Contains(repo, "/") || n <= 0 {
		return "", 0, fmt.Errorf("item %q is not owner/repo#N", th.Item)
	}
	return repo, n, nil
}

// CommentURL is the html_url GitHub gives comment id.
func (th Thread) CommentURL(id int64) string {
	return fmt.Sprintf("%s#issuecomment-%d", th.Source, id)
}

// CommentVersion is a comment as some delivery or listing shows it.
type CommentVersion struct {
	ID        int64
	Author    string
	Body      string
	URL       string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Issue is the item as a payload shows it at one point.
type Issue struct {
	Labels    []string
	State     string // open, closed, merged
	UpdatedAt time.Time
}

// Delivery is the webhook GitHub sends for one event.
type Delivery struct {
	Event   string // "issues", "pull_request" or "issue_comment"
	Action  string // labeled, unlabeled, closed, reopened, created, edited
	Label   string
	Comment *CommentVersion
	Issue   Issue // the item after the event
	Index   int   // the event's index in the thread
}

// Deliveries returns the webhooks of the item's opening (one "labeled"
// per label it was opened with, as GitHub sends them; Index -1) and of its
// first n events, in order.
func (th Thread) Deliveries(n int) []Delivery {
	var out []Delivery
	opening := &replay{state: "open", comments: map[int64]CommentVersion{}}
	issuesEvent := "issues"
	if th.Pull {
		issuesEvent = "pull_request"
	}
	for _, l := range th.Labels {
		opening.label(l, true)
		out = append(out, Delivery{Event: issuesEvent, Action: Labeled, Label: l, Issue: opening.issue(th.Opened), Index: -1})
	}
	st := th.start()
	for i, e := range th.Events[:n] {
		st.apply(th, e)
		d := Delivery{Issue: st.issue(e.At), Index: i}
		switch e.Type {
		case Comment, Edit:
			c := st.comments[e.ID]
			d.Event, d.Action, d.Comment = "issue_comment", "created", &c
			if e.Type == Edit {
				d.Action = "edited"
			}
		case Labeled, Unlabeled:
			d.Event, d.Action, d.Label = issuesEvent, e.Type, e.Label
		case Closed, Merged:
			d.Event, d.Action = issuesEvent, "closed"
		case Reopened:
			d.Event, d.Action = issuesEvent, "reopened"
		}
		out = append(out, d)
	}
	return out
}

// Listing is what a rebuild reads after the first n events: every comment
// with its newest body and both times, the labels and state now, and the
// item's updated_at.
type Listing struct {
	Comments []CommentVersion
	Issue    Issue
}

// ListingAt returns the listing after the first n events.
func (th Thread) ListingAt(n int) Listing {
	st := th.start()
	at := th.Opened
	for _, e := range th.Events[:n] {
		st.apply(th, e)
		at = e.At
	}
	var l Listing
	for _, id := range st.order {
		l.Comments = append(l.Comments, st.comments[id])
	}
	l.Issue = st.issue(at)
	return l
}

// replay is the item's state while events are applied.
type replay struct {
	labels   []string
	state    string
	comments map[int64]CommentVersion
	order    []int64
}

func (th Thread) start() *replay {
	r := &replay{state: "open", comments: map[int64]CommentVersion{}}
	for _, l := range th.Labels {
		r.label(l, true)
	}
	return r
}

func (r *replay) label(name string, added bool) {
	i := slices.IndexFunc(r.labels, func(l string) bool { return strings.EqualFold(l, name) })
	switch {
	case added && i < 0:
		r.labels = append(r.labels, name)
	case !added && i >= 0:
		r.labels = slices.Delete(r.labels, i, i+1)
	}
}

func (r *replay) apply(th Thread, e Event) {
	switch e.Type {
	case Comment:
		r.comments[e.ID] = CommentVersion{ID: e.ID, Author: e.Author, Body: e.Body, URL: th.CommentURL(e.ID), CreatedAt: e.At, UpdatedAt: e.At}
		r.order = append(r.order, e.ID)
	case Edit:
		c := r.comments[e.ID]
		c.Body, c.UpdatedAt = e.Body, e.At
		r.comments[e.ID] = c
	case Labeled, Unlabeled:
		r.label(e.Label, e.Type == Labeled)
	case Closed:
		r.state = "closed"
	case Merged:
		r.state = "merged"
	case Reopened:
		r.state = "open"
	}
}

func (r *replay) issue(at time.Time) Issue {
	return Issue{Labels: slices.Clone(r.labels), State: r.state, UpdatedAt: at}
}
