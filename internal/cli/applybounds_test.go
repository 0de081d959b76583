package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check --apply reads the configuration whole (to simulate the change on it): a binary
// stream is refused at once, naming the file, not read until memory runs out.
func TestApplyConfigBounded(t *testing.T) {
	script := filepath.Join(t.TempDir(), "change.txt")
	if err := os.WriteFile(script, []byte("configure terminal\ntimeout sip 0:30:00\nend\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", nil, false, "check", "--config", os.DevNull, "/dev/zero", "--apply", script)
	if r.code != 2 || !strings.Contains(r.err, "/dev/zero: binary data") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming /dev/zero as binary data", r.code, r.err)
	}
}
