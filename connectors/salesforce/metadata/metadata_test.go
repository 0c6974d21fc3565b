package metadata_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

func loadShipped(t *testing.T) *metadata.Schema {
	t.Helper()
	s, err := metadata.Load(configs.SalesforceMetadata())
	if err != nil {
		t.Fatalf("Load(shipped metadata): %v", err)
	}
	return s
}

// TestShippedMetadataHasEveryField fails when a field carebridge relies on is
// missing from configs/salesforce (custom) or the standard-objects table.
func TestShippedMetadataHasEveryField(t *testing.T) {
	s := loadShipped(t)
	want := map[string][]string{
		"Case": {"Id", "CaseNumber", "Subject", "Description", "Status", "IsClosed", "Priority", "Origin",
			"OwnerId", "ContactId", "CreatedDate", "LastModifiedDate", "SystemModstamp", "ClosedDate", "IsDeleted",
			"Care_Case_Id__c", "Care_Platform__c", "Care_Profile__c", "Care_Sentiment__c", "Care_Priority__c",
			"Care_Sync_Status__c", "Care_Sync_Error__c", "Care_Allowed_Reply_Modes__c",
			"Care_Private_Reply_Deadline__c", "Care_DM_Deadline__c", "Care_Assignee__c"},
		"CaseComment": {"Id", "ParentId", "CommentBody", "IsPublished", "CreatedById", "CreatedDate", "SystemModstamp", "IsDeleted"},
		"Task":        {"Id", "WhatId", "Subject", "Description", "Status", "ActivityDate", "OwnerId", "SystemModstamp"},
		"User":        {"Id", "Username", "Email", "Name", "IsActive"},
		"Group":       {"Id", "Name", "Type", "DeveloperName"},
		"Contact":     {"Id", "FirstName", "LastName", "Email"},
		"CaseStatus":  {"Id", "MasterLabel", "ApiName", "IsClosed", "IsDefault", "SortOrder"},
		"Care_Message__c": {"Id", "Name", "Case__c", "Care_Message_Id__c", "Platform__c", "Kind__c", "Direction__c",
			"Author_Handle__c", "Author_Name__c", "Author_Is_Page__c", "Author_Follows_Brand__c", "Text__c",
			"Media_URLs__c", "Parent_Message_Id__c", "Thread_Depth__c", "Posted_At__c", "Hidden__c",
			"Hidden_With_Parent__c", "Deleted__c", "Liked__c", "Private_Reply_Sent__c", "Permalink__c", "SystemModstamp"},
		"Care_Action__c": {"Id", "Name", "Case__c", "Type__c", "Reply_Mode__c", "Target_Message_Id__c", "Body__c",
			"Media_URLs__c", "Mark_Pending__c", "Profile_Id__c", "Status__c", "Status_Code__c", "Status_Reason__c",
			"Care_Result_Id__c", "Processed_At__c", "SystemModstamp", "CreatedDate"},
	}
	for object, fields := range want {
		if err := s.Require(object, fields...); err != nil {
			t.Error(err)
		}
	}
}

func TestFieldDefinitions(t *testing.T) {
	s := loadShipped(t)
	tests := []struct {
		object, field string
		check         func(metadata.Field) bool
		what          string
	}{
		{"Case", "Care_Case_Id__c", func(f metadata.Field) bool {
			return f.ExternalID && f.Unique && f.Length == 64 && f.Type == metadata.TypeString && f.Custom
		}, "unique external id Text(64)"},
		{"case", "care_platform__c", func(f metadata.Field) bool {
			return f.Type == metadata.TypePicklist && !f.Restricted &&
				slices.Equal(f.Picklist, []string{"facebook", "instagram", "twitter", "linkedin", "youtube", "tiktok"})
		}, "unrestricted platform picklist (a new Care platform never stops a case), looked up ignoring case"},
		{"Care_Message__c", "Platform__c", func(f metadata.Field) bool { return f.Type == metadata.TypePicklist && !f.Restricted }, "unrestricted picklist"},
		{"Care_Message__c", "Kind__c", func(f metadata.Field) bool { return f.Type == metadata.TypePicklist && !f.Restricted }, "unrestricted picklist"},
		{"Case", "Care_Sentiment__c", func(f metadata.Field) bool { return f.Restricted }, "restricted picklist"},
		{"Case", "Subject", func(f metadata.Field) bool { return f.Permissionable }, "under field-level security"},
		{"Case", "Status", func(f metadata.Field) bool { return !f.Permissionable }, "always visible"},
		{"Case", "OwnerId", func(f metadata.Field) bool { return !f.Permissionable }, "always visible"},
		{"Case", "Care_Sync_Status__c", func(f metadata.Field) bool { return f.Permissionable }, "under field-level security"},
		{"Care_Action__c", "Type__c", func(f metadata.Field) bool { return !f.Permissionable }, "required, so always visible"},
		{"Case", "Care_Sync_Status__c", func(f metadata.Field) bool {
			return slices.Equal(f.Picklist, []string{"Synced", "Error"})
		}, "Synced/Error picklist"},
		{"Case", "Care_Sync_Error__c", func(f metadata.Field) bool {
			return f.Type == metadata.TypeTextArea && f.Length == 131072 && !f.Filterable
		}, "long text area, not filterable"},
		{"Case", "Description", func(f metadata.Field) bool { return !f.Filterable }, "not filterable"},
		{"Case", "Care_Case_Id__c", func(f metadata.Field) bool { return f.Filterable }, "filterable"},
		{"CaseComment", "CommentBody", func(f metadata.Field) bool { return f.Filterable }, "filterable"},
		{"Case", "Care_DM_Deadline__c", func(f metadata.Field) bool { return f.Type == metadata.TypeDateTime }, "datetime"},
		{"Case", "IsClosed", func(f metadata.Field) bool { return !f.Updateable && !f.Createable }, "read-only"},
		{"Case", "Status", func(f metadata.Field) bool {
			return f.Default == "New" && slices.Contains(f.Picklist, "On Hold")
		}, "status values from CaseStatus"},
		{"CaseComment", "CommentBody", func(f metadata.Field) bool { return f.Length == 4000 }, "4000 chars"},
		{"CaseComment", "ParentId", func(f metadata.Field) bool {
			return f.Required && f.Createable && !f.Updateable && f.ReferenceTo == "Case"
		}, "required create-only reference"},
		{"Care_Message__c", "Case__c", func(f metadata.Field) bool {
			return f.Type == metadata.TypeReference && f.ReferenceTo == "Case" && f.Required && !f.Updateable
		}, "master-detail to Case"},
		{"Care_Message__c", "Care_Message_Id__c", func(f metadata.Field) bool { return f.ExternalID && f.Unique }, "unique external id"},
		{"Care_Message__c", "Author_Is_Page__c", func(f metadata.Field) bool {
			return f.Type == metadata.TypeBoolean && f.Default == "false" && !f.Required
		}, "checkbox"},
		{"Care_Message__c", "Thread_Depth__c", func(f metadata.Field) bool { return f.Type == metadata.TypeDouble }, "number"},
		{"Care_Message__c", "Permalink__c", func(f metadata.Field) bool {
			return f.Type == metadata.TypeTextArea && f.Length == 4096 && !f.Filterable
		}, "long text: a link longer than a URL field's 255 characters must not fail the message"},
		{"Care_Action__c", "Status__c", func(f metadata.Field) bool {
			return f.Default == "Queued" && f.Restricted && !f.Required &&
				slices.Equal(f.Picklist, []string{"Queued", "Sending", "Sent", "Rejected", "Failed"})
		}, "status picklist defaulting to Queued"},
		{"Care_Action__c", "Type__c", func(f metadata.Field) bool {
			return f.Required && len(f.Picklist) == 11 && slices.Contains(f.Picklist, "set_profile")
		}, "required type picklist"},
		{"Care_Action__c", "Reply_Mode__c", func(f metadata.Field) bool {
			return slices.Equal(f.Picklist, []string{"public_reply", "comment_on_post", "direct_message", "private_reply"})
		}, "reply modes"},
		{"Care_Action__c", "Name", func(f metadata.Field) bool { return !f.Createable && f.Type == metadata.TypeString }, "auto-number name"},
	}
	for _, tt := range tests {
		t.Run(tt.object+"."+tt.field, func(t *testing.T) {
			f, ok := s.Field(tt.object, tt.field)
			if !ok {
				t.Fatalf("field missing")
			}
			if !tt.check(f) {
				t.Errorf("want %s, got %+v", tt.what, f)
			}
		})
	}
	if s.HasField("Care_Message__c", "OwnerId") {
		t.Error("a master-detail child must not have an OwnerId")
	}
}

// TestRelatedListsAndPicklistLabels: the loader keeps what the User
// Interface API shows: a custom lookup's child relationship (Case's related
// list Care_Messages__r) and the labels of picklist values.
func TestRelatedListsAndPicklistLabels(t *testing.T) {
	s := loadShipped(t)
	msg, _ := s.Object("Care_Message__c")
	if f, _ := msg.Field("Case__c"); f.RelationshipName != "Care_Messages" {
		t.Errorf("Care_Message__c.Case__c relationship %q, want Care_Messages", f.RelationshipName)
	}
	kind, _ := msg.Field("Kind__c")
	if got := kind.PicklistLabel("wall_post"); got != "Wall post" {
		t.Errorf("Kind__c wall_post label %q, want Wall post", got)
	}
	if got := kind.PicklistLabel("unknown_kind"); got != "unknown_kind" {
		t.Errorf("an unlisted value's label %q, want the value", got)
	}
}

func TestSharingModels(t *testing.T) {
	s := loadShipped(t)
	tests := []struct {
		object, sharing, parent string
		permissionable          bool
	}{
		{"Case", metadata.SharingPrivate, "", true},
		{"Contact", metadata.SharingPrivate, "", true},
		{"Care_Message__c", metadata.SharingControlledByParent, "Case__c", true},
		{"Care_Action__c", metadata.SharingControlledByParent, "Case__c", true},
		{"CaseComment", metadata.SharingControlledByParent, "ParentId", false},
		{"Task", metadata.SharingControlledByParent, "WhatId", false},
		{"User", metadata.SharingRead, "", false},
		{"CaseStatus", metadata.SharingRead, "", false},
		{"PermissionSetAssignment", metadata.SharingRead, "", false},
	}
	for _, tt := range tests {
		o, ok := s.Object(tt.object)
		if !ok {
			t.Errorf("%s missing", tt.object)
			continue
		}
		if o.SharingModel != tt.sharing || o.Parent != tt.parent || o.Permissionable != tt.permissionable {
			t.Errorf("%s: sharing %q parent %q permissionable %v, want %q %q %v", tt.object, o.SharingModel, o.Parent, o.Permissionable,
				tt.sharing, tt.parent, tt.permissionable)
		}
	}
}

func TestPermissionObjects(t *testing.T) {
	s := loadShipped(t)
	want := map[string]string{"PermissionSet": "0PS", "PermissionSetAssignment": "0Pa", "ObjectPermissions": "110", "FieldPermissions": "01k"}
	for name, prefix := range want {
		if o, ok := s.Object(name); !ok || o.KeyPrefix != prefix {
			t.Errorf("%s: %+v, want key prefix %s", name, o, prefix)
		}
	}
	for object, fields := range map[string][]string{
		"PermissionSet": {"Id", "Name", "Label", "IsOwnedByProfile", "PermissionsViewSetup", "PermissionsViewAllData",
			"PermissionsModifyAllData", "PermissionsApiEnabled", "PermissionsEditTask"},
		"PermissionSetAssignment": {"Id", "AssigneeId", "PermissionSetId"},
		"ObjectPermissions": {"Id", "ParentId", "SobjectType", "PermissionsRead", "PermissionsCreate", "PermissionsEdit",
			"PermissionsDelete", "PermissionsViewAllRecords", "PermissionsModifyAllRecords"},
		"FieldPermissions": {"Id", "ParentId", "SobjectType", "Field", "PermissionsRead", "PermissionsEdit"},
	} {
		if err := s.Require(object, fields...); err != nil {
			t.Error(err)
		}
	}
}

func TestCaseStatuses(t *testing.T) {
	got := loadShipped(t).CaseStatuses()
	want := []metadata.CaseStatus{
		{Label: "New", IsDefault: true}, {Label: "Working"}, {Label: "Escalated"}, {Label: "On Hold"}, {Label: "Closed", IsClosed: true},
	}
	if !slices.Equal(got, want) {
		t.Errorf("CaseStatuses() = %+v, want %+v", got, want)
	}
}

func TestRequireNamesEveryMissingField(t *testing.T) {
	s := loadShipped(t)
	err := s.Require("Case", "Subject", "Care_Nope__c", "Status", "Also_Missing__c")
	if err == nil {
		t.Fatal("Require accepted missing fields")
	}
	for _, name := range []string{"Care_Nope__c", "Also_Missing__c"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
	if strings.Contains(err.Error(), "Subject") {
		t.Errorf("error %q names a field that exists", err)
	}
	if err := s.Require("Nope__c", "Id"); err == nil || !strings.Contains(err.Error(), "Nope__c") {
		t.Errorf("Require(unknown object) = %v", err)
	}
}

func TestKeyPrefixesAreDistinct(t *testing.T) {
	s := loadShipped(t)
	seen := map[string]string{}
	for _, name := range s.Objects() {
		o, _ := s.Object(name)
		if len(o.KeyPrefix) != 3 {
			t.Errorf("%s: key prefix %q", name, o.KeyPrefix)
		}
		if other, dup := seen[o.KeyPrefix]; dup {
			t.Errorf("%s and %s share key prefix %s", name, other, o.KeyPrefix)
		}
		seen[o.KeyPrefix] = name
		if o.Custom && !strings.HasPrefix(o.KeyPrefix, "a0") {
			t.Errorf("custom object %s has prefix %s", name, o.KeyPrefix)
		}
	}
	if c, _ := s.Object("Case"); c.KeyPrefix != "500" {
		t.Errorf("Case prefix %s", c.KeyPrefix)
	}
}

func TestLoadRejectsBrokenSource(t *testing.T) {
	const project = `{"packageDirectories":[{"path":"force-app","default":true}]}`
	const dir = "force-app/main/default/objects/"
	field := func(name, body string) string {
		return `<?xml version="1.0"?><CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>` + name + `</fullName>` + body + `</CustomField>`
	}
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr string
	}{
		{"no project file", fstest.MapFS{}, "sfdx-project.json"},
		{"project not json", fstest.MapFS{"sfdx-project.json": {Data: []byte("{")}}, "sfdx-project.json"},
		{"no package dirs", fstest.MapFS{"sfdx-project.json": {Data: []byte(`{}`)}}, "packageDirectories"},
		{"escaping package dir", fstest.MapFS{"sfdx-project.json": {Data: []byte(`{"packageDirectories":[{"path":"../x"}]}`)}}, "invalid package directory"},
		{"name mismatch", fstest.MapFS{
			"sfdx-project.json":                     {Data: []byte(project)},
			dir + "Case/fields/A__c.field-meta.xml": {Data: []byte(field("B__c", "<type>Text</type><length>5</length>"))},
		}, "does not match"},
		{"unknown type", fstest.MapFS{
			"sfdx-project.json":                     {Data: []byte(project)},
			dir + "Case/fields/A__c.field-meta.xml": {Data: []byte(field("A__c", "<type>Hologram</type>"))},
		}, "Hologram"},
		{"text without length", fstest.MapFS{
			"sfdx-project.json":                     {Data: []byte(project)},
			dir + "Case/fields/A__c.field-meta.xml": {Data: []byte(field("A__c", "<type>Text</type>"))},
		}, "length"},
		{"field of undefined object", fstest.MapFS{
			"sfdx-project.json":                        {Data: []byte(project)},
			dir + "Nope__c/fields/A__c.field-meta.xml": {Data: []byte(field("A__c", "<type>Checkbox</type>"))},
		}, "Nope__c"},
		{"broken xml", fstest.MapFS{
			"sfdx-project.json":                     {Data: []byte(project)},
			dir + "Case/fields/A__c.field-meta.xml": {Data: []byte("<CustomField><fullName>")},
		}, "A__c.field-meta.xml"},
		{"duplicate field", fstest.MapFS{
			"sfdx-project.json":                        {Data: []byte(project)},
			dir + "Case/fields/Subject.field-meta.xml": {Data: []byte(field("Subject", "<type>Text</type><length>5</length>"))},
		}, "defined twice"},
		{"master-detail child not controlled by parent", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "Kid__c/Kid__c.object-meta.xml": {Data: []byte(`<CustomObject><label>Kid</label><sharingModel>Private</sharingModel>` +
				`<nameField><label>N</label><type>AutoNumber</type></nameField></CustomObject>`)},
			dir + "Kid__c/fields/Case__c.field-meta.xml": {Data: []byte(field("Case__c", "<type>MasterDetail</type><referenceTo>Case</referenceTo>"))},
		}, "must be ControlledByParent"},
		{"controlled by parent without a parent", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "Kid__c/Kid__c.object-meta.xml": {Data: []byte(`<CustomObject><label>Kid</label><sharingModel>ControlledByParent</sharingModel>` +
				`<nameField><label>N</label><type>AutoNumber</type></nameField></CustomObject>`)},
		}, "needs a master-detail field"},
		{"unknown sharing model", fstest.MapFS{
			"sfdx-project.json":                   {Data: []byte(project)},
			dir + "Kid__c/Kid__c.object-meta.xml": {Data: []byte(`<CustomObject><label>Kid</label><sharingModel>Open</sharingModel></CustomObject>`)},
		}, "sharingModel"},
		{"permission set naming an unknown field", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			"force-app/main/default/permissionsets/P.permissionset-meta.xml": {Data: []byte(permissionSet(
				`<fieldPermissions><field>Case.Nope__c</field><readable>true</readable><editable>false</editable></fieldPermissions>`))},
		}, "P.permissionset-meta.xml: permission set P: field permission on Case.Nope__c: no such field"},
		{"permission set naming an unknown custom permission", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			"force-app/main/default/permissionsets/P.permissionset-meta.xml": {Data: []byte(permissionSet(
				`<customPermissions><enabled>true</enabled><name>Fly</name></customPermissions>`))},
		}, "custom permission Fly: no such custom permission"},
		{"validation rule without a message", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "Case/validationRules/R.validationRule-meta.xml": {Data: []byte(`<ValidationRule><active>true</active><errorConditionFormula>ISNEW()</errorConditionFormula></ValidationRule>`)},
		}, "<errorMessage> is required"},
		{"validation rule shown on a missing field", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "Case/validationRules/R.validationRule-meta.xml": {Data: []byte(`<ValidationRule><active>true</active><errorConditionFormula>ISNEW()</errorConditionFormula>` +
				`<errorMessage>No.</errorMessage><errorDisplayField>Nope__c</errorDisplayField></ValidationRule>`)},
		}, "errorDisplayField Nope__c is not a field of Case"},
		{"lookup filter with $User", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "Case/fields/A__c.field-meta.xml": {Data: []byte(field("A__c", "<type>Lookup</type><referenceTo>Case</referenceTo>"+
				lookupFilter("<filterItems><field>Case.OwnerId</field><operation>equals</operation><valueField>$User.Id</valueField></filterItems>")))},
		}, "only $Source is supported"},
		{"lookup filter with an unknown operation", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "Case/fields/A__c.field-meta.xml": {Data: []byte(field("A__c", "<type>Lookup</type><referenceTo>Case</referenceTo>"+
				lookupFilter("<filterItems><field>Case.Subject</field><operation>is</operation><value>x</value></filterItems>")))},
		}, `operation "is"`},
		{"lookup filter on a missing target field", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "Case/fields/A__c.field-meta.xml": {Data: []byte(field("A__c", "<type>Lookup</type><referenceTo>Case</referenceTo>"+
				lookupFilter("<filterItems><field>Case.Nope__c</field><operation>equals</operation><value>x</value></filterItems>")))},
		}, "Case has no field Nope__c"},
		{"lookup filter on a text field of the source", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "Case/fields/A__c.field-meta.xml": {Data: []byte(field("A__c", "<type>Lookup</type><referenceTo>Case</referenceTo>"+
				lookupFilter("<filterItems><field>Case.Subject</field><operation>equals</operation><valueField>$Source.Subject</valueField></filterItems>")))},
		}, "cannot reference a string field of the source record"},
		{"lookup filter logic naming a missing item", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			dir + "Case/fields/A__c.field-meta.xml": {Data: []byte(field("A__c", "<type>Lookup</type><referenceTo>Case</referenceTo>"+
				lookupFilter("<booleanFilter>1 OR 2</booleanFilter><filterItems><field>Case.IsEscalated</field><operation>equals</operation><value>true</value></filterItems>")))},
		}, "criterion 2 does not exist"},
		{"sharing rule shared with a group nobody defines", sharingProject(`<sharedTo><group>Nobody</group></sharedTo>` + criterion), `group "Nobody", which groups/ does not define`},
		{"sharing rule shared with a role", sharingProject(`<sharedTo><role>CEO</role></sharedTo>` + criterion), "sharedTo role is not supported"},
		{"sharing rule on a missing field", sharingProject(`<sharedTo><group>G</group></sharedTo><criteriaItems><field>Nope__c</field><operation>equals</operation></criteriaItems>`), `Case has no field "Nope__c"`},
		{"sharing rule on a long text area", sharingProject(`<sharedTo><group>G</group></sharedTo><criteriaItems><field>Description</field><operation>equals</operation></criteriaItems>`), "cannot test Description"},
		{"sharing rule with an unknown operation", sharingProject(`<sharedTo><group>G</group></sharedTo><criteriaItems><field>Subject</field><operation>isBlank</operation></criteriaItems>`), `operation "isBlank"`},
		{"owner-based sharing rules", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			"force-app/main/default/sharingRules/Case.sharingRules-meta.xml": {Data: []byte(`<SharingRules><sharingOwnerRules><fullName>O</fullName></sharingOwnerRules></SharingRules>`)},
		}, "sharingOwnerRules is not supported"},
		{"no default status", fstest.MapFS{
			"sfdx-project.json": {Data: []byte(project)},
			"force-app/main/default/standardValueSets/CaseStatus.standardValueSet-meta.xml": {Data: []byte(
				`<StandardValueSet><standardValue><fullName>New</fullName><closed>true</closed></standardValue></StandardValueSet>`)},
		}, "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := metadata.Load(tt.files)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Load() error = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

// lookupFilter wraps filter items in an active, required lookup filter.
func lookupFilter(items string) string {
	return "<lookupFilter><active>true</active><isOptional>false</isOptional>" + items + "</lookupFilter>"
}

// criterion is a sharing rule criterion: the Subject is not blank.
const criterion = `<criteriaItems><field>Subject</field><operation>notEqual</operation></criteriaItems>`

// sharingProject is a project with the public group G and one sharing
// rule on Case holding body (its target and criteria).
func sharingProject(body string) fstest.MapFS {
	return fstest.MapFS{
		"sfdx-project.json": {Data: []byte(`{"packageDirectories":[{"path":"force-app","default":true}]}`)},
		"force-app/main/default/groups/G.group-meta.xml": {Data: []byte(`<Group><name>G</name><doesIncludeBosses>false</doesIncludeBosses></Group>`)},
		"force-app/main/default/sharingRules/Case.sharingRules-meta.xml": {Data: []byte(`<SharingRules><sharingCriteriaRules><fullName>R</fullName>` +
			`<accessLevel>Edit</accessLevel><label>R</label>` + body + `<includeRecordsOwnedByAll>true</includeRecordsOwnedByAll></sharingCriteriaRules></SharingRules>`)},
	}
}

// TestShippedOrgRules: the shipped validation rule, lookup filter, custom
// permission, public group and sharing rule load as written, and the
// integration set names the custom permission and Transfer Cases.
func TestShippedOrgRules(t *testing.T) {
	s := loadShipped(t)
	rules := s.ValidationRules()
	if len(rules) != 1 || rules[0].Object != "Care_Action__c" || rules[0].Name != "Locked_After_Queued" || !rules[0].Active ||
		!strings.Contains(rules[0].Formula, "$Permission.Carebridge_Integration_Access") || !strings.HasPrefix(rules[0].Message, "carebridge has already picked up") ||
		rules[0].DisplayField != "" {
		t.Errorf("validation rules: %+v", rules)
	}
	f, _ := s.Field("Care_Action__c", "Target_Message__c")
	lf := f.LookupFilter
	if !lf.Required() || len(lf.Items) != 1 || lf.Logic != nil || !strings.HasPrefix(lf.ErrorMessage, "Pick a message of this action's Case") {
		t.Fatalf("lookup filter of Target_Message__c: %+v", lf)
	}
	if it := lf.Items[0]; it.Field != (metadata.FieldRef{Field: "Care_Message__c.Case__c"}) || it.Operation != "equals" ||
		it.ValueField == nil || *it.ValueField != (metadata.FieldRef{Source: true, Field: "Case__c"}) {
		t.Errorf("lookup filter item: %+v", it)
	}
	if _, ok := s.CustomPermission("carebridge_integration_access"); !ok {
		t.Error("no custom permission Carebridge_Integration_Access")
	}
	if g, ok := s.Group("Carebridge_Integration"); !ok || g.Label != "Carebridge Integration" || g.IncludeBosses {
		t.Errorf("group Carebridge_Integration: %+v, %v", g, ok)
	}
	sharing := s.SharingRules()
	want := metadata.SharingCriterion{Field: "Care_Case_Id__c", Operation: "notEqual"}
	if len(sharing) != 1 || sharing[0].Object != "Case" || sharing[0].Name != "Carebridge_Integration_Cases" || sharing[0].AccessLevel != "Edit" ||
		sharing[0].SharedTo != "Carebridge_Integration" || len(sharing[0].Criteria) != 1 || sharing[0].Criteria[0] != want || !sharing[0].IncludeRecordsOwnedByAll {
		t.Errorf("sharing rules: %+v", sharing)
	}
	ps, _ := s.PermissionSet("Carebridge_Integration")
	if !slices.Equal(ps.CustomPermissions, []string{"Carebridge_Integration_Access"}) || !slices.Equal(ps.UserPermissions, []string{metadata.PermTransferAnyCase}) {
		t.Errorf("Carebridge_Integration: custom %v, user %v", ps.CustomPermissions, ps.UserPermissions)
	}
}

// TestLogic: booleanFilter logic as Salesforce reads it.
func TestLogic(t *testing.T) {
	holds := []bool{true, false, true}
	for expr, want := range map[string]bool{"1 AND 3": true, "1 AND 2": false, "2 OR 3": true, "NOT 2": true, "1 AND (2 OR NOT 3)": false,
		"(1 or 2) and not (2)": true} {
		l, err := metadata.ParseLogic(expr, 3)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		if got := l.Eval(3, func(i int) bool { return holds[i] }); got != want {
			t.Errorf("%s = %v, want %v", expr, got, want)
		}
	}
	var none *metadata.Logic
	if !none.Eval(2, func(int) bool { return true }) || none.Eval(2, func(i int) bool { return i == 0 }) {
		t.Error("no filter logic: every criterion must hold")
	}
	for _, bad := range []string{"", "1 AND", "4", "0 OR 1", "1 XOR 2", "(1 AND 2", "1 2"} {
		if _, err := metadata.ParseLogic(bad, 3); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestLoadWithoutValueSetUsesSalesforceDefaults(t *testing.T) {
	s, err := metadata.Load(fstest.MapFS{"sfdx-project.json": {Data: []byte(`{"packageDirectories":[{"path":"src"}]}`)}, "src/x.txt": {}})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(s.CaseStatuses()); got != 4 {
		t.Errorf("default statuses: %d", got)
	}
	if !s.HasField("Case", "Status") || s.HasField("Case", "Care_Case_Id__c") {
		t.Error("standard objects only expected")
	}
}

func TestFieldsAreCopies(t *testing.T) {
	s := loadShipped(t)
	f, _ := s.Field("Case", "Care_Platform__c")
	f.Picklist[0] = "changed"
	o, _ := s.Object("Case")
	o.Fields()[0].Name = "changed"
	if again, _ := s.Field("Case", "Care_Platform__c"); again.Picklist[0] != "facebook" {
		t.Error("changing a returned picklist changed the schema")
	}
	if o.Fields()[0].Name != "Id" {
		t.Error("changing a returned field changed the schema")
	}
}
