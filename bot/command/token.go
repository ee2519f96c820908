package command

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/goalbot/goalbot/bot"
)

// SyntaxError is a tokenizer error at a 1-based column (counted in
// characters) of the text the user wrote.
type SyntaxError struct {
	Column int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("column %d: %s", e.Column, e.Msg) }

// Unwrap makes the error a bot.EINVALID, so bot.ErrorMessage shows it.
func (e *SyntaxError) Unwrap() error { return &bot.Error{Code: bot.EINVALID, Message: e.Error()} }

// Tokenize splits s into words separated by white space. A word that starts
// with a quote runs to the matching quote and may hold spaces: "double"
// (where \" and \\ are escapes), 'single' (no escapes), and the typographic
// “double” and ‘single’ quotes that editors and phones substitute. A quote
// inside a word (don't) is an ordinary character. An unterminated quote is a
// *SyntaxError naming the column where it opened.
func Tokenize(s string) ([]string, error) { return tokenize(s, 1) }

// tokenize is Tokenize with columns counted from col, so that errors for a
// command line point at the line rather than at the text after the prefix.
func tokenize(s string, col int) ([]string, error) {
	var (
		toks     []string
		cur      strings.Builder
		inWord   bool
		quotable bool // at a word's start or right after a closing quote
	)
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if unicode.IsSpace(r) {
			if inWord {
				toks = append(toks, cur.String())
				cur.Reset()
				inWord = false
			}
			continue
		}
		if !inWord {
			inWord, quotable = true, true
		}
		closers, escapes := quoteCloser(r, rs[i+1:])
		if !quotable || closers == "" {
			cur.WriteRune(r)
			quotable = false
			continue
		}
		open := i
		closed := false
		for i++; i < len(rs); i++ {
			c := rs[i]
			if escapes && c == '\\' && i+1 < len(rs) && (rs[i+1] == '\\' || strings.ContainsRune(closers, rs[i+1])) {
				i++
				cur.WriteRune(rs[i])
				continue
			}
			if strings.ContainsRune(closers, c) {
				closed = true
				break
			}
			cur.WriteRune(c)
		}
		if !closed {
			return toks, &SyntaxError{Column: col + open, Msg: fmt.Sprintf("unterminated %c quote; close it with %c", r, closerFor(r))}
		}
		quotable = true
	}
	if inWord {
		toks = append(toks, cur.String())
	}
	return toks, nil
}

// quoteCloser reports whether r opens a quoted word, which characters close
// it, and whether backslash escapes apply.
// Typographic quotes close with either curly quote, because editors are
// inconsistent about which way they curl, or, when rest holds no curly
// quote, with the ASCII one (“like this"); so “the "send bound" problem”
// keeps its inner quotes.
func quoteCloser(r rune, rest []rune) (closers string, escapes bool) {
	curly := func(set, ascii string) string {
		for _, c := range rest {
			if strings.ContainsRune(set, c) {
				return set
			}
		}
		return ascii
	}
	switch r {
	case '"':
		return `"`, true
	case '\'':
		return `'`, false
	case '“', '”', '„':
		return curly(`”“`, `"`), true
	case '‘', '‚':
		return curly(`’‘`, `'`), false
	}
	return "", false
}

// closerFor returns the quote that conventionally closes opener.
func closerFor(opener rune) rune {
	switch opener {
	case '“', '”':
		return '”'
	case '„':
		return '“'
	case '‘':
		return '’'
	case '‚':
		return '‘'
	}
	return opener
}
