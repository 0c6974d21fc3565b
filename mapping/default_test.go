package mapping

import (
	"testing"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/mapping/merge"
)

func shippedSchema(t *testing.T) *metadata.Schema {
	t.Helper()
	s, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatalf("load shipped Salesforce metadata: %v", err)
	}
	return s
}

// TestDefaultMappingFieldsExistInShippedSalesforceMetadata fails when a field
// the default mapping uses is missing from configs/salesforce.
func TestDefaultMappingFieldsExistInShippedSalesforceMetadata(t *testing.T) {
	schema := shippedSchema(t)
	m, err := Default(FromMetadata(schema))
	if err != nil {
		t.Fatalf("default mapping does not validate against configs/salesforce:\n%v", err)
	}
	for _, f := range m.Fields() {
		if !schema.HasField(CaseObject, f.Salesforce) {
			t.Errorf("field %q: Case.%s is not in configs/salesforce", f.Name, f.Salesforce)
		}
	}
	n := m.Notes()
	for _, f := range []string{"ParentId", "CommentBody", "IsPublished"} {
		if n.Object == NotesCaseComment && !schema.HasField(NotesCaseComment, f) {
			t.Errorf("notes: CaseComment.%s is not in configs/salesforce", f)
		}
	}
}

// TestDefaultMappingCoverage checks the default mapping covers what issue 4
// asks: subject, description, platform, profile, sentiment and priority from
// Care to Salesforce; assignment, status (with pending) and notes both ways.
func TestDefaultMappingCoverage(t *testing.T) {
	m, err := Default(FromMetadata(shippedSchema(t)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		care      string
		direction merge.Direction
	}{
		"subject":     {CareSubject, merge.CareToSalesforce},
		"description": {CareDescription, merge.CareToSalesforce},
		"platform":    {CarePlatform, merge.CareToSalesforce},
		"profile":     {CareProfile, merge.CareToSalesforce},
		"sentiment":   {CareSentiment, merge.CareToSalesforce},
		"priority":    {CarePriority, merge.CareToSalesforce},
		"assignee":    {CareAssignee, merge.Both},
		"status":      {CareStatus, merge.Both},
	}
	for name, w := range want {
		f, ok := m.Field(name)
		if !ok {
			t.Errorf("default mapping lacks field %q", name)
			continue
		}
		if f.Care != w.care || f.Direction != w.direction {
			t.Errorf("field %q = care %s direction %s, want care %s direction %s", name, f.Care, f.Direction, w.care, w.direction)
		}
	}
	// Pending travels as the status value, both ways.
	status, _ := m.Field("status")
	if v, _ := status.CareToSalesforce.Lookup("pending"); v != "On Hold" {
		t.Errorf("Care pending goes to Salesforce as %q, want On Hold", v)
	}
	if v, _ := status.SalesforceToCare.Lookup("On Hold"); v != "pending" {
		t.Errorf("Salesforce On Hold comes to Care as %q, want pending", v)
	}
	if n := m.Notes(); n.Direction != merge.Both || n.Object != NotesCaseComment || n.Published {
		t.Errorf("notes = %+v, want both ways to unpublished CaseComments", n)
	}
	if got := m.IdentityConfig(); !got.MatchByEmail || got.UnassignedOwner != KeepOwner {
		t.Errorf("identity = %+v, want e-mail matching and keep", got)
	}
}
