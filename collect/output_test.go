package collect

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/asaaudit/asaaudit/asasim"
)

func TestOutput(t *testing.T) {
	cases := []struct{ name, buf, cmd, want string }{
		{"echo and prompt", "show version\nline 1\n  line 2  \n\nfw1# ", "show version", "line 1\n  line 2  \n\n"},
		{"no echo", "line 1\nfw1# ", "show version", "line 1\n"},
		{"echo with extra blanks", "show   version\nx\nfw1# ", "show version", "x\n"},
		{"prompt only", "fw1# ", "show version", ""},
		{"echo only", "terminal pager 0\nfw1# ", "terminal pager 0", ""},
		// The emulator's erase after a More prompt is CR, 14 spaces, CR; the read loop drops CRs.
		{"pager", "show run\na\nb\n<--- More --->              c\n indented\n<--- More --->               indented2\nfw1# ", "show run", "a\nb\nc\n indented\n indented2\n"},
	}
	for _, c := range cases {
		if got := output([]byte(c.buf), c.cmd); got != c.want {
			t.Errorf("%s: output = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestFailedLine(t *testing.T) {
	_, d, err := newPlatform("192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	s := &session{d: d, re: map[string]*regexp.Regexp{}}
	if got := s.failedLine("                 ^\nERROR: % Invalid input detected at '^' marker.\n"); got != "ERROR: % Invalid input detected at '^' marker." {
		t.Errorf("failedLine = %q", got)
	}
	if got := s.failedLine("Command authorization failed\n"); got == "" {
		t.Errorf("command authorization failure not detected")
	}
	// A configuration with "ERROR:" far from its start is not a failure.
	if got := s.failedLine(": Saved\n:\nASA Version 9.8(4)\nhostname fw1\nbanner motd ERROR: x\n"); got != "" {
		t.Errorf("failedLine = %q for a config", got)
	}
}

func TestKnownAlgorithmsPrefersKnownKeyType(t *testing.T) {
	kh := filepath.Join(t.TempDir(), "known_hosts")
	k, _ := asasim.GenerateHostKey()
	if err := asasim.WriteKnownHosts(kh, "127.0.0.1:2222", k.PublicKey()); err != nil {
		t.Fatal(err)
	}
	cb, err := knownhosts.New(kh)
	if err != nil {
		t.Fatal(err)
	}
	algos := knownAlgorithms(cb, "127.0.0.1:2222")
	if len(algos) < 2 || algos[0] != ssh.KeyAlgoED25519 {
		t.Fatalf("algorithms = %v, want ssh-ed25519 first", algos)
	}
	if knownAlgorithms(cb, "127.0.0.1:22") != nil {
		t.Errorf("an unknown host gets a non-default algorithm list")
	}
}

// known_hosts has an RSA key for the host; the server now has an ed25519 key only. That is a
// changed key, not a failed negotiation.
func TestCollectChangedHostKeyOfAnotherType(t *testing.T) {
	f := newFixture(t, nil)
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := ssh.NewSignerFromKey(rk)
	if err != nil {
		t.Fatal(err)
	}
	kh := filepath.Join(t.TempDir(), "known_hosts")
	if err := asasim.WriteKnownHosts(kh, f.srv.Addr(), rs.PublicKey()); err != nil {
		t.Fatal(err)
	}
	o := f.opts
	o.KnownHostsFile = kh
	r := Collect(context.Background(), f.target, o)
	checkHygiene(t, f, r)
	if !errors.Is(r.Err, ErrHostKeyChanged) || !strings.Contains(r.Err.Error(), "ssh-rsa") {
		t.Fatalf("Err = %v, want a changed-key error", r.Err)
	}
}
