package sfsim

import "time"

// delivery is a count of change events delivered to a subscriber at once.
type delivery struct {
	at time.Time
	n  int
}

// eventAllowance counts the change events delivered to Pub/Sub
// subscribers against the org's daily event delivery allocation.
type eventAllowance struct {
	*state
	deliveries []delivery // change events delivered in the last 24 hours; guarded by the state's mutex
}

// deliveredLastDay is how many change events subscribers received in the
// last 24 hours (the rolling window of Salesforce's event delivery
// allocation). The caller holds s.mu.
func (s *eventAllowance) deliveredLastDay() int {
	cutoff := s.opts.Clock().Add(-24 * time.Hour)
	i := 0
	for i < len(s.deliveries) && !s.deliveries[i].at.After(cutoff) {
		i++
	}
	s.deliveries = s.deliveries[i:]
	total := 0
	for _, d := range s.deliveries {
		total += d.n
	}
	return total
}

// deliveriesLeft is how many events the daily allocation still lets
// through. The caller holds s.mu.
func (s *eventAllowance) deliveriesLeft() int {
	return max(0, s.opts.DailyEventDeliveries-s.deliveredLastDay())
}

// delivered counts n events delivered now. The caller holds s.mu.
func (s *eventAllowance) delivered(n int) {
	s.deliveries = append(s.deliveries, delivery{at: s.opts.Clock(), n: n})
}

// DeliveredEvents is how many change events subscribers received in the
// last 24 hours: what the org's event delivery allocation counts.
func (s *eventAllowance) DeliveredEvents() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliveredLastDay()
}
