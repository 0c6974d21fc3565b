package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Editing YAML node by node: the yaml.v3 node tree says where each key and
// value stands (line and column); an edit replaces exactly the text of the
// nodes it changes, so comments, blank lines, quoting and indentation
// elsewhere stay byte for byte. Re-encoding the tree would lose blank lines
// and re-indent the file.

// errLayout says a node is written in a way these edits do not follow
// (flow style, a value over several lines, an anchor or tag); the caller
// writes the enclosing part anew instead.
var errLayout = errors.New("the YAML is laid out in a way a node edit cannot follow")

// source is a YAML text with the offsets of its lines.
type source struct {
	text  string
	start []int // byte offset of each line (index 0: line 1)
}

func newSource(data []byte) *source {
	s := &source{text: string(data), start: []int{0}}
	for i := 0; i < len(s.text); i++ {
		if s.text[i] == '\n' && i+1 < len(s.text) {
			s.start = append(s.start, i+1)
		}
	}
	return s
}

func (s *source) lineCount() int {
	if s.text == "" {
		return 0
	}
	return len(s.start)
}

// lineStart is the offset of line n (1-based); past the last line, the end
// of the text.
func (s *source) lineStart(n int) int {
	if n < 1 {
		return 0
	}
	if n > len(s.start) || s.text == "" {
		return len(s.text)
	}
	return s.start[n-1]
}

// line is line n's text without its line break.
func (s *source) line(n int) string {
	if n < 1 || n > s.lineCount() {
		return ""
	}
	return strings.TrimRight(s.text[s.lineStart(n):s.lineStart(n+1)], "\r\n")
}

func (s *source) isCommentOrBlank(n int) bool {
	t := strings.TrimSpace(s.line(n))
	return t == "" || strings.HasPrefix(t, "#")
}

// trimEnd is the last line from..limit that holds more than blank lines and
// comments: those before the next entry belong to it.
func (s *source) trimEnd(from, limit int) int {
	limit = min(limit, s.lineCount())
	for limit > from && s.isCommentOrBlank(limit) {
		limit--
	}
	return limit
}

// offset is the byte offset of a node's position (yaml.v3 counts columns in
// characters).
func (s *source) offset(n *yaml.Node) int {
	off := s.lineStart(n.Line)
	for col := 1; col < n.Column && off < len(s.text); col++ {
		_, size := utf8.DecodeRuneInString(s.text[off:])
		off += size
	}
	return off
}

// indentOf is the indentation of the entries of the block mapping m.
func (s *source) indentOf(m *yaml.Node) string {
	if len(m.Content) == 0 {
		return ""
	}
	return strings.Repeat(" ", m.Content[0].Column-1)
}

// scalarSpan is where a one-line scalar's text stands, quotes included.
func (s *source) scalarSpan(n *yaml.Node) (from, to int, err error) {
	if n.Kind != yaml.ScalarNode || n.Anchor != "" || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) != 0 {
		return 0, 0, errLayout
	}
	from = s.offset(n)
	rest := s.text[from:]
	if eol := strings.IndexAny(rest, "\r\n"); eol >= 0 {
		rest = rest[:eol]
	}
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0 && strings.HasPrefix(rest, `"`):
		for i := 1; i < len(rest); i++ {
			switch rest[i] {
			case '\\':
				i++
			case '"':
				return from, from + i + 1, nil
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0 && strings.HasPrefix(rest, "'"):
		for i := 1; i < len(rest); i++ {
			if rest[i] != '\'' {
				continue
			}
			if i+1 < len(rest) && rest[i+1] == '\'' {
				i++
				continue
			}
			return from, from + i + 1, nil
		}
	case n.Tag == "!!null" && n.Value == "":
		// An empty value has no text of its own to rewrite.
	case strings.HasPrefix(rest, n.Value) && n.Value != "":
		// A plain scalar is its own text when it fits its line.
		if after := rest[len(n.Value):]; after == "" || strings.ContainsAny(after[:1], " \t:") {
			return from, from + len(n.Value), nil
		}
	}
	return 0, 0, errLayout
}

// plainOrQuoted writes v as a YAML scalar, quoted only when it must be.
func plainOrQuoted(v string) string {
	if v == "" {
		return `""`
	}
	b, err := yaml.Marshal(v)
	if err != nil || bytes.Count(b, []byte("\n")) > 1 {
		return doubleQuoted(v)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// doubleQuoted writes v as a double-quoted YAML scalar (a JSON string is
// one).
func doubleQuoted(v string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// scalarLike writes v in the quoting of the scalar it replaces: quoted
// stays quoted the same way, plain stays plain when v can be.
func scalarLike(old *yaml.Node, v string) string {
	switch {
	case old.Style&yaml.DoubleQuotedStyle != 0:
		return doubleQuoted(v)
	case old.Style&yaml.SingleQuotedStyle != 0:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return plainOrQuoted(v)
}

// entryOf is key's value in the mapping m and its index in m.Content (nil,
// -1: none).
func entryOf(m *yaml.Node, key string) (*yaml.Node, int) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1], i
		}
	}
	return nil, -1
}

// entryEnd is the last line the entry at index i of the mapping m may use
// (m's lines end at stop).
func entryEnd(m *yaml.Node, i, stop int) int {
	if i+2 < len(m.Content) {
		return m.Content[i+2].Line - 1
	}
	return stop
}

// textEdit replaces text[from:to] with text.
type textEdit struct {
	from, to int
	text     string
}

// editor collects edits of a source and applies them at once.
type editor struct {
	src   *source
	edits []textEdit
}

func (e *editor) add(from, to int, text string) {
	e.edits = append(e.edits, textEdit{from, to, text})
}

func (e *editor) setScalar(n *yaml.Node, v string) error {
	from, to, err := e.src.scalarSpan(n)
	if err != nil {
		return err
	}
	e.add(from, to, scalarLike(n, v))
	return nil
}

// deleteLines removes lines from..to (1-based, inclusive).
func (e *editor) deleteLines(from, to int) {
	e.add(e.src.lineStart(from), e.src.lineStart(to+1), "")
}

// replaceLines puts text in place of lines from..to.
func (e *editor) replaceLines(from, to int, text string) {
	e.add(e.src.lineStart(from), e.src.lineStart(to+1), e.lineBreakBefore(to+1)+text)
}

// insertAfterLine puts text (whole lines) after line n.
func (e *editor) insertAfterLine(n int, text string) {
	e.add(e.src.lineStart(n+1), e.src.lineStart(n+1), e.lineBreakBefore(n+1)+text)
}

// lineBreakBefore is the line break that text put at line n needs: the
// file's last line may have none.
func (e *editor) lineBreakBefore(n int) string {
	if off := e.src.lineStart(n); off == len(e.src.text) && off > 0 && e.src.text[off-1] != '\n' {
		return "\n"
	}
	return ""
}

// deleteEntry removes the entry at index i of the block mapping m (whose
// lines end at stop), its comments inside included.
func (e *editor) deleteEntry(m *yaml.Node, i, stop int) error {
	key := m.Content[i]
	if m.Style&yaml.FlowStyle != 0 || strings.TrimSpace(e.src.line(key.Line)[:e.src.offset(key)-e.src.lineStart(key.Line)]) != "" {
		// "- key: v": the entry shares its line with the list's dash.
		return errLayout
	}
	e.deleteLines(key.Line, e.src.trimEnd(key.Line, entryEnd(m, i, stop)))
	return nil
}

// canonicalOrder is the order of a field's keys in the shipped mapping:
// an added key goes after the one before it in this order.
var canonicalOrder = []string{"name", "care", "salesforce", "direction", "conflict", "values"}

// insertEntry adds text (whole lines: an entry of m) to the block mapping m
// whose lines end at stop: after the entry that comes before it in
// canonicalOrder, or after m's last entry.
func (e *editor) insertEntry(m *yaml.Node, stop int, text string) error {
	if m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return errLayout
	}
	after := len(m.Content) - 2
	key := strings.TrimSpace(text[:max(strings.Index(text, ":"), 0)])
	if at := slices.Index(canonicalOrder, key); at >= 0 {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if k := slices.Index(canonicalOrder, m.Content[i].Value); k >= 0 && k < at {
				after = i
			}
		}
	}
	e.insertAfterLine(e.src.trimEnd(m.Content[after].Line, entryEnd(m, after, stop)), text)
	return nil
}

// apply returns the source with every edit made. Edits may not overlap;
// insertions at one place keep the order they were made in.
func (e *editor) apply() ([]byte, error) {
	edits := slices.Clone(e.edits)
	slices.SortStableFunc(edits, func(a, b textEdit) int { return a.from - b.from })
	var b strings.Builder
	pos := 0
	for _, ed := range edits {
		if ed.from < pos {
			return nil, fmt.Errorf("%w: two edits of the same text", errLayout)
		}
		b.WriteString(e.src.text[pos:ed.from])
		b.WriteString(ed.text)
		pos = ed.to
	}
	b.WriteString(e.src.text[pos:])
	return []byte(b.String()), nil
}
