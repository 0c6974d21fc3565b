package bridge

// Shared parts of the in-process fakes of Care and Salesforce
// (fake_care_test.go, fake_salesforce_test.go): a settable clock and the
// failure injection both use.

import (
	"io"
	"time"

	"github.com/carebridge/carebridge/connectors/upstream"
	"github.com/carebridge/carebridge/internal/testkit"
)

// fakeEpoch is where a test's clock starts: a time with a fraction of a
// second, so that whole-second stamping shows.
var fakeEpoch = time.Date(2026, 3, 2, 9, 30, 0, 250_000_000, time.UTC)

func newFakeClock() *testkit.Clock { return testkit.NewClock(fakeEpoch) }

// anyOp and anyTarget match every operation or target in a fault.
const (
	anyOp     = ""
	anyTarget = ""
)

// fault makes matching calls fail. op is the operation (the fake's call
// names), target the object (Salesforce) or the case/message id (Care); ""
// matches any. times > 0 fails that many calls, times < 0 every call until
// the faults are cleared. A lost fault lets the call reach the system (the
// change applies) and replaces its answer with err.
type fault struct {
	op, target string
	err        error
	times      int
	lost       bool
}

// faults is the failure injection of a fake. The caller holds the fake's
// mutex.
type faults struct {
	// hook, when set, is asked first on every call; a non-nil error fails
	// the call before it reaches the system.
	hook func(op, target string) error
	list []*fault
}

// pick returns the failure of a call: err fails it before it acts; lost
// (with err) fails it after it acted.
func (fs *faults) pick(op, target string) (err error, lost bool) {
	if fs.hook != nil {
		if err := fs.hook(op, target); err != nil {
			return err, false
		}
	}
	for i, f := range fs.list {
		if (f.op != anyOp && f.op != op) || (f.target != anyTarget && f.target != target) {
			continue
		}
		if f.times > 0 {
			f.times--
			if f.times == 0 {
				fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
			}
		}
		return f.err, f.lost
	}
	return nil, false
}

func (fs *faults) add(f fault) {
	if f.times == 0 {
		f.times = 1
	}
	fs.list = append(fs.list, &f)
}

func (fs *faults) clear() { fs.hook, fs.list = nil, nil }

// errConnectionLost is the cause of a lost answer: the request went out,
// the connection dropped before the response arrived.
var errConnectionLost = io.ErrUnexpectedEOF

// lostAnswer is the classified error of a call whose answer was lost, as the
// connectors report a transport failure: retryable, no status.
func lostAnswer(system, op string) error {
	return &upstream.Error{System: system, Op: op, Class: upstream.Retryable, Message: "network error", Err: errConnectionLost}
}
