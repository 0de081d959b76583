//go:build unix

// Command compare measures what a user sees: the asaaudit binary, built from this tree,
// checking generated configurations of 1M and 5M lines, against "grep -c inspect" over the
// same files. It reports the best wall time of several runs, their ratio, the child's peak
// RSS, the 5M/1M time ratio and the start-up time on a small configuration, and says
// whether each target of issue 6 is met. With -paths it also measures a check with the
// path rules on (--clients and --provider, bench.Paths) against the targets of issue 13
// (on 1M lines: within 3× plain check, under 64 MiB), and a trace of one of those flows.
//
//	go run ./bench/cmd/compare [-runs 5] [-lines 1000000,5000000] [-strict] [-paths]
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/asaaudit/asaaudit/bench"
)

// The targets of issue 6.
const (
	maxGrepRatio = 2.0      // asaaudit time / grep -c time, on 1M lines
	maxRSS       = 32 << 20 // peak RSS of asaaudit check, bytes
	maxScaling   = 5.5      // 5M-line time / 1M-line time
)

// The targets of issue 13 for check with the path rules on (-paths), on 1M lines.
const (
	maxPathRatio = 3.0      // path-mode time / plain check time
	maxPathRSS   = 64 << 20 // peak RSS of path mode, bytes
)

func main() {
	runs := flag.Int("runs", 5, "runs of each command; the best time is reported")
	linesFlag := flag.String("lines", "1000000,5000000", "comma-separated sizes of the generated configurations, in lines")
	strict := flag.Bool("strict", false, "exit 1 when a target is missed")
	keep := flag.Bool("keep", false, "keep the generated files and the binary")
	paths := flag.Bool("paths", false, "also measure check with the path rules on (--clients, --provider)")
	flag.Parse()
	if err := run(*runs, *linesFlag, *strict, *keep, *paths); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// measurement is the best of several runs of one command.
type measurement struct {
	best time.Duration
	rss  int64 // the largest peak RSS of the runs, bytes
}

func run(runs int, linesFlag string, strict, keep, paths bool) error {
	var sizes []int
	for _, s := range strings.Split(linesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-lines: %q is not a positive number", s)
		}
		sizes = append(sizes, n)
	}
	dir, err := os.MkdirTemp("", "asaaudit-compare-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("files kept in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	bin := filepath.Join(dir, "asaaudit")
	build := exec.Command("go", "build", "-o", bin, "github.com/asaaudit/asaaudit/cmd/asaaudit")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}
	grep, err := exec.LookPath("grep")
	if err != nil {
		return err
	}

	fmt.Printf("asaaudit check (binary from go build) vs grep -c inspect; best of %d runs; %s/%s, %d CPUs\n\n", runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Printf("%10s %10s %10s %10s %7s %10s %10s\n", "lines", "size", "grep -c", "asaaudit", "ratio", "RSS", "grep RSS")
	times := map[int]time.Duration{}
	var checks []check
	for _, n := range sizes {
		path := filepath.Join(dir, fmt.Sprintf("%d.txt", n))
		_, size, err := bench.WriteFile(path, n, 1)
		if err != nil {
			return err
		}
		pair, err := measure(runs, []string{grep, "-c", "inspect", path}, []string{bin, "check", path})
		if err != nil {
			return err
		}
		g, a := pair[0], pair[1]
		times[n] = a.best
		ratio := float64(a.best) / float64(g.best)
		fmt.Printf("%10d %7.1f MB %10s %10s %7.2f %6.1f MiB %6.1f MiB\n", n, float64(size)/1e6, ms(g.best), ms(a.best), ratio, mib(a.rss), mib(g.rss))
		if n == 1_000_000 {
			checks = append(checks, check{fmt.Sprintf("1M lines: asaaudit/grep %.2f", ratio), ratio <= maxGrepRatio, fmt.Sprintf("≤ %.1f", maxGrepRatio)})
		}
		checks = append(checks, check{fmt.Sprintf("%d lines: peak RSS %.1f MiB", n, mib(a.rss)), a.rss < maxRSS, fmt.Sprintf("< %d MiB", maxRSS>>20)})
		if paths {
			args := []string{bin, "check"}
			for _, c := range bench.Paths.Clients {
				args = append(args, "--clients", c.String())
			}
			for _, p := range bench.Paths.Providers {
				args = append(args, "--provider", p.String())
			}
			// trace follows one phone of the clients to the first provider: the same
			// parse, one flow.
			phone := bench.Paths.Clients[0].Addr().Next()
			trace := []string{bin, "trace", "--from", phone.String(), "--to", bench.Paths.Providers[0].String(), "--port", "udp/5060", path}
			// Plain check is measured again, taking turns with these: the ratio is of runs
			// that met the same load. Measured apart, a few minutes of drift in this
			// machine's speed (15% is common on a shared VM) moved it by as much.
			pm, err := measure(runs, []string{bin, "check", path}, append(args, path), trace)
			if err != nil {
				return err
			}
			plain := pm[0].best
			pm = pm[1:]
			pr := float64(pm[0].best) / float64(plain)
			fmt.Printf("%10d %10s %10s %10s %7.2f %6.1f MiB %10s   (check with the path rules: %.2f× plain check, %s in the same turns)\n", n, "", "", ms(pm[0].best), float64(pm[0].best)/float64(g.best), mib(pm[0].rss), "", pr, ms(plain))
			fmt.Printf("%10d %10s %10s %10s %7.2f %6.1f MiB %10s   (trace of one flow: %.2f× plain check)\n", n, "", "", ms(pm[1].best), float64(pm[1].best)/float64(g.best), mib(pm[1].rss), "", float64(pm[1].best)/float64(plain))
			if n == 1_000_000 {
				checks = append(checks,
					check{fmt.Sprintf("1M lines, path rules: %.2f× plain check", pr), pr <= maxPathRatio, fmt.Sprintf("≤ %.1f", maxPathRatio)},
					check{fmt.Sprintf("1M lines, path rules: peak RSS %.1f MiB", mib(pm[0].rss)), pm[0].rss < maxPathRSS, fmt.Sprintf("< %d MiB", maxPathRSS>>20)})
			}
		}
		if !keep {
			os.Remove(path)
		}
	}
	if t1, t5 := times[1_000_000], times[5_000_000]; t1 > 0 && t5 > 0 {
		r := float64(t5) / float64(t1)
		checks = append(checks, check{fmt.Sprintf("5M/1M time %.2f", r), r <= maxScaling, fmt.Sprintf("≤ %.1f", maxScaling)})
	}
	fmt.Println()
	ok := true
	for _, c := range checks {
		mark := "ok  "
		if !c.met {
			mark, ok = "MISS", false
		}
		fmt.Printf("%s %s (target %s)\n", mark, c.what, c.target)
	}

	small := filepath.Join(dir, "small.txt")
	lines, _, err := bench.WriteFile(small, 0, 1)
	if err != nil {
		return err
	}
	startup, err := measure(max(runs, 20), []string{bin, "check", small}, []string{bin, "version"})
	if err != nil {
		return err
	}
	fmt.Printf("\nstart-up: check of a %d-line config %s, version %s (best of %d)\n", lines, ms(startup[0].best), ms(startup[1].best), max(runs, 20))
	if !ok && strict {
		return errors.New("a target was missed")
	}
	return nil
}

// measure runs the commands runs times each, taking turns so that both meet the same
// load from the rest of the machine, and returns the best wall time and the largest peak
// RSS of each. Exit codes 0 and 1 (findings, or no match for grep) count as success.
func measure(runs int, cmds ...[]string) ([]measurement, error) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	// A child's peak RSS starts from this process's peak at the fork (Linux counts the
	// memory a child started with os/exec shared before its exec): what generating the
	// configuration took is handed back, and the peak reset to what is left (clear_refs
	// 5), or every command would seem to use at least that much. The floor left is this
	// process's own (about 15 MiB), below which a command's RSS does not show.
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // Linux only; elsewhere the floor is the peak
	times := make([][]time.Duration, len(cmds))
	res := make([]measurement, len(cmds))
	for range runs {
		for i, args := range cmds {
			var stderr bytes.Buffer
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Stdout, cmd.Stderr = devnull, &stderr
			t0 := time.Now()
			err := cmd.Run()
			d := time.Since(t0)
			var exit *exec.ExitError
			if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
				return nil, fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, stderr.String())
			}
			times[i] = append(times[i], d)
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				rss := int64(ru.Maxrss)
				if runtime.GOOS != "darwin" {
					rss *= 1024 // kilobytes everywhere but macOS
				}
				res[i].rss = max(res[i].rss, rss)
			}
		}
	}
	for i := range res {
		res[i].best = slices.Min(times[i])
	}
	return res, nil
}

// check is one target and whether it was met.
type check struct {
	what   string
	met    bool
	target string
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func mib(b int64) float64 { return float64(b) / (1 << 20) }
