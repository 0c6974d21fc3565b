package metadata

import (
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// User permissions the schema knows, named as permission set metadata and
// the PermissionSet object (Permissions<Name>) name them.
const (
	PermAPIEnabled    = "ApiEnabled"    // may call the API at all
	PermAPIUserOnly   = "ApiUserOnly"   // may not log in to the UI
	PermViewSetup     = "ViewSetup"     // View Setup and Configuration: org limits, setup data
	PermViewAllData   = "ViewAllData"   // reads every record of every object
	PermModifyAllData = "ModifyAllData" // reads and writes every record of every object
	PermEditTask      = "EditTask"      // Edit Tasks: activities have no object permissions
	// PermTransferAnyCase is Transfer Cases: change the owner of a Case the
	// user does not own (owners, queue members and Modify All need none).
	PermTransferAnyCase = "TransferAnyCase"
)

// UserPermissionNames lists the user permissions a permission set may
// enable, in the order the PermissionSet object lists them.
func UserPermissionNames() []string {
	return []string{PermAPIEnabled, PermAPIUserOnly, PermViewSetup, PermViewAllData, PermModifyAllData, PermEditTask, PermTransferAnyCase}
}

// Object permission names, as ObjectPermissions fields name them
// (PermissionsRead, ...), and field permission names (Read, Edit).
const (
	AccessRead      = "Read"
	AccessCreate    = "Create"
	AccessEdit      = "Edit"
	AccessDelete    = "Delete"
	AccessViewAll   = "ViewAllRecords"
	AccessModifyAll = "ModifyAllRecords"
)

// ObjectAccessNames lists the object permissions in Salesforce's order.
func ObjectAccessNames() []string {
	return []string{AccessRead, AccessCreate, AccessEdit, AccessDelete, AccessViewAll, AccessModifyAll}
}

// objectAccessNeeds is what an object permission depends on. Salesforce
// refuses a permission set that enables one without the others (and its
// Setup pages tick them together).
func objectAccessNeeds(access string) []string {
	switch access {
	case AccessCreate, AccessEdit, AccessViewAll:
		return []string{AccessRead}
	case AccessDelete:
		return []string{AccessRead, AccessEdit}
	case AccessModifyAll:
		return []string{AccessRead, AccessEdit, AccessDelete, AccessViewAll}
	}
	return nil
}

// ObjectPermissions is what a permission set allows on one object.
type ObjectPermissions struct {
	Object                                                       string
	Read, Create, Edit, Delete, ViewAllRecords, ModifyAllRecords bool
}

// flag returns the switch of one object permission, nil for an unknown name.
func (p *ObjectPermissions) flag(access string) *bool {
	switch {
	case strings.EqualFold(access, AccessRead):
		return &p.Read
	case strings.EqualFold(access, AccessCreate):
		return &p.Create
	case strings.EqualFold(access, AccessEdit):
		return &p.Edit
	case strings.EqualFold(access, AccessDelete):
		return &p.Delete
	case strings.EqualFold(access, AccessViewAll):
		return &p.ViewAllRecords
	case strings.EqualFold(access, AccessModifyAll):
		return &p.ModifyAllRecords
	}
	return nil
}

// Has reports whether the object permission named access is enabled.
func (p ObjectPermissions) Has(access string) bool {
	f := p.flag(access)
	return f != nil && *f
}

func (p ObjectPermissions) none() bool { return p == ObjectPermissions{Object: p.Object} }

// missingNeeds names the first enabled permission whose dependency is off.
func (p ObjectPermissions) missingNeeds() (access, need string, ok bool) {
	for _, a := range ObjectAccessNames() {
		if !p.Has(a) {
			continue
		}
		for _, n := range objectAccessNeeds(a) {
			if !p.Has(n) {
				return a, n, true
			}
		}
	}
	return "", "", false
}

// FieldPermissions is what a permission set allows on one field (field-level
// security).
type FieldPermissions struct {
	Field      string // "Object.Field"
	Read, Edit bool
}

// PermissionSet is a permission set: object permissions, field-level
// security, user permissions and custom permissions. Objects and Fields are
// sorted by name.
type PermissionSet struct {
	Name            string
	Label           string
	Objects         []ObjectPermissions
	Fields          []FieldPermissions
	UserPermissions []string // the enabled ones
	// CustomPermissions are the enabled custom permissions (formulas read
	// them as $Permission.<Name>), sorted.
	CustomPermissions []string
}

// Clone returns a deep copy.
func (ps PermissionSet) Clone() PermissionSet {
	ps.Objects = slices.Clone(ps.Objects)
	ps.Fields = slices.Clone(ps.Fields)
	ps.UserPermissions = slices.Clone(ps.UserPermissions)
	ps.CustomPermissions = slices.Clone(ps.CustomPermissions)
	return ps
}

// Object returns the permissions on object (ignoring case); all off when the
// set names no permission on it.
func (ps PermissionSet) Object(object string) ObjectPermissions {
	for _, p := range ps.Objects {
		if strings.EqualFold(p.Object, object) {
			return p
		}
	}
	return ObjectPermissions{Object: object}
}

// Field returns the field-level security of object.field (ignoring case).
func (ps PermissionSet) Field(object, field string) FieldPermissions {
	name := object + "." + field
	for _, p := range ps.Fields {
		if strings.EqualFold(p.Field, name) {
			return p
		}
	}
	return FieldPermissions{Field: name}
}

// Has reports whether the user permission is enabled (ignoring case).
func (ps PermissionSet) Has(userPermission string) bool {
	return slices.ContainsFunc(ps.UserPermissions, func(p string) bool { return strings.EqualFold(p, userPermission) })
}

// HasCustom reports whether the custom permission is enabled (ignoring
// case, as formulas name them).
func (ps PermissionSet) HasCustom(customPermission string) bool {
	return slices.ContainsFunc(ps.CustomPermissions, func(p string) bool { return strings.EqualFold(p, customPermission) })
}

// Permission names one permission of a permission set, with the names of
// Salesforce's permission objects: a user permission (User: "ViewSetup"),
// an object permission (Object: "Case", Access: "ModifyAllRecords"), a
// field permission (Field: "Case.Subject", Access: "Read" or "Edit") or a
// custom permission (Custom: "Carebridge_Integration_Access").
type Permission struct {
	User   string
	Object string
	Field  string
	Custom string
	Access string
}

// validate checks the shape of p, not whether its object or field exists.
func (p Permission) validate() error {
	set := 0
	for _, s := range []string{p.User, p.Object, p.Field, p.Custom} {
		if s != "" {
			set++
		}
	}
	switch {
	case set != 1:
		return fmt.Errorf("permission %+v: name exactly one of a user permission, an object, a field or a custom permission", p)
	case p.Custom != "":
		if p.Access != "" {
			return fmt.Errorf("custom permission %s takes no access", p.Custom)
		}
	case p.User != "":
		if p.Access != "" {
			return fmt.Errorf("user permission %s takes no access", p.User)
		}
		if !knownUserPermission(p.User) {
			return fmt.Errorf("unknown user permission %q (known: %s)", p.User, strings.Join(UserPermissionNames(), ", "))
		}
	case p.Object != "":
		if (&ObjectPermissions{}).flag(p.Access) == nil {
			return fmt.Errorf("object permission %q on %s: access must be one of %s", p.Access, p.Object, strings.Join(ObjectAccessNames(), ", "))
		}
	default:
		if _, _, ok := splitField(p.Field); !ok {
			return fmt.Errorf("field permission %q: name the field as Object.Field", p.Field)
		}
		if !strings.EqualFold(p.Access, AccessRead) && !strings.EqualFold(p.Access, AccessEdit) {
			return fmt.Errorf("field permission %q on %s: access must be Read or Edit", p.Access, p.Field)
		}
	}
	return nil
}

func knownUserPermission(name string) bool {
	return slices.ContainsFunc(UserPermissionNames(), func(p string) bool { return strings.EqualFold(p, name) })
}

func canonicalUserPermission(name string) string {
	for _, p := range UserPermissionNames() {
		if strings.EqualFold(p, name) {
			return p
		}
	}
	return name
}

func splitField(name string) (object, field string, ok bool) {
	object, field, ok = strings.Cut(name, ".")
	return object, field, ok && object != "" && field != "" && !strings.Contains(field, ".")
}

// Grant enables p and what it depends on, as Salesforce's Setup pages do
// (Modify All ticks Read, Edit, Delete and View All; field Edit ticks Read).
func (ps *PermissionSet) Grant(p Permission) error {
	if err := p.validate(); err != nil {
		return err
	}
	switch {
	case p.Custom != "":
		if !ps.HasCustom(p.Custom) {
			ps.CustomPermissions = append(ps.CustomPermissions, p.Custom)
			slices.Sort(ps.CustomPermissions)
		}
	case p.User != "":
		if !ps.Has(p.User) {
			ps.UserPermissions = append(ps.UserPermissions, canonicalUserPermission(p.User))
			slices.Sort(ps.UserPermissions)
		}
	case p.Object != "":
		op := ps.Object(p.Object)
		*op.flag(p.Access) = true
		for _, need := range objectAccessNeeds(canonicalAccess(p.Access)) {
			*op.flag(need) = true
		}
		ps.putObject(op)
	default:
		object, field, _ := splitField(p.Field)
		fp := ps.Field(object, field)
		fp.Read = true
		fp.Edit = fp.Edit || strings.EqualFold(p.Access, AccessEdit)
		ps.putField(fp)
	}
	return nil
}

// Revoke disables p and every permission that depends on it (revoking Read
// on an object revokes everything on it; field Read revokes Edit).
func (ps *PermissionSet) Revoke(p Permission) error {
	if err := p.validate(); err != nil {
		return err
	}
	switch {
	case p.Custom != "":
		ps.CustomPermissions = slices.DeleteFunc(ps.CustomPermissions, func(c string) bool { return strings.EqualFold(c, p.Custom) })
	case p.User != "":
		ps.UserPermissions = slices.DeleteFunc(ps.UserPermissions, func(u string) bool { return strings.EqualFold(u, p.User) })
	case p.Object != "":
		op := ps.Object(p.Object)
		revoked := canonicalAccess(p.Access)
		*op.flag(revoked) = false
		for _, a := range ObjectAccessNames() {
			if slices.Contains(objectAccessNeeds(a), revoked) {
				*op.flag(a) = false
			}
		}
		ps.putObject(op)
	default:
		object, field, _ := splitField(p.Field)
		fp := ps.Field(object, field)
		fp.Edit = false
		fp.Read = fp.Read && !strings.EqualFold(p.Access, AccessRead)
		ps.putField(fp)
	}
	return nil
}

func canonicalAccess(access string) string {
	for _, a := range ObjectAccessNames() {
		if strings.EqualFold(a, access) {
			return a
		}
	}
	return access
}

// putObject stores op, dropping it when it allows nothing.
func (ps *PermissionSet) putObject(op ObjectPermissions) {
	i := slices.IndexFunc(ps.Objects, func(o ObjectPermissions) bool { return strings.EqualFold(o.Object, op.Object) })
	switch {
	case i >= 0 && op.none():
		ps.Objects = slices.Delete(ps.Objects, i, i+1)
	case i >= 0:
		ps.Objects[i] = op
	case !op.none():
		ps.Objects = append(ps.Objects, op)
		slices.SortFunc(ps.Objects, func(a, b ObjectPermissions) int { return strings.Compare(a.Object, b.Object) })
	}
}

// putField stores fp, dropping it when it allows nothing.
func (ps *PermissionSet) putField(fp FieldPermissions) {
	i := slices.IndexFunc(ps.Fields, func(f FieldPermissions) bool { return strings.EqualFold(f.Field, fp.Field) })
	none := !fp.Read && !fp.Edit
	switch {
	case i >= 0 && none:
		ps.Fields = slices.Delete(ps.Fields, i, i+1)
	case i >= 0:
		ps.Fields[i] = fp
	case !none:
		ps.Fields = append(ps.Fields, fp)
		slices.SortFunc(ps.Fields, func(a, b FieldPermissions) int { return strings.Compare(a.Field, b.Field) })
	}
}

type permissionSetXML struct {
	XMLName          xml.Name `xml:"PermissionSet"`
	Label            string   `xml:"label"`
	FieldPermissions []struct {
		Field    string `xml:"field"`
		Editable bool   `xml:"editable"`
		Readable bool   `xml:"readable"`
	} `xml:"fieldPermissions"`
	ObjectPermissions []struct {
		Object           string `xml:"object"`
		AllowRead        bool   `xml:"allowRead"`
		AllowCreate      bool   `xml:"allowCreate"`
		AllowEdit        bool   `xml:"allowEdit"`
		AllowDelete      bool   `xml:"allowDelete"`
		ViewAllRecords   bool   `xml:"viewAllRecords"`
		ModifyAllRecords bool   `xml:"modifyAllRecords"`
	} `xml:"objectPermissions"`
	UserPermissions []struct {
		Name    string `xml:"name"`
		Enabled bool   `xml:"enabled"`
	} `xml:"userPermissions"`
	CustomPermissions []struct {
		Name    string `xml:"name"`
		Enabled bool   `xml:"enabled"`
	} `xml:"customPermissions"`
}

// ParsePermissionSet reads a permission set file (the content of
// name.permissionset-meta.xml) and validates it (see Validate). Whether its
// objects and fields exist is Schema.CheckPermissionSet's business.
func ParsePermissionSet(name string, raw []byte) (PermissionSet, error) {
	var x permissionSetXML
	if err := xml.Unmarshal(raw, &x); err != nil {
		return PermissionSet{}, fmt.Errorf("permission set %s: %w", name, err)
	}
	ps := PermissionSet{Name: name, Label: strings.TrimSpace(x.Label)}
	for _, o := range x.ObjectPermissions {
		ps.Objects = append(ps.Objects, ObjectPermissions{Object: strings.TrimSpace(o.Object), Read: o.AllowRead, Create: o.AllowCreate,
			Edit: o.AllowEdit, Delete: o.AllowDelete, ViewAllRecords: o.ViewAllRecords, ModifyAllRecords: o.ModifyAllRecords})
	}
	for _, f := range x.FieldPermissions {
		ps.Fields = append(ps.Fields, FieldPermissions{Field: strings.TrimSpace(f.Field), Read: f.Readable, Edit: f.Editable})
	}
	var unknown []error
	for _, u := range x.UserPermissions {
		switch {
		case !knownUserPermission(u.Name):
			unknown = append(unknown, fmt.Errorf("unknown user permission %q (known: %s)", u.Name, strings.Join(UserPermissionNames(), ", ")))
		case u.Enabled && !ps.Has(u.Name):
			ps.UserPermissions = append(ps.UserPermissions, canonicalUserPermission(u.Name))
		}
	}
	for _, c := range x.CustomPermissions {
		cp := strings.TrimSpace(c.Name)
		switch {
		case cp == "":
			unknown = append(unknown, errors.New("customPermissions without <name>"))
		case c.Enabled && !ps.HasCustom(cp):
			ps.CustomPermissions = append(ps.CustomPermissions, cp)
		}
	}
	if len(unknown) > 0 {
		return PermissionSet{}, fmt.Errorf("permission set %s: %w", name, errors.Join(unknown...))
	}
	if err := ps.Validate(); err != nil {
		return PermissionSet{}, err
	}
	ps.Objects = slices.DeleteFunc(ps.Objects, ObjectPermissions.none) // entries that allow nothing
	ps.Fields = slices.DeleteFunc(ps.Fields, func(f FieldPermissions) bool { return !f.Read })
	slices.SortFunc(ps.Objects, func(a, b ObjectPermissions) int { return strings.Compare(a.Object, b.Object) })
	slices.SortFunc(ps.Fields, func(a, b FieldPermissions) int { return strings.Compare(a.Field, b.Field) })
	slices.Sort(ps.UserPermissions)
	slices.Sort(ps.CustomPermissions)
	return ps, nil
}

// Validate refuses what a deploy would refuse: no label, an object or field
// named twice, a permission without the ones it depends on (Edit without
// Read, Modify All without Delete, ...), a field that can be edited but not
// read, an unknown user permission.
func (ps PermissionSet) Validate() error {
	var errs []error
	if ps.Label == "" {
		errs = append(errs, errors.New("<label> is required"))
	}
	objects := map[string]bool{}
	for _, op := range ps.Objects {
		key := strings.ToLower(op.Object)
		switch access, need, broken := op.missingNeeds(); {
		case op.Object == "":
			errs = append(errs, errors.New("objectPermissions without <object>"))
		case objects[key]:
			errs = append(errs, fmt.Errorf("objectPermissions for %s given twice", op.Object))
		case broken:
			errs = append(errs, fmt.Errorf("objectPermissions %s: %s needs %s", op.Object, xmlAccessName(access), xmlAccessName(need)))
		}
		objects[key] = true
	}
	fields := map[string]bool{}
	for _, fp := range ps.Fields {
		key := strings.ToLower(fp.Field)
		_, _, ok := splitField(fp.Field)
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("fieldPermissions %q: name the field as Object.Field", fp.Field))
		case fields[key]:
			errs = append(errs, fmt.Errorf("fieldPermissions for %s given twice", fp.Field))
		case fp.Edit && !fp.Read:
			errs = append(errs, fmt.Errorf("fieldPermissions %s: editable needs readable", fp.Field))
		}
		fields[key] = true
	}
	for _, u := range ps.UserPermissions {
		if !knownUserPermission(u) {
			errs = append(errs, fmt.Errorf("unknown user permission %q (known: %s)", u, strings.Join(UserPermissionNames(), ", ")))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("permission set %s: %w", ps.Name, err)
	}
	return nil
}

// xmlAccessName is how permission set files name an object permission.
func xmlAccessName(access string) string {
	switch access {
	case AccessViewAll:
		return "viewAllRecords"
	case AccessModifyAll:
		return "modifyAllRecords"
	}
	return "allow" + access
}

// CheckPermission reports whether p names a permission this schema can
// grant: a known user permission, an object that takes object permissions,
// a field under field-level security.
func (s *Schema) CheckPermission(p Permission) error {
	if err := p.validate(); err != nil {
		return err
	}
	switch {
	case p.Object != "":
		o, ok := s.Object(p.Object)
		if !ok {
			return fmt.Errorf("object permission on %s: no such object", p.Object)
		}
		if !o.Permissionable {
			return fmt.Errorf("object permission on %s: %s takes no object permissions (its access follows %s)", o.Name, o.Name, accessSource(o))
		}
	case p.Field != "":
		object, field, _ := splitField(p.Field)
		f, ok := s.Field(object, field)
		if !ok {
			return fmt.Errorf("field permission on %s: no such field", p.Field)
		}
		if !f.Permissionable {
			return fmt.Errorf("field permission on %s: the field is not under field-level security (required and system fields are always visible)", p.Field)
		}
	case p.Custom != "":
		if _, ok := s.CustomPermission(p.Custom); !ok {
			return fmt.Errorf("custom permission %s: no such custom permission (customPermissions/)", p.Custom)
		}
	}
	return nil
}

func accessSource(o *Object) string {
	switch {
	case o.Parent != "":
		return "its parent record through " + o.Parent
	case o.SharingModel == SharingRead:
		return "the org: every user reads it"
	}
	return "user permissions"
}

// CheckPermissionSet validates ps (see Validate) and reports every
// permission of it the schema cannot grant (unknown objects and fields,
// fields not under field-level security).
func (s *Schema) CheckPermissionSet(ps PermissionSet) error {
	if err := ps.Validate(); err != nil {
		return err
	}
	var errs []error
	for _, op := range ps.Objects {
		if err := s.CheckPermission(Permission{Object: op.Object, Access: AccessRead}); err != nil {
			errs = append(errs, err)
		}
	}
	for _, fp := range ps.Fields {
		if err := s.CheckPermission(Permission{Field: fp.Field, Access: AccessRead}); err != nil {
			errs = append(errs, err)
		}
	}
	for _, u := range ps.UserPermissions {
		if err := s.CheckPermission(Permission{User: u}); err != nil {
			errs = append(errs, err)
		}
	}
	for _, c := range ps.CustomPermissions {
		if err := s.CheckPermission(Permission{Custom: c}); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("permission set %s: %w", ps.Name, err)
	}
	return nil
}
