package state

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// What the Salesforce change stream keeps (keys under the prefix):
//
//	{ownwrite:<object>:<id>}     LIST the fields of carebridge's last writes to the record (JSON, newest first), expiring
//	{changes}:delivered:<hour>   STRING change events delivered in that hour (unix hour), expiring

// OwnWriteTTL is how long carebridge remembers what it wrote to a record:
// long enough for the write's change event to arrive, replays after a
// short outage included.
const OwnWriteTTL = 15 * time.Minute

// ownWritesKept is how many recent writes of one record are kept.
const ownWritesKept = 4

// deliveredKept is how long an hour's count of delivered events is kept:
// a day and the hour being counted.
const deliveredKept = 25 * time.Hour

func (s *FeedStore) ownWriteKey(object, id string) string {
	return s.prefix + "{ownwrite:" + object + ":" + id + "}"
}

func (s *FeedStore) deliveredKey(hour int64) string {
	return s.prefix + "{changes}:delivered:" + strconv.FormatInt(hour, 10)
}

// NoteWrites records the fields carebridge is about to write to records of
// object (record id -> field -> value as sent), all in one round trip. Each
// record keeps its last few writes for OwnWriteTTL.
func (s *FeedStore) NoteWrites(ctx context.Context, object string, writes map[string]map[string]any) error {
	if len(writes) == 0 {
		return nil
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for id, fields := range writes {
			raw, err := json.Marshal(fields)
			if err != nil {
				return fmt.Errorf("encode the write of %s %s: %w", object, id, err)
			}
			k := s.ownWriteKey(object, id)
			p.LPush(ctx, k, raw)
			p.LTrim(ctx, k, 0, ownWritesKept-1)
			p.PExpire(ctx, k, OwnWriteTTL)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("note carebridge's writes to %d %s records: %w", len(writes), object, err)
	}
	return nil
}

// RecentWrites returns, by record id, the writes NoteWrites recorded lately
// for each of ids (newest first; none for a record carebridge did not write
// lately), in one round trip. Values read back as JSON decodes them.
func (s *FeedStore) RecentWrites(ctx context.Context, object string, ids []string) (map[string][]map[string]any, error) {
	cmds := make([]*redis.StringSliceCmd, len(ids))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.LRange(ctx, s.ownWriteKey(object, id), 0, -1)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read carebridge's writes to %d %s records: %w", len(ids), object, err)
	}
	out := make(map[string][]map[string]any, len(ids))
	for i, id := range ids {
		for _, raw := range cmds[i].Val() {
			var fields map[string]any
			if err := json.Unmarshal([]byte(raw), &fields); err != nil {
				return nil, fmt.Errorf("read carebridge's writes to %s %s: %w", object, id, err)
			}
			out[id] = append(out[id], fields)
		}
	}
	return out, nil
}

// SaveReplayID stores a change stream's replay id (as a cursor of source)
// and counts delivered change events delivered at at, in one round trip.
func (s *FeedStore) SaveReplayID(ctx context.Context, source, replayID string, delivered int64, at time.Time) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.cursorsKey("cursor"), source, replayID)
		if delivered > 0 {
			k := s.deliveredKey(at.Unix() / 3600)
			p.IncrBy(ctx, k, delivered)
			p.PExpire(ctx, k, deliveredKept)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store the replay id of %q: %w", source, err)
	}
	return nil
}

// DeliveredChangeEvents is how many change events SaveReplayID counted in
// the 24 hours up to now (by the hour: the current hour and the 23 before),
// which is what Salesforce's daily event delivery allocation counts.
func (s *FeedStore) DeliveredChangeEvents(ctx context.Context, now time.Time) (int64, error) {
	hour := now.Unix() / 3600
	keys := make([]string, 24)
	for i := range keys {
		keys[i] = s.deliveredKey(hour - int64(i))
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return 0, fmt.Errorf("read delivered change events: %w", err)
	}
	var total int64
	for _, v := range vals {
		if str, ok := v.(string); ok {
			n, err := strconv.ParseInt(str, 10, 64)
			if err != nil {
				return 0, fmt.Errorf("read delivered change events: %q: %w", str, err)
			}
			total += n
		}
	}
	return total, nil
}
