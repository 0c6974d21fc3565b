package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/carebridge/carebridge/bridge/batch"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/care/rules"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/mapping/merge"
)

// careFields names the canonical fields mapped to the Care attributes the
// engine treats specially (Care's status rules, assign before status); ""
// when the mapping does not map one.
type careFields struct{ status, assignee string }

// caseFields is the SOQL field list for Case reads: the mapping's fields and
// the engine's own, without duplicates.
func caseFields(m Mapper) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range append(EngineCaseFields(), m.SalesforceFields()...) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// pairRead is where a reconcile starts on the Salesforce and store side:
// the Case of a Care case (nil when none yet) and the stored state.
type pairRead struct {
	Case  Record
	State state.CaseState
	// At is when Salesforce answered the read of the Case.
	At time.Time
}

// queryPairs reads the Cases of many Care cases in one query and their
// stored state in one Redis round trip, at once: the first stage of a burst
// of reconciles costs one call to each, whatever the number of cases.
func (cr *caseReconciler) queryPairs(ctx context.Context, careIDs []string) ([]pairRead, error) {
	var (
		recs  []Record
		rErr  error
		reads sync.WaitGroup
	)
	var at time.Time
	reads.Go(func() { recs, rErr = cr.queryCases(ctx, careIDs); at = cr.answerTime() })
	states, sErr := cr.store.LoadCases(ctx, careIDs, true)
	reads.Wait()
	if rErr != nil {
		return nil, rErr
	}
	if sErr != nil {
		return nil, fmt.Errorf("read the stored state of %d Care cases: %w", len(careIDs), sErr)
	}
	out := make([]pairRead, len(careIDs))
	for i, id := range careIDs {
		out[i] = pairRead{Case: recs[i], State: states[id], At: at}
	}
	return out, nil
}

// saveCase stores what a reconcile leaves of a case; the saves of
// reconciles running together share one round trip.
func (cr *caseReconciler) saveCase(ctx context.Context, sv state.CaseSave) error {
	err, doErr := cr.saveCases.Do(ctx, sv)
	if doErr != nil {
		return doErr
	}
	return err
}

// queryCases reads the Cases of many Care ids in one query (batched).
func (cr *caseReconciler) queryCases(ctx context.Context, careIDs []string) ([]Record, error) {
	q, err := cr.casesQuery(ctx, careIDs)
	if err != nil {
		return nil, err
	}
	recs, err := cr.sf.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read Cases by Care id: %w", err)
	}
	return byCareID(recs, careIDs), nil
}

// casesQuery reads the Cases of careIDs, with the fields a reconcile reads.
func (cr *caseReconciler) casesQuery(ctx context.Context, careIDs []string) (soql.Query, error) {
	m, err := cr.ids.current(ctx)
	if err != nil {
		return soql.Query{}, err
	}
	ids := make([]any, 0, len(careIDs))
	for _, id := range careIDs {
		ids = append(ids, id)
	}
	return soql.Select(caseFields(m)...).From("Case").Where(soql.In(CareIDField, ids...)), nil
}

// byCareID orders the Cases recs as careIDs: a nil Record where no Case
// holds the Care id.
func byCareID(recs []Record, careIDs []string) []Record {
	byCare := make(map[string]Record, len(recs))
	for _, r := range recs {
		if id, _ := r[CareIDField].(string); id != "" {
			byCare[id] = r
		}
	}
	out := make([]Record, len(careIDs))
	for i, id := range careIDs {
		out[i] = byCare[id] // nil when the Case does not exist yet
	}
	return out
}

// caseReconciler brings one Care case and its Salesforce Case in step: the
// three-way merge of their fields, the conversation's mirror and the
// notes, each read and written in batches shared with the other reconciles
// in flight.
type caseReconciler struct {
	care     Care
	sf       Salesforce
	store    caseStore
	notes    NotesTarget
	rules    *rules.Engine
	ids      *identityCache
	fit      *fitter
	log      *slog.Logger
	m        *Metrics
	now      func() time.Time
	maxIDLen int
	// answerTime stamps when a read answered (time.Now): which side
	// answered last decides the re-reads before a write (checkUnchanged).
	answerTime func() time.Time

	readCases   *batch.Batcher[string, Record]
	readPairs   *batch.Batcher[string, pairRead]
	saveCases   *batch.Batcher[state.CaseSave, error]
	stamps      *batch.Batcher[state.StampSave, error]
	createCases *batch.Batcher[Record, createdCase]
	updateCases *batch.Batcher[Record, WriteResult]
	readNotes   *batch.Batcher[string, []Record]
	createNotes *batch.Batcher[Record, WriteResult]
	readMsgs    *batch.Batcher[string, []Record]
	upsertMsgs  *batch.Batcher[Record, WriteResult]
	updateMsgs  *batch.Batcher[Record, WriteResult]
}

// ReconcileCase brings one Care case and its Salesforce Case in step.
func (e *Engine) ReconcileCase(ctx context.Context, careID string) error {
	_, err := e.cases.reconcileCase(ctx, careID)
	return err
}

// reconcileCase is ReconcileCase; it also returns when the case must be
// reconciled again because a reply window closes (zero: not by the clock).
func (cr *caseReconciler) reconcileCase(ctx context.Context, careID string) (time.Time, error) {
	if careID == "" {
		return time.Time{}, permanentf("empty Care case id")
	}
	if err := checkCareID(cr.maxIDLen, careID); err != nil {
		return time.Time{}, upstream.MarkPermanent(err)
	}
	gen := cr.ids.generation()
	m, err := cr.ids.current(ctx)
	if err != nil {
		return time.Time{}, err
	}
	// The Care case, the Salesforce Case and the stored state are read at
	// once: a reconcile waits for the slowest instead of their sum (each
	// upstream call is a network round trip). They say what else changed
	// (stamps.go): only that is read next. The writes re-read what they
	// change unless its read answered last (checkUnchanged), so the order
	// of the reads does not matter.
	waitPair := cr.readPairs.Start(ctx, careID)
	c, cErr := cr.care.GetCase(ctx, careID)
	var got answered
	got.care = cr.answerTime()
	pair, rErr := waitPair()
	got.salesforce = pair.At
	rec, st := pair.Case, pair.State
	switch {
	case cErr != nil:
		return time.Time{}, fmt.Errorf("read Care case %s: %w", careID, cErr)
	case rErr != nil:
		return time.Time{}, fmt.Errorf("read Salesforce Case and stored state of Care case %s: %w", careID, rErr)
	}
	m = cr.ids.forCase(ctx, m, gen, c, rec)
	var restored string
	if rec == nil && st.SalesforceID != "" {
		// Linked, yet no Case holds the Care id: somebody changed or
		// cleared it on the linked Case. That Case is the case's, not a
		// reason to create a second one.
		if rec, restored, err = cr.restoreCareID(ctx, m, careID, st.SalesforceID); err != nil {
			return time.Time{}, err
		}
		// Read after a write of the reconcile's own, which it waited for.
		got.salesforce, got.other = time.Time{}, cr.answerTime()
	}
	if rec == nil && c.Status == rules.Deleted {
		return time.Time{}, nil // deleted before it ever reached Salesforce
	}
	next := &nextChange{now: cr.now()}
	careVals, cut := cr.fit.careValues(ctx, m, m.FromCare(c))
	var plan *casePlan
	if rec != nil {
		p := cr.planCase(ctx, m, c, rec, careVals, st)
		plan = &p
		if ok, until := inStepWith(m, c, rec, st, p, next.now); ok && restored == "" {
			cr.m.reconciles.WithLabelValues(outcomeInStep).Inc()
			return until, nil
		}
	}
	cr.m.reconciles.WithLabelValues(outcomeSynced).Inc()
	policy := mirrorPolicy{keepBrandDeleted: keepsBrandDeleted(m), erased: st.Erased}
	need := readsFor(c, st, rec == nil, next.now, optionsStamp(c, policy.keepBrandDeleted))
	conv := &conversation{care: cr.care, careID: careID}
	var (
		notes []care.Note
		nErr  error
		more  sync.WaitGroup
	)
	if need.notes {
		more.Go(func() { notes, nErr = cr.care.Notes(ctx, careID) })
	}
	if need.conversation {
		conv.read(ctx, c)
	}
	more.Wait()
	if need.notes || need.conversation {
		got.other = cr.answerTime()
	}
	switch {
	case conv.err != nil:
		return time.Time{}, conv.err
	case nErr != nil:
		return time.Time{}, fmt.Errorf("read notes of Care case %s: %w", careID, nErr)
	}
	var made newCase
	if rec == nil {
		// The new Case carries its reply options from the start, so its
		// creation is its only write.
		rec, made, err = cr.createCase(ctx, m, c, careVals, cut, cr.replyOptionFields(ctx, c, conv.msgs, nil, &nextChange{now: next.now}), &st)
		if err != nil {
			return time.Time{}, err
		}
		got.salesforce, got.other = time.Time{}, cr.answerTime()
	}
	sfID, _ := rec["Id"].(string)
	if made.id == "" {
		if err := cr.ensureLink(ctx, careID, sfID, st.SalesforceID); err != nil {
			return time.Time{}, err
		}
	}
	// The options follow the case as this reconcile leaves it in Care: when
	// the merge changed what they depend on, the conversation is read now.
	// The merge also records whether the case is closed on both sides: the
	// sweep keeps closed cases for a while, then retires them.
	read := c
	applied, err := cr.mergeCase(ctx, m, c, rec, careVals, cut, st, made, restored, plan, got, func(written care.Case) Record {
		if !conv.loaded && optionsStamp(written, policy.keepBrandDeleted) != st.Sync[stampOptions] {
			conv.read(ctx, written)
		}
		if !conv.loaded {
			return nil // nothing the options depend on changed
		}
		return cr.replyOptionFields(ctx, written, conv.msgs, rec, next)
	})
	if err != nil {
		return time.Time{}, err
	}
	if conv.err != nil {
		return time.Time{}, conv.err
	}
	c, closed := applied.written, applied.closed
	stamps := map[string]string{stampCare: stampOf(&applied.careStamp), stampClosed: closedStamp(closed)}
	// A Case this reconcile created has no notes or mirrored messages in
	// Salesforce yet: none are read.
	if need.notes {
		copied, err := cr.syncNotes(ctx, m, c, sfID, notes, made.created)
		if err != nil {
			return time.Time{}, err
		}
		// Care's notes stamp is its newest note's: a copy made here moves
		// it, and is no change of Care's to read again.
		notesAt := read.NotesUpdatedAt
		if !copied.IsZero() && (notesAt == nil || copied.After(*notesAt)) {
			notesAt = &copied
		}
		stamps[stampNotes], stamps[stampSFNotes] = stampOf(notesAt), hintOf(st.Sync, hintSFNotes)
	} else if made.created {
		// A new Case and a Care case without notes: both in step already.
		stamps[stampNotes], stamps[stampSFNotes] = stampOf(read.NotesUpdatedAt), hintOf(st.Sync, hintSFNotes)
	}
	if conv.loaded {
		if err := cr.syncMessages(ctx, c, sfID, conv.msgs, st.Mirror, policy, next); err != nil {
			return time.Time{}, err
		}
		stamps[stampConversation], stamps[stampOptions] = stampOf(conv.at), optionsStamp(c, policy.keepBrandDeleted)
		stamps[stampOptionsUntil] = ""
		if !next.at.IsZero() {
			stamps[stampOptionsUntil] = next.at.UTC().Format(time.RFC3339Nano)
		}
	}
	cr.saveStamps(ctx, careID, stamps)
	if closed {
		return time.Time{}, nil
	}
	return next.at, nil
}

// restoreCareID puts careID back into Care_Case_Id__c of the Case linked to
// it (sfID), which somebody changed or cleared, and says so on the Case
// (its sync error, until the next sync of the case writes it) and in the
// case's timeline. It returns the Case as read after the write and the
// notice shown; a nil Case when the linked Case no longer exists (deleted:
// the case gets a new one, as before).
func (cr *caseReconciler) restoreCareID(ctx context.Context, m Mapper, careID, sfID string) (Record, string, error) {
	recs, err := cr.sf.Query(ctx, soql.Select(caseFields(m)...).From("Case").Where(soql.Eq("Id", sfID)))
	if err != nil {
		return nil, "", fmt.Errorf("read linked Case %s of Care case %s: %w", sfID, careID, err)
	}
	if len(recs) == 0 {
		return nil, "", nil
	}
	was := str(recs[0][CareIDField])
	notice := fmt.Sprintf("Care Case Id was changed to %q in Salesforce; carebridge put back %q, the Care case this Case is linked to. Create a new Case for another Care case instead of changing this field.", was, careID)
	if was == "" {
		notice = fmt.Sprintf("Care Case Id was cleared in Salesforce; carebridge put back %q, the Care case this Case is linked to.", careID)
	}
	res, err := cr.updateCases.Do(ctx, Record{"Id": sfID, CareIDField: careID, SyncStatusField: "Error", SyncErrorField: notice})
	if err == nil {
		err = res.Err
	}
	if err != nil {
		return nil, "", fmt.Errorf("restore Care_Case_Id__c of Case %s (linked to Care case %s, now %q): %w%s", sfID, careID, was, err, restoreHint(err, careID, sfID))
	}
	cr.m.idsRestored.Inc()
	cr.log.Warn("restored the Care case id of a linked Case", "care_case", careID, "case", sfID, "was", was)
	if aerr := writeAudit(ctx, cr.store, state.AuditEntry{Case: careID, Field: CareIDField, From: was, To: careID, Side: "salesforce", Resolution: "restored", Time: cr.now()}); aerr != nil {
		cr.log.Warn("audit write failed", "care_case", careID, "err", aerr)
	}
	rec, err := cr.readCases.Do(ctx, careID)
	if err != nil {
		return nil, "", fmt.Errorf("read Case %s after restoring its Care id: %w", sfID, err)
	}
	if rec == nil {
		return nil, "", &upstream.Error{System: "salesforce", Op: "restore_care_id", Class: upstream.Retryable,
			Message: fmt.Sprintf("Case %s does not show its restored Care id yet", sfID)}
	}
	return rec, notice, nil
}

// conversation is a case's conversation, read when a reconcile needs it.
type conversation struct {
	care   Care
	careID string
	msgs   []care.Message
	// at is the conversation stamp of the case as it was read before the
	// messages: what the mirror is now in step with, at least.
	at     *time.Time
	loaded bool
	err    error
}

// read reads the conversation of c (as just read from Care); a case whose
// stamp says it has no message yet costs no call.
func (cv *conversation) read(ctx context.Context, c care.Case) {
	if c.ConversationUpdatedAt == nil {
		cv.msgs, cv.at, cv.loaded = nil, nil, true
		return
	}
	cv.msgs, cv.err = cv.care.Messages(ctx, cv.careID)
	if cv.err != nil {
		cv.err = fmt.Errorf("read conversation of Care case %s: %w", cv.careID, cv.err)
		return
	}
	cv.at, cv.loaded = c.ConversationUpdatedAt, true
}

// ensureLink links a Care case to its Case unless the store already has
// (have: the linked Case as read).
func (cr *caseReconciler) ensureLink(ctx context.Context, careID, sfID, have string) error {
	if have == sfID {
		return nil
	}
	if err := cr.store.LinkCase(ctx, careID, sfID); err != nil {
		return fmt.Errorf("link Care case %s to Case %s: %w", careID, sfID, err)
	}
	return nil
}

// newCaseRecord is the Case created for an escalated Care case from the
// canonical values toSF (careToSalesforce), without the values Salesforce
// would refuse (refused: canonical field -> why), whose reasons go to the
// sync error.
func newCaseRecord(m Mapper, c care.Case, toSF map[string]string, refused map[string]refusal) Record {
	var reasons []string
	send := maps.Clone(toSF)
	for f, r := range refused {
		delete(send, f)
		reasons = append(reasons, r.reason)
	}
	rec := m.ToSalesforce(send)
	rec[CareIDField] = c.ID
	rec[SyncStatusField] = "Synced"
	if len(reasons) > 0 {
		slices.Sort(reasons)
		rec[SyncStatusField], rec[SyncErrorField] = "Error", strings.Join(reasons, " ")
	}
	return rec
}

// careToSalesforce are the canonical values a new Case gets.
func careToSalesforce(m Mapper, careVals map[string]string) map[string]string {
	toSF := map[string]string{}
	for _, f := range m.Policies() {
		if f.Direction.WritesSalesforce() {
			toSF[f.Name] = careVals[f.Name]
		}
	}
	return toSF
}

// newCase is a Case a reconcile upserted: its id, whether the upsert
// created it (not a Case an earlier run made before it crashed) and the
// time its base was taken. Its base and link are stored with the rest of
// the reconcile's state (SaveNewCase): before the first write the merge
// makes, or at its end. A crash in between leaves a Case without link or
// base, which the next reconcile finds by its Care id.
type newCase struct {
	id      string
	created bool
	at      time.Time
}

// createCase upserts the Salesforce Case of an escalated Care case by its
// external id, so a retry after a crash updates instead of duplicating, and
// returns it as Salesforce holds it (defaults and owner applied). It sets st
// to the new base and link, which the caller stores.
func (cr *caseReconciler) createCase(ctx context.Context, m Mapper, c care.Case, careVals map[string]string, cut map[string]cutValue, extra Record, st *state.CaseState) (Record, newCase, error) {
	toSF := careToSalesforce(m, careVals)
	refused := cr.fit.refusedPicklistValues(ctx, m, toSF)
	for _, r := range refused {
		cr.m.refused.WithLabelValues("Case", r.field).Inc()
	}
	rec := newCaseRecord(m, c, toSF, refused)
	for f, v := range extra {
		rec[f] = v
	}
	res, err := cr.createCases.Do(ctx, rec)
	if err == nil {
		err = res.Err
	}
	if err != nil {
		cr.m.syncOps.WithLabelValues("care_to_salesforce", "case", "failure").Inc()
		return nil, newCase{}, fmt.Errorf("create Salesforce Case for Care case %s: %w", c.ID, err)
	}
	cr.m.syncOps.WithLabelValues("care_to_salesforce", "case", "success").Inc()
	cr.m.lag.WithLabelValues("care_to_salesforce").Observe(cr.now().Sub(c.UpdatedAt).Seconds())
	cr.log.Info("created Salesforce Case", "care_case", c.ID, "case", res.ID)
	cr.fit.noteCutsWritten(cut, toSF, res.ID)
	// Base: what both sides hold now. Salesforce reads back the image of
	// Care's values (an agent without a Salesforce user reads back as
	// unassigned); merge's image functions take care of that. A value held
	// back is not held by Salesforce: the Case's default must not pass for
	// a change made in Salesforce (see below).
	base := maps.Clone(careVals)
	for f := range refused {
		delete(base, f)
	}
	made := newCase{id: res.ID, created: res.Created, at: cr.now()}
	if res.ReadErr != nil || res.Case == nil {
		// Not readable: the next reconcile goes on from the stored base.
		err := fmt.Errorf("created Case of Care case %s is not readable yet", c.ID)
		if res.ReadErr != nil {
			err = fmt.Errorf("read created Case of Care case %s: %w", c.ID, res.ReadErr)
		}
		if serr := cr.saveCase(context.WithoutCancel(ctx), state.CaseSave{CareID: c.ID, LinkTo: res.ID, Fields: base, SyncedAt: made.at, At: made.at}); serr != nil {
			err = fmt.Errorf("%w (and storing its base failed: %w)", err, serr)
		}
		return nil, newCase{}, err
	}
	if len(refused) > 0 {
		// A value held back is Care's value in the base, and what the Case
		// shows instead (its default) is recorded as seen: only a later
		// edit of the field in Salesforce reads as a change there.
		shown := m.FromSalesforce(res.Case)
		for f := range refused {
			base[f], base[seenPrefix+f] = careVals[f], shown[f]
		}
	}
	*st = state.CaseState{SalesforceID: res.ID, Base: state.Base{Fields: base, SyncedAt: made.at.UTC().Truncate(time.Millisecond)}, HasBase: true, Mirror: st.Mirror}
	return res.Case, made, nil
}

// createdCase is the answer to one Case upsert: the write's result and,
// when it succeeded, the Case read back.
type createdCase struct {
	WriteResult
	Case    Record
	ReadErr error
}

// upsertAndRead upserts Cases and reads them back in the same call (one
// Composite request), so that a burst of new cases waits for one batch and
// costs one API call, not two.
func (cr *caseReconciler) upsertAndRead(write func(ctx context.Context, recs []Record, read soql.Query) (UpsertedAndRead, error)) batch.Func[Record, createdCase] {
	return func(ctx context.Context, recs []Record) ([]createdCase, error) {
		careIDs := make([]string, len(recs))
		for i, r := range recs {
			careIDs[i] = str(r[CareIDField])
		}
		read, err := cr.casesQuery(ctx, careIDs)
		if err != nil {
			return nil, err
		}
		got, err := write(ctx, recs, read)
		if err != nil {
			return nil, err
		}
		if len(got.Results) != len(recs) {
			return nil, fmt.Errorf("upsert %d Cases: %d results", len(recs), len(got.Results))
		}
		cases := byCareID(got.Read, careIDs)
		out := make([]createdCase, len(recs))
		for i, r := range got.Results {
			out[i].WriteResult = r
			switch {
			case r.Err != nil:
			case got.ReadErr != nil:
				out[i].ReadErr = fmt.Errorf("read Cases by Care id: %w", got.ReadErr)
			default:
				out[i].Case = cases[i]
			}
		}
		return out, nil
	}
}

// casePlan is what one reconcile of a linked pair is about to do.
type casePlan struct {
	stored map[string]string // base as stored (nil: none)
	sfVals map[string]string // Salesforce's values as read
	// policies are the mapping's, with what Salesforce showed last.
	policies []merge.FieldPolicy
	base     map[string]string // base settled with the pending writes
	plan     merge.Plan
	cf       careFields
	blocked  string // why a status change is held back, "" if none
	refused  string // why Salesforce writes are held back, "" if none
	// refusedFields are the Salesforce fields of those writes.
	refusedFields []string
	// held are the canonical fields held back that had no base: the
	// value Care holds is their base, Salesforce's is recorded as seen.
	held []string
}

// planCase runs the three-way merge of a linked pair, without writing. st
// is the case's stored state.
func (cr *caseReconciler) planCase(ctx context.Context, m Mapper, c care.Case, rec Record, careVals map[string]string, st state.CaseState) casePlan {
	sfVals := m.FromSalesforce(rec)
	stored, seen := baseOf(st)
	pending := intentsOf(st.Pending)
	policies := m.Policies()
	if len(pending) == 0 {
		// What Salesforce showed describes the stored base only; pending
		// writes settle a newer one.
		policies = seenPolicies(policies, seen)
	}
	p := casePlan{stored: stored, sfVals: sfVals, policies: policies, base: merge.Settle(stored, pending, careVals, sfVals, policies)}
	p.plan = merge.Merge(p.base, careVals, sfVals, policies, c.UpdatedAt, parseTime(rec[SystemModstampName]))
	p.cf = careFields{status: m.CanonicalFor(CareStatusAttribute), assignee: m.CanonicalFor(CareAssigneeAttribute)}
	p.blocked = cr.applyStatusRules(p.cf, careVals, sfVals, &p.plan, p.base)
	p.refused, p.refusedFields, p.held = cr.fit.holdBackRefused(ctx, m, &p.plan, p.base)
	return p
}

// mergeCase runs the three-way merge of a linked pair and applies the plan.
// options are further Case fields to write with the merge's (the reply
// options), already reduced to those that changed; notice is shown in the
// Case's sync error with any reason of the merge's own ("" for none);
// planned is the plan already made of these values (nil: made here). It
// reports whether the case is now closed on both sides.
func (cr *caseReconciler) mergeCase(ctx context.Context, m Mapper, c care.Case, rec Record, careVals map[string]string, cut map[string]cutValue, st state.CaseState, made newCase, notice string, planned *casePlan, got answered, options func(care.Case) Record) (_ merged, err error) {
	careID := c.ID
	defer func() {
		if err == nil || made.id == "" {
			return
		}
		// The reconcile created the Case and fails before storing its
		// base: store it now, so that the next reconcile merges against
		// it (a change made meanwhile on either side is a change, not a
		// conflict without a base).
		if serr := cr.saveCase(context.WithoutCancel(ctx), state.CaseSave{CareID: careID, LinkTo: made.id, Fields: st.Base.Fields, SyncedAt: made.at, At: made.at}); serr != nil {
			err = fmt.Errorf("%w (and storing the new Case's base failed: %w)", err, serr)
		}
	}()
	var p casePlan
	if planned != nil {
		p = *planned
	} else {
		p = cr.planCase(ctx, m, c, rec, careVals, st)
	}
	plan, base, cf, blockReason := p.plan, p.base, p.cf, p.blocked
	sfChanged := parseTime(rec[SystemModstampName])
	if err := cr.checkUnchanged(ctx, m, c, rec, plan, got); err != nil {
		return merged{}, err
	}
	// Recorded before writing: if this reconcile dies between its writes and
	// SetBase, the next one settles the base from it instead of taking the
	// bridge's own writes for somebody's changes. Relative to the stored base,
	// so what an earlier reconcile left pending and this one settled stays
	// recorded.
	intents := plan.Intents(p.stored)
	if made.id != "" && (len(intents) > 0 || len(plan.ToCare) > 0 || len(plan.ToSalesforce) > 0) {
		// Writes follow: the new Case's base and link go first.
		if err := cr.saveCase(ctx, state.CaseSave{CareID: careID, LinkTo: made.id, Fields: p.stored, SyncedAt: made.at, At: made.at}); err != nil {
			return merged{}, fmt.Errorf("store base and link of Care case %s: %w", careID, err)
		}
		made.id = ""
	}
	if len(intents) > 0 {
		if err := cr.savePendingIntents(ctx, careID, intents); err != nil {
			return merged{}, fmt.Errorf("record pending writes of Care case %s: %w", careID, err)
		}
	}
	written, err := cr.writeCare(ctx, cf, c, plan, sfChanged)
	if err != nil {
		return merged{}, err
	}
	for _, f := range p.refusedFields {
		cr.m.refused.WithLabelValues("Case", f).Inc()
	}
	sfWrite := caseWrite(m, rec, plan, joinReasons(blockReason, p.refused, notice))
	maps.Copy(sfWrite, options(written))
	if len(sfWrite) > 0 {
		sfWrite["Id"] = rec["Id"]
		res, err := cr.updateCases.Do(ctx, sfWrite)
		if err == nil {
			err = res.Err
		}
		if err != nil {
			cr.m.syncOps.WithLabelValues("care_to_salesforce", "case", "failure").Inc()
			cr.showRefusal(ctx, rec, err)
			return merged{}, fmt.Errorf("update Case %v of Care case %s: %w%s", rec["Id"], careID, err, permissionHint(err))
		}
		cr.fit.noteCutsWritten(cut, plan.ToSalesforce, rec["Id"])
		if len(plan.ToSalesforce) > 0 {
			cr.m.syncOps.WithLabelValues("care_to_salesforce", "case", "success").Inc()
			cr.m.lag.WithLabelValues("care_to_salesforce").Observe(cr.now().Sub(c.UpdatedAt).Seconds())
		}
	}
	closed := closedOnBothSides(cf, c, rec, plan, blockReason)
	now := cr.now()
	// made.id is set when nothing was written since the Case was created:
	// its link goes with the base.
	if err := cr.saveCase(ctx, state.CaseSave{CareID: careID, LinkTo: made.id, Fields: withSeen(plan, p.sfVals, p.policies, p.held), SyncedAt: now, Closed: closed, At: now}); err != nil {
		return merged{}, fmt.Errorf("store base of Care case %s: %w", careID, err)
	}
	cr.audit(ctx, cf, careID, base, plan, blockReason, p.refused)
	out := merged{written: written, careStamp: written.UpdatedAt, closed: closed}
	if !onlyOwnChanges(m, c, written, plan.ToCare) {
		// Care's answer shows a change somebody made while the bridge
		// wrote, and its updated_at covers it: the case keeps the stamp
		// of the read, so that the change's webhook and the next poll
		// find it out of step.
		out.careStamp = c.UpdatedAt
	}
	return out, nil
}

// merged is a merge applied: the Care case as the bridge's writes left it,
// the Care stamp the reconcile synced (the written case's, or the read's
// when somebody else's change shows in the written case) and whether the
// case is closed on both sides.
type merged struct {
	written   care.Case
	careStamp time.Time
	closed    bool
}

// onlyOwnChanges reports whether written, Care's answer to the bridge's
// writes (toCare) on the case as read, differs from read in those writes
// only.
func onlyOwnChanges(m Mapper, read, written care.Case, toCare map[string]string) bool {
	if written.UpdatedAt.Equal(read.UpdatedAt) {
		return true
	}
	want := m.FromCare(read)
	maps.Copy(want, toCare)
	return maps.Equal(m.FromCare(written), want)
}

// closedOnBothSides reports whether, once the plan is applied, the case is
// closed in Care (done or deleted) and in Salesforce.
func closedOnBothSides(cf careFields, c care.Case, rec Record, plan merge.Plan, blocked string) bool {
	if cf.status == "" { // the mapping does not sync status: look at each side
		return (c.Status == rules.Done || c.Status == rules.Deleted) && rec["IsClosed"] == true
	}
	if blocked != "" {
		return false // a status change is held back: the sides differ
	}
	st := rules.Status(plan.Base[cf.status])
	return st == rules.Done || st == rules.Deleted
}

// answered is when a reconcile's reads answered: the Care case, the
// Salesforce Case (zero when the Case was read after a write of the
// reconcile's own) and anything else it waited for before its writes (the
// conversation, the notes).
type answered struct{ care, salesforce, other time.Time }

// careLast reports whether the Care case answered last: nothing was waited
// for between its read and the writes, so a re-read would leave the same
// window open before the write to Care as the read did.
func (a answered) careLast() bool {
	return !a.care.IsZero() && !a.care.Before(a.salesforce) && !a.care.Before(a.other)
}

// salesforceLast is careLast for the Salesforce Case.
func (a answered) salesforceLast() bool {
	return !a.salesforce.IsZero() && a.salesforce.After(a.care) && !a.salesforce.Before(a.other)
}

// checkUnchanged re-reads each side the plan writes, unless that side's
// read answered last (got). Neither Care's writes nor Salesforce's
// collections updates are conditional, so when an agent changed a side
// since this reconcile read it, the reconcile is retried from the new state
// instead of overwriting their change with a decision made on old data. It
// compares the values read, not only the change times: a real org stamps
// whole seconds, so an edit within the second of the first read leaves
// SystemModstamp as it was.
func (cr *caseReconciler) checkUnchanged(ctx context.Context, m Mapper, c care.Case, rec Record, plan merge.Plan, got answered) error {
	changed := func(op, what string) error {
		return &upstream.Error{System: "carebridge", Op: op, Class: upstream.Retryable,
			Message: what + " changed while it was reconciled; reconciling again"}
	}
	// The two re-reads run at once: the reconcile waits for the slower.
	var careErr, sfErr error
	var both sync.WaitGroup
	if len(plan.ToCare) > 0 && !got.careLast() {
		both.Go(func() {
			fresh, err := cr.care.GetCase(ctx, c.ID)
			switch {
			case err != nil:
				careErr = fmt.Errorf("re-read Care case %s before writing: %w", c.ID, err)
			case !fresh.UpdatedAt.Equal(c.UpdatedAt) || !maps.Equal(m.FromCare(fresh), m.FromCare(c)):
				careErr = changed("write_care", "Care case "+c.ID)
			}
		})
	}
	if len(plan.ToSalesforce) > 0 && !got.salesforceLast() {
		both.Go(func() {
			fresh, err := cr.readCases.Do(ctx, c.ID)
			switch {
			case err != nil:
				sfErr = fmt.Errorf("re-read Salesforce Case of Care case %s before writing: %w", c.ID, err)
			case fresh == nil || !sameValues(fresh, rec, caseFields(m)):
				sfErr = changed("write_salesforce", fmt.Sprintf("Salesforce Case %v", rec["Id"]))
			}
		})
	}
	both.Wait()
	if careErr != nil {
		return careErr
	}
	return sfErr
}

// sameValues reports whether two reads of a record hold the same values of
// fields.
func sameValues(a, b Record, fields []string) bool {
	for _, f := range fields {
		if !reflect.DeepEqual(a[f], b[f]) {
			return false
		}
	}
	return true
}

// showRefusal tells the agent on the Case that Salesforce refused the
// bridge's update of it (a validation rule, a permission, a value): since
// the whole record was refused, it writes only the sync status fields, in a
// second, minimal update. The next successful sync of the case clears them
// (caseWrite). Failures that clear up by themselves are not shown.
func (cr *caseReconciler) showRefusal(ctx context.Context, rec Record, err error) {
	class := upstream.ClassOf(err)
	if class != upstream.Permanent && class != upstream.Refused {
		return
	}
	code, msg := "ERROR", err.Error()
	var ue *upstream.Error
	if errors.As(err, &ue) && ue.Code != "" {
		code, msg = ue.Code, ue.Message
	}
	cr.m.caseRefusals.WithLabelValues(code).Inc()
	reason := fmt.Sprintf("Salesforce refused carebridge's update of this Case (%s: %s). Nothing from Care reaches this Case until that is fixed; carebridge tries again at the next change on either side and at every sweep.", code, msg)
	if str(rec[SyncStatusField]) == "Error" && str(rec[SyncErrorField]) == reason {
		return // already shown
	}
	// A new refusal goes into the case's timeline too (a failing path: the
	// extra Redis command costs a healthy sync nothing).
	if careID := str(rec[CareIDField]); careID != "" {
		if aerr := writeAudit(ctx, cr.store, state.AuditEntry{Case: careID, Side: "salesforce", Resolution: "refused", To: code + ": " + msg, Time: cr.now()}); aerr != nil {
			cr.log.Warn("audit write failed", "care_case", careID, "err", aerr)
		}
	}
	res, werr := cr.updateCases.Do(ctx, Record{"Id": rec["Id"], SyncStatusField: "Error", SyncErrorField: reason})
	if werr == nil {
		werr = res.Err
	}
	if werr != nil {
		cr.log.Warn("cannot show the sync error on the Case", "case", rec["Id"], "refusal", code, "err", werr)
	}
}

// permissionHint says what to do when Salesforce refused a write for lack
// of a permission; "" for other errors.
func permissionHint(err error) string {
	var ue *upstream.Error
	if !errors.As(err, &ue) {
		return ""
	}
	switch ue.Code {
	case "INSUFFICIENT_ACCESS_OR_READONLY", "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "INVALID_FIELD_FOR_INSERT_UPDATE":
		return " (the integration user lacks a permission or its place in the Carebridge_Integration group: `carebridge check` names it; see docs/salesforce-setup.md, step 6)"
	}
	return ""
}

// restoreHint says what to do when Salesforce refused to put a cleared or
// changed Care Case Id back: the shipped sharing rule shares a Case with
// carebridge for writing only while it has a Care Case Id, so on a Case an
// agent owns only a person with access can put it back.
func restoreHint(err error, careID, sfID string) string {
	var ue *upstream.Error
	if errors.As(err, &ue) && ue.Code == "INSUFFICIENT_ACCESS_OR_READONLY" {
		return fmt.Sprintf(" (Salesforce lets carebridge edit a Case another user owns only while it has a Care Case Id, through the sharing rule "+
			"Carebridge_Integration_Cases: an admin must put %q back into Care Case Id of Case %s; `carebridge check` also names missing permissions)", careID, sfID)
	}
	return permissionHint(err)
}

// caseWrite is the Case update of a plan: the merged fields and the sync
// status fields, which tell the agent about anything the bridge could not
// apply; they are written only when they change, so they never loop.
func caseWrite(m Mapper, rec Record, plan merge.Plan, blocked string) Record {
	w := m.ToSalesforce(plan.ToSalesforce)
	wantStatus, wantErr := "Synced", ""
	if blocked != "" {
		wantStatus, wantErr = "Error", blocked
	}
	if str(rec[SyncStatusField]) != wantStatus {
		w[SyncStatusField] = wantStatus
	}
	if str(rec[SyncErrorField]) != wantErr {
		w[SyncErrorField] = nilIfEmpty(wantErr)
	}
	return w
}

// applyStatusRules enforces Care's status rules when Salesforce drives a
// status change: an unassigned Care case can only be deleted, so the case is
// first assigned to the Care agent of the Salesforce owner; when the owner
// maps to no Care agent the status change is held back (base keeps its old
// value, so it is retried when someone fixes the cause) and the reason is
// returned for the Case's sync error field.
func (cr *caseReconciler) applyStatusRules(cf careFields, careVals, sfVals map[string]string, plan *merge.Plan, base map[string]string) string {
	status, writesStatus := plan.ToCare[cf.status]
	if !writesStatus {
		return ""
	}
	assignee := careVals[cf.assignee]
	if a, ok := plan.ToCare[cf.assignee]; ok {
		assignee = a
	}
	if assignee == "" && sfVals[cf.assignee] != "" {
		assignee = sfVals[cf.assignee]
		plan.ToCare[cf.assignee] = assignee
		plan.Base[cf.assignee] = assignee
	}
	d := cr.rules.Check(rules.Scenario{
		Action:    rules.SetStatus,
		NewStatus: rules.Status(status),
		Case:      rules.CaseState{Assigned: assignee != "", Status: rules.Status(careVals[cf.status])},
	})
	if d.Allowed {
		return ""
	}
	delete(plan.ToCare, cf.status)
	if old, ok := base[cf.status]; ok {
		plan.Base[cf.status] = old
	} else {
		delete(plan.Base, cf.status)
	}
	cr.m.blocked.WithLabelValues(d.Code).Inc()
	return fmt.Sprintf("Care did not accept status %q: %s The Case owner is not a Care agent; assign the Case to a user who is mapped to a Care agent, or assign the case in Care.", status, d.Reason)
}

// writeCare applies the plan's Care writes: assignment before status, since
// Care needs an assignee to close a case.
// writeCare applies the plan's Care writes and returns the case as Care
// holds it after them.
func (cr *caseReconciler) writeCare(ctx context.Context, cf careFields, c care.Case, plan merge.Plan, sfChanged time.Time) (care.Case, error) {
	latest := c
	fields := make([]string, 0, len(plan.ToCare))
	for f := range plan.ToCare {
		fields = append(fields, f)
	}
	sort.Slice(fields, func(i, j int) bool {
		return fields[i] == cf.assignee || (fields[j] != cf.assignee && fields[i] < fields[j])
	})
	for _, f := range fields {
		v := plan.ToCare[f]
		var err error
		var after care.Case
		idem := fmt.Sprintf("cb:%s:%s:%s:%d", c.ID, f, v, c.UpdatedAt.UnixNano())
		switch f {
		case cf.assignee:
			var agent *string
			if v != "" {
				agent = &v
			}
			after, err = cr.care.Assign(ctx, c.ID, agent, idem)
		case cf.status:
			after, err = cr.care.SetStatus(ctx, c.ID, rules.Status(v), idem)
		default:
			continue // fields Care cannot be written through its API are never planned by a valid mapping
		}
		if err != nil {
			cr.m.syncOps.WithLabelValues("salesforce_to_care", "case", "failure").Inc()
			return latest, fmt.Errorf("write %s=%q to Care case %s: %w", f, v, c.ID, err)
		}
		if after.ID == c.ID {
			latest = after
		}
		cr.m.syncOps.WithLabelValues("salesforce_to_care", "case", "success").Inc()
		if !sfChanged.IsZero() {
			cr.m.lag.WithLabelValues("salesforce_to_care").Observe(cr.now().Sub(sfChanged).Seconds())
		}
	}
	return latest, nil
}

// audit records what a reconcile did: every applied write, every conflict,
// a status change Care's rules blocked and Salesforce writes held back
// (refused), each in the audit stream and the case's timeline.
func (cr *caseReconciler) audit(ctx context.Context, cf careFields, careID string, base map[string]string, plan merge.Plan, blocked, refused string) {
	at := cr.now()
	write := func(a state.AuditEntry) {
		a.Case, a.Time = careID, at
		if err := writeAudit(ctx, cr.store, a); err != nil {
			cr.log.Warn("audit write failed", "care_case", careID, "err", err)
		}
	}
	for f, v := range plan.ToSalesforce {
		write(state.AuditEntry{Field: f, From: base[f], To: v, Side: "salesforce", Resolution: "applied"})
	}
	for f, v := range plan.ToCare {
		write(state.AuditEntry{Field: f, From: base[f], To: v, Side: "care", Resolution: "applied"})
	}
	for _, c := range plan.Conflicts {
		cr.m.conflicts.WithLabelValues(c.Field, string(c.Winner)+"_wins").Inc()
		resolution := "conflict_" + string(c.Winner)
		if c.NoBase {
			// The stored state was lost (or the field is new): which side
			// changed could not be told, so the policy decided.
			resolution = "conflict_no_base_" + string(c.Winner)
		}
		write(state.AuditEntry{Field: c.Field, From: c.Base, To: fmt.Sprintf("care=%q salesforce=%q", c.Care, c.Salesforce), Side: string(c.Winner), Policy: string(c.Policy), Resolution: resolution})
	}
	if blocked != "" {
		write(state.AuditEntry{Field: cf.status, Side: "care", Resolution: "blocked", To: blocked})
	}
	if refused != "" {
		write(state.AuditEntry{Side: "salesforce", Resolution: "held_back", To: refused})
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// parseTime reads a Salesforce datetime (with millis and +0000) or RFC 3339.
func parseTime(v any) time.Time {
	s, _ := v.(string)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
