package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/asasim"
	"github.com/asaaudit/asaaudit/report"
)

// countingProxy forwards loopback TCP connections to an emulator and counts them: a run
// that must not contact a firewall is one that opened no connection at all.
type countingProxy struct {
	ln    net.Listener
	conns atomic.Int32
}

func startProxy(t *testing.T, srv *asasim.Server, knownHosts string) *countingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{ln: ln}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.conns.Add(1)
			up, err := net.Dial("tcp", srv.Addr())
			if err != nil {
				c.Close()
				continue
			}
			wg.Add(2)
			go func() { defer wg.Done(); _, _ = io.Copy(up, c); up.Close() }()
			go func() { defer wg.Done(); _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	if err := asasim.WriteKnownHosts(knownHosts, p.Addr(), srv.HostKey()); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *countingProxy) Addr() string { return p.ln.Addr().String() }

// Everything local is checked before a firewall is contacted: a missing change script,
// configuration to compare, output directory or key, an unwritable --save, an output that
// would overwrite an input fail with exit 2 and the emulator sees no connection.
func TestLocalChecksBeforeLogin(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	srv := startSim(t, "no-sip.txt", "fw1", kh, asasim.Faults{})
	proxy := startProxy(t, srv, kh)
	host := proxy.Addr()
	aFile := filepath.Join(dir, "a-file")
	if err := os.WriteFile(aFile, []byte("x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	inv := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(inv, []byte("hosts:\n  - name: fw1\n    host: "+host+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"live --apply missing", []string{"live", "--host", host, "--apply", filepath.Join(missing, "change.txt")}, "missing/change.txt: no such file or directory"},
		{"diff live: missing", []string{"diff", "live:" + host, filepath.Join(missing, "proposed.txt")}, "missing/proposed.txt: no such file or directory"},
		{"diff live: not ASA", []string{"diff", "live:" + host, inv}, "inventory.yaml: no ASA configuration lines found"},
		{"live -o missing dir", []string{"live", "--host", host, "-o", filepath.Join(missing, "dir", "x")}, "--output: cannot write " + filepath.Join(missing, "dir", "x") + ": no such file or directory"},
		{"live --format =missing dir", []string{"live", "--host", host, "--format", "sarif=" + filepath.Join(missing, "x.sarif")}, "--format sarif=: cannot write"},
		{"live -o directory", []string{"live", "--host", host, "-o", dir}, "is a directory"},
		{"diff live: -o missing dir", []string{"diff", "-o", filepath.Join(missing, "x"), "live:" + host, fixtures + "no-sip.txt"}, "--output: cannot write"},
		{"live --write-baseline missing dir", []string{"live", "--host", host, "--write-baseline", filepath.Join(missing, "b.json")}, "--write-baseline: cannot write"},
		{"--save under a file", []string{"live", "--host", host, "--save", filepath.Join(aFile, "saved")}, "--save " + filepath.Join(aFile, "saved") + ": not a directory"},
		{"--save is a file", []string{"live", "--host", host, "--save", aFile}, "not a directory"},
		{"--save missing parents", []string{"live", "--host", host, "--save", filepath.Join(missing, "a", "saved")}, "does not exist; --save creates the directory but not its parents"},
		{"--ssh-key missing", []string{"live", "--host", host, "--ssh-key", filepath.Join(missing, "id")}, "--ssh-key: " + filepath.Join(missing, "id") + ": no such file or directory"},
		{"-o the inventory", []string{"live", "--inventory", inv, "-o", inv}, "--output " + inv + " would overwrite --inventory " + inv},
		{"-o the known_hosts", []string{"live", "--host", host, "--format", "json=" + kh}, "would overwrite --known-hosts " + kh},
		{"diff -o AFTER", []string{"diff", "-o", inv, "live:" + host, inv}, "--output " + inv + " would overwrite " + inv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runLiveCLI(t, liveEnv(simPassword), append(tt.args, "--known-hosts", kh, "--timeout", "10s")...)
			if r.code != report.ExitError || !strings.Contains(r.err, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.err, tt.want)
			}
			if n := proxy.conns.Load(); n != 0 {
				t.Errorf("the firewall was contacted %d time(s)", n)
			}
			if got := srv.Transcript(); len(got) != 0 {
				t.Errorf("the firewall received %q", got)
			}
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("%s was created", missing)
	}
	// The proxy works: the same run with the files in order logs in once.
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--host", host, "--known-hosts", kh, "--save", filepath.Join(dir, "saved"))
	if r.code != report.ExitFindings || proxy.conns.Load() != 1 {
		t.Errorf("exit %d, %d connection(s), stderr %q", r.code, proxy.conns.Load(), r.err)
	}
}

// Two hosts with one name are refused before any connection, naming both places.
func TestDuplicateHostNames(t *testing.T) {
	dir := t.TempDir()
	inv := filepath.Join(dir, "inv.yaml")
	src := "defaults:\n  user: audit\nhosts:\n  - name: fw1\n    host: 127.0.0.1\n    port: 1\n  - host: 127.0.0.2\n  - name: fw1\n    host: 127.0.0.3\n"
	if err := os.WriteFile(inv, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	unnamed := filepath.Join(dir, "unnamed.yaml")
	if err := os.WriteFile(unnamed, []byte("hosts:\n  - host: 127.0.0.1\n    port: 1\n  - host: 127.0.0.1\n    port: 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--inventory", inv}, `two hosts named "fw1", at ` + inv + ":4 and " + inv + ":8"},
		{[]string{"--host", "127.0.0.1:1", "--host", "127.0.0.1:1"}, `two hosts named "127.0.0.1:1", at --host 127.0.0.1:1 and --host 127.0.0.1:1`},
		{[]string{"--host", "127.0.0.2", "--inventory", inv}, `two hosts named "127.0.0.2", at --host 127.0.0.2 and ` + inv + ":7"},
		{[]string{"--inventory", unnamed}, `two hosts named "127.0.0.1", at ` + unnamed + ":2 and " + unnamed + ":4"},
	}
	for _, tt := range tests {
		r := runLiveCLI(t, liveEnv(simPassword), append([]string{"live", "--timeout", "2s"}, tt.args...)...)
		if r.code != report.ExitError || !strings.Contains(r.err, tt.want) || strings.Count(r.err, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %q", tt.args, r.code, r.err, tt.want)
		}
	}
}

// Names that make the same file name (fw/a and fw_a, FW1 and fw1, a host x.show beside x)
// or that try to leave the directory get files of their own inside it, in target order.
func TestSaveNames(t *testing.T) {
	dir := filepath.Join("out", "saved")
	n := newSaveNames(dir, nil)
	targets := []string{"fw_a", "fw/a", "../../x", "x.show", "x", "FW1", "fw1", "fw1/voice", "fw1_voice", "", strings.Repeat("y", 300), strings.Repeat("y", 301)}
	want := []string{"fw_a", "fw_a-2", "_._.._x", "x.show", "x-2", "FW1", "fw1-2", "fw1_voice", "fw1_voice-2", "_", strings.Repeat("y", maxStem), strings.Repeat("y", maxStem) + "-2"}
	seen := map[string]bool{}
	for i, target := range targets {
		got := n.stem(target)
		if got != want[i] {
			t.Errorf("stem(%q) = %q, want %q", target, got, want[i])
		}
		for _, p := range []string{n.config(target), n.show(target)} {
			if filepath.Dir(p) != dir {
				t.Errorf("%q: %s is outside %s", target, p, dir)
			}
			if seen[strings.ToLower(p)] {
				t.Errorf("%q: %s handed out twice", target, p)
			}
			seen[strings.ToLower(p)] = true
		}
	}
	if n.stem("fw/a") != "fw_a-2" {
		t.Error("a target's name changed on the second call")
	}
}

// live --save with colliding names writes each host's configuration to its own file, and
// the report points each target at the file holding its configuration.
func TestLiveSaveCollidingNames(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	names := []string{"fw/a", "fw_a", "../../x", "FW_A"}
	var inv strings.Builder
	inv.WriteString("defaults:\n  user: " + simUser + "\nhosts:\n")
	src, err := os.ReadFile(fixtures + "no-sip.txt")
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		cfg := strings.Replace(string(src), "hostname ciscoasa", fmt.Sprintf("hostname host%d", i), 1)
		srv := startDevice(t, asasim.Device{Hostname: fmt.Sprintf("host%d", i), Config: cfg}, kh, asasim.Faults{})
		fmt.Fprintf(&inv, "  - name: %q\n    host: 127.0.0.1\n    port: %d\n", name, srv.Port())
	}
	invPath := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(invPath, []byte(inv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	save := filepath.Join(dir, "saved")
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--inventory", invPath, "--known-hosts", kh, "--save", save, "--no-evidence", "--format", "json", "--workers", "4")
	if r.code != report.ExitFindings {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	var doc report.Report
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Targets) != len(names) {
		t.Fatalf("targets %+v", doc.Targets)
	}
	files := map[string]bool{}
	for i, tg := range doc.Targets {
		if filepath.Dir(tg.Target) != save || files[strings.ToLower(tg.Target)] {
			t.Errorf("target %d saved as %s", i, tg.Target)
		}
		files[strings.ToLower(tg.Target)] = true
		want := fmt.Sprintf("host%d", i)
		if tg.Hostname != want || !strings.Contains(mustRead(t, tg.Target), "hostname "+want+"\n") {
			t.Errorf("target %s: hostname %q, want %s in the report and in the file", tg.Target, tg.Hostname, want)
		}
	}
	for _, f := range doc.Findings {
		if !files[strings.ToLower(f.File)] {
			t.Errorf("finding names %s, not a saved file", f.File)
		}
	}
	entries, _ := os.ReadDir(save)
	if len(entries) != len(names) {
		t.Errorf("%s holds %d files, want %d", save, len(entries), len(names))
	}
	for _, e := range entries {
		if fi, err := e.Info(); err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v, want no access for group and others", e.Name(), fi.Mode())
		}
	}
}

// interruptedFleet runs live on three firewalls one at a time, the second of which hangs in
// the middle of its running-config, and calls interrupt once it does; it returns the run's
// result, the save directory, and the number of connections the third firewall saw.
func interruptedFleet(t *testing.T, interrupt func(cancel context.CancelFunc)) (result, string, int32) {
	t.Helper()
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	fw1 := startSim(t, "no-sip.txt", "fw1", kh, asasim.Faults{})
	fw2 := startSim(t, "no-sip.txt", "fw2", kh, asasim.Faults{HangAfterBytes: 300})
	fw3 := startProxy(t, startSim(t, "no-sip.txt", "fw3", kh, asasim.Faults{}), kh)
	save := filepath.Join(dir, "saved")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	env := liveEnv(simPassword)
	s := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut,
		Getenv: func(k string) string { return env[k] },
		Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	done := make(chan int)
	go func() {
		done <- mainContext(ctx, []string{"live", "--workers", "1", "--timeout", "60s", "--known-hosts", kh, "--save", save, "--format", "json",
			"--host", fw1.Addr(), "--host", fw2.Addr(), "--host", fw3.Addr()}, s)
	}()
	// fw2 has been asked for its configuration, which it never finishes sending.
	deadline := time.Now().Add(20 * time.Second)
	for !slices.Contains(fw2.Transcript(), "show running-config") {
		if time.Now().After(deadline) {
			t.Fatalf("fw2 was never asked for its configuration; stderr %q", errOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	interrupt(cancel)
	var code int
	select {
	case code = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the run did not stop after the interrupt")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the run took %v to stop, far more than closing a session", d)
	}
	return result{out.String(), errOut.String(), code}, save, fw3.conns.Load()
}

// checkInterrupted asserts what an interrupted run leaves: the host done saved and
// reported, the others in errors, the third never contacted, the report marked.
func checkInterrupted(t *testing.T, r result, save string, fw3Conns int32) {
	t.Helper()
	if r.code != report.ExitInterrupted {
		t.Errorf("exit %d, want %d; stderr %q", r.code, report.ExitInterrupted, r.err)
	}
	if !strings.Contains(r.err, "interrupted: 1 of 3 host(s) collected") {
		t.Errorf("stderr %q", r.err)
	}
	if fw3Conns != 0 {
		t.Errorf("fw3 was contacted after the interrupt (%d connection(s))", fw3Conns)
	}
	var doc report.Report
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("%v in %q", err, r.out)
	}
	if !doc.Summary.Interrupted || doc.Summary.ExitCode != report.ExitInterrupted {
		t.Errorf("summary %+v, want interrupted and exitCode %d", doc.Summary, report.ExitInterrupted)
	}
	if len(doc.Targets) != 1 || !strings.Contains(mustRead(t, doc.Targets[0].Target), "hostname ciscoasa") || len(doc.Findings) == 0 {
		t.Errorf("targets %+v, %d finding(s): want fw1's, from its saved file", doc.Targets, len(doc.Findings))
	}
	if len(doc.Errors) != 2 || !strings.Contains(doc.Errors[0].Message, "canceled") || !strings.Contains(doc.Errors[1].Message, "canceled") {
		t.Errorf("errors %+v, want fw2 and fw3 canceled", doc.Errors)
	}
	if entries, _ := os.ReadDir(save); len(entries) != 2 {
		t.Errorf("saved %d file(s), want fw1's configuration and evidence", len(entries))
	}
}

// Canceling the run's context, as a signal does, stops live: the host under way is closed,
// no other is started, and what was collected is saved and reported, marked interrupted.
func TestLiveInterrupted(t *testing.T) {
	r, save, n := interruptedFleet(t, func(cancel context.CancelFunc) { cancel() })
	checkInterrupted(t, r, save, n)
}

// A real SIGINT reaches live through its signal handler (the test process is the one that
// receives it: were the handler not installed, the test binary would die here).
func TestLiveSIGINT(t *testing.T) {
	r, save, n := interruptedFleet(t, func(context.CancelFunc) {
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
	})
	checkInterrupted(t, r, save, n)
}

// A --save file never takes the name of a file the run reads: the change script given to
// --apply inside DIR survives, and the configuration is saved beside it.
func TestLiveSaveSparesInputs(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	srv := startSim(t, "no-sip.txt", "fw1", kh, asasim.Faults{})
	save := filepath.Join(dir, "saved")
	if err := os.Mkdir(save, 0o700); err != nil {
		t.Fatal(err)
	}
	stem := strings.ReplaceAll(srv.Addr(), ":", "_")
	script := filepath.Join(save, stem+".txt")
	const change = "timeout udp 0:05:00\n"
	if err := os.WriteFile(script, []byte(change), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--host", srv.Addr(), "--known-hosts", kh, "--save", save, "--apply", script, "--format", "json")
	if r.code != report.ExitClean && r.code != report.ExitFindings {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	if got := mustRead(t, script); got != change {
		t.Errorf("the change script was overwritten: %q", got)
	}
	if !strings.Contains(mustRead(t, filepath.Join(save, stem+"-2.txt")), "hostname ciscoasa") {
		t.Error("the configuration was not saved beside the script")
	}
}
