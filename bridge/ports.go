package bridge

import (
	"context"
	"time"

	"github.com/carebridge/carebridge/bridge/merge"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

// Record is a Salesforce record: field API name -> JSON value.
type Record = map[string]any

// WriteResult is the outcome of writing one record.
type WriteResult struct {
	ID      string
	Created bool
	Err     error // classified (connectors/upstream); nil on success
}

// Care is what the engine needs from Emplifi Care.
type Care interface {
	GetCase(ctx context.Context, id string) (care.Case, error)
	// ChangedCases returns cases changed after cursor and the cursor to persist.
	ChangedCases(ctx context.Context, cursor string) (care.Changes, error)
	Notes(ctx context.Context, caseID string) ([]care.Note, error)
	Agents(ctx context.Context) ([]care.Agent, error)
	Assign(ctx context.Context, caseID string, agentID *string, idemKey string) (care.Case, error)
	SetStatus(ctx context.Context, caseID string, status rules.Status, idemKey string) (care.Case, error)
	AddNote(ctx context.Context, caseID string, req care.NoteRequest, idemKey string) (care.Note, error)
	// Messages returns the case conversation, oldest first.
	Messages(ctx context.Context, caseID string) ([]care.Message, error)
	Reply(ctx context.Context, caseID string, req care.ReplyRequest, idemKey string) (care.Message, error)
	Act(ctx context.Context, messageID, action, idemKey string) (care.ActionResult, error)
	SetProfile(ctx context.Context, caseID, profileID, idemKey string) (care.Case, error)
}

// Salesforce is what the engine needs from Salesforce. Every call is one API
// request or a few (paging); batching happens in the engine.
type Salesforce interface {
	Query(ctx context.Context, q soql.Query) ([]Record, error)
	UpsertMany(ctx context.Context, object, extField string, recs []Record) ([]WriteResult, error)
	UpdateMany(ctx context.Context, object string, recs []Record) ([]WriteResult, error)
	CreateMany(ctx context.Context, object string, recs []Record) ([]WriteResult, error)
	// Changed returns the records of object modified since the watermark
	// (with the connector's overlap window and de-duplication) and the new
	// watermark. Watermarks are opaque strings the engine persists; "" is the
	// beginning.
	Changed(ctx context.Context, object string, fields []string, where soql.Cond, watermark string) ([]Record, string, error)
}

// Store is the sync state the engine keeps (bridge/state backs it with Redis).
type Store interface {
	Link(ctx context.Context, careID string) (sfID string, ok bool, err error)
	SetLink(ctx context.Context, careID, sfID string) error
	CareIDFor(ctx context.Context, sfID string) (careID string, ok bool, err error)
	Base(ctx context.Context, careID string) (map[string]string, bool, error)
	// SetBase stores the base of a case and drops its pending writes.
	SetBase(ctx context.Context, careID string, base map[string]string) error
	// PendingWrites returns what a reconcile recorded before its writes and
	// did not settle with SetBase (it died or failed in between).
	PendingWrites(ctx context.Context, careID string) (map[string]merge.Intent, error)
	SetPendingWrites(ctx context.Context, careID string, writes map[string]merge.Intent) error
	NoteLinkByCare(ctx context.Context, careID, careNoteID string) (sfID string, ok bool, err error)
	NoteLinkBySalesforce(ctx context.Context, careID, sfID string) (careNoteID string, ok bool, err error)
	SetNoteLink(ctx context.Context, careID, careNoteID, sfID string) error
	Audit(ctx context.Context, e AuditEntry) error
	Cursor(ctx context.Context, name string) (string, error)
	SetCursor(ctx context.Context, name, value string) error
	LinkedCases(ctx context.Context) ([]string, error)
	// SetCaseClosed records whether a linked case is closed on both sides
	// (a case keeps the time it was first seen closed).
	SetCaseClosed(ctx context.Context, careID string, closed bool, at time.Time) error
	// ClosedBefore lists up to n linked cases closed on both sides since
	// before t.
	ClosedBefore(ctx context.Context, t time.Time, n int64) ([]string, error)
	// RetireCase unlinks a case closed since before cutoff and drops its
	// per-case state except its base, which it keeps for keepBase. It
	// returns that base, and retired false when the case reopened meanwhile.
	RetireCase(ctx context.Context, careID string, cutoff time.Time, keepBase time.Duration) (base map[string]string, retired bool, err error)

	// MessageMirror returns what was last written to Salesforce for each
	// mirrored message of a case (Care message id -> state).
	MessageMirror(ctx context.Context, careID string) (map[string]MirroredMessage, error)
	// SetMessageMirror replaces that state.
	SetMessageMirror(ctx context.Context, careID string, msgs map[string]MirroredMessage) error

	// ClaimAction takes the claim on an action for ttl; false when someone
	// else holds it.
	ClaimAction(ctx context.Context, actionID string, ttl time.Duration) (bool, error)
	ReleaseAction(ctx context.Context, actionID string) error
	// BeginAction creates the durable record of an action about to be sent
	// (state sending) unless one exists; it returns the record as stored
	// and whether this call created it.
	BeginAction(ctx context.Context, actionID, idemKey string) (ActionRecord, bool, error)
	// CompleteAction stores the final outcome of a begun action.
	CompleteAction(ctx context.Context, actionID string, outcome ActionRecord) error
	MarkActionReported(ctx context.Context, actionID string) error
	// ActionRecord returns the durable record of an action, if any.
	ActionRecord(ctx context.Context, actionID string) (ActionRecord, bool, error)
}

// MirroredMessage is the Salesforce side of one mirrored Care message: its
// Care_Message__c id and the hash of the values last written.
type MirroredMessage struct {
	SalesforceID string
	Hash         string
}

// ActionState is where an agent action stands in the durable record.
type ActionState string

// Action states. Sending means the send to Care has started and may have
// reached Care: a retry sends again with the same idempotency key.
const (
	ActionSending  ActionState = "sending"
	ActionSent     ActionState = "sent"
	ActionRejected ActionState = "rejected"
	ActionFailed   ActionState = "failed"
)

// ActionRecord is the durable record of one agent action.
type ActionRecord struct {
	State          ActionState
	IdempotencyKey string
	CareResultID   string // the Care message (or case) id, when sent
	Code           string // rejection or failure code
	Reason         string // the sentence for the agent
	StartedAt      time.Time
	Reported       bool // the outcome was written back to Salesforce
}

// AuditEntry is one applied change or conflict.
type AuditEntry struct {
	CaseID     string
	Field      string
	From, To   string
	Side       string // the side written: care or salesforce
	Policy     string // conflict policy, for conflicts
	Resolution string // applied, conflict_care, conflict_salesforce, blocked
	At         time.Time
}

// Enqueuer adds keys to the work queue.
type Enqueuer interface {
	Add(ctx context.Context, key string) error
}
