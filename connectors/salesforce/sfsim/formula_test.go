package sfsim

import (
	"testing"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// TestFormulaSemantics: the formula functions mean what they mean in
// Salesforce: ISCHANGED is false and PRIORVALUE the new value when a record
// is created, ISBLANK holds for no value and empty text, a blank equals a
// blank, $Permission asks the user's custom permissions.
func TestFormulaSemantics(t *testing.T) {
	schema, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatal(err)
	}
	o, _ := schema.Object("Care_Action__c")
	queued := map[string]any{"Status__c": "Queued", "Body__c": "hi", "Mark_Pending__c": false}
	sending := map[string]any{"Status__c": "Sending", "Body__c": "hi", "Mark_Pending__c": false}
	edited := map[string]any{"Status__c": "Sending", "Body__c": "hello", "Mark_Pending__c": false}
	tests := []struct {
		formula      string
		rec, prior   map[string]any
		holder, want bool
	}{
		{"ISNEW()", queued, nil, false, true},
		{"ISNEW()", sending, queued, false, false},
		{"ISCHANGED(Status__c)", queued, nil, false, false},
		{"ISCHANGED(Status__c)", sending, queued, false, true},
		{"ISCHANGED(Body__c)", sending, queued, false, false},
		{"ISPICKVAL(PRIORVALUE(Status__c), 'Queued')", sending, queued, false, true},
		{"ISPICKVAL(PRIORVALUE(Status__c), \"Queued\")", sending, nil, false, false}, // PRIORVALUE of a new record is its value
		{"ISPICKVAL(Status__c, 'Sending')", sending, nil, false, true},
		{"ISBLANK(Profile_Id__c)", queued, nil, false, true},
		{"ISBLANK(Body__c)", queued, nil, false, false},
		{"Body__c = 'hello'", edited, sending, false, true},
		{"Body__c <> PRIORVALUE(Body__c)", edited, sending, false, true},
		{"Body__c != PRIORVALUE(Body__c)", sending, queued, false, false},
		{"Profile_Id__c = Care_Result_Id__c", queued, nil, false, true}, // blank equals blank
		{"Profile_Id__c = ''", queued, nil, false, true},
		{"Mark_Pending__c = FALSE", queued, nil, false, true},
		{"$Permission.Carebridge_Integration_Access", queued, nil, true, true},
		{"$permission.carebridge_integration_access", queued, nil, false, false},
		{"AND(TRUE, OR(FALSE, NOT(ISNEW())))", sending, queued, false, true},
		{"OR(/* a comment */ ISNEW())", queued, nil, false, true},
	}
	for _, tt := range tests {
		f, err := compileFormula(tt.formula, o, schema)
		if err != nil {
			t.Errorf("%s: %v", tt.formula, err)
			continue
		}
		env := formulaEnv{rec: tt.rec, prior: tt.prior, permission: func(string) bool { return tt.holder }}
		if got := f.eval(env); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.formula, got, tt.want)
		}
	}
}
