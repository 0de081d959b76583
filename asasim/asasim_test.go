package asasim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

const (
	testUser = "admin"
	testPass = "cisco123"
	waitFor  = 5 * time.Second
)

// testConfig returns an ASA-like running-config of more than two pages. Lines
// are numbered ("name ... host-NN ...") so pager boundaries are easy to check.
func testConfig() string {
	var b strings.Builder
	b.WriteString(": Saved\n:\n: Serial Number: JAD21280ABC\n: Hardware:   ASA5516, 8192 MB RAM\n:\nASA Version 9.8(4)\n!\nhostname fw1\n")
	for i := 9; i <= 60; i++ {
		fmt.Fprintf(&b, "name 10.1.1.%d host-%02d description server number %02d\n", i, i, i)
	}
	b.WriteString("policy-map global_policy\n class inspection_default\n  inspect sip \n  inspect ftp \n")
	b.WriteString("access-list OUT extended permit udp any any eq sip\n")
	b.WriteString(": end\n")
	return b.String()
}

func crlf(s string) string { return string(toCRLF([]byte(s))) }

func startServer(t *testing.T, mod func(*Options)) *Server {
	t.Helper()
	opts := Options{
		Username: testUser,
		Password: testPass,
		Device: Device{
			Hostname:       "fw1",
			Config:         testConfig(),
			EnablePassword: "en-secret",
		},
	}
	if mod != nil {
		mod(&opts)
	}
	srv, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// term is a minimal interactive PTY client.
type term struct {
	t      *testing.T
	client *ssh.Client
	sess   *ssh.Session
	stdin  io.WriteCloser
	notify chan struct{}
	done   chan struct{}

	mu  sync.Mutex
	buf []byte // received and not yet consumed
	eof bool
}

func dialTerm(t *testing.T, srv *Server, auth ...ssh.AuthMethod) (*term, error) {
	t.Helper()
	if len(auth) == 0 {
		auth = []ssh.AuthMethod{ssh.Password(testPass)}
	}
	cfg := &ssh.ClientConfig{
		User:            testUser,
		Auth:            auth,
		HostKeyCallback: ssh.FixedHostKey(srv.HostKey()),
		Timeout:         waitFor,
	}
	client, err := ssh.Dial("tcp", srv.Addr(), cfg)
	if err != nil {
		return nil, err
	}
	sess, err := client.NewSession()
	if err != nil {
		client.Close()
		return nil, err
	}
	tm := &term{t: t, client: client, sess: sess, notify: make(chan struct{}, 1), done: make(chan struct{})}
	stdout, _ := sess.StdoutPipe()
	tm.stdin, _ = sess.StdinPipe()
	if err := sess.RequestPty("vt100", 24, 80, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		client.Close()
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		client.Close()
		return nil, err
	}
	go func() {
		defer close(tm.done)
		b := make([]byte, 4096)
		for {
			n, err := stdout.Read(b)
			tm.mu.Lock()
			tm.buf = append(tm.buf, b[:n]...)
			if err != nil {
				tm.eof = true
			}
			tm.mu.Unlock()
			select {
			case tm.notify <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(tm.close)
	return tm, nil
}

func mustTerm(t *testing.T, srv *Server) *term {
	t.Helper()
	tm, err := dialTerm(t, srv)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return tm
}

func (tm *term) close() {
	tm.client.Close()
	<-tm.done
}

// expectE waits until s has been received and returns everything up to and
// including it, consuming it.
func (tm *term) expectE(s string, d time.Duration) (string, error) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		tm.mu.Lock()
		if i := bytes.Index(tm.buf, []byte(s)); i >= 0 {
			out := string(tm.buf[:i+len(s)])
			tm.buf = tm.buf[i+len(s):]
			tm.mu.Unlock()
			return out, nil
		}
		eof, have := tm.eof, string(tm.buf)
		tm.mu.Unlock()
		if eof {
			return have, fmt.Errorf("EOF while waiting for %q; have %q", s, have)
		}
		select {
		case <-tm.notify:
		case <-deadline.C:
			return have, fmt.Errorf("timeout waiting for %q; have %q", s, have)
		}
	}
}

func (tm *term) expect(s string) string {
	tm.t.Helper()
	out, err := tm.expectE(s, waitFor)
	if err != nil {
		tm.t.Fatal(err)
	}
	return out
}

// pending waits d and returns (and consumes) everything received meanwhile.
func (tm *term) pending(d time.Duration) (string, bool) {
	time.Sleep(d)
	tm.mu.Lock()
	defer tm.mu.Unlock()
	out := string(tm.buf)
	tm.buf = nil
	return out, tm.eof
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := tm.stdin.Write([]byte(s)); err != nil {
		tm.t.Fatalf("write %q: %v", s, err)
	}
}

// cmd sends a command line and returns the output between the echoed line and
// the next prompt.
func (tm *term) cmd(line, prompt string) string {
	tm.t.Helper()
	tm.send(line + "\n")
	tm.expect(line + "\r\n")
	out := tm.expect(prompt)
	return strings.TrimSuffix(out, prompt)
}

func (tm *term) login() {
	tm.t.Helper()
	tm.expect("fw1> ")
}

func (tm *term) enable(pw string) {
	tm.t.Helper()
	tm.send("enable\n")
	tm.expect("Password: ")
	tm.send(pw + "\r\n")
	tm.expect("fw1# ")
}

func TestLoginAndAuth(t *testing.T) {
	t.Parallel()
	signer, err := GenerateHostKey()
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, func(o *Options) {
		o.Banner = "Authorized access only\nLine two"
		o.AuthorizedKeys = []ssh.PublicKey{signer.PublicKey()}
	})
	other, _ := GenerateHostKey()

	tests := []struct {
		name    string
		auth    ssh.AuthMethod
		wantErr bool
	}{
		{"password", ssh.Password(testPass), false},
		{"keyboard-interactive", ssh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
			a := make([]string, len(q))
			for i := range a {
				a[i] = testPass
			}
			return a, nil
		}), false},
		{"public key", ssh.PublicKeys(signer), false},
		{"wrong password", ssh.Password("nope"), true},
		{"unknown key", ssh.PublicKeys(other), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tm, err := dialTerm(t, srv, tc.auth)
			if tc.wantErr {
				if err == nil {
					t.Fatal("login succeeded, want failure")
				}
				return
			}
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			out := tm.expect("fw1> ")
			want := "Authorized access only\r\nLine two\r\nType help or '?' for a list of available commands.\r\nfw1> "
			if out != want {
				t.Fatalf("login output = %q, want %q", out, want)
			}
			if got := tm.cmd("show hostname", "fw1> "); got != "fw1\r\n" {
				t.Fatalf("show hostname = %q", got)
			}
			tm.send("exit\n")
			out, _ = tm.expectE("Logoff", waitFor)
			if err := tm.sess.Wait(); err != nil {
				t.Fatalf("session exit: %v (%q)", err, out)
			}
		})
	}
}

func TestEnable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		enablePW string
		attempts []string
		want     []string // text expected after each attempt
		prompt   string
	}{
		{"good password", "en-secret", []string{"en-secret"}, []string{"fw1# "}, "fw1# "},
		{"empty enable password", "", []string{""}, []string{"fw1# "}, "fw1# "},
		{"bad password", "en-secret", []string{"wrong"}, []string{"Invalid password\r\nfw1> "}, "fw1> "},
		{"three bad then good", "en-secret", []string{"a", "b", "c", "en-secret"},
			[]string{"Invalid password\r\nfw1> ", "Invalid password\r\nfw1> ", "Invalid password\r\nAccess denied.\r\nfw1> ", "fw1# "}, "fw1# "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, func(o *Options) { o.Device.EnablePassword = tc.enablePW })
			tm := mustTerm(t, srv)
			tm.login()
			for i, pw := range tc.attempts {
				tm.send("enable\r")
				tm.expect("enable\r\n")
				tm.expect("Password: ")
				tm.send(pw + "\r")
				out := tm.expect(tc.want[i])
				if out != "\r\n"+tc.want[i] {
					t.Fatalf("attempt %d: got %q, want %q", i, out, "\r\n"+tc.want[i])
				}
				if strings.Contains(out, pw+"\r") && pw != "" {
					t.Fatalf("password echoed: %q", out)
				}
			}
			// enable in privileged mode is a no-op.
			if tc.prompt == "fw1# " {
				if got := tm.cmd("enable", "fw1# "); got != "" {
					t.Fatalf("enable in privileged mode printed %q", got)
				}
			}
			if got := tm.cmd("show hostname", tc.prompt); got != "fw1\r\n" {
				t.Fatalf("show hostname = %q", got)
			}
		})
	}
}

func TestPager(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	tm := mustTerm(t, srv)
	tm.login()
	tm.enable("en-secret")
	lines := strings.SplitAfter(crlf(testConfig()), "\n")
	lines = lines[:len(lines)-1] // trailing ""
	page := func(from, to int) string { return strings.Join(lines[from:to], "") }

	tm.send("show running-config\n")
	tm.expect("show running-config\r\n")
	out := tm.expect(MorePrompt)
	if want := page(0, 24) + MorePrompt; out != want {
		t.Fatalf("first page:\n got %q\nwant %q", out, want)
	}
	if rest, _ := tm.pending(100 * time.Millisecond); rest != "" {
		t.Fatalf("output continued without keypress: %q", rest)
	}

	tm.send(" ") // next page
	out = tm.expect(MorePrompt)
	if want := MoreErase + page(24, 48) + MorePrompt; out != want {
		t.Fatalf("second page:\n got %q\nwant %q", out, want)
	}
	tm.send("\r\n") // one more line (CRLF counts as a single Enter)
	out = tm.expect(MorePrompt)
	if want := MoreErase + page(48, 49) + MorePrompt; out != want {
		t.Fatalf("one line:\n got %q\nwant %q", out, want)
	}
	tm.send("q")
	out = tm.expect("fw1# ")
	if want := MoreErase + "fw1# "; out != want {
		t.Fatalf("after q: got %q, want %q", out, want)
	}
	if MoreErase != "\r"+strings.Repeat(" ", len(MorePrompt))+"\r" {
		t.Fatalf("MoreErase = %q", MoreErase)
	}

	// Pager also applies in user-exec mode (show version is long).
	tm2 := mustTerm(t, srv)
	tm2.login()
	tm2.send("show version\n")
	tm2.expect(MorePrompt)
	tm2.send(" ")
	tm2.expect(MorePrompt)
	tm2.send(" ")
	out = tm2.expect("fw1> ")
	if !strings.Contains(out, "Configuration register is 0x1") || strings.Contains(out, MorePrompt) {
		t.Fatalf("show version tail: %q", out)
	}
}

func TestPagerDisabled(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	for _, cmd := range []string{"terminal pager 0", "terminal pager lines 0", "term pag 0"} {
		t.Run(cmd, func(t *testing.T) {
			tm := mustTerm(t, srv)
			tm.login()
			tm.enable("en-secret")
			if out := tm.cmd(cmd, "fw1# "); out != "" {
				t.Fatalf("%s printed %q", cmd, out)
			}
			for _, show := range []string{"show running-config", "show run", "sh run", "more system:running-config"} {
				out := tm.cmd(show, "fw1# ")
				if out != crlf(testConfig()) {
					t.Fatalf("%s: got %d bytes, want %d; More present: %v", show, len(out), len(crlf(testConfig())), strings.Contains(out, MorePrompt))
				}
			}
		})
	}
}

func TestCommands(t *testing.T) {
	t.Parallel()
	srv := startServer(t, func(o *Options) {
		o.Device.Outputs = map[string]string{
			"show conn protocol udp port 5060 long": "1 in use, 10 most used\nUDP outside: 198.51.100.7/5060 inside: 10.1.1.10/5060, flags -, idle 0:00:03\n",
		}
	})
	invalid := "ERROR: % Invalid input detected at '^' marker.\r\n"
	tests := []struct {
		name   string
		enable bool
		cmd    string
		want   string
	}{
		{"user show run needs enable", false, "show running-config", strings.Repeat(" ", 10) + "^\r\n" + invalid},
		{"user unknown command", false, "foo bar", strings.Repeat(" ", 5) + "^\r\n" + invalid},
		{"priv unknown command", true, "  frobnicate", strings.Repeat(" ", 7) + "^\r\n" + invalid},
		{"user configure not allowed", false, "configure terminal", strings.Repeat(" ", 5) + "^\r\n" + invalid},
		{"bad show keyword", true, "show bogus", strings.Repeat(" ", 10) + "^\r\n" + invalid},
		{"incomplete show", true, "show", "ERROR: % Incomplete command\r\n"},
		{"incomplete show user", false, "show", "ERROR: % Incomplete command\r\n"},
		{"show version user", false, "show version | include Version 9", "Cisco Adaptive Security Appliance Software Version 9.8(4)\r\n"},
		{"uptime line", true, "sh ver | i hours", "fw1 up 10 days 2 hours\r\n"},
		{"Outputs exact", true, "show conn protocol udp port 5060 long", crlf("1 in use, 10 most used\nUDP outside: 198.51.100.7/5060 inside: 10.1.1.10/5060, flags -, idle 0:00:03\n")},
		{"Outputs whitespace normalised", true, "show  conn protocol udp port 5060   long", crlf("1 in use, 10 most used\nUDP outside: 198.51.100.7/5060 inside: 10.1.1.10/5060, flags -, idle 0:00:03\n")},
		{"Outputs with filter", true, "show conn protocol udp port 5060 long | include UDP", "UDP outside: 198.51.100.7/5060 inside: 10.1.1.10/5060, flags -, idle 0:00:03\r\n"},
		{"run section", true, "show running-config policy-map", crlf("policy-map global_policy\n class inspection_default\n  inspect sip \n  inspect ftp \n")},
		{"run include", true, "show run | include sip", crlf("  inspect sip \naccess-list OUT extended permit udp any any eq sip\n")},
		{"run begin", true, "show run | begin access-list", crlf("access-list OUT extended permit udp any any eq sip\n: end\n")},
		{"hostname", true, "show hostname", "fw1\r\n"},
		{"ambiguous", true, "e", "ERROR: % Ambiguous command: \"e\"\r\n"},
		{"terminal width", true, "terminal width 511", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tm := mustTerm(t, srv)
			tm.login()
			prompt := "fw1> "
			if tc.enable {
				tm.enable("en-secret")
				prompt = "fw1# "
			}
			tm.cmd("terminal pager 0", prompt)
			if got := tm.cmd(tc.cmd, prompt); got != tc.want {
				t.Fatalf("%q:\n got %q\nwant %q", tc.cmd, got, tc.want)
			}
		})
	}
}

func TestConfigureTerminalAndTranscript(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	tm := mustTerm(t, srv)
	tm.login()
	tm.enable("en-secret")
	if out := tm.cmd("configure terminal", "fw1(config)# "); out != "" {
		t.Fatalf("configure terminal printed %q", out)
	}
	tm.cmd("hostname evil", "fw1(config)# ")
	if out := tm.cmd("show hostname", "fw1(config)# "); out != "fw1\r\n" {
		t.Fatalf("show in config mode: %q", out)
	}
	tm.cmd("end", "fw1# ")
	tm.cmd("conf t", "fw1(config)# ")
	tm.cmd("exit", "fw1# ")
	tm.send("shxw\x7f\x7fow hostname\r")
	if out := tm.expect("fw1# "); !strings.Contains(out, "fw1\r\n") {
		t.Fatalf("line editing: %q", out)
	}

	got := srv.Transcript()
	want := []string{"enable", "<password>", "configure terminal", "hostname evil", "show hostname", "end", "conf t", "exit", "show hostname"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("transcript = %q, want %q", got, want)
	}
	for _, l := range got {
		if strings.Contains(l, "en-secret") {
			t.Fatalf("enable password recorded in transcript: %q", got)
		}
	}
}

func TestHangAfterBytes(t *testing.T) {
	t.Parallel()
	const limit = 1000
	srv := startServer(t, func(o *Options) { o.Faults.HangAfterBytes = limit })
	tm := mustTerm(t, srv)
	tm.login()
	tm.enable("en-secret")
	tm.cmd("terminal pager 0", "fw1# ")
	tm.send("show running-config\n")
	tm.expect("show running-config\r\n")
	want := crlf(testConfig())[:limit]
	tm.expect(want) // exactly the first limit bytes ...
	rest, eof := tm.pending(300 * time.Millisecond)
	if rest != "" || eof { // ... then silence on an open connection
		t.Fatalf("after hang: extra %q, eof %v", rest, eof)
	}
	if _, _, err := tm.client.SendRequest("keepalive@openssh.com", true, nil); err != nil {
		t.Fatalf("connection not open while hanging: %v", err)
	}
	tm.send("\n")
	if rest, eof := tm.pending(100 * time.Millisecond); rest != "" || eof {
		t.Fatalf("hung session answered: %q eof %v", rest, eof)
	}
	// A new session on the same server is unaffected for non-config commands.
	tm2 := mustTerm(t, srv)
	tm2.login()
	if out := tm2.cmd("show hostname", "fw1> "); out != "fw1\r\n" {
		t.Fatalf("second session: %q", out)
	}
}

func TestDisconnectAfterBytes(t *testing.T) {
	t.Parallel()
	const limit = 700
	srv := startServer(t, func(o *Options) { o.Faults.DisconnectAfterBytes = limit })
	tm := mustTerm(t, srv)
	tm.login()
	tm.enable("en-secret")
	tm.cmd("terminal pager 0", "fw1# ")
	tm.send("show running-config\n")
	tm.expect("show running-config\r\n")
	select {
	case <-tm.done:
	case <-time.After(waitFor):
		t.Fatal("connection not closed")
	}
	rest, eof := tm.pending(0)
	if !eof || rest != crlf(testConfig())[:limit] {
		t.Fatalf("eof=%v, got %d bytes %q", eof, len(rest), rest)
	}
	errc := make(chan error, 1)
	go func() { errc <- tm.client.Wait() }()
	select {
	case <-errc:
	case <-time.After(waitFor):
		t.Fatal("ssh client still connected")
	}
}

func TestLatencyAndSlowOutput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		faults  Faults
		cmd     string
		minTime time.Duration
	}{
		{"latency", Faults{Latency: 300 * time.Millisecond}, "show hostname", 300 * time.Millisecond},
		// config is ~1.3 KB => 3 chunks => 2 gaps
		{"slow output", Faults{SlowOutput: 150 * time.Millisecond}, "show running-config", 300 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, func(o *Options) {
				o.Faults = tc.faults
				o.Device.EnablePassword = ""
			})
			tm := mustTerm(t, srv)
			tm.login()
			tm.enable("")
			tm.cmd("terminal pager 0", "fw1# ")
			start := time.Now()
			tm.cmd(tc.cmd, "fw1# ")
			if d := time.Since(start); d < tc.minTime {
				t.Fatalf("%s took %v, want >= %v", tc.cmd, d, tc.minTime)
			}
		})
	}
}

func TestConcurrentSessions(t *testing.T) {
	t.Parallel()
	const servers, perServer = 5, 10
	want := crlf(testConfig())
	var wg sync.WaitGroup
	errs := make(chan error, servers*perServer)
	for range servers {
		srv := startServer(t, nil)
		for range perServer {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tm, err := dialTerm(t, srv)
				if err != nil {
					errs <- err
					return
				}
				steps := []struct{ send, expect string }{
					{"", "fw1> "},
					{"enable\n", "Password: "},
					{"en-secret\n", "fw1# "},
					{"terminal pager 0\n", "fw1# "},
					{"show running-config\n", "show running-config\r\n"},
				}
				for _, st := range steps {
					if st.send != "" {
						if _, err := tm.stdin.Write([]byte(st.send)); err != nil {
							errs <- err
							return
						}
					}
					if _, err := tm.expectE(st.expect, 10*time.Second); err != nil {
						errs <- err
						return
					}
				}
				out, err := tm.expectE("fw1# ", 10*time.Second)
				if err != nil {
					errs <- err
					return
				}
				if strings.TrimSuffix(out, "fw1# ") != want {
					errs <- errors.New("config mismatch")
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNonLoopbackRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		ok   bool
	}{
		{"", true},
		{"127.0.0.1:0", true},
		{"localhost:0", true},
		{"127.0.0.2:0", true},
		{"0.0.0.0:0", false},
		{":0", false},
		{"[::]:0", false},
		{"192.0.2.10:0", false},
		{"example.com:0", false},
		{"127.0.0.1", false},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			srv, err := Start(Options{Addr: tc.addr, Username: testUser, Password: testPass})
			if !tc.ok {
				if err == nil {
					srv.Close()
					t.Fatalf("Start(%q) succeeded, want error", tc.addr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Start(%q): %v", tc.addr, err)
			}
			defer srv.Close()
			host, _, _ := net.SplitHostPort(srv.Addr())
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() || srv.Port() == 0 {
				t.Fatalf("Addr() = %q", srv.Addr())
			}
		})
	}
	if _, err := Start(Options{Password: testPass}); err == nil {
		t.Fatal("Start without Username succeeded")
	}
	if _, err := Start(Options{Username: testUser}); err == nil {
		t.Fatal("Start without any auth method succeeded")
	}
}

func TestKnownHosts(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	other := startServer(t, nil)
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := WriteKnownHosts(path, other.Addr(), other.HostKey()); err != nil {
		t.Fatal(err)
	}
	if err := WriteKnownHosts(path, srv.Addr(), srv.HostKey()); err != nil {
		t.Fatal(err)
	}
	cb, err := knownhosts.New(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ClientConfig{User: testUser, Auth: []ssh.AuthMethod{ssh.Password(testPass)}, HostKeyCallback: cb, Timeout: waitFor}
	c, err := ssh.Dial("tcp", srv.Addr(), cfg)
	if err != nil {
		t.Fatalf("dial with known_hosts: %v", err)
	}
	c.Close()
	// A server whose key is not in the file is rejected.
	third := startServer(t, nil)
	if c, err := ssh.Dial("tcp", third.Addr(), cfg); err == nil {
		c.Close()
		t.Fatal("unknown host accepted")
	}
}

// Not parallel: compares the process-wide goroutine count.
func TestCloseNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		srv, err := Start(Options{
			Username: testUser, Password: testPass,
			Device: Device{Hostname: "fw1", Config: testConfig()},
			Faults: Faults{HangAfterBytes: 100, Latency: time.Millisecond},
		})
		if err != nil {
			t.Fatal(err)
		}
		closed := false
		defer func() {
			if !closed {
				go srv.Close()
			}
		}()
		withServer := runtime.NumGoroutine()
		// Phase 1: clients that go away on their own (one of them while the
		// server is hanging) leave only the accept loop behind.
		for i := range 3 {
			tm := mustTerm(t, srv)
			tm.login()
			tm.enable("")
			tm.cmd("terminal pager 0", "fw1# ")
			if i == 0 {
				tm.send("show running-config\n") // hangs after 100 bytes
				tm.expect("show running-config\r\n" + crlf(testConfig())[:100])
			}
			if i == 1 {
				tm.send("exit\n")
				tm.expect("Logoff")
			}
			tm.close()
		}
		waitGoroutines(t, withServer)

		// Phase 2: Close tears down live sessions.
		var terms []*term
		for i := range 5 {
			tm := mustTerm(t, srv)
			tm.login()
			tm.enable("")
			if i == 0 {
				tm.cmd("terminal pager 0", "fw1# ")
				tm.send("show running-config\n") // hangs
				tm.expect("show running-config\r\n")
			}
			if i == 1 {
				tm.send("show running-config\n") // paused at More, then hangs
			}
			terms = append(terms, tm)
		}
		// A connection that never completes the SSH handshake.
		raw, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		time.Sleep(50 * time.Millisecond)
		closeErr := make(chan error, 1)
		go func() { closeErr <- srv.Close() }()
		select {
		case err := <-closeErr:
			closed = true
			if err != nil {
				t.Fatalf("Close: %v", err)
			}
		case <-time.After(waitFor):
			buf := make([]byte, 1<<16)
			t.Fatalf("Close did not return\n%s", buf[:runtime.Stack(buf, true)])
		}
		for _, tm := range terms {
			select {
			case <-tm.done:
			case <-time.After(waitFor):
				t.Fatal("client not disconnected by Close")
			}
			tm.close()
		}
		if _, err := net.DialTimeout("tcp", srv.Addr(), time.Second); err == nil {
			t.Fatal("listener still accepting after Close")
		}
	}()
	waitGoroutines(t, before)
}

func waitGoroutines(t *testing.T, max int) {
	t.Helper()
	var now int
	for range 150 {
		now = runtime.NumGoroutine()
		if now <= max {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	n := runtime.Stack(buf, true)
	t.Fatalf("goroutines: want <= %d, have %d\n%s", max, now, buf[:n])
}
