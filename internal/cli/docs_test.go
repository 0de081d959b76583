package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra/doc"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/cli from the commands (make docs)")

const cliDocs = "../../docs/cli"

// TestCLIDocs generates the Markdown reference of every command with cobra/doc and
// compares it with docs/cli, so that the committed docs cannot drift from the flags.
// "make docs" runs it with -update to rewrite them.
func TestCLIDocs(t *testing.T) {
	root := NewRoot(&IOStreams{Getenv: func(string) string { return "" }})
	root.DisableAutoGenTag = true // no generation date: the output is reproducible
	root.InitDefaultCompletionCmd()
	dir := t.TempDir()
	if err := doc.GenMarkdownTree(root, dir); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, dir)
	if *updateDocs {
		if err := os.RemoveAll(cliDocs); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(cliDocs, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range got {
			if err := os.WriteFile(filepath.Join(cliDocs, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := readTree(t, cliDocs)
	for name, content := range got {
		if want[name] != content {
			t.Errorf("docs/cli/%s is out of date: run make docs", name)
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("docs/cli/%s documents no command: run make docs", name)
		}
	}
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}
