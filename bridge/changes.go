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
	Object    string   // Case, Care_Action__c
	Type      string   // CREATE, UPDATE, DELETE, UNDELETE
	RecordIDs []string // the records of one transaction
	// Ours says carebridge's own API calls made it (the event's
	// changeOrigin names carebridge's client id): an echo.
	Ours bool
}

// HandleChanges enqueues the keys that pushed changes concern, and returns
// once they are durably enqueued (the caller then stores its replay id):
// a Case's key by its link, an agent's action by its id. carebridge's own
// writes cost nothing: they are counted as echoes and dropped. A Case with
// no link yet (just created, its link not stored yet) is read for its Care
// case id, in one query for the batch; one without is not carebridge's.
func (e *Engine) HandleChanges(ctx context.Context, changes []Change) error {
	var keys []string
	var unlinked []any
	for _, c := range changes {
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
	if len(keys) == 0 {
		return nil
	}
	if err := e.queue.Add(ctx, keys...); err != nil {
		return fmt.Errorf("enqueue %d keys of pushed changes: %w", len(keys), err)
	}
	return nil
}

// PushedChanges tells the Salesforce poll whether pushed changes cover the
// Case and action polls: while they do, the poll runs those only as a
// safety net every safetyEvery; the notes poll runs as scheduled (Case
// comments have no change events).
type PushedChanges struct {
	mu          sync.Mutex
	live        func() bool
	safetyEvery time.Duration
	lastFull    time.Time
}

// NewPushedChanges is live while live() says every subscription streams.
func NewPushedChanges(live func() bool, safetyEvery time.Duration) *PushedChanges {
	return &PushedChanges{live: live, safetyEvery: safetyEvery}
}

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
