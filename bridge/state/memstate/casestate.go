package memstate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/carebridge/carebridge/bridge/state"
)

// LoadCases reads the link, base and pending writes of each case, and its
// message mirror when withMirror.
func (s *CaseStore) LoadCases(ctx context.Context, careIDs []string, withMirror bool) (map[string]state.CaseState, error) {
	out := make(map[string]state.CaseState, len(careIDs))
	for _, id := range careIDs {
		var st state.CaseState
		var err error
		if st.SalesforceID, _, err = s.SalesforceCase(ctx, id); err != nil {
			return nil, err
		}
		if st.Base, st.HasBase, err = s.LoadBase(ctx, id); err != nil {
			return nil, err
		}
		if st.Pending, err = s.PendingWrites(ctx, id); err != nil {
			return nil, err
		}
		if withMirror {
			if st.Mirror, err = s.MessageMirror(ctx, id); err != nil {
				return nil, err
			}
		}
		s.mu.Lock()
		if c := s.caseOf(id); c != nil {
			st.Sync = maps.Clone(c.sync)
			if withMirror && len(c.erased) > 0 {
				st.Erased = maps.Clone(c.erased)
			}
		}
		s.mu.Unlock()
		if st.Sync == nil {
			st.Sync = map[string]string{}
		}
		out[id] = st
	}
	return out, nil
}

// SaveCases stores, for each case, the base, whether it is closed on both
// sides and, with LinkTo, the link.
func (s *CaseStore) SaveCases(ctx context.Context, saves []state.CaseSave) []error {
	errs := make([]error, len(saves))
	for i, sv := range saves {
		if sv.CareID == "" {
			errs[i] = errors.New("save case: empty Care case id")
			continue
		}
		if err := s.SaveBase(ctx, sv.CareID, sv.Fields, sv.SyncedAt); err != nil {
			errs[i] = err
			continue
		}
		if err := s.retention.SetCaseClosed(ctx, sv.CareID, sv.Closed, sv.At); err != nil {
			errs[i] = err
			continue
		}
		if sv.LinkTo != "" {
			errs[i] = s.LinkCase(ctx, sv.CareID, sv.LinkTo)
		}
	}
	return errs
}

// SaveStamps stores the stamps of many cases (hints excluded).
func (s *CaseStore) SaveStamps(ctx context.Context, saves []state.StampSave) []error {
	errs := make([]error, len(saves))
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, sv := range saves {
		if sv.CareID == "" {
			errs[i] = errors.New("save stamps: empty Care case id")
			continue
		}
		for k := range sv.Stamps {
			if k == "" || strings.HasPrefix(k, state.HintPrefix) {
				errs[i] = fmt.Errorf("save stamps of care case %q: %q is not a stamp name", sv.CareID, k)
			}
		}
		if errs[i] != nil || len(sv.Stamps) == 0 {
			continue
		}
		c := s.caseFor(sv.CareID)
		if c.sync == nil {
			c.sync = map[string]string{}
		}
		maps.Copy(c.sync, sv.Stamps)
	}
	return errs
}

// AddHint counts that the part named hint of each case changed.
func (s *CaseStore) AddHint(ctx context.Context, hint string, careIDs ...string) error {
	if hint == "" {
		return errors.New("add hint: empty hint name")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("add hint %s: %w", hint, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range careIDs {
		c := s.caseFor(id)
		if c.sync == nil {
			c.sync = map[string]string{}
		}
		n, _ := strconv.Atoi(c.sync[state.HintPrefix+hint])
		c.sync[state.HintPrefix+hint] = strconv.Itoa(n + 1)
	}
	return nil
}
