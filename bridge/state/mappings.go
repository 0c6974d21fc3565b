package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// MappingVersion is one published field mapping: the YAML an admin
// published, numbered in publishing order.
type MappingVersion struct {
	Number    int64     `json:"number"`
	Digest    string    `json:"digest"` // the mapping's own version (hash of its content)
	YAML      string    `json:"yaml,omitempty"`
	Author    string    `json:"author"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// MappingEvent is one change of the active mapping.
type MappingEvent struct {
	Number int64     `json:"number"`
	Action string    `json:"action"` // publish or rollback
	Author string    `json:"author"`
	At     time.Time `json:"at"`
}

// ErrMappingChanged is returned when a publish is based on a version that is
// no longer the active one (someone else published in between).
var ErrMappingChanged = errors.New("state: the active mapping changed since the edit began")

// ErrNoMappingVersion is returned for a version number that was never
// published (or was pruned).
var ErrNoMappingVersion = errors.New("state: no such mapping version")

// mappingKeepVersions is how many versions are kept; older ones are pruned
// (never the active one).
const mappingKeepVersions = 200

// publishMappingScript stores a new version and makes it active, unless the
// active version is not ARGV[1] (-1: no check; 0: none published yet).
// KEYS versions, seq, active, history. ARGV expected active, version JSON
// without number (the script sets it), event JSON without number, keep.
var publishMappingScript = redis.NewScript(`
local expected = tonumber(ARGV[1])
local active = tonumber(redis.call('GET', KEYS[3]) or '0')
if expected >= 0 and expected ~= active then
  return {-1, active}
end
local n = redis.call('INCR', KEYS[2])
local v = cjson.decode(ARGV[2])
v['number'] = n
redis.call('HSET', KEYS[1], n, cjson.encode(v))
redis.call('SET', KEYS[3], n)
local e = cjson.decode(ARGV[3])
e['number'] = n
redis.call('LPUSH', KEYS[4], cjson.encode(e))
redis.call('LTRIM', KEYS[4], 0, 999)
local old = n - tonumber(ARGV[4])
if old > 0 then redis.call('HDEL', KEYS[1], old) end
return {n, active}
`)

// activateMappingScript makes an existing version active.
// KEYS versions, active, history. ARGV number, event JSON.
var activateMappingScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('LPUSH', KEYS[3], ARGV[2])
redis.call('LTRIM', KEYS[3], 0, 999)
return 1
`)

func (s *MappingStore) mappingKey(suffix string) string { return s.prefix + "{mapping}:" + suffix }

func (s *MappingStore) mappingKeys(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = s.mappingKey(n)
	}
	return out
}

// PublishMapping stores v as a new version and makes it the active mapping.
// basedOn is the version number the edit started from: when another version
// became active meanwhile, nothing is stored and ErrMappingChanged returned.
// basedOn 0 means "no version was published yet"; -1 skips the check. It
// returns the new version's number.
func (s *MappingStore) PublishMapping(ctx context.Context, v MappingVersion, basedOn int64) (int64, error) {
	v.Number = 0
	if v.CreatedAt.IsZero() {
		v.CreatedAt = s.clock().UTC()
	}
	vj, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("publish mapping: %w", err)
	}
	ej, err := json.Marshal(MappingEvent{Action: "publish", Author: v.Author, At: v.CreatedAt})
	if err != nil {
		return 0, fmt.Errorf("publish mapping: %w", err)
	}
	res, err := publishMappingScript.Run(ctx, s.rdb, s.mappingKeys("versions", "seq", "active", "history"),
		basedOn, vj, ej, mappingKeepVersions).Int64Slice()
	if err != nil {
		return 0, fmt.Errorf("publish mapping: %w", err)
	}
	if res[0] < 0 {
		return 0, fmt.Errorf("publish mapping based on version %d: version %d is active now: %w", basedOn, res[1], ErrMappingChanged)
	}
	return res[0], nil
}

// ActivateMapping makes an earlier version the active mapping again (a
// rollback).
func (s *MappingStore) ActivateMapping(ctx context.Context, number int64, author string) error {
	ej, err := json.Marshal(MappingEvent{Number: number, Action: "rollback", Author: author, At: s.clock().UTC()})
	if err != nil {
		return fmt.Errorf("activate mapping version %d: %w", number, err)
	}
	ok, err := activateMappingScript.Run(ctx, s.rdb, s.mappingKeys("versions", "active", "history"), number, ej).Int()
	if err != nil {
		return fmt.Errorf("activate mapping version %d: %w", number, err)
	}
	if ok == 0 {
		return fmt.Errorf("activate mapping version %d: %w", number, ErrNoMappingVersion)
	}
	return nil
}

// ActiveMappingNumber returns the number of the active version (0 when no
// version was ever published).
func (s *MappingStore) ActiveMappingNumber(ctx context.Context) (int64, error) {
	n, err := s.rdb.Get(ctx, s.mappingKey("active")).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read active mapping version: %w", err)
	}
	return n, nil
}

// MappingVersion returns one version with its YAML.
func (s *MappingStore) MappingVersion(ctx context.Context, number int64) (MappingVersion, error) {
	raw, err := s.rdb.HGet(ctx, s.mappingKey("versions"), strconv.FormatInt(number, 10)).Result()
	if errors.Is(err, redis.Nil) {
		return MappingVersion{}, fmt.Errorf("mapping version %d: %w", number, ErrNoMappingVersion)
	}
	if err != nil {
		return MappingVersion{}, fmt.Errorf("read mapping version %d: %w", number, err)
	}
	var v MappingVersion
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return MappingVersion{}, fmt.Errorf("read mapping version %d: %w", number, err)
	}
	return v, nil
}

// MappingVersions returns the kept versions, newest first, without their
// YAML.
func (s *MappingStore) MappingVersions(ctx context.Context) ([]MappingVersion, error) {
	raw, err := s.rdb.HVals(ctx, s.mappingKey("versions")).Result()
	if err != nil {
		return nil, fmt.Errorf("list mapping versions: %w", err)
	}
	out := make([]MappingVersion, 0, len(raw))
	for _, r := range raw {
		var v MappingVersion
		if err := json.Unmarshal([]byte(r), &v); err != nil {
			return nil, fmt.Errorf("list mapping versions: %w", err)
		}
		v.YAML = ""
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number > out[j].Number })
	return out, nil
}

// MappingHistory returns the latest changes of the active mapping, newest
// first (up to limit).
func (s *MappingStore) MappingHistory(ctx context.Context, limit int64) ([]MappingEvent, error) {
	raw, err := s.rdb.LRange(ctx, s.mappingKey("history"), 0, limit-1).Result()
	if err != nil {
		return nil, fmt.Errorf("read mapping history: %w", err)
	}
	out := make([]MappingEvent, 0, len(raw))
	for _, r := range raw {
		var e MappingEvent
		if err := json.Unmarshal([]byte(r), &e); err != nil {
			return nil, fmt.Errorf("read mapping history: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}
