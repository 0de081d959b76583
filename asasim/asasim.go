// Package asasim is an SSH server that emulates the command-line interface of
// a Cisco ASA firewall closely enough for an interactive (PTY shell) SSH
// client such as scrapligo to log in, enter enable mode, disable the pager and
// run show commands.
//
// It exists for tests and demos only; production code must never import it.
// The server refuses to listen on anything but a loopback address.
package asasim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Device describes the emulated firewall.
type Device struct {
	Hostname       string            // prompt name, e.g. "fw1" (default "ciscoasa")
	Config         string            // text of `show running-config`, served verbatim (LF -> CRLF on the wire)
	Version        string            // text of `show version`; generated when empty
	Outputs        map[string]string // extra exact command -> output (whitespace-normalised match)
	EnablePassword string            // "" means enable with an empty password
	// Unauthorized lists commands (whitespace-normalised, matched case-insensitively as
	// a prefix of the command line, e.g. "packet-tracer") that command authorization
	// refuses: the device answers "Command authorization failed".
	Unauthorized []string

	// Contexts, when not empty, put the device in multiple-context mode: each entry is a
	// security context by name, with its own Config and Outputs (its other fields are not
	// used). Config and Outputs above are then the system execution space's. A session
	// starts in the admin context ("fw1/admin>"); "changeto context NAME" and
	// "changeto system" move between them, and "show mode" and "show context" answer.
	// DeviceFromCaptures builds one from saved terminal captures.
	Contexts map[string]Device
	// AdminContext names the context a session starts in (default "admin"); it must be
	// one of Contexts.
	AdminContext string
}

// Faults injects misbehaviour into every session of a server.
type Faults struct {
	Latency              time.Duration // delay before every command's response
	SlowOutput           time.Duration // delay between output chunks (each ~512 bytes)
	HangAfterBytes       int           // >0: go silent (connection stays open) after this many bytes of running-config output
	DisconnectAfterBytes int           // >0: drop the TCP connection after this many bytes of running-config output
}

// Options configures a Server.
type Options struct {
	Addr           string          // default "127.0.0.1:0"; must be a loopback address
	Username       string          // required
	Password       string          // password auth accepted when it matches (empty = password auth disabled)
	AuthorizedKeys []ssh.PublicKey // public-key auth
	HostKey        ssh.Signer      // nil = generate a fresh ed25519 key
	Banner         string          // SSH banner / MOTD shown before the prompt
	Device         Device
	Faults         Faults
}

// Server is a running ASA emulator.
type Server struct {
	opts    Options
	cfg     *ssh.ServerConfig
	signer  ssh.Signer
	ln      net.Listener
	outputs map[string]string // normalised Device.Outputs
	version string            // show version text
	system  *space            // single mode, or the system execution space
	spaces  map[string]*space // the security contexts by name (multiple-context mode)

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool

	tmu        sync.Mutex
	transcript []string

	closeOnce sync.Once
}

const (
	handshakeTimeout = 30 * time.Second
	defaultHostname  = "ciscoasa"
)

// Start validates opts, starts listening and serves connections in the
// background. The server is accepting connections when Start returns.
func Start(opts Options) (*Server, error) {
	if opts.Username == "" {
		return nil, errors.New("asasim: Options.Username is required")
	}
	if opts.Password == "" && len(opts.AuthorizedKeys) == 0 {
		return nil, errors.New("asasim: no authentication method: set Options.Password or Options.AuthorizedKeys")
	}
	addr, err := loopbackAddr(opts.Addr)
	if err != nil {
		return nil, err
	}
	if opts.Device.Hostname == "" {
		opts.Device.Hostname = defaultHostname
	}
	signer := opts.HostKey
	if signer == nil {
		if signer, err = GenerateHostKey(); err != nil {
			return nil, err
		}
	}

	s := &Server{
		opts:    opts,
		signer:  signer,
		outputs: make(map[string]string, len(opts.Device.Outputs)),
		conns:   make(map[net.Conn]struct{}),
	}
	for k, v := range opts.Device.Outputs {
		s.outputs[normalizeCmd(k)] = v
	}
	if err := s.buildSpaces(); err != nil {
		return nil, err
	}
	s.version = opts.Device.Version
	if s.version == "" {
		s.version = defaultVersion(opts.Device.Hostname)
	}
	s.cfg = s.serverConfig()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("asasim: listen: %w", err)
	}
	if ta, ok := ln.Addr().(*net.TCPAddr); !ok || !ta.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("asasim: listener bound to non-loopback address %s", ln.Addr())
	}
	s.ln = ln
	s.ctx, s.cancel = context.WithCancel(context.Background())

	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// loopbackAddr validates addr and returns an address that is safe to listen on.
func loopbackAddr(addr string) (string, error) {
	if addr == "" {
		return "127.0.0.1:0", nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("asasim: invalid address %q: %w", addr, err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", fmt.Errorf("asasim: invalid port in %q", addr)
	}
	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("asasim: refusing to listen on non-loopback address %q (use 127.0.0.1 or ::1)", addr)
	}
	return net.JoinHostPort(ip.String(), port), nil
}

func (s *Server) serverConfig() *ssh.ServerConfig {
	o := s.opts
	cfg := &ssh.ServerConfig{
		ServerVersion: "SSH-2.0-Cisco-1.25",
	}
	if o.Password != "" {
		check := func(user string, pw []byte) bool {
			userOK := subtle.ConstantTimeCompare([]byte(user), []byte(o.Username)) == 1
			pwOK := subtle.ConstantTimeCompare(pw, []byte(o.Password)) == 1
			return userOK && pwOK
		}
		cfg.PasswordCallback = func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if check(c.User(), pw) {
				return nil, nil
			}
			return nil, errors.New("asasim: authentication failed")
		}
		cfg.KeyboardInteractiveCallback = func(c ssh.ConnMetadata, chal ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			ans, err := chal(c.User(), "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if len(ans) == 1 && check(c.User(), []byte(ans[0])) {
				return nil, nil
			}
			return nil, errors.New("asasim: authentication failed")
		}
	}
	if len(o.AuthorizedKeys) > 0 {
		keys := make([][]byte, 0, len(o.AuthorizedKeys))
		for _, k := range o.AuthorizedKeys {
			if k != nil {
				keys = append(keys, k.Marshal())
			}
		}
		cfg.PublicKeyCallback = func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if c.User() != o.Username {
				return nil, errors.New("asasim: unknown user")
			}
			m := key.Marshal()
			for _, k := range keys {
				if bytes.Equal(k, m) {
					return nil, nil
				}
			}
			return nil, errors.New("asasim: unknown public key")
		}
	}
	if o.Banner != "" {
		banner := string(toCRLF([]byte(o.Banner)))
		cfg.BannerCallback = func(ssh.ConnMetadata) string { return banner }
	}
	cfg.AddHostKey(s.signer)
	return cfg
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Transient failure (e.g. EMFILE under heavy test load): back off.
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.conns[nc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.handleConn(nc)
	}
}

func (s *Server) handleConn(nc net.Conn) {
	defer s.wg.Done()
	defer func() {
		nc.Close()
		s.mu.Lock()
		delete(s.conns, nc)
		s.mu.Unlock()
	}()

	_ = nc.SetDeadline(time.Now().Add(handshakeTimeout))
	sconn, chans, reqs, err := ssh.NewServerConn(nc, s.cfg)
	if err != nil {
		return
	}
	_ = nc.SetDeadline(time.Time{})
	defer sconn.Close()

	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()

	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ssh.DiscardRequests(reqs)
	}()

	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only session channels are supported")
			continue
		}
		ch, chReqs, err := nch.Accept()
		if err != nil {
			continue
		}
		sess := newSession(s, ctx, nc, ch)
		s.wg.Add(1)
		go sess.serveRequests(chReqs)
	}
}

// record appends a line to the transcript.
func (s *Server) record(line string) {
	s.tmu.Lock()
	s.transcript = append(s.transcript, line)
	s.tmu.Unlock()
}

// Addr returns the listening address, e.g. "127.0.0.1:40123".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Port returns the listening TCP port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// HostKey returns the server's public host key.
func (s *Server) HostKey() ssh.PublicKey { return s.signer.PublicKey() }

// Transcript returns a copy of every non-blank command line received from
// clients, across all sessions, in arrival order. Lines typed at a
// "Password: " prompt are recorded as "<password>"; pager keystrokes are not
// recorded.
func (s *Server) Transcript() []string {
	s.tmu.Lock()
	defer s.tmu.Unlock()
	out := make([]string, len(s.transcript))
	copy(out, s.transcript)
	return out
}

// Close stops the listener, terminates every session and waits for all
// server goroutines to exit.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		err = s.ln.Close()
		for nc := range s.conns {
			nc.Close()
		}
		s.mu.Unlock()
		s.cancel()
		s.wg.Wait()
	})
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// GenerateHostKey returns a fresh ed25519 host key.
func GenerateHostKey() (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("asasim: generate host key: %w", err)
	}
	return ssh.NewSignerFromKey(priv)
}

// WriteKnownHosts appends a known_hosts line for addr (e.g. "127.0.0.1:2222",
// written as "[127.0.0.1]:2222") and key to path, creating the file with mode
// 0600 if needed. The format is the one golang.org/x/crypto/ssh/knownhosts
// and OpenSSH accept.
func WriteKnownHosts(path string, addr string, key ssh.PublicKey) error {
	if key == nil {
		return errors.New("asasim: WriteKnownHosts: nil key")
	}
	line := knownhosts.Line([]string{knownhosts.Normalize(addr)}, key) + "\n"
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
