package config

import (
	"cmp"
	"fmt"
	"github.com/goalbot/goalbot/bot/spell"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// sources remembers where each key of a loaded Config came from, so that
// problems found after decoding still name a file line or a variable.
type sources struct {
	file  string            // the config file as named to Load, "" when none
	lines map[string]int    // key path ("goals[1].links[0].item") → line
	env   map[string]string // key path → environment variable that set it
}

// problem is one configuration mistake, its text a single line. line is
// the file line it is about, 0 when none, so that Load can sort by it.
type problem struct {
	line int
	text string
}

func (p *problem) Error() string { return p.text }

// errorf returns a one-line problem about key, prefixed with the variable
// that set it, or the file and line, or else the key alone.
func (s *sources) errorf(key, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if s != nil {
		if v, ok := s.env[key]; ok {
			return &problem{text: fmt.Sprintf("%s: %s", v, msg)}
		}
		if line := s.line(key); line > 0 {
			return &problem{line: line, text: fmt.Sprintf("%s:%d: %s: %s", s.file, line, key, msg)}
		}
	}
	return &problem{text: fmt.Sprintf("%s: %s", key, msg)}
}

// sortProblems orders problems by file line, those without a line last,
// keeping the order of equals.
func sortProblems(errs []error) {
	lineOf := func(err error) int {
		if p, ok := err.(*problem); ok && p.line > 0 {
			return p.line
		}
		return math.MaxInt
	}
	slices.SortStableFunc(errs, func(a, b error) int { return cmp.Compare(lineOf(a), lineOf(b)) })
}

// line returns the line of key, or of its nearest enclosing key or table
// that has one, or 0.
func (s *sources) line(key string) int {
	for key != "" {
		if n, ok := s.lines[key]; ok {
			return n
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// indexLines maps every key and table of a TOML document to its 1-based
// line. Array tables and arrays of inline tables get indices: "goals[0]".
// The document must have parsed already; on a parse error the index is
// partial.
func indexLines(doc []byte) map[string]int {
	lines := map[string]int{}
	count := map[string]int{} // array path → entries seen
	var p unstable.Parser
	p.Reset(doc)
	table := ""
	lineOf := func(n *unstable.Node) int { return p.Shape(n.Raw).Start.Line }

	var walkValue func(path string, v *unstable.Node)
	walkValue = func(path string, v *unstable.Node) {
		switch v.Kind {
		case unstable.InlineTable:
			it := v.Children()
			for it.Next() {
				if kv := it.Node(); kv.Kind == unstable.KeyValue {
					walkKeyValue(lines, path, kv, lineOf, walkValue)
				}
			}
		case unstable.Array:
			it := v.Children()
			for i := 0; it.Next(); i++ {
				if el := it.Node(); el.Kind == unstable.InlineTable {
					walkValue(fmt.Sprintf("%s[%d]", path, i), el)
				}
			}
		}
	}

	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.KeyValue:
			walkKeyValue(lines, table, e, lineOf, walkValue)
		case unstable.Table, unstable.ArrayTable:
			path := ""
			it := e.Key()
			var line int
			for it.Next() {
				k := it.Node()
				line = lineOf(k)
				path = join(path, string(k.Data))
				if it.IsLast() && e.Kind == unstable.ArrayTable {
					i := count[path]
					count[path] = i + 1
					path += "[" + strconv.Itoa(i) + "]"
				} else if n, ok := count[path]; ok {
					path += "[" + strconv.Itoa(n-1) + "]"
				}
				if _, ok := lines[path]; !ok && !it.IsLast() {
					lines[path] = line // implicit parent table
				}
			}
			table = path
			if _, ok := lines[path]; !ok {
				lines[path] = line
			}
		}
	}
	return lines
}

func walkKeyValue(lines map[string]int, prefix string, kv *unstable.Node, lineOf func(*unstable.Node) int, walkValue func(string, *unstable.Node)) {
	path := prefix
	it := kv.Key()
	line := 0
	for it.Next() {
		k := it.Node()
		line = lineOf(k)
		path = join(path, string(k.Data))
		if _, ok := lines[path]; !ok {
			lines[path] = line
		}
	}
	walkValue(path, kv.Value())
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// knownKeys lists every key fileConfig accepts as dotted paths without
// indices ("goals.links.item"). Tables whose keys are free (maps) are listed
// as the table itself and reported in free.
func knownKeys() (keys []string, free map[string]bool) {
	free = map[string]bool{}
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if name == "" || name == "-" {
				continue
			}
			path := join(prefix, name)
			keys = append(keys, path)
			ft := f.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.Struct:
				walk(path, ft)
			case reflect.Map:
				free[path] = true
			}
		}
	}
	walk("", reflect.TypeFor[fileConfig]())
	return keys, free
}

// suggest returns the known key an unknown one was probably meant to be,
// or "": a close spelling in the same table, or the same name in another
// table.
func suggest(unknown []string) string {
	keys, _ := knownKeys()
	parent := strings.Join(unknown[:len(unknown)-1], ".")
	leaf := strings.ToLower(unknown[len(unknown)-1])
	best, bestD := "", -1
	for _, k := range keys {
		kp, kl := splitLast(k)
		if kp != parent {
			continue
		}
		if d := spell.Distance(leaf, kl); bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	if bestD >= 0 && bestD <= max(1, min(3, len(leaf)/3)) {
		return strconv.Quote(best)
	}
	if len(leaf) >= 3 {
		for _, k := range keys {
			if kp, kl := splitLast(k); kp == parent && strings.HasPrefix(kl, leaf) {
				return strconv.Quote(k) // a shortened name: "book" for "book_toml"
			}
		}
	}
	var same []string
	for _, k := range keys {
		if _, kl := splitLast(k); kl == leaf {
			same = append(same, strconv.Quote(k))
		}
	}
	sort.Strings(same)
	return strings.Join(same, " or ")
}

func splitLast(k string) (parent, leaf string) {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[:i], k[i+1:]
	}
	return "", k
}
