package metadata

// standardObject is one row of the standard-objects table: the standard
// objects and fields carebridge reads or writes, as Salesforce defines them.
type standardObject struct {
	name, label, keyPrefix string
	sharing, parent        string // sharing model; parent field when ControlledByParent
	permissionable         bool   // takes object permissions
	fields                 []Field
}

// Field builders for the table below.
func idField() Field {
	return Field{Name: "Id", Label: "Record ID", Type: TypeID, Length: 18, Filterable: true}
}

func text(name string, length int) Field {
	return Field{Name: name, Label: name, Type: TypeString, Length: length, Createable: true, Updateable: true, Filterable: true}
}

// longText is a text area; those longer than 4,000 characters (Case and
// Task Description) cannot be filtered, CaseComment.CommentBody can.
func longText(name string, length int) Field {
	return Field{Name: name, Label: name, Type: TypeTextArea, Length: length, Createable: true, Updateable: true, Filterable: length <= 4000}
}

func flag(name string) Field {
	return Field{Name: name, Label: name, Type: TypeBoolean, Createable: true, Updateable: true, Default: "false", Filterable: true}
}

func ref(name, to string) Field {
	return Field{Name: name, Label: name, Type: TypeReference, ReferenceTo: to, Length: 18, Createable: true, Updateable: true, Filterable: true}
}

func pick(name string, restricted bool, def string, values ...string) Field {
	return Field{Name: name, Label: name, Type: TypePicklist, Length: 255, Createable: true, Updateable: true,
		Picklist: values, Restricted: restricted, Default: def, Filterable: true}
}

func typed(name, typ string) Field {
	return Field{Name: name, Label: name, Type: typ, Createable: true, Updateable: true, Filterable: true}
}

func required(f Field) Field { f.Required = true; return f }

func readOnly(f Field) Field { f.Createable, f.Updateable = false, false; return f }

func createOnly(f Field) Field { f.Updateable = false; return f }

// fls puts a field under field-level security.
func fls(f Field) Field { f.Permissionable = true; return f }

// auditFields are the system fields every object has.
func auditFields() []Field {
	return []Field{
		readOnly(typed("CreatedDate", TypeDateTime)),
		readOnly(ref("CreatedById", "User")),
		readOnly(typed("LastModifiedDate", TypeDateTime)),
		readOnly(ref("LastModifiedById", "User")),
		readOnly(typed("SystemModstamp", TypeDateTime)),
	}
}

func withAudit(deletable bool, fields ...Field) []Field {
	out := append([]Field{idField()}, fields...)
	if deletable {
		out = append(out, readOnly(flag("IsDeleted")))
	}
	return append(out, auditFields()...)
}

// standardObjects lists the standard objects carebridge uses. Case Status
// values are filled in from the metadata's CaseStatus value set.
func standardObjects() []standardObject {
	return append([]standardObject{
		// Case, Contact and Task are Private, as carebridge assumes (and as
		// support orgs usually set them). Id, CaseNumber, Status, OwnerId
		// and the audit fields are always visible; the rest is under
		// field-level security.
		{name: "Case", label: "Case", keyPrefix: "500", sharing: SharingPrivate, permissionable: true, fields: withAudit(true,
			readOnly(text("CaseNumber", 30)),
			fls(text("Subject", 255)),
			fls(longText("Description", 32000)),
			pick("Status", true, ""), // values from CaseStatus
			readOnly(flag("IsClosed")),
			readOnly(typed("ClosedDate", TypeDateTime)),
			fls(flag("IsEscalated")),
			fls(pick("Priority", true, "Medium", "High", "Medium", "Low")),
			fls(pick("Origin", false, "", "Phone", "Email", "Web", "Social")),
			fls(pick("Type", false, "", "Question", "Problem", "Feature Request")),
			fls(pick("Reason", false, "", "Installation", "Equipment Complexity", "Performance", "Breakdown", "Equipment Design", "Feedback", "Other")),
			ref("OwnerId", "User"),
			fls(ref("ContactId", "Contact")),
			fls(ref("ParentId", "Case")),
			fls(text("SuppliedName", 80)),
			fls(typed("SuppliedEmail", TypeEmail)),
			fls(typed("SuppliedPhone", TypePhone)),
		)},
		// CaseComment has no object permissions or field-level security of
		// its own: it follows its Case.
		{name: "CaseComment", label: "Case Comment", keyPrefix: "00a", sharing: SharingControlledByParent, parent: "ParentId", fields: withAudit(true,
			required(createOnly(ref("ParentId", "Case"))),
			flag("IsPublished"),
			longText("CommentBody", 4000),
		)},
		// Activities have no object permissions: writing one needs Edit
		// Tasks, and a task follows the record it is about (WhatId).
		{name: "Task", label: "Task", keyPrefix: "00T", sharing: SharingControlledByParent, parent: "WhatId", fields: withAudit(true,
			ref("WhatId", "Case"),
			ref("WhoId", "Contact"),
			text("Subject", 255),
			longText("Description", 32000),
			pick("Status", true, "Not Started", "Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"),
			pick("Priority", true, "Normal", "High", "Normal", "Low"),
			typed("ActivityDate", TypeDate),
			readOnly(flag("IsClosed")),
			ref("OwnerId", "User"),
			pick("Type", false, "", "Call", "Email", "Meeting", "Other"),
		)},
		{name: "User", label: "User", keyPrefix: "005", sharing: SharingRead, fields: withAudit(false,
			required(text("Username", 80)),
			text("FirstName", 40),
			required(text("LastName", 80)),
			readOnly(text("Name", 121)),
			required(typed("Email", TypeEmail)),
			text("Alias", 8),
			flag("IsActive"),
		)},
		{name: "Group", label: "Group", keyPrefix: "00G", sharing: SharingRead, fields: withAudit(false,
			required(text("Name", 40)),
			text("DeveloperName", 80),
			required(pick("Type", true, "", "Regular", "Queue", "Role", "Organization")),
			typed("Email", TypeEmail),
			ref("OwnerId", "User"),
		)},
		{name: "Contact", label: "Contact", keyPrefix: "003", sharing: SharingPrivate, permissionable: true, fields: withAudit(true,
			text("FirstName", 40),
			required(text("LastName", 80)),
			readOnly(text("Name", 121)),
			fls(typed("Email", TypeEmail)),
			fls(typed("Phone", TypePhone)),
			ref("OwnerId", "User"),
		)},
		// Who else sees a Case: manual shares (a colleague covering a case,
		// RowCause Manual) and queue membership (members work the records
		// their queue owns). API users read them; the sandbox's own API and
		// controls write them, as an owner's Sharing button and an admin's
		// queue setup do.
		{name: "CaseShare", label: "Case Share", keyPrefix: "01A", sharing: SharingRead, fields: withAudit(false,
			required(createOnly(ref("CaseId", "Case"))),
			required(createOnly(text("UserOrGroupId", 18))),
			required(pick("CaseAccessLevel", true, "Read", "Read", "Edit")),
			pick("RowCause", true, "Manual", "Manual", "Owner", "Rule", "Team"),
		)},
		{name: "GroupMember", label: "Group Member", keyPrefix: "011", sharing: SharingRead, fields: withAudit(false,
			required(createOnly(ref("GroupId", "Group"))),
			required(createOnly(text("UserOrGroupId", 18))),
		)},
		{name: "CaseStatus", label: "Case Status Value", keyPrefix: "01J", sharing: SharingRead, fields: withAudit(false,
			readOnly(text("MasterLabel", 255)),
			readOnly(text("ApiName", 255)),
			readOnly(flag("IsClosed")),
			readOnly(flag("IsDefault")),
			readOnly(typed("SortOrder", TypeInt)),
		)},
	}, permissionObjects()...)
}

// permissionObjects are the objects through which a user reads its
// effective permissions with SOQL: its permission sets (the profile's own
// included), their assignments, object and field permissions, and the
// custom permissions they enable (SetupEntityAccess rows of type
// CustomPermission).
func permissionObjects() []standardObject {
	userPerms := []Field{readOnly(text("Name", 80)), readOnly(text("Label", 80)), readOnly(flag("IsOwnedByProfile"))}
	for _, p := range UserPermissionNames() {
		userPerms = append(userPerms, readOnly(flag("Permissions"+p)))
	}
	objectPerms := []Field{readOnly(ref("ParentId", "PermissionSet")), readOnly(text("SobjectType", 80))}
	for _, a := range ObjectAccessNames() {
		objectPerms = append(objectPerms, readOnly(flag("Permissions"+a)))
	}
	return []standardObject{
		{name: "PermissionSet", label: "Permission Set", keyPrefix: "0PS", sharing: SharingRead, fields: withAudit(false, userPerms...)},
		{name: "PermissionSetAssignment", label: "Permission Set Assignment", keyPrefix: "0Pa", sharing: SharingRead, fields: withAudit(false,
			readOnly(ref("AssigneeId", "User")),
			readOnly(ref("PermissionSetId", "PermissionSet")),
		)},
		{name: "ObjectPermissions", label: "Object Permissions", keyPrefix: "110", sharing: SharingRead, fields: withAudit(false, objectPerms...)},
		{name: "FieldPermissions", label: "Field Permissions", keyPrefix: "01k", sharing: SharingRead, fields: withAudit(false,
			readOnly(ref("ParentId", "PermissionSet")),
			readOnly(text("SobjectType", 80)),
			readOnly(text("Field", 255)),
			readOnly(flag("PermissionsRead")),
			readOnly(flag("PermissionsEdit")),
		)},
		{name: "CustomPermission", label: "Custom Permission", keyPrefix: "0CP", sharing: SharingRead, fields: withAudit(false,
			readOnly(text("DeveloperName", 80)),
			readOnly(text("MasterLabel", 80)),
		)},
		{name: "SetupEntityAccess", label: "Setup Entity Access", keyPrefix: "0J0", sharing: SharingRead, fields: withAudit(false,
			readOnly(ref("ParentId", "PermissionSet")),
			readOnly(ref("SetupEntityId", "CustomPermission")),
			readOnly(text("SetupEntityType", 40)),
		)},
	}
}

// customStandardFields are the system fields of every custom object.
// Master-detail children have no owner of their own.
func customStandardFields(hasOwner bool) []Field {
	fs := []Field{idField(), readOnly(text("Name", 80))}
	if hasOwner {
		fs = append(fs, ref("OwnerId", "User"))
	}
	fs = append(fs, readOnly(flag("IsDeleted")))
	return append(fs, auditFields()...)
}

// defaultCaseStatuses are Salesforce's out-of-the-box Case statuses, used
// when the metadata source has no CaseStatus value set.
func defaultCaseStatuses() []CaseStatus {
	return []CaseStatus{
		{Label: "New", IsDefault: true},
		{Label: "Working"},
		{Label: "Escalated"},
		{Label: "Closed", IsClosed: true},
	}
}
