package sfsim

import (
	"net/http"
	"strings"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// access is what one user may do in one API call: the union of the
// permission sets it holds, with Salesforce's sharing rules on top. Calls
// through the Go API (seeding, tests' edits) carry none and are not checked.
// Not safe for concurrent use; it lives for one call under s.mu.
type access struct {
	user    string
	schema  *metadata.Schema
	objects map[string]metadata.ObjectPermissions // lower-case object -> union of the sets
	fields  map[string]metadata.FieldPermissions  // lower-case "object.field" -> union
	perms   map[string]bool                       // enabled user permissions
	custom  map[string]bool                       // enabled custom permissions, lower-case
	cache   map[*metadata.Object]metadata.ObjectPermissions
	// groups are the queues and public groups the user is a member of: it
	// works the records its queues own. shared are the records shared with
	// the user or one of its groups (CaseShare), with edit true for Edit
	// access; rules are the sharing rules that share with its groups.
	groups map[string]bool
	shared map[string]bool // record id -> edit
	rules  []sharingRule
}

func newAccess(user string, schema *metadata.Schema, sets []metadata.PermissionSet) *access {
	a := &access{user: user, schema: schema, objects: map[string]metadata.ObjectPermissions{},
		fields: map[string]metadata.FieldPermissions{}, perms: map[string]bool{}, custom: map[string]bool{},
		cache: map[*metadata.Object]metadata.ObjectPermissions{}}
	for _, ps := range sets {
		for _, op := range ps.Objects {
			k := strings.ToLower(op.Object)
			u := a.objects[k]
			u.Read, u.Create, u.Edit = u.Read || op.Read, u.Create || op.Create, u.Edit || op.Edit
			u.Delete, u.ViewAllRecords, u.ModifyAllRecords = u.Delete || op.Delete, u.ViewAllRecords || op.ViewAllRecords, u.ModifyAllRecords || op.ModifyAllRecords
			a.objects[k] = u
		}
		for _, fp := range ps.Fields {
			k := strings.ToLower(fp.Field)
			u := a.fields[k]
			u.Read, u.Edit = u.Read || fp.Read, u.Edit || fp.Edit
			a.fields[k] = u
		}
		for _, p := range ps.UserPermissions {
			a.perms[p] = true
		}
		for _, c := range ps.CustomPermissions {
			a.custom[strings.ToLower(c)] = true
		}
	}
	return a
}

// shares reads the user's group memberships (queues and public groups),
// the records shared with it or its groups, and the sharing rules that
// share with its groups.
func (a *access) shares(st *store) {
	a.groups, a.shared = map[string]bool{}, map[string]bool{}
	if members, err := st.table("GroupMember"); err == nil {
		for _, m := range members.records {
			if !m.deleted && m.fields["UserOrGroupId"] == a.user {
				a.groups[str(m.fields["GroupId"])] = true
			}
		}
	}
	if shares, err := st.table("CaseShare"); err == nil {
		for _, sh := range shares.records {
			to := str(sh.fields["UserOrGroupId"])
			if sh.deleted || to != a.user && !a.groups[to] {
				continue
			}
			id := str(sh.fields["CaseId"])
			a.shared[id] = a.shared[id] || sh.fields["CaseAccessLevel"] == "Edit"
		}
	}
	for _, r := range st.sharing {
		if a.groups[r.group] {
			a.rules = append(a.rules, r)
		}
	}
}

// has reports whether a user permission (metadata.Perm...) is enabled.
func (a *access) has(perm string) bool { return a.perms[perm] }

// object returns the user's effective object permissions on o. Objects
// without object permissions of their own follow Salesforce: public objects
// (User, Group, CaseStatus, the permission objects) are readable by all and
// written by no API user; CaseComment follows Case (creating, editing or
// deleting a comment is editing the Case); Task is readable and, with Edit
// Tasks, writable. View All Data and Modify All Data add to every object.
func (a *access) object(o *metadata.Object) metadata.ObjectPermissions {
	if p, ok := a.cache[o]; ok {
		return p
	}
	p := metadata.ObjectPermissions{Object: o.Name}
	switch {
	case o.SharingModel == metadata.SharingRead && !o.Permissionable:
		p.Read, p.ViewAllRecords = true, true
	case o.Name == "Task":
		edit := a.has(metadata.PermEditTask)
		p.Read, p.Create, p.Edit, p.Delete = true, edit, edit, edit
	case !o.Permissionable && o.Parent != "":
		if parent, ok := a.parentObject(o); ok {
			pp := a.object(parent)
			p.Read, p.Create, p.Edit, p.Delete = pp.Read, pp.Edit, pp.Edit, pp.Edit
			p.ViewAllRecords, p.ModifyAllRecords = pp.ViewAllRecords, pp.ModifyAllRecords
		}
	default:
		p = a.objects[strings.ToLower(o.Name)]
		p.Object = o.Name
	}
	if a.has(metadata.PermViewAllData) || a.has(metadata.PermModifyAllData) {
		p.Read, p.ViewAllRecords = true, true
	}
	if a.has(metadata.PermModifyAllData) && !(o.SharingModel == metadata.SharingRead && !o.Permissionable) {
		p.Create, p.Edit, p.Delete, p.ModifyAllRecords = true, true, true, true
	}
	a.cache[o] = p
	return p
}

func (a *access) parentObject(o *metadata.Object) (*metadata.Object, bool) {
	f, ok := o.Field(o.Parent)
	if !ok {
		return nil, false
	}
	return a.schema.Object(f.ReferenceTo)
}

// readsField reports whether field-level security shows f to the user.
func (a *access) readsField(o *metadata.Object, f metadata.Field) bool {
	return !f.Permissionable || a.fields[strings.ToLower(o.Name+"."+f.Name)].Read
}

// editsField reports whether field-level security lets the user write f.
func (a *access) editsField(o *metadata.Object, f metadata.Field) bool {
	return !f.Permissionable || a.fields[strings.ToLower(o.Name+"."+f.Name)].Edit
}

// canRead reports whether the user sees record r: it may read the object
// and it owns the record, the record is shared with it (manually or by a
// sharing rule), the record's object is public, its parent record is
// visible (ControlledByParent), or View All overrides sharing.
func (a *access) canRead(st *store, t *table, r *record) bool {
	p := a.object(t.obj)
	switch {
	case !p.Read:
		return false
	case p.ViewAllRecords:
		return true
	}
	switch t.obj.SharingModel {
	case metadata.SharingRead, metadata.SharingReadWrite:
		return true
	case metadata.SharingControlledByParent:
		if pt, pr := st.parentOf(t, r); pr != nil {
			return a.canRead(st, pt, pr)
		}
	}
	_, shared := a.shared[r.id]
	return a.owns(r) || shared || a.ruleAccess(t, r) > 0
}

// canEdit reports whether the user has edit access to record r (object
// permissions aside): it owns the record, the record is shared with it
// read/write (manually or by a sharing rule), the object is public
// read/write, it can edit the parent record (ControlledByParent), or Modify
// All overrides sharing.
func (a *access) canEdit(st *store, t *table, r *record) bool {
	p := a.object(t.obj)
	switch {
	case !p.Read:
		return false
	case p.ModifyAllRecords:
		return true
	}
	switch t.obj.SharingModel {
	case metadata.SharingReadWrite:
		return true
	case metadata.SharingControlledByParent:
		if pt, pr := st.parentOf(t, r); pr != nil {
			if f, ok := t.obj.Field(t.obj.Parent); ok && f.WriteRequiresMasterRead {
				return a.canRead(st, pt, pr)
			}
			return a.canEdit(st, pt, pr)
		}
	}
	return a.owns(r) || a.shared[r.id] || a.ruleAccess(t, r) > 1
}

// mayTransfer reports whether the user may give r another owner (edit
// access aside): as its owner (or a member of the queue owning it), with
// Modify All on the object, or for a Case with Transfer Cases and Edit on
// Case. Read/write sharing alone does not let a user transfer a record.
func (a *access) mayTransfer(t *table, r *record) bool {
	p := a.object(t.obj)
	return a.owns(r) || p.ModifyAllRecords || t.obj.Name == "Case" && p.Edit && a.has(metadata.PermTransferAnyCase)
}

// str is v as a string ("" when it is not one).
func str(v any) string {
	s, _ := v.(string)
	return s
}

// owns reports whether the user owns r, or a queue it is a member of does.
func (a *access) owns(r *record) bool {
	owner := str(r.fields["OwnerId"])
	return owner == a.user || owner != "" && a.groups[owner]
}

// checkParent refuses to create a record under a parent the user cannot
// write it under, unless Modify All on the record's own object overrides
// sharing: edit access to the parent record, or read access when the
// master-detail field says writes need only that (writeRequiresMasterRead:
// a Care_Action__c on a Case a colleague shared read-only).
func (a *access) checkParent(st *store, t *table, values map[string]any) *Error {
	if t.obj.SharingModel != metadata.SharingControlledByParent || a.object(t.obj).ModifyAllRecords {
		return nil
	}
	id, _ := values[t.obj.Parent].(string)
	pt, pr := st.recordByID(id)
	if pr == nil {
		return nil
	}
	allowed := a.canEdit(st, pt, pr)
	if f, ok := t.obj.Field(t.obj.Parent); ok && f.WriteRequiresMasterRead {
		allowed = a.canRead(st, pt, pr)
	}
	if allowed {
		return nil
	}
	return errCrossReference(t.obj.Parent, pr.id)
}

// checkWrite refuses an update or delete of r, existing or not visible,
// without edit access; create is checked per field and parent instead.
func (a *access) checkWrite(st *store, t *table, r *record) *Error {
	if !a.canEdit(st, t, r) {
		return errReadOnly()
	}
	return nil
}

// The errors Salesforce answers when permissions or sharing refuse a call.
// A record the user cannot see fails a write as one it sees read-only does
// (the DML path), and is NOT_FOUND to a read; an object it cannot read is
// answered like an unknown one at every entry point.

// errCannotInsert: object permission Create is missing.
func errCannotInsert(o *metadata.Object) *Error {
	return apiError(http.StatusBadRequest, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "entity type cannot be inserted: %s", o.Label)
}

// errCannotUpdate: object permission Edit is missing.
func errCannotUpdate(o *metadata.Object) *Error {
	return apiError(http.StatusBadRequest, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "entity type cannot be updated: %s", o.Label)
}

// errReadOnly: the record is not editable (or not visible) to the user, or
// object permission Delete is missing.
func errReadOnly() *Error {
	return apiError(http.StatusBadRequest, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
}

// errCrossReference: a reference names a record the user cannot read, or a
// parent it cannot edit.
func errCrossReference(field, id string) *Error {
	return fieldError(http.StatusBadRequest, "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", []string{field},
		"insufficient access rights on cross-reference id: %s", id)
}

// errNoViewSetup: /limits is for users with View Setup and Configuration.
func errNoViewSetup() *Error {
	return apiError(http.StatusForbidden, "INSUFFICIENT_ACCESS",
		"insufficient access rights: the Limits resource requires the View Setup and Configuration permission")
}
