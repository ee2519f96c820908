package goaldoc

import (
	"os"
	"testing"
)

func BenchmarkParseSeed(b *testing.B) {
	src := readShared(b, "seed/async-parity-2024h2.md")
	shared := DefaultShared()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Parse("seed/async-parity-2024h2.md", src, shared)
	}
}

// BenchmarkParseCorpus parses every corpus document once per iteration.
func BenchmarkParseCorpus(b *testing.B) {
	files := corpusFiles(b)
	srcs := make([][]byte, len(files))
	total := 0
	for i, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		srcs[i] = src
		total += len(src)
	}
	shared := DefaultShared()
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		for i, src := range srcs {
			Parse(files[i], src, shared)
		}
	}
	b.ReportMetric(float64(len(files)), "files/op")
}
