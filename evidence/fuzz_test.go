package evidence

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: any input is read without panicking, every record and diagnostic points at a
// line of the input, and the fast readers read it as the regular expressions do.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../fixtures/evidence/*.show.txt")
	seeds = append(seeds, "../fixtures/evidence/multi-context/fw1.txt")
	tracer, _ := filepath.Glob("testdata/packettracer/*.txt")
	seeds = append(seeds, tracer...)
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("UDP a: 1.2.3.4/5 b: 1.2.3.4/6,\n    flags -, idle 1s\n  Initiator: 1.2.3.4, Responder: 1.2.3.4\n")
	f.Fuzz(func(t *testing.T, in string) {
		ev, err := Parse(strings.NewReader(in), "f")
		if err != nil {
			return
		}
		lines := strings.Count(in, "\n") + 1
		check := func(what string, p Position) {
			if p.File != "f" || p.Line < 1 || p.Line > lines {
				t.Fatalf("%s at %v, input has %d lines", what, p, lines)
			}
		}
		for _, o := range ev.Outputs {
			check("output", o.Pos)
			if o.EndLine < o.Pos.Line || o.EndLine > lines {
				t.Fatalf("output %v ends at %d", o.Pos, o.EndLine)
			}
		}
		for _, c := range ev.Conns {
			check("conn", c.Pos)
			if c.Output == nil || !c.idleSet {
				t.Fatalf("conn at %v without output or counters", c.Pos)
			}
		}
		for _, p := range ev.Policies {
			check("policy", p.Pos)
		}
		for _, tr := range ev.Traces {
			check("packet-tracer", tr.Pos)
			for _, ph := range tr.Phases {
				check("phase", Position{"f", ph.Line})
			}
		}
		for _, tv := range ev.Timeouts {
			check("timeout", tv.Pos)
		}
		for _, d := range ev.Diagnostics {
			check("diagnostic", d.Pos)
		}
		// The fast readers read as the regular expressions do.
		for _, o := range []Options{{}, sip} {
			if msg := compareReference(o, in); msg != "" {
				t.Fatalf("ports %v: %s", o.Ports, msg)
			}
		}
	})
}
