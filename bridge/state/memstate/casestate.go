package memstate

import (
	"context"
	"time"

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

// SaveCase stores the base of a case and whether it is closed on both
// sides.
func (s *Store) SaveCase(ctx context.Context, careID string, fields map[string]string, syncedAt time.Time, closed bool, at time.Time) error {
	if err := s.SaveBase(ctx, careID, fields, syncedAt); err != nil {
		return err
	}
	return s.SetCaseClosed(ctx, careID, closed, at)
}

// SaveNewCase is SaveCase for a case whose Case was just created: it also
// links the two.
func (s *Store) SaveNewCase(ctx context.Context, careID, sfID string, fields map[string]string, syncedAt time.Time, closed bool, at time.Time) error {
	if err := s.SaveCase(ctx, careID, fields, syncedAt, closed, at); err != nil {
		return err
	}
	return s.LinkCase(ctx, careID, sfID)
}
