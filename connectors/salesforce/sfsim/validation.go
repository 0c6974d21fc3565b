package sfsim

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// ValidationRule is a Salesforce validation rule: a save of a record of
// Object that leaves Violated(record) true is refused with
// FIELD_CUSTOM_VALIDATION_EXCEPTION and Message, shown on Field ("" for the
// top of the page). Violated sees the record as it would be saved, in wire
// form (the shape Record returns). Rules run on every create and update
// through the API and through Update (people's edits); the sandbox's own
// seeding (Insert) skips them.
type ValidationRule struct {
	Object   string
	Name     string
	Message  string
	Field    string
	Violated func(record map[string]any) bool
}

// AddValidationRule activates a validation rule.
func (s *Server) AddValidationRule(r ValidationRule) error {
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
	r.Object = t.obj.Name
	s.store.rules = append(slices.DeleteFunc(s.store.rules, func(o ValidationRule) bool {
		return o.Object == r.Object && o.Name == r.Name
	}), r)
	return nil
}

// RemoveValidationRule deactivates a rule; false when there was none.
func (s *Server) RemoveValidationRule(object, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.store.rules)
	s.store.rules = slices.DeleteFunc(s.store.rules, func(o ValidationRule) bool {
		return strings.EqualFold(o.Object, object) && o.Name == name
	})
	return len(s.store.rules) != n
}

// validate runs the active rules of t on r as it would be saved.
func (st *store) validate(t *table, r *record) *Error {
	var plain map[string]any
	for _, rule := range st.rules {
		if rule.Object != t.obj.Name {
			continue
		}
		if plain == nil {
			plain = t.plain(r)
		}
		if rule.Violated(plain) {
			var fields []string
			if rule.Field != "" {
				fields = []string{rule.Field}
			}
			return fieldError(http.StatusBadRequest, "FIELD_CUSTOM_VALIDATION_EXCEPTION", fields, "%s", rule.Message)
		}
	}
	return nil
}
