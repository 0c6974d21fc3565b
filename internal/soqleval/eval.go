// Package soqleval evaluates queries built with package soql against
// in-memory records, as Salesforce would answer the statement soql renders.
// It is the query engine of the test doubles of Salesforce (bridge's
// in-process fake); its tests hold it to the Salesforce sandbox's answers.
// Production code sends queries and never evaluates them.
package soqleval

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

// ErrEval is wrapped by every error of Eval about a query it cannot
// evaluate over the records given: a literal whose type does not suit the
// values of its field (Salesforce refuses such a query), or a form Eval does
// not evaluate (relationship paths).
var ErrEval = errors.New("SOQL evaluation")

// Rows supplies the records of an object to Eval, in a stable order: records
// that ORDER BY leaves tied, and every record of a query without ORDER BY,
// come out in this order. A record maps field API names to JSON values as
// the REST API returns them: strings (ids, text, picklists, datetimes such
// as 2026-11-25T03:55:12.000+0000, dates such as 2026-11-25), float64 (or
// any Go number), bool, nil; time.Time and Date are read as datetime and
// date values too. A missing field is null.
type Rows func(object string) []map[string]any

// Evaluator evaluates built queries against in-memory records, as a
// reference for what Salesforce returns for the statement Build renders.
// It reads no schema, so it infers each comparison from the literal's Go
// type and the record's value:
//
//   - A string literal compares with a string value. When both are
//     Salesforce ids (the value an 18-character id with a valid checksum,
//     the literal a 15- or 18-character id) they compare exactly after
//     normalising to 18 characters; other text compares case-insensitively,
//     as SOQL compares text fields, unless CaseSensitive says the field is
//     one of the unique case-sensitive fields SOQL compares exactly. Text
//     orders case-insensitively too (=, <, IN and ORDER BY alike).
//   - A time.Time literal compares by instant with a datetime value (a
//     Salesforce or RFC 3339 datetime string, or a time.Time). The literal
//     is cut to the whole second first, as Build renders it.
//   - A Date literal compares with a date value (YYYY-MM-DD or a time.Time).
//   - Numbers compare as numbers, bools with = and != only.
//   - Null: field = null and field != null test for null; every other
//     comparison with a null value is false (so field != 'x' is true for a
//     null field, and NOT (field > 1) is true for it too); comparing with a
//     null literal other than by = or != is an error, as in SOQL.
//   - IN is true when the value equals one of the listed values (a null
//     value equals a null in the list); NOT IN is its negation.
//   - InSelect evaluates the subquery over the same rows once and is true
//     when the field's id is among the ids it selects.
//   - ORDER BY sorts nulls first ascending and last descending (null is the
//     smallest value), stably; LIMIT then cuts.
//   - Records with IsDeleted true are left out, as query (not queryAll)
//     leaves them out.
//
// Each returned record holds Id and the selected fields (null ones as nil
// values), keyed by the record's own spelling of the field name (SOQL field
// names are case-insensitive; a field the record lacks keeps the query's
// spelling), and no "attributes" entry.
type Evaluator struct {
	Rows Rows
	// CaseSensitive reports whether text comparisons on a field are
	// case-sensitive: Salesforce compares the values of unique fields
	// marked case-sensitive (external ids such as Care_Case_Id__c are)
	// exactly. nil: every text field compares case-insensitively.
	CaseSensitive func(object, field string) bool
}

// Eval evaluates q against rows with the rules of Evaluator.
func Eval(q soql.Query, rows Rows) ([]map[string]any, error) { return Evaluator{Rows: rows}.Eval(q) }

// Eval evaluates q, which must build (Build's errors are returned as they
// are), against e.Rows.
func (e Evaluator) Eval(query soql.Query) ([]map[string]any, error) {
	if _, err := query.Build(); err != nil {
		return nil, err
	}
	q := query.Parts()
	for _, f := range append(append([]string(nil), q.Fields...), orderFields(q.OrderBy)...) {
		if strings.Contains(f, ".") {
			return nil, fmt.Errorf("%w: relationship path %s: Eval reads the queried object's own fields only", ErrEval, f)
		}
	}
	seen := map[string]bool{}
	for _, f := range q.Fields {
		if seen[strings.ToLower(f)] {
			return nil, fmt.Errorf("%w: duplicate field selected: %s", ErrEval, f)
		}
		seen[strings.ToLower(f)] = true
	}
	matched, err := e.filter(q)
	if err != nil {
		return nil, err
	}
	if len(q.OrderBy) > 0 {
		var sortErr error
		sort.SliceStable(matched, func(i, j int) bool {
			for _, o := range q.OrderBy {
				a, b := field(matched[i], o.Field), field(matched[j], o.Field)
				if a == nil || b == nil {
					if (a == nil) == (b == nil) {
						continue
					}
					return (a == nil) != o.Desc
				}
				c, err := e.order(q.Object, o.Field, a, b)
				if err != nil && sortErr == nil {
					sortErr = err
				}
				if c != 0 {
					return (c < 0) != o.Desc
				}
			}
			return false
		})
		if sortErr != nil {
			return nil, sortErr
		}
	}
	if q.Limit > 0 && len(matched) > q.Limit {
		matched = matched[:q.Limit]
	}
	out := make([]map[string]any, len(matched))
	for i, r := range matched {
		p := make(map[string]any, len(q.Fields)+1)
		for _, f := range append([]string{"Id"}, q.Fields...) {
			key, v := lookup(r, f)
			p[key] = v
		}
		out[i] = p
	}
	return out, nil
}

func orderFields(os []soql.Order) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Field
	}
	return out
}

// filter returns the live rows of q's object that satisfy its condition.
func (e Evaluator) filter(q soql.Parts) ([]map[string]any, error) {
	var rows []map[string]any
	if e.Rows != nil {
		rows = e.Rows(q.Object)
	}
	var out []map[string]any
	subs := map[string]map[string]bool{} // semi-join id sets, evaluated once
	for _, r := range rows {
		if r == nil || r["IsDeleted"] == true {
			continue
		}
		if q.Where != nil {
			ok, err := e.match(q.Object, q.Where, r, subs)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// Match reports whether record r of object satisfies c (nil: every
// record), with the rules of Evaluator; a semi-join reads e.Rows.
func (e Evaluator) Match(object string, c soql.Cond, r map[string]any) (bool, error) {
	if c == nil {
		return true, nil
	}
	if _, err := soql.Select("Id").From(object).Where(c).Build(); err != nil {
		return false, err
	}
	return e.match(object, c, r, map[string]map[string]bool{})
}

// match evaluates c on r. Every branch is evaluated (no short cut), so a
// condition that cannot be evaluated fails whatever the other branches
// say. subs caches the id sets of semi-joins for one query.
func (e Evaluator) match(object string, cond soql.Cond, r map[string]any, subs map[string]map[string]bool) (bool, error) {
	c := soql.PartsOf(cond)
	switch c.Op {
	case "=", "!=", "<", "<=", ">", ">=":
		return e.compare(object, c, r)
	case "IN", "NOT IN":
		return e.in(object, c, r)
	case "IN SELECT":
		return e.semiJoin(c, r, subs)
	case "AND", "OR":
		result := c.Op == "AND"
		for _, sub := range c.Conds {
			if sub == nil {
				continue
			}
			ok, err := e.match(object, sub, r, subs)
			if err != nil {
				return false, err
			}
			if c.Op == "AND" {
				result = result && ok
			} else {
				result = result || ok
			}
		}
		return result, nil
	case "NOT":
		ok, err := e.match(object, c.Conds[0], r, subs)
		return !ok, err
	}
	return false, fmt.Errorf("%w: unknown condition %T", ErrEval, cond)
}

func (e Evaluator) compare(object string, c soql.CondParts, r map[string]any) (bool, error) {
	got := field(r, c.Field)
	want := c.Value
	if p, ok := want.(*time.Time); ok {
		if p == nil {
			want = nil
		} else {
			want = *p
		}
	}
	switch c.Op {
	case "=", "!=":
		eq, err := e.equal(object, c.Field, got, want)
		if c.Op == "!=" {
			eq = !eq
		}
		return eq, err
	}
	if want == nil {
		return false, fmt.Errorf("%w: %s %s null: null can only be compared with = or !=", ErrEval, c.Field, c.Op)
	}
	if _, isBool := want.(bool); isBool {
		return false, fmt.Errorf("%w: %s %s %v: a boolean compares with = or != only", ErrEval, c.Field, c.Op, want)
	}
	if got == nil {
		return false, nil
	}
	n, err := e.cmpLiteral(object, c.Field, got, want)
	if err != nil {
		return false, err
	}
	switch c.Op {
	case "<":
		return n < 0, nil
	case "<=":
		return n <= 0, nil
	case ">":
		return n > 0, nil
	}
	return n >= 0, nil
}

// equal is SOQL's = between a record's value and a literal (either null).
func (e Evaluator) equal(object, fieldName string, got, want any) (bool, error) {
	if got == nil || want == nil {
		return got == nil && want == nil, nil
	}
	n, err := e.cmpLiteral(object, fieldName, got, want)
	return err == nil && n == 0, err
}

func (e Evaluator) in(object string, c soql.CondParts, r map[string]any) (bool, error) {
	got := field(r, c.Field)
	found := false
	for _, v := range c.Values {
		if p, ok := v.(*time.Time); ok {
			if p == nil {
				v = nil
			} else {
				v = *p
			}
		}
		eq, err := e.equal(object, c.Field, got, v)
		if err != nil {
			return false, err
		}
		found = found || eq
	}
	return found != (c.Op == "NOT IN"), nil
}

func (e Evaluator) semiJoin(c soql.CondParts, r map[string]any, subs map[string]map[string]bool) (bool, error) {
	key, err := c.Sub.Build()
	if err != nil {
		return false, err
	}
	ids, ok := subs[key]
	if !ok {
		rows, err := e.filter(c.Sub.Parts())
		if err != nil {
			return false, err
		}
		ids = map[string]bool{}
		for _, sr := range rows {
			v := field(sr, c.Sub.Parts().Fields[0])
			if v == nil {
				continue
			}
			s, isStr := v.(string)
			id, isID := sfid.Normalize(s)
			if !isStr || !isID {
				return false, fmt.Errorf("%w: semi-join subquery field %s.%s holds %v, not an id", ErrEval, c.Sub.Object(), c.Sub.Parts().Fields[0], v)
			}
			ids[id] = true
		}
		subs[key] = ids
	}
	v := field(r, c.Field)
	if v == nil {
		return false, nil
	}
	s, isStr := v.(string)
	id, isID := sfid.Normalize(s)
	if !isStr || !isID {
		return false, fmt.Errorf("%w: semi-join field %s holds %v, not an id", ErrEval, c.Field, v)
	}
	return ids[id], nil
}

// cmpLiteral orders a record's non-null value against a non-null literal.
func (e Evaluator) cmpLiteral(object, fieldName string, got, want any) (int, error) {
	mismatch := func(kind string) error {
		return fmt.Errorf("%w: field %s holds %T %v, which does not compare with the %s literal %v", ErrEval, fieldName, got, got, kind, want)
	}
	switch w := want.(type) {
	case string:
		s, ok := got.(string)
		if !ok {
			return 0, mismatch("string")
		}
		if _, err := time.Parse(wireDateTime, s); err == nil {
			return 0, mismatch("string") // a datetime field takes a datetime literal
		}
		return e.cmpText(object, fieldName, s, literalText(w)), nil
	case time.Time:
		t, ok := asDateTime(got)
		if !ok {
			return 0, mismatch("datetime")
		}
		return t.Compare(w.Truncate(time.Second)), nil
	case soql.Date:
		d, ok := asDate(got)
		if !ok {
			return 0, mismatch("date")
		}
		return cmpDate(d, w), nil
	case bool:
		b, ok := got.(bool)
		if !ok {
			return 0, mismatch("boolean")
		}
		return cmpBool(b, w), nil
	default:
		wn, ok := asNumber(want)
		if !ok {
			return 0, fmt.Errorf("%w: field %s: unsupported literal type %T", ErrEval, fieldName, want)
		}
		gn, ok := asNumber(got)
		if !ok {
			return 0, mismatch("number")
		}
		return cmpFloat(gn, wn), nil
	}
}

// order compares two non-null values of one field for ORDER BY.
func (e Evaluator) order(object, fieldName string, a, b any) (int, error) {
	if ta, ok := asDateTime(a); ok {
		if tb, ok := asDateTime(b); ok {
			return ta.Compare(tb), nil
		}
	}
	_, aDate := a.(soql.Date)
	_, bDate := b.(soql.Date)
	if aDate || bDate {
		if da, ok := asDate(a); ok {
			if db, ok := asDate(b); ok {
				return cmpDate(da, db), nil
			}
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return e.cmpText(object, fieldName, x, y), nil
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmpBool(x, y), nil
		}
	default:
		if xn, ok := asNumber(a); ok {
			if yn, ok := asNumber(b); ok {
				return cmpFloat(xn, yn), nil
			}
		}
	}
	return 0, fmt.Errorf("%w: ORDER BY %s: values %T %v and %T %v do not compare", ErrEval, fieldName, a, a, b, b)
}

// cmpText compares a record's text with a literal's or another record's:
// ids exactly, case-sensitive fields exactly, other text by lower case.
func (e Evaluator) cmpText(object, fieldName, a, b string) int {
	if len(a) == 18 {
		if ia, ok := sfid.Normalize(a); ok && ia == a {
			if ib, ok := sfid.Normalize(b); ok {
				return strings.Compare(ia, ib)
			}
		}
	}
	if e.CaseSensitive != nil && e.CaseSensitive(object, fieldName) {
		return strings.Compare(a, b)
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

// literalText is what a SOQL lexer reads back from Quote(s): s, with each
// byte of invalid UTF-8 as U+FFFD.
func literalText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s))
}

// field returns r's value of name (SOQL names are case-insensitive), nil
// when missing.
func field(r map[string]any, name string) any {
	_, v := lookup(r, name)
	return v
}

// lookup returns the record's spelling of name and its value.
func lookup(r map[string]any, name string) (string, any) {
	if v, ok := r[name]; ok {
		return name, v
	}
	for k, v := range r {
		if strings.EqualFold(k, name) {
			return k, v
		}
	}
	return name, nil
}

// wireDateTime is how Salesforce writes datetimes in JSON.
const wireDateTime = "2006-01-02T15:04:05.000-0700"

// Datetime layouts a record may hold: Salesforce's wire form, then RFC 3339.
var dateTimeLayouts = []string{wireDateTime, "2006-01-02T15:04:05-0700", time.RFC3339Nano}

func parseDateTime(s string) (time.Time, bool) {
	if len(s) < len("2006-01-02T15:04:05") || s[10] != 'T' {
		return time.Time{}, false
	}
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func asDateTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case *time.Time:
		if x != nil {
			return *x, true
		}
	case string:
		return parseDateTime(x)
	}
	return time.Time{}, false
}

func asDate(v any) (soql.Date, bool) {
	switch x := v.(type) {
	case soql.Date:
		return x, true
	case time.Time:
		return soql.DateOf(x), true
	case string:
		t, err := time.Parse("2006-01-02", x)
		if err == nil {
			return soql.DateOf(t), true
		}
	}
	return soql.Date{}, false
}

func cmpDate(a, b soql.Date) int {
	switch {
	case a.Year != b.Year:
		return cmpInt(a.Year, b.Year)
	case a.Month != b.Month:
		return cmpInt(a.Month, b.Month)
	}
	return cmpInt(a.Day, b.Day)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func asNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}
