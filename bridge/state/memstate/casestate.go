package memstate

import (
	"context"
	"errors"

	"github.com/carebridge/carebridge/bridge/state"
)

// LoadCases reads the link, base and pending writes of each case, and its
// message mirror when withMirror.
func (s *Store) LoadCases(ctx context.Context, careIDs []string, withMirror bool) (map[string]state.CaseState, error) {
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
		out[id] = st
	}
	return out, nil
}

// SaveCases stores, for each case, the base, whether it is closed on both
// sides and, with LinkTo, the link.
func (s *Store) SaveCases(ctx context.Context, saves []state.CaseSave) []error {
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
		if err := s.SetCaseClosed(ctx, sv.CareID, sv.Closed, sv.At); err != nil {
			errs[i] = err
			continue
		}
		if sv.LinkTo != "" {
			errs[i] = s.LinkCase(ctx, sv.CareID, sv.LinkTo)
		}
	}
	return errs
}
