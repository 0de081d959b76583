package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/asasim"
	"github.com/asaaudit/asaaudit/report"
)

// counting is standard input that holds n bytes of b and counts what was read of it.
type counting struct {
	r    io.Reader
	read int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

func repeatReader(b byte, n int64) *counting {
	return &counting{r: io.LimitReader(zeroOr(b), n)}
}

type zeroOr byte

func (z zeroOr) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(z)
	}
	return len(p), nil
}

// runWith runs the CLI with stdin and env, and fails the test if it does not finish within
// a minute (an unbounded read would not).
func runWith(t *testing.T, stdin io.Reader, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	s := &IOStreams{In: stdin, Out: &out, ErrOut: &errOut,
		Getenv: func(k string) string { return env[k] },
		Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	done := make(chan int, 1)
	go func() { done <- Main(args, s) }()
	select {
	case code := <-done:
		return result{out.String(), errOut.String(), code}
	case <-time.After(time.Minute):
		t.Fatalf("%q did not finish within a minute", args)
	}
	return result{}
}

// Every file a user names that is read whole is bounded and checked for binary data at its
// first bytes: NULs, a file past the bound and /dev/zero are one line naming the file, exit 2.
func TestNamedInputsBounded(t *testing.T) {
	dir := t.TempDir()
	nul := filepath.Join(dir, "nul")
	if err := os.WriteFile(nul, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	// Sparse: 128 MiB that use no disk, past the 64 MiB and 1 MiB bounds.
	big := filepath.Join(dir, "big")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(128 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cfg := fixtures + "factory-default.txt"
	env := map[string]string{"ASAAUDIT_PASSWORD": "x", "ASAAUDIT_USERNAME": "u"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"baseline binary", []string{"check", "--baseline", nul, cfg}, "asaaudit: baseline " + nul + ": binary data (NUL bytes), not a baseline file\n"},
		{"baseline large", []string{"check", "--baseline", big, cfg}, "asaaudit: baseline " + big + ": larger than 64 MiB, too large for a baseline file\n"},
		{"baseline /dev/zero", []string{"check", "--baseline", "/dev/zero", cfg}, "asaaudit: baseline /dev/zero: binary data (NUL bytes), not a baseline file\n"},
		{"config binary", []string{"check", "--config", nul, cfg}, "asaaudit: config " + nul + ": binary data (NUL bytes), not a configuration file (.asaaudit.yaml)\n"},
		{"config large", []string{"check", "--config", big, cfg}, "asaaudit: config " + big + ": larger than 64 MiB, too large for a configuration file (.asaaudit.yaml)\n"},
		{"config /dev/zero", []string{"check", "--config", "/dev/zero", cfg}, "asaaudit: config /dev/zero: binary data (NUL bytes), not a configuration file (.asaaudit.yaml)\n"},
		{"ssh key large", []string{"live", "--config", os.DevNull, "--host", "127.0.0.1:1", "--ssh-key", big}, "asaaudit: --ssh-key: " + big + ": larger than 1 MiB, too large for a private key file\n"},
		{"ssh key /dev/zero", []string{"live", "--config", os.DevNull, "--host", "127.0.0.1:1", "--ssh-key", "/dev/zero"}, "asaaudit: --ssh-key: /dev/zero: binary data (NUL bytes), not a private key file\n"},
		{"diff ssh key /dev/zero", []string{"diff", "--config", os.DevNull, "--ssh-key", "/dev/zero", "live:127.0.0.1:1", cfg}, "asaaudit: --ssh-key: /dev/zero: binary data (NUL bytes), not a private key file\n"},
		{"inventory /dev/zero", []string{"live", "--config", os.DevNull, "--inventory", "/dev/zero"}, "asaaudit: inventory /dev/zero: binary data (NUL bytes), not an inventory file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runWith(t, strings.NewReader(""), env, tt.args...)
			if r.code != report.ExitError || r.err != tt.want {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.err, tt.want)
			}
		})
	}
}

// --password-stdin reads one line of at most 4 KiB: an endless or binary standard input is
// refused after reading about that much, before any firewall is contacted.
func TestPasswordStdinBounded(t *testing.T) {
	env := map[string]string{"ASAAUDIT_USERNAME": "u"}
	for _, tt := range []struct {
		name string
		in   *counting
		want string
	}{
		{"long line", repeatReader('a', 256<<20), "asaaudit: --password-stdin: the first line is longer than 4096 bytes\n"},
		{"zeros", repeatReader(0, 256<<20), "asaaudit: --password-stdin: the first line is longer than 4096 bytes\n"},
		{"NUL in the line", &counting{r: strings.NewReader("pass\x00word\n")}, "asaaudit: --password-stdin: binary data (NUL bytes) in the first line\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runWith(t, tt.in, env, "live", "--config", os.DevNull, "--host", "127.0.0.1:1", "--password-stdin", "--timeout", "2s")
			if r.code != report.ExitError || r.err != tt.want {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.err, tt.want)
			}
			if tt.in.read > 64<<10 {
				t.Errorf("read %d bytes of standard input for a password", tt.in.read)
			}
		})
	}
}

// Values that cannot be meant are usage errors naming the flag, found before any
// credential is asked for or any firewall contacted: not replaced by a default in silence,
// nor passed to the resolver.
func TestFlagValues(t *testing.T) {
	live := []string{"live", "--config", os.DevNull, "--host", "127.0.0.1:1"}
	cfg := fixtures + "factory-default.txt"
	tests := []struct {
		args []string
		want string
	}{
		{append(live, "--timeout", "0s"), "asaaudit: --timeout 0s: want a positive duration, e.g. 30s\n"},
		{append(live, "--timeout", "-5s"), "asaaudit: --timeout -5s: want a positive duration, e.g. 30s\n"},
		{append(live, "--port", "0"), "asaaudit: --port 0: want a TCP port, 1 to 65535\n"},
		{append(live, "--port", "70000"), "asaaudit: --port 70000: want a TCP port, 1 to 65535\n"},
		{append(live, "--workers", "0"), "asaaudit: --workers 0: want at least 1\n"},
		{append(live, "--workers", "-3"), "asaaudit: --workers -3: want at least 1\n"},
		{[]string{"live", "--config", os.DevNull, "--host", "fw1:99999"}, "asaaudit: --host fw1:99999: port \"99999\": want a TCP port, 1 to 65535\n"},
		{[]string{"diff", "--config", os.DevNull, "live:fw1:99999", cfg}, "asaaudit: diff: live:fw1:99999: port \"99999\": want a TCP port, 1 to 65535\n"},
		{[]string{"diff", "--config", os.DevNull, "live:fw1:0", cfg}, "asaaudit: diff: live:fw1:0: port \"0\": want a TCP port, 1 to 65535\n"},
		{[]string{"diff", "--config", os.DevNull, "--timeout", "0s", "live:fw1", cfg}, "asaaudit: --timeout 0s: want a positive duration, e.g. 30s\n"},
		{[]string{"diff", "--config", os.DevNull, "--password-stdin", "live:fw1", "-"}, "asaaudit: diff: --password-stdin and AFTER - both read standard input; give AFTER as a file\n"},
		{append(live, "--password-stdin", "--apply", "-"), "asaaudit: --password-stdin and --apply - both read standard input; give the change script as a file\n"},
		{[]string{"check", "--config", os.DevNull, "-", "-"}, "asaaudit: check: standard input (-) can be given once\n"},
		{[]string{"check", "--config", os.DevNull, cfg, "-", cfg, "-"}, "asaaudit: check: standard input (-) can be given once\n"},
	}
	inv := filepath.Join(t.TempDir(), "inv.yaml")
	if err := os.WriteFile(inv, []byte("hosts:\n  - host: fw1\n  - host: fw2:99999\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	invPort := filepath.Join(t.TempDir(), "inv.yaml")
	if err := os.WriteFile(invPort, []byte("hosts:\n  - host: fw1\n    port: 70000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests = append(tests, []struct {
		args []string
		want string
	}{
		{[]string{"live", "--config", os.DevNull, "--inventory", inv}, "asaaudit: " + inv + ":3: fw2:99999: port \"99999\": want a TCP port, 1 to 65535\n"},
		{[]string{"live", "--config", os.DevNull, "--inventory", invPort}, "asaaudit: inventory " + invPort + ": hosts[0] port 70000: want a TCP port, 1 to 65535\n"},
	}...)
	for _, tt := range tests {
		r := runWith(t, strings.NewReader(""), map[string]string{"ASAAUDIT_USERNAME": "u"}, tt.args...)
		if r.code != report.ExitError || r.err != tt.want {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.err, tt.want)
		}
	}
}

// splitHostPort: a port is a number from 1 to 65535; IPv6 addresses with and without one.
func TestSplitHostPort(t *testing.T) {
	for _, tt := range []struct {
		in   string
		host string
		port int
		err  bool
	}{
		{"fw1", "fw1", 0, false},
		{"fw1:2222", "fw1", 2222, false},
		{"2001:db8::1", "2001:db8::1", 0, false},
		{"[2001:db8::1]:22", "2001:db8::1", 22, false},
		{"[::1]", "::1", 0, false},
		{"fw1:", "", 0, true},
		{"fw1:ssh", "", 0, true},
		{"fw1:+22", "", 0, true},
		{"fw1:65536", "", 0, true},
		{"[::1]x:22", "", 0, true},
	} {
		host, port, err := splitHostPort(tt.in)
		if (err != nil) != tt.err || !tt.err && (host != tt.host || port != tt.port) {
			t.Errorf("splitHostPort(%q) = %q, %d, %v", tt.in, host, port, err)
		}
	}
}

// A --known-hosts file named on the command line that does not exist is said to be missing,
// before any firewall is contacted; the default ~/.ssh/known_hosts may be missing, and then
// the host is reported as unknown, with the command that adds it.
func TestKnownHostsMissing(t *testing.T) {
	dir := t.TempDir()
	srv := startSim(t, "factory-default.txt", "fw1", filepath.Join(dir, "known_hosts"), asasim.Faults{})
	missing := filepath.Join(dir, "nope")
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--config", os.DevNull, "--host", srv.Addr(), "--known-hosts", missing)
	if want := "asaaudit: --known-hosts: " + missing + ": no such file or directory\n"; r.code != report.ExitError || r.err != want {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.err, want)
	}
	if n := len(srv.Transcript()); n != 0 {
		t.Errorf("%d commands sent with a missing --known-hosts", n)
	}
	t.Setenv("HOME", dir) // no .ssh/known_hosts there
	r = runLiveCLI(t, liveEnv(simPassword), "live", "--config", os.DevNull, "--host", srv.Addr(), "--timeout", "10s")
	if want := "is not in " + filepath.Join(dir, ".ssh", "known_hosts"); r.code != report.ExitError || !strings.Contains(r.err, want) {
		t.Errorf("default known_hosts missing: exit %d, stderr %q; want exit 2 and %q", r.code, r.err, want)
	}
}

// A line of the running-config that looks exactly like the prompt does not cut the
// configuration: live reads past it and says so on stderr.
func TestLivePromptLineWarns(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	cfg, err := os.ReadFile(fixtures + "factory-default.txt")
	if err != nil {
		t.Fatal(err)
	}
	// Comment lines before "fw1#" so that it ends the emulator's third 512-byte chunk,
	// counting the CRLF each line has on the wire: a read can end right after it.
	const end = 3 * 512
	var pad strings.Builder
	for n := end - len("fw1#"); n > 0; {
		k := min(n, 62) - 2
		pad.WriteString(strings.Repeat("!", k) + "\n")
		n -= k + 2
	}
	head := pad.String() + "fw1#"
	if n := len(head) + strings.Count(head, "\n"); n != end {
		t.Fatalf("prompt-like line ends at byte %d, want %d", n, end)
	}
	srv := startDevice(t, asasim.Device{Hostname: "fw1", Config: head + "\n" + string(cfg)}, kh, asasim.Faults{SlowOutput: 100 * time.Millisecond})
	save := filepath.Join(dir, "saved")
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--config", os.DevNull, "--host", srv.Addr(), "--known-hosts", kh, "--no-evidence", "--save", save)
	want := "asaaudit: warning: " + srv.Addr() + `: "show running-config": line `
	if !strings.Contains(r.err, want) || !strings.Contains(r.err, `looks exactly like the prompt ("fw1#")`) {
		t.Errorf("stderr %q; want a warning starting %q", r.err, want)
	}
	saved, err := os.ReadFile(filepath.Join(save, strings.NewReplacer(":", "_").Replace(srv.Addr())+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(bytes.TrimSpace(saved), bytes.TrimSpace(cfg[len(cfg)-200:])) {
		t.Errorf("the saved configuration does not end as the device's does: cut at the prompt-like line?\n%s", saved[max(0, len(saved)-300):])
	}
}
