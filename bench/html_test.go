package bench_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/bench"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

// fleetReport is a fleet run of n targets with per findings each, made of the findings of
// a shipped sample (every one with a message, source line, reason and fix).
func fleetReport(b *testing.B, n, per int) *report.Report {
	b.Helper()
	f, err := os.Open("../fixtures/seed-policy.txt")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	o := rules.Options{Ports: []asa.Port{{Proto: "udp", Number: 5060}, {Proto: "udp", Number: 5080}}, Keepalive: 5 * time.Minute}
	sample, err := audit.Reader(f, "seed-policy.txt", audit.Options{Rules: o})
	if err != nil {
		b.Fatal(err)
	}
	if len(sample.Findings) == 0 {
		b.Fatal("the sample has no finding")
	}
	return report.New(bench.Fleet(sample.Findings, n, per), nil, rules.Warning)
}

// countingWriter counts what the page would be.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkHTML renders the HTML report of fleets up to 1,000 targets and 10,000
// findings (the page's size is reported as MB/page; the browser test measures how it
// opens).
func BenchmarkHTML(b *testing.B) {
	for _, size := range []struct{ targets, per int }{{1, 10}, {100, 10}, {1000, 10}} {
		r := fleetReport(b, size.targets, size.per)
		b.Run(fmt.Sprintf("targets=%d/findings=%d", size.targets, size.targets*size.per), func(b *testing.B) {
			var w countingWriter
			for b.Loop() {
				w.n = 0
				if err := report.Write(&w, "html", r, report.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.n)/1e6, "MB/page")
		})
	}
}
