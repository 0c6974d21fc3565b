package metadata

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

const (
	customPermissionSuffix = ".customPermission-meta.xml"
	validationRuleSuffix   = ".validationRule-meta.xml"
)

// CustomPermission is a custom permission of the metadata source: a name
// that permission sets enable and formulas test ($Permission.<Name>).
type CustomPermission struct {
	Name  string
	Label string
}

// ValidationRule is a validation rule of the metadata source. Its formula
// is kept as written: whoever enforces the rule evaluates it.
type ValidationRule struct {
	Object string
	Name   string
	Active bool
	// Formula is the errorConditionFormula: the save is refused when it
	// is true.
	Formula string
	// Message is the errorMessage; DisplayField the errorDisplayField,
	// where the message shows ("" for the top of the page).
	Message      string
	DisplayField string
	Description  string
}

// LookupFilter restricts which records a lookup field may hold (the
// lookupFilter of a relationship field).
type LookupFilter struct {
	Active bool
	// Optional filters only guide the lookup dialog; required ones refuse
	// a save whose value does not match (FIELD_FILTER_VALIDATION_EXCEPTION).
	Optional bool
	Items    []LookupFilterItem
	// Logic combines the items; nil means all of them must hold.
	Logic        *Logic
	ErrorMessage string
	InfoMessage  string
}

// Required reports whether the filter refuses saves.
func (lf *LookupFilter) Required() bool { return lf != nil && lf.Active && !lf.Optional }

func (lf *LookupFilter) clone() *LookupFilter {
	if lf == nil {
		return nil
	}
	c := *lf
	c.Items = slices.Clone(lf.Items)
	return &c
}

// LookupFilterItem is one criterion of a lookup filter: a field of the
// looked-up record (Target) or of the record being saved (Source), an
// operation, and a literal Value or another field (ValueField).
type LookupFilterItem struct {
	Field      FieldRef
	Operation  string
	Value      string
	ValueField *FieldRef
}

// FieldRef names a field of a lookup filter: Source for the record being
// saved ($Source.X), otherwise the looked-up record.
type FieldRef struct {
	Source bool
	Field  string
}

func (r FieldRef) String() string {
	if r.Source {
		return "$Source." + r.Field
	}
	return r.Field
}

// lookupOperations are the operations LookupFilter's filterItems allow.
var lookupOperations = []string{"equals", "notEqual", "lessThan", "greaterThan", "lessOrEqual", "greaterOrEqual",
	"contains", "notContain", "startsWith", "includes", "excludes", "within"}

// CustomPermissions returns the custom permissions, sorted by name.
func (s *Schema) CustomPermissions() []CustomPermission { return slices.Clone(s.customPermissions) }

// CustomPermission looks a custom permission up by name, ignoring case.
func (s *Schema) CustomPermission(name string) (CustomPermission, bool) {
	return byName(s.customPermissions, name, func(c CustomPermission) string { return c.Name })
}

// byName finds the item named name, ignoring case.
func byName[T any](items []T, name string, nameOf func(T) string) (T, bool) {
	i := slices.IndexFunc(items, func(it T) bool { return strings.EqualFold(nameOf(it), name) })
	if i < 0 {
		var zero T
		return zero, false
	}
	return items[i], true
}

// ValidationRules returns the validation rules, by object and name.
func (s *Schema) ValidationRules() []ValidationRule { return slices.Clone(s.validationRules) }

type customPermissionXML struct {
	Label string `xml:"label"`
}

func readCustomPermission(fsys fs.FS, p string) (CustomPermission, error) {
	var x customPermissionXML
	if err := decode(fsys, p, &x); err != nil {
		return CustomPermission{}, err
	}
	c := CustomPermission{Name: strings.TrimSuffix(path.Base(p), customPermissionSuffix), Label: strings.TrimSpace(x.Label)}
	if c.Label == "" {
		return CustomPermission{}, fmt.Errorf("load salesforce metadata: %s: <label> is required", p)
	}
	return c, nil
}

type validationRuleXML struct {
	FullName          string `xml:"fullName"`
	Active            bool   `xml:"active"`
	Description       string `xml:"description"`
	Formula           string `xml:"errorConditionFormula"`
	ErrorDisplayField string `xml:"errorDisplayField"`
	ErrorMessage      string `xml:"errorMessage"`
}

// readValidationRule reads objects/<Object>/validationRules/<Name>: a rule
// needs a formula and a message, and shows it on a field of its object.
func (s *Schema) readValidationRule(fsys fs.FS, p string) (ValidationRule, error) {
	var x validationRuleXML
	if err := decode(fsys, p, &x); err != nil {
		return ValidationRule{}, err
	}
	fail := func(format string, args ...any) (ValidationRule, error) {
		return ValidationRule{}, fmt.Errorf("load salesforce metadata: %s: %s", p, fmt.Sprintf(format, args...))
	}
	name := strings.TrimSuffix(path.Base(p), validationRuleSuffix)
	objName := path.Base(path.Dir(path.Dir(p)))
	o, ok := s.Object(objName)
	switch {
	case !ok:
		return fail("object %s has no definition", objName)
	case x.FullName != "" && x.FullName != name:
		return fail("fullName %q does not match the file name", x.FullName)
	case strings.TrimSpace(x.Formula) == "":
		return fail("<errorConditionFormula> is required")
	case strings.TrimSpace(x.ErrorMessage) == "":
		return fail("<errorMessage> is required")
	}
	r := ValidationRule{Object: o.Name, Name: name, Active: x.Active, Formula: x.Formula, Message: strings.TrimSpace(x.ErrorMessage),
		Description: strings.TrimSpace(x.Description)}
	if x.ErrorDisplayField != "" {
		f, ok := o.Field(strings.TrimSpace(x.ErrorDisplayField))
		if !ok {
			return fail("errorDisplayField %s is not a field of %s", x.ErrorDisplayField, o.Name)
		}
		r.DisplayField = f.Name
	}
	return r, nil
}

type filterItemXML struct {
	Field      string `xml:"field"`
	Operation  string `xml:"operation"`
	Value      string `xml:"value"`
	ValueField string `xml:"valueField"`
}

type lookupFilterXML struct {
	Active        bool            `xml:"active"`
	BooleanFilter string          `xml:"booleanFilter"`
	ErrorMessage  string          `xml:"errorMessage"`
	InfoMessage   string          `xml:"infoMessage"`
	IsOptional    bool            `xml:"isOptional"`
	FilterItems   []filterItemXML `xml:"filterItems"`
}

// maxLookupFilterItems: a lookup filter has at most 10 criteria.
const maxLookupFilterItems = 10

// parseLookupFilter reads the shape of a lookupFilter; the fields it
// names are checked once every field is loaded (checkLookupFilter).
func parseLookupFilter(x *lookupFilterXML) (*LookupFilter, error) {
	lf := &LookupFilter{Active: x.Active, Optional: x.IsOptional, ErrorMessage: strings.TrimSpace(x.ErrorMessage), InfoMessage: strings.TrimSpace(x.InfoMessage)}
	if len(x.FilterItems) == 0 || len(x.FilterItems) > maxLookupFilterItems {
		return nil, fmt.Errorf("lookupFilter: %d filterItems (1 to %d)", len(x.FilterItems), maxLookupFilterItems)
	}
	for i, it := range x.FilterItems {
		item := LookupFilterItem{Operation: strings.TrimSpace(it.Operation), Value: it.Value}
		var err error
		if item.Field, err = parseFieldRef(it.Field); err != nil {
			return nil, fmt.Errorf("lookupFilter item %d: %w", i+1, err)
		}
		if !slices.Contains(lookupOperations, item.Operation) {
			return nil, fmt.Errorf("lookupFilter item %d: operation %q is not one of %s", i+1, it.Operation, strings.Join(lookupOperations, ", "))
		}
		if vf := strings.TrimSpace(it.ValueField); vf != "" {
			if it.Value != "" {
				return nil, fmt.Errorf("lookupFilter item %d: give a value or a valueField, not both", i+1)
			}
			ref, err := parseFieldRef(vf)
			if err != nil {
				return nil, fmt.Errorf("lookupFilter item %d: valueField: %w", i+1, err)
			}
			item.ValueField = &ref
		}
		lf.Items = append(lf.Items, item)
	}
	if strings.TrimSpace(x.BooleanFilter) != "" {
		logic, err := ParseLogic(x.BooleanFilter, len(lf.Items))
		if err != nil {
			return nil, fmt.Errorf("lookupFilter: %w", err)
		}
		lf.Logic = logic
	}
	return lf, nil
}

// parseFieldRef reads "$Source.Field" or "Object.Field" (the looked-up
// object's field; relationships are not followed).
func parseFieldRef(s string) (FieldRef, error) {
	s = strings.TrimSpace(s)
	head, field, ok := strings.Cut(s, ".")
	if !ok || field == "" || strings.Contains(field, ".") {
		return FieldRef{}, fmt.Errorf("field %q: name $Source.Field or Object.Field (fields across relationships and $User, $Profile, $UserRole are not supported)", s)
	}
	if strings.HasPrefix(head, "$") {
		if !strings.EqualFold(head, "$Source") {
			return FieldRef{}, fmt.Errorf("field %q: only $Source is supported among the global variables", s)
		}
		return FieldRef{Source: true, Field: field}, nil
	}
	return FieldRef{Field: head + "." + field}, nil
}

// sourceFieldRefused: the types of source-record fields a lookup filter
// cannot reference (Salesforce Help, "Lookup Filter Limitations").
func sourceFieldRefused(f Field) bool {
	switch f.Type {
	case TypeString, TypeTextArea, TypePhone, TypeURL:
		return true
	}
	return false
}

// checkLookupFilter resolves the fields of the filter on field f of o: the
// target's fields are named Target.Field, the source's $Source.Field.
func (s *Schema) checkLookupFilter(o *Object, f *Field) error {
	target, ok := s.Object(f.ReferenceTo)
	if !ok {
		return fmt.Errorf("field %s: lookupFilter on a reference to %s, which has no definition", f.Name, f.ReferenceTo)
	}
	resolve := func(r *FieldRef) error {
		if r.Source {
			sf, ok := o.Field(r.Field)
			switch {
			case !ok:
				return fmt.Errorf("%s: %s has no field %s", r, o.Name, r.Field)
			case sourceFieldRefused(sf):
				return fmt.Errorf("%s: a lookup filter cannot reference a %s field of the source record", r, sf.Type)
			}
			r.Field = sf.Name
			return nil
		}
		objName, field, _ := strings.Cut(r.Field, ".")
		if !strings.EqualFold(objName, target.Name) {
			return fmt.Errorf("%s: name fields of the looked-up object %s or $Source", r, target.Name)
		}
		tf, ok := target.Field(field)
		if !ok {
			return fmt.Errorf("%s: %s has no field %s", r, target.Name, field)
		}
		r.Field = target.Name + "." + tf.Name
		return nil
	}
	for i := range f.LookupFilter.Items {
		it := &f.LookupFilter.Items[i]
		if err := resolve(&it.Field); err != nil {
			return fmt.Errorf("field %s: lookupFilter item %d: %w", f.Name, i+1, err)
		}
		if it.ValueField != nil {
			if err := resolve(it.ValueField); err != nil {
				return fmt.Errorf("field %s: lookupFilter item %d: valueField %w", f.Name, i+1, err)
			}
		}
	}
	return nil
}

// TargetField returns the field of the looked-up object a reference
// names (FieldRef.Source false): "Object.Field" -> "Field".
func (r FieldRef) TargetField() string {
	_, field, _ := strings.Cut(r.Field, ".")
	return field
}
