package fcp

import (
	"reflect"
	"testing"
	"time"
)

// TestParseForks reads the texts of rfcbot-rs forks (the Matrix spec
// process's mscbot, 2018–2021 on rfcbot-rs, then mscbot-python) and the
// "[review](…) above" link forms, one row per text with its source
// (testdata/forks/SOURCES.md).
func TestParseForks(t *testing.T) {
	const doc3676 = "https://github.com/matrix-org/matrix-doc/pull/3676#issuecomment-1022508062"
	tests := []struct {
		file, src string
		want      Event // ID, URL, Author, At, Created, Updated filled by the test
	}{
		{"forks/mscbot-2018-status.md", "https://github.com/matrix-org/matrix-spec-proposals/pull/1456",
			Event{Kind: KindProposal, Version: "team-member/none-object", Initiator: "anoadragon453", Disposition: Merge}},
		{"forks/mscbot-2018-start-psst.md", "https://github.com/matrix-org/matrix-spec-proposals/pull/1668",
			Event{Kind: KindStart, Version: "start", StatusURL: "https://github.com/matrix-org/matrix-doc/issues/1668#issuecomment-419735966", StatusCommentID: 419735966,
				Initiator: "anoadragon453", MissingLabel: LabelFCP, Days: 5}},
		{"forks/mscbot-python-status-2022.md", "https://github.com/matrix-org/matrix-spec-proposals/pull/3676",
			Event{Kind: KindProposal, Version: "team-member/three-quarters", Initiator: "ara4n", Disposition: Merge,
				Reviewers: rv("-dbkr", "-uhoreg", "-turt2live", "+ara4n", "-anoadragon453", "-richvdh", "-erikjohnston", "-KitsuneRal")}},
		{"forks/mscbot-python-start-2022.md", "https://github.com/matrix-org/matrix-spec-proposals/pull/3676",
			Event{Kind: KindStart, Version: "start", StatusURL: doc3676, StatusCommentID: 1022508062, Days: 5}},
		{"forks/mscbot-python-complete-2022.md", "https://github.com/matrix-org/matrix-spec-proposals/pull/3676",
			Event{Kind: KindComplete, Version: "complete", Disposition: Merge, StatusURL: doc3676, StatusCommentID: 1022508062}},
		{"forks/review-link-above.md", "reference rfcbot-fcp.md §2b, link form \"[review](…) above\"",
			Event{Kind: KindStart, Version: "start", StatusURL: "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-2251000001", StatusCommentID: 2251000001, Days: 5}},
	}
	// Matrix runs five-day FCPs: configured per bot login here.
	p := Parser{Authors: []string{"rfcbot", "rust-rfcbot", "mscbot"}, Days: map[string]int{"mscbot": 5}, DefaultDays: 10}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := Comment{ID: 7, Author: "mscbot", Body: fixture(t, tt.file), URL: "https://github.com/matrix-org/matrix-spec-proposals/pull/1#issuecomment-7", CreatedAt: t0, UpdatedAt: t0}
			got, ok := p.ParseComment(c)
			if !ok {
				t.Fatalf("not recognised (source %s)", tt.src)
			}
			want := tt.want
			want.ID, want.URL, want.Author, want.At, want.Created, want.Updated = 7, c.URL, "mscbot", t0, t0, t0
			if !reflect.DeepEqual(got, want) {
				t.Errorf("source %s\ngot  %s\nwant %s", tt.src, asJSON(got), asJSON(want))
			}
		})
	}
}

// TestFCPDays: the FCP length comes from the repository, else the bot,
// else the default; 10 (or 0) keeps rfcbot's own history.
func TestFCPDays(t *testing.T) {
	p := Parser{Authors: []string{"rfcbot", "mscbot"}, Days: map[string]int{"matrix-org/matrix-spec-proposals": 5, "mscbot": 7}, DefaultDays: 10}
	body := fixture(t, "start.md")
	tests := []struct {
		author, url string
		days        int
		end         time.Time
	}{
		{"mscbot", "https://github.com/matrix-org/matrix-spec-proposals/pull/3676#issuecomment-1", 5, t0.AddDate(0, 0, 5)},
		{"mscbot", "https://github.com/matrix-org/matrix-spec/issues/9#issuecomment-1", 7, t0.AddDate(0, 0, 7)},
		{"rfcbot", "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-1", 0, t0.Add(Duration)},
		{"rfcbot", "not a url", 0, t0.Add(Duration)},
	}
	for _, tt := range tests {
		e, ok := p.ParseComment(Comment{ID: 1, Author: tt.author, Body: body, URL: tt.url, CreatedAt: t0})
		if !ok || e.Days != tt.days {
			t.Errorf("%s %s: days %d, want %d", tt.author, tt.url, e.Days, tt.days)
			continue
		}
		if s := (State{}).Apply(e); !s.End.Equal(tt.end) {
			t.Errorf("%s %s: end %v, want %v", tt.author, tt.url, s.End, tt.end)
		}
	}
	// A default other than rfcbot's applies everywhere, also before 2016-10-24.
	old := time.Date(2016, 9, 1, 0, 0, 0, 0, time.UTC)
	e, _ := (Parser{DefaultDays: 14}).ParseComment(Comment{ID: 1, Author: "rfcbot", Body: body, CreatedAt: old})
	if s := (State{}).Apply(e); !s.End.Equal(old.AddDate(0, 0, 14)) {
		t.Errorf("default 14: end %v", s.End)
	}
	e, _ = (Parser{DefaultDays: 10}).ParseComment(Comment{ID: 1, Author: "rfcbot", Body: body, CreatedAt: old})
	if s := (State{}).Apply(e); !s.End.Equal(old.AddDate(0, 0, 7)) {
		t.Errorf("default 10 before 2016-10-24: end %v, want rfcbot's one week", s.End)
	}
}
