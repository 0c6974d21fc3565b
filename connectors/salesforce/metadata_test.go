package salesforce

import (
	"testing"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// TestFieldsExistInShippedMetadata fails when the connector (or its test
// suite) names a field that configs/salesforce plus the standard objects
// do not define.
func TestFieldsExistInShippedMetadata(t *testing.T) {
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatalf("loading configs/salesforce: %v", err)
	}
	uses := map[string][]string{
		"CaseStatus":      caseStatusFields,
		"Case":            {"Id", fieldSystemModstamp, "Subject", "Description", "Status", "Care_Case_Id__c", "Care_Platform__c"},
		"Care_Message__c": {"Id", fieldSystemModstamp, "Care_Message_Id__c"},
		"Care_Action__c":  {"Id", fieldSystemModstamp},
	}
	for object, fields := range uses {
		if err := schema.Require(object, fields...); err != nil {
			t.Errorf("%s: %v", object, err)
		}
	}
	if f, ok := schema.Field("Case", "Care_Case_Id__c"); !ok || !f.ExternalID {
		t.Errorf("Case.Care_Case_Id__c is not an external id: %+v", f)
	}
}
