package sfsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
)

const (
	maxCollection    = 200
	defaultBatchSize = 2000
	maxCursors       = 500
	maxBodyBytes     = 32 << 20
	maxAutoAssignLog = 1000
)

var versionPath = regexp.MustCompile(`^/services/data/v(\d+\.\d)(/.*)?$`)

// route is a parsed REST request: its operation and path segments after
// /services/data/vNN.N/.
type route struct {
	op       string
	version  string
	segments []string
	handler  func(w http.ResponseWriter, r *http.Request, rt route, user string)
}

func notFound() *Error {
	return apiError(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
}

func methodNotAllowed(method, allowed string) *Error {
	return apiError(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "HTTP Method '%s' not allowed. Allowed are %s", method, allowed)
}

// resolveRoute maps method and path to an operation.
func (s *Server) resolveRoute(r *http.Request) (route, *Error) {
	m := versionPath.FindStringSubmatch(r.URL.EscapedPath())
	if m == nil {
		return route{}, notFound()
	}
	rt := route{version: m[1]}
	for _, seg := range strings.Split(strings.Trim(m[2], "/"), "/") {
		if seg == "" {
			continue
		}
		// segments are unescaped one by one: an external id may hold "/"
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return route{}, notFound()
		}
		rt.segments = append(rt.segments, dec)
	}
	seg := rt.segments
	method := r.Method
	set := func(op string, h func(http.ResponseWriter, *http.Request, route, string)) (route, *Error) {
		rt.op, rt.handler = op, h
		return rt, nil
	}
	switch {
	case len(seg) == 0:
		return set(OpOther, s.handleResources)
	case seg[0] == "limits" && len(seg) == 1:
		if method != http.MethodGet {
			return rt, methodNotAllowed(method, "GET,HEAD")
		}
		return set(OpLimits, s.handleLimits)
	case (seg[0] == "query" || seg[0] == "queryAll") && len(seg) <= 2:
		if method != http.MethodGet {
			return rt, methodNotAllowed(method, "GET,HEAD")
		}
		return set(OpQuery, s.handleQuery)
	case seg[0] == "sobjects":
		return s.sobjectRoute(rt, method, set)
	case seg[0] == "ui-api":
		return s.uiRoute(rt, method, set)
	case seg[0] == "composite" && len(seg) == 1:
		if method != http.MethodPost {
			return rt, methodNotAllowed(method, "POST")
		}
		return set(OpComposite, s.handleComposite)
	case seg[0] == "composite" && len(seg) >= 2 && seg[1] == "sobjects":
		switch {
		case len(seg) == 2 && method == http.MethodPost:
			return set(OpCollectionsCreate, s.handleCollections)
		case len(seg) == 2 && method == http.MethodPatch:
			return set(OpCollectionsUpdate, s.handleCollections)
		case len(seg) == 2 && method == http.MethodDelete:
			return set(OpCollectionsDelete, s.handleCollectionsDelete)
		case len(seg) == 4 && method == http.MethodPatch:
			return set(OpCollectionsUpsert, s.handleCollections)
		case len(seg) == 2 || len(seg) == 4:
			return rt, methodNotAllowed(method, "POST,PATCH,DELETE")
		}
	}
	return rt, notFound()
}

func (s *Server) sobjectRoute(rt route, method string, set func(string, func(http.ResponseWriter, *http.Request, route, string)) (route, *Error)) (route, *Error) {
	seg := rt.segments
	switch len(seg) {
	case 1:
		if method != http.MethodGet {
			return rt, methodNotAllowed(method, "GET,HEAD")
		}
		return set(OpDescribe, s.handleDescribeGlobal)
	case 2:
		switch method {
		case http.MethodPost:
			return set(OpCreate, s.handleCreate)
		case http.MethodGet:
			return set(OpDescribe, s.handleDescribe)
		}
		return rt, methodNotAllowed(method, "GET,HEAD,POST")
	case 3:
		if seg[2] == "describe" {
			if method != http.MethodGet {
				return rt, methodNotAllowed(method, "GET,HEAD")
			}
			return set(OpDescribe, s.handleDescribe)
		}
		switch method {
		case http.MethodGet:
			return set(OpGet, s.handleGet)
		case http.MethodPatch:
			return set(OpUpdate, s.handleUpdate)
		case http.MethodDelete:
			return set(OpDelete, s.handleDelete)
		}
		return rt, methodNotAllowed(method, "GET,PATCH,DELETE")
	case 4:
		switch method {
		case http.MethodGet:
			return set(OpGet, s.handleGet)
		case http.MethodPatch:
			return set(OpUpsert, s.handleUpsert)
		case http.MethodDelete:
			return set(OpDelete, s.handleDelete)
		}
		return rt, methodNotAllowed(method, "GET,PATCH,DELETE")
	}
	return rt, notFound()
}

// serveData serves /services/data/...
func (s *Server) serveData(w http.ResponseWriter, r *http.Request) {
	if p := strings.TrimSuffix(r.URL.Path, "/"); p == "/services/data" {
		writeJSON(w, http.StatusOK, []map[string]string{{"label": "Winter '26", "url": "/services/data/v65.0", "version": "65.0"}})
		return
	}
	user, browser, aerr := s.authenticate(r)
	if aerr != nil {
		s.mu.Lock()
		w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", s.used, s.dailyLimit))
		s.mu.Unlock()
		writeError(w, aerr)
		return
	}
	rt, rerr := s.resolveRoute(r)
	op := rt.op
	if rerr != nil {
		op = OpOther
	}
	lost, ok := s.admit(w, r, op, !browser)
	if !ok {
		return
	}
	if rerr != nil {
		writeError(w, rerr)
		return
	}
	if lost != nil {
		rt.handler(&lostAnswer{h: http.Header{}}, r, rt, user)
		writeError(w, lost)
		return
	}
	rt.handler(w, r, rt, user)
}

// restAPI holds the REST API's handlers (the routes are the Server's).
type restAPI struct {
	*state
	*faultInjector  // recordFault, the parent lock limit
	*eventAllowance // the deliveries left, for /limits

	// guarded by the state's mutex
	cursors    map[string]*cursor
	cursorSeq  uint64
	cursorFIFO []string
}

func (s *restAPI) writeMode(r *http.Request, user string) writeMode {
	h := r.Header.Get("Sforce-Auto-Assign")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoAssign = append(s.autoAssign, h)
	if len(s.autoAssign) > maxAutoAssignLog {
		s.autoAssign = s.autoAssign[len(s.autoAssign)-maxAutoAssignLog:]
	}
	return writeMode{actor: user, autoAssign: !strings.EqualFold(h, "FALSE"), assignTo: s.assignTo, origin: changeOrigin(r)}
}

// changeOrigin is the changeOrigin of the change events of a REST call:
// the API and its version, and the client named in Sforce-Call-Options
// (e.g. com/salesforce/api/rest/65.0;client=carebridge).
func changeOrigin(r *http.Request) string {
	version := "65.0"
	if rest, ok := strings.CutPrefix(r.URL.Path, "/services/data/v"); ok {
		if v, _, _ := strings.Cut(rest, "/"); v != "" {
			version = v
		}
	}
	origin := "com/salesforce/api/rest/" + version
	for opt := range strings.SplitSeq(r.Header.Get("Sforce-Call-Options"), ",") {
		if client, ok := strings.CutPrefix(strings.TrimSpace(opt), "client="); ok && client != "" {
			origin += ";client=" + client
		}
	}
	return origin
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) *Error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err := dec.Decode(v); err != nil {
		return apiError(http.StatusBadRequest, "JSON_PARSER_ERROR", "The request body is not valid JSON: %s", clip(err.Error()))
	}
	return nil
}

func (s *restAPI) handleResources(w http.ResponseWriter, _ *http.Request, rt route, _ string) {
	base := "/services/data/v" + rt.version
	writeJSON(w, http.StatusOK, map[string]string{
		"sobjects": base + "/sobjects", "query": base + "/query", "queryAll": base + "/queryAll",
		"limits": base + "/limits", "composite": base + "/composite",
	})
}

// handleLimits answers /limits, which Salesforce serves only to users with
// View Setup and Configuration.
func (s *restAPI) handleLimits(w http.ResponseWriter, _ *http.Request, _ route, user string) {
	s.mu.Lock()
	allowed := s.accessFor(user).has(metadata.PermViewSetup)
	used, max := s.used, s.dailyLimit
	deliveryMax := s.opts.DailyEventDeliveries
	deliveryLeft := s.deliveriesLeft()
	s.mu.Unlock()
	if !allowed {
		writeError(w, errNoViewSetup())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"DailyApiRequests": map[string]int{"Max": max, "Remaining": max - used},
		// Change events and high-volume platform events delivered to API
		// subscribers in the last 24 hours.
		"DailyDeliveredPlatformEvents": map[string]int{"Max": deliveryMax, "Remaining": deliveryLeft},
	})
}

// cursor holds the rows of a query, rendered when it ran, for its later
// pages.
type cursor struct {
	id      string // query locator, set once a second page exists
	records []*orderedObject
	batch   int
	all     bool
}

// batchSize reads Sforce-Query-Options: batchSize=N. Salesforce treats
// values below 200 as 200; the sandbox honours any positive size so that
// tests can page through a few records.
func batchSize(r *http.Request) int {
	for _, opt := range strings.Split(r.Header.Get("Sforce-Query-Options"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(opt), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "batchSize") {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err == nil && n > 0 {
			return min(n, defaultBatchSize)
		}
	}
	return defaultBatchSize
}

func (s *restAPI) handleQuery(w http.ResponseWriter, r *http.Request, rt route, user string) {
	all := rt.segments[0] == "queryAll"
	if len(rt.segments) == 2 {
		s.nextPage(w, rt, all)
		return
	}
	soql := r.URL.Query().Get("q")
	q, err := parseSOQL(soql)
	if err != nil {
		writeError(w, describeQueryError(err))
		return
	}
	s.mu.Lock()
	c, cerr := s.store.soql().compile(q, s.accessFor(user))
	if cerr != nil {
		s.mu.Unlock()
		writeError(w, cerr)
		return
	}
	recs := s.store.soql().run(c, all)
	if q.count {
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"totalSize": len(recs), "done": true, "records": []any{}})
		return
	}
	rows := make([]*orderedObject, len(recs))
	for i, rec := range recs {
		rows[i] = s.store.soql().project(c, rec, rt.version)
	}
	cur := &cursor{records: rows, batch: batchSize(r), all: all}
	page := s.page(cur, 0, rt.version)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, page)
}

// page renders records [from, from+batch) of a cursor; the caller holds
// s.mu. A cursor with more than one page gets a query locator; the last
// maxCursors locators stay valid.
func (s *restAPI) page(cur *cursor, from int, version string) *orderedObject {
	to := min(from+cur.batch, len(cur.records))
	out := newOrdered()
	out.set("totalSize", len(cur.records))
	out.set("done", to >= len(cur.records))
	if to < len(cur.records) {
		id := s.cursorID(cur)
		resource := "query"
		if cur.all {
			resource = "queryAll"
		}
		out.set("nextRecordsUrl", fmt.Sprintf("/services/data/v%s/%s/%s-%d", version, resource, id, to))
	}
	out.set("records", cur.records[from:to])
	return out
}

func (s *restAPI) cursorID(cur *cursor) string {
	if cur.id != "" {
		return cur.id
	}
	s.cursorSeq++
	cur.id = newID("01g", s.cursorSeq)
	s.cursors[cur.id] = cur
	s.cursorFIFO = append(s.cursorFIFO, cur.id)
	if len(s.cursorFIFO) > maxCursors {
		delete(s.cursors, s.cursorFIFO[0])
		s.cursorFIFO = s.cursorFIFO[1:]
	}
	return cur.id
}

func (s *restAPI) nextPage(w http.ResponseWriter, rt route, all bool) {
	locator := rt.segments[1]
	id, offStr, ok := strings.Cut(locator, "-")
	off, err := strconv.Atoi(offStr)
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, known := s.cursors[id]
	if !ok || err != nil || !known || off < 0 || off >= len(cur.records) || cur.all != all {
		writeError(w, apiError(http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator"))
		return
	}
	writeJSON(w, http.StatusOK, s.page(cur, off, rt.version))
}

// objectTable resolves the object segment of an sobjects URL; an object the
// caller cannot read does not exist for it.
func (s *restAPI) objectTable(name string, a *access) (*table, *Error) {
	t, ok := s.store.tables[strings.ToLower(name)]
	if !ok || !a.object(t.obj).Read {
		return nil, apiError(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
	return t, nil
}

func (s *restAPI) handleCreate(w http.ResponseWriter, r *http.Request, rt route, user string) {
	var body map[string]any
	if err := decodeBody(w, r, &body); err != nil {
		writeError(w, err)
		return
	}
	mode := s.writeMode(r, user)
	s.mu.Lock()
	defer s.mu.Unlock()
	mode.access = s.accessFor(user)
	t, err := s.objectTable(rt.segments[1], mode.access)
	if err != nil {
		writeError(w, err)
		return
	}
	rec, err := s.store.create(t, body, mode, nil)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": rec.id, "success": true, "errors": []any{}})
}

// locate finds the record an sobjects URL names: /T/{id} or /T/{field}/{value}.
// By id it finds records the caller cannot see too (what a write then
// answers is the write's business); by external id only visible ones.
func (s *restAPI) locate(rt route, a *access) (*table, *record, *Error) {
	t, err := s.objectTable(rt.segments[1], a)
	if err != nil {
		return nil, nil, err
	}
	if len(rt.segments) == 3 {
		rec, err := s.store.get(t, rt.segments[2])
		return t, rec, err
	}
	f, ok := t.obj.Field(rt.segments[2])
	if !ok || !(f.ExternalID || f.Type == metadata.TypeID) || !a.readsField(t.obj, f) {
		return nil, nil, apiError(http.StatusNotFound, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: %s", clip(rt.segments[2]))
	}
	if f.Type == metadata.TypeID {
		rec, err := s.store.get(t, rt.segments[3])
		return t, rec, err
	}
	matches := s.store.visible(t, s.store.byExternalID(t, f, rt.segments[3]), a)
	switch len(matches) {
	case 0:
		return nil, nil, notFound()
	case 1:
		return t, matches[0], nil
	}
	return nil, nil, apiError(http.StatusMultipleChoices, "MULTIPLE_CHOICES", "more than one record found for external id field %s", f.Name)
}

// handleGet reads a record: one the caller cannot see is NOT_FOUND, and
// fields hidden by field-level security are left out or unknown.
func (s *restAPI) handleGet(w http.ResponseWriter, r *http.Request, rt route, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accessFor(user)
	t, rec, err := s.locate(rt, a)
	if err != nil {
		writeError(w, err)
		return
	}
	if !a.canRead(s.store, t, rec) {
		writeError(w, notFound())
		return
	}
	if rec.deleted {
		writeError(w, apiError(http.StatusNotFound, "ENTITY_IS_DELETED", "entity is deleted"))
		return
	}
	fields := r.URL.Query().Get("fields")
	if fields == "" {
		writeJSON(w, http.StatusOK, t.full(rec, rt.version, a))
		return
	}
	o := newOrdered()
	o.set("attributes", attributes(t.obj.Name, rec.id, rt.version))
	for _, name := range strings.Split(fields, ",") {
		f, ok := t.obj.Field(strings.TrimSpace(name))
		if !ok || !a.readsField(t.obj, f) {
			writeError(w, fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{strings.TrimSpace(name)},
				"No such column '%s' on entity '%s'", clip(strings.TrimSpace(name)), t.obj.Name))
			return
		}
		o.set(f.Name, wireValue(f, rec.value(f)))
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *restAPI) handleUpdate(w http.ResponseWriter, r *http.Request, rt route, user string) {
	var body map[string]any
	if err := decodeBody(w, r, &body); err != nil {
		writeError(w, err)
		return
	}
	mode := s.writeMode(r, user)
	s.mu.Lock()
	defer s.mu.Unlock()
	mode.access = s.accessFor(user)
	t, rec, err := s.locate(rt, mode.access)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := s.store.update(t, rec, body, mode, nil); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *restAPI) handleDelete(w http.ResponseWriter, r *http.Request, rt route, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accessFor(user)
	t, rec, err := s.locate(rt, a)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := s.checkDelete(a, t, rec); err != nil {
		writeError(w, err)
		return
	}
	if err := s.store.remove(t, rec, writeMode{actor: user, origin: changeOrigin(r)}, nil); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkDelete refuses a delete without object permission Delete or edit
// access to the record (its master-detail children go with it regardless,
// as in a real org). The caller holds s.mu.
func (s *restAPI) checkDelete(a *access, t *table, r *record) *Error {
	if !a.object(t.obj).Delete {
		return errReadOnly()
	}
	return a.checkWrite(s.store, t, r)
}

func (s *restAPI) handleUpsert(w http.ResponseWriter, r *http.Request, rt route, user string) {
	var body map[string]any
	if err := decodeBody(w, r, &body); err != nil {
		writeError(w, err)
		return
	}
	mode := s.writeMode(r, user)
	s.mu.Lock()
	defer s.mu.Unlock()
	mode.access = s.accessFor(user)
	t, err := s.objectTable(rt.segments[1], mode.access)
	if err != nil {
		writeError(w, err)
		return
	}
	rec, created, err := s.store.upsert(t, rt.segments[2], rt.segments[3], body, mode, nil)
	if err != nil {
		if err.Status == http.StatusMultipleChoices {
			urls := make([]string, len(err.Fields))
			for i, id := range err.Fields {
				urls[i] = "/services/data/v" + rt.version + "/sobjects/" + t.obj.Name + "/" + id
			}
			writeJSON(w, http.StatusMultipleChoices, urls)
			return
		}
		writeError(w, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"id": rec.id, "success": true, "errors": []any{}, "created": created})
}

// collectionResult is one entry of an sObject Collections response.
type collectionResult struct {
	ID      string            `json:"id,omitempty"`
	Success bool              `json:"success"`
	Errors  []collectionError `json:"errors"`
	Created *bool             `json:"created,omitempty"`
}

type collectionError struct {
	StatusCode string   `json:"statusCode"`
	Message    string   `json:"message"`
	Fields     []string `json:"fields"`
}

func failed(id string, e *Error) collectionResult {
	fields := e.Fields
	if fields == nil {
		fields = []string{}
	}
	return collectionResult{ID: id, Errors: []collectionError{{StatusCode: e.Code, Message: e.Message, Fields: fields}}}
}

func tooMany() *Error {
	return apiError(http.StatusBadRequest, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than %d records into this call", maxCollection)
}

// handleCollections serves collections create (POST), update (PATCH) and
// upsert (PATCH .../{SObject}/{ExtIdField}).
func (s *restAPI) handleCollections(w http.ResponseWriter, r *http.Request, rt route, user string) {
	var body struct {
		AllOrNone bool             `json:"allOrNone"`
		Records   []map[string]any `json:"records"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		writeError(w, err)
		return
	}
	if len(body.Records) > maxCollection {
		writeError(w, tooMany())
		return
	}
	mode := s.writeMode(r, user)
	s.mu.Lock()
	defer s.mu.Unlock()
	mode.access = s.accessFor(user)
	var upsertTable *table
	if rt.op == OpCollectionsUpsert {
		t, err := s.objectTable(rt.segments[2], mode.access)
		if err != nil {
			writeError(w, err)
			return
		}
		if f, ok := t.obj.Field(rt.segments[3]); !ok || !f.ExternalID || !mode.access.readsField(t.obj, f) {
			writeError(w, fieldError(http.StatusBadRequest, "INVALID_FIELD", []string{rt.segments[3]},
				"Field name provided, %s is not an External ID or indexed field for %s", clip(rt.segments[3]), t.obj.Name))
			return
		}
		upsertTable = t
	}
	dupKeys := map[string]int{}
	if upsertTable != nil {
		for _, rec := range body.Records {
			if v, ok := lookupKey(rec, rt.segments[3]); ok {
				if sv, ok := v.(string); ok {
					dupKeys[sv]++
				}
			}
		}
	}
	x := &tx{}
	results := make([]collectionResult, len(body.Records))
	anyFailed := false
	children := map[string]int{} // parent id -> records of the call under it
	for i, rec := range body.Records {
		if ferr := s.contention(rt, rec, mode.access, children); ferr != nil {
			id := ""
			if rt.op == OpCollectionsUpdate {
				id, _ = lookupString(rec, "Id")
			}
			results[i] = failed(id, ferr)
		} else {
			results[i] = s.collectionRecord(rt, rec, upsertTable, dupKeys, mode, x)
		}
		anyFailed = anyFailed || !results[i].Success
		if anyFailed && body.AllOrNone {
			break
		}
	}
	if anyFailed && body.AllOrNone {
		x.rollback()
		for i := range results {
			if results[i].Success || len(results[i].Errors) == 0 {
				id := results[i].ID
				if rt.op == OpCollectionsCreate {
					id = ""
				}
				results[i] = failed(id, apiError(http.StatusBadRequest, "ALL_OR_NONE_OPERATION_ROLLED_BACK",
					"Record rolled back because not all records were valid and the request was using AllOrNone header"))
			}
		}
	}
	writeJSON(w, http.StatusOK, results)
}

func (s *restAPI) collectionRecord(rt route, rec map[string]any, upsertTable *table, dupKeys map[string]int, mode writeMode, x *tx) collectionResult {
	typ := ""
	if attrs, ok := rec["attributes"].(map[string]any); ok {
		typ, _ = attrs["type"].(string)
	}
	if typ == "" {
		return failed("", apiError(http.StatusBadRequest, "INVALID_TYPE", "sObject type not specified in the attributes of a record"))
	}
	t, err := s.objectTable(typ, mode.access)
	if err != nil {
		return failed("", apiError(http.StatusBadRequest, "INVALID_TYPE", "sObject type '%s' is not supported", clip(typ)))
	}
	switch rt.op {
	case OpCollectionsCreate:
		if _, hasID := lookupKey(rec, "Id"); hasID {
			return failed("", apiError(http.StatusBadRequest, "INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call"))
		}
		r, err := s.store.create(t, rec, mode, x)
		if err != nil {
			return failed("", err)
		}
		return collectionResult{ID: r.id, Success: true, Errors: []collectionError{}}
	case OpCollectionsUpdate:
		rawID, _ := lookupKey(rec, "Id")
		id, _ := rawID.(string)
		if id == "" {
			return failed("", apiError(http.StatusBadRequest, "MISSING_ARGUMENT", "Id not specified in an update call"))
		}
		r, err := s.store.get(t, id)
		if err != nil {
			return failed(id, apiError(http.StatusBadRequest, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"))
		}
		rest := make(map[string]any, len(rec))
		for k, v := range rec {
			rest[k] = v
		}
		deleteKey(rest, "Id")
		if err := s.store.update(t, r, rest, mode, x); err != nil {
			return failed(r.id, err)
		}
		return collectionResult{ID: r.id, Success: true, Errors: []collectionError{}}
	default: // upsert
		if t != upsertTable {
			return failed("", apiError(http.StatusBadRequest, "INVALID_TYPE", "all records of an upsert collection must be of type %s", upsertTable.obj.Name))
		}
		raw, _ := lookupKey(rec, rt.segments[3])
		value, _ := raw.(string)
		if value == "" {
			return failed("", fieldError(http.StatusBadRequest, "MISSING_ARGUMENT", []string{rt.segments[3]}, "%s not specified", clip(rt.segments[3])))
		}
		if dupKeys[value] > 1 {
			return failed("", apiError(http.StatusBadRequest, "DUPLICATE_EXTERNAL_ID", "Duplicate external id specified: %s", clip(value)))
		}
		r, created, err := s.store.upsert(t, rt.segments[3], value, rec, mode, x)
		if err != nil {
			return failed("", err)
		}
		return collectionResult{ID: r.id, Success: true, Errors: []collectionError{}, Created: &created}
	}
}

// contention returns the error of a record of a collections create,
// update or upsert call that cannot be written because of a lock: a
// per-record fault naming it, or its parent held by the rows of the call
// before it (SetParentLockLimit); children counts those rows by parent. The
// caller holds s.mu.
func (s *restAPI) contention(rt route, rec map[string]any, a *access, children map[string]int) *Error {
	typ := ""
	if attrs, ok := rec["attributes"].(map[string]any); ok {
		typ, _ = attrs["type"].(string)
	}
	t, terr := s.objectTable(typ, a)
	id, _ := lookupString(rec, "Id")
	var existing *record
	switch {
	case terr != nil:
		// collectionRecord refuses the record
	case rt.op == OpCollectionsUpdate:
		existing, _ = s.store.get(t, id)
	case rt.op == OpCollectionsUpsert:
		if f, ok := t.obj.Field(rt.segments[3]); ok {
			if v, _ := lookupString(rec, f.Name); v != "" {
				if m := s.store.byExternalID(t, f, v); len(m) == 1 {
					existing = m[0]
				}
			}
		}
	}
	keys := []string{id}
	if rt.op == OpCollectionsUpsert {
		ext, _ := lookupString(rec, rt.segments[3])
		keys = append(keys, ext)
	}
	if existing != nil {
		keys = append(keys, existing.id)
	}
	if err := s.recordFault(rt.op, keys...); err != nil || t == nil || t.obj.Parent == "" {
		return err
	}
	parent, given := lookupString(rec, t.obj.Parent)
	if !given && existing != nil {
		parent, _ = existing.fields[t.obj.Parent].(string)
	}
	return s.parentLock(parent, children)
}

// deleteContention is contention for a record a collections delete call
// removes. The caller holds s.mu.
func (s *restAPI) deleteContention(t *table, rec *record, children map[string]int) *Error {
	if err := s.recordFault(OpCollectionsDelete, rec.id); err != nil || t.obj.Parent == "" {
		return err
	}
	parent, _ := rec.fields[t.obj.Parent].(string)
	return s.parentLock(parent, children)
}

// parentLock counts one more row of the call under parent and returns the
// lock error once they exceed the parent lock limit. The caller holds s.mu.
func (s *restAPI) parentLock(parent string, children map[string]int) *Error {
	full, ok := sfid.Normalize(parent)
	if s.lockLimit == 0 || !ok {
		return nil
	}
	children[full]++
	if children[full] > s.lockLimit {
		return lockedParent(full)
	}
	return nil
}

func (s *restAPI) handleCollectionsDelete(w http.ResponseWriter, r *http.Request, _ route, user string) {
	ids := strings.Split(r.URL.Query().Get("ids"), ",")
	if len(ids) == 1 && ids[0] == "" {
		writeError(w, apiError(http.StatusBadRequest, "MISSING_ARGUMENT", "ids not specified"))
		return
	}
	if len(ids) > maxCollection {
		writeError(w, tooMany())
		return
	}
	allOrNone, _ := strconv.ParseBool(r.URL.Query().Get("allOrNone"))
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accessFor(user)
	x := &tx{}
	results := make([]collectionResult, len(ids))
	anyFailed := false
	children := map[string]int{}
	for i, id := range ids {
		t, rec := s.store.recordByID(id)
		switch {
		case rec == nil:
			results[i] = failed(id, apiError(http.StatusBadRequest, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"))
		case !a.object(t.obj).Read:
			results[i] = failed(rec.id, errReadOnly())
		case rec.deleted:
			results[i] = failed(rec.id, apiError(http.StatusBadRequest, "ENTITY_IS_DELETED", "entity is deleted"))
		default:
			if err := s.deleteContention(t, rec, children); err != nil {
				results[i] = failed(rec.id, err)
				break
			}
			if err := s.checkDelete(a, t, rec); err != nil {
				results[i] = failed(rec.id, err)
				break
			}
			if err := s.store.remove(t, rec, writeMode{actor: user, origin: changeOrigin(r)}, x); err != nil {
				results[i] = failed(rec.id, err)
			} else {
				results[i] = collectionResult{ID: rec.id, Success: true, Errors: []collectionError{}}
			}
		}
		anyFailed = anyFailed || !results[i].Success
	}
	if anyFailed && allOrNone {
		x.rollback()
		for i := range results {
			if results[i].Success {
				results[i] = failed(results[i].ID, apiError(http.StatusBadRequest, "ALL_OR_NONE_OPERATION_ROLLED_BACK",
					"Record rolled back because not all records were valid and the request was using AllOrNone header"))
			}
		}
	}
	writeJSON(w, http.StatusOK, results)
}

// handleDescribeGlobal lists the objects the caller can read, with what its
// object permissions let it do.
func (s *restAPI) handleDescribeGlobal(w http.ResponseWriter, _ *http.Request, rt route, user string) {
	s.mu.Lock()
	a := s.accessFor(user)
	s.mu.Unlock()
	var objs []map[string]any
	for _, name := range s.schema.Objects() {
		o, _ := s.schema.Object(name)
		p := a.object(o)
		if !p.Read {
			continue
		}
		objs = append(objs, map[string]any{
			"name": o.Name, "label": o.Label, "keyPrefix": o.KeyPrefix, "custom": o.Custom,
			"queryable": true, "createable": p.Create, "updateable": p.Edit, "deletable": p.Delete,
			"urls": map[string]string{"sobject": "/services/data/v" + rt.version + "/sobjects/" + o.Name},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"encoding": "UTF-8", "maxBatchSize": maxCollection, "sobjects": objs})
}

// handleDescribe describes an object as the caller sees it: fields hidden
// by field-level security are left out, and createable/updateable say what
// the caller may write (as a real org's describe does).
func (s *restAPI) handleDescribe(w http.ResponseWriter, _ *http.Request, rt route, user string) {
	s.mu.Lock()
	a := s.accessFor(user)
	s.mu.Unlock()
	o, ok := s.schema.Object(rt.segments[1])
	if !ok || !a.object(o).Read {
		writeError(w, notFound())
		return
	}
	p := a.object(o)
	fields := make([]map[string]any, 0, len(o.Fields()))
	for _, f := range o.Fields() {
		if !a.readsField(o, f) {
			continue
		}
		refs := []string{}
		relName := any(nil)
		if f.Type == metadata.TypeReference {
			refs = []string{f.ReferenceTo}
			if f.Name == "OwnerId" {
				refs = []string{"Group", "User"}
			}
			relName = relationshipName(f)
		}
		values := []map[string]any{}
		for _, v := range f.Picklist {
			values = append(values, map[string]any{"value": v, "label": v, "active": true, "defaultValue": v == f.Default})
		}
		fields = append(fields, map[string]any{
			"name": f.Name, "label": f.Label, "type": f.Type, "length": f.Length, "custom": f.Custom,
			"nillable":   !f.Required && f.Type != metadata.TypeBoolean && f.Type != metadata.TypeID,
			"createable": f.Createable && p.Create && a.editsField(o, f), "updateable": f.Updateable && p.Edit && a.editsField(o, f),
			"externalId": f.ExternalID, "unique": f.Unique, "caseSensitive": f.CaseSensitive, "permissionable": f.Permissionable,
			"idLookup": f.ExternalID || f.Type == metadata.TypeID, "defaultedOnCreate": f.Default != "" || !f.Createable,
			"referenceTo": refs, "relationshipName": relName, "picklistValues": values,
			"restrictedPicklist": f.Restricted, "filterable": f.Filterable, "sortable": f.Filterable,
		})
	}
	if len(rt.segments) == 2 {
		writeJSON(w, http.StatusOK, map[string]any{"objectDescribe": map[string]any{"name": o.Name, "label": o.Label, "keyPrefix": o.KeyPrefix, "custom": o.Custom}, "recentItems": []any{}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"name": o.Name, "label": o.Label, "keyPrefix": o.KeyPrefix, "custom": o.Custom,
		"queryable": true, "createable": p.Create, "updateable": p.Edit, "deletable": p.Delete, "fields": fields,
	})
}

// lookupString returns the string value of a member named name in any
// case; given reports whether the member is there at all.
func lookupString(body map[string]any, name string) (value string, given bool) {
	v, given := lookupKey(body, name)
	value, _ = v.(string)
	return value, given
}
