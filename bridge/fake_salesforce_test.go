package bridge

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/carebridge/carebridge/configs"
	"github.com/carebridge/carebridge/connectors/salesforce"
	"github.com/carebridge/carebridge/connectors/salesforce/metadata"
	"github.com/carebridge/carebridge/connectors/salesforce/sfid"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/internal/soqleval"
)

// The operations of fakeSalesforce, as its calls and faults name them: the
// methods of the Salesforce interface.
const (
	sfQuery   = "Query"
	sfUpsert  = "UpsertMany"
	sfUpdate  = "UpdateMany"
	sfCreate  = "CreateMany"
	sfDelete  = "DeleteMany"
	sfChanged = "Changed"
)

// sfCall is one call of fakeSalesforce, as it arrived and ended.
type sfCall struct {
	Op     string // sfQuery, sfUpsert, ...
	Object string
	// SOQL is the statement a Query or Changed ran ("" when the query did
	// not build).
	SOQL string
	// ExtField is the external id field of an upsert.
	ExtField string
	// Records are copies of the records a write sent.
	Records []Record
	// Results are what a write answered for each record.
	Results []WriteResult
	// Err is the error of the whole call.
	Err error
	// Lost: the call acted, then its answer was lost (Err says so).
	Lost bool
}

// fakeSalesforce is an in-process Salesforce for unit tests of the engine:
// it implements the Salesforce interface over records kept in memory.
//
//   - Objects are tables of records keyed by 18-character ids with the
//     object's key prefix (Case 500, CaseComment 00a, Task 00T, User 005,
//     Care_Message__c a0B, Care_Action__c a0A, as the shipped metadata
//     declares them; objects the schema lacks get a0X-style prefixes).
//   - Records hold values as the REST API returns them: strings (datetimes
//     as 2026-03-02T09:30:00.000+0000), float64, bool; a null field is
//     absent, and a write of nil or "" clears a field, as Salesforce stores
//     no empty text.
//   - Every write stamps SystemModstamp and LastModifiedDate (and
//     CreatedDate, CreatedById, OwnerId on create) from the clock, cut to the
//     whole second as a real org stamps: two writes within a second share a
//     stamp. API writes run as the integration user; insert and edit (the
//     test's own writes) as a Salesforce agent.
//   - With the shipped schema (the default) writes are checked as
//     Salesforce checks them: unknown fields (INVALID_FIELD), read-only
//     fields (INVALID_FIELD_FOR_INSERT_UPDATE), text longer than the field
//     (STRING_TOO_LONG), values outside a restricted picklist; Case
//     IsClosed follows Status and Task IsClosed follows Completed; checkbox
//     and picklist defaults are set on create.
//   - Query runs the reference evaluator (soqleval.Evaluator) over the live
//     records, with Care_Case_Id__c and Care_Message_Id__c compared
//     case-sensitively as the shipped metadata declares them, and returns
//     the selected fields only (Id too only when selected).
//   - Changed follows connectors/salesforce's Client.Changed: see Changed.
//
// Every call is recorded (calls, count); faults make calls fail before they
// act or lose their answer after they acted; rejectRecords fails single
// records. It is safe for concurrent use.
type fakeSalesforce struct {
	mu              sync.Mutex
	now             func() time.Time
	schema          *metadata.Schema // nil: any object and field, no checks
	objects         map[string]*fakeObject
	customPrefixes  int
	seq             uint64
	integrationUser string
	agentUser       string
	overlap         time.Duration
	caseSensitive   map[string]bool // lower-case "object.field"
	faults          faults
	recordHook      func(op, object string, rec Record) error
	log             []sfCall
}

type fakeObject struct {
	name    string
	prefix  string
	records []Record // in creation order, deleted ones included (IsDeleted true)
	byID    map[string]Record
}

var _ Salesforce = (*fakeSalesforce)(nil)

// shippedSchema is the Salesforce metadata carebridge ships, loaded once.
var shippedSchema = sync.OnceValues(func() (*metadata.Schema, error) {
	return metadata.Load(configs.SalesforceMetadata())
})

// newFakeSalesforce returns an empty org on the shipped schema with two
// users: the integration user (integration@carebridge.example, who makes
// every API write) and an agent (agent@carebridge.example, who makes
// insert's and edit's). now is the clock (nil: time.Now).
func newFakeSalesforce(now func() time.Time) *fakeSalesforce {
	if now == nil {
		now = time.Now
	}
	schema, err := shippedSchema()
	if err != nil {
		panic(fmt.Sprintf("fakeSalesforce: shipped metadata: %v", err))
	}
	f := &fakeSalesforce{
		now:     now,
		schema:  schema,
		objects: map[string]*fakeObject{},
		caseSensitive: map[string]bool{
			strings.ToLower("Case." + CareIDField):                true,
			strings.ToLower(MessageObject + "." + MessageIDField): true,
		},
	}
	f.integrationUser = f.addUser("integration@carebridge.example", true)
	f.agentUser = f.addUser("agent@carebridge.example", true)
	return f
}

// withoutSchema drops the field checks: any object and field is accepted.
func (f *fakeSalesforce) withoutSchema() *fakeSalesforce {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.schema = nil
	return f
}

// setOverlap sets the poll overlap Changed reads back from the watermark
// (0 by default).
func (f *fakeSalesforce) setOverlap(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.overlap = d
}

// --- failure injection ---

// failWith sets a hook asked first on every call; a non-nil error fails the
// call before it acts (nil clears the hook).
func (f *fakeSalesforce) failWith(hook func(op, object string) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.hook = hook
}

// failNext fails the next times calls of op on object (anyOp, anyTarget
// match all; times < 0: until clearFaults) with err before they act.
func (f *fakeSalesforce) failNext(op, object string, times int, err error) {
	if err == nil {
		err = sfUnavailable(op)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.add(fault{op: op, target: object, err: err, times: times})
}

// loseNext lets the next times writes of op on object act and then lose
// their answer: the call returns a retryable transport error, and each
// record's result carries it.
func (f *fakeSalesforce) loseNext(op, object string, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.add(fault{op: op, target: object, err: lostAnswer(salesforce.System, sfUpstreamOp(op)), times: times, lost: true})
}

// rejectRecords sets a hook asked for every record a write would apply; a
// non-nil error is that record's result (build it with sfErr for a
// classified one) and the record is not written. nil clears the hook.
func (f *fakeSalesforce) rejectRecords(hook func(op, object string, rec Record) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recordHook = hook
}

// clearFaults removes every fault and both hooks.
func (f *fakeSalesforce) clearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.clear()
	f.recordHook = nil
}

// sfErr is a Salesforce error with code as Salesforce reports it for a
// record or a call, classified as connectors/salesforce classifies it.
func sfErr(op, code, message string) *upstream.Error {
	class := upstream.Permanent
	switch code {
	case salesforce.CodeRequestLimitExceeded:
		class = upstream.Retryable
		if strings.Contains(message, "TotalRequests") {
			class = upstream.QuotaExhausted
		}
	case salesforce.CodeUnableToLockRow, salesforce.CodeServerUnavailable, salesforce.CodeAllOrNoneRolledBack:
		class = upstream.Retryable
	}
	return &upstream.Error{System: salesforce.System, Op: sfUpstreamOp(op), Class: class, Code: code, Message: message}
}

// sfQuotaExhausted is the refusal of a call once the org's daily API
// requests are spent.
func sfQuotaExhausted(op string) *upstream.Error {
	e := sfErr(op, salesforce.CodeRequestLimitExceeded, "TotalRequests Limit exceeded.")
	e.Status = 403
	return e
}

// sfUnavailable is a 503 from Salesforce: retryable.
func sfUnavailable(op string) *upstream.Error {
	e := sfErr(op, salesforce.CodeServerUnavailable, "Server temporarily unavailable.")
	e.Status = 503
	return e
}

// sfUpstreamOp is the connector's operation name of a fake call.
func sfUpstreamOp(op string) string {
	switch op {
	case sfQuery, sfChanged:
		return salesforce.OpQuery
	case sfUpsert:
		return salesforce.OpCollectionsUpsert
	case sfUpdate:
		return salesforce.OpCollectionsUpdate
	case sfCreate:
		return salesforce.OpCollectionsCreate
	case sfDelete:
		return salesforce.OpCollectionsDelete
	}
	return op
}

// --- call records ---

// calls returns every call so far, oldest first.
func (f *fakeSalesforce) calls() []sfCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

// count returns how many calls of op on object were made (anyOp,
// anyTarget: all).
func (f *fakeSalesforce) count(op, object string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.log {
		if (op == anyOp || c.Op == op) && (object == anyTarget || strings.EqualFold(c.Object, object)) {
			n++
		}
	}
	return n
}

// resetCalls forgets the calls made so far.
func (f *fakeSalesforce) resetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = nil
}

// --- the test's own access: seeding and inspection ---

// addUser creates an active or inactive User and returns its id.
func (f *fakeSalesforce) addUser(email string, active bool) string {
	name, _, _ := strings.Cut(email, "@")
	return f.insert("User", Record{"Username": email, "Email": email, "LastName": name, "IsActive": active})
}

// insert stores a record as a Salesforce agent creating it (unchecked,
// uncounted, never failed) and returns its id. System fields it carries
// (CreatedDate, SystemModstamp, CreatedById, ...) are kept.
func (f *fakeSalesforce) insert(object string, rec Record) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.object(object)
	r := f.createLocked(o, rec, f.agentUser)
	return r["Id"].(string)
}

// edit changes a record as a Salesforce agent would (unchecked, uncounted):
// nil or "" clears a field; the stamps move to the clock's second;
// LastModifiedById is the agent unless fields sets it. It panics when the
// record does not exist.
func (f *fakeSalesforce) edit(object, id string, fields Record) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.object(object)
	r, ok := o.byID[normalizeSFID(id)]
	if !ok {
		panic(fmt.Sprintf("fakeSalesforce.edit: no %s %s", object, id))
	}
	f.updateLocked(o, r, fields, f.agentUser)
}

// editAs changes fields of a record as the given user (e.g. a flow
// running as the integration user), not counted or failed.
func (f *fakeSalesforce) editAs(user, object, id string, fields Record) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.object(object)
	r, ok := o.byID[normalizeSFID(id)]
	if !ok {
		panic(fmt.Sprintf("fakeSalesforce.editAs: no %s %s", object, id))
	}
	f.updateLocked(o, r, fields, user)
}

// remove deletes a record (to the recycle bin: Query no longer sees it;
// updates fail with ENTITY_IS_DELETED).
func (f *fakeSalesforce) remove(object, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.object(object)
	r, ok := o.byID[normalizeSFID(id)]
	if !ok {
		panic(fmt.Sprintf("fakeSalesforce.remove: no %s %s", object, id))
	}
	r["IsDeleted"] = true
	r["SystemModstamp"] = f.stampLocked()
}

// record returns a copy of a record, deleted ones included.
func (f *fakeSalesforce) record(object, id string) (Record, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.object(object).byID[normalizeSFID(id)]
	return maps.Clone(r), ok
}

// records returns copies of the live records of object in creation order.
func (f *fakeSalesforce) records(object string) []Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Record
	for _, r := range f.object(object).records {
		if r["IsDeleted"] != true {
			out = append(out, maps.Clone(r))
		}
	}
	return out
}

// lookup returns a copy of the live record of object whose field is value
// (compared exactly).
func (f *fakeSalesforce) lookup(object, field string, value any) (Record, bool) {
	for _, r := range f.records(object) {
		if r[field] == value {
			return r, true
		}
	}
	return nil, false
}

// --- the Salesforce interface ---

// Query runs q through soql's reference evaluator over the live records.
func (f *fakeSalesforce) Query(ctx context.Context, q soql.Query) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	call := sfCall{Op: sfQuery, Object: q.Object()}
	recs, err := f.queryLocked(&call, q)
	call.Err = err
	f.log = append(f.log, call)
	return recs, err
}

func (f *fakeSalesforce) queryLocked(call *sfCall, q soql.Query) ([]Record, error) {
	text, err := q.Build()
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", q.Object(), &upstream.Error{System: salesforce.System, Op: salesforce.OpQuery, Class: upstream.Permanent, Err: err})
	}
	call.SOQL = text
	if err, _ := f.faults.pick(call.Op, q.Object()); err != nil {
		return nil, err
	}
	if f.schema != nil {
		obj, ok := f.schema.Object(q.Object())
		if !ok {
			return nil, sfErr(call.Op, "INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported.", q.Object()))
		}
		for _, name := range q.Parts().Fields {
			if _, ok := obj.Field(name); !ok && !strings.Contains(name, ".") {
				return nil, sfErr(call.Op, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'.", name, obj.Name))
			}
		}
	}
	rows, err := f.evaluator().Eval(q)
	if err != nil {
		return nil, sfErr(call.Op, salesforce.CodeMalformedQuery, err.Error())
	}
	// The evaluator adds Id; Salesforce returns the selected fields only.
	withID := selectsID(text)
	out := make([]Record, len(rows))
	for i, r := range rows {
		if !withID {
			delete(r, "Id")
		}
		out[i] = Record(r)
	}
	return out, nil
}

// selectsID reports whether a built SELECT statement selects Id.
func selectsID(text string) bool {
	list, _, _ := strings.Cut(strings.TrimPrefix(text, "SELECT "), " FROM ")
	for _, f := range strings.Split(list, ", ") {
		if strings.EqualFold(strings.TrimSpace(f), "Id") {
			return true
		}
	}
	return false
}

func (f *fakeSalesforce) evaluator() soqleval.Evaluator {
	return soqleval.Evaluator{
		Rows: func(object string) []map[string]any {
			o, ok := f.objects[strings.ToLower(object)]
			if !ok {
				return nil
			}
			return slices.Clone(o.records)
		},
		CaseSensitive: func(object, field string) bool { return f.caseSensitive[strings.ToLower(object+"."+field)] },
	}
}

// UpsertMany creates or updates each record by its extField value (matched
// exactly on a case-sensitive field, ignoring case on others). A value
// repeated within the call fails those records with DUPLICATE_EXTERNAL_ID,
// as Salesforce does.
func (f *fakeSalesforce) UpsertMany(ctx context.Context, object, extField string, recs []Record) ([]WriteResult, error) {
	return f.write(ctx, sfUpsert, object, extField, recs)
}

// UpsertManyThenQuery upserts recs and then runs read, as one Composite
// request does; the calls log shows its two parts, the upsert and the
// query.
func (f *fakeSalesforce) UpsertManyThenQuery(ctx context.Context, object, extField string, recs []Record, read soql.Query) (UpsertedAndRead, error) {
	res, err := f.UpsertMany(ctx, object, extField, recs)
	if err != nil {
		return UpsertedAndRead{Results: res}, err
	}
	rows, rerr := f.Query(ctx, read)
	return UpsertedAndRead{Results: res, Read: rows, ReadErr: rerr}, nil
}

// UpdateMany updates each record by its Id. An unknown id fails its record
// with INVALID_CROSS_REFERENCE_KEY, a deleted record with
// ENTITY_IS_DELETED (both permanent), as the Salesforce sandbox answers.
func (f *fakeSalesforce) UpdateMany(ctx context.Context, object string, recs []Record) ([]WriteResult, error) {
	return f.write(ctx, sfUpdate, object, "", recs)
}

// CreateMany creates each record.
func (f *fakeSalesforce) CreateMany(ctx context.Context, object string, recs []Record) ([]WriteResult, error) {
	return f.write(ctx, sfCreate, object, "", recs)
}

// DeleteMany deletes records by id to the recycle bin (Query no longer
// sees them), as sObject Collections delete does with allOrNone false: an
// unknown id fails its record with INVALID_CROSS_REFERENCE_KEY, a deleted
// one with ENTITY_IS_DELETED (both permanent). The call's object, for
// faults and calls, is the first record's.
func (f *fakeSalesforce) DeleteMany(ctx context.Context, ids []string) ([]WriteResult, error) {
	results := make([]WriteResult, len(ids))
	if err := ctx.Err(); err != nil {
		for i := range results {
			results[i].Err = err
		}
		return results, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	find := func(id string) (*fakeObject, Record) {
		for _, o := range f.objects {
			if r, ok := o.byID[normalizeSFID(id)]; ok {
				return o, r
			}
		}
		return nil, nil
	}
	call := sfCall{Op: sfDelete}
	if len(ids) > 0 {
		if o, _ := find(ids[0]); o != nil {
			call.Object = o.name
		}
	}
	for _, id := range ids {
		call.Records = append(call.Records, Record{"Id": id})
	}
	err, lost := f.faults.pick(sfDelete, call.Object)
	if err == nil || lost {
		for i, id := range ids {
			o, r := find(id)
			switch {
			case r == nil:
				results[i] = WriteResult{Err: sfErr(sfDelete, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")}
			case r["IsDeleted"] == true:
				results[i] = WriteResult{ID: r["Id"].(string), Err: sfErr(sfDelete, "ENTITY_IS_DELETED", "entity is deleted")}
			default:
				if f.recordHook != nil {
					if herr := f.recordHook(sfDelete, o.name, r); herr != nil {
						results[i] = WriteResult{Err: herr}
						continue
					}
				}
				r["IsDeleted"] = true
				r["SystemModstamp"] = f.stampLocked()
				results[i] = WriteResult{ID: r["Id"].(string)}
			}
		}
	}
	return f.endWriteLocked(call, results, err, lost)
}

// endWriteLocked ends a write call: a failed call (err) fails every record
// that has no error of its own, and every record when its answer was lost;
// the call is recorded.
func (f *fakeSalesforce) endWriteLocked(call sfCall, results []WriteResult, err error, lost bool) ([]WriteResult, error) {
	if err != nil {
		for i := range results {
			if lost || results[i].Err == nil {
				results[i] = WriteResult{Err: err}
			}
		}
	}
	call.Results, call.Err, call.Lost = slices.Clone(results), err, lost
	f.log = append(f.log, call)
	return results, err
}

func (f *fakeSalesforce) write(ctx context.Context, op, object, extField string, recs []Record) ([]WriteResult, error) {
	results := make([]WriteResult, len(recs))
	if err := ctx.Err(); err != nil {
		for i := range results {
			results[i].Err = err
		}
		return results, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	call := sfCall{Op: op, Object: object, ExtField: extField, Records: make([]Record, len(recs))}
	for i, r := range recs {
		call.Records[i] = maps.Clone(r)
	}
	err, lost := f.faults.pick(op, object)
	if err == nil || lost {
		err2 := f.writeLocked(op, object, extField, recs, results)
		if err == nil {
			err = err2
		}
	}
	return f.endWriteLocked(call, results, err, lost)
}

// writeLocked applies a write, filling results; the error is the whole
// call's.
func (f *fakeSalesforce) writeLocked(op, object, extField string, recs []Record, results []WriteResult) error {
	var obj *metadata.Object
	if f.schema != nil {
		var ok bool
		if obj, ok = f.schema.Object(object); !ok {
			return sfErr(op, "INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported.", object))
		}
		if op == sfUpsert {
			if fd, ok := obj.Field(extField); !ok || !fd.ExternalID {
				return sfErr(op, salesforce.CodeInvalidField, fmt.Sprintf("Field name provided, %s is not an External ID or indexed field for %s", extField, obj.Name))
			}
		}
	}
	o := f.object(object)
	dup := map[string]int{}
	if op == sfUpsert {
		for _, r := range recs {
			if s, ok := r[extField].(string); ok {
				dup[f.extKey(object, extField, s)]++
			}
		}
	}
	for i, r := range recs {
		label := fmt.Sprintf("%s %s record %d", sfUpstreamOp(op), object, i)
		fail := func(err error) { results[i] = WriteResult{Err: fmt.Errorf("%s: %w", label, err)} }
		if f.recordHook != nil {
			if err := f.recordHook(op, object, r); err != nil {
				fail(err)
				continue
			}
		}
		switch op {
		case sfCreate:
			if _, has := r["Id"]; has {
				fail(sfErr(op, "INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call"))
				continue
			}
			if err := f.check(op, obj, r, true); err != nil {
				fail(err)
				continue
			}
			created := f.createLocked(o, r, f.integrationUser)
			results[i] = WriteResult{ID: created["Id"].(string), Created: true}
		case sfUpdate:
			id, _ := r["Id"].(string)
			if !salesforce.ValidID(id) {
				fail(&upstream.Error{System: salesforce.System, Op: sfUpstreamOp(op), Class: upstream.Permanent, Message: "record without a valid Id"})
				continue
			}
			cur, ok := o.byID[normalizeSFID(id)]
			switch {
			case !ok:
				fail(sfErr(op, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"))
				continue
			case cur["IsDeleted"] == true:
				fail(sfErr(op, salesforce.CodeEntityIsDeleted, "entity is deleted"))
				continue
			}
			rest := maps.Clone(r)
			delete(rest, "Id")
			if err := f.check(op, obj, rest, false); err != nil {
				fail(err)
				continue
			}
			f.updateLocked(o, cur, rest, f.integrationUser)
			results[i] = WriteResult{ID: cur["Id"].(string)}
		case sfUpsert:
			value, _ := r[extField].(string)
			if value == "" {
				fail(&upstream.Error{System: salesforce.System, Op: sfUpstreamOp(op), Class: upstream.Permanent, Message: "record without " + extField})
				continue
			}
			if dup[f.extKey(object, extField, value)] > 1 {
				fail(sfErr(op, "DUPLICATE_EXTERNAL_ID", "Duplicate external id specified: "+value))
				continue
			}
			var cur Record
			for _, c := range o.records {
				if c["IsDeleted"] != true && c[extField] != nil && f.extKey(object, extField, fmt.Sprint(c[extField])) == f.extKey(object, extField, value) {
					cur = c
					break
				}
			}
			if err := f.check(op, obj, r, cur == nil); err != nil {
				fail(err)
				continue
			}
			if cur == nil {
				created := f.createLocked(o, r, f.integrationUser)
				results[i] = WriteResult{ID: created["Id"].(string), Created: true}
				continue
			}
			rest := maps.Clone(r)
			delete(rest, extField)
			f.updateLocked(o, cur, rest, f.integrationUser)
			results[i] = WriteResult{ID: cur["Id"].(string)}
		}
	}
	return nil
}

// extKey is how an external id value matches: exactly on a case-sensitive
// field, ignoring case on others.
func (f *fakeSalesforce) extKey(object, field, value string) string {
	if f.caseSensitive[strings.ToLower(object+"."+field)] {
		return value
	}
	return strings.ToLower(value)
}

// check refuses what Salesforce refuses in a record's fields. obj is nil
// without a schema.
func (f *fakeSalesforce) check(op string, obj *metadata.Object, r Record, create bool) error {
	if obj == nil {
		return nil
	}
	if create {
		for _, fd := range obj.Fields() {
			if fd.Required && fd.Default == "" && emptyValue(r[fd.Name]) {
				return sfErr(op, "REQUIRED_FIELD_MISSING", fmt.Sprintf("Required fields are missing: [%s]", fd.Name))
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(r)) {
		fd, ok := obj.Field(name)
		if !ok {
			return sfErr(op, salesforce.CodeInvalidField, fmt.Sprintf("No such column '%s' on sobject of type %s", name, obj.Name))
		}
		if fd.Type == metadata.TypeID || fd.Name == "IsDeleted" || (obj.Name == "Case" && fd.Name == "IsClosed") ||
			(create && !fd.Createable) || (!create && !fd.Updateable) {
			return sfErr(op, "INVALID_FIELD_FOR_INSERT_UPDATE", fmt.Sprintf("Unable to create/update fields: %s. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", fd.Name))
		}
		s, isText := r[name].(string)
		if !isText || s == "" {
			continue
		}
		if fd.Type == metadata.TypeReference {
			if !f.liveRecord(s, fd) {
				return sfErr(op, "INVALID_CROSS_REFERENCE_KEY", fmt.Sprintf("%s: id value of incorrect type or no such record: %s", fd.Name, s))
			}
			continue
		}
		if fd.Length > 0 && fd.Type != metadata.TypeReference && len(utf16.Encode([]rune(s))) > fd.Length {
			return sfErr(op, "STRING_TOO_LONG", fmt.Sprintf("%s: data value too large (max length=%d)", fd.Name, fd.Length))
		}
		if fd.Type == metadata.TypePicklist && fd.Restricted && len(fd.Picklist) > 0 && !slices.Contains(fd.Picklist, s) {
			return sfErr(op, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", fmt.Sprintf("%s: bad value for restricted picklist field: %s", fd.Label, s))
		}
	}
	return nil
}

// liveRecord reports whether id is a live record a reference field may
// point at (OwnerId: a User or a queue).
func (f *fakeSalesforce) liveRecord(id string, fd metadata.Field) bool {
	targets := []string{fd.ReferenceTo}
	if fd.Name == "OwnerId" {
		targets = []string{"User", "Group"}
	}
	for _, t := range targets {
		if o, ok := f.objects[strings.ToLower(t)]; ok {
			if r, ok := o.byID[normalizeSFID(id)]; ok && r["IsDeleted"] != true {
				return true
			}
		}
	}
	return false
}

// object returns the table of object, creating it on first use.
func (f *fakeSalesforce) object(name string) *fakeObject {
	key := strings.ToLower(name)
	if o, ok := f.objects[key]; ok {
		return o
	}
	o := &fakeObject{name: name, byID: map[string]Record{}}
	if f.schema != nil {
		if so, ok := f.schema.Object(name); ok {
			o.name, o.prefix = so.Name, so.KeyPrefix
		}
	}
	if o.prefix == "" {
		switch key {
		case "case":
			o.prefix = "500"
		case "casecomment":
			o.prefix = "00a"
		case "task":
			o.prefix = "00T"
		case "user":
			o.prefix = "005"
		default:
			// Custom objects get a0 and a letter from X on, as an org hands
			// out key prefixes (a0X, a0Y, ...).
			o.prefix = "a0" + string(rune('X'+f.customPrefixes%3)) // X, Y, Z
			if f.customPrefixes >= 3 {
				o.prefix = "a1" + string(rune('A'+f.customPrefixes-3))
			}
			f.customPrefixes++
		}
	}
	f.objects[key] = o
	return o
}

// stampLocked is the clock's time as Salesforce stamps a write: whole
// seconds, in the REST API's datetime form.
func (f *fakeSalesforce) stampLocked() string {
	return salesforce.FormatTime(f.now().UTC().Truncate(time.Second))
}

// createLocked stores a new record written by actor.
func (f *fakeSalesforce) createLocked(o *fakeObject, rec Record, actor string) Record {
	f.seq++
	id := newSFID(o.prefix, f.seq)
	r := Record{}
	for k, v := range rec {
		if !emptyValue(v) {
			r[k] = v
		}
	}
	r["Id"] = id
	r["IsDeleted"] = false
	stamp := f.stampLocked()
	for _, name := range []string{"CreatedDate", "LastModifiedDate", "SystemModstamp"} {
		if _, set := r[name]; !set {
			r[name] = stamp
		}
	}
	for _, name := range []string{"CreatedById", "LastModifiedById"} {
		if _, set := r[name]; !set && actor != "" {
			r[name] = actor
		}
	}
	if f.schema != nil {
		if so, ok := f.schema.Object(o.name); ok {
			for _, fd := range so.Fields() {
				if _, set := r[fd.Name]; set {
					continue
				}
				switch {
				case fd.Name == "OwnerId" && actor != "":
					r[fd.Name] = actor
				case fd.Type == metadata.TypeBoolean && fd.Name != "IsClosed":
					r[fd.Name] = fd.Default == "true"
				case fd.Default != "" && fd.Type != metadata.TypeBoolean:
					r[fd.Name] = fd.Default
				}
			}
		}
	}
	f.derive(o, r, nil)
	o.records = append(o.records, r)
	o.byID[id] = r
	return r
}

// updateLocked applies fields to r as actor.
func (f *fakeSalesforce) updateLocked(o *fakeObject, r, fields Record, actor string) {
	before := maps.Clone(r)
	for k, v := range fields {
		if emptyValue(v) {
			delete(r, k)
		} else {
			r[k] = v
		}
	}
	stamp := f.stampLocked()
	r["LastModifiedDate"], r["SystemModstamp"] = stamp, stamp
	if _, set := fields["LastModifiedById"]; !set && actor != "" {
		r["LastModifiedById"] = actor
	}
	f.derive(o, r, before)
}

// derive maintains the fields Salesforce computes.
func (f *fakeSalesforce) derive(o *fakeObject, r, before Record) {
	switch strings.ToLower(o.name) {
	case "case":
		closed := false
		if f.schema != nil {
			for _, cs := range f.schema.CaseStatuses() {
				if cs.Label == r["Status"] {
					closed = cs.IsClosed
				}
			}
		} else {
			closed = r["Status"] == "Closed"
		}
		wasClosed := before != nil && before["IsClosed"] == true
		r["IsClosed"] = closed
		switch {
		case closed && !wasClosed:
			r["ClosedDate"] = r["SystemModstamp"]
		case !closed:
			delete(r, "ClosedDate")
		}
	case "task":
		r["IsClosed"] = r["Status"] == "Completed"
	}
}

func emptyValue(v any) bool {
	s, isString := v.(string)
	return v == nil || (isString && s == "")
}

// Changed follows connectors/salesforce's Client.Changed (and the daemon's
// adapter) over the fake's records: the watermark is the JSON of a
// salesforce.Watermark ("" or a damaged one reads every record). It
// selects Id, SystemModstamp and fields from object where SystemModstamp >=
// the watermark's time minus the overlap (0 unless setOverlap; the bound
// cut to the second, as SOQL datetimes are) and where holds, oldest first
// (SystemModstamp, Id); it leaves out the record versions the watermark has
// seen (same stamp and same selected values), so a record written again
// within the same second as the last poll is returned again only when a
// selected value changed. The new watermark holds the highest stamp seen
// and the versions within the overlap before it. One call of Query's kind
// per poll.
func (f *fakeSalesforce) Changed(ctx context.Context, object string, fields []string, where soql.Cond, watermark string) ([]Record, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, watermark, err
	}
	var wm salesforce.Watermark
	if watermark != "" && json.Unmarshal([]byte(watermark), &wm) != nil {
		wm = salesforce.Watermark{}
	}
	sel := []string{"Id", "SystemModstamp"}
	for _, fd := range fields {
		if !slices.Contains(sel, fd) {
			sel = append(sel, fd)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var conds []soql.Cond
	if !wm.Time.IsZero() {
		conds = append(conds, soql.Ge("SystemModstamp", wm.Time.Add(-f.overlap).UTC().Truncate(time.Second)))
	}
	if where != nil {
		conds = append(conds, where)
	}
	q := soql.Select(sel...).From(object).OrderBy("SystemModstamp", "Id")
	if len(conds) > 0 {
		q = q.Where(soql.And(conds...))
	}
	call := sfCall{Op: sfChanged, Object: object}
	rows, err := f.queryLocked(&call, q)
	call.Err = err
	f.log = append(f.log, call)
	if err != nil {
		return nil, watermark, err
	}
	next := salesforce.Watermark{Time: wm.Time, Seen: maps.Clone(wm.Seen), Values: maps.Clone(wm.Values)}
	if next.Seen == nil {
		next.Seen = map[string]time.Time{}
	}
	if next.Values == nil {
		next.Values = map[string]string{}
	}
	var out []Record
	for _, r := range rows {
		mod, err := salesforce.Record(r).Time("SystemModstamp")
		if err != nil || mod.IsZero() {
			return nil, watermark, &upstream.Error{System: salesforce.System, Op: salesforce.OpQuery, Class: upstream.Permanent,
				Message: fmt.Sprintf("changed %s %v: bad SystemModstamp", object, r["Id"])}
		}
		if !wm.Time.IsZero() && mod.Before(wm.Time.Add(-f.overlap)) {
			continue
		}
		id, _ := r["Id"].(string)
		digest := salesforce.ValuesDigest(salesforce.Record(r), sel)
		if seen, ok := wm.Seen[id]; ok && seen.Equal(mod) && wm.Values[id] == digest {
			continue
		}
		out = append(out, r)
		next.Seen[id], next.Values[id] = mod, digest
		if mod.After(next.Time) {
			next.Time = mod
		}
	}
	cutoff := next.Time.Add(-f.overlap)
	for id, t := range next.Seen {
		if t.Before(cutoff) {
			delete(next.Seen, id)
			delete(next.Values, id)
		}
	}
	b, err := json.Marshal(next)
	if err != nil {
		return nil, watermark, upstream.MarkPermanent(err)
	}
	return out, string(b), nil
}

// newSFID builds an 18-character id: the key prefix, a pod ("Fk"), ten
// base-62 digits of seq, and the case-safe checksum.
func newSFID(prefix string, seq uint64) string { return sfid.New(prefix, "Fk", seq) }

// normalizeSFID returns the 18-character form of a 15- or 18-character id
// (others as they are).
func normalizeSFID(id string) string {
	if len(id) == 15 || len(id) == 18 {
		return sfid.To18(id[:15])
	}
	return id
}
