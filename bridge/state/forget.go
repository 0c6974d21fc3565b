package state

import (
	"context"
	"errors"
	"fmt"
)

// ForgetEvent removes a webhook event id recorded by FirstSeen, so that a
// redelivery of an event that could not be handled is not taken for a
// duplicate.
func (s *DedupeStore) ForgetEvent(ctx context.Context, eventID string) error {
	if eventID == "" {
		return errors.New("forget event: empty id")
	}
	if err := s.rdb.Del(ctx, s.eventKey(eventID)).Err(); err != nil {
		return fmt.Errorf("forget event %q: %w", eventID, err)
	}
	return nil
}
