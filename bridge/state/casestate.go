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
	// Mirror is read only when asked for (LoadCases' withMirror), and so
	// is Erased: the MessageKey of each message of the case erased at its
	// author's request (MarkErased).
	Mirror map[string]MirroredMessage
	Erased map[string]bool
	// Sync is the case's sync hash: the reconciles' stamps and the
	// triggers' hints (HintPrefix), see SaveStamps and AddHint.
	Sync map[string]string
}

// LoadCases reads the link, base and pending writes of each case (and its
// message mirror when withMirror) in one round trip. The reads of one case
// are not one transaction: call it for cases this process holds the lease
// of, or where a moment's skew only costs a reconcile.
func (s *CaseStore) LoadCases(ctx context.Context, careIDs []string, withMirror bool) (map[string]CaseState, error) {
	type reads struct {
		link                *redis.StringCmd
		base, pending, sync *redis.MapStringStringCmd
		at                  *redis.StringCmd
		mirror              *redis.MapStringStringCmd
		erased              *redis.StringSliceCmd
	}
	all := make([]reads, len(careIDs))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range careIDs {
			r := &all[i]
			r.link = p.HGet(ctx, s.linksKey("care2sf"), id)
			r.base = p.HGetAll(ctx, s.caseKey(id, "base"))
			r.at = p.Get(ctx, s.caseKey(id, "base_at"))
			r.pending = p.HGetAll(ctx, s.caseKey(id, "pending_writes"))
			r.sync = p.HGetAll(ctx, s.caseKey(id, "sync"))
			if withMirror {
				r.mirror = p.HGetAll(ctx, s.caseKey(id, "mirror"))
				r.erased = p.SMembers(ctx, s.caseKey(id, "erased"))
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
		st.Sync = r.sync.Val()
		if r.mirror != nil {
			if st.Mirror, err = decodeMirror(id, r.mirror.Val()); err != nil {
				return nil, err
			}
			if keys := r.erased.Val(); len(keys) > 0 {
				st.Erased = make(map[string]bool, len(keys))
				for _, k := range keys {
					st.Erased[k] = true
				}
			}
		}
		out[id] = st
	}
	return out, nil
}

// CaseSave is what a reconcile stores of one case when it ends.
type CaseSave struct {
	CareID string
	// LinkTo links the case to this Salesforce Case (one the reconcile
	// created) in the same request; "" leaves the link as it is.
	LinkTo   string
	Fields   map[string]string // the new base
	SyncedAt time.Time
	Closed   bool      // closed on both sides
	At       time.Time // when it was seen closed (a case keeps the first time)
}

// SaveCases ends reconciles, every case in one round trip: for each it
// stores the base (dropping the pending writes, as SaveBase does), whether
// the case is closed on both sides (as SetCaseClosed does) and, with
// LinkTo, the link (as LinkCase does; a link to another Case is
// ErrLinkConflict). errs[i] is saves[i]'s error.
func (s *CaseStore) SaveCases(ctx context.Context, saves []CaseSave) []error {
	errs := make([]error, len(saves))
	calls := make([]redisscript.Call, 0, 3*len(saves))
	first := make([]int, len(saves)) // index of each save's first call; -1 none
	for i, sv := range saves {
		first[i] = -1
		if sv.CareID == "" {
			errs[i] = errors.New("save case: empty Care case id")
			continue
		}
		first[i] = len(calls)
		calls = append(calls, s.saveBaseCall(sv.CareID, sv.Fields, sv.SyncedAt), s.closedCall(sv.CareID, sv.Closed, sv.At))
		if sv.LinkTo != "" {
			calls = append(calls, redisscript.Call{Script: linkScript, Keys: []string{s.linksKey("care2sf"), s.linksKey("sf2care")}, Args: []any{sv.CareID, sv.LinkTo}})
		}
	}
	if len(calls) == 0 {
		return errs
	}
	cmds, _ := redisscript.Pipeline(ctx, s.rdb, calls)
	for i, sv := range saves {
		if first[i] < 0 {
			continue
		}
		n := 2
		if sv.LinkTo != "" {
			n = 3
		}
		for _, c := range cmds[first[i] : first[i]+n] {
			if err := c.Err(); err != nil && !errors.Is(err, redis.Nil) {
				errs[i] = fmt.Errorf("save care case %q: %w", sv.CareID, err)
				break
			}
		}
		if errs[i] == nil && sv.LinkTo != "" {
			res, err := cmds[first[i]+2].Int()
			if err != nil {
				errs[i] = fmt.Errorf("link case %q <-> %q: %w", sv.CareID, sv.LinkTo, err)
			} else {
				errs[i] = linked(res, sv.CareID, sv.LinkTo, "case")
			}
		}
	}
	return errs
}

// closedCall records whether a case is closed on both sides (since at: a
// case keeps the time it was first seen closed). Plain commands: no script
// is needed.
func (s *CaseStore) closedCall(careID string, closed bool, at time.Time) redisscript.Call {
	if closed {
		return redisscript.Call{Args: []any{"ZADD", s.closedKey(), "NX", at.UnixMilli(), careID}}
	}
	return redisscript.Call{Args: []any{"ZREM", s.closedKey(), careID}}
}
