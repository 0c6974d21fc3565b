package mapping

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
	"github.com/carebridge/carebridge/mapping/merge"
)

// DefaultName is the name the default mapping's problems are reported under.
const DefaultName = "configs/mapping.yaml"

// Default parses the shipped default mapping (configs/mapping.yaml).
func Default(schema Schema) (*Mapping, error) {
	return Parse(DefaultName, configs.Mapping(), schema)
}

// Parse loads a mapping strictly and validates it against the Salesforce
// schema. name is used in problem reports (usually the file's path). A nil
// schema skips the checks against Salesforce metadata. The error, when not
// nil, is a *ValidationError listing every problem found.
func Parse(name string, data []byte, schema Schema) (*Mapping, error) {
	p := &parser{file: name, schema: schema}
	m := p.parse(data)
	if len(p.problems) > 0 {
		slices.SortStableFunc(p.problems, func(a, b Problem) int { return a.Line - b.Line })
		return nil, &ValidationError{Problems: p.problems}
	}
	sum := sha256.Sum256(data)
	m.version = hex.EncodeToString(sum[:6])
	return m, nil
}

type parser struct {
	file     string
	schema   Schema
	problems []Problem
}

// entry is a key and its value in a YAML mapping.
type entry struct {
	key, value *yaml.Node
}

func (p *parser) problem(line int, where, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	p.problems = append(p.problems, Problem{File: p.file, Line: line, Message: msg})
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (p *parser) parse(data []byte) *Mapping {
	// YAML forbids tabs for indentation; say so at the right line (the
	// YAML library reports the line before).
	tabs := false
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " "), "\t") {
			p.problem(i+1, "", "the line is indented with a tab; indent with spaces only")
			tabs = true
		}
	}
	if tabs {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		for _, msg := range strings.Split(err.Error(), "\n") {
			msg = strings.TrimSpace(msg)
			if match := yamlLine.FindStringSubmatch(msg); match != nil {
				line, _ := strconv.Atoi(match[1])
				p.problem(line, "", "the file is not valid YAML: %s", match[2])
			} else if msg != "" && msg != "yaml: unmarshal errors:" {
				p.problem(0, "", "the file is not valid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
			}
		}
		return nil
	}
	if len(doc.Content) == 0 {
		p.problem(0, "", "the file is empty; it needs at least a fields section")
		return nil
	}
	if msg := tooComplex(&doc); msg != "" {
		p.problem(0, "", "%s", msg)
		return nil
	}
	top, ok := p.object(doc.Content[0], "", "fields", "notes", "identity", "conversation")
	if !ok {
		return nil
	}
	m := &Mapping{}
	m.identity = p.identity(top["identity"])
	m.notes = p.notes(top["notes"])
	m.conversation = p.conversation(top["conversation"])
	if e, ok := top["fields"]; ok {
		m.fields = p.fields(e)
	} else {
		p.problem(doc.Content[0].Line, "", "the fields section is missing; it lists the mapped case fields")
	}
	return m
}

// Limits on a mapping's YAML, checked before it is read: a mapping is a few
// hundred lines, and an alias (*name) repeats a whole section, so a small
// file of aliases can stand for millions of fields.
const (
	maxAliases = 100
	maxDepth   = 32
	// maxNodes bounds the values the file stands for with every alias
	// expanded.
	maxNodes = 50_000
)

// tooComplex says why a document exceeds the limits, or "".
func tooComplex(doc *yaml.Node) string {
	aliases := 0
	// size counts the nodes n stands for, aliases expanded; memo keeps it
	// linear in the document, and seen stops a node that contains itself.
	memo, seen := map[*yaml.Node]int{}, map[*yaml.Node]bool{}
	var size func(n *yaml.Node, depth int) int
	size = func(n *yaml.Node, depth int) int {
		if depth > maxDepth {
			return maxNodes + 1
		}
		if v, ok := memo[n]; ok {
			return v
		}
		if seen[n] {
			return maxNodes + 1
		}
		seen[n] = true
		total := 1
		if n.Kind == yaml.AliasNode {
			aliases++
			if n.Alias != nil {
				total += size(n.Alias, depth+1)
			}
		}
		for _, c := range n.Content {
			if total > maxNodes || aliases > maxAliases {
				break
			}
			total += size(c, depth+1)
		}
		memo[n] = total
		return total
	}
	total := size(doc, 0)
	switch {
	case aliases > maxAliases:
		return fmt.Sprintf("the file uses more than %d aliases (*name); write the sections out instead", maxAliases)
	case total > maxNodes:
		return fmt.Sprintf("the file is too large or too deeply nested for a mapping (more than %d values with aliases expanded, or more than %d levels)", maxNodes, maxDepth)
	}
	return ""
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// object reads a YAML mapping with the known keys, reporting unknown and
// repeated keys.
func (p *parser) object(n *yaml.Node, where string, known ...string) (map[string]entry, bool) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.problem(n.Line, where, "expected a section of \"key: value\" lines, found %s", describe(n))
		return nil, false
	}
	out := map[string]entry{}
	for _, e := range p.pairs(n, where) {
		k := e.key.Value
		if !slices.Contains(known, k) {
			p.problem(e.key.Line, where, "unknown key %q; expected one of %s", k, strings.Join(known, ", "))
			continue
		}
		out[k] = e
	}
	return out, true
}

// pairs returns the entries of a YAML mapping in order, reporting repeated
// and non-text keys.
func (p *parser) pairs(n *yaml.Node, where string) []entry {
	var out []entry
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.problem(k.Line, where, "a key must be plain text, found %s", describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.problem(k.Line, where, "key %q appears twice (first on line %d); keep one", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, entry{key: k, value: v})
	}
	return out
}

func (p *parser) str(e entry, where string) (string, bool) {
	if e.value.Kind != yaml.ScalarNode || e.value.Tag == "!!null" {
		p.problem(e.value.Line, where, "%s needs a text value, found %s", e.key.Value, describe(e.value))
		return "", false
	}
	v := strings.TrimSpace(e.value.Value)
	if v == "" {
		p.problem(e.value.Line, where, "%s is empty", e.key.Value)
		return "", false
	}
	return v, true
}

func (p *parser) boolean(e entry, where string) (bool, bool) {
	if e.value.Kind != yaml.ScalarNode || e.value.Tag != "!!bool" {
		p.problem(e.value.Line, where, "%s must be true or false, found %s", e.key.Value, describe(e.value))
		return false, false
	}
	b, err := strconv.ParseBool(e.value.Value)
	if err != nil {
		p.problem(e.value.Line, where, "%s must be true or false, found %q", e.key.Value, e.value.Value)
		return false, false
	}
	return b, true
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a section"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

func (p *parser) identity(e entry) IdentityConfig {
	cfg := IdentityConfig{MatchByEmail: true, UnassignedOwner: KeepOwner}
	if e.value == nil {
		return cfg
	}
	const where = "identity"
	ents, ok := p.object(e.value, where, "match_by_email", "overrides", "unassigned_owner")
	if !ok {
		return cfg
	}
	if e, ok := ents["match_by_email"]; ok {
		cfg.MatchByEmail, _ = p.boolean(e, where)
	}
	if e, ok := ents["unassigned_owner"]; ok {
		if v, ok := p.str(e, where); ok {
			if v == KeepOwner || isSalesforceID(v, "005") || isSalesforceID(v, "00G") {
				cfg.UnassignedOwner = v
			} else {
				p.problem(e.value.Line, where, "unassigned_owner %q is neither keep nor a Salesforce User id (005...) or Queue id (00G...) of 15 or 18 characters", v)
			}
		}
	}
	if e, ok := ents["overrides"]; ok {
		cfg.Overrides = p.overrides(e)
	}
	return cfg
}

func (p *parser) overrides(e entry) []Override {
	const where = "identity.overrides"
	seq := e.value
	if seq.Kind == yaml.ScalarNode && seq.Tag == "!!null" {
		return nil
	}
	if seq.Kind != yaml.SequenceNode {
		p.problem(seq.Line, where, "expected a list of overrides, found %s", describe(seq))
		return nil
	}
	var out []Override
	agents, users := map[string]int{}, map[string]int{}
	for _, item := range seq.Content {
		ents, ok := p.object(item, where, "care_agent", "salesforce_user")
		if !ok {
			continue
		}
		var o Override
		okAgent, okUser := false, false
		if e, ok := ents["care_agent"]; ok {
			o.CareAgent, okAgent = p.str(e, where)
		} else {
			p.problem(resolve(item).Line, where, "care_agent is missing; name the Care agent id")
		}
		if e, ok := ents["salesforce_user"]; ok {
			if o.SalesforceUser, okUser = p.str(e, where); okUser && !isSalesforceID(o.SalesforceUser, "005") {
				p.problem(e.value.Line, where, "salesforce_user %q is not a Salesforce User id (User ids start with 005 and have 15 or 18 characters)", o.SalesforceUser)
				okUser = false
			}
		} else {
			p.problem(resolve(item).Line, where, "salesforce_user is missing; name the Salesforce User id (005...)")
		}
		line := resolve(item).Line
		if okAgent {
			if first, dup := agents[o.CareAgent]; dup {
				p.problem(line, where, "Care agent %q is overridden twice (first on line %d); keep one", o.CareAgent, first)
				okAgent = false
			} else {
				agents[o.CareAgent] = line
			}
		}
		if okUser {
			if first, dup := users[sfid.Key(o.SalesforceUser)]; dup {
				p.problem(line, where, "Salesforce user %q is overridden twice (first on line %d); keep one", o.SalesforceUser, first)
				okUser = false
			} else {
				users[sfid.Key(o.SalesforceUser)] = line
			}
		}
		if okAgent && okUser {
			out = append(out, o)
		}
	}
	return out
}

func (p *parser) conversation(e entry) Conversation {
	var c Conversation
	if e.value == nil {
		return c
	}
	const where = "conversation"
	ents, ok := p.object(e.value, where, "brand_deleted")
	if !ok {
		return c
	}
	if e, ok := ents["brand_deleted"]; ok {
		if v, ok := p.str(e, where); ok {
			switch v {
			case BrandDeletedRemove:
			case BrandDeletedKeep:
				c.KeepBrandDeleted = true
			default:
				p.problem(e.value.Line, where, "brand_deleted %q is unknown; use remove (the default: the content leaves Salesforce) or keep (only where your agreements with the platforms allow it)", v)
			}
		}
	}
	return c
}

func (p *parser) notes(e entry) Notes {
	n := Notes{Direction: merge.Both, Object: NotesCaseComment}
	if e.value == nil {
		return n
	}
	const where = "notes"
	ents, ok := p.object(e.value, where, "direction", "salesforce_object", "published")
	if !ok {
		return n
	}
	if e, ok := ents["direction"]; ok {
		if v, ok := p.str(e, where); ok {
			if d := merge.Direction(v); d.Valid() {
				n.Direction = d
			} else {
				p.problem(e.value.Line, where, "direction %q is unknown; use both, care_to_salesforce or salesforce_to_care", v)
			}
		}
	}
	objectLine := resolve(e.value).Line
	if e, ok := ents["salesforce_object"]; ok {
		objectLine = e.value.Line
		if v, ok := p.str(e, where); ok {
			if v == NotesCaseComment || v == NotesTask {
				n.Object = v
			} else {
				p.problem(e.value.Line, where, "salesforce_object %q is not supported; use CaseComment or Task", v)
			}
		}
	}
	if e, ok := ents["published"]; ok {
		if b, ok := p.boolean(e, where); ok {
			n.Published = b
			if b && n.Object != NotesCaseComment {
				p.problem(e.value.Line, where, "published applies only to CaseComment notes; remove it or use salesforce_object: CaseComment")
			}
		}
	}
	if p.schema != nil {
		required := []string{"ParentId", "CommentBody", "IsPublished"}
		if n.Object == NotesTask {
			required = []string{"WhatId", "Subject", "Description"}
		}
		for _, f := range required {
			if !p.schema.HasField(n.Object, f) {
				p.problem(objectLine, where, "the Salesforce metadata has no %s field %q, which notes need", n.Object, f)
			}
		}
	}
	return n
}

// fieldLines remembers where each part of a field was written.
type fieldLines struct {
	name, care, salesforce, direction, conflict, values int
}

func (p *parser) fields(e entry) []Field {
	seq := e.value
	if seq.Kind != yaml.SequenceNode {
		p.problem(seq.Line, "fields", "expected a list of fields (lines starting with \"- name:\"), found %s", describe(seq))
		return nil
	}
	if len(seq.Content) == 0 {
		p.problem(seq.Line, "fields", "the list is empty; map at least one field")
		return nil
	}
	var out []Field
	names := map[string]int{}
	sfWriters, careWriters := map[string]Field{}, map[string]Field{}
	for i, item := range seq.Content {
		f, lines, ok := p.field(i, resolve(item))
		if !ok {
			continue
		}
		if first, dup := names[f.Name]; dup && f.Name != "" {
			p.problem(lines.name, fmt.Sprintf("field %q", f.Name), "the name is used twice (first on line %d); canonical names must be unique", first)
			continue
		}
		names[f.Name] = f.Line
		if f.Direction.WritesSalesforce() {
			if g, dup := sfWriters[strings.ToLower(f.Salesforce)]; dup {
				p.problem(lines.salesforce, fmt.Sprintf("field %q", f.Name), "Salesforce field %s is already written by field %q (line %d); a Salesforce field can have one source", f.Salesforce, g.Name, g.Line)
			}
			sfWriters[strings.ToLower(f.Salesforce)] = f
		}
		if f.Direction.WritesCare() {
			if g, dup := careWriters[f.Care]; dup {
				p.problem(lines.care, fmt.Sprintf("field %q", f.Name), "Care attribute %s is already written by field %q (line %d); a Care attribute can have one source", f.Care, g.Name, g.Line)
			}
			careWriters[f.Care] = f
		}
		out = append(out, f)
	}
	return out
}

func (p *parser) field(i int, n *yaml.Node) (Field, fieldLines, bool) {
	f := Field{Line: n.Line}
	lines := fieldLines{name: n.Line}
	where := fmt.Sprintf("field #%d", i+1)
	if n.Kind == yaml.MappingNode {
		for j := 0; j+1 < len(n.Content); j += 2 {
			if k, v := n.Content[j], resolve(n.Content[j+1]); k.Value == "name" && v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) != "" {
				where = fmt.Sprintf("field %q", strings.TrimSpace(v.Value))
			}
		}
	}
	ents, ok := p.object(n, where, "name", "care", "salesforce", "direction", "conflict", "values")
	if !ok {
		return f, lines, false
	}
	valid := true
	text := func(key, missing string) (string, int) {
		e, ok := ents[key]
		if !ok {
			p.problem(n.Line, where, "%s is missing; %s", key, missing)
			valid = false
			return "", n.Line
		}
		v, ok := p.str(e, where)
		valid = valid && ok
		return v, e.value.Line
	}
	f.Name, lines.name = text("name", "give the field a canonical name, e.g. status")
	f.Care, lines.care = text("care", "name the Care case attribute ("+strings.Join(careAttributeNames(), ", ")+")")
	f.Salesforce, lines.salesforce = text("salesforce", "name the Salesforce Case field's API name, e.g. Subject or Care_Platform__c")
	var dir string
	dir, lines.direction = text("direction", "use both, care_to_salesforce or salesforce_to_care")
	if dir != "" {
		if f.Direction = merge.Direction(dir); !f.Direction.Valid() {
			p.problem(lines.direction, where, "direction %q is unknown; use both, care_to_salesforce or salesforce_to_care", dir)
			valid = false
		}
	}
	if e, ok := ents["conflict"]; ok {
		lines.conflict = e.value.Line
		if v, ok := p.str(e, where); ok {
			f.Conflict = merge.Policy(v)
			switch {
			case !f.Conflict.Valid():
				p.problem(lines.conflict, where, "conflict %q is unknown; use care_wins, salesforce_wins or newest_wins", v)
			case f.Direction.Valid() && f.Direction != merge.Both:
				p.problem(lines.conflict, where, "conflict applies only to two-way fields (direction both); remove it")
			}
		}
	} else if f.Direction == merge.Both {
		p.problem(n.Line, where, "conflict is missing; a two-way field needs care_wins, salesforce_wins or newest_wins")
	}
	attr, known := lookupCareAttribute(f.Care)
	if f.Care != "" && !known {
		p.problem(lines.care, where, "Care has no case attribute %q; use one of %s", f.Care, strings.Join(careAttributeNames(), ", "))
		valid = false
	}
	if e, ok := ents["values"]; ok {
		lines.values = e.key.Line
		f.CareToSalesforce, f.SalesforceToCare = p.valueMaps(e, where)
	}
	if !valid {
		return f, lines, true
	}
	p.checkField(f, attr, lines, where)
	return f, lines, true
}

func (p *parser) valueMaps(e entry, where string) (c2s, s2c *ValueMap) {
	ents, ok := p.object(e.value, where+": values", "care_to_salesforce", "salesforce_to_care")
	if !ok {
		return nil, nil
	}
	read := func(key string) *ValueMap {
		e, ok := ents[key]
		if !ok {
			return nil
		}
		w := where + ": values." + key
		n := e.value
		if n.Kind != yaml.MappingNode {
			p.problem(n.Line, w, "expected \"value: translation\" lines, found %s", describe(n))
			return nil
		}
		m := &ValueMap{Values: map[string]string{}, line: e.key.Line, lines: map[string]int{}}
		for _, e := range p.pairs(n, w) {
			v, ok := p.str(e, w)
			if !ok {
				continue
			}
			if e.key.Value == Else {
				m.Else, m.HasElse, m.elseLine = v, true, e.key.Line
				continue
			}
			m.Values[e.key.Value] = v
			m.lines[e.key.Value] = e.key.Line
		}
		return m
	}
	return read("care_to_salesforce"), read("salesforce_to_care")
}

func (p *parser) checkField(f Field, attr careAttribute, lines fieldLines, where string) {
	if p.schema != nil && !p.schema.HasField(CaseObject, f.Salesforce) {
		p.problem(lines.salesforce, where, "the Salesforce metadata has no Case field %q; check the API name (custom fields end in __c) or add the field to configs/salesforce", f.Salesforce)
		return
	}
	if f.Direction.WritesSalesforce() && p.schema != nil && !p.schema.Updateable(CaseObject, f.Salesforce) {
		p.problem(lines.direction, where, "Salesforce field Case.%s is read-only, so carebridge cannot write it (direction %s); use direction salesforce_to_care or another field", f.Salesforce, f.Direction)
	}
	if f.Direction.WritesCare() && !attr.writable {
		p.problem(lines.direction, where, "carebridge cannot change the Care attribute %s, so it cannot come from Salesforce (direction %s); use direction care_to_salesforce", f.Care, f.Direction)
	}
	if f.Identity() {
		if f.CareToSalesforce != nil || f.SalesforceToCare != nil {
			p.problem(lines.values, where, "the assignment is translated by the identity section, not by values; remove values")
		}
		return
	}
	p.checkValues(f, attr, lines, where)
}

// checkValues checks the value maps against Care's values and the
// Salesforce picklist: every value that can flow must have a translation,
// and a two-way field's values must come back unchanged.
func (p *parser) checkValues(f Field, attr careAttribute, lines fieldLines, where string) {
	careValues := attr.values
	var sfValues []string
	isPicklist := false
	if p.schema != nil {
		sfValues, isPicklist = p.schema.Picklist(CaseObject, f.Salesforce)
	}
	careName := strings.ReplaceAll(f.Care, "_", " ")
	c2s, s2c := f.CareToSalesforce, f.SalesforceToCare
	// Keys and translations must be real values.
	if c2s != nil {
		w := where + ": values.care_to_salesforce"
		for _, k := range sortedKeys(c2s.Values) {
			if !attr.known(k) {
				p.problem(c2s.lines[k], w, "Care has no %s %q; use one of %s", careName, k, strings.Join(slices.Concat(careValues, attr.optional), ", "))
			}
			if v := c2s.Values[k]; isPicklist && !slices.Contains(sfValues, v) {
				p.problem(c2s.lines[k], w, "Salesforce %s has no value %q; use one of %s", f.Salesforce, v, quoteAll(sfValues))
			}
		}
		if c2s.HasElse && isPicklist && !slices.Contains(sfValues, c2s.Else) {
			p.problem(c2s.elseLine, w, "Salesforce %s has no value %q; use one of %s", f.Salesforce, c2s.Else, quoteAll(sfValues))
		}
	}
	if s2c != nil {
		w := where + ": values.salesforce_to_care"
		for _, k := range sortedKeys(s2c.Values) {
			if isPicklist && !slices.Contains(sfValues, k) {
				p.problem(s2c.lines[k], w, "Salesforce %s has no value %q; use one of %s", f.Salesforce, k, quoteAll(sfValues))
			}
			if v := s2c.Values[k]; !attr.known(v) {
				p.problem(s2c.lines[k], w, "Care has no %s %q; use one of %s", careName, v, strings.Join(slices.Concat(careValues, attr.optional), ", "))
			}
		}
		if s2c.HasElse && !attr.known(s2c.Else) {
			p.problem(s2c.elseLine, w, "Care has no %s %q; use one of %s", careName, s2c.Else, strings.Join(slices.Concat(careValues, attr.optional), ", "))
		}
	}
	// Every Care value that flows to Salesforce needs a Salesforce value.
	covered := map[string]bool{}
	if f.Direction.WritesSalesforce() && careValues != nil {
		for _, v := range careValues {
			switch {
			case c2s != nil:
				if _, ok := c2s.Lookup(v); !ok {
					p.problem(c2s.line, where, "Care %s %q has no Salesforce value; add it under values.care_to_salesforce or set an else value", careName, v)
					continue
				}
			case isPicklist && !slices.Contains(sfValues, v):
				p.problem(lines.salesforce, where, "Care %s %q is not a value of Salesforce %s; add values.care_to_salesforce", careName, v, f.Salesforce)
				continue
			}
			covered[v] = true
		}
	}
	// Every Salesforce value that flows to Care needs a Care value.
	if f.Direction.WritesCare() && isPicklist {
		for _, v := range sfValues {
			switch {
			case s2c != nil:
				if _, ok := s2c.Lookup(v); !ok {
					p.problem(s2c.line, where, "Salesforce %s %q has no Care value; add it under values.salesforce_to_care or set an else value", f.Salesforce, v)
				}
			case careValues != nil && !slices.Contains(careValues, v):
				p.problem(lines.salesforce, where, "Salesforce %s value %q is not a Care %s; add values.salesforce_to_care", f.Salesforce, v, careName)
			}
		}
	}
	// A two-way field's Care values must survive the round trip, or the
	// field would flip between two values on every sync.
	if f.Direction == merge.Both {
		for _, v := range careValues {
			if !covered[v] {
				continue
			}
			sf, _ := c2s.Lookup(v)
			if isPicklist && !slices.Contains(sfValues, sf) {
				continue // reported above
			}
			back, _ := s2c.Lookup(sf)
			if back != v {
				line := lines.values
				if line == 0 {
					line = lines.salesforce
				}
				p.problem(line, where, "Care %s %q goes to Salesforce as %q, which comes back as %q; a two-way field must come back unchanged (fix values.salesforce_to_care)", careName, v, sf, back)
			}
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func quoteAll(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// isSalesforceID reports whether id looks like a record id with the key
// prefix (15 or 18 letters and digits).
func isSalesforceID(id, prefix string) bool {
	if (len(id) != 15 && len(id) != 18) || !strings.HasPrefix(id, prefix) {
		return false
	}
	for _, r := range id {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}
