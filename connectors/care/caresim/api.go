package caresim

import (
	"container/heap"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/carerules"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// api serves the contract's operations (api.go, actions.go; op wraps each
// one, in server.go) and counts their calls. idem and calls are guarded by the shared mu.
type api struct {
	*state
	injector *faultInjector
	idem     map[string]idemEntry
	calls    map[string]int
	budget   *rate.Limiter // nil: no rate limit
	limited  atomic.Int64  // API calls refused by the rate limit
}

const (
	defaultPageSize = 50
	maxPageSize     = 200
)

func (s *api) listCases(r *http.Request, _ []byte) (int, any, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return 0, nil, badRequest("malformed query string: %v", err)
	}
	for k := range q {
		if k != "updated_since" && k != "cursor" && k != "limit" {
			return 0, nil, badRequest("unknown query parameter %q", k)
		}
	}
	var since time.Time
	if v := q.Get("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return 0, nil, badRequest("updated_since %q is not an RFC 3339 date-time", v)
		}
		since = t
	}
	limit := defaultPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			return 0, nil, badRequest("limit %q must be an integer from 1 to %d", v, maxPageSize)
		}
		limit = n
	}
	var after position
	if v := q.Get("cursor"); v != "" {
		p, err := decodeCursor(v)
		if err != nil {
			return 0, nil, badRequest("cursor %q is invalid", v)
		}
		after = p
	}
	// Like Care's index on (updated_at, id): only the page is ordered and
	// copied, not every case that matches.
	matched := firstCases(s.cases, since, after, limit+1)
	page := care.CasePage{Cases: matched, NextCursor: ""}
	if len(matched) > limit {
		page.Cases = matched[:limit]
		last := page.Cases[limit-1]
		page.NextCursor = position{last.UpdatedAt, last.ID}.encode()
	}
	if page.Cases == nil {
		page.Cases = []care.Case{}
	}
	return http.StatusOK, page, nil
}

// firstCases returns, in (updated_at, id) order, the first n cases updated
// at or after since and placed after after: a bounded heap keeps the n
// smallest, so a page costs one pass over the cases, not a sort of them.
func firstCases(cases map[string]*care.Case, since time.Time, after position, n int) []care.Case {
	h := make(caseHeap, 0, n)
	for _, c := range cases {
		if c.UpdatedAt.Before(since) {
			continue
		}
		p := position{c.UpdatedAt, c.ID}
		if !after.zero() && !after.before(p) {
			continue
		}
		switch {
		case len(h) < n:
			heap.Push(&h, c)
		case p.before(position{h[0].UpdatedAt, h[0].ID}):
			h[0] = c
			heap.Fix(&h, 0)
		}
	}
	out := make([]care.Case, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		out[i] = *heap.Pop(&h).(*care.Case)
	}
	return out
}

// caseHeap is a max-heap of cases in (updated_at, id) order: its root is
// the last of the cases it holds.
type caseHeap []*care.Case

func (h caseHeap) Len() int { return len(h) }
func (h caseHeap) Less(i, j int) bool {
	return position{h[j].UpdatedAt, h[j].ID}.before(position{h[i].UpdatedAt, h[i].ID})
}
func (h caseHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *caseHeap) Push(x any)   { *h = append(*h, x.(*care.Case)) }
func (h *caseHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// position is a place in the (updated_at, id) order of the change listing.
type position struct {
	at time.Time
	id string
}

func (p position) zero() bool { return p.at.IsZero() && p.id == "" }

func (p position) before(q position) bool {
	if c := p.at.Compare(q.at); c != 0 {
		return c < 0
	}
	return p.id < q.id
}

func (p position) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1|" + strconv.FormatInt(p.at.UnixNano(), 10) + "|" + p.id))
}

func decodeCursor(v string) (position, error) {
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return position{}, err
	}
	parts := strings.SplitN(string(raw), "|", 3)
	if len(parts) != 3 || parts[0] != "v1" || parts[2] == "" {
		return position{}, fmt.Errorf("malformed cursor")
	}
	ns, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return position{}, err
	}
	return position{time.Unix(0, ns).UTC(), parts[2]}, nil
}

func (s *state) caseLocked(id string) (*care.Case, error) {
	c, ok := s.cases[id]
	if !ok {
		return nil, notFound("case %q not found", id)
	}
	return c, nil
}

func (s *api) getCase(r *http.Request, _ []byte) (int, any, error) {
	c, err := s.caseLocked(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, *c, nil
}

func (s *api) listMessages(r *http.Request, _ []byte) (int, any, error) {
	c, err := s.caseLocked(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.messagesLocked(c.ID), nil
}

func (s *state) messagesLocked(caseID string) []care.Message {
	out := make([]care.Message, 0, len(s.convo[caseID]))
	for _, id := range s.convo[caseID] {
		out = append(out, *s.messages[id])
	}
	return out
}

func (s *api) listNotes(r *http.Request, _ []byte) (int, any, error) {
	c, err := s.caseLocked(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, append([]care.Note{}, s.notes[c.ID]...), nil
}

func (s *api) listAgents(*http.Request, []byte) (int, any, error) {
	return http.StatusOK, append([]care.Agent{}, s.agents...), nil
}

func (s *api) listProfiles(*http.Request, []byte) (int, any, error) {
	return http.StatusOK, append([]care.Profile{}, s.profiles...), nil
}

func (s *api) assignCase(r *http.Request, body []byte) (int, any, error) {
	var req care.AssignRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	c, err := s.assignLocked(r.PathValue("id"), req.AgentID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, c, nil
}

func (s *state) assignLocked(caseID string, agentID *string) (care.Case, error) {
	c, err := s.caseLocked(caseID)
	if err != nil {
		return care.Case{}, err
	}
	if agentID != nil {
		if _, ok := s.agentLocked(*agentID); !ok {
			return care.Case{}, badRequest("agent %q does not exist", *agentID)
		}
	}
	if equalPtr(c.AssigneeID, agentID) {
		return *c, nil
	}
	if agentID != nil {
		id := *agentID
		c.AssigneeID = &id
	} else {
		c.AssigneeID = nil
	}
	s.touchCaseLocked(c)
	return *c, nil
}

func (s *state) agentLocked(id string) (care.Agent, bool) {
	for _, a := range s.agents {
		if a.ID == id {
			return a, true
		}
	}
	return care.Agent{}, false
}

func (s *state) profileLocked(id string) (care.Profile, bool) {
	for _, p := range s.profiles {
		if p.ID == id {
			return p, true
		}
	}
	return care.Profile{}, false
}

func equalPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

var statuses = map[rules.Status]bool{rules.Open: true, rules.Pending: true, rules.Done: true, rules.Deleted: true}

func (s *api) setStatus(r *http.Request, body []byte) (int, any, error) {
	var req care.StatusRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	c, err := s.setStatusLocked(r.PathValue("id"), req.Status)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, c, nil
}

func (s *state) setStatusLocked(caseID string, st rules.Status) (care.Case, error) {
	if !statuses[st] {
		return care.Case{}, badRequest("status %q must be one of open, pending, done, deleted", st)
	}
	c, err := s.caseLocked(caseID)
	if err != nil {
		return care.Case{}, err
	}
	sc := carerules.Scenario(*c, s.messagesLocked(c.ID), rules.SetStatus, nil, false, s.now())
	sc.NewStatus = st
	if err := s.check(sc); err != nil {
		return care.Case{}, err
	}
	if c.Status == st {
		return *c, nil
	}
	c.Status = st
	s.touchCaseLocked(c)
	return *c, nil
}

func (s *api) setProfile(r *http.Request, body []byte) (int, any, error) {
	var req care.ProfileRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	if req.ProfileID == "" {
		return 0, nil, badRequest("profile_id is required")
	}
	c, err := s.caseLocked(r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	p, ok := s.profileLocked(req.ProfileID)
	if !ok {
		return 0, nil, badRequest("profile %q does not exist", req.ProfileID)
	}
	if p.Platform != c.Platform {
		return 0, nil, badRequest("profile %q is a %s profile; case %q is on %s", p.ID, p.Platform, c.ID, c.Platform)
	}
	if err := s.check(carerules.Scenario(*c, s.messagesLocked(c.ID), rules.SetProfile, nil, false, s.now())); err != nil {
		return 0, nil, err
	}
	if c.ProfileID != nil && *c.ProfileID == p.ID {
		return http.StatusOK, *c, nil
	}
	id := p.ID
	c.ProfileID = &id
	s.touchCaseLocked(c)
	return http.StatusOK, *c, nil
}

func (s *api) addNote(r *http.Request, body []byte) (int, any, error) {
	var req care.NoteRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	n, err := s.addNoteLocked(r.PathValue("id"), req.AuthorID, req.Text, req.Mentions)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, n, nil
}

func (s *state) addNoteLocked(caseID, authorID, text string, mentions []string) (care.Note, error) {
	if strings.TrimSpace(text) == "" {
		return care.Note{}, badRequest("text is required")
	}
	c, err := s.caseLocked(caseID)
	if err != nil {
		return care.Note{}, err
	}
	if authorID != "" {
		if _, ok := s.agentLocked(authorID); !ok {
			return care.Note{}, badRequest("author %q is not a Care agent", authorID)
		}
	}
	n := care.Note{
		ID:       s.newIDLocked("note", s.noteTakenLocked),
		CaseID:   c.ID,
		AuthorID: authorID,
		Text:     text,
		Mentions: append([]string{}, mentions...),
	}
	c.UpdatedAt = s.stampLocked()
	n.CreatedAt = c.UpdatedAt
	t := c.UpdatedAt
	c.NotesUpdatedAt = &t
	s.notes[c.ID] = append(s.notes[c.ID], n)
	s.noteIDs[n.ID] = true
	s.emitLocked(care.EventNoteCreated, c.ID, n)
	return n, nil
}

func (s *state) noteTakenLocked(id string) bool { return s.noteIDs[id] }

// touchCaseLocked records a change of the case: a new updated_at and a
// case.updated event.
func (s *state) touchCaseLocked(c *care.Case) {
	c.UpdatedAt = s.stampLocked()
	s.emitLocked(care.EventCaseUpdated, c.ID, *c)
}

// check asks the rules engine; a refusal becomes a 422 with the rule code.
func (s *state) check(sc rules.Scenario) error {
	d := s.rules.Check(sc)
	if d.Allowed {
		return nil
	}
	reason := d.Reason
	if reason == "" {
		reason = "Care does not allow this action."
	}
	return &apiError{status: http.StatusUnprocessableEntity, msg: reason, rule: d.Code}
}
