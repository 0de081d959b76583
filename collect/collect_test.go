package collect

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/asaaudit/asaaudit/asasim"
)

const (
	testUser     = "auditor"
	testPassword = "Sup3r-Login-Pw!"
	testEnable   = "En4ble-Secret#9"
)

// testConfig is an ASA running-config big enough to be sent in many chunks, with the things that
// must survive byte for byte: trailing blanks, an "ERROR:" inside a banner, blank lines.
var testConfig = func() string {
	var b strings.Builder
	b.WriteString(": Saved\n:\n: Serial Number: JAD21280ABC\n: Hardware:   ASA5516, 8192 MB RAM\n:\nASA Version 9.8(4) \n!\nhostname fw1\n")
	b.WriteString("enable password 8Ry2YjIyt7RRXU24 encrypted\nnames\n!\n")
	b.WriteString("interface GigabitEthernet1/1\n nameif outside\n security-level 0\n ip address 203.0.113.2 255.255.255.0 \n!\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "access-list outside_in extended permit udp any host 203.0.113.%d eq sip \n", i%250+1)
	}
	b.WriteString("banner motd ERROR: authorised users only\n\n")
	b.WriteString("policy-map global_policy\n class inspection_default\n  inspect sip  \n!\nservice-policy global_policy global\n")
	b.WriteString("prompt hostname context \n: end\n")
	return b.String()
}()

type fixture struct {
	srv        *asasim.Server
	knownHosts string
	target     Target
	opts       Options
}

// newFixture starts an emulator (with mod applied to its options) and a known_hosts file that
// trusts it.
func newFixture(t testing.TB, mod func(*asasim.Options)) *fixture {
	t.Helper()
	o := asasim.Options{
		Addr:     "127.0.0.1:0",
		Username: testUser,
		Password: testPassword,
		Banner:   "Authorised access only.\nDisconnect now if you are not.",
		Device: asasim.Device{
			Hostname:       "fw1",
			Config:         testConfig,
			EnablePassword: testEnable,
		},
	}
	if mod != nil {
		mod(&o)
	}
	srv, err := asasim.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	kh := filepath.Join(t.TempDir(), "known_hosts")
	if err := asasim.WriteKnownHosts(kh, srv.Addr(), srv.HostKey()); err != nil {
		t.Fatal(err)
	}
	return &fixture{
		srv:        srv,
		knownHosts: kh,
		target: Target{
			Name:           "fw1",
			Host:           "127.0.0.1",
			Port:           srv.Port(),
			Username:       testUser,
			Password:       testPassword,
			EnablePassword: testEnable,
		},
		opts: Options{Timeout: 10 * time.Second, KnownHostsFile: kh},
	}
}

// checkHygiene asserts the invariants of every run: the emulator saw only allowlisted commands,
// never "configure terminal", and no password leaks into the Result.
func checkHygiene(t *testing.T, f *fixture, r Result) {
	t.Helper()
	for _, line := range f.srv.Transcript() {
		if line == "<password>" { // the emulator's stand-in for a line typed at Password:
			continue
		}
		if err := Allowed(line); err != nil {
			t.Errorf("emulator received a command that is not allowed: %q (%v)", line, err)
		}
		if fl := strings.Fields(strings.ToLower(line)); len(fl) > 0 && strings.HasPrefix(fl[0], "conf") {
			t.Errorf("emulator received %q", line)
		}
	}
	for _, c := range r.Sent {
		if err := Allowed(c); err != nil {
			t.Errorf("Sent has %q which is not allowed", c)
		}
	}
	dump := fmt.Sprintf("%#v %v %q", r, r.Err, r.Sent)
	for _, pw := range []string{testPassword, testEnable, "wrong-enable", "wrong-login"} {
		if strings.Contains(dump, pw) {
			t.Errorf("a password appears in the Result: %s", pw)
		}
	}
	if r.Err != nil && strings.Contains(r.Err.Error(), "\n") {
		t.Errorf("error is not one line: %q", r.Err)
	}
}

func TestCollectClean(t *testing.T) {
	f := newFixture(t, func(o *asasim.Options) {
		o.Device.Outputs = map[string]string{"show service-policy inspect sip": "Global policy: \n  Service-policy: global_policy\n    Class-map: inspection_default\n      Inspect: sip , packet 12, lock fail 0, drop 0, reset-drop 0\n"}
	})
	f.opts.Commands = []string{"show service-policy inspect sip", "show version"}
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err != nil {
		t.Fatalf("Collect: %v", r.Err)
	}
	if string(r.Config) != testConfig {
		t.Errorf("config differs from the served one (%d vs %d bytes)\n%s", len(r.Config), len(testConfig), firstDiff(string(r.Config), testConfig))
	}
	if r.Version != "9.8(4)" || r.Hostname != "fw1" || r.Target != "fw1" {
		t.Errorf("Version %q Hostname %q Target %q", r.Version, r.Hostname, r.Target)
	}
	if got := r.Outputs["show service-policy inspect sip"]; !strings.Contains(got, "Inspect: sip , packet 12") || strings.Contains(got, "fw1#") {
		t.Errorf("extra output = %q", got)
	}
	if !strings.Contains(r.Outputs["show version"], "Software Version 9.8(4)") {
		t.Errorf("show version output missing from Outputs")
	}
	want := []string{"enable", "terminal pager 0", "show version", "show running-config", "show service-policy inspect sip"}
	if strings.Join(r.Sent, "|") != strings.Join(want, "|") {
		t.Errorf("Sent = %q, want %q", r.Sent, want)
	}
	// The emulator saw exactly these lines (plus the enable secret), in this order.
	wantT := []string{"enable", "<password>", "terminal pager 0", "show version", "show running-config", "show service-policy inspect sip"}
	if got := f.srv.Transcript(); strings.Join(got, "|") != strings.Join(wantT, "|") {
		t.Errorf("Transcript = %q, want %q", got, wantT)
	}
}

func TestCollectMultiContextPromptAndEmptyEnable(t *testing.T) {
	f := newFixture(t, func(o *asasim.Options) {
		o.Device.Hostname = "fw1/admin"
		o.Device.EnablePassword = ""
		o.Banner = ""
	})
	f.target.EnablePassword = ""
	f.target.Name = ""
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err != nil {
		t.Fatalf("Collect: %v", r.Err)
	}
	if string(r.Config) != testConfig {
		t.Errorf("config differs\n%s", firstDiff(string(r.Config), testConfig))
	}
	if r.Target != "127.0.0.1" {
		t.Errorf("Target defaults to Host: got %q", r.Target)
	}
	if r.Hostname != "fw1/admin" {
		t.Errorf("Hostname = %q", r.Hostname)
	}
}

func TestCollectPublicKeyAuth(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	blk, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(blk), 0o600); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(o *asasim.Options) {
		o.Password = ""
		o.AuthorizedKeys = []ssh.PublicKey{sshPub}
	})
	f.target.Password = ""
	f.target.KeyFile = keyFile
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err != nil {
		t.Fatalf("Collect: %v", r.Err)
	}
	if string(r.Config) != testConfig {
		t.Errorf("config differs")
	}
}

func TestCollectWrongPassword(t *testing.T) {
	f := newFixture(t, nil)
	f.target.Password = "wrong-login"
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if !errors.Is(r.Err, ErrAuth) {
		t.Fatalf("Err = %v, want ErrAuth", r.Err)
	}
	if !strings.HasPrefix(r.Err.Error(), "fw1: authentication failed for user auditor") {
		t.Errorf("Err = %q", r.Err)
	}
	if len(r.Sent) != 0 || len(f.srv.Transcript()) != 0 {
		t.Errorf("something was sent: %q %q", r.Sent, f.srv.Transcript())
	}
}

func TestCollectWrongEnablePassword(t *testing.T) {
	f := newFixture(t, nil)
	f.target.EnablePassword = "wrong-enable"
	start := time.Now()
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if !errors.Is(r.Err, ErrEnable) {
		t.Fatalf("Err = %v, want ErrEnable", r.Err)
	}
	if !strings.Contains(r.Err.Error(), "enable password rejected") {
		t.Errorf("Err = %q", r.Err)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("took %v: a rejected enable password must not wait for the timeout", time.Since(start))
	}
	// One attempt only, then nothing else.
	if got := f.srv.Transcript(); strings.Join(got, "|") != "enable|<password>" {
		t.Errorf("Transcript = %q", got)
	}
	if r.Config != nil {
		t.Errorf("config collected without privileged mode")
	}
}

func TestCollectUnknownHostKey(t *testing.T) {
	f := newFixture(t, nil)
	other, _ := asasim.GenerateHostKey()
	kh := filepath.Join(t.TempDir(), "known_hosts")
	// The file exists but knows only another host.
	if err := asasim.WriteKnownHosts(kh, "127.0.0.2:22", other.PublicKey()); err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string]string{"not listed": kh, "no file": filepath.Join(t.TempDir(), "missing")} {
		t.Run(name, func(t *testing.T) {
			o := f.opts
			o.KnownHostsFile = file
			r := Collect(context.Background(), f.target, o)
			checkHygiene(t, f, r)
			if !errors.Is(r.Err, ErrHostKeyUnknown) {
				t.Fatalf("Err = %v, want ErrHostKeyUnknown", r.Err)
			}
			msg := r.Err.Error()
			want := fmt.Sprintf("fw1: host key for 127.0.0.1:%d is not in %s; verify it and add it (ssh-keyscan -p %d 127.0.0.1 >> ", f.srv.Port(), file, f.srv.Port())
			if !strings.HasPrefix(msg, want) || !strings.Contains(msg, "or pass --known-hosts FILE") ||
				!strings.Contains(msg, ssh.FingerprintSHA256(f.srv.HostKey())) {
				t.Errorf("Err = %q\nwant prefix %q", msg, want)
			}
			if len(f.srv.Transcript()) != 0 {
				t.Errorf("commands were sent to an unverified host")
			}
		})
	}
}

func TestCollectChangedHostKey(t *testing.T) {
	f := newFixture(t, nil)
	other, _ := asasim.GenerateHostKey()
	kh := filepath.Join(t.TempDir(), "known_hosts")
	if err := asasim.WriteKnownHosts(kh, f.srv.Addr(), other.PublicKey()); err != nil {
		t.Fatal(err)
	}
	o := f.opts
	o.KnownHostsFile = kh
	r := Collect(context.Background(), f.target, o)
	checkHygiene(t, f, r)
	if !errors.Is(r.Err, ErrHostKeyChanged) {
		t.Fatalf("Err = %v, want ErrHostKeyChanged", r.Err)
	}
	msg := r.Err.Error()
	if !strings.Contains(msg, "CHANGED") || !strings.Contains(msg, "man-in-the-middle") || !strings.Contains(msg, kh) {
		t.Errorf("Err = %q", msg)
	}
	if len(f.srv.Transcript()) != 0 {
		t.Errorf("commands were sent to a host with a changed key")
	}

	// The same file with InsecureIgnoreHostKey: the key is not checked at all.
	o.InsecureIgnoreHostKey = true
	r = Collect(context.Background(), f.target, o)
	checkHygiene(t, f, r)
	if r.Err != nil || string(r.Config) != testConfig {
		t.Fatalf("InsecureIgnoreHostKey: Err = %v", r.Err)
	}
}

func TestCollectInsecureIgnoreHostKey(t *testing.T) {
	f := newFixture(t, nil)
	o := f.opts
	o.KnownHostsFile = filepath.Join(t.TempDir(), "does-not-exist")
	o.InsecureIgnoreHostKey = true
	r := Collect(context.Background(), f.target, o)
	checkHygiene(t, f, r)
	if r.Err != nil || string(r.Config) != testConfig {
		t.Fatalf("Err = %v", r.Err)
	}
}

func TestCollectSlowOutput(t *testing.T) {
	f := newFixture(t, func(o *asasim.Options) {
		o.Faults.SlowOutput = 10 * time.Millisecond // per 512-byte chunk: ~1.5 s for the config
		o.Faults.Latency = 20 * time.Millisecond
	})
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err != nil {
		t.Fatalf("Collect: %v", r.Err)
	}
	if string(r.Config) != testConfig {
		t.Errorf("config differs\n%s", firstDiff(string(r.Config), testConfig))
	}
}

func TestCollectHangMidOutput(t *testing.T) {
	f := newFixture(t, func(o *asasim.Options) { o.Faults.HangAfterBytes = 3000 })
	f.opts.Timeout = 2 * time.Second
	start := time.Now()
	r := Collect(context.Background(), f.target, f.opts)
	elapsed := time.Since(start)
	checkHygiene(t, f, r)
	if !errors.Is(r.Err, ErrTimeout) {
		t.Fatalf("Err = %v, want ErrTimeout", r.Err)
	}
	if want := `fw1: timed out after 2s while running "show running-config"`; r.Err.Error() != want {
		t.Errorf("Err = %q, want %q", r.Err, want)
	}
	if elapsed > f.opts.Timeout+750*time.Millisecond {
		t.Errorf("took %v with a %v timeout", elapsed, f.opts.Timeout)
	}
	if r.Config != nil {
		t.Errorf("a partial config was returned")
	}
	if r.Version != "9.8(4)" {
		t.Errorf("what was collected before the failure is kept: Version = %q", r.Version)
	}
}

func TestCollectDisconnectMidOutput(t *testing.T) {
	f := newFixture(t, func(o *asasim.Options) { o.Faults.DisconnectAfterBytes = 3000 })
	start := time.Now()
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if !errors.Is(r.Err, ErrClosed) {
		t.Fatalf("Err = %v, want ErrClosed", r.Err)
	}
	if want := `fw1: connection closed while running "show running-config"`; r.Err.Error() != want {
		t.Errorf("Err = %q, want %q", r.Err, want)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("a closed connection must be noticed at once, took %v", time.Since(start))
	}
	if r.Config != nil {
		t.Errorf("a partial config was returned")
	}
}

func TestCollectRefusesDisallowedCommandWithoutConnecting(t *testing.T) {
	f := newFixture(t, nil)
	for _, c := range []string{"configure terminal", "show run | redirect disk0:/x", "show version\nreload", ""} {
		o := f.opts
		o.Commands = []string{"show clock", c}
		r := Collect(context.Background(), f.target, o)
		checkHygiene(t, f, r)
		if r.Err == nil || len(r.Sent) != 0 {
			t.Errorf("%q: Err = %v, Sent = %q", c, r.Err, r.Sent)
		}
	}
	if got := f.srv.Transcript(); len(got) != 0 {
		t.Errorf("the emulator received %q", got)
	}
}

func TestCollectDeviceRejectsExtraCommand(t *testing.T) {
	f := newFixture(t, nil)
	f.opts.Commands = []string{"show xlate count", "show clock"}
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if !errors.Is(r.Err, ErrCommand) {
		t.Fatalf("Err = %v, want ErrCommand", r.Err)
	}
	if !strings.Contains(r.Err.Error(), `"show xlate count" failed on the device: ERROR: % Invalid input detected`) {
		t.Errorf("Err = %q", r.Err)
	}
	if string(r.Config) != testConfig {
		t.Errorf("the config is kept when an extra command fails")
	}
	if !strings.Contains(r.Outputs["show xlate count"], "ERROR: % Invalid input") || r.Outputs["show clock"] == "" {
		t.Errorf("Outputs = %q", r.Outputs)
	}
}

func TestCollectConnectFailures(t *testing.T) {
	// A port with nothing listening.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	tg := Target{Name: "gone", Host: "127.0.0.1", Port: port, Username: "u", Password: "p"}
	r := Collect(context.Background(), tg, Options{Timeout: 2 * time.Second, InsecureIgnoreHostKey: true})
	if !errors.Is(r.Err, ErrConnect) || !strings.Contains(r.Err.Error(), "connection refused") {
		t.Errorf("refused: Err = %v", r.Err)
	}

	// A listener that accepts and never speaks SSH: the connect must time out.
	ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c, err := ln.Accept()
		if err == nil {
			time.Sleep(3 * time.Second)
			c.Close()
		}
	}()
	tg.Port = ln.Addr().(*net.TCPAddr).Port
	start := time.Now()
	r = Collect(context.Background(), tg, Options{Timeout: time.Second, InsecureIgnoreHostKey: true})
	if !errors.Is(r.Err, ErrTimeout) || r.Err.Error() != fmt.Sprintf("gone: timed out after 1s while connecting to 127.0.0.1:%d", tg.Port) {
		t.Errorf("silent server: Err = %v", r.Err)
	}
	if time.Since(start) > 1750*time.Millisecond {
		t.Errorf("silent server: took %v", time.Since(start))
	}
	wg.Wait()
}

func TestCollectCanceled(t *testing.T) {
	f := newFixture(t, func(o *asasim.Options) { o.Faults.HangAfterBytes = 3000 })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	r := Collect(ctx, f.target, f.opts)
	if !errors.Is(r.Err, ErrCanceled) || !strings.Contains(r.Err.Error(), `canceled while running "show running-config"`) {
		t.Errorf("Err = %v", r.Err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
}

func TestFleet(t *testing.T) {
	f := newFixture(t, nil)
	const n, bad = 50, 17
	targets := make([]Target, n)
	for i := range targets {
		targets[i] = f.target
		targets[i].Name = fmt.Sprintf("fw%02d", i)
	}
	targets[bad].Password = "wrong-login"
	var mu sync.Mutex
	var seen []int
	calls := map[string]bool{}
	res := Fleet(context.Background(), targets, f.opts, 8, func(done, total int, r Result) {
		mu.Lock()
		defer mu.Unlock()
		if total != n {
			t.Errorf("total = %d", total)
		}
		seen = append(seen, done)
		calls[r.Target] = true
	})
	if len(res) != n {
		t.Fatalf("%d results", len(res))
	}
	okCount := 0
	for i, r := range res {
		checkHygiene(t, f, r)
		if r.Target != targets[i].Name {
			t.Errorf("result %d is for %q: order not preserved", i, r.Target)
		}
		switch {
		case i == bad:
			if !errors.Is(r.Err, ErrAuth) {
				t.Errorf("bad host: Err = %v", r.Err)
			}
		case r.Err != nil:
			t.Errorf("%s: %v", r.Target, r.Err)
		case string(r.Config) != testConfig:
			t.Errorf("%s: config differs", r.Target)
		default:
			okCount++
		}
	}
	if okCount != n-1 {
		t.Errorf("%d ok, want %d", okCount, n-1)
	}
	if len(seen) != n || len(calls) != n {
		t.Fatalf("progress called %d times for %d targets", len(seen), len(calls))
	}
	for i, d := range seen {
		if d != i+1 {
			t.Fatalf("progress done sequence %v", seen)
		}
	}
}

func TestFleetEmptyAndDefaults(t *testing.T) {
	if res := Fleet(context.Background(), nil, Options{}, 0, nil); len(res) != 0 {
		t.Errorf("Fleet(nil) = %v", res)
	}
	res := Fleet(context.Background(), []Target{{Name: "x"}}, Options{}, 0, nil)
	if len(res) != 1 || !errors.Is(res[0].Err, ErrOptions) {
		t.Errorf("Fleet with a bad target: %v", res)
	}
}

// BenchmarkFleet: 200 hosts, 50 ms latency per command, 32 workers. The ideal is
// hosts × latency × commands / workers (commands = enable, terminal pager 0, show version,
// show running-config); the metric ideal/op and the ratio show what the SSH handshakes, the
// prompt handling and the scheduling cost on top.
func BenchmarkFleet(b *testing.B) {
	const hosts, workers, commands = 200, 32, 4
	const latency = 50 * time.Millisecond
	f := newFixture(b, func(o *asasim.Options) { o.Faults.Latency = latency })
	targets := make([]Target, hosts)
	for i := range targets {
		targets[i] = f.target
		targets[i].Name = fmt.Sprintf("fw%03d", i)
	}
	ideal := time.Duration(hosts) * latency * commands / workers
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for _, r := range Fleet(context.Background(), targets, f.opts, workers, nil) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per.Milliseconds()), "ms/fleet")
	b.ReportMetric(float64(ideal.Milliseconds()), "ideal-ms/fleet")
	b.ReportMetric(float64(per)/float64(ideal), "x-ideal")
}

func firstDiff(a, b string) string {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			lo := max(0, i-40)
			return fmt.Sprintf("first difference at byte %d:\n got %q\nwant %q", i, a[lo:min(len(a), i+40)], b[lo:min(len(b), i+40)])
		}
	}
	return fmt.Sprintf("one is a prefix of the other (%d vs %d bytes)", len(a), len(b))
}

// If "terminal pager 0" does not take effect, the pager prompts are answered and stripped and
// the configuration still arrives byte for byte.
func TestCollectPagerStillOn(t *testing.T) {
	f := newFixture(t, func(o *asasim.Options) {
		// An exact Outputs entry answers the command without touching the pager (24 lines).
		o.Device.Outputs = map[string]string{"terminal pager 0": ""}
	})
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err != nil {
		t.Fatalf("Collect: %v", r.Err)
	}
	if string(r.Config) != testConfig {
		t.Errorf("config differs\n%s", firstDiff(string(r.Config), testConfig))
	}
	if r.Version != "9.8(4)" {
		t.Errorf("Version = %q", r.Version)
	}
}

func TestCollectHostnameFromPromptAndOddVersion(t *testing.T) {
	f := newFixture(t, func(o *asasim.Options) {
		o.Device.Hostname = "edge-fw.example.com"
		o.Device.Version = "Cisco Adaptive Security Appliance Software Version 9.16(3)23 \nDevice Manager Version 7.18(1)\n"
	})
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err != nil {
		t.Fatalf("Collect: %v", r.Err)
	}
	if r.Version != "9.16(3)23" || r.Hostname != "edge-fw.example.com" {
		t.Errorf("Version %q Hostname %q", r.Version, r.Hostname)
	}
}

func TestCollectTimeoutDuringEnable(t *testing.T) {
	f := newFixture(t, func(o *asasim.Options) { o.Faults.Latency = 5 * time.Second })
	f.opts.Timeout = time.Second
	start := time.Now()
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err == nil || r.Err.Error() != `fw1: timed out after 1s while running "enable"` {
		t.Errorf("Err = %v", r.Err)
	}
	if time.Since(start) > 1750*time.Millisecond {
		t.Errorf("took %v", time.Since(start))
	}
}
