// Command phase times the two halves of a check with the path rules on (bench.Paths) in a
// fresh process, as the binary runs them: the parse, then the rules. The process is new
// each run, so memory is touched for the first time, as it is for a user; the in-process
// benchmarks reuse a warm heap.
//
//	go run ./bench/cmd/phase CONFIG [CPU-PROFILE [parse|rules]]
//
// The profile covers the whole run, or only the phase named.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/bench"
	"github.com/asaaudit/asaaudit/internal/gcstart"
	"github.com/asaaudit/asaaudit/parser"
)

func main() {
	gcstart.Defer(gcstart.Limit) // as the binary does
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "phase:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 1 || len(args) > 3 || len(args) == 3 && args[2] != "parse" && args[2] != "rules" {
		return fmt.Errorf("usage: phase CONFIG [CPU-PROFILE [parse|rules]]")
	}
	only := ""
	if len(args) == 3 {
		only = args[2]
	}
	// profile starts the profile when phase is the one asked for, and returns what stops it.
	profile := func(phase string) (func(), error) {
		if len(args) < 2 || only != "" && only != phase {
			return func() {}, nil
		}
		pf, err := os.Create(args[1])
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			pf.Close()
			return nil, err
		}
		return func() { pprof.StopCPUProfile(); pf.Close() }, nil
	}
	stop, err := profile("parse")
	if err != nil {
		return err
	}
	if only == "" {
		defer stop()
		stop = func() {}
	}
	t0 := time.Now()
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	o := audit.Options{Rules: bench.Paths}
	po := o.ParserOptions()
	po.ReadBack = true
	cfg, err := parser.ParseWith(f, args[0], po)
	if err != nil {
		return err
	}
	t1 := time.Now()
	stop()
	if only == "rules" {
		if stop, err = profile("rules"); err != nil {
			return err
		}
	}
	res := audit.Config(cfg, o)
	t2 := time.Now()
	if only == "rules" {
		stop()
	}
	if err := cfg.ReadBackErr(); err != nil {
		return err
	}
	fmt.Printf("parse %.1f ms rules %.1f ms (%d findings)\n", ms(t1.Sub(t0)), ms(t2.Sub(t1)), len(res.Findings))
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
