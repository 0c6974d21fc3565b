package bridge

import (
	"context"
	"fmt"
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

// Cursor names in the store.
const (
	cursorCare          = "care:cases"
	cursorSalesforce    = "salesforce:cases"
	cursorSalesforceNts = "salesforce:notes"
)

// PollCare enqueues every escalated Care case changed since the last poll.
// The cursor is persisted after the cases are enqueued, so a restart resumes
// where the last run stopped and nothing is skipped.
func (e *Engine) PollCare(ctx context.Context) error {
	cursor, err := e.cursor(ctx, cursorCare)
	if err != nil {
		return fmt.Errorf("read Care cursor: %w", err)
	}
	if cursor == "" {
		cursor = care.CursorAt(e.now().Add(-careFirstPoll))
	}
	for {
		ch, err := e.care.ChangedCases(ctx, cursor)
		synced, serr := e.syncedAsListed(ctx, ch.Cases)
		if serr != nil {
			return serr
		}
		changes := make([]careChange, 0, len(ch.Cases))
		for _, c := range ch.Cases {
			if ierr := e.checkCareID(c.ID); ierr != nil {
				e.m.refusedIDs.Inc()
				e.log.Error("Care case refused: it cannot be synced", "care_case", c.ID, "err", ierr)
				continue
			}
			if synced[c.ID] {
				continue // a reconcile synced the case as listed (a webhook came first)
			}
			changes = append(changes, careChange{careID: c.ID, part: care.PartCase, at: c.UpdatedAt})
		}
		if aerr := e.enqueueChanges(ctx, changes); aerr != nil {
			return fmt.Errorf("enqueue %d Care cases: %w", len(changes), aerr)
		}
		if ch.Cursor != "" && ch.Cursor != cursor {
			cursor = ch.Cursor
			if serr := e.store.SetCursor(ctx, cursorCare, cursor); serr != nil {
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
	e.m.lastPoll.WithLabelValues("care").SetToCurrentTime()
	return nil
}

// SyncedAsOf reports whether a reconcile has already synced the part of
// the Care case an event shows as of at: the case itself, its conversation
// or its notes at that stamp or a later one. A webhook announcing it needs
// no reconcile.
func (e *Engine) SyncedAsOf(ctx context.Context, careID string, part care.EventPart, at time.Time) (bool, error) {
	if e.checkCareID(careID) != nil {
		return false, nil
	}
	states, err := e.store.LoadCases(ctx, []string{careID}, false)
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
// as Care lists them (its stamp of the case's updated_at is the listing's):
// the poll does not reconcile them again. One round trip for the page.
func (e *Engine) syncedAsListed(ctx context.Context, cases []care.Case) (map[string]bool, error) {
	if len(cases) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(cases))
	for _, c := range cases {
		if e.checkCareID(c.ID) == nil {
			ids = append(ids, c.ID)
		}
	}
	states, err := e.store.LoadCases(ctx, ids, false)
	if err != nil {
		return nil, fmt.Errorf("read the sync stamps of %d listed Care cases: %w", len(ids), err)
	}
	out := make(map[string]bool, len(cases))
	for _, c := range cases {
		if st, ok := states[c.ID]; ok && st.HasBase && st.Sync[stampCare] == stampOf(&c.UpdatedAt) {
			out[c.ID] = true
		}
	}
	return out, nil
}

// checkCareID refuses a Care case id that does not fit Care_Case_Id__c: no
// Salesforce Case could carry it, and cutting it would merge cases.
func (e *Engine) checkCareID(id string) error {
	if n := utf16Len(id); e.maxIDLen > 0 && n > e.maxIDLen {
		return fmt.Errorf("Care case id %q is %d characters long; Salesforce's %s holds %d, so this case cannot be synced (lengthen the field in Salesforce and in configs/salesforce)",
			id, n, CareIDField, e.maxIDLen)
	}
	return nil
}

// careFirstPoll is how far back the very first Care poll looks.
const careFirstPoll = 30 * 24 * time.Hour

// PollSalesforce enqueues the Care cases whose Salesforce Case or notes
// changed since the last poll, and the agents' unfinished actions. While
// pushed changes stream, the Case and action polls run only as a safety net
// (PushedChanges). While the API quota is exhausted it does nothing.
func (e *Engine) PollSalesforce(ctx context.Context) error {
	return e.pollSalesforce(ctx, e.pushed.fullPollDue(e.now()))
}

// CatchUpSalesforce runs the Case and action polls now, whatever pushed
// changes cover: when a change stream starts from now (its replay id was
// lost or refused), it fills what the stream did not carry.
func (e *Engine) CatchUpSalesforce(ctx context.Context) error {
	return e.pollSalesforce(ctx, true)
}

func (e *Engine) pollSalesforce(ctx context.Context, full bool) error {
	until, err := e.PausedUntil(ctx)
	if err != nil {
		return fmt.Errorf("read the quota pause: %w", err)
	}
	if !until.IsZero() {
		e.log.Debug("Salesforce poll skipped: quota pause", "until", until)
		return nil
	}
	var polls []func(context.Context) error
	if full || !e.pushed.notesPushed() {
		polls = append(polls, e.pollSalesforceNotes)
	}
	if full {
		polls = append(polls, e.pollSalesforceCases, e.pollSalesforceActions)
	}
	for _, poll := range polls {
		if err := poll(ctx); err != nil {
			e.pauseForQuota(ctx, err)
			return err
		}
	}
	e.m.lastPoll.WithLabelValues("salesforce").SetToCurrentTime()
	return nil
}

func (e *Engine) pollSalesforceCases(ctx context.Context) error {
	wm, err := e.cursor(ctx, cursorSalesforce)
	if err != nil {
		return fmt.Errorf("read Salesforce Case watermark: %w", err)
	}
	fields, err := e.polledCaseFields()
	if err != nil {
		return err
	}
	recs, next, err := e.sf.Changed(ctx, "Case", append(fields, lastModifiedBy), soql.IsNotNull(CareIDField), wm)
	if err != nil {
		return fmt.Errorf("poll Salesforce Cases: %w", err)
	}
	echoes := e.caseEchoes(ctx, recs)
	var keys []string
	for _, r := range recs {
		id := str(r[CareIDField])
		if id == "" {
			continue
		}
		if echoes[id] {
			e.m.echoes.WithLabelValues("Case").Inc()
			continue
		}
		keys = append(keys, work.ForCase(id))
	}
	if len(keys) > 0 {
		if err := e.queue.Add(ctx, keys...); err != nil {
			return fmt.Errorf("enqueue %d Care cases: %w", len(keys), err)
		}
	}
	return e.store.SetCursor(ctx, cursorSalesforce, next)
}

func (e *Engine) pollSalesforceNotes(ctx context.Context) error {
	wm, err := e.cursor(ctx, cursorSalesforceNts)
	if err != nil {
		return fmt.Errorf("read Salesforce note watermark: %w", err)
	}
	// Only the notes of Cases that carry a Care id: the org's other notes
	// are never read.
	onCareCases := soql.InSelect(e.notes.ParentField, soql.Select("Id").From("Case").Where(soql.IsNotNull(CareIDField)))
	recs, next, err := e.sf.Changed(ctx, e.notes.Object, []string{e.notes.ParentField, lastModifiedBy}, onCareCases, wm)
	if err != nil {
		return fmt.Errorf("poll Salesforce %s: %w", e.notes.Object, err)
	}
	self := e.selfID(ctx)
	var unlinked []any
	var changed []string
	for _, r := range recs {
		parent := str(r[e.notes.ParentField])
		careID, ok, err := e.store.CareCase(ctx, parent)
		if err != nil {
			return fmt.Errorf("find Care case of Case %s: %w", parent, err)
		}
		if !ok {
			unlinked = append(unlinked, parent)
			continue
		}
		if self != "" && str(r[lastModifiedBy]) == self {
			// A note carebridge itself wrote, already linked: nothing new.
			if _, linked, err := e.store.CareChild(ctx, careID, state.Notes, str(r["Id"])); err == nil && linked {
				e.m.echoes.WithLabelValues(e.notes.Object).Inc()
				continue
			}
		}
		changed = append(changed, careID)
	}
	if len(unlinked) > 0 {
		// A note on a Care case not linked now (retired, or its state was
		// lost): the Case itself says which Care case it is.
		cases, err := e.sf.Query(ctx, soql.Select("Id", CareIDField).From("Case").Where(soql.In("Id", unlinked...)))
		if err != nil {
			return fmt.Errorf("read the Care ids of %d Cases with new notes: %w", len(unlinked), err)
		}
		for _, c := range cases {
			if id := str(c[CareIDField]); id != "" {
				changed = append(changed, id)
			}
		}
	}
	if err := e.notesChanged(ctx, changed); err != nil {
		return err
	}
	return e.store.SetCursor(ctx, cursorSalesforceNts, next)
}

// notesChanged has the cases whose notes changed in Salesforce reconciled:
// it counts the change (the hint that has their next reconcile read the
// notes) before it queues them.
func (e *Engine) notesChanged(ctx context.Context, careIDs []string) error {
	if len(careIDs) == 0 {
		return nil
	}
	slices.Sort(careIDs)
	careIDs = slices.Compact(careIDs)
	if err := e.store.AddHint(ctx, hintSFNotes, careIDs...); err != nil {
		return fmt.Errorf("note the Salesforce notes of %d cases as changed: %w", len(careIDs), err)
	}
	keys := make([]string, len(careIDs))
	for i, id := range careIDs {
		keys[i] = work.ForCase(id)
	}
	if err := e.queue.Add(ctx, keys...); err != nil {
		return fmt.Errorf("enqueue %d Care cases with changed notes: %w", len(keys), err)
	}
	return nil
}

// lastModifiedBy is the field that tells carebridge's own writes from others'.
const lastModifiedBy = "LastModifiedById"

// selfID is the integration user's id, "" when it is not known (then no
// change is taken for carebridge's own).
func (e *Engine) selfID(ctx context.Context) string {
	if e.self == nil {
		return ""
	}
	id, err := e.self(ctx)
	if err != nil {
		e.log.Debug("integration user unknown: every change is reconciled", "err", err)
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
func (e *Engine) caseEchoes(ctx context.Context, recs []Record) map[string]bool {
	self := e.selfID(ctx)
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
	m, err := e.ids.current(ctx)
	if err != nil {
		return nil
	}
	states, err := e.store.LoadCases(ctx, ids, false)
	if err != nil {
		e.log.Warn("could not read the stored state of polled Cases: each is reconciled", "cases", len(ids), "err", err)
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
func (e *Engine) polledCaseFields() ([]string, error) {
	src := e.ids.sourceNow()
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
func (e *Engine) Sweep(ctx context.Context) error {
	if err := e.retireClosed(ctx); err != nil {
		return err
	}
	if err := e.removeRetiredMirrors(ctx); err != nil {
		return err
	}
	e.InvalidateIdentities() // the sweep also picks up new agents and users
	ids, err := e.allLinkedCases(ctx)
	if err != nil {
		return fmt.Errorf("list linked cases: %w", err)
	}
	linked := make(map[string]bool, len(ids))
	for _, id := range ids {
		linked[id] = true
	}
	m, err := e.ids.current(ctx)
	if err != nil {
		return err
	}
	drifted := map[string]bool{}
	listed := make(map[string]bool, len(ids))
	cursor := ""
	for {
		ch, err := e.care.ChangedCases(ctx, cursor)
		var page []string
		for _, c := range ch.Cases {
			if linked[c.ID] {
				listed[c.ID] = true
				page = append(page, c.ID)
			}
		}
		states, serr := e.storedStates(ctx, page)
		if serr != nil {
			return fmt.Errorf("sweep: %w", serr)
		}
		for _, c := range ch.Cases {
			if st, ok := states[c.ID]; ok && !drifted[c.ID] && e.careDrifted(ctx, m, c, st) {
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
	if f, ok := e.queue.(failingLister); ok {
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
	fields, err := e.polledCaseFields()
	if err != nil {
		return err
	}
	recs, err := e.sf.Query(ctx, soql.Select(append([]string{"Id"}, fields...)...).From("Case").Where(soql.IsNotNull(CareIDField)))
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
	states, err := e.storedStates(ctx, check)
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
		if err := e.queue.Add(ctx, chunk...); err != nil {
			return fmt.Errorf("enqueue %d drifted cases: %w", len(chunk), err)
		}
	}
	e.m.swept.WithLabelValues("drifted").Add(float64(len(keys)))
	e.m.swept.WithLabelValues("in_step").Add(float64(len(ids) - len(keys)))
	e.log.Info("sweep done", "linked", len(ids), "drifted", len(keys))
	return nil
}

// failingLister is a queue that lists the keys whose last run failed.
type failingLister interface {
	FailingKeys(ctx context.Context) ([]string, error)
}

// storedStates reads the stored state (no mirrors) of many cases, a page
// of them per round trip.
func (e *Engine) storedStates(ctx context.Context, careIDs []string) (map[string]state.CaseState, error) {
	const page = 1000
	out := make(map[string]state.CaseState, len(careIDs))
	for start := 0; start < len(careIDs); start += page {
		got, err := e.store.LoadCases(ctx, careIDs[start:min(start+page, len(careIDs))], false)
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
func (e *Engine) careDrifted(ctx context.Context, m Mapper, c care.Case, st state.CaseState) bool {
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
	careVals, _ := e.fit.careValues(ctx, m, m.FromCare(c))
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
func (e *Engine) retireClosed(ctx context.Context) error {
	cutoff := e.now().Add(-e.retireAfter)
	const page = 1000
	for {
		ids, err := e.store.ClosedBefore(ctx, cutoff, page)
		if err != nil {
			return fmt.Errorf("list cases to retire: %w", err)
		}
		for _, id := range ids {
			base, retired, err := e.retire(ctx, id, cutoff)
			if err != nil {
				return fmt.Errorf("retire Care case %s: %w", id, err)
			}
			if !retired {
				continue // reopened meanwhile
			}
			e.m.retired.Inc()
			if err := e.writeAudit(ctx, state.AuditEntry{Case: id, Resolution: "retired", To: formatBase(base), Time: e.now()}); err != nil {
				e.log.Warn("audit write failed", "care_case", id, "err", err)
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
