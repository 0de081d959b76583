package parser_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/internal/corpus"
	"github.com/asaaudit/asaaudit/parser"
)

// Print is faithful: every line it writes is a line of the original (whitespace aside),
// and what it writes parses back to a configuration that prints the same.
func TestPrintRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../fixtures/*.txt")
	files = append(files, corpus.ASA(t)...)
	if len(files) < 10 {
		t.Fatalf("only %d configurations found", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := parser.Parse(strings.NewReader(string(src)), path)
			if err != nil {
				t.Fatal(err)
			}
			var first strings.Builder
			if err := parser.Print(&first, cfg); err != nil {
				t.Fatal(err)
			}
			original := map[string]bool{}
			sc := parser.NewScanner(strings.NewReader(string(src)))
			sc.StripConfigPrompts() // as Parse reads it
			for sc.Scan() {
				_, l := sc.Line()
				original[strings.Join(strings.Fields(string(l)), " ")] = true
			}
			for _, l := range strings.Split(strings.TrimSuffix(first.String(), "\n"), "\n") {
				l = strings.TrimSpace(l)
				structural := l == "!" || l == ": end" || strings.HasPrefix(l, "nameif ") || strings.HasPrefix(l, "interface ")
				if !structural && !original[l] {
					t.Errorf("printed %q, not in the original", l)
				}
			}
			if first.String() == ": end\n" {
				// Nothing Print writes is in it (a "show running-config access-group"
				// alone): there is nothing to parse back, and nothing was dropped.
				if cfg.Version != "" || cfg.Hostname != "" || len(cfg.Interfaces)+len(cfg.Timeouts)+len(cfg.ClassMaps)+len(cfg.PolicyMaps)+len(cfg.ServicePolicies) > 0 {
					t.Fatalf("printed only \": end\" for a configuration with parts Print writes: %+v", cfg)
				}
				return
			}
			again, err := parser.Parse(strings.NewReader(first.String()), "printed")
			if err != nil {
				t.Fatalf("printed configuration does not parse: %v\n%s", err, first.String())
			}
			if len(again.Diagnostics) > 0 {
				t.Errorf("printed configuration has diagnostics: %v", again.Diagnostics)
			}
			var second strings.Builder
			if err := parser.Print(&second, again); err != nil {
				t.Fatal(err)
			}
			if first.String() != second.String() {
				t.Errorf("print is not stable:\n--- first ---\n%s\n--- second ---\n%s", first.String(), second.String())
			}
		})
	}
}
