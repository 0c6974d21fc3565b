package state

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/internal/redisscript"
)

// Base is the canonical value of every synced field of a case as of its
// last successful sync.
type Base struct {
	Fields   map[string]string
	SyncedAt time.Time
}

// saveBaseScript replaces a case's base snapshot and drops the pending
// writes it settles.
// KEYS base, base_at, pending writes. ARGV synced at (unix ms), then field,
// value pairs.
var saveBaseScript = redis.NewScript(`
redis.call('DEL', KEYS[1], KEYS[3])
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
redis.call('SET', KEYS[2], ARGV[1])
return 1
`)

// SaveBase replaces the base snapshot of a case and forgets its pending
// writes. Call it only after the writes that made both sides equal these
// values have succeeded.
func (s *CaseStore) SaveBase(ctx context.Context, careID string, fields map[string]string, syncedAt time.Time) error {
	c := s.saveBaseCall(careID, fields, syncedAt)
	if err := c.Script.Run(ctx, s.rdb, c.Keys, c.Args...).Err(); err != nil {
		return fmt.Errorf("save base of care case %q: %w", careID, err)
	}
	return nil
}

func (s *CaseStore) saveBaseCall(careID string, fields map[string]string, syncedAt time.Time) redisscript.Call {
	args := make([]any, 0, 1+2*len(fields))
	args = append(args, syncedAt.UnixMilli())
	for k, v := range fields {
		args = append(args, k, v)
	}
	return redisscript.Call{Script: saveBaseScript, Keys: []string{s.caseKey(careID, "base"), s.caseKey(careID, "base_at"), s.caseKey(careID, "pending_writes")}, Args: args}
}

// LoadBase returns the base snapshot of a case; found is false when the
// case was never synced (or its state was lost).
func (s *CaseStore) LoadBase(ctx context.Context, careID string) (b Base, found bool, err error) {
	var fields *redis.MapStringStringCmd
	var at *redis.StringCmd
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		fields = p.HGetAll(ctx, s.caseKey(careID, "base"))
		at = p.Get(ctx, s.caseKey(careID, "base_at"))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return Base{}, false, fmt.Errorf("load base of care case %q: %w", careID, err)
	}
	return decodeBase(careID, fields, at)
}

// decodeBase reads a base from the answers to HGETALL base and GET base_at.
func decodeBase(careID string, fields *redis.MapStringStringCmd, at *redis.StringCmd) (Base, bool, error) {
	ms, err := at.Result()
	if errors.Is(err, redis.Nil) {
		return Base{}, false, nil
	}
	if err != nil {
		return Base{}, false, fmt.Errorf("load base of care case %q: %w", careID, err)
	}
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return Base{}, false, fmt.Errorf("load base of care case %q: bad sync time %q: %w", careID, ms, err)
	}
	if err := fields.Err(); err != nil {
		return Base{}, false, fmt.Errorf("load base of care case %q: %w", careID, err)
	}
	return Base{Fields: maps.Clone(fields.Val()), SyncedAt: time.UnixMilli(n).UTC()}, true, nil
}

// DeleteBase forgets a case's base snapshot (the next reconcile treats both
// sides as new).
func (s *CaseStore) DeleteBase(ctx context.Context, careID string) error {
	if err := s.rdb.Del(ctx, s.caseKey(careID, "base"), s.caseKey(careID, "base_at"), s.caseKey(careID, "pending_writes")).Err(); err != nil {
		return fmt.Errorf("delete base of care case %q: %w", careID, err)
	}
	return nil
}

// PendingWrite is a field's base-to-be, recorded before the writes of a
// reconcile: Value, and Side, the system written ("" for neither). A
// reconcile that dies between its writes and SaveBase leaves them behind, so
// the next one can tell its own writes from other people's changes.
type PendingWrite struct {
	Value string
	Side  string
}

// SavePendingWrites replaces the pending writes of a case.
func (s *CaseStore) SavePendingWrites(ctx context.Context, careID string, writes map[string]PendingWrite) error {
	key := s.caseKey(careID, "pending_writes")
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, key)
		for f, w := range writes {
			p.HSet(ctx, key, f, w.Side+"\x00"+w.Value)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save pending writes of care case %q: %w", careID, err)
	}
	return nil
}

// PendingWrites returns the pending writes of a case (none after SaveBase).
func (s *CaseStore) PendingWrites(ctx context.Context, careID string) (map[string]PendingWrite, error) {
	raw, err := s.rdb.HGetAll(ctx, s.caseKey(careID, "pending_writes")).Result()
	if err != nil {
		return nil, fmt.Errorf("load pending writes of care case %q: %w", careID, err)
	}
	return decodePending(careID, raw)
}

func decodePending(careID string, raw map[string]string) (map[string]PendingWrite, error) {
	out := make(map[string]PendingWrite, len(raw))
	for f, v := range raw {
		side, value, ok := strings.Cut(v, "\x00")
		if !ok {
			return nil, fmt.Errorf("load pending writes of care case %q: field %q holds %q, not side and value", careID, f, v)
		}
		out[f] = PendingWrite{Value: value, Side: side}
	}
	return out, nil
}
