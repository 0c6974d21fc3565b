package state

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// closedKey is the sorted set of linked cases closed on both sides, scored
// by when they were first seen closed (unix ms). It shares the {links} slot
// so that retiring a case unlinks it and leaves the set in one script.
func (s *conn) closedKey() string { return s.linksKey("closed") }

// SetCaseClosed records whether a linked case is closed on both sides. A
// case keeps the time it was first seen closed; a reopened case leaves the
// set.
func (s *RetentionStore) SetCaseClosed(ctx context.Context, careID string, closed bool, at time.Time) error {
	var err error
	if closed {
		err = s.rdb.ZAddNX(ctx, s.closedKey(), redis.Z{Score: float64(at.UnixMilli()), Member: careID}).Err()
	} else {
		err = s.rdb.ZRem(ctx, s.closedKey(), careID).Err()
	}
	if err != nil {
		return fmt.Errorf("record whether care case %q is closed: %w", careID, err)
	}
	return nil
}

// ClosedBefore returns up to n linked cases that have been closed on both
// sides since before t, longest closed first.
func (s *RetentionStore) ClosedBefore(ctx context.Context, t time.Time, n int64) ([]string, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, s.closedKey(), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(t.UnixMilli(), 10), Count: n,
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("list cases closed before %s: %w", t.Format(time.RFC3339), err)
	}
	return ids, nil
}

// CountClosed returns how many linked cases are closed on both sides.
func (s *RetentionStore) CountClosed(ctx context.Context) (int64, error) {
	n, err := s.rdb.ZCard(ctx, s.closedKey()).Result()
	if err != nil {
		return 0, fmt.Errorf("count closed cases: %w", err)
	}
	return n, nil
}

// forgetCaseScript drops the per-case state a retired case no longer needs
// and lets its base snapshot expire.
// KEYS base, base_at, then the keys to delete. ARGV ttl in ms.
var forgetCaseScript = redis.NewScript(`
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
`)

// unlinkClosedScript unlinks a case if it is still closed since before the
// cutoff, and records its Case for the removal of its mirrored messages
// (scored by when it was first seen closed).
// KEYS care2sf, sf2care, closed, mirrors (zset), mirror_cases (hash).
// ARGV care id, cutoff (unix ms).
// Returns the Salesforce id, or false when the case reopened meanwhile.
var unlinkClosedScript = redis.NewScript(`
local since = redis.call('ZSCORE', KEYS[3], ARGV[1])
if not since or tonumber(since) > tonumber(ARGV[2]) then return false end
redis.call('ZREM', KEYS[3], ARGV[1])
local sf = redis.call('HGET', KEYS[1], ARGV[1])
if not sf then return '' end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HGET', KEYS[2], sf) == ARGV[1] then redis.call('HDEL', KEYS[2], sf) end
redis.call('ZADD', KEYS[4], since, ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], sf)
return sf
`)

// retiredMirrorsKey is the sorted set of retired cases whose mirrored
// messages are still in Salesforce, scored by when the case was first seen
// closed (unix ms); retiredCasesKey holds their Salesforce Case ids. Both
// share the {links} slot with the links, so retiring a case records it in
// the same script.
func (s *RetentionStore) retiredMirrorsKey() string { return s.linksKey("mirrors") }
func (s *RetentionStore) retiredCasesKey() string   { return s.linksKey("mirror_cases") }

// ErrReopened is returned by RetireCase when the case left the closed set
// (it reopened) before it could be retired.
var ErrReopened = errors.New("state: case reopened; not retired")

// RetireCase removes a case that has been closed on both sides since before
// cutoff from the sync state: its link, its note and message links, its
// mirror hashes and pending writes. Its Salesforce Case is recorded for the
// removal of its mirrored messages (RetiredMirrors). Messages erased at
// their author's request stay recorded (MarkErased). Its base snapshot stays for keepBase, so
// that a reopen on either side within that time merges against the values
// both sides last agreed on (afterwards a reopen is a first sync). It
// returns the base as it stood, for the audit; ErrReopened, with nothing
// changed, when the case reopened meanwhile.
//
// The link and the per-case state live in different Cluster slots, so this
// takes two steps: it unlinks the case only if it is still closed, then
// forgets the per-case state. A crash in between leaves that state behind
// unlinked (a reopen merges against it); a case that goes on syncing never
// loses its note links.
func (s *RetentionStore) RetireCase(ctx context.Context, careID string, cutoff time.Time, keepBase time.Duration) (Base, error) {
	base, _, err := s.cases.LoadBase(ctx, careID)
	if err != nil {
		return Base{}, fmt.Errorf("retire care case %q: %w", careID, err)
	}
	err = unlinkClosedScript.Run(ctx, s.rdb, []string{s.linksKey("care2sf"), s.linksKey("sf2care"), s.closedKey(),
		s.retiredMirrorsKey(), s.retiredCasesKey()}, careID, cutoff.UnixMilli()).Err()
	switch {
	case errors.Is(err, redis.Nil):
		return base, ErrReopened
	case err != nil:
		return Base{}, fmt.Errorf("retire care case %q: %w", careID, err)
	}
	notesCare, notesSF := s.childKeys(careID, Notes)
	msgsCare, msgsSF := s.childKeys(careID, Messages)
	keys := []string{s.caseKey(careID, "base"), s.caseKey(careID, "base_at"),
		notesCare, notesSF, msgsCare, msgsSF, s.caseKey(careID, "mirror"), s.caseKey(careID, "pending_writes"), s.caseKey(careID, "sync")}
	if err := forgetCaseScript.Run(ctx, s.rdb, keys, keepBase.Milliseconds()).Err(); err != nil {
		return Base{}, fmt.Errorf("retire care case %q: %w", careID, err)
	}
	return base, nil
}

// RetiredMirror is a retired case whose mirrored messages are still in
// Salesforce.
type RetiredMirror struct {
	CareID       string
	SalesforceID string
	ClosedSince  time.Time // when it was first seen closed on both sides
}

// retiredMirrorsScript lists up to n retired cases closed since before the
// cutoff whose mirrors are still to be removed, dropping those linked again
// meanwhile (a reopened case: its mirror is live again). KEYS mirrors,
// mirror_cases, care2sf. ARGV cutoff (unix ms), n. Returns care id, Case
// id, since triples.
var retiredMirrorsScript = redis.NewScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #due, 2 do
  local id = due[i]
  if redis.call('HEXISTS', KEYS[3], id) == 1 then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
  else
    table.insert(out, id)
    table.insert(out, redis.call('HGET', KEYS[2], id) or '')
    table.insert(out, due[i + 1])
  end
end
return out
`)

// RetiredMirrors lists up to n retired cases, first seen closed before t,
// whose mirrored messages are still in Salesforce, longest closed first.
// A case linked again since it was retired (it reopened) leaves the list
// for good: its mirror syncs again, and is recorded again when it retires
// again.
func (s *RetentionStore) RetiredMirrors(ctx context.Context, t time.Time, n int64) ([]RetiredMirror, error) {
	res, err := retiredMirrorsScript.Run(ctx, s.rdb, []string{s.retiredMirrorsKey(), s.retiredCasesKey(), s.linksKey("care2sf")},
		t.UnixMilli(), n).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("list retired cases whose mirrored messages are due for removal: %w", err)
	}
	out := make([]RetiredMirror, 0, len(res)/3)
	for i := 0; i+2 < len(res); i += 3 {
		ms, err := strconv.ParseFloat(res[i+2], 64)
		if err != nil {
			return nil, fmt.Errorf("retired mirror of care case %q: bad score %q", res[i], res[i+2])
		}
		out = append(out, RetiredMirror{CareID: res[i], SalesforceID: res[i+1], ClosedSince: time.UnixMilli(int64(ms)).UTC()})
	}
	return out, nil
}

// MirrorRemoved records that a retired case's mirrored messages left
// Salesforce.
func (s *RetentionStore) MirrorRemoved(ctx context.Context, careID string) error {
	pipe := s.rdb.TxPipeline()
	pipe.ZRem(ctx, s.retiredMirrorsKey(), careID)
	pipe.HDel(ctx, s.retiredCasesKey(), careID)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("record the removal of care case %q's mirrored messages: %w", careID, err)
	}
	return nil
}
