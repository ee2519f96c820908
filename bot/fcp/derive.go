package fcp

import (
	"slices"
	"strings"
	"time"
)

// derive sets the phase fields from the posts, the labels and the
// open/closed state.
func (s *State) derive() {
	d := derivation{phase: PhaseNone}
	for _, p := range s.Posts {
		d.post(p)
	}
	s.Phase, s.PhaseAt, s.PhaseBy = d.phase, d.phaseAt, d.by
	s.Start, s.End = d.start, d.end
	s.StatusCommentID, s.StatusURL = d.statusID, d.statusURL
	s.Initiator, s.CancelledBy = d.initiator, d.cancelledBy
	s.Disposition, s.DispositionAt = d.disposition, d.dispositionAt
	s.Concerns = slices.Clone(s.Listed) // what the status comment lists; derived additions below
	s.labelsFill()
	if s.Disposition == "" {
		for _, l := range []string{LabelMerge, LabelClose, LabelPostpone} {
			if s.HasLabel(l) {
				s.Disposition = Disposition(strings.TrimPrefix(l, "disposition-"))
				break
			}
		}
	}
	s.LabelMissingNote, s.MissingLabel = false, ""
	if d.missing != "" && !s.HasLabel(d.missing) {
		s.LabelMissingNote, s.MissingLabel = true, d.missing
	}
	// rfcbot starts an FCP only with no unresolved concern: concerns a
	// status comment version older than the :bell: lists were resolved
	// by then (the version showing it may be missing or not yet seen).
	if s.Phase == PhaseActive && !s.Start.IsZero() && s.ReviewAt.Before(s.Start) {
		for i := range s.Concerns {
			s.Concerns[i].Resolved = true
		}
	}
	// Ticks are sticky; concerns name who raised them where a command said.
	for i, r := range s.Reviewers {
		if _, found := slices.BinarySearch(s.Ticks, strings.ToLower(r.Login)); found {
			s.Reviewers[i].Ticked = true
		}
	}
	for i, c := range s.Concerns {
		if c.By == "" {
			s.Concerns[i].By = s.Raisers[c.Name]
		}
		if c.URL == "" {
			s.Concerns[i].URL = s.RaisedURL[c.Name]
		}
	}
}

// derivation folds rfcbot's posts, oldest first, into a phase.
type derivation struct {
	phase                   Phase
	phaseAt, start, end     time.Time
	statusID                int64
	statusURL, initiator    string
	cancelledBy, missing    string
	disposition             Disposition
	dispositionAt           time.Time
	by                      *Provenance
	statusSeen, proposalEnd bool
}

func (d *derivation) post(p Post) {
	set := func(ph Phase, what string) {
		d.phase, d.phaseAt = ph, p.Created
		d.by = &Provenance{Source: "comment", What: what, ID: p.ID, URL: p.URL, Author: p.Author, At: p.Created, Version: p.Version}
	}
	if p.Disposition != "" {
		d.disposition, d.dispositionAt = p.Disposition, p.Created
	}
	switch p.Kind {
	case KindProposal:
		if p.ID != 0 && p.ID == d.statusID {
			return
		}
		// A new proposal: the first, or one after an earlier FCP ended or
		// was replaced (rfcbot allows one proposal at a time).
		set(PhaseProposed, "rfcbot status comment")
		d.statusID, d.statusURL, d.initiator = p.ID, p.URL, p.Initiator
		d.start, d.end, d.cancelledBy, d.missing = time.Time{}, time.Time{}, "", ""
		d.disposition, d.dispositionAt = p.Disposition, p.Created
	case KindStart:
		set(PhaseActive, "rfcbot :bell: comment")
		d.start, d.end = p.Created, p.End
		if d.end.IsZero() {
			d.end = endAfter(p.Created, p.Days)
		}
		d.cancelledBy = ""
	case KindComplete:
		set(PhaseFinished, "rfcbot completion comment")
		d.cancelledBy = ""
	case KindCancel:
		set(PhaseCancelled, "rfcbot cancellation comment")
		d.start, d.end, d.cancelledBy = time.Time{}, time.Time{}, p.Initiator
	case KindLabelNote:
	case kindLegacy:
		set(p.Phase, "stored state")
		d.by.Source = "stored"
		d.start, d.end, d.initiator = p.Start, p.End, p.Initiator
	}
	if d.statusID == 0 && p.StatusCommentID != 0 {
		d.statusID, d.statusURL = p.StatusCommentID, p.StatusURL
	}
	if d.initiator == "" {
		d.initiator = p.Initiator
	}
	if p.Kind != KindProposal && p.MissingLabel != "" {
		d.missing = p.MissingLabel
	}
}

// labelPhase returns the phase the FCP labels alone say: final-comment-
// period (unless it is an MCP's second), else proposed-, else finished-,
// else none.
func (s *State) labelPhase() (Phase, string) {
	switch {
	case s.HasLabel(LabelFCP) && !s.mcp():
		return PhaseActive, LabelFCP
	case s.HasLabel(LabelProposed):
		return PhaseProposed, LabelProposed
	case s.HasLabel(LabelFinished):
		return PhaseFinished, LabelFinished
	}
	return PhaseNone, ""
}

// labelsFill lets the labels say what no comment does.
func (s *State) labelsFill() {
	lp, label := s.labelPhase()
	byLabel := func(p Phase) {
		s.Phase, s.PhaseAt = p, time.Time{}
		s.PhaseBy = &Provenance{Source: "label", What: "label " + label, Label: label, At: s.LabelAt[label]}
		if s.LabelSnapshot[label] {
			s.PhaseBy.Source, s.PhaseBy.What, s.PhaseBy.At = "labels", "label snapshot: label "+label, time.Time{}
		}
	}
	switch {
	case s.Phase == PhaseNone && lp != PhaseNone:
		byLabel(lp) // rfcbot's comments unseen: when it started is unknown
	case s.Phase == PhaseProposed && lp == PhaseActive && !s.HasLabel(LabelProposed):
		byLabel(PhaseActive) // the :bell: comment missing (or not yet seen)
	case s.Phase == PhaseActive && !s.Start.IsZero() && lp == PhaseProposed && !s.HasLabel(LabelFCP) && len(s.raisedSince(s.Start)) > 0:
		// A concern raised during the FCP: rfcbot moves the labels back to
		// proposed and posts no comment; a fresh :bell: follows once it is
		// resolved.
		since := s.Start
		byLabel(PhaseProposed)
		s.Start, s.End = time.Time{}, time.Time{}
		for _, name := range s.raisedSince(since) {
			resolved := s.ResolvedAt[name].After(s.RaisedAt[name])
			if i := slices.IndexFunc(s.Concerns, func(c Concern) bool { return c.Name == name }); i >= 0 {
				s.Concerns[i].Resolved = s.Concerns[i].Resolved || resolved
				continue
			}
			s.Concerns = append(s.Concerns, Concern{Name: name, By: s.Raisers[name], URL: s.RaisedURL[name], Resolved: resolved})
		}
	case (s.Phase == PhaseProposed || s.Phase == PhaseActive) && lp == PhaseFinished:
		start, end := s.Start, s.End
		byLabel(PhaseFinished) // the completion comment missing
		s.Start, s.End = start, end
	case (s.Phase == PhaseProposed || s.Phase == PhaseActive) && s.Closed && !s.anyProposalLabel():
		// rfcbot drops a proposal without a comment when the item is
		// closed before the FCP ends, removing its labels.
		s.Phase, s.Start, s.End = PhaseCancelled, time.Time{}, time.Time{}
		s.PhaseBy = &Provenance{Source: "closed", What: "item closed, proposal labels removed", At: s.ClosedAt}
	}
}

// raisedSince returns the concerns an "@rfcbot concern" command raised
// after t, sorted by name.
func (s *State) raisedSince(t time.Time) []string {
	var out []string
	for name, at := range s.RaisedAt {
		if at.After(t) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}
