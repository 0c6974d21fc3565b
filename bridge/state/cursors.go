package state

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cursor returns the poll cursor stored for source (e.g. "care", "salesforce").
func (s *FeedStore) Cursor(ctx context.Context, source string) (string, bool, error) {
	v, err := s.rdb.HGet(ctx, s.cursorsKey("cursor"), source).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read cursor of %q: %w", source, err)
	}
	return v, true, nil
}

// SetCursor stores the poll cursor for source.
func (s *FeedStore) SetCursor(ctx context.Context, source, cursor string) error {
	if err := s.rdb.HSet(ctx, s.cursorsKey("cursor"), source, cursor).Err(); err != nil {
		return fmt.Errorf("store cursor of %q: %w", source, err)
	}
	return nil
}

// advanceScript stores ARGV[2] under field ARGV[1] unless a later value is
// stored, and returns the stored value.
var advanceScript = redis.NewScript(`
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local new = tonumber(ARGV[2])
if new > cur then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return new
end
return cur
`)

// Watermark returns the time up to which source has been polled.
func (s *FeedStore) Watermark(ctx context.Context, source string) (time.Time, bool, error) {
	v, err := s.rdb.HGet(ctx, s.cursorsKey("watermark"), source).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read watermark of %q: %w", source, err)
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read watermark of %q: bad value %q: %w", source, v, err)
	}
	return time.UnixMilli(ms).UTC(), true, nil
}

// AdvanceWatermark moves source's watermark forward to t; it never moves
// back (a late write from a former leader changes nothing). It returns the
// watermark now stored.
func (s *FeedStore) AdvanceWatermark(ctx context.Context, source string, t time.Time) (time.Time, error) {
	ms, err := advanceScript.Run(ctx, s.rdb, []string{s.cursorsKey("watermark")}, source, t.UnixMilli()).Int64()
	if err != nil {
		return time.Time{}, fmt.Errorf("advance watermark of %q: %w", source, err)
	}
	return time.UnixMilli(ms).UTC(), nil
}
