package check

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping"
)

// TestShippedPermissionSetIsExactlyWhatCarebridgeNeeds: the shipped
// Carebridge_Integration permission set grants everything the bridge needs
// with the shipped mapping and change events (and what Salesforce makes
// those depend on), and nothing else: no Modify All and no Delete anywhere,
// record access comes from the shipped sharing rule. The end-to-end tests
// run the integration user with exactly this set under private Case
// sharing.
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
	needs := integrationNeeds(m, schema, true)
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
	if !slices.Equal(shipped.CustomPermissions, minimal.CustomPermissions) {
		t.Errorf("custom permissions: shipped %v, needed %v", shipped.CustomPermissions, minimal.CustomPermissions)
	}
	for _, op := range shipped.Objects {
		if op.ModifyAllRecords || op.Delete && op.Object != bridge.MessageObject {
			t.Errorf("%s: Modify All or Delete, which every security review flags and carebridge does not need (it deletes only its mirrored messages)", op.Object)
		}
	}
	if missing := lacks(shipped, integrationNeeds(m, schema, false)); len(missing) > 0 {
		t.Errorf("with polls instead of change events the shipped set lacks %v", missing)
	}
}

func TestNeedsNameWhatIsMissing(t *testing.T) {
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatal(err)
	}
	shipped, _ := schema.PermissionSet("Carebridge_Integration")
	trimmed := shipped.Clone()
	for _, p := range []metadata.Permission{{Object: "Case", Access: metadata.AccessViewAll}, {User: metadata.PermTransferAnyCase},
		{Custom: "Carebridge_Integration_Access"}} {
		if err := trimmed.Revoke(p); err != nil {
			t.Fatal(err)
		}
	}
	want := "[Case: ViewAllRecords user permission TransferAnyCase custom permission Carebridge_Integration_Access]"
	if got := fmt.Sprint(lacks(trimmed, integrationNeeds(nil, schema, true))); got != want {
		t.Errorf("lacks = %s, want %s", got, want)
	}
	if err := trimmed.Revoke(metadata.Permission{Object: "Care_Action__c", Access: metadata.AccessViewAll}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(lacks(trimmed, integrationNeeds(nil, schema, false))); got != want {
		t.Errorf("with polls: lacks = %s, want %s (View All on Care_Action__c serves change events only)", got, want)
	}
	admin := metadata.PermissionSet{UserPermissions: []string{metadata.PermModifyAllData}}
	for _, n := range lacks(admin, integrationNeeds(nil, schema, true)) {
		if n.Object != "" || n.User != "" {
			t.Errorf("Modify All Data does not stand in for %v", n)
		}
	}
}
