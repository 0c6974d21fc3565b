package batch

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine (a batch still
// running, a waiting caller, a timer's flush) outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
