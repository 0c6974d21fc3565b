// Package memstate is an in-memory implementation of the part of the sync
// state (bridge/state) that the engine uses: case and child links, base
// snapshots and pending writes, cursors, the audit, closed cases and their
// retirement, message mirrors and action records.
//
// It is for unit tests of logic that runs against the state, and for the
// behaviour suite in bridge/state/statetest, which it passes just as the
// Redis store does. Production uses the Redis store (*state.Store); nothing
// here persists, and nothing is shared between two Stores.
//
// It follows the Redis store where that store's behaviour is observable,
// including its corner cases: times are kept to the millisecond in UTC, an
// empty action request reads back as nil, ClosedBefore with n <= 0 has no
// limit, LinkedCases pages with a cursor (0 starts and ends a sweep), a base kept by RetireCase for
// keepBase expires then (at once when keepBase is under a millisecond), and
// action records expire an action TTL after their last begin or completion.
// Expiry follows the store's clock (WithClock), so tests advance time
// instead of sleeping.
package memstate

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

// defaultActionTTL matches the Redis store's default.
const defaultActionTTL = 30 * 24 * time.Hour

// defaultScanCount is what Redis's HSCAN takes when no count is given.
const defaultScanCount = 10

// Store is an in-memory sync state. It is safe for concurrent use.
//
// Its methods are declared on parts by role, as on the Redis store, which
// Store embeds; every part shares one mem (the data, its lock and the
// clock).
type Store struct {
	*mem
	*CaseStore
	*FeedStore
	*RetentionStore
	*ActionStore
	*AuditStore
}

// CaseStore is the per-case state: case and child links, base snapshots
// and pending writes, stamps and hints, and message mirrors.
type CaseStore struct {
	*mem
	retention *RetentionStore
}

// FeedStore is the poll cursors and carebridge's own recent writes.
type FeedStore struct{ *mem }

// RetentionStore is the closed cases and their retirement.
type RetentionStore struct{ *mem }

// ActionStore keeps the records of agent actions.
type ActionStore struct{ *mem }

// AuditStore is the audit.
type AuditStore struct{ *mem }

// mem is what every part of a Store shares: all the data, the one lock
// that guards it, the clock and the action TTL, and the helpers more than
// one part uses.
type mem struct {
	clock     func() time.Time
	actionTTL time.Duration

	mu      sync.Mutex
	care2sf map[string]string
	sf2care map[string]string
	linkSeq map[string]uint64 // care id -> when linked, in link order; LinkedCases' cursor
	lastSeq uint64
	cases   map[string]*caseState
	closed  map[string]int64 // care id -> first seen closed, unix ms
	// retired are the retired cases whose mirrored messages are still in
	// Salesforce (RetiredMirrors).
	retired  map[string]state.RetiredMirror
	cursors  map[string]string
	auditMS  int64 // last audit id's time part
	auditSeq int64 // last audit id's sequence part
	actions  map[string]*action
	// ownWrites are carebridge's recent writes by "<object>:<id>"
	// (ownwrites.go).
	ownWrites map[string][]ownWrite
}

// caseState is the per-case state of one Care case.
type caseState struct {
	hasBase       bool
	base          map[string]string
	baseAt        int64 // unix ms
	baseExpiresMS int64 // unix ms; 0: never
	pending       map[string]state.PendingWrite
	children      map[state.Kind]*childLinks
	mirror        map[string]state.MirroredMessage
	erased        map[string]bool   // state.MessageKey of erased messages; outlives retirement
	sync          map[string]string // stamps and hints (state.HintPrefix)
}

type childLinks struct{ care2sf, sf2care map[string]string }

type action struct {
	rec       state.ActionRecord
	expiresMS int64 // unix ms
}

// Option changes a Store's defaults.
type Option func(*Store)

// WithClock sets the time source (default time.Now). It stamps action
// records and audit ids and decides when kept bases and action
// records expire.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.clock = now } }

// WithActionTTL sets how long an action record is kept after it was begun
// or completed (default 30 days, as in the Redis store).
func WithActionTTL(d time.Duration) Option { return func(s *Store) { s.actionTTL = d } }

// New returns an empty Store.
func New(opts ...Option) *Store {
	m := &mem{
		clock:     time.Now,
		actionTTL: defaultActionTTL,
		care2sf:   map[string]string{},
		sf2care:   map[string]string{},
		linkSeq:   map[string]uint64{},
		cases:     map[string]*caseState{},
		closed:    map[string]int64{},
		retired:   map[string]state.RetiredMirror{},
		cursors:   map[string]string{},
		actions:   map[string]*action{},
	}
	retention := &RetentionStore{m}
	s := &Store{
		mem:            m,
		CaseStore:      &CaseStore{mem: m, retention: retention},
		FeedStore:      &FeedStore{m},
		RetentionStore: retention,
		ActionStore:    &ActionStore{m},
		AuditStore:     &AuditStore{m},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Flush forgets everything, as FLUSHALL does to the Redis store: tests of
// lost sync state use it.
func (s *Store) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.care2sf, s.sf2care, s.linkSeq = map[string]string{}, map[string]string{}, map[string]uint64{}
	s.cases, s.closed, s.cursors, s.actions = map[string]*caseState{}, map[string]int64{}, map[string]string{}, map[string]*action{}
	s.retired = map[string]state.RetiredMirror{}
}

// nowMS is the clock in unix ms, the resolution the Redis store keeps.
func (s *mem) nowMS() int64 { return s.clock().UnixMilli() }

// expired reports whether something expiring at expiresMS (0: never) is
// gone at nowMS; Redis drops a key once its expiry time has passed.
func expired(expiresMS, nowMS int64) bool { return expiresMS != 0 && nowMS > expiresMS }

// caseOf returns the state of a case, nil if it has none. Call with mu held.
func (s *mem) caseOf(careID string) *caseState {
	c := s.cases[careID]
	if c != nil && c.hasBase && expired(c.baseExpiresMS, s.nowMS()) {
		c.hasBase, c.base, c.baseAt, c.baseExpiresMS = false, nil, 0, 0
	}
	return c
}

// caseFor returns the state of a case, creating it. Call with mu held.
func (s *mem) caseFor(careID string) *caseState {
	if c := s.caseOf(careID); c != nil {
		return c
	}
	c := &caseState{}
	s.cases[careID] = c
	return c
}

// linkPair links a and b both ways unless either is linked elsewhere, as
// the Redis store's link script does.
func linkPair(forward, backward map[string]string, a, b, what string) (linked bool, err error) {
	if a == "" || b == "" {
		return false, fmt.Errorf("link %s %q <-> %q: empty id", what, a, b)
	}
	cur, hasCur := forward[a]
	back, hasBack := backward[b]
	if hasCur && cur == b && hasBack && back == a {
		return false, nil
	}
	if hasCur && cur != b {
		return false, fmt.Errorf("link %s %q <-> %q: %q: %w", what, a, b, a, state.ErrLinkConflict)
	}
	if hasBack && back != a {
		return false, fmt.Errorf("link %s %q <-> %q: %q: %w", what, a, b, b, state.ErrLinkConflict)
	}
	forward[a], backward[b] = b, a
	return true, nil
}

// LinkCase links a Care case and a Salesforce Case in both directions at
// once. Linking an already linked pair again is a no-op; re-pointing either
// side returns state.ErrLinkConflict.
func (s *CaseStore) LinkCase(ctx context.Context, careID, sfID string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("link case %q <-> %q: %w", careID, sfID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	linked, err := linkPair(s.care2sf, s.sf2care, careID, sfID, "case")
	if err != nil {
		return err
	}
	if linked {
		s.lastSeq++
		s.linkSeq[careID] = s.lastSeq
	}
	return nil
}

// SalesforceCase returns the Salesforce Case id linked to a Care case.
func (s *CaseStore) SalesforceCase(ctx context.Context, careID string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("look up salesforce case for care case %q: %w", careID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sf, ok := s.care2sf[careID]
	return sf, ok, nil
}

// CareCase returns the Care case id linked to a Salesforce Case.
func (s *CaseStore) CareCase(ctx context.Context, sfID string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("look up care case for salesforce case %q: %w", sfID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.sf2care[sfID]
	return c, ok, nil
}

// LinkedCases pages through the linked Care case ids: start with cursor 0,
// stop when the returned cursor is 0. Pages hold up to count ids (10 when
// count <= 0), in the order the cases were linked; a case linked throughout
// a sweep is returned exactly once, a case relinked during it may be
// returned twice.
func (s *CaseStore) LinkedCases(ctx context.Context, cursor uint64, count int64) (careIDs []string, next uint64, err error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("list linked cases at cursor %d: %w", cursor, err)
	}
	if count <= 0 {
		count = defaultScanCount
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	type linked struct {
		seq uint64
		id  string
	}
	var after []linked
	for id, seq := range s.linkSeq {
		if seq > cursor {
			after = append(after, linked{seq, id})
		}
	}
	slices.SortFunc(after, func(a, b linked) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	if int64(len(after)) > count {
		after = after[:count]
		next = after[len(after)-1].seq
	}
	for _, l := range after {
		careIDs = append(careIDs, l.id)
	}
	return careIDs, next, nil
}

// SaveBase replaces the base snapshot of a case (kept to the millisecond)
// and forgets its pending writes; a base kept by RetireCase no longer
// expires.
func (s *CaseStore) SaveBase(ctx context.Context, careID string, fields map[string]string, syncedAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("save base of care case %q: %w", careID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.caseFor(careID)
	c.hasBase, c.base, c.baseAt, c.baseExpiresMS = true, maps.Clone(fields), syncedAt.UnixMilli(), 0
	c.pending = nil
	return nil
}

// LoadBase returns the base snapshot of a case; found is false when the
// case was never synced (or its kept base expired).
func (s *CaseStore) LoadBase(ctx context.Context, careID string) (b state.Base, found bool, err error) {
	if err := ctx.Err(); err != nil {
		return state.Base{}, false, fmt.Errorf("load base of care case %q: %w", careID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, found = s.loadBase(careID)
	return b, found, nil
}

// loadBase is LoadBase with mu held.
func (s *mem) loadBase(careID string) (state.Base, bool) {
	c := s.caseOf(careID)
	if c == nil || !c.hasBase {
		return state.Base{}, false
	}
	fields := maps.Clone(c.base)
	if fields == nil {
		fields = map[string]string{}
	}
	return state.Base{Fields: fields, SyncedAt: time.UnixMilli(c.baseAt).UTC()}, true
}

// SavePendingWrites replaces the pending writes of a case.
func (s *CaseStore) SavePendingWrites(ctx context.Context, careID string, writes map[string]state.PendingWrite) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("save pending writes of care case %q: %w", careID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.caseFor(careID).pending = maps.Clone(writes)
	return nil
}

// PendingWrites returns the pending writes of a case (none after SaveBase).
func (s *CaseStore) PendingWrites(ctx context.Context, careID string) (map[string]state.PendingWrite, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load pending writes of care case %q: %w", careID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]state.PendingWrite{}
	if c := s.caseOf(careID); c != nil {
		maps.Copy(out, c.pending)
	}
	return out, nil
}

// children returns a case's links of one kind, nil if it has none. Call
// with mu held.
func (s *mem) children(careCaseID string, kind state.Kind) *childLinks {
	c := s.caseOf(careCaseID)
	if c == nil {
		return nil
	}
	return c.children[kind]
}

// LinkChild links a Care child record (note, message) of a case to its
// Salesforce record, both ways at once, with LinkCase's rules.
func (s *CaseStore) LinkChild(ctx context.Context, careCaseID string, kind state.Kind, careChildID, sfID string) error {
	what := fmt.Sprintf("%s of care case %q", kind, careCaseID)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("link %s %q <-> %q: %w", what, careChildID, sfID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.children(careCaseID, kind)
	if l == nil {
		l = &childLinks{care2sf: map[string]string{}, sf2care: map[string]string{}}
	}
	if _, err := linkPair(l.care2sf, l.sf2care, careChildID, sfID, what); err != nil {
		return err
	}
	c := s.caseFor(careCaseID)
	if c.children == nil {
		c.children = map[state.Kind]*childLinks{}
	}
	c.children[kind] = l
	return nil
}

// SalesforceChild returns the Salesforce id linked to a Care child record.
func (s *CaseStore) SalesforceChild(ctx context.Context, careCaseID string, kind state.Kind, careChildID string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("look up salesforce record for %s %q of care case %q: %w", kind, careChildID, careCaseID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.children(careCaseID, kind)
	if l == nil {
		return "", false, nil
	}
	id, ok := l.care2sf[careChildID]
	return id, ok, nil
}

// CareChild returns the Care child id linked to a Salesforce record.
func (s *CaseStore) CareChild(ctx context.Context, careCaseID string, kind state.Kind, sfID string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("look up care %s for %q of care case %q: %w", kind, sfID, careCaseID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.children(careCaseID, kind)
	if l == nil {
		return "", false, nil
	}
	id, ok := l.sf2care[sfID]
	return id, ok, nil
}

// Audit accepts e and returns a new id, "<unix ms>-<sequence>" like a Redis
// stream id, increasing. The entry itself is not kept: nothing in the
// interface reads the audit back.
func (s *AuditStore) Audit(ctx context.Context, e state.AuditEntry) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("audit %s of care case %q: %w", e.Field, e.Case, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ms := s.nowMS(); ms > s.auditMS {
		s.auditMS, s.auditSeq = ms, 0
	} else {
		s.auditSeq++
	}
	return fmt.Sprintf("%d-%d", s.auditMS, s.auditSeq), nil
}

// Cursor returns the poll cursor stored for source.
func (s *FeedStore) Cursor(ctx context.Context, source string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("read cursor of %q: %w", source, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cursors[source]
	return c, ok, nil
}

// SetCursor stores the poll cursor for source.
func (s *FeedStore) SetCursor(ctx context.Context, source, cursor string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store cursor of %q: %w", source, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cursors[source] = cursor
	return nil
}

// SetCaseClosed records whether a linked case is closed on both sides. A
// case keeps the time it was first seen closed; a reopened case leaves the
// set.
func (s *RetentionStore) SetCaseClosed(ctx context.Context, careID string, closed bool, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("record whether care case %q is closed: %w", careID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !closed {
		delete(s.closed, careID)
		return nil
	}
	if _, ok := s.closed[careID]; !ok {
		s.closed[careID] = at.UnixMilli()
	}
	return nil
}

// ClosedBefore returns up to n (n <= 0: all) cases that have been closed on
// both sides since t or before (to the millisecond), longest closed first,
// ties by id.
func (s *RetentionStore) ClosedBefore(ctx context.Context, t time.Time, n int64) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list cases closed before %s: %w", t.Format(time.RFC3339), err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	limit := t.UnixMilli()
	ids := []string{}
	for id, since := range s.closed {
		if since <= limit {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int {
		if s.closed[a] != s.closed[b] {
			if s.closed[a] < s.closed[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	if n > 0 && int64(len(ids)) > n {
		ids = ids[:n]
	}
	return ids, nil
}

// RetireCase removes a case closed on both sides since before cutoff (or
// at it) from the state: its link, its note and message links, its mirror
// and pending writes. Its base stays for keepBase (none when keepBase is
// under a millisecond) and is returned as it stood. It returns
// state.ErrReopened, with nothing changed, when the case is no longer
// closed since before cutoff.
func (s *RetentionStore) RetireCase(ctx context.Context, careID string, cutoff time.Time, keepBase time.Duration) (state.Base, error) {
	if err := ctx.Err(); err != nil {
		return state.Base{}, fmt.Errorf("retire care case %q: %w", careID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	base, _ := s.loadBase(careID)
	since, ok := s.closed[careID]
	if !ok || since > cutoff.UnixMilli() {
		return base, state.ErrReopened
	}
	if c := s.caseOf(careID); c != nil {
		c.children, c.mirror, c.pending, c.sync = nil, nil, nil, nil
		if c.hasBase {
			if ms := keepBase.Milliseconds(); ms > 0 {
				c.baseExpiresMS = s.nowMS() + ms
			} else {
				c.hasBase, c.base, c.baseAt, c.baseExpiresMS = false, nil, 0, 0
			}
		}
	}
	delete(s.closed, careID)
	if sf, ok := s.care2sf[careID]; ok {
		delete(s.care2sf, careID)
		delete(s.linkSeq, careID)
		if s.sf2care[sf] == careID {
			delete(s.sf2care, sf)
		}
		s.retired[careID] = state.RetiredMirror{CareID: careID, SalesforceID: sf, ClosedSince: time.UnixMilli(since).UTC()}
	}
	return base, nil
}

// RetiredMirrors lists up to n retired cases, first seen closed before t,
// whose mirrored messages are still in Salesforce, longest closed first; a
// case linked again leaves the list.
func (s *RetentionStore) RetiredMirrors(ctx context.Context, t time.Time, n int64) ([]state.RetiredMirror, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list retired mirrors: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []state.RetiredMirror
	for id, r := range s.retired {
		if r.ClosedSince.UnixMilli() > t.UnixMilli() {
			continue
		}
		if _, linked := s.care2sf[id]; linked {
			delete(s.retired, id)
			continue
		}
		due = append(due, r)
	}
	slices.SortFunc(due, func(a, b state.RetiredMirror) int {
		if c := a.ClosedSince.Compare(b.ClosedSince); c != 0 {
			return c
		}
		return strings.Compare(a.CareID, b.CareID)
	})
	if int64(len(due)) > n {
		due = due[:n]
	}
	return due, nil
}

// MirrorRemoved records that a retired case's mirrored messages left
// Salesforce.
func (s *RetentionStore) MirrorRemoved(ctx context.Context, careID string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("record a removed mirror: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.retired, careID)
	return nil
}

// MarkErased records erased messages of a case (by state.MessageKey).
func (s *CaseStore) MarkErased(ctx context.Context, careID string, keys []string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("record erased messages of care case %q: %w", careID, err)
	}
	if len(keys) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.caseFor(careID)
	if c.erased == nil {
		c.erased = map[string]bool{}
	}
	for _, k := range keys {
		c.erased[k] = true
	}
	return nil
}

// MessageMirror returns, per Care message id of a case, what was last
// written to Salesforce.
func (s *CaseStore) MessageMirror(ctx context.Context, careID string) (map[string]state.MirroredMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read message mirror of care case %q: %w", careID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]state.MirroredMessage{}
	if c := s.caseOf(careID); c != nil {
		maps.Copy(out, c.mirror)
	}
	return out, nil
}

// SetMessageMirror replaces the message mirror of a case. A Salesforce id
// containing a space is refused (the Redis store could not read it back),
// and the mirror is then left as it was.
func (s *CaseStore) SetMessageMirror(ctx context.Context, careID string, msgs map[string]state.MirroredMessage) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store message mirror of care case %q: %w", careID, err)
	}
	for id, m := range msgs {
		if strings.Contains(m.SalesforceID, " ") {
			return fmt.Errorf("store message mirror of care case %q: message %q: salesforce id %q contains a space", careID, id, m.SalesforceID)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.caseFor(careID).mirror = maps.Clone(msgs)
	return nil
}

// actionOf returns the live record of an action, nil if none. Call with mu
// held.
func (s *ActionStore) actionOf(actionID string, nowMS int64) *action {
	a := s.actions[actionID]
	if a != nil && expired(a.expiresMS, nowMS) {
		delete(s.actions, actionID)
		return nil
	}
	return a
}

// keepAction stores a for the action TTL from now; as Redis does with
// PEXPIRE, a TTL under a millisecond drops it at once. Call with mu held.
func (s *ActionStore) keepAction(actionID string, a *action, nowMS int64) {
	ttl := s.actionTTL.Milliseconds()
	if ttl <= 0 {
		delete(s.actions, actionID)
		return
	}
	a.expiresMS = nowMS + ttl
	s.actions[actionID] = a
}

// copyRecord returns rec with its own copy of the request.
func copyRecord(rec state.ActionRecord) state.ActionRecord {
	if len(rec.Request) == 0 {
		rec.Request = nil
	} else {
		rec.Request = slices.Clone(rec.Request)
	}
	return rec
}

// BeginAction records that sending actionID is about to start, with the
// idempotency key and the exact request to send. If a record exists it is
// returned unchanged with created false, with the key and request the
// first call stored.
func (s *ActionStore) BeginAction(ctx context.Context, actionID, idempotencyKey string, request []byte) (state.ActionRecord, bool, error) {
	if actionID == "" || idempotencyKey == "" {
		return state.ActionRecord{}, false, fmt.Errorf("begin action %q: empty action id or idempotency key", actionID)
	}
	if err := ctx.Err(); err != nil {
		return state.ActionRecord{}, false, fmt.Errorf("begin action %q: %w", actionID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowMS()
	if a := s.actionOf(actionID, now); a != nil {
		return copyRecord(a.rec), false, nil
	}
	at := time.UnixMilli(now).UTC()
	a := &action{rec: copyRecord(state.ActionRecord{
		ID: actionID, State: state.ActionSending, IdempotencyKey: idempotencyKey,
		StartedAt: at, UpdatedAt: at, Request: request,
	})}
	s.keepAction(actionID, a, now)
	return copyRecord(a.rec), true, nil
}

// CompleteAction records the outcome of a begun action, replacing any
// earlier outcome; state.ErrNoAction when it has no record.
func (s *ActionStore) CompleteAction(ctx context.Context, actionID string, o state.ActionOutcome) error {
	switch o.State {
	case state.ActionSent, state.ActionRejected, state.ActionFailed:
	default:
		return fmt.Errorf("complete action %q: state %q is not final", actionID, o.State)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("complete action %q: %w", actionID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowMS()
	a := s.actionOf(actionID, now)
	if a == nil {
		return fmt.Errorf("complete action %q: %w", actionID, state.ErrNoAction)
	}
	a.rec.State, a.rec.CareMessageID, a.rec.Code, a.rec.Reason = o.State, o.CareMessageID, o.Code, o.Reason
	a.rec.UpdatedAt = time.UnixMilli(now).UTC()
	s.keepAction(actionID, a, now)
	return nil
}

// MarkActionReported records that the action's result was written back to
// Salesforce; state.ErrNoAction when it has no record. Like the Redis
// store, it does not extend the record's life.
func (s *ActionStore) MarkActionReported(ctx context.Context, actionID string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mark action %q reported: %w", actionID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowMS()
	a := s.actionOf(actionID, now)
	if a == nil {
		return fmt.Errorf("mark action %q reported: %w", actionID, state.ErrNoAction)
	}
	a.rec.Reported = true
	a.rec.UpdatedAt = time.UnixMilli(now).UTC()
	return nil
}

// Action returns the record of an action.
func (s *ActionStore) Action(ctx context.Context, actionID string) (state.ActionRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return state.ActionRecord{}, false, fmt.Errorf("read action %q: %w", actionID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.actionOf(actionID, s.nowMS())
	if a == nil {
		return state.ActionRecord{}, false, nil
	}
	return copyRecord(a.rec), true, nil
}
