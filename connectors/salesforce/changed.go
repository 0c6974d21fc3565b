package salesforce

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

const fieldSystemModstamp = "SystemModstamp"

// Watermark is where a poll of changed records stands: the highest
// SystemModstamp seen, and the records seen within the overlap window
// before it (id -> SystemModstamp), so that the overlap never returns a
// record version twice. It is JSON-serialisable for the caller to persist.
// The zero Watermark reads every record.
type Watermark struct {
	Time time.Time            `json:"time"`
	Seen map[string]time.Time `json:"seen,omitempty"`
}

// Changed returns the records of object changed since the watermark
// (SystemModstamp after wm.Time minus the poll overlap, further narrowed by
// where when it is not nil), oldest first, without the record versions the
// watermark has seen, and the watermark to pass next time. fields are
// selected in addition to Id and SystemModstamp. A poll that finds nothing
// new costs one query call (plus one per further page of overlap records).
func (c *Client) Changed(ctx context.Context, object string, fields []string, wm Watermark, where soql.Cond) ([]Record, Watermark, error) {
	sel := []string{"Id", fieldSystemModstamp}
	for _, f := range fields {
		if !slices.Contains(sel, f) {
			sel = append(sel, f)
		}
	}
	var conds []soql.Cond
	if !wm.Time.IsZero() {
		// SOQL datetimes have whole seconds: ask from the second before and
		// drop what lies under the window below.
		from := wm.Time.Add(-c.cfg.PollOverlap).UTC().Truncate(time.Second)
		conds = append(conds, soql.Ge(fieldSystemModstamp, from))
	}
	if where != nil {
		conds = append(conds, where)
	}
	q := soql.Select(sel...).From(object).OrderBy(fieldSystemModstamp, "Id")
	if len(conds) > 0 {
		q = q.Where(soql.And(conds...))
	}

	next := Watermark{Time: wm.Time, Seen: make(map[string]time.Time, len(wm.Seen))}
	for id, t := range wm.Seen {
		next.Seen[id] = t
	}
	var out []Record
	err := c.queryPages(ctx, q, func(page []Record) error {
		for _, r := range page {
			mod, err := r.Time(fieldSystemModstamp)
			if err != nil || mod.IsZero() {
				return fmt.Errorf("changed %s %s: bad SystemModstamp: %w", object, r.ID(), localError(OpQuery, err))
			}
			if seen, ok := wm.Seen[r.ID()]; ok && seen.Equal(mod) {
				continue
			}
			if !wm.Time.IsZero() && mod.Before(wm.Time.Add(-c.cfg.PollOverlap)) {
				continue // below the window (the query rounds to seconds)
			}
			out = append(out, r)
			next.Seen[r.ID()] = mod
			if mod.After(next.Time) {
				next.Time = mod
			}
		}
		return nil
	})
	if err != nil {
		return nil, wm, err
	}
	cutoff := next.Time.Add(-c.cfg.PollOverlap)
	for id, t := range next.Seen {
		if t.Before(cutoff) {
			delete(next.Seen, id)
		}
	}
	return out, next, nil
}
