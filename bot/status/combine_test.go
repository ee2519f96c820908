package status

import (
	"reflect"
	"testing"
)

func r(s Status, d string) Result { return Result{Status: s, Detail: d} }

func TestCombine(t *testing.T) {
	tests := []struct {
		name  string
		mode  string
		items []Result
		want  Result
	}{
		{"none", Least, nil, r(NotStarted, "")},
		{"one", Least, []Result{r(InFCP, "merge, ends 2024-08-20")}, r(InFCP, "merge, ends 2024-08-20")},
		{"least", Least, []Result{r(Accepted, "RFC merged"), r(FCPProposed, "merge, 5/8 reviewed"), r(InFCP, "x")}, r(FCPProposed, "merge, 5/8 reviewed")},
		{"unknown mode is least", "", []Result{r(Complete, "merged"), r(Proposed, "PR open")}, r(Proposed, "PR open")},
		{"most", Most, []Result{r(Proposed, "PR open"), r(Complete, "merged"), r(InFCP, "x")}, r(Complete, "merged")},
		{"tie keeps first", Least, []Result{r(InFCP, "first"), r(InFCP, "second")}, r(InFCP, "first")},
		{"closed beside accepted is news", Least, []Result{r(Closed, "closed without merging"), r(Accepted, "RFC merged")}, r(Accepted, "RFC merged; also 1 closed")},
		{"terminals counted", Most, []Result{r(Postponed, "p"), r(Proposed, ""), r(Closed, "c"), r(Closed, "c")}, r(Proposed, "also 1 postponed, 2 closed")},
		{"all closed", Least, []Result{r(Closed, "a"), r(Closed, "b")}, r(Closed, "a")},
		{"postponed beats closed when all terminal", Least, []Result{r(Closed, "a"), r(Postponed, "p")}, r(Postponed, "p")},
		{"invalid ignored", Least, []Result{r("bogus", "?"), r(Accepted, "ok")}, r(Accepted, "ok")},
		{"only invalid", Least, []Result{r("bogus", "?")}, r(NotStarted, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Combine(tt.mode, tt.items); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Combine = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name     string
		children []Result
		want     Result
	}{
		{"none", nil, r(NotStarted, "")},
		{"some moved is in-progress", []Result{r(Complete, ""), r(InFCP, ""), r(NotStarted, ""), r(Complete, ""), r(Accepted, "")}, r(InProgress, "2/5 complete, 1 accepted, 1 in FCP")},
		{"demo send bound", []Result{r(Complete, ""), r(Complete, ""), r(NotStarted, ""), r(NotStarted, "")}, r(InProgress, "2/4 complete")},
		{"one proposed moved", []Result{r(NotStarted, ""), r(Proposed, "")}, r(InProgress, "0/2 complete")},
		{"every moved kind named", []Result{r(NotStarted, ""), r(Accepted, ""), r(FCPFinished, ""), r(InFCP, ""), r(Blocked, ""), r(FCPProposed, ""), r(Proposed, "")},
			r(InProgress, "0/7 complete, 1 accepted, 1 FCP finished, 1 in FCP, 1 blocked, 1 FCP proposed")},
		{"none moved", []Result{r(NotStarted, ""), r(NotStarted, "")}, r(NotStarted, "0/2 complete")},
		{"all moved takes the least", []Result{r(Complete, ""), r(InFCP, ""), r(FCPProposed, ""), r(Blocked, ""), r(FCPFinished, "")}, r(FCPProposed, "1/5 complete")},
		{"all complete", []Result{r(Complete, ""), r(Complete, "")}, r(Complete, "2/2 complete")},
		{"accepted is not complete", []Result{r(Complete, ""), r(Accepted, "")}, r(Accepted, "1/2 complete")},
		{"in-progress child of a parent", []Result{r(InProgress, "1/2 complete"), r(NotStarted, "")}, r(InProgress, "0/2 complete")},
		{"closed child not held against", []Result{r(Complete, ""), r(Closed, ""), r(Complete, "")}, r(Complete, "2/2 complete; 1 closed")},
		{"all terminal", []Result{r(Closed, ""), r(Postponed, "")}, r(Postponed, "1 postponed, 1 closed")},
		{"all closed", []Result{r(Closed, "")}, r(Closed, "1 closed")},
		{"invalid child counts as not started", []Result{r(Complete, ""), r("bogus", "")}, r(InProgress, "1/2 complete")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summarize(tt.children); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Summarize = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReconcile(t *testing.T) {
	inFCP := r(InFCP, "merge, ends 2024-08-20")
	merged := r(Accepted, "RFC merged")
	closed := r(Closed, "closed without merging")
	tests := []struct {
		name string
		doc  DocFacts
		item *Result
		want Result
	}{
		{"nothing", DocFacts{}, nil, Result{Status: NotStarted}},
		{"item only", DocFacts{}, &inFCP, inFCP},
		{"badge only", DocFacts{Complete: true}, nil, Result{Status: Complete, Detail: "marked complete in the document", DocStatus: Complete}},
		{"struck only", DocFacts{Struck: true}, nil, Result{Status: Complete, Detail: "marked complete in the document", DocStatus: Complete}},
		{"agree", DocFacts{Complete: true}, &merged, Result{Status: Complete, Detail: "RFC merged", DocStatus: Complete}},
		{"disagree", DocFacts{Complete: true, Struck: true}, &inFCP, Result{Status: InFCP, Detail: "merge, ends 2024-08-20; document says complete", DocStatus: Complete, Disagree: true}},
		{"disagree terminal", DocFacts{Struck: true}, &closed, Result{Status: Closed, Detail: "closed without merging; document says complete", DocStatus: Complete, Disagree: true}},
		{"disagree no detail", DocFacts{Complete: true}, &Result{Status: NotStarted}, Result{Status: NotStarted, Detail: "document says complete", DocStatus: Complete, Disagree: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Reconcile(tt.doc, tt.item); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Reconcile = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResultText(t *testing.T) {
	if got := r(InFCP, "merge, ends 2024-08-20").Text(); got != "in-fcp: merge, ends 2024-08-20" {
		t.Errorf("Text = %q", got)
	}
	if got := r(Complete, "").Text(); got != "complete" {
		t.Errorf("Text = %q", got)
	}
}
