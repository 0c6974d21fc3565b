// Package upstream holds what every connector shares: the classification of
// upstream errors (which the queue uses to decide on retries) and the
// carebridge_upstream_* metrics.
package upstream

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Class says what the caller should do with a failed upstream call.
type Class int

const (
	// Retryable errors are transient: back off and try again.
	Retryable Class = iota + 1
	// Permanent errors will fail the same way again: dead-letter them.
	Permanent
	// QuotaExhausted means the upstream's daily budget is spent: pause
	// everything that talks to that system until it recovers.
	QuotaExhausted
	// Refused means a business rule of the upstream refused the request.
	// It is never retried; the reason is shown to the person who asked.
	Refused
)

func (c Class) String() string {
	switch c {
	case Retryable:
		return "retryable"
	case Permanent:
		return "permanent"
	case QuotaExhausted:
		return "quota_exhausted"
	case Refused:
		return "refused"
	default:
		return "unknown"
	}
}

// Error is a classified failure of one upstream operation. Connectors return
// it (wrapped or not); it never carries secrets or request bodies.
type Error struct {
	System     string        // "salesforce" or "care"
	Op         string        // operation name, e.g. "query", "upsert"
	Class      Class         // what to do about it
	Status     int           // HTTP status, 0 when no response arrived
	Code       string        // upstream error code, e.g. UNABLE_TO_LOCK_ROW
	Message    string        // upstream message, safe to show
	RetryAfter time.Duration // server's hint, 0 when none
	Err        error         // underlying cause, may be nil
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s %s: %s", e.System, e.Op, e.Class)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil && e.Message == "" {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// ClassOf classifies any error. Classified upstream errors keep their class;
// timeouts and network failures are retryable; cancellation by the caller is
// retryable (the work was not done and must be done later); anything else
// unknown is treated as retryable too, so that nothing is dropped on a guess:
// the queue's attempt limit dead-letters what keeps failing.
func ClassOf(err error) Class {
	if err == nil {
		return 0
	}
	var ue *Error
	if errors.As(err, &ue) {
		return ue.Class
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return Retryable
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return Retryable
	}
	var pe *PermanentError
	if errors.As(err, &pe) {
		return Permanent
	}
	return Retryable
}

// PermanentError marks a local error (bad data, invalid mapping) that will
// not go away by retrying.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// MarkPermanent wraps err so that ClassOf reports Permanent.
func MarkPermanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// IsRetryable reports whether err is worth retrying.
func IsRetryable(err error) bool { return ClassOf(err) == Retryable }
