package caresim

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// controlOrder is the order TestSandboxControlsMatchTheirDocument drives
// the controls in: each example leans on the demo data and on the examples
// before it.
var controlOrder = []string{
	"POST /sandbox/agents", "POST /sandbox/profiles", "POST /sandbox/escalate", "POST /sandbox/listening",
	"POST /sandbox/cases/{id}/customer-messages", "POST /sandbox/cases/{id}/author-edit",
	"POST /sandbox/cases/{id}/author-delete", "POST /sandbox/account-state", "POST /sandbox/cases/{id}/ui-assign",
	"POST /sandbox/cases/{id}/ui-status", "POST /sandbox/cases/{id}/ui-notes", "GET /sandbox/cases/{id}/replies",
	"POST /sandbox/faults", "GET /sandbox/faults", "DELETE /sandbox/faults", "GET /sandbox/calls", "DELETE /sandbox/calls",
}

// TestSandboxControlsMatchTheirDocument: sandbox-openapi.yaml documents
// exactly the controls the sandbox serves; every control's example, sent to
// a sandbox seeded as in the demo, is a valid request, succeeds with the
// documented status and a response that matches the document, and does
// what the document says; a body with an unknown field, and a case that
// does not exist, get the documented errors.
func TestSandboxControlsMatchTheirDocument(t *testing.T) {
	doc := loadOpenAPI(t, "sandbox-openapi.yaml")
	h := newHarness(t, Options{})
	if err := h.sim.SeedDemo(); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	var served []string
	for pattern := range h.sim.controls() {
		served = append(served, pattern)
	}
	ordered := slices.Clone(controlOrder)
	for _, list := range [][]string{documented, served, ordered} {
		slices.Sort(list)
	}
	if !slices.Equal(documented, served) || !slices.Equal(served, ordered) {
		t.Fatalf("the document has\n  %v\nthe sandbox serves\n  %v\nthis test drives\n  %v", documented, served, ordered)
	}

	v := validator{t: t, doc: doc}
	for _, control := range controlOrder {
		method, tmpl, _ := strings.Cut(control, " ")
		op := doc.Paths.Find(tmpl).GetOperation(method)
		if op.OperationID == "" || op.Summary == "" {
			t.Errorf("%s has no operationId or summary", control)
		}
		path, params := tmpl, map[string]string(nil)
		if strings.Contains(tmpl, "{id}") {
			id, _ := doc.Components.Parameters["CaseID"].Value.Example.(string)
			path, params = strings.ReplaceAll(tmpl, "{id}", id), map[string]string{"id": id}
		}
		var body any
		if op.RequestBody != nil {
			body = op.RequestBody.Value.Content.Get("application/json").Example
			if body == nil {
				t.Errorf("%s documents no example body", control)
				continue
			}
		}
		resp := v.call(h, tmpl, method, path, params, body, nil)
		if want := successStatus(op); resp.status != want {
			t.Errorf("%s with its example: %d, want %d: %s", control, resp.status, want, resp.raw)
		}
		bad := validator{t: t, doc: doc, invalidRequests: true}
		if body != nil {
			if r := bad.call(h, tmpl, method, path, params, map[string]any{"bogus": 1}, nil); r.status != http.StatusBadRequest || !strings.Contains(r.message(), `unknown field "bogus"`) {
				t.Errorf("%s with an unknown field: %d %s", control, r.status, r.raw)
			}
		}
		if params != nil {
			missing := strings.ReplaceAll(tmpl, "{id}", "case_nope")
			if r := bad.call(h, tmpl, method, missing, map[string]string{"id": "case_nope"}, body, nil); r.status != http.StatusNotFound {
				t.Errorf("%s on a case that does not exist: %d %s", control, r.status, r.raw)
			}
		}
	}

	// What the examples did, as the document says.
	if c, ok := h.sim.Case("case_fb_9"); !ok || len(h.sim.Messages("case_fb_9")) != 2 || c.Customer.Handle != "sam.r" {
		t.Errorf("escalate: case_fb_9 %+v with %d messages", c, len(h.sim.Messages("case_fb_9")))
	}
	c, _ := h.sim.Case("case_fb_2")
	msgs := h.sim.Messages("case_fb_2")
	last := msgs[len(msgs)-1]
	if last.Text != "Any news on my order?" || last.Direction != care.Inbound || last.Author.Handle != "liam.p" {
		t.Errorf("customer message: %+v", last)
	}
	if first := msgs[0]; !first.Deleted || first.DeletedBy == nil || *first.DeletedBy != care.DeletedByAuthor || first.EditedAt == nil ||
		first.Text != "" || first.Author.AccountState != care.AccountProtected || last.Author.AccountState != care.AccountProtected {
		t.Errorf("author-edit, author-delete and account-state: %+v", first)
	}
	if c.AssigneeID == nil || *c.AssigneeID != "agent_ben" || c.Status != rules.Pending {
		t.Errorf("ui-assign and ui-status: case_fb_2 %+v", c)
	}
	if notes := h.sim.Notes("case_fb_2"); len(notes) != 1 || notes[0].AuthorID != "agent_ana" || !slices.Equal(notes[0].Mentions, []string{"agent_ben"}) {
		t.Errorf("ui-notes: %+v", notes)
	}
	if len(h.sim.Faults()) != 0 || h.sim.TotalCalls() != 0 {
		t.Errorf("after DELETE /sandbox/faults and /sandbox/calls: %d faults, %d calls", len(h.sim.Faults()), h.sim.TotalCalls())
	}
}

// successStatus is the 2xx an operation documents.
func successStatus(op *openapi3.Operation) int {
	for _, code := range []int{http.StatusOK, http.StatusCreated} {
		if op.Responses.Status(code) != nil {
			return code
		}
	}
	return 0
}

// TestControlInputSchemasMatchTheirTypes: the request schemas of the
// controls have exactly the JSON fields of the Go types the handlers
// decode, so the document and the handlers cannot drift apart.
func TestControlInputSchemasMatchTheirTypes(t *testing.T) {
	doc := loadOpenAPI(t, "sandbox-openapi.yaml")
	schemasMatchTypes(t, doc, map[string]any{
		"CaseInput": care.Case{}, "CustomerInput": care.Customer{}, "MessageInput": care.Message{}, "AuthorInput": care.Author{},
		"EscalateRequest": EscalateRequest{}, "ListeningRequest": ListeningRequest{}, "UINoteRequest": care.NoteRequest{},
		"AgentInput": care.Agent{}, "ProfileInput": care.Profile{}, "Fault": FaultRequest{}, "CallStats": CallStats{},
		"AuthorMessageRequest": AuthorMessageRequest{}, "AccountStateRequest": AccountStateRequest{}, "AccountStateResult": AccountStateResult{},
	})
}
