package upstream

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
)

func TestClassOf(t *testing.T) {
	opErr := &net.OpError{Op: "dial", Err: errors.New("connection refused")}
	cases := []struct {
		name string
		err  error
		want Class
	}{
		{"nil", nil, 0},
		{"classified", &Error{System: "care", Class: Refused}, Refused},
		{"classified and wrapped", fmt.Errorf("reply: %w", &Error{Class: QuotaExhausted}), QuotaExhausted},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), Retryable},
		{"cancelled", context.Canceled, Retryable},
		{"network", opErr, Retryable},
		{"local permanent", MarkPermanent(errors.New("bad mapping")), Permanent},
		{"unknown stays retryable", errors.New("mystery"), Retryable},
	}
	for _, c := range cases {
		if got := ClassOf(c.err); got != c.want {
			t.Errorf("%s: ClassOf = %v, want %v", c.name, got, c.want)
		}
	}
	if MarkPermanent(nil) != nil {
		t.Error("MarkPermanent(nil) must stay nil")
	}
}

func TestErrorMessageCarriesCodeNotCause(t *testing.T) {
	e := &Error{System: "salesforce", Op: "update", Class: Permanent, Status: 400, Code: "INVALID_FIELD", Message: "No such column"}
	if got, want := e.Error(), "salesforce update: permanent (HTTP 400) INVALID_FIELD: No such column"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
