package app

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time of the calling thread (lock the goroutine to
// it first): RUSAGE_THREAD.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
