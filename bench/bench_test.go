package bench_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/bench"
	"github.com/asaaudit/asaaudit/change"
	"github.com/asaaudit/asaaudit/internal/cli"
	"github.com/asaaudit/asaaudit/parser"
)

// sizes are the configurations the benchmarks run on; the compare program adds 5M lines.
var sizes = []int{100_000, 1_000_000}

var (
	dirOnce sync.Once
	dir     string
	dirErr  error
)

// TestMain removes the generated configurations, which are shared by the benchmarks.
func TestMain(m *testing.M) {
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// config returns the path of a generated configuration of n lines, writing it on first use.
func config(b *testing.B, n int) (string, int64) {
	b.Helper()
	dirOnce.Do(func() { dir, dirErr = os.MkdirTemp("", "asaaudit-bench-") })
	if dirErr != nil {
		b.Fatal(dirErr)
	}
	path := filepath.Join(dir, fmt.Sprintf("%d.txt", n))
	if st, err := os.Stat(path); err == nil {
		return path, st.Size()
	}
	_, size, err := bench.WriteFile(path, n, 1)
	if err != nil {
		b.Fatal(err)
	}
	return path, size
}

func label(n int) string {
	if n >= 1_000_000 {
		return fmt.Sprintf("%dM", n/1_000_000)
	}
	return fmt.Sprintf("%dk", n/1000)
}

// perSize runs body once per iteration on each generated configuration, reporting bytes/s
// and allocations.
func perSize(b *testing.B, body func(b *testing.B, path string)) {
	for _, n := range sizes {
		b.Run(label(n), func(b *testing.B) {
			path, size := config(b, n)
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				body(b, path)
			}
		})
	}
}

// parseFile parses path with opts and fails on any diagnostic (the generator writes none).
func parseFile(b *testing.B, path string, opts parser.Options) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	cfg, err := parser.ParseWith(f, path, opts)
	if err != nil || len(cfg.Diagnostics) != 0 {
		b.Fatalf("Parse: %v, %d diagnostics", err, len(cfg.Diagnostics))
	}
}

// BenchmarkParse measures the parser alone, reading the file from disk (page cache).
func BenchmarkParse(b *testing.B) {
	perSize(b, func(b *testing.B, path string) { parseFile(b, path, parser.Options{}) })
}

// BenchmarkCheck measures a whole check of one file: open, parse, model, rules.
func BenchmarkCheck(b *testing.B) {
	perSize(b, func(b *testing.B, path string) {
		if _, err := audit.File(path, nil, audit.Options{}); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkParsePaths is BenchmarkParse with the path sections: interfaces, access-groups
// and names parsed, routes, NAT, access-lists and objects kept as text for reading on demand.
func BenchmarkParsePaths(b *testing.B) {
	perSize(b, func(b *testing.B, path string) { parseFile(b, path, parser.Options{Paths: true}) })
}

// BenchmarkCheckPaths is BenchmarkCheck with the path rules on (bench.Paths): the inside
// access-list is read to its last entry, then NAT, inspection and the way back.
func BenchmarkCheckPaths(b *testing.B) {
	perSize(b, func(b *testing.B, path string) {
		res, err := audit.File(path, nil, audit.Options{Rules: bench.Paths})
		if err != nil {
			b.Fatal(err)
		}
		if d := res.Model.Config.Diagnostics; len(d) != 0 {
			b.Fatalf("%d diagnostics: %v", len(d), d[0])
		}
	})
}

// BenchmarkScan is the floor the parser is measured against: the Scanner alone.
func BenchmarkScan(b *testing.B) {
	perSize(b, func(b *testing.B, path string) {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		s := parser.NewScanner(f)
		for s.Scan() {
		}
	})
}

// BenchmarkCheckSmall is the work of "asaaudit check" on a small configuration once the
// process has started: the command tree, the parse, the rules and the text report.
func BenchmarkCheckSmall(b *testing.B) {
	for b.Loop() {
		s := &cli.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard, Getenv: func(string) string { return "" }}
		if code := cli.Main([]string{"check", "../fixtures/seed-policy.txt"}, s); code > 1 {
			b.Fatalf("exit %d", code)
		}
	}
}

// corners are configurations shaped to reach the quadratic corners real ones have hit: a
// policy-map re-entered block after block (hand-edited or generated files), and thousands of
// policy-maps each applied to its own interface. Each must audit in time linear in its size.
var corners = []struct {
	name  string
	lines func(i int) []string
}{
	{"reentered-policy-map", func(i int) []string {
		return []string{"policy-map global_policy", " class inspection_default", "  inspect sip"}
	}},
	{"interface-policies", func(i int) []string {
		return []string{fmt.Sprintf("policy-map pm%d", i), " class inspection_default", "  inspect sip",
			fmt.Sprintf("service-policy pm%d interface if%d", i, i)}
	}},
}

func BenchmarkCorner(b *testing.B) {
	for _, c := range corners {
		for _, n := range []int{10_000, 40_000} {
			var sb strings.Builder
			sb.WriteString("ASA Version 9.8(4)\nhostname fw\nclass-map inspection_default\n match default-inspection-traffic\n")
			for i := range n {
				for _, l := range c.lines(i) {
					sb.WriteString(l + "\n")
				}
			}
			sb.WriteString("service-policy global_policy global\n")
			text := sb.String()
			b.Run(fmt.Sprintf("%s/%dk", c.name, n/1000), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					if _, err := audit.Reader(strings.NewReader(text), "corner.txt", audit.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// A change script that creates thousands of class-maps is simulated in linear time.
func BenchmarkApplyScript(b *testing.B) {
	base, err := os.ReadFile("../fixtures/factory-default.txt")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10_000, 40_000} {
		var sb strings.Builder
		sb.WriteString("configure terminal\n")
		for i := range n {
			fmt.Fprintf(&sb, "class-map c%d\n match port udp eq %d\n", i, 10000+i%50000)
		}
		sb.WriteString("end\n")
		script, err := change.Read(strings.NewReader(sb.String()), "script.txt")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("class-maps/%dk", n/1000), func(b *testing.B) {
			b.SetBytes(int64(sb.Len()))
			for b.Loop() {
				if _, _, err := script.After(bytes.NewReader(base), "fw.txt", parser.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// pathBase is the part of the path corners they share: the phones on inside
// (172.16.0.0/24, bench.Paths), the provider behind the default route through outside.
const pathBase = `ASA Version 9.12(4)
hostname fw
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 172.16.0.1 255.255.255.0
interface GigabitEthernet0/2
 nameif dmz
 security-level 50
 ip address 192.168.5.1 255.255.255.0
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
access-group inside_in in interface inside
class-map inspection_default
 match default-inspection-traffic
policy-map global_policy
 class inspection_default
  inspect sip
service-policy global_policy global
`

// pathCorners are the shapes of large real configurations that made path mode slow: many
// routes, many NAT rules of other interfaces, and a long access-list whose only SIP entry
// is the last. Each must evaluate in time linear in its size.
var pathCorners = []struct {
	name  string
	lines func(i int) []string
	tail  []string
}{
	{"routes", func(i int) []string {
		return []string{fmt.Sprintf("route dmz 10.%d.%d.0 255.255.255.0 192.168.5.%d %d", i>>8&255, i&255, 2+i%250, 1+i%5)}
	}, []string{"access-list inside_in extended permit udp any any eq sip"}},
	{"nat", func(i int) []string {
		return []string{fmt.Sprintf("object network n%d", i), fmt.Sprintf(" host 10.%d.%d.1", i>>8&255, i&255),
			fmt.Sprintf(" nat (dmz,outside) static 203.0.%d.%d", i>>8&255, i&255),
			fmt.Sprintf("nat (dmz,outside) source static n%d n%d destination static n%d n%d", i, i, i, i)}
	}, []string{"access-list inside_in extended permit udp any any eq sip", "nat (inside,outside) source dynamic any interface"}},
	{"access-list", func(i int) []string {
		return []string{fmt.Sprintf("access-list inside_in extended permit tcp 10.%d.%d.0 255.255.255.0 host 192.168.5.%d eq https log", i>>8&255, i&255, 2+i%250),
			fmt.Sprintf("access-list inside_in extended deny ip host 10.%d.%d.9 any4", i>>8&255, i&255)}
	}, []string{"access-list inside_in extended permit udp any any eq sip"}},
}

func BenchmarkPathCorner(b *testing.B) {
	for _, c := range pathCorners {
		for _, n := range []int{10_000, 40_000} {
			var sb strings.Builder
			sb.WriteString(pathBase)
			for i := range n {
				for _, l := range c.lines(i) {
					sb.WriteString(l + "\n")
				}
			}
			for _, l := range c.tail {
				sb.WriteString(l + "\n")
			}
			text := sb.String()
			b.Run(fmt.Sprintf("%s/%dk", c.name, n/1000), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					res, err := audit.Reader(strings.NewReader(text), "corner.txt", audit.Options{Rules: bench.Paths})
					if err != nil {
						b.Fatal(err)
					}
					if d := res.Model.Config.Diagnostics; len(d) != 0 {
						b.Fatalf("%d diagnostics: %v", len(d), d[0])
					}
				}
			})
		}
	}
}
