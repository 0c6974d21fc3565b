package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The mapping form is the fields section of a mapping's YAML as rows the
// admin UI edits with pickers. The YAML stays the one stored truth: the form
// is read from its node tree, and an edited form is written back into the
// tree's text node by node (yamledit.go): a changed value is rewritten where
// it stands, in its own quoting; a removed entry loses its lines; an added
// one is written beside its siblings. Every other byte (comments, blank
// lines, order, indentation) stays as it was, so the diff of an edit shows
// what the admin changed and nothing else. Whether the result is a valid
// mapping is the parser's call (Parse), not the form's.

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
	// Orig is the pair's position among the map's entries in the YAML
	// (else not counted); -1 for a pair added in the form.
	Orig int `json:"orig"`
}

// ErrNotForm says why the form cannot show or write a mapping's YAML.
var ErrNotForm = errors.New("the form cannot show this YAML")

// formDoc is a mapping's YAML read for the form: its text, its root mapping
// and the fields list.
type formDoc struct {
	src    *source
	root   *yaml.Node
	fields *yaml.Node
	// fieldsEnd is the last line the fields section may use.
	fieldsEnd int
}

func readFormDoc(data []byte) (*formDoc, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: it is not valid YAML (%v); fix it in the YAML view", ErrNotForm, err)
	}
	// The form never walks what the parser would refuse as too complex
	// (an alias bomb).
	if why := tooComplex(&doc); why != "" {
		return nil, fmt.Errorf("%w: %s", ErrNotForm, why)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: it has no sections; fix it in the YAML view", ErrNotForm)
	}
	d := &formDoc{src: newSource(data), root: doc.Content[0]}
	d.fieldsEnd = d.src.lineCount()
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		if d.root.Content[i].Value != "fields" {
			continue
		}
		d.fields = d.root.Content[i+1]
		if i+2 < len(d.root.Content) {
			d.fieldsEnd = d.root.Content[i+2].Line - 1
		}
		break
	}
	if d.fields == nil || d.fields.Kind != yaml.SequenceNode || d.fields.Style&yaml.FlowStyle != 0 {
		return nil, fmt.Errorf("%w: the fields section is not a list of \"- name:\" entries; fix it in the YAML view", ErrNotForm)
	}
	for _, item := range d.fields.Content {
		if item.Kind != yaml.MappingNode || item.Style&yaml.FlowStyle != 0 {
			return nil, fmt.Errorf("%w: the field at line %d is not written as \"key: value\" lines (aliases and {...} are for the YAML view)", ErrNotForm, item.Line)
		}
	}
	return d, nil
}

// itemEnd is the last line field i may use: up to the next field (or the
// next section).
func (d *formDoc) itemEnd(i int) int {
	if i+1 < len(d.fields.Content) {
		return d.fields.Content[i+1].Line - 1
	}
	return d.fieldsEnd
}

// ReadForm reads the fields section of a mapping's YAML as form rows.
func ReadForm(data []byte) ([]FormField, error) {
	d, err := readFormDoc(data)
	if err != nil {
		return nil, err
	}
	out := make([]FormField, 0, len(d.fields.Content))
	for i, item := range d.fields.Content {
		out = append(out, readField(i, item))
	}
	return out, nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// lookup is the value of key in the mapping node m (nil: none).
func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	return valueOf(m, key)
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
		if k == Else {
			m.Else = &v
			continue
		}
		m.Pairs = append(m.Pairs, FormPair{From: k, To: v, Orig: len(m.Pairs)})
	}
	return m
}

// WriteForm writes form rows into a mapping's YAML. An unchanged field
// keeps its lines; in a changed one only the values that changed are
// rewritten, and entries are added or removed line by line; a removed field
// loses its lines; new fields go after the last one. A field written in a
// way the node-by-node edit cannot follow (flow style {...}, a value over
// several lines) is written anew in place.
func WriteForm(data []byte, fields []FormField) ([]byte, error) {
	for _, f := range fields {
		if err := f.check(); err != nil {
			return nil, err
		}
	}
	out, err := writeForm(data, fields, false)
	if err != nil {
		return nil, err
	}
	// The node-by-node edit must say what the form says; if it does not (a
	// layout it misread), the changed fields are written anew.
	if back, rerr := ReadForm(out); rerr != nil || !sameForm(back, fields) {
		return writeForm(data, fields, true)
	}
	return out, nil
}

func writeForm(data []byte, fields []FormField, whole bool) ([]byte, error) {
	d, err := readFormDoc(data)
	if err != nil {
		return nil, err
	}
	byOrig := map[int]FormField{}
	var added []FormField
	for _, f := range fields {
		if f.Orig >= 0 && f.Orig < len(d.fields.Content) {
			if _, dup := byOrig[f.Orig]; dup {
				return nil, fmt.Errorf("%w: two rows claim field #%d", ErrNotForm, f.Orig+1)
			}
			byOrig[f.Orig] = f
		} else {
			added = append(added, f)
		}
	}
	dash, keys := "  ", "    "
	if len(d.fields.Content) > 0 {
		first := d.fields.Content[0]
		line := d.src.line(first.Line)
		i := strings.Index(line, "-")
		if i < 0 || first.Column-1 <= i {
			return nil, fmt.Errorf("%w: the field at line %d does not start with \"- \"", ErrNotForm, first.Line)
		}
		dash, keys = strings.Repeat(" ", i), strings.Repeat(" ", first.Column-1)
	}
	var e editor
	e.src = d.src
	lastEnd := d.fields.Line // the line after which new fields go
	for i, item := range d.fields.Content {
		start, stop := item.Line, d.src.trimEnd(item.Line, d.itemEnd(i))
		lastEnd = stop
		was := readField(i, item)
		f, kept := byOrig[i]
		switch {
		case !kept:
			e.deleteLines(start, stop)
		case f.equal(was):
		case whole:
			e.replaceLines(start, stop, f.render(dash, keys))
		default:
			if err := e.editField(item, stop, was, f); err != nil {
				if !errors.Is(err, errLayout) {
					return nil, err
				}
				e.replaceLines(start, stop, f.render(dash, keys))
			}
		}
	}
	if len(added) > 0 {
		var b strings.Builder
		for _, f := range added {
			b.WriteString("\n" + f.render(dash, keys))
		}
		e.insertAfterLine(lastEnd, b.String())
	}
	return e.apply()
}

// editField rewrites what changed from was to f in the field's mapping
// node item, whose lines end at stop.
func (e *editor) editField(item *yaml.Node, stop int, was, f FormField) error {
	scalars := []struct {
		key      string
		old, new string
	}{
		{"name", was.Name, f.Name}, {"care", was.Care, f.Care}, {"salesforce", was.Salesforce, f.Salesforce},
		{"direction", was.Direction, f.Direction}, {"conflict", was.Conflict, f.Conflict},
	}
	for _, s := range scalars {
		if s.old == s.new {
			continue
		}
		if err := e.setEntry(item, stop, s.key, s.new, s.key != "name"); err != nil {
			return err
		}
	}
	if eqValueMap(was.CareToSF, f.CareToSF) && eqValueMap(was.SFToCare, f.SFToCare) {
		return nil
	}
	values, vi := entryOf(item, "values")
	if f.CareToSF == nil && f.SFToCare == nil {
		if values != nil {
			return e.deleteEntry(item, vi, stop)
		}
		return nil
	}
	indent := e.src.indentOf(item)
	if values == nil {
		return e.insertEntry(item, stop, indent+"values:\n"+renderValueMaps(indent+"  ", f))
	}
	if values.Kind != yaml.MappingNode || values.Style&yaml.FlowStyle != 0 || len(values.Content) == 0 {
		return errLayout
	}
	valuesEnd := e.src.trimEnd(values.Line, entryEnd(item, vi, stop))
	for _, dir := range []struct {
		key      string
		old, new *FormValueMap
	}{{"care_to_salesforce", was.CareToSF, f.CareToSF}, {"salesforce_to_care", was.SFToCare, f.SFToCare}} {
		if eqValueMap(dir.old, dir.new) {
			continue
		}
		sub, si := entryOf(values, dir.key)
		switch {
		case dir.new == nil:
			if err := e.deleteEntry(values, si, valuesEnd); err != nil {
				return err
			}
		case sub == nil:
			if err := e.insertEntry(values, valuesEnd, renderValueMap(e.src.indentOf(values), dir.key, dir.new)); err != nil {
				return err
			}
		default:
			if err := e.editValueMap(sub, e.src.trimEnd(sub.Line, entryEnd(values, si, valuesEnd)), dir.old, dir.new); err != nil {
				return err
			}
		}
	}
	return nil
}

// setEntry sets key's value in the mapping m (lines up to stop): rewritten
// in place, added beside the other keys, or (removable and value "")
// removed.
func (e *editor) setEntry(m *yaml.Node, stop int, key, value string, removable bool) error {
	v, i := entryOf(m, key)
	switch {
	case v == nil && value == "":
		return nil
	case v == nil:
		return e.insertEntry(m, stop, e.src.indentOf(m)+plainOrQuoted(key)+": "+plainOrQuoted(value)+"\n")
	case value == "" && removable:
		return e.deleteEntry(m, i, stop)
	}
	return e.setScalar(v, value)
}

// editValueMap rewrites a value map's entries from was to now: pairs are
// matched by their position in the YAML (FormPair.Orig), else by key.
func (e *editor) editValueMap(m *yaml.Node, stop int, was, now *FormValueMap) error {
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return errLayout
	}
	// The YAML's pair entries (else aside), in order, by their index in m.
	var pairs []int
	elseAt := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == Else {
			elseAt = i
			continue
		}
		pairs = append(pairs, i)
	}
	matched := make([]*FormPair, len(pairs))
	var rest []*FormPair
	for k := range now.Pairs {
		p := &now.Pairs[k]
		if p.Orig >= 0 && p.Orig < len(pairs) && matched[p.Orig] == nil {
			matched[p.Orig] = p
			continue
		}
		rest = append(rest, p)
	}
	var fresh []FormPair
	for _, p := range rest {
		if j := slices.IndexFunc(pairs, func(i int) bool { return m.Content[i].Value == p.From }); j >= 0 && matched[j] == nil {
			matched[j] = p
			continue
		}
		fresh = append(fresh, *p)
	}
	after := -1 // the last pair kept or removed: new pairs go after it
	for j, i := range pairs {
		key, val := m.Content[i], m.Content[i+1]
		p := matched[j]
		after = i
		if p == nil {
			if err := e.deleteEntry(m, i, stop); err != nil {
				return err
			}
			continue
		}
		if key.Value != p.From {
			if err := e.setScalar(key, p.From); err != nil {
				return err
			}
		}
		if scalar(val) != p.To {
			if err := e.setScalar(val, p.To); err != nil {
				return err
			}
		}
	}
	if len(fresh) > 0 {
		indent := e.src.indentOf(m)
		var b strings.Builder
		for _, p := range fresh {
			b.WriteString(indent + plainOrQuoted(p.From) + ": " + plainOrQuoted(p.To) + "\n")
		}
		line := m.Line - 1 // before the first entry's lines: right after the map's key
		if after >= 0 {
			line = e.src.trimEnd(m.Content[after].Line, entryEnd(m, after, stop))
		} else if elseAt >= 0 {
			line = m.Content[elseAt].Line - 1
			for line > m.Line-1 && e.src.isCommentOrBlank(line) {
				line--
			}
		}
		e.insertAfterLine(line, b.String())
	}
	switch {
	case now.Else == nil && elseAt >= 0:
		return e.deleteEntry(m, elseAt, stop)
	case now.Else != nil && elseAt < 0:
		e.insertAfterLine(stop, e.src.indentOf(m)+Else+": "+plainOrQuoted(*now.Else)+"\n")
	case now.Else != nil && scalar(m.Content[elseAt+1]) != *now.Else:
		return e.setScalar(m.Content[elseAt+1], *now.Else)
	}
	return nil
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
			return fmt.Errorf("%w: a value holds a line break (%q); values are one line", ErrNotForm, t)
		}
		if !utf8.ValidString(t) {
			return fmt.Errorf("%w: a value is not UTF-8 text (%q)", ErrNotForm, t)
		}
	}
	return nil
}

func eqValueMap(a, b *FormValueMap) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if len(a.Pairs) != len(b.Pairs) || (a.Else == nil) != (b.Else == nil) || (a.Else != nil && *a.Else != *b.Else) {
		return false
	}
	for i := range a.Pairs {
		if a.Pairs[i].From != b.Pairs[i].From || a.Pairs[i].To != b.Pairs[i].To {
			return false
		}
	}
	return true
}

// equal compares what two rows say (their positions aside).
func (f FormField) equal(g FormField) bool {
	return f.Name == g.Name && f.Care == g.Care && f.Salesforce == g.Salesforce && f.Direction == g.Direction &&
		f.Conflict == g.Conflict && eqValueMap(f.CareToSF, g.CareToSF) && eqValueMap(f.SFToCare, g.SFToCare)
}

// sameForm reports whether rows read back from a written YAML say what the
// rows written said: the same fields in the same order.
func sameForm(back, want []FormField) bool {
	return slices.EqualFunc(back, want, func(a, b FormField) bool { return a.equal(b) })
}

func (f FormField) render(dash, keys string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s- name: %s\n", dash, plainOrQuoted(f.Name))
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s%s: %s\n", keys, k, plainOrQuoted(v))
		}
	}
	line("care", f.Care)
	line("salesforce", f.Salesforce)
	line("direction", f.Direction)
	line("conflict", f.Conflict)
	if f.CareToSF != nil || f.SFToCare != nil {
		b.WriteString(keys + "values:\n" + renderValueMaps(keys+"  ", f))
	}
	return b.String()
}

// renderValueMaps writes the value maps of f as the entries of a values
// block at indent.
func renderValueMaps(indent string, f FormField) string {
	var b strings.Builder
	if f.CareToSF != nil {
		b.WriteString(renderValueMap(indent, "care_to_salesforce", f.CareToSF))
	}
	if f.SFToCare != nil {
		b.WriteString(renderValueMap(indent, "salesforce_to_care", f.SFToCare))
	}
	return b.String()
}

func renderValueMap(indent, key string, m *FormValueMap) string {
	if len(m.Pairs) == 0 && m.Else == nil {
		return indent + key + ": {}\n"
	}
	var b strings.Builder
	b.WriteString(indent + key + ":\n")
	for _, p := range m.Pairs {
		fmt.Fprintf(&b, "%s  %s: %s\n", indent, plainOrQuoted(p.From), plainOrQuoted(p.To))
	}
	if m.Else != nil {
		fmt.Fprintf(&b, "%s  %s: %s\n", indent, Else, plainOrQuoted(*m.Else))
	}
	return b.String()
}
