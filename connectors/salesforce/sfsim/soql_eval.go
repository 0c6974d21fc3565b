package sfsim

import (
	"errors"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
)

// resolvedField is a fieldPath checked against the schema: the reference
// fields it walks through and the field it ends on.
type resolvedField struct {
	path  fieldPath
	hops  []metadata.Field // reference fields, one per relationship
	names []string         // canonical relationship names, one per hop
	final metadata.Field
}

func malformed(format string, args ...any) *Error {
	return apiError(http.StatusBadRequest, "MALFORMED_QUERY", format, args...)
}

// relationshipName is how SOQL names the relationship of a reference field.
func relationshipName(f metadata.Field) string {
	if f.Custom {
		return strings.TrimSuffix(f.Name, "__c") + "__r"
	}
	return strings.TrimSuffix(f.Name, "Id")
}

// soqlEngine compiles and runs SOQL queries over a store's records.
type soqlEngine struct {
	*store
}

// soql returns the store's SOQL engine.
func (st *store) soql() *soqlEngine { return &soqlEngine{st} }

// resolve checks a field path against the schema as the caller sees it: a
// field hidden by field-level security, or an object it cannot read, does
// not exist.
func (st *soqlEngine) resolve(obj *metadata.Object, p fieldPath, a *access) (resolvedField, *Error) {
	rf := resolvedField{path: p}
	cur := obj
	for i, part := range p.parts {
		last := i == len(p.parts)-1
		if last {
			f, ok := cur.Field(part)
			ok = ok && a.readsField(cur, f)
			if !ok && len(rf.hops) > 0 && rf.hops[len(rf.hops)-1].Name == "OwnerId" {
				// Owner is polymorphic (User or queue): Group fields count too
				if g, found := st.schema.Object("Group"); found {
					f, ok = g.Field(part)
					ok = ok && a.readsField(g, f)
				}
			}
			if !ok {
				return rf, fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{p.String()},
					"No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.", part, cur.Name)
			}
			rf.final = f
			return rf, nil
		}
		var hop *metadata.Field
		for _, f := range cur.Fields() {
			if f.Type == metadata.TypeReference && strings.EqualFold(relationshipName(f), part) && a.readsField(cur, f) {
				hop = &f
				break
			}
		}
		if hop == nil {
			return rf, fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{p.String()},
				"Didn't understand relationship '%s' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.", part)
		}
		next, ok := st.schema.Object(hop.ReferenceTo)
		if !ok || !a.object(next).Read {
			return rf, fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{p.String()}, "relationship '%s' is not supported", part)
		}
		rf.hops = append(rf.hops, *hop)
		rf.names = append(rf.names, relationshipName(*hop))
		cur = next
	}
	return rf, nil
}

// read walks the relationships of rf from r and returns the final value
// (nil for null, including a null reference or a record a cannot see on
// the way).
func (st *soqlEngine) read(a *access, r *record, rf resolvedField) any {
	cur := r
	for _, hop := range rf.hops {
		id, _ := cur.value(hop).(string)
		if id == "" {
			return nil
		}
		t, next := st.recordByID(id)
		if next == nil || !a.canRead(st.store, t, next) {
			return nil
		}
		cur = next
	}
	if len(rf.hops) > 0 {
		return st.polymorphicValue(cur, rf.final)
	}
	return cur.value(rf.final)
}

// polymorphicValue reads f from a record reached through a relationship.
// The target of a polymorphic owner may lack the field (a queue has no
// IsActive: null); Type of a user owner is "User", as Salesforce's Name
// object reports it.
func (st *soqlEngine) polymorphicValue(r *record, f metadata.Field) any {
	t, _ := st.recordByID(r.id)
	if t == nil {
		return nil
	}
	if _, ok := t.obj.Field(f.Name); !ok {
		if f.Name == "Type" {
			return t.obj.Name
		}
		return nil
	}
	return r.value(f)
}

// compiled is a query checked against the schema as one caller sees it,
// ready to run for that caller.
type compiled struct {
	q      *query
	table  *table
	access *access
	fields []resolvedField
	where  func(*record) bool
	order  []resolvedOrder
	// candidates are the only live records the where can match, read from
	// an index (Id or a unique text field, = or IN); nil: scan the table.
	candidates []*record
}

type resolvedOrder struct {
	field resolvedField
	item  orderItem
}

// compile checks q for the caller a: an object it cannot read is unknown.
func (st *soqlEngine) compile(q *query, a *access) (*compiled, *Error) {
	t, ok := st.tables[strings.ToLower(q.object)]
	if !ok || !a.object(t.obj).Read {
		return nil, apiError(http.StatusBadRequest, "INVALID_TYPE",
			"sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.", q.object)
	}
	c := &compiled{q: q, table: t, access: a}
	seen := map[string]bool{}
	for _, p := range q.fields {
		rf, err := st.resolve(t.obj, p, a)
		if err != nil {
			return nil, err
		}
		key := strings.ToLower(p.String())
		if seen[key] {
			return nil, malformed("duplicate field selected: %s", p)
		}
		seen[key] = true
		c.fields = append(c.fields, rf)
	}
	if q.where != nil {
		w, err := st.compileExpr(t.obj, q.where, a)
		if err != nil {
			return nil, err
		}
		c.where = w
		c.candidates = st.indexed(t, q.where)
	}
	for _, it := range q.orderBy {
		rf, err := st.resolve(t.obj, it.field, a)
		if err != nil {
			return nil, err
		}
		if !rf.final.Filterable {
			return nil, fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{rf.final.Name},
				"field '%s' can not be sorted in a query call", rf.final.Name)
		}
		c.order = append(c.order, resolvedOrder{field: rf, item: it})
	}
	if q.offset > 2000 {
		return nil, apiError(http.StatusBadRequest, "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000")
	}
	return c, nil
}

func (st *soqlEngine) compileExpr(obj *metadata.Object, e expr, a *access) (func(*record) bool, *Error) {
	switch e := e.(type) {
	case andExpr:
		l, err := st.compileExpr(obj, e.left, a)
		if err != nil {
			return nil, err
		}
		r, err := st.compileExpr(obj, e.right, a)
		if err != nil {
			return nil, err
		}
		return func(rec *record) bool { return l(rec) && r(rec) }, nil
	case orExpr:
		l, err := st.compileExpr(obj, e.left, a)
		if err != nil {
			return nil, err
		}
		r, err := st.compileExpr(obj, e.right, a)
		if err != nil {
			return nil, err
		}
		return func(rec *record) bool { return l(rec) || r(rec) }, nil
	case notExpr:
		x, err := st.compileExpr(obj, e.x, a)
		if err != nil {
			return nil, err
		}
		return func(rec *record) bool { return !x(rec) }, nil
	case cmpExpr:
		if e.sub != nil {
			return st.compileSemiJoin(obj, e, a)
		}
		return st.compileCmp(obj, e, a)
	}
	return nil, malformed("unsupported condition")
}

func (st *soqlEngine) compileCmp(obj *metadata.Object, e cmpExpr, a *access) (func(*record) bool, *Error) {
	rf, err := st.resolve(obj, e.field, a)
	if err != nil {
		return nil, err
	}
	f := rf.final
	if !f.Filterable {
		return nil, fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{f.Name},
			"field '%s' can not be filtered in a query call", f.Name)
	}
	values := make([]any, len(e.values))
	for i, lit := range e.values {
		v, err := literalValue(f, lit, e.op)
		if err != nil {
			return nil, err
		}
		values[i] = v
	}
	get := func(r *record) any { return st.read(a, r, rf) }
	same := func(got, want any) bool {
		if x, ok := got.(string); ok && f.CaseSensitive {
			return x == want // a unique case-sensitive field compares exactly
		}
		c, _ := compareValues(got, want)
		return c == 0
	}
	switch e.op {
	case "=", "!=":
		want := values[0]
		eq := func(r *record) bool {
			got := get(r)
			if want == nil || got == nil {
				return want == nil && got == nil
			}
			return same(got, want)
		}
		if e.op == "=" {
			return eq, nil
		}
		return func(r *record) bool { return !eq(r) }, nil
	case "<", "<=", ">", ">=":
		if values[0] == nil {
			return nil, malformed("null can only be compared with = or !=")
		}
		if f.Type == metadata.TypeBoolean {
			return nil, apiError(http.StatusBadRequest, "INVALID_QUERY_FILTER_OPERATOR", "invalid operator on boolean field %s", f.Name)
		}
		op := e.op
		return func(r *record) bool {
			got := get(r)
			if got == nil {
				return false
			}
			c, ok := compareValues(got, values[0])
			if !ok {
				return false
			}
			switch op {
			case "<":
				return c < 0
			case "<=":
				return c <= 0
			case ">":
				return c > 0
			}
			return c >= 0
		}, nil
	case "LIKE":
		if !isText(f.Type) {
			return nil, apiError(http.StatusBadRequest, "INVALID_QUERY_FILTER_OPERATOR", "invalid operator on field %s: LIKE needs a text field", f.Name)
		}
		re := likePattern(e.values[0].str)
		return func(r *record) bool {
			s, ok := get(r).(string)
			return ok && re.MatchString(s)
		}, nil
	case "IN", "NOT IN":
		in := func(r *record) bool {
			got := get(r)
			for _, v := range values {
				if got == nil || v == nil {
					if got == nil && v == nil {
						return true
					}
					continue
				}
				if same(got, v) {
					return true
				}
			}
			return false
		}
		if e.op == "IN" {
			return in, nil
		}
		return func(r *record) bool { return !in(r) }, nil
	}
	return nil, malformed("unsupported operator %s", e.op)
}

// compileSemiJoin compiles "field IN (SELECT idField FROM ...)" (and NOT
// IN): both sides are ids, and the subquery runs now, as the caller, so it
// sees only records the caller can see.
func (st *soqlEngine) compileSemiJoin(obj *metadata.Object, e cmpExpr, a *access) (func(*record) bool, *Error) {
	rf, err := st.resolve(obj, e.field, a)
	if err != nil {
		return nil, err
	}
	if !isIDType(rf.final.Type) {
		return nil, fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{e.field.String()},
			"semi join sub-selects are only allowed on ID fields, not on %s", rf.final.Name)
	}
	sub, serr := st.compile(e.sub, a)
	if serr != nil {
		return nil, serr
	}
	if len(sub.fields) != 1 || !isIDType(sub.fields[0].final.Type) {
		return nil, malformed("a semi-join subquery selects exactly one id or reference field")
	}
	ids := map[any]bool{}
	for _, r := range st.run(sub, false) {
		if id := st.read(a, r, sub.fields[0]); id != nil {
			ids[id] = true
		}
	}
	in := func(r *record) bool {
		v := st.read(a, r, rf)
		return v != nil && ids[v]
	}
	if e.op == "IN" {
		return in, nil
	}
	return func(r *record) bool { return !in(r) }, nil
}

// literalValue checks that lit suits field f and converts it to the stored
// representation of f's values.
func literalValue(f metadata.Field, lit literal, op string) (any, *Error) {
	if lit.kind == litNull {
		return nil, nil
	}
	mismatch := func(want string) *Error {
		return fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{f.Name},
			"value of filter criterion for field '%s' must be of type %s and should not be enclosed in quotes", f.Name, want)
	}
	switch {
	case isIDType(f.Type):
		if lit.kind != litString {
			return nil, mismatch("id")
		}
		id, ok := sfid.Normalize(plainString(lit.str))
		if !ok {
			return nil, apiError(http.StatusBadRequest, "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: %s", clip(lit.str))
		}
		return id, nil
	case isText(f.Type):
		if lit.kind != litString {
			return nil, fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{f.Name},
				"value of filter criterion for field '%s' must be of type string and should be enclosed in quotes", f.Name)
		}
		if op == "LIKE" {
			return lit.str, nil
		}
		return plainString(lit.str), nil
	case f.Type == metadata.TypeBoolean:
		if lit.kind != litBool {
			return nil, mismatch("boolean")
		}
		return lit.b, nil
	case f.Type == metadata.TypeDouble || f.Type == metadata.TypeInt:
		if lit.kind != litNumber {
			return nil, mismatch("number")
		}
		return lit.num, nil
	case f.Type == metadata.TypeDateTime:
		if lit.kind != litDateTime {
			return nil, mismatch("dateTime")
		}
		return lit.t, nil
	case f.Type == metadata.TypeDate:
		if lit.kind != litDate {
			return nil, mismatch("date")
		}
		return lit.t, nil
	}
	return nil, mismatch(f.Type)
}

// compareValues orders two non-null values of the same field. Text compares
// case-insensitively (as SOQL does); ids compare exactly.
func compareValues(a, b any) (int, bool) {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return 0, false
		}
		if _, isID := sfid.Normalize(x); isID && len(x) == 18 && len(y) == 18 {
			return strings.Compare(x, y), true
		}
		return strings.Compare(strings.ToLower(x), strings.ToLower(y)), true
	case float64:
		y, ok := b.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case bool:
		y, ok := b.(bool)
		if !ok {
			return 0, false
		}
		switch {
		case x == y:
			return 0, true
		case !x:
			return -1, true
		}
		return 1, true
	case time.Time:
		y, ok := b.(time.Time)
		if !ok {
			return 0, false
		}
		return x.Compare(y), true
	}
	return 0, false
}

// plainString resolves the escapes a lexed string literal keeps (\\\\,
// \\% and \\_, see lexString) for a comparison that is not LIKE.
func plainString(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.NewReplacer(`\\`, `\`, `\%`, `%`, `\_`, `_`).Replace(s)
}

// likePattern turns a LIKE pattern (% any run, _ one character, \% and \_
// literal) into a case-insensitive regular expression.
func likePattern(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?is)^`)
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\' && i+1 < len(p) && (p[i+1] == '%' || p[i+1] == '_' || p[i+1] == '\\'):
			b.WriteString(regexp.QuoteMeta(string(p[i+1])))
			i++
		case c == '%':
			b.WriteString(`.*`)
		case c == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// run executes a compiled query. all includes deleted records (queryAll).
func (st *soqlEngine) run(c *compiled, all bool) []*record {
	var out []*record
	src := c.table.records
	if c.candidates != nil && !all {
		src = c.candidates
	}
	for _, r := range src {
		if r.deleted && !all {
			continue
		}
		if !c.access.canRead(st.store, c.table, r) {
			continue // invisible rows are left out silently, totalSize included
		}
		if c.where != nil && !c.where(r) {
			continue
		}
		out = append(out, r)
	}
	if len(c.order) > 0 {
		sort.SliceStable(out, func(i, j int) bool {
			for _, o := range c.order {
				a, b := st.read(c.access, out[i], o.field), st.read(c.access, out[j], o.field)
				if a == nil || b == nil {
					if (a == nil) == (b == nil) {
						continue
					}
					return (a == nil) != o.item.nullsLast
				}
				cmp, _ := compareValues(a, b)
				if cmp == 0 {
					continue
				}
				return (cmp < 0) != o.item.desc
			}
			return false
		})
	}
	if c.q.offset > 0 {
		if c.q.offset >= len(out) {
			out = nil
		} else {
			out = out[c.q.offset:]
		}
	}
	if c.q.limit >= 0 && len(out) > c.q.limit {
		out = out[:c.q.limit]
	}
	return out
}

// indexed returns, in insertion order, the live records that a condition
// on Id, a lookup field or a unique text field (= or IN, not under OR or
// NOT) can match,
// as an org reads them from its index instead of scanning; nil when the
// condition names none. The where clause still decides.
func (st *soqlEngine) indexed(t *table, e expr) []*record {
	switch e := e.(type) {
	case andExpr:
		if r := st.indexed(t, e.left); r != nil {
			return r
		}
		return st.indexed(t, e.right)
	case cmpExpr:
		if e.sub != nil || len(e.field.parts) != 1 || (e.op != "=" && e.op != "IN") {
			return nil
		}
		for _, lit := range e.values {
			if lit.kind != litString {
				return nil
			}
		}
		out := []*record{}
		seen := map[*record]bool{}
		add := func(r *record) {
			if r != nil && !r.deleted && !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
		name := e.field.parts[0]
		if strings.EqualFold(name, "Id") {
			for _, lit := range e.values {
				if id, ok := sfid.Normalize(plainString(lit.str)); ok {
					add(t.byID[id])
				}
			}
		} else if f, ok := t.obj.Field(name); ok && t.refs[f.Name] != nil {
			for _, lit := range e.values {
				if id, ok := sfid.Normalize(plainString(lit.str)); ok {
					for _, r := range t.refs[f.Name][id] {
						add(r)
					}
				}
			}
		} else {
			f, ok := t.obj.Field(name)
			if !ok || !isText(f.Type) || t.folded[f.Name] == nil {
				return nil
			}
			for _, lit := range e.values {
				for _, r := range t.folded[f.Name][strings.ToLower(plainString(lit.str))] {
					add(r)
				}
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
		return out
	}
	return nil
}

// project renders the selected fields of a record, relationship fields as
// nested objects as Salesforce does.
func (st *soqlEngine) project(c *compiled, r *record, version string) *orderedObject {
	o := newOrdered()
	o.set("attributes", attributes(c.table.obj.Name, r.id, version))
	for _, rf := range c.fields {
		if len(rf.hops) == 0 {
			o.set(rf.final.Name, wireValue(rf.final, r.value(rf.final)))
			continue
		}
		st.projectPath(c.access, o, r, rf, 0, version)
	}
	return o
}

func (st *soqlEngine) projectPath(a *access, o *orderedObject, r *record, rf resolvedField, hop int, version string) {
	if hop == len(rf.hops) {
		o.set(rf.final.Name, wireValue(rf.final, st.polymorphicValue(r, rf.final)))
		return
	}
	name := rf.names[hop]
	id, _ := r.value(rf.hops[hop]).(string)
	t, next := st.recordByID(id)
	if next == nil || !a.canRead(st.store, t, next) {
		if _, exists := o.values[name]; !exists {
			o.set(name, nil)
		}
		return
	}
	child, _ := o.values[name].(*orderedObject)
	if child == nil {
		child = newOrdered()
		child.set("attributes", attributes(t.obj.Name, next.id, version))
		o.set(name, child)
	}
	st.projectPath(a, child, next, rf, hop+1, version)
}

// describeQueryError maps a parse failure to Salesforce's MALFORMED_QUERY.
// The statement itself is not echoed: it may carry customer data.
func describeQueryError(err error) *Error {
	var se *syntaxError
	if errors.As(err, &se) {
		return malformed("ERROR at Row:1:Column:%d\n%s", se.pos+1, se.msg)
	}
	return malformed("%s", err.Error())
}
