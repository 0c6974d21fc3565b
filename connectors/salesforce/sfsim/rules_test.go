package sfsim_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

// shippedMetadata copies the shipped Salesforce DX project, with the
// files in edits (under force-app/main/default/) replaced or added.
func shippedMetadata(t *testing.T, edits map[string]string) fs.FS {
	t.Helper()
	src := configs.SalesforceMetadata()
	out := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(src, p)
		out[p] = &fstest.MapFile{Data: raw}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, body := range edits {
		out["force-app/main/default/"+p] = &fstest.MapFile{Data: []byte(body)}
	}
	return out
}

// TestNewRefusesRulesItCannotEvaluate: a validation rule, lookup filter or
// sharing rule in the metadata that the sandbox cannot evaluate makes New
// fail, naming it, instead of being skipped in silence.
func TestNewRefusesRulesItCannotEvaluate(t *testing.T) {
	rule := func(formula string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><ValidationRule xmlns="http://soap.sforce.com/2006/04/metadata">` +
			`<fullName>Extra</fullName><active>true</active><errorConditionFormula>` + formula + `</errorConditionFormula>` +
			`<errorMessage>No.</errorMessage></ValidationRule>`
	}
	const rulePath = "objects/Care_Action__c/validationRules/Extra.validationRule-meta.xml"
	raw, err := fs.ReadFile(configs.SalesforceMetadata(), "force-app/main/default/objects/Care_Action__c/fields/Target_Message__c.field-meta.xml")
	if err != nil {
		t.Fatal(err)
	}
	sharing, err := fs.ReadFile(configs.SalesforceMetadata(), "force-app/main/default/sharingRules/Case.sharingRules-meta.xml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		edits   map[string]string
		wantErr []string
	}{
		{"a function the sandbox lacks", map[string]string{rulePath: rule("AND(ISCHANGED(Body__c), Processed_At__c &lt; NOW())")}, []string{"Care_Action__c.Extra", "operator \"<\""}},
		{"an unknown function", map[string]string{rulePath: rule("ISBLANK(TEXT(Status__c))")}, []string{"Care_Action__c.Extra", "function TEXT"}},
		{"&& instead of AND", map[string]string{rulePath: rule("ISNEW() &amp;&amp; ISBLANK(Body__c)")}, []string{"operator \"&&\""}},
		{"an unknown field", map[string]string{rulePath: rule("ISCHANGED(Bodyy__c)")}, []string{"field Bodyy__c does not exist on Care_Action__c"}},
		{"an unknown custom permission", map[string]string{rulePath: rule("NOT($Permission.Fly)")}, []string{"$Permission.Fly"}},
		{"a picklist compared with =", map[string]string{rulePath: rule("Status__c = 'Sent'")}, []string{"use ISPICKVAL"}},
		{"a field across a relationship", map[string]string{rulePath: rule("ISBLANK(Case__r.Subject)")}, []string{"across relationships"}},
		{"not a Checkbox formula", map[string]string{rulePath: rule("Body__c")}, []string{"needs Checkbox"}},
		{"a lookup filter operation the sandbox lacks", map[string]string{
			"objects/Care_Action__c/fields/Target_Message__c.field-meta.xml": strings.Replace(string(raw), "<operation>equals</operation>", "<operation>startsWith</operation>", 1),
		}, []string{"lookup filter of Care_Action__c.Target_Message__c", "startsWith"}},
		{"a sharing rule operation the sandbox lacks", map[string]string{
			"sharingRules/Case.sharingRules-meta.xml": strings.Replace(string(sharing), "<operation>notEqual</operation>", "<operation>startsWith</operation><value>c</value>", 1),
		}, []string{"sharing rule Case.Carebridge_Integration_Cases", "startsWith"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sfsim.New(sfsim.Options{ClientID: testClientID, ClientSecret: testClientSecret, Metadata: shippedMetadata(t, tt.edits)})
			for _, want := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("New: %v, want an error naming %q", err, want)
				}
			}
		})
	}
	if _, err := sfsim.New(sfsim.Options{ClientID: testClientID, ClientSecret: testClientSecret, Metadata: shippedMetadata(t, nil)}); err != nil {
		t.Fatalf("New with the shipped metadata copied: %v", err)
	}
}
