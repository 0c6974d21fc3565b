package state

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// FirstSeen records a webhook event id and reports whether this is its
// first delivery. The id is remembered for the store's event TTL.
func (s *DedupeStore) FirstSeen(ctx context.Context, eventID string) (bool, error) {
	if eventID == "" {
		return false, errors.New("dedupe event: empty id")
	}
	ok, err := s.rdb.SetNX(ctx, s.eventKey(eventID), s.clock().UnixMilli(), s.eventTTL).Result()
	if err != nil {
		return false, fmt.Errorf("dedupe event %q: %w", eventID, err)
	}
	return ok, nil
}

// ActionState is where an agent action stands.
type ActionState string

const (
	// ActionSending: the send to Care has started (it may have reached
	// Care); a retry must send again with the same idempotency key.
	ActionSending ActionState = "sending"
	// ActionSent: Care accepted it; only the write-back may remain.
	ActionSent ActionState = "sent"
	// ActionRejected: a rule refused it; never sent.
	ActionRejected ActionState = "rejected"
	// ActionFailed: given up after retries or a permanent error.
	ActionFailed ActionState = "failed"
)

// ActionRecord is the durable record of one agent action.
type ActionRecord struct {
	ID             string
	State          ActionState
	IdempotencyKey string
	CareMessageID  string // set when sent
	Code           string // rejection or failure code
	Reason         string // agent-readable sentence
	StartedAt      time.Time
	UpdatedAt      time.Time
	Reported       bool // the result was written back to Salesforce
	// Request is the exact request the bridge sends to Care for this
	// action, frozen by the BeginAction that created the record: a retry
	// resends these bytes, not a request rebuilt from data that may have
	// changed since. Opaque to the store; nil when empty.
	Request []byte
}

// beginActionScript creates the record in state "sending" unless it exists
// and returns the record as stored, in the same step: no other client can
// change or create it in between.
// KEYS record. ARGV idempotency key, now ms, ttl ms, request (bytes).
// Returns {1 created or 0 existed, field, value, ...}.
var beginActionScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  local rec = redis.call('HGETALL', KEYS[1])
  table.insert(rec, 1, 0)
  return rec
end
redis.call('HSET', KEYS[1], 'state', 'sending', 'idempotency_key', ARGV[1], 'started_at', ARGV[2], 'updated_at', ARGV[2], 'request', ARGV[4])
local rec = redis.call('HGETALL', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
table.insert(rec, 1, 1)
return rec
`)

// completeActionScript moves an existing record to a final state.
// KEYS record. ARGV state, care message id, code, reason, now ms, ttl ms.
var completeActionScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'care_message_id', ARGV[2], 'code', ARGV[3], 'reason', ARGV[4], 'updated_at', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 1
`)

// markReportedScript: KEYS record. ARGV now ms.
var markReportedScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'reported', '1', 'updated_at', ARGV[1])
return 1
`)

// ErrNoAction is returned when an action has no record.
var ErrNoAction = errors.New("state: no record of action")

// BeginAction records that sending actionID is about to start, with the
// idempotency key to send it with and request, the exact request that will
// be sent (opaque bytes, stored as given; may be empty). If a record exists
// it is returned unchanged with created false, with the key and request the
// first call stored, whatever this call passed: the caller resumes from its
// state (sending: send the stored request again with the stored key; sent:
// only write back; rejected/failed: nothing to send). Creating and reading
// the record is one atomic step.
func (s *ActionStore) BeginAction(ctx context.Context, actionID, idempotencyKey string, request []byte) (rec ActionRecord, created bool, err error) {
	if actionID == "" || idempotencyKey == "" {
		return ActionRecord{}, false, fmt.Errorf("begin action %q: empty action id or idempotency key", actionID)
	}
	if request == nil {
		request = []byte{}
	}
	res, err := beginActionScript.Run(ctx, s.rdb, []string{s.actionKey(actionID, "record")},
		idempotencyKey, s.clock().UnixMilli(), s.actionTTL.Milliseconds(), request).Slice()
	if err != nil {
		return ActionRecord{}, false, fmt.Errorf("begin action %q: %w", actionID, err)
	}
	flag, ok := res[0].(int64)
	if !ok || len(res)%2 != 1 {
		return ActionRecord{}, false, fmt.Errorf("begin action %q: unexpected reply %v", actionID, res)
	}
	m := make(map[string]string, len(res)/2)
	for i := 1; i+1 < len(res); i += 2 {
		k, kok := res[i].(string)
		v, vok := res[i+1].(string)
		if !kok || !vok {
			return ActionRecord{}, false, fmt.Errorf("begin action %q: unexpected reply %v", actionID, res)
		}
		m[k] = v
	}
	if len(m) == 0 {
		return ActionRecord{}, false, fmt.Errorf("begin action %q: record vanished: %w", actionID, ErrNoAction)
	}
	rec, err = decodeAction(actionID, m)
	if err != nil {
		return ActionRecord{}, false, fmt.Errorf("begin action %q: %w", actionID, err)
	}
	return rec, flag == 1, nil
}

// ActionOutcome is the final result of an action.
type ActionOutcome struct {
	State         ActionState // ActionSent, ActionRejected or ActionFailed
	CareMessageID string
	Code          string
	Reason        string
}

// CompleteAction records the outcome of a begun action.
func (s *ActionStore) CompleteAction(ctx context.Context, actionID string, o ActionOutcome) error {
	switch o.State {
	case ActionSent, ActionRejected, ActionFailed:
	default:
		return fmt.Errorf("complete action %q: state %q is not final", actionID, o.State)
	}
	n, err := completeActionScript.Run(ctx, s.rdb, []string{s.actionKey(actionID, "record")},
		string(o.State), o.CareMessageID, o.Code, o.Reason, s.clock().UnixMilli(), s.actionTTL.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("complete action %q: %w", actionID, err)
	}
	if n == 0 {
		return fmt.Errorf("complete action %q: %w", actionID, ErrNoAction)
	}
	return nil
}

// MarkActionReported records that the action's result was written back to
// Salesforce.
func (s *ActionStore) MarkActionReported(ctx context.Context, actionID string) error {
	n, err := markReportedScript.Run(ctx, s.rdb, []string{s.actionKey(actionID, "record")}, s.clock().UnixMilli()).Int()
	if err != nil {
		return fmt.Errorf("mark action %q reported: %w", actionID, err)
	}
	if n == 0 {
		return fmt.Errorf("mark action %q reported: %w", actionID, ErrNoAction)
	}
	return nil
}

// Action returns the record of an action.
func (s *ActionStore) Action(ctx context.Context, actionID string) (ActionRecord, bool, error) {
	m, err := s.rdb.HGetAll(ctx, s.actionKey(actionID, "record")).Result()
	if err != nil {
		return ActionRecord{}, false, fmt.Errorf("read action %q: %w", actionID, err)
	}
	if len(m) == 0 {
		return ActionRecord{}, false, nil
	}
	rec, err := decodeAction(actionID, m)
	if err != nil {
		return ActionRecord{}, false, fmt.Errorf("read action %q: %w", actionID, err)
	}
	return rec, true, nil
}

// decodeAction reads an action record from the fields of its hash.
func decodeAction(actionID string, m map[string]string) (ActionRecord, error) {
	ms := func(k string) (time.Time, error) {
		if m[k] == "" {
			return time.Time{}, nil
		}
		n, err := strconv.ParseInt(m[k], 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("bad %s %q: %w", k, m[k], err)
		}
		return time.UnixMilli(n).UTC(), nil
	}
	started, err := ms("started_at")
	if err != nil {
		return ActionRecord{}, err
	}
	updated, err := ms("updated_at")
	if err != nil {
		return ActionRecord{}, err
	}
	var request []byte
	if r := m["request"]; r != "" {
		request = []byte(r)
	}
	return ActionRecord{
		ID:             actionID,
		State:          ActionState(m["state"]),
		IdempotencyKey: m["idempotency_key"],
		CareMessageID:  m["care_message_id"],
		Code:           m["code"],
		Reason:         m["reason"],
		StartedAt:      started,
		UpdatedAt:      updated,
		Reported:       m["reported"] == "1",
		Request:        request,
	}, nil
}
