// Package collect reads the running configuration and version of Cisco ASA firewalls over SSH,
// read-only by construction.
//
// The SSH session is driven by scrapligo's network driver with our own platform definition
// (cisco_asa.yaml, embedded) on an x/crypto/ssh PTY transport (transport.go). Every command
// typed at a firewall goes through session.send, which refuses anything Allowed refuses; the
// only other bytes ever written are the enable secret (only right after the device showed a
// Password: prompt in answer to "enable") and a space at a "<--- More --->" pager prompt.
// On a firewall in multiple-context mode the session moves between the security contexts
// with "changeto", through the same send.
package collect

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/asaaudit/asaaudit/internal/input"
	"github.com/asaaudit/asaaudit/internal/lazyre"

	"github.com/scrapli/scrapligo/driver/network"
	"github.com/scrapli/scrapligo/driver/options"
	"github.com/scrapli/scrapligo/platform"
	"golang.org/x/crypto/ssh"
)

// DefaultTimeout is used when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

const (
	termWidth  = 511 // PTY size: long command lines are not wrapped; no "terminal width" needed
	termHeight = 255
	readSize   = 64 * 1024
	pollDelay  = time.Millisecond
	// nudgeAfter: if no prompt has appeared this long after login, press Enter once.
	nudgeAfter = 3 * time.Second
	// maxMore bounds how many "<--- More --->" prompts are answered for one command.
	maxMore = 1_000_000
	// A prompt ends a command's output only once nothing has followed it for a while: a
	// line of the output that looks exactly like the prompt (a banner, a description, a
	// context's output) is followed by more output, the real prompt by silence. The wait
	// is twice the longest pause seen within this output, at least promptSettle (a
	// continuous stream pauses far less on loopback and a LAN) and at most maxSettle.
	promptSettle = 25 * time.Millisecond
	maxSettle    = 2 * time.Second
)

// Target is one firewall.
type Target struct {
	Name           string // display name (defaults to Host)
	Host           string
	Port           int // default 22
	Username       string
	Password       string // never logged/printed
	EnablePassword string // never logged/printed; "" = send empty at Password:
	KeyFile        string // private key file for public-key auth
	// SIPPorts, when not nil, replace Options.SIPPorts for this firewall (its own SIP
	// clients' ports, e.g. from an inventory profile).
	SIPPorts []Port
}

// Options apply to every target.
type Options struct {
	// Timeout bounds the whole host: connecting, logging in and every command together must
	// finish within it, so it also bounds the connect and each command; a device that stops
	// sending mid-output fails when it runs out (default DefaultTimeout).
	Timeout               time.Duration
	KnownHostsFile        string   // default ~/.ssh/known_hosts
	InsecureIgnoreHostKey bool     // never default
	Commands              []string // extra show commands to collect (checked against Allowed); results in Result.Outputs
	// Contexts asks "show mode" after the configuration and, on a firewall in multiple-context
	// mode, lists the contexts from the system execution space ("changeto system", "show
	// context") and collects each one's running-config in it ("changeto context NAME"):
	// Result.Mode and Result.Contexts.
	Contexts bool
	// Evidence collects the runtime evidence, EvidenceCommands(SIPPorts), in the firewall
	// (Result.Evidence) or, with Contexts on a multiple-context firewall, in each context
	// (ContextResult.Evidence).
	Evidence bool
	SIPPorts []Port
	// PacketTracer, when set, gives the packet-tracer commands to run after the evidence,
	// for the target (Target.Name), from the configuration collected in the same place
	// (the firewall, or each context) and the version (Result.Version): "packet-tracer
	// input ..." simulates a packet against the running configuration and changes
	// nothing. Each command is checked by Allowed like any other; its output is appended
	// to the evidence (Output), and a refusal by the device (command authorization) is
	// that Output's Err.
	PacketTracer func(target string, config []byte, version string) []string
	// Captures names captures that already exist on the device: each is read with "show
	// capture NAME dump" after the configuration (Result.Captures). asaaudit never creates
	// or clears a capture.
	Captures []string
	// MaxOutput bounds what one command may return, well above the largest real
	// running-config (default DefaultMaxOutput); past it the host fails with
	// ErrTooMuchOutput.
	MaxOutput int64
}

// DefaultMaxOutput is Options.MaxOutput when it is not set.
const DefaultMaxOutput = 256 << 20

// Result is what was collected from one target.
type Result struct {
	Target   string            // Target.Name
	Hostname string            // parsed from show version (or the prompt)
	Version  string            // ASA software version from show version, e.g. "9.8(4)"
	Config   []byte            // raw show running-config output minus command echo and prompt, LF line endings
	Outputs  map[string]string // Options.Commands -> output (minus echo and prompt)
	// Mode is ModeSingle or ModeMultiple from "show mode" (Options.Contexts); "" when not
	// asked or not answered.
	Mode string
	// Evidence holds, in order, "show mode" and, in multiple-context mode, "show context"
	// (Options.Contexts), then the outputs of EvidenceCommands (Options.Evidence) unless they
	// ran in each context.
	Evidence []Output
	// Captures are the outputs of "show capture NAME dump" (Options.Captures), in order,
	// read where the session started; a capture the device refuses or does not have is an
	// Output with Err.
	Captures []Output
	// Contexts are the security contexts in multiple-context mode, in "show context" order;
	// Config above is then the context the session started in.
	Contexts []ContextResult
	Sent     []string // commands sent, in order (never passwords)
	// Warnings are things that went oddly but did not stop the collection, one line each:
	// a line of a command's output that looks exactly like the prompt, read past.
	Warnings []string
	Err      error // nil, or an *Error
}

var (
	versionRe  = lazyre.New(`(?m)Software Version (\S+)`)
	hostnameRe = lazyre.New(`(?m)^([\w.\-@:/]+) up \d+ `)
	moreRe     = lazyre.New(`^\s*<--- More --->\s*$`)
	moreStrip  = lazyre.New(`<--- More --->\x08*( {0,14})`)
	rejectedRe = lazyre.New(`(?i)invalid password|access denied|bad secret`)
)

// Collect connects to t, collects show version, show running-config, o.Commands and what
// o.Contexts and o.Evidence ask for, and closes the session. It never panics and never returns
// without a Result; on failure Result.Err says what went wrong and what to do, and the fields
// collected before the failure are kept.
func Collect(ctx context.Context, t Target, o Options) (r Result) {
	name := t.Name
	if name == "" {
		name = t.Host
	}
	s := &session{t: t, o: o, name: name}
	s.r = Result{Target: name, Outputs: map[string]string{}}
	defer func() {
		if p := recover(); p != nil {
			s.r.Err = s.errorf(ErrUnexpected, "internal error: %v", p)
		}
		s.r.Sent = s.sent
		s.scrub()
		r = s.r
	}()
	if err := s.run(ctx); err != nil {
		s.r.Err = err
	}
	return s.r
}

type session struct {
	t    Target
	o    Options
	name string
	r    Result

	ctx     context.Context // the host's context: its deadline is the host's timeout
	parent  context.Context
	timeout time.Duration
	addr    string

	tr   *sshTransport
	plat *platform.Platform
	d    *network.Driver
	re   map[string]*regexp.Regexp // privilege level name -> prompt pattern
	pwRe *regexp.Regexp            // escalate prompt (Password:)
	base string                    // prompt without the trailing #/> once known, e.g. "fw1/admin"
	sent []string

	inContext string // the context being collected, named in errors

	lastPrompt string // the prompt that ended the last read
	lastLevel  string // its privilege level
	lastStep   string // what the last read was for, for the error when its output went on
	atPassword bool   // the last send was the escalate command and ended at its Password: prompt
}

func (s *session) run(ctx context.Context) error {
	cmds, err := s.validate()
	if err != nil {
		return err
	}
	s.timeout = s.o.Timeout
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	s.parent = ctx
	hctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	s.ctx = hctx
	s.addr = joinHostPort(s.t.Host, s.t.Port)
	if err := hctx.Err(); err != nil {
		return s.ctxErr("connecting to " + s.addr)
	}

	auth, err := s.authMethods()
	if err != nil {
		return err
	}
	cb, algos, err := hostKeyConfig(s.addr, s.o)
	if err != nil {
		return s.errorf(ErrOptions, "%v", err)
	}
	s.tr = &sshTransport{
		ctx:  hctx,
		addr: s.addr,
		cfg: &ssh.ClientConfig{
			User:              s.t.Username,
			Auth:              auth,
			HostKeyCallback:   cb,
			HostKeyAlgorithms: algos,
			Timeout:           s.timeout,
		},
		termW:     termWidth,
		termH:     termHeight,
		maxOutput: cmp.Or(s.o.MaxOutput, DefaultMaxOutput),
	}
	// A deadline or cancellation closes the connection, which unblocks any read or write.
	stop := context.AfterFunc(hctx, func() { _ = s.tr.Close() })
	defer stop()

	port := s.t.Port
	if port == 0 {
		port = 22
	}
	// Passwords are not given to scrapligo: authentication is done by our transport and the
	// enable secret is answered by answerSecret.
	s.plat, s.d, err = newPlatform(s.t.Host,
		options.WithCustomTransport(s.tr),
		options.WithPort(port),
		options.WithTransportReadSize(readSize),
	)
	if err != nil {
		return s.errorf(ErrUnexpected, "%v", err)
	}
	s.re = map[string]*regexp.Regexp{}
	for name, l := range s.d.PrivilegeLevels {
		s.re[name] = regexp.MustCompile(l.Pattern) // checked by checkPlatform
	}
	s.pwRe = regexp.MustCompile(s.d.PrivilegeLevels[levelPriv].EscalatePrompt)

	if err := s.d.Open(); err != nil {
		return s.connectErr(err)
	}
	defer s.close()

	if err := s.login(); err != nil {
		return err
	}
	s.r.Hostname = s.base // until show version says better
	if err := s.onOpen(); err != nil {
		return err
	}

	ver, err := s.command("show version")
	if err != nil {
		return err
	}
	s.r.Version = firstSubmatch(versionRe.Get(), ver)
	if h := firstSubmatch(hostnameRe.Get(), ver); h != "" {
		s.r.Hostname = h
	}

	cfg, err := s.command("show running-config")
	if err != nil {
		return err
	}
	s.r.Config = []byte(cfg)

	var firstErr error
	for _, c := range cmds {
		switch normalize(c) {
		case "show version":
			s.r.Outputs[c] = ver
			continue
		case "show running-config":
			s.r.Outputs[c] = cfg
			continue
		}
		out, err := s.command(c)
		if err != nil {
			if !errors.Is(err, ErrCommand) {
				return err // the session is gone
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		s.r.Outputs[c] = out
	}
	for _, name := range s.o.Captures {
		cmd := "show capture " + name + " dump"
		if err := Allowed(cmd); err != nil {
			s.r.Captures = append(s.r.Captures, Output{Prompt: s.lastPrompt, Command: cmd, Err: &Error{Target: s.name, Kind: ErrNotAllowed, Msg: err.Error()}})
			continue
		}
		out, err := s.evidenceCommand(cmd)
		if err != nil {
			return err
		}
		s.r.Captures = append(s.r.Captures, out)
	}
	if err := s.runtime(); err != nil {
		return err
	}
	if err := s.pending(); err != nil {
		return err // the last output went on after a prompt-like line: it is incomplete
	}
	return firstErr
}

// validate checks the target and the extra commands before anything is sent.
func (s *session) validate() ([]string, error) {
	switch {
	case s.t.Host == "":
		return nil, s.errorf(ErrOptions, "no host given")
	case s.t.Username == "":
		return nil, s.errorf(ErrOptions, "no username given")
	case s.t.Password == "" && s.t.KeyFile == "":
		return nil, s.errorf(ErrOptions, "no password or key file given for user %s", s.t.Username)
	case s.t.Port < 0 || s.t.Port > 65535:
		return nil, s.errorf(ErrOptions, "port %d is out of range", s.t.Port)
	}
	for _, ports := range [][]Port{s.o.SIPPorts, s.t.SIPPorts} {
		if err := checkPorts(ports); err != nil {
			return nil, s.errorf(ErrOptions, "%v", err)
		}
	}
	var cmds []string
	seen := map[string]bool{}
	for _, c := range s.o.Commands {
		if strings.TrimSpace(c) == "" {
			return nil, s.errorf(ErrOptions, "empty command in the extra commands")
		}
		if err := Allowed(c); err != nil {
			return nil, s.errorf(ErrNotAllowed, "refusing to connect: %v", err)
		}
		if !seen[c] {
			seen[c] = true
			cmds = append(cmds, c)
		}
	}
	return cmds, nil
}

func (s *session) authMethods() ([]ssh.AuthMethod, error) {
	var auth []ssh.AuthMethod
	if s.t.KeyFile != "" {
		k, err := input.ReadAllBounded(s.t.KeyFile, "a private key file", input.MaxKey)
		if err != nil {
			return nil, s.errorf(ErrOptions, "cannot read key file %v", err)
		}
		signer, err := ssh.ParsePrivateKey(k)
		if err != nil {
			var pe *ssh.PassphraseMissingError
			if errors.As(err, &pe) {
				return nil, s.errorf(ErrOptions, "key file %s is passphrase-protected; use a key without a passphrase", s.t.KeyFile)
			}
			return nil, s.errorf(ErrOptions, "cannot parse key file %s: %v", s.t.KeyFile, err)
		}
		auth = append(auth, ssh.PublicKeys(signer))
	}
	if s.t.Password != "" {
		pw := s.t.Password
		auth = append(auth, ssh.Password(pw),
			ssh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
				a := make([]string, len(q))
				for i := range a {
					a[i] = pw
				}
				return a, nil
			}))
	}
	return auth, nil
}

// close ends the session without typing anything: closing the transport first makes
// scrapligo's read loop stop at once.
func (s *session) close() {
	_ = s.tr.Close()
	_ = s.d.Close()
}

// login waits for the first prompt and refuses to work in configuration mode.
func (s *session) login() error {
	const step = "waiting for the prompt"
	soft := time.Now().Add(min(nudgeAfter, s.timeout/3))
	buf, _, err := s.readUntil(step, s.promptStop, soft)
	if errors.Is(err, errSoft) {
		// Some devices draw the prompt only after a key press.
		buf, _, err = s.send("", step, s.promptStop)
	}
	if err != nil {
		return err
	}
	last := lastLine(buf)
	s.base = promptBase(last)
	if s.level(last) == levelConfig {
		return s.errorf(ErrUnexpected, "session started in configuration mode (prompt %q); refusing to continue", strings.TrimSpace(last))
	}
	return nil
}

// onOpen executes the platform definition's network-on-open steps (checked by checkPlatform):
// acquire privilege_exec, then terminal pager 0 — through send, like every other command.
func (s *session) onOpen() error {
	for _, op := range s.plat.NetworkOnOpen {
		switch op["operation"] {
		case platform.OpAcquirePriv:
			if err := s.acquirePriv(); err != nil {
				return err
			}
		case platform.OpDriverSendCommand:
			c, _ := op["command"].(string)
			if _, err := s.command(c); err != nil {
				return err
			}
		default:
			return s.errorf(ErrUnexpected, "platform on-open operation %v is not supported", op["operation"])
		}
	}
	return nil
}

// acquirePriv gets from exec to privilege_exec with the definition's escalate command
// ("enable"), answering its escalate prompt ("Password:") with the enable password.
func (s *session) acquirePriv() error {
	if s.lastLevel == levelPriv {
		return nil
	}
	lvl := s.d.PrivilegeLevels[levelPriv]
	if s.lastLevel != lvl.PreviousPriv {
		return s.errorf(ErrUnexpected, "cannot reach privileged mode from prompt %q", s.lastPrompt)
	}
	const (
		gotPriv = iota
		gotExec
		gotPassword
		gotRejected
	)
	stop := func(last string, buf []byte) int {
		switch {
		case s.pwRe.MatchString(last):
			return gotPassword
		case s.level(last) == levelPriv:
			return gotPriv
		case s.level(last) == levelExec:
			return gotExec
		}
		return -1
	}
	step := fmt.Sprintf("%q", lvl.Escalate)
	buf, k, err := s.send(lvl.Escalate, step, stop)
	if err != nil {
		return err
	}
	switch k {
	case gotPriv:
		return nil
	case gotExec:
		return s.errorf(ErrEnable, "%q did not give privileged mode: %s", lvl.Escalate, firstLine(output(buf, lvl.Escalate)))
	}
	// At the Password: prompt. Anything but the prompts counts as a rejection once the
	// device says so; we never answer a second Password: prompt.
	_, k, err = s.answerSecret(s.t.EnablePassword, step, func(last string, buf []byte) int {
		switch {
		case rejectedRe.Get().Match(buf):
			return gotRejected
		case s.pwRe.MatchString(last):
			return gotRejected
		case s.level(last) == levelPriv:
			return gotPriv
		case s.level(last) == levelExec:
			return gotRejected
		}
		return -1
	})
	if err != nil {
		return err
	}
	if k != gotPriv {
		return s.errorf(ErrEnable, "enable password rejected; check the enable password")
	}
	return nil
}

// command sends an allowed command at the privileged prompt and returns its output (echo and
// prompt removed). A device-side error (failed-when-contains) is returned as ErrCommand along
// with the output.
func (s *session) command(cmd string) (string, error) {
	buf, _, err := s.send(cmd, fmt.Sprintf("%q", cmd), s.promptStop)
	if err != nil {
		return "", err
	}
	if first, _, _ := strings.Cut(string(buf), "\n"); !strings.Contains(normalize(first), normalize(cmd)) {
		// The device answers with the echo of what was typed first. Anything before it is
		// the previous command's output, which went on after a line that looked like the
		// prompt, past the wait for more: that output is incomplete.
		return "", s.continuedErr()
	}
	out := output(buf, cmd)
	if msg := s.failedLine(out); msg != "" {
		return out, s.errorf(ErrCommand, "%q failed on the device: %s", cmd, msg)
	}
	if s.lastLevel == levelConfig {
		return out, s.errorf(ErrUnexpected, "after %q the device is in configuration mode; stopping", cmd)
	}
	return out, nil
}

// send is the only way a command reaches a firewall: it refuses (and sends nothing) unless
// Allowed(cmd) is nil, records cmd in Sent, types it with Enter, and reads until stop matches.
func (s *session) send(cmd, step string, stop func(last string, buf []byte) int) ([]byte, int, error) {
	if err := Allowed(cmd); err != nil {
		return nil, -1, s.errorf(ErrNotAllowed, "refusing to send: %v", err)
	}
	if cmd != "" {
		s.sent = append(s.sent, cmd)
	}
	s.atPassword = false
	if err := s.pending(); err != nil {
		return nil, -1, err
	}
	if err := s.write([]byte(cmd + "\n")); err != nil {
		return nil, -1, s.ioErr(step, err)
	}
	buf, k, err := s.readUntil(step, stop, time.Time{})
	if err == nil && s.pwRe != nil && s.pwRe.MatchString(lastLine(buf)) && normalize(cmd) == normalize(s.d.PrivilegeLevels[levelPriv].Escalate) {
		s.atPassword = true
	}
	return buf, k, err
}

// answerSecret types a secret and Enter, only if the device is at the Password: prompt that
// answered the escalate command. The secret is never recorded.
func (s *session) answerSecret(secret, step string, stop func(last string, buf []byte) int) ([]byte, int, error) {
	if !s.atPassword {
		return nil, -1, s.errorf(ErrUnexpected, "refusing to type a password: the device is not at a Password: prompt")
	}
	s.atPassword = false
	if strings.ContainsAny(secret, "\r\n") {
		return nil, -1, s.errorf(ErrOptions, "the enable password contains a line break")
	}
	if err := s.pending(); err != nil {
		return nil, -1, err
	}
	if err := s.write([]byte(secret + "\n")); err != nil {
		return nil, -1, s.ioErr(step, err)
	}
	return s.readUntil(step, stop, time.Time{})
}

// write is the single low-level writer; it is called only by send, answerSecret and (a space
// at a pager prompt) readUntil.
func (s *session) write(b []byte) error {
	return s.d.Channel.Write(b, true) // "redacted": scrapligo never logs what is written
}

var errSoft = errors.New("soft deadline")

// readUntil reads from scrapligo's channel until stop(last line, everything read) >= 0, the
// host deadline passes, the connection closes, or (if soft is set) soft passes (errSoft).
// It records the prompt level of the last line when it returns.
func (s *session) readUntil(step string, stop func(last string, buf []byte) int, soft time.Time) ([]byte, int, error) {
	var buf []byte
	more := 0
	// answered is where the text after the last answered pager prompt starts: the erase
	// sequence that follows a prompt must not read as the prompt again, or the extra space
	// would land at the CLI prompt and hide it.
	answered := 0
	s.lastStep = step
	var (
		lastData time.Time     // when the last piece of output came
		pause    time.Duration // the longest pause between two pieces
		carry    []byte        // output that came while a prompt-like line was waited on
	)
	for {
		if s.ctx.Err() != nil {
			return buf, -1, s.ctxErr(step)
		}
		b := carry
		carry = nil
		if b == nil {
			var err error
			if b, err = s.d.Channel.Read(); err != nil {
				return buf, -1, s.ioErr(step, err)
			}
		}
		if len(b) == 0 {
			if !soft.IsZero() && time.Now().After(soft) {
				return buf, -1, errSoft
			}
			time.Sleep(pollDelay)
			continue
		}
		now := time.Now()
		if !lastData.IsZero() {
			pause = max(pause, now.Sub(lastData))
		}
		lastData = now
		buf = append(buf, b...)
		last := lastLine(buf)
		if moreRe.Get().MatchString(lastLine(buf[answered:])) && more < maxMore {
			// The pager should be off; if it is not, page on (a keystroke, not a command).
			more++
			answered = len(buf)
			if err := s.write([]byte(" ")); err != nil {
				return buf, -1, s.ioErr(step, err)
			}
			continue
		}
		if k := stop(last, buf); k >= 0 {
			next, err := s.settle(min(max(promptSettle, 2*pause), maxSettle))
			if err != nil {
				return buf, -1, s.ioErr(step, err)
			}
			if len(next) > 0 {
				// Not the end: the device went on after a line of output that looks
				// like the prompt. Read on, and say so.
				s.r.Warnings = append(s.r.Warnings, s.inCtx(fmt.Sprintf(
					"%s: line %d of the output looks exactly like the prompt (%q); read on past it, since the device went on",
					step, bytes.Count(buf, []byte("\n")), strings.TrimSpace(last))))
				carry = next
				continue
			}
			s.lastPrompt = strings.TrimSpace(last)
			s.lastLevel = s.level(last)
			return buf, k, nil
		}
	}
}

// settle waits up to d for more output after what looks like a prompt, and returns what
// came (nil: none, the prompt stands).
func (s *session) settle(d time.Duration) ([]byte, error) {
	end := time.Now().Add(d)
	for {
		b, err := s.d.Channel.Read()
		if err != nil {
			return nil, err
		}
		if len(b) > 0 {
			return b, nil
		}
		if s.ctx.Err() != nil || time.Now().After(end) {
			return nil, nil // a deadline is the next read's to report
		}
		time.Sleep(pollDelay)
	}
}

// pending fails when output came after the prompt that ended the last read, before
// anything was typed: that prompt was a line of the output followed by a pause longer than
// settle waited, and the output taken as complete was not.
func (s *session) pending() error {
	b, err := s.d.Channel.Read()
	if err != nil || len(b) == 0 {
		return nil // a broken channel is reported by the write and read that follow
	}
	return s.continuedErr()
}

// continuedErr is the failure pending and command detect: the output of the last read went
// on after its prompt.
func (s *session) continuedErr() error {
	return s.errorf(ErrUnexpected, "output came after the prompt (%q) that ended %s: that was a line of the output that looks exactly like the prompt, followed by a pause (or a message the device printed unasked), so what was collected may be incomplete; stopping (run again; if it persists, look at that output on the device)", s.lastPrompt, s.lastStep)
}

func (s *session) promptStop(last string, _ []byte) int {
	if s.level(last) != "" {
		return 0
	}
	return -1
}

// level returns the privilege level whose prompt pattern matches the last line, or "".
func (s *session) level(last string) string { return s.levelAt(last, s.base) }

// levelAt is level for a prompt that starts with base ("" for any prompt).
func (s *session) levelAt(last, base string) string {
	if base != "" {
		rest, ok := strings.CutPrefix(last, base)
		if !ok || rest == "" || !strings.ContainsRune("#>(", rune(rest[0])) {
			return ""
		}
	}
	for _, name := range []string{levelConfig, levelPriv, levelExec} {
		if re := s.re[name]; re != nil && re.MatchString(last) {
			return name
		}
	}
	return ""
}

// failedLine returns the first of the first few output lines that contains a failed-when-contains
// string. Only the start of the output is checked: ASA reports a bad command right after the
// echo, and a configuration may well contain "ERROR:" in a banner.
func (s *session) failedLine(out string) string {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		for _, f := range s.d.FailedWhenContains {
			if strings.Contains(l, f) {
				return strings.TrimSpace(l)
			}
		}
		if n++; n == 3 {
			break
		}
	}
	return ""
}

// output is what a command printed: buf minus the echoed command line and the trailing prompt,
// with any pager prompts removed. The line breaks are those received (scrapligo's read loop
// drops CRs and ANSI escapes).
func output(buf []byte, cmd string) string {
	i := bytes.LastIndexByte(buf, '\n')
	if i < 0 {
		return ""
	}
	body := buf[:i+1]
	if j := bytes.IndexByte(body, '\n'); j >= 0 && cmd != "" &&
		strings.Contains(normalize(string(body[:j])), normalize(cmd)) {
		body = body[j+1:]
	}
	if bytes.Contains(body, []byte("<--- More --->")) {
		body = moreStrip.Get().ReplaceAll(body, nil)
	}
	return string(body)
}

func lastLine(buf []byte) string {
	return string(buf[bytes.LastIndexByte(buf, '\n')+1:])
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// promptBase is the prompt without the mode suffix: "fw1/admin# " -> "fw1/admin".
func promptBase(p string) string {
	p = strings.TrimRight(p, " \t")
	p = strings.TrimRight(p, "#>")
	if i := strings.Index(p, "(config"); i >= 0 {
		p = p[:i]
	}
	return p
}

func normalize(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func firstSubmatch(re *regexp.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// --- errors ---------------------------------------------------------------------------------

func (s *session) errorf(kind error, format string, a ...any) error {
	return &Error{Target: s.name, Kind: kind, Msg: s.inCtx(fmt.Sprintf(format, a...))}
}

// inCtx prefixes msg with the security context being collected, if any.
func (s *session) inCtx(msg string) string {
	if s.inContext != "" {
		msg = "context " + s.inContext + ": " + msg
	}
	return msg
}

// ctxErr explains why the host context ended while doing step.
func (s *session) ctxErr(step string) error {
	what := step
	if !strings.HasPrefix(step, "connecting") && !strings.HasPrefix(step, "waiting") {
		what = "running " + step
	}
	switch {
	case errors.Is(s.parent.Err(), context.Canceled):
		return s.errorf(ErrCanceled, "canceled while %s", what)
	case s.parent.Err() != nil:
		return s.errorf(ErrTimeout, "timed out (caller's deadline) while %s", what)
	default:
		return s.errorf(ErrTimeout, "timed out after %s while %s", s.timeout, what)
	}
}

// ioErr turns a read/write failure during step into a timeout/cancel or "connection closed".
func (s *session) ioErr(step string, err error) error {
	if s.tr != nil && s.tr.tooMuch.Load() {
		return s.errorf(ErrTooMuchOutput, "more than %d MiB of output while running %s: stopped (a device that floods output, or raise the bound)", s.tr.maxOutput>>20, step)
	}
	if s.ctx.Err() != nil {
		return s.ctxErr(step)
	}
	what := step
	if !strings.HasPrefix(step, "waiting") {
		what = "running " + step
	}
	_ = err // always a closed or broken channel here; the detail adds nothing actionable
	return s.errorf(ErrClosed, "connection closed while %s", what)
}

// connectErr classifies a failure to open the session.
func (s *session) connectErr(err error) error {
	if s.tr.openErr != nil {
		err = s.tr.openErr
	}
	if s.ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
		// The socket deadline is the host deadline; it may fire a moment before the context's.
		return s.ctxErr("connecting to " + s.addr)
	}
	var hk *hostKeyError
	if errors.As(err, &hk) {
		fp := ""
		if hk.got != nil {
			fp = hk.got.Type() + " " + ssh.FingerprintSHA256(hk.got)
		}
		switch hk.kind {
		case ErrHostKeyUnknown:
			return s.errorf(ErrHostKeyUnknown,
				"host key for %s is not in %s; verify it and add it (%s) or pass --known-hosts FILE (the server offered %s)",
				hk.addr, hk.file, keyscanHint(hk.addr, hk.file), fp)
		case ErrHostKeyChanged:
			return s.errorf(ErrHostKeyChanged,
				"host key for %s has CHANGED: the server offered %s but %s has a different key (%s); this may be a man-in-the-middle attack (or the firewall was replaced or re-keyed): verify the new key out of band before removing the old entry (ssh-keygen -R %s -f %s)",
				hk.addr, fp, hk.file, strings.Join(hk.present, ", "), knownhostsName(hk.addr), hk.file)
		default:
			return s.errorf(ErrHostKeyRevoked, "host key for %s (%s) is marked @revoked in %s; refusing to connect", hk.addr, fp, hk.file)
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "unable to authenticate") || strings.Contains(msg, "no supported methods remain"):
		how := "password"
		if s.t.KeyFile != "" && s.t.Password == "" {
			how = "key file"
		} else if s.t.KeyFile != "" {
			how = "password and key file"
		}
		return s.errorf(ErrAuth, "authentication failed for user %s; check the username and %s", s.t.Username, how)
	case errors.Is(err, syscall.ECONNREFUSED):
		return s.errorf(ErrConnect, "cannot connect to %s: connection refused; check the address and port, and that SSH is enabled for this source on the firewall", s.addr)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return s.errorf(ErrConnect, "cannot connect to %s: cannot resolve %s", s.addr, s.t.Host)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return s.errorf(ErrConnect, "cannot connect to %s: %v", s.addr, opErr.Err)
	}
	if strings.HasPrefix(msg, "ssh: handshake failed") {
		return s.errorf(ErrConnect, "SSH handshake with %s failed: %s", s.addr, strings.TrimPrefix(msg, "ssh: handshake failed: "))
	}
	return s.errorf(ErrConnect, "cannot open an SSH shell on %s: %s", s.addr, oneLine(msg))
}

// knownhostsName is how known_hosts (and ssh-keygen -R) name addr.
func knownhostsName(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if port == "22" {
		return host
	}
	return "'[" + host + "]:" + port + "'"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// scrub is a last line of defence: no password may leave in Err or Sent, whatever happened.
func (s *session) scrub() {
	secrets := []string{s.t.Password, s.t.EnablePassword}
	clean := func(v string) string {
		for _, sec := range secrets {
			if len(sec) >= 4 {
				v = strings.ReplaceAll(v, sec, "*****")
			}
		}
		return v
	}
	cleanErr := func(err error) error {
		if err == nil {
			return nil
		}
		if e, ok := err.(*Error); ok {
			e.Msg = clean(oneLine(e.Msg))
			return e
		}
		return &Error{Target: s.name, Kind: ErrUnexpected, Msg: clean(oneLine(err.Error()))}
	}
	for i, c := range s.r.Sent {
		s.r.Sent[i] = clean(c)
	}
	for i, w := range s.r.Warnings {
		s.r.Warnings[i] = clean(oneLine(w))
	}
	s.r.Err = cleanErr(s.r.Err)
	for i := range s.r.Evidence {
		s.r.Evidence[i].Err = cleanErr(s.r.Evidence[i].Err)
	}
	for i := range s.r.Captures {
		s.r.Captures[i].Err = cleanErr(s.r.Captures[i].Err)
	}
	for i := range s.r.Contexts {
		c := &s.r.Contexts[i]
		c.Err = cleanErr(c.Err)
		for j := range c.Evidence {
			c.Evidence[j].Err = cleanErr(c.Evidence[j].Err)
		}
	}
}
