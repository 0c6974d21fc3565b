package caresim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

const (
	testToken  = "tok"
	testSecret = "sec"
)

// harness is a sandbox served over loopback.
type harness struct {
	t   *testing.T
	sim *Server
	srv *httptest.Server
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	if opts.Token == "" {
		opts.Token, opts.Secret = testToken, testSecret
	}
	sim, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() {
		srv.Close()
		sim.Close()
	})
	sim.AddAgent(care.Agent{ID: "agent_1", Name: "Agent One", Email: "one@example.com"})
	sim.AddAgent(care.Agent{ID: "agent_2", Name: "Agent Two", Email: "two@example.com"})
	for _, p := range []rules.Platform{rules.Facebook, rules.Instagram, rules.Twitter, rules.LinkedIn, rules.YouTube, rules.TikTok} {
		sim.AddProfile(care.Profile{ID: "prof_" + string(p), Platform: p, Name: "Brand " + string(p), Handle: "brand_" + string(p)})
		sim.AddProfile(care.Profile{ID: "prof2_" + string(p), Platform: p, Name: "Brand local " + string(p), Handle: "brand_local_" + string(p)})
	}
	return &harness{t: t, sim: sim, srv: srv}
}

// response is a decoded reply of the sandbox.
type response struct {
	status int
	header http.Header
	raw    []byte
	env    care.Envelope
}

// rule returns the rule code of a refusal ("" when none).
func (r response) rule() string {
	if len(r.env.Errors) == 0 {
		return ""
	}
	return r.env.Errors[0].Rule
}

func (r response) message() string {
	if len(r.env.Errors) == 0 || len(r.env.Errors[0].Errors) == 0 {
		return ""
	}
	return r.env.Errors[0].Errors[0]
}

// do sends a request with Basic auth; body is marshalled unless it is a
// string or []byte.
func (h *harness) do(method, path string, body any, header map[string]string) response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			h.t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatalf("request: %v", err)
	}
	req.SetBasicAuth(testToken, testSecret)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("read: %v", err)
	}
	out := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if err := json.Unmarshal(raw, &out.env); err != nil {
		h.t.Fatalf("%s %s: response is not an envelope: %v: %s", method, path, err, raw)
	}
	if out.env.Success != (resp.StatusCode < 300) {
		h.t.Fatalf("%s %s: status %d with success=%v", method, path, resp.StatusCode, out.env.Success)
	}
	return out
}

// data decodes a successful response's data into v.
func (r response) data(t *testing.T, v any) {
	t.Helper()
	if !r.env.Success {
		t.Fatalf("request failed: %d %s", r.status, r.raw)
	}
	if err := json.Unmarshal(r.env.Data, v); err != nil {
		t.Fatalf("decode data: %v", err)
	}
}

// escalate creates a case over the /sandbox/ API.
func (h *harness) escalate(c care.Case, msgs ...care.Message) care.Case {
	h.t.Helper()
	resp := h.do(http.MethodPost, "/sandbox/escalate", EscalateRequest{Case: c, Messages: msgs}, nil)
	if resp.status != http.StatusCreated {
		h.t.Fatalf("escalate: %d %s", resp.status, resp.raw)
	}
	var out care.Case
	resp.data(h.t, &out)
	return out
}

func (h *harness) getCase(id string) care.Case {
	h.t.Helper()
	var c care.Case
	h.do(http.MethodGet, "/3/care/cases/"+id, nil, nil).data(h.t, &c)
	return c
}

func (h *harness) messages(caseID string) map[string]care.Message {
	h.t.Helper()
	var ms []care.Message
	h.do(http.MethodGet, "/3/care/cases/"+caseID+"/messages", nil, nil).data(h.t, &ms)
	out := map[string]care.Message{}
	for _, m := range ms {
		out[m.ID] = m
	}
	return out
}

func (h *harness) reply(caseID string, req care.ReplyRequest) response {
	h.t.Helper()
	return h.do(http.MethodPost, "/3/care/cases/"+caseID+"/replies", req, nil)
}

// action moderates a message from its own case, as the Care UI does.
func (h *harness) action(msgID, action string) response {
	h.t.Helper()
	h.sim.mu.Lock()
	var caseID string
	if m, ok := h.sim.messages[msgID]; ok {
		caseID = m.CaseID
	}
	h.sim.mu.Unlock()
	return h.do(http.MethodPost, "/3/care/messages/"+msgID+"/actions", care.ActionRequest{Action: action, CaseID: caseID}, nil)
}

// wantOK fails unless the response is a 2xx.
func wantOK(t *testing.T, what string, r response) {
	t.Helper()
	if r.status < 200 || r.status > 299 {
		t.Fatalf("%s: want success, got %d %s", what, r.status, r.raw)
	}
}

// wantRefused fails unless the response is a 422 rule refusal with code.
func wantRefused(t *testing.T, what string, r response, code string) {
	t.Helper()
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("%s: want 422 %s, got %d %s", what, code, r.status, r.raw)
	}
	if r.rule() != code {
		t.Fatalf("%s: want rule %q, got %q (%s)", what, code, r.rule(), r.message())
	}
	if r.message() == "" {
		t.Fatalf("%s: refusal without a readable reason", what)
	}
}

func strp(s string) *string { return &s }
