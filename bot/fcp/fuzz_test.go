package fcp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseComment feeds arbitrary bodies, as rfcbot's, triagebot's and a
// human's, through the parsers and both state machines: nothing may
// panic, every event must be well formed, and states must survive JSON.
func FuzzParseComment(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.md"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for a := range byte(3) {
			f.Add(a, string(b))
		}
	}
	f.Add(byte(2), "@rfcbot concern x\n@rustbot concern resolve y `@rustbot second`")
	authors := []string{"rust-rfcbot", "rustbot", "someone"}
	f.Fuzz(func(t *testing.T, a byte, body string) {
		c := Comment{ID: 7, Author: authors[int(a)%len(authors)], Body: body, CreatedAt: t0, UpdatedAt: t1, Edited: a&4 != 0}
		e, ok := ParseComment(c)
		if !ok {
			if e.Kind != "" {
				t.Fatalf("no event but kind %q", e.Kind)
			}
		} else {
			if e.Kind == "" || e.At.IsZero() {
				t.Fatalf("bad event %+v", e)
			}
			seen := map[string]bool{}
			for _, r := range e.Reviewers {
				if r.Login == "" || strings.ContainsAny(r.Login, " \t\n@") || seen[strings.ToLower(r.Login)] {
					t.Fatalf("bad reviewer %q in %q", r.Login, body)
				}
				seen[strings.ToLower(r.Login)] = true
			}
			for _, x := range e.Concerns {
				if x.Name == "" || strings.Contains(x.Name, "\n") {
					t.Fatalf("bad concern %q", x.Name)
				}
			}
			for _, x := range e.Commands {
				if x.Verb == "" || strings.Contains(x.Arg, "\n") {
					t.Fatalf("bad command %+v", x)
				}
			}
		}
		s := State{}.Apply(e).Apply(NewLabelEvent(LabelFCP, true, t0))
		_ = s.Detail()
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back State
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		m := MCP{}.Apply(e)
		if be, ok := ParseIssueBody(body, t1); ok {
			m = m.Apply(be)
		}
		_ = m.Detail()
		if _, err := json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	})
}
