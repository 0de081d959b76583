package gcstart

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gcPercent reads GOGC as the runtime has it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

var sink [][]byte

// allocate makes n bytes of garbage in 64 KiB pieces, touching each.
func allocate(n int) {
	for ; n > 0; n -= 64 << 10 {
		b := make([]byte, 64<<10)
		b[0] = 1
		sink = append(sink[:0], b)
	}
}

func TestDeferThenRestore(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(gcPercent())
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	runtime.GC()

	const limit = 64 << 20
	if !Defer(limit) {
		t.Fatal("Defer did nothing with GOGC and GOMEMLIMIT unset")
	}
	if p, l := gcPercent(), debug.SetMemoryLimit(-1); p != -1 || l != limit {
		t.Fatalf("after Defer: GOGC %d, limit %d; want off and %d", p, l, limit)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.NumGC
	allocate(16 << 20) // four times the heap at which Go would collect first
	runtime.ReadMemStats(&ms)
	if ms.NumGC != before {
		t.Fatalf("%d collections below the limit, want none", ms.NumGC-before)
	}
	allocate(2 * limit)
	runtime.ReadMemStats(&ms)
	if ms.NumGC == before {
		t.Fatal("no collection once the process held twice the limit")
	}
	// The first collection's finalizer turns GOGC back on; finalizers run on their own
	// goroutine, soon after.
	for deadline := time.Now().Add(30 * time.Second); gcPercent() != 100; {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC still %d after the first collection", gcPercent())
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Fatalf("memory limit %d after the first collection, want none", l)
	}
}

func TestDeferLeavesUsersPolicy(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, env := range []struct{ gogc, limit string }{{"50", ""}, {"", "1GiB"}, {"off", "100MiB"}} {
		t.Setenv("GOGC", env.gogc)
		t.Setenv("GOMEMLIMIT", env.limit)
		p, l := gcPercent(), debug.SetMemoryLimit(-1)
		if Defer(1 << 20) {
			t.Errorf("GOGC=%q GOMEMLIMIT=%q: Defer changed the policy the user set", env.gogc, env.limit)
		}
		if gcPercent() != p || debug.SetMemoryLimit(-1) != l {
			t.Errorf("GOGC=%q GOMEMLIMIT=%q: GOGC or the limit changed", env.gogc, env.limit)
		}
	}
}
