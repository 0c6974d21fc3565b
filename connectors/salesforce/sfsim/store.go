package sfsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
)

// record is one stored sObject. Field values are typed: string, bool,
// float64 or time.Time; a missing key is null.
type record struct {
	id      string // 18 characters
	fields  map[string]any
	deleted bool
	seq     int // position in its table's insertion order
}

// table holds the records of one object in insertion order (the order
// every sort falls back on).
type table struct {
	obj     *metadata.Object
	fields  []metadata.Field // obj.Fields(), read once
	records []*record
	byID    map[string]*record            // 18-character id -> record
	unique  map[string]map[string]*record // unique field -> value -> live record
	// folded indexes the unique fields by lower-case value, as SOQL's =
	// and IN compare text: a query naming them reads these records only,
	// as an org answers from its index.
	folded map[string]map[string][]*record
	// refs indexes the lookup fields by the 18-character id they hold, as
	// an org indexes every lookup and master-detail field: a query for the
	// children of some records (ParentId IN ...) reads those only.
	refs    map[string]map[string][]*record
	autoNum int
}

// store holds every record. It is not safe for concurrent use: the Server
// serialises access with its mutex.
type store struct {
	schema   *metadata.Schema
	statuses []metadata.CaseStatus
	tables   map[string]*table // lower-case object name
	byPrefix map[string]*table
	seq      uint64
	clock    func() time.Time
	rules    []activeRule              // validation rules in force
	filters  map[string][]lookupFilter // required lookup filters by object
	sharing  []sharingRule             // criteria-based sharing rules
	flows    []Automation              // the org's automation (automation.go)
	bus      *eventBus                 // change events; nil: none
}

func newStore(schema *metadata.Schema, clock func() time.Time) *store {
	st := &store{schema: schema, statuses: schema.CaseStatuses(), tables: map[string]*table{}, byPrefix: map[string]*table{}, clock: clock}
	for _, name := range schema.Objects() {
		o, _ := schema.Object(name)
		t := &table{obj: o, fields: o.Fields(), byID: map[string]*record{}, unique: map[string]map[string]*record{}, folded: map[string]map[string][]*record{},
			refs: map[string]map[string][]*record{}}
		for _, f := range t.fields {
			if f.Unique {
				t.unique[f.Name] = map[string]*record{}
				t.folded[f.Name] = map[string][]*record{}
			}
			if f.Type == metadata.TypeReference {
				t.refs[f.Name] = map[string][]*record{}
			}
		}
		st.tables[strings.ToLower(name)] = t
		st.byPrefix[o.KeyPrefix] = t
	}
	return st
}

func (st *store) table(object string) (*table, *Error) {
	t, ok := st.tables[strings.ToLower(object)]
	if !ok {
		return nil, apiError(http.StatusBadRequest, "INVALID_TYPE", "sObject type '%s' is not supported", clip(object))
	}
	return t, nil
}

// nextStamp returns the time of a write as a real org stamps it: to the
// whole second (the wire shows .000). Two writes within one second share a
// stamp, so SystemModstamp is a time, never a version.
func (st *store) nextStamp() time.Time {
	return st.clock().UTC().Truncate(time.Second)
}

// get returns the record with the given 15- or 18-character id.
func (st *store) get(t *table, id string) (*record, *Error) {
	full, ok := sfid.Normalize(id)
	if !ok {
		return nil, notFound()
	}
	r, ok := t.byID[full]
	if !ok {
		return nil, apiError(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
	return r, nil
}

// recordByID finds a record of any object by id.
func (st *store) recordByID(id string) (*table, *record) {
	full, ok := sfid.Normalize(id)
	if !ok {
		return nil, nil
	}
	t, ok := st.byPrefix[full[:3]]
	if !ok {
		return nil, nil
	}
	return t, t.byID[full]
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:40]) + "..."
}

// writeMode says who writes: the API (checks createable/updateable, and the
// caller's permissions and sharing) or the sandbox's own seeding (may set
// system fields).
type writeMode struct {
	system     bool
	actor      string  // user id recorded in CreatedById/LastModifiedById
	autoAssign bool    // run the Case assignment rule
	assignTo   string  // queue or user the assignment rule assigns to
	access     *access // the API caller's permissions; nil for the Go API
	origin     string  // changeOrigin of the change events ("" for the Go API)
	silent     bool    // the caller sends the change event itself (a merged event)
	// custom are the custom permissions of the Go API's editing user
	// (lower-case names); an API caller's come with its access.
	custom map[string]bool
}

// hasCustom reports whether the user writing holds a custom permission
// (formulas' $Permission).
func (m writeMode) hasCustom(name string) bool {
	if m.access != nil {
		return m.access.custom[strings.ToLower(name)]
	}
	return m.custom[strings.ToLower(name)]
}

// tx collects undo steps so that an allOrNone collection can roll back.
type tx struct{ undo []func() }

func (x *tx) add(f func()) {
	if x != nil {
		x.undo = append(x.undo, f)
	}
}

func (x *tx) rollback() {
	for i := len(x.undo) - 1; i >= 0; i-- {
		x.undo[i]()
	}
	x.undo = nil
}

// byteLimits are fields Salesforce limits in bytes through the API, beyond
// their length in characters (CaseComment.CommentBody: 4,000 bytes).
var byteLimits = map[string]int{"CaseComment.CommentBody": 4000}

func isText(typ string) bool {
	switch typ {
	case metadata.TypeString, metadata.TypeTextArea, metadata.TypePicklist, metadata.TypeURL,
		metadata.TypeEmail, metadata.TypePhone:
		return true
	}
	return false
}

func isIDType(typ string) bool { return typ == metadata.TypeID || typ == metadata.TypeReference }

// convert validates and converts the JSON body of a create or update into
// typed values keyed by canonical field names.
func (st *store) convert(t *table, body map[string]any, create bool, mode writeMode) (map[string]any, *Error) {
	out := make(map[string]any, len(body))
	var unknown, readOnly []string
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "attributes" {
			continue
		}
		f, ok := t.obj.Field(k)
		if !ok || mode.access != nil && !mode.access.readsField(t.obj, f) {
			unknown = append(unknown, k) // a field hidden by field-level security does not exist
			continue
		}
		switch {
		case f.Type == metadata.TypeID, f.Name == "IsDeleted", f.Name == "IsClosed" && t.obj.Name == "Case":
			readOnly = append(readOnly, f.Name)
			continue
		case mode.system:
		case create && !f.Createable, !create && !f.Updateable, mode.access != nil && !mode.access.editsField(t.obj, f):
			readOnly = append(readOnly, f.Name)
			continue
		}
		v, err := st.convertValue(t.obj.Name, f, body[k], mode)
		if err != nil {
			return nil, err
		}
		out[f.Name] = v
	}
	if len(unknown) > 0 {
		return nil, fieldError(http.StatusBadRequest, "INVALID_FIELD", unknown,
			"No such column '%s' on sobject of type %s", unknown[0], t.obj.Name)
	}
	if len(readOnly) > 0 {
		return nil, fieldError(http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE", readOnly,
			"Unable to create/update fields: %s. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
			strings.Join(readOnly, ", "))
	}
	return out, nil
}

func (st *store) convertValue(object string, f metadata.Field, raw any, mode writeMode) (any, *Error) {
	if raw == nil {
		if f.Type == metadata.TypeBoolean {
			return false, nil
		}
		return nil, nil
	}
	typeErr := func(want string) *Error {
		return fieldError(http.StatusBadRequest, "JSON_PARSER_ERROR", []string{f.Name},
			"Cannot deserialize instance of %s from %T value for field %s", want, raw, f.Name)
	}
	switch {
	case isText(f.Type):
		s, ok := raw.(string)
		if !ok {
			return nil, typeErr(f.Type)
		}
		if s == "" {
			return nil, nil
		}
		// Salesforce counts length in UTF-16 code units (an emoji is two),
		// and some long text fields are limited in bytes as well.
		if f.Length > 0 && len(utf16.Encode([]rune(s))) > f.Length || byteLimits[object+"."+f.Name] > 0 && len(s) > byteLimits[object+"."+f.Name] {
			return nil, fieldError(http.StatusBadRequest, "STRING_TOO_LONG", []string{f.Name},
				"%s: data value too large (max length=%d)", f.Name, f.Length)
		}
		if f.Type == metadata.TypePicklist && f.Restricted && !slices.Contains(f.Picklist, s) {
			return nil, fieldError(http.StatusBadRequest, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", []string{f.Name},
				"%s: bad value for restricted picklist field: %s", f.Label, clip(s))
		}
		return s, nil
	case isIDType(f.Type):
		s, ok := raw.(string)
		if !ok {
			return nil, typeErr("id")
		}
		if s == "" {
			return nil, nil
		}
		id, ok := sfid.Normalize(s)
		if !ok {
			return nil, fieldError(http.StatusBadRequest, "MALFORMED_ID", []string{f.Name},
				"%s: id value of incorrect type: %s", f.Name, clip(s))
		}
		target, rec := st.recordByID(id)
		if rec == nil || rec.deleted || !referenceAllowed(f, target.obj.Name) {
			return nil, fieldError(http.StatusBadRequest, "INVALID_CROSS_REFERENCE_KEY", []string{f.Name},
				"invalid cross reference id")
		}
		if mode.access != nil && !mode.access.canRead(st, target, rec) {
			return nil, errCrossReference(f.Name, id)
		}
		return id, nil
	case f.Type == metadata.TypeBoolean:
		b, ok := raw.(bool)
		if !ok {
			return nil, typeErr("boolean")
		}
		return b, nil
	case f.Type == metadata.TypeDouble || f.Type == metadata.TypeInt:
		switch v := raw.(type) {
		case float64:
			return v, nil
		case json.Number:
			n, err := v.Float64()
			if err == nil {
				return n, nil
			}
		case string:
			n, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return n, nil
			}
		}
		return nil, typeErr("double")
	case f.Type == metadata.TypeDateTime:
		s, ok := raw.(string)
		if !ok {
			return nil, typeErr("datetime")
		}
		tm, ok := parseDateTime(s)
		if !ok {
			return nil, typeErr("datetime")
		}
		return tm.UTC().Truncate(time.Second), nil // a datetime field holds whole seconds
	case f.Type == metadata.TypeDate:
		s, ok := raw.(string)
		if !ok {
			return nil, typeErr("date")
		}
		if tm, err := time.Parse(dateLayout, s); err == nil {
			return tm, nil
		}
		if tm, ok := parseDateTime(s); ok {
			return tm.Truncate(24 * time.Hour), nil
		}
		return nil, typeErr("date")
	}
	return nil, typeErr(f.Type)
}

// referenceAllowed: OwnerId takes users and queues; other references take
// their declared target.
func referenceAllowed(f metadata.Field, target string) bool {
	if f.Name == "OwnerId" {
		return target == "User" || target == "Group"
	}
	return f.ReferenceTo == "" || strings.EqualFold(f.ReferenceTo, target)
}

// checkUnique refuses values of unique fields that another live record holds.
func (t *table) checkUnique(values map[string]any, self *record) *Error {
	for field, idx := range t.unique {
		v, ok := values[field].(string)
		if !ok {
			continue
		}
		if other, dup := idx[v]; dup && other != self {
			return fieldError(http.StatusBadRequest, "DUPLICATE_VALUE", []string{field},
				"duplicate value found: %s duplicates value on record with id: %s", field, other.id)
		}
	}
	return nil
}

func (t *table) index(r *record) {
	for field, idx := range t.refs {
		if id, ok := refID(r.fields[field]); ok && !r.deleted && !slices.Contains(idx[id], r) {
			idx[id] = append(idx[id], r)
		}
	}
	for field, idx := range t.unique {
		if v, ok := r.fields[field].(string); ok && !r.deleted {
			idx[v] = r
			k := strings.ToLower(v)
			if !slices.Contains(t.folded[field][k], r) {
				t.folded[field][k] = append(t.folded[field][k], r)
			}
		}
	}
}

func (t *table) unindex(r *record) {
	for field, idx := range t.refs {
		if id, ok := refID(r.fields[field]); ok {
			idx[id] = slices.DeleteFunc(idx[id], func(x *record) bool { return x == r })
			if len(idx[id]) == 0 {
				delete(idx, id)
			}
		}
	}
	for field, idx := range t.unique {
		if v, ok := r.fields[field].(string); ok && idx[v] == r {
			delete(idx, v)
			k := strings.ToLower(v)
			t.folded[field][k] = slices.DeleteFunc(t.folded[field][k], func(x *record) bool { return x == r })
			if len(t.folded[field][k]) == 0 {
				delete(t.folded[field], k)
			}
		}
	}
}

// refID is the 18-character id a lookup field's value holds.
func refID(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || s == "" {
		return "", false
	}
	return sfid.Normalize(s)
}

func missingRequired(t *table, values map[string]any, create bool) []string {
	var missing []string
	for _, f := range t.fields {
		if !f.Required {
			continue
		}
		_, given := values[f.Name]
		if create && values[f.Name] == nil || !create && given && values[f.Name] == nil {
			missing = append(missing, f.Name)
		}
	}
	return missing
}

// create inserts a record and returns it.
func (st *store) create(t *table, body map[string]any, mode writeMode, x *tx) (*record, *Error) {
	if mode.access != nil && !mode.access.object(t.obj).Create {
		return nil, errCannotInsert(t.obj)
	}
	values, err := st.convert(t, body, true, mode)
	if err != nil {
		return nil, err
	}
	for _, f := range t.fields {
		if _, set := values[f.Name]; !set && f.Default != "" {
			switch f.Type {
			case metadata.TypeBoolean:
				values[f.Name] = f.Default == "true"
			default:
				values[f.Name] = f.Default
			}
		}
	}
	if f, ok := t.obj.Field("OwnerId"); ok && values[f.Name] == nil && mode.actor != "" {
		values[f.Name] = mode.actor
	}
	if t.obj.Name == "Case" && mode.autoAssign && mode.assignTo != "" {
		values["OwnerId"] = mode.assignTo
	}
	if missing := missingRequired(t, values, true); len(missing) > 0 {
		return nil, fieldError(http.StatusBadRequest, "REQUIRED_FIELD_MISSING", missing,
			"Required fields are missing: [%s]", strings.Join(missing, ", "))
	}
	if mode.access != nil {
		if err := mode.access.checkParent(st, t, values); err != nil {
			return nil, err
		}
	}
	if err := t.checkUnique(values, nil); err != nil {
		return nil, err
	}
	st.seq++
	r := &record{id: newID(t.obj.KeyPrefix, st.seq), fields: values}
	stamp := st.nextStamp()
	for _, name := range []string{"CreatedDate", "LastModifiedDate", "SystemModstamp"} {
		if _, set := values[name]; !set {
			values[name] = stamp
		}
	}
	for _, name := range []string{"CreatedById", "LastModifiedById"} {
		if _, set := values[name]; !set && mode.actor != "" {
			values[name] = mode.actor
		}
	}
	t.autoNum++
	if !mode.system {
		st.automate(t, r, nil)
	}
	st.derive(t, r, nil)
	if !mode.system {
		err := st.checkLookupFilters(t, r)
		if err == nil {
			err = st.validate(t, r, nil, mode.hasCustom)
		}
		if err != nil {
			t.autoNum--
			return nil, err
		}
	}
	r.seq = len(t.records)
	t.records = append(t.records, r)
	t.byID[r.id] = r
	t.index(r)
	x.add(func() {
		t.unindex(r)
		delete(t.byID, r.id)
		t.records = slices.DeleteFunc(t.records, func(o *record) bool { return o == r })
	})
	st.emit(change{typ: ChangeCreate, t: t, r: r, origin: mode.origin, user: mode.actor, stamp: st.clock()}, x)
	return r, nil
}

// update applies a partial update to a live record.
func (st *store) update(t *table, r *record, body map[string]any, mode writeMode, x *tx) *Error {
	if r.deleted {
		return apiError(http.StatusBadRequest, "ENTITY_IS_DELETED", "entity is deleted")
	}
	if a := mode.access; a != nil {
		if !a.object(t.obj).Edit {
			return errCannotUpdate(t.obj)
		}
		if err := a.checkWrite(st, t, r); err != nil {
			return err
		}
	}
	values, err := st.convert(t, body, false, mode)
	if err != nil {
		return err
	}
	if missing := missingRequired(t, values, false); len(missing) > 0 {
		return fieldError(http.StatusBadRequest, "REQUIRED_FIELD_MISSING", missing,
			"Required fields are missing: [%s]", strings.Join(missing, ", "))
	}
	if err := t.checkUnique(values, r); err != nil {
		return err
	}
	if a := mode.access; a != nil && ownerChanges(r, values) && !a.mayTransfer(t, r) {
		return errReadOnly()
	}
	before := make(map[string]any, len(r.fields))
	for k, v := range r.fields {
		before[k] = v
	}
	t.unindex(r)
	for k, v := range values {
		if v == nil {
			delete(r.fields, k)
		} else {
			r.fields[k] = v
		}
	}
	stamp := st.nextStamp()
	r.fields["LastModifiedDate"] = stamp
	r.fields["SystemModstamp"] = stamp
	if mode.actor != "" {
		r.fields["LastModifiedById"] = mode.actor
	}
	if !mode.system {
		st.automate(t, r, before)
	}
	st.derive(t, r, before)
	err = st.checkLookupFilters(t, r)
	if err == nil {
		err = st.validate(t, r, before, mode.hasCustom)
	}
	if err != nil {
		r.fields = before
		t.index(r)
		return err
	}
	t.index(r)
	x.add(func() {
		t.unindex(r)
		r.fields = before
		t.index(r)
	})
	if !mode.silent {
		st.emit(change{typ: ChangeUpdate, t: t, r: r, origin: mode.origin, user: mode.actor, stamp: st.clock(),
			changed: changedFields(t, before, r.fields)}, x)
	}
	return nil
}

// ownerChanges reports whether an update gives r another owner.
func ownerChanges(r *record, values map[string]any) bool {
	owner, given := values["OwnerId"]
	return given && owner != r.fields["OwnerId"]
}

// derive maintains computed fields after a write.
func (st *store) derive(t *table, r *record, before map[string]any) {
	switch t.obj.Name {
	case "Case":
		status, _ := r.fields["Status"].(string)
		closed := false
		for _, cs := range st.statuses {
			if cs.Label == status {
				closed = cs.IsClosed
			}
		}
		wasClosed, _ := before["IsClosed"].(bool)
		r.fields["IsClosed"] = closed
		switch {
		case closed && (before == nil || !wasClosed):
			r.fields["ClosedDate"] = r.fields["SystemModstamp"]
		case !closed:
			delete(r.fields, "ClosedDate")
		}
		if before == nil {
			r.fields["CaseNumber"] = fmt.Sprintf("%08d", 1000+t.autoNum)
		}
	case "User", "Contact":
		first, _ := r.fields["FirstName"].(string)
		last, _ := r.fields["LastName"].(string)
		r.fields["Name"] = strings.TrimSpace(first + " " + last)
	case "Task":
		status, _ := r.fields["Status"].(string)
		r.fields["IsClosed"] = status == "Completed"
	}
	if t.obj.Custom && before == nil {
		if f, ok := t.obj.Field("Name"); ok && !f.Createable {
			r.fields["Name"] = fmt.Sprintf("%s-%07d", initials(t.obj.Label), t.autoNum)
		}
	}
}

func initials(label string) string {
	var b strings.Builder
	for _, w := range strings.Fields(label) {
		b.WriteString(strings.ToUpper(w[:1]))
	}
	return b.String()
}

// remove deletes a record (to the recycle bin: queryAll still sees it) and
// the master-detail children that hang off it.
func (st *store) remove(t *table, r *record, mode writeMode, x *tx) *Error {
	if r.deleted {
		return apiError(http.StatusNotFound, "ENTITY_IS_DELETED", "entity is deleted")
	}
	st.markDeleted(t, r, mode, x)
	for _, child := range st.tables {
		for _, f := range child.fields {
			if f.Type != metadata.TypeReference || !f.Required || !strings.EqualFold(f.ReferenceTo, t.obj.Name) {
				continue
			}
			for _, cr := range child.records {
				if !cr.deleted && cr.fields[f.Name] == r.id {
					st.markDeleted(child, cr, mode, x)
				}
			}
		}
	}
	return nil
}

func (st *store) markDeleted(t *table, r *record, mode writeMode, x *tx) {
	before := r.fields["SystemModstamp"]
	t.unindex(r)
	r.deleted = true
	r.fields["SystemModstamp"] = st.nextStamp()
	x.add(func() {
		r.deleted = false
		r.fields["SystemModstamp"] = before
		t.index(r)
	})
	st.emit(change{typ: ChangeDelete, t: t, r: r, origin: mode.origin, user: mode.actor, stamp: st.clock()}, x)
}

// undelete restores a deleted record from the recycle bin.
func (st *store) undelete(t *table, r *record, mode writeMode) *Error {
	if !r.deleted {
		return apiError(http.StatusBadRequest, "UNDELETE_FAILED", "Entity is not in the recycle bin")
	}
	if err := t.checkUnique(r.fields, r); err != nil {
		return err
	}
	r.deleted = false
	r.fields["SystemModstamp"] = st.nextStamp()
	t.index(r)
	st.emit(change{typ: ChangeUndelete, t: t, r: r, origin: mode.origin, user: mode.actor, stamp: st.clock()}, nil)
	return nil
}

// byExternalID returns the live records whose field equals value.
func (st *store) byExternalID(t *table, field metadata.Field, value string) []*record {
	if idx, ok := t.unique[field.Name]; ok {
		if r, ok := idx[value]; ok {
			return []*record{r}
		}
		return nil
	}
	var out []*record
	for _, r := range t.records {
		if !r.deleted && r.fields[field.Name] == value {
			out = append(out, r)
		}
	}
	return out
}

// visible keeps the records a can see (all of them for the Go API).
func (st *store) visible(t *table, recs []*record, a *access) []*record {
	if a == nil {
		return recs
	}
	out := recs[:0:0]
	for _, r := range recs {
		if a.canRead(st, t, r) {
			out = append(out, r)
		}
	}
	return out
}

// parentOf returns the record whose sharing controls r (ControlledByParent
// objects), or nil.
func (st *store) parentOf(t *table, r *record) (*table, *record) {
	if t.obj.Parent == "" {
		return nil, nil
	}
	id, _ := r.fields[t.obj.Parent].(string)
	if id == "" {
		return nil, nil
	}
	return st.recordByID(id)
}

// replace swaps every record of t for recs, which carry their own ids: the
// sandbox rebuilds its permission objects this way whenever they change.
func (st *store) replace(t *table, recs []*record) {
	t.records = recs
	t.byID = make(map[string]*record, len(recs))
	for field := range t.unique {
		t.unique[field] = map[string]*record{}
		t.folded[field] = map[string][]*record{}
	}
	for i, r := range recs {
		r.seq = i
		t.byID[r.id] = r
		t.index(r)
	}
}

// upsert creates or updates the record whose external id field has value.
// It returns the record, whether it was created, and the matches when more
// than one record matched (HTTP 300). An API caller matches only records it
// can see: when the only match is hidden from it, the upsert creates, and
// the unique external id refuses the duplicate, as in a real org.
func (st *store) upsert(t *table, extField, value string, body map[string]any, mode writeMode, x *tx) (*record, bool, *Error) {
	f, ok := t.obj.Field(extField)
	if !ok || !(f.ExternalID || f.Type == metadata.TypeID) || mode.access != nil && !mode.access.readsField(t.obj, f) {
		return nil, false, fieldError(http.StatusNotFound, "NOT_FOUND", []string{extField},
			"Provided external ID field does not exist or is not accessible: %s", clip(extField))
	}
	if raw, given := lookupKey(body, f.Name); given {
		if s, _ := raw.(string); s != value {
			return nil, false, fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{f.Name},
				"The value of the external ID field in the body does not match the value in the URL")
		}
	}
	var matches []*record
	if f.Type == metadata.TypeID {
		if r, err := st.get(t, value); err == nil && !r.deleted {
			matches = []*record{r}
		}
	} else {
		matches = st.visible(t, st.byExternalID(t, f, value), mode.access)
	}
	switch len(matches) {
	case 0:
		if f.Type == metadata.TypeID {
			return nil, false, apiError(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		}
		withKey := make(map[string]any, len(body)+1)
		for k, v := range body {
			withKey[k] = v
		}
		deleteKey(withKey, f.Name)
		withKey[f.Name] = value
		r, err := st.create(t, withKey, mode, x)
		return r, true, err
	case 1:
		rest := make(map[string]any, len(body))
		for k, v := range body {
			rest[k] = v
		}
		deleteKey(rest, f.Name)
		mode.autoAssign = false
		return matches[0], false, st.update(t, matches[0], rest, mode, x)
	default:
		urls := make([]string, len(matches))
		for i, m := range matches {
			urls[i] = m.id
		}
		return nil, false, fieldError(http.StatusMultipleChoices, "MULTIPLE_CHOICES", urls,
			"more than one record found for external id field %s", f.Name)
	}
}

func lookupKey(body map[string]any, name string) (any, bool) {
	for k, v := range body {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func deleteKey(body map[string]any, name string) {
	for k := range body {
		if strings.EqualFold(k, name) {
			delete(body, k)
		}
	}
}

// wireValue converts a stored value to its JSON form.
func wireValue(f metadata.Field, v any) any {
	tm, ok := v.(time.Time)
	if !ok {
		return v
	}
	if f.Type == metadata.TypeDate {
		return tm.Format(dateLayout)
	}
	return formatDateTime(tm)
}

// value reads one field of a record (Id and IsDeleted included).
func (r *record) value(f metadata.Field) any {
	switch f.Name {
	case "Id":
		return r.id
	case "IsDeleted":
		return r.deleted
	}
	return r.fields[f.Name]
}

// attributes is the "attributes" member of every record on the wire.
func attributes(object, id, version string) map[string]string {
	return map[string]string{"type": object, "url": "/services/data/v" + version + "/sobjects/" + object + "/" + id}
}

// full renders every field of a record that a may read.
func (t *table) full(r *record, version string, a *access) *orderedObject {
	o := newOrdered()
	o.set("attributes", attributes(t.obj.Name, r.id, version))
	for _, f := range t.fields {
		if a.readsField(t.obj, f) {
			o.set(f.Name, wireValue(f, r.value(f)))
		}
	}
	return o
}

// plain renders every field of a record as a Go map (for the Go API).
func (t *table) plain(r *record) map[string]any {
	out := make(map[string]any, len(r.fields)+2)
	for _, f := range t.fields {
		if v := r.value(f); v != nil {
			out[f.Name] = wireValue(f, v)
		}
	}
	return out
}
