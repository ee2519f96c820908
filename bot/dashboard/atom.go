package dashboard

import (
	"bytes"
	"crypto/sha1"
	"encoding/xml"
	"fmt"
	"net/http"
	"time"
)

// feedEntries is how many transitions the Atom feed carries.
const feedEntries = 100

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle"`
	ID        string      `xml:"id"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Links     []atomLink  `xml:"link"`
	Entries   []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Updated    string         `xml:"updated"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    string         `xml:"summary"`
}

// feed serves /feed.atom: the newest status transitions, newest first.
func (h *Handler) feed(r *http.Request, w *world) (int, string, []byte, error) {
	body, err := w.atom()
	return http.StatusOK, "application/atom+xml; charset=utf-8", body, err
}

func (w *world) atom() ([]byte, error) {
	f := atomFeed{Title: "goalbot: subgoal status transitions", Subtitle: "Every change of a subgoal's status, newest first.",
		ID: uuidURN("goalbot feed"), Author: atomPerson{Name: "goalbot"}, Generator: "goalbot",
		Links: []atomLink{{Rel: "self", Href: "/feed.atom", Type: "application/atom+xml"}, {Rel: "alternate", Href: "/", Type: "text/html"}}}
	updated := time.Time{}
	for _, t := range w.recentTransitions(feedEntries) {
		if t.At.After(updated) {
			updated = t.At
		}
		goal := t.Goal
		if g := w.goals[t.Goal]; g != nil && g.Title != "" {
			goal = g.Title
		}
		e := atomEntry{
			Title:      fmt.Sprintf("%s: %s → %s", t.SubgoalTitle, t.From, t.To),
			ID:         uuidURN("goalbot transition " + t.Goal + " " + t.Subgoal + " " + t.At.UTC().Format(time.RFC3339Nano) + " " + t.To),
			Updated:    t.At.UTC().Format(time.RFC3339),
			Links:      []atomLink{{Rel: "alternate", Href: subgoalPath(t.Goal, t.Subgoal), Type: "text/html"}},
			Categories: []atomCategory{{Term: t.To}},
		}
		summary := fmt.Sprintf("Goal %q, subgoal %q: %s → %s", goal, t.SubgoalTitle, t.From, t.To)
		if t.Detail != "" {
			summary += " (" + t.Detail + ")"
		}
		if t.Item != nil {
			summary += " after a change on " + t.Item.Ref
			e.Links = append(e.Links, atomLink{Rel: "related", Href: t.Item.URL, Type: "text/html"})
		}
		e.Summary = summary + "."
		f.Entries = append(f.Entries, e)
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0)
	}
	f.Updated = updated.UTC().Format(time.RFC3339)
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("encode atom feed: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// uuidURN returns a name-based (SHA-1, version 5 layout) UUID URN, stable
// for the same name: Atom ids must never change.
func uuidURN(name string) string {
	s := sha1.Sum([]byte(name))
	s[6] = s[6]&0x0f | 0x50
	s[8] = s[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}
