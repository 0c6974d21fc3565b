package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// Composite requests (POST /composite) run several REST requests in one
// call, in order: Salesforce counts the whole series as one call toward the
// org's daily allocation. carebridge uses them where two requests always go
// together.

type compositeSubrequest struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	ReferenceID string            `json:"referenceId"`
	Body        any               `json:"body,omitempty"`
	HTTPHeaders map[string]string `json:"httpHeaders,omitempty"`
}

// subrequestHeaders are the headers the transport sends with every request
// (transport.go), which a subrequest does not inherit from the composite
// request and so names itself.
func subrequestHeaders() map[string]string {
	return map[string]string{"Sforce-Auto-Assign": "FALSE", "Sforce-Call-Options": "client=" + simpleforceClientID}
}

type compositeSubresponse struct {
	Body           json.RawMessage `json:"body"`
	HTTPStatusCode int             `json:"httpStatusCode"`
	ReferenceID    string          `json:"referenceId"`
}

// UpsertManyThenQuery upserts records by the external id field extField,
// as UpsertMany does, and then runs q, in one Composite request (one API
// call): q sees what the upsert wrote. At most MaxCollectionSize records.
// Every record gets a Result in the caller's order; the records are q's
// (all its pages). The error is non-nil when the whole request, or the
// whole upsert, failed (every record then carries it too); a failed query
// after an upsert that went through is returned as queryErr, with the
// records' results.
func (w collections) UpsertManyThenQuery(ctx context.Context, object, extField string, records []Record, q soql.Query) (results []Result, rows []Record, queryErr, err error) {
	const op = OpComposite
	results = make([]Result, len(records))
	if len(records) > MaxCollectionSize {
		return results, nil, nil, localError(op, fmt.Errorf("%d records in one upsert, at most %d", len(records), MaxCollectionSize))
	}
	if !soql.ValidName(object) || !soql.ValidName(extField) || strings.Contains(extField, ".") {
		return results, nil, nil, fmt.Errorf("%s %s: %w", op, object, localError(op, fmt.Errorf("invalid object or external id field name %q %q", object, extField)))
	}
	text, qerr := q.Build()
	if qerr != nil {
		return results, nil, nil, fmt.Errorf("%s %s: %w", op, q.Object(), localError(op, qerr))
	}
	send := w.sendable(OpCollectionsUpsert, object, extField, records, results)
	upsert := collectionBody(object, records, send)
	subs := []compositeSubrequest{
		{Method: http.MethodPatch, URL: "/" + w.c.path("composite/sobjects/%s/%s", object, extField), ReferenceID: "upsert", Body: upsert, HTTPHeaders: subrequestHeaders()},
		{Method: http.MethodGet, URL: "/" + w.c.path("query") + "?q=" + url.QueryEscape(text), ReferenceID: "read", HTTPHeaders: subrequestHeaders()},
	}
	if len(send) == 0 {
		subs = subs[1:]
	}
	answers, err := w.composite(ctx, subs)
	if err != nil {
		err = fmt.Errorf("%s: upsert %s and query %s: %w", op, object, q.Object(), err)
		for _, i := range send {
			results[i].Err = err
		}
		return results, nil, nil, err
	}
	if len(send) > 0 {
		up := answers[0]
		answers = answers[1:]
		var out []collectionResult
		err := subrequestError(OpCollectionsUpsert, up)
		if err == nil {
			out, err = parseCollectionResults(OpCollectionsUpsert, up.Body, len(send))
		}
		if err != nil {
			err = fmt.Errorf("%s %s records 1-%d: %w", OpCollectionsUpsert, object, len(send), err)
			for _, i := range send {
				results[i].Err = err
			}
			return results, nil, nil, err
		}
		for j, i := range send {
			results[i] = w.recordResult(OpCollectionsUpsert, object, extField, i, records[i], out[j])
		}
	}
	rows, queryErr = w.queryAnswer(ctx, q, answers[0])
	return results, rows, queryErr, nil
}

// composite sends subrequests as one Composite request and returns their
// answers in order.
func (w collections) composite(ctx context.Context, subs []compositeSubrequest) ([]compositeSubresponse, error) {
	raw, _, err := w.c.restRaw(ctx, OpComposite, http.MethodPost, w.c.path("composite"), map[string]any{"allOrNone": false, "compositeRequest": subs})
	if err != nil {
		return nil, err
	}
	var res struct {
		CompositeResponse []compositeSubresponse `json:"compositeResponse"`
	}
	if err := json.Unmarshal(raw, &res); err != nil || len(res.CompositeResponse) != len(subs) {
		return nil, &upstream.Error{System: System, Op: OpComposite, Class: upstream.Retryable,
			Message: fmt.Sprintf("composite response is %s, not the answers of %d subrequests", describeJSON(raw), len(subs))}
	}
	for i, a := range res.CompositeResponse {
		if a.ReferenceID != subs[i].ReferenceID {
			return nil, &upstream.Error{System: System, Op: OpComposite, Class: upstream.Retryable,
				Message: fmt.Sprintf("composite answer %d is %q's, want %q's", i, a.ReferenceID, subs[i].ReferenceID)}
		}
	}
	return res.CompositeResponse, nil
}

// subrequestError is the classified error of a subrequest's answer, nil
// when it succeeded.
func subrequestError(op string, a compositeSubresponse) error {
	if a.HTTPStatusCode >= 200 && a.HTTPStatusCode < 300 {
		return nil
	}
	e := parseErrorBody(a.Body)
	return &upstream.Error{System: System, Op: op, Status: a.HTTPStatusCode, Code: e.code(), Message: e.Message,
		Class: classify(a.HTTPStatusCode, e.code(), e.Message)}
}

// queryAnswer reads a query subrequest's answer, following its further
// pages with ordinary queries.
func (w collections) queryAnswer(ctx context.Context, q soql.Query, a compositeSubresponse) ([]Record, error) {
	if err := subrequestError(OpQuery, a); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.Object(), err)
	}
	var page struct {
		Done           bool             `json:"done"`
		NextRecordsURL string           `json:"nextRecordsUrl"`
		Records        []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(a.Body, &page); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.Object(), &upstream.Error{System: System, Op: OpQuery, Class: upstream.Retryable,
			Message: fmt.Sprintf("query answer is %s, not a query result", describeJSON(a.Body))})
	}
	rows := make([]Record, len(page.Records))
	for i, r := range page.Records {
		rows[i] = newRecord(r)
	}
	if page.Done || page.NextRecordsURL == "" {
		return rows, nil
	}
	if !strings.HasPrefix(page.NextRecordsURL, nextRecordsURLPrefix) {
		return nil, fmt.Errorf("query %s: %w", q.Object(), &upstream.Error{System: System, Op: OpQuery,
			Class: upstream.Retryable, Message: "nextRecordsUrl outside the data API"})
	}
	more, err := w.c.queryFrom(ctx, q, page.NextRecordsURL)
	if err != nil {
		return nil, err
	}
	return append(rows, more...), nil
}
