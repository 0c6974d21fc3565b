package bridge

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/carerules"
	"github.com/carebridge/carebridge/connectors/care/caresim"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// careCall is one call of fakeCare, as it arrived and ended. Op is the Care
// contract's operationId (caresim.OpGetCase, caresim.OpPostReply, ...).
type careCall struct {
	Op string
	// ID is the case id (the message id for messageAction; "" for
	// listCases and listAgents).
	ID string
	// Key is the idempotency key sent ("" for none).
	Key string
	// Request is the body a write sent: care.AssignRequest,
	// care.StatusRequest, care.ProfileRequest, care.NoteRequest,
	// care.ReplyRequest or care.ActionRequest; nil for reads.
	Request any
	// Applied: Care carried the write out (a lost answer included, and a
	// write that found nothing to change); false for a replay, a refusal,
	// an injected failure and every read.
	Applied bool
	// Replayed: Care answered from the idempotency record of Key.
	Replayed bool
	// Lost: the call acted and its answer was lost (Err says so).
	Lost bool
	Err  error
}

// fakeCare is an in-process Emplifi Care for unit tests of the engine: it
// implements the Care interface over cases, conversations, notes and
// agents kept in memory, with the behaviour of the Care sandbox
// (connectors/care/caresim) that the engine depends on:
//
//   - Writes apply and stamp the case's UpdatedAt (microseconds, strictly
//     increasing, from the clock); a write that changes nothing (assigning
//     the assignee, setting the status or profile the case has) leaves the
//     case as it is.
//   - Idempotency keys as Care keeps them: a write with a key Care has
//     answered returns that first answer again (success or a 4xx) without
//     acting; the same key with a different request (operation, id or body)
//     is refused with 409, which the connector classifies Permanent.
//     Failures that are not final (5xx, 429, a lost answer) do not record a
//     key, except that a lost answer's change did apply and its result is
//     recorded, so the retry replays it. Reply and Act require a key, as
//     the connector does.
//   - ChangedCases reads Care's (updated_at, id) order after the cursor,
//     in the connector's cursor format (care.CursorAt makes the first one),
//     each case once; pageSize (0: all) caps one call, with More set.
//   - Errors are classified as connectors/care classifies Care's answers:
//     404 and 400 and 409 Permanent, 422 with a rule code Refused, 5xx and
//     429 Retryable; case errors are wrapped "case <id>: ...".
//
// Care's business rules (rules.Engine) are not applied: inject a refusal
// with failNext(op, id, n, careRefused(...)). Every call is recorded
// (calls, count, applied); faults make calls fail before they act or lose
// their answer after they acted. It is safe for concurrent use.
type fakeCare struct {
	mu        sync.Mutex
	now       func() time.Time
	cases     map[string]*care.Case
	convo     map[string][]*care.Message // case id -> conversation, oldest first
	notes     map[string][]care.Note
	agents    []care.Agent
	profiles  []care.Profile
	banned    map[string]bool
	following map[string]bool
	idem      map[string]careIdem
	lastStamp time.Time
	seq       int
	pageSize  int
	faults    faults
	log       []careCall
	// meanwhile runs before the next write of its op acts, outside the
	// lock: what somebody else does in Care while the bridge's write is on
	// its way. It runs once.
	meanwhile map[string]func()
}

// careIdem is the first final answer to an idempotency key.
type careIdem struct {
	fingerprint string
	result      any
	err         error
}

var _ Care = (*fakeCare)(nil)

// newFakeCare returns an empty Care; now is the clock (nil: time.Now).
func newFakeCare(now func() time.Time) *fakeCare {
	if now == nil {
		now = time.Now
	}
	return &fakeCare{
		now:       now,
		cases:     map[string]*care.Case{},
		convo:     map[string][]*care.Message{},
		notes:     map[string][]care.Note{},
		banned:    map[string]bool{},
		following: map[string]bool{},
		idem:      map[string]careIdem{},
	}
}

// --- failure injection ---

// failWith sets a hook asked first on every call with the operation and
// the case (or message) id; a non-nil error fails the call before it acts.
func (f *fakeCare) failWith(hook func(op, id string) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.hook = hook
}

// failNext fails the next times calls of op on id (anyOp, anyTarget match
// all; times < 0: until clearFaults) with err (nil: a 503) before they act.
func (f *fakeCare) failNext(op, id string, times int, err error) {
	if err == nil {
		err = careUnavailable(op)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.add(fault{op: op, target: id, err: err, times: times})
}

// loseNext lets the next times calls of op on id reach Care, which acts
// (and records the idempotency key), and then loses the answer: the call
// returns a retryable transport error.
func (f *fakeCare) loseNext(op, id string, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.add(fault{op: op, target: id, err: lostAnswer(care.System, op), times: times, lost: true})
}

// beforeNext runs do just before the next write of op acts: somebody else
// writes in Care while the bridge's write is on its way.
func (f *fakeCare) beforeNext(op string, do func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.meanwhile == nil {
		f.meanwhile = map[string]func(){}
	}
	f.meanwhile[op] = do
}

// clearFaults removes every fault and the hook.
func (f *fakeCare) clearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.clear()
}

// careError is Care's answer with HTTP status and message, classified as
// connectors/care classifies it (rule: the rule code of a 422 refusal).
func careError(op string, status int, rule, message string) *upstream.Error {
	e := &upstream.Error{System: care.System, Op: op, Status: status, Code: rule, Message: message}
	switch {
	case status == http.StatusTooManyRequests, status >= 500, status == http.StatusRequestTimeout,
		status == http.StatusUnauthorized, status == http.StatusForbidden:
		e.Class = upstream.Retryable
	case status == http.StatusUnprocessableEntity && rule != "":
		e.Class = upstream.Refused
	default:
		e.Class = upstream.Permanent
	}
	return e
}

// careRefused is Care refusing an action by one of its rules (422).
func careRefused(op, rule, reason string) *upstream.Error {
	return careError(op, http.StatusUnprocessableEntity, rule, reason)
}

// careUnavailable is a 503 from Care.
func careUnavailable(op string) *upstream.Error {
	return careError(op, http.StatusServiceUnavailable, "", "Service Unavailable")
}

// careRateLimited is a 429 from Care with its Retry-After.
func careRateLimited(op string, retryAfter time.Duration) *upstream.Error {
	e := careError(op, http.StatusTooManyRequests, "", "Too Many Requests")
	e.RetryAfter = retryAfter
	return e
}

// --- call records ---

// calls returns every call so far, oldest first.
func (f *fakeCare) calls() []careCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

// count returns how many calls of op were made (anyOp: all).
func (f *fakeCare) count(op string) int {
	return f.countWhere(func(c careCall) bool { return op == anyOp || c.Op == op })
}

// applied returns how many calls of op changed Care: "posted once" is
// applied(caresim.OpPostReply) == 1, whatever the retries and replays.
func (f *fakeCare) applied(op string) int {
	return f.countWhere(func(c careCall) bool { return (op == anyOp || c.Op == op) && c.Applied })
}

func (f *fakeCare) countWhere(ok func(careCall) bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.log {
		if ok(c) {
			n++
		}
	}
	return n
}

// resetCalls forgets the calls made so far.
func (f *fakeCare) resetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = nil
}

// --- the test's own access: seeding and inspection ---

// addAgent adds a Care user.
func (f *fakeCare) addAgent(a care.Agent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.agents = append(f.agents, a)
}

// addProfile adds a brand profile cases can be answered with.
func (f *fakeCare) addProfile(p care.Profile) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.profiles = append(f.profiles, p)
}

// putCase stores a case as it is (an escalation, or a change made in
// Care's UI). A zero UpdatedAt (and CreatedAt) is stamped from the clock;
// a zero Status is open, a zero Platform facebook.
func (f *fakeCare) putCase(c care.Case) care.Case {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = f.stampLocked()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = c.UpdatedAt
	}
	if c.Status == "" {
		c.Status = rules.Open
	}
	if c.Platform == "" {
		c.Platform = rules.Facebook
	}
	if c.Labels == nil {
		c.Labels = []string{}
	}
	cc := c
	f.cases[c.ID] = &cc
	return cc
}

// editCase changes a case as an agent in Care would and stamps it.
func (f *fakeCare) editCase(id string, change func(*care.Case)) care.Case {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cases[id]
	if !ok {
		panic("fakeCare.editCase: no case " + id)
	}
	change(c)
	c.UpdatedAt = f.stampLocked()
	return *c
}

// addMessage appends a message to its case's conversation (the customer
// writing, when Direction is inbound). Zero ID, PostedAt, Direction get
// msg_N, the clock and inbound; a zero Depth follows the parent's, as in
// Care; an inbound message moves the case's
// LastCustomerMessageAt and stamps the case.
func (f *fakeCare) addMessage(m care.Message) care.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cases[m.CaseID]
	if !ok {
		panic("fakeCare.addMessage: no case " + m.CaseID)
	}
	if m.ID == "" {
		m.ID = f.newIDLocked("msg")
	}
	if m.Direction == "" {
		m.Direction = care.Inbound
	}
	if m.Platform == "" {
		m.Platform = c.Platform
	}
	if m.Kind == "" {
		m.Kind = rules.Post
	}
	if m.PostedAt.IsZero() {
		m.PostedAt = f.now().UTC()
	}
	if m.Media == nil {
		m.Media = []string{}
	}
	if m.ParentID != nil && m.Depth == 0 {
		if p := f.messageLocked(*m.ParentID); p != nil && p.CaseID == m.CaseID {
			m.Depth = p.Depth + 1 // as Care derives it
		}
	}
	m.UpdatedAt = f.stampLocked()
	mm := m
	f.convo[m.CaseID] = append(f.convo[m.CaseID], &mm)
	if m.Direction == care.Inbound {
		at := m.PostedAt
		c.LastCustomerMessageAt = &at
	}
	c.UpdatedAt = f.stampLocked()
	return mm
}

// escalate stores a case with its conversation (putCase, then addMessage
// for each message) and returns the case as Care shows it.
func (f *fakeCare) escalate(c care.Case, msgs []care.Message) care.Case {
	c = f.putCase(c)
	for _, m := range msgs {
		m.CaseID = c.ID
		f.addMessage(m)
	}
	out, _ := f.caseOf(c.ID)
	return out
}

// caseOf returns the case as Care holds it now.
func (f *fakeCare) caseOf(id string) (care.Case, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cases[id]
	if !ok {
		return care.Case{}, false
	}
	return f.viewLocked(c), true
}

// conversation returns a case's messages, oldest first.
func (f *fakeCare) conversation(caseID string) []care.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.messagesLocked(caseID)
}

// notesOf returns a case's notes, oldest first.
func (f *fakeCare) notesOf(caseID string) []care.Note {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.notes[caseID])
}

// isBanned and isFollowed report the author moderation state.
func (f *fakeCare) isBanned(platform rules.Platform, authorID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.banned[string(platform)+"/"+authorID]
}

func (f *fakeCare) isFollowed(platform rules.Platform, authorID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.following[string(platform)+"/"+authorID]
}

// setPageSize caps the cases one ChangedCases call returns (0: all).
func (f *fakeCare) setPageSize(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pageSize = n
}

// --- the Care interface: reads ---

// GetCase returns the case.
func (f *fakeCare) GetCase(ctx context.Context, id string) (care.Case, error) {
	var out care.Case
	err := f.read(ctx, caresim.OpGetCase, id, func() error {
		c, err := f.caseLocked(caresim.OpGetCase, id)
		if err == nil {
			out = f.viewLocked(c)
		}
		return err
	})
	return out, wrapCareCase(id, err)
}

// ChangedCases returns the cases changed after cursor, oldest change
// first, and the cursor that marks them seen.
func (f *fakeCare) ChangedCases(ctx context.Context, cursor string) (care.Changes, error) {
	out := care.Changes{Cursor: cursor}
	err := f.read(ctx, caresim.OpListCases, "", func() error {
		from, err := parseCareCursor(cursor)
		if err != nil {
			return careError(caresim.OpListCases, 0, "", err.Error())
		}
		var changed []care.Case
		for _, c := range f.cases {
			if from.before(carePosition{c.UpdatedAt, c.ID}) {
				changed = append(changed, f.viewLocked(c))
			}
		}
		slices.SortFunc(changed, func(a, b care.Case) int {
			if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		if f.pageSize > 0 && len(changed) > f.pageSize {
			changed, out.More = changed[:f.pageSize], true
		}
		out.Cases = changed
		if n := len(changed); n > 0 {
			out.Cursor = carePosition{changed[n-1].UpdatedAt, changed[n-1].ID}.encode()
		}
		return nil
	})
	if err != nil {
		return care.Changes{Cursor: cursor}, err
	}
	return out, nil
}

// Notes returns the case's notes, oldest first.
func (f *fakeCare) Notes(ctx context.Context, caseID string) ([]care.Note, error) {
	var out []care.Note
	err := f.read(ctx, caresim.OpListNotes, caseID, func() error {
		if _, err := f.caseLocked(caresim.OpListNotes, caseID); err != nil {
			return err
		}
		out = append([]care.Note{}, f.notes[caseID]...)
		return nil
	})
	return out, wrapCareCase(caseID, err)
}

// Agents returns the Care users.
func (f *fakeCare) Agents(ctx context.Context) ([]care.Agent, error) {
	var out []care.Agent
	err := f.read(ctx, caresim.OpListAgents, "", func() error {
		out = append([]care.Agent{}, f.agents...)
		return nil
	})
	return out, err
}

// Messages returns the case conversation, oldest first.
func (f *fakeCare) Messages(ctx context.Context, caseID string) ([]care.Message, error) {
	var out []care.Message
	err := f.read(ctx, caresim.OpListMessages, caseID, func() error {
		if _, err := f.caseLocked(caresim.OpListMessages, caseID); err != nil {
			return err
		}
		out = f.messagesLocked(caseID)
		return nil
	})
	return out, wrapCareCase(caseID, err)
}

// read runs a read with the faults applied and records it.
func (f *fakeCare) read(ctx context.Context, op, id string, do func() error) error {
	if err := ctx.Err(); err != nil {
		return &upstream.Error{System: care.System, Op: op, Class: upstream.Retryable, Message: "cancelled", Err: err}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	err, _ := f.faults.pick(op, id) // a read that loses its answer changed nothing
	if err == nil {
		err = do()
	}
	f.log = append(f.log, careCall{Op: op, ID: id, Err: err})
	return err
}

// --- the Care interface: writes ---

// Assign assigns the case to agentID (nil: unassigns it).
func (f *fakeCare) Assign(ctx context.Context, caseID string, agentID *string, idemKey string) (care.Case, error) {
	req := care.AssignRequest{AgentID: agentID}
	res, err := f.write(ctx, caresim.OpAssignCase, caseID, idemKey, req, false, func() (any, error) {
		c, err := f.caseLocked(caresim.OpAssignCase, caseID)
		if err != nil {
			return nil, err
		}
		if agentID != nil && !f.hasAgentLocked(*agentID) {
			return nil, careError(caresim.OpAssignCase, http.StatusBadRequest, "", fmt.Sprintf("agent %q does not exist", *agentID))
		}
		if !sameStringPtr(c.AssigneeID, agentID) {
			if agentID == nil {
				c.AssigneeID = nil
			} else {
				a := *agentID
				c.AssigneeID = &a
			}
			c.UpdatedAt = f.stampLocked()
		}
		return f.viewLocked(c), nil
	})
	out, _ := res.(care.Case)
	return out, wrapCareCase(caseID, err)
}

// SetStatus changes the case's status.
func (f *fakeCare) SetStatus(ctx context.Context, caseID string, status rules.Status, idemKey string) (care.Case, error) {
	res, err := f.write(ctx, caresim.OpSetCaseStatus, caseID, idemKey, care.StatusRequest{Status: status}, false, func() (any, error) {
		switch status {
		case rules.Open, rules.Pending, rules.Done, rules.Deleted:
		default:
			return nil, careError(caresim.OpSetCaseStatus, http.StatusBadRequest, "", fmt.Sprintf("status %q must be one of open, pending, done, deleted", status))
		}
		c, err := f.caseLocked(caresim.OpSetCaseStatus, caseID)
		if err != nil {
			return nil, err
		}
		if c.Status != status {
			c.Status = status
			c.UpdatedAt = f.stampLocked()
		}
		return f.viewLocked(c), nil
	})
	out, _ := res.(care.Case)
	return out, wrapCareCase(caseID, err)
}

// SetProfile chooses the profile the case is answered with; the profile
// must exist (addProfile) on the case's platform.
func (f *fakeCare) SetProfile(ctx context.Context, caseID, profileID, idemKey string) (care.Case, error) {
	res, err := f.write(ctx, caresim.OpSetProfile, caseID, idemKey, care.ProfileRequest{ProfileID: profileID}, false, func() (any, error) {
		if profileID == "" {
			return nil, careError(caresim.OpSetProfile, http.StatusBadRequest, "", "profile_id is required")
		}
		c, err := f.caseLocked(caresim.OpSetProfile, caseID)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(f.profiles, func(p care.Profile) bool { return p.ID == profileID })
		if i < 0 {
			return nil, careError(caresim.OpSetProfile, http.StatusBadRequest, "", fmt.Sprintf("profile %q does not exist", profileID))
		}
		if p := f.profiles[i]; p.Platform != c.Platform {
			return nil, careError(caresim.OpSetProfile, http.StatusBadRequest, "", fmt.Sprintf("profile %q is a %s profile; case %q is on %s", p.ID, p.Platform, c.ID, c.Platform))
		}
		if c.ProfileID == nil || *c.ProfileID != profileID {
			p := profileID
			c.ProfileID = &p
			c.UpdatedAt = f.stampLocked()
		}
		return f.viewLocked(c), nil
	})
	out, _ := res.(care.Case)
	return out, wrapCareCase(caseID, err)
}

// AddNote writes an internal note on the case.
func (f *fakeCare) AddNote(ctx context.Context, caseID string, req care.NoteRequest, idemKey string) (care.Note, error) {
	res, err := f.write(ctx, caresim.OpAddNote, caseID, idemKey, req, false, func() (any, error) {
		if strings.TrimSpace(req.Text) == "" {
			return nil, careError(caresim.OpAddNote, http.StatusBadRequest, "", "text is required")
		}
		c, err := f.caseLocked(caresim.OpAddNote, caseID)
		if err != nil {
			return nil, err
		}
		if req.AuthorID != "" && !f.hasAgentLocked(req.AuthorID) {
			return nil, careError(caresim.OpAddNote, http.StatusBadRequest, "", fmt.Sprintf("author %q is not a Care agent", req.AuthorID))
		}
		c.UpdatedAt = f.stampLocked()
		n := care.Note{ID: f.newIDLocked("note"), CaseID: c.ID, AuthorID: req.AuthorID, Text: req.Text,
			Mentions: append([]string{}, req.Mentions...), CreatedAt: c.UpdatedAt}
		f.notes[c.ID] = append(f.notes[c.ID], n)
		return n, nil
	})
	out, _ := res.(care.Note)
	return out, wrapCareCase(caseID, err)
}

// Reply posts the brand's reply: an outbound message under req.InReplyTo
// (or the message Care picks for the mode, as the sandbox picks it); the
// case becomes interacted, and pending with MarkPending.
func (f *fakeCare) Reply(ctx context.Context, caseID string, req care.ReplyRequest, idemKey string) (care.Message, error) {
	res, err := f.write(ctx, caresim.OpPostReply, caseID, idemKey, req, true, func() (any, error) {
		return f.replyLocked(caseID, req)
	})
	out, _ := res.(care.Message)
	return out, wrapCareCase(caseID, err)
}

// Act carries out a moderation action on a message.
func (f *fakeCare) Act(ctx context.Context, caseID, messageID, action, idemKey string) (care.ActionResult, error) {
	if !slices.Contains([]string{care.ActionLike, care.ActionUnlike, care.ActionDelete, care.ActionHide, care.ActionUnhide,
		care.ActionBanAuthor, care.ActionUnbanAuthor, care.ActionFollowAuthor, care.ActionUnfollowAuthor}, action) {
		err := &upstream.Error{System: care.System, Op: caresim.OpMessageAction, Class: upstream.Permanent, Message: fmt.Sprintf("unknown action %q", action)}
		f.record(careCall{Op: caresim.OpMessageAction, ID: messageID, Key: idemKey, Request: care.ActionRequest{Action: action, CaseID: caseID}, Err: err})
		return care.ActionResult{}, fmt.Errorf("message %s: %w", messageID, err)
	}
	res, err := f.write(ctx, caresim.OpMessageAction, messageID, idemKey, care.ActionRequest{Action: action, CaseID: caseID}, true, func() (any, error) {
		return f.actLocked(caseID, messageID, action)
	})
	out, _ := res.(care.ActionResult)
	if err != nil {
		return out, fmt.Errorf("message %s: %w", messageID, err)
	}
	return out, nil
}

func (f *fakeCare) record(c careCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, c)
}

// write runs one write as Care does: the client's checks of the key, the
// faults, the idempotency record, then apply, which changes Care only when
// it returns no error.
func (f *fakeCare) write(ctx context.Context, op, id, key string, req any, needsKey bool, apply func() (any, error)) (any, error) {
	call := careCall{Op: op, ID: id, Key: key, Request: req}
	if err := ctx.Err(); err != nil {
		call.Err = &upstream.Error{System: care.System, Op: op, Class: upstream.Retryable, Message: "cancelled", Err: err}
		f.record(call)
		return nil, call.Err
	}
	switch {
	case needsKey && key == "":
		call.Err = &upstream.Error{System: care.System, Op: op, Class: upstream.Permanent, Message: "an idempotency key is required"}
	case len(key) > 255 || strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r > 0x7e }):
		call.Err = &upstream.Error{System: care.System, Op: op, Class: upstream.Permanent, Message: "idempotency key must be at most 255 printable ASCII characters"}
	}
	if call.Err != nil {
		f.record(call)
		return nil, call.Err
	}
	f.mu.Lock()
	do := f.meanwhile[op]
	delete(f.meanwhile, op)
	f.mu.Unlock()
	if do != nil {
		do()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	defer func() { f.log = append(f.log, call) }()
	fail, lost := f.faults.pick(op, id)
	if fail != nil && !lost {
		call.Err = fail
		return nil, fail
	}
	body, _ := json.Marshal(req)
	fingerprint := op + " " + id + " " + string(body)
	if key != "" {
		if prev, ok := f.idem[key]; ok {
			if prev.fingerprint != fingerprint {
				call.Err = careError(op, http.StatusConflict, "", fmt.Sprintf("%s %q was already used for a different request", care.IdempotencyHeader, key))
				return nil, call.Err
			}
			call.Replayed = true
			if lost {
				call.Lost, call.Err = true, fail
				return nil, fail
			}
			call.Err = prev.err
			return prev.result, prev.err
		}
	}
	res, err := apply()
	call.Applied = err == nil
	if key != "" && careFinal(err) {
		f.idem[key] = careIdem{fingerprint: fingerprint, result: res, err: err}
	}
	if lost {
		call.Lost, call.Err = true, fail
		return nil, fail
	}
	call.Err = err
	return res, err
}

// careFinal says whether an answer is final for its idempotency key:
// server failures and throttling are not (a retry must act).
func careFinal(err error) bool {
	var ue *upstream.Error
	if err == nil || !errors.As(err, &ue) {
		return err == nil
	}
	return ue.Status != http.StatusTooManyRequests && ue.Status < 500 && ue.Status != http.StatusUnauthorized
}

func (f *fakeCare) replyLocked(caseID string, req care.ReplyRequest) (any, error) {
	op := caresim.OpPostReply
	switch req.Mode {
	case rules.PublicReply, rules.CommentOnPost, rules.DirectMessage, rules.PrivateReply:
	default:
		return nil, careError(op, http.StatusBadRequest, "", fmt.Sprintf("mode %q must be one of public_reply, comment_on_post, direct_message, private_reply", req.Mode))
	}
	if strings.TrimSpace(req.Text) == "" && len(req.Media) == 0 {
		return nil, careError(op, http.StatusBadRequest, "", "a reply needs text or media")
	}
	c, err := f.caseLocked(op, caseID)
	if err != nil {
		return nil, err
	}
	var target *care.Message
	if req.InReplyTo != "" {
		target = f.messageLocked(req.InReplyTo)
		if target == nil || target.CaseID != caseID {
			return nil, careError(op, http.StatusBadRequest, "", fmt.Sprintf("in_reply_to %q is not a message of case %q", req.InReplyTo, caseID))
		}
		if target.Deleted {
			return nil, careError(op, http.StatusBadRequest, "", fmt.Sprintf("in_reply_to %q was deleted", req.InReplyTo))
		}
	} else {
		target = f.defaultTargetLocked(caseID, req.Mode)
	}
	if target == nil {
		return nil, careError(op, http.StatusBadRequest, "", fmt.Sprintf("case %q has no message to reply to", caseID))
	}
	author := care.Author{ID: "brand", Handle: "brand", Name: "Brand", IsBrand: true}
	if c.ProfileID != nil {
		if i := slices.IndexFunc(f.profiles, func(p care.Profile) bool { return p.ID == *c.ProfileID }); i >= 0 {
			p := f.profiles[i]
			author = care.Author{ID: p.ID, Handle: p.Handle, Name: p.Name, IsBrand: true}
		}
	}
	m := &care.Message{ID: f.newIDLocked("msg"), CaseID: caseID, Platform: c.Platform, Direction: care.Outbound, Author: author,
		Text: req.Text, Media: append([]string{}, req.Media...), PostedAt: f.now().UTC()}
	switch req.Mode {
	case rules.PublicReply:
		m.Kind = rules.ReplyKind
		if target.Depth == 0 {
			m.Kind = rules.Comment
		}
		parent := target.ID
		m.ParentID, m.Depth = &parent, target.Depth+1
	case rules.CommentOnPost:
		root := target
		for root.ParentID != nil {
			p := f.messageLocked(*root.ParentID)
			if p == nil {
				break
			}
			root = p
		}
		m.Kind, m.Depth = rules.Comment, 1
		switch {
		case root.ParentID != nil:
			parent := *root.ParentID
			m.ParentID = &parent
		case root.Depth == 0:
			parent := root.ID
			m.ParentID = &parent
		}
	default:
		m.Kind = rules.DirectMessageKind
	}
	if req.Mode == rules.PrivateReply {
		target.PrivateReplySent = true
		target.UpdatedAt = f.stampLocked()
	}
	m.UpdatedAt = f.stampLocked()
	f.convo[caseID] = append(f.convo[caseID], m)
	c.Interacted = true
	if req.MarkPending {
		c.Status = rules.Pending
	}
	c.UpdatedAt = f.stampLocked()
	return *m, nil
}

// defaultTargetLocked picks the message a reply without in_reply_to goes
// under, as the Care sandbox picks it.
func (f *fakeCare) defaultTargetLocked(caseID string, mode rules.ReplyMode) *care.Message {
	t := carerules.DefaultTarget(f.messagesLocked(caseID), mode)
	if t == nil {
		return nil
	}
	return f.messageLocked(t.ID)
}

func (f *fakeCare) actLocked(caseID, messageID, action string) (any, error) {
	op := caresim.OpMessageAction
	m := f.messageLocked(messageID)
	if m == nil || m.CaseID != caseID {
		return nil, careError(op, http.StatusNotFound, "", fmt.Sprintf("message %q not found in case %q", messageID, caseID))
	}
	if m.Deleted {
		return nil, careError(op, http.StatusBadRequest, "", fmt.Sprintf("message %q was deleted", messageID))
	}
	author := string(m.Platform) + "/" + m.Author.ID
	switch action {
	case care.ActionLike, care.ActionUnlike:
		m.Liked = action == care.ActionLike
	case care.ActionDelete:
		m.Deleted = true
	case care.ActionHide, care.ActionUnhide:
		hide := action == care.ActionHide
		m.Hidden, m.HiddenWithParent = hide, false
		for _, d := range f.descendantsLocked(m) {
			if hide && !d.Hidden || !hide && d.HiddenWithParent {
				d.Hidden, d.HiddenWithParent = hide, hide
				d.UpdatedAt = f.stampLocked()
			}
		}
	case care.ActionBanAuthor, care.ActionUnbanAuthor:
		f.banned[author] = action == care.ActionBanAuthor
	case care.ActionFollowAuthor, care.ActionUnfollowAuthor:
		f.following[author] = action == care.ActionFollowAuthor
	}
	m.UpdatedAt = f.stampLocked()
	if c, ok := f.cases[m.CaseID]; ok {
		c.Interacted = true
		c.UpdatedAt = f.stampLocked()
	}
	return care.ActionResult{MessageID: m.ID, Action: action}, nil
}

// descendantsLocked lists the live replies under m (hiding cascades to
// them, down to depth 3 as Care's limits say).
func (f *fakeCare) descendantsLocked(m *care.Message) []*care.Message {
	var out []*care.Message
	for _, r := range carerules.Replies(f.messagesLocked(m.CaseID), m) {
		if r.Depth <= 3 {
			out = append(out, f.messageLocked(r.ID))
		}
	}
	return out
}

func (f *fakeCare) caseLocked(op, id string) (*care.Case, error) {
	c, ok := f.cases[id]
	if !ok {
		return nil, careError(op, http.StatusNotFound, "", fmt.Sprintf("case %q not found", id))
	}
	return c, nil
}

func (f *fakeCare) messageLocked(id string) *care.Message {
	for _, msgs := range f.convo {
		for _, m := range msgs {
			if m.ID == id {
				return m
			}
		}
	}
	return nil
}

func (f *fakeCare) messagesLocked(caseID string) []care.Message {
	out := make([]care.Message, 0, len(f.convo[caseID]))
	for _, m := range f.convo[caseID] {
		mm := *m
		mm.Media = slices.Clone(m.Media)
		out = append(out, mm)
	}
	return out
}

func (f *fakeCare) hasAgentLocked(id string) bool {
	return slices.ContainsFunc(f.agents, func(a care.Agent) bool { return a.ID == id })
}

// stampLocked returns a strictly increasing change time, in microseconds
// as Care keeps them.
func (f *fakeCare) stampLocked() time.Time {
	t := f.now().UTC().Truncate(time.Microsecond)
	if !t.After(f.lastStamp) {
		t = f.lastStamp.Add(time.Microsecond)
	}
	f.lastStamp = t
	return t
}

func (f *fakeCare) newIDLocked(prefix string) string {
	f.seq++
	return prefix + "_" + strconv.Itoa(f.seq)
}

func wrapCareCase(caseID string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("case %s: %w", caseID, err)
}

// viewLocked is c as Care's API shows it: its conversation's and notes'
// stamps are those of its newest message change and newest note, and a
// change of either is a change of the case (updated_at), however a test
// made it. Call with f.mu held.
func (f *fakeCare) viewLocked(c *care.Case) care.Case {
	out := cloneCase(*c)
	latest := func(t time.Time, at **time.Time) {
		if *at == nil || t.After(**at) {
			tt := t
			*at = &tt
		}
	}
	for _, m := range f.convo[c.ID] {
		latest(m.UpdatedAt, &out.ConversationUpdatedAt)
	}
	for _, n := range f.notes[c.ID] {
		latest(n.CreatedAt, &out.NotesUpdatedAt)
	}
	for _, t := range []*time.Time{out.ConversationUpdatedAt, out.NotesUpdatedAt} {
		if t != nil && t.After(out.UpdatedAt) {
			out.UpdatedAt = *t
		}
	}
	return out
}

func cloneCase(c care.Case) care.Case {
	c.Labels = slices.Clone(c.Labels)
	if c.AssigneeID != nil {
		a := *c.AssigneeID
		c.AssigneeID = &a
	}
	if c.ProfileID != nil {
		p := *c.ProfileID
		c.ProfileID = &p
	}
	if c.LastCustomerMessageAt != nil {
		t := *c.LastCustomerMessageAt
		c.LastCustomerMessageAt = &t
	}
	return c
}

func sameStringPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// carePosition is a place in Care's (updated_at, id) change order, encoded
// as connectors/care encodes its cursors ("cc1.<unix nanos>.<base64 id>").
type carePosition struct {
	at time.Time
	id string
}

func (p carePosition) before(q carePosition) bool {
	if p.at.IsZero() && p.id == "" {
		return true
	}
	if c := p.at.Compare(q.at); c != 0 {
		return c < 0
	}
	return p.id < q.id
}

func (p carePosition) encode() string {
	return "cc1." + strconv.FormatInt(p.at.UnixNano(), 10) + "." + base64.RawURLEncoding.EncodeToString([]byte(p.id))
}

func parseCareCursor(s string) (carePosition, error) {
	if s == "" {
		return carePosition{}, nil
	}
	rest, ok := strings.CutPrefix(s, "cc1.")
	ns, id, ok2 := strings.Cut(rest, ".")
	n, err := strconv.ParseInt(ns, 10, 64)
	raw, err2 := base64.RawURLEncoding.DecodeString(id)
	if !ok || !ok2 || err != nil || err2 != nil {
		return carePosition{}, fmt.Errorf("cursor %q is not a care change cursor", s)
	}
	return carePosition{at: time.Unix(0, n).UTC(), id: string(raw)}, nil
}
