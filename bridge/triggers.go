package bridge

import (
	"context"
	"fmt"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

// Cursor names in the store.
const (
	cursorCare          = "care:cases"
	cursorCareSince     = "care:since"
	cursorSalesforce    = "salesforce:cases"
	cursorSalesforceNts = "salesforce:notes"
)

// careFirstPoll is how far back the very first Care poll looks.
const careFirstPoll = 30 * 24 * time.Hour

// PollCare enqueues every escalated Care case changed since the last poll.
// The cursor is persisted after each page, so a restart resumes where the
// last run stopped.
func (e *Engine) PollCare(ctx context.Context) error {
	cursor, err := e.store.Cursor(ctx, cursorCare)
	if err != nil {
		return fmt.Errorf("read Care cursor: %w", err)
	}
	sinceRaw, err := e.store.Cursor(ctx, cursorCareSince)
	if err != nil {
		return fmt.Errorf("read Care cursor: %w", err)
	}
	since := e.now().Add(-careFirstPoll)
	if t, err := time.Parse(time.RFC3339Nano, sinceRaw); err == nil {
		since = t
	}
	for {
		page, err := e.care.ListCases(ctx, since, cursor, 200)
		if err != nil {
			return fmt.Errorf("poll Care cases: %w", err)
		}
		latest := since
		for _, c := range page.Cases {
			if err := e.queue.Add(ctx, CaseKey(c.ID)); err != nil {
				return fmt.Errorf("enqueue Care case %s: %w", c.ID, err)
			}
			if c.UpdatedAt.After(latest) {
				latest = c.UpdatedAt
			}
		}
		if page.NextCursor != "" {
			cursor = page.NextCursor
			if err := e.store.SetCursor(ctx, cursorCare, cursor); err != nil {
				return fmt.Errorf("store Care cursor: %w", err)
			}
		}
		if latest.After(since) {
			since = latest
			if err := e.store.SetCursor(ctx, cursorCareSince, since.Format(time.RFC3339Nano)); err != nil {
				return fmt.Errorf("store Care cursor: %w", err)
			}
		}
		if page.NextCursor == "" || len(page.Cases) == 0 {
			break
		}
	}
	e.m.lastPoll.WithLabelValues("care").SetToCurrentTime()
	return nil
}

// PollSalesforce enqueues the Care cases whose Salesforce Case or notes
// changed since the last poll. While the API quota is exhausted it does nothing.
func (e *Engine) PollSalesforce(ctx context.Context) error {
	if paused, until := e.Paused(); paused {
		e.log.Debug("Salesforce poll skipped: quota pause", "until", until)
		return nil
	}
	if err := e.pollSalesforceCases(ctx); err != nil {
		e.noteQuota(err)
		return err
	}
	if err := e.pollSalesforceNotes(ctx); err != nil {
		e.noteQuota(err)
		return err
	}
	e.m.lastPoll.WithLabelValues("salesforce").SetToCurrentTime()
	return nil
}

func (e *Engine) watermark(ctx context.Context, name string) (time.Time, error) {
	raw, err := e.store.Cursor(ctx, name)
	if err != nil {
		return time.Time{}, fmt.Errorf("read %s watermark: %w", name, err)
	}
	if raw == "" {
		return e.now().Add(-time.Hour), nil
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return e.now().Add(-time.Hour), nil
	}
	return t, nil
}

func (e *Engine) pollSalesforceCases(ctx context.Context) error {
	since, err := e.watermark(ctx, cursorSalesforce)
	if err != nil {
		return err
	}
	recs, next, err := e.sf.Changed(ctx, "Case", []string{"Id", CareIDField}, soql.IsNotNull(CareIDField), since)
	if err != nil {
		return fmt.Errorf("poll Salesforce Cases: %w", err)
	}
	for _, r := range recs {
		if id := str(r[CareIDField]); id != "" {
			if err := e.queue.Add(ctx, CaseKey(id)); err != nil {
				return fmt.Errorf("enqueue Care case %s: %w", id, err)
			}
		}
	}
	return e.store.SetCursor(ctx, cursorSalesforce, next.Format(time.RFC3339Nano))
}

func (e *Engine) pollSalesforceNotes(ctx context.Context) error {
	since, err := e.watermark(ctx, cursorSalesforceNts)
	if err != nil {
		return err
	}
	recs, next, err := e.sf.Changed(ctx, e.notes.Object, []string{"Id", e.notes.ParentField}, nil, since)
	if err != nil {
		return fmt.Errorf("poll Salesforce %s: %w", e.notes.Object, err)
	}
	for _, r := range recs {
		careID, ok, err := e.store.CareIDFor(ctx, str(r[e.notes.ParentField]))
		if err != nil {
			return fmt.Errorf("find Care case of Case %v: %w", r[e.notes.ParentField], err)
		}
		if !ok {
			continue // a note on a Case carebridge does not sync
		}
		if err := e.queue.Add(ctx, CaseKey(careID)); err != nil {
			return fmt.Errorf("enqueue Care case %s: %w", careID, err)
		}
	}
	return e.store.SetCursor(ctx, cursorSalesforceNts, next.Format(time.RFC3339Nano))
}

// Sweep enqueues every linked case, repairing any trigger that was lost.
func (e *Engine) Sweep(ctx context.Context) error {
	ids, err := e.store.LinkedCases(ctx)
	if err != nil {
		return fmt.Errorf("list linked cases: %w", err)
	}
	for _, id := range ids {
		if err := e.queue.Add(ctx, CaseKey(id)); err != nil {
			return fmt.Errorf("enqueue Care case %s: %w", id, err)
		}
	}
	e.InvalidateIdentities()
	return nil
}
