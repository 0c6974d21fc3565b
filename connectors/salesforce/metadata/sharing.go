package metadata

import (
	"encoding/xml"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

const (
	groupSuffix        = ".group-meta.xml"
	sharingRulesSuffix = ".sharingRules-meta.xml"
)

// Group is a public group of the metadata source. Its members are not
// metadata: an admin adds them (Setup > Public Groups), as a deploy leaves
// the group empty.
type Group struct {
	Name          string // developer name, the file name
	Label         string // <name>, shown in Setup
	IncludeBosses bool   // doesIncludeBosses: managers share the members' access
	Description   string
}

// SharingRule is a criteria-based sharing rule (sharingCriteriaRules):
// records of Object that meet the criteria are shared with the members of
// the public group SharedTo, at AccessLevel Read or Edit.
type SharingRule struct {
	Object      string
	Name        string
	Label       string
	Description string
	AccessLevel string // "Read" or "Edit"
	SharedTo    string // a public group's developer name
	Criteria    []SharingCriterion
	// Logic combines the criteria; nil means all of them must hold.
	Logic *Logic
	// IncludeRecordsOwnedByAll: records owned by every kind of user, high
	// volume and guest users included, are shared (false: internal users'
	// records only).
	IncludeRecordsOwnedByAll bool
}

func (r SharingRule) clone() SharingRule {
	r.Criteria = slices.Clone(r.Criteria)
	return r
}

// SharingCriterion is one criterion of a sharing rule: a field of the
// record, an operation and a value ("" for blank; several values are
// separated by commas).
type SharingCriterion struct {
	Field     string
	Operation string
	Value     string
}

// sharingOperations are the FilterItem operations criteria take.
var sharingOperations = []string{"equals", "notEqual", "lessThan", "greaterThan", "lessOrEqual", "greaterOrEqual",
	"contains", "notContain", "startsWith"}

// maxSharingCriteria: a criteria-based sharing rule has at most 10 criteria.
const maxSharingCriteria = 10

// Groups returns the public groups, sorted by name.
func (s *Schema) Groups() []Group { return slices.Clone(s.groups) }

// Group looks a public group up by developer name, ignoring case.
func (s *Schema) Group(name string) (Group, bool) {
	return byName(s.groups, name, func(g Group) string { return g.Name })
}

// SharingRules returns the criteria-based sharing rules, by object and
// name.
func (s *Schema) SharingRules() []SharingRule {
	out := make([]SharingRule, len(s.sharingRules))
	for i, r := range s.sharingRules {
		out[i] = r.clone()
	}
	return out
}

type groupXML struct {
	XMLName           xml.Name `xml:"Group"`
	Name              string   `xml:"name"`
	DoesIncludeBosses bool     `xml:"doesIncludeBosses"`
	Description       string   `xml:"description"`
}

// maxGroupLabel: Group.Name holds 40 characters.
const maxGroupLabel = 40

func readGroup(fsys fs.FS, p string) (Group, error) {
	var x groupXML
	if err := decode(fsys, p, &x); err != nil {
		return Group{}, err
	}
	g := Group{Name: strings.TrimSuffix(path.Base(p), groupSuffix), Label: strings.TrimSpace(x.Name), IncludeBosses: x.DoesIncludeBosses,
		Description: strings.TrimSpace(x.Description)}
	if g.Label == "" || len([]rune(g.Label)) > maxGroupLabel {
		return Group{}, fmt.Errorf("load salesforce metadata: %s: <name> (the group's label) is required and holds at most %d characters", p, maxGroupLabel)
	}
	return g, nil
}

// anyXML is an element the reader does not model, kept by name.
type anyXML struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

type sharingRulesXML struct {
	XMLName  xml.Name `xml:"SharingRules"`
	Criteria []struct {
		FullName    string `xml:"fullName"`
		AccessLevel string `xml:"accessLevel"`
		Label       string `xml:"label"`
		Description string `xml:"description"`
		SharedTo    struct {
			Targets []anyXML `xml:",any"`
		} `xml:"sharedTo"`
		CriteriaItems            []filterItemXML `xml:"criteriaItems"`
		BooleanFilter            string          `xml:"booleanFilter"`
		IncludeRecordsOwnedByAll bool            `xml:"includeRecordsOwnedByAll"`
		AccountSettings          []anyXML        `xml:"accountSettings"`
	} `xml:"sharingCriteriaRules"`
	Other []anyXML `xml:",any"`
}

// readSharingRules reads sharingRules/<Object>.sharingRules-meta.xml.
// Only criteria-based rules shared with a public group of the source are
// supported: owner, guest and territory rules, and rules shared with roles
// or all users, are refused rather than ignored.
func (s *Schema) readSharingRules(fsys fs.FS, p string) ([]SharingRule, error) {
	var x sharingRulesXML
	if err := decode(fsys, p, &x); err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) ([]SharingRule, error) {
		return nil, fmt.Errorf("load salesforce metadata: %s: %s", p, fmt.Sprintf(format, args...))
	}
	objName := strings.TrimSuffix(path.Base(p), sharingRulesSuffix)
	o, ok := s.Object(objName)
	switch {
	case !ok:
		return fail("object %s has no definition", objName)
	case o.SharingModel != SharingPrivate && o.SharingModel != SharingRead:
		return fail("%s is %s: sharing rules open up Private and Public Read Only objects only", o.Name, o.SharingModel)
	}
	if len(x.Other) > 0 {
		return fail("%s is not supported (only sharingCriteriaRules shared with a public group)", x.Other[0].XMLName.Local)
	}
	var out []SharingRule
	for _, c := range x.Criteria {
		r := SharingRule{Object: o.Name, Name: strings.TrimSpace(c.FullName), Label: strings.TrimSpace(c.Label), Description: strings.TrimSpace(c.Description),
			AccessLevel: strings.TrimSpace(c.AccessLevel), IncludeRecordsOwnedByAll: c.IncludeRecordsOwnedByAll}
		where := "sharingCriteriaRules " + r.Name
		switch {
		case r.Name == "":
			return fail("sharingCriteriaRules without <fullName>")
		case slices.ContainsFunc(out, func(o SharingRule) bool { return strings.EqualFold(o.Name, r.Name) }):
			return fail("%s defined twice", where)
		case r.Label == "":
			return fail("%s: <label> is required", where)
		case r.AccessLevel != "Read" && r.AccessLevel != "Edit":
			return fail("%s: accessLevel %q (Read or Edit)", where, c.AccessLevel)
		case len(c.AccountSettings) > 0:
			return fail("%s: accountSettings belong to Account rules", where)
		case len(c.SharedTo.Targets) != 1:
			return fail("%s: <sharedTo> names exactly one target", where)
		case c.SharedTo.Targets[0].XMLName.Local != "group":
			return fail("%s: sharedTo %s is not supported (only a public group)", where, c.SharedTo.Targets[0].XMLName.Local)
		case len(c.CriteriaItems) == 0 || len(c.CriteriaItems) > maxSharingCriteria:
			return fail("%s: %d criteriaItems (1 to %d)", where, len(c.CriteriaItems), maxSharingCriteria)
		}
		g, ok := s.Group(strings.TrimSpace(c.SharedTo.Targets[0].Value))
		if !ok {
			return fail("%s: shared with group %q, which groups/ does not define", where, c.SharedTo.Targets[0].Value)
		}
		r.SharedTo = g.Name
		for i, it := range c.CriteriaItems {
			f, ok := o.Field(strings.TrimSpace(it.Field))
			switch {
			case !ok:
				return fail("%s: criterion %d: %s has no field %q", where, i+1, o.Name, it.Field)
			case !f.Filterable || f.Type == TypeReference && f.ReferenceTo != "User" && f.Name != "OwnerId":
				return fail("%s: criterion %d: a sharing rule cannot test %s (%s)", where, i+1, f.Name, f.Type)
			case !slices.Contains(sharingOperations, strings.TrimSpace(it.Operation)):
				return fail("%s: criterion %d: operation %q is not one of %s", where, i+1, it.Operation, strings.Join(sharingOperations, ", "))
			case strings.TrimSpace(it.ValueField) != "":
				return fail("%s: criterion %d: criteria compare with values, not fields", where, i+1)
			}
			r.Criteria = append(r.Criteria, SharingCriterion{Field: f.Name, Operation: strings.TrimSpace(it.Operation), Value: it.Value})
		}
		if strings.TrimSpace(c.BooleanFilter) != "" {
			logic, err := ParseLogic(c.BooleanFilter, len(r.Criteria))
			if err != nil {
				return fail("%s: %v", where, err)
			}
			r.Logic = logic
		}
		out = append(out, r)
	}
	return out, nil
}
