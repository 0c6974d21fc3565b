package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// MaxCollectionSize is the most records one sObject Collections call takes.
const MaxCollectionSize = 200

// MaxCompositeCollections is the most sObject Collections subrequests (and
// queries) one Composite request may hold: a write of up to 1,000 records
// is one API call.
const MaxCompositeCollections = 5

// Result is the outcome of one record of a batched write, in the caller's
// order.
type Result struct {
	ID      string
	Created bool
	Err     error // classified (*upstream.Error inside), nil on success
}

type collectionRequest struct {
	AllOrNone bool             `json:"allOrNone"`
	Records   []map[string]any `json:"records"`
}

type collectionResult struct {
	ID      string     `json:"id"`
	Success bool       `json:"success"`
	Created bool       `json:"created"`
	Errors  []apiError `json:"errors"`
	// invalid says what was wrong with a result that is not a result
	// object ("" when it is one).
	invalid string
}

// collections is the Client's part for batched writes through sObject
// Collections; Client embeds it, so its methods are the Client's.
type collections struct{ c *Client }

// CreateMany inserts records through sObject Collections, in calls of at
// most MaxCollectionSize records. Every record gets a Result in the
// caller's order; the error is non-nil when a whole call failed (its
// records, and those not attempted after it, carry that error too).
func (w collections) CreateMany(ctx context.Context, object string, records []Record) ([]Result, error) {
	return w.writeMany(ctx, OpCollectionsCreate, object, "", records)
}

// UpdateMany updates records (each with its Id) through sObject
// Collections; see CreateMany for the results.
func (w collections) UpdateMany(ctx context.Context, object string, records []Record) ([]Result, error) {
	return w.writeMany(ctx, OpCollectionsUpdate, object, "", records)
}

// UpsertMany upserts records by the external id field extField (each
// record carries its value) through sObject Collections; see CreateMany
// for the results.
func (w collections) UpsertMany(ctx context.Context, object, extField string, records []Record) ([]Result, error) {
	return w.writeMany(ctx, OpCollectionsUpsert, object, extField, records)
}

// DeleteMany deletes records by id through sObject Collections (DELETE
// composite/sobjects?ids=..., allOrNone false), in calls of at most
// MaxCollectionSize ids. Deleted records go to the org's Recycle Bin, as a
// delete in the UI does. Every id gets a Result in the caller's order; an
// id that is not a valid Salesforce id gets its error without being sent;
// a record already deleted is reported as Salesforce reports it
// (ENTITY_IS_DELETED). The error is non-nil when a whole call failed, as
// in CreateMany.
func (w collections) DeleteMany(ctx context.Context, ids []string) ([]Result, error) {
	const op = OpCollectionsDelete
	results := make([]Result, len(ids))
	var send []int
	for i, id := range ids {
		if !ValidID(id) {
			results[i].Err = fmt.Errorf("%s record %d: %w", op, i, localError(op, fmt.Errorf("invalid id %q", id)))
			continue
		}
		send = append(send, i)
	}
	for start := 0; start < len(send); start += MaxCollectionSize {
		chunk := send[start:min(start+MaxCollectionSize, len(send))]
		list := make([]string, len(chunk))
		for j, i := range chunk {
			list[j] = ids[i]
		}
		q := url.Values{"ids": {strings.Join(list, ",")}, "allOrNone": {"false"}}
		raw, _, err := w.c.restRaw(ctx, op, http.MethodDelete, w.c.path("composite/sobjects")+"?"+q.Encode(), nil)
		var out []collectionResult
		if err == nil {
			out, err = parseCollectionResults(op, raw, len(chunk))
		}
		if err != nil {
			err = fmt.Errorf("%s records %d-%d: %w", op, start+1, start+len(chunk), err)
			for _, i := range send[start:] {
				results[i].Err = err
			}
			return results, err
		}
		for j, i := range chunk {
			results[i] = w.recordResult(op, "sObject", "", i, Record{"Id": ids[i]}, out[j])
		}
	}
	return results, nil
}

func (w collections) writeMany(ctx context.Context, op, object, extField string, records []Record) ([]Result, error) {
	results := make([]Result, len(records))
	if !soql.ValidName(object) {
		return results, fmt.Errorf("%s %s: %w", op, object, localError(op, fmt.Errorf("invalid object name %q", object)))
	}
	if op == OpCollectionsUpsert && (!soql.ValidName(extField) || strings.Contains(extField, ".")) {
		return results, fmt.Errorf("%s %s: %w", op, object, localError(op, fmt.Errorf("invalid external id field name %q", extField)))
	}
	send := w.sendable(op, object, extField, records, results)
	method, path := http.MethodPost, w.c.path("composite/sobjects")
	switch op {
	case OpCollectionsUpdate:
		method = http.MethodPatch
	case OpCollectionsUpsert:
		method, path = http.MethodPatch, w.c.path("composite/sobjects/%s/%s", object, extField)
	}
	request := func(chunk []int) collectionRequest { return collectionBody(object, records, chunk) }
	// Up to MaxCompositeCollections chunks of MaxCollectionSize go in one
	// call: one chunk as a collections request, more as a Composite
	// request of collections subrequests.
	const group = MaxCollectionSize * MaxCompositeCollections
	for start := 0; start < len(send); start += group {
		var chunks [][]int
		for c := start; c < min(start+group, len(send)); c += MaxCollectionSize {
			chunks = append(chunks, send[c:min(c+MaxCollectionSize, len(send))])
		}
		var answers [][]byte
		var callErr error // the error of the first chunk not in answers
		if len(chunks) == 1 {
			var raw []byte
			if raw, _, callErr = w.c.restRaw(ctx, op, method, path, request(chunks[0])); callErr == nil {
				answers = [][]byte{raw}
			}
		} else {
			answers, callErr = w.compositeCollections(ctx, op, method, path, chunks, request)
		}
		at := start
		for k, chunk := range chunks {
			var out []collectionResult
			err := callErr
			if k < len(answers) {
				out, err = parseCollectionResults(op, answers[k], len(chunk))
			}
			if err != nil {
				err = fmt.Errorf("%s %s records %d-%d: %w", op, object, at+1, at+len(chunk), err)
				for _, i := range send[at:] {
					results[i].Err = err
				}
				return results, err
			}
			for j, i := range chunk {
				results[i] = w.recordResult(op, object, extField, i, records[i], out[j])
			}
			at += len(chunk)
		}
	}
	return results, nil
}

// compositeCollections sends one collections request per chunk as the
// subrequests of one Composite request (one API call) and returns their
// answers; a subrequest's failure is the error, after the answers of the
// chunks before it.
func (w collections) compositeCollections(ctx context.Context, op, method, path string, chunks [][]int, request func([]int) collectionRequest) ([][]byte, error) {
	subs := make([]compositeSubrequest, len(chunks))
	for k, chunk := range chunks {
		subs[k] = compositeSubrequest{Method: method, URL: "/" + path, ReferenceID: fmt.Sprintf("chunk%d", k), Body: request(chunk), HTTPHeaders: subrequestHeaders()}
	}
	answers, err := w.composite(ctx, subs)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, 0, len(answers))
	for _, a := range answers {
		if err := subrequestError(op, a); err != nil {
			return out, err
		}
		out = append(out, a.Body)
	}
	return out, nil
}

// sendable returns the indexes of the records that can be sent; the others
// get their error in results.
func (w collections) sendable(op, object, extField string, records []Record, results []Result) []int {
	var send []int
	for i, r := range records {
		if err := w.checkBatchRecord(op, extField, r); err != nil {
			results[i].Err = fmt.Errorf("%s: %w", w.recordLabel(op, object, extField, i, r), localError(op, err))
			continue
		}
		send = append(send, i)
	}
	return send
}

// collectionBody is the collections request of records[chunk...].
func collectionBody(object string, records []Record, chunk []int) collectionRequest {
	req := collectionRequest{Records: make([]map[string]any, len(chunk))}
	for j, i := range chunk {
		body := make(map[string]any, len(records[i])+1)
		for k, v := range records[i] {
			body[k] = v
		}
		body["attributes"] = map[string]string{"type": object}
		req.Records[j] = body
	}
	return req
}

func (w collections) checkBatchRecord(op, extField string, r Record) error {
	switch op {
	case OpCollectionsUpdate:
		if !ValidID(r.ID()) {
			return errors.New("record without a valid Id")
		}
	case OpCollectionsUpsert:
		switch v := r[extField].(type) {
		case string:
			if v == "" {
				return fmt.Errorf("empty %s", extField)
			}
		case nil:
			return fmt.Errorf("record without %s", extField)
		}
	}
	return checkFieldNames(r)
}

func (w collections) recordResult(op, object, extField string, i int, r Record, res collectionResult) Result {
	if res.invalid != "" {
		// Whether Salesforce wrote the record is unknown; sending it again
		// would meet the same answer.
		ue := &upstream.Error{System: System, Op: op, Class: upstream.Permanent,
			Message: fmt.Sprintf("the collections response's result for record %d is not a result object: %s", i, res.invalid)}
		return Result{Err: fmt.Errorf("%s: %w", w.recordLabel(op, object, extField, i, r), ue)}
	}
	if res.Success {
		return Result{ID: res.ID, Created: res.Created || (op == OpCollectionsCreate)}
	}
	var first apiError
	if len(res.Errors) > 0 {
		first = res.Errors[0]
	}
	ue := &upstream.Error{
		System:  System,
		Op:      op,
		Class:   classify(0, first.code(), first.Message),
		Code:    first.code(),
		Message: first.Message,
	}
	if ue.Code == "" && ue.Message == "" {
		ue.Class, ue.Message = upstream.Retryable, "record failed without a reason"
	}
	return Result{ID: res.ID, Err: fmt.Errorf("%s: %w", w.recordLabel(op, object, extField, i, r), ue)}
}

// recordLabel identifies record i of a batch in errors.
func (w collections) recordLabel(op, object, extField string, i int, r Record) string {
	switch {
	case op == OpCollectionsUpsert:
		return fmt.Sprintf("%s %s %s=%v (record %d)", op, object, extField, r[extField], i)
	case r.ID() != "":
		return fmt.Sprintf("%s %s %s (record %d)", op, object, r.ID(), i)
	default:
		return fmt.Sprintf("%s %s record %d", op, object, i)
	}
}

// parseCollectionResults reads the results of a collections call of n
// records. A body that is not an array of n results fails the whole call;
// a result that is not a result object (or whose errors are not error
// objects) is kept with what was wrong, for its record's error.
func parseCollectionResults(op string, raw []byte, n int) ([]collectionResult, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return nil, &upstream.Error{System: System, Op: op, Class: upstream.Permanent,
			Message: fmt.Sprintf("collections response is %s, not an array of results", describeJSON(raw))}
	}
	if len(items) != n {
		return nil, &upstream.Error{System: System, Op: op, Class: upstream.Retryable,
			Message: fmt.Sprintf("collections response has %d results for %d records", len(items), n)}
	}
	out := make([]collectionResult, n)
	for j, item := range items {
		out[j] = parseCollectionResult(item)
	}
	return out, nil
}

func parseCollectionResult(raw json.RawMessage) collectionResult {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return collectionResult{invalid: describeJSON(raw)}
	}
	var res collectionResult
	for _, f := range []struct {
		name string
		dst  any
	}{{"id", &res.ID}, {"success", &res.Success}, {"created", &res.Created}} {
		if v, ok := fields[f.name]; ok && json.Unmarshal(v, f.dst) != nil {
			return collectionResult{invalid: fmt.Sprintf("its %s is %s", f.name, describeJSON(v))}
		}
	}
	var errs []json.RawMessage
	if v, ok := fields["errors"]; ok && json.Unmarshal(v, &errs) != nil {
		return collectionResult{invalid: fmt.Sprintf("its errors are %s, not an array", describeJSON(v))}
	}
	for k, e := range errs {
		var ae apiError
		if !isJSONObject(e) || json.Unmarshal(e, &ae) != nil {
			return collectionResult{invalid: fmt.Sprintf("its errors[%d] is %s, not an error object", k, describeJSON(e))}
		}
		res.Errors = append(res.Errors, ae)
	}
	return res
}

func isJSONObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// describeJSON names the kind of a JSON value and shows a short one, for
// an error about an answer that has the wrong shape.
func describeJSON(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	const show = 40
	value := string(raw)
	if len(value) > show {
		value = strings.ToValidUTF8(value[:show], "") + "..."
	}
	switch {
	case len(raw) == 0:
		return "empty"
	case !json.Valid(raw):
		return fmt.Sprintf("not JSON (%q)", value)
	case raw[0] == '{':
		return "an object"
	case raw[0] == '[':
		return "an array"
	case raw[0] == '"':
		return "a string " + value
	case raw[0] == 't' || raw[0] == 'f':
		return "a boolean " + value
	case raw[0] == 'n':
		return "null"
	default:
		return "a number " + value
	}
}
