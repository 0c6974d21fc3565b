package state

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/carebridge/carebridge/internal/redisscript"
)

// CaseState is what the store holds of one case, read together.
type CaseState struct {
	SalesforceID string // the linked Case, "" when none
	Base         Base
	HasBase      bool
	Pending      map[string]PendingWrite
	// Mirror is read only when asked for (LoadCases' withMirror).
	Mirror map[string]MirroredMessage
}

// LoadCases reads the link, base and pending writes of each case (and its
// message mirror when withMirror) in one round trip. The reads of one case
// are not one transaction: call it for cases this process holds the lease
// of, or where a moment's skew only costs a reconcile.
func (s *Store) LoadCases(ctx context.Context, careIDs []string, withMirror bool) (map[string]CaseState, error) {
	type reads struct {
		link          *redis.StringCmd
		base, pending *redis.MapStringStringCmd
		at            *redis.StringCmd
		mirror        *redis.MapStringStringCmd
	}
	all := make([]reads, len(careIDs))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range careIDs {
			r := &all[i]
			r.link = p.HGet(ctx, s.linksKey("care2sf"), id)
			r.base = p.HGetAll(ctx, s.caseKey(id, "base"))
			r.at = p.Get(ctx, s.caseKey(id, "base_at"))
			r.pending = p.HGetAll(ctx, s.caseKey(id, "pending_writes"))
			if withMirror {
				r.mirror = p.HGetAll(ctx, s.caseKey(id, "mirror"))
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("load the state of %d cases: %w", len(careIDs), err)
	}
	out := make(map[string]CaseState, len(careIDs))
	for i, id := range careIDs {
		r := all[i]
		var st CaseState
		if st.SalesforceID, err = r.link.Result(); err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("look up case %q: %w", id, err)
		}
		if st.Base, st.HasBase, err = decodeBase(id, r.base, r.at); err != nil {
			return nil, err
		}
		if st.Pending, err = decodePending(id, r.pending.Val()); err != nil {
			return nil, err
		}
		if r.mirror != nil {
			if st.Mirror, err = decodeMirror(id, r.mirror.Val()); err != nil {
				return nil, err
			}
		}
		out[id] = st
	}
	return out, nil
}

// closedScript records whether a case is closed on both sides.
// KEYS closed. ARGV care id, "1" closed or "0" open, since (unix ms).
var closedScript = redis.NewScript(`
if ARGV[2] == '1' then
  redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 1
`)

// SaveCase ends a reconcile in one round trip: it stores the base of a
// case (dropping its pending writes, as SaveBase does) and whether the case
// is closed on both sides (as SetCaseClosed does, closed since at).
func (s *Store) SaveCase(ctx context.Context, careID string, fields map[string]string, syncedAt time.Time, closed bool, at time.Time) error {
	if _, err := redisscript.Pipeline(ctx, s.rdb, []redisscript.Call{
		s.saveBaseCall(careID, fields, syncedAt),
		s.closedCall(careID, closed, at),
	}); err != nil {
		return fmt.Errorf("save base of care case %q: %w", careID, err)
	}
	return nil
}

// closedCall records whether a case is closed on both sides (since at).
func (s *Store) closedCall(careID string, closed bool, at time.Time) redisscript.Call {
	flag := "0"
	if closed {
		flag = "1"
	}
	return redisscript.Call{Script: closedScript, Keys: []string{s.closedKey()}, Args: []any{careID, flag, at.UnixMilli()}}
}

// SaveNewCase is SaveCase for a case whose Salesforce Case was just created:
// it also links the two, in the same round trip (the base first). A link
// to another Case returns ErrLinkConflict, as LinkCase does.
func (s *Store) SaveNewCase(ctx context.Context, careID, sfID string, fields map[string]string, syncedAt time.Time, closed bool, at time.Time) error {
	if careID == "" || sfID == "" {
		return fmt.Errorf("link case %q <-> %q: empty id", careID, sfID)
	}
	cmds, err := redisscript.Pipeline(ctx, s.rdb, []redisscript.Call{
		s.saveBaseCall(careID, fields, syncedAt),
		s.closedCall(careID, closed, at),
		{Script: linkScript, Keys: []string{s.linksKey("care2sf"), s.linksKey("sf2care")}, Args: []any{careID, sfID}},
	})
	if err != nil {
		return fmt.Errorf("save new case %q <-> %q: %w", careID, sfID, err)
	}
	res, err := cmds[2].Int()
	if err != nil {
		return fmt.Errorf("link case %q <-> %q: %w", careID, sfID, err)
	}
	return linked(res, careID, sfID, "case")
}
