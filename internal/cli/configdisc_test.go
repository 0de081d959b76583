package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/asaaudit/asaaudit/config"
)

// configPath tells stderr which file the run uses and which it refused: a file found upward
// changes the exit code, so it must never act silently.
func TestConfigPathSaysWhichFile(t *testing.T) {
	const me = 1000
	root := t.TempDir()
	sub := filepath.Join(root, "repo", "sub")
	if err := os.MkdirAll(filepath.Join(root, "repo", ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(dir string) string {
		p := filepath.Join(dir, config.FileName)
		if err := os.WriteFile(p, []byte("fail-on: never\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write(root) // above the repository: never read
	write(filepath.Join(root, "repo"))
	foreign := write(sub)
	t.Chdir(sub)
	// The file in sub/ is another user's; the repository's is the user's.
	search := config.Search{UID: me, Owner: func(fi fs.FileInfo) (int, bool) {
		if st, err := os.Stat(foreign); err == nil && os.SameFile(fi, st) {
			return 1001, true
		}
		return me, true
	}}
	warn := "asaaudit: warning: ignoring " + foreign + ": owned by uid 1001, not by you (uid 1000) or root\n"
	for _, tt := range []struct {
		name     string
		explicit string
		quiet    bool
		path     string
		stderr   string
	}{
		{"found", "", false, filepath.Join("..", config.FileName),
			warn + "asaaudit: using configuration file " + filepath.Join("..", config.FileName) + "\n"},
		{"found, quiet: the refusal is still said", "", true, filepath.Join("..", config.FileName), warn},
		// The user named it: no search, no refusals, nothing to say.
		{"--config", "strict.yaml", false, "strict.yaml", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var errOut bytes.Buffer
			path, err := configPath(&errOut, tt.explicit, tt.quiet, search)
			if err != nil || path != tt.path {
				t.Errorf("configPath = %q, %v; want %q", path, err, tt.path)
			}
			if errOut.String() != tt.stderr {
				t.Errorf("stderr %q, want %q", errOut.String(), tt.stderr)
			}
		})
	}
}

// With nothing trusted in reach there is no file and nothing to say but the refusals.
func TestConfigPathNone(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, config.FileName)
	if err := os.WriteFile(p, []byte("fail-on: never\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o666); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	var errOut bytes.Buffer
	path, err := configPath(&errOut, "", false, config.DefaultSearch())
	if err != nil || path != "" {
		t.Errorf("configPath = %q, %v; want none", path, err)
	}
	if want := "asaaudit: warning: ignoring " + p + ": writable by every user (mode 0666)\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
}
