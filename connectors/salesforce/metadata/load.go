package metadata

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

const (
	fieldSuffix         = ".field-meta.xml"
	objectSuffix        = ".object-meta.xml"
	permissionSetSuffix = ".permissionset-meta.xml"
	caseStatusFile      = "CaseStatus.standardValueSet-meta.xml"
)

// Load reads a Salesforce DX project (sfdx-project.json at the root of fsys,
// source in its package directories) and returns the Schema: the standard
// objects carebridge uses plus every custom object and field of the source,
// the permission sets and the Change Data Capture channels (channels.go).
func Load(fsys fs.FS) (*Schema, error) {
	dirs, err := packageDirectories(fsys)
	if err != nil {
		return nil, err
	}
	s := &Schema{objects: make(map[string]*Object)}
	for _, so := range standardObjects() {
		o := &Object{Name: so.name, Label: so.label, KeyPrefix: so.keyPrefix, SharingModel: so.sharing, Parent: so.parent, Permissionable: so.permissionable}
		for _, f := range so.fields {
			if err := o.addField(f); err != nil {
				return nil, fmt.Errorf("load salesforce metadata: %w", err)
			}
		}
		s.objects[strings.ToLower(o.Name)] = o
	}

	var objectFiles, fieldFiles, permFiles, channelFiles, memberFiles, customPermFiles, ruleFiles, groupFiles, sharingFiles []string
	var statusFile string
	for _, dir := range dirs {
		err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			base := path.Base(p)
			parent := path.Base(path.Dir(p))
			switch {
			case strings.HasSuffix(base, fieldSuffix) && parent == "fields":
				fieldFiles = append(fieldFiles, p)
			case strings.HasSuffix(base, objectSuffix):
				objectFiles = append(objectFiles, p)
			case strings.HasSuffix(base, permissionSetSuffix):
				permFiles = append(permFiles, p)
			case strings.HasSuffix(base, channelSuffix):
				channelFiles = append(channelFiles, p)
			case strings.HasSuffix(base, memberSuffix):
				memberFiles = append(memberFiles, p)
			case strings.HasSuffix(base, customPermissionSuffix):
				customPermFiles = append(customPermFiles, p)
			case strings.HasSuffix(base, validationRuleSuffix) && parent == "validationRules":
				ruleFiles = append(ruleFiles, p)
			case strings.HasSuffix(base, groupSuffix):
				groupFiles = append(groupFiles, p)
			case strings.HasSuffix(base, sharingRulesSuffix):
				sharingFiles = append(sharingFiles, p)
			case base == caseStatusFile:
				statusFile = p
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("load salesforce metadata: walk %s: %w", dir, err)
		}
	}

	var customs []*Object
	for _, p := range objectFiles {
		o, err := readObject(fsys, p)
		if err != nil {
			return nil, err
		}
		if !o.Custom {
			continue // standard object settings: the table above defines it
		}
		if _, dup := s.objects[strings.ToLower(o.Name)]; dup {
			return nil, fmt.Errorf("load salesforce metadata: %s: object %s defined twice", p, o.Name)
		}
		s.objects[strings.ToLower(o.Name)] = o
		customs = append(customs, o)
	}
	sort.Slice(customs, func(i, j int) bool { return customs[i].Name < customs[j].Name })
	for i, o := range customs {
		o.KeyPrefix = customKeyPrefix(i)
	}

	sort.Strings(fieldFiles)
	for _, p := range fieldFiles {
		objName := path.Base(path.Dir(path.Dir(p)))
		o, ok := s.objects[strings.ToLower(objName)]
		if !ok {
			return nil, fmt.Errorf("load salesforce metadata: %s: object %s has no definition", p, objName)
		}
		f, err := readField(fsys, p)
		if err != nil {
			return nil, err
		}
		if err := o.addField(f); err != nil {
			return nil, fmt.Errorf("load salesforce metadata: %s: %w", p, err)
		}
		if f.MasterDetail && o.Custom && o.Parent == "" {
			o.removeOwner() // master-detail children are owned by their parent
			o.Parent = f.Name
		}
	}
	for _, o := range customs {
		if err := o.settleSharing(); err != nil {
			return nil, fmt.Errorf("load salesforce metadata: object %s: %w", o.Name, err)
		}
	}
	for _, name := range s.Objects() {
		o := s.objects[strings.ToLower(name)]
		for i := range o.fields {
			if o.fields[i].LookupFilter == nil {
				continue
			}
			if err := s.checkLookupFilter(o, &o.fields[i]); err != nil {
				return nil, fmt.Errorf("load salesforce metadata: object %s: %w", o.Name, err)
			}
		}
	}

	s.caseStatuses = defaultCaseStatuses()
	if statusFile != "" {
		if s.caseStatuses, err = readCaseStatuses(fsys, statusFile); err != nil {
			return nil, err
		}
	}
	s.applyCaseStatuses()

	if err := s.loadRules(fsys, customPermFiles, ruleFiles, groupFiles, sharingFiles); err != nil {
		return nil, err
	}
	sort.Strings(permFiles)
	for _, p := range permFiles {
		ps, err := s.readPermissionSet(fsys, p)
		if err != nil {
			return nil, err
		}
		if _, dup := s.PermissionSet(ps.Name); dup {
			return nil, fmt.Errorf("load salesforce metadata: %s: permission set %s defined twice", p, ps.Name)
		}
		s.permissionSets = append(s.permissionSets, ps)
	}
	if err := s.readChannels(fsys, channelFiles, memberFiles); err != nil {
		return nil, err
	}
	return s, nil
}

// loadRules reads the custom permissions, validation rules, public groups
// and sharing rules (in that order: rules name groups). Permission sets
// come after them, since they name custom permissions.
func (s *Schema) loadRules(fsys fs.FS, customPermFiles, ruleFiles, groupFiles, sharingFiles []string) error {
	for _, files := range [][]string{customPermFiles, ruleFiles, groupFiles, sharingFiles} {
		sort.Strings(files)
	}
	for _, p := range customPermFiles {
		c, err := readCustomPermission(fsys, p)
		if err != nil {
			return err
		}
		if _, dup := s.CustomPermission(c.Name); dup {
			return fmt.Errorf("load salesforce metadata: %s: custom permission %s defined twice", p, c.Name)
		}
		s.customPermissions = append(s.customPermissions, c)
	}
	for _, p := range ruleFiles {
		r, err := s.readValidationRule(fsys, p)
		if err != nil {
			return err
		}
		s.validationRules = append(s.validationRules, r)
	}
	for _, p := range groupFiles {
		g, err := readGroup(fsys, p)
		if err != nil {
			return err
		}
		if _, dup := s.Group(g.Name); dup {
			return fmt.Errorf("load salesforce metadata: %s: group %s defined twice", p, g.Name)
		}
		s.groups = append(s.groups, g)
	}
	for _, p := range sharingFiles {
		rules, err := s.readSharingRules(fsys, p)
		if err != nil {
			return err
		}
		s.sharingRules = append(s.sharingRules, rules...)
	}
	return nil
}

// settleSharing defaults and checks a custom object's sharing model: a
// master-detail child is ControlledByParent, and only such a child can be.
func (o *Object) settleSharing() error {
	switch {
	case o.SharingModel == "" && o.Parent != "":
		o.SharingModel = SharingControlledByParent
	case o.SharingModel == "":
		o.SharingModel = SharingReadWrite
	case o.SharingModel == SharingControlledByParent && o.Parent == "":
		return errors.New("sharingModel ControlledByParent needs a master-detail field")
	case o.SharingModel != SharingControlledByParent && o.Parent != "":
		return fmt.Errorf("sharingModel %s: a master-detail child (%s) must be ControlledByParent", o.SharingModel, o.Parent)
	}
	return nil
}

func (s *Schema) applyCaseStatuses() {
	c := s.objects["case"]
	f, _ := c.Field("Status")
	f.Picklist = nil
	f.Default = ""
	for _, st := range s.caseStatuses {
		f.Picklist = append(f.Picklist, st.Label)
		if st.IsDefault {
			f.Default = st.Label
		}
	}
	c.setField(f)
}

func (o *Object) removeOwner() {
	i, ok := o.index["ownerid"]
	if !ok {
		return
	}
	o.fields = append(o.fields[:i], o.fields[i+1:]...)
	o.index = make(map[string]int, len(o.fields))
	for j, f := range o.fields {
		o.index[strings.ToLower(f.Name)] = j
	}
}

// customKeyPrefix gives custom objects the a0A, a0B, ... prefixes.
func customKeyPrefix(i int) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	return "a" + string("0123456789"[i/len(digits)%10]) + string(digits[i%len(digits)])
}

func packageDirectories(fsys fs.FS) ([]string, error) {
	raw, err := fs.ReadFile(fsys, "sfdx-project.json")
	if err != nil {
		return nil, fmt.Errorf("load salesforce metadata: %w", err)
	}
	var project struct {
		PackageDirectories []struct {
			Path string `json:"path"`
		} `json:"packageDirectories"`
	}
	if err := json.Unmarshal(raw, &project); err != nil {
		return nil, fmt.Errorf("load salesforce metadata: sfdx-project.json: %w", err)
	}
	var dirs []string
	for _, d := range project.PackageDirectories {
		p := path.Clean(strings.TrimPrefix(d.Path, "./"))
		if !fs.ValidPath(p) {
			return nil, fmt.Errorf("load salesforce metadata: sfdx-project.json: invalid package directory %q", d.Path)
		}
		dirs = append(dirs, p)
	}
	if len(dirs) == 0 {
		return nil, errors.New("load salesforce metadata: sfdx-project.json lists no packageDirectories")
	}
	return dirs, nil
}

func decode(fsys fs.FS, p string, v any) error {
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return fmt.Errorf("load salesforce metadata: %w", err)
	}
	if err := xml.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("load salesforce metadata: %s: %w", p, err)
	}
	return nil
}

type objectXML struct {
	XMLName      xml.Name `xml:"CustomObject"`
	Label        string   `xml:"label"`
	SharingModel string   `xml:"sharingModel"`
	NameField    struct {
		Label string `xml:"label"`
		Type  string `xml:"type"`
	} `xml:"nameField"`
}

func readObject(fsys fs.FS, p string) (*Object, error) {
	name := strings.TrimSuffix(path.Base(p), objectSuffix)
	var x objectXML
	if err := decode(fsys, p, &x); err != nil {
		return nil, err
	}
	o := &Object{Name: name, Label: x.Label, Custom: strings.HasSuffix(name, "__c"), SharingModel: x.SharingModel, Permissionable: true}
	if !o.Custom {
		return o, nil
	}
	switch x.SharingModel {
	case "", SharingPrivate, SharingRead, SharingReadWrite, SharingControlledByParent:
	default:
		return nil, fmt.Errorf("load salesforce metadata: %s: unsupported sharingModel %q", p, x.SharingModel)
	}
	for _, f := range customStandardFields(true) {
		if f.Name == "Name" {
			f.Label = x.NameField.Label
			if x.NameField.Type == "Text" {
				f.Createable, f.Updateable, f.Required = true, true, true
			}
		}
		if err := o.addField(f); err != nil {
			return nil, fmt.Errorf("load salesforce metadata: %s: %w", p, err)
		}
	}
	return o, nil
}

type fieldXML struct {
	XMLName                  xml.Name         `xml:"CustomField"`
	FullName                 string           `xml:"fullName"`
	Label                    string           `xml:"label"`
	Type                     string           `xml:"type"`
	Length                   int              `xml:"length"`
	Required                 bool             `xml:"required"`
	ExternalID               bool             `xml:"externalId"`
	Unique                   bool             `xml:"unique"`
	CaseSensitive            bool             `xml:"caseSensitive"`
	ReferenceTo              string           `xml:"referenceTo"`
	RelationshipName         string           `xml:"relationshipName"`
	DefaultValue             string           `xml:"defaultValue"`
	ReparentableMasterDetail bool             `xml:"reparentableMasterDetail"`
	WriteRequiresMasterRead  bool             `xml:"writeRequiresMasterRead"`
	LookupFilter             *lookupFilterXML `xml:"lookupFilter"`
	ValueSet                 struct {
		Restricted bool `xml:"restricted"`
		Values     []struct {
			FullName string `xml:"fullName"`
			Label    string `xml:"label"`
			Default  bool   `xml:"default"`
		} `xml:"valueSetDefinition>value"`
	} `xml:"valueSet"`
}

// describeType maps a metadata field type to its describe type.
func describeType(metadataType string) (string, bool) {
	switch metadataType {
	case "Text":
		return TypeString, true
	case "TextArea", "LongTextArea", "Html":
		return TypeTextArea, true
	case "Picklist":
		return TypePicklist, true
	case "Checkbox":
		return TypeBoolean, true
	case "DateTime":
		return TypeDateTime, true
	case "Date":
		return TypeDate, true
	case "Number", "Currency", "Percent":
		return TypeDouble, true
	case "Url":
		return TypeURL, true
	case "Email":
		return TypeEmail, true
	case "Phone":
		return TypePhone, true
	case "MasterDetail", "Lookup":
		return TypeReference, true
	}
	return "", false
}

// fixedLength is the length of a type whose metadata has no <length>.
func fixedLength(metadataType string) int {
	switch metadataType {
	case "TextArea", "Url", "Picklist":
		return 255
	case "Email":
		return 80
	case "Phone":
		return 40
	}
	return 0
}

func readField(fsys fs.FS, p string) (Field, error) {
	var x fieldXML
	if err := decode(fsys, p, &x); err != nil {
		return Field{}, err
	}
	name := strings.TrimSuffix(path.Base(p), fieldSuffix)
	if x.FullName != name {
		return Field{}, fmt.Errorf("load salesforce metadata: %s: fullName %q does not match the file name", p, x.FullName)
	}
	typ, ok := describeType(x.Type)
	if !ok {
		return Field{}, fmt.Errorf("load salesforce metadata: %s: unsupported field type %q", p, x.Type)
	}
	f := Field{
		Name: name, Label: x.Label, Type: typ, ReferenceTo: x.ReferenceTo, RelationshipName: x.RelationshipName,
		Length: x.Length, ExternalID: x.ExternalID, Unique: x.Unique, CaseSensitive: x.Unique && x.CaseSensitive,
		Createable: true, Updateable: true, Custom: strings.HasSuffix(name, "__c"),
		Required: x.Required, Filterable: x.Type != "LongTextArea" && x.Type != "Html",
	}
	if f.Length == 0 {
		f.Length = fixedLength(x.Type)
	}
	if (x.Type == "Text" || x.Type == "LongTextArea") && f.Length <= 0 {
		return Field{}, fmt.Errorf("load salesforce metadata: %s: %s field needs a positive <length>", p, x.Type)
	}
	switch x.Type {
	case "MasterDetail":
		f.Required, f.MasterDetail = true, true
		f.WriteRequiresMasterRead = x.WriteRequiresMasterRead
		f.Updateable = x.ReparentableMasterDetail
		f.Length = 18
	case "Lookup":
		f.Length = 18
	case "Checkbox":
		f.Required = false
		f.Default = "false"
		if strings.EqualFold(x.DefaultValue, "true") {
			f.Default = "true"
		}
	case "Picklist":
		f.Restricted = x.ValueSet.Restricted
		for _, v := range x.ValueSet.Values {
			f.Picklist = append(f.Picklist, v.FullName)
			if v.Label != "" && v.Label != v.FullName {
				if f.PicklistLabels == nil {
					f.PicklistLabels = map[string]string{}
				}
				f.PicklistLabels[v.FullName] = v.Label
			}
			if v.Default {
				f.Default = v.FullName
			}
		}
		if len(f.Picklist) == 0 {
			return Field{}, fmt.Errorf("load salesforce metadata: %s: picklist without values (global value sets are not supported)", p)
		}
	}
	// Required fields (a default value aside) are always visible and
	// editable: field-level security cannot hide them.
	f.Permissionable = !f.Required
	if f.Default != "" {
		f.Required = false
	}
	if x.Type == "MasterDetail" || x.Type == "Lookup" {
		if f.ReferenceTo == "" {
			return Field{}, fmt.Errorf("load salesforce metadata: %s: %s field needs <referenceTo>", p, x.Type)
		}
	}
	if x.LookupFilter != nil {
		if f.Type != TypeReference {
			return Field{}, fmt.Errorf("load salesforce metadata: %s: a %s field takes no lookupFilter", p, x.Type)
		}
		lf, err := parseLookupFilter(x.LookupFilter)
		if err != nil {
			return Field{}, fmt.Errorf("load salesforce metadata: %s: %w", p, err)
		}
		f.LookupFilter = lf
	}
	return f, nil
}

type valueSetXML struct {
	XMLName xml.Name `xml:"StandardValueSet"`
	Values  []struct {
		FullName string `xml:"fullName"`
		Label    string `xml:"label"`
		Default  bool   `xml:"default"`
		Closed   bool   `xml:"closed"`
	} `xml:"standardValue"`
}

func readCaseStatuses(fsys fs.FS, p string) ([]CaseStatus, error) {
	var x valueSetXML
	if err := decode(fsys, p, &x); err != nil {
		return nil, err
	}
	var out []CaseStatus
	defaults, closed := 0, 0
	for _, v := range x.Values {
		if v.FullName == "" {
			return nil, fmt.Errorf("load salesforce metadata: %s: a status value has no fullName", p)
		}
		out = append(out, CaseStatus{Label: v.FullName, IsClosed: v.Closed, IsDefault: v.Default})
		if v.Default {
			defaults++
		}
		if v.Closed {
			closed++
		}
	}
	if defaults != 1 || closed == 0 {
		return nil, fmt.Errorf("load salesforce metadata: %s: need exactly one default status (found %d) and at least one closed status (found %d)", p, defaults, closed)
	}
	return out, nil
}

func (s *Schema) readPermissionSet(fsys fs.FS, p string) (PermissionSet, error) {
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return PermissionSet{}, fmt.Errorf("load salesforce metadata: %w", err)
	}
	ps, err := ParsePermissionSet(strings.TrimSuffix(path.Base(p), permissionSetSuffix), raw)
	if err == nil {
		err = s.CheckPermissionSet(ps)
	}
	if err != nil {
		return PermissionSet{}, fmt.Errorf("load salesforce metadata: %s: %w", p, err)
	}
	return ps, nil
}
