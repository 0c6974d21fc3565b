package caresim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

func loadContract(t *testing.T) *openapi3.T {
	t.Helper()
	return loadOpenAPI(t, "../openapi.yaml")
}

// loadOpenAPI loads an OpenAPI document, with its references into other
// files, and checks it is valid OpenAPI 3.
func loadOpenAPI(t *testing.T, file string) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	doc, err := loader.LoadFromFile(file)
	if err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("%s is not valid OpenAPI 3: %v", file, err)
	}
	return doc
}

// validator checks requests and responses against the contract.
type validator struct {
	t   *testing.T
	doc *openapi3.T
	// invalidRequests skips request validation, for requests that are wrong
	// on purpose.
	invalidRequests bool
}

// call sends one request for (path template, method) with concrete values,
// validates the request and the response against the contract, and returns
// the response.
func (v validator) call(h *harness, tmpl, method, path string, params map[string]string, body any, header map[string]string) response {
	v.t.Helper()
	item := v.doc.Paths.Find(tmpl)
	if item == nil {
		v.t.Fatalf("contract has no path %s", tmpl)
	}
	op := item.GetOperation(method)
	if op == nil {
		v.t.Fatalf("contract has no %s %s", method, tmpl)
	}
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			v.t.Fatalf("marshal: %v", err)
		}
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, val := range header {
		req.Header.Set(k, val)
	}
	route := &routers.Route{Spec: v.doc, Path: tmpl, PathItem: item, Method: method, Operation: op}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && !v.invalidRequests {
		v.t.Fatalf("%s %s: request does not match the contract: %v", method, path, err)
	}
	var resp response
	if body != nil {
		resp = h.do(method, path, raw, header)
	} else {
		resp = h.do(method, path, nil, header)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.status, Header: resp.header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(resp.raw)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		v.t.Fatalf("%s %s: response %d does not match the contract: %v\n%s", method, path, resp.status, err, resp.raw)
	}
	return resp
}

// TestContractRoutesMatchSandbox walks every path and operation of
// openapi.yaml, calls it on the sandbox and validates request and response
// against the document; it also checks the sandbox counts the call under the
// operationId.
func TestContractRoutesMatchSandbox(t *testing.T) {
	doc := loadContract(t)
	h := newHarness(t, Options{})
	c := h.escalate(care.Case{Platform: rules.Facebook, ProfileID: strp("prof_facebook"),
		Customer: care.Customer{ID: "u1", Handle: "cust", Name: "Customer"}},
		care.Message{ID: "post1", Kind: rules.Post, Direction: care.Outbound},
		care.Message{ID: "c1", Kind: rules.Comment, ParentID: strp("post1"), Text: "broken"},
	)
	h.sim.AddAgent(care.Agent{ID: "agent_1", Name: "A", Email: "a@example.com"})

	// Each operation's concrete request, in an order that makes all succeed.
	type call struct {
		path   string
		params map[string]string
		body   any
		want   int
	}
	idp := map[string]string{"id": c.ID}
	calls := map[string]call{
		"listCases":      {"/3/care/cases?limit=10", nil, nil, 200},
		"getCase":        {"/3/care/cases/" + c.ID, idp, nil, 200},
		"listMessages":   {"/3/care/cases/" + c.ID + "/messages", idp, nil, 200},
		"listNotes":      {"/3/care/cases/" + c.ID + "/notes", idp, nil, 200},
		"listAgents":     {"/3/care/agents", nil, nil, 200},
		"listProfiles":   {"/3/care/profiles", nil, nil, 200},
		"setCaseProfile": {"/3/care/cases/" + c.ID + "/profile", idp, care.ProfileRequest{ProfileID: "prof2_facebook"}, 200},
		"assignCase":     {"/3/care/cases/" + c.ID + "/assign", idp, care.AssignRequest{AgentID: strp("agent_1")}, 200},
		"setCaseStatus":  {"/3/care/cases/" + c.ID + "/status", idp, care.StatusRequest{Status: rules.Pending}, 200},
		"addNote":        {"/3/care/cases/" + c.ID + "/notes", idp, care.NoteRequest{Text: "checked", Mentions: []string{"agent_1"}, AuthorID: "agent_1"}, 201},
		"postReply":      {"/3/care/cases/" + c.ID + "/replies", idp, care.ReplyRequest{Mode: rules.PublicReply, Text: "Sorry!"}, 201},
		"messageAction":  {"/3/care/messages/c1/actions", map[string]string{"id": "c1"}, care.ActionRequest{Action: care.ActionLike, CaseID: c.ID}, 200},
	}
	order := []string{"listCases", "getCase", "listMessages", "listNotes", "listAgents", "listProfiles",
		"setCaseProfile", "assignCase", "setCaseStatus", "addNote", "messageAction", "postReply"}

	v := validator{t: t, doc: doc}
	var seen []string
	for _, tmpl := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Find(tmpl).Operations() {
			if _, ok := calls[op.OperationID]; !ok {
				t.Errorf("%s %s: operation %q has no call in this test", method, tmpl, op.OperationID)
			}
			seen = append(seen, op.OperationID)
		}
	}
	slices.Sort(seen)
	want := slices.Clone(order)
	slices.Sort(want)
	if !slices.Equal(seen, want) {
		t.Fatalf("contract operations %v, test covers %v", seen, want)
	}
	for _, name := range order {
		cl := calls[name]
		tmpl, method := findOperation(t, doc, name)
		before := h.sim.Calls(name)
		resp := v.call(h, tmpl, method, cl.path, cl.params, cl.body, nil)
		if resp.status != cl.want {
			t.Errorf("%s %s: status %d, want %d: %s", method, cl.path, resp.status, cl.want, resp.raw)
		}
		if got := h.sim.Calls(name); got != before+1 {
			t.Errorf("%s: Calls(%q) went from %d to %d, want +1", name, name, before, got)
		}
	}
}

func findOperation(t *testing.T, doc *openapi3.T, id string) (string, string) {
	t.Helper()
	for _, tmpl := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Find(tmpl).Operations() {
			if op.OperationID == id {
				return tmpl, method
			}
		}
	}
	t.Fatalf("operation %q not in the contract", id)
	return "", ""
}

// TestContractErrorResponses checks the sandbox's failures match the
// contract's error envelope and statuses.
func TestContractErrorResponses(t *testing.T) {
	doc := loadContract(t)
	h := newHarness(t, Options{})
	c := h.escalate(care.Case{Platform: rules.Facebook, ProfileID: strp("prof_facebook"), Customer: care.Customer{ID: "u1", Handle: "cust"}},
		care.Message{ID: "c1", Kind: rules.Comment, Text: "hi"})
	// Listening content arrives without a profile: a reply is refused.
	lc := h.escalate(care.Case{Platform: rules.Twitter, Customer: care.Customer{ID: "u2", Handle: "other"}},
		care.Message{ID: "m1", Kind: rules.ListeningMention, Text: "boots run small"})
	v := validator{t: t, doc: doc, invalidRequests: true}
	idp := map[string]string{"id": c.ID}

	tests := []struct {
		name   string
		tmpl   string
		method string
		path   string
		params map[string]string
		body   any
		fault  *Fault
		want   int
	}{
		{"unknown case", "/3/care/cases/{id}", "GET", "/3/care/cases/nope", map[string]string{"id": "nope"}, nil, nil, 404},
		{"unknown message", "/3/care/messages/{id}/actions", "POST", "/3/care/messages/nope/actions", map[string]string{"id": "nope"}, care.ActionRequest{Action: "like", CaseID: "c"}, nil, 404},
		{"bad limit", "/3/care/cases", "GET", "/3/care/cases?limit=5000", nil, nil, nil, 400},
		{"unknown agent", "/3/care/cases/{id}/assign", "POST", "/3/care/cases/" + c.ID + "/assign", idp, care.AssignRequest{AgentID: strp("ghost")}, nil, 400},
		{"throttled", "/3/care/cases/{id}", "GET", "/3/care/cases/" + c.ID, idp, nil, &Fault{Op: OpGetCase, Status: 429, Times: 1}, 429},
		{"rule refusal", "/3/care/cases/{id}/replies", "POST", "/3/care/cases/" + lc.ID + "/replies", map[string]string{"id": lc.ID}, care.ReplyRequest{Mode: rules.PublicReply, Text: "hi"}, nil, 422},
		{"idempotency conflict", "/3/care/cases/{id}/status", "POST", "/3/care/cases/" + c.ID + "/status", idp, care.StatusRequest{Status: rules.Deleted}, nil, 409},
		{"server error", "/3/care/cases/{id}/notes", "POST", "/3/care/cases/" + c.ID + "/notes", idp, care.NoteRequest{Text: "x"}, &Fault{Op: OpAddNote, Times: 1}, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v.t = t
			if tt.fault != nil {
				h.sim.InjectFault(*tt.fault)
				defer h.sim.ClearFaults()
			}
			var header map[string]string
			if tt.want == 409 {
				header = map[string]string{care.IdempotencyHeader: "k1"}
				h.do(http.MethodPost, tt.path, care.StatusRequest{Status: rules.Open}, header)
			}
			resp := v.call(h, tt.tmpl, tt.method, tt.path, tt.params, tt.body, header)
			if resp.status != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.status, tt.want, resp.raw)
			}
			if resp.message() == "" {
				t.Fatalf("error without a message: %s", resp.raw)
			}
			if tt.want == 422 && resp.rule() != rules.CodeProfileRequired {
				t.Fatalf("rule %q, want %q", resp.rule(), rules.CodeProfileRequired)
			}
			if tt.want == 429 && resp.header.Get("Retry-After") == "" {
				t.Fatalf("429 without Retry-After")
			}
		})
	}
}

// TestRequestHygiene covers auth, strict decoding and body limits.
func TestRequestHygiene(t *testing.T) {
	h := newHarness(t, Options{BearerToken: "bearer-xyz"})
	c := h.escalate(care.Case{Platform: rules.Facebook, ProfileID: strp("prof_facebook"), Customer: care.Customer{ID: "u1", Handle: "cust"}},
		care.Message{ID: "c1", Kind: rules.Comment, Text: "hi"})
	notes := "/3/care/cases/" + c.ID + "/notes"

	send := func(auth string, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+notes, strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := h.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	basic := func(u, p string) string {
		r, _ := http.NewRequest("GET", "/", nil)
		r.SetBasicAuth(u, p)
		return r.Header.Get("Authorization")
	}
	tests := []struct {
		name, auth, body string
		want             int
		wantMsg          string
	}{
		{"valid basic", basic(testToken, testSecret), `{"text":"ok"}`, 201, ""},
		{"valid bearer", "Bearer bearer-xyz", `{"text":"ok"}`, 201, ""},
		{"no auth", "", `{"text":"ok"}`, 401, "credentials"},
		{"wrong secret", basic(testToken, "nope"), `{"text":"ok"}`, 401, "credentials"},
		{"wrong bearer", "Bearer nope", `{"text":"ok"}`, 401, "credentials"},
		{"unknown field", basic(testToken, testSecret), `{"text":"ok","colour":"red"}`, 400, "unknown field"},
		{"trailing data", basic(testToken, testSecret), `{"text":"ok"}{}`, 400, "after the JSON value"},
		{"malformed", basic(testToken, testSecret), `{"text":`, 400, "invalid JSON"},
		{"empty body", basic(testToken, testSecret), ``, 400, "required"},
		{"missing text", basic(testToken, testSecret), `{"mentions":[]}`, 400, "text is required"},
		{"too large", basic(testToken, testSecret), `{"text":"` + strings.Repeat("a", maxBody) + `"}`, 413, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := send(tt.auth, tt.body)
			if status != tt.want {
				t.Fatalf("status %d, want %d: %s", status, tt.want, body)
			}
			if !strings.Contains(body, tt.wantMsg) {
				t.Fatalf("body %s does not mention %q", body, tt.wantMsg)
			}
			if strings.Contains(body, testSecret+`"`) || strings.Contains(body, "bearer-xyz") {
				t.Fatalf("a credential leaked into the response: %s", body)
			}
		})
	}
	if r := h.do(http.MethodDelete, "/3/care/cases", nil, nil); r.status != http.StatusNotFound || !strings.Contains(r.message(), "no such operation") {
		t.Fatalf("unknown route: %d %s", r.status, r.raw)
	}
}

// TestContractSchemasMatchModel: every schema of the contract has exactly
// the JSON fields of its model.go type, so the document and the Go types
// cannot drift apart.
func TestContractSchemasMatchModel(t *testing.T) {
	doc := loadContract(t)
	types := map[string]any{
		"Case": care.Case{}, "Customer": care.Customer{}, "Message": care.Message{}, "Author": care.Author{},
		"Note": care.Note{}, "Agent": care.Agent{}, "Profile": care.Profile{}, "CasePage": care.CasePage{},
		"AssignRequest": care.AssignRequest{}, "StatusRequest": care.StatusRequest{}, "ProfileRequest": care.ProfileRequest{},
		"NoteRequest": care.NoteRequest{}, "ReplyRequest": care.ReplyRequest{}, "ActionRequest": care.ActionRequest{},
		"ActionResult": care.ActionResult{}, "ErrorItem": care.ErrorItem{}, "Event": care.Event{},
	}
	schemasMatchTypes(t, doc, types)
}

// schemasMatchTypes checks that each named schema of doc has exactly the
// JSON fields of its Go type.
func schemasMatchTypes(t *testing.T, doc *openapi3.T, types map[string]any) {
	t.Helper()
	for name, v := range types {
		ref, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s missing", name)
			continue
		}
		var props []string
		for p := range ref.Value.Properties {
			props = append(props, p)
		}
		slices.Sort(props)
		if fields := jsonFields(v); !slices.Equal(props, fields) {
			t.Errorf("schema %s has %v, its Go type %T has %v", name, props, v, fields)
		}
	}
}

// jsonFields lists the JSON names of a struct's fields, sorted.
func jsonFields(v any) []string {
	var fields []string
	rt := reflect.TypeOf(v)
	for i := range rt.NumField() {
		tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if tag != "" && tag != "-" {
			fields = append(fields, tag)
		}
	}
	slices.Sort(fields)
	return fields
}
