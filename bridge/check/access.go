package check

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/carebridge/carebridge/bridge"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/mapping"
)

// The shipped setup the integration user's access rests on besides its
// permission set (configs/salesforce): the public group the sharing rule
// Carebridge_Integration_Cases shares Care's Cases with, and the custom
// permission the validation rule Locked_After_Queued exempts.
const (
	integrationGroup            = "Carebridge_Integration"
	integrationCustomPermission = "Carebridge_Integration_Access"
)

// need is one permission the integration user must hold, and why.
type need struct {
	metadata.Permission
	why string
}

func (n need) String() string {
	switch {
	case n.User != "":
		return "user permission " + n.User
	case n.Custom != "":
		return "custom permission " + n.Custom
	case n.Object != "":
		return n.Object + ": " + n.Access
	default:
		return n.Field + ": " + n.Access
	}
}

// integrationNeeds lists what the integration user must be allowed to do
// in an org with a Private Case sharing model for carebridge to run the
// mapping m, with change events when pushed (salesforce.changes: pubsub):
// the shipped permission set grants exactly this (and what Salesforce makes
// these depend on), and carebridge check compares it with what the user
// holds. Record access comes from the shipped sharing rule, not from these
// (Modify All is not needed: see checkIntegrationGroup). Fields outside
// field-level security are left out.
func integrationNeeds(m *mapping.Mapping, schema *metadata.Schema, pushed bool) []need {
	var out []need
	object := func(name, why string, access ...string) {
		for _, a := range access {
			out = append(out, need{metadata.Permission{Object: name, Access: a}, why})
		}
	}
	field := func(object, name string, edit bool, why string) {
		if f, ok := schema.Field(object, name); !ok || !f.Permissionable {
			return
		}
		access := metadata.AccessRead
		if edit {
			access = metadata.AccessEdit
		}
		out = append(out, need{metadata.Permission{Field: object + "." + name, Access: access}, why})
	}
	const (
		read, create, edit        = metadata.AccessRead, metadata.AccessCreate, metadata.AccessEdit
		whyCase, whyMsg, whyActio = "it creates and updates one Case per escalated Care case", "it mirrors the conversation", "it reads agents' actions and writes their outcome"
		whyEvents                 = "Change Data Capture sends an object's change events only to users with View All on it (salesforce.changes: pubsub)"
		whyFind                   = "Change Data Capture sends Case change events only to users with View All on Case, and a linked Case whose Care Case Id someone cleared stays readable, so carebridge reports it instead of creating a second Case"
	)
	object("Case", whyCase, read, create, edit)
	object("Case", whyFind, metadata.AccessViewAll)
	object(bridge.MessageObject, whyMsg, read, create, edit)
	object(bridge.MessageObject, "the mirrored messages of a case closed longer than retention.mirrored_messages leave Salesforce", metadata.AccessDelete)
	object(bridge.ActionObject, whyActio, read, edit)
	if pushed {
		object(bridge.ActionObject, whyEvents, metadata.AccessViewAll)
	}
	out = append(out,
		need{metadata.Permission{User: metadata.PermTransferAnyCase}, "it gives a Case to the agent Care assigns it to, also when another agent owns it (read/write sharing does not include changing the owner)"},
		need{metadata.Permission{Custom: integrationCustomPermission}, "the validation rule Care_Action__c.Locked_After_Queued lets only its holders write an action's status"})

	for _, f := range bridge.EngineCaseWrites() {
		field("Case", f, true, "carebridge writes it on every sync")
	}
	if m != nil {
		for _, f := range m.Fields() {
			field("Case", f.Salesforce, f.Direction.WritesSalesforce(), "the mapping's field "+f.Name)
		}
	}
	for _, f := range bridge.MessageFields() {
		field(bridge.MessageObject, f, true, whyMsg)
	}
	for _, f := range bridge.ActionFields() {
		field(bridge.ActionObject, f, slices.Contains(bridge.ActionWrites(), f), whyActio)
	}
	notes := bridge.DefaultNotesTarget
	if m != nil {
		notes = bridge.NotesTargetOf(m)
	}
	if notes.Object == "Task" {
		out = append(out, need{metadata.Permission{User: metadata.PermEditTask}, "notes are written as Tasks"})
	}
	for _, f := range notesFields(notes) {
		_, extra := notes.Extra[f]
		field(notes.Object, f, f == notes.BodyField || extra, "notes are copied both ways")
	}
	return out
}

// effectivePermissions reads what the integration user holds: the union of
// every permission set assigned to it (its profile's included), as a real
// org reports it through SOQL.
func effectivePermissions(ctx context.Context, sf *salesforce.Client) (metadata.PermissionSet, error) {
	var eff metadata.PermissionSet
	user, err := sf.UserID(ctx)
	if err != nil {
		return eff, err
	}
	assigned := soql.Select("PermissionSetId").From("PermissionSetAssignment").Where(soql.Eq("AssigneeId", user))
	sets, err := sf.Query(ctx, soql.Select(append([]string{"Id"}, prefixed("Permissions", metadata.UserPermissionNames())...)...).
		From("PermissionSet").Where(soql.InSelect("Id", assigned)))
	if err != nil {
		return eff, fmt.Errorf("read the integration user's permission sets: %w", err)
	}
	for _, s := range sets {
		for _, p := range metadata.UserPermissionNames() {
			if s.Bool("Permissions" + p) {
				_ = eff.Grant(metadata.Permission{User: p})
			}
		}
	}
	objects, err := sf.Query(ctx, soql.Select(append([]string{"SobjectType"}, prefixed("Permissions", metadata.ObjectAccessNames())...)...).
		From("ObjectPermissions").Where(soql.InSelect("ParentId", assigned)))
	if err != nil {
		return eff, fmt.Errorf("read the integration user's object permissions: %w", err)
	}
	for _, o := range objects {
		for _, a := range metadata.ObjectAccessNames() {
			if o.Bool("Permissions" + a) {
				_ = eff.Grant(metadata.Permission{Object: o.String("SobjectType"), Access: a})
			}
		}
	}
	fields, err := sf.Query(ctx, soql.Select("Field", "PermissionsRead", "PermissionsEdit").
		From("FieldPermissions").Where(soql.InSelect("ParentId", assigned)))
	if err != nil {
		return eff, fmt.Errorf("read the integration user's field permissions: %w", err)
	}
	for _, f := range fields {
		switch {
		case f.Bool("PermissionsEdit"):
			_ = eff.Grant(metadata.Permission{Field: f.String("Field"), Access: metadata.AccessEdit})
		case f.Bool("PermissionsRead"):
			_ = eff.Grant(metadata.Permission{Field: f.String("Field"), Access: metadata.AccessRead})
		}
	}
	// Custom permissions are setup entities the sets give access to; a
	// semi-join cannot nest, so their names take a second query.
	entities, err := sf.Query(ctx, soql.Select("SetupEntityId").From("SetupEntityAccess").
		Where(soql.And(soql.Eq("SetupEntityType", "CustomPermission"), soql.InSelect("ParentId", assigned))))
	if err != nil {
		return eff, fmt.Errorf("read the integration user's custom permissions: %w", err)
	}
	var ids []string
	for _, e := range entities {
		ids = append(ids, e.String("SetupEntityId"))
	}
	if len(ids) > 0 {
		custom, err := sf.Query(ctx, soql.Select("DeveloperName").From("CustomPermission").Where(soql.In("Id", ids)))
		if err != nil {
			return eff, fmt.Errorf("read the integration user's custom permissions: %w", err)
		}
		for _, c := range custom {
			_ = eff.Grant(metadata.Permission{Custom: c.String("DeveloperName")})
		}
	}
	return eff, nil
}

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// lacks returns the needs ps does not meet. View All Data and Modify All
// Data stand in for the object permissions they include, and Modify All
// Data for Transfer Cases (not for field-level security, which they do not
// bypass, nor for custom permissions, which only a set enables).
func lacks(ps metadata.PermissionSet, needs []need) []need {
	allData := ps.Has(metadata.PermModifyAllData)
	viewData := allData || ps.Has(metadata.PermViewAllData)
	var out []need
	for _, n := range needs {
		ok := false
		switch {
		case n.User != "":
			ok = ps.Has(n.User) || allData && n.User == metadata.PermTransferAnyCase
		case n.Custom != "":
			ok = ps.HasCustom(n.Custom)
		case n.Object != "":
			ok = ps.Object(n.Object).Has(n.Access) || allData ||
				viewData && (n.Access == metadata.AccessRead || n.Access == metadata.AccessViewAll)
		default:
			object, field, _ := strings.Cut(n.Field, ".")
			fp := ps.Field(object, field)
			ok = fp.Read && (fp.Edit || n.Access == metadata.AccessRead)
		}
		if !ok {
			out = append(out, n)
		}
	}
	return out
}

// checkAccess reports whether the integration user holds what carebridge
// needs, naming what is missing and why it matters, and whether it is a
// member of the group the shipped sharing rule shares Care's Cases with.
func checkAccess(ctx context.Context, sf *salesforce.Client, m *mapping.Mapping, schema *metadata.Schema, pushed bool, report func(bool, string, ...any)) {
	checkIntegrationGroup(ctx, sf, report)
	eff, err := effectivePermissions(ctx, sf)
	if err != nil {
		report(false, "the integration user's permissions: %v", err)
		return
	}
	missing := lacks(eff, integrationNeeds(m, schema, pushed))
	if len(missing) == 0 {
		report(true, "the integration user holds the permissions carebridge needs (under a Private Case sharing model)")
		return
	}
	var lines []string
	for _, n := range missing {
		lines = append(lines, fmt.Sprintf("%s (%s)", n, n.why))
	}
	report(false, "the integration user lacks permissions carebridge needs; assign the Carebridge_Integration permission set, or grant them (docs/salesforce-setup.md, step 6):\n%s", strings.Join(lines, "\n"))
}

// checkIntegrationGroup reports whether the integration user is a member of
// the public group Carebridge_Integration: the shipped sharing rule
// Carebridge_Integration_Cases gives the group read/write access to every
// Case with a Care Case Id, and without it the integration user cannot
// update the Cases agents own. A deploy creates the group empty.
func checkIntegrationGroup(ctx context.Context, sf *salesforce.Client, report func(bool, string, ...any)) {
	user, err := sf.UserID(ctx)
	if err != nil {
		report(false, "the integration user's groups: %v", err)
		return
	}
	groups, err := sf.Query(ctx, soql.Select("Id").From("Group").
		Where(soql.And(soql.Eq("DeveloperName", integrationGroup), soql.Eq("Type", "Regular"))))
	if err != nil {
		report(false, "the public group %s: %v", integrationGroup, err)
		return
	}
	if len(groups) == 0 {
		report(false, "the public group %s is missing: deploy configs/salesforce (it holds the group and the sharing rule Carebridge_Integration_Cases)", integrationGroup)
		return
	}
	members, err := sf.Query(ctx, soql.Select("Id").From("GroupMember").
		Where(soql.And(soql.Eq("GroupId", groups[0].String("Id")), soql.Eq("UserOrGroupId", user))))
	if err != nil {
		report(false, "the members of the public group %s: %v", integrationGroup, err)
		return
	}
	if len(members) == 0 {
		report(false, "the integration user is a member of the public group %s: add it (Setup > Public Groups > Carebridge Integration > Edit, "+
			"docs/salesforce-setup.md step 6); without it the sharing rule Carebridge_Integration_Cases does not share Care's Cases with it, "+
			"and every Case an agent owns is read-only to carebridge", integrationGroup)
		return
	}
	report(true, "the integration user is a member of the public group %s", integrationGroup)
}
