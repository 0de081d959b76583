// Command heapat audits a configuration with the path rules on (bench.Paths) and writes
// the heap that is live at the end of the audit, for "go tool pprof".
//
//	go run ./bench/cmd/heapat CONFIG heap.out
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/bench"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: heapat CONFIG HEAP-PROFILE")
		os.Exit(2)
	}
	res, err := audit.File(os.Args[1], nil, audit.Options{Rules: bench.Paths})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.GC()
	f, err := os.Create(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("%d findings; live heap %.1f MiB\n", len(res.Findings), float64(ms.HeapAlloc)/(1<<20))
	runtime.KeepAlive(res)
}
