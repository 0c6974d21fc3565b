package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Key is one setting of the file: its dotted path ("http.read_timeout"),
// its environment variable ("" for a section) and whether it is a section
// of other keys.
type Key struct {
	Path    string
	Env     string
	Section bool
}

// Keys lists every key the configuration file accepts, sections first and
// in the order of the Config type.
func Keys() []Key {
	var keys []Key
	var collect func(t reflect.Type, prefix string)
	collect = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			name := yamlName(f)
			if name == "" {
				continue
			}
			path := prefix + name
			if isSection(f.Type) {
				keys = append(keys, Key{Path: path, Section: true})
				collect(f.Type, path+".")
				continue
			}
			keys = append(keys, Key{Path: path, Env: f.Tag.Get("env")})
		}
	}
	collect(reflect.TypeFor[Config](), "")
	return keys
}

// yamlName is a field's key in the file; "" when it has none.
func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	return name
}

var durationType = reflect.TypeFor[time.Duration]()

func isSection(t reflect.Type) bool { return t.Kind() == reflect.Struct }

// checkKeys walks the document against the Config type and reports every
// key that is not a setting (with its path, its line and the nearest valid
// key), every key set twice and every value of the wrong kind, in the words
// of the file rather than Go's type names.
func checkKeys(doc *yaml.Node) error {
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil
		}
		doc = doc.Content[0]
	}
	c := keyChecker{keys: Keys()}
	c.section(doc, reflect.TypeFor[Config](), "")
	return errors.Join(c.errs...)
}

type keyChecker struct {
	keys []Key
	errs []error
}

func (c *keyChecker) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

// section checks a mapping node that should hold the fields of t; path is
// the section's dotted path ("" for the top).
func (c *keyChecker) section(n *yaml.Node, t reflect.Type, path string) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		if path == "" {
			c.fail("the file must hold keys such as %s, not %s at line %d", strings.Join(childNames(t), ", "), describe(n), n.Line)
			return
		}
		c.fail("%s at line %d must be a section of keys (%s), not %s", path, n.Line, strings.Join(childNames(t), ", "), describe(n))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		full := join(path, k.Value)
		if k.Value == "<<" { // a YAML merge key: its values are checked by the decoder
			continue
		}
		if first, ok := seen[k.Value]; ok {
			c.fail("%s at line %d is already set at line %d", full, k.Line, first)
			continue
		}
		seen[k.Value] = k.Line
		f, ok := fieldByKey(t, k.Value)
		if !ok {
			c.fail("%s", c.unknown(path, k.Value, k.Line))
			continue
		}
		if isSection(f.Type) {
			c.section(v, f.Type, full)
			continue
		}
		c.value(v, f.Type, full)
	}
}

// value checks that n decodes as a value of type t.
func (c *keyChecker) value(n *yaml.Node, t reflect.Type, path string) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	want := kindWords(t)
	if t.Kind() == reflect.Slice {
		if n.Kind != yaml.SequenceNode {
			c.fail("%s at line %d must be %s, not %s", path, n.Line, want, describe(n))
			return
		}
		for _, item := range n.Content {
			c.value(item, t.Elem(), path+"[]")
		}
		return
	}
	if n.Kind != yaml.ScalarNode {
		c.fail("%s at line %d must be %s, not %s", path, n.Line, want, describe(n))
		return
	}
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		c.fail("%s at line %d must be %s, not %q", path, n.Line, want, n.Value)
	}
}

// unknown words the error of a key the section at path does not have: the
// nearest valid key when one is close, else the keys the section has.
func (c *keyChecker) unknown(path, name string, line int) string {
	full := join(path, name)
	msg := fmt.Sprintf("unknown key %s at line %d", full, line)
	if near := c.nearest(path, name); near != "" {
		return msg + "; did you mean " + near + "?"
	}
	var siblings []string
	for _, k := range c.keys {
		if parent(k.Path) == path {
			siblings = append(siblings, lastSegment(k.Path))
		}
	}
	if path == "" {
		return msg + "; the top-level keys are " + strings.Join(siblings, ", ")
	}
	return msg + "; " + path + " has " + strings.Join(siblings, ", ")
}

// nearest is the valid key closest to name written in the section at
// path: the section's own key spelled with other case or dashes, else the
// same key in another section (it was put in the wrong place), else the one
// key of the section that begins with it, else a key within a few typing
// mistakes, the section's own first; "" when none is close.
func (c *keyChecker) nearest(path, name string) string {
	norm := normalizeKey(name)
	misplaced := ""
	for _, k := range c.keys {
		if lastSegment(k.Path) != norm {
			continue
		}
		if parent(k.Path) == path {
			return k.Path
		}
		if misplaced == "" {
			misplaced = k.Path
		}
	}
	if misplaced != "" {
		return misplaced
	}
	var longer []string // the section's keys that begin with the name: master -> master_name
	for _, k := range c.keys {
		if parent(k.Path) == path && strings.HasPrefix(lastSegment(k.Path), norm+"_") {
			longer = append(longer, k.Path)
		}
	}
	if len(longer) == 1 {
		return longer[0]
	}
	best, bestDist := "", len(norm)/3+2 // the most mistakes worth suggesting, plus one
	for _, k := range c.keys {
		d := editDistance(norm, lastSegment(k.Path))
		if parent(k.Path) != path {
			d++ // the section the key was written in comes first
		}
		if d < bestDist {
			best, bestDist = k.Path, d
		}
	}
	return best
}

// normalizeKey lowers a key and writes its dashes and spaces as
// underscores, the spelling of every valid key.
func normalizeKey(s string) string {
	return strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(s))
}

// editDistance counts the insertions, deletions, substitutions and swaps
// of neighbours that turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); yamlName(f) == key && key != "" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func childNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if name := yamlName(t.Field(i)); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// kindWords says what a value of t is written as.
func kindWords(t reflect.Type) string {
	if t == durationType {
		return "a duration like 30s, 5m or 1h30m"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list like [a, b]"
	default:
		return "text"
	}
}

// describe names what a node holds, for an error.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a section of keys"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func parent(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return ""
	}
	return path[:i]
}

func lastSegment(path string) string { return path[strings.LastIndexByte(path, '.')+1:] }
