package sfsim

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
)

// The User Interface API (/services/data/vNN.N/ui-api/), the part that
// Lightning Data Service's record modules call: getRecord, the related list
// records, createRecord, updateRecord and deleteRecord. It answers from the
// sandbox's records with the caller's permissions and sharing, as the REST
// API does, in the UI API's shapes: a record is
// {apiName, id, fields: {Name: {value, displayValue}}, ...}; a read error is
// the REST API's error array; a write error is one object with the record's
// errors and its fields' errors (output.errors, output.fieldErrors), as LDS
// hands it to a component.

const (
	uiDateTimeLayout   = "2006-01-02T15:04:05.000Z"
	uiDisplayLayout    = "1/2/2006, 3:04 PM"
	uiDefaultPageSize  = 50
	uiMaxPageSize      = 1999
	uiRecordErrorTitle = "An error occurred while trying to update the record. Please try again."
)

// uiRoute maps a ui-api path to its operation.
func (s *Server) uiRoute(rt route, method string, set func(string, func(http.ResponseWriter, *http.Request, route, string)) (route, *Error)) (route, *Error) {
	seg := rt.segments
	switch {
	case len(seg) == 2 && seg[1] == "records":
		if method != http.MethodPost {
			return rt, methodNotAllowed(method, "POST")
		}
		return set(OpUIWrite, s.handleUICreate)
	case len(seg) == 3 && seg[1] == "records":
		switch method {
		case http.MethodGet:
			return set(OpUIRead, s.handleUIRecord)
		case http.MethodPatch:
			return set(OpUIWrite, s.handleUIUpdate)
		case http.MethodDelete:
			return set(OpUIWrite, s.handleUIDelete)
		}
		return rt, methodNotAllowed(method, "GET,PATCH,DELETE")
	case len(seg) == 4 && seg[1] == "related-list-records":
		if method != http.MethodGet {
			return rt, methodNotAllowed(method, "GET")
		}
		return set(OpUIRead, s.handleUIRelatedList)
	}
	return rt, notFound()
}

// uiFieldList reads a field list parameter ("Case.Subject,Case.Status",
// repeated or comma-separated) into object-qualified names.
func uiFieldList(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}

// uiFields resolves the fields a caller asked for on object o: required
// ones must exist and be readable (INVALID_FIELD otherwise), optional ones
// are left out when they are not. Names are "Object.Field"; a field of
// another object, or a path through a relationship, counts as unknown.
func uiFields(o *metadata.Object, a *access, required, optional []string) ([]metadata.Field, *Error) {
	var out []metadata.Field
	seen := map[string]bool{}
	add := func(name string, must bool) *Error {
		obj, field, ok := strings.Cut(name, ".")
		f, found := o.Field(field)
		if !ok || !strings.EqualFold(obj, o.Name) || strings.Contains(field, ".") || !found || !a.readsField(o, f) {
			if must {
				return fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{name}, "No such column '%s' on entity '%s'", clip(field), o.Name)
			}
			return nil
		}
		if !seen[f.Name] {
			seen[f.Name] = true
			out = append(out, f)
		}
		return nil
	}
	for _, n := range required {
		if err := add(n, true); err != nil {
			return nil, err
		}
	}
	for _, n := range optional {
		_ = add(n, false) // an optional field the caller cannot read is left out
	}
	return out, nil
}

// readableFields are every field of o the caller may read (what a created
// or updated record is answered with).
func readableFields(o *metadata.Object, a *access) []metadata.Field {
	var out []metadata.Field
	for _, f := range o.Fields() {
		if a.readsField(o, f) {
			out = append(out, f)
		}
	}
	return out
}

// uiValue is a field's value and display value as the UI API writes them:
// datetimes in UTC ISO 8601, picklists displayed by their labels, dates and
// datetimes displayed in the user's format (the sandbox's users are en_US,
// in UTC).
func uiValue(f metadata.Field, v any) map[string]any {
	var display any
	switch x := v.(type) {
	case time.Time:
		if f.Type == metadata.TypeDate {
			v, display = x.Format(dateLayout), x.Format("1/2/2006")
		} else {
			v, display = x.UTC().Format(uiDateTimeLayout), x.UTC().Format(uiDisplayLayout)
		}
	case string:
		if f.Type == metadata.TypePicklist {
			display = f.PicklistLabel(x)
		}
	}
	return map[string]any{"value": v, "displayValue": display}
}

// uiRecord renders a record with the given fields.
func uiRecord(t *table, r *record, fields []metadata.Field) map[string]any {
	values := make(map[string]any, len(fields))
	for _, f := range fields {
		values[f.Name] = uiValue(f, r.value(f))
	}
	modstamp, _ := r.fields["SystemModstamp"].(time.Time)
	lastModified, _ := r.fields["LastModifiedDate"].(time.Time)
	return map[string]any{
		"apiName": t.obj.Name, "id": r.id, "fields": values, "childRelationships": map[string]any{},
		"recordTypeId": nil, "recordTypeInfo": nil,
		"lastModifiedById": r.fields["LastModifiedById"], "lastModifiedDate": uiTime(lastModified), "systemModstamp": uiTime(modstamp),
		"eTag": fmt.Sprintf("%x-%d", r.seq, modstamp.UnixMilli()), "weakEtag": modstamp.UnixMilli(),
	}
}

func uiTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(uiDateTimeLayout)
}

// uiAPI holds the User Interface API's handlers (the routes are the
// Server's, in uiRoute).
type uiAPI struct {
	*state
	*restAPI // writeMode, objectTable, checkDelete
}

// readable finds a record by id for a read: one the caller cannot see is
// NOT_FOUND, as the REST API answers.
func (s *uiAPI) readable(id string, a *access) (*table, *record, *Error) {
	t, r := s.store.recordByID(id)
	if r == nil || !a.object(t.obj).Read || !a.canRead(s.store, t, r) {
		return nil, nil, notFound()
	}
	if r.deleted {
		return nil, nil, apiError(http.StatusNotFound, "ENTITY_IS_DELETED", "entity is deleted")
	}
	return t, r, nil
}

// handleUIRecord is GET ui-api/records/{id}?fields=&optionalFields=.
func (s *uiAPI) handleUIRecord(w http.ResponseWriter, r *http.Request, rt route, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accessFor(user)
	t, rec, err := s.readable(rt.segments[2], a)
	if err != nil {
		writeError(w, err)
		return
	}
	q := r.URL.Query()
	required, optional := uiFieldList(q, "fields"), uiFieldList(q, "optionalFields")
	if len(required) == 0 && len(optional) == 0 {
		writeError(w, apiError(http.StatusBadRequest, "ILLEGAL_QUERY_PARAMETER_VALUE", "either fields or optionalFields must be specified"))
		return
	}
	fields, err := uiFields(t.obj, a, required, optional)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, uiRecord(t, rec, fields))
}

// childRelationship finds the object and reference field behind a related
// list of parent: its child relationship name with __r (Care_Messages__r).
func (s *uiAPI) childRelationship(parent *metadata.Object, relatedListID string) (*table, metadata.Field, bool) {
	for _, name := range s.schema.Objects() {
		t := s.store.tables[strings.ToLower(name)]
		for _, f := range t.fields {
			if f.Type == metadata.TypeReference && f.RelationshipName != "" && f.ReferenceTo == parent.Name &&
				strings.EqualFold(f.RelationshipName+"__r", relatedListID) {
				return t, f, true
			}
		}
	}
	return nil, metadata.Field{}, false
}

// handleUIRelatedList is GET ui-api/related-list-records/{parent}/{list}:
// the child records of a parent the caller can see, those it may read,
// sorted by one field (sortBy, "-" for descending: nulls first ascending,
// last descending, as SOQL sorts) and paged (pageSize, pageToken).
func (s *uiAPI) handleUIRelatedList(w http.ResponseWriter, r *http.Request, rt route, user string) {
	q := r.URL.Query()
	pageSize := uiDefaultPageSize
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > uiMaxPageSize {
			writeError(w, apiError(http.StatusBadRequest, "ILLEGAL_QUERY_PARAMETER_VALUE", "pageSize must be between 1 and %d", uiMaxPageSize))
			return
		}
		pageSize = n
	}
	offset := 0
	if v := q.Get("pageToken"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, apiError(http.StatusBadRequest, "ILLEGAL_QUERY_PARAMETER_VALUE", "invalid pageToken"))
			return
		}
		offset = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accessFor(user)
	pt, parent, err := s.readable(rt.segments[2], a)
	if err != nil {
		writeError(w, err)
		return
	}
	listID := rt.segments[3]
	t, ref, ok := s.childRelationship(pt.obj, listID)
	if !ok || !a.object(t.obj).Read || !a.readsField(t.obj, ref) {
		writeError(w, apiError(http.StatusNotFound, "NOT_FOUND", "The related list %s does not exist for %s", clip(listID), pt.obj.Name))
		return
	}
	required, optional := uiFieldList(q, "fields"), uiFieldList(q, "optionalFields")
	fields, err := uiFields(t.obj, a, required, optional)
	if err != nil {
		writeError(w, err)
		return
	}
	sortBy := uiFieldList(q, "sortBy")
	if len(sortBy) > 1 {
		writeError(w, apiError(http.StatusBadRequest, "ILLEGAL_QUERY_PARAMETER_VALUE", "sortBy accepts only one field"))
		return
	}
	var children []*record
	for _, c := range t.refs[ref.Name][parent.id] {
		if !c.deleted && a.canRead(s.store, t, c) {
			children = append(children, c)
		}
	}
	slices.SortStableFunc(children, func(x, y *record) int { return x.seq - y.seq })
	if len(sortBy) == 1 {
		desc := strings.HasPrefix(sortBy[0], "-")
		sf, err := uiFields(t.obj, a, []string{strings.TrimPrefix(sortBy[0], "-")}, nil)
		if err != nil {
			writeError(w, err)
			return
		}
		if !sf[0].Filterable {
			writeError(w, fieldError(http.StatusBadRequest, "INVALID_FIELD", sortBy, "field %s can not be sorted", sf[0].Name))
			return
		}
		slices.SortStableFunc(children, func(x, y *record) int { return compareForSort(x.value(sf[0]), y.value(sf[0]), desc) })
	}
	from := min(offset, len(children))
	to := min(from+pageSize, len(children))
	records := make([]map[string]any, 0, to-from)
	for _, c := range children[from:to] {
		records = append(records, uiRecord(t, c, fields))
	}
	base := r.URL.Path
	pageURL := func(token int) string {
		v := url.Values{}
		params := map[string][]string{"fields": required, "optionalFields": optional, "sortBy": sortBy}
		for k, list := range params {
			if len(list) > 0 {
				v.Set(k, strings.Join(list, ","))
			}
		}
		v.Set("pageSize", strconv.Itoa(pageSize))
		v.Set("pageToken", strconv.Itoa(token))
		return base + "?" + v.Encode()
	}
	page := map[string]any{
		"count": len(records), "pageSize": pageSize, "records": records,
		"fields": nonNil(required), "optionalFields": nonNil(optional), "sortBy": nonNil(sortBy),
		"currentPageToken": strconv.Itoa(from), "currentPageUrl": pageURL(from),
		"nextPageToken": nil, "nextPageUrl": nil, "previousPageToken": nil, "previousPageUrl": nil,
		"listInfoETag": fmt.Sprintf("%x", len(t.fields)),
		"listReference": map[string]any{
			"inContextOfRecordId": parent.id, "listViewApiName": nil, "objectApiName": t.obj.Name,
			"parentObjectApiName": pt.obj.Name, "recordTypeId": nil, "relatedListId": listID, "type": "relatedList",
		},
	}
	if to < len(children) {
		page["nextPageToken"], page["nextPageUrl"] = strconv.Itoa(to), pageURL(to)
	}
	if from > 0 {
		prev := max(from-pageSize, 0)
		page["previousPageToken"], page["previousPageUrl"] = strconv.Itoa(prev), pageURL(prev)
	}
	writeJSON(w, http.StatusOK, page)
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// compareForSort orders two stored values as SOQL's ORDER BY does: nulls
// first ascending and last descending, text without regard to case.
func compareForSort(x, y any, desc bool) int {
	c := 0
	if x == nil || y == nil {
		c = boolRank(x != nil) - boolRank(y != nil)
	} else {
		// Values of one field share a type.
		switch a := x.(type) {
		case string:
			c = cmp.Compare(strings.ToLower(a), strings.ToLower(y.(string)))
		case float64:
			c = cmp.Compare(a, y.(float64))
		case bool:
			c = boolRank(a) - boolRank(y.(bool))
		case time.Time:
			c = a.Compare(y.(time.Time))
		}
	}
	if desc {
		return -c
	}
	return c
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// uiRecordInput is the body of createRecord and updateRecord.
type uiRecordInput struct {
	APIName string         `json:"apiName"`
	Fields  map[string]any `json:"fields"`
}

// writeRecordError answers a refused write the way the UI API does: one
// object whose output holds the record's errors and, by field, the
// fields' errors.
func writeRecordError(w http.ResponseWriter, o *metadata.Object, e *Error) {
	entry := func(field string) map[string]any {
		var label any
		if o != nil {
			if f, ok := o.Field(field); ok {
				label = f.Label
			}
		}
		var fieldName any
		if field != "" {
			fieldName = field
		}
		return map[string]any{"constituentField": nil, "duplicateRecordError": nil, "errorCode": e.Code, "field": fieldName, "fieldLabel": label, "message": e.Message}
	}
	errs, fieldErrs := []any{}, map[string]any{}
	if len(e.Fields) == 0 || o == nil {
		errs = append(errs, entry(""))
	} else {
		for _, f := range e.Fields {
			fieldErrs[f] = []any{entry(f)}
		}
	}
	writeJSON(w, e.Status, map[string]any{
		"enhancedErrorType": "RecordError", "message": uiRecordErrorTitle, "statusCode": e.Status, "errorCode": e.Code,
		"output": map[string]any{"errors": errs, "fieldErrors": fieldErrs},
	})
}

// uiWriteInput reads the body of createRecord or updateRecord and the
// call's write mode; false when it has answered a malformed body.
func (s *uiAPI) uiWriteInput(w http.ResponseWriter, r *http.Request, user string) (uiRecordInput, writeMode, bool) {
	var body uiRecordInput
	if err := decodeBody(w, r, &body); err != nil {
		writeRecordError(w, nil, err)
		return body, writeMode{}, false
	}
	return body, s.writeMode(r, user), true
}

// handleUICreate is POST ui-api/records: createRecord.
func (s *uiAPI) handleUICreate(w http.ResponseWriter, r *http.Request, _ route, user string) {
	body, mode, ok := s.uiWriteInput(w, r, user)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mode.access = s.accessFor(user)
	t, err := s.objectTable(body.APIName, mode.access)
	if err != nil {
		writeRecordError(w, nil, apiError(http.StatusBadRequest, "INVALID_TYPE", "Invalid apiName: %s", clip(body.APIName)))
		return
	}
	if _, hasID := lookupKey(body.Fields, "Id"); hasID {
		writeRecordError(w, t.obj, apiError(http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call"))
		return
	}
	rec, err := s.store.create(t, body.Fields, mode, nil)
	if err != nil {
		writeRecordError(w, t.obj, err)
		return
	}
	writeJSON(w, http.StatusCreated, uiRecord(t, rec, readableFields(t.obj, mode.access)))
}

// handleUIUpdate is PATCH ui-api/records/{id}: updateRecord.
func (s *uiAPI) handleUIUpdate(w http.ResponseWriter, r *http.Request, rt route, user string) {
	body, mode, ok := s.uiWriteInput(w, r, user)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mode.access = s.accessFor(user)
	t, rec, err := s.readable(rt.segments[2], mode.access)
	if err != nil {
		writeRecordError(w, nil, err)
		return
	}
	fields := make(map[string]any, len(body.Fields))
	for k, v := range body.Fields {
		fields[k] = v
	}
	if id, given := lookupString(fields, "Id"); given {
		if full, _ := sfid.Normalize(id); full != rec.id {
			writeRecordError(w, t.obj, apiError(http.StatusBadRequest, "INVALID_ID_FIELD", "The Id in the body does not match the record of the URL"))
			return
		}
		deleteKey(fields, "Id")
	}
	if err := s.store.update(t, rec, fields, mode, nil); err != nil {
		writeRecordError(w, t.obj, err)
		return
	}
	writeJSON(w, http.StatusOK, uiRecord(t, rec, readableFields(t.obj, mode.access)))
}

// handleUIDelete is DELETE ui-api/records/{id}: deleteRecord.
func (s *uiAPI) handleUIDelete(w http.ResponseWriter, r *http.Request, rt route, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accessFor(user)
	t, rec, err := s.readable(rt.segments[2], a)
	if err == nil {
		err = s.checkDelete(a, t, rec)
	}
	if err == nil {
		err = s.store.remove(t, rec, writeMode{actor: user, origin: changeOrigin(r)}, nil)
	}
	if err != nil {
		var o *metadata.Object
		if t != nil {
			o = t.obj
		}
		writeRecordError(w, o, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
