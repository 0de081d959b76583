package cli

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/asaaudit/asaaudit/report"
)

// An output that is one of the run's inputs is refused before anything is written: the
// audited configuration, the baseline, the configuration file, evidence and change script
// survive, whatever name the output gives the same file.
func TestOutputIsAnInput(t *testing.T) {
	ev, err := os.ReadFile(fixtures + "evidence/seed-9x.show.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir := workdir(t, map[string]string{
		"cfg.yaml":   "fail-on: error\n",
		"ev.txt":     string(ev),
		"change.txt": "timeout udp 0:05:00\n",
		"sub/notes":  "a directory for ./sub/../fw.txt\n",
	})
	if err := os.Link("fw.txt", "hard.txt"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "fw.txt"), "sym.txt"); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "", nil, false, append([]string{"check", "--write-baseline", "base.json"}, append(seedArgs, "fw.txt")...)...); r.code != 0 {
		t.Fatalf("write baseline: exit %d %s", r.code, r.err)
	}
	tests := []struct {
		name string
		args []string
		want string // both files, as the message names them
	}{
		{"-o", []string{"-o", "fw.txt", "fw.txt"}, "--output fw.txt would overwrite fw.txt"},
		{"--format =FILE", []string{"--format", "sarif=fw.txt", "fw.txt"}, "--format sarif=fw.txt would overwrite fw.txt"},
		{"--write-baseline", []string{"--write-baseline", "fw.txt", "fw.txt"}, "--write-baseline fw.txt would overwrite fw.txt"},
		{"another spelling", []string{"-o", "./sub/../fw.txt", "fw.txt"}, "--output ./sub/../fw.txt would overwrite fw.txt"},
		{"absolute path", []string{"-o", filepath.Join(dir, "fw.txt"), "fw.txt"}, "would overwrite fw.txt"},
		{"hard link", []string{"-o", "hard.txt", "fw.txt"}, "--output hard.txt would overwrite fw.txt"},
		{"symbolic link", []string{"--format", "json=sym.txt", "fw.txt"}, "--format json=sym.txt would overwrite fw.txt"},
		{"second input", []string{"-o", "fw.txt", fixtures + "no-sip.txt", "fw.txt"}, "would overwrite fw.txt"},
		{"--baseline", []string{"--baseline", "base.json", "--format", "json=base.json", "fw.txt"}, "--format json=base.json would overwrite --baseline base.json"},
		{"--config", []string{"--config", "cfg.yaml", "-o", "cfg.yaml", "fw.txt"}, "--output cfg.yaml would overwrite --config cfg.yaml"},
		{"--evidence", []string{"--evidence", "ev.txt", "--format", "sarif=ev.txt", "fw.txt"}, "--format sarif=ev.txt would overwrite --evidence ev.txt"},
		{"--apply", []string{"--apply", "change.txt", "-o", "change.txt", "fw.txt"}, "--output change.txt would overwrite --apply change.txt"},
		{"two outputs", []string{"--format", "json=out.json", "--format", "sarif=./out.json", "fw.txt"}, "--format json=out.json and --format sarif=./out.json are the same file"},
	}
	before := map[string]string{}
	for _, name := range []string{"fw.txt", "base.json", "cfg.yaml", "ev.txt", "change.txt"} {
		before[name] = readFile(t, name)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, "", nil, false, append(append([]string{"check"}, seedArgs...), tt.args...)...)
			if r.code != report.ExitError || !strings.Contains(r.err, tt.want) || strings.Count(r.err, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", r.code, r.err, tt.want)
			}
			for name, content := range before {
				if readFile(t, name) != content {
					t.Errorf("%s was overwritten", name)
				}
			}
			if _, err := os.Stat("out.json"); err == nil {
				t.Error("out.json written although the run was refused")
			}
		})
	}
	// Regenerating the baseline a run reads is not overwriting an input: with
	// --write-baseline the baseline is not read.
	r := runCLI(t, "", nil, false, append([]string{"check", "--baseline", "base.json", "--write-baseline", "base.json"}, append(seedArgs, "fw.txt")...)...)
	if r.code != 0 {
		t.Errorf("regenerating the baseline: exit %d, stderr %q", r.code, r.err)
	}
	// Reading standard input and writing standard output through /dev is not a clash.
	r = runCLI(t, readFile(t, "fw.txt"), nil, false, append([]string{"check", "-o", "/dev/null"}, append(seedArgs, "-")...)...)
	if r.code != report.ExitFindings {
		t.Errorf("-o /dev/null: exit %d, stderr %q", r.code, r.err)
	}
}

// An output that cannot be written does not stop the others; the exit code says one failed,
// and stderr names it.
func TestOneOutputFails(t *testing.T) {
	workdir(t, map[string]string{})
	r := runCLI(t, "", nil, false, append([]string{"check", "--format", "json=missing/report.json", "--format", "sarif=ok.sarif",
		"--format", "text", "--write-baseline", "missing/base.json"}, append(seedArgs, "fw.txt")...)...)
	if r.code != report.ExitError {
		t.Errorf("exit %d, want 2", r.code)
	}
	for _, want := range []string{"json output: write missing/report.json: no such file or directory", "--write-baseline: write missing/base.json: no such file or directory"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr %q, want %q", r.err, want)
		}
	}
	if !strings.Contains(readFile(t, "ok.sarif"), `"ruleId": "SIP001"`) {
		t.Error("the sarif output was not written")
	}
	// The text report went to standard output, with the findings the baseline did not accept.
	if !strings.Contains(r.out, "SIP001") {
		t.Errorf("stdout %q", r.out)
	}
}

// writeFileAtomic replaces a file only once the new content is whole: a failure while
// writing (a full disk, a killed run) leaves the previous file, and no temporary file.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, []byte("previous report\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	full := errors.New("no space left on device")
	err := writeFileAtomic(path, permReport, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half a rep")
		return full
	})
	if !errors.Is(err, full) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v, want one naming %s", err, path)
	}
	if got := readFile(t, path); got != "previous report\n" {
		t.Errorf("after a failed write the file holds %q", got)
	}
	assertOnly(t, dir, "report.json")

	// A report replacing one keeps its mode; a new one is 0644, a device's file 0600 (less
	// the umask).
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := writeFileAtomic(path, permReport, write("new report\n")); err != nil {
		t.Fatal(err)
	}
	umask := fs.FileMode(syscall.Umask(0))
	syscall.Umask(int(umask))
	newReport, device := filepath.Join(dir, "new.sarif"), filepath.Join(dir, "fw1.txt")
	if err := writeFileAtomic(newReport, permReport, write("x")); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(device, permDevice, write("x")); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]fs.FileMode{path: 0o640, newReport: 0o644 &^ umask, device: 0o600 &^ umask} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", p, fi.Mode().Perm(), err, want)
		}
	}
	if got := readFile(t, path); got != "new report\n" {
		t.Errorf("file holds %q", got)
	}

	// A symbolic link is followed: the file it points at gets the content, the link stays.
	link := filepath.Join(dir, "latest.json")
	if err := os.Symlink("report.json", link); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(link, permReport, write("via link\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if got := readFile(t, path); got != "via link\n" {
		t.Errorf("linked file holds %q", got)
	}
	assertOnly(t, dir, "fw1.txt", "latest.json", "new.sarif", "report.json")

	// A device is written in place, never renamed over (this test may run as root).
	if err := writeFileAtomic(os.DevNull, permReport, write("discarded")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, fi.Mode(), err)
	}
	// A directory is an error naming it.
	if err := writeFileAtomic(dir, permReport, write("x")); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}

// assertOnly fails unless dir holds exactly names.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}
