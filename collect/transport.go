package collect

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scrapli/scrapligo/transport"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshTransport is a scrapligo transport.Implementation on golang.org/x/crypto/ssh with an
// interactive PTY shell — the same thing as scrapligo's "standard" transport — plus what the
// standard transport cannot do:
//
//   - it takes a caller-built ssh.HostKeyCallback (golang.org/x/crypto/ssh/knownhosts), so that an
//     unknown and a changed host key are told apart and reported with what to do;
//   - it offers first the host-key algorithms of the keys known_hosts has for the host, so a host
//     known by its ed25519 key is not misreported as "changed" when it prefers RSA;
//   - the dial, the SSH handshake and the session set-up are bounded by the host's context, and
//     Close may be called from any goroutine at any time (it is how a hang is broken).
type sshTransport struct {
	ctx     context.Context
	addr    string // host:port
	cfg     *ssh.ClientConfig
	termW   int
	termH   int
	openErr error // classified error from Open, for Collect
	mu      sync.Mutex
	conn    net.Conn
	client  *ssh.Client
	stdin   io.WriteCloser
	stdout  io.Reader
	closed  atomic.Bool
	// maxOutput bounds what one command may return (bytes read since the last write);
	// 0 is no bound. read counts them; tooMuch is set when the bound was passed.
	maxOutput int64
	read      atomic.Int64
	tooMuch   atomic.Bool
}

var _ transport.Implementation = (*sshTransport)(nil)

func (t *sshTransport) Open(*transport.Args) error {
	err := t.open()
	if err != nil {
		t.openErr = err
		_ = t.Close()
	}
	return err
}

func (t *sshTransport) open() error {
	var d net.Dialer
	conn, err := d.DialContext(t.ctx, "tcp", t.addr)
	if err != nil {
		return err
	}
	t.mu.Lock()
	if t.closed.Load() {
		t.mu.Unlock()
		_ = conn.Close()
		return net.ErrClosed
	}
	t.conn = conn
	t.mu.Unlock()

	if dl, ok := t.ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, t.addr, t.cfg)
	if err != nil {
		return err
	}
	client := ssh.NewClient(c, chans, reqs)
	t.mu.Lock()
	t.client = client
	t.mu.Unlock()
	if t.closed.Load() {
		return net.ErrClosed
	}

	sess, err := client.NewSession()
	if err != nil {
		return err
	}
	if t.stdin, err = sess.StdinPipe(); err != nil {
		return err
	}
	if t.stdout, err = sess.StdoutPipe(); err != nil {
		return err
	}
	modes := ssh.TerminalModes{
		ssh.ECHO:          1,
		ssh.TTY_OP_ISPEED: 115200,
		ssh.TTY_OP_OSPEED: 115200,
	}
	if err := sess.RequestPty("xterm", t.termH, t.termW, modes); err != nil {
		return fmt.Errorf("PTY request refused: %w", err)
	}
	if err := sess.Shell(); err != nil {
		return fmt.Errorf("shell request refused: %w", err)
	}
	// From here on the host context (closed through Close) bounds everything, not the socket.
	_ = conn.SetDeadline(time.Time{})
	return nil
}

// Close is idempotent and safe to call concurrently with Read and Write.
func (t *sshTransport) Close() error {
	if !t.closed.CompareAndSwap(false, true) {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	// Closing the connection ends the session too, and cannot block on a peer that stopped
	// reading (an SSH channel-close message could).
	if t.client != nil {
		_ = t.client.Close()
	} else if t.conn != nil {
		_ = t.conn.Close()
	}
	return nil
}

func (t *sshTransport) IsAlive() bool { return !t.closed.Load() && t.stdout != nil }

func (t *sshTransport) Read(n int) ([]byte, error) {
	if t.stdout == nil {
		return nil, io.EOF
	}
	b := make([]byte, n)
	n, err := t.stdout.Read(b)
	if t.maxOutput > 0 && t.read.Add(int64(n)) > t.maxOutput {
		// The device floods: stop here, before scrapligo's buffer holds it all.
		t.tooMuch.Store(true)
		_ = t.Close()
		return nil, io.EOF
	}
	if n > 0 {
		// Hand over the data now; a following error is reported by the next Read.
		return b[:n], nil
	}
	if err != nil {
		if t.closed.Load() || errors.Is(err, net.ErrClosed) {
			return nil, io.EOF
		}
		return nil, err
	}
	return b[:0], nil
}

func (t *sshTransport) Write(b []byte) error {
	if t.stdin == nil || t.closed.Load() {
		return net.ErrClosed
	}
	t.read.Store(0) // a new command: its output is counted afresh
	_, err := t.stdin.Write(b)
	return err
}

// hostKeyError is what the host-key callback returns; Collect turns it into the one-line error.
type hostKeyError struct {
	kind    error // ErrHostKeyUnknown, ErrHostKeyChanged or ErrHostKeyRevoked
	addr    string
	file    string
	present []string // key types known for the host (changed key)
	got     ssh.PublicKey
}

func (e *hostKeyError) Error() string { return e.kind.Error() }
func (e *hostKeyError) Unwrap() error { return e.kind }

// hostKeyConfig builds the host-key callback and the preferred host-key algorithms for addr.
func hostKeyConfig(addr string, o Options) (ssh.HostKeyCallback, []string, error) {
	if o.InsecureIgnoreHostKey {
		return ssh.InsecureIgnoreHostKey(), nil, nil //nolint:gosec // explicit opt-in only
	}
	file := o.KnownHostsFile
	if file == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil, fmt.Errorf("cannot find the home directory for ~/.ssh/known_hosts (%v); pass --known-hosts FILE", err)
		}
		file = filepath.Join(home, ".ssh", "known_hosts")
	}
	cb, err := knownhosts.New(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			// No file is the same situation as a host missing from it.
			return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
				return &hostKeyError{kind: ErrHostKeyUnknown, addr: addr, file: file, got: key}
			}, nil, nil
		}
		return nil, nil, fmt.Errorf("cannot read known hosts file %s: %v", file, err)
	}
	algos := knownAlgorithms(cb, addr)
	wrapped := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := cb(hostname, remote, key)
		if err == nil {
			return nil
		}
		var ke *knownhosts.KeyError
		var re *knownhosts.RevokedError
		switch {
		case errors.As(err, &re):
			return &hostKeyError{kind: ErrHostKeyRevoked, addr: addr, file: file, got: key}
		case errors.As(err, &ke) && len(ke.Want) == 0:
			return &hostKeyError{kind: ErrHostKeyUnknown, addr: addr, file: file, got: key}
		case errors.As(err, &ke):
			var types []string
			for _, w := range ke.Want {
				types = append(types, fmt.Sprintf("%s (line %d)", w.Key.Type(), w.Line))
			}
			return &hostKeyError{kind: ErrHostKeyChanged, addr: addr, file: file, present: types, got: key}
		}
		return err
	}
	return wrapped, algos, nil
}

var probeKey = func() ssh.PublicKey {
	// A fixed, never-used public key: asking the callback about it lists the host's known keys.
	pub := ed25519.PublicKey(make([]byte, ed25519.PublicKeySize))
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		panic(err)
	}
	return k
}()

// knownAlgorithms returns the host-key algorithms to offer for addr: first those of the keys that
// the known-hosts file lists for it, so the server is asked for a key we can actually verify,
// then the rest. nil (library default) when the host is not listed.
func knownAlgorithms(cb ssh.HostKeyCallback, addr string) []string {
	fake := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 22}
	var ke *knownhosts.KeyError
	if err := cb(addr, fake, probeKey); !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(a ...string) {
		for _, s := range a {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	for _, w := range ke.Want {
		switch t := w.Key.Type(); t {
		case ssh.KeyAlgoRSA:
			add(ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
		case ssh.CertAlgoRSAv01:
			add(ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01, ssh.CertAlgoRSAv01)
		default:
			add(t)
		}
	}
	// Then everything else, as OpenSSH does: a host that now only has a key of another type is
	// reported as a changed key by the callback, not as a failed negotiation.
	add(ssh.SupportedAlgorithms().HostKeys...)
	return out
}

// keyscanHint is the command that adds addr's key to file.
func keyscanHint(addr, file string) string {
	host, port, _ := net.SplitHostPort(addr)
	show := file
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		if rel, err := filepath.Rel(home, file); err == nil && !strings.HasPrefix(rel, "..") {
			show = "~/" + filepath.ToSlash(rel)
		}
	}
	if port == "22" || port == "" {
		return fmt.Sprintf("ssh-keyscan %s >> %s", host, show)
	}
	return fmt.Sprintf("ssh-keyscan -p %s %s >> %s", port, host, show)
}

func joinHostPort(host string, port int) string {
	if port == 0 {
		port = 22
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}
