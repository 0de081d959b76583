package bench_test

import (
	"bytes"
	"testing"

	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/bench"
)

// The generator writes exactly the lines asked for, the same bytes for the same seed, and
// a configuration that parses without a diagnostic and audits clean, but for PATH000 (it
// applies access-lists and no --clients and --provider are given); with them, the lines
// the path rules read parse without a diagnostic too.
func TestWrite(t *testing.T) {
	for _, n := range []int{0, 150, 2000, 30000} {
		var a, b bytes.Buffer
		lines, size, err := bench.Write(&a, n, 7)
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.Count(a.Bytes(), []byte("\n")); got != lines || size != int64(a.Len()) {
			t.Errorf("n=%d: reported %d lines %d bytes, wrote %d lines %d bytes", n, lines, size, got, a.Len())
		}
		if n >= 2000 && lines != n {
			t.Errorf("n=%d: wrote %d lines", n, lines)
		}
		bench.Write(&b, n, 7)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("n=%d: two runs with one seed differ", n)
		}
		res, err := audit.Reader(bytes.NewReader(a.Bytes()), "gen.txt", audit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		cfg := res.Model.Config
		if len(cfg.Diagnostics) != 0 || len(res.Findings) != 1 || res.Findings[0].Rule != "PATH000" {
			t.Errorf("n=%d: diagnostics %v, findings %v", n, cfg.Diagnostics, res.Findings)
		}
		withPaths, err := audit.Reader(bytes.NewReader(a.Bytes()), "gen.txt", audit.Options{Rules: bench.Paths})
		if err != nil {
			t.Fatal(err)
		}
		if d := withPaths.Model.Config.Diagnostics; len(d) != 0 {
			t.Errorf("n=%d, with paths: diagnostics %v", n, d)
		}
		if len(cfg.ClassMaps) < 4 || len(cfg.PolicyMaps) != 4 || len(cfg.ServicePolicies) != 2 || len(cfg.Timeouts) != 10 || len(cfg.Interfaces) < 7 {
			t.Errorf("n=%d: %d class-maps, %d policy-maps, %d service-policies, %d timeouts, %d interfaces",
				n, len(cfg.ClassMaps), len(cfg.PolicyMaps), len(cfg.ServicePolicies), len(cfg.Timeouts), len(cfg.Interfaces))
		}
	}
	var c bytes.Buffer
	bench.Write(&c, 2000, 8)
	var a bytes.Buffer
	bench.Write(&a, 2000, 7)
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds give the same configuration")
	}
}
