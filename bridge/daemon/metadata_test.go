package daemon

import (
	"testing"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping"
)

// TestEngineFieldsExistInShippedMetadata fails when the engine or the default
// configuration uses a Salesforce field that configs/salesforce lacks, since
// such a field would fail on a real org that has exactly that metadata.
func TestEngineFieldsExistInShippedMetadata(t *testing.T) {
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Default(mapping.FromMetadata(schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Require("Case", append(bridge.EngineCaseFields(), m.SalesforceFields()...)...); err != nil {
		t.Error(err)
	}
	notes := bridge.NotesTargetOf(m)
	fields := []string{"Id", "CreatedById", "CreatedDate", notes.ParentField, notes.BodyField}
	for k := range notes.Extra {
		fields = append(fields, k)
	}
	if err := schema.Require(notes.Object, fields...); err != nil {
		t.Error(err)
	}
	if err := schema.Require("User", "Id", "Email", "IsActive"); err != nil {
		t.Error(err)
	}
}
