package bridge

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

// Change is one record change Salesforce pushed (a Change Data Capture
// event), in the engine's terms.
type Change struct {
	Object    string   // Case, Care_Action__c, the notes object (Task)
	Type      string   // CREATE, UPDATE, DELETE, UNDELETE
	RecordIDs []string // the records of one transaction
	// Ours says carebridge's own API calls made it (the event's
	// changeOrigin names carebridge's client id): an echo.
	Ours bool
}

// HandleChanges enqueues the keys that pushed changes concern, and returns
// once they are durably enqueued (the caller then stores its replay id):
// a Case's key by its link, an agent's action by its id, a note's by its
// Case (read in one query for the batch). carebridge's own writes cost
// nothing: they are counted as echoes and dropped. A Case with no link yet
// (just created, its link not stored yet) is read for its Care case id, in
// one query for the batch; one without is not carebridge's. An overflow
// (GAP_OVERFLOW: Salesforce sent no event per record for a transaction too
// large) runs the Case and action polls instead. Gap events of single
// records (GAP_UPDATE and the like) carry their record ids and enqueue them
// like any change: the reconcile reads the records anyway.
func (e *Engine) HandleChanges(ctx context.Context, changes []Change) error {
	var keys []string
	var unlinked, notes []any
	overflow := false
	for _, c := range changes {
		if c.Type == "GAP_OVERFLOW" {
			// Salesforce dropped the events of a large transaction and names
			// no records: the polls find what changed.
			overflow = true
			continue
		}
		if c.Ours {
			e.m.echoes.WithLabelValues(c.Object).Inc()
			continue
		}
		switch c.Object {
		case "Case":
			if c.Type == "DELETE" {
				continue // the sweep sees a deleted Case through its link
			}
			for _, id := range c.RecordIDs {
				careID, ok, err := e.store.CareCase(ctx, id)
				if err != nil {
					return fmt.Errorf("find Care case of changed Case %s: %w", id, err)
				}
				if ok {
					keys = append(keys, CaseKey(careID))
				} else {
					unlinked = append(unlinked, id)
				}
			}
		case ActionObject:
			if c.Type == "DELETE" {
				continue
			}
			for _, id := range c.RecordIDs {
				keys = append(keys, ActionKey(id))
			}
		case e.notes.Object:
			if c.Type == "DELETE" {
				continue // a deleted note's parent cannot be read
			}
			for _, id := range c.RecordIDs {
				notes = append(notes, id)
			}
		}
	}
	if len(notes) > 0 {
		recs, err := e.sf.Query(ctx, soql.Select("Id", e.notes.ParentField).From(e.notes.Object).Where(soql.In("Id", notes...)))
		if err != nil {
			return fmt.Errorf("read the Cases of %d changed %s records: %w", len(notes), e.notes.Object, err)
		}
		var noted []string
		for _, r := range recs {
			parent := str(r[e.notes.ParentField])
			careID, ok, err := e.store.CareCase(ctx, parent)
			if err != nil {
				return fmt.Errorf("find Care case of Case %s: %w", parent, err)
			}
			if ok {
				noted = append(noted, careID)
			}
		}
		if err := e.notesChanged(ctx, noted); err != nil {
			return err
		}
	}
	if len(unlinked) > 0 {
		recs, err := e.sf.Query(ctx, soql.Select("Id", CareIDField).From("Case").Where(soql.In("Id", unlinked...)))
		if err != nil {
			return fmt.Errorf("read Care case ids of %d changed Cases: %w", len(unlinked), err)
		}
		for _, r := range recs {
			if id := str(r[CareIDField]); id != "" {
				keys = append(keys, CaseKey(id))
			}
		}
	}
	if len(keys) > 0 {
		if err := e.queue.Add(ctx, keys...); err != nil {
			return fmt.Errorf("enqueue %d keys of pushed changes: %w", len(keys), err)
		}
	}
	if overflow {
		if err := e.CatchUpSalesforce(ctx); err != nil {
			return fmt.Errorf("catch up after an overflow of change events: %w", err)
		}
	}
	return nil
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
