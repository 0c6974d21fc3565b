package sfsim

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
)

// Profiles of the sandbox's users. A profile's permissions are a permission
// set the profile owns (IsOwnedByProfile), as in a real org.
const (
	integrationProfileName = "Minimum Access - API Only Integrations"
	agentProfileName       = "Standard User"
)

// IntegrationPermissionSet is the shipped permission set the integration
// user holds unless Options.IntegrationPermissionSets says otherwise.
const IntegrationPermissionSet = "Carebridge_Integration"

// AgentPermissionSet is the shipped permission set every agent holds until
// it is unassigned (UnassignPermissionSet), as an org that deployed the
// package assigns it to its service agents.
const AgentPermissionSet = "Carebridge_Agent"

// grants is who holds which permission sets. The integration user holds its
// profile's set (API access, nothing on data) and the sets tests give it;
// every other user is a service agent holding the agent profile's set (the
// standard objects, no custom field) and the shipped sets assigned to it
// (by default Carebridge_Agent, which gives the Care objects and fields).
// The Server's mutex guards it.
type grants struct {
	integrationProfile metadata.PermissionSet
	agentProfile       metadata.PermissionSet
	integration        []metadata.PermissionSet
	initial            []metadata.PermissionSet // what Options gave, for ResetPermissions
	// agentSets are the shipped sets other than the integration's, by
	// lower-case name; assigned says which of them an agent holds (absent:
	// Carebridge_Agent only).
	agentSets map[string]metadata.PermissionSet
	assigned  map[string][]string // user id -> names of the sets it holds
	// own are permission sets of the org's own that agents hold besides
	// the shipped ones, by user id.
	own map[string][]metadata.PermissionSet
	ids map[string]string // permission object key -> its stable record id
	seq map[string]uint64 // key prefix -> last number used
}

func newGrants(schema *metadata.Schema, integration []metadata.PermissionSet) (*grants, error) {
	g := &grants{ids: map[string]string{}, seq: map[string]uint64{}, agentSets: map[string]metadata.PermissionSet{}, assigned: map[string][]string{},
		own: map[string][]metadata.PermissionSet{}}
	g.integrationProfile = metadata.PermissionSet{Name: g.profileSetName(integrationProfileName), Label: integrationProfileName,
		UserPermissions: []string{metadata.PermAPIEnabled, metadata.PermAPIUserOnly}}
	g.agentProfile = agentProfile(schema, g.profileSetName(agentProfileName))
	for _, ps := range schema.PermissionSets() {
		if !strings.EqualFold(ps.Name, IntegrationPermissionSet) {
			g.agentSets[strings.ToLower(ps.Name)] = ps
		}
	}
	if _, ok := g.agentSets[strings.ToLower(AgentPermissionSet)]; !ok {
		return nil, fmt.Errorf("the metadata has no permission set %s", AgentPermissionSet)
	}
	if integration == nil {
		ps, ok := schema.PermissionSet(IntegrationPermissionSet)
		if !ok {
			return nil, fmt.Errorf("the metadata has no permission set %s", IntegrationPermissionSet)
		}
		integration = []metadata.PermissionSet{ps}
	}
	if err := g.set(schema, integration); err != nil {
		return nil, err
	}
	g.initial = cloneSets(g.integration)
	return g, nil
}

// profileSetName names a profile's own permission set as Salesforce does:
// X followed by the profile's id.
func (g *grants) profileSetName(profile string) string {
	return "X" + g.id("00e", "profile:"+profile)[:15]
}

// agentProfile is the Standard User profile of service agents: read,
// create and edit the standard objects they work (Case, Contact) and their
// standard fields, Edit Tasks; no View All or Modify All, and nothing on
// custom objects or custom fields, which a package's fields get only from
// permission sets (a deploy grants new fields to no profile but System
// Administrator).
func agentProfile(schema *metadata.Schema, name string) metadata.PermissionSet {
	ps := metadata.PermissionSet{Name: name, Label: agentProfileName}
	for _, objName := range schema.Objects() {
		o, _ := schema.Object(objName)
		if !o.Permissionable || o.Custom {
			continue
		}
		for _, access := range []string{metadata.AccessRead, metadata.AccessCreate, metadata.AccessEdit} {
			_ = ps.Grant(metadata.Permission{Object: o.Name, Access: access}) // well-formed by construction
		}
		for _, f := range o.Fields() {
			if f.Permissionable && !f.Custom {
				_ = ps.Grant(metadata.Permission{Field: o.Name + "." + f.Name, Access: metadata.AccessEdit})
			}
		}
	}
	for _, p := range []string{metadata.PermAPIEnabled, metadata.PermEditTask} {
		_ = ps.Grant(metadata.Permission{User: p})
	}
	return ps
}

// set replaces the integration user's permission sets after checking them.
func (g *grants) set(schema *metadata.Schema, sets []metadata.PermissionSet) error {
	seen := map[string]bool{strings.ToLower(g.integrationProfile.Name): true, strings.ToLower(g.agentProfile.Name): true}
	var errs []error
	for _, ps := range sets {
		key := strings.ToLower(ps.Name)
		switch {
		case ps.Name == "" || ps.Label == "":
			errs = append(errs, fmt.Errorf("permission set %q: name and label are required", ps.Name))
		case seen[key]:
			errs = append(errs, fmt.Errorf("permission set %s given twice (or named like a profile's set)", ps.Name))
		default:
			errs = append(errs, schema.CheckPermissionSet(ps))
		}
		seen[key] = true
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	g.integration = cloneSets(sets)
	return nil
}

func cloneSets(sets []metadata.PermissionSet) []metadata.PermissionSet {
	out := make([]metadata.PermissionSet, len(sets))
	for i, ps := range sets {
		out[i] = ps.Clone()
	}
	return out
}

// change applies grant or revoke to the integration user's set named set.
func (g *grants) change(schema *metadata.Schema, set string, p metadata.Permission, grant bool) error {
	if err := schema.CheckPermission(p); err != nil {
		return err
	}
	i := slices.IndexFunc(g.integration, func(ps metadata.PermissionSet) bool { return strings.EqualFold(ps.Name, set) })
	if i < 0 {
		names := make([]string, len(g.integration))
		for j, ps := range g.integration {
			names[j] = ps.Name
		}
		return fmt.Errorf("the integration user holds no permission set %q (it holds %s)", set, strings.Join(names, ", "))
	}
	if grant {
		return g.integration[i].Grant(p)
	}
	return g.integration[i].Revoke(p)
}

// setsOf returns the permission sets user holds, its profile's first.
func (g *grants) setsOf(user, integrationUser string) []metadata.PermissionSet {
	if user == integrationUser {
		return append([]metadata.PermissionSet{g.integrationProfile}, g.integration...)
	}
	out := []metadata.PermissionSet{g.agentProfile}
	for _, name := range g.agentSetNames(user) {
		out = append(out, g.agentSets[strings.ToLower(name)])
	}
	return append(out, g.own[user]...)
}

// agentSetNames names the shipped sets an agent holds.
func (g *grants) agentSetNames(user string) []string {
	if names, ok := g.assigned[user]; ok {
		return names
	}
	return []string{g.agentSets[strings.ToLower(AgentPermissionSet)].Name}
}

// assign gives an agent a shipped permission set (hold true) or takes it
// away.
func (g *grants) assign(user, set string, hold bool) error {
	ps, ok := g.agentSets[strings.ToLower(set)]
	if !ok {
		names := make([]string, 0, len(g.agentSets))
		for _, p := range g.agentSets {
			names = append(names, p.Name)
		}
		slices.Sort(names)
		return fmt.Errorf("no permission set %q to assign to an agent (the shipped ones: %s)", set, strings.Join(names, ", "))
	}
	names := slices.DeleteFunc(slices.Clone(g.agentSetNames(user)), func(n string) bool { return strings.EqualFold(n, ps.Name) })
	if hold {
		names = append(names, ps.Name)
	}
	g.assigned[user] = names
	return nil
}

// id returns the stable record id of a permission object: the same key gets
// the same id however often the objects are rebuilt.
func (g *grants) id(prefix, key string) string {
	key = prefix + ":" + strings.ToLower(key)
	if id, ok := g.ids[key]; ok {
		return id
	}
	g.seq[prefix]++
	id := newID(prefix, g.seq[prefix])
	g.ids[key] = id
	return id
}

// accessFor returns what user may do. The caller holds s.mu.
func (s *state) accessFor(user string) *access {
	a := newAccess(user, s.schema, s.grants.setsOf(user, s.integrationUser))
	a.shares(s.store)
	return a
}

// permissions holds the controls of who may do what: permission sets,
// Case shares and group members, as an admin changes them in Setup.
type permissions struct {
	*state
	*recordAPI // Insert
}

// AssignPermissionSet gives an agent (any user but the integration user)
// one of the shipped permission sets, as an admin would in Setup.
func (s *permissions) AssignPermissionSet(userID, set string) error {
	return s.assignPermissionSet(userID, set, true)
}

// UnassignPermissionSet takes a shipped permission set away from an agent:
// without Carebridge_Agent an agent has no access to the Care objects and
// fields.
func (s *permissions) UnassignPermissionSet(userID, set string) error {
	return s.assignPermissionSet(userID, set, false)
}

func (s *permissions) assignPermissionSet(userID, set string, hold bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	users, _ := s.store.table("User")
	if _, err := s.store.get(users, userID); err != nil || userID == s.integrationUser {
		return fmt.Errorf("sfsim: %q is not an agent user", userID)
	}
	if err := s.grants.assign(userID, set, hold); err != nil {
		return fmt.Errorf("sfsim: %w", err)
	}
	s.syncPermissionObjects()
	return nil
}

// GiveAgentPermissionSet gives an agent a permission set of the org's own,
// besides the shipped ones: what an admin does who lets supervisors edit
// Care Actions, say. The set may name only objects, fields and permissions
// of the schema, and not a shipped set's or a profile's name.
func (s *permissions) GiveAgentPermissionSet(userID string, ps metadata.PermissionSet) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	users, _ := s.store.table("User")
	if _, err := s.store.get(users, userID); err != nil || userID == s.integrationUser {
		return fmt.Errorf("sfsim: %q is not an agent user", userID)
	}
	if _, shipped := s.schema.PermissionSet(ps.Name); shipped || strings.EqualFold(ps.Name, s.grants.agentProfile.Name) ||
		strings.EqualFold(ps.Name, s.grants.integrationProfile.Name) {
		return fmt.Errorf("sfsim: permission set %s: the name of a shipped set or a profile's", ps.Name)
	}
	if ps.Label == "" {
		return fmt.Errorf("sfsim: permission set %q: a label is required", ps.Name)
	}
	if err := s.schema.CheckPermissionSet(ps); err != nil {
		return fmt.Errorf("sfsim: %w", err)
	}
	s.grants.own[userID] = append(s.grants.own[userID], ps.Clone())
	s.syncPermissionObjects()
	return nil
}

// IntegrationPermissionSets returns the permission sets the integration
// user holds besides its profile's.
func (s *permissions) IntegrationPermissionSets() []metadata.PermissionSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneSets(s.grants.integration)
}

// SetIntegrationPermissionSets replaces the integration user's permission
// sets (its profile grants API access and nothing on data, so none leaves it
// unable to read anything). Every set must name only objects and fields of
// the schema.
func (s *permissions) SetIntegrationPermissionSets(sets ...metadata.PermissionSet) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.grants.set(s.schema, sets); err != nil {
		return fmt.Errorf("sfsim: %w", err)
	}
	s.syncPermissionObjects()
	return nil
}

// GrantPermission enables p, and what it depends on, in the integration
// user's permission set named set, as an admin would in Setup.
func (s *permissions) GrantPermission(set string, p metadata.Permission) error {
	return s.changePermission(set, p, true)
}

// RevokePermission disables p, and what depends on it, in the integration
// user's permission set named set.
func (s *permissions) RevokePermission(set string, p metadata.Permission) error {
	return s.changePermission(set, p, false)
}

func (s *permissions) changePermission(set string, p metadata.Permission, grant bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.grants.change(s.schema, set, p, grant); err != nil {
		return fmt.Errorf("sfsim: %w", err)
	}
	s.syncPermissionObjects()
	return nil
}

// ResetPermissions gives the integration user back the permission sets the
// sandbox started with.
func (s *permissions) ResetPermissions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.grants.integration = cloneSets(s.grants.initial)
	s.syncPermissionObjects()
}

// syncPermissionObjects rebuilds PermissionSet, PermissionSetAssignment,
// ObjectPermissions, FieldPermissions, CustomPermission and
// SetupEntityAccess from the grants and the users, so that SOQL reads the
// effective permissions as in a real org. Ids stay the same across
// rebuilds. The caller holds s.mu.
func (s *state) syncPermissionObjects() {
	g := s.grants
	stamp := s.started
	row := func(id string, fields map[string]any) *record {
		fields["CreatedDate"], fields["LastModifiedDate"], fields["SystemModstamp"] = stamp, stamp, stamp
		fields["CreatedById"], fields["LastModifiedById"] = s.integrationUser, s.integrationUser
		return &record{id: id, fields: fields}
	}
	profiles := []metadata.PermissionSet{g.integrationProfile, g.agentProfile}
	sets := append(slices.Clone(profiles), g.integration...)
	for _, name := range slices.Sorted(maps.Keys(g.agentSets)) {
		if !slices.ContainsFunc(sets, func(ps metadata.PermissionSet) bool { return strings.EqualFold(ps.Name, name) }) {
			sets = append(sets, g.agentSets[name])
		}
	}
	for _, user := range slices.Sorted(maps.Keys(g.own)) {
		for _, own := range g.own[user] {
			if !slices.ContainsFunc(sets, func(ps metadata.PermissionSet) bool { return strings.EqualFold(ps.Name, own.Name) }) {
				sets = append(sets, own)
			}
		}
	}
	var setRows, objectRows, fieldRows, customRows, entityRows []*record
	for _, c := range s.schema.CustomPermissions() {
		customRows = append(customRows, row(g.id("0CP", c.Name), map[string]any{"DeveloperName": c.Name, "MasterLabel": c.Label}))
	}
	for i, ps := range sets {
		setID := g.id("0PS", ps.Name)
		fields := map[string]any{"Name": ps.Name, "Label": ps.Label, "IsOwnedByProfile": i < len(profiles)}
		for _, p := range metadata.UserPermissionNames() {
			fields["Permissions"+p] = ps.Has(p)
		}
		setRows = append(setRows, row(setID, fields))
		for _, op := range ps.Objects {
			fields := map[string]any{"ParentId": setID, "SobjectType": op.Object}
			for _, a := range metadata.ObjectAccessNames() {
				fields["Permissions"+a] = op.Has(a)
			}
			objectRows = append(objectRows, row(g.id("110", ps.Name+"/"+op.Object), fields))
		}
		for _, fp := range ps.Fields {
			object, _, _ := strings.Cut(fp.Field, ".")
			fieldRows = append(fieldRows, row(g.id("01k", ps.Name+"/"+fp.Field), map[string]any{
				"ParentId": setID, "SobjectType": object, "Field": fp.Field, "PermissionsRead": fp.Read, "PermissionsEdit": fp.Edit}))
		}
		for _, c := range ps.CustomPermissions {
			cp, _ := s.schema.CustomPermission(c)
			entityRows = append(entityRows, row(g.id("0J0", ps.Name+"/"+cp.Name), map[string]any{
				"ParentId": setID, "SetupEntityId": g.id("0CP", cp.Name), "SetupEntityType": "CustomPermission"}))
		}
	}
	var assignRows []*record
	users, _ := s.store.table("User")
	for _, u := range users.records {
		if u.deleted {
			continue
		}
		for _, ps := range g.setsOf(u.id, s.integrationUser) {
			assignRows = append(assignRows, row(g.id("0Pa", u.id+"/"+ps.Name), map[string]any{
				"AssigneeId": u.id, "PermissionSetId": g.id("0PS", ps.Name)}))
		}
	}
	for name, rows := range map[string][]*record{"PermissionSet": setRows, "PermissionSetAssignment": assignRows,
		"ObjectPermissions": objectRows, "FieldPermissions": fieldRows, "CustomPermission": customRows, "SetupEntityAccess": entityRows} {
		t, _ := s.store.table(name)
		s.store.replace(t, rows)
	}
}

// ShareCase shares a Case with a user or a group (a queue) at access level
// Read or Edit, as its owner's Sharing button does (a CaseShare with
// RowCause Manual).
func (s *permissions) ShareCase(caseID, userOrGroupID, level string) error {
	_, err := s.Insert("CaseShare", map[string]any{"CaseId": caseID, "UserOrGroupId": userOrGroupID, "CaseAccessLevel": level, "RowCause": "Manual"})
	return err
}

// AddQueueMember makes a user a member of a queue or public group (a
// GroupMember), as an admin does in Setup: queue members see and work the
// records the queue owns; a public group's members get what sharing rules
// share with it.
func (s *permissions) AddQueueMember(groupID, userID string) error {
	_, err := s.Insert("GroupMember", map[string]any{"GroupId": groupID, "UserOrGroupId": userID})
	return err
}

// RemoveGroupMember takes a user out of a queue or public group; false
// when it was not a member.
func (s *permissions) RemoveGroupMember(groupID, userID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	members, _ := s.store.table("GroupMember")
	removed := false
	for _, m := range members.records {
		if !m.deleted && m.fields["GroupId"] == groupID && m.fields["UserOrGroupId"] == userID {
			s.store.markDeleted(members, m, writeMode{actor: s.editorUser}, nil)
			removed = true
		}
	}
	return removed
}
