package goaldoc

import (
	"github.com/goalbot/goalbot/bot/spell"
	"regexp"
	"strings"

	"github.com/goalbot/goalbot/bot/ref"
)

// Metadata keys the parser understands, by normalised (lower-case) name.
const (
	keyPOC         = "point of contact"
	keyOwners      = "owner(s)"
	keyStatus      = "status"
	keyTracking    = "tracking issue"
	keyOther       = "other tracking issues"
	keyZulip       = "zulip channel"
	keyShortTitle  = "short title"
	keyTeams       = "teams"
	keyFlagship    = "flagship"
	keyRoadmap     = "roadmap"
	keyTaskOwners  = "task owners"
	keyInformative = "" // known keys the model does not interpret
)

// metaKeys maps every accepted spelling of a metadata key to the key it
// means; the informative ones are known but not interpreted.
var metaKeys = map[string]string{
	"point of contact":      keyPOC,
	"owner(s)":              keyOwners,
	"owner":                 keyOwners,
	"owners":                keyOwners,
	"status":                keyStatus,
	"tracking issue":        keyTracking,
	"other tracking issues": keyOther,
	"other tracking issue":  keyOther,
	"zulip channel":         keyZulip,
	"zulip":                 keyZulip,
	"short title":           keyShortTitle,
	"teams":                 keyTeams,
	"team(s)":               keyTeams,
	"flagship":              keyFlagship,
	"roadmap":               keyRoadmap,
	"roadmaps":              keyRoadmap,
	"task owners":           keyTaskOwners,
	"what and why":          keyInformative,
	"highlight":             keyInformative,
	"timespan":              keyInformative,
	"funding contact":       keyInformative,
	"needs":                 keyInformative,
	"see also":              keyInformative,
	"application area":      keyInformative,
	"goal document":         keyInformative,
	"tracked issues":        keyInformative,
}

// repeatable keys may appear more than once.
var repeatable = map[string]bool{keyRoadmap: true}

// championRe matches a "[team] champion" key.
var championRe = regexp.MustCompile(`^\[?([A-Za-z][-.A-Za-z0-9_]*)\]?\s+champions?$`)

// placeholderValues are cell values that mean "nothing yet".
var placeholderValues = map[string]bool{"": true, "-": true, "tbd": true, "n/a": true, "none": true, "na": true, "(none)": true}

// readMetadata fills the document's metadata from its first table and
// decides whether it is a goal document at all; it also sets the title.
func (p *parse) readMetadata(blocks []block) {
	d := p.doc
	var first *table
	for _, b := range blocks {
		if b.heading != nil && d.Title == "" {
			d.Title = p.cell(b.heading.text).plain()
		}
		if b.table != nil && first == nil {
			first = b.table
		}
	}
	if first == nil || kindOf(first.header) != metadataTable {
		d.skip = "not a goal document: no leading | Metadata | table"
		return
	}
	if d.Title == "" {
		p.errorf(1, "document has no title (the first heading gives it)")
	}
	seen := map[string]int{}
	sawStatus := false
	for _, r := range first.rows {
		rawKey := r.cells[0]
		s := p.cell(rawKey)
		key := s.plain()
		if key == "" && strings.TrimSpace(strings.Join(r.cells, "")) == "" {
			continue
		}
		var val *scan
		valRaw := ""
		if len(r.cells) > 1 {
			valRaw = strings.Join(r.cells[1:], " ")
		}
		val = p.cell(valRaw)
		d.Metadata = append(d.Metadata, MetaRow{Key: key, Value: val.plain(), Line: r.line})

		norm := strings.ToLower(strings.Join(strings.Fields(key), " "))
		if m := championRe.FindStringSubmatch(strings.TrimSpace(rawKey)); m != nil {
			p.champion(strings.ToLower(m[1]), val, r.line)
			continue
		}
		canon, ok := metaKeys[norm]
		if !ok {
			if guess, dist := closestKey(norm); guess != "" {
				p.warnf(r.line, "metadata key %q looks like a misspelling of %q (distance %d); read as %q", key, guess, dist, guess)
				canon = metaKeys[guess]
				ok = true
			}
		}
		if !ok {
			p.warnf(r.line, "unknown metadata key %q", key)
			continue
		}
		if canon == keyInformative {
			continue
		}
		if prev, dup := seen[canon]; dup && !repeatable[canon] {
			p.warnf(r.line, "metadata key %q repeated (first at line %d); the first value is used", key, prev)
			continue
		}
		seen[canon] = r.line
		p.metaValue(canon, key, val, r.line)
		if canon == keyStatus {
			sawStatus = true
		}
	}
	if !sawStatus {
		d.skip = "not a goal document: its Metadata table has no Status row"
		p.errorf(first.line, "metadata table has no Status row")
	}
	if len(d.PointOfContact) == 0 {
		d.PointOfContact = append(d.PointOfContact, d.Owners...)
	}
}

// metaValue stores one recognised metadata value.
func (p *parse) metaValue(canon, key string, val *scan, line int) {
	d := p.doc
	v := val.plain()
	switch canon {
	case keyStatus:
		d.Status = v
		if v == "" {
			p.errorf(line, "Status is empty (write Proposed, Accepted or Not accepted)")
		}
	case keyPOC:
		d.PointOfContact = dedupe(val.mentions)
		if len(d.PointOfContact) == 0 && !placeholderValues[strings.ToLower(v)] {
			p.warnf(line, "%s %q names no GitHub user (write @user)", key, v)
		}
	case keyOwners:
		d.Owners = dedupe(val.mentions)
	case keyTracking:
		rs := refsOf(val)
		if len(rs) == 0 {
			if r, err := ref.Parse(strings.Trim(v, "[]"), ref.Ref{}); err == nil {
				rs = append(rs, r)
			}
		}
		switch {
		case len(rs) > 0:
			d.TrackingIssue = rs[0]
			d.OtherTrackingIssues = append(d.OtherTrackingIssues, rs[1:]...)
		case !placeholderValues[strings.ToLower(v)]:
			p.warnf(line, "Tracking issue %q is not an issue reference (write [rust-lang/goals#N])", v)
		}
	case keyOther:
		d.OtherTrackingIssues = append(d.OtherTrackingIssues, refsOf(val)...)
	case keyZulip:
		d.Zulip = v
	case keyShortTitle:
		d.ShortTitle = v
	case keyTeams:
		d.Teams = dedupe(val.teams)
	case keyFlagship:
		d.Flagship = v
	case keyRoadmap:
		if v != "" {
			d.Roadmap = append(d.Roadmap, v)
		}
	case keyTaskOwners:
		// generated by the goals preprocessor; the task tables are the source
	}
}

// champion records a "[team] champion | @user" row.
func (p *parse) champion(team string, val *scan, line int) {
	users := dedupe(val.mentions)
	if len(users) == 0 {
		return
	}
	if p.doc.Champions == nil {
		p.doc.Champions = map[string]string{}
	}
	if _, dup := p.doc.Champions[team]; dup {
		p.warnf(line, "second champion row for team %q", team)
		return
	}
	p.doc.Champions[team] = users[0]
}

// closestKey returns the known key nearest to an unknown one when exactly
// one is near enough to be an unambiguous typo.
func closestKey(key string) (string, int) {
	if len(key) < 4 {
		return "", 0
	}
	limit := 1
	if len(key) >= 6 {
		limit = 2
	}
	best, bestDist, ties := "", limit+1, 0
	for k := range metaKeys {
		d := spell.Distance(key, k)
		switch {
		case d < bestDist:
			best, bestDist, ties = k, d, 1
		case d == bestDist && metaKeys[k] != metaKeys[best]:
			ties++
		}
	}
	if best == "" || ties != 1 {
		return "", 0
	}
	return best, bestDist
}
