// Package gcstart defers a short-lived process's first garbage collection until the
// process holds a given amount of memory.
//
// A check runs for a fraction of a second and keeps most of what it allocates until it
// ends, so the collections Go starts from a 4 MiB heap free little and cost much: on the
// 1M-line benchmark with the path rules, four cycles cost about 35 ms of CPU (20 ms of
// the run's 270) and 1,100 page faults: each scans the binary's 5.5 MB of
// pointer-holding globals (gopacket's enum tables), touching their pages for the first
// time. Without them the run also holds about 2 MiB less (no heap grown ahead of a
// collection). Plain check never reached a collection.
//
// The Go compiler does the same (cmd/compile/internal/base.AdjustStartingHeap). It raises
// GOGC; this uses the memory limit instead, so that the memory held stays bounded even if
// the switch back comes late: until the first collection the limit is the only trigger,
// and the first collection's finalizer turns the usual GOGC=100 back on and the limit off.
package gcstart

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
)

// Limit is the memory the process may hold before its first collection: most
// configurations are audited whole below it, and peak RSS stays well under the 64 MiB
// target of the 1M-line benchmark.
const Limit = 40 << 20

// Defer turns collection off until the process holds limit bytes (the memory limit of
// runtime/debug, which counts all the memory the Go runtime holds), then back to GOGC=100
// without a limit once the first collection has run. It does nothing, and returns false,
// when the user set GOGC or GOMEMLIMIT: theirs is the policy then.
func Defer(limit int64) bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetMemoryLimit(limit)
	debug.SetGCPercent(-1)
	// The sentinel is unreachable at once, so the first collection finalizes it. It is
	// larger than 16 bytes: tiny objects share blocks and may be finalized late.
	type sentinel [32]byte
	runtime.SetFinalizer(new(sentinel), func(*sentinel) {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	})
	return true
}
