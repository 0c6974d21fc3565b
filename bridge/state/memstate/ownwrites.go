package memstate

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/carebridge/carebridge/bridge/state"
)

// ownWrite is one noted write: its fields as JSON, as the Redis store
// keeps them, and when it expires.
type ownWrite struct {
	raw     []byte
	expires time.Time
}

// ownWritesKept matches the Redis store: the last few writes of a record.
const ownWritesKept = 4

// NoteWrites records the fields carebridge is about to write to records of
// object; each record keeps its last few writes for state.OwnWriteTTL.
func (s *FeedStore) NoteWrites(ctx context.Context, object string, writes map[string]map[string]any) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("note carebridge's writes to %d %s records: %w", len(writes), object, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ownWrites == nil {
		s.ownWrites = map[string][]ownWrite{}
	}
	expires := s.clock().Add(state.OwnWriteTTL)
	for id, fields := range writes {
		raw, err := json.Marshal(fields)
		if err != nil {
			return fmt.Errorf("encode the write of %s %s: %w", object, id, err)
		}
		k := object + ":" + id
		// Redis expires the whole list a TTL after the last write.
		list := append([]ownWrite{{raw: raw}}, s.ownWrites[k]...)
		for i := range list {
			list[i].expires = expires
		}
		s.ownWrites[k] = list[:min(len(list), ownWritesKept)]
	}
	return nil
}

// RecentWrites returns, by record id, the writes noted lately for each of
// ids, newest first, as JSON decodes them.
func (s *FeedStore) RecentWrites(ctx context.Context, object string, ids []string) (map[string][]map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read carebridge's writes to %d %s records: %w", len(ids), object, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	out := map[string][]map[string]any{}
	for _, id := range ids {
		for _, w := range s.ownWrites[object+":"+id] {
			if !now.Before(w.expires) {
				continue
			}
			var fields map[string]any
			if err := json.Unmarshal(w.raw, &fields); err != nil {
				return nil, fmt.Errorf("read carebridge's writes to %s %s: %w", object, id, err)
			}
			out[id] = append(out[id], fields)
		}
	}
	return out, nil
}
