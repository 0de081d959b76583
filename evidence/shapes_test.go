package evidence

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestShapes reads each capture in testdata/shapes, one shape of real saved output each
// (failover and FTD prompts, abbreviations, wrapped lines, legends, module status), and
// compares what was read with its .golden file.
func TestShapes(t *testing.T) {
	files, err := filepath.Glob("testdata/shapes/*.txt")
	if err != nil || len(files) < 10 {
		t.Fatalf("want the 10 shape captures, got %d (%v)", len(files), err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ev, err := ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.ReplaceAll(render(ev), file, "x")
			goldenFile := strings.TrimSuffix(file, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(goldenFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenFile)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
