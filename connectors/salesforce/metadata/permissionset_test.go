package metadata_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// permissionSet wraps body in a permission set file with a label.
func permissionSet(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata"><label>P</label>` +
		body + `</PermissionSet>`
}

func objectPerms(object string, flags ...string) string {
	var b strings.Builder
	b.WriteString("<objectPermissions><object>" + object + "</object>")
	for _, f := range flags {
		b.WriteString("<" + f + ">true</" + f + ">")
	}
	b.WriteString("</objectPermissions>")
	return b.String()
}

func TestParsePermissionSet(t *testing.T) {
	raw := permissionSet(
		objectPerms("Case", "allowRead", "allowEdit", "viewAllRecords") +
			objectPerms("Contact") + // all off: dropped
			`<fieldPermissions><field>Case.Subject</field><readable>true</readable><editable>true</editable></fieldPermissions>` +
			`<fieldPermissions><field>Case.Description</field><readable>true</readable><editable>false</editable></fieldPermissions>` +
			`<fieldPermissions><field>Case.Priority</field><readable>false</readable><editable>false</editable></fieldPermissions>` +
			`<userPermissions><enabled>true</enabled><name>ViewSetup</name></userPermissions>` +
			`<userPermissions><enabled>false</enabled><name>ModifyAllData</name></userPermissions>`)
	ps, err := metadata.ParsePermissionSet("P", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if ps.Name != "P" || ps.Label != "P" {
		t.Errorf("name/label: %q %q", ps.Name, ps.Label)
	}
	want := metadata.ObjectPermissions{Object: "Case", Read: true, Edit: true, ViewAllRecords: true}
	if got := ps.Object("case"); got != want || len(ps.Objects) != 1 {
		t.Errorf("objects: %+v, want only %+v", ps.Objects, want)
	}
	if got := ps.Field("Case", "subject"); !got.Read || !got.Edit {
		t.Errorf("Case.Subject: %+v", got)
	}
	if got := ps.Field("Case", "Description"); !got.Read || got.Edit {
		t.Errorf("Case.Description: %+v", got)
	}
	if len(ps.Fields) != 2 {
		t.Errorf("a field readable by nobody is no permission: %+v", ps.Fields)
	}
	if !ps.Has("viewsetup") || ps.Has(metadata.PermModifyAllData) {
		t.Errorf("user permissions: %v", ps.UserPermissions)
	}
	if err := loadShipped(t).CheckPermissionSet(ps); err != nil {
		t.Errorf("CheckPermissionSet: %v", err)
	}
}

func TestParsePermissionSetRefusesMalformedFiles(t *testing.T) {
	tests := []struct {
		name, raw, wantErr string
	}{
		{"not xml", "<PermissionSet><label>", "XML syntax error"},
		{"a profile", `<Profile><label>P</label></Profile>`, "PermissionSet"},
		{"no label", `<PermissionSet></PermissionSet>`, "<label> is required"},
		{"not a boolean", permissionSet(`<objectPermissions><object>Case</object><allowRead>yes</allowRead></objectPermissions>`), "yes"},
		{"edit without read", permissionSet(objectPerms("Case", "allowEdit")), "Case: allowEdit needs allowRead"},
		{"delete without edit", permissionSet(objectPerms("Case", "allowRead", "allowDelete")), "allowDelete needs allowEdit"},
		{"modify all without delete", permissionSet(objectPerms("Case", "allowRead", "allowEdit", "viewAllRecords", "modifyAllRecords")),
			"modifyAllRecords needs allowDelete"},
		{"view all without read", permissionSet(objectPerms("Case", "viewAllRecords")), "viewAllRecords needs allowRead"},
		{"object twice", permissionSet(objectPerms("Case", "allowRead") + objectPerms("Case", "allowRead")), "Case given twice"},
		{"object missing", permissionSet(objectPerms("", "allowRead")), "without <object>"},
		{"field editable, not readable", permissionSet(`<fieldPermissions><field>Case.Subject</field><editable>true</editable></fieldPermissions>`),
			"Case.Subject: editable needs readable"},
		{"field without object", permissionSet(`<fieldPermissions><field>Subject</field><readable>true</readable></fieldPermissions>`),
			"Object.Field"},
		{"field twice", permissionSet(`<fieldPermissions><field>Case.Subject</field><readable>true</readable></fieldPermissions>` +
			`<fieldPermissions><field>Case.Subject</field><readable>true</readable></fieldPermissions>`), "Case.Subject given twice"},
		{"unknown user permission", permissionSet(`<userPermissions><enabled>true</enabled><name>FlyPlanes</name></userPermissions>`),
			`unknown user permission "FlyPlanes"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := metadata.ParsePermissionSet("P", []byte(tt.raw))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "permission set P") {
				t.Errorf("error = %v, want one naming permission set P and %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckPermissionSetRefusesWhatTheSchemaCannotGrant(t *testing.T) {
	s := loadShipped(t)
	tests := []struct {
		name    string
		grant   metadata.Permission
		wantErr string
	}{
		{"unknown object", metadata.Permission{Object: "Nope__c", Access: metadata.AccessRead}, "Nope__c: no such object"},
		{"object without object permissions", metadata.Permission{Object: "CaseComment", Access: metadata.AccessRead}, "follows its parent record"},
		{"public object", metadata.Permission{Object: "User", Access: metadata.AccessRead}, "every user reads it"},
		{"unknown field", metadata.Permission{Field: "Case.Nope__c", Access: metadata.AccessRead}, "Case.Nope__c: no such field"},
		{"required field", metadata.Permission{Field: "Care_Message__c.Case__c", Access: metadata.AccessRead}, "not under field-level security"},
		{"system field", metadata.Permission{Field: "Case.Status", Access: metadata.AccessEdit}, "not under field-level security"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := metadata.PermissionSet{Name: "P", Label: "P"}
			if err := ps.Grant(tt.grant); err != nil {
				t.Fatal(err)
			}
			err := s.CheckPermissionSet(ps)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want one saying %q", err, tt.wantErr)
			}
		})
	}
}

func TestGrantAndRevokeFollowSalesforceDependencies(t *testing.T) {
	var ps metadata.PermissionSet
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ps.Grant(metadata.Permission{Object: "Case", Access: "modifyallrecords"}))
	if got := ps.Object("Case"); got != (metadata.ObjectPermissions{Object: "Case", Read: true, Edit: true, Delete: true, ViewAllRecords: true, ModifyAllRecords: true}) {
		t.Errorf("Modify All grants Read, Edit, Delete and View All with it: %+v", got)
	}
	must(ps.Revoke(metadata.Permission{Object: "Case", Access: metadata.AccessEdit}))
	if got := ps.Object("Case"); got != (metadata.ObjectPermissions{Object: "Case", Read: true, ViewAllRecords: true}) {
		t.Errorf("revoking Edit revokes Delete and Modify All: %+v", got)
	}
	must(ps.Revoke(metadata.Permission{Object: "Case", Access: metadata.AccessRead}))
	if len(ps.Objects) != 0 {
		t.Errorf("revoking Read revokes everything: %+v", ps.Objects)
	}
	must(ps.Grant(metadata.Permission{Field: "Case.Subject", Access: metadata.AccessEdit}))
	if got := ps.Field("Case", "Subject"); !got.Read || !got.Edit {
		t.Errorf("field Edit grants Read: %+v", got)
	}
	must(ps.Revoke(metadata.Permission{Field: "Case.Subject", Access: metadata.AccessRead}))
	if len(ps.Fields) != 0 {
		t.Errorf("revoking field Read revokes Edit: %+v", ps.Fields)
	}
	must(ps.Grant(metadata.Permission{User: "viewsetup"}))
	if !slices.Equal(ps.UserPermissions, []string{metadata.PermViewSetup}) {
		t.Errorf("user permissions: %v", ps.UserPermissions)
	}
	must(ps.Revoke(metadata.Permission{User: metadata.PermViewSetup}))
	if ps.Has(metadata.PermViewSetup) {
		t.Error("ViewSetup still granted")
	}
	for _, bad := range []metadata.Permission{
		{}, {User: "FlyPlanes"}, {User: "ViewSetup", Access: "Read"}, {Object: "Case", Access: "Fly"},
		{Field: "Subject", Access: "Read"}, {Field: "Case.Subject", Access: "Delete"}, {Object: "Case", Field: "Case.Subject", Access: "Read"},
	} {
		if err := ps.Grant(bad); err == nil {
			t.Errorf("Grant(%+v) accepted", bad)
		}
	}
}

// The shipped Carebridge_Integration set is compared with what the bridge
// needs in bridge/daemon (TestShippedPermissionSetIsExactlyWhatCarebridgeNeeds).

func TestShippedTaskNotesPermissionSet(t *testing.T) {
	ps, ok := loadShipped(t).PermissionSet("Carebridge_Task_Notes")
	if !ok {
		t.Fatal("permission set Carebridge_Task_Notes missing")
	}
	if len(ps.Objects) != 0 || len(ps.Fields) != 0 || !slices.Equal(ps.UserPermissions, []string{metadata.PermEditTask}) {
		t.Errorf("Carebridge_Task_Notes = %+v, want Edit Tasks only", ps)
	}
}

// Carebridge_Agent lets an agent read the mirror and create actions, and
// nothing more: no edit or delete of an action, the status and result fields
// read-only (only the integration user changes them).
func TestShippedAgentPermissionSet(t *testing.T) {
	s := loadShipped(t)
	ps, ok := s.PermissionSet("Carebridge_Agent")
	if !ok {
		t.Fatal("permission set Carebridge_Agent missing")
	}
	want := map[string]metadata.ObjectPermissions{
		"Care_Action__c":  {Object: "Care_Action__c", Read: true, Create: true},
		"Care_Message__c": {Object: "Care_Message__c", Read: true},
		"Case":            {Object: "Case", Read: true},
	}
	if len(ps.Objects) != len(want) {
		t.Errorf("object permissions = %+v, want %+v", ps.Objects, want)
	}
	for _, op := range ps.Objects {
		if op != want[op.Object] {
			t.Errorf("object permissions on %s = %+v, want %+v", op.Object, op, want[op.Object])
		}
	}
	if len(ps.UserPermissions) != 0 {
		t.Errorf("user permissions = %v, want none", ps.UserPermissions)
	}
	editable := map[string]bool{
		"Care_Action__c.Body__c": true, "Care_Action__c.Media_URLs__c": true, "Care_Action__c.Mark_Pending__c": true,
		"Care_Action__c.Profile_Id__c": true, "Care_Action__c.Reply_Mode__c": true,
		"Care_Action__c.Target_Message__c": true, "Care_Action__c.Target_Message_Id__c": true,
	}
	// The author key only finds one customer's messages for an erasure:
	// agents have no use for it.
	hiddenFromAgents := map[string]bool{"Care_Message__c.Author_Key__c": true}
	for _, object := range []string{"Care_Action__c", "Care_Message__c", "Case"} {
		o, _ := s.Object(object)
		for _, f := range o.Fields() {
			if !f.Custom || !f.Permissionable {
				continue
			}
			name := object + "." + f.Name
			got := ps.Field(object, f.Name)
			if got.Read == hiddenFromAgents[name] {
				t.Errorf("%s: agents can read it %v, want %v", name, got.Read, !hiddenFromAgents[name])
			}
			if got.Edit != editable[name] {
				t.Errorf("%s: editable = %v, want %v", name, got.Edit, editable[name])
			}
		}
	}
	for _, f := range []string{"Status__c", "Status_Code__c", "Status_Reason__c", "Care_Result_Id__c", "Processed_At__c"} {
		if ps.Field("Care_Action__c", f).Edit {
			t.Errorf("Care_Action__c.%s is editable for agents", f)
		}
	}
}
