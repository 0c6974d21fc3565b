package care_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/internal/testkit"
)

const (
	simToken  = "tok-7a1b2c"
	simSecret = "sec-9d8e7f-very-secret"
	simBearer = "bearer-3c4d5e-oauth"
)

// sandbox is a Care sandbox on loopback with a client pointed at it.
type sandbox struct {
	sim    *caresim.Server
	srv    *httptest.Server
	client *care.Client
	reg    *prometheus.Registry
	logs   *bytes.Buffer
}

type sandboxOptions struct {
	sim    caresim.Options
	client care.Config
}

func newSandbox(t *testing.T, o sandboxOptions) *sandbox {
	t.Helper()
	o.sim.Token, o.sim.Secret, o.sim.BearerToken = simToken, simSecret, simBearer
	sim, err := caresim.New(o.sim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	sb := &sandbox{sim: sim, srv: srv, reg: prometheus.NewRegistry(), logs: &bytes.Buffer{}}
	sb.client = sb.newClient(t, o.client)
	return sb
}

// newClient returns a fresh client (a "restarted process") for the sandbox.
// cfg's credentials default to the sandbox's Basic auth.
func (sb *sandbox) newClient(t *testing.T, cfg care.Config) *care.Client {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = sb.srv.URL
	}
	if cfg.Token == "" && cfg.Secret == "" && cfg.BearerToken == "" {
		cfg.Token, cfg.Secret = simToken, simSecret
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	log := slog.New(slog.NewTextHandler(&syncWriter{w: sb.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := care.New(cfg, upstream.NewMetrics(nil), log)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr(s string) *string { return &s }

// seed adds an agent, two Facebook profiles and a Facebook case with a
// brand post and a customer comment (without profile: a listening mention
// _c1). assigned and profile choose the case's state.
func (sb *sandbox) seed(t *testing.T, id string, assigned, profile bool) care.Case {
	t.Helper()
	sb.sim.AddAgent(care.Agent{ID: "agent_1", Name: "Ana", Email: "ana@example.com"})
	sb.sim.AddAgent(care.Agent{ID: "agent_2", Name: "Ben", Email: "ben@example.com"})
	sb.sim.AddProfile(care.Profile{ID: "prof_fb", Platform: rules.Facebook, Name: "Acme", Handle: "acme"})
	sb.sim.AddProfile(care.Profile{ID: "prof_fb2", Platform: rules.Facebook, Name: "Acme UK", Handle: "acmeuk"})
	c := care.Case{ID: id, Platform: rules.Facebook, Subject: "Broken tent",
		Customer: care.Customer{ID: "u_" + id, Handle: "maria", Name: "Maria"}}
	if assigned {
		c.AssigneeID = ptr("agent_1")
	}
	now := time.Now()
	msgs := []care.Message{
		{ID: id + "_post", Kind: rules.Post, Direction: care.Outbound, Text: "New tent!", PostedAt: now.Add(-48 * time.Hour),
			Author: care.Author{ID: "prof_fb", Handle: "acme", IsBrand: true}},
		{ID: id + "_c1", Kind: rules.Comment, ParentID: ptr(id + "_post"), Text: "Mine broke.", PostedAt: now.Add(-time.Hour)},
	}
	if profile {
		c.ProfileID = ptr("prof_fb")
	} else { // as in Care, only listening content arrives without a profile
		msgs = []care.Message{{ID: id + "_c1", Kind: rules.ListeningMention, Text: "Acme tents break.", PostedAt: now.Add(-time.Hour)}}
	}
	got, err := sb.sim.Escalate(c, msgs)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (sb *sandbox) requests(op, code string) float64 {
	return max(0, counterValue(sb.reg, "carebridge_upstream_requests_total", map[string]string{"system": "care", "operation": op, "code": code}))
}

// TestClientContractOperations calls every operation of the contract over
// HTTP, with Basic auth and with a bearer token, and checks the effect in
// the sandbox and the upstream metrics.
func TestClientContractOperations(t *testing.T) {
	for _, auth := range []struct {
		name string
		cfg  care.Config
	}{
		{"basic", care.Config{Token: simToken, Secret: simSecret}},
		{"bearer", care.Config{BearerToken: simBearer}},
	} {
		t.Run(auth.name, func(t *testing.T) {
			sb := newSandbox(t, sandboxOptions{})
			metrics := upstream.NewMetrics(sb.reg)
			cfg := auth.cfg
			cfg.BaseURL, cfg.Timeout = sb.srv.URL, 5*time.Second
			client, err := care.New(cfg, metrics, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			sb.seed(t, "case_a", true, true)
			sb.seed(t, "case_b", true, false)

			steps := []struct {
				op  string
				run func(t *testing.T)
			}{
				{"listCases", func(t *testing.T) {
					page, err := client.ListCases(ctx, time.Time{}, "", 1)
					if err != nil {
						t.Fatal(err)
					}
					if len(page.Cases) != 1 || page.NextCursor == "" {
						t.Fatalf("first page of 1: %d cases, next %q", len(page.Cases), page.NextCursor)
					}
					next, err := client.ListCases(ctx, time.Time{}, page.NextCursor, 1)
					if err != nil {
						t.Fatal(err)
					}
					if len(next.Cases) != 1 || next.Cases[0].ID == page.Cases[0].ID {
						t.Fatalf("second page: %+v after %s", next.Cases, page.Cases[0].ID)
					}
				}},
				{"getCase", func(t *testing.T) {
					c, err := client.GetCase(ctx, "case_a")
					if err != nil {
						t.Fatal(err)
					}
					want, _ := sb.sim.Case("case_a")
					if c.ID != want.ID || c.Subject != want.Subject || *c.AssigneeID != *want.AssigneeID || !c.UpdatedAt.Equal(want.UpdatedAt) {
						t.Fatalf("got %+v, want %+v", c, want)
					}
				}},
				{"listMessages", func(t *testing.T) {
					ms, err := client.Messages(ctx, "case_a")
					if err != nil {
						t.Fatal(err)
					}
					want := sb.sim.Messages("case_a")
					if len(ms) != len(want) || ms[1].ID != want[1].ID || ms[1].ParentID == nil || *ms[1].ParentID != "case_a_post" {
						t.Fatalf("got %+v, want %+v", ms, want)
					}
				}},
				{"addNote", func(t *testing.T) {
					n, err := client.AddNote(ctx, "case_a", care.NoteRequest{Text: "Called the customer.", AuthorID: "agent_1"}, "note-key-1")
					if err != nil {
						t.Fatal(err)
					}
					notes := sb.sim.Notes("case_a")
					if len(notes) != 1 || notes[0].ID != n.ID || notes[0].Text != "Called the customer." {
						t.Fatalf("sandbox notes %+v, returned %+v", notes, n)
					}
				}},
				{"listNotes", func(t *testing.T) {
					ns, err := client.Notes(ctx, "case_a")
					if err != nil {
						t.Fatal(err)
					}
					if len(ns) != 1 || ns[0].AuthorID != "agent_1" {
						t.Fatalf("notes %+v", ns)
					}
				}},
				{"listAgents", func(t *testing.T) {
					as, err := client.Agents(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if len(as) != 2 || as[0].Email != "ana@example.com" {
						t.Fatalf("agents %+v", as)
					}
				}},
				{"listProfiles", func(t *testing.T) {
					ps, err := client.Profiles(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if len(ps) != 2 || ps[0].Platform != rules.Facebook {
						t.Fatalf("profiles %+v", ps)
					}
				}},
				{"assignCase", func(t *testing.T) {
					c, err := client.Assign(ctx, "case_a", ptr("agent_2"), "assign-1")
					if err != nil {
						t.Fatal(err)
					}
					got, _ := sb.sim.Case("case_a")
					if c.AssigneeID == nil || *c.AssigneeID != "agent_2" || *got.AssigneeID != "agent_2" {
						t.Fatalf("returned %v, sandbox %v", c.AssigneeID, got.AssigneeID)
					}
				}},
				{"setCaseProfile", func(t *testing.T) {
					c, err := client.SetProfile(ctx, "case_b", "prof_fb2", "profile-1")
					if err != nil {
						t.Fatal(err)
					}
					got, _ := sb.sim.Case("case_b")
					if c.ProfileID == nil || *c.ProfileID != "prof_fb2" || got.ProfileID == nil || *got.ProfileID != "prof_fb2" {
						t.Fatalf("returned %v, sandbox %v", c.ProfileID, got.ProfileID)
					}
				}},
				{"postReply", func(t *testing.T) {
					m, err := client.Reply(ctx, "case_a", care.ReplyRequest{Mode: rules.PublicReply, InReplyTo: "case_a_c1", Text: "Sorry! We'll send a new pole."}, "reply-1")
					if err != nil {
						t.Fatal(err)
					}
					rs := sb.sim.Replies("case_a")
					if len(rs) != 1 || rs[0].ID != m.ID || m.ParentID == nil || *m.ParentID != "case_a_c1" || m.Direction != care.Outbound {
						t.Fatalf("returned %+v, sandbox replies %+v", m, rs)
					}
				}},
				{"messageAction", func(t *testing.T) {
					res, err := client.Act(ctx, "case_a", "case_a_c1", care.ActionLike, "like-1")
					if err != nil {
						t.Fatal(err)
					}
					var liked bool
					for _, m := range sb.sim.Messages("case_a") {
						if m.ID == "case_a_c1" {
							liked = m.Liked
						}
					}
					if res.MessageID != "case_a_c1" || res.Action != care.ActionLike || !liked {
						t.Fatalf("result %+v, liked in sandbox %v", res, liked)
					}
				}},
				{"setCaseStatus", func(t *testing.T) {
					c, err := client.SetStatus(ctx, "case_a", rules.Done, "status-1")
					if err != nil {
						t.Fatal(err)
					}
					got, _ := sb.sim.Case("case_a")
					if c.Status != rules.Done || got.Status != rules.Done {
						t.Fatalf("returned %s, sandbox %s", c.Status, got.Status)
					}
				}},
			}
			for _, st := range steps {
				t.Run(st.op, func(t *testing.T) {
					before := sb.sim.Calls(st.op)
					st.run(t)
					if sb.sim.Calls(st.op) <= before {
						t.Errorf("sandbox saw no %s call", st.op)
					}
					if n := sb.requests(st.op, "200") + sb.requests(st.op, "201"); n < 1 {
						t.Errorf("carebridge_upstream_requests_total{operation=%q} = %v, want >= 1", st.op, n)
					}
				})
			}
			if n := histogramCount(sb.reg, "carebridge_upstream_request_duration_seconds"); n < uint64(len(steps)) {
				t.Errorf("duration histogram counted %d requests, want >= %d", n, len(steps))
			}
		})
	}
}

func histogramCount(reg *prometheus.Registry, name string) uint64 {
	mfs, _ := reg.Gather()
	var n uint64
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				n += m.GetHistogram().GetSampleCount()
			}
		}
	}
	return n
}

func caseIDs(cs []care.Case) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

// TestChangedCasesResumesAfterRestart lists changes over several pages,
// persists the cursor, and has a new client (a restarted process) resume
// from it: it sees the later changes, each once, and nothing it saw before.
func TestChangedCasesResumesAfterRestart(t *testing.T) {
	sb := newSandbox(t, sandboxOptions{client: care.Config{PageSize: 2}})
	ctx := t.Context()
	var first []string
	for i := range 5 {
		first = append(first, sb.seed(t, fmt.Sprintf("case_%d", i), true, true).ID)
	}

	got, err := sb.client.ChangedCases(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(caseIDs(got.Cases), first) || got.More || got.Cursor == "" {
		t.Fatalf("first run: cases %v more %v cursor %q, want %v", caseIDs(got.Cases), got.More, got.Cursor, first)
	}
	if pages := sb.sim.Calls(caresim.OpListCases); pages != 3 {
		t.Fatalf("first run read %d pages, want 3 (5 cases, pages of 2)", pages)
	}
	persisted := got.Cursor

	// Nothing changed: the same cursor lists nothing.
	again, err := sb.client.ChangedCases(ctx, persisted)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Cases) != 0 || again.Cursor != persisted {
		t.Fatalf("no changes: got %v, cursor %q (want %q)", caseIDs(again.Cases), again.Cursor, persisted)
	}

	// Changes while "down": one case reassigned, one note, one new case.
	if err := sb.sim.UIAssign("case_1", ptr("agent_2")); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.sim.UIAddNote("case_3", "agent_1", "checked"); err != nil {
		t.Fatal(err)
	}
	sb.seed(t, "case_new", false, true)

	restarted := sb.newClient(t, care.Config{PageSize: 2})
	resumed, err := restarted.ChangedCases(ctx, persisted)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"case_1", "case_3", "case_new"}
	if !slices.Equal(caseIDs(resumed.Cases), want) {
		t.Fatalf("after restart: %v, want %v", caseIDs(resumed.Cases), want)
	}
	if a := resumed.Cases[0].AssigneeID; a == nil || *a != "agent_2" {
		t.Fatalf("case_1 assignee %v, want the new one", a)
	}
	final, err := restarted.ChangedCases(ctx, resumed.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(final.Cases) != 0 {
		t.Fatalf("resumed cursor lists %v again", caseIDs(final.Cases))
	}
}

// hookTransport runs after once the first response of a listCases call has
// arrived, to change the sandbox while the client pages.
type hookTransport struct {
	once  sync.Once
	after func()
}

func (h *hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && r.URL.Path == "/3/care/cases" {
		h.once.Do(h.after)
	}
	return resp, err
}

// TestChangedCasesChangeWhilePaging: a case changed after its page was
// read moves behind the cursor; the listing returns it once, newest.
func TestChangedCasesChangeWhilePaging(t *testing.T) {
	sb := newSandbox(t, sandboxOptions{})
	for i := range 4 {
		sb.seed(t, fmt.Sprintf("case_%d", i), true, true)
	}
	hook := &hookTransport{after: func() {
		if err := sb.sim.UIAssign("case_0", ptr("agent_2")); err != nil {
			t.Error(err)
		}
	}}
	client := sb.newClient(t, care.Config{PageSize: 2, HTTPClient: &http.Client{Transport: hook}})
	got, err := client.ChangedCases(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"case_1", "case_2", "case_3", "case_0"}
	if !slices.Equal(caseIDs(got.Cases), want) {
		t.Fatalf("got %v, want %v (case_0 once, at its new place)", caseIDs(got.Cases), want)
	}
	if a := got.Cases[3].AssigneeID; a == nil || *a != "agent_2" {
		t.Fatalf("case_0 is the old version: assignee %v", a)
	}
}

// TestChangedCasesPageLimit: a backlog larger than one call's page limit
// comes in several calls, each resuming from the previous cursor, with
// nothing lost or repeated.
func TestChangedCasesPageLimit(t *testing.T) {
	sb := newSandbox(t, sandboxOptions{client: care.Config{PageSize: 1}})
	const n = 53 // more than the 50 pages one call reads
	var want []string
	for i := range n {
		want = append(want, sb.seed(t, fmt.Sprintf("case_%02d", i), true, true).ID)
	}
	var got []string
	cursor, calls := "", 0
	for {
		ch, err := sb.client.ChangedCases(t.Context(), cursor)
		if err != nil {
			t.Fatal(err)
		}
		calls++
		got = append(got, caseIDs(ch.Cases)...)
		cursor = ch.Cursor
		if !ch.More {
			break
		}
		if calls > 5 {
			t.Fatal("More never turned false")
		}
	}
	if calls != 2 || !slices.Equal(got, want) {
		t.Fatalf("%d calls returned %v, want 2 calls returning %v", calls, got, want)
	}
}

func TestChangedCasesCursorAt(t *testing.T) {
	sb := newSandbox(t, sandboxOptions{})
	sb.seed(t, "case_old", true, true)
	old, _ := sb.sim.Case("case_old")
	sb.seed(t, "case_new", true, true)
	got, err := sb.client.ChangedCases(t.Context(), care.CursorAt(old.UpdatedAt.Add(time.Microsecond)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(caseIDs(got.Cases), []string{"case_new"}) {
		t.Fatalf("got %v, want [case_new]", caseIDs(got.Cases))
	}
	if _, err := sb.client.ChangedCases(t.Context(), "not-a-cursor"); upstream.ClassOf(err) != upstream.Permanent {
		t.Fatalf("bad cursor: %v, want a permanent error", err)
	}
}

// TestReplyIdempotent: the same key twice posts once; a retry after a
// server failure with the same key posts once; a new key posts again.
func TestReplyIdempotent(t *testing.T) {
	sb := newSandbox(t, sandboxOptions{})
	sb.seed(t, "case_r", true, true)
	ctx := t.Context()
	reply := care.ReplyRequest{Mode: rules.PublicReply, InReplyTo: "case_r_c1", Text: "We're on it."}

	first, err := sb.client.Reply(ctx, "case_r", reply, "action-a0001")
	if err != nil {
		t.Fatal(err)
	}
	second, err := sb.client.Reply(ctx, "case_r", reply, "action-a0001")
	if err != nil {
		t.Fatal(err)
	}
	if first.ID != second.ID {
		t.Fatalf("same key returned two messages: %s, %s", first.ID, second.ID)
	}
	if n := len(sb.sim.Replies("case_r")); n != 1 {
		t.Fatalf("sandbox has %d replies after the same key twice, want 1", n)
	}

	sb.sim.InjectFault(caresim.Fault{Op: caresim.OpPostReply, Status: http.StatusServiceUnavailable, Times: 1})
	reply.Text = "Update: a new pole is on its way."
	_, err = sb.client.Reply(ctx, "case_r", reply, "action-a0002")
	if upstream.ClassOf(err) != upstream.Retryable {
		t.Fatalf("503: %v, want retryable", err)
	}
	if _, err := sb.client.Reply(ctx, "case_r", reply, "action-a0002"); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.client.Reply(ctx, "case_r", reply, "action-a0002"); err != nil {
		t.Fatal(err)
	}
	if n := len(sb.sim.Replies("case_r")); n != 2 {
		t.Fatalf("sandbox has %d replies, want 2", n)
	}

	if _, err := sb.client.Reply(ctx, "case_r", reply, ""); upstream.ClassOf(err) != upstream.Permanent {
		t.Fatalf("reply without a key: %v, want a permanent local error", err)
	}
	if n := len(sb.sim.Replies("case_r")); n != 2 {
		t.Fatalf("a reply without a key was sent")
	}

	// Moderation actions honour the key too.
	for range 2 {
		if _, err := sb.client.Act(ctx, "case_r", "case_r_c1", care.ActionLike, "action-like-1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := sb.sim.Calls(caresim.OpMessageAction); n != 2 {
		t.Fatalf("%d action calls reached the sandbox, want 2 (one acted, one replayed)", n)
	}
}

// TestErrorClassification: each kind of failure becomes an *upstream.Error
// of the right class, carrying the operation and the case id.
func TestErrorClassification(t *testing.T) {
	sb := newSandbox(t, sandboxOptions{})
	sb.seed(t, "case_e", true, true)
	sb.seed(t, "case_noprofile", true, false)
	ctx := t.Context()
	reply := func(c *care.Client, caseID, key string) error {
		_, err := c.Reply(ctx, caseID, care.ReplyRequest{Mode: rules.PublicReply, InReplyTo: caseID + "_c1", Text: "hi"}, key)
		return err
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	tests := []struct {
		name       string
		fault      *caresim.Fault
		client     *care.Client
		call       func(c *care.Client) error
		class      upstream.Class
		status     int
		code       string
		retryAfter time.Duration
		inError    string
	}{
		{name: "500", fault: &caresim.Fault{Op: caresim.OpGetCase, Status: 500, Times: 1},
			call: func(c *care.Client) error { _, err := c.GetCase(ctx, "case_e"); return err }, class: upstream.Retryable, status: 500},
		{name: "503", fault: &caresim.Fault{Op: caresim.OpPostReply, Status: 503, Times: 1},
			call: func(c *care.Client) error { return reply(c, "case_e", "k-503") }, class: upstream.Retryable, status: 503},
		{name: "429 with Retry-After", fault: &caresim.Fault{Op: caresim.OpListCases, Status: 429, Times: 1},
			call:  func(c *care.Client) error { _, err := c.ListCases(ctx, time.Time{}, "", 0); return err },
			class: upstream.Retryable, status: 429, retryAfter: time.Second},
		{name: "400", fault: &caresim.Fault{Op: caresim.OpAssignCase, Status: 400, Times: 1},
			call: func(c *care.Client) error { _, err := c.Assign(ctx, "case_e", nil, ""); return err }, class: upstream.Permanent, status: 400},
		{name: "400 from the server's validation",
			call:  func(c *care.Client) error { _, err := c.SetStatus(ctx, "case_e", "closed", ""); return err },
			class: upstream.Permanent, status: 400, inError: "status"},
		{name: "401 injected", fault: &caresim.Fault{Op: caresim.OpListNotes, Status: 401, Times: 1},
			call: func(c *care.Client) error { _, err := c.Notes(ctx, "case_e"); return err }, class: upstream.Retryable, status: 401},
		{name: "401 wrong secret", client: sb.newClient(t, care.Config{Token: simToken, Secret: "wrong-secret-123"}),
			call: func(c *care.Client) error { _, err := c.Agents(ctx); return err }, class: upstream.Retryable, status: 401},
		{name: "403", fault: &caresim.Fault{Op: caresim.OpListAgents, Status: 403, Times: 1},
			call: func(c *care.Client) error { _, err := c.Agents(ctx); return err }, class: upstream.Retryable, status: 403},
		{name: "404 unknown case",
			call:  func(c *care.Client) error { _, err := c.GetCase(ctx, "case_missing"); return err },
			class: upstream.Permanent, status: 404, inError: "case case_missing"},
		{name: "409 key reused for another body",
			call: func(c *care.Client) error {
				if _, err := c.AddNote(ctx, "case_e", care.NoteRequest{Text: "one"}, "k-409"); err != nil {
					return err
				}
				_, err := c.AddNote(ctx, "case_e", care.NoteRequest{Text: "two"}, "k-409")
				return err
			}, class: upstream.Permanent, status: 409},
		{name: "422 without a rule", fault: &caresim.Fault{Op: caresim.OpPostReply, Status: 422, Times: 1},
			call: func(c *care.Client) error { return reply(c, "case_e", "k-422") }, class: upstream.Permanent, status: 422},
		{name: "422 rule refusal: reply without a profile",
			call:  func(c *care.Client) error { return reply(c, "case_noprofile", "k-rule") },
			class: upstream.Refused, status: 422, code: rules.CodeProfileRequired, inError: "case case_noprofile"},
		{name: "timeout", fault: &caresim.Fault{Op: caresim.OpGetCase, Latency: 2 * time.Second},
			client: sb.newClient(t, care.Config{Timeout: 100 * time.Millisecond}),
			call:   func(c *care.Client) error { _, err := c.GetCase(ctx, "case_e"); return err }, class: upstream.Retryable, inError: "timed out"},
		{name: "network: connection refused", client: sb.newClient(t, care.Config{BaseURL: closedURL}),
			call: func(c *care.Client) error { _, err := c.Profiles(ctx); return err }, class: upstream.Retryable},
		{name: "response larger than the limit", client: sb.newClient(t, care.Config{MaxResponse: 64}),
			call: func(c *care.Client) error { _, err := c.Messages(ctx, "case_e"); return err }, class: upstream.Permanent, status: 200, inError: "larger than 64 bytes"},
		{name: "empty case id", call: func(c *care.Client) error { _, err := c.GetCase(ctx, ""); return err }, class: upstream.Permanent},
		{name: "unknown moderation action", call: func(c *care.Client) error { _, err := c.Act(ctx, "case_e", "case_e_c1", "explode", "k-x"); return err },
			class: upstream.Permanent, inError: "unknown action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sb.sim.ClearFaults()
			if tc.fault != nil {
				sb.sim.InjectFault(*tc.fault)
			}
			c := tc.client
			if c == nil {
				c = sb.client
			}
			err := tc.call(c)
			var ue *upstream.Error
			if !errors.As(err, &ue) {
				t.Fatalf("error %v (%T) is not an *upstream.Error", err, err)
			}
			if ue.Class != tc.class || ue.Status != tc.status || ue.System != care.System || ue.Op == "" {
				t.Errorf("got class %s status %d system %q op %q, want class %s status %d", ue.Class, ue.Status, ue.System, ue.Op, tc.class, tc.status)
			}
			if upstream.ClassOf(err) != tc.class {
				t.Errorf("ClassOf = %s, want %s", upstream.ClassOf(err), tc.class)
			}
			if tc.code != "" && ue.Code != tc.code {
				t.Errorf("code %q, want %q", ue.Code, tc.code)
			}
			if tc.class == upstream.Refused && (ue.Message == "" || strings.Contains(ue.Message, "422")) {
				t.Errorf("refusal message %q is not the rule's sentence", ue.Message)
			}
			if ue.RetryAfter != tc.retryAfter {
				t.Errorf("RetryAfter %s, want %s", ue.RetryAfter, tc.retryAfter)
			}
			if tc.inError != "" && !strings.Contains(err.Error(), tc.inError) {
				t.Errorf("error %q does not mention %q", err, tc.inError)
			}
			assertNoSecret(t, err.Error())
		})
	}
	sb.sim.ClearFaults()
	assertNoSecret(t, sb.logs.String())
}

// secrets are every credential of the tests, and Basic auth's encoding of
// them.
func secrets() []string {
	return []string{simSecret, simBearer, "wrong-secret-123", webhookSecret,
		base64.StdEncoding.EncodeToString([]byte(simToken + ":" + simSecret))}
}

func assertNoSecret(t *testing.T, s string) {
	t.Helper()
	for _, secret := range secrets() {
		if strings.Contains(s, secret) {
			t.Errorf("a secret leaked: %q", s)
		}
	}
}

func TestClientNeverShowsSecrets(t *testing.T) {
	cfg := care.Config{BaseURL: "http://127.0.0.1:1", Token: simToken, Secret: simSecret}
	c, err := care.New(cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "cfg", cfg, "client", c)
	bearer := care.Config{BaseURL: "http://127.0.0.1:1", BearerToken: simBearer}
	for _, s := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", bearer), logs.String(),
	} {
		assertNoSecret(t, s)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  care.Config
		want string
	}{
		{"no base URL", care.Config{Token: "t", Secret: "s"}, "base URL is required"},
		{"relative base URL", care.Config{BaseURL: "/care", Token: "t", Secret: "s"}, "absolute"},
		{"credentials in the URL", care.Config{BaseURL: "https://u:" + simSecret + "@care.example", Token: "t", Secret: "s"}, "must not carry credentials"},
		{"credentials in a URL without scheme", care.Config{BaseURL: "u:" + simSecret + "@care.example", Token: "t", Secret: "s"}, "absolute"},
		{"query in the URL", care.Config{BaseURL: "https://care.example/?key=" + simSecret, Token: "t", Secret: "s"}, "query"},
		{"no credentials", care.Config{BaseURL: "https://care.example"}, "required"},
		{"token without secret", care.Config{BaseURL: "https://care.example", Token: "t"}, "required"},
		{"both auth methods", care.Config{BaseURL: "https://care.example", Token: "t", Secret: "s", BearerToken: "b"}, "at most one"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := care.New(tc.cfg, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			assertNoSecret(t, err.Error())
		})
	}
}

// TestClientHonoursContext: a cancelled context stops a slow call at once,
// well before the client's own timeout.
func TestClientHonoursContext(t *testing.T) {
	sb := newSandbox(t, sandboxOptions{})
	sb.seed(t, "case_ctx", true, true)
	sb.sim.InjectFault(caresim.Fault{Op: caresim.OpGetCase, Latency: 10 * time.Second})
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := sb.client.GetCase(ctx, "case_ctx")
		errc <- err
	}()
	testkit.Until(t, 5*time.Second, "the call to reach the sandbox", func() bool { return sb.sim.Calls(caresim.OpGetCase) > 0 })
	start := time.Now()
	cancel()
	select {
	case err := <-errc:
		if upstream.ClassOf(err) != upstream.Retryable || !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled call: %v, want a retryable error wrapping context.Canceled", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("cancelled call returned after %s", d)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("cancelled call did not return")
	}
}

// TestWebhookEndToEnd: the sandbox signs and delivers events to the
// receiver over HTTP; escalating a case yields "case:<id>".
func TestWebhookEndToEnd(t *testing.T) {
	rec := &recorder{}
	receiver := care.NewWebhookReceiver(care.WebhookOptions{
		Secret:  webhookSecret,
		Enqueue: rec.enqueue,
		Logger:  slog.New(slog.DiscardHandler),
	})
	hook := httptest.NewServer(receiver)
	t.Cleanup(hook.Close)
	sb := newSandbox(t, sandboxOptions{sim: caresim.Options{WebhookURL: hook.URL, WebhookSecret: webhookSecret}})
	c := sb.seed(t, "case_wh", true, true)

	testkit.Until(t, 5*time.Second, "case.created delivered", func() bool { return slices.Contains(rec.got(), "case:"+c.ID) })

	// A note and a reply through the API each deliver an event about the case.
	n := len(rec.got())
	if _, err := sb.client.AddNote(t.Context(), c.ID, care.NoteRequest{Text: "noted"}, "wh-note"); err != nil {
		t.Fatal(err)
	}
	testkit.Until(t, 5*time.Second, "note.created delivered", func() bool { return len(rec.got()) > n })
	for _, k := range rec.got() {
		if k != "case:"+c.ID {
			t.Fatalf("unexpected key %q", k)
		}
	}
}

// TestWebhookEndToEndEnqueueFailure: when the queue is down the receiver
// answers 503, Care retries the same event, and the retry is enqueued
// (the failed attempt did not mark the event id as seen).
func TestWebhookEndToEndEnqueueFailure(t *testing.T) {
	rec := &recorder{fail: 2}
	hook := httptest.NewServer(care.NewWebhookReceiver(care.WebhookOptions{
		Secret: webhookSecret, Enqueue: rec.enqueue, Logger: slog.New(slog.DiscardHandler),
	}))
	t.Cleanup(hook.Close)
	sb := newSandbox(t, sandboxOptions{sim: caresim.Options{WebhookURL: hook.URL, WebhookSecret: webhookSecret,
		WebhookBackoff: 5 * time.Millisecond, WebhookMaxBackoff: 20 * time.Millisecond}})
	c := sb.seed(t, "case_retry", true, true)
	testkit.Until(t, 5*time.Second, "the retried event enqueued", func() bool { return slices.Contains(rec.got(), "case:"+c.ID) })
	_, failed, _ := sb.sim.WebhookStats()
	if failed < 2 {
		t.Fatalf("sandbox saw %d failed deliveries, want >= 2 (503 while the queue was down)", failed)
	}
}

// TestWebhookEndToEndWrongSecret: deliveries signed with another secret are
// refused and never enqueued (the sandbox keeps retrying them).
func TestWebhookEndToEndWrongSecret(t *testing.T) {
	rec := &recorder{}
	hook := httptest.NewServer(care.NewWebhookReceiver(care.WebhookOptions{
		Secret: webhookSecret, Enqueue: rec.enqueue, Logger: slog.New(slog.DiscardHandler),
	}))
	t.Cleanup(hook.Close)
	sb := newSandbox(t, sandboxOptions{sim: caresim.Options{WebhookURL: hook.URL, WebhookSecret: "another-secret"}})
	sb.seed(t, "case_bad", true, true)
	testkit.Until(t, 5*time.Second, "a refused delivery", func() bool {
		_, failed, _ := sb.sim.WebhookStats()
		return failed > 0
	})
	if got := rec.got(); len(got) != 0 {
		t.Fatalf("enqueued %v from wrongly signed deliveries", got)
	}
}

// TestClientResponseHandling talks to a scripted server over loopback to
// cover what the sandbox never does wrong: malformed envelopes, redirects,
// Retry-After dates, escaping of ids and the headers sent.
func TestClientResponseHandling(t *testing.T) {
	type seen struct {
		method, escapedPath, auth, idem, contentType string
	}
	var (
		mu   sync.Mutex
		last seen
	)
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		call       func(c *care.Client) error
		class      upstream.Class // 0: success
		retryAfter time.Duration
		inError    string
		check      func(t *testing.T, s seen)
	}{
		{name: "headers and escaped id",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(`{"success":true,"data":{"id":"msg_1","case_id":"a?b c#d..e"}}`))
			},
			call: func(c *care.Client) error {
				_, err := c.Reply(t.Context(), "a?b c#d..e", care.ReplyRequest{Mode: rules.PublicReply, Text: "x"}, "act-42")
				return err
			},
			check: func(t *testing.T, s seen) {
				want := seen{method: "POST", escapedPath: "/base/3/care/cases/a%3Fb%20c%23d..e/replies",
					auth: "Basic " + base64.StdEncoding.EncodeToString([]byte(simToken+":"+simSecret)), idem: "act-42", contentType: "application/json"}
				if s != want {
					t.Errorf("server saw %+v, want %+v", s, want)
				}
			}},
		{name: "ids that escaping cannot keep in one path segment are not sent",
			handler: func(w http.ResponseWriter, r *http.Request) {
				t.Errorf("the server was called: %s %s", r.Method, r.URL.EscapedPath())
			},
			call: func(c *care.Client) error {
				var errs []error
				for _, id := range []string{"..", ".", "../agents", "a/b", `a\b`, "x\n"} {
					_, err := c.GetCase(t.Context(), id)
					_, nerr := c.Notes(t.Context(), id)
					_, aerr := c.Act(t.Context(), "case_1", id, care.ActionLike, "act-1")
					for _, e := range []error{err, nerr, aerr} {
						if upstream.ClassOf(e) != upstream.Permanent {
							return fmt.Errorf("id %q: %v, want a permanent error", id, e)
						}
					}
					errs = append(errs, err)
				}
				return errors.Join(errs...)
			},
			class: upstream.Permanent, inError: "path step"},
		{name: "unknown data fields are ignored",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(`{"success":true,"data":{"id":"c1","brand_new_field":[1,2]}}`))
			},
			call: func(c *care.Client) error { _, err := c.GetCase(t.Context(), "c1"); return err }},
		{name: "unknown envelope field",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(`{"success":true,"data":{"id":"c1"},"extra":1}`))
			},
			call:  func(c *care.Client) error { _, err := c.GetCase(t.Context(), "c1"); return err },
			class: upstream.Permanent, inError: "unreadable response"},
		{name: "success false on 200",
			handler: func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"success":false}`)) },
			call:    func(c *care.Client) error { _, err := c.GetCase(t.Context(), "c1"); return err },
			class:   upstream.Permanent, inError: "success is false"},
		{name: "no data",
			handler: func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"success":true}`)) },
			call:    func(c *care.Client) error { _, err := c.Agents(t.Context()); return err },
			class:   upstream.Permanent, inError: "data is missing"},
		{name: "trailing data",
			handler: func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"success":true,"data":[]} {}`)) },
			call:    func(c *care.Client) error { _, err := c.Agents(t.Context()); return err },
			class:   upstream.Permanent, inError: "after the JSON object"},
		{name: "HTML error page from a proxy",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadGateway)
				_, _ = w.Write([]byte(`<html>bad gateway</html>`))
			},
			call:  func(c *care.Client) error { _, err := c.Agents(t.Context()); return err },
			class: upstream.Retryable, inError: "Bad Gateway"},
		{name: "Retry-After as an HTTP date",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat))
				w.WriteHeader(http.StatusTooManyRequests)
			},
			call:  func(c *care.Client) error { _, err := c.Agents(t.Context()); return err },
			class: upstream.Retryable, retryAfter: 80 * time.Second},
		{name: "redirects are not followed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://elsewhere.example/steal", http.StatusFound)
			},
			call:  func(c *care.Client) error { _, err := c.Agents(t.Context()); return err },
			class: upstream.Permanent, inError: "Found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				last = seen{method: r.Method, escapedPath: r.URL.EscapedPath(), auth: r.Header.Get("Authorization"),
					idem: r.Header.Get(care.IdempotencyHeader), contentType: r.Header.Get("Content-Type")}
				mu.Unlock()
				tc.handler(w, r)
			}))
			defer srv.Close()
			c, err := care.New(care.Config{BaseURL: srv.URL + "/base/", Token: simToken, Secret: simSecret}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(c)
			if upstream.ClassOf(err) != tc.class {
				t.Fatalf("error %v: class %s, want %s", err, upstream.ClassOf(err), tc.class)
			}
			if tc.inError != "" && (err == nil || !strings.Contains(err.Error(), tc.inError)) {
				t.Errorf("error %v does not mention %q", err, tc.inError)
			}
			var ue *upstream.Error
			if tc.retryAfter > 0 && (!errors.As(err, &ue) || ue.RetryAfter < tc.retryAfter || ue.RetryAfter > 90*time.Second) {
				t.Errorf("RetryAfter of %v, want about %s", err, tc.retryAfter)
			}
			if tc.check != nil {
				mu.Lock()
				s := last
				mu.Unlock()
				tc.check(t, s)
			}
		})
	}
}

// TestRateLimitKeepsCallsWithinTheAccountBudget: Care refuses calls beyond
// the account's rate with 429. 40 calls at once from a client without a
// limit are partly refused; from a client limited below the account's rate
// none is, and all of them are answered.
func TestRateLimitKeepsCallsWithinTheAccountBudget(t *testing.T) {
	account := caresim.Options{RateLimit: 20, RateBurst: 10}
	burst := func(sb *sandbox, c *care.Client) (refused int) {
		sb.seed(t, "rl", true, true)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 40 {
			wg.Go(func() {
				_, err := c.GetCase(context.Background(), "rl")
				var ue *upstream.Error
				if errors.As(err, &ue) && ue.Status == http.StatusTooManyRequests {
					mu.Lock()
					refused++
					mu.Unlock()
				} else if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		return refused
	}
	unlimited := newSandbox(t, sandboxOptions{sim: account})
	if refused := burst(unlimited, unlimited.client); refused == 0 || unlimited.sim.RateLimited() != int64(refused) {
		t.Fatalf("40 calls at once without a limit: %d refused (sandbox counted %d); want some", refused, unlimited.sim.RateLimited())
	}
	sb := newSandbox(t, sandboxOptions{sim: account, client: care.Config{RateLimit: 16, RateBurst: 5}})
	if refused := burst(sb, sb.client); refused != 0 || sb.sim.RateLimited() != 0 {
		t.Fatalf("a client limited to 16/s had %d calls refused by a 20/s account", refused)
	}
}
