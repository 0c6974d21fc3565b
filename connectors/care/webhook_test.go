package care_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/internal/testenv"
)

const webhookSecret = "whsec-test-5f1c9a"

var webhookNow = time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)

func signature(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// recorder collects enqueued keys; fail makes the next calls fail.
type recorder struct {
	mu   sync.Mutex
	keys []string
	fail int
}

func (r *recorder) enqueue(_ context.Context, ev care.CaseEvent) error {
	key := "case:" + ev.CaseID
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return errors.New("queue down")
	}
	r.keys = append(r.keys, key)
	return nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.keys...)
}

type webhookFixture struct {
	srv  *httptest.Server
	rec  *recorder
	reg  *prometheus.Registry
	logs *bytes.Buffer
}

func newWebhookFixture(t *testing.T, opts care.WebhookOptions) *webhookFixture {
	t.Helper()
	f := &webhookFixture{rec: &recorder{}, reg: prometheus.NewRegistry(), logs: &bytes.Buffer{}}
	if opts.Secret == "" {
		opts.Secret = webhookSecret
	}
	if opts.Enqueue == nil {
		opts.Enqueue = f.rec.enqueue
	}
	if opts.Clock == nil {
		opts.Clock = func() time.Time { return webhookNow }
	}
	opts.Metrics = care.NewWebhookMetrics(f.reg)
	opts.Logger = slog.New(slog.NewTextHandler(&syncWriter{w: f.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.srv = httptest.NewServer(care.NewWebhookReceiver(opts))
	t.Cleanup(f.srv.Close)
	return f
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (f *webhookFixture) post(t *testing.T, header string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, f.srv.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if header != "" {
		req.Header.Set(care.SignatureHeader, header)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (f *webhookFixture) outcome(o string) float64 {
	return counterValue(f.reg, "carebridge_care_webhook_deliveries_total", map[string]string{"outcome": o})
}

// counterValue reads one counter series from reg (-1 when absent).
func counterValue(reg *prometheus.Registry, name string, labels map[string]string) float64 {
	mfs, err := reg.Gather()
	if err != nil {
		return -1
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return -1
}

func event(id, typ, caseID string) []byte {
	return fmt.Appendf(nil, `{"id":%q,"type":%q,"case_id":%q,"created_at":"2026-11-25T05:59:00Z","data":{"id":%q}}`, id, typ, caseID, caseID)
}

func TestWebhookReceiver(t *testing.T) {
	valid := event("ev-1", care.EventCaseCreated, "c-42")
	tests := []struct {
		name     string
		method   string
		header   string
		body     []byte
		status   int
		outcome  string
		wantKeys []string
		inBody   string // part of the response body
	}{
		{name: "valid case.created", header: signature(webhookSecret, webhookNow, valid), body: valid,
			status: 200, outcome: care.OutcomeAccepted, wantKeys: []string{"case:c-42"}},
		{name: "valid message.created within tolerance", body: event("ev-2", care.EventMessageCreated, "c-7"),
			header: signature(webhookSecret, webhookNow.Add(-4*time.Minute), event("ev-2", care.EventMessageCreated, "c-7")),
			status: 200, outcome: care.OutcomeAccepted, wantKeys: []string{"case:c-7"}},
		{name: "valid note.created, second of two v1 signatures matches (rotation)", body: event("ev-3", care.EventNoteCreated, "c-8"),
			header: "t=" + strconv.FormatInt(webhookNow.Unix(), 10) + ",v1=" + mac("old-secret", strconv.FormatInt(webhookNow.Unix(), 10), event("ev-3", care.EventNoteCreated, "c-8")) +
				", v1=" + mac(webhookSecret, strconv.FormatInt(webhookNow.Unix(), 10), event("ev-3", care.EventNoteCreated, "c-8")) + ",v0=ignored",
			status: 200, outcome: care.OutcomeAccepted, wantKeys: []string{"case:c-8"}},
		{name: "unknown fields are ignored", body: []byte(`{"id":"ev-4","type":"case.updated","case_id":"c-9","future_field":{"x":1}}`),
			header: signature(webhookSecret, webhookNow, []byte(`{"id":"ev-4","type":"case.updated","case_id":"c-9","future_field":{"x":1}}`)),
			status: 200, outcome: care.OutcomeAccepted, wantKeys: []string{"case:c-9"}},
		{name: "bad signature (wrong secret)", header: signature("wrong-secret", webhookNow, valid), body: valid,
			status: 401, outcome: care.OutcomeBadSignature, inBody: "signature does not match"},
		{name: "body altered after signing", header: signature(webhookSecret, webhookNow, valid), body: event("ev-1", care.EventCaseCreated, "c-43"),
			status: 401, outcome: care.OutcomeBadSignature, inBody: "signature does not match"},
		{name: "timestamp altered after signing", body: valid,
			header: "t=" + strconv.FormatInt(webhookNow.Unix()+1, 10) + ",v1=" + mac(webhookSecret, strconv.FormatInt(webhookNow.Unix(), 10), valid),
			status: 401, outcome: care.OutcomeBadSignature},
		{name: "missing signature header", body: valid, status: 401, outcome: care.OutcomeBadSignature, inBody: "missing X-Care-Signature"},
		{name: "malformed signature header", header: "sha256=abcdef", body: valid, status: 401, outcome: care.OutcomeBadSignature, inBody: "malformed"},
		{name: "signature not hex", header: "t=" + strconv.FormatInt(webhookNow.Unix(), 10) + ",v1=zz", body: valid, status: 401, outcome: care.OutcomeBadSignature},
		{name: "no timestamp", header: "v1=" + mac(webhookSecret, "", valid), body: valid, status: 401, outcome: care.OutcomeBadSignature, inBody: "no timestamp"},
		{name: "stale timestamp (replay)", header: signature(webhookSecret, webhookNow.Add(-6*time.Minute), valid), body: valid,
			status: 400, outcome: care.OutcomeStale, inBody: "outside the 5m0s tolerance"},
		{name: "timestamp too far in the future", header: signature(webhookSecret, webhookNow.Add(6*time.Minute), valid), body: valid,
			status: 400, outcome: care.OutcomeStale},
		{name: "malformed JSON", header: signature(webhookSecret, webhookNow, []byte(`{"id":"ev-1",`)), body: []byte(`{"id":"ev-1",`),
			status: 400, outcome: care.OutcomeMalformed, inBody: "not a JSON event object"},
		{name: "JSON array instead of object", header: signature(webhookSecret, webhookNow, []byte(`[1,2]`)), body: []byte(`[1,2]`),
			status: 400, outcome: care.OutcomeMalformed},
		{name: "trailing data after the object", header: signature(webhookSecret, webhookNow, append(append([]byte{}, valid...), []byte(` {}`)...)),
			body: append(append([]byte{}, valid...), []byte(` {}`)...), status: 400, outcome: care.OutcomeMalformed, inBody: "data after the event object"},
		{name: "wrong field type", header: signature(webhookSecret, webhookNow, []byte(`{"id":1,"type":"case.created","case_id":"c"}`)),
			body: []byte(`{"id":1,"type":"case.created","case_id":"c"}`), status: 400, outcome: care.OutcomeMalformed, inBody: `field "id"`},
		{name: "unknown event type", header: signature(webhookSecret, webhookNow, event("ev-5", "case.exploded", "c-1")), body: event("ev-5", "case.exploded", "c-1"),
			status: 200, outcome: care.OutcomeUnknownType, inBody: `unknown event type "case.exploded"`},
		{name: "unknown event type without a case id", header: signature(webhookSecret, webhookNow, []byte(`{"id":"ev-10","type":"profile.updated"}`)),
			body: []byte(`{"id":"ev-10","type":"profile.updated"}`), status: 200, outcome: care.OutcomeUnknownType, inBody: `unknown event type "profile.updated"`},
		{name: "missing case id", header: signature(webhookSecret, webhookNow, []byte(`{"id":"ev-6","type":"case.created"}`)),
			body: []byte(`{"id":"ev-6","type":"case.created"}`), status: 200, outcome: care.OutcomeUnusableCaseID, inBody: "case id (none) is missing"},
		{name: "missing event id", header: signature(webhookSecret, webhookNow, []byte(`{"type":"case.created","case_id":"c-1"}`)),
			body: []byte(`{"type":"case.created","case_id":"c-1"}`), status: 400, outcome: care.OutcomeMalformed, inBody: "event id is missing"},
		{name: "case id with a space (the engine syncs it)", header: signature(webhookSecret, webhookNow, event("ev-7", care.EventCaseCreated, "c 1")),
			body: event("ev-7", care.EventCaseCreated, "c 1"), status: 200, outcome: care.OutcomeAccepted, wantKeys: []string{"case:c 1"}},
		{name: "case id with a tab (the engine syncs it)", header: signature(webhookSecret, webhookNow, event("ev-11", care.EventCaseCreated, "c\t1")),
			body: event("ev-11", care.EventCaseCreated, "c\t1"), status: 200, outcome: care.OutcomeAccepted, wantKeys: []string{"case:c\t1"}},
		{name: "case id that was not valid UTF-8", header: signature(webhookSecret, webhookNow, []byte("{\"id\":\"ev-15\",\"type\":\"case.created\",\"case_id\":\"c\xff1\"}")),
			body: []byte("{\"id\":\"ev-15\",\"type\":\"case.created\",\"case_id\":\"c\xff1\"}"), status: 200, outcome: care.OutcomeUnusableCaseID, inBody: "case id \"c\ufffd1\" is not valid UTF-8"},
		{name: "case id that is a number", header: signature(webhookSecret, webhookNow, []byte(`{"id":"ev-12","type":"case.updated","case_id":42}`)),
			body: []byte(`{"id":"ev-12","type":"case.updated","case_id":42}`), status: 200, outcome: care.OutcomeUnusableCaseID, inBody: `case id "42" is a number, not a string`},
		{name: "empty case id", header: signature(webhookSecret, webhookNow, event("ev-13", care.EventNoteCreated, "")),
			body: event("ev-13", care.EventNoteCreated, ""), status: 200, outcome: care.OutcomeUnusableCaseID, inBody: `case id "" is empty`},
		{name: "case id fits Care_Case_Id__c exactly", header: signature(webhookSecret, webhookNow, event("ev-8", care.EventCaseCreated, strings.Repeat("c", 64))),
			body: event("ev-8", care.EventCaseCreated, strings.Repeat("c", 64)), status: 200, outcome: care.OutcomeAccepted, wantKeys: []string{"case:" + strings.Repeat("c", 64)}},
		{name: "case id longer than Care_Case_Id__c", header: signature(webhookSecret, webhookNow, event("ev-9", care.EventCaseCreated, strings.Repeat("c", 65))),
			body: event("ev-9", care.EventCaseCreated, strings.Repeat("c", 65)), status: 200, outcome: care.OutcomeUnusableCaseID, inBody: "longer than the 64 characters"},
		{name: "case id over 256 characters", header: signature(webhookSecret, webhookNow, event("ev-14", care.EventMessageCreated, strings.Repeat("c", 300))),
			body: event("ev-14", care.EventMessageCreated, strings.Repeat("c", 300)), status: 200, outcome: care.OutcomeUnusableCaseID,
			inBody: `case id "` + strings.Repeat("c", 64) + `"... (300 characters) is longer than the 64 characters`},
		{name: "oversize body", header: signature(webhookSecret, webhookNow, bytes.Repeat([]byte("x"), 2048)), body: bytes.Repeat([]byte("x"), 2048),
			status: 413, outcome: care.OutcomeTooLarge},
		{name: "GET is not allowed", method: http.MethodGet, status: 405, outcome: care.OutcomeBadMethod},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newWebhookFixture(t, care.WebhookOptions{MaxBody: 1024, MaxCaseIDLength: 64})
			var status int
			var body string
			if tc.method == http.MethodGet {
				resp, err := f.srv.Client().Get(f.srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				status = resp.StatusCode
				if resp.Header.Get("Allow") != http.MethodPost {
					t.Errorf("Allow = %q, want POST", resp.Header.Get("Allow"))
				}
			} else {
				status, body = f.post(t, tc.header, tc.body)
			}
			if status != tc.status {
				t.Errorf("status = %d, want %d (body %q)", status, tc.status, body)
			}
			if tc.inBody != "" && !strings.Contains(body, tc.inBody) {
				t.Errorf("body = %q, want it to contain %q", body, tc.inBody)
			}
			if got := f.rec.got(); fmt.Sprint(got) != fmt.Sprint(tc.wantKeys) {
				t.Errorf("enqueued %v, want %v", got, tc.wantKeys)
			}
			if n := f.outcome(tc.outcome); n != 1 {
				t.Errorf("outcome %s counted %v times, want 1", tc.outcome, n)
			}
			if strings.Contains(body, webhookSecret) || strings.Contains(f.logs.String(), webhookSecret) {
				t.Error("the webhook secret leaked into a response or a log line")
			}
		})
	}
}

// stall opens a delivery to srv with the signature header sig ("": none)
// that announces a body of 1,000 bytes and sends one, and returns the
// answer the receiver gives while the sender stalls (within a minute).
func stall(t *testing.T, srv *httptest.Server, sig string) *http.Response {
	t.Helper()
	var headers []string
	if sig != "" {
		headers = append(headers, care.SignatureHeader+": "+sig)
	}
	c := testenv.StallRequest(t, srv.Listener.Addr().String(), nil, "/", headers...)
	if err := c.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer while the sender stalls: %v", err)
	}
	resp.Body.Close()
	return resp
}

// TestWebhookReceiverRefusesWhatCannotBeAuthenticBeforeItsBody: a delivery
// without a signature header, or with a malformed one, is answered 401
// without waiting for its body (the body timeout is a minute here) and
// its connection is closed, so an unauthenticated sender that stalls holds
// nothing; it never reaches Admit.
func TestWebhookReceiverRefusesWhatCannotBeAuthenticBeforeItsBody(t *testing.T) {
	admitted := 0
	f := newWebhookFixture(t, care.WebhookOptions{BodyTimeout: time.Minute,
		Admit: func(http.ResponseWriter, *http.Request) (func(), bool) { admitted++; return func() {}, true }})
	for _, sig := range []string{"", "sha256=deadbeef", "t=1,v1=zz"} {
		resp := stall(t, f.srv, sig)
		if resp.StatusCode != http.StatusUnauthorized || !resp.Close {
			t.Errorf("signature %q: %d (close %v), want 401 and the connection closed", sig, resp.StatusCode, resp.Close)
		}
	}
	if n := f.outcome(care.OutcomeBadSignature); n != 3 {
		t.Errorf("bad_signature counted %v, want 3", n)
	}
	if admitted != 0 {
		t.Errorf("Admit asked %d times for deliveries that cannot be authentic", admitted)
	}
}

// TestWebhookReceiverCutsOffASlowBody: a delivery with a well-formed (here
// forged) signature is read, but its body must arrive within the body
// timeout: a sender that stalls is answered 408 and its connection closed,
// and the slot Admit gave it is released.
func TestWebhookReceiverCutsOffASlowBody(t *testing.T) {
	var admitted, released int
	var mu sync.Mutex
	f := newWebhookFixture(t, care.WebhookOptions{BodyTimeout: 200 * time.Millisecond,
		Admit: func(http.ResponseWriter, *http.Request) (func(), bool) {
			mu.Lock()
			defer mu.Unlock()
			admitted++
			return func() { mu.Lock(); released++; mu.Unlock() }, true
		}})
	resp := stall(t, f.srv, "t=1,v1="+strings.Repeat("ab", 32))
	if resp.StatusCode != http.StatusRequestTimeout || !resp.Close {
		t.Errorf("stalled body: %d (close %v), want 408 and the connection closed", resp.StatusCode, resp.Close)
	}
	if n := f.outcome(care.OutcomeSlowBody); n != 1 {
		t.Errorf("slow_body counted %v, want 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if admitted != 1 || released != 1 {
		t.Errorf("Admit gave %d slots and %d were released, want 1 and 1", admitted, released)
	}
}

// TestWebhookReceiverRecordsUnusableCaseIDs: an event whose case id cannot
// be used is acknowledged, counted and handed to Unusable with the id as
// it can be shown (quoted, escaped, cut short) and the reason (one without
// a case id names no case to hand over); nothing is enqueued, and a
// failing Unusable does not make Care redeliver.
func TestWebhookReceiverRecordsUnusableCaseIDs(t *testing.T) {
	type noted struct{ id, reason string }
	var got []noted
	fail := false
	f := newWebhookFixture(t, care.WebhookOptions{MaxCaseIDLength: 64, Unusable: func(_ context.Context, id, reason string) error {
		got = append(got, noted{id, reason})
		if fail {
			return errors.New("redis down")
		}
		return nil
	}})
	for i, id := range []string{"odd\ufffdcase", strings.Repeat("é", 80)} {
		fail = i == 1
		body := event(fmt.Sprint("ev-u", i), care.EventCaseUpdated, id)
		if status, resp := f.post(t, signature(webhookSecret, webhookNow, body), body); status != http.StatusOK {
			t.Fatalf("event %d: %d %s, want 200", i, status, resp)
		}
	}
	// An event without a case id is acknowledged too, but names no case.
	missing := []byte(`{"id":"ev-u2","type":"case.updated"}`)
	if status, resp := f.post(t, signature(webhookSecret, webhookNow, missing), missing); status != http.StatusOK {
		t.Fatalf("event without a case id: %d %s, want 200", status, resp)
	}
	want := []noted{{"\"odd\ufffdcase\"", "is not valid UTF-8"},
		{`"` + strings.Repeat("é", 64) + `"... (80 characters)`, "is longer than the 64 characters Salesforce's Care_Case_Id__c holds"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("recorded %q, want %q", got, want)
	}
	if n := f.outcome(care.OutcomeUnusableCaseID); n != 3 || len(f.rec.got()) != 0 {
		t.Errorf("unusable_case_id counted %v, enqueued %v; want 3 and nothing", n, f.rec.got())
	}
	if !strings.Contains(f.logs.String(), "recording a case that cannot be synced failed") {
		t.Error("the failed recording was not logged")
	}
}

func TestWebhookReceiverOversizeChunkedBody(t *testing.T) {
	f := newWebhookFixture(t, care.WebhookOptions{MaxBody: 64})
	body := event("ev-big", care.EventCaseCreated, strings.Repeat("c", 200))
	// An io.Reader that is not a *bytes.Reader makes the request chunked:
	// no Content-Length, so the limit is enforced while reading.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, f.srv.URL, io.MultiReader(bytes.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(care.SignatureHeader, signature(webhookSecret, webhookNow, body))
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", resp.StatusCode)
	}
	if len(f.rec.got()) != 0 {
		t.Fatal("an oversize body was enqueued")
	}
}

func TestWebhookReceiverReplayedEventID(t *testing.T) {
	f := newWebhookFixture(t, care.WebhookOptions{})
	body := event("ev-dup", care.EventCaseUpdated, "c-1")
	// Care re-sends the same event (same id) with a fresh signature.
	for i, at := range []time.Time{webhookNow.Add(-time.Minute), webhookNow} {
		status, resp := f.post(t, signature(webhookSecret, at, body), body)
		if status != http.StatusOK {
			t.Fatalf("delivery %d: status %d (%s), want 200", i, status, resp)
		}
	}
	if got := f.rec.got(); len(got) != 1 || got[0] != "case:c-1" {
		t.Fatalf("enqueued %v, want exactly [case:c-1]", got)
	}
	if f.outcome(care.OutcomeDuplicate) != 1 || f.outcome(care.OutcomeAccepted) != 1 {
		t.Fatalf("accepted=%v duplicate=%v, want 1 and 1", f.outcome(care.OutcomeAccepted), f.outcome(care.OutcomeDuplicate))
	}
	// A different event about the same case is new work.
	other := event("ev-other", care.EventMessageCreated, "c-1")
	if status, _ := f.post(t, signature(webhookSecret, webhookNow, other), other); status != http.StatusOK {
		t.Fatalf("status %d, want 200", status)
	}
	if got := f.rec.got(); len(got) != 2 {
		t.Fatalf("enqueued %v, want two keys", got)
	}
}

func TestWebhookReceiverEnqueueFailureIsRetriedByCare(t *testing.T) {
	f := newWebhookFixture(t, care.WebhookOptions{})
	f.rec.fail = 1
	body := event("ev-retry", care.EventCaseCreated, "c-5")
	status, resp := f.post(t, signature(webhookSecret, webhookNow, body), body)
	if status != http.StatusServiceUnavailable {
		t.Fatalf("first delivery: status %d (%s), want 503", status, resp)
	}
	if len(f.rec.got()) != 0 {
		t.Fatal("failed enqueue recorded a key")
	}
	// Care retries: the event id must not have been remembered.
	status, resp = f.post(t, signature(webhookSecret, webhookNow, body), body)
	if status != http.StatusOK || strings.TrimSpace(resp) != care.OutcomeAccepted {
		t.Fatalf("retry: status %d (%s), want 200 accepted", status, resp)
	}
	if got := f.rec.got(); len(got) != 1 || got[0] != "case:c-5" {
		t.Fatalf("enqueued %v, want [case:c-5]", got)
	}
}

type failingDedupe struct{}

func (failingDedupe) FirstSeen(context.Context, string) (bool, error) {
	return false, errors.New("redis down")
}
func (failingDedupe) Forget(context.Context, string) error { return errors.New("redis down") }

func TestWebhookReceiverUnavailable(t *testing.T) {
	body := event("ev-u", care.EventCaseCreated, "c-1")
	rec := &recorder{}
	clock := func() time.Time { return webhookNow }
	quiet := slog.New(slog.DiscardHandler)
	tests := []struct {
		name string
		opts care.WebhookOptions
	}{
		{name: "dedupe store down", opts: care.WebhookOptions{Secret: webhookSecret, Dedupe: failingDedupe{}, Enqueue: rec.enqueue, Clock: clock, Logger: quiet}},
		{name: "no enqueue callback", opts: care.WebhookOptions{Secret: webhookSecret, Clock: clock, Logger: quiet}},
		{name: "no secret", opts: care.WebhookOptions{Enqueue: rec.enqueue, Clock: clock, Logger: quiet}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(care.NewWebhookReceiver(tc.opts))
			defer srv.Close()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set(care.SignatureHeader, signature(webhookSecret, webhookNow, body))
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503", resp.StatusCode)
			}
			if len(rec.got()) != 0 {
				t.Fatal("enqueued despite the failure")
			}
		})
	}
}

func TestMemoryDedupeExpires(t *testing.T) {
	now := webhookNow
	d := care.NewMemoryDedupe(time.Hour, func() time.Time { return now })
	ctx := t.Context()
	steps := []struct {
		advance time.Duration
		id      string
		first   bool
	}{
		{0, "a", true},
		{time.Minute, "a", false},
		{time.Minute, "b", true},
		{59 * time.Minute, "a", true}, // 61m after it was recorded: expired
		{0, "b", false},               // 59m after it was recorded
		{time.Hour, "b", true},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		got, err := d.FirstSeen(ctx, s.id)
		if err != nil {
			t.Fatal(err)
		}
		if got != s.first {
			t.Fatalf("step %d: FirstSeen(%s) = %v, want %v", i, s.id, got, s.first)
		}
	}
	if err := d.Forget(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if first, _ := d.FirstSeen(ctx, "b"); !first {
		t.Fatal("a forgotten id must be new again")
	}
}

func FuzzWebhook(f *testing.F) {
	f.Add([]byte(`{"id":"ev-1","type":"case.created","case_id":"c-1"}`), "", true)
	f.Add([]byte(`{"id":"ev-1","type":"case.created","case_id":"c-1"}`), "t=1,v1=00", false)
	f.Add([]byte(`{"id":"ev-1","type":"nope","case_id":""}`), "", true)
	f.Add([]byte(`{"id":"\u0000","type":"case.created","case_id":"\xff"}`), "", true)
	f.Add([]byte(`[`), "t=99999999999999999999,v1=zz", false)
	f.Add([]byte(`null`), ",,,=", true)
	f.Add([]byte(`{"id":"e","type":"case.updated","case_id":"c"} x`), "t=-1,v1=", false)

	rec := &recorder{}
	h := care.NewWebhookReceiver(care.WebhookOptions{
		Secret:  webhookSecret,
		MaxBody: 4096,
		Enqueue: rec.enqueue,
		Clock:   func() time.Time { return webhookNow },
		Logger:  slog.New(slog.DiscardHandler),
	})
	f.Fuzz(func(t *testing.T, body []byte, header string, sign bool) {
		if sign {
			header = signature(webhookSecret, webhookNow, body)
		}
		req := httptest.NewRequest(http.MethodPost, "/webhooks/care", bytes.NewReader(body))
		req.Header.Set(care.SignatureHeader, header)
		w := httptest.NewRecorder()
		before := len(rec.got())
		h.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK:
			if !sign {
				// Only a forged HMAC could pass; the fuzzer cannot find one.
				t.Fatalf("unsigned body accepted: header %q", header)
			}
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge:
			if len(rec.got()) != before {
				t.Fatalf("refused delivery (%d) enqueued a key", w.Code)
			}
		default:
			t.Fatalf("unexpected status %d: %s", w.Code, w.Body.String())
		}
	})
}

// TestWebhookReceiverSkipsCaseEventsAlreadySynced: a case event whose
// data.updated_at is the state carebridge already synced (the echo of its
// own write) is acknowledged without queuing the case; a later state, a
// message event, an error of Synced and an event without updated_at queue
// it as usual.
func TestWebhookReceiverSkipsCaseEventsAlreadySynced(t *testing.T) {
	synced := time.Date(2026, 11, 25, 5, 58, 0, 123456000, time.UTC)
	f := newWebhookFixture(t, care.WebhookOptions{Synced: func(_ context.Context, caseID string, part care.EventPart, at time.Time) (bool, error) {
		if caseID == "c-broken" {
			return false, errors.New("redis down")
		}
		return caseID == "c-1" && part == care.PartCase && at.Equal(synced), nil
	}})
	caseEvent := func(id, typ, caseID string, at time.Time) []byte {
		return fmt.Appendf(nil, `{"id":%q,"type":%q,"case_id":%q,"data":{"id":%q,"updated_at":%q}}`, id, typ, caseID, caseID, at.Format(time.RFC3339Nano))
	}
	for _, body := range [][]byte{
		caseEvent("ev-echo", care.EventCaseUpdated, "c-1", synced),
		caseEvent("ev-later", care.EventCaseUpdated, "c-1", synced.Add(time.Microsecond)),
		event("ev-message", care.EventMessageCreated, "c-1"),
		caseEvent("ev-broken", care.EventCaseUpdated, "c-broken", synced),
		event("ev-no-stamp", care.EventCaseUpdated, "c-1"),
	} {
		if status, resp := f.post(t, signature(webhookSecret, webhookNow, body), body); status != http.StatusOK {
			t.Fatalf("status %d (%s), want 200", status, resp)
		}
	}
	if got := f.rec.got(); len(got) != 4 {
		t.Errorf("queued %v; want the four events that are not the echo", got)
	}
	if f.outcome(care.OutcomeInStep) != 1 || f.outcome(care.OutcomeAccepted) != 4 {
		t.Errorf("in_step=%v accepted=%v, want 1 and 4", f.outcome(care.OutcomeInStep), f.outcome(care.OutcomeAccepted))
	}
}
