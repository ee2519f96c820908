// Package demo holds goalbot's offline scenario: the seed goal, the GitHub
// world it lives in (seeded into the sandbox), and a timeline of what people
// and bots do there — an RFC's FCP from proposal to merge, an MCP seconded
// and accepted, a /goal track command — played as real webhooks.
package demo

import (
	"embed"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/goalbot/goalbot/bot/sandbox"
)

//go:embed seed/async-parity-2024h2.md
var seedFS embed.FS

// GoalFile is the seed goal document's name and text.
func GoalFile() (name string, src []byte) {
	b, err := seedFS.ReadFile("seed/async-parity-2024h2.md")
	if err != nil {
		panic(err) // embedded at build time
	}
	return "async-parity-2024h2.md", b
}

// The world of the demo.
const (
	GoalID        = "async-parity-2024h2"
	TrackingRepo  = "rust-lang/goals"
	TrackingIssue = 105
	RFCRepo       = "rust-lang/rfcs"
	SendBoundRFC  = 3654 // return type notation
	VisionRFC     = 3657
	MCPRepo       = "rust-lang/compiler-team"
	AsyncDropMCP  = 727
	RustRepo      = "rust-lang/rust"
	ClosuresPR    = 128245
	Installation  = 4242
)

// Links are the config links of the demo (DESIGN §10): subgoal line → item.
var Links = []struct{ Subgoal, Item string }{
	{"192", "rust-lang/rfcs#3654"},         // approve RTN RFC or provide alternative
	{"200", "rust-lang/rfcs#3657"},         // async vision: approve RFC
	{"203", "rust-lang/compiler-team#727"}, // async drop: approve MCP
}

// Clock is the demo's clock: it starts on 2024-08-01 and moves when the
// timeline says so, so dates in comments read like the real story.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts at 2024-08-01 10:00 UTC.
func NewClock() *Clock { return &Clock{t: time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC)} }

// Now returns the demo time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Seed creates the repositories, people and items of the demo in sb.
func Seed(sb *sandbox.Server, clock *Clock) {
	for _, r := range []string{TrackingRepo, RFCRepo, MCPRepo, RustRepo} {
		sb.AddRepo(r, Installation)
	}
	sb.AddUser("rfcbot", "User") // rfcbot posts as a user account
	sb.AddUser("rustbot", "User")
	for _, u := range []string{"tmandry", "nikomatsakis", "compiler-errors", "joshtriplett", "scottmcm", "pnkfelix", "traviscross", "petrochenkov", "wesleywiser"} {
		sb.AddUser(u, "User")
		for _, r := range []string{TrackingRepo, RFCRepo, MCPRepo, RustRepo} {
			sb.SetAssociation(r, u, "MEMBER")
		}
	}
	now := clock.Now().Add(-30 * 24 * time.Hour)
	sb.SeedIssue(sandbox.Issue{Repo: TrackingRepo, Number: TrackingIssue, Title: "Bringing the Async Rust experience closer to parity with sync Rust",
		Body: "| Goal document | [2024h2/async](https://rust-lang.github.io/rust-project-goals/2024h2/async.html) |", State: "open",
		Author: "nikomatsakis", Labels: []string{"C-tracking-issue"}, CreatedAt: now, UpdatedAt: now})
	sb.SeedIssue(sandbox.Issue{Repo: RFCRepo, Number: SendBoundRFC, Title: "Return type notation (send bounds, part 2)", IsPull: true,
		State: "open", Author: "nikomatsakis", Labels: []string{"T-lang"}, CreatedAt: now, UpdatedAt: now})
	sb.SeedIssue(sandbox.Issue{Repo: RFCRepo, Number: VisionRFC, Title: "Async Rust vision (draft)", IsPull: true,
		State: "open", Author: "tmandry", Labels: []string{"T-lang", "T-libs-api"}, CreatedAt: now, UpdatedAt: now})
	sb.SeedIssue(sandbox.Issue{Repo: MCPRepo, Number: AsyncDropMCP, Title: "Async drop codegen", State: "open",
		Author: "petrochenkov", Labels: []string{"major-change", "T-compiler"}, CreatedAt: now, UpdatedAt: now})
	sb.SeedIssue(sandbox.Issue{Repo: RustRepo, Number: ClosuresPR, Title: "Stabilize async closures (RFC 3668)", IsPull: true,
		State: "open", Author: "compiler-errors", Labels: []string{"T-lang"}, CreatedAt: now, UpdatedAt: now})
}

// Step is one moment of the timeline.
type Step struct {
	Say    string        // what happens, for the reader
	After  time.Duration // how long after the previous step
	Do     func(p *Play) sandbox.Delivery
	Expect string // status the send-bound subgoal shows afterwards ("" = unchanged check skipped)
}

// Play carries the timeline's own state between steps (rfcbot's status
// comment, its review ticks and concerns).
type Play struct {
	SB        *sandbox.Server
	statusID  int64
	reviewers map[string]bool
	concerns  []concern
}

type concern struct {
	name, url, resolvedBy string
}

func (p *Play) url(repo string, number int, id int64) string {
	return fmt.Sprintf("https://github.com/%s/pull/%d#issuecomment-%d", repo, number, id)
}

// statusText renders rfcbot's status comment as rfcbot does today (2a).
func (p *Play) statusText(initiator, disp string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "@%s has proposed to %s this. The next step is review by the rest of the tagged team members:\n\n", initiator, disp)
	logins := make([]string, 0, len(p.reviewers))
	for l := range p.reviewers {
		logins = append(logins, l)
	}
	sort.Strings(logins)
	for _, l := range logins {
		box := " "
		if p.reviewers[l] {
			box = "x"
		}
		fmt.Fprintf(&b, "* [%s] @%s\n", box, l)
	}
	if len(p.concerns) == 0 {
		b.WriteString("\nNo concerns currently listed.\n")
	} else {
		b.WriteString("\nConcerns:\n\n")
		for _, c := range p.concerns {
			if c.resolvedBy != "" {
				fmt.Fprintf(&b, "* ~~%s~~ resolved by %s\n", c.name, c.resolvedBy)
			} else {
				fmt.Fprintf(&b, "* %s (%s)\n", c.name, c.url)
			}
		}
	}
	b.WriteString("\nOnce a majority of reviewers approve (and at most 2 approvals are outstanding), this will enter its final comment period. If you spot a major issue that hasn't been raised at any point in this process, please speak up!\n")
	b.WriteString("\ncc @rust-lang/lang-advisors: FCP proposed for lang, please feel free to register concerns.\n")
	b.WriteString("\nSee [this document](https://github.com/rust-lang/rfcbot-rs/blob/master/README.md) for info about what commands tagged team members can give me.")
	return b.String()
}

// Timeline returns the scripted story of DESIGN §10.
func Timeline() []Step {
	rfc := func(p *Play, actor, body string) sandbox.Delivery {
		_, d := p.SB.Comment(actor, RFCRepo, SendBoundRFC, body)
		return d
	}
	return []Step{
		{Say: "nikomatsakis proposes to merge RFC #3654 (rfcbot posts its status comment and labels)", Expect: "fcp-proposed",
			Do: func(p *Play) sandbox.Delivery {
				rfc(p, "nikomatsakis", "@rfcbot fcp merge")
				p.reviewers = map[string]bool{"joshtriplett": false, "nikomatsakis": true, "pnkfelix": false, "scottmcm": false, "tmandry": false, "traviscross": false}
				c, _ := p.SB.Comment("rfcbot", RFCRepo, SendBoundRFC, p.statusText("nikomatsakis", "merge"))
				p.statusID = c.ID
				p.SB.AddLabel("rfcbot", RFCRepo, SendBoundRFC, "proposed-final-comment-period")
				return p.SB.AddLabel("rfcbot", RFCRepo, SendBoundRFC, "disposition-merge")
			}},
		{Say: "tmandry and traviscross tick their boxes", After: 20 * time.Hour, Expect: "fcp-proposed",
			Do: func(p *Play) sandbox.Delivery {
				p.reviewers["tmandry"], p.reviewers["traviscross"] = true, true
				return p.SB.EditComment("rfcbot", p.statusID, p.statusText("nikomatsakis", "merge"))
			}},
		{Say: "scottmcm raises a concern about the naming", After: 26 * time.Hour, Expect: "blocked",
			Do: func(p *Play) sandbox.Delivery {
				c, _ := p.SB.Comment("scottmcm", RFCRepo, SendBoundRFC, "@rfcbot concern naming-of-rtn\n\nShould `..` be spelled `(..)`?")
				p.concerns = append(p.concerns, concern{name: "naming-of-rtn", url: p.url(RFCRepo, SendBoundRFC, c.ID)})
				p.reviewers["scottmcm"] = true
				return p.SB.EditComment("rfcbot", p.statusID, p.statusText("nikomatsakis", "merge"))
			}},
		{Say: "the concern is resolved after a design meeting", After: 3 * 24 * time.Hour, Expect: "fcp-proposed",
			Do: func(p *Play) sandbox.Delivery {
				c, _ := p.SB.Comment("scottmcm", RFCRepo, SendBoundRFC, "@rfcbot resolve naming-of-rtn")
				p.concerns[0].resolvedBy = p.url(RFCRepo, SendBoundRFC, c.ID)
				return p.SB.EditComment("rfcbot", p.statusID, p.statusText("nikomatsakis", "merge"))
			}},
		{Say: "joshtriplett ticks: a majority, so the FCP starts (:bell:)", After: 5 * time.Hour, Expect: "in-fcp",
			Do: func(p *Play) sandbox.Delivery {
				p.reviewers["joshtriplett"] = true
				p.SB.EditComment("rfcbot", p.statusID, p.statusText("nikomatsakis", "merge"))
				rfc(p, "rfcbot", fmt.Sprintf(":bell: **This is now entering its final comment period**, as per the [review above](%s). :bell:", p.url(RFCRepo, SendBoundRFC, p.statusID)))
				p.SB.RemoveLabel("rfcbot", RFCRepo, SendBoundRFC, "proposed-final-comment-period")
				return p.SB.AddLabel("rfcbot", RFCRepo, SendBoundRFC, "final-comment-period")
			}},
		{Say: "MCP 727 (async drop) is seconded", After: 24 * time.Hour,
			Do: func(p *Play) sandbox.Delivery {
				p.SB.Comment("wesleywiser", MCPRepo, AsyncDropMCP, "@rustbot second")
				return p.SB.AddLabel("rustbot", MCPRepo, AsyncDropMCP, "final-comment-period")
			}},
		{Say: "a member links the stabilization PR with /goal track", After: 2 * time.Hour,
			Do: func(p *Play) sandbox.Delivery {
				_, d := p.SB.Comment("compiler-errors", RustRepo, ClosuresPR, "This is the stabilization for the async closures goal.\n\n/goal track rust-lang/goals#105 \"stabilize async closures\"")
				return d
			}},
		{Say: "ten days later the FCP completes", After: 9 * 24 * time.Hour, Expect: "fcp-finished",
			Do: func(p *Play) sandbox.Delivery {
				rfc(p, "rfcbot", fmt.Sprintf("The final comment period, with a disposition to **merge**, as per the [review above](%s), is now **complete**.\n\nAs the automated representative of the governance process, I would like to thank the author for their work and everyone else who contributed.", p.url(RFCRepo, SendBoundRFC, p.statusID)))
				p.SB.RemoveLabel("rfcbot", RFCRepo, SendBoundRFC, "final-comment-period")
				return p.SB.AddLabel("rfcbot", RFCRepo, SendBoundRFC, "finished-final-comment-period")
			}},
		{Say: "MCP 727 is accepted", After: 2 * time.Hour,
			Do: func(p *Play) sandbox.Delivery {
				// triagebot's order (try_accept_mcp): add the accept label,
				// remove the second label, close.
				p.SB.AddLabel("rustbot", MCPRepo, AsyncDropMCP, "major-change-accepted")
				p.SB.RemoveLabel("rustbot", MCPRepo, AsyncDropMCP, "final-comment-period")
				return p.SB.CloseIssue("rustbot", MCPRepo, AsyncDropMCP)
			}},
		{Say: "RFC #3654 is merged", After: 24 * time.Hour, Expect: "accepted",
			Do: func(p *Play) sandbox.Delivery {
				return p.SB.Merge("nikomatsakis", RFCRepo, SendBoundRFC)
			}},
		// Discovery (no command): the description names the subgoal, so
		// goalbot places the PR there itself, shown "(auto)".
		{Say: "petrochenkov opens the async drop implementation PR; its description says \"Part of rust-lang/goals#105: implementation work\"", After: 3 * time.Hour,
			Do: func(p *Play) sandbox.Delivery {
				_, d := p.SB.OpenPull("petrochenkov", RustRepo, "Async drop: lower drop glue for async destructors",
					fmt.Sprintf("Lowers drop glue for types with async destructors.\n\nPart of %s#%d: implementation work\n", TrackingRepo, TrackingIssue))
				return d
			}},
		// Discovery that cannot place: an RFC naming only the goal, with
		// several RFC rows free, is listed under "Related, not placed".
		{Say: "tmandry opens an RFC that mentions the goal but no subgoal, and proposes to merge it", After: 2 * time.Hour,
			Do: func(p *Play) sandbox.Delivery {
				is, d := p.SB.OpenPull("tmandry", RFCRepo, "Async iteration: the AsyncIterator trait",
					fmt.Sprintf("This RFC proposes the async iteration trait.\n\nSee %s#%d for the goal.\n", TrackingRepo, TrackingIssue))
				if !d.OK() {
					return d
				}
				p.SB.Comment("tmandry", RFCRepo, is.Number, "@rfcbot fcp merge")
				saved := p.reviewers
				p.reviewers = map[string]bool{"tmandry": true, "joshtriplett": false, "nikomatsakis": false}
				p.SB.Comment("rfcbot", RFCRepo, is.Number, p.statusText("tmandry", "merge"))
				p.reviewers = saved
				p.SB.AddLabel("rfcbot", RFCRepo, is.Number, "proposed-final-comment-period")
				return p.SB.AddLabel("rfcbot", RFCRepo, is.Number, "disposition-merge")
			}},
	}
}
