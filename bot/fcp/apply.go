package fcp

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"time"
)

// rfcbot's labels (reference §3), and triagebot's enabling label, which
// tells that final-comment-period on the item means "seconded" (an MCP),
// not an rfcbot FCP.
const (
	LabelProposed    = "proposed-final-comment-period"
	LabelFCP         = "final-comment-period"
	LabelFinished    = "finished-final-comment-period"
	LabelMerge       = "disposition-merge"
	LabelClose       = "disposition-close"
	LabelPostpone    = "disposition-postpone"
	LabelMajorChange = "major-change"
)

// fcpLabels are the labels the FCP state tracks.
var fcpLabels = map[string]bool{
	LabelMajorChange: true,
	LabelMerge:       true, LabelClose: true, LabelPostpone: true,
	LabelFinished: true, LabelProposed: true, LabelFCP: true,
}

// snapshotVersion marks a label event ApplyLabels made from a snapshot.
const snapshotVersion = "label-snapshot"

// kindLegacy marks a Post standing for the phase of a state stored before
// posts were recorded.
const kindLegacy Kind = "legacy"

// Apply returns s with e applied. rfcbot's comments are recorded by when
// they were posted and the phase is derived again from all of them and the
// labels, so the result does not depend on the order events arrive in
// (DESIGN §7):
//
//   - the newest comment rfcbot posted sets the phase: a status comment
//     proposes (a new one after an ended FCP, or a second status comment, is
//     a new proposal), a :bell: starts the FCP, a completion finishes it, a
//     cancellation cancels it;
//   - an edit of the status comment updates reviewers and concerns only,
//     never the phase (an unresolved concern listed after the :bell: shows
//     as a concern on the active FCP);
//   - the labels now on the item fill in what no comment says: the phase
//     when rfcbot posted nothing, an FCP whose :bell: or completion comment
//     is missing, a proposal dropped without a comment when the item was
//     closed. A missing label is not a disagreement.
//
// Human commands are informational (rfcbot may have refused them): they
// only say who raised a concern. Events of other kinds (MCP ones) leave s
// as is, apart from closing and reopening.
func (s State) Apply(e Event) State {
	switch e.Kind {
	case KindProposal, KindStart, KindComplete, KindCancel, KindLabelNote, KindCommand, KindClosed:
	case KindLabel:
		if !fcpLabels[strings.ToLower(e.Label.Label)] {
			return s
		}
	default:
		return s
	}
	s = s.clone()
	s.upgrade()
	switch e.Kind {
	case KindProposal:
		s.addPost(e)
		s.review(e)
	case KindStart, KindComplete, KindCancel, KindLabelNote:
		s.addPost(e)
	case KindCommand:
		s.applyCommands(e)
	case KindLabel:
		name := strings.ToLower(e.Label.Label)
		if setLabel(&s.Labels, &s.LabelAt, name, e.Label.Added, e.Label.At) {
			if e.Version == snapshotVersion {
				if s.LabelSnapshot == nil {
					s.LabelSnapshot = map[string]bool{}
				}
				s.LabelSnapshot[name] = true
			} else {
				delete(s.LabelSnapshot, name)
			}
		}
	case KindClosed:
		if !e.At.Before(s.ClosedAt) {
			s.Closed, s.ClosedAt = e.Closed, e.At
		}
	}
	if t := eventTime(e); t.After(s.UpdatedAt) {
		s.UpdatedAt = t
	}
	s.derive()
	return s
}

// eventTime is the newest time an event carries (an edit's for a comment).
func eventTime(e Event) time.Time {
	if e.Updated.After(e.At) {
		return e.Updated
	}
	return e.At
}

// upgrade turns a state stored before posts were recorded into one post
// standing for its phase, so that new events combine with it.
func (s *State) upgrade() {
	if len(s.Posts) > 0 || s.PhaseBy != nil || s.Phase == "" || s.Phase == PhaseNone {
		return // recorded with posts and provenance, or nothing to keep
	}
	s.Posts = []Post{{Kind: kindLegacy, ID: s.StatusCommentID, URL: s.StatusURL, Created: s.PhaseAt,
		Phase: s.Phase, Start: s.Start, End: s.End, Disposition: s.Disposition, Initiator: s.Initiator, StatusCommentID: s.StatusCommentID, StatusURL: s.StatusURL}}
	if s.Listed == nil {
		s.Listed = slices.Clone(s.Concerns)
	}
	if s.ReviewID == 0 && len(s.Reviewers)+len(s.Concerns) > 0 {
		s.ReviewID, s.ReviewCreated = s.StatusCommentID, s.PhaseAt
		for _, r := range s.Reviewers {
			if r.Ticked {
				s.Ticks = addTick(s.Ticks, r.Login)
			}
		}
	}
}

// addPost records one of rfcbot's phase comments, once per comment id.
func (s *State) addPost(e Event) {
	p := Post{Kind: e.Kind, ID: e.ID, URL: e.URL, Author: e.Author, Created: e.At, Disposition: e.Disposition,
		Initiator: e.Initiator, StatusCommentID: e.StatusCommentID, StatusURL: e.StatusURL, End: e.End, Days: e.Days,
		MissingLabel: e.MissingLabel, Version: e.Version}
	for i, q := range s.Posts {
		if e.ID != 0 && q.ID == e.ID && q.Kind != kindLegacy {
			if p.Disposition == "" {
				p.Disposition = q.Disposition
			}
			if p.Initiator == "" {
				p.Initiator = q.Initiator
			}
			if p.Created.IsZero() || (!q.Created.IsZero() && q.Created.Before(p.Created)) {
				p.Created = q.Created
			}
			s.Posts[i] = p
			return
		}
	}
	s.Posts = append(s.Posts, p)
	slices.SortStableFunc(s.Posts, func(a, b Post) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// review takes the reviewers and concerns of a status comment version:
// the newest version of the newest status comment wins; older versions of
// the same comment only add ticks (sticky in rfcbot) and the links of
// concerns they knew.
func (s *State) review(e Event) {
	newest := s.ReviewID == 0 && s.ReviewCreated.IsZero() && s.ReviewBy == nil
	if !newest && e.ID != s.ReviewID {
		c := e.At.Compare(s.ReviewCreated)
		if c < 0 || (c == 0 && e.ID < s.ReviewID) {
			return // an older proposal's status comment
		}
		newest = true
	}
	switch {
	case newest:
		// The first status comment seen, or a newer proposal's.
		s.ReviewID, s.ReviewCreated, s.ReviewURL, s.ReviewAuthor = e.ID, e.At, e.URL, e.Author
		s.Ticks, s.Listed = nil, nil
		s.take(e)
	case !e.Updated.Before(s.ReviewAt):
		s.take(e)
	default:
		s.Listed = fillConcerns(s.Listed, e.Concerns) // an older version of it
	}
	for _, r := range e.Reviewers {
		if r.Ticked {
			s.Ticks = addTick(s.Ticks, r.Login)
		}
	}
}

// take reads the reviewers and concerns of the newest status comment
// version.
func (s *State) take(e Event) {
	s.Reviewers = slices.Clone(e.Reviewers)
	s.Listed = fillConcerns(slices.Clone(e.Concerns), s.Listed)
	s.ReviewAt = e.Updated
	s.ReviewBy = &Provenance{Source: "comment", What: "rfcbot status comment", ID: e.ID, URL: e.URL, Author: e.Author, At: e.Updated, Version: e.Version}
}

// addTick adds login (lower case) to the sorted set ticks.
func addTick(ticks []string, login string) []string {
	login = strings.ToLower(login)
	if i, found := slices.BinarySearch(ticks, login); !found {
		ticks = slices.Insert(ticks, i, login)
	}
	return ticks
}

// fillConcerns fills the raising comment and raiser of each concern in cs
// from what other knew of the same concern.
func fillConcerns(cs, other []Concern) []Concern {
	for i, c := range cs {
		for _, o := range other {
			if o.Name != c.Name {
				continue
			}
			if cs[i].URL == "" {
				cs[i].URL = o.URL
			}
			if cs[i].By == "" {
				cs[i].By = o.By
			}
		}
	}
	return cs
}

// applyCommands learns who raised which concern from "@rfcbot concern"
// (the earliest command for a name wins, as rfcbot ignores a second concern
// of the same name) and when "@rfcbot resolve" last named it.
func (s *State) applyCommands(e Event) {
	for _, c := range e.Commands {
		if c.Bot == "rfcbot" && c.Verb == "resolve" && e.Author != "" {
			if e.At.After(s.ResolvedAt[c.Arg]) {
				if s.ResolvedAt == nil {
					s.ResolvedAt = map[string]time.Time{}
				}
				s.ResolvedAt[c.Arg] = e.At
			}
			continue
		}
		if c.Bot != "rfcbot" || c.Verb != "concern" || e.Author == "" {
			continue
		}
		if t, ok := s.RaisedAt[c.Arg]; ok && !e.At.Before(t) {
			continue
		}
		if s.Raisers == nil {
			s.Raisers, s.RaisedAt, s.RaisedURL = map[string]string{}, map[string]time.Time{}, map[string]string{}
		}
		if s.RaisedAt == nil {
			s.RaisedAt, s.RaisedURL = map[string]time.Time{}, map[string]string{}
		}
		s.Raisers[c.Arg], s.RaisedAt[c.Arg], s.RaisedURL[c.Arg] = e.Author, e.At, e.URL
	}
}

// mcp reports whether final-comment-period on this item is triagebot's
// "seconded" label: the item is a major change and shows no rfcbot
// disposition.
func (s *State) mcp() bool {
	return s.HasLabel(LabelMajorChange) && !s.HasLabel(LabelMerge) && !s.HasLabel(LabelClose) && !s.HasLabel(LabelPostpone)
}

// anyProposalLabel reports whether any label of a live proposal is present.
func (s *State) anyProposalLabel() bool {
	return s.HasLabel(LabelProposed) || (s.HasLabel(LabelFCP) && !s.mcp()) ||
		s.HasLabel(LabelMerge) || s.HasLabel(LabelClose) || s.HasLabel(LabelPostpone)
}

// ApplyLabels brings s to the label snapshot labels read at time at, as
// label events for every tracked label that differs.
func (s State) ApplyLabels(labels []string, at time.Time) State {
	want := wanted(labels, fcpLabels)
	var add, remove []string
	for l := range want {
		if !s.HasLabel(l) {
			add = append(add, l)
		}
	}
	for _, l := range s.Labels {
		if !want[l] {
			remove = append(remove, l)
		}
	}
	sort.Strings(add)
	sort.Strings(remove)
	for _, l := range add {
		e := NewLabelEvent(l, true, at)
		e.Version = snapshotVersion
		s = s.Apply(e)
	}
	for _, l := range remove {
		e := NewLabelEvent(l, false, at)
		e.Version = snapshotVersion
		s = s.Apply(e)
	}
	if s.Phase == "" {
		s.Phase = PhaseNone
	}
	return s
}

// wanted returns the labels of a snapshot that tracked holds, lower-cased:
// the state a snapshot brings FCP or MCP state to.
func wanted(labels []string, tracked map[string]bool) map[string]bool {
	want := map[string]bool{}
	for _, l := range labels {
		if l = strings.ToLower(l); tracked[l] {
			want[l] = true
		}
	}
	return want
}

// FromLabels returns the state of an item seen only through its labels at
// time at: active with final-comment-period (unless the item is a major
// change), else proposed with proposed-final-comment-period, else finished
// with finished-final-comment-period, else none; the disposition from a
// disposition-* label. When the FCP started is unknown.
func FromLabels(labels []string, at time.Time) State {
	return State{Phase: PhaseNone}.ApplyLabels(labels, at)
}

// setLabel records a label event in a label set with per-label times and
// reports whether it was applied (it is not older than the last event for
// that label).
func setLabel(labels *[]string, at *map[string]time.Time, name string, added bool, t time.Time) bool {
	if last, ok := (*at)[name]; ok && t.Before(last) {
		return false
	}
	if *at == nil {
		*at = map[string]time.Time{}
	}
	(*at)[name] = t
	i, found := slices.BinarySearch(*labels, name)
	switch {
	case added && !found:
		*labels = slices.Insert(*labels, i, name)
	case !added && found:
		*labels = slices.Delete(*labels, i, i+1)
	}
	return true
}

// clone returns a deep copy, so Apply never changes the caller's value.
func (s State) clone() State {
	s.Reviewers = slices.Clone(s.Reviewers)
	s.Concerns = slices.Clone(s.Concerns)
	s.Listed = slices.Clone(s.Listed)
	s.Labels = slices.Clone(s.Labels)
	s.Posts = slices.Clone(s.Posts)
	s.Ticks = slices.Clone(s.Ticks)
	s.LabelAt = cloneMap(s.LabelAt)
	s.LabelSnapshot = cloneMap(s.LabelSnapshot)
	s.Raisers = cloneMap(s.Raisers)
	s.RaisedAt = cloneMap(s.RaisedAt)
	s.RaisedURL = cloneMap(s.RaisedURL)
	s.ResolvedAt = cloneMap(s.ResolvedAt)
	if s.PhaseBy != nil {
		p := *s.PhaseBy
		s.PhaseBy = &p
	}
	if s.ReviewBy != nil {
		p := *s.ReviewBy
		s.ReviewBy = &p
	}
	return s
}

// cloneMap returns a copy of m (nil for nil).
func cloneMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return nil
	}
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
