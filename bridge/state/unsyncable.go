package state

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// maxUnsyncable caps the list of cases that cannot be synced.
const maxUnsyncable = 100

// UnsyncableCase is a Care case carebridge heard of but cannot sync (its
// id cannot be used), for the admin status to list.
type UnsyncableCase struct {
	// ID is the case id for display: escaped and cut short, never the raw
	// id (which may be long or hold control characters).
	ID     string `json:"id"`
	Reason string `json:"reason"`
	// Source is where carebridge heard of it, e.g. "webhook".
	Source string    `json:"source"`
	Seen   time.Time `json:"-"` // when it was last heard of
}

func (s *CaseStore) unsyncableKey() string { return s.prefix + "{unsyncable}" }

// NoteUnsyncableCase records c (Seen: now when zero) in the capped set of
// unsyncable cases: a case noted again moves to the front, and only the
// newest 100 are kept.
func (s *CaseStore) NoteUnsyncableCase(ctx context.Context, c UnsyncableCase) error {
	if c.Seen.IsZero() {
		c.Seen = s.clock()
	}
	member, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("note unsyncable case %s: %w", c.ID, err)
	}
	key := s.unsyncableKey()
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, key, redis.Z{Score: float64(c.Seen.UnixMilli()), Member: member})
		p.ZRemRangeByRank(ctx, key, 0, -maxUnsyncable-1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("note unsyncable case %s: %w", c.ID, err)
	}
	return nil
}

// UnsyncableCases returns up to n unsyncable cases, the latest heard of
// first.
func (s *CaseStore) UnsyncableCases(ctx context.Context, n int64) ([]UnsyncableCase, error) {
	zs, err := s.rdb.ZRevRangeWithScores(ctx, s.unsyncableKey(), 0, n-1).Result()
	if err != nil {
		return nil, fmt.Errorf("read unsyncable cases: %w", err)
	}
	out := make([]UnsyncableCase, 0, len(zs))
	for _, z := range zs {
		var c UnsyncableCase
		raw, _ := z.Member.(string)
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, fmt.Errorf("read unsyncable cases: %q: %w", raw, err)
		}
		c.Seen = time.UnixMilli(int64(z.Score)).UTC()
		out = append(out, c)
	}
	return out, nil
}
