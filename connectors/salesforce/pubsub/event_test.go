package pubsub

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/hamba/avro/v2"
)

// TestFieldNamesSalesforceExample decodes the example of Salesforce's
// "Event Deserialization Considerations" (Pub/Sub API guide):
// changedFields ['0x650004E0','4-0x10','7-0x06']. 0x650004E0 sets bits 5,
// 6, 7, 10, 24, 26, 29 and 30; 4-0x10 is the fifth field of the compound
// field at position 4; 7-0x06 the second and third of the one at 7.
func TestFieldNamesSalesforceExample(t *testing.T) {
	fields := []any{map[string]any{"name": "ChangeEventHeader", "type": map[string]any{
		"type": "record", "name": "ChangeEventHeader", "fields": []any{map[string]any{"name": "entityName", "type": "string"}}}}}
	for i := 1; i <= 31; i++ {
		switch i {
		case 4:
			fields = append(fields, compound("BillingAddress", "Street", "City", "State", "PostalCode", "Country"))
		case 7:
			fields = append(fields, compound("Name", "Salutation", "FirstName", "LastName"))
		default:
			fields = append(fields, map[string]any{"name": fmt.Sprintf("F%d", i), "type": []any{"null", "string"}, "default": nil})
		}
	}
	raw, _ := json.Marshal(map[string]any{"type": "record", "name": "AccountChangeEvent", "namespace": "com.sforce.eventbus", "fields": fields})
	s, err := avro.ParseBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := FieldNames(s.(*avro.RecordSchema), []string{"0x650004E0", "4-0x10", "7-0x06"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"F5", "F6", "Name", "F10", "F24", "F26", "F29", "F30", "BillingAddress.Country", "Name.FirstName", "Name.LastName"}
	if !slices.Equal(got, want) {
		t.Fatalf("FieldNames = %v, want %v", got, want)
	}
	for _, bad := range [][]string{{"0xZZ"}, {"0x" + "1" + fmt.Sprintf("%016X", 0)}, {"3-0x01"}, {"99-0x01"}, {"nonsense"}} {
		if _, err := FieldNames(s.(*avro.RecordSchema), bad); err == nil {
			t.Errorf("FieldNames(%v) accepted a bitmap the schema cannot have", bad)
		}
	}
}

func compound(name string, children ...string) map[string]any {
	var fs []any
	for _, c := range children {
		fs = append(fs, map[string]any{"name": c, "type": []any{"null", "string"}, "default": nil})
	}
	return map[string]any{"name": name, "default": nil, "type": []any{"null", map[string]any{"type": "record", "name": name + "Type", "fields": fs}}}
}
