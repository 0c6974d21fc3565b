package sfsim

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
)

// IntegrationGroup is the shipped public group the seeded integration user
// is a member of, as docs/salesforce-setup.md has an admin make it: the
// shipped sharing rule shares Care's Cases with it.
const IntegrationGroup = "Carebridge_Integration"

// sharingRule is a criteria-based sharing rule of the metadata in force:
// records of object that match are shared with the members of group (a
// Group record id), read/write when edit.
type sharingRule struct {
	object, name string
	group        string
	edit         bool
	match        func(r *record) bool
}

// criterionOperations are the operations of sharing rule criteria and
// lookup filter items the sandbox evaluates; a rule or filter with another
// fails New.
var criterionOperations = []string{"equals", "notEqual"}

func supportedOperation(op string) bool { return slices.Contains(criterionOperations, op) }

// compileSharingRules compiles the metadata's sharing rules; groups maps a
// group's developer name to its record id.
func compileSharingRules(schema *metadata.Schema, groups map[string]string) ([]sharingRule, error) {
	var out []sharingRule
	var errs []error
	for _, r := range schema.SharingRules() {
		o, _ := schema.Object(r.Object)
		tests := make([]func(*record) bool, len(r.Criteria))
		for i, c := range r.Criteria {
			if !supportedOperation(c.Operation) {
				errs = append(errs, fmt.Errorf("sharing rule %s.%s: criterion %d: operation %s is not supported by the sandbox (%s are)",
					r.Object, r.Name, i+1, c.Operation, strings.Join(criterionOperations, ", ")))
				continue
			}
			f, _ := o.Field(c.Field)
			tests[i] = criterionTest(f, c)
		}
		logic := r.Logic
		match := func(rec *record) bool {
			return logic.Eval(len(tests), func(i int) bool { return tests[i] != nil && tests[i](rec) })
		}
		out = append(out, sharingRule{object: r.Object, name: r.Name, group: groups[strings.ToLower(r.SharedTo)], edit: r.AccessLevel == "Edit", match: match})
	}
	return out, errors.Join(errs...)
}

// criterionTest is one criterion of a sharing rule: equals holds when the
// field holds one of the comma-separated values (blank for ""), notEqual
// when it holds none of them. Text compares case-sensitively, as criteria
// do.
func criterionTest(f metadata.Field, c metadata.SharingCriterion) func(*record) bool {
	values := []string{""}
	if c.Value != "" {
		values = strings.Split(c.Value, ",")
	}
	equals := c.Operation == "equals"
	return func(r *record) bool {
		v := r.fields[f.Name]
		for _, want := range values {
			if literalMatches(f, v, strings.TrimSpace(want)) {
				return equals
			}
		}
		return !equals
	}
}

// literalMatches compares a stored value with a literal of a rule or
// filter: "" is blank, checkboxes are True or False, numbers compare as
// numbers, ids by their 18 characters, the rest as text.
func literalMatches(f metadata.Field, v any, lit string) bool {
	if lit == "" {
		return blank(v)
	}
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		b, err := strconv.ParseBool(strings.ToLower(lit))
		return err == nil && b == x
	case float64:
		n, err := strconv.ParseFloat(lit, 64)
		return err == nil && n == x
	case time.Time:
		t, ok := parseDateTime(lit)
		return ok && t.Equal(x)
	case string:
		if isIDType(f.Type) {
			a, okA := sfid.Normalize(x)
			b, okB := sfid.Normalize(lit)
			return okA && okB && a == b
		}
		return x == lit
	}
	return false
}

// ruleAccess is what the sharing rules of the user's groups give it on r:
// 0 none, 1 read, 2 read/write.
func (a *access) ruleAccess(t *table, r *record) int {
	level := 0
	for _, rule := range a.rules {
		if rule.object != t.obj.Name || !rule.match(r) {
			continue
		}
		if rule.edit {
			return 2
		}
		level = 1
	}
	return level
}

// lookupFilter is a required lookup filter in force on one field.
type lookupFilter struct {
	field   string // the filtered reference field
	message string
	holds   func(src, target *record) bool
}

// compileLookupFilters compiles the required lookup filters of every
// object, by object name. An operation the sandbox cannot evaluate fails
// New.
func compileLookupFilters(schema *metadata.Schema) (map[string][]lookupFilter, error) {
	out := map[string][]lookupFilter{}
	var errs []error
	for _, name := range schema.Objects() {
		o, _ := schema.Object(name)
		for _, f := range o.Fields() {
			lf := f.LookupFilter
			if !lf.Required() {
				continue
			}
			target, _ := schema.Object(f.ReferenceTo)
			items := make([]func(*record, *record) bool, len(lf.Items))
			for i, it := range lf.Items {
				if !supportedOperation(it.Operation) {
					errs = append(errs, fmt.Errorf("lookup filter of %s.%s: item %d: operation %s is not supported by the sandbox (%s are)",
						o.Name, f.Name, i+1, it.Operation, strings.Join(criterionOperations, ", ")))
					continue
				}
				items[i] = filterItemTest(o, target, it)
			}
			logic := lf.Logic
			msg := lf.ErrorMessage
			if msg == "" {
				msg = "Value does not exist or does not match filter criteria."
			}
			out[o.Name] = append(out[o.Name], lookupFilter{field: f.Name, message: msg, holds: func(src, dst *record) bool {
				return logic.Eval(len(items), func(i int) bool { return items[i] != nil && items[i](src, dst) })
			}})
		}
	}
	return out, errors.Join(errs...)
}

// filterItemTest is one item of a lookup filter: a field of the source
// (the record saved) or target (the record looked up) compared with a
// literal or another field. Stored references are 18-character ids, so
// two references compare as they are; blanks are equal.
func filterItemTest(src, dst *metadata.Object, it metadata.LookupFilterItem) func(*record, *record) bool {
	side := func(ref metadata.FieldRef) (metadata.Field, func(s, d *record) any) {
		if ref.Source {
			f, _ := src.Field(ref.Field)
			return f, func(s, _ *record) any { return s.value(f) }
		}
		f, _ := dst.Field(ref.TargetField())
		return f, func(_, d *record) any { return d.value(f) }
	}
	field, left := side(it.Field)
	equals := it.Operation == "equals"
	if it.ValueField == nil {
		return func(s, d *record) bool { return literalMatches(field, left(s, d), it.Value) == equals }
	}
	_, right := side(*it.ValueField)
	return func(s, d *record) bool { return formulaEqual(left(s, d), right(s, d)) == equals }
}

// checkLookupFilters refuses a save whose reference fields hold a record
// their required lookup filter does not allow. Salesforce checks on every
// save where the field holds a value, not only when it changes (a value
// the filter no longer allows must be changed before the record saves),
// and before the validation rules.
func (st *store) checkLookupFilters(t *table, r *record) *Error {
	for _, lf := range st.filters[t.obj.Name] {
		id, ok := refID(r.fields[lf.field])
		if !ok {
			continue
		}
		_, target := st.recordByID(id)
		if target == nil || target.deleted || !lf.holds(r, target) {
			return fieldError(http.StatusBadRequest, "FIELD_FILTER_VALIDATION_EXCEPTION", []string{lf.field}, "%s", lf.message)
		}
	}
	return nil
}
