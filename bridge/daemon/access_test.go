package daemon

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping"
)

// TestShippedPermissionSetIsExactlyWhatCarebridgeNeeds: the shipped
// Carebridge_Integration permission set grants everything the bridge needs
// with the shipped mapping (and what Salesforce makes those depend on), and
// nothing else. The end-to-end tests run the integration user with exactly
// this set under private Case sharing.
func TestShippedPermissionSetIsExactlyWhatCarebridgeNeeds(t *testing.T) {
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Parse("mapping.yaml", configs.Mapping(), mapping.FromMetadata(schema))
	if err != nil {
		t.Fatal(err)
	}
	shipped, ok := schema.PermissionSet("Carebridge_Integration")
	if !ok {
		t.Fatal("configs/salesforce ships no Carebridge_Integration permission set")
	}
	needs := integrationNeeds(m, schema)
	if missing := lacks(shipped, needs); len(missing) > 0 {
		t.Errorf("the shipped set lacks %v", missing)
	}
	var minimal metadata.PermissionSet
	for _, n := range needs {
		if err := minimal.Grant(n.Permission); err != nil {
			t.Fatalf("grant %v: %v", n, err)
		}
	}
	for _, op := range shipped.Objects {
		if want := minimal.Object(op.Object); op != want {
			t.Errorf("%s: shipped %+v, needed %+v", op.Object, op, want)
		}
	}
	for _, fp := range shipped.Fields {
		object, field, _ := strings.Cut(fp.Field, ".")
		if want := minimal.Field(object, field); fp != want {
			t.Errorf("%s: shipped read %v edit %v, needed read %v edit %v", fp.Field, fp.Read, fp.Edit, want.Read, want.Edit)
		}
	}
	if len(shipped.Objects) != len(minimal.Objects) || len(shipped.Fields) != len(minimal.Fields) {
		t.Errorf("shipped %d object and %d field permissions, needed %d and %d", len(shipped.Objects), len(shipped.Fields), len(minimal.Objects), len(minimal.Fields))
	}
	if !slices.Equal(shipped.UserPermissions, minimal.UserPermissions) {
		t.Errorf("user permissions: shipped %v, needed %v (carebridge needs no View Setup: it never calls /limits)", shipped.UserPermissions, minimal.UserPermissions)
	}
}

func TestNeedsNameWhatIsMissing(t *testing.T) {
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatal(err)
	}
	shipped, _ := schema.PermissionSet("Carebridge_Integration")
	trimmed := shipped.Clone()
	if err := trimmed.Revoke(metadata.Permission{Object: "Case", Access: metadata.AccessModifyAll}); err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(lacks(trimmed, integrationNeeds(nil, schema)))
	if got != "[Case: ModifyAllRecords]" {
		t.Errorf("lacks = %s, want [Case: ModifyAllRecords]", got)
	}
	admin := metadata.PermissionSet{UserPermissions: []string{metadata.PermModifyAllData}}
	for _, n := range lacks(admin, integrationNeeds(nil, schema)) {
		if n.Object != "" || n.User != "" {
			t.Errorf("Modify All Data does not stand in for %v", n)
		}
	}
}
