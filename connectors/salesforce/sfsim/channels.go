package sfsim

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// Custom Change Data Capture channels (PlatformEventChannel of channelType
// data), loaded from the shipped metadata like the rest of the schema: a
// channel is subscribed to as /data/<Name>__chn and carries the change
// events of its members' objects only. A member's filterExpression is
// evaluated on the record as the change left it (a deleted one as it was),
// so the channel carries only the events of matching records, and the
// fields it names are enriched automatically; the member's enrichedFields
// come with every UPDATE and DELETE event, changed or not (a CREATE or
// UNDELETE carries every field anyway). A gap or overflow event carries no
// values to filter on and goes to every channel with a member for its
// object.
//
// The single-entity channels (/data/CaseChangeEvent) and the standard
// channel (/data/ChangeEvents) carry every object that has change events,
// as if all were selected on the Change Data Capture page: the sandbox does
// not model that selection.

// busChannel is a custom channel on the bus.
type busChannel struct {
	name    string
	members map[string]*busMember // object name -> member
}

// busMember is one entity selected on a channel.
type busMember struct {
	filter func(*record) bool // nil: every event
	enrich []string           // enriched fields, the filter's fields among them
}

// selects reports whether the member's filter lets a change through: any
// of its records matches (a merged event names several), and a gap or
// overflow event always.
func (m *busMember) selects(c change) bool {
	if m.filter == nil || c.headerOnly {
		return true
	}
	return slices.ContainsFunc(c.records(), m.filter)
}

// loadChannels puts the schema's custom channels on the bus, compiling
// each member's filter.
func (st *store) loadChannels(schema *metadata.Schema) error {
	st.bus.channels = map[string]*busChannel{}
	for _, c := range schema.Channels() {
		if c.Name == metadata.StandardChannel {
			continue // the standard channel carries every object (above)
		}
		bc := &busChannel{name: c.Name, members: map[string]*busMember{}}
		for _, m := range c.Members {
			t, err := st.table(m.Object)
			if err != nil {
				return fmt.Errorf("channel member %s: %s", m.Name, err.Message)
			}
			bm := &busMember{enrich: slices.Clone(m.Enriched)}
			if m.Filter != "" {
				filter, fields, err := st.compileFilter(t.obj, m.Filter)
				if err != nil {
					return fmt.Errorf("channel member %s: filterExpression %q: %w", m.Name, m.Filter, err)
				}
				bm.filter = filter
				for _, f := range fields {
					if !slices.Contains(bm.enrich, f) {
						bm.enrich = append(bm.enrich, f)
					}
				}
			}
			bc.members[t.obj.Name] = bm
		}
		st.bus.channels[metadata.ChannelTopic(c.Name)] = bc
	}
	return nil
}

// compileFilter compiles a channel member's filterExpression: a SOQL WHERE
// body (without WHERE) on the object's own fields, as Salesforce accepts
// it: no relationship traversal, no IsDeleted, no subqueries, and only = and
// != on datetime fields. It returns the fields the filter names.
func (st *store) compileFilter(obj *metadata.Object, src string) (func(*record) bool, []string, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, nil, err
	}
	p := &parser{toks: toks}
	e, err := p.parseCondition()
	if err != nil {
		return nil, nil, err
	}
	if p.peek().kind != tokEOF {
		return nil, nil, p.unexpected("expecting end of the filter expression")
	}
	var fields []string
	var check func(e expr) error
	check = func(e expr) error {
		switch e := e.(type) {
		case andExpr:
			return errors.Join(check(e.left), check(e.right))
		case orExpr:
			return errors.Join(check(e.left), check(e.right))
		case notExpr:
			return check(e.x)
		case cmpExpr:
			if e.sub != nil {
				return fmt.Errorf("%s: a filter expression cannot hold a subquery", e.field)
			}
			if len(e.field.parts) != 1 {
				return fmt.Errorf("%s: a filter expression cannot traverse relationships", e.field)
			}
			f, ok := obj.Field(e.field.parts[0])
			if !ok || f.Name == "IsDeleted" {
				return fmt.Errorf("%s: field is invalid for %s", e.field, metadata.ChangeEventName(obj.Name))
			}
			if f.Type == metadata.TypeDateTime && e.op != "=" && e.op != "!=" {
				return fmt.Errorf("%s: only equality operators are supported for this field type", f.Name)
			}
			if !slices.Contains(fields, f.Name) {
				fields = append(fields, f.Name)
			}
		}
		return nil
	}
	if err := check(e); err != nil {
		return nil, nil, err
	}
	// The filter sees every field, whoever subscribes: Salesforce evaluates
	// it even when the subscriber may not read the fields it names.
	a := &access{fields: map[string]metadata.FieldPermissions{}}
	for _, f := range obj.Fields() {
		a.fields[strings.ToLower(obj.Name+"."+f.Name)] = metadata.FieldPermissions{Field: obj.Name + "." + f.Name, Read: true}
	}
	match, aerr := st.soql().compileExpr(obj, e, a)
	if aerr != nil {
		return nil, nil, fmt.Errorf("%s", aerr.Message)
	}
	return match, fields, nil
}
