package sfsim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/carebridge/carebridge/connectors/salesforce/sfsim"
)

type compositeAnswer struct {
	CompositeResponse []struct {
		Body           json.RawMessage `json:"body"`
		HTTPStatusCode int             `json:"httpStatusCode"`
		ReferenceID    string          `json:"referenceId"`
	} `json:"compositeResponse"`
}

// TestCompositeRunsSubrequestsInOrderAsOneCall: a Composite request runs
// its subrequests in order as the caller (a query sees the create before
// it), answers each with its own status and body (a failed one leaves the
// others as they are), and counts as one API call.
func TestCompositeRunsSubrequestsInOrderAsOneCall(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	e.srv.ResetCalls()
	q := url.QueryEscape("SELECT Id, Subject FROM Case WHERE Subject = 'composed'")
	resp, body := e.do(http.MethodPost, "composite", map[string]any{"compositeRequest": []map[string]any{
		{"method": "POST", "url": apiPrefix + "sobjects/Case", "referenceId": "make", "body": map[string]any{"Subject": "composed"}},
		{"method": "POST", "url": apiPrefix + "sobjects/Case", "referenceId": "refused", "body": map[string]any{"No_Such__c": 1}},
		{"method": "GET", "url": apiPrefix + "query?q=" + q, "referenceId": "read"},
	}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("composite: %d %s", resp.StatusCode, body)
	}
	var got compositeAnswer
	if err := json.Unmarshal(body, &got); err != nil || len(got.CompositeResponse) != 3 {
		t.Fatalf("composite answer %s: %v", body, err)
	}
	status := func(i int) int { return got.CompositeResponse[i].HTTPStatusCode }
	if status(0) != http.StatusCreated || status(1) != http.StatusBadRequest || status(2) != http.StatusOK {
		t.Errorf("statuses %d, %d, %d; want 201, 400, 200: %s", status(0), status(1), status(2), body)
	}
	var read struct {
		TotalSize int `json:"totalSize"`
	}
	if err := json.Unmarshal(got.CompositeResponse[2].Body, &read); err != nil || read.TotalSize != 1 {
		t.Errorf("the query after the create found %d Cases (%v), want 1", read.TotalSize, err)
	}
	if e.srv.Calls(sfsim.OpComposite) != 1 || e.srv.TotalCalls() != 1 {
		t.Errorf("%d composite calls, %d in all; want one call", e.srv.Calls(sfsim.OpComposite), e.srv.TotalCalls())
	}
}

// TestCompositeRefusesWhatSalesforceRefuses: the limits (25 subrequests, 5
// of them queries or collections), a subrequest naming a header it
// inherits, a resource that cannot be a subrequest, and what the sandbox
// does not run as Salesforce would (allOrNone, references) are refused as
// a whole, with a message that says why.
func TestCompositeRefusesWhatSalesforceRefuses(t *testing.T) {
	e := newEnv(t, sfsim.Options{})
	query := func(i int) map[string]any {
		return map[string]any{"method": "GET", "url": apiPrefix + "query?q=" + url.QueryEscape("SELECT Id FROM Case"), "referenceId": fmt.Sprintf("q%d", i)}
	}
	create := func(i int) map[string]any {
		return map[string]any{"method": "POST", "url": apiPrefix + "sobjects/Case", "referenceId": fmt.Sprintf("c%d", i), "body": map[string]any{"Subject": "x"}}
	}
	many := func(n int, sub func(int) map[string]any) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = sub(i)
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		body   map[string]any
		status int
		want   string
	}{
		{"26 subrequests", map[string]any{"compositeRequest": many(26, create)}, http.StatusBadRequest, "at most 25"},
		{"6 queries", map[string]any{"compositeRequest": many(6, query)}, http.StatusBadRequest, "at most 5"},
		{"none", map[string]any{"compositeRequest": []any{}}, http.StatusBadRequest, "at least one"},
		{"a duplicate reference id", map[string]any{"compositeRequest": []any{create(1), create(1)}}, http.StatusBadRequest, "unique"},
		{"an inherited header named", map[string]any{"compositeRequest": []any{map[string]any{"method": "GET", "url": apiPrefix + "sobjects/Case/describe",
			"referenceId": "d", "httpHeaders": map[string]string{"Authorization": "Bearer x"}}}}, http.StatusBadRequest, "Authorization"},
		{"a composite in a composite", map[string]any{"compositeRequest": []any{map[string]any{"method": "POST", "url": apiPrefix + "composite", "referenceId": "n"}}},
			http.StatusBadRequest, "cannot be a composite subrequest"},
		{"allOrNone", map[string]any{"allOrNone": true, "compositeRequest": []any{create(1)}}, http.StatusNotImplemented, "allOrNone"},
		{"a reference", map[string]any{"compositeRequest": []any{create(1), map[string]any{"method": "GET", "url": apiPrefix + "sobjects/Case/@{c1.id}", "referenceId": "g"}}},
			http.StatusNotImplemented, "references"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.srv.Records("Case"))
			resp, body := e.do(http.MethodPost, "composite", tt.body)
			if resp.StatusCode != tt.status || !strings.Contains(errorBody(t, body).Message, tt.want) {
				t.Errorf("%d %s; want %d saying %q", resp.StatusCode, body, tt.status, tt.want)
			}
			if after := len(e.srv.Records("Case")); after != before {
				t.Errorf("a refused composite request wrote %d Cases", after-before)
			}
		})
	}
}
