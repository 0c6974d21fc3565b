package bridge

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/mapping/merge"
)

// The engine's view of a few stored values, in merge's terms.

// caseState reads what the store holds of one case (its message mirror too
// when withMirror).
func (cr *caseReconciler) caseState(ctx context.Context, careID string, withMirror bool) (state.CaseState, error) {
	all, err := cr.store.LoadCases(ctx, []string{careID}, withMirror)
	if err != nil {
		return state.CaseState{}, fmt.Errorf("read the stored state of Care case %s: %w", careID, err)
	}
	return all[careID], nil
}

// intentsOf is what a reconcile recorded before its writes, in merge's
// terms.
func intentsOf(raw map[string]state.PendingWrite) map[string]merge.Intent {
	out := make(map[string]merge.Intent, len(raw))
	for f, w := range raw {
		out[f] = merge.Intent{Value: w.Value, Written: merge.Side(w.Side)}
	}
	return out
}

// savePendingIntents records writes about to be made.
func (cr *caseReconciler) savePendingIntents(ctx context.Context, careID string, writes map[string]merge.Intent) error {
	raw := make(map[string]state.PendingWrite, len(writes))
	for f, w := range writes {
		raw[f] = state.PendingWrite{Value: w.Value, Side: string(w.Written)}
	}
	return cr.store.SavePendingWrites(ctx, careID, raw)
}

// seenPrefix marks the entries of a stored base that say what Salesforce
// showed of a field after that sync, where it differed from the base value
// (an agent without a Salesforce user, a lossy value map).
const seenPrefix = "salesforce_seen:"

// baseOf is the merge base of a case (nil when it has none) and what
// Salesforce showed of its fields where that differed.
func baseOf(st state.CaseState) (base, seen map[string]string) {
	if !st.HasBase {
		return nil, nil
	}
	return splitSeen(st.Base.Fields)
}

// splitSeen separates a stored base into its values and its seen entries.
func splitSeen(stored map[string]string) (base, seen map[string]string) {
	base = make(map[string]string, len(stored))
	for k, v := range stored {
		if f, ok := strings.CutPrefix(k, seenPrefix); ok {
			if seen == nil {
				seen = map[string]string{}
			}
			seen[f] = v
			continue
		}
		base[k] = v
	}
	return base, seen
}

// withSeen is a base to store: the plan's base and, for each field that
// Salesforce shows in step with the base but as a different value (the
// base's image: an agent without a Salesforce user, a lossy value map),
// what it shows. A field out of step (a change held back) records nothing:
// it must still read as changed next time; except a field held back
// without a base (held), whose base is Care's value and whose seen entry is
// what Salesforce shows instead.
func withSeen(plan merge.Plan, sfVals map[string]string, policies []merge.FieldPolicy, held []string) map[string]string {
	out := maps.Clone(plan.Base)
	for _, f := range held {
		out[seenPrefix+f] = sfVals[f]
	}
	for _, f := range policies {
		b, ok := plan.Base[f.Name]
		if !ok || f.SalesforceImage == nil {
			continue
		}
		shown := sfVals[f.Name]
		if w, written := plan.ToSalesforce[f.Name]; written {
			shown = f.SalesforceImage(w)
		}
		if shown != b && shown == f.SalesforceImage(b) {
			out[seenPrefix+f.Name] = shown
		}
	}
	return out
}

// seenPolicies are the policies with what Salesforce showed after the last
// sync.
func seenPolicies(policies []merge.FieldPolicy, seen map[string]string) []merge.FieldPolicy {
	out := slices.Clone(policies)
	for i := range out {
		if v, ok := seen[out[i].Name]; ok {
			out[i].SalesforceSeen = &v
		}
	}
	return out
}

// allLinkedCases lists every linked Care case id.
func allLinkedCases(ctx context.Context, store CaseLinks) ([]string, error) {
	var all []string
	var cursor uint64
	for {
		ids, next, err := store.LinkedCases(ctx, cursor, 1000)
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
func retire(ctx context.Context, store Retention, careID string, cutoff time.Time, keep time.Duration) (base map[string]string, retired bool, err error) {
	b, err := store.RetireCase(ctx, careID, cutoff, keep)
	if errors.Is(err, state.ErrReopened) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	base, _ = splitSeen(b.Fields)
	return base, true, nil
}

// readCursor reads a poll's position ("" when it has none).
func readCursor(ctx context.Context, store Cursors, name string) (string, error) {
	c, _, err := store.Cursor(ctx, name)
	return c, err
}

// writeAudit records one applied change, conflict or retirement.
func writeAudit(ctx context.Context, store Auditor, a state.AuditEntry) error {
	_, err := store.Audit(ctx, a)
	return err
}

// BaseValues are the canonical field values of a stored base (state.Base
// Fields), without what the engine keeps beside them.
func BaseValues(stored map[string]string) map[string]string {
	base, _ := splitSeen(stored)
	return base
}
