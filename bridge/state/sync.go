package state

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// A case's sync hash holds what lets a reconcile read only what changed:
// stamps, written by the reconcile that synced a part of the case (the Care
// case's updated_at it left, its conversation's and notes' stamps, the
// hints it consumed), and hints, counters that triggers increase when they
// learn that a part changed that no stamp of Care's tells (the Case's
// notes in Salesforce). A reconcile reads a part again when its stamp
// differs from what Care or the hint says now. Losing the hash costs a full
// reconcile, never a change.

// HintPrefix starts the fields of a case's sync hash that triggers count;
// the others are the reconcile's stamps.
const HintPrefix = "hint:"

// StampSave is what a reconcile stores of a case's stamps: every field
// given is set (hints excluded), others are left as they are.
type StampSave struct {
	CareID string
	Stamps map[string]string
}

// SaveStamps stores the stamps of many cases in one round trip; errs[i] is
// saves[i]'s error. Each save is a reconcile that synced its case: the
// cases count as synced this hour (Usage24h), in the same round trip.
func (s *CaseStore) SaveStamps(ctx context.Context, saves []StampSave) []error {
	errs := make([]error, len(saves))
	cmds := make([]*redis.IntCmd, len(saves))
	synced := make([]any, 0, len(saves))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		defer func() {
			if len(synced) > 0 {
				s.addSyncedCases(ctx, p, s.clock(), synced)
			}
		}()
		for i, sv := range saves {
			if err := checkStamps(sv); err != nil {
				errs[i] = err
				continue
			}
			if len(sv.Stamps) == 0 {
				continue
			}
			args := make([]any, 0, 2*len(sv.Stamps))
			for k, v := range sv.Stamps {
				args = append(args, k, v)
			}
			cmds[i] = p.HSet(ctx, s.caseKey(sv.CareID, "sync"), args...)
			synced = append(synced, sv.CareID)
		}
		return nil
	})
	for i, c := range cmds {
		if c == nil || errs[i] != nil {
			continue
		}
		if cerr := c.Err(); cerr != nil {
			errs[i] = fmt.Errorf("save stamps of care case %q: %w", saves[i].CareID, cerr)
		} else if err != nil {
			errs[i] = fmt.Errorf("save stamps of care case %q: %w", saves[i].CareID, err)
		}
	}
	return errs
}

func checkStamps(sv StampSave) error {
	if sv.CareID == "" {
		return errors.New("save stamps: empty Care case id")
	}
	for k := range sv.Stamps {
		if k == "" || len(k) >= len(HintPrefix) && k[:len(HintPrefix)] == HintPrefix {
			return fmt.Errorf("save stamps of care case %q: %q is not a stamp name", sv.CareID, k)
		}
	}
	return nil
}

// AddHint counts that the part named hint of each case changed (a
// trigger's news), in one round trip.
func (s *CaseStore) AddHint(ctx context.Context, hint string, careIDs ...string) error {
	if hint == "" {
		return errors.New("add hint: empty hint name")
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range careIDs {
			p.HIncrBy(ctx, s.caseKey(id, "sync"), HintPrefix+hint, 1)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add hint %s to %d cases: %w", hint, len(careIDs), err)
	}
	return nil
}
