// Package soql builds SOQL statements from parts, so that no statement is
// ever concatenated from raw input: field and object names are validated and
// every value is rendered as a literal of its type, strings escaped per the
// Salesforce rules.
//
//	q := soql.Select("Id", "Subject").From("Case").
//		Where(soql.And(soql.Eq("Care_Case_Id__c", id), soql.Gt("SystemModstamp", t))).
//		OrderBy("SystemModstamp", "Id").Limit(10)
//	text, err := q.Build()
package soql

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrInvalid is wrapped by every error about a query that cannot be built.
var ErrInvalid = errors.New("invalid SOQL")

var namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$`)

// ValidName reports whether name is a field, relationship path or object name
// SOQL can take unquoted.
func ValidName(name string) bool { return len(name) <= 255 && namePattern.MatchString(name) }

// DateTimeLayout is the SOQL datetime literal layout (always UTC).
const DateTimeLayout = "2006-01-02T15:04:05Z"

// Date is a date-only value, rendered as an unquoted YYYY-MM-DD literal.
type Date struct{ Year, Month, Day int }

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: int(m), Day: d}
}

// Query is an immutable SELECT statement under construction. The zero value
// is an empty query; start with Select.
type Query struct {
	fields  []string
	object  string
	where   Cond
	orderBy []order
	limit   int
}

type order struct {
	field string
	desc  bool
}

// Select starts a query selecting fields.
func Select(fields ...string) Query { return Query{fields: append([]string(nil), fields...)} }

// From sets the object queried.
func (q Query) From(object string) Query { q.object = object; return q }

// Where sets the condition (replacing any earlier one; combine with And).
func (q Query) Where(c Cond) Query { q.where = c; return q }

// OrderBy appends ascending sort keys.
func (q Query) OrderBy(fields ...string) Query {
	q.orderBy = append(append([]order(nil), q.orderBy...), orders(fields, false)...)
	return q
}

// OrderByDesc appends descending sort keys.
func (q Query) OrderByDesc(fields ...string) Query {
	q.orderBy = append(append([]order(nil), q.orderBy...), orders(fields, true)...)
	return q
}

func orders(fields []string, desc bool) []order {
	out := make([]order, len(fields))
	for i, f := range fields {
		out[i] = order{field: f, desc: desc}
	}
	return out
}

// Limit sets the LIMIT clause; 0 means no limit.
func (q Query) Limit(n int) Query { q.limit = n; return q }

// Object returns the object the query reads.
func (q Query) Object() string { return q.object }

// Build renders the statement, or explains why it cannot be built.
func (q Query) Build() (string, error) {
	if len(q.fields) == 0 {
		return "", fmt.Errorf("%w: no fields selected", ErrInvalid)
	}
	if !ValidName(q.object) {
		return "", fmt.Errorf("%w: object name %q", ErrInvalid, q.object)
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, f := range q.fields {
		if !ValidName(f) {
			return "", fmt.Errorf("%w: field name %q", ErrInvalid, f)
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f)
	}
	b.WriteString(" FROM ")
	b.WriteString(q.object)
	if q.where != nil {
		b.WriteString(" WHERE ")
		if err := q.where.render(&b); err != nil {
			return "", err
		}
	}
	for i, o := range q.orderBy {
		if !ValidName(o.field) {
			return "", fmt.Errorf("%w: order field name %q", ErrInvalid, o.field)
		}
		if i == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(o.field)
		if o.desc {
			b.WriteString(" DESC")
		} else {
			b.WriteString(" ASC")
		}
	}
	if q.limit < 0 {
		return "", fmt.Errorf("%w: negative limit %d", ErrInvalid, q.limit)
	}
	if q.limit > 0 {
		b.WriteString(" LIMIT ")
		b.WriteString(strconv.Itoa(q.limit))
	}
	return b.String(), nil
}

// String renders the statement; an invalid query renders as "" (Build says
// why).
func (q Query) String() string {
	s, err := q.Build()
	if err != nil {
		return ""
	}
	return s
}

// Cond is a WHERE condition. Build conditions with the functions of this
// package; a nil Cond inside And/Or is skipped.
type Cond interface {
	render(b *strings.Builder) error
}

type comparison struct {
	field string
	op    string
	value any
}

func (c comparison) render(b *strings.Builder) error {
	if !ValidName(c.field) {
		return fmt.Errorf("%w: field name %q", ErrInvalid, c.field)
	}
	lit, err := Literal(c.value)
	if err != nil {
		return fmt.Errorf("%w: field %s: %w", ErrInvalid, c.field, err)
	}
	b.WriteString(c.field)
	b.WriteString(" ")
	b.WriteString(c.op)
	b.WriteString(" ")
	b.WriteString(lit)
	return nil
}

// Eq is field = value. A nil value compares with null.
func Eq(field string, value any) Cond { return comparison{field, "=", value} }

// Ne is field != value.
func Ne(field string, value any) Cond { return comparison{field, "!=", value} }

// Gt is field > value.
func Gt(field string, value any) Cond { return comparison{field, ">", value} }

// Ge is field >= value.
func Ge(field string, value any) Cond { return comparison{field, ">=", value} }

// Lt is field < value.
func Lt(field string, value any) Cond { return comparison{field, "<", value} }

// Le is field <= value.
func Le(field string, value any) Cond { return comparison{field, "<=", value} }

// IsNull is field = null.
func IsNull(field string) Cond { return comparison{field, "=", nil} }

// IsNotNull is field != null.
func IsNotNull(field string) Cond { return comparison{field, "!=", nil} }

type in struct {
	field  string
	not    bool
	values []any
}

// In is field IN (values...). Values may also be given as one slice.
func In(field string, values ...any) Cond { return in{field: field, values: flatten(values)} }

// NotIn is field NOT IN (values...).
func NotIn(field string, values ...any) Cond {
	return in{field: field, not: true, values: flatten(values)}
}

func flatten(values []any) []any {
	if len(values) != 1 {
		return values
	}
	rv := reflect.ValueOf(values[0])
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return values
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}

func (c in) render(b *strings.Builder) error {
	if !ValidName(c.field) {
		return fmt.Errorf("%w: field name %q", ErrInvalid, c.field)
	}
	if len(c.values) == 0 {
		return fmt.Errorf("%w: field %s: IN with no values", ErrInvalid, c.field)
	}
	b.WriteString(c.field)
	if c.not {
		b.WriteString(" NOT IN (")
	} else {
		b.WriteString(" IN (")
	}
	for i, v := range c.values {
		lit, err := Literal(v)
		if err != nil {
			return fmt.Errorf("%w: field %s: %w", ErrInvalid, c.field, err)
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(lit)
	}
	b.WriteString(")")
	return nil
}

type inSelect struct {
	field string
	sub   Query
}

// InSelect is a semi-join, field IN (SELECT id FROM ...): for example the
// notes on Cases that carry a Care id,
// InSelect("ParentId", Select("Id").From("Case").Where(IsNotNull("Care_Case_Id__c"))).
// The subquery selects exactly one field, an id, and has no ORDER BY or
// LIMIT.
func InSelect(field string, sub Query) Cond { return inSelect{field, sub} }

func (c inSelect) render(b *strings.Builder) error {
	if !ValidName(c.field) {
		return fmt.Errorf("%w: field name %q", ErrInvalid, c.field)
	}
	if len(c.sub.fields) != 1 || len(c.sub.orderBy) > 0 || c.sub.limit != 0 {
		return fmt.Errorf("%w: field %s: a semi-join subquery selects one id field, without ORDER BY or LIMIT", ErrInvalid, c.field)
	}
	sub, err := c.sub.Build()
	if err != nil {
		return fmt.Errorf("field %s: subquery: %w", c.field, err)
	}
	b.WriteString(c.field)
	b.WriteString(" IN (")
	b.WriteString(sub)
	b.WriteString(")")
	return nil
}

type junction struct {
	op    string
	conds []Cond
}

// And joins conditions with AND (nil conditions are skipped).
func And(conds ...Cond) Cond { return junction{"AND", conds} }

// Or joins conditions with OR (nil conditions are skipped).
func Or(conds ...Cond) Cond { return junction{"OR", conds} }

func (j junction) render(b *strings.Builder) error {
	var parts []Cond
	for _, c := range j.conds {
		if c != nil {
			parts = append(parts, c)
		}
	}
	if len(parts) == 0 {
		return fmt.Errorf("%w: empty %s", ErrInvalid, j.op)
	}
	if len(parts) == 1 {
		return parts[0].render(b)
	}
	b.WriteString("(")
	for i, c := range parts {
		if i > 0 {
			b.WriteString(" " + j.op + " ")
		}
		if err := c.render(b); err != nil {
			return err
		}
	}
	b.WriteString(")")
	return nil
}

type not struct{ cond Cond }

// Not negates a condition.
func Not(c Cond) Cond { return not{c} }

func (n not) render(b *strings.Builder) error {
	if n.cond == nil {
		return fmt.Errorf("%w: NOT of nothing", ErrInvalid)
	}
	b.WriteString("(NOT ")
	if err := n.cond.render(b); err != nil {
		return err
	}
	b.WriteString(")")
	return nil
}

// Literal renders v as a SOQL literal by its type: strings quoted and
// escaped, time.Time as an unquoted UTC datetime, Date as YYYY-MM-DD, bools,
// integers and finite floats as themselves, nil as null.
func Literal(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case string:
		return Quote(x), nil
	case time.Time:
		if x.IsZero() {
			return "", errors.New("zero time")
		}
		return x.UTC().Format(DateTimeLayout), nil
	case *time.Time:
		if x == nil {
			return "null", nil
		}
		return Literal(*x)
	case Date:
		if x.Month < 1 || x.Month > 12 || x.Day < 1 || x.Day > 31 || x.Year < 1 || x.Year > 9999 {
			return "", fmt.Errorf("invalid date %d-%d-%d", x.Year, x.Month, x.Day)
		}
		return fmt.Sprintf("%04d-%02d-%02d", x.Year, x.Month, x.Day), nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.FormatInt(int64(x), 10), nil
	case int8:
		return strconv.FormatInt(int64(x), 10), nil
	case int16:
		return strconv.FormatInt(int64(x), 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float32:
		return formatFloat(float64(x), 32)
	case float64:
		return formatFloat(x, 64)
	default:
		return "", fmt.Errorf("unsupported value type %T", v)
	}
}

func formatFloat(f float64, bits int) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("non-finite number %v", f)
	}
	return strconv.FormatFloat(f, 'f', -1, bits), nil
}
