//go:build unix

package admin

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used (user and system), so a
// bound on work does not depend on how loaded the machine is.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
