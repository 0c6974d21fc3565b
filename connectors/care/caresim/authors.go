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

// What authors do to their content on the platforms, as Care learns it and
// reports it: a customer deletes or edits a message, an account goes
// protected, is deleted or suspended (and comes back). Each is a change of
// the messages concerned: their updated_at, their case's
// conversation_updated_at and updated_at move and case.updated goes out, so
// that a client keeping a copy rereads the conversation.

var accountStates = map[string]bool{
	care.AccountActive: true, care.AccountProtected: true, care.AccountDeleted: true, care.AccountSuspended: true,
}

// accountKey names an author's account: platform/author id.
func accountKey(p rules.Platform, authorID string) string { return string(p) + "/" + authorID }

// accountStateLocked is the state of an author's account (active unless
// set otherwise).
func (s *state) accountStateLocked(p rules.Platform, authorID string) string {
	if st, ok := s.accounts[accountKey(p, authorID)]; ok {
		return st
	}
	return care.AccountActive
}

// authoredMessageLocked finds a message of the case written by its
// author on the platform (not by the brand), for the author's own doings.
func (s *state) authoredMessageLocked(caseID, msgID, doing string) (*care.Case, *care.Message, error) {
	c, err := s.caseLocked(caseID)
	if err != nil {
		return nil, nil, err
	}
	if msgID == "" {
		return nil, nil, badRequest("message_id is required: the message its author %s", doing)
	}
	m, ok := s.messages[msgID]
	if !ok || m.CaseID != c.ID {
		return nil, nil, notFound("message %q not found in case %q", msgID, c.ID)
	}
	if m.Author.IsBrand {
		return nil, nil, badRequest("message %q is the brand's: the brand deletes its messages through POST /3/care/messages/{id}/actions, and Care cannot edit them", msgID)
	}
	if m.Deleted {
		return nil, nil, badRequest("message %q was deleted", msgID)
	}
	return c, m, nil
}

// AuthorDelete is the author of a message deleting it on the platform.
// Care keeps the message's place in the conversation, marked deleted by
// its author, and drops its content (text, media, permalink), as the
// platforms' terms require of anyone holding a copy.
func (s *simulation) AuthorDelete(caseID, msgID string) (care.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, err := s.authoredMessageLocked(caseID, msgID, "deletes")
	if err != nil {
		return care.Message{}, fmt.Errorf("author deletes message %q of case %q: %w", msgID, caseID, err)
	}
	m.Deleted = true
	m.DeletedBy = ptr(care.DeletedByAuthor)
	m.Text, m.Media, m.Permalink = "", []string{}, ""
	m.DeletedAt = s.authorChangedLocked(c, m)
	return *m, nil
}

// authorChangedLocked records that m's author changed it: a change of m
// and of its case. It returns the time of the change.
func (s *state) authorChangedLocked(c *care.Case, m *care.Message) *time.Time {
	m.UpdatedAt = s.stampLocked()
	at := m.UpdatedAt
	s.conversationChangedLocked(m)
	s.touchCaseLocked(c)
	return &at
}

// AuthorEdit is the author of a message editing it on the platform: Care
// reports the current text (and media, when given; nil keeps them) with
// the time of the edit, and keeps no earlier version.
func (s *simulation) AuthorEdit(caseID, msgID, text string, media []string) (care.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, err := s.authoredMessageLocked(caseID, msgID, "edits")
	if err != nil {
		return care.Message{}, fmt.Errorf("author edits message %q of case %q: %w", msgID, caseID, err)
	}
	next := m.Media
	if media != nil {
		next = slices.Clone(media)
	}
	if strings.TrimSpace(text) == "" && len(next) == 0 {
		return care.Message{}, fmt.Errorf("author edits message %q of case %q: %w", msgID, caseID, badRequest("an edited message needs text or media"))
	}
	m.Text, m.Media = text, next
	m.EditedAt = s.authorChangedLocked(c, m)
	return *m, nil
}

// AccountStateResult is what a change of an account's state changed.
type AccountStateResult struct {
	Platform rules.Platform `json:"platform"`
	AuthorID string         `json:"author_id"`
	State    string         `json:"state"`
	// Messages counts the messages of the author whose reported state
	// changed; Cases lists their cases, sorted.
	Messages int      `json:"messages"`
	Cases    []string `json:"cases"`
}

// SetAccountState records the state of an author's account on a platform
// (active, protected, deleted or suspended), as Care learns it from the
// platform. Every message of the author reports it from then on: each is
// changed, and so is each of their cases. Setting the state an account
// already has changes nothing.
func (s *simulation) SetAccountState(p rules.Platform, authorID, state string) (AccountStateResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !platforms[p] && !slices.Contains(s.opts.NewPlatforms, p):
		return AccountStateResult{}, badRequest("platform %q must be one of facebook, instagram, twitter, linkedin, youtube, tiktok", p)
	case authorID == "":
		return AccountStateResult{}, badRequest("author_id is required: the account whose state changed")
	case !accountStates[state]:
		return AccountStateResult{}, badRequest("state %q must be one of active, protected, deleted, suspended", state)
	}
	out := AccountStateResult{Platform: p, AuthorID: authorID, State: state, Cases: []string{}}
	if s.accountStateLocked(p, authorID) == state {
		return out, nil
	}
	if state == care.AccountActive {
		delete(s.accounts, accountKey(p, authorID))
	} else {
		s.accounts[accountKey(p, authorID)] = state
	}
	touched := map[string]bool{}
	for _, m := range s.messages {
		if m.Platform != p || m.Author.ID != authorID || m.Author.IsBrand {
			continue
		}
		m.Author.AccountState = state
		m.UpdatedAt = s.stampLocked()
		s.conversationChangedLocked(m)
		touched[m.CaseID] = true
		out.Messages++
	}
	for id := range touched {
		out.Cases = append(out.Cases, id)
	}
	slices.Sort(out.Cases)
	for _, id := range out.Cases {
		s.touchCaseLocked(s.cases[id])
	}
	return out, nil
}

// AuthorMessageRequest is the body of POST
// /sandbox/cases/{id}/author-delete and .../author-edit.
type AuthorMessageRequest struct {
	MessageID string `json:"message_id"`
	// Text and Media are the edited content (author-edit only; nil media
	// keeps the message's).
	Text  string   `json:"text,omitempty"`
	Media []string `json:"media,omitempty"`
}

func (s *controlEndpoints) simAuthorDelete(r *http.Request, body []byte) (int, any, error) {
	var req AuthorMessageRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	if req.Text != "" || req.Media != nil {
		return 0, nil, badRequest("a delete takes only message_id")
	}
	m, err := s.AuthorDelete(r.PathValue("id"), req.MessageID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, m, nil
}

func (s *controlEndpoints) simAuthorEdit(r *http.Request, body []byte) (int, any, error) {
	var req AuthorMessageRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	m, err := s.AuthorEdit(r.PathValue("id"), req.MessageID, req.Text, req.Media)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, m, nil
}

// AccountStateRequest is the body of POST /sandbox/account-state.
type AccountStateRequest struct {
	Platform rules.Platform `json:"platform"`
	AuthorID string         `json:"author_id"`
	State    string         `json:"state"`
}

func (s *controlEndpoints) simAccountState(_ *http.Request, body []byte) (int, any, error) {
	var req AccountStateRequest
	if err := decodeStrict(body, &req); err != nil {
		return 0, nil, err
	}
	res, err := s.SetAccountState(req.Platform, req.AuthorID, req.State)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, res, nil
}
