package mapping

import "github.com/carebridge/carebridge/connectors/salesforce/metadata"

// Schema answers what the mapping needs to know about the Salesforce org's
// fields. Parse validates every Salesforce field name and value against it.
type Schema interface {
	HasField(object, field string) bool
	// Picklist returns the values of a picklist field; false when the field
	// is not a picklist.
	Picklist(object, field string) ([]string, bool)
	// Updateable reports whether the integration may write the field.
	Updateable(object, field string) bool
}

// FromMetadata adapts the Salesforce metadata schema (configs/salesforce plus
// the standard objects) to Schema.
func FromMetadata(s *metadata.Schema) Schema { return metadataSchema{s} }

type metadataSchema struct{ s *metadata.Schema }

func (m metadataSchema) HasField(object, field string) bool { return m.s.HasField(object, field) }

func (m metadataSchema) Picklist(object, field string) ([]string, bool) {
	f, ok := m.s.Field(object, field)
	if !ok || f.Type != metadata.TypePicklist {
		return nil, false
	}
	return f.Picklist, true
}

func (m metadataSchema) Updateable(object, field string) bool {
	f, ok := m.s.Field(object, field)
	return ok && f.Updateable
}
