package state

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// linkScript sets a two-way link unless either side is linked elsewhere.
// KEYS forward, backward. ARGV a, b. Returns 1 linked, 0 already so linked,
// -1 a linked elsewhere, -2 b linked elsewhere.
var linkScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local back = redis.call('HGET', KEYS[2], ARGV[2])
if cur == ARGV[2] and back == ARGV[1] then return 0 end
if cur and cur ~= ARGV[2] then return -1 end
if back and back ~= ARGV[1] then return -2 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 1
`)

// unlinkScript removes a two-way link by its forward id.
// KEYS forward, backward. ARGV a. Returns the partner or false.
var unlinkScript = redis.NewScript(`
local b = redis.call('HGET', KEYS[1], ARGV[1])
if not b then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HGET', KEYS[2], b) == ARGV[1] then redis.call('HDEL', KEYS[2], b) end
return b
`)

func link(ctx context.Context, rdb redis.UniversalClient, forward, backward, a, b, what string) error {
	if a == "" || b == "" {
		return fmt.Errorf("link %s %q <-> %q: empty id", what, a, b)
	}
	res, err := linkScript.Run(ctx, rdb, []string{forward, backward}, a, b).Int()
	if err != nil {
		return fmt.Errorf("link %s %q <-> %q: %w", what, a, b, err)
	}
	return linked(res, a, b, what)
}

// linked reads linkScript's answer.
func linked(res int, a, b, what string) error {
	switch res {
	case -1:
		return fmt.Errorf("link %s %q <-> %q: %q: %w", what, a, b, a, ErrLinkConflict)
	case -2:
		return fmt.Errorf("link %s %q <-> %q: %q: %w", what, a, b, b, ErrLinkConflict)
	}
	return nil
}

func lookup(ctx context.Context, rdb redis.UniversalClient, key, id, what string) (string, bool, error) {
	v, err := rdb.HGet(ctx, key, id).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("look up %s %q: %w", what, id, err)
	}
	return v, true, nil
}

// LinkCase links a Care case and a Salesforce Case in both directions at
// once. Linking an already linked pair again is a no-op; re-pointing either
// side returns ErrLinkConflict (Unlink first).
func (s *CaseStore) LinkCase(ctx context.Context, careID, sfID string) error {
	return link(ctx, s.rdb, s.linksKey("care2sf"), s.linksKey("sf2care"), careID, sfID, "case")
}

// SalesforceCase returns the Salesforce Case id linked to a Care case.
func (s *CaseStore) SalesforceCase(ctx context.Context, careID string) (string, bool, error) {
	return lookup(ctx, s.rdb, s.linksKey("care2sf"), careID, "salesforce case for care case")
}

// CareCase returns the Care case id linked to a Salesforce Case.
func (s *CaseStore) CareCase(ctx context.Context, sfID string) (string, bool, error) {
	return lookup(ctx, s.rdb, s.linksKey("sf2care"), sfID, "care case for salesforce case")
}

// UnlinkCase removes a Care case's link in both directions and reports
// whether there was one.
func (s *CaseStore) UnlinkCase(ctx context.Context, careID string) (bool, error) {
	err := unlinkScript.Run(ctx, s.rdb, []string{s.linksKey("care2sf"), s.linksKey("sf2care")}, careID).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("unlink care case %q: %w", careID, err)
	}
	return true, nil
}

// LinkedCases pages through the linked Care case ids (HSCAN semantics:
// start with cursor 0, stop when the returned cursor is 0; an id may appear
// twice, none linked throughout is missed).
func (s *CaseStore) LinkedCases(ctx context.Context, cursor uint64, count int64) (careIDs []string, next uint64, err error) {
	kv, next, err := s.rdb.HScan(ctx, s.linksKey("care2sf"), cursor, "*", count).Result()
	if err != nil {
		return nil, 0, fmt.Errorf("list linked cases at cursor %d: %w", cursor, err)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		careIDs = append(careIDs, kv[i])
	}
	return careIDs, next, nil
}

// CountLinkedCases returns the number of linked cases.
func (s *CaseStore) CountLinkedCases(ctx context.Context) (int64, error) {
	n, err := s.rdb.HLen(ctx, s.linksKey("care2sf")).Result()
	if err != nil {
		return 0, fmt.Errorf("count linked cases: %w", err)
	}
	return n, nil
}

// Kind names a kind of child record linked within a case.
type Kind string

const (
	// Notes link Care internal notes and Salesforce CaseComments (or Tasks).
	Notes Kind = "notes"
	// Messages link Care messages and Care_Message__c records.
	Messages Kind = "messages"
)

func (s *conn) childKeys(careCaseID string, kind Kind) (care, sf string) {
	return s.caseKey(careCaseID, string(kind)+":care"), s.caseKey(careCaseID, string(kind)+":sf")
}

// LinkChild links a Care child record (note, message) of a case to its
// Salesforce record, both ways at once.
func (s *CaseStore) LinkChild(ctx context.Context, careCaseID string, kind Kind, careChildID, sfID string) error {
	ck, sk := s.childKeys(careCaseID, kind)
	return link(ctx, s.rdb, ck, sk, careChildID, sfID, fmt.Sprintf("%s of care case %q", kind, careCaseID))
}

// SalesforceChild returns the Salesforce id linked to a Care child record.
func (s *CaseStore) SalesforceChild(ctx context.Context, careCaseID string, kind Kind, careChildID string) (string, bool, error) {
	ck, _ := s.childKeys(careCaseID, kind)
	return lookup(ctx, s.rdb, ck, careChildID, fmt.Sprintf("salesforce record for %s of care case %q", kind, careCaseID))
}

// CareChild returns the Care child id linked to a Salesforce record.
func (s *CaseStore) CareChild(ctx context.Context, careCaseID string, kind Kind, sfID string) (string, bool, error) {
	_, sk := s.childKeys(careCaseID, kind)
	return lookup(ctx, s.rdb, sk, sfID, fmt.Sprintf("care %s of care case %q", kind, careCaseID))
}

// Children returns all links of one kind for a case, Care id -> Salesforce id.
func (s *CaseStore) Children(ctx context.Context, careCaseID string, kind Kind) (map[string]string, error) {
	ck, _ := s.childKeys(careCaseID, kind)
	m, err := s.rdb.HGetAll(ctx, ck).Result()
	if err != nil {
		return nil, fmt.Errorf("list %s of care case %q: %w", kind, careCaseID, err)
	}
	return m, nil
}
