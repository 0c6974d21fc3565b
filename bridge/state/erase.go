package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// ForgetStamps drops stamps from a case's sync hash (see SaveStamps): the
// next reconcile of the case reads what they stood for again.
func (s *RetentionStore) ForgetStamps(ctx context.Context, careID string, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	if err := s.rdb.HDel(ctx, s.caseKey(careID, "sync"), names...).Err(); err != nil {
		return fmt.Errorf("forget stamps of care case %q: %w", careID, err)
	}
	return nil
}

// RedactHistory removes, from the audit stream and from the timelines of
// the cases careIDs, every entry of one of those cases whose values
// mention, by match, what is being erased. It only counts them when apply
// is false. It reads the stream in pages, so it costs a few round trips
// per thousand entries.
func (s *RetentionStore) RedactHistory(ctx context.Context, careIDs []string, match func(string) bool, apply bool) (int, error) {
	cases := make(map[string]bool, len(careIDs))
	for _, id := range careIDs {
		cases[id] = true
	}
	n := 0
	const page = 1000
	start := "-"
	for {
		msgs, err := s.rdb.XRangeN(ctx, s.auditKey(), start, "+", page).Result()
		if err != nil {
			return n, fmt.Errorf("redact the audit: %w", err)
		}
		var drop []string
		for _, m := range msgs {
			v := func(k string) string { x, _ := m.Values[k].(string); return x }
			if cases[v("case")] && (match(v("from")) || match(v("to"))) {
				drop = append(drop, m.ID)
			}
		}
		n += len(drop)
		if apply && len(drop) > 0 {
			if err := s.rdb.XDel(ctx, s.auditKey(), drop...).Err(); err != nil {
				return n, fmt.Errorf("redact the audit: %w", err)
			}
		}
		if len(msgs) < page {
			break
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
	for _, id := range careIDs {
		key := s.caseKey(id, "timeline")
		raw, err := s.rdb.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return n, fmt.Errorf("redact the timeline of care case %q: %w", id, err)
		}
		pipe := s.rdb.Pipeline()
		for _, r := range raw {
			var t timelineEntry
			if json.Unmarshal([]byte(r), &t) != nil || !match(t.From) && !match(t.To) {
				continue
			}
			n++
			pipe.LRem(ctx, key, 1, r)
		}
		if apply {
			if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
				return n, fmt.Errorf("redact the timeline of care case %q: %w", id, err)
			}
		}
	}
	return n, nil
}
