package bridge

import (
	"context"
	"errors"
	"fmt"

	"github.com/carebridge/carebridge/bridge/state"
	"github.com/carebridge/carebridge/connectors/salesforce/soql"
	"github.com/carebridge/carebridge/connectors/upstream"
)

// removeRetiredMirrors deletes from Salesforce the mirrored messages
// (Care_Message__c) of the retired cases closed for longer than
// RemoveMirrorsAfter; their Cases, notes and agents' actions stay. A page
// of up to 200 cases costs one query for their messages and one sObject
// Collections delete per 200 messages. A case whose messages could not all
// be deleted stays listed for the next sweep; one that reopened meanwhile
// is not removed (its mirror syncs again).
func (tr *Triggers) removeRetiredMirrors(ctx context.Context) error {
	cutoff := tr.now().Add(-tr.mirrorsAfter)
	const page = 200
	for {
		due, err := tr.store.RetiredMirrors(ctx, cutoff, page)
		if err != nil {
			return fmt.Errorf("list retired cases whose mirrored messages are due for removal: %w", err)
		}
		if len(due) == 0 {
			return nil
		}
		done, err := tr.removeMirrors(ctx, due)
		if err != nil {
			return err
		}
		if done == 0 || len(due) < page {
			return nil // what is left waits for the next sweep
		}
	}
}

// removeMirrors deletes the mirrored messages of retired cases and returns
// how many cases are done.
func (tr *Triggers) removeMirrors(ctx context.Context, due []state.RetiredMirror) (int, error) {
	cases := make([]any, 0, len(due))
	for _, d := range due {
		if d.SalesforceID != "" {
			cases = append(cases, d.SalesforceID)
		}
	}
	var recs []Record
	if len(cases) > 0 {
		var err error
		recs, err = tr.sf.Query(ctx, soql.Select("Id", MessageCaseFld).From(MessageObject).Where(soql.In(MessageCaseFld, cases...)))
		if err != nil {
			return 0, fmt.Errorf("read the mirrored messages of %d retired cases: %w", len(cases), err)
		}
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = str(r["Id"])
	}
	count := map[string]int{}
	failed := map[string]error{}
	if len(ids) > 0 {
		res, err := tr.sf.DeleteMany(ctx, ids)
		for i, r := range res {
			c := str(recs[i][MessageCaseFld])
			switch {
			case r.Err == nil:
				count[c]++
			case isDeletedAlready(r.Err):
			default:
				failed[c] = r.Err
			}
		}
		if err != nil && len(failed) == 0 {
			return 0, fmt.Errorf("delete the mirrored messages of %d retired cases: %w", len(cases), err)
		}
	}
	removed, done := 0, 0
	for _, d := range due {
		if err := failed[d.SalesforceID]; err != nil {
			tr.log.Warn("mirrored messages of a retired case not removed; the next sweep tries again", "care_case", d.CareID, "case", d.SalesforceID, "err", err)
			continue
		}
		if err := tr.store.MirrorRemoved(ctx, d.CareID); err != nil {
			return done, err
		}
		done++
		removed += count[d.SalesforceID]
		if err := writeAudit(ctx, tr.store, state.AuditEntry{Case: d.CareID, Side: "salesforce", Resolution: "mirror_removed",
			To: fmt.Sprintf("%d mirrored messages of Case %s deleted (retention.mirrored_messages)", count[d.SalesforceID], d.SalesforceID), Time: tr.now()}); err != nil {
			tr.log.Warn("audit write failed", "care_case", d.CareID, "err", err)
		}
	}
	tr.m.mirrorRemoved.WithLabelValues("retention").Add(float64(removed))
	if removed > 0 {
		tr.log.Info("removed the mirrored messages of retired cases", "cases", done, "messages", removed)
	}
	return done, nil
}

// isDeletedAlready reports whether a delete failed because the record is
// gone already (deleted by someone, or by an earlier try).
func isDeletedAlready(err error) bool {
	var ue *upstream.Error
	return errors.As(err, &ue) && (ue.Code == "ENTITY_IS_DELETED" || ue.Code == "INVALID_CROSS_REFERENCE_KEY")
}
