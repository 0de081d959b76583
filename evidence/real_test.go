package evidence

import (
	"path/filepath"
	"testing"
)

// corpus is where real show outputs published elsewhere are collected, shared with the
// other packages' tests.
const corpus = "../../shared/corpus/asa/show"

// TestRealOutputs reads real published show outputs, as their authors saved them: every
// line is read or deliberately skipped, and each file yields evidence.
func TestRealOutputs(t *testing.T) {
	shared, err := filepath.Glob(filepath.Join(corpus, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(shared) == 0 {
		// The shared corpus grows between sessions; this package's own real outputs
		// below are always read.
		t.Logf("no real show outputs in %s yet", corpus)
	}
	own, err := filepath.Glob("testdata/real/*.txt")
	if err != nil || len(own) < 2 {
		t.Fatalf("want the outputs of testdata/real (see SOURCES.md), got %d (%v)", len(own), err)
	}
	for _, file := range append(shared, own...) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ev, err := ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ev.Diagnostics {
				t.Errorf("unread: %s", d)
			}
			counters := 0
			for _, p := range ev.Policies {
				for _, c := range p.Classes {
					counters += len(c.Inspects)
				}
			}
			if len(ev.Conns)+counters+len(ev.Traces) == 0 {
				t.Errorf("no connection, Inspect counter or packet-tracer answer read: %s", render(ev))
			}
		})
	}
}
