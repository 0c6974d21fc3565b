package sfsim

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// ValidationRule is a Salesforce validation rule that a test adds: a save
// of a record of Object that leaves Violated(record) true is refused with
// FIELD_CUSTOM_VALIDATION_EXCEPTION and Message, shown on Field ("" for the
// top of the page). Violated sees the record as it would be saved, in wire
// form (the shape Record returns). Rules run on every create and update
// through the API and through Update (people's edits); the sandbox's own
// seeding (Insert) skips them. The shipped metadata's validation rules are
// active from the start, evaluated from their formulas.
type ValidationRule struct {
	Object   string
	Name     string
	Message  string
	Field    string
	Violated func(record map[string]any) bool
}

// activeRule is a validation rule in force: a test's, or one of the
// metadata's with its compiled formula.
type activeRule struct {
	object, name, message, field string
	violated                     func(t *table, r *record, env formulaEnv) bool
}

// compileValidationRules compiles the metadata's active validation rules.
// A formula the sandbox cannot evaluate fails New: a shipped rule is never
// skipped in silence. Inactive rules are compiled too, so that activating
// one in the metadata cannot uncover a formula the sandbox refuses.
func compileValidationRules(schema *metadata.Schema) ([]activeRule, error) {
	var out []activeRule
	var errs []error
	for _, r := range schema.ValidationRules() {
		o, _ := schema.Object(r.Object)
		f, err := compileFormula(r.Formula, o, schema)
		if err != nil {
			errs = append(errs, fmt.Errorf("validation rule %s.%s: %w", r.Object, r.Name, err))
			continue
		}
		if r.Active {
			out = append(out, activeRule{object: o.Name, name: r.Name, message: r.Message, field: r.DisplayField,
				violated: func(_ *table, _ *record, env formulaEnv) bool { return f.eval(env) }})
		}
	}
	return out, errors.Join(errs...)
}

// AddValidationRule activates a validation rule.
func (s *recordAPI) AddValidationRule(r ValidationRule) error {
	if r.Name == "" || r.Message == "" || r.Violated == nil {
		return errors.New("sfsim: a validation rule needs a name, a message and a condition")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.store.table(r.Object)
	if err != nil {
		return fmt.Errorf("sfsim validation rule %s: %w", r.Name, err)
	}
	if r.Field != "" {
		f, ok := t.obj.Field(r.Field)
		if !ok {
			return fmt.Errorf("sfsim validation rule %s: %s has no field %s", r.Name, t.obj.Name, r.Field)
		}
		r.Field = f.Name
	}
	violated := r.Violated
	rule := activeRule{object: t.obj.Name, name: r.Name, message: r.Message, field: r.Field,
		violated: func(t *table, r *record, _ formulaEnv) bool { return violated(t.plain(r)) }}
	s.store.rules = append(slices.DeleteFunc(s.store.rules, func(o activeRule) bool {
		return o.object == rule.object && o.name == rule.name
	}), rule)
	return nil
}

// RemoveValidationRule deactivates a rule, a shipped one included; false
// when there was none.
func (s *recordAPI) RemoveValidationRule(object, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.store.rules)
	s.store.rules = slices.DeleteFunc(s.store.rules, func(o activeRule) bool {
		return strings.EqualFold(o.object, object) && o.name == name
	})
	return len(s.store.rules) != n
}

// validate runs the active rules of t on r as it would be saved; before is
// the record before an update (nil on create), custom says whether the
// user saving holds a custom permission.
func (st *store) validate(t *table, r *record, before map[string]any, custom func(string) bool) *Error {
	env := formulaEnv{rec: r.fields, prior: before, permission: custom}
	for _, rule := range st.rules {
		if rule.object != t.obj.Name || !rule.violated(t, r, env) {
			continue
		}
		var fields []string
		if rule.field != "" {
			fields = []string{rule.field}
		}
		return fieldError(http.StatusBadRequest, "FIELD_CUSTOM_VALIDATION_EXCEPTION", fields, "%s", rule.message)
	}
	return nil
}
