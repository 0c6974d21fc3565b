package bridge

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

// Change is one record change Salesforce pushed (a Change Data Capture
// event), in the engine's terms.
type Change struct {
	Object string // Case, Care_Action__c, the notes object (Task)
	// Type is CREATE, UPDATE, DELETE or UNDELETE; a gap event (GAP_CREATE,
	// GAP_UPDATE, ...: Salesforce could not send the change itself) or an
	// overflow (GAP_OVERFLOW: a transaction too large, no record named).
	Type string
	// RecordIDs are the records of the change: usually one, several for a
	// change Salesforce merged, none for an overflow, or a wildcard (the
	// object's key prefix and '*', after a field type conversion) standing
	// for every record of the object.
	RecordIDs []string
	// Ours says carebridge's own API calls made it (the event's
	// changeOrigin names carebridge's client id). The org's automation that
	// ran in carebridge's transaction (a flow, a trigger, an assignment
	// rule) is in it too: it is an echo only if it shows nothing but what
	// carebridge wrote.
	Ours bool
	// ChangedFields and NulledFields name the fields an UPDATE changed (and
	// set to null); Fields holds the values the event carries (nil when
	// they were not decoded).
	ChangedFields []string
	NulledFields  []string
	Fields        map[string]any
}

// Change types of Change Data Capture events the engine treats apart.
const (
	changeDelete   = "DELETE"
	changeUpdate   = "UPDATE"
	changeOverflow = "GAP_OVERFLOW"
	gapPrefix      = "GAP_"
)

// ownWriteLog remembers briefly what carebridge wrote to each Salesforce
// record (*state.Store and memstate implement it).
type ownWriteLog interface {
	// NoteWrites records the fields about to be written to records of
	// object (record id -> field -> value as sent).
	NoteWrites(ctx context.Context, object string, writes map[string]map[string]any) error
	// RecentWrites returns the writes noted lately for each record, newest
	// first.
	RecentWrites(ctx context.Context, object string, ids []string) (map[string][]map[string]any, error)
}

// HandleChanges enqueues the keys that pushed changes concern, and returns
// once they are durably enqueued (the caller then stores its replay id):
// a Case's key by its link, an agent's action by its id, a note's by its
// Case (read in one query for the batch). A Case with no link yet (just
// created, its link not stored yet) is read for its Care case id, in one
// query for the batch; one without is not carebridge's. A gap event is
// handled as its change (GAP_UPDATE as UPDATE): the reconcile reads the
// records anyway.
//
// carebridge's own writes cost nothing: they are counted as echoes and
// dropped. An update of a Case in carebridge's own transaction is an echo
// only when its changed fields and values are those of one of carebridge's
// recent writes to it (NoteWrites): the org's automation editing another
// field, or the same one otherwise, is reconciled.
//
// catchUp reports changes that name no record the engine can read: an
// overflow (GAP_OVERFLOW), a wildcard (500*) or an id that is none. The
// caller then runs CatchUpSalesforce (the Case and action polls), retrying
// until it succeeds; such a change never fails the handler, which would
// hold the stream on it until it left the retention window.
func (tr *Triggers) HandleChanges(ctx context.Context, changes []Change) (catchUp bool, err error) {
	var keys []string
	var unlinked, notes []any
	var own []Change // carebridge's own Case updates, echoes or not
	var todo []Change
	for _, c := range changes {
		if c.Type == changeOverflow {
			catchUp = true
			continue
		}
		ids := slices.DeleteFunc(slices.Clone(c.RecordIDs), func(id string) bool { return !recordID(id) })
		if len(ids) < len(c.RecordIDs) {
			// A wildcard stands for every record of the object; an id that
			// is none cannot be read: the polls find what changed.
			tr.log.Info("change event names records by wildcard or no readable id: catching up with the polls",
				"object", c.Object, "type", c.Type, "record_ids", c.RecordIDs)
			catchUp = true
		}
		c.RecordIDs = ids
		if len(ids) == 0 {
			continue
		}
		if c.Ours && !strings.HasPrefix(c.Type, gapPrefix) {
			if c.Object == "Case" && c.Type == changeUpdate {
				own = append(own, c)
				continue
			}
			tr.m.echoes.WithLabelValues(c.Object).Inc()
			continue
		}
		todo = append(todo, c)
	}
	if len(own) > 0 {
		todo = append(todo, tr.notEchoes(ctx, own)...)
	}
	for _, c := range todo {
		if strings.TrimPrefix(c.Type, gapPrefix) == changeDelete {
			// The sweep sees a deleted Case through its link; a deleted
			// action has nothing to send; a deleted note's parent cannot
			// be read.
			continue
		}
		switch c.Object {
		case "Case":
			for _, id := range c.RecordIDs {
				careID, ok, err := tr.store.CareCase(ctx, id)
				if err != nil {
					return catchUp, fmt.Errorf("find Care case of changed Case %s: %w", id, err)
				}
				if ok {
					keys = append(keys, work.ForCase(careID))
				} else {
					unlinked = append(unlinked, id)
				}
			}
		case ActionObject:
			for _, id := range c.RecordIDs {
				keys = append(keys, work.ForAction(id))
			}
		case tr.notes.Object:
			for _, id := range c.RecordIDs {
				notes = append(notes, id)
			}
		}
	}
	if len(notes) > 0 {
		recs, err := tr.sf.Query(ctx, soql.Select("Id", tr.notes.ParentField).From(tr.notes.Object).Where(soql.In("Id", notes...)))
		if err != nil {
			return catchUp, fmt.Errorf("read the Cases of %d changed %s records: %w", len(notes), tr.notes.Object, err)
		}
		var noted []string
		for _, r := range recs {
			parent := str(r[tr.notes.ParentField])
			careID, ok, err := tr.store.CareCase(ctx, parent)
			if err != nil {
				return catchUp, fmt.Errorf("find Care case of Case %s: %w", parent, err)
			}
			if ok {
				noted = append(noted, careID)
			}
		}
		if err := tr.notesChanged(ctx, noted); err != nil {
			return catchUp, err
		}
	}
	if len(unlinked) > 0 {
		recs, err := tr.sf.Query(ctx, soql.Select("Id", CareIDField).From("Case").Where(soql.In("Id", unlinked...)))
		if err != nil {
			return catchUp, fmt.Errorf("read Care case ids of %d changed Cases: %w", len(unlinked), err)
		}
		for _, r := range recs {
			if id := str(r[CareIDField]); id != "" {
				keys = append(keys, work.ForCase(id))
			}
		}
	}
	if len(keys) > 0 {
		if err := tr.queue.Add(ctx, keys...); err != nil {
			return catchUp, fmt.Errorf("enqueue %d keys of pushed changes: %w", len(keys), err)
		}
	}
	return catchUp, nil
}

// recordID reports whether id can be a Salesforce record id (15 or 18
// letters and digits), which a query may name.
func recordID(id string) bool {
	if len(id) != 15 && len(id) != 18 {
		return false
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// notEchoes returns carebridge's own Case updates that are not mere echoes
// of its writes, counting the echoes. The recent writes of all their
// records are read in one round trip; when they cannot be read, every
// update is reconciled.
func (tr *Triggers) notEchoes(ctx context.Context, own []Change) []Change {
	log, ok := tr.store.(ownWriteLog)
	if !ok {
		return own
	}
	var ids []string
	for _, c := range own {
		ids = append(ids, c.RecordIDs...)
	}
	writes, err := log.RecentWrites(ctx, "Case", ids)
	if err != nil {
		tr.log.Warn("could not read carebridge's recent Case writes: each of its own changes is reconciled", "cases", len(ids), "err", err)
		return own
	}
	var out []Change
	for _, c := range own {
		echo := true
		for _, id := range c.RecordIDs {
			echo = echo && slices.ContainsFunc(writes[id], func(w map[string]any) bool { return showsOnly(c, w) })
		}
		if echo {
			tr.m.echoes.WithLabelValues(c.Object).Inc()
			continue
		}
		tr.log.Debug("a Case update in carebridge's own transaction shows more than carebridge wrote (the org's automation): reconciled",
			"cases", c.RecordIDs, "changed", c.ChangedFields)
		out = append(out, c)
	}
	return out
}

// savedBySalesforce are the fields Salesforce itself changes when a record
// is saved (the stamps) or a written field implies (a Case's closed state
// follows its Status): they tell nothing about who edited what.
var savedBySalesforce = map[string]bool{
	"LastModifiedDate": true, "LastModifiedById": true, "SystemModstamp": true, "IsClosed": true, "ClosedDate": true,
}

// showsOnly reports whether an update event shows nothing but a write of
// carebridge's: every field it changed (but those Salesforce sets itself)
// was written, to the value the event carries.
func showsOnly(c Change, written map[string]any) bool {
	for _, f := range c.ChangedFields {
		if savedBySalesforce[f] {
			continue
		}
		w, ok := written[f]
		if !ok {
			return false
		}
		if slices.Contains(c.NulledFields, f) {
			if w != nil && w != "" {
				return false
			}
			continue
		}
		got, carried := c.Fields[f]
		if !carried || !sameSalesforceValue(w, got) {
			return false
		}
	}
	return true
}

// sameSalesforceValue compares a value as carebridge wrote it (JSON: a
// string, a number, a bool; a datetime or date as text) with the value a
// change event carries (Avro: a datetime in epoch milliseconds, a date in
// days since the epoch).
func sameSalesforceValue(written, got any) bool {
	switch g := got.(type) {
	case nil:
		return written == nil || written == ""
	case string:
		return written == g
	case bool:
		return written == g
	case float64:
		w, ok := written.(float64)
		return ok && w == g
	case int64: // a datetime, or a long number
		if w, ok := written.(float64); ok {
			return w == float64(g)
		}
		t := parseTime(written)
		return !t.IsZero() && t.Truncate(time.Second).Equal(time.UnixMilli(g).Truncate(time.Second))
	case int32: // a date, or an int number
		if w, ok := written.(float64); ok {
			return w == float64(g)
		}
		s, _ := written.(string)
		d, err := time.Parse("2006-01-02", s)
		return err == nil && d.Unix()/86400 == int64(g)
	}
	return false
}

// noteOwnWrites records what carebridge is about to write to records of
// object, so that their change events are known for echoes (HandleChanges).
// Only while changes are pushed; a failure costs the reconcile of the
// echo, nothing else.
func (e *Engine) noteOwnWrites(ctx context.Context, object string, recs []Record) {
	log, ok := e.store.(ownWriteLog)
	if !ok || e.pushed == nil {
		return
	}
	writes := make(map[string]map[string]any, len(recs))
	for _, r := range recs {
		id := str(r["Id"])
		if id == "" {
			continue
		}
		fields := make(map[string]any, len(r))
		for k, v := range r {
			if k != "Id" && k != "attributes" {
				fields[k] = v
			}
		}
		writes[id] = fields
	}
	if err := log.NoteWrites(ctx, object, writes); err != nil {
		e.log.Warn("could not note carebridge's writes: their change events will be reconciled", "object", object, "records", len(writes), "err", err)
	}
}

// PushedChanges tells the Salesforce poll whether pushed changes cover the
// Case and action polls: while they do, the poll runs those only as a
// safety net every safetyEvery. The notes poll runs as scheduled unless the
// notes object's changes are pushed too (Tasks have change events, Case
// comments have none).
type PushedChanges struct {
	mu          sync.Mutex
	live        func() bool
	safetyEvery time.Duration
	notes       bool
	lastFull    time.Time
}

// NewPushedChanges is live while live() says every subscription streams;
// notes says the notes object's changes are among them.
func NewPushedChanges(live func() bool, safetyEvery time.Duration, notes bool) *PushedChanges {
	return &PushedChanges{live: live, safetyEvery: safetyEvery, notes: notes}
}

// notesPushed reports whether the notes poll may wait for the safety net.
func (p *PushedChanges) notesPushed() bool { return p != nil && p.notes }

// fullPollDue reports whether the Case and action polls run now, and if so
// notes that they did.
func (p *PushedChanges) fullPollDue(now time.Time) bool {
	if p == nil {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live() && now.Sub(p.lastFull) < p.safetyEvery {
		return false
	}
	p.lastFull = now
	return true
}
