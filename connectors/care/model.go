// Package care is carebridge's client for Emplifi Care: the contract's types
// (this file), the typed HTTP client, and the signed-webhook receiver. The
// contract itself is written down in openapi.yaml beside this file; the
// sandbox in caresim serves it.
package care

import (
	"encoding/json"
	"time"

	"github.com/carebridge/carebridge/connectors/care/rules"
)

// Case is an escalated Care case.
type Case struct {
	ID          string         `json:"id"`
	Platform    rules.Platform `json:"platform"`
	Status      rules.Status   `json:"status"`
	AssigneeID  *string        `json:"assignee_id"` // nil: unassigned
	ProfileID   *string        `json:"profile_id"`  // nil: no profile (automation-escalated listening content)
	Interacted  bool           `json:"interacted"`  // anyone replied or acted on the conversation
	Sentiment   string         `json:"sentiment"`   // positive, neutral, negative or ""
	Priority    string         `json:"priority"`    // low, normal, high, urgent
	Subject     string         `json:"subject"`
	Description string         `json:"description"`
	Labels      []string       `json:"labels"`
	Customer    Customer       `json:"customer"`
	// LastCustomerMessageAt is when the customer last wrote (any channel).
	LastCustomerMessageAt *time.Time `json:"last_customer_message_at"`
	// ConversationUpdatedAt is the updated_at of the case's most recently
	// changed message (a new one, an edit, hide, like or delete);
	// NotesUpdatedAt the created_at of its newest note. nil: none yet. A
	// change of either also changes UpdatedAt.
	ConversationUpdatedAt *time.Time `json:"conversation_updated_at"`
	NotesUpdatedAt        *time.Time `json:"notes_updated_at"`
	CreatedAt             time.Time  `json:"created_at"`
	UpdatedAt             time.Time  `json:"updated_at"`
}

// Customer is the social user the case is about.
type Customer struct {
	ID             string `json:"id"`
	Handle         string `json:"handle"`
	Name           string `json:"name"`
	IsPage         bool   `json:"is_page"`         // a Facebook Page, not a person
	FollowsBrand   bool   `json:"follows_brand"`   // follows the brand's account
	MentionedBrand bool   `json:"mentioned_brand"` // @mentioned or quoted the brand
}

// Direction of a message.
const (
	Inbound  = "inbound"  // from the customer
	Outbound = "outbound" // from the brand
)

// Message is one item of a case conversation.
type Message struct {
	ID               string         `json:"id"`
	CaseID           string         `json:"case_id"`
	Platform         rules.Platform `json:"platform"`
	Kind             rules.Kind     `json:"kind"`
	Direction        string         `json:"direction"`
	ParentID         *string        `json:"parent_id"` // nil for a top-level post or a DM
	Depth            int            `json:"depth"`     // 0 post, 1 comment, 2 reply, ...
	Author           Author         `json:"author"`
	Text             string         `json:"text"`
	Media            []string       `json:"media"`
	PostedAt         time.Time      `json:"posted_at"`
	Hidden           bool           `json:"hidden"`
	HiddenWithParent bool           `json:"hidden_with_parent"`
	Deleted          bool           `json:"deleted"`
	Liked            bool           `json:"liked"`
	PrivateReplySent bool           `json:"private_reply_sent"`
	Permalink        string         `json:"permalink"`
	UpdatedAt        time.Time      `json:"updated_at"`
	// DeletedBy says who deleted a deleted message: DeletedByAuthor (on the
	// platform) or DeletedByBrand (through Care); nil while it is not
	// deleted, or when Care does not know. DeletedAt is when.
	DeletedBy *string    `json:"deleted_by"`
	DeletedAt *time.Time `json:"deleted_at"`
	// EditedAt is when the author last edited the message (nil: never);
	// Text and Media are the current version, the original is not kept.
	EditedAt *time.Time `json:"edited_at"`
}

// Who deleted a message (Message.DeletedBy).
const (
	DeletedByAuthor = "author"
	DeletedByBrand  = "brand"
)

// Author of a message.
type Author struct {
	ID           string `json:"id"`
	Handle       string `json:"handle"`
	Name         string `json:"name"`
	IsPage       bool   `json:"is_page"`
	FollowsBrand bool   `json:"follows_brand"`
	IsBrand      bool   `json:"is_brand"` // written by the brand (an agent)
	// AccountState is the state of the author's account on the platform:
	// AccountActive ("" from a Care that does not report it), or
	// AccountProtected, AccountDeleted, AccountSuspended, whose content the
	// platforms' terms forbid a copy to keep showing.
	AccountState string `json:"account_state"`
}

// States of an author's account (Author.AccountState).
const (
	AccountActive    = "active"
	AccountProtected = "protected"
	AccountDeleted   = "deleted"
	AccountSuspended = "suspended"
)

// Withheld reports whether the author's account is in a state whose
// content must not be shown (protected, deleted or suspended).
func (a Author) Withheld() bool {
	switch a.AccountState {
	case AccountProtected, AccountDeleted, AccountSuspended:
		return true
	}
	return false
}

// Note is an internal note on a case, visible only to Care users.
type Note struct {
	ID        string    `json:"id"`
	CaseID    string    `json:"case_id"`
	AuthorID  string    `json:"author_id"` // Care agent id
	Text      string    `json:"text"`
	Mentions  []string  `json:"mentions"`
	CreatedAt time.Time `json:"created_at"`
}

// Agent is a Care user.
type Agent struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Profile is a brand's social media profile agents reply with.
type Profile struct {
	ID       string         `json:"id"`
	Platform rules.Platform `json:"platform"`
	Name     string         `json:"name"`
	Handle   string         `json:"handle"`
}

// CasePage is one page of a change listing.
type CasePage struct {
	Cases      []Case `json:"cases"`
	NextCursor string `json:"next_cursor"` // "" when this page is the last one for now
}

// AssignRequest is the body of POST /3/care/cases/{id}/assign.
type AssignRequest struct {
	AgentID *string `json:"agent_id"`
}

// StatusRequest is the body of POST /3/care/cases/{id}/status.
type StatusRequest struct {
	Status rules.Status `json:"status"`
}

// ProfileRequest is the body of POST /3/care/cases/{id}/profile.
type ProfileRequest struct {
	ProfileID string `json:"profile_id"`
}

// NoteRequest is the body of POST /3/care/cases/{id}/notes.
type NoteRequest struct {
	Text     string   `json:"text"`
	Mentions []string `json:"mentions,omitempty"`
	AuthorID string   `json:"author_id,omitempty"` // the Care agent the note is written as
}

// ReplyRequest is the body of POST /3/care/cases/{id}/replies.
type ReplyRequest struct {
	Mode        rules.ReplyMode `json:"mode"`
	InReplyTo   string          `json:"in_reply_to,omitempty"` // message id; default per mode
	Text        string          `json:"text"`
	Media       []string        `json:"media,omitempty"`
	MarkPending bool            `json:"mark_pending,omitempty"`
}

// Moderation actions, the body of POST /3/care/messages/{id}/actions.
const (
	ActionLike           = "like"
	ActionUnlike         = "unlike"
	ActionDelete         = "delete"
	ActionHide           = "hide"
	ActionUnhide         = "unhide"
	ActionBanAuthor      = "ban_author"
	ActionUnbanAuthor    = "unban_author"
	ActionFollowAuthor   = "follow_author"
	ActionUnfollowAuthor = "unfollow_author"
)

// ActionRequest is the body of POST /3/care/messages/{id}/actions.
type ActionRequest struct {
	Action string `json:"action"`
	// CaseID is the case whose conversation holds the message: Care
	// refuses a message of another case (404).
	CaseID string `json:"case_id"`
}

// ActionResult is the data of a successful moderation action.
type ActionResult struct {
	MessageID string `json:"message_id"`
	Action    string `json:"action"`
}

// Envelope is how every Care response is wrapped.
type Envelope struct {
	Success bool            `json:"success"`
	Data    json.RawMessage `json:"data,omitempty"`
	Errors  []ErrorItem     `json:"errors,omitempty"`
}

// ErrorItem is one entry of a failed envelope. Rule is carebridge's stable
// rule code (e.g. "private_reply_window_expired") when a Care rule refused
// the request.
type ErrorItem struct {
	Code   int      `json:"code"`
	Errors []string `json:"errors"`
	Rule   string   `json:"rule,omitempty"`
}

// Webhook event types.
const (
	EventCaseCreated    = "case.created"
	EventCaseUpdated    = "case.updated"
	EventMessageCreated = "message.created"
	EventNoteCreated    = "note.created"
)

// Event is a webhook delivery. Data holds the case, message or note.
type Event struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	CaseID    string          `json:"case_id"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t.body)>".
const SignatureHeader = "X-Care-Signature"

// IdempotencyHeader makes a write safe to repeat.
const IdempotencyHeader = "Idempotency-Key"
