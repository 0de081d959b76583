package input

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "fw1.txt")
	if err := os.WriteFile(file, []byte("hostname fw1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Open(file, "a configuration file")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, tt := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.txt"), filepath.Join(dir, "missing.txt") + ": no such file or directory"},
		{dir, dir + ": is a directory, not a configuration file"},
	} {
		if _, err := Open(tt.path, "a configuration file"); err == nil || err.Error() != tt.want {
			t.Errorf("Open(%q) error %v, want %q", tt.path, err, tt.want)
		}
	}
}
