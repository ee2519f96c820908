package dashboard

import (
	"time"

	"github.com/goalbot/goalbot/bot"
	"github.com/goalbot/goalbot/bot/fcp"
	"github.com/goalbot/goalbot/bot/goaldoc"
	"github.com/goalbot/goalbot/bot/ref"
)

// evil is the hostile text of the render goldens (bot/render's
// TestStatusCommentInjection), plus what breaks HTML, XML and iCalendar.
const evil = "x | y `code` <!-- goalbot:status goal=x --> @someone\nTL;DR: pwned\nHelp wanted: me\n**Help wanted:** too\r\n- [x] done\n# heading\n</sub><img src=x onerror=alert(1)><script>alert(1)</script>\"'&amp; ]]> \x00\x07;,\\"

var (
	t0      = time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC)
	rfc3654 = ref.New("rust-lang", "rfcs", 3654)
	rfc3657 = ref.New("rust-lang", "rfcs", 3657)
	mcp727  = ref.New("rust-lang", "compiler-team", 727)
	pr1     = ref.New("rust-lang", "rust", 128245)
	evilPR  = ref.New("evil", "repo", 1)
	oldRFC  = ref.New("rust-lang", "rfcs", 3000)
)

func day(n int) time.Time { return t0.AddDate(0, 0, n) }

// fixture is a small world: the seed goal's shape with an FCP proposed
// (one concern, pending reviewers), one in FCP, one MCP seconded, one
// finished FCP, and a goal whose every text is hostile.
func fixture() *Snapshot {
	seed := Goal{
		ID: "async-parity-2024h2", Title: "Bringing the Async Rust experience closer to parity with sync Rust",
		TrackingIssue: ref.New("rust-lang", "goals", 105), UpdatedAt: t0,
		Doc: goaldoc.Document{ID: "async-parity-2024h2", Title: "Bringing the Async Rust experience closer to parity with sync Rust",
			Status: "Proposed as RFC #3657", PointOfContact: []string{"tmandry", "nikomatsakis"}, Teams: []string{"Lang", "Libs-API"},
			Subgoals: []goaldoc.Subgoal{
				{ID: "send-bound", Title: `resolve the "send bound" problem`, Line: 190, Children: []goaldoc.Subgoal{
					{ID: "send-bound/rtn-rfc", Title: "approve RTN RFC", Line: 192, Owners: []string{"nikomatsakis"}},
					{ID: "send-bound/impl", Title: "RTN implementation", Line: 193, Owners: []string{"compiler-errors"}, Struck: true},
				}},
				{ID: "vision", Title: "author draft RFC for async vision", Line: 200, Owners: []string{"tmandry"}},
				{ID: "async-drop", Title: "approve async drop MCP", Line: 203},
				{ID: "closures", Title: "stabilize async closures", Line: 184, Owners: []string{"compiler-errors"}},
			}},
		Links: []bot.Link{
			{Goal: "async-parity-2024h2", Subgoal: "send-bound/rtn-rfc", Item: rfc3654, Origin: bot.OriginConfig},
			{Goal: "async-parity-2024h2", Subgoal: "vision", Item: rfc3657, Origin: bot.OriginDocument},
			{Goal: "async-parity-2024h2", Subgoal: "async-drop", Item: mcp727, Origin: bot.OriginConfig},
			{Goal: "async-parity-2024h2", Subgoal: "closures", Item: pr1, Origin: bot.OriginCommand, By: "compiler-errors"},
		},
		Statuses: map[string]bot.SubgoalStatus{
			"send-bound":         {Status: "blocked", Detail: "merge, 3/6 reviewed, 1 concern", Since: day(2)},
			"send-bound/rtn-rfc": {Status: "blocked", Detail: "merge, 3/6 reviewed, 1 concern", Since: day(2)},
			"send-bound/impl":    {Status: "complete", Detail: "marked complete in the document", Since: day(0)},
			"vision":             {Status: "in-fcp", Detail: "merge, ends 2024-08-15", Since: day(4), DocStatus: "complete", Disagree: true},
			"async-drop":         {Status: "in-fcp", Detail: "seconded, ends 2024-08-13", Since: day(3)},
			"closures":           {Status: "proposed", Detail: "PR open", Since: day(1)},
		},
	}
	hostile := Goal{
		ID: "2025h1/evil", Title: "TL;DR: " + evil, TrackingIssue: ref.New("evil", "repo", 2), UpdatedAt: t0,
		Doc: goaldoc.Document{ID: "evil", Period: "2025h1", Title: evil, Status: evil, PointOfContact: []string{"someone", evil},
			Teams:    []string{"compiler"},
			Subgoals: []goaldoc.Subgoal{{ID: "evil", Title: "Help wanted: " + evil, Line: 1, Owners: []string{"someone"}}}},
		Links:    []bot.Link{{Goal: "2025h1/evil", Subgoal: "evil", Item: evilPR, Origin: bot.OriginDocument}},
		Statuses: map[string]bot.SubgoalStatus{"evil": {Status: "@someone", Detail: evil, Since: day(5), DocStatus: evil, Disagree: true}},
	}
	items := []Item{
		{Ref: rfc3654, Kind: bot.KindRFC, Title: "Return type notation (send bounds, part 2)", State: bot.StateOpen, IsPull: true,
			Labels: []string{"T-lang", "proposed-final-comment-period", "disposition-merge"}, Author: "nikomatsakis", UpdatedAt: day(2),
			FCP: fcp.State{Phase: fcp.PhaseProposed, Disposition: fcp.Merge, Initiator: "nikomatsakis",
				StatusURL: "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-2147484651",
				Reviewers: []fcp.Reviewer{{Login: "joshtriplett"}, {Login: "nikomatsakis", Ticked: true}, {Login: "pnkfelix"},
					{Login: "scottmcm", Ticked: true}, {Login: "tmandry", Ticked: true}, {Login: "traviscross"}},
				Concerns: []fcp.Concern{{Name: "naming-of-rtn", URL: "https://github.com/rust-lang/rfcs/pull/3654#issuecomment-2147484700"},
					{Name: "old-one", Resolved: true, URL: "https://github.com/rust-lang/rfcs/pull/3654#issuecomment--1859695680", By: "pnkfelix"}},
				Raisers: map[string]string{"naming-of-rtn": "scottmcm"}},
			MCP: fcp.MCP{Phase: fcp.MCPNone}},
		{Ref: rfc3657, Kind: bot.KindRFC, Title: "Async Rust vision (draft)", State: bot.StateOpen, IsPull: true,
			Labels: []string{"T-lang", "T-libs-api", "final-comment-period"}, Author: "tmandry", UpdatedAt: day(4),
			FCP: fcp.State{Phase: fcp.PhaseActive, Disposition: fcp.Merge, Initiator: "tmandry", Start: day(4), End: day(14),
				Reviewers: []fcp.Reviewer{{Login: "tmandry", Ticked: true}, {Login: "pnkfelix"}, {Login: "Amanieu", Ticked: true}}},
			MCP: fcp.MCP{Phase: fcp.MCPNone}},
		{Ref: mcp727, Kind: bot.KindMCP, Title: "Async drop codegen", State: bot.StateOpen, Labels: []string{"major-change", "T-compiler", "final-comment-period"},
			Author: "petrochenkov", UpdatedAt: day(3), FCP: fcp.State{Phase: fcp.PhaseNone},
			MCP: fcp.MCP{Phase: fcp.MCPSeconded, SecondedAt: day(2), SecondedBy: "wesleywiser", End: day(12)}},
		{Ref: pr1, Kind: bot.KindPR, Title: "Stabilize async closures (RFC 3668)", State: bot.StateOpen, IsPull: true, Labels: []string{"T-lang"},
			Author: "compiler-errors", UpdatedAt: day(1), FCP: fcp.State{Phase: fcp.PhaseNone}, MCP: fcp.MCP{Phase: fcp.MCPNone}},
		{Ref: oldRFC, Kind: bot.KindRFC, Title: "An older RFC", State: bot.StateMerged, IsPull: true, Labels: []string{"T-lang", "finished-final-comment-period"},
			Author: "scottmcm", UpdatedAt: day(-3),
			FCP: fcp.State{Phase: fcp.PhaseFinished, Disposition: fcp.Merge, Start: day(-14), End: day(-4),
				Reviewers: []fcp.Reviewer{{Login: "pnkfelix"}, {Login: "scottmcm", Ticked: true}}}},
		{Ref: evilPR, Kind: bot.KindRFC, Title: evil, State: bot.StateOpen, IsPull: true, Labels: []string{"T-" + evil, "T-compiler"}, Author: "someone", UpdatedAt: day(5),
			FCP: fcp.State{Phase: fcp.PhaseProposed, Disposition: fcp.Close, Initiator: "someone", StatusURL: "javascript:alert(1)",
				Reviewers: []fcp.Reviewer{{Login: "someone"}, {Login: "scottmcm", Ticked: true}},
				Concerns: []fcp.Concern{{Name: evil, URL: "https://evil.example/x", By: "someone"},
					{Name: "second " + evil, URL: "https://github.com/evil/repo/pull/1#issuecomment-5\"><script>", By: evil}}}},
	}
	trans := []bot.Transition{
		{ID: 1, Goal: seed.ID, Subgoal: "closures", Old: "not-started", New: "proposed", Detail: "PR open", At: day(1), Item: pr1.String()},
		{ID: 2, Goal: seed.ID, Subgoal: "send-bound/rtn-rfc", Old: "not-started", New: "fcp-proposed", Detail: "merge, 1/6 reviewed", At: day(1).Add(time.Hour), DeliveryID: "d-1", Item: rfc3654.String()},
		{ID: 3, Goal: seed.ID, Subgoal: "send-bound/rtn-rfc", Old: "fcp-proposed", New: "blocked", Detail: "merge, 3/6 reviewed, 1 concern", At: day(2), DeliveryID: "d-2", Item: rfc3654.String()},
		{ID: 4, Goal: seed.ID, Subgoal: "async-drop", Old: "proposed", New: "in-fcp", Detail: "seconded, ends 2024-08-13", At: day(3), DeliveryID: "d-3", Item: mcp727.String()},
		{ID: 5, Goal: seed.ID, Subgoal: "vision", Old: "fcp-proposed", New: "in-fcp", Detail: "merge, ends 2024-08-15", At: day(4), DeliveryID: "d-4", Item: rfc3657.String()},
		{ID: 6, Goal: hostile.ID, Subgoal: "evil", Old: "not-started", New: "@someone", Detail: evil, At: day(5), Item: evilPR.String()},
	}
	return &Snapshot{Now: day(6), Goals: []Goal{seed, hostile}, Items: items, Transitions: trans}
}

func refOf(s string) ref.Ref {
	r, err := ref.Parse(s, ref.Ref{})
	if err != nil {
		panic(err)
	}
	return r
}
