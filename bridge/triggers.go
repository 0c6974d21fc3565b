package bridge

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// Triggers find the work: each source of changes (Care's webhooks and
// poll, Salesforce's change events and its polls of Cases, notes and
// actions, the sweep) turns what it learns into queue keys (bridge/work).
// The polls and the sweep run on the leader alone (scheduler); webhooks and
// change events are taken wherever they arrive. The sweep also retires
// long-closed cases and removes their mirrors when they are due.
type Triggers struct {
	care     Care
	sf       Salesforce
	store    triggerStore
	queue    Enqueuer
	notes    NotesTarget
	ids      *identityCache
	fit      *fitter
	pause    quotaPause
	log      *slog.Logger
	m        *Metrics
	now      func() time.Time
	maxIDLen int
	pushed   *PushedChanges
	self     func(ctx context.Context) (string, error)

	retireAfter, keepRetired, mirrorsAfter time.Duration
}

// Cursor names in the store.
const (
	cursorCare          = "care:cases"
	cursorSalesforce    = "salesforce:cases"
	cursorSalesforceNts = "salesforce:notes"
)

// PollCare enqueues every escalated Care case changed since the last poll.
// The cursor is persisted after the cases are enqueued, so a restart resumes
// where the last run stopped and nothing is skipped.
func (tr *Triggers) PollCare(ctx context.Context) error {
	cursor, err := readCursor(ctx, tr.store, cursorCare)
	if err != nil {
		return fmt.Errorf("read Care cursor: %w", err)
	}
	if cursor == "" {
		cursor = care.CursorAt(tr.now().Add(-careFirstPoll))
	}
	for {
		ch, err := tr.care.ChangedCases(ctx, cursor)
		synced, serr := tr.syncedAsListed(ctx, ch.Cases)
		if serr != nil {
			return serr
		}
		changes := make([]careChange, 0, len(ch.Cases))
		for _, c := range ch.Cases {
			if ierr := checkCareID(tr.maxIDLen, c.ID); ierr != nil {
				tr.m.refusedIDs.Inc()
				tr.log.Error("Care case refused: it cannot be synced", "care_case", c.ID, "err", ierr)
				continue
			}
			if synced[c.ID] {
				continue // a reconcile synced the case as listed (a webhook came first)
			}
			changes = append(changes, careChange{careID: c.ID, part: care.PartCase, at: c.UpdatedAt})
		}
		if aerr := enqueueChanges(ctx, tr.queue, changes); aerr != nil {
			return fmt.Errorf("enqueue %d Care cases: %w", len(changes), aerr)
		}
		if ch.Cursor != "" && ch.Cursor != cursor {
			cursor = ch.Cursor
			if serr := tr.store.SetCursor(ctx, cursorCare, cursor); serr != nil {
				return fmt.Errorf("store Care cursor: %w", serr)
			}
		}
		if err != nil {
			return fmt.Errorf("poll Care cases: %w", err)
		}
		if !ch.More {
			break
		}
	}
	tr.m.lastPoll.WithLabelValues("care").SetToCurrentTime()
	return nil
}

// SyncedAsOf reports whether a reconcile has already synced the part of
// the Care case an event shows as of at: the case itself, its conversation
// or its notes at that stamp or a later one. A webhook announcing it needs
// no reconcile.
func (tr *Triggers) SyncedAsOf(ctx context.Context, careID string, part care.EventPart, at time.Time) (bool, error) {
	if checkCareID(tr.maxIDLen, careID) != nil {
		return false, nil
	}
	states, err := tr.store.LoadCases(ctx, []string{careID}, false)
	if err != nil {
		return false, fmt.Errorf("read the sync stamps of Care case %s: %w", careID, err)
	}
	st := states[careID]
	if !st.HasBase {
		return false, nil
	}
	switch part {
	case care.PartCase:
		return stampNotBefore(st.Sync[stampCare], at), nil
	case care.PartConversation:
		return stampNotBefore(st.Sync[stampConversation], at), nil
	case care.PartNotes:
		return stampNotBefore(st.Sync[stampNotes], at), nil
	}
	return false, nil
}

// stampNotBefore reports whether a stored stamp is a time at or after at.
func stampNotBefore(stamp string, at time.Time) bool {
	t, err := time.Parse(time.RFC3339Nano, stamp)
	return err == nil && !t.Before(at)
}

// syncedAsListed reports which listed cases a reconcile has already synced
// as Care lists them (its stamps of the case's updated_at, conversation and
// notes are the listing's; updated_at alone may be the answer to the
// bridge's own write, which also covers a note or message written after the
// reconcile read them): the poll does not reconcile them again. One round
// trip for the page.
func (tr *Triggers) syncedAsListed(ctx context.Context, cases []care.Case) (map[string]bool, error) {
	if len(cases) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(cases))
	for _, c := range cases {
		if checkCareID(tr.maxIDLen, c.ID) == nil {
			ids = append(ids, c.ID)
		}
	}
	states, err := tr.store.LoadCases(ctx, ids, false)
	if err != nil {
		return nil, fmt.Errorf("read the sync stamps of %d listed Care cases: %w", len(ids), err)
	}
	out := make(map[string]bool, len(cases))
	for _, c := range cases {
		if st, ok := states[c.ID]; ok && st.HasBase && st.Sync[stampCare] == stampOf(&c.UpdatedAt) &&
			st.Sync[stampConversation] == stampOf(c.ConversationUpdatedAt) && st.Sync[stampNotes] == stampOf(c.NotesUpdatedAt) {
			out[c.ID] = true
		}
	}
	return out, nil
}

// checkCareID refuses a Care case id that does not fit Care_Case_Id__c: no
// Salesforce Case could carry it, and cutting it would merge cases.
func checkCareID(maxLen int, id string) error {
	if n := utf16Len(id); maxLen > 0 && n > maxLen {
		return fmt.Errorf("Care case id %q is %d characters long; Salesforce's %s holds %d, so this case cannot be synced (lengthen the field in Salesforce and in configs/salesforce)",
			id, n, CareIDField, maxLen)
	}
	return nil
}

// careFirstPoll is how far back the very first Care poll looks.
const careFirstPoll = 30 * 24 * time.Hour

// PollSalesforce enqueues the Care cases whose Salesforce Case or notes
// changed since the last poll, and the agents' unfinished actions. While
// pushed changes stream, the Case and action polls run only as a safety net
// (PushedChanges). While the API quota is exhausted it does nothing.
func (tr *Triggers) PollSalesforce(ctx context.Context) error {
	return tr.pollSalesforce(ctx, tr.pushed.fullPollDue(tr.now()))
}

// CatchUpSalesforce runs the Case and action polls now, whatever pushed
// changes cover: when a change stream starts from now (its replay id was
// lost or refused), it fills what the stream did not carry.
func (tr *Triggers) CatchUpSalesforce(ctx context.Context) error {
	return tr.pollSalesforce(ctx, true)
}

func (tr *Triggers) pollSalesforce(ctx context.Context, full bool) error {
	until, err := tr.pause.PausedUntil(ctx)
	if err != nil {
		return fmt.Errorf("read the quota pause: %w", err)
	}
	if !until.IsZero() {
		tr.log.Debug("Salesforce poll skipped: quota pause", "until", until)
		return nil
	}
	var polls []func(context.Context) error
	if full || !tr.pushed.notesPushed() {
		polls = append(polls, tr.pollSalesforceNotes)
	}
	if full {
		polls = append(polls, tr.pollSalesforceCases, tr.pollSalesforceActions)
	}
	for _, poll := range polls {
		if err := poll(ctx); err != nil {
			tr.pause.pauseFor(ctx, err)
			return err
		}
	}
	tr.m.lastPoll.WithLabelValues("salesforce").SetToCurrentTime()
	return nil
}

func (tr *Triggers) pollSalesforceCases(ctx context.Context) error {
	wm, err := readCursor(ctx, tr.store, cursorSalesforce)
	if err != nil {
		return fmt.Errorf("read Salesforce Case watermark: %w", err)
	}
	fields, err := tr.polledCaseFields()
	if err != nil {
		return err
	}
	recs, next, err := tr.sf.Changed(ctx, "Case", append(fields, lastModifiedBy), soql.IsNotNull(CareIDField), wm)
	if err != nil {
		return fmt.Errorf("poll Salesforce Cases: %w", err)
	}
	echoes := tr.caseEchoes(ctx, recs)
	var keys []string
	for _, r := range recs {
		id := str(r[CareIDField])
		if id == "" {
			continue
		}
		if echoes[id] {
			tr.m.echoes.WithLabelValues("Case").Inc()
			continue
		}
		keys = append(keys, work.ForCase(id))
	}
	if len(keys) > 0 {
		if err := tr.queue.Add(ctx, keys...); err != nil {
			return fmt.Errorf("enqueue %d Care cases: %w", len(keys), err)
		}
	}
	return tr.store.SetCursor(ctx, cursorSalesforce, next)
}

func (tr *Triggers) pollSalesforceNotes(ctx context.Context) error {
	wm, err := readCursor(ctx, tr.store, cursorSalesforceNts)
	if err != nil {
		return fmt.Errorf("read Salesforce note watermark: %w", err)
	}
	// Only the notes of Cases that carry a Care id: the org's other notes
	// are never read.
	onCareCases := soql.InSelect(tr.notes.ParentField, soql.Select("Id").From("Case").Where(soql.IsNotNull(CareIDField)))
	recs, next, err := tr.sf.Changed(ctx, tr.notes.Object, []string{tr.notes.ParentField, lastModifiedBy}, onCareCases, wm)
	if err != nil {
		return fmt.Errorf("poll Salesforce %s: %w", tr.notes.Object, err)
	}
	self := tr.selfID(ctx)
	var unlinked []any
	var changed []string
	for _, r := range recs {
		parent := str(r[tr.notes.ParentField])
		careID, ok, err := tr.store.CareCase(ctx, parent)
		if err != nil {
			return fmt.Errorf("find Care case of Case %s: %w", parent, err)
		}
		if !ok {
			unlinked = append(unlinked, parent)
			continue
		}
		if self != "" && str(r[lastModifiedBy]) == self {
			// A note carebridge itself wrote, already linked: nothing new.
			if _, linked, err := tr.store.CareChild(ctx, careID, state.Notes, str(r["Id"])); err == nil && linked {
				tr.m.echoes.WithLabelValues(tr.notes.Object).Inc()
				continue
			}
		}
		changed = append(changed, careID)
	}
	if len(unlinked) > 0 {
		// A note on a Care case not linked now (retired, or its state was
		// lost): the Case itself says which Care case it is.
		cases, err := tr.sf.Query(ctx, soql.Select("Id", CareIDField).From("Case").Where(soql.In("Id", unlinked...)))
		if err != nil {
			return fmt.Errorf("read the Care ids of %d Cases with new notes: %w", len(unlinked), err)
		}
		for _, c := range cases {
			if id := str(c[CareIDField]); id != "" {
				changed = append(changed, id)
			}
		}
	}
	if err := tr.notesChanged(ctx, changed); err != nil {
		return err
	}
	return tr.store.SetCursor(ctx, cursorSalesforceNts, next)
}

// notesChanged has the cases whose notes changed in Salesforce reconciled:
// it counts the change (the hint that has their next reconcile read the
// notes) before it queues them.
func (tr *Triggers) notesChanged(ctx context.Context, careIDs []string) error {
	if len(careIDs) == 0 {
		return nil
	}
	slices.Sort(careIDs)
	careIDs = slices.Compact(careIDs)
	if err := tr.store.AddHint(ctx, hintSFNotes, careIDs...); err != nil {
		return fmt.Errorf("note the Salesforce notes of %d cases as changed: %w", len(careIDs), err)
	}
	keys := make([]string, len(careIDs))
	for i, id := range careIDs {
		keys[i] = work.ForCase(id)
	}
	if err := tr.queue.Add(ctx, keys...); err != nil {
		return fmt.Errorf("enqueue %d Care cases with changed notes: %w", len(keys), err)
	}
	return nil
}

// lastModifiedBy is the field that tells carebridge's own writes from others'.
const lastModifiedBy = "LastModifiedById"

// selfID is the integration user's id, "" when it is not known (then no
// change is taken for carebridge's own).
func (tr *Triggers) selfID(ctx context.Context) string {
	if tr.self == nil {
		return ""
	}
	id, err := tr.self(ctx)
	if err != nil {
		tr.log.Debug("integration user unknown: every change is reconciled", "err", err)
		return ""
	}
	return id
}

// caseEchoes reports, by Care case id, the polled Cases that the
// integration user modified last and that show nothing carebridge did not
// write itself: every mapped field as the base left it. Such a change is
// carebridge's own write coming back through the poll; reconciling it would
// only read both sides again. The stored state of all of them is read in
// one round trip.
func (tr *Triggers) caseEchoes(ctx context.Context, recs []Record) map[string]bool {
	self := tr.selfID(ctx)
	if self == "" {
		return nil
	}
	var ids []string
	for _, r := range recs {
		if id := str(r[CareIDField]); id != "" && str(r[lastModifiedBy]) == self {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	m, err := tr.ids.current(ctx)
	if err != nil {
		return nil
	}
	states, err := tr.store.LoadCases(ctx, ids, false)
	if err != nil {
		tr.log.Warn("could not read the stored state of polled Cases: each is reconciled", "cases", len(ids), "err", err)
		return nil
	}
	echoes := make(map[string]bool, len(ids))
	for _, r := range recs {
		id := str(r[CareIDField])
		if st, ok := states[id]; ok && str(r[lastModifiedBy]) == self && inStep(m, st, r) {
			echoes[id] = true
		}
	}
	return echoes
}

// inStep reports whether a Case shows every mapped field as the case's
// stored base left it (and no reconcile is between its writes).
func inStep(m Mapper, st state.CaseState, rec Record) bool {
	base, seen := baseOf(st)
	if base == nil {
		return false
	}
	if len(st.Pending) > 0 {
		return false // a reconcile is between its writes: let it settle
	}
	sfVals := m.FromSalesforce(rec)
	for _, f := range seenPolicies(m.Policies(), seen) {
		b, ok := base[f.Name]
		if !ok {
			return false
		}
		want := b
		switch {
		case f.SalesforceSeen != nil:
			want = *f.SalesforceSeen
		case f.SalesforceImage != nil:
			want = f.SalesforceImage(b)
		}
		if sfVals[f.Name] != want {
			return false
		}
	}
	return true
}

// polledCaseFields are the Case fields a poll selects: a record edited twice
// within one second keeps its stamp, and only these values tell the poll that
// the second edit happened. The mapping's field list does not depend on the
// identities, so the poll binds none and costs no identity reads.
func (tr *Triggers) polledCaseFields() ([]string, error) {
	src := tr.ids.sourceNow()
	m, err := src(nil, nil)
	if err != nil {
		return nil, upstream.MarkPermanent(fmt.Errorf("bind mapping: %w", err))
	}
	return append([]string{CareIDField}, m.SalesforceFields()...), nil
}

// Sweep retires the cases closed on both sides for longer than
// RetireClosedAfter, removes the mirrored messages of retired cases closed
// for longer than RemoveMirrorsAfter (removeRetiredMirrors), then repairs whatever a lost trigger left behind: it
// reads every escalated Care case in pages and every linked Salesforce Case
// in query pages, and enqueues only the linked cases that drifted from
// their base on either side (or that Care no longer lists). It costs
// ceil(cases/page size) Care calls and ceil(Cases/2000) Salesforce query
// pages, plus the reconciles of what drifted, instead of three Care calls
// and a reconcile per linked case. A retired case that reopens on either
// side comes back through the polls and webhooks: its Case is found by its
// Care id and merged against its kept base.
func (tr *Triggers) Sweep(ctx context.Context) error {
	if err := tr.retireClosed(ctx); err != nil {
		return err
	}
	if err := tr.removeRetiredMirrors(ctx); err != nil {
		return err
	}
	tr.ids.invalidate() // the sweep also picks up new agents and users
	ids, err := allLinkedCases(ctx, tr.store)
	if err != nil {
		return fmt.Errorf("list linked cases: %w", err)
	}
	linked := make(map[string]bool, len(ids))
	for _, id := range ids {
		linked[id] = true
	}
	m, err := tr.ids.current(ctx)
	if err != nil {
		return err
	}
	drifted := map[string]bool{}
	listed := make(map[string]bool, len(ids))
	cursor := ""
	for {
		ch, err := tr.care.ChangedCases(ctx, cursor)
		var page []string
		for _, c := range ch.Cases {
			if linked[c.ID] {
				listed[c.ID] = true
				page = append(page, c.ID)
			}
		}
		states, serr := tr.storedStates(ctx, page)
		if serr != nil {
			return fmt.Errorf("sweep: %w", serr)
		}
		for _, c := range ch.Cases {
			if st, ok := states[c.ID]; ok && !drifted[c.ID] && tr.careDrifted(ctx, m, c, st) {
				drifted[c.ID] = true
			}
		}
		if err != nil {
			return fmt.Errorf("sweep: list Care cases: %w", err)
		}
		cursor = ch.Cursor
		if !ch.More {
			break
		}
	}
	for id := range linked {
		if !listed[id] {
			drifted[id] = true // deleted in Care, or not escalated any more
		}
	}
	// A case whose last run failed runs again even when nothing drifted:
	// its failure may have come after its base was stored (a note or a
	// message Salesforce refused).
	if f, ok := tr.queue.(failingLister); ok {
		keys, err := f.FailingKeys(ctx)
		if err != nil {
			return fmt.Errorf("sweep: list failing keys: %w", err)
		}
		for _, k := range keys {
			if id, ok := work.CaseID(k); ok && linked[id] {
				drifted[id] = true
			}
		}
	}
	fields, err := tr.polledCaseFields()
	if err != nil {
		return err
	}
	recs, err := tr.sf.Query(ctx, soql.Select(append([]string{"Id"}, fields...)...).From("Case").Where(soql.IsNotNull(CareIDField)))
	if err != nil {
		return fmt.Errorf("sweep: read linked Cases: %w", err)
	}
	var check []string
	held := make(map[string]bool, len(recs))
	for _, r := range recs {
		id := str(r[CareIDField])
		held[id] = true
		if linked[id] && !drifted[id] {
			check = append(check, id)
		}
	}
	for id := range linked {
		if !held[id] {
			drifted[id] = true // its Case was deleted, or its Care id changed
		}
	}
	states, err := tr.storedStates(ctx, check)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	for _, r := range recs {
		id := str(r[CareIDField])
		if st, ok := states[id]; ok && !drifted[id] && !inStep(m, st, r) {
			drifted[id] = true
		}
	}
	keys := make([]string, 0, len(drifted))
	for id := range drifted {
		keys = append(keys, work.ForCase(id))
	}
	slices.Sort(keys)
	const page = 1000
	for start := 0; start < len(keys); start += page {
		chunk := keys[start:min(start+page, len(keys))]
		if err := tr.queue.Add(ctx, chunk...); err != nil {
			return fmt.Errorf("enqueue %d drifted cases: %w", len(chunk), err)
		}
	}
	tr.m.swept.WithLabelValues("drifted").Add(float64(len(keys)))
	tr.m.swept.WithLabelValues("in_step").Add(float64(len(ids) - len(keys)))
	tr.log.Info("sweep done", "linked", len(ids), "drifted", len(keys))
	return nil
}

// failingLister is a queue that lists the keys whose last run failed.
type failingLister interface {
	FailingKeys(ctx context.Context) ([]string, error)
}

// storedStates reads the stored state (no mirrors) of many cases, a page
// of them per round trip.
func (tr *Triggers) storedStates(ctx context.Context, careIDs []string) (map[string]state.CaseState, error) {
	const page = 1000
	out := make(map[string]state.CaseState, len(careIDs))
	for start := 0; start < len(careIDs); start += page {
		got, err := tr.store.LoadCases(ctx, careIDs[start:min(start+page, len(careIDs))], false)
		if err != nil {
			return nil, fmt.Errorf("read the stored state of %d cases: %w", len(careIDs), err)
		}
		maps.Copy(out, got)
	}
	return out, nil
}

// careDrifted reports whether a linked Care case differs from its stored
// base st: it changed after the last sync, or a mapped value is not the
// base's.
func (tr *Triggers) careDrifted(ctx context.Context, m Mapper, c care.Case, st state.CaseState) bool {
	b := st.Base
	stamp, stamped := st.Sync[stampCare]
	switch {
	case !st.HasBase:
		return true
	case stamped && stamp != stampOf(&c.UpdatedAt):
		// The last reconcile's stamp says exactly which Care change it
		// synced: any later change (a message, a note) is drift, whatever
		// the clocks say.
		return true
	case !stamped && c.UpdatedAt.Truncate(time.Millisecond).After(b.SyncedAt): // the base keeps milliseconds
		return true
	}
	base, _ := splitSeen(b.Fields)
	careVals, _ := tr.fit.careValues(ctx, m, m.FromCare(c))
	for _, f := range m.Policies() {
		want := base[f.Name]
		if f.CareImage != nil {
			want = f.CareImage(want)
		}
		if careVals[f.Name] != want {
			return true
		}
	}
	return false
}

// retireClosed retires every case closed on both sides since before the
// retention cutoff, recording each in the audit with the values both sides
// last agreed on.
func (tr *Triggers) retireClosed(ctx context.Context) error {
	cutoff := tr.now().Add(-tr.retireAfter)
	const page = 1000
	for {
		ids, err := tr.store.ClosedBefore(ctx, cutoff, page)
		if err != nil {
			return fmt.Errorf("list cases to retire: %w", err)
		}
		for _, id := range ids {
			base, retired, err := retire(ctx, tr.store, id, cutoff, tr.keepRetired)
			if err != nil {
				return fmt.Errorf("retire Care case %s: %w", id, err)
			}
			if !retired {
				continue // reopened meanwhile
			}
			tr.m.retired.Inc()
			if err := writeAudit(ctx, tr.store, state.AuditEntry{Case: id, Resolution: "retired", To: formatBase(base), Time: tr.now()}); err != nil {
				tr.log.Warn("audit write failed", "care_case", id, "err", err)
			}
		}
		if len(ids) < page {
			return nil
		}
	}
}

// formatBase renders a base snapshot for the audit: field=value pairs in
// field order.
func formatBase(base map[string]string) string {
	fields := slices.Sorted(maps.Keys(base))
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = fmt.Sprintf("%s=%q", f, base[f])
	}
	return strings.Join(parts, " ")
}
