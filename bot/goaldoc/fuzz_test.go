package goaldoc

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics, always returns a document
// whose JSON form encodes, and keeps every line number inside the input.
func FuzzParse(f *testing.F) {
	f.Add([]byte(doc("", taskHeader+"| a | @x | ![Team][] |\n| ↳ ~~b~~ | [y][] | [RFC #1] |\n")))
	f.Add([]byte("| Metadata | |\n|---|---|\n| Status | \\|\n"))
	f.Add([]byte("# T\r\n| Metadata |\r\n|-|\r\n| Stauts | x |\r\n```\r\n| a |\r\n"))
	f.Add([]byte("#### ↳\n| Task | Owner |\n|:-:|:-|\n| ↳ ↳ [x] | ~~ |\n<!-- | a |\n"))
	if src, err := os.ReadFile(corpusRoot + "/seed/async-parity-2024h2.md"); err == nil {
		f.Add(src)
	}
	shared := DefaultShared()
	f.Fuzz(func(t *testing.T, src []byte) {
		timer := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("Parse took over 5s on %q", src)) })
		d := Parse("fuzz/2024h2/f.md", src, shared)
		timer.Stop()
		if d == nil {
			t.Fatal("nil document")
		}
		lines := strings.Count(string(src), "\n") + strings.Count(string(src), "\r") + 1
		for _, e := range append(append([]Diagnostic{}, d.Errors...), d.Warnings...) {
			if strings.HasPrefix(e.Message, "internal error") {
				t.Fatalf("parser panicked: %s", e.Message)
			}
			if e.Line < 0 || e.Line > lines {
				t.Fatalf("diagnostic line %d outside 0..%d: %s", e.Line, lines, e.Message)
			}
		}
		ids := map[string]bool{}
		d.Walk(func(s, _ *Subgoal) bool {
			if s.Line < 1 || s.Line > lines || ids[s.ID] {
				t.Fatalf("subgoal %q line %d id %q (seen %v)", s.Title, s.Line, s.ID, ids[s.ID])
			}
			ids[s.ID] = true
			return true
		})
		if _, err := json.Marshal(d); err != nil {
			t.Fatalf("marshal: %v", err)
		}
	})
}
