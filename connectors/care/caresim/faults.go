package caresim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// faultInjector holds the injected faults (faults.go). faults and rng are
// guarded by the shared mu.
type faultInjector struct {
	*state
	faults []*Fault
	rng    *rand.Rand
}

// Fault makes operations fail or slow down. Op is an operationId ("" or "*"
// for every operation). Times > 0 fails the next Times calls; Rate (0..1)
// fails each call with that probability; both fail with Status (503 when
// zero; 429 carries Retry-After). Latency delays every matching call. With
// LoseResponse a failing call is carried out and only its answer is replaced
// by the failure, as when the connection drops after Care acted.
type Fault struct {
	Op           string        `json:"op"`
	Status       int           `json:"status"`
	Times        int           `json:"times"`
	Rate         float64       `json:"rate"`
	Latency      time.Duration `json:"latency"`
	LoseResponse bool          `json:"lose_response"`
}

func (f *Fault) matches(op string) bool { return f.Op == "" || f.Op == "*" || f.Op == op }

// validate reports a fault that makes no sense.
func (f Fault) validate() error {
	switch {
	case f.Op != "" && f.Op != "*" && !knownOps[f.Op]:
		return fmt.Errorf("unknown operation %q", f.Op)
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status %d is not an error status (400-599)", f.Status)
	case f.Rate < 0 || f.Rate > 1:
		return fmt.Errorf("rate %v is outside 0..1", f.Rate)
	case f.Times < 0:
		return fmt.Errorf("times %d is negative", f.Times)
	case f.Latency < 0 || f.Latency > time.Minute:
		return fmt.Errorf("latency %v is outside 0..1m", f.Latency)
	}
	return nil
}

var knownOps = map[string]bool{
	OpListCases: true, OpGetCase: true, OpListMessages: true, OpListNotes: true,
	OpListAgents: true, OpListProfiles: true, OpAssignCase: true, OpSetCaseStatus: true,
	OpSetProfile: true, OpAddNote: true, OpPostReply: true, OpMessageAction: true,
}

// InjectFault adds a fault. An invalid fault is logged and ignored.
func (s *faultInjector) InjectFault(f Fault) {
	if err := f.validate(); err != nil {
		s.log.Warn("care sandbox: fault ignored", "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Faults returns the faults still in force.
func (s *faultInjector) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = *f
	}
	return out
}

// ClearFaults removes every fault.
func (s *faultInjector) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// applyFaults delays and possibly fails a call of op. A failure is returned
// as err, before the operation acts, or (LoseResponse) as lost, to answer
// with after it acted.
func (s *faultInjector) applyFaults(r *http.Request, op string) (err, lost error) {
	var delay time.Duration
	status := 0
	lose := false
	s.mu.Lock()
	kept := s.faults[:0]
	for _, f := range s.faults {
		if f.matches(op) {
			delay += f.Latency
			if status == 0 {
				switch {
				case f.Times > 0:
					f.Times--
					status, lose = statusOr503(f.Status), f.LoseResponse
					if f.Times == 0 && f.Rate == 0 && f.Latency == 0 {
						continue // used up
					}
				case f.Rate > 0 && s.rng.Float64() < f.Rate:
					status, lose = statusOr503(f.Status), f.LoseResponse
				}
			}
		}
		kept = append(kept, f)
	}
	s.faults = kept
	s.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return &apiError{status: http.StatusServiceUnavailable, msg: "request cancelled while delayed"}, nil
		}
	}
	if status == 0 {
		return nil, nil
	}
	fault := &apiError{status: status, msg: fmt.Sprintf("injected fault: %s failed with %d", op, status), retryAfter: 1}
	if lose {
		return nil, fault
	}
	return fault, nil
}

func statusOr503(st int) int {
	if st == 0 {
		return http.StatusServiceUnavailable
	}
	return st
}
