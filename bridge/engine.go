// Package bridge is carebridge's sync engine. Triggers (Care webhooks and
// polls, Salesforce polls, the reconcile sweep) only enqueue keys; workers
// reconcile a key from the current state of both sides with a three-way merge
// against the last synced base (package merge), so replaying a key is always
// safe and a lost trigger is repaired by the next sweep.
package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/carebridge/carebridge/bridge/batch"
	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/mapping/merge"
)

// Mapper projects both systems into canonical fields and back. It is bound to
// an identity snapshot (Care agents <-> Salesforce users).
type Mapper interface {
	FromCare(c care.Case) map[string]string
	FromSalesforce(rec Record) map[string]string
	// ToSalesforce returns the Case field values for canonical values.
	ToSalesforce(values map[string]string) Record
	// SalesforceFields are the Case fields FromSalesforce reads.
	SalesforceFields() []string
	// SalesforceField is the Case field a canonical field writes, "" if it
	// writes none.
	SalesforceField(canonical string) string
	// Policies are the merge policies of the mapped fields; the slice is
	// shared: callers copy it before changing it (see seenPolicies).
	Policies() []merge.FieldPolicy
	// CareAgentFor is the Care agent id of a Salesforce user id, "" if none.
	CareAgentFor(sfUserID string) string
	// CanonicalFor is the canonical field mapped to a Care case attribute
	// (CareStatusAttribute, CareAssigneeAttribute), "" if none.
	CanonicalFor(careAttribute string) string
}

// Care case attributes the engine writes through Care's API.
const (
	CareStatusAttribute   = "status"
	CareAssigneeAttribute = "assignee_id"
)

// MapperSource binds the mapping to the current identities.
type MapperSource func(agents []care.Agent, users []Record) (Mapper, error)

// NotesTarget says where Care notes live in Salesforce.
type NotesTarget struct {
	Object      string // CaseComment or Task
	ParentField string // ParentId or WhatId
	BodyField   string // CommentBody or Description
	Extra       Record // fixed fields on create, e.g. IsPublished=false
	// Direction limits which way notes are copied ("" means both).
	Direction merge.Direction
}

func (t NotesTarget) toSalesforce() bool { return t.Direction == "" || t.Direction.WritesSalesforce() }
func (t NotesTarget) toCare() bool       { return t.Direction == "" || t.Direction.WritesCare() }

// DefaultNotesTarget stores notes as private Case comments.
var DefaultNotesTarget = NotesTarget{Object: "CaseComment", ParentField: "ParentId", BodyField: "CommentBody", Extra: Record{"IsPublished": false}}

// Options are the engine's dependencies.
type Options struct {
	Care       Care
	Salesforce Salesforce
	Store      Store
	Queue      Enqueuer
	Mapping    MapperSource
	Notes      NotesTarget
	Rules      *rules.Engine
	Clock      func() time.Time
	Logger     *slog.Logger
	Metrics    *Metrics
	// Pause is the quota pause shared by every replica (the work queue);
	// nil keeps one in this process.
	Pause Pauser
	// BatchLinger is how long a Salesforce read or write waits for others to
	// share its call (default 25ms).
	BatchLinger time.Duration
	// IdentityTTL is how long agents and users are cached (default 5m).
	IdentityTTL time.Duration
	// ActionGiveUp is how long an action keeps being retried after
	// retryable failures before it ends as Failed (default 10m).
	ActionGiveUp time.Duration
	// RetireClosedAfter is how long a case closed on both sides is still
	// swept before it is retired (default 7 days).
	RetireClosedAfter time.Duration
	// KeepRetiredBase is how long a retired case's base snapshot is kept, so
	// that a reopen merges against it (default 90 days).
	KeepRetiredBase time.Duration
	// RemoveMirrorsAfter is how long after a case closed (on both sides)
	// its mirrored messages stay in Salesforce: once it is retired and
	// closed this long, the sweep deletes them (default 30 days; at least
	// RetireClosedAfter in effect, since only retired cases are removed).
	RemoveMirrorsAfter time.Duration
	// DescribeFields reads the org's field lengths and picklist values, so
	// that values are cut to fit instead of failing a record (nil: values
	// are written as they are).
	DescribeFields DescribeFunc
	// Backlogged reports keys waiting to be worked (the queue's backlog):
	// then a batch waits for every worker's reconcile, so that a burst
	// fills it; otherwise for the reconciles in flight only, so that a lone
	// change never waits (nil: never backlogged).
	Backlogged func() bool
	// Workers is how many reconciles run at once (the queue's workers).
	Workers int
	// StreamLinger is how long, at most, a reconcile's Salesforce calls
	// wait for the reconciles arriving after it while they arrive as a
	// stream (batch.Gate.SetLinger; 0: never).
	StreamLinger time.Duration
	// IntegrationUser returns the Salesforce user id carebridge writes as,
	// so that the polls can tell its own writes coming back from changes
	// (nil: every change is reconciled).
	IntegrationUser func(ctx context.Context) (string, error)
	// MaxCareIDLength is the length of Care_Case_Id__c: a Care case with a
	// longer id cannot have a Salesforce Case and is refused where it
	// enters (0: no limit).
	MaxCareIDLength int
	// Pushed, when Salesforce pushes its changes (Change Data Capture),
	// turns the Case and action polls into a safety net (nil: they run on
	// every poll).
	Pushed *PushedChanges
}

// Engine reconciles the queue's keys: it hands a case key to the case
// reconciler, an action key to the action reconciler and runs a check key
// itself; it builds them, their batches and the triggers that make the
// keys (Triggers).
type Engine struct {
	care  Care
	sf    Salesforce
	store Store
	queue Enqueuer
	notes NotesTarget
	now   func() time.Time
	log   *slog.Logger
	m     *Metrics

	fit      *fitter
	gate     *batch.Gate
	ids      *identityCache
	pause    quotaPause
	pushed   *PushedChanges
	triggers *Triggers
	actions  *actionReconciler
	cases    *caseReconciler
}

// New builds an engine.
func New(o Options) (*Engine, error) {
	if o.Care == nil || o.Salesforce == nil || o.Store == nil || o.Queue == nil || o.Mapping == nil {
		return nil, errors.New("bridge: Care, Salesforce, Store, Queue and Mapping are required")
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(nil)
	}
	if o.Notes.Object == "" {
		o.Notes = DefaultNotesTarget
	}
	if o.Rules == nil {
		o.Rules = rules.Default()
	}
	if o.BatchLinger == 0 {
		o.BatchLinger = 25 * time.Millisecond
	}
	if o.IdentityTTL == 0 {
		o.IdentityTTL = 5 * time.Minute
	}
	if o.ActionGiveUp <= 0 {
		o.ActionGiveUp = 10 * time.Minute
	}
	if o.RetireClosedAfter <= 0 {
		o.RetireClosedAfter = 7 * 24 * time.Hour
	}
	if o.KeepRetiredBase <= 0 {
		o.KeepRetiredBase = 90 * 24 * time.Hour
	}
	if o.RemoveMirrorsAfter <= 0 {
		o.RemoveMirrorsAfter = 30 * 24 * time.Hour
	}
	e := &Engine{
		care: o.Care, sf: o.Salesforce, store: o.Store, queue: o.Queue,
		notes: o.Notes, now: o.Clock, log: o.Logger, m: o.Metrics, pushed: o.Pushed,
	}
	e.ids = &identityCache{care: o.Care, sf: o.Salesforce, now: o.Clock, ttl: o.IdentityTTL, log: o.Logger, source: o.Mapping}
	e.initConflictSeries(o.Mapping)
	if o.Pause == nil {
		o.Pause = &localPause{now: e.now}
	}
	e.pause = quotaPause{Pauser: o.Pause, now: e.now, log: o.Logger}
	e.fit = &fitter{fields: &fieldCache{describe: o.DescribeFields, now: e.now, objects: map[string]*fieldEntry{}}, log: o.Logger, m: o.Metrics}
	c := &caseReconciler{care: o.Care, sf: o.Salesforce, store: o.Store, notes: o.Notes, rules: o.Rules, ids: e.ids, fit: e.fit,
		log: o.Logger, m: o.Metrics, now: o.Clock, maxIDLen: o.MaxCareIDLength, answerTime: time.Now}
	e.cases = c
	// A batch is one Salesforce call: 200 records (sObject Collections), and
	// 1,000 for the mirrored messages, which come several to a case (a
	// Composite request of five collections requests is one call too).
	const max, maxMessages, timeout = 200, 1000, 2 * time.Minute
	c.readCases = batch.New(max, o.BatchLinger, timeout, c.queryCases)
	c.readPairs = batch.New(max, o.BatchLinger, timeout, c.queryPairs)
	c.saveCases = batch.New(max, o.BatchLinger, timeout, func(ctx context.Context, saves []state.CaseSave) ([]error, error) {
		return e.store.SaveCases(ctx, saves), nil
	})
	c.stamps = batch.New(max, o.BatchLinger, timeout, func(ctx context.Context, saves []state.StampSave) ([]error, error) {
		return e.store.SaveStamps(ctx, saves), nil
	})
	c.createCases = batch.New(max, o.BatchLinger, timeout, c.upsertAndRead(func(ctx context.Context, recs []Record, read soql.Query) (UpsertedAndRead, error) {
		return e.sf.UpsertManyThenQuery(ctx, "Case", CareIDField, e.fit.records(ctx, "Case", recs), read)
	}))
	c.updateCases = batch.New(max, o.BatchLinger, timeout, e.fit.wrap("Case", func(ctx context.Context, recs []Record) ([]WriteResult, error) {
		e.noteOwnWrites(ctx, "Case", recs) // before: the change event may come back first
		return e.sf.UpdateMany(ctx, "Case", recs)
	}))
	c.readNotes = batch.New(max, o.BatchLinger, timeout, c.queryNotes)
	c.createNotes = batch.New(max, o.BatchLinger, timeout, e.fit.wrap(e.notes.Object, func(ctx context.Context, recs []Record) ([]WriteResult, error) {
		return e.sf.CreateMany(ctx, e.notes.Object, recs)
	}))
	c.readMsgs = batch.New(max, o.BatchLinger, timeout, c.queryMessages)
	c.upsertMsgs = batch.New(maxMessages, o.BatchLinger, timeout, uniqueBy(MessageIDField, e.fit.wrap(MessageObject, func(ctx context.Context, recs []Record) ([]WriteResult, error) {
		return e.sf.UpsertMany(ctx, MessageObject, MessageIDField, recs)
	})))
	c.updateMsgs = batch.New(maxMessages, o.BatchLinger, timeout, uniqueBy("Id", e.fit.wrap(MessageObject, func(ctx context.Context, recs []Record) ([]WriteResult, error) {
		return e.sf.UpdateMany(ctx, MessageObject, recs)
	})))
	e.actions = &actionReconciler{care: o.Care, sf: o.Salesforce, store: o.Store, queue: o.Queue, rules: o.Rules,
		log: o.Logger, m: o.Metrics, now: o.Clock, giveUp: o.ActionGiveUp, started: o.Clock(), maxIDLen: o.MaxCareIDLength}
	e.actions.readActions = batch.New(max, o.BatchLinger, timeout, e.actions.queryActions)
	e.actions.updActions = batch.New(max, o.BatchLinger, timeout, uniqueBy("Id", e.fit.wrap(ActionObject, func(ctx context.Context, recs []Record) ([]WriteResult, error) {
		return e.sf.UpdateMany(ctx, ActionObject, recs)
	})))
	// Batches are sized by the reconciles in flight: each waits for the
	// others still on their way, and goes once all of them wait in one.
	e.gate = batch.NewGate(o.Backlogged, o.Workers)
	e.gate.SetLinger(o.StreamLinger)
	for _, b := range e.batchers() {
		b.Join(e.gate, b.stage)
	}
	e.triggers = &Triggers{care: o.Care, sf: o.Salesforce, store: o.Store, queue: o.Queue, notes: o.Notes, ids: e.ids, fit: e.fit,
		pause: e.pause, log: o.Logger, m: o.Metrics, now: o.Clock, maxIDLen: o.MaxCareIDLength, pushed: o.Pushed, self: o.IntegrationUser,
		retireAfter: o.RetireClosedAfter, keepRetired: o.KeepRetiredBase, mirrorsAfter: o.RemoveMirrorsAfter}
	return e, nil
}

// Triggers are the sources of the engine's work: Care's webhooks and poll,
// Salesforce's change events and polls, and the sweep.
func (e *Engine) Triggers() *Triggers { return e.triggers }

// initConflictSeries creates the conflict series of every mapped field, so
// that the first conflict after a start is seen by increase().
func (e *Engine) initConflictSeries(src MapperSource) {
	m, err := src(nil, nil)
	if err != nil {
		return
	}
	for _, f := range m.Policies() {
		for _, winner := range []string{"care_wins", "salesforce_wins"} {
			e.m.conflicts.WithLabelValues(f.Name, winner)
		}
	}
}

// uniqueBy sends each record identity once per batch (Salesforce refuses a
// collection naming one record twice): the last write of a record wins and
// every caller of that record gets its result.
func uniqueBy(field string, write batch.Func[Record, WriteResult]) batch.Func[Record, WriteResult] {
	return func(ctx context.Context, recs []Record) ([]WriteResult, error) {
		slot := make(map[string]int, len(recs))
		send := make([]Record, 0, len(recs))
		where := make([]int, len(recs))
		for i, r := range recs {
			key, _ := r[field].(string)
			if j, ok := slot[key]; ok && key != "" {
				send[j] = r
				where[i] = j
				continue
			}
			slot[key] = len(send)
			where[i] = len(send)
			send = append(send, r)
		}
		res, err := write(ctx, send)
		if err != nil {
			return nil, err
		}
		if len(res) != len(send) {
			return nil, fmt.Errorf("write %d records: %d results", len(send), len(res))
		}
		out := make([]WriteResult, len(recs))
		for i := range recs {
			out[i] = res[where[i]]
		}
		return out, nil
	}
}

// batcher is what the engine does with each of its batchers.
type batcher interface {
	Join(g *batch.Gate, stage int)
	Shutdown(context.Context) error
}

// stagedBatcher is a batcher and where its calls come in a reconcile: the
// Salesforce reads first, then the Case writes, the reads of the mirror and
// the notes, and their writes. During a burst each stage's batch waits for
// the units still at an earlier one (batch.Gate), so a burst costs a call
// per stage instead of two. The sync state's Redis writes are unstaged.
type stagedBatcher struct {
	batcher
	stage int
}

// batchers are the case and action reconcilers' batched calls.
func (e *Engine) batchers() []stagedBatcher {
	c, a := e.cases, e.actions
	return []stagedBatcher{
		{c.readPairs, 0}, {a.readActions, 0},
		{c.readCases, 1}, {c.createCases, 1},
		{c.updateCases, 2}, {a.updActions, 2},
		{c.readNotes, 3}, {c.readMsgs, 3},
		{c.createNotes, 4}, {c.upsertMsgs, 4}, {c.updateMsgs, 4},
		{c.saveCases, batch.Unstaged}, {c.stamps, batch.Unstaged},
	}
}

// Shutdown stops taking Salesforce work and waits until the batched calls
// in flight have returned; when ctx ends first, it cancels them and waits
// for them to return. Call it after the workers stopped and before the
// Salesforce client and Redis are closed.
func (e *Engine) Shutdown(ctx context.Context) error {
	batchers := e.batchers()
	errs := make([]error, len(batchers))
	var wg sync.WaitGroup
	for i, b := range batchers {
		wg.Go(func() { errs[i] = b.Shutdown(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Salesforce field names the engine itself uses (they must exist in
// configs/salesforce; a test checks it).
const (
	CareIDField        = "Care_Case_Id__c"
	SyncStatusField    = "Care_Sync_Status__c"
	SyncErrorField     = "Care_Sync_Error__c"
	SystemModstampName = "SystemModstamp"
)

// EngineCaseFields lists every Case field the engine reads or writes itself.
func EngineCaseFields() []string {
	return append([]string{"Id", SystemModstampName, "IsClosed"}, EngineCaseWrites()...)
}

// EngineCaseWrites lists the Case fields the engine itself writes.
func EngineCaseWrites() []string {
	return []string{CareIDField, SyncStatusField, SyncErrorField, AllowedModesField, PrivateReplyDeadlineField, DMDeadlineField, ReplyLimitsField}
}

// Reconcile runs one queue key (the queue's Handler) and tells the queue
// what to do next: a refused or invalid change is Terminal (retrying cannot
// help: a case key runs again on its next trigger or sweep, an action key
// is dead-lettered); a spent Salesforce quota pauses every replica and
// requeues the key for after the pause; anything else retries with backoff,
// no sooner than the upstream's Retry-After. A case whose reply window
// closes later runs again just after it closes.
func (e *Engine) Reconcile(ctx context.Context, key string) (queue.Result, error) {
	k, err := work.Parse(key)
	if err != nil {
		return queue.Result{}, queue.Terminal(upstream.MarkPermanent(err))
	}
	if k.Kind == work.Check {
		return e.checkChange(ctx, k) // reads Redis alone: no work in flight
	}
	// A reload of the identities (Care agents, Salesforce users) takes a
	// while: made before the run counts as work in flight, so that the
	// batches of the other runs do not wait for it.
	_, err = e.ids.current(ctx)
	ctx, leave := e.gate.EnterContext(ctx)
	defer leave()
	var due time.Time
	switch {
	case err != nil:
	case k.Kind == work.Case:
		due, err = e.cases.reconcileCase(ctx, k.ID)
	case k.Kind == work.Action:
		err = e.actions.HandleAction(ctx, k.ID)
	}
	if err == nil && !due.IsZero() {
		// A reply window closes then: the options shown on the Case and
		// its messages change, so the case runs again just after.
		return queue.Result{RequeueAfter: due.Sub(e.now()) + time.Second}, nil
	}
	if err == nil {
		return queue.Result{}, nil
	}
	if until, paused := e.pause.pauseFor(ctx, err); paused {
		return queue.Result{RequeueAfter: until.Sub(e.now())}, nil
	}
	return queue.Result{}, queueError(err)
}

// queueError puts a connector's classification of err into the queue's
// terms.
func queueError(err error) error {
	switch upstream.ClassOf(err) {
	case upstream.Permanent, upstream.Refused:
		return queue.Terminal(err)
	}
	var ue *upstream.Error
	if errors.As(err, &ue) && ue.RetryAfter > 0 {
		return queue.RetryAfter(err, ue.RetryAfter)
	}
	return err
}

// QuotaPause is how long work waits after Salesforce reports the daily
// quota spent without saying for how long.
const QuotaPause = 15 * time.Minute

// Pauser holds the pause every replica honours while Salesforce's API quota
// is spent (the work queue's pause, in Redis).
type Pauser interface {
	PauseUntil(ctx context.Context, t time.Time) error
	PausedUntil(ctx context.Context) (time.Time, error)
}

// quotaPause is the pause every replica honours while Salesforce's API
// quota is spent.
type quotaPause struct {
	Pauser
	now func() time.Time
	log *slog.Logger
}

// pauseFor pauses work when err says the Salesforce quota is spent, and
// returns the end of the pause.
func (q quotaPause) pauseFor(ctx context.Context, err error) (time.Time, bool) {
	if upstream.ClassOf(err) != upstream.QuotaExhausted {
		return time.Time{}, false
	}
	d := QuotaPause
	var ue *upstream.Error
	if errors.As(err, &ue) && ue.RetryAfter > 0 {
		d = ue.RetryAfter
	}
	until := q.now().Add(d)
	if perr := q.PauseUntil(context.WithoutCancel(ctx), until); perr != nil {
		q.log.Error("pausing for the Salesforce API quota failed; work goes on and meets the limit again", "err", perr)
	}
	q.log.Warn("Salesforce API quota exhausted: every replica pauses polls and writes", "until", until.Format(time.RFC3339), "err", err)
	return until, true
}

// PausedUntil returns the end of the quota pause every replica honours;
// zero when work is not paused.
func (e *Engine) PausedUntil(ctx context.Context) (time.Time, error) {
	return e.pause.PausedUntil(ctx)
}

// localPause is the pause of an engine that shares none (tests, previews).
type localPause struct {
	mu    sync.Mutex
	now   func() time.Time
	until time.Time
}

func (p *localPause) PauseUntil(_ context.Context, t time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.After(p.until) {
		p.until = t
	}
	return nil
}

func (p *localPause) PausedUntil(context.Context) (time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.until.After(p.now()) {
		return p.until, nil
	}
	return time.Time{}, nil
}

// LastPoll returns when this process last finished a poll of source
// ("care", "salesforce") successfully; zero when it never did (only the
// leader polls).
func (e *Engine) LastPoll(source string) time.Time {
	var m dto.Metric
	if err := e.m.lastPoll.WithLabelValues(source).Write(&m); err != nil || m.GetGauge().GetValue() == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(m.GetGauge().GetValue() * 1000)).UTC()
}

// SetMapping replaces the mapping: reconciles that start from now on use
// src. (Where notes live, Options.Notes, does not change.)
func (e *Engine) SetMapping(src MapperSource) {
	e.initConflictSeries(src)
	e.ids.setSource(src)
}

// InvalidateIdentities forces the next reconcile to reload agents and users.
func (e *Engine) InvalidateIdentities() { e.ids.invalidate() }
