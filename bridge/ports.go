package bridge

import (
	"context"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
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

// UpsertedAndRead is the answer to Salesforce.UpsertManyThenQuery: a result
// per record in order, and the records read after the upsert (ReadErr when
// the read failed).
type UpsertedAndRead struct {
	Results []WriteResult
	Read    []Record
	ReadErr error
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
	Act(ctx context.Context, caseID, messageID, action, idemKey string) (care.ActionResult, error)
	SetProfile(ctx context.Context, caseID, profileID, idemKey string) (care.Case, error)
}

// Salesforce is what the engine needs from Salesforce. Every call is one API
// request or a few (paging); batching happens in the engine.
type Salesforce interface {
	Query(ctx context.Context, q soql.Query) ([]Record, error)
	// UpsertMany, UpdateMany and CreateMany write records in calls of up to
	// 1,000 (a Composite request of sObject Collections requests of 200),
	// a result per record in order.
	UpsertMany(ctx context.Context, object, extField string, recs []Record) ([]WriteResult, error)
	// UpsertManyThenQuery upserts at most 200 records as UpsertMany does
	// and then runs read, which sees what the upsert wrote, in one API call
	// (a Composite request). The error is the whole call's; the read's own
	// failure is UpsertedAndRead.ReadErr.
	UpsertManyThenQuery(ctx context.Context, object, extField string, recs []Record, read soql.Query) (UpsertedAndRead, error)
	UpdateMany(ctx context.Context, object string, recs []Record) ([]WriteResult, error)
	CreateMany(ctx context.Context, object string, recs []Record) ([]WriteResult, error)
	// DeleteMany deletes records by id (to the org's Recycle Bin), a
	// result per id in order.
	DeleteMany(ctx context.Context, ids []string) ([]WriteResult, error)
	// Changed returns the records of object modified since the watermark
	// (with the connector's overlap window and de-duplication) and the new
	// watermark. Watermarks are opaque strings the engine persists; "" is the
	// beginning.
	Changed(ctx context.Context, object string, fields []string, where soql.Cond, watermark string) ([]Record, string, error)
}

// The sync state the engine keeps comes in role-sized parts. *state.Store
// (Redis) implements them all, and so does memstate.Store (memory, for unit
// tests); both pass the behaviour suite in bridge/state/statetest.

// CaseLinks pair Care cases with Salesforce Cases.
type CaseLinks interface {
	LinkCase(ctx context.Context, careID, sfID string) error
	CareCase(ctx context.Context, sfID string) (careID string, ok bool, err error)
	// LinkedCases pages through the linked Care case ids.
	LinkedCases(ctx context.Context, cursor uint64, count int64) (careIDs []string, next uint64, err error)
}

// Bases hold each case's last synced values (the merge base) and the writes
// a reconcile recorded before making them.
type Bases interface {
	// SavePendingWrites records what a reconcile is about to write; the
	// next one settles a reconcile that died or failed in between.
	SavePendingWrites(ctx context.Context, careID string, writes map[string]state.PendingWrite) error
	// LoadCases reads the link, base and pending writes of each case (and
	// its message mirror when withMirror) in one round trip.
	LoadCases(ctx context.Context, careIDs []string, withMirror bool) (map[string]state.CaseState, error)
	// SaveCases ends reconciles, many in one round trip: for each case it
	// stores the base (dropping the pending writes), whether the case is
	// closed on both sides (a case keeps the time it was first seen
	// closed) and, for a Case just created, the link. errs[i] is saves[i]'s.
	SaveCases(ctx context.Context, saves []state.CaseSave) []error
}

// SyncStamps keep what lets a reconcile read only what changed (see
// stamps.go): the reconciles' stamps and the triggers' hints, read with
// LoadCases (state.CaseState.Sync).
type SyncStamps interface {
	SaveStamps(ctx context.Context, saves []state.StampSave) []error
	AddHint(ctx context.Context, hint string, careIDs ...string) error
}

// ChildLinks pair a case's child records (notes) across the systems.
type ChildLinks interface {
	LinkChild(ctx context.Context, careCaseID string, kind state.Kind, careChildID, sfID string) error
	SalesforceChild(ctx context.Context, careCaseID string, kind state.Kind, careChildID string) (string, bool, error)
	CareChild(ctx context.Context, careCaseID string, kind state.Kind, sfID string) (string, bool, error)
}

// Auditor records applied changes and conflicts.
type Auditor interface {
	Audit(ctx context.Context, e state.AuditEntry) (string, error)
}

// Cursors hold the polls' positions.
type Cursors interface {
	Cursor(ctx context.Context, source string) (string, bool, error)
	SetCursor(ctx context.Context, source, cursor string) error
}

// Retention tracks closed cases and retires them.
type Retention interface {
	// ClosedBefore lists up to n linked cases closed on both sides since
	// before t.
	ClosedBefore(ctx context.Context, t time.Time, n int64) ([]string, error)
	// RetireCase unlinks a case closed since before cutoff and drops its
	// per-case state except its base, which it keeps for keepBase and
	// returns; state.ErrReopened when the case reopened meanwhile.
	RetireCase(ctx context.Context, careID string, cutoff time.Time, keepBase time.Duration) (state.Base, error)
	// RetiredMirrors lists up to n retired cases first seen closed before
	// t whose mirrored messages are still in Salesforce (a case linked
	// again leaves the list); MirrorRemoved takes one off it.
	RetiredMirrors(ctx context.Context, t time.Time, n int64) ([]state.RetiredMirror, error)
	MirrorRemoved(ctx context.Context, careID string) error
}

// Mirror remembers what was last written to Salesforce for each mirrored
// message of a case (Care message id -> state).
type Mirror interface {
	MessageMirror(ctx context.Context, careID string) (map[string]state.MirroredMessage, error)
	SetMessageMirror(ctx context.Context, careID string, msgs map[string]state.MirroredMessage) error
	// MarkErased records messages of a case (by state.MessageKey) whose
	// author's data was erased: they stay tombstones (state.CaseState
	// Erased, read with the mirror).
	MarkErased(ctx context.Context, careID string, keys []string) error
}

// ActionLog is the durable record of agent actions, which makes sending
// one safe to repeat after a crash.
type ActionLog interface {
	// BeginAction creates the record of an action about to be sent (state
	// sending) with the exact request unless one exists; it returns the
	// record as stored and whether this call created it.
	BeginAction(ctx context.Context, actionID, idempotencyKey string, request []byte) (state.ActionRecord, bool, error)
	// CompleteAction stores the final outcome of a begun action.
	CompleteAction(ctx context.Context, actionID string, o state.ActionOutcome) error
	MarkActionReported(ctx context.Context, actionID string) error
	Action(ctx context.Context, actionID string) (state.ActionRecord, bool, error)
}

// Store is all the sync state the engine keeps.
type Store interface {
	CaseLinks
	Bases
	SyncStamps
	ChildLinks
	Auditor
	Cursors
	Retention
	Mirror
	ActionLog
}

// The parts of the sync state each part of the engine uses.
type (
	// caseStore: a case's link, base, stamps, notes' links, mirror and
	// audit.
	caseStore interface {
		CaseLinks
		Bases
		SyncStamps
		ChildLinks
		Auditor
		Mirror
	}
	// actionStore: the actions' durable records, and the case and mirror
	// an action is checked against.
	actionStore interface {
		ActionLog
		CareCase(ctx context.Context, sfID string) (careID string, ok bool, err error)
		MessageMirror(ctx context.Context, careID string) (map[string]state.MirroredMessage, error)
	}
	// triggerStore: what the polls, change events and the sweep look up,
	// their cursors, and retention.
	triggerStore interface {
		CaseLinks
		LoadCases(ctx context.Context, careIDs []string, withMirror bool) (map[string]state.CaseState, error)
		AddHint(ctx context.Context, hint string, careIDs ...string) error
		CareChild(ctx context.Context, careCaseID string, kind state.Kind, sfID string) (string, bool, error)
		Auditor
		Cursors
		Retention
	}
)

// Enqueuer adds keys to the work queue, many in one round trip. AddOr
// adds instead[i] in place of keys[i] while a worker runs keys[i], in one
// step with the look (see work.Check).
type Enqueuer interface {
	Add(ctx context.Context, keys ...string) error
	AddOr(ctx context.Context, keys, instead []string) error
}
