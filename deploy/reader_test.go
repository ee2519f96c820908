package deploy

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The deployment files are read with the small line readers below rather
// than a YAML library: go.mod has none, and the files use a plain subset
// (block mappings, block sequences, one literal block scalar).

// readFile returns the content of a file under deploy/, failing the test
// when it is missing.
func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(b)
}

// yamlLine is one meaningful line of a YAML file: its indentation and its
// text without indentation, list dash or trailing comment.
type yamlLine struct {
	n      int // 1-based line number
	indent int // column of the key, after any "- "
	text   string
}

// yamlLines splits doc into meaningful lines, dropping blank lines and
// comments. A literal block scalar's lines are kept verbatim in text.
func yamlLines(doc string) []yamlLine {
	var out []yamlLine
	sc := bufio.NewScanner(strings.NewReader(doc))
	n := 0
	for sc.Scan() {
		n++
		raw := sc.Text()
		trimmed := strings.TrimLeft(raw, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(raw) - len(trimmed)
		for strings.HasPrefix(trimmed, "- ") {
			trimmed = strings.TrimLeft(trimmed[2:], " ")
			indent = len(raw) - len(trimmed)
		}
		out = append(out, yamlLine{n: n, indent: indent, text: stripComment(trimmed)})
	}
	return out
}

// stripComment removes a " # comment" outside quotes.
func stripComment(s string) string {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && i > 0 && s[i-1] == ' ':
			return strings.TrimRight(s[:i], " ")
		}
	}
	return s
}

// yamlBlock returns the lines nested under the first key matching path,
// each element searched for at any depth inside the previous one's block.
func yamlBlock(t *testing.T, lines []yamlLine, path ...string) []yamlLine {
	t.Helper()
	for i, key := range path {
		found := false
		for j, l := range lines {
			if l.text != key+":" && !strings.HasPrefix(l.text, key+": ") {
				continue
			}
			end := j + 1
			for end < len(lines) && lines[end].indent > l.indent {
				end++
			}
			lines, found = lines[j+1:end], true
			if i == len(path)-1 {
				return lines
			}
			break
		}
		if !found {
			t.Fatalf("no %q in the YAML (path %s)", key, strings.Join(path, "."))
		}
	}
	return lines
}

// topBlock returns the lines under the top-level key (written "key:" or
// "key: &anchor").
func topBlock(t *testing.T, lines []yamlLine, key string) []yamlLine {
	t.Helper()
	for i, l := range lines {
		if l.indent != 0 || (l.text != key+":" && l.text != key) {
			continue
		}
		end := i + 1
		for end < len(lines) && lines[end].indent > 0 {
			end++
		}
		return lines[i+1 : end]
	}
	t.Fatalf("no top-level %q", key)
	return nil
}

// yamlValue returns the scalar value of the first key in lines (at any
// depth), unquoted, and whether it was found.
func yamlValue(lines []yamlLine, key string) (string, bool) {
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l.text, key+":"); ok {
			return unquote(strings.TrimSpace(v)), true
		}
	}
	return "", false
}

// mustValue is yamlValue failing the test when key is absent.
func mustValue(t *testing.T, lines []yamlLine, key string) string {
	t.Helper()
	v, ok := yamlValue(lines, key)
	if !ok {
		t.Fatalf("no %q key in block starting at line %d", key, firstLine(lines))
	}
	return v
}

func firstLine(lines []yamlLine) int {
	if len(lines) == 0 {
		return 0
	}
	return lines[0].n
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// blockScalar returns the literal block scalar ("key: |") under key in doc
// with its indentation removed, as the YAML parser would deliver it.
func blockScalar(doc, key string) (string, error) {
	lines := strings.Split(doc, "\n")
	start := -1
	keyIndent := 0
	for i, l := range lines {
		trimmed := strings.TrimLeft(l, " ")
		if trimmed == key+": |" || trimmed == key+": |-" {
			start, keyIndent = i+1, len(l)-len(trimmed)
			break
		}
	}
	if start < 0 {
		return "", fmt.Errorf("no literal block %q", key)
	}
	indent := -1
	var b strings.Builder
	for _, l := range lines[start:] {
		trimmed := strings.TrimLeft(l, " ")
		if trimmed == "" {
			b.WriteString("\n")
			continue
		}
		n := len(l) - len(trimmed)
		if indent < 0 {
			indent = n
		}
		if n <= keyIndent || n < indent {
			break
		}
		b.WriteString(l[indent:] + "\n")
	}
	if indent < 0 {
		return "", fmt.Errorf("literal block %q is empty", key)
	}
	return strings.TrimRight(b.String(), "\n") + "\n", nil
}

// dockerInstr is one Dockerfile instruction with continuation lines joined.
type dockerInstr struct {
	cmd  string // upper case: FROM, RUN, …
	args string
}

// dockerStages parses a Dockerfile into its stages, each a list of
// instructions starting with its FROM.
func dockerStages(doc string) [][]dockerInstr {
	var stages [][]dockerInstr
	var cur strings.Builder
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		if s == "" {
			return
		}
		cmd, args, _ := strings.Cut(s, " ")
		in := dockerInstr{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		if in.cmd == "FROM" || len(stages) == 0 {
			stages = append(stages, nil)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	for _, l := range strings.Split(doc, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") && cur.Len() == 0 || t == "" && cur.Len() == 0 {
			continue
		}
		if strings.HasPrefix(t, "#") {
			continue // a comment inside a continued instruction
		}
		if c, ok := strings.CutSuffix(t, `\`); ok {
			cur.WriteString(c + " ")
			continue
		}
		cur.WriteString(t)
		flush()
	}
	flush()
	return stages
}

// ignoreMatcher compiles a .dockerignore pattern (Go filepath.Match syntax
// plus "**" for any number of directories) into a matcher of slash paths
// relative to the context root. A pattern that matches a directory
// excludes everything below it.
func ignoreMatcher(pattern string) (*regexp.Regexp, error) {
	p := strings.TrimPrefix(filepath.ToSlash(filepath.Clean(pattern)), "/")
	var re strings.Builder
	re.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case strings.HasPrefix(p[i:], "**/"):
			re.WriteString("(.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			re.WriteString(".*")
			i++
		case c == '*':
			re.WriteString("[^/]*")
		case c == '?':
			re.WriteString("[^/]")
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString("(/.*)?$")
	return regexp.Compile(re.String())
}

// texts returns the lines' text, for messages.
func texts(lines []yamlLine) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.text
	}
	return out
}
