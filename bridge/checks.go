package bridge

import (
	"context"
	"fmt"
	"time"

	"github.com/carebridge/carebridge/bridge/queue"
	"github.com/carebridge/carebridge/bridge/work"
	"github.com/carebridge/carebridge/connectors/care"
)

// A change Care reported while a worker was reconciling its case is queued
// as a check (work.Check): it waits in the queue (Enqueuer.AddOr), at no
// cost, until that reconcile is over, then runs and queues the case only
// when the reconcile did not already read the change (SyncedAsOf). A
// webhook that arrives during the reconcile it triggered (Care announces a
// new case and each of its messages one by one; it echoes carebridge's own
// writes) then costs no second reconcile, and a change after the
// reconcile's read is still synced.

// awaiter is a queue that runs a key once the current run of another ends
// (queue.Queue.Await): true when that other key runs now.
type awaiter interface {
	Await(ctx context.Context, key, waiter string) (bool, error)
}

// careChange is a change Care reported: which part of which case, as of
// which stamp (the part's updated_at or created_at).
type careChange struct {
	careID string
	part   care.EventPart
	at     time.Time
}

func (c careChange) checkKey() string { return work.ForCheck(c.careID, c.part, c.at) }

// EnqueueCareEvent queues the case of a Care webhook event that was not in
// step when it arrived. An event that shows which part of the case changed
// as of when, arriving while a worker reconciles the case, is queued as a
// check (work.Check) instead of a second reconcile.
func (tr *Triggers) EnqueueCareEvent(ctx context.Context, ev care.CaseEvent) error {
	if ev.Part == "" || ev.At == nil {
		return tr.queue.Add(ctx, work.ForCase(ev.CaseID))
	}
	return enqueueChanges(ctx, tr.queue, []careChange{{careID: ev.CaseID, part: ev.Part, at: *ev.At}})
}

// enqueueChanges queues the cases of changes Care reported, in one round
// trip: a check of the change in place of each case a worker reconciles
// now.
func enqueueChanges(ctx context.Context, queue Enqueuer, changes []careChange) error {
	if len(changes) == 0 {
		return nil
	}
	keys, checks := make([]string, len(changes)), make([]string, len(changes))
	for i, c := range changes {
		keys[i], checks[i] = work.ForCase(c.careID), c.checkKey()
	}
	return queue.AddOr(ctx, keys, checks)
}

// checkChange runs a check key: it waits for the reconcile of its case to
// end, then queues the case unless that reconcile synced the change.
func (e *Engine) checkChange(ctx context.Context, check work.Key) (queue.Result, error) {
	c := careChange{careID: check.ID, part: check.Part, at: check.At}
	key := work.ForCase(c.careID)
	if aw, ok := e.queue.(awaiter); ok {
		// Another reconcile of the case may have begun since the one the
		// check waited for; the check then waits for it too.
		waiting, err := aw.Await(ctx, key, check.String())
		if err != nil {
			return queue.Result{}, fmt.Errorf("check of Care case %s: %w", c.careID, err)
		}
		if waiting {
			return queue.Result{}, nil
		}
	}
	synced, err := e.triggers.SyncedAsOf(ctx, c.careID, c.part, c.at)
	if err != nil {
		return queue.Result{}, err
	}
	if synced {
		e.m.checks.WithLabelValues(outcomeInStep).Inc()
		return queue.Result{}, nil
	}
	e.m.checks.WithLabelValues(checkQueued).Inc()
	if err := e.queue.Add(ctx, key); err != nil {
		return queue.Result{}, fmt.Errorf("queue Care case %s after its check: %w", c.careID, err)
	}
	return queue.Result{}, nil
}

// enqueueAfterAction queues the case of a sent action (careID), so that
// its conversation, status and reply options follow: as a check when Care's
// answer showed the change (shown; zero when it showed none) and a worker
// reconciles the case now.
func enqueueAfterAction(ctx context.Context, queue Enqueuer, careID string, shown careChange) error {
	if shown.at.IsZero() {
		return queue.Add(ctx, work.ForCase(careID))
	}
	shown.careID = careID
	return enqueueChanges(ctx, queue, []careChange{shown})
}
