package fcp

import (
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

// fcpLabels ranks the labels the FCP state tracks, in the order a snapshot
// applies them: the enabling MCP label first, so final-comment-period is
// read right, and the phase labels by precedence (a snapshot holding both
// finished- and proposed- is a new proposal after an old FCP).
var fcpLabels = map[string]int{
	LabelMajorChange: 0,
	LabelMerge:       1, LabelClose: 1, LabelPostpone: 1,
	LabelFinished: 2,
	LabelProposed: 3,
	LabelFCP:      4,
}

// Apply returns s with e applied. Each source moves the state when its
// event arrives; an event older than the one that set a fact only fills
// what is still unknown, so out-of-order deliveries never roll a newer
// phase back. A missing label is not a disagreement: a :bell: comment alone
// makes the FCP active, a completion comment alone finished. Human
// commands are informational (rfcbot may have refused them): they only say
// who raised a concern. Events of other kinds (MCP ones) leave s as is.
func (s State) Apply(e Event) State {
	switch e.Kind {
	case KindProposal, KindStart, KindComplete, KindCancel, KindLabelNote, KindCommand:
	case KindLabel:
		if _, ok := fcpLabels[strings.ToLower(e.Label.Label)]; !ok {
			return s
		}
	default:
		return s
	}
	s = s.clone()
	if s.Phase == "" {
		s.Phase = PhaseNone
	}
	switch e.Kind {
	case KindProposal:
		s.applyProposal(e)
	case KindStart:
		s.applyStart(e)
	case KindComplete:
		s.applyComplete(e)
	case KindCancel:
		if s.newer(e.At) {
			s.setPhase(PhaseCancelled, e.At)
			s.CancelledBy = e.Initiator
		}
	case KindLabelNote:
		s.note(e)
	case KindCommand:
		s.applyCommands(e)
	case KindLabel:
		s.applyLabel(e.Label)
	}
	if e.At.After(s.UpdatedAt) {
		s.UpdatedAt = e.At
	}
	return s
}

// newer reports whether an event at t may set the phase: it is not older
// than the event that set it.
func (s *State) newer(t time.Time) bool { return !t.Before(s.PhaseAt) }

// setPhase moves to p, recording the time; going back to a proposal or
// cancelling stops the clock (rfcbot restarts the ten days with a fresh
// :bell:).
func (s *State) setPhase(p Phase, at time.Time) {
	if p == PhaseProposed && s.Phase != PhaseProposed {
		s.Start, s.End = time.Time{}, time.Time{}
	}
	if p == PhaseCancelled {
		s.Start, s.End = time.Time{}, time.Time{}
	} else {
		s.CancelledBy = ""
	}
	s.Phase, s.PhaseAt = p, at
}

// setDisposition records d when it is newer than the known one.
func (s *State) setDisposition(d Disposition, at time.Time) {
	if d == "" || (s.Disposition != "" && at.Before(s.DispositionAt)) {
		return
	}
	s.Disposition, s.DispositionAt = d, at
}

func (s *State) applyProposal(e Event) {
	created := e.Created
	if created.IsZero() {
		created = e.At
	}
	same := s.StatusCommentID == 0 || e.ID == 0 || e.ID == s.StatusCommentID
	ended := s.Phase == PhaseFinished || s.Phase == PhaseCancelled
	if created.After(s.PhaseAt) && !s.PhaseAt.IsZero() && (!same || ended) {
		// A status comment made after the last phase change on a
		// finished or cancelled FCP, or a second status comment: a new
		// proposal (rfcbot allows one at a time).
		*s = State{Labels: s.Labels, LabelAt: s.LabelAt, Raisers: s.Raisers, UpdatedAt: s.UpdatedAt, Phase: PhaseNone}
		same = true
	}
	if !same {
		return // an older proposal's comment
	}
	if s.StatusCommentID == 0 && e.ID != 0 {
		s.StatusCommentID = e.ID
	}
	if s.StatusURL == "" {
		s.StatusURL = e.URL
	}
	fresh := !e.At.Before(s.ReviewAt)
	if e.Initiator != "" && (s.Initiator == "" || fresh) {
		s.Initiator = e.Initiator
	}
	s.setDisposition(e.Disposition, e.At)
	if fresh {
		s.Reviewers = mergeReviewers(s.Reviewers, e.Reviewers)
		s.Concerns = s.mergeConcerns(e.Concerns)
		s.ReviewAt = e.At
	}
	if !s.newer(e.At) {
		return
	}
	blocked := len(unresolved(e.Concerns)) > 0
	switch s.Phase {
	case PhaseNone:
		s.setPhase(PhaseProposed, e.At)
	case PhaseProposed:
		if blocked {
			s.PhaseAt = e.At // a concern is listed: no :bell: before this can stand
		}
	case PhaseActive:
		if blocked { // a concern raised during the FCP sends it back
			s.setPhase(PhaseProposed, e.At)
		}
	}
}

// mergeReviewers returns the new reviewer list; ticks are sticky, as in
// rfcbot, which re-ticks a box someone unticked (rfcbot-rs#311).
func mergeReviewers(old, next []Reviewer) []Reviewer {
	if len(next) == 0 {
		return old
	}
	out := slices.Clone(next)
	for i, r := range out {
		for _, o := range old {
			if o.Ticked && strings.EqualFold(o.Login, r.Login) {
				out[i].Ticked = true
			}
		}
	}
	return out
}

// mergeConcerns returns the parsed concerns with what is known beyond the
// status comment: the raising comment of a concern now shown resolved, and
// who raised it.
func (s *State) mergeConcerns(next []Concern) []Concern {
	out := slices.Clone(next)
	for i, c := range out {
		for _, o := range s.Concerns {
			if o.Name == c.Name {
				if c.URL == "" {
					out[i].URL = o.URL
				}
				if c.By == "" {
					out[i].By = o.By
				}
			}
		}
		if out[i].By == "" {
			out[i].By = s.Raisers[c.Name]
		}
	}
	return out
}

func (s *State) applyStart(e Event) {
	if e.StatusCommentID != 0 && s.StatusCommentID != 0 && e.StatusCommentID != s.StatusCommentID {
		if !s.newer(e.At) {
			return // belongs to an older proposal
		}
		// A newer FCP of a proposal we never saw: its reviews are unknown.
		s.Reviewers, s.Concerns, s.Initiator, s.ReviewAt = nil, nil, "", time.Time{}
		s.StatusCommentID, s.StatusURL = 0, ""
	}
	if s.StatusCommentID == 0 {
		s.StatusCommentID, s.StatusURL = e.StatusCommentID, e.StatusURL
	}
	start := e.At
	end := e.End
	if end.IsZero() {
		end = EndOf(start)
	}
	if s.newer(e.At) {
		s.setPhase(PhaseActive, e.At)
		s.Start, s.End = start, end
	} else if (s.Phase == PhaseActive || s.Phase == PhaseFinished) && s.Start.IsZero() {
		s.Start, s.End = start, end
	}
	s.note(e)
}

func (s *State) applyComplete(e Event) {
	if s.StatusCommentID == 0 {
		s.StatusCommentID, s.StatusURL = e.StatusCommentID, e.StatusURL
	}
	if s.newer(e.At) {
		s.setPhase(PhaseFinished, e.At)
		s.setDisposition(e.Disposition, e.At)
	} else if s.Disposition == "" {
		s.setDisposition(e.Disposition, e.At)
	}
	s.note(e)
}

// note records rfcbot's "I wasn't able to add the … label" while that
// label is still missing.
func (s *State) note(e Event) {
	if s.Initiator == "" {
		s.Initiator = e.Initiator
	}
	if e.MissingLabel == "" {
		return
	}
	if s.HasLabel(e.MissingLabel) {
		return // added since (or by someone else): nothing is missing
	}
	s.LabelMissingNote, s.MissingLabel = true, e.MissingLabel
}

// applyCommands learns who raised which concern from "@rfcbot concern".
func (s *State) applyCommands(e Event) {
	for _, c := range e.Commands {
		if c.Bot != "rfcbot" || c.Verb != "concern" || e.Author == "" {
			continue
		}
		if _, ok := s.Raisers[c.Arg]; !ok {
			if s.Raisers == nil {
				s.Raisers = map[string]string{}
			}
			s.Raisers[c.Arg] = e.Author
		}
		for i := range s.Concerns {
			if s.Concerns[i].Name == c.Arg && s.Concerns[i].By == "" {
				s.Concerns[i].By = e.Author
				if s.Concerns[i].URL == "" {
					s.Concerns[i].URL = e.URL
				}
			}
		}
	}
}

func (s *State) applyLabel(l LabelEvent) {
	name := strings.ToLower(l.Label)
	if !setLabel(&s.Labels, &s.LabelAt, name, l.Added, l.At) {
		return // a newer event for this label was applied already
	}
	if l.Added && name == s.MissingLabel {
		s.LabelMissingNote, s.MissingLabel = false, ""
	}
	if !l.Added {
		if name == LabelMajorChange || name == LabelFinished {
			return
		}
		if s.newer(l.At) && (s.Phase == PhaseProposed || s.Phase == PhaseActive) && !s.anyProposalLabel() {
			// rfcbot removes every proposal label on cancel, also when it
			// cannot post its comment (the issue was closed).
			s.setPhase(PhaseCancelled, l.At)
		}
		return
	}
	switch name {
	case LabelMerge, LabelClose, LabelPostpone:
		s.setDisposition(Disposition(strings.TrimPrefix(name, "disposition-")), l.At)
		return
	case LabelFCP:
		if s.mcp() {
			return
		}
	}
	want := map[string]Phase{LabelProposed: PhaseProposed, LabelFCP: PhaseActive, LabelFinished: PhaseFinished}[name]
	if want == "" || want == s.Phase || !s.newer(l.At) {
		return
	}
	s.setPhase(want, l.At)
	if want == PhaseActive {
		s.Start, s.End = l.At, EndOf(l.At)
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
// label events for every tracked label that differs: additions first (in
// fcpLabels order), then removals.
func (s State) ApplyLabels(labels []string, at time.Time) State {
	want := map[string]bool{}
	for _, l := range labels {
		if _, ok := fcpLabels[strings.ToLower(l)]; ok {
			want[strings.ToLower(l)] = true
		}
	}
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
	sort.Slice(add, func(i, j int) bool {
		if fcpLabels[add[i]] != fcpLabels[add[j]] {
			return fcpLabels[add[i]] < fcpLabels[add[j]]
		}
		return add[i] < add[j]
	})
	sort.Strings(remove)
	for _, l := range add {
		s = s.Apply(NewLabelEvent(l, true, at))
	}
	for _, l := range remove {
		s = s.Apply(NewLabelEvent(l, false, at))
	}
	return s
}

// FromLabels returns the state of an item seen only through its labels at
// time at: active with final-comment-period (unless the item is a major
// change), else proposed with proposed-final-comment-period, else finished
// with finished-final-comment-period, else none; the disposition from a
// disposition-* label. Start is unknown and taken as at for an active FCP.
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
	s.Labels = slices.Clone(s.Labels)
	if s.LabelAt != nil {
		m := make(map[string]time.Time, len(s.LabelAt))
		for k, v := range s.LabelAt {
			m[k] = v
		}
		s.LabelAt = m
	}
	if s.Raisers != nil {
		m := make(map[string]string, len(s.Raisers))
		for k, v := range s.Raisers {
			m[k] = v
		}
		s.Raisers = m
	}
	return s
}
