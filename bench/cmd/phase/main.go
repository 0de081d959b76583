// Command phase times the two halves of a check with the path rules on (bench.Paths) in a
// fresh process, as the binary runs them: the parse, then the rules. The process is new
// each run, so memory is touched for the first time, as it is for a user; the in-process
// benchmarks reuse a warm heap.
//
//	go run ./bench/cmd/phase CONFIG [CPU-PROFILE]
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
	if len(args) < 1 || len(args) > 2 {
		return fmt.Errorf("usage: phase CONFIG [CPU-PROFILE]")
	}
	if len(args) == 2 {
		pf, err := os.Create(args[1])
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
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
	res := audit.Config(cfg, o)
	t2 := time.Now()
	if err := cfg.ReadBackErr(); err != nil {
		return err
	}
	fmt.Printf("parse %.1f ms rules %.1f ms (%d findings)\n", ms(t1.Sub(t0)), ms(t2.Sub(t1)), len(res.Findings))
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
