package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/carebridge/carebridge/connectors/salesforce/soql"
)

const fieldSystemModstamp = "SystemModstamp"

// Watermark is where a poll of changed records stands: the highest
// SystemModstamp seen, and the record versions seen within the overlap
// window before it, so that the overlap never returns a version twice. A
// version is the stamp together with a digest of the selected values: a real
// org stamps whole seconds, so two edits of one record within a second share
// a stamp, and only the values tell them apart. It is JSON-serialisable for
// the caller to persist. The zero Watermark reads every record.
type Watermark struct {
	Time time.Time            `json:"time"`
	Seen map[string]time.Time `json:"seen,omitempty"`
	// Values: record id -> digest of its selected values when seen. A
	// record seen without a digest (a watermark stored by an older
	// version) counts as changed once.
	Values map[string]string `json:"values,omitempty"`
}

// Changed returns the records of object changed since the watermark
// (SystemModstamp at or after wm.Time minus the poll overlap, further
// narrowed by where when it is not nil), oldest first, without the record
// versions the watermark has seen, and the watermark to pass next time.
// fields are selected in addition to Id and SystemModstamp; a record whose
// stamp was seen is returned again when any of their values differ. A poll
// that finds nothing new costs one query call (plus one per further page of
// overlap records).
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

	next := Watermark{Time: wm.Time, Seen: maps.Clone(wm.Seen), Values: maps.Clone(wm.Values)}
	if next.Seen == nil {
		next.Seen = map[string]time.Time{}
	}
	if next.Values == nil {
		next.Values = map[string]string{}
	}
	var out []Record
	err := c.queryPages(ctx, q, func(page []Record) error {
		for _, r := range page {
			mod, err := r.Time(fieldSystemModstamp)
			if err != nil || mod.IsZero() {
				return fmt.Errorf("changed %s %s: bad SystemModstamp: %w", object, r.ID(), localError(OpQuery, err))
			}
			if !wm.Time.IsZero() && mod.Before(wm.Time.Add(-c.cfg.PollOverlap)) {
				continue // below the window (the query rounds to seconds)
			}
			digest := ValuesDigest(r, sel)
			if seen, ok := wm.Seen[r.ID()]; ok && seen.Equal(mod) && wm.Values[r.ID()] == digest {
				continue
			}
			out = append(out, r)
			next.Seen[r.ID()] = mod
			next.Values[r.ID()] = digest
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
			delete(next.Values, id)
		}
	}
	for id := range next.Values {
		if _, ok := next.Seen[id]; !ok {
			delete(next.Values, id)
		}
	}
	return out, next, nil
}

// ValuesDigest identifies the values of fields in r (a short hash: the
// watermark keeps one per record in the overlap window). Fakes of Changed
// use it, so that their watermarks are the connector's.
func ValuesDigest(r Record, fields []string) string {
	h := fnv.New64a()
	for _, f := range fields {
		v, _ := json.Marshal(r[f])
		h.Write([]byte(f))
		h.Write([]byte{0})
		h.Write(v)
		h.Write([]byte{0})
	}
	return strconv.FormatUint(h.Sum64(), 36)
}
