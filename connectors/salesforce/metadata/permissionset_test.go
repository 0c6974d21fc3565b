package metadata_test

import (
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/carebridge/carebridge/configs"
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

// The Care fields carebridge itself writes (bridge.EngineCaseFields,
// bridge.MessageFields, the action result fields in bridge/actions.go) and
// the agent-written action fields it only reads. Keep in step with bridge/.
var (
	engineWritesCase   = []string{"Care_Case_Id__c", "Care_Sync_Status__c", "Care_Sync_Error__c", "Care_Allowed_Reply_Modes__c", "Care_Private_Reply_Deadline__c", "Care_DM_Deadline__c"}
	engineWritesAction = []string{"Status__c", "Status_Code__c", "Status_Reason__c", "Care_Result_Id__c", "Processed_At__c"}
	engineReadsAction  = []string{"Type__c", "Reply_Mode__c", "Target_Message_Id__c", "Body__c", "Media_URLs__c", "Mark_Pending__c", "Profile_Id__c"}
	engineWritesMsg    = []string{"Care_Message_Id__c", "Platform__c", "Kind__c", "Direction__c", "Author_Handle__c", "Author_Name__c",
		"Author_Is_Page__c", "Author_Follows_Brand__c", "Text__c", "Media_URLs__c", "Parent_Message_Id__c", "Thread_Depth__c",
		"Posted_At__c", "Hidden__c", "Hidden_With_Parent__c", "Deleted__c", "Liked__c", "Private_Reply_Sent__c", "Permalink__c"}
)

// TestShippedIntegrationPermissionSet: Carebridge_Integration grants what
// the bridge needs under a Private sharing model (the e2e suite runs with
// exactly this set) and nothing else: Modify All on Case and the Care
// objects, field-level security on the fields the engine and the shipped
// mapping use (edit where they write), no Contact, no user permissions.
func TestShippedIntegrationPermissionSet(t *testing.T) {
	s := loadShipped(t)
	ps, ok := s.PermissionSet("Carebridge_Integration")
	if !ok {
		t.Fatal("permission set Carebridge_Integration missing")
	}
	all := metadata.ObjectPermissions{Read: true, Create: true, Edit: true, Delete: true, ViewAllRecords: true, ModifyAllRecords: true}
	wantObjects := map[string]metadata.ObjectPermissions{"Case": all, "Care_Message__c": all, "Care_Action__c": all}
	noCreate := wantObjects["Care_Action__c"]
	noCreate.Create = false // agents create actions; carebridge only updates them
	wantObjects["Care_Action__c"] = noCreate
	for _, op := range ps.Objects {
		want, ok := wantObjects[op.Object]
		want.Object = op.Object
		if !ok || op != want {
			t.Errorf("object permissions %+v, want %+v", op, want)
		}
		delete(wantObjects, op.Object)
	}
	for object := range wantObjects {
		t.Errorf("no object permissions on %s", object)
	}
	if len(ps.UserPermissions) != 0 {
		t.Errorf("user permissions %v: carebridge needs none (no View Setup: it does not read /limits)", ps.UserPermissions)
	}

	want := map[string]bool{} // "Object.Field" -> editable
	for _, f := range engineWritesCase {
		want["Case."+f] = true
	}
	for object, fields := range map[string][]string{"Care_Message__c": engineWritesMsg, "Care_Action__c": engineWritesAction} {
		for _, f := range fields {
			want[object+"."+f] = true
		}
	}
	for _, f := range engineReadsAction {
		want["Care_Action__c."+f] = false
	}
	for field, writes := range shippedMappingFields(t) {
		want["Case."+field] = want["Case."+field] || writes
	}
	for name, edit := range want {
		object, field, _ := strings.Cut(name, ".")
		f, ok := s.Field(object, field)
		if !ok {
			t.Errorf("%s is not in the metadata", name)
			continue
		}
		if !f.Permissionable {
			delete(want, name) // always visible and editable
			continue
		}
		if got := ps.Field(object, field); !got.Read || got.Edit != edit {
			t.Errorf("%s: read %v edit %v, want read true edit %v", name, got.Read, got.Edit, edit)
		}
	}
	for _, fp := range ps.Fields {
		if _, needed := want[fp.Field]; !needed {
			t.Errorf("%s is granted but carebridge does not use it", fp.Field)
		}
	}
}

// shippedMappingFields returns the Case fields of configs/mapping.yaml and
// whether carebridge writes each (direction other than salesforce_to_care).
func shippedMappingFields(t *testing.T) map[string]bool {
	t.Helper()
	var m struct {
		Fields []struct {
			Salesforce string `yaml:"salesforce"`
			Direction  string `yaml:"direction"`
		} `yaml:"fields"`
	}
	if err := yaml.Unmarshal(configs.Mapping(), &m); err != nil {
		t.Fatalf("configs/mapping.yaml: %v", err)
	}
	out := map[string]bool{}
	for _, f := range m.Fields {
		out[f.Salesforce] = out[f.Salesforce] || f.Direction != "salesforce_to_care"
	}
	if len(out) == 0 {
		t.Fatal("configs/mapping.yaml maps no fields")
	}
	return out
}

func TestShippedTaskNotesPermissionSet(t *testing.T) {
	ps, ok := loadShipped(t).PermissionSet("Carebridge_Task_Notes")
	if !ok {
		t.Fatal("permission set Carebridge_Task_Notes missing")
	}
	if len(ps.Objects) != 0 || len(ps.Fields) != 0 || !slices.Equal(ps.UserPermissions, []string{metadata.PermEditTask}) {
		t.Errorf("Carebridge_Task_Notes = %+v, want Edit Tasks only", ps)
	}
}
