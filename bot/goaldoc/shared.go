package goaldoc

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/yuin/goldmark/util"
)

// defaultBookToml is the goals repository's book.toml (MIT, see
// testdata/LICENSE-rust-project-goals), so callers without one still resolve
// the shared badges and linkifiers.
//
//go:embed testdata/book.toml
var defaultBookToml []byte

// Shared holds what the goals book's preprocessor adds to every page: shared
// reference definitions (badges), linkifiers, users to ignore and the team
// names whose references it defines.
type Shared struct {
	// Links maps a reference label (as written in book.toml) to its URL.
	Links map[string]string
	// Linkifiers turn bracketed text such as [RFC #3654] into links.
	Linkifiers []Linkifier
	// IgnoreUsers lists @mentions that are not people (e.g. "@triagebot").
	IgnoreUsers []string
	// Teams names the teams whose [team] references the preprocessor
	// defines from rust-lang/team; they are never "undefined".
	Teams []string
}

// Linkifier rewrites bracketed text matching Pattern into a link to URL,
// where URL may use $1, $2, ... for the pattern's groups.
type Linkifier struct {
	Pattern string
	URL     string
	re      *regexp.Regexp
}

// bookToml is the part of book.toml the parser reads.
type bookToml struct {
	Preprocessor struct {
		Goals struct {
			IgnoreUsers []string          `toml:"ignore_users"`
			Links       map[string]string `toml:"links"`
			Linkifiers  map[string]string `toml:"linkifiers"`
		} `toml:"goals"`
	} `toml:"preprocessor"`
}

// LoadShared reads the shared definitions of a goals book.toml
// ([preprocessor.goals] links, linkifiers and ignore_users). Teams is set
// to DefaultTeams because book.toml does not list them.
func LoadShared(bookTOML []byte) (*Shared, error) {
	var b bookToml
	if err := toml.Unmarshal(bookTOML, &b); err != nil {
		return nil, fmt.Errorf("read book.toml: %w", err)
	}
	g := b.Preprocessor.Goals
	s := &Shared{
		Links:       map[string]string{},
		IgnoreUsers: append([]string(nil), g.IgnoreUsers...),
		Teams:       DefaultTeams(),
	}
	for k, v := range g.Links {
		s.Links[k] = v
	}
	patterns := make([]string, 0, len(g.Linkifiers))
	for p := range g.Linkifiers {
		patterns = append(patterns, p)
	}
	// TOML tables have no order; longer patterns are more specific, so
	// they go first, and the order is stable from run to run.
	sort.Slice(patterns, func(i, j int) bool {
		if len(patterns[i]) != len(patterns[j]) {
			return len(patterns[i]) > len(patterns[j])
		}
		return patterns[i] < patterns[j]
	})
	for _, p := range patterns {
		l, err := compileLinkifier(p, g.Linkifiers[p])
		if err != nil {
			return nil, fmt.Errorf("read book.toml: %w", err)
		}
		s.Linkifiers = append(s.Linkifiers, l)
	}
	return s, nil
}

// DefaultShared returns the shared definitions of the goals repository's
// own book.toml, embedded in this package.
func DefaultShared() *Shared {
	s, err := LoadShared(defaultBookToml)
	if err != nil {
		// The embedded file is tested; failing here means a broken build.
		return &Shared{Links: map[string]string{}, Teams: DefaultTeams()}
	}
	return s
}

// DefaultTeams returns the rust-lang team names that goal documents refer
// to as [team] without defining them (the preprocessor appends their
// definitions from rust-lang/team).
func DefaultTeams() []string {
	return []string{
		"bootstrap", "cargo", "clippy", "community", "compiler", "core",
		"council", "crates-io", "devtools", "docs-rs", "edition", "formality",
		"infra", "lang", "lang-docs", "launching-pad", "leadership-council",
		"libs", "libs-api", "libs-contributors", "miri", "mods", "opsem",
		"project-exploit-mitigations", "project-rustc-public",
		"project-stable-mir", "release", "rust-analyzer", "rustdoc",
		"rustdoc-frontend", "rustfmt", "rustup", "spec", "style",
		"testing-devex", "triage", "types", "wg-async", "wg-macros",
		"wg-mir-opt", "wg-parallel-rustc",
	}
}

// compileLinkifier wraps pattern in brackets, as upstream does, so it only
// matches bracketed text.
func compileLinkifier(pattern, url string) (Linkifier, error) {
	re, err := regexp.Compile(`\[` + pattern + `\]`)
	if err != nil {
		return Linkifier{}, fmt.Errorf("linkifier %q: %w", pattern, err)
	}
	return Linkifier{Pattern: pattern, URL: url, re: re}, nil
}

// linkifierGroup matches $N in a linkifier URL.
var linkifierGroup = regexp.MustCompile(`\$([0-9]+)`)

// expand returns the URL for one match (the submatch indices of m in s).
func (l Linkifier) expand(s string, m []int) string {
	tmpl := linkifierGroup.ReplaceAllString(l.URL, "$${$1}")
	return string(l.re.ExpandString(nil, tmpl, s, m))
}

// resolved is a Shared prepared for one parse: compiled linkifiers and
// normalised lookup sets.
type resolved struct {
	links       map[string]string // normalised label → URL
	linkifiers  []Linkifier
	ignoreUsers map[string]bool // lower-case login without @
	teams       map[string]bool
}

// prepare compiles what s needs for parsing; a nil s means DefaultShared.
func prepare(s *Shared) *resolved {
	if s == nil {
		s = DefaultShared()
	}
	r := &resolved{
		links:       map[string]string{},
		ignoreUsers: map[string]bool{},
		teams:       map[string]bool{},
	}
	for k, v := range s.Links {
		r.links[normLabel(k)] = v
	}
	for _, l := range s.Linkifiers {
		if l.re == nil {
			c, err := compileLinkifier(l.Pattern, l.URL)
			if err != nil {
				continue // a hand-built Shared with a bad pattern: skip it
			}
			l = c
		}
		r.linkifiers = append(r.linkifiers, l)
	}
	for _, u := range s.IgnoreUsers {
		r.ignoreUsers[strings.ToLower(strings.TrimPrefix(u, "@"))] = true
	}
	for _, t := range s.Teams {
		r.teams[strings.ToLower(t)] = true
	}
	return r
}

// normLabel normalises a reference label the way goldmark matches them:
// Unicode case-folded, inner whitespace collapsed.
func normLabel(s string) string {
	return util.ToLinkReference([]byte(s))
}
