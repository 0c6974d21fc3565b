// Package mapping is carebridge's field mapping: which canonical case field
// lives in which Care attribute and which Salesforce Case field, which way it
// flows, how values translate, who wins a conflict, how Care agents match
// Salesforce users, and where notes go. A mapping is loaded strictly from
// YAML (see docs/mapping.md): every problem is reported with file and line.
//
// Canonical values use Care's vocabulary: status is open, pending or done;
// the assignee is a Care agent id or "" for unassigned.
package mapping

import (
	"slices"

	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/mapping/merge"
)

// CaseObject is the Salesforce object cases are synced with.
const CaseObject = "Case"

// Care case attributes a field can map.
const (
	CareSubject     = "subject"
	CareDescription = "description"
	CarePlatform    = "platform"
	CareProfile     = "profile_id"
	CareSentiment   = "sentiment"
	CarePriority    = "priority"
	CareAssignee    = "assignee_id"
	CareStatus      = "status"
)

// Else is the value-map key that covers every value not listed.
const Else = "else"

// KeepOwner as identity.unassigned_owner leaves the Salesforce owner as it is
// when the Care case has no assignee Salesforce can show.
const KeepOwner = "keep"

// Canonical is a case in canonical form: canonical field name -> value.
type Canonical = map[string]string

// Field is one mapped field.
type Field struct {
	Name       string // canonical name
	Care       string // Care case attribute
	Salesforce string // Case field API name
	Direction  merge.Direction
	Conflict   merge.Policy // for two-way fields
	// CareToSalesforce and SalesforceToCare translate values; nil when the
	// values are the same on both sides.
	CareToSalesforce *ValueMap
	SalesforceToCare *ValueMap
	Line             int // where the field is defined
}

// Identity reports whether the field is the assignment, translated by the
// identity map rather than a value map.
func (f Field) Identity() bool { return f.Care == CareAssignee }

// ValueMap translates values of one field in one direction.
type ValueMap struct {
	Values  map[string]string
	Else    string
	HasElse bool

	line     int            // of the map
	lines    map[string]int // of each entry
	elseLine int
}

// Lookup translates v: its entry, else the else value, else v unchanged
// (false).
func (m *ValueMap) Lookup(v string) (string, bool) {
	if m == nil {
		return v, false
	}
	if out, ok := m.Values[v]; ok {
		return out, true
	}
	if m.HasElse {
		return m.Else, true
	}
	return v, false
}

// Note targets.
const (
	NotesCaseComment = "CaseComment"
	NotesTask        = "Task"
)

// Notes is how internal notes sync.
type Notes struct {
	Direction merge.Direction
	Object    string // NotesCaseComment or NotesTask
	Published bool   // CaseComment.IsPublished (visible in the customer portal)
}

// What the mirror does with a message the brand deleted
// (conversation.brand_deleted).
const (
	BrandDeletedRemove = "remove" // its content leaves Salesforce (the default)
	BrandDeletedKeep   = "keep"   // its content stays, marked deleted by the brand
)

// Conversation is how the mirrored conversation (Care_Message__c) keeps
// content the platforms' terms let a copy keep or not.
type Conversation struct {
	// KeepBrandDeleted keeps the text, media, link and author of a message
	// the brand deleted through Care, for an org whose agreements with the
	// platforms let it keep moderated content for its records. Off, the
	// default, such a message is a tombstone like one its author deleted.
	KeepBrandDeleted bool
}

// IdentityConfig is the identity section: how Care agents and Salesforce
// users are matched, and which owner an unassigned case gets.
type IdentityConfig struct {
	MatchByEmail bool
	Overrides    []Override
	// UnassignedOwner is the Salesforce User or Queue id set as owner when
	// the Care case has no assignee (or one with no Salesforce user);
	// KeepOwner leaves the owner unchanged.
	UnassignedOwner string
}

// Override pairs a Care agent with a Salesforce user explicitly, whatever
// their e-mail addresses say.
type Override struct {
	CareAgent      string
	SalesforceUser string
}

// Mapping is a loaded, validated mapping. It is immutable.
type Mapping struct {
	fields       []Field
	notes        Notes
	identity     IdentityConfig
	conversation Conversation
	version      string
}

// Fields returns the mapped fields in file order.
func (m *Mapping) Fields() []Field { return slices.Clone(m.fields) }

// Field returns the field with the canonical name.
func (m *Mapping) Field(name string) (Field, bool) {
	for _, f := range m.fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// SalesforceFields returns the Case fields the mapping reads, sorted and
// without duplicates, for SOQL field lists.
func (m *Mapping) SalesforceFields() []string {
	var out []string
	for _, f := range m.fields {
		out = append(out, f.Salesforce)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Notes returns the notes settings.
func (m *Mapping) Notes() Notes { return m.notes }

// Conversation returns the conversation settings.
func (m *Mapping) Conversation() Conversation { return m.conversation }

// IdentityConfig returns the identity settings.
func (m *Mapping) IdentityConfig() IdentityConfig {
	c := m.identity
	c.Overrides = slices.Clone(c.Overrides)
	return c
}

// Version identifies the mapping's content (a hash of the file).
func (m *Mapping) Version() string { return m.version }

// careAttribute describes a Care case attribute: whether carebridge can write
// it to Care and which values it takes (nil: any).
type careAttribute struct {
	writable bool
	values   []string
	// optional values may be translated but need not be: a deleted case
	// is not synced unless the mapping says where it goes.
	optional []string
}

// known reports whether v is a value of the attribute (true when any value
// goes).
func (a careAttribute) known(v string) bool {
	return a.values == nil || slices.Contains(a.values, v) || slices.Contains(a.optional, v)
}

func lookupCareAttribute(name string) (careAttribute, bool) {
	switch name {
	case CareSubject, CareDescription:
		return careAttribute{}, true
	case CarePlatform:
		return careAttribute{values: []string{
			string(rules.Facebook), string(rules.Instagram), string(rules.Twitter),
			string(rules.LinkedIn), string(rules.YouTube), string(rules.TikTok),
		}}, true
	case CareSentiment:
		return careAttribute{values: []string{"positive", "neutral", "negative"}}, true
	case CarePriority:
		return careAttribute{values: []string{"low", "normal", "high", "urgent"}}, true
	case CareProfile, CareAssignee:
		return careAttribute{writable: true}, true
	case CareStatus:
		return careAttribute{writable: true, values: []string{
			string(rules.Open), string(rules.Pending), string(rules.Done),
		}, optional: []string{string(rules.Deleted)}}, true
	}
	return careAttribute{}, false
}

func careAttributeNames() []string {
	return []string{CareSubject, CareDescription, CarePlatform, CareProfile, CareSentiment, CarePriority, CareAssignee, CareStatus}
}

// CareAttributeInfo describes a Care case attribute for editors: its name,
// whether carebridge can write it to Care, and its values (nil: any text).
type CareAttributeInfo struct {
	Name     string   `json:"name"`
	Writable bool     `json:"writable"`
	Values   []string `json:"values,omitempty"`
	// Optional values may be translated but need not be.
	Optional []string `json:"optional,omitempty"`
}

// CareAttributes lists the Care case attributes a field can map.
func CareAttributes() []CareAttributeInfo {
	names := careAttributeNames()
	out := make([]CareAttributeInfo, 0, len(names))
	for _, n := range names {
		a, _ := lookupCareAttribute(n)
		out = append(out, CareAttributeInfo{Name: n, Writable: a.writable, Values: slices.Clone(a.values), Optional: slices.Clone(a.optional)})
	}
	return out
}
