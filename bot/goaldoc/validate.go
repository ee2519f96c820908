package goaldoc

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/goalbot/goalbot/bot/spell"
	"github.com/pelletier/go-toml/v2"
)

// The checks here go beyond what parsing needs: they catch the mistakes a
// goal author makes (a misspelled team, status or badge; a broken Metadata
// table) so that `goalbot goals check` can gate a goals repository's CI.

// CheckOptions tune CheckPathsWith.
type CheckOptions struct {
	Shared *Shared  // book.toml definitions; nil for DefaultShared()
	Teams  []string // the known team names; nil: from the goals repository's configuration, else Shared.Teams
}

// Statuses are the values of the Status metadata row the goals repository
// has accepted over time (2024h2: Flagship, Orphaned; AGENTS.md: Invited,
// Proposed for mentorship). A status may go on after one of them
// ("Proposed as RFC #3657").
func Statuses() []string {
	return []string{"Accepted", "Proposed", "Not accepted", "Flagship", "Orphaned", "Invited", "Proposed for mentorship"}
}

// knownBadges lists the badge names that need no definition of their own.
func knownBadges(shared *Shared) []string {
	out := []string{BadgeFunded, BadgeNotFunded, BadgeTeam, BadgeComplete, BadgeApproved, BadgeNotApproved, BadgeTBD, BadgeHelpWanted}
	for label := range shared.Links {
		out = append(out, label)
	}
	sort.Strings(out)
	return out
}

// teamNames is a set of lower-case team names and where it came from.
type teamNames struct {
	names map[string]bool
	list  []string
	from  string // the configuration file, or "" for the built-in list
}

func newTeamNames(list []string, from string) teamNames {
	t := teamNames{names: map[string]bool{}, from: from}
	for _, n := range list {
		n = strings.ToLower(strings.TrimSpace(n))
		if n != "" && !t.names[n] {
			t.names[n] = true
			t.list = append(t.list, n)
		}
	}
	sort.Strings(t.list)
	return t
}

// repoConfigName is the goals repository's own configuration file, at its
// root; a "teams" list (or [teams.NAME] tables) there names its teams.
const repoConfigName = "rust-project-goals.toml"

// RepoTeams looks for the goals repository's configuration in path's folder
// and up to four folders above it (a check usually names src/2025h1) and
// returns the team names it lists, with the file it read. No file, or a
// file without teams, gives nil and "".
func RepoTeams(path string) ([]string, string, error) {
	dir, err := filepath.Abs(path)
	if err != nil {
		return nil, "", err
	}
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		dir = filepath.Dir(dir)
	}
	for range 5 {
		f := filepath.Join(dir, repoConfigName)
		if b, err := os.ReadFile(f); err == nil {
			var cfg struct {
				Teams any `toml:"teams"`
			}
			if err := toml.Unmarshal(b, &cfg); err != nil {
				return nil, "", fmt.Errorf("read %s: %w", f, err)
			}
			var names []string
			switch t := cfg.Teams.(type) {
			case []any:
				for _, v := range t {
					if s, ok := v.(string); ok {
						names = append(names, s)
					}
				}
			case map[string]any:
				for k := range t {
					names = append(names, k)
				}
			}
			if len(names) == 0 {
				return nil, "", nil
			}
			return names, f, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return nil, "", nil
}

// validate adds the author-mistake warnings to a goal document: unknown
// teams, an unknown status and misspelled badges, each with the closest
// known name when one is close.
func validate(d *Document, shared *Shared, teams teamNames) {
	// Status.
	if line, ok := metaLine(d, keyStatus); ok && d.Status != "" && !knownStatus(d.Status) {
		first := strings.FieldsFunc(d.Status, func(r rune) bool { return !unicode.IsLetter(r) })
		msg := fmt.Sprintf("unknown status %q; the goals repository accepts %s", d.Status, strings.Join(Statuses()[:3], ", "))
		if len(first) > 0 {
			if s := closest(first[0], Statuses()); s != "" {
				msg = fmt.Sprintf("unknown status %q (did you mean %q?)", d.Status, s)
			}
		}
		d.Warnings = append(d.Warnings, Diagnostic{Line: line, Message: msg})
	}
	// Teams: the Teams row, owner cells and team asks.
	reported := map[string]bool{}
	team := func(name string, line int) {
		n := strings.ToLower(name)
		key := fmt.Sprintf("%s@%d", n, line)
		if n == "" || teams.names[n] || reported[key] {
			return
		}
		reported[key] = true
		msg := fmt.Sprintf("unknown team [%s]", name)
		if s := closest(n, teams.list); s != "" {
			msg += fmt.Sprintf(" (did you mean [%s]?)", s)
		}
		if teams.from != "" {
			msg += " (teams from " + teams.from + ")"
		}
		d.Warnings = append(d.Warnings, Diagnostic{Line: line, Message: msg})
	}
	if line, ok := metaLine(d, keyTeams); ok {
		for _, t := range d.Teams {
			team(t, line)
		}
	}
	badges := knownBadges(shared)
	isBadge := map[string]bool{}
	for _, b := range badges {
		isBadge[strings.ToLower(b)] = true
	}
	d.Walk(func(s, _ *Subgoal) bool {
		for _, t := range s.Teams {
			team(t, s.Line)
		}
		for _, b := range s.Badges {
			if isBadge[strings.ToLower(b)] {
				continue
			}
			// Only a near miss: inline images with their own URL
			// ("Stretch Goal") are the author's to choose.
			if c := closest(b, badges); c != "" {
				d.Warnings = append(d.Warnings, Diagnostic{Line: s.Line, Message: fmt.Sprintf("unknown badge ![%s][] (did you mean ![%s][]?)", b, c)})
			}
		}
		return true
	})
	for _, a := range d.TeamAsks {
		for _, t := range append([]string{a.Team}, a.Teams...) {
			team(t, a.Line)
		}
	}
	// The parser's undefined-reference warnings: a near miss of a badge
	// ("![Heap wanted][]") gets the badge it was meant to be.
	for i, w := range d.Warnings {
		label, ok := strings.CutPrefix(w.Message, "reference [")
		if !ok {
			continue
		}
		label, ok = strings.CutSuffix(label, "] is not defined")
		if !ok || isBadge[strings.ToLower(label)] {
			continue
		}
		if c := closest(label, badges); c != "" {
			d.Warnings[i].Message += fmt.Sprintf(" (did you mean ![%s][]?)", c)
		}
	}
	sort.SliceStable(d.Warnings, func(i, j int) bool { return d.Warnings[i].Line < d.Warnings[j].Line })
}

// metaLine returns the line of the metadata row whose key means canon.
func metaLine(d *Document, canon string) (int, bool) {
	for _, m := range d.Metadata {
		if metaKeys[strings.ToLower(strings.Join(strings.Fields(m.Key), " "))] == canon {
			return m.Line, true
		}
	}
	return 0, false
}

// knownStatus reports whether s starts with one of Statuses (any case),
// followed by the end or a non-letter: "Proposed as RFC #3657" is fine.
func knownStatus(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, k := range Statuses() {
		k = strings.ToLower(k)
		if rest, ok := strings.CutPrefix(s, k); ok {
			if rest == "" || !unicode.IsLetter([]rune(rest)[0]) {
				return true
			}
		}
	}
	return false
}

// closest returns the entry of list nearest to w (case-insensitive), or ""
// when none is within a quarter of w's length (at least 1 edit, at most 3).
func closest(w string, list []string) string {
	lw := strings.ToLower(w)
	best, bestD := "", -1
	for _, c := range list {
		d := spell.Distance(lw, strings.ToLower(c))
		if d == 0 {
			return ""
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD >= 0 && bestD <= max(1, min(3, len([]rune(lw))/4)) {
		return best
	}
	return ""
}

// metadataTrouble explains why a document that was skipped as not a goal
// document is nevertheless meant to be one: it has a "| Metadata |" header
// line before any other table, but no table was read there (a missing or
// mismatched delimiter row), or the table has no Status row. It returns the
// line and the message of the error, or ok false for a page that is simply
// not a goal document.
func metadataTrouble(d *Document, src []byte) (line int, msg string, ok bool) {
	if base := filepath.Base(d.File); strings.EqualFold(base, "TEMPLATE.md") || strings.HasPrefix(strings.ToLower(base), "roadmap-") {
		return 0, "", false // pages the goals book skips by name (roadmaps have a Metadata table, no Status)
	}
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	fence := ""
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			continue
		}
		cells, isRow := splitRow(t)
		if !isRow {
			continue
		}
		if len(cells) == 0 || !strings.EqualFold(strings.TrimSpace(cells[0]), "metadata") {
			return 0, "", false // another table comes first: not a goal document
		}
		// The Metadata header. What follows must be a delimiter row with
		// as many cells.
		if !strings.Contains(d.skip, "no leading") {
			// A table was read but it has no Status row: the parser
			// already said so at the table's line.
			for _, e := range d.Errors {
				return e.Line, e.Message, true
			}
			return i + 1, "metadata table has no Status row; add | Status | Proposed |", true
		}
		if i+1 >= len(lines) {
			return i + 1, "malformed Metadata table: the header is not followed by a delimiter row like |---|---|", true
		}
		next := strings.TrimSpace(lines[i+1])
		delim, _ := splitRow(next)
		if !isDelimiterRow(delim) {
			return i + 2, fmt.Sprintf("malformed Metadata table: line %d should be a delimiter row like |---|---|, got %q", i+2, next), true
		}
		if len(delim) != len(cells) {
			return i + 2, fmt.Sprintf("malformed Metadata table: the delimiter row has %d cells, the header %d; make them equal", len(delim), len(cells)), true
		}
		return i + 1, "malformed Metadata table: it is not read as a table (check its | separators)", true
	}
	return 0, "", false
}

// teamsFor resolves the team list for the files under root: opts.Teams,
// else the goals repository's configuration, else shared.Teams.
func (o CheckOptions) teamsFor(root string, shared *Shared) (teamNames, error) {
	if o.Teams != nil {
		return newTeamNames(o.Teams, ""), nil
	}
	names, from, err := RepoTeams(root)
	if err != nil {
		return teamNames{}, err
	}
	if names != nil {
		return newTeamNames(names, from), nil
	}
	return newTeamNames(shared.Teams, ""), nil
}

// HasWarnings reports whether any checked document has a warning.
func (r *Report) HasWarnings() bool {
	for _, d := range r.Documents {
		if len(d.Warnings) > 0 {
			return true
		}
	}
	return false
}

// CountByKind tallies diagnostics by their kind (the message up to its
// first quote, bracket or colon), for summaries.
func CountByKind(diags []Diagnostic) map[string]int {
	out := map[string]int{}
	for _, d := range diags {
		k := d.Message
		if i := strings.IndexAny(k, "\"[:("); i > 0 {
			k = k[:i]
		}
		out[strings.TrimSpace(k)]++
	}
	return out
}
