package bridge

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/care"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// noteMatchWindow is how far apart the two copies of one note may have been
// created and still be recognised as the same note when the link is lost.
const noteMatchWindow = 15 * time.Minute

// careNoteHeader starts the Salesforce copy of a Care note, so agents see who
// wrote it in Care and the bridge recognises its own copies.
const careNoteHeader = "[Care note by "

// formatCareNote is the Salesforce body of a Care note.
func formatCareNote(n care.Note, author string) string {
	if author == "" {
		author = "a Care user"
	}
	return fmt.Sprintf("%s%s, %s]\n%s", careNoteHeader, author, n.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), n.Text)
}

// queryNotes reads the notes of many Salesforce Cases in one query (batched).
func (cr *caseReconciler) queryNotes(ctx context.Context, sfCaseIDs []string) ([][]Record, error) {
	ids := make([]any, 0, len(sfCaseIDs))
	for _, id := range sfCaseIDs {
		ids = append(ids, id)
	}
	t := cr.notes
	recs, err := cr.sf.Query(ctx, soql.Select("Id", t.ParentField, t.BodyField, "CreatedById", "CreatedDate").
		From(t.Object).Where(soql.In(t.ParentField, ids...)).OrderBy("CreatedDate", "Id"))
	if err != nil {
		return nil, fmt.Errorf("read %s notes: %w", t.Object, err)
	}
	by := map[string][]Record{}
	for _, r := range recs {
		p := str(r[t.ParentField])
		by[p] = append(by[p], r)
	}
	out := make([][]Record, len(sfCaseIDs))
	for i, id := range sfCaseIDs {
		out[i] = by[id]
	}
	return out, nil
}

// syncNotes copies notes both ways between a Care case and its Case, never
// twice: copies are linked in the store, and when a link is missing (state
// lost) a note is matched by text, author and time before anything is created.
// newCase says the Case was created just now, so it has no notes to read. It
// returns when the newest note it copied to Care was created there, which
// Care's notes stamp then shows (zero: none, or Care has a note it did not
// read).
func (cr *caseReconciler) syncNotes(ctx context.Context, m Mapper, c care.Case, sfID string, careNotes []care.Note, newCase bool) (copied time.Time, err error) {
	var sfNotes []Record
	if !newCase {
		if sfNotes, err = cr.readNotes.Do(ctx, sfID); err != nil {
			return copied, fmt.Errorf("read notes of Case %s: %w", sfID, err)
		}
	}
	agents := cr.ids.agentNames()
	body := func(r Record) string { return str(r[cr.notes.BodyField]) }
	sfLinked := map[string]bool{}

	// Care -> Salesforce.
	for _, n := range careNotes {
		if id, ok, err := cr.store.SalesforceChild(ctx, c.ID, state.Notes, n.ID); err != nil {
			return copied, fmt.Errorf("read note link of %s: %w", n.ID, err)
		} else if ok {
			sfLinked[id] = true
			continue
		}
		want := formatCareNote(n, agents[n.AuthorID])
		if match := cr.matchSalesforceNote(m, n, cr.fit.value(ctx, cr.notes.Object, cr.notes.BodyField, want), sfNotes, sfLinked); match != "" {
			if err := cr.store.LinkChild(ctx, c.ID, state.Notes, n.ID, match); err != nil {
				return copied, fmt.Errorf("link note %s: %w", n.ID, err)
			}
			sfLinked[match] = true
			continue
		}
		if !cr.notes.toSalesforce() {
			continue
		}
		rec := Record{cr.notes.ParentField: sfID, cr.notes.BodyField: want}
		for k, v := range cr.notes.Extra {
			rec[k] = v
		}
		// A created note has no external id to make a second create an
		// update: if this run's lease is gone (Redis lost it), another run
		// of the case may be copying the same note now.
		if err := queue.Confirm(ctx); err != nil {
			return copied, fmt.Errorf("copy Care note %s to Case %s: %w", n.ID, sfID, err)
		}
		res, err := cr.createNotes.Do(ctx, rec)
		if err == nil {
			err = res.Err
		}
		if err != nil {
			cr.m.syncOps.WithLabelValues("care_to_salesforce", "note", "failure").Inc()
			return copied, fmt.Errorf("copy Care note %s to Case %s: %w", n.ID, sfID, err)
		}
		if err := cr.store.LinkChild(ctx, c.ID, state.Notes, n.ID, res.ID); err != nil {
			return copied, fmt.Errorf("link note %s: %w", n.ID, err)
		}
		sfLinked[res.ID] = true
		cr.m.syncOps.WithLabelValues("care_to_salesforce", "note", "success").Inc()
		cr.m.lag.WithLabelValues("care_to_salesforce").Observe(cr.now().Sub(n.CreatedAt).Seconds())
	}

	// Salesforce -> Care.
	careLinked := map[string]bool{}
	for _, r := range sfNotes {
		id := str(r["Id"])
		if sfLinked[id] {
			continue
		}
		if cid, ok, err := cr.store.CareChild(ctx, c.ID, state.Notes, id); err != nil {
			return copied, fmt.Errorf("read note link of %s: %w", id, err)
		} else if ok {
			careLinked[cid] = true
			continue
		}
		if strings.HasPrefix(body(r), careNoteHeader) {
			continue // the bridge's copy of a Care note that no longer exists in Care
		}
		author := m.CareAgentFor(str(r["CreatedById"]))
		created := parseTime(r["CreatedDate"])
		if match := matchCareNote(careNotes, careLinked, body(r), author, created); match != "" {
			if err := cr.store.LinkChild(ctx, c.ID, state.Notes, match, id); err != nil {
				return copied, fmt.Errorf("link note %s: %w", id, err)
			}
			careLinked[match] = true
			continue
		}
		if !cr.notes.toCare() {
			continue
		}
		n, err := cr.care.AddNote(ctx, c.ID, care.NoteRequest{Text: body(r), AuthorID: author}, "cb:note:"+id)
		if err != nil {
			cr.m.syncOps.WithLabelValues("salesforce_to_care", "note", "failure").Inc()
			return copied, fmt.Errorf("copy note %s to Care case %s: %w", id, c.ID, err)
		}
		if err := cr.store.LinkChild(ctx, c.ID, state.Notes, n.ID, id); err != nil {
			return copied, fmt.Errorf("link note %s: %w", id, err)
		}
		careLinked[n.ID] = true
		if n.CreatedAt.After(copied) {
			copied = n.CreatedAt
		}
		cr.m.syncOps.WithLabelValues("salesforce_to_care", "note", "success").Inc()
		if !created.IsZero() {
			cr.m.lag.WithLabelValues("salesforce_to_care").Observe(cr.now().Sub(created).Seconds())
		}
	}
	if copied.IsZero() {
		return copied, nil
	}
	return cr.onlyOwnNotesSince(ctx, c.ID, careNotes, careLinked, copied), nil
}

// onlyOwnNotesSince returns copied, the newest note this reconcile wrote to
// Care, when Care's notes are those read before (read) and the ones it
// wrote (own); zero otherwise. Care's notes stamp is its newest note's: a
// note somebody wrote in Care between the read and the copy is older than
// the copy, so the stamp alone cannot show it. The notes are listed again
// to see; a note nobody synced keeps the stamp of the read, so that its
// webhook and the next poll find the case out of step.
func (cr *caseReconciler) onlyOwnNotesSince(ctx context.Context, careID string, read []care.Note, own map[string]bool, copied time.Time) time.Time {
	now, err := cr.care.Notes(ctx, careID)
	if err != nil {
		cr.log.Debug("re-reading Care notes after copying failed; the next reconcile reads them", "care_case", careID, "err", err)
		return time.Time{}
	}
	known := make(map[string]bool, len(read))
	for _, n := range read {
		known[n.ID] = true
	}
	for _, n := range now {
		if !known[n.ID] && !own[n.ID] {
			return time.Time{}
		}
	}
	return copied
}

// matchSalesforceNote finds an unlinked Salesforce note that is a copy of the
// Care note n: the bridge's own copy (the body formatted and cut as written)
// or the original that n was copied from (same text, same author, close in
// time).
func (cr *caseReconciler) matchSalesforceNote(m Mapper, n care.Note, formatted string, sfNotes []Record, linked map[string]bool) string {
	for _, r := range sfNotes {
		id := str(r["Id"])
		if linked[id] {
			continue
		}
		b := str(r[cr.notes.BodyField])
		if b == formatted {
			return id
		}
		if b == n.Text && within(parseTime(r["CreatedDate"]), n.CreatedAt, noteMatchWindow) {
			author := m.CareAgentFor(str(r["CreatedById"]))
			if author == n.AuthorID {
				return id
			}
		}
	}
	return ""
}

func matchCareNote(notes []care.Note, linked map[string]bool, text, author string, created time.Time) string {
	for _, n := range notes {
		if !linked[n.ID] && n.Text == text && n.AuthorID == author && within(n.CreatedAt, created, noteMatchWindow) {
			return n.ID
		}
	}
	return ""
}

func within(a, b time.Time, d time.Duration) bool {
	diff := a.Sub(b)
	return diff <= d && diff >= -d
}

func permanentf(format string, args ...any) error {
	return upstream.MarkPermanent(fmt.Errorf(format, args...))
}
