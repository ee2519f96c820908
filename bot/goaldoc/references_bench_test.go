package goaldoc

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseReferences parses the seed with and without reference
// finding, side by side in one run so both see the same machine load.
func BenchmarkParseReferences(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(findShared(b), "seed", "async-parity-2024h2.md"))
	if err != nil {
		b.Fatal(err)
	}
	shared := DefaultShared()
	for _, bc := range []struct {
		name  string
		parse func(string, []byte, *Shared) *Document
	}{{"rowLinksOnly", parseRowLinksOnly}, {"withReferences", Parse}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				bc.parse("seed/async-parity-2024h2.md", src, shared)
			}
		})
	}
}
