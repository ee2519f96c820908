package command

import (
	"errors"
	"reflect"
	"testing"

	"github.com/goalbot/goalbot/bot"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   \t ", nil},
		{"track #105", []string{"track", "#105"}},
		{"  a\tb  c ", []string{"a", "b", "c"}},
		{"a\u00a0b\u3000c", []string{"a", "b", "c"}}, // no-break and ideographic spaces
		{`"approve RFC"`, []string{"approve RFC"}},
		{`'approve RFC'`, []string{"approve RFC"}},
		{`“approve RFC”`, []string{"approve RFC"}},
		{`”approve RFC”`, []string{"approve RFC"}},
		{`„approve RFC“`, []string{"approve RFC"}},
		{`“approve RFC"`, []string{"approve RFC"}},
		{`‘approve RFC’`, []string{"approve RFC"}},
		{`"a \"b\" c"`, []string{`a "b" c`}},
		{`"back\\slash"`, []string{`back\slash`}},
		{`"C:\path\n"`, []string{`C:\path\n`}},
		{`“say \” here”`, []string{`say ” here`}},
		{`'no \' escapes'`, []string{`no \`, `escapes'`}},
		{`""`, []string{""}},
		{`a "" b`, []string{"a", "", "b"}},
		{`don't stop`, []string{"don't", "stop"}},
		{`it’s fine`, []string{"it’s", "fine"}},
		{`"a"b`, []string{"ab"}},
		{`"a"'b c'`, []string{"ab c"}},
		{`"resolve the 'send bound' problem"`, []string{"resolve the 'send bound' problem"}},
		{`'resolve the "send bound" problem'`, []string{`resolve the "send bound" problem`}},
		{"über 😀 “ü ü”", []string{"über", "😀", "ü ü"}},
	}
	for _, tt := range tests {
		got, err := Tokenize(tt.in)
		if err != nil {
			t.Errorf("Tokenize(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenizeErrors(t *testing.T) {
	tests := []struct {
		in      string
		col     int
		message string
	}{
		{`"open`, 1, `column 1: unterminated " quote; close it with "`},
		{`track #1 "approve RFC`, 10, `column 10: unterminated " quote; close it with "`},
		{`a 'b`, 3, `column 3: unterminated ' quote; close it with '`},
		{`ü “ü`, 3, `column 3: unterminated “ quote; close it with ”`}, // columns count characters, not bytes
		{`"escaped at end\"`, 1, `column 1: unterminated " quote; close it with "`},
		{`'a' ‘b`, 5, `column 5: unterminated ‘ quote; close it with ’`},
	}
	for _, tt := range tests {
		_, err := Tokenize(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Tokenize(%q): error %v, want a *SyntaxError", tt.in, err)
			continue
		}
		if se.Column != tt.col {
			t.Errorf("Tokenize(%q): column %d, want %d", tt.in, se.Column, tt.col)
		}
		if got := bot.ErrorMessage(err); got != tt.message {
			t.Errorf("Tokenize(%q): message %q, want %q", tt.in, got, tt.message)
		}
		if bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("Tokenize(%q): code %q, want %q", tt.in, bot.ErrorCode(err), bot.EINVALID)
		}
	}
}
