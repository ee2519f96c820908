package command

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// visibleStarts parses src as GitHub-flavoured markdown and reports which of
// the offsets in want are where a run of ordinary rendered text begins: text of paragraphs,
// list items and headings, but not of block quotes, tables, links or images,
// and never code or HTML (neither are text nodes). A command is recognised
// only where such a run starts at its prefix, which is how code spans or
// HTML comments that open on an earlier line also hide it. The offsets in
// inside (mentions after other text on their line) need only lie within
// such a run.
func visibleStarts(src []byte, want map[int]bool, inside []int) map[int]bool {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	doc := md.Parser().Parse(text.NewReader(src))
	starts := map[int]bool{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Blockquote, *ast.HTMLBlock, *ast.FencedCodeBlock, *ast.CodeBlock,
			*ast.CodeSpan, *ast.RawHTML, *ast.Link, *ast.Image, *ast.AutoLink, *east.Table:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if want[n.Segment.Start] {
				starts[n.Segment.Start] = true
			}
			for _, off := range inside {
				if n.Segment.Start <= off && off < n.Segment.Stop {
					starts[off] = true
				}
			}
		}
		return ast.WalkContinue, nil
	})
	return starts
}
