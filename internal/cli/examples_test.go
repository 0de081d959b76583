package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The asaaudit command lines in examples/ and .pre-commit-hooks.yaml run as written, on a
// copy of a fixture under configs/, so that the files users copy do not rot.
func TestExamples(t *testing.T) {
	var sources []string
	for _, pattern := range []string{"../../examples/*.yml", "../../examples/*.yaml", "../../.pre-commit-hooks.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, m...)
	}
	var commands [][]string
	for _, src := range sources {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			_, cmd, ok := strings.Cut(line, "asaaudit check")
			if !ok || strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			commands = append(commands, strings.Fields("check"+cmd))
		}
	}
	if len(commands) < 3 {
		t.Fatalf("found %d asaaudit commands in %v", len(commands), sources)
	}
	src, err := os.ReadFile(fixtures + "no-sip.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range commands {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Chdir(t.TempDir())
			if err := os.Mkdir("configs", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("configs", "fw1.txt"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			if args[len(args)-1] == "--quiet" { // the pre-commit hook: pre-commit appends the files
				args = append(args, filepath.Join("configs", "fw1.txt"))
			}
			for i, a := range args {
				if a == "configs/*.txt" {
					args[i] = filepath.Join("configs", "fw1.txt")
				}
			}
			r := runCLI(t, "", nil, false, args...)
			if r.code != 1 || strings.Contains(r.err, "asaaudit:") {
				t.Errorf("exit %d (want 1: the fixture has findings), stderr %q", r.code, r.err)
			}
			for i, a := range args {
				if file, ok := strings.CutPrefix(a, "sarif="); ok && args[i-1] == "--format" {
					if _, err := os.Stat(file); err != nil {
						t.Errorf("no %s written: %v", file, err)
					}
				}
				if file, ok := strings.CutPrefix(a, "junit="); ok {
					if _, err := os.Stat(file); err != nil {
						t.Errorf("no %s written: %v", file, err)
					}
				}
			}
		})
	}
}
