package mapping

import (
	"errors"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/configs"
)

// FuzzParse checks that no input makes Parse panic, and that a failure is
// always a *ValidationError whose problems carry the file name.
func FuzzParse(f *testing.F) {
	f.Add(configs.Mapping())
	f.Add([]byte("fields:\n" + statusField))
	f.Add([]byte("fields: [a, {b: c}]\nnotes: [x]\nidentity: {overrides: {a: b}}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	schema := newTestSchema()
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.yaml", data, schema)
		if err == nil {
			if m == nil {
				t.Fatal("nil mapping without an error")
			}
			return
		}
		var verr *ValidationError
		if !errors.As(err, &verr) || len(verr.Problems) == 0 {
			t.Fatalf("error %T %v is not a non-empty *ValidationError", err, err)
		}
		if !strings.HasPrefix(err.Error(), "fuzz.yaml:") {
			t.Fatalf("error %q does not name the file", err)
		}
	})
}

func TestParseWithoutSchemaSkipsSalesforceChecks(t *testing.T) {
	src := "fields:\n  - name: subject\n    care: subject\n    salesforce: Not_In_Any_Org__c\n    direction: care_to_salesforce\n"
	if _, err := Parse("mapping.yaml", []byte(src), nil); err != nil {
		t.Errorf("Parse without schema: %v", err)
	}
	if _, err := Parse("mapping.yaml", []byte(src), newTestSchema()); err == nil {
		t.Error("Parse with schema accepted a field the schema lacks")
	}
}
