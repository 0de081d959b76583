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

// Scanner reads a configuration capture line by line and undoes what terminals and the
// ASA pager leave in it: CRLF, a UTF-8 BOM, ANSI escapes, "<--- More --->" prompts with the
// carriage-return/space sequences that erase them, backspaces and trailing padding.
// Line numbers always count the lines of the original input.
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

	num       int
	text      []byte // the current line, normalised; valid until the next call to Scan
	long      []byte // the kept start of a line longer than the buffer
	scratch   []byte // render's output
	truncated bool
	err       error // set when Scan has returned false
	binary    bool
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
	s.text = s.normalise(line, inBuf)
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
	s.end = copy(s.buf, s.buf[s.start:s.end])
	s.start = 0
	s.forget()
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

// Head returns up to n bytes of the input not read yet, without consuming them; before the
// first Scan it is the start of the input, as it is, for recognising file types.
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

// Truncated reports whether the current line was longer than the Scanner keeps.
func (s *Scanner) Truncated() bool { return s.truncated }

// Binary reports whether a NUL byte has been seen so far.
func (s *Scanner) Binary() bool { return s.binary }

var (
	bom      = []byte("\xef\xbb\xbf")
	morePrmt = []byte("<--- More --->")
)

// normalise returns line without its line ending, terminal artefacts and trailing space.
// at is the line's offset in buf, or -1 if it is not in buf.
func (s *Scanner) normalise(line []byte, at int) []byte {
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
		line = s.render(line)
	}
	if i := leadingSpaces(line); i < len(line) && line[i] == '<' && bytes.HasPrefix(line[i:], morePrmt) {
		line = line[i+len(morePrmt):]
		line = line[leadingSpaces(line):]
	}
	for len(line) > 0 && (line[len(line)-1] == ' ' || line[len(line)-1] == '\t') {
		line = line[:len(line)-1]
	}
	return line
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
