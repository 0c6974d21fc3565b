package admin

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/carebridge/carebridge/mapping"
)

// The mapping form is the fields section of a mapping's YAML as rows the
// admin UI edits with pickers. The YAML stays the one stored truth: the form
// is read from it, and an edited form is written back into it, field by
// field, leaving the lines of unchanged fields, the comments and the other
// sections as they were. Whether the result is a valid mapping is the real
// parser's call (validate), not the form's.

// FormField is one row: a field of the mapping.
type FormField struct {
	// Orig is the field's position in the YAML's fields list; -1 for a
	// field added in the form.
	Orig       int           `json:"orig"`
	Name       string        `json:"name"`
	Care       string        `json:"care"`
	Salesforce string        `json:"salesforce"`
	Direction  string        `json:"direction"`
	Conflict   string        `json:"conflict,omitempty"`
	CareToSF   *FormValueMap `json:"care_to_salesforce,omitempty"`
	SFToCare   *FormValueMap `json:"salesforce_to_care,omitempty"`
}

// FormValueMap is a value translation as a two-column table.
type FormValueMap struct {
	Pairs []FormPair `json:"pairs"`
	// Else translates every value not listed; nil when there is none.
	Else *string `json:"else,omitempty"`
}

// FormPair is one row of a value map.
type FormPair struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// errNotForm says why the form cannot show a mapping's YAML.
var errNotForm = errors.New("the form cannot show this YAML")

// fieldsNode finds the root mapping and its fields list.
func fieldsNode(data []byte) (doc *yaml.Node, root *yaml.Node, seq *yaml.Node, next *yaml.Node, err error) {
	doc = &yaml.Node{}
	if err := yaml.Unmarshal(data, doc); err != nil {
		return nil, nil, nil, nil, fmt.Errorf("%w: it is not valid YAML (%v); fix it in the YAML view", errNotForm, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, nil, nil, fmt.Errorf("%w: it has no sections; fix it in the YAML view", errNotForm)
	}
	root = doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "fields" {
			continue
		}
		seq = root.Content[i+1]
		if i+2 < len(root.Content) {
			next = root.Content[i+2]
		}
		break
	}
	if seq == nil || seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 {
		return nil, nil, nil, nil, fmt.Errorf("%w: the fields section is not a list of \"- name:\" entries; fix it in the YAML view", errNotForm)
	}
	for _, item := range seq.Content {
		if item.Kind != yaml.MappingNode || item.Style&yaml.FlowStyle != 0 {
			return nil, nil, nil, nil, fmt.Errorf("%w: the field at line %d is not written as \"key: value\" lines (aliases and {...} are for the YAML view)", errNotForm, item.Line)
		}
	}
	return doc, root, seq, next, nil
}

// readForm reads the fields section of a mapping's YAML as form rows.
func readForm(data []byte) ([]FormField, error) {
	if err := tooLarge(data); err != nil {
		return nil, err
	}
	_, _, seq, _, err := fieldsNode(data)
	if err != nil {
		return nil, err
	}
	out := make([]FormField, 0, len(seq.Content))
	for i, item := range seq.Content {
		out = append(out, readField(i, item))
	}
	return out, nil
}

// tooLarge refuses what the mapping parser would refuse as too complex, so
// the form never walks an alias bomb.
func tooLarge(data []byte) error {
	_, err := mapping.Parse("form", data, nil)
	var ve *mapping.ValidationError
	if errors.As(err, &ve) && len(ve.Problems) == 1 && ve.Problems[0].Line == 0 &&
		(strings.Contains(ve.Problems[0].Message, "aliases") || strings.Contains(ve.Problems[0].Message, "too large")) {
		return fmt.Errorf("%w: %s", errNotForm, ve.Problems[0].Message)
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func readField(i int, item *yaml.Node) FormField {
	f := FormField{
		Orig: i, Name: scalar(lookup(item, "name")), Care: scalar(lookup(item, "care")),
		Salesforce: scalar(lookup(item, "salesforce")), Direction: scalar(lookup(item, "direction")),
		Conflict: scalar(lookup(item, "conflict")),
	}
	values := lookup(item, "values")
	f.CareToSF = readValueMap(lookup(values, "care_to_salesforce"))
	f.SFToCare = readValueMap(lookup(values, "salesforce_to_care"))
	return f
}

func readValueMap(n *yaml.Node) *FormValueMap {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	m := &FormValueMap{Pairs: []FormPair{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, scalar(n.Content[i+1])
		if k == mapping.Else {
			m.Else = &v
			continue
		}
		m.Pairs = append(m.Pairs, FormPair{From: k, To: v})
	}
	return m
}

// writeForm writes form rows into a mapping's YAML: an unchanged field keeps
// its lines (and comments), a changed one is written anew in place, a
// removed one loses its lines, and new ones go after the last field.
func writeForm(data []byte, fields []FormField) (string, error) {
	if err := tooLarge(data); err != nil {
		return "", err
	}
	_, _, seq, next, err := fieldsNode(data)
	if err != nil {
		return "", err
	}
	for _, f := range fields {
		if err := f.check(); err != nil {
			return "", err
		}
	}
	lines := strings.SplitAfter(string(data), "\n")
	// The last line a field may use: up to the next field (or the next
	// section), without the blank and comment lines before it, which belong
	// to what follows.
	end := func(i int) int {
		limit := len(lines) // 1-based line after the last
		if i+1 < len(seq.Content) {
			limit = seq.Content[i+1].Line - 1
		} else if next != nil {
			limit = next.Line - 1
		}
		for limit > seq.Content[i].Line {
			t := strings.TrimSpace(lines[limit-1])
			if t != "" && !strings.HasPrefix(t, "#") {
				break
			}
			limit--
		}
		return limit
	}
	byOrig := map[int]FormField{}
	var added []FormField
	for _, f := range fields {
		if f.Orig >= 0 && f.Orig < len(seq.Content) {
			if _, dup := byOrig[f.Orig]; dup {
				return "", fmt.Errorf("%w: two rows claim field #%d", errNotForm, f.Orig+1)
			}
			byOrig[f.Orig] = f
		} else {
			added = append(added, f)
		}
	}
	dash, keys := "  ", "    "
	if len(seq.Content) > 0 {
		first := seq.Content[0]
		line := lines[first.Line-1]
		d := strings.Index(line, "-")
		if d < 0 || first.Column-1 <= d {
			return "", fmt.Errorf("%w: the field at line %d does not start with \"- \"", errNotForm, first.Line)
		}
		dash, keys = strings.Repeat(" ", d), strings.Repeat(" ", first.Column-1)
	}
	var out strings.Builder
	pos := 0 // lines written so far (0-based index of the next line)
	lastEnd := 0
	for i, item := range seq.Content {
		start, stop := item.Line, end(i) // 1-based, inclusive
		for ; pos < start-1; pos++ {
			out.WriteString(lines[pos])
		}
		f, kept := byOrig[i]
		switch {
		case !kept:
			// removed
		case f.equal(readField(i, item)):
			for k := start - 1; k < stop; k++ {
				out.WriteString(lines[k])
			}
		default:
			out.WriteString(f.render(dash, keys))
		}
		pos, lastEnd = stop, stop
	}
	if len(seq.Content) == 0 {
		lastEnd = seq.Line
		if lastEnd == 0 || lastEnd > len(lines) {
			lastEnd = len(lines)
		}
		for ; pos < lastEnd; pos++ {
			out.WriteString(lines[pos])
		}
	}
	if len(added) > 0 && lastEnd > 0 && !strings.HasSuffix(lines[lastEnd-1], "\n") {
		out.WriteString("\n")
	}
	for _, f := range added {
		out.WriteString("\n" + f.render(dash, keys))
	}
	for ; pos < len(lines); pos++ {
		out.WriteString(lines[pos])
	}
	return out.String(), nil
}

func (f FormField) check() error {
	texts := []string{f.Name, f.Care, f.Salesforce, f.Direction, f.Conflict}
	for _, m := range []*FormValueMap{f.CareToSF, f.SFToCare} {
		if m == nil {
			continue
		}
		for _, p := range m.Pairs {
			texts = append(texts, p.From, p.To)
		}
		if m.Else != nil {
			texts = append(texts, *m.Else)
		}
	}
	for _, t := range texts {
		if strings.ContainsAny(t, "\n\r") {
			return fmt.Errorf("%w: a value holds a line break (%q); values are one line", errNotForm, t)
		}
	}
	return nil
}

func (f FormField) equal(g FormField) bool {
	g.Orig = f.Orig
	eq := func(a, b *FormValueMap) bool {
		if a == nil || b == nil {
			return a == nil && b == nil
		}
		return slices.Equal(a.Pairs, b.Pairs) && (a.Else == nil) == (b.Else == nil) && (a.Else == nil || *a.Else == *b.Else)
	}
	return f.Name == g.Name && f.Care == g.Care && f.Salesforce == g.Salesforce && f.Direction == g.Direction &&
		f.Conflict == g.Conflict && eq(f.CareToSF, g.CareToSF) && eq(f.SFToCare, g.SFToCare)
}

// quote writes s as a YAML scalar, quoted only when it must be.
func quote(s string) string {
	if s == "" {
		return `""`
	}
	b, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(b), "\n")
}

func (f FormField) render(dash, keys string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s- name: %s\n", dash, quote(f.Name))
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s%s: %s\n", keys, k, quote(v))
		}
	}
	line("care", f.Care)
	line("salesforce", f.Salesforce)
	line("direction", f.Direction)
	line("conflict", f.Conflict)
	if f.CareToSF == nil && f.SFToCare == nil {
		return b.String()
	}
	fmt.Fprintf(&b, "%svalues:\n", keys)
	for _, m := range []struct {
		key string
		m   *FormValueMap
	}{{"care_to_salesforce", f.CareToSF}, {"salesforce_to_care", f.SFToCare}} {
		if m.m == nil {
			continue
		}
		if len(m.m.Pairs) == 0 && m.m.Else == nil {
			fmt.Fprintf(&b, "%s  %s: {}\n", keys, m.key)
			continue
		}
		fmt.Fprintf(&b, "%s  %s:\n", keys, m.key)
		for _, p := range m.m.Pairs {
			fmt.Fprintf(&b, "%s    %s: %s\n", keys, quote(p.From), quote(p.To))
		}
		if m.m.Else != nil {
			fmt.Fprintf(&b, "%s    else: %s\n", keys, quote(*m.m.Else))
		}
	}
	return b.String()
}
