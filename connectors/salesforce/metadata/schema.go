// Package metadata reads carebridge's Salesforce DX metadata source
// (configs/salesforce) into a Schema and adds the standard objects carebridge
// uses, so that one Schema answers every "does this field exist" question:
// for the connector, the mapping validation and the Salesforce sandbox.
package metadata

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Field types, named as Salesforce's describe call names them.
const (
	TypeID        = "id"
	TypeString    = "string"
	TypeTextArea  = "textarea"
	TypePicklist  = "picklist"
	TypeBoolean   = "boolean"
	TypeDateTime  = "datetime"
	TypeDate      = "date"
	TypeDouble    = "double"
	TypeInt       = "int"
	TypeReference = "reference"
	TypeURL       = "url"
	TypeEmail     = "email"
	TypePhone     = "phone"
)

// Field describes one field of an object.
type Field struct {
	Name        string // API name, e.g. Care_Case_Id__c
	Label       string
	Type        string // describe type: string, textarea, picklist, boolean, datetime, ...
	ReferenceTo string // target object of a reference field
	Length      int    // maximum length of text fields, 0 otherwise
	Required    bool   // must be given on create (not nillable, no default)
	ExternalID  bool
	Unique      bool
	// CaseSensitive: a unique text field whose values differ by case (SOQL
	// compares them exactly; other text compares ignoring case).
	CaseSensitive bool
	Createable    bool
	Updateable    bool
	Custom        bool
	// MasterDetail: a master-detail reference; the parent record owns this
	// one and controls who may see and edit it.
	MasterDetail bool
	// WriteRequiresMasterRead: creating or editing a detail record needs
	// only read access to its master record (false: edit access).
	WriteRequiresMasterRead bool
	Picklist                []string // allowed values, in order
	Restricted              bool     // picklist refuses values outside Picklist
	Default                 string   // default value on create ("" for none)
	Filterable              bool     // may appear in WHERE and ORDER BY (long text areas may not)
	// PicklistLabels are the labels of Picklist's values (value -> label)
	// where the metadata gives one that differs from the value.
	PicklistLabels map[string]string
	// Permissionable: under field-level security, so a permission set must
	// grant it. Required fields and system fields are always visible.
	Permissionable bool
	// LookupFilter restricts the records a reference field may hold; nil
	// for none.
	LookupFilter *LookupFilter
	// RelationshipName names the parent's child relationship of a custom
	// reference field (Care_Messages, queried as Care_Messages__r); "" for
	// none.
	RelationshipName string
}

// PicklistLabel is the label of a picklist value: the metadata's label, or
// the value itself.
func (f Field) PicklistLabel(value string) string {
	if l, ok := f.PicklistLabels[value]; ok {
		return l
	}
	return value
}

// Sharing models (org-wide defaults), as object metadata names them.
const (
	SharingPrivate            = "Private"            // owners (and View All / Modify All) only
	SharingRead               = "Read"               // everyone reads, owners edit
	SharingReadWrite          = "ReadWrite"          // everyone reads and edits
	SharingControlledByParent = "ControlledByParent" // access follows the parent record
)

// Object describes one sObject type.
type Object struct {
	Name      string
	Label     string
	KeyPrefix string // first three characters of its record ids
	Custom    bool
	// SharingModel is the org-wide default: who sees and edits a record.
	SharingModel string
	// Parent is the field holding the parent record when SharingModel is
	// ControlledByParent (a master-detail field, CaseComment.ParentId,
	// Task.WhatId).
	Parent string
	// Permissionable: permission sets carry object permissions for it.
	// CaseComment follows Case, Task follows Edit Tasks, and public objects
	// (User, Group, CaseStatus) are readable by every user.
	Permissionable bool
	fields         []Field
	index          map[string]int // lower-case name -> position in fields
}

// Fields returns the object's fields in definition order.
func (o *Object) Fields() []Field {
	out := make([]Field, len(o.fields))
	for i, f := range o.fields {
		out[i] = f.clone()
	}
	return out
}

// Field looks a field up by name, ignoring case as Salesforce does.
func (o *Object) Field(name string) (Field, bool) {
	i, ok := o.index[strings.ToLower(name)]
	if !ok {
		return Field{}, false
	}
	return o.fields[i].clone(), true
}

// clone copies the picklist and lookup filter so that callers cannot
// change the schema.
func (f Field) clone() Field {
	f.Picklist = slices.Clone(f.Picklist)
	f.PicklistLabels = maps.Clone(f.PicklistLabels)
	f.LookupFilter = f.LookupFilter.clone()
	return f
}

// ExternalIDFields returns the names of the object's external id fields.
func (o *Object) ExternalIDFields() []string {
	var out []string
	for _, f := range o.fields {
		if f.ExternalID {
			out = append(out, f.Name)
		}
	}
	return out
}

func (o *Object) addField(f Field) error {
	key := strings.ToLower(f.Name)
	if o.index == nil {
		o.index = make(map[string]int)
	}
	if _, dup := o.index[key]; dup {
		return fmt.Errorf("object %s: field %s defined twice", o.Name, f.Name)
	}
	o.index[key] = len(o.fields)
	o.fields = append(o.fields, f)
	return nil
}

func (o *Object) setField(f Field) {
	if i, ok := o.index[strings.ToLower(f.Name)]; ok {
		o.fields[i] = f
	}
}

// CaseStatus is one value of the Case Status picklist.
type CaseStatus struct {
	Label     string
	IsClosed  bool
	IsDefault bool
}

// Schema is every object carebridge may read or write.
type Schema struct {
	objects           map[string]*Object // lower-case name -> object
	caseStatuses      []CaseStatus
	permissionSets    []PermissionSet    // sorted by name
	customPermissions []CustomPermission // sorted by name
	validationRules   []ValidationRule   // by object and name
	groups            []Group            // sorted by name
	sharingRules      []SharingRule      // by object and name
	channels          []Channel          // change event channels, sorted by name
}

// Object looks an object up by API name, ignoring case.
func (s *Schema) Object(name string) (*Object, bool) {
	o, ok := s.objects[strings.ToLower(name)]
	return o, ok
}

// Objects returns the names of all objects, sorted.
func (s *Schema) Objects() []string {
	out := make([]string, 0, len(s.objects))
	for _, o := range s.objects {
		out = append(out, o.Name)
	}
	sort.Strings(out)
	return out
}

// HasField reports whether object has field (both ignoring case).
func (s *Schema) HasField(object, field string) bool {
	_, ok := s.Field(object, field)
	return ok
}

// Field returns the definition of object.field.
func (s *Schema) Field(object, field string) (Field, bool) {
	o, ok := s.Object(object)
	if !ok {
		return Field{}, false
	}
	return o.Field(field)
}

// Require returns an error naming every field of object that the schema
// lacks, or the object itself when it is unknown; nil when all exist.
func (s *Schema) Require(object string, fields ...string) error {
	o, ok := s.Object(object)
	if !ok {
		return fmt.Errorf("salesforce metadata: object %s is not defined", object)
	}
	var missing []string
	for _, f := range fields {
		if _, ok := o.Field(f); !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("salesforce metadata: object %s lacks field(s) %s", o.Name, strings.Join(missing, ", "))
	}
	return nil
}

// CaseStatuses returns the Case status values in their defined order.
func (s *Schema) CaseStatuses() []CaseStatus {
	out := make([]CaseStatus, len(s.caseStatuses))
	copy(out, s.caseStatuses)
	return out
}

// PermissionSets returns the permission sets of the metadata source, sorted
// by name.
func (s *Schema) PermissionSets() []PermissionSet {
	out := make([]PermissionSet, len(s.permissionSets))
	for i, ps := range s.permissionSets {
		out[i] = ps.Clone()
	}
	return out
}

// PermissionSet returns the permission set of the metadata source named
// name (ignoring case).
func (s *Schema) PermissionSet(name string) (PermissionSet, bool) {
	for _, ps := range s.permissionSets {
		if strings.EqualFold(ps.Name, name) {
			return ps.Clone(), true
		}
	}
	return PermissionSet{}, false
}
