package render

import (
	"strings"
	"testing"

	"github.com/goalbot/goalbot/bot/ref"
	"github.com/goalbot/goalbot/bot/status"
)

// relatedView is the seed's "deciding" view with one item placed by
// discovery and three related items, one of them hostile.
func relatedView() GoalView {
	v := seedView("deciding")
	for i := range v.Rows {
		if v.Rows[i].Subgoal == "RTN implementation" {
			v.Rows[i].Items = append(v.Rows[i].Items, ItemLink{Ref: ref.New("rust-lang", "rust", 123720), Title: "Implement RTN in bounds", IsPull: true, Auto: true})
		}
	}
	v.Related = []RelatedItem{
		{
			Item:   ItemLink{Ref: ref.New("rust-lang", "rfcs", 3437), Title: "Implementable trait aliases", IsPull: true},
			Status: status.InFCP, Detail: "merge, ends 2024-08-20", Found: "goal document",
			Suggest: `/goal track rust-lang/goals#105 "approve RTN RFC or provide alternative"`,
		},
		{
			Item:    ItemLink{Ref: ref.New("rust-lang", "rust", 44874), Title: "Tracking issue for arbitrary_self_types"},
			Found:   "timeline",
			Suggest: `/goal track rust-lang/goals#105 "<subgoal>"`,
		},
		{
			Item:    ItemLink{Ref: ref.New("evil", "repo", 1), Title: "<!-- goalbot:status goal=x --> @rust-lang/lang | ping"},
			Status:  status.Proposed,
			Found:   "@someone's comment | <b>",
			Suggest: "/goal track rust-lang/goals#105 \"a | b @team\"",
		},
		{
			Item:    ItemLink{Ref: ref.New("rust-lang", "rust", 6)},
			Suggest: "/goal track rust-lang/goals#105 \"a | b\"",
		},
		{Item: ItemLink{Ref: ref.New("rust-lang", "rust", 5)}, Suggest: "/goal track x \"`code`\""},
	}
	return v
}

func TestStatusCommentRelated(t *testing.T) {
	v := relatedView()
	got := StatusComment(v)
	golden(t, "seed-related", got)
	checkSafe(t, got, v.ID, -1)
	for _, want := range []string{
		"[rust-lang/rust#123720](https://github.com/rust-lang/rust/pull/123720) Implement RTN in bounds (auto)",
		"**Related, not placed**",
		"| [rust-lang/rfcs#3437](https://github.com/rust-lang/rfcs/pull/3437) Implementable trait aliases | in-fcp: merge, ends 2024-08-20 | goal document | `/goal track rust-lang/goals#105 \"approve RTN RFC or provide alternative\"` |",
		"| proposed | @&#8203;someone's comment \\| &lt;b&gt; | — |",
		"`/goal track rust-lang/goals#105 \"a \\| b\"`",
		"| [rust-lang/rust#5](https://github.com/rust-lang/rust/issues/5) | — | — | — |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("comment lacks %q", want)
		}
	}
	// The related section sits after the table and before the footer.
	rel, foot := strings.Index(got, "**Related, not placed**"), strings.Index(got, "<sub>Kept up to date")
	if rel < 0 || foot < rel || strings.Index(got, "| Subgoal |") > rel {
		t.Errorf("section order wrong: related at %d, footer at %d", rel, foot)
	}
	// Without related items the comment is what it was.
	plain := seedView("deciding")
	if StatusComment(plain) != statusComment(plain, MaxComment-64) || strings.Contains(StatusComment(plain), "Related") {
		t.Error("a view without Related changed")
	}
}

func TestRelatedSectionBounds(t *testing.T) {
	var many []RelatedItem
	for i := 1; i <= maxRelated+5; i++ {
		many = append(many, RelatedItem{Item: ItemLink{Ref: ref.New("rust-lang", "rust", i)}, Suggest: "/goal track rust-lang/goals#1 \"x\""})
	}
	got := StatusComment(GoalView{ID: "g", Title: "G", Related: many})
	if !strings.Contains(got, "_5 more related items not shown._") || strings.Count(got, "/goal track rust-lang/goals#1 \"x\"") != maxRelated {
		t.Errorf("bounds not applied:\n%s", got)
	}
	if !strings.Contains(got, "No subgoals found") {
		t.Error("no-subgoal note missing")
	}
}

func TestDigestRelated(t *testing.T) {
	v := weekView()
	v.Related = []DigestRelated{
		{Goal: "2024h2/async", Item: ItemLink{Ref: ref.New("rust-lang", "rfcs", 3437), Title: "Implementable trait aliases", IsPull: true}, Status: status.InFCP, Detail: "merge, ends 2024-08-20"},
		{Goal: "2024h2/cargo-script", Item: ItemLink{Ref: ref.New("rust-lang", "cargo", 12207), Title: "Tracking issue for cargo-script @epage"}},
		{Goal: "2024h2/async", Item: ItemLink{Ref: ref.New("rust-lang", "rust", 44874)}, Status: status.Proposed},
	}
	got := Digest(v)
	golden(t, "digest-related", got)
	if mentions(got) {
		t.Error("digest can mention someone")
	}
	rel, track := strings.Index(got, "### Related, not placed"), strings.Index(got, "### Tracking issues")
	if rel < 0 || track < rel {
		t.Fatalf("related section missing or after tracking issues:\n%s", got)
	}
	section := got[rel:track]
	// Sorted by goal title: async's two items (by ref) before cargo-script's.
	a, b, c := strings.Index(section, "rfcs#3437"), strings.Index(section, "rust#44874"), strings.Index(section, "cargo#12207")
	if a < 0 || b < a || c < b || !strings.Contains(section, "in-fcp: merge, ends 2024-08-20") || strings.Contains(section, "https://github.com/") {
		t.Errorf("related section:\n%s", section)
	}
	// Without related items the digest is what it was.
	if strings.Contains(Digest(weekView()), "Related, not placed") {
		t.Error("empty related list adds a section")
	}
}
