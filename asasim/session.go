package asasim

import (
	"bufio"
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Wire-level strings a client may need to know about.
const (
	// MorePrompt is printed when the pager pauses output.
	MorePrompt = "<--- More --->"
	// MoreErase is sent after a keypress at the More prompt to erase it:
	// CR, one space per character of MorePrompt, CR.
	MoreErase = "\r              \r"
	// DefaultPagerLines is the page length of a new session.
	DefaultPagerLines = 24
	// PasswordPrompt is printed by `enable`.
	PasswordPrompt = "Password: "

	chunkSize    = 512
	welcomeLine  = "Type help or '?' for a list of available commands.\r\n"
	errInvalid   = "ERROR: % Invalid input detected at '^' marker."
	errIncomplet = "ERROR: % Incomplete command"
)

type cliMode int

const (
	modeUser cliMode = iota
	modePriv
	modeConfig
)

// errEnd ends a shell session (logout, connection gone, fault injected).
var errEnd = errors.New("asasim: session ended")

type session struct {
	srv *Server
	ctx context.Context
	nc  net.Conn
	ch  ssh.Channel
	r   *bufio.Reader

	lastCR      bool // previous input byte was '\r' (swallow a following '\n')
	mode        cliMode
	space       *space // the context (or single mode / system space) commands run in
	pagerLines  int
	enableFails int
	echo        []byte
	started     bool
}

func newSession(srv *Server, ctx context.Context, nc net.Conn, ch ssh.Channel) *session {
	return &session{
		srv:        srv,
		ctx:        ctx,
		nc:         nc,
		ch:         ch,
		r:          bufio.NewReaderSize(ch, 4096),
		mode:       modeUser,
		pagerLines: DefaultPagerLines,
		space:      srv.startSpace(),
	}
}

// serveRequests handles channel requests; it starts the shell on "shell".
func (ss *session) serveRequests(reqs <-chan *ssh.Request) {
	defer ss.srv.wg.Done()
	for req := range reqs {
		switch req.Type {
		case "pty-req", "window-change":
			_ = req.Reply(true, nil)
		case "shell":
			if ss.started {
				_ = req.Reply(false, nil)
				continue
			}
			ss.started = true
			_ = req.Reply(true, nil)
			ss.srv.wg.Add(1)
			go ss.runShell()
		default: // env, exec, subsystem, x11-req, ...
			_ = req.Reply(false, nil)
		}
	}
	if !ss.started {
		ss.ch.Close()
	}
}

func (ss *session) runShell() {
	defer ss.srv.wg.Done()
	defer ss.ch.Close()
	err := ss.shell()
	if errors.Is(err, errLogout) {
		status := make([]byte, 4)
		binary.BigEndian.PutUint32(status, 0)
		_, _ = ss.ch.SendRequest("exit-status", false, status)
	}
}

var errLogout = errors.New("asasim: logout")

func (ss *session) shell() error {
	var pre []byte
	if b := ss.srv.opts.Banner; b != "" {
		pre = append(pre, withTrailingCRLF(toCRLF([]byte(b)))...)
	}
	pre = append(pre, welcomeLine...)
	pre = append(pre, ss.prompt()...)
	if err := ss.write(pre); err != nil {
		return err
	}
	for {
		line, err := ss.readLine(true)
		if err != nil {
			return err
		}
		if strings.TrimSpace(line) != "" {
			ss.srv.record(line)
			if err := ss.sleep(ss.srv.opts.Faults.Latency); err != nil {
				return err
			}
			if err := ss.execute(line); err != nil {
				return err
			}
		}
		if err := ss.write([]byte(ss.prompt())); err != nil {
			return err
		}
	}
}

func (ss *session) prompt() string {
	h := ss.srv.opts.Device.Hostname
	if ss.space.name != "" {
		h += "/" + ss.space.name
	}
	switch ss.mode {
	case modePriv:
		return h + "# "
	case modeConfig:
		return h + "(config)# "
	default:
		return h + "> "
	}
}

// ---- low level I/O ----------------------------------------------------------

func (ss *session) write(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	if _, err := ss.ch.Write(p); err != nil {
		return errEnd
	}
	return nil
}

func (ss *session) writeString(s string) error { return ss.write([]byte(s)) }

// sleep waits for d, returning errEnd early if the connection or server closes.
func (ss *session) sleep(d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ss.ctx.Done():
		return errEnd
	}
}

// readByte returns the next input byte, flushing pending echo first when the
// read would block.
func (ss *session) readByte() (byte, error) {
	if len(ss.echo) > 0 && ss.r.Buffered() == 0 {
		err := ss.write(ss.echo)
		ss.echo = ss.echo[:0]
		if err != nil {
			return 0, err
		}
	}
	b, err := ss.r.ReadByte()
	if err != nil {
		return 0, errEnd
	}
	return b, nil
}

// readLine reads one input line terminated by "\r", "\n" or "\r\n", echoing
// typed characters when echo is true. The line end is always echoed as CRLF.
func (ss *session) readLine(echo bool) (string, error) {
	var buf []byte
	esc := 0 // 0: normal, 1: after ESC, 2: inside CSI
	for {
		b, err := ss.readByte()
		if err != nil {
			return "", err
		}
		if ss.lastCR {
			ss.lastCR = false
			if b == '\n' {
				continue
			}
		}
		switch esc {
		case 1:
			if b == '[' || b == 'O' {
				esc = 2
			} else {
				esc = 0
			}
			continue
		case 2:
			if b >= 0x40 && b <= 0x7e {
				esc = 0
			}
			continue
		}
		switch {
		case b == '\r' || b == '\n':
			ss.lastCR = b == '\r'
			ss.echo = append(ss.echo, '\r', '\n')
			err := ss.write(ss.echo)
			ss.echo = ss.echo[:0]
			return string(buf), err
		case b == 0x7f || b == 0x08: // backspace
			if len(buf) > 0 {
				buf = buf[:len(buf)-1]
				if echo {
					ss.echo = append(ss.echo, '\b', ' ', '\b')
				}
			}
		case b == 0x15: // ^U: kill line
			if echo {
				for range buf {
					ss.echo = append(ss.echo, '\b', ' ', '\b')
				}
			}
			buf = buf[:0]
		case b == 0x1b:
			esc = 1
		case b < 0x20: // other control characters (tab, ^C, ...) are ignored
		default:
			buf = append(buf, b)
			if echo {
				ss.echo = append(ss.echo, b)
			}
		}
	}
}

// readKey reads a single keypress (for the pager); CRLF counts as one key.
func (ss *session) readKey() (byte, error) {
	for {
		b, err := ss.readByte()
		if err != nil {
			return 0, err
		}
		if ss.lastCR {
			ss.lastCR = false
			if b == '\n' {
				continue
			}
		}
		ss.lastCR = b == '\r'
		return b, nil
	}
}

// ---- output with pager and faults --------------------------------------------

// outStream writes command output in chunks, applying SlowOutput and the
// byte-count faults (only when faults is true).
type outStream struct {
	ss      *session
	faults  bool
	written int
	chunks  int
}

func (o *outStream) write(p []byte) error {
	f := o.ss.srv.opts.Faults
	for len(p) > 0 {
		n := min(chunkSize, len(p))
		limit, hang := 0, false
		if o.faults {
			limit, hang = faultLimit(f)
		}
		trigger := false
		if limit > 0 && o.written+n >= limit {
			n = limit - o.written
			trigger = true
		}
		if n > 0 {
			if o.chunks > 0 {
				if err := o.ss.sleep(f.SlowOutput); err != nil {
					return err
				}
			}
			if err := o.ss.write(p[:n]); err != nil {
				return err
			}
			o.chunks++
			o.written += n
			p = p[n:]
		}
		if trigger {
			if hang {
				// Stay connected and silent until the client or server gives up.
				<-o.ss.ctx.Done()
				return errEnd
			}
			o.ss.nc.Close()
			return errEnd
		}
	}
	return nil
}

// faultLimit returns the smaller positive byte limit and whether it hangs.
func faultLimit(f Faults) (int, bool) {
	h, d := f.HangAfterBytes, f.DisconnectAfterBytes
	switch {
	case h > 0 && (d <= 0 || h <= d):
		return h, true
	case d > 0:
		return d, false
	}
	return 0, false
}

// output sends command output (LF converted to CRLF, terminated by CRLF)
// through the pager. faults enables the running-config byte faults.
func (ss *session) output(text string, faults bool) error {
	if text == "" {
		return nil
	}
	data := withTrailingCRLF(toCRLF([]byte(text)))
	o := &outStream{ss: ss, faults: faults}
	if ss.pagerLines <= 0 {
		return o.write(data)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	show := ss.pagerLines
	for len(lines) > 0 {
		n := min(show, len(lines))
		if err := o.write(bytes.Join(lines[:n], nil)); err != nil {
			return err
		}
		lines = lines[n:]
		if len(lines) == 0 {
			break
		}
		if err := ss.writeString(MorePrompt); err != nil {
			return err
		}
		key, err := ss.readKey()
		if err != nil {
			return err
		}
		if err := ss.writeString(MoreErase); err != nil {
			return err
		}
		switch key {
		case ' ':
			show = ss.pagerLines
		case '\r', '\n':
			show = 1
		default: // 'q' and anything else stop the output
			return nil
		}
	}
	return nil
}

// ---- enable ---------------------------------------------------------------------

func (ss *session) enable() error {
	if ss.mode != modeUser {
		return nil
	}
	if err := ss.writeString(PasswordPrompt); err != nil {
		return err
	}
	pw, err := ss.readLine(false)
	if err != nil {
		return err
	}
	ss.srv.record("<password>")
	want := ss.srv.opts.Device.EnablePassword
	if subtle.ConstantTimeCompare([]byte(pw), []byte(want)) == 1 {
		ss.mode = modePriv
		ss.enableFails = 0
		return nil
	}
	ss.enableFails++
	msg := "Invalid password\r\n"
	if ss.enableFails >= 3 {
		msg += "Access denied.\r\n"
		ss.enableFails = 0
	}
	return ss.writeString(msg)
}

// ---- helpers ----------------------------------------------------------------------

// toCRLF converts LF and CRLF line endings to CRLF.
func toCRLF(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

func withTrailingCRLF(b []byte) []byte {
	if len(b) > 0 && !bytes.HasSuffix(b, []byte("\n")) {
		b = append(b, '\r', '\n')
	}
	return b
}
