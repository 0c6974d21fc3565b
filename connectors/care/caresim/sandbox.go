package caresim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
)

// simulation is the Go controls of the sandbox (sandbox.go, authors.go,
// demo.go): what customers, authors and Care users do, each taking the
// shared mu.
type simulation struct {
	*state
}

// controlEndpoints serves /sandbox/ (sandbox.go, authors.go): thin HTTP
// handlers over the Go controls, the faults and the call counters.
type controlEndpoints struct {
	*simulation
	*faultInjector
	*api
}

var platforms = map[rules.Platform]bool{
	rules.Facebook: true, rules.Instagram: true, rules.Twitter: true,
	rules.LinkedIn: true, rules.YouTube: true, rules.TikTok: true,
}

var kinds = map[rules.Kind]bool{
	rules.Post: true, rules.Comment: true, rules.ReplyKind: true, rules.AdComment: true,
	rules.WallPost: true, rules.MentionInPost: true, rules.MentionInComment: true,
	rules.MentionInQuotedTweet: true, rules.ListeningMention: true, rules.DirectMessageKind: true,
}

// AddAgent adds (or replaces, by id) a Care user.
func (s *simulation) AddAgent(a care.Agent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.agents {
		if s.agents[i].ID == a.ID {
			s.agents[i] = a
			return
		}
	}
	s.agents = append(s.agents, a)
}

// AddProfile adds (or replaces, by id) a brand profile.
func (s *simulation) AddProfile(p care.Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.profiles {
		if s.profiles[i].ID == p.ID {
			s.profiles[i] = p
			return
		}
	}
	s.profiles = append(s.profiles, p)
}

// Escalate creates a case with its conversation, as Care does when a message
// is escalated. Empty ids are assigned; inbound messages without an author
// are the case's customer's; a reply's depth follows its parent.
//
// As in Care, a case is about a customer (customer.id and customer.handle)
// and arrives with the profile whose content was escalated; only listening
// content escalated by automation (a conversation of listening mentions, as
// EscalateListening makes) arrives without a profile.
func (s *simulation) Escalate(c care.Case, msgs []care.Message) (care.Case, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.validateCaseLocked(&c, isListening(msgs)); err != nil {
		return care.Case{}, fmt.Errorf("escalate case %q: %w", c.ID, err)
	}
	if c.ID == "" {
		c.ID = s.newIDLocked("case", func(id string) bool { _, ok := s.cases[id]; return ok })
	}
	batch := map[string]*care.Message{}
	prepared := make([]*care.Message, 0, len(msgs))
	for i := range msgs {
		m := msgs[i]
		m.CaseID = c.ID
		if m.ID == "" {
			m.ID = s.newIDLocked("msg", func(id string) bool { _, ok := s.messages[id]; return ok || batch[id] != nil })
		}
		if _, ok := s.messages[m.ID]; ok || batch[m.ID] != nil {
			return care.Case{}, fmt.Errorf("escalate case %q: %w", c.ID, badRequest("message %q already exists", m.ID))
		}
		if err := s.prepareMessageLocked(&c, &m, func(id string) *care.Message { return batch[id] }); err != nil {
			return care.Case{}, fmt.Errorf("escalate case %q: message %q: %w", c.ID, m.ID, err)
		}
		batch[m.ID] = &m
		prepared = append(prepared, &m)
	}
	for _, m := range prepared {
		if m.Direction == care.Inbound && (c.LastCustomerMessageAt == nil || m.PostedAt.After(*c.LastCustomerMessageAt)) {
			t := m.PostedAt
			c.LastCustomerMessageAt = &t
		}
	}
	c.UpdatedAt = s.stampLocked()
	c.ConversationUpdatedAt, c.NotesUpdatedAt = nil, nil // stamped as messages and notes arrive
	stored := c
	s.cases[c.ID] = &stored
	s.emitLocked(care.EventCaseCreated, c.ID, stored)
	for _, m := range prepared {
		s.addMessageLocked(m)
	}
	if len(prepared) > 0 {
		// updated_at increases on every change, the conversation's too
		// (each message announced by its own event).
		s.cases[c.ID].UpdatedAt = s.stampLocked()
		stored = *s.cases[c.ID]
	}
	return stored, nil
}

// isListening reports whether a conversation is listening content: one or
// more listening mentions and nothing else.
func isListening(msgs []care.Message) bool {
	for _, m := range msgs {
		if m.Kind != rules.ListeningMention {
			return false
		}
	}
	return len(msgs) > 0
}

func (s *state) validateCaseLocked(c *care.Case, listening bool) error {
	if !platforms[c.Platform] && !slices.Contains(s.opts.NewPlatforms, c.Platform) {
		return badRequest("platform %q must be one of facebook, instagram, twitter, linkedin, youtube, tiktok", c.Platform)
	}
	if c.Customer.ID == "" || c.Customer.Handle == "" {
		return badRequest("customer.id and customer.handle are required: a Care case is about the social user who wrote")
	}
	if c.ProfileID == nil && !listening {
		return badRequest("profile_id is required: Care escalates a profile's content with that profile; only listening content " +
			"(messages of kind listening_mention, as POST /sandbox/listening sends) arrives without one")
	}
	if c.ID != "" {
		if _, ok := s.cases[c.ID]; ok {
			return badRequest("case %q already exists", c.ID)
		}
	}
	if c.Status == "" {
		c.Status = rules.Open
	}
	if !statuses[c.Status] {
		return badRequest("status %q must be one of open, pending, done, deleted", c.Status)
	}
	if c.AssigneeID != nil {
		if _, ok := s.agentLocked(*c.AssigneeID); !ok {
			return badRequest("assignee %q is not a Care agent", *c.AssigneeID)
		}
	}
	if c.ProfileID != nil {
		if _, ok := s.profileLocked(*c.ProfileID); !ok {
			return badRequest("profile %q does not exist", *c.ProfileID)
		}
	}
	switch c.Sentiment {
	case "", "positive", "neutral", "negative":
	default:
		return badRequest("sentiment %q must be positive, neutral, negative or empty", c.Sentiment)
	}
	switch c.Priority {
	case "", "low", "normal", "high", "urgent":
	default:
		return badRequest("priority %q must be low, normal, high, urgent or empty", c.Priority)
	}
	if c.Labels == nil {
		c.Labels = []string{}
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now()
	}
	return nil
}

// prepareMessageLocked validates m and fills its defaults. pending finds
// messages of the same batch not stored yet.
func (s *state) prepareMessageLocked(c *care.Case, m *care.Message, pending func(string) *care.Message) error {
	if m.Platform == "" {
		m.Platform = c.Platform
	}
	if m.Platform != c.Platform {
		return badRequest("platform %q differs from the case's %q", m.Platform, c.Platform)
	}
	if m.Direction == "" {
		m.Direction = care.Inbound
	}
	if m.Direction != care.Inbound && m.Direction != care.Outbound {
		return badRequest("direction %q must be inbound or outbound", m.Direction)
	}
	if m.Kind == "" {
		m.Kind = rules.DirectMessageKind
		if m.ParentID != nil {
			m.Kind = rules.ReplyKind
		}
	}
	if !kinds[m.Kind] {
		return badRequest("kind %q is not a Care message kind", m.Kind)
	}
	if m.ParentID != nil {
		p := pending(*m.ParentID)
		if p == nil {
			if sp, ok := s.messages[*m.ParentID]; ok && sp.CaseID == c.ID {
				p = sp
			}
		}
		if p != nil {
			m.Depth = p.Depth + 1
			if m.Kind == rules.ReplyKind && p.Depth == 0 {
				m.Kind = rules.Comment
			}
			if p.Hidden { // replies to a hidden comment are not visible either
				m.Hidden, m.HiddenWithParent = true, true
			}
		} else if m.Depth == 0 {
			m.Depth = 1
		}
	}
	if m.Depth < 0 {
		return badRequest("depth %d is negative", m.Depth)
	}
	if m.Author == (care.Author{}) {
		if m.Direction == care.Inbound {
			m.Author = care.Author{ID: c.Customer.ID, Handle: c.Customer.Handle, Name: c.Customer.Name,
				IsPage: c.Customer.IsPage, FollowsBrand: c.Customer.FollowsBrand}
		} else {
			m.Author = s.brandAuthorLocked(c)
		}
	}
	if m.PostedAt.IsZero() {
		m.PostedAt = s.now()
	}
	if err := prepareDeletion(m, s.now()); err != nil {
		return err
	}
	state := care.AccountActive
	if !m.Author.IsBrand {
		state = s.accountStateLocked(m.Platform, m.Author.ID)
	}
	if m.Author.AccountState != "" && m.Author.AccountState != state {
		return badRequest("author.account_state %q is not the state of the author's account (%s): change it with POST /sandbox/account-state", m.Author.AccountState, state)
	}
	m.Author.AccountState = state
	return nil
}

// prepareDeletion checks what a message brought in says about its
// deletion: who deleted it says it is deleted; an author's deletion
// leaves no content in Care.
func prepareDeletion(m *care.Message, now time.Time) error {
	if m.DeletedBy == nil {
		if m.DeletedAt != nil && !m.Deleted {
			return badRequest("deleted_at is set on a message that is not deleted")
		}
		return nil
	}
	switch *m.DeletedBy {
	case care.DeletedByAuthor, care.DeletedByBrand:
	default:
		return badRequest("deleted_by %q must be author or brand", *m.DeletedBy)
	}
	if !m.Deleted {
		return badRequest("deleted_by is set on a message that is not deleted")
	}
	if m.DeletedAt == nil {
		m.DeletedAt = &now
	}
	if *m.DeletedBy == care.DeletedByAuthor {
		m.Text, m.Media, m.Permalink = "", []string{}, ""
	}
	return nil
}

// EscalateListening escalates listening content the way automation does: a
// new case with no profile holding one listening mention.
func (s *simulation) EscalateListening(platform rules.Platform, customer care.Customer, text string) (care.Case, error) {
	if strings.TrimSpace(text) == "" {
		return care.Case{}, fmt.Errorf("escalate listening content: %w", badRequest("text is required: the listening content escalated"))
	}
	return s.Escalate(care.Case{
		Platform: platform,
		Subject:  "Listening mention",
		Customer: customer,
	}, []care.Message{{Kind: rules.ListeningMention, Text: text}})
}

// CustomerMessage adds a message from the customer (a comment, reply or DM)
// to the case. A customer message on a pending case puts it back to open:
// pending holds the case only until the customer replies.
func (s *simulation) CustomerMessage(caseID string, m care.Message) (care.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.caseLocked(caseID)
	if err != nil {
		return care.Message{}, fmt.Errorf("customer message on case %q: %w", caseID, err)
	}
	m.CaseID = c.ID
	m.Direction = care.Inbound
	if m.ID == "" {
		m.ID = s.newIDLocked("msg", s.messageTakenLocked)
	}
	if s.messageTakenLocked(m.ID) {
		return care.Message{}, fmt.Errorf("customer message on case %q: %w", caseID, badRequest("message %q already exists", m.ID))
	}
	if m.ParentID != nil {
		if p, ok := s.messages[*m.ParentID]; !ok || p.CaseID != c.ID {
			return care.Message{}, fmt.Errorf("customer message on case %q: %w", caseID, badRequest("parent %q is not a message of the case", *m.ParentID))
		}
	}
	if m.PostedAt.IsZero() {
		m.PostedAt = s.now()
	}
	if err := s.prepareMessageLocked(c, &m, func(string) *care.Message { return nil }); err != nil {
		return care.Message{}, fmt.Errorf("customer message on case %q: %w", caseID, err)
	}
	s.addMessageLocked(&m)
	t := m.PostedAt
	if c.LastCustomerMessageAt == nil || t.After(*c.LastCustomerMessageAt) {
		c.LastCustomerMessageAt = &t
	}
	if c.Status == rules.Pending {
		c.Status = rules.Open
	}
	s.touchCaseLocked(c)
	return m, nil
}

// Case returns a case.
func (s *simulation) Case(id string) (care.Case, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cases[id]
	if !ok {
		return care.Case{}, false
	}
	return *c, true
}

// Messages returns a case's conversation, oldest first.
func (s *simulation) Messages(caseID string) []care.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked(caseID)
}

// Notes returns a case's internal notes, oldest first.
func (s *simulation) Notes(caseID string) []care.Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]care.Note{}, s.notes[caseID]...)
}

// Replies returns the messages sent to a case through the API, oldest first.
func (s *simulation) Replies(caseID string) []care.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]care.Message, 0, len(s.replies[caseID]))
	for _, id := range s.replies[caseID] {
		out = append(out, *s.messages[id])
	}
	return out
}

// UIAssign assigns (nil: unassigns) a case as a Care user would in the UI.
func (s *simulation) UIAssign(caseID string, agentID *string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.assignLocked(caseID, agentID); err != nil {
		return fmt.Errorf("ui assign case %q: %w", caseID, err)
	}
	return nil
}

// UISetStatus changes a case's status as a Care user would in the UI; Care's
// status rules apply.
func (s *simulation) UISetStatus(caseID string, st rules.Status) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.setStatusLocked(caseID, st); err != nil {
		return fmt.Errorf("ui set status of case %q: %w", caseID, err)
	}
	return nil
}

// UIAddNote writes an internal note as Care user authorID would in the UI.
func (s *simulation) UIAddNote(caseID, authorID, text string) (care.Note, error) {
	return s.uiAddNote(caseID, care.NoteRequest{AuthorID: authorID, Text: text})
}

func (s *simulation) uiAddNote(caseID string, req care.NoteRequest) (care.Note, error) {
	if req.AuthorID == "" {
		return care.Note{}, fmt.Errorf("ui add note to case %q: %w", caseID, badRequest("author_id is required: a note written in the Care UI has a Care user as its author"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.addNoteLocked(caseID, req.AuthorID, req.Text, req.Mentions)
	if err != nil {
		return care.Note{}, fmt.Errorf("ui add note to case %q: %w", caseID, err)
	}
	return n, nil
}

// controls are the simulation endpoints, each documented in
// sandbox-openapi.yaml (TestSandboxControlsMatchTheirDocument holds the two
// together) and in docs/sandboxes.md.
func (s *controlEndpoints) controls() map[string]handlerFunc {
	return map[string]handlerFunc{
		"POST /sandbox/escalate":                     s.simEscalate,
		"POST /sandbox/listening":                    s.simListening,
		"POST /sandbox/cases/{id}/customer-messages": s.simCustomerMessage,
		"POST /sandbox/cases/{id}/author-edit":       s.simAuthorEdit,
		"POST /sandbox/cases/{id}/author-delete":     s.simAuthorDelete,
		"POST /sandbox/account-state":                s.simAccountState,
		"POST /sandbox/cases/{id}/ui-assign":         s.simUIAssign,
		"POST /sandbox/cases/{id}/ui-status":         s.simUIStatus,
		"POST /sandbox/cases/{id}/ui-notes":          s.simUINote,
		"GET /sandbox/cases/{id}/replies":            s.simReplies,
		"POST /sandbox/agents":                       s.simAgent,
		"POST /sandbox/profiles":                     s.simProfile,
		"GET /sandbox/faults":                        s.simFaults,
		"POST /sandbox/faults":                       s.simFault,
		"DELETE /sandbox/faults":                     s.simClearFaults,
		"GET /sandbox/calls":                         s.simCalls,
		"DELETE /sandbox/calls":                      s.simResetCalls,
	}
}

// sandboxRoutes registers the simulation endpoints.
func (s *controlEndpoints) sandboxRoutes(m *http.ServeMux) {
	for pattern, h := range s.controls() {
		m.Handle(pattern, s.sim(h))
	}
}

// sim wraps a simulation endpoint: auth, bounded body, envelope. It does not
// hold s.mu; the handlers call the locking Go methods.
func (s *controlEndpoints) sim(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="care"`)
			writeError(w, &apiError{status: http.StatusUnauthorized, msg: "missing or invalid credentials"})
			return
		}
		var body []byte
		if r.Method == http.MethodPost {
			b, err := readBody(w, r)
			if err != nil {
				writeError(w, err)
				return
			}
			body = b
		}
		status, data, err := h(r, body)
		raw, status := render(status, data, err)
		writeRaw(w, status, raw)
	})
}

// EscalateRequest is the body of POST /sandbox/escalate.
type EscalateRequest struct {
	Case     care.Case      `json:"case"`
	Messages []care.Message `json:"messages"`
}

func (s *controlEndpoints) simEscalate(_ *http.Request, body []byte) (int, any, error) {
	var req EscalateRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	c, err := s.Escalate(req.Case, req.Messages)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, c, nil
}

// ListeningRequest is the body of POST /sandbox/listening.
type ListeningRequest struct {
	Platform rules.Platform `json:"platform"`
	Customer care.Customer  `json:"customer"`
	Text     string         `json:"text"`
}

func (s *controlEndpoints) simListening(_ *http.Request, body []byte) (int, any, error) {
	var req ListeningRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	c, err := s.EscalateListening(req.Platform, req.Customer, req.Text)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, c, nil
}

func (s *controlEndpoints) simCustomerMessage(r *http.Request, body []byte) (int, any, error) {
	var m care.Message
	if err := decodeStrict(body, &m); err != nil {
		return 0, nil, err
	}
	out, err := s.CustomerMessage(r.PathValue("id"), m)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, out, nil
}

func (s *controlEndpoints) simUIAssign(r *http.Request, body []byte) (int, any, error) {
	var req care.AssignRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	if err := s.UIAssign(r.PathValue("id"), req.AgentID); err != nil {
		return 0, nil, err
	}
	c, _ := s.Case(r.PathValue("id"))
	return http.StatusOK, c, nil
}

func (s *controlEndpoints) simUIStatus(r *http.Request, body []byte) (int, any, error) {
	var req care.StatusRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	if err := s.UISetStatus(r.PathValue("id"), req.Status); err != nil {
		return 0, nil, err
	}
	c, _ := s.Case(r.PathValue("id"))
	return http.StatusOK, c, nil
}

func (s *controlEndpoints) simUINote(r *http.Request, body []byte) (int, any, error) {
	var req care.NoteRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	n, err := s.uiAddNote(r.PathValue("id"), req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, n, nil
}

func (s *controlEndpoints) simReplies(r *http.Request, _ []byte) (int, any, error) {
	if _, ok := s.Case(r.PathValue("id")); !ok {
		return 0, nil, notFound("case %q not found", r.PathValue("id"))
	}
	return http.StatusOK, s.Replies(r.PathValue("id")), nil
}

func (s *controlEndpoints) simAgent(_ *http.Request, body []byte) (int, any, error) {
	var a care.Agent
	if err := decodeStrict(body, &a); err != nil {
		return 0, nil, err
	}
	if a.ID == "" {
		return 0, nil, badRequest("agent id is required")
	}
	s.AddAgent(a)
	return http.StatusCreated, a, nil
}

func (s *controlEndpoints) simProfile(_ *http.Request, body []byte) (int, any, error) {
	var p care.Profile
	if err := decodeStrict(body, &p); err != nil {
		return 0, nil, err
	}
	if p.ID == "" || !platforms[p.Platform] {
		return 0, nil, badRequest("a profile needs an id and one of the six platforms")
	}
	s.AddProfile(p)
	return http.StatusCreated, p, nil
}

// FaultRequest is the body of POST /sandbox/faults.
type FaultRequest struct {
	Op        string  `json:"op"`
	Status    int     `json:"status"`
	Times     int     `json:"times"`
	Rate      float64 `json:"rate"`
	LatencyMS int     `json:"latency_ms"`
	// LoseResponse: the call is carried out, only its answer is the failure.
	LoseResponse bool `json:"lose_response"`
}

func (s *controlEndpoints) simFault(_ *http.Request, body []byte) (int, any, error) {
	var req FaultRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	f := Fault{Op: req.Op, Status: req.Status, Times: req.Times, Rate: req.Rate, Latency: time.Duration(req.LatencyMS) * time.Millisecond, LoseResponse: req.LoseResponse}
	if err := f.validate(); err != nil {
		return 0, nil, badRequest("invalid fault: %v", err)
	}
	if f.Times == 0 && f.Rate == 0 && f.Latency == 0 {
		return 0, nil, badRequest("invalid fault: set times, rate or latency_ms")
	}
	s.InjectFault(f)
	return http.StatusCreated, req, nil
}

func (s *controlEndpoints) simFaults(*http.Request, []byte) (int, any, error) {
	faults := s.Faults()
	out := make([]FaultRequest, len(faults))
	for i, f := range faults {
		out[i] = FaultRequest{Op: f.Op, Status: f.Status, Times: f.Times, Rate: f.Rate,
			LatencyMS: int(f.Latency / time.Millisecond), LoseResponse: f.LoseResponse}
	}
	return http.StatusOK, out, nil
}

func (s *controlEndpoints) simClearFaults(*http.Request, []byte) (int, any, error) {
	s.ClearFaults()
	return http.StatusOK, map[string]bool{"cleared": true}, nil
}

// CallStats is the data of GET /sandbox/calls.
type CallStats struct {
	Total  int            `json:"total"`
	Writes int            `json:"writes"`
	ByOp   map[string]int `json:"by_op"`
}

func (s *controlEndpoints) simCalls(*http.Request, []byte) (int, any, error) {
	st := CallStats{Total: s.TotalCalls(), Writes: s.WriteCalls(), ByOp: map[string]int{}}
	ops := make([]string, 0, len(knownOps))
	for op := range knownOps {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	for _, op := range ops {
		st.ByOp[op] = s.Calls(op)
	}
	return http.StatusOK, st, nil
}

func (s *controlEndpoints) simResetCalls(*http.Request, []byte) (int, any, error) {
	s.ResetCalls()
	return http.StatusOK, map[string]bool{"reset": true}, nil
}
