package upstream

import (
	"fmt"
	"maps"
	"net/http"
	"sync"
	"time"
)

// SystemHealth is what the requests a process made to one system say about
// it: when the last one that got a usable answer and the last one that did
// not came back, and why that one failed.
type SystemHealth struct {
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastFailure time.Time `json:"last_failure,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
}

// Up reports whether the most recent request got a usable answer (true
// while nothing was asked yet: no evidence of an outage).
func (h SystemHealth) Up() bool { return !h.LastFailure.After(h.LastSuccess) }

// health follows the outcome of every request the connectors make anyway,
// so that nothing has to probe an upstream (and spend its API budget) to
// know whether it answers.
type health struct {
	mu      sync.Mutex
	now     func() time.Time
	systems map[string]SystemHealth
}

// outage reports whether an HTTP status says the system cannot be used at
// the moment (no answer, credentials refused, rate or quota limits, server
// trouble), as opposed to an answer about one request (a validation error,
// a missing record).
func outage(status int) bool {
	switch {
	case status == 0, status == http.StatusUnauthorized, status == http.StatusForbidden,
		status == http.StatusTooManyRequests, status >= 500:
		return true
	}
	return false
}

func (h *health) observe(system, operation string, status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.systems[system]
	if !outage(status) {
		s.LastSuccess = h.now()
	} else {
		s.LastFailure = h.now()
		if status == 0 {
			s.LastError = "no answer to " + operation
		} else {
			s.LastError = fmt.Sprintf("HTTP %d %s to %s", status, http.StatusText(status), operation)
		}
	}
	h.systems[system] = s
}

// Health returns what the requests so far say about each system that was
// called.
func (m *Metrics) Health() map[string]SystemHealth {
	if m == nil {
		return nil
	}
	m.health.mu.Lock()
	defer m.health.mu.Unlock()
	return maps.Clone(m.health.systems)
}
