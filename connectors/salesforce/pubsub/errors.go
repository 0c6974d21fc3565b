package pubsub

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// ErrReplayIDInvalid: Salesforce refused the replay id a subscription was to
// resume after, most often because it is older than the retention window
// (72 hours). The events after it cannot be replayed: fill the gap another
// way (a SystemModstamp poll) and subscribe again from LATEST.
var ErrReplayIDInvalid = errors.New("replay id refused: outside the retention window or invalid")

// errorCodeReplayID marks the Pub/Sub API error codes of a refused replay id
// (sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted).
const errorCodeReplayID = ".replayid."

// Error is a failed Pub/Sub API call, classified.
type Error struct {
	Op        string     // subscribe, get_topic, get_schema, decode
	Topic     string     // "" when the call names none
	Code      codes.Code // gRPC status code (OK for local failures)
	ErrorCode string     // Salesforce's error code from the "error-code" trailer, "" if none
	Retryable bool       // the same call may succeed later
	Err       error      // cause: the gRPC status error, ErrReplayIDInvalid, ...
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("salesforce pubsub ")
	b.WriteString(e.Op)
	if e.Topic != "" {
		b.WriteString(" " + e.Topic)
	}
	if e.Code != codes.OK {
		b.WriteString(": " + e.Code.String())
	}
	if e.ErrorCode != "" {
		b.WriteString(" (" + e.ErrorCode + ")")
	}
	if e.Err != nil {
		msg := e.Err.Error()
		if st, ok := status.FromError(e.Err); ok {
			msg = st.Message()
		}
		b.WriteString(": " + msg)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// IsRetryable reports whether err is a Pub/Sub API failure that may go away
// when the call is repeated (after a backoff).
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// classify turns the error of an RPC into an *Error. trailer is the call's
// trailer metadata (nil when unknown).
func classify(op, topic string, err error, trailer metadata.MD) *Error {
	st, ok := status.FromError(err)
	if !ok {
		// Not a status: the stream broke below gRPC.
		return &Error{Op: op, Topic: topic, Code: codes.Unavailable, Retryable: true, Err: err}
	}
	e := &Error{Op: op, Topic: topic, Code: st.Code(), Err: err}
	if v := trailer.Get("error-code"); len(v) > 0 {
		e.ErrorCode = v[0]
	}
	switch st.Code() {
	case codes.Unavailable, codes.Internal, codes.Unknown, codes.Aborted, codes.ResourceExhausted,
		codes.DeadlineExceeded, codes.Unauthenticated:
		// Unauthenticated is retryable after a token refresh.
		e.Retryable = true
	case codes.InvalidArgument, codes.FailedPrecondition, codes.NotFound:
		if strings.Contains(e.ErrorCode, errorCodeReplayID) {
			e.Err = fmt.Errorf("%w: %s", ErrReplayIDInvalid, st.Message())
		}
	}
	return e
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) }
