package parser

import (
	"bytes"
	"errors"
	"io"
)

// maxKept is how much of one line is kept. ASA command lines are far shorter; a longer
// line is kept truncated (and reported if it falls in an audited block) so that a
// pathological input cannot make memory grow with the length of a line.
const maxKept = 64 << 10

// bufSize is the read buffer. It holds several lines of maxKept, so that only lines
// longer than that need a copy, and is large enough that the read system calls cost
// little next to the scanning.
const bufSize = 256 << 10

// specials are the bytes that send a line through render. They are rare, so instead of
// testing every byte of every line, the Scanner remembers where each occurs next in its
// buffer (found with bytes.IndexByte, which is vectorised) and lets every line before
// that position through untouched.
var specials = [...]byte{'\r', 0x1b, '\b', 0}

// Scanner reads a configuration capture line by line and undoes what terminals, the ASA
// pager and editors leave in it: UTF-16 with a byte order mark, CRLF, a UTF-8 BOM, ANSI
// escapes, "<--- More --->" prompts with the carriage-return/space sequences that erase
// them (or the spaces alone, when the carriage returns were stripped), backspaces and
// trailing padding; with StripConfigPrompts, also configuration-mode prompts. Line numbers
// always count the lines of the original input.
type Scanner struct {
	r          io.Reader
	buf        []byte
	keepMax    int   // lines are cut to this length (maxKept)
	start, end int   // buf[start:end] is read but not yet consumed
	searched   int   // buf[start:start+searched] holds no newline
	rerr       error // the error (io.EOF at the end) that stopped reading; pending until the buffer is consumed
	// next[k] is the index in buf of the next specials[k] at or after the current line,
	// end if there is none before end, or -1 when not known (after the buffer moved).
	next [len(specials)]int
	// nextHash is next[k] for '#', which every prompt holds; it is looked for only while
	// configuration prompts are stripped.
	nextHash int

	num  int
	text []byte // the current line, normalised; valid until the next call to Scan
	// base is the offset in the input of buf[0]; textOff the offset of text when text is
	// the input's bytes there as they are, else -1.
	base, textOff int64
	decoded       bool   // the input is UTF-16, read through a decoder: no offset is the input's
	long          []byte // the kept start of a line longer than the buffer
	scratch       []byte // render's output
	truncated     bool
	err           error // set when Scan has returned false
	binary        bool
	sniffed       bool // the start of the input was checked for a UTF-16 byte order mark

	prompts bool   // strip configuration-mode prompts
	mode    []byte // the mode named by the prompt stripped from the current line
	hash    bool   // with prompts: the current line held a '#' before any prompt was stripped
}

// NewScanner returns a Scanner reading r.
func NewScanner(r io.Reader) *Scanner { return newScanner(r, bufSize, maxKept) }

// newScanner returns a Scanner with a buffer of size bytes that keeps lines up to keep
// bytes; the tests use small sizes to reach the buffer's edges with small inputs.
func newScanner(r io.Reader, size, keep int) *Scanner {
	s := &Scanner{r: r, buf: make([]byte, size), keepMax: keep}
	s.forget()
	return s
}

// Scan advances to the next line; it returns false at the end of input or on error.
func (s *Scanner) Scan() bool {
	if s.err != nil {
		return false
	}
	line, inBuf, ok := s.readLine()
	if !ok {
		return false
	}
	s.num++
	s.text, inBuf = s.normalise(line, inBuf)
	s.textOff = -1
	if inBuf >= 0 && !s.truncated && !s.decoded {
		s.textOff = s.base + int64(inBuf)
	}
	return true
}

// readLine returns the next line without its newline. inBuf is its offset in buf, or -1
// when the line was copied out (a line longer than the buffer).
func (s *Scanner) readLine() (line []byte, inBuf int, ok bool) {
	s.truncated = false
	for {
		if i := bytes.IndexByte(s.buf[s.start+s.searched:s.end], '\n'); i >= 0 {
			ls, le := s.start, s.start+s.searched+i
			s.start, s.searched = le+1, 0
			return s.keep(ls, le)
		}
		s.searched = s.end - s.start
		if s.rerr != nil {
			if !errors.Is(s.rerr, io.EOF) {
				s.err = s.rerr
				return nil, 0, false
			}
			if s.start == s.end {
				s.err = io.EOF
				return nil, 0, false
			}
			ls, le := s.start, s.end // the last line, without a newline
			s.start, s.searched = s.end, 0
			return s.keep(ls, le)
		}
		if s.start == 0 && s.end == len(s.buf) {
			return s.skipLong()
		}
		s.fill()
	}
}

// keep returns buf[ls:le] as the line, cut to keepMax.
func (s *Scanner) keep(ls, le int) ([]byte, int, bool) {
	if le-ls > s.keepMax {
		s.truncated = true
		le = ls + s.keepMax
	}
	return s.buf[ls:le], ls, true
}

// skipLong handles a line that fills the whole buffer: it keeps the start of the line
// and reads past the rest, so that memory stays bounded whatever the line's length.
func (s *Scanner) skipLong() ([]byte, int, bool) {
	s.long = append(s.long[:0], s.buf[:s.keepMax]...)
	s.truncated = true
	s.start, s.searched = s.end, 0
	for {
		s.fill()
		if i := bytes.IndexByte(s.buf[s.start:s.end], '\n'); i >= 0 {
			s.start += i + 1
			return s.long, -1, true
		}
		s.start = s.end
		if s.rerr != nil {
			if !errors.Is(s.rerr, io.EOF) {
				s.err = s.rerr
				return nil, 0, false
			}
			return s.long, -1, true
		}
	}
}

// fill moves the unconsumed bytes to the front of the buffer and reads more after them.
func (s *Scanner) fill() {
	s.base += int64(s.start)
	s.end = copy(s.buf, s.buf[s.start:s.end])
	s.start = 0
	s.forget()
	s.read()
	if !s.sniffed {
		s.sniffUTF16()
	}
}

// read reads more input after buf[:end].
func (s *Scanner) read() {
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return
		}
		if n > 0 {
			return
		}
	}
	s.rerr = io.ErrNoProgress
}

func (s *Scanner) forget() {
	for k := range s.next {
		s.next[k] = -1
	}
	s.nextHash = -1
}

// clean reports whether buf[ls:le] holds none of the specials.
func (s *Scanner) clean(ls, le int) bool {
	for k, c := range specials {
		p := s.next[k]
		if p < ls {
			p = s.end
			if i := bytes.IndexByte(s.buf[ls:s.end], c); i >= 0 {
				p = ls + i
			}
			s.next[k] = p
		}
		if p < le {
			return false
		}
	}
	return true
}

// hashIn reports whether buf[ls:le] holds a '#', remembering where the next one is as
// clean does for the specials.
func (s *Scanner) hashIn(ls, le int) bool {
	if s.nextHash < ls {
		s.nextHash = s.end
		if i := bytes.IndexByte(s.buf[ls:s.end], '#'); i >= 0 {
			s.nextHash = ls + i
		}
	}
	return s.nextHash < le
}

// Head returns up to n bytes of the input not read yet, without consuming them; before the
// first Scan it is the start of the input, for recognising file types: as it is, except
// that UTF-16 with a byte order mark is already decoded to UTF-8.
func (s *Scanner) Head(n int) []byte {
	n = min(n, len(s.buf))
	for s.end-s.start < n && s.rerr == nil {
		s.fill()
	}
	return s.buf[s.start:min(s.end, s.start+n)]
}

// Err returns the first read error (not io.EOF).
func (s *Scanner) Err() error {
	if errors.Is(s.err, io.EOF) {
		return nil
	}
	return s.err
}

// Line returns the current line number (1-based) and its normalised text. The text is
// only valid until the next call to Scan.
func (s *Scanner) Line() (int, []byte) { return s.num, s.text }

// Verbatim returns the offset in the input of the current line, when its text is the
// input's bytes at that offset as they are: false for a line the Scanner changed (a
// rendered terminal sequence, a pager or configuration prompt removed, UTF-16 decoded, a
// line cut to its kept length). A line's trailing blanks and line ending are not part of
// its text, so that a verbatim line is followed in the input by a blank, a line ending or
// the end of the input.
func (s *Scanner) Verbatim() (int64, bool) { return s.textOff, s.textOff >= 0 }

// Truncated reports whether the current line was longer than the Scanner keeps.
func (s *Scanner) Truncated() bool { return s.truncated }

// Binary reports whether a NUL byte has been seen so far.
func (s *Scanner) Binary() bool { return s.binary }

// StripConfigPrompts makes the Scanner remove configuration-mode prompts
// ("fw1(config-pmap-c)# ", "fw/pri/act(config)# ") from the start of lines, as a session
// log or the examples of Cisco's guides have them, so that the line is the command typed;
// PromptMode then names the mode. A prompt alone on a line leaves an empty line. Exec
// prompts ("fw1# show run") and a configuration prompt before a show or more command stay:
// they are the echo of a command whose output follows, not configuration. It is not the
// default, because change scripts reject prompts and evidence reads them as command echoes.
func (s *Scanner) StripConfigPrompts() { s.prompts = true }

// PromptMode returns the mode named by the configuration prompt removed from the current
// line ("config", "config-pmap-c", "config-network-object"), or "" when none was.
func (s *Scanner) PromptMode() string { return string(s.mode) }

var (
	bom      = []byte("\xef\xbb\xbf")
	morePrmt = []byte("<--- More --->")
)

// moreErase is how many spaces the ASA writes over its pager prompt, between two carriage
// returns, before the next line. When a capture lost the carriage returns, the spaces
// beyond these are the indentation of the line that follows the prompt.
const moreErase = len("<--- More --->")

// normalise returns line without its line ending, terminal artefacts and trailing space.
// at is the line's offset in buf, or -1 if it is not in buf; normalise returns the offset
// in buf of what it returns, or -1 when that is not bytes of buf as they are.
func (s *Scanner) normalise(line []byte, at int) ([]byte, int) {
	for len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if s.num == 1 && bytes.HasPrefix(line, bom) {
		line = line[len(bom):]
		if at >= 0 {
			at += len(bom)
		}
	}
	// Fast path: most lines hold nothing a terminal left behind.
	if at < 0 && !cleanBytes(line) || at >= 0 && !s.clean(at, at+len(line)) {
		line, at = s.render(line), -1
	}
	line = trimBlanks(line)
	if i := leadingSpaces(line); i < len(line) && (line[i] == '<' || line[len(line)-1] == '>') {
		line, at = dropMore(line, i), -1
	}
	if s.prompts {
		s.mode = nil
		// Every prompt holds a '#', and few lines do: only those are looked at.
		s.hash = len(line) > 0 && (at < 0 && bytes.IndexByte(line, '#') >= 0 || at >= 0 && s.hashIn(at, at+len(line)))
		if s.hash {
			if stripped := s.stripPrompt(line); len(stripped) != len(line) {
				line, at = stripped, -1
			}
		}
	}
	return line, at
}

// MayHoldPrompt reports, with StripConfigPrompts, whether the current line may start with
// an exec prompt ("fw1#"): false when it holds no '#', as most lines do, which spares
// the parser a look at each. Without StripConfigPrompts it is always true.
func (s *Scanner) MayHoldPrompt() bool { return s.hash || !s.prompts }

// stripPrompt returns line without the configuration prompt it starts with, and notes the
// prompt's mode.
func (s *Scanner) stripPrompt(line []byte) []byte {
	// A session log pasted as an indented block (Markdown) has blanks before its prompts.
	lead := 0
	for lead < len(line) && (line[lead] == ' ' || line[lead] == '\t') {
		lead++
	}
	rest := line[lead:]
	if h := bytes.IndexByte(rest, '#'); h > 0 && rest[h-1] == ')' {
		if n, mode := configPrompt(rest, h); n > 0 {
			line, s.mode = rest[n:], mode
		}
	}
	return line
}

// dropMore returns line without the pager prompt it starts with, after i spaces, or ends
// with: the ASA prints the prompt after the last line of a page, and a capture that lost
// the carriage returns of the erase sequence has the prompt, its erase spaces and the next
// line together, or, when the newline came after the prompt, the line and the prompt.
func dropMore(line []byte, i int) []byte {
	if bytes.HasPrefix(line[i:], morePrmt) {
		line = line[i+len(morePrmt):]
		line = line[min(leadingSpaces(line), moreErase):]
	}
	if bytes.HasSuffix(line, morePrmt) {
		line = trimBlanks(line[:len(line)-len(morePrmt)])
	}
	return line
}

func trimBlanks(line []byte) []byte {
	for len(line) > 0 && (line[len(line)-1] == ' ' || line[len(line)-1] == '\t') {
		line = line[:len(line)-1]
	}
	return line
}

// configPrompt returns the length of the configuration-mode prompt that starts line, with
// the one space that ends it, and the mode it names; n is 0 when line starts with no such
// prompt, or with one before a show or more command. hash is the index of the first '#'
// in line, which follows a ')'. A prompt is HOST(MODE)# where HOST is a host name,
// optionally with "/context" and "/unit/state" (failover) parts, and MODE is "config" or
// "config-" and lowercase letters, digits and hyphens.
func configPrompt(line []byte, hash int) (n int, mode []byte) {
	open := bytes.IndexByte(line[:hash], '(')
	if open < 1 || line[0] == '/' {
		return 0, nil
	}
	for _, c := range line[:open] {
		if !hostByte(c) {
			return 0, nil
		}
	}
	mode = line[open+1 : hash-1]
	if !bytes.HasPrefix(mode, []byte("config")) || len(mode) > len("config") && mode[len("config")] != '-' {
		return 0, nil
	}
	for _, c := range mode {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return 0, nil
		}
	}
	n = hash + 1
	if n < len(line) {
		if line[n] != ' ' {
			return 0, nil
		}
		n++
	}
	cmd := skipBlanks(line[n:])
	if i := bytes.IndexAny(cmd, " \t"); i >= 0 {
		cmd = cmd[:i]
	}
	if isShow(cmd) {
		return 0, nil
	}
	return n, mode
}

// hostByte reports whether c can be part of a prompt's host name: the ASA's host names
// hold letters, digits and hyphens (some captures add dots and underscores), and the
// prompt joins the context name and failover unit and state with '/'.
func hostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '/'
}

// isShow reports whether cmd is "show" (or an abbreviation the ASA accepts) or "more",
// the commands that print the configuration or state in any mode.
func isShow(cmd []byte) bool {
	switch string(cmd) {
	case "sh", "sho", "show", "more":
		return true
	}
	return false
}

// cleanBytes reports whether b holds none of the specials.
func cleanBytes(b []byte) bool {
	for _, c := range specials {
		if bytes.IndexByte(b, c) >= 0 {
			return false
		}
	}
	return true
}

func leadingSpaces(b []byte) int {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// render plays line through a one-line terminal: CR returns to column 0 and overwrites,
// backspace moves back, ANSI escape sequences are dropped, NULs are dropped and noted.
func (s *Scanner) render(line []byte) []byte {
	out := s.scratch[:0]
	col := 0
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case '\r':
			col = 0
		case '\b':
			if col > 0 {
				col--
			}
		case 0:
			s.binary = true
		case 0x1b:
			i = skipEscape(line, i)
		default:
			if col < len(out) {
				out[col] = c
			} else {
				out = append(out, c)
			}
			col++
		}
	}
	s.scratch = out
	// What a CR overwrote with spaces (the pager's erase sequence) is blank now.
	for len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	return out
}

// skipEscape returns the index of the last byte of the escape sequence starting at i.
func skipEscape(b []byte, i int) int {
	if i+1 >= len(b) {
		return i
	}
	if b[i+1] != '[' {
		return i + 1 // two-byte escape
	}
	for j := i + 2; j < len(b); j++ {
		if b[j] >= 0x40 && b[j] <= 0x7e {
			return j
		}
	}
	return len(b) - 1
}
