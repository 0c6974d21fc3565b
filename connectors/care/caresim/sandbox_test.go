package caresim

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/internal/testkit"
)

// TestIdempotencyKey: the same key and body post once; another body is 409;
// a key whose first attempt failed with a server error still acts.
func TestIdempotencyKey(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.newCase(rules.Facebook, caseOpts{}, publicThread()...)
	path := "/3/care/cases/" + id + "/replies"
	body := care.ReplyRequest{Mode: rules.PublicReply, Text: "We're on it"}
	key := map[string]string{care.IdempotencyHeader: "action-a1"}

	first := h.do(http.MethodPost, path, body, key)
	second := h.do(http.MethodPost, path, `{ "text": "We're on it", "mode": "public_reply" }`, key) // same request, other spelling
	wantOK(t, "first", first)
	wantOK(t, "second", second)
	var m1, m2 care.Message
	first.data(t, &m1)
	second.data(t, &m2)
	if m1.ID != m2.ID {
		t.Fatalf("same key returned messages %s and %s, want the first result twice", m1.ID, m2.ID)
	}
	if second.header.Get("Idempotent-Replayed") != "true" || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("Idempotent-Replayed: first %q, second %q", first.header.Get("Idempotent-Replayed"), second.header.Get("Idempotent-Replayed"))
	}
	if n := len(h.sim.Replies(id)); n != 1 {
		t.Fatalf("%d replies posted, want 1", n)
	}
	if n := h.sim.Calls(OpPostReply); n != 2 {
		t.Fatalf("Calls(postReply) = %d, want 2", n)
	}

	other := h.do(http.MethodPost, path, care.ReplyRequest{Mode: rules.PublicReply, Text: "Something else"}, key)
	if other.status != http.StatusConflict || !strings.Contains(other.message(), "different request") {
		t.Fatalf("same key, different body: %d %s, want 409", other.status, other.raw)
	}

	// Concurrent retries of one key act once.
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(`{"mode":"public_reply","text":"parallel"}`))
			req.SetBasicAuth(testToken, testSecret)
			req.Header.Set(care.IdempotencyHeader, "action-par")
			resp, err := h.srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var env struct{ Data care.Message }
			if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
				t.Error(err)
			}
			ids[i] = env.Data.ID
		})
	}
	wg.Wait()
	if ids[0] == "" || slices.ContainsFunc(ids, func(id string) bool { return id != ids[0] }) {
		t.Fatalf("parallel retries returned %v, want one message id", ids)
	}
	if n := len(h.sim.Replies(id)); n != 2 {
		t.Fatalf("%d replies after the parallel retries, want 2", n)
	}

	// A server failure is not the key's result: the retry acts.
	h.sim.InjectFault(Fault{Op: OpPostReply, Status: 503, Times: 1})
	retryKey := map[string]string{care.IdempotencyHeader: "action-retry"}
	if r := h.do(http.MethodPost, path, body, retryKey); r.status != 503 {
		t.Fatalf("injected failure: %d", r.status)
	}
	wantOK(t, "retry after 503", h.do(http.MethodPost, path, body, retryKey))
	if n := len(h.sim.Replies(id)); n != 3 {
		t.Fatalf("%d replies after the retried failure, want 3", n)
	}
}

// webhookReceiver records deliveries and fails the first failN of them.
type webhookReceiver struct {
	mu       sync.Mutex
	failN    int
	attempts int
	got      []delivery
}

type delivery struct {
	sig  string
	body []byte
	ok   bool
}

func (rc *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.attempts++
	ok := rc.attempts > rc.failN
	rc.got = append(rc.got, delivery{sig: r.Header.Get(care.SignatureHeader), body: b, ok: ok})
	if !ok {
		w.WriteHeader(http.StatusInternalServerError)
	}
}

func (rc *webhookReceiver) accepted() []care.Event {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []care.Event
	for _, d := range rc.got {
		if d.ok {
			var ev care.Event
			_ = json.Unmarshal(d.body, &ev)
			out = append(out, ev)
		}
	}
	return out
}

// verify checks an X-Care-Signature the way a receiver would.
func verify(t *testing.T, secret, header string, body []byte) {
	t.Helper()
	var ts, v1 string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > time.Minute {
		t.Fatalf("signature timestamp %q is not a current unix time", ts)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	if want := hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(want), []byte(v1)) {
		t.Fatalf("signature %q does not match the body", header)
	}
}

// TestWebhooksSignedRetriedInOrder: events are signed, retried while the
// receiver fails, keep their id across retries and arrive in order.
func TestWebhooksSignedRetriedInOrder(t *testing.T) {
	eventSchema := loadContract(t).Components.Schemas["Event"].Value
	rc := &webhookReceiver{failN: 2}
	recv := httptest.NewServer(rc)
	defer recv.Close()
	h := newHarness(t, Options{WebhookURL: recv.URL, WebhookSecret: "whsec", WebhookBackoff: 5 * time.Millisecond})

	id := h.newCase(rules.Facebook, caseOpts{assigned: true}, publicThread()...)
	wantOK(t, "reply", replyTo(h, id, rules.PublicReply, "c"))
	wantOK(t, "note", h.do(http.MethodPost, "/3/care/cases/"+id+"/notes", care.NoteRequest{Text: "internal"}, nil))
	wantOK(t, "status", h.do(http.MethodPost, "/3/care/cases/"+id+"/status", care.StatusRequest{Status: rules.Done}, nil))

	want := []string{care.EventCaseCreated, care.EventMessageCreated, care.EventMessageCreated, // escalation
		care.EventMessageCreated, care.EventCaseUpdated, // reply
		care.EventNoteCreated, care.EventCaseUpdated} // note, status
	testkit.Until(t, 5*time.Second, "all events delivered", func() bool { return len(rc.accepted()) == len(want) })

	evs := rc.accepted()
	var types []string
	seen := map[string]bool{}
	for _, ev := range evs {
		types = append(types, ev.Type)
		if ev.CaseID != id || ev.ID == "" || seen[ev.ID] {
			t.Fatalf("event %+v: wrong case or missing/duplicate id", ev)
		}
		seen[ev.ID] = true
	}
	if !slices.Equal(types, want) {
		t.Fatalf("event order %v, want %v", types, want)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, d := range rc.got {
		verify(t, "whsec", d.sig, d.body)
		var v any
		if err := json.Unmarshal(d.body, &v); err != nil {
			t.Fatal(err)
		}
		if err := eventSchema.VisitJSON(v); err != nil {
			t.Fatalf("event does not match the contract's Event schema: %v\n%s", err, d.body)
		}
	}
	// The first event failed twice and was then delivered with the same id.
	var firstIDs []string
	for _, d := range rc.got[:3] {
		var ev care.Event
		_ = json.Unmarshal(d.body, &ev)
		firstIDs = append(firstIDs, ev.ID)
	}
	if firstIDs[0] != firstIDs[1] || firstIDs[1] != firstIDs[2] || rc.got[2].ok != true {
		t.Fatalf("retries of the first event carried ids %v", firstIDs)
	}
	var c care.Case
	if err := json.Unmarshal(evs[len(evs)-1].Data, &c); err != nil || c.Status != rules.Done {
		t.Fatalf("last case.updated data %s, want the done case", evs[len(evs)-1].Data)
	}
	if delivered, failed, pending := h.sim.WebhookStats(); delivered != len(want) || failed != 2 || pending != 0 {
		t.Fatalf("stats delivered=%d failed=%d pending=%d", delivered, failed, pending)
	}
}

// TestWebhookDeliveryStopsOnClose: Close returns while the receiver is down.
func TestWebhookDeliveryStopsOnClose(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }))
	defer down.Close()
	sim, err := New(Options{Token: "t", Secret: "s", WebhookURL: down.URL, WebhookSecret: "w", WebhookBackoff: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	sim.AddProfile(care.Profile{ID: "prof_tiktok", Platform: rules.TikTok})
	if _, err := sim.Escalate(care.Case{Platform: rules.TikTok, ProfileID: strp("prof_tiktok"), Customer: person}, nil); err != nil {
		t.Fatal(err)
	}
	testkit.Until(t, 5*time.Second, "a failed attempt", func() bool { _, failed, _ := sim.WebhookStats(); return failed > 0 })
	done := make(chan struct{})
	go func() { sim.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop webhook delivery")
	}
}

// TestMarkPendingAndCustomerReplyReopens: "You can also choose to mark the
// case as pending after replying. Doing so will put the case on hold until
// the customer replies."
func TestMarkPendingAndCustomerReplyReopens(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.newCase(rules.Instagram, caseOpts{assigned: true}, publicThread()...)
	before := h.getCase(id)

	refused := h.reply(id, care.ReplyRequest{Mode: rules.PrivateReply, InReplyTo: "c", Text: "x", Media: []string{"m.png"}, MarkPending: true})
	wantRefused(t, "refused reply", refused, rules.CodePrivateReplyMedia)
	if c := h.getCase(id); c.Status != rules.Open {
		t.Fatalf("a refused reply changed the status to %s", c.Status)
	}

	wantOK(t, "reply", h.reply(id, care.ReplyRequest{Mode: rules.PublicReply, Text: "Done, see DM", MarkPending: true}))
	pending := h.getCase(id)
	if pending.Status != rules.Pending || !pending.Interacted || !pending.UpdatedAt.After(before.UpdatedAt) {
		t.Fatalf("after reply with mark_pending: status %s interacted %v updated %v (was %v)", pending.Status, pending.Interacted, pending.UpdatedAt, before.UpdatedAt)
	}

	resp := h.do(http.MethodPost, "/sandbox/cases/"+id+"/customer-messages", care.Message{Kind: rules.ReplyKind, ParentID: strp("c"), Text: "thanks!"}, nil)
	if resp.status != http.StatusCreated {
		t.Fatalf("customer message: %d %s", resp.status, resp.raw)
	}
	var m care.Message
	resp.data(t, &m)
	if m.Direction != care.Inbound || m.Depth != 2 {
		t.Fatalf("customer reply stored as %s depth %d", m.Direction, m.Depth)
	}
	reopened := h.getCase(id)
	if reopened.Status != rules.Open || !reopened.UpdatedAt.After(pending.UpdatedAt) {
		t.Fatalf("after the customer replied: status %s updated %v, want open and a newer updated_at", reopened.Status, reopened.UpdatedAt)
	}
	if reopened.LastCustomerMessageAt == nil || !reopened.LastCustomerMessageAt.Equal(m.PostedAt) {
		t.Fatalf("last_customer_message_at %v, want %v", reopened.LastCustomerMessageAt, m.PostedAt)
	}
	// A customer message on an open or done case leaves the status alone.
	if err := h.sim.UISetStatus(id, rules.Done); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sim.CustomerMessage(id, care.Message{Kind: rules.DirectMessageKind, Text: "one more thing"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := h.sim.Case(id); c.Status != rules.Done {
		t.Fatalf("customer DM on a done case changed it to %s", c.Status)
	}
}

// TestHideCascades: "When you hide a comment that has replies, those replies
// will be automatically hidden too. Un-hiding a comment with replies will
// automatically un-hide the replies."
func TestHideCascades(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.newCase(rules.Facebook, caseOpts{assigned: true}, brandPost("p"), in("c", rules.Comment, "p"),
		in("r1", rules.ReplyKind, "c"), in("r2", rules.ReplyKind, "c"), in("l3", rules.ReplyKind, "r1"), in("l4", rules.ReplyKind, "l3"))
	wantOK(t, "hide r2 individually", h.action("r2", care.ActionHide))
	wantOK(t, "hide c", h.action("c", care.ActionHide))
	ms := h.messages(id)
	if !ms["c"].Hidden || ms["c"].HiddenWithParent {
		t.Fatalf("comment: hidden=%v with_parent=%v", ms["c"].Hidden, ms["c"].HiddenWithParent)
	}
	if !ms["r1"].Hidden || !ms["r1"].HiddenWithParent {
		t.Fatalf("reply r1 not hidden with its comment: %+v", ms["r1"])
	}
	if !ms["r2"].Hidden || ms["r2"].HiddenWithParent {
		t.Fatalf("individually hidden r2 changed: %+v", ms["r2"])
	}
	if ms["p"].Hidden {
		t.Fatal("the post was hidden")
	}
	// "the replies ... on the fourth level or deeper cannot be hidden/un-hidden from Care"
	if !ms["l3"].HiddenWithParent || ms["l4"].Hidden {
		t.Fatalf("cascade depth: level 3 hidden=%v, level 4 hidden=%v; want only level 3", ms["l3"].Hidden, ms["l4"].Hidden)
	}

	// "The author ... can post replies to the comment; however, the replies
	// will not be visible on Facebook/Instagram."
	late, err := h.sim.CustomerMessage(id, care.Message{ParentID: strp("c"), Text: "why hide me?"})
	if err != nil {
		t.Fatal(err)
	}
	if !late.Hidden || !late.HiddenWithParent {
		t.Fatalf("a reply to a hidden comment is visible: %+v", late)
	}

	wantOK(t, "unhide c", h.action("c", care.ActionUnhide))
	ms = h.messages(id)
	if ms["c"].Hidden || ms["r1"].Hidden || ms[late.ID].Hidden {
		t.Fatalf("un-hiding the comment left replies hidden: c=%v r1=%v late=%v", ms["c"].Hidden, ms["r1"].Hidden, ms[late.ID].Hidden)
	}
	if !ms["r2"].Hidden {
		t.Fatal("un-hiding the comment un-hid r2, which was hidden individually")
	}
	if c := h.getCase(id); !c.Interacted {
		t.Fatal("moderation did not mark the case as interacted")
	}
}

// TestInternalNotes: "Add an internal note to a case with information about
// the case or tagging another Care user or a user group. Internal notes are
// visible only to Care users and not shared with customers."
func TestInternalNotes(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.newCase(rules.YouTube, caseOpts{}, publicThread()...)
	before := h.getCase(id)
	resp := h.do(http.MethodPost, "/3/care/cases/"+id+"/notes", care.NoteRequest{Text: "Escalate to legal", Mentions: []string{"agent_2", "group:legal"}, AuthorID: "agent_1"}, nil)
	if resp.status != http.StatusCreated {
		t.Fatalf("add note: %d %s", resp.status, resp.raw)
	}
	uiNote, err := h.sim.UIAddNote(id, "agent_2", "Legal says fine")
	if err != nil {
		t.Fatal(err)
	}
	var notes []care.Note
	h.do(http.MethodGet, "/3/care/cases/"+id+"/notes", nil, nil).data(t, &notes)
	if len(notes) != 2 || notes[0].Text != "Escalate to legal" || !slices.Equal(notes[0].Mentions, []string{"agent_2", "group:legal"}) || notes[1].ID != uiNote.ID {
		t.Fatalf("notes %+v", notes)
	}
	for _, m := range h.messages(id) {
		if strings.Contains(m.Text, "legal") || strings.Contains(m.Text, "Legal") {
			t.Fatalf("a note reached the customer conversation: %+v", m)
		}
	}
	if len(h.sim.Replies(id)) != 0 {
		t.Fatal("a note was sent as a reply")
	}
	if c := h.getCase(id); !c.UpdatedAt.After(before.UpdatedAt) || c.Interacted {
		t.Fatalf("note: updated_at %v (was %v), interacted %v", c.UpdatedAt, before.UpdatedAt, c.Interacted)
	}
	if r := h.do(http.MethodPost, "/3/care/cases/"+id+"/notes", care.NoteRequest{Text: "x", AuthorID: "ghost"}, nil); r.status != 400 {
		t.Fatalf("note by an unknown author: %d", r.status)
	}
}

// TestAssignAndUIChanges: "You can assign the case to yourself or another
// agent." Changes made in the Care UI follow the same rules and show in the
// change listing.
func TestAssignAndUIChanges(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.newCase(rules.LinkedIn, caseOpts{}, publicThread()...)
	var c care.Case
	h.do(http.MethodPost, "/3/care/cases/"+id+"/assign", care.AssignRequest{AgentID: strp("agent_2")}, nil).data(t, &c)
	if c.AssigneeID == nil || *c.AssigneeID != "agent_2" {
		t.Fatalf("assignee %v", c.AssigneeID)
	}
	h.do(http.MethodPost, "/3/care/cases/"+id+"/assign", `{"agent_id":null}`, nil).data(t, &c)
	if c.AssigneeID != nil {
		t.Fatalf("unassign left %v", *c.AssigneeID)
	}
	if err := h.sim.UISetStatus(id, rules.Done); err == nil || !strings.Contains(err.Error(), rules.CodeDoneNeedsAssignee) {
		t.Fatalf("UI done on an unassigned case: %v", err)
	}
	if err := h.sim.UIAssign(id, strp("agent_1")); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.UISetStatus(id, rules.Done); err != nil {
		t.Fatal(err)
	}
	resp := h.do(http.MethodPost, "/sandbox/cases/"+id+"/ui-status", care.StatusRequest{Status: "closed"}, nil)
	if resp.status != 400 {
		t.Fatalf("unknown status via UI: %d", resp.status)
	}
	if got := h.getCase(id); got.Status != rules.Done || got.AssigneeID == nil || *got.AssigneeID != "agent_1" {
		t.Fatalf("case after UI changes: %+v", got)
	}
	if err := h.sim.UIAssign(id, strp("ghost")); err == nil {
		t.Fatal("UI assign to an unknown agent succeeded")
	}
}

// TestChangeListingPaging: stable cursor paging over (updated_at, id); a
// case changed mid-listing comes again later, never lost.
func TestChangeListingPaging(t *testing.T) {
	h := newHarness(t, Options{})
	var ids []string
	for i := range 7 {
		ids = append(ids, h.newCase(rules.TikTok, caseOpts{}, in(uid("c", i), rules.Comment, "")))
	}
	list := func(q url.Values) care.CasePage {
		var p care.CasePage
		h.do(http.MethodGet, "/3/care/cases?"+q.Encode(), nil, nil).data(t, &p)
		return p
	}
	var got []string
	var last time.Time
	cursor := ""
	for page := 0; ; page++ {
		q := url.Values{"limit": {"3"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		p := list(q)
		for _, c := range p.Cases {
			if c.UpdatedAt.Before(last) {
				t.Fatalf("listing out of order at %s", c.ID)
			}
			last = c.UpdatedAt
			got = append(got, c.ID)
		}
		if page == 0 {
			// A change to a case already seen moves it behind the cursor.
			if err := h.sim.UIAssign(ids[0], strp("agent_1")); err != nil {
				t.Fatal(err)
			}
		}
		if p.NextCursor == "" {
			break
		}
		if page > 5 {
			t.Fatal("paging does not end")
		}
		cursor = p.NextCursor
	}
	want := append(slices.Clone(ids), ids[0])
	if !slices.Equal(got, want) {
		t.Fatalf("paged %v, want %v", got, want)
	}

	// Resuming from the last updated_at (inclusive) returns only that change.
	p := list(url.Values{"updated_since": {last.Format(time.RFC3339Nano)}})
	if len(p.Cases) != 1 || p.Cases[0].ID != ids[0] || p.NextCursor != "" {
		t.Fatalf("resume from %v: %+v", last, p)
	}
	if p := list(url.Values{"updated_since": {last.Add(time.Microsecond).Format(time.RFC3339Nano)}}); len(p.Cases) != 0 {
		t.Fatalf("nothing changed since, got %d cases", len(p.Cases))
	}
	for _, bad := range []string{"cursor=bm9wZQ", "cursor=%%%", "updated_since=yesterday", "limit=0", "colour=red"} {
		if r := h.do(http.MethodGet, "/3/care/cases?"+bad, nil, nil); r.status != 400 {
			t.Fatalf("%s: %d, want 400", bad, r.status)
		}
	}
}

// TestFaultInjection covers scripted failures, rates, latency and the
// /sandbox/faults endpoint; faulted writes do not act.
func TestFaultInjection(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.newCase(rules.Facebook, caseOpts{}, publicThread()...)
	resp := h.do(http.MethodPost, "/sandbox/faults", FaultRequest{Op: OpAddNote, Status: 500, Times: 2}, nil)
	if resp.status != http.StatusCreated {
		t.Fatalf("set fault: %d %s", resp.status, resp.raw)
	}
	note := care.NoteRequest{Text: "hello"}
	for i := range 2 {
		if r := h.do(http.MethodPost, "/3/care/cases/"+id+"/notes", note, nil); r.status != 500 {
			t.Fatalf("call %d: %d, want the scripted 500", i, r.status)
		}
	}
	if n := len(h.sim.Notes(id)); n != 0 {
		t.Fatalf("failed calls acted: %d notes", n)
	}
	wantOK(t, "third call", h.do(http.MethodPost, "/3/care/cases/"+id+"/notes", note, nil))

	// A lost answer: the note is written, the caller sees the failure.
	if r := h.do(http.MethodPost, "/sandbox/faults", FaultRequest{Op: OpAddNote, Status: 502, Times: 1, LoseResponse: true}, nil); r.status != http.StatusCreated {
		t.Fatalf("set lose_response fault: %d %s", r.status, r.raw)
	}
	if r := h.do(http.MethodPost, "/3/care/cases/"+id+"/notes", care.NoteRequest{Text: "landed"}, nil); r.status != 502 {
		t.Fatalf("lost answer: %d, want the scripted 502", r.status)
	}
	if notes := h.sim.Notes(id); len(notes) != 2 || notes[1].Text != "landed" {
		t.Fatalf("after a lost answer the note must exist: %+v", notes)
	}
	if f := h.sim.Faults(); len(f) != 0 {
		t.Fatalf("faults left after use: %+v", f)
	}

	h.sim.InjectFault(Fault{Op: OpGetCase, Rate: 1, Status: 429})
	r := h.do(http.MethodGet, "/3/care/cases/"+id, nil, nil)
	if r.status != 429 || r.header.Get("Retry-After") != "1" {
		t.Fatalf("rate 1 fault: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	wantOK(t, "other operation", h.do(http.MethodGet, "/3/care/agents", nil, nil))
	if r := h.do(http.MethodDelete, "/sandbox/faults", nil, nil); r.status != 200 {
		t.Fatalf("clear: %d", r.status)
	}
	wantOK(t, "after clear", h.do(http.MethodGet, "/3/care/cases/"+id, nil, nil))

	h.sim.InjectFault(Fault{Op: "*", Latency: 80 * time.Millisecond})
	start := time.Now()
	wantOK(t, "slow call", h.do(http.MethodGet, "/3/care/profiles", nil, nil))
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Fatalf("latency fault: call took %v", d)
	}
	h.sim.ClearFaults()

	for _, bad := range []FaultRequest{{Op: "nope", Times: 1}, {Op: OpGetCase, Status: 200, Times: 1}, {Op: OpGetCase, Rate: 2}, {Op: OpGetCase}} {
		if r := h.do(http.MethodPost, "/sandbox/faults", bad, nil); r.status != 400 {
			t.Fatalf("fault %+v accepted: %d", bad, r.status)
		}
	}
	var st CallStats
	h.do(http.MethodGet, "/sandbox/calls", nil, nil).data(t, &st)
	if st.ByOp[OpAddNote] != 4 || st.Writes != 4 || st.Total != h.sim.TotalCalls() {
		t.Fatalf("call stats %+v", st)
	}
	h.do(http.MethodDelete, "/sandbox/calls", nil, nil)
	if h.sim.TotalCalls() != 0 || h.sim.WriteCalls() != 0 {
		t.Fatal("ResetCalls did not reset")
	}
}

// TestUpdatedAtStrictlyIncreases: every change bumps updated_at, even with
// a frozen clock.
func TestUpdatedAtStrictlyIncreases(t *testing.T) {
	frozen := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	h := newHarness(t, Options{Clock: func() time.Time { return frozen }})
	id := h.newCase(rules.Facebook, caseOpts{assigned: true}, brandPost("p"), in("c", rules.Comment, "p"))
	prev := h.getCase(id).UpdatedAt
	steps := []func() response{
		func() response { return h.action("c", care.ActionLike) },
		func() response { return replyTo(h, id, rules.PublicReply, "") },
		func() response {
			return h.do(http.MethodPost, "/3/care/cases/"+id+"/status", care.StatusRequest{Status: rules.Pending}, nil)
		},
		func() response {
			return h.do(http.MethodPost, "/3/care/cases/"+id+"/assign", care.AssignRequest{AgentID: strp("agent_2")}, nil)
		},
	}
	for i, step := range steps {
		wantOK(t, "step", step())
		now := h.getCase(id).UpdatedAt
		if !now.After(prev) {
			t.Fatalf("step %d: updated_at %v did not increase from %v", i, now, prev)
		}
		prev = now
	}
}

// TestSeedDemoAndContract: the demo data covers all six platforms and every
// listing of it matches the contract.
func TestSeedDemoAndContract(t *testing.T) {
	doc := loadContract(t)
	h := newHarness(t, Options{})
	if err := h.sim.SeedDemo(); err != nil {
		t.Fatalf("the demo seed is refused: %v", err)
	}
	v := validator{t: t, doc: doc}
	resp := v.call(h, "/3/care/cases", "GET", "/3/care/cases?limit=200", nil, nil, nil)
	var page care.CasePage
	resp.data(t, &page)
	platforms := map[rules.Platform]bool{}
	noProfile := false
	for _, c := range page.Cases {
		platforms[c.Platform] = true
		noProfile = noProfile || c.ProfileID == nil
		v.call(h, "/3/care/cases/{id}/messages", "GET", "/3/care/cases/"+c.ID+"/messages", map[string]string{"id": c.ID}, nil, nil)
		v.call(h, "/3/care/cases/{id}/notes", "GET", "/3/care/cases/"+c.ID+"/notes", map[string]string{"id": c.ID}, nil, nil)
	}
	if len(platforms) != 6 || !noProfile {
		t.Fatalf("demo covers %v (listening case without profile: %v)", platforms, noProfile)
	}
	v.call(h, "/3/care/agents", "GET", "/3/care/agents", nil, nil, nil)
	v.call(h, "/3/care/profiles", "GET", "/3/care/profiles", nil, nil, nil)
	if len(h.sim.Notes("case_fb_1")) == 0 {
		t.Fatal("demo has no notes")
	}
}

// TestRunCommand starts the standalone sandbox, talks to it and stops it.
func TestRunCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- RunCommand(ctx, []string{"--listen", "127.0.0.1:0", "--token", "T", "--secret", "S"}, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var base string
	for lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "Care sandbox listening on "); ok {
			base = u
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" {
		t.Fatal("RunCommand printed no URL")
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/3/care/agents", nil)
	req.SetBasicAuth("T", "S")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Success bool
		Data    []care.Agent
	}
	_ = json.NewDecoder(resp.Body).Decode(&env)
	resp.Body.Close()
	if !env.Success || len(env.Data) == 0 {
		t.Fatalf("standalone sandbox answered %+v", env)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("RunCommand: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunCommand did not stop")
	}
	if err := RunCommand(context.Background(), []string{"--bogus"}, io.Discard); err == nil {
		t.Fatal("unknown flag accepted")
	}
}

// TestNewValidatesOptions: credentials are required.
func TestNewValidatesOptions(t *testing.T) {
	for _, o := range []Options{{}, {Token: "t"}, {Token: "t", Secret: "s", WebhookURL: "http://x"}} {
		if _, err := New(o); err == nil {
			t.Fatalf("New(%+v) succeeded", o)
		}
	}
}

// TestEscalateValidates: bad simulated input gets a clear 400, and so does
// a case Care would never escalate: one without a customer, or without a
// profile unless it is listening content.
func TestEscalateValidates(t *testing.T) {
	h := newHarness(t, Options{})
	const who = `"customer":{"id":"u1","handle":"maria"}`
	tests := []struct {
		name string
		body string
		want string
	}{
		{"unknown platform", `{"case":{"platform":"myspace","profile_id":"prof_facebook",` + who + `}}`, "platform"},
		{"unknown kind", `{"case":{"platform":"facebook","profile_id":"prof_facebook",` + who + `},"messages":[{"kind":"story"}]}`, "kind"},
		{"unknown agent", `{"case":{"platform":"facebook","profile_id":"prof_facebook",` + who + `,"assignee_id":"ghost"}}`, "ghost"},
		{"unknown field", `{"case":{"platform":"facebook","profile_id":"prof_facebook",` + who + `,"mood":"sad"}}`, `unknown field "mood"`},
		{"unknown top-level field", `{"case":{"platform":"facebook","profile_id":"prof_facebook",` + who + `},"notes":[]}`, `unknown field "notes"`},
		{"unknown sentiment", `{"case":{"platform":"facebook","profile_id":"prof_facebook",` + who + `,"sentiment":"angry"}}`, "sentiment"},
		{"wrong platform message", `{"case":{"platform":"facebook","profile_id":"prof_facebook",` + who + `},"messages":[{"platform":"tiktok","kind":"comment"}]}`, "platform"},
		{"no customer", `{"case":{"platform":"facebook","profile_id":"prof_facebook"},"messages":[{"kind":"comment"}]}`, "customer.id and customer.handle are required"},
		{"customer without handle", `{"case":{"platform":"facebook","profile_id":"prof_facebook","customer":{"id":"u1"}}}`, "customer.id and customer.handle are required"},
		{"no profile", `{"case":{"platform":"facebook",` + who + `},"messages":[{"kind":"comment"}]}`, "profile_id is required"},
		{"no profile, listening mention among comments", `{"case":{"platform":"twitter",` + who + `},"messages":[{"kind":"listening_mention"},{"kind":"comment"}]}`, "profile_id is required"},
		{"unknown profile", `{"case":{"platform":"facebook","profile_id":"prof_nope",` + who + `}}`, "prof_nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(http.MethodPost, "/sandbox/escalate", tt.body, nil)
			if r.status != 400 || !strings.Contains(r.message(), tt.want) {
				t.Fatalf("%d %s", r.status, r.raw)
			}
		})
	}
	if _, err := h.sim.Escalate(care.Case{Platform: rules.Facebook, Customer: person}, publicThread()); err == nil || !strings.Contains(err.Error(), "profile_id is required") {
		t.Fatalf("Go Escalate without a profile: %v", err)
	}
	listening := h.escalate(care.Case{Platform: rules.Twitter, Customer: person}, in("m", rules.ListeningMention, ""))
	if listening.ProfileID != nil {
		t.Fatalf("listening content escalated with profile %q", *listening.ProfileID)
	}
	h.newCase(rules.Facebook, caseOpts{}, publicThread()...)
	if r := h.do(http.MethodPost, "/sandbox/escalate", EscalateRequest{Case: care.Case{Platform: rules.Facebook, ProfileID: strp("prof_facebook"), Customer: person},
		Messages: []care.Message{{ID: "c", Kind: rules.Comment}}}, nil); r.status != 400 || !strings.Contains(r.message(), `message "c" already exists`) {
		t.Fatalf("duplicate message id: %d %s", r.status, r.raw)
	}
	if r := h.do(http.MethodPost, "/sandbox/cases/nope/customer-messages", care.Message{Text: "hi"}, nil); r.status != 404 {
		t.Fatalf("customer message on unknown case: %d %s", r.status, r.raw)
	}
	if r := h.do(http.MethodPost, "/sandbox/listening", ListeningRequest{Platform: rules.Twitter, Customer: person}, nil); r.status != 400 || !strings.Contains(r.message(), "text is required") {
		t.Fatalf("listening content without text: %d %s", r.status, r.raw)
	}
	if r := h.do(http.MethodPost, "/sandbox/listening", ListeningRequest{Platform: rules.Twitter, Text: "boots"}, nil); r.status != 400 || !strings.Contains(r.message(), "customer.id and customer.handle are required") {
		t.Fatalf("listening content without a customer: %d %s", r.status, r.raw)
	}
	id := h.newCase(rules.Facebook, caseOpts{}, in("dm", rules.DirectMessageKind, ""))
	if r := h.do(http.MethodPost, "/sandbox/cases/"+id+"/ui-notes", care.NoteRequest{Text: "who wrote this?"}, nil); r.status != 400 || !strings.Contains(r.message(), "author_id is required") {
		t.Fatalf("a Care UI note without its author: %d %s", r.status, r.raw)
	}
}

// TestControlsRefuseUnknownFields: every control that takes a body answers
// an unknown field, a second JSON value or no body at all with a 400 that
// names the problem, and changes nothing.
func TestControlsRefuseUnknownFields(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.newCase(rules.Facebook, caseOpts{assigned: true}, publicThread()...)
	before := h.getCase(id)
	posts := 0
	for pattern := range h.sim.controls() {
		method, path, _ := strings.Cut(pattern, " ")
		if method != http.MethodPost {
			continue
		}
		posts++
		path = strings.ReplaceAll(path, "{id}", id)
		for body, want := range map[string]string{
			`{"bogus":1}`:   `unknown field "bogus"`,
			`{} {}`:         "unexpected data after the JSON value",
			``:              "a JSON request body is required",
			`["not","obj"]`: "invalid JSON body",
		} {
			if r := h.do(method, path, body, nil); r.status != http.StatusBadRequest || !strings.Contains(r.message(), want) {
				t.Errorf("%s with %q: %d %s; want 400 saying %q", pattern, body, r.status, r.raw, want)
			}
		}
	}
	if posts < 8 {
		t.Fatalf("found %d POST controls; want every one of them", posts)
	}
	if after := h.getCase(id); !reflect.DeepEqual(after, before) || len(h.sim.Messages(id)) != 2 || len(h.sim.Notes(id)) != 0 || len(h.sim.Faults()) != 0 {
		t.Fatalf("refused control bodies changed the sandbox: case %+v, %d messages, %d notes, %d faults", after, len(h.sim.Messages(id)), len(h.sim.Notes(id)), len(h.sim.Faults()))
	}
}

// TestSandboxEndpoints drives the simulation API over HTTP as a developer
// without Go would.
func TestSandboxEndpoints(t *testing.T) {
	h := newHarness(t, Options{})
	wantOK(t, "agent", h.do(http.MethodPost, "/sandbox/agents", care.Agent{ID: "agent_9", Name: "Nine", Email: "nine@example.com"}, nil))
	wantOK(t, "profile", h.do(http.MethodPost, "/sandbox/profiles", care.Profile{ID: "prof_x", Platform: rules.Twitter, Name: "X", Handle: "@x"}, nil))
	if r := h.do(http.MethodPost, "/sandbox/profiles", care.Profile{ID: "prof_y", Platform: "myspace"}, nil); r.status != 400 {
		t.Fatalf("profile on an unknown platform: %d", r.status)
	}
	var agents []care.Agent
	h.do(http.MethodGet, "/3/care/agents", nil, nil).data(t, &agents)
	if !slices.ContainsFunc(agents, func(a care.Agent) bool { return a.ID == "agent_9" }) {
		t.Fatalf("seeded agent missing from %v", agents)
	}
	id := h.newCase(rules.Twitter, caseOpts{noProfile: true}, in("c", rules.ListeningMention, ""))
	wantOK(t, "choose seeded profile", h.do(http.MethodPost, "/3/care/cases/"+id+"/profile", care.ProfileRequest{ProfileID: "prof_x"}, nil))
	if r := h.do(http.MethodPost, "/3/care/cases/"+id+"/profile", care.ProfileRequest{ProfileID: "prof_facebook"}, nil); r.status != 400 || !strings.Contains(r.message(), "facebook") {
		t.Fatalf("profile of another platform: %d %s", r.status, r.raw)
	}
	wantOK(t, "ui-assign", h.do(http.MethodPost, "/sandbox/cases/"+id+"/ui-assign", care.AssignRequest{AgentID: strp("agent_9")}, nil))
	wantOK(t, "ui-status", h.do(http.MethodPost, "/sandbox/cases/"+id+"/ui-status", care.StatusRequest{Status: rules.Done}, nil))
	if r := h.do(http.MethodPost, "/sandbox/cases/"+id+"/ui-notes", care.NoteRequest{Text: "from the UI", AuthorID: "agent_9"}, nil); r.status != http.StatusCreated {
		t.Fatalf("ui-notes: %d %s", r.status, r.raw)
	}
	wantOK(t, "reply", replyTo(h, id, rules.PublicReply, ""))
	var replies []care.Message
	h.do(http.MethodGet, "/sandbox/cases/"+id+"/replies", nil, nil).data(t, &replies)
	if len(replies) != 1 || replies[0].Author.ID != "prof_x" || !replies[0].Author.IsBrand {
		t.Fatalf("replies %+v", replies)
	}
	c := h.getCase(id)
	if c.Status != rules.Done || *c.AssigneeID != "agent_9" || len(h.sim.Notes(id)) != 1 {
		t.Fatalf("case after UI changes %+v", c)
	}
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/sandbox/escalate", strings.NewReader(`{}`))
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("sandbox endpoint without credentials: %d", resp.StatusCode)
	}
}

// FuzzWriteBodies: arbitrary request bodies never make the sandbox fail with
// a server error or answer outside the envelope.
func FuzzWriteBodies(f *testing.F) {
	for _, seed := range []string{
		`{"mode":"public_reply","text":"hi"}`, `{"mode":"private_reply","in_reply_to":"c","media":["x"]}`,
		`{"action":"hide","case_id":"x"}`, `{"action":"hide"}`, `{"agent_id":null}`, `{"status":"done"}`, `{"profile_id":"prof_facebook"}`,
		`{"text":"n","mentions":["a"]}`, `[]`, `null`, `{"mode":1}`, "\x00", `{"text":"` + strings.Repeat("é", 300) + `"}`,
	} {
		f.Add(seed, uint8(0))
	}
	sim, err := New(Options{Token: testToken, Secret: testSecret})
	if err != nil {
		f.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()
	sim.AddProfile(care.Profile{ID: "prof_facebook", Platform: rules.Facebook})
	c, err := sim.Escalate(care.Case{Platform: rules.Facebook, ProfileID: strp("prof_facebook"), Customer: person}, publicThread())
	if err != nil {
		f.Fatal(err)
	}
	paths := []string{"/3/care/cases/" + c.ID + "/replies", "/3/care/messages/c/actions", "/3/care/cases/" + c.ID + "/assign",
		"/3/care/cases/" + c.ID + "/status", "/3/care/cases/" + c.ID + "/profile", "/3/care/cases/" + c.ID + "/notes",
		"/sandbox/escalate", "/sandbox/cases/" + c.ID + "/customer-messages", "/sandbox/faults"}
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+paths[int(which)%len(paths)], strings.NewReader(body))
		req.SetBasicAuth(testToken, testSecret)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var env care.Envelope
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
			t.Fatalf("response is not an envelope: %v", err)
		}
		if resp.StatusCode >= 500 {
			t.Fatalf("%d for body %q: %+v", resp.StatusCode, body, env.Errors)
		}
	})
}

// TestModerationStaysWithinTheCase: a moderation request names the case it
// is made from; a message of another case is not found from it, and nothing
// changes.
func TestModerationStaysWithinTheCase(t *testing.T) {
	h := newHarness(t, Options{})
	mine := h.newCase(rules.Facebook, caseOpts{assigned: true}, brandPost("p1"), in("c1", rules.Comment, "p1"))
	theirs := h.newCase(rules.Facebook, caseOpts{assigned: true}, brandPost("p2"), in("c2", rules.Comment, "p2"))
	for _, action := range []string{care.ActionHide, care.ActionDelete, care.ActionLike} {
		r := h.do(http.MethodPost, "/3/care/messages/c2/actions", care.ActionRequest{Action: action, CaseID: mine}, nil)
		if r.status != http.StatusNotFound {
			t.Errorf("%s of another case's message: status %d %s, want 404", action, r.status, r.raw)
		}
	}
	if m := h.messages(theirs)["c2"]; m.Hidden || m.Deleted || m.Liked {
		t.Errorf("the other case's message changed: %+v", m)
	}
	wantOK(t, "hide from its own case", h.do(http.MethodPost, "/3/care/messages/c2/actions", care.ActionRequest{Action: care.ActionHide, CaseID: theirs}, nil))
}

// TestConversationAndNotesStampsMove: a case says when its conversation
// and its notes last changed, so a client reads them again only when they
// moved: a new message, a moderation and a new note move their stamp (and
// updated_at); an assignment moves updated_at only.
func TestConversationAndNotesStampsMove(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.newCase(rules.Facebook, caseOpts{assigned: true}, brandPost("p"), in("c", rules.Comment, "p"))
	c0 := h.getCase(id)
	if c0.ConversationUpdatedAt == nil || c0.NotesUpdatedAt != nil {
		t.Fatalf("escalated: conversation %v, notes %v; want a conversation stamp and no notes stamp", c0.ConversationUpdatedAt, c0.NotesUpdatedAt)
	}
	step := func(what string, do func(), conversation, notes bool) {
		t.Helper()
		before := h.getCase(id)
		do()
		after := h.getCase(id)
		if !after.UpdatedAt.After(before.UpdatedAt) {
			t.Errorf("%s: updated_at did not move", what)
		}
		if moved := !equalStamp(after.ConversationUpdatedAt, before.ConversationUpdatedAt); moved != conversation {
			t.Errorf("%s: conversation stamp moved %v, want %v", what, moved, conversation)
		}
		if moved := !equalStamp(after.NotesUpdatedAt, before.NotesUpdatedAt); moved != notes {
			t.Errorf("%s: notes stamp moved %v, want %v", what, moved, notes)
		}
	}
	step("a note", func() {
		wantOK(t, "note", h.do(http.MethodPost, "/3/care/cases/"+id+"/notes", care.NoteRequest{Text: "checked"}, nil))
	}, false, true)
	step("a hide", func() { wantOK(t, "hide", h.action("c", care.ActionHide)) }, true, false)
	step("a customer message", func() {
		if _, err := h.sim.CustomerMessage(id, care.Message{ID: "c2", Kind: rules.ReplyKind, ParentID: strp("c"), Text: "hello?"}); err != nil {
			t.Fatal(err)
		}
	}, true, false)
	step("an assignment", func() {
		wantOK(t, "assign", h.do(http.MethodPost, "/3/care/cases/"+id+"/assign", care.AssignRequest{AgentID: nil}, nil))
	}, false, false)
}

func equalStamp(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}
