package bridge

import (
	"context"
	"errors"
	"time"

	"github.com/carebridge/carebridge/bridge/merge"
	"github.com/carebridge/carebridge/bridge/state"
)

// The engine's view of a few stored values, in merge's terms.

// pendingIntents reads what a reconcile recorded before its writes.
func (e *Engine) pendingIntents(ctx context.Context, careID string) (map[string]merge.Intent, error) {
	raw, err := e.store.PendingWrites(ctx, careID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]merge.Intent, len(raw))
	for f, w := range raw {
		out[f] = merge.Intent{Value: w.Value, Written: merge.Side(w.Side)}
	}
	return out, nil
}

// savePendingIntents records writes about to be made.
func (e *Engine) savePendingIntents(ctx context.Context, careID string, writes map[string]merge.Intent) error {
	raw := make(map[string]state.PendingWrite, len(writes))
	for f, w := range writes {
		raw[f] = state.PendingWrite{Value: w.Value, Side: string(w.Written)}
	}
	return e.store.SavePendingWrites(ctx, careID, raw)
}

// baseOf is the merge base of a case; nil when it has none.
func (e *Engine) baseOf(ctx context.Context, careID string) (map[string]string, error) {
	b, ok, err := e.store.LoadBase(ctx, careID)
	if err != nil || !ok {
		return nil, err
	}
	return b.Fields, nil
}

// allLinkedCases lists every linked Care case id.
func (e *Engine) allLinkedCases(ctx context.Context) ([]string, error) {
	var all []string
	var cursor uint64
	for {
		ids, next, err := e.store.LinkedCases(ctx, cursor, 1000)
		if err != nil {
			return nil, err
		}
		all = append(all, ids...)
		if next == 0 {
			return all, nil
		}
		cursor = next
	}
}

// retire retires a case closed since before cutoff and returns its kept
// base; retired is false when the case reopened meanwhile.
func (e *Engine) retire(ctx context.Context, careID string, cutoff time.Time) (base map[string]string, retired bool, err error) {
	b, err := e.store.RetireCase(ctx, careID, cutoff, e.keepRetired)
	if errors.Is(err, state.ErrReopened) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b.Fields, true, nil
}

// cursor reads a poll's position ("" when it has none).
func (e *Engine) cursor(ctx context.Context, name string) (string, error) {
	c, _, err := e.store.Cursor(ctx, name)
	return c, err
}

// writeAudit records one applied change, conflict or retirement.
func (e *Engine) writeAudit(ctx context.Context, a state.AuditEntry) error {
	_, err := e.store.Audit(ctx, a)
	return err
}
