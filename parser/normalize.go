package parser

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// maxKept is how much of one line is kept. ASA command lines are far shorter; a longer
// line is kept truncated (and reported if it falls in an audited block) so that a
// pathological input cannot make memory grow with the length of a line.
const maxKept = 64 << 10

// Scanner reads a configuration capture line by line and undoes what terminals and the
// ASA pager leave in it: CRLF, a UTF-8 BOM, ANSI escapes, "<--- More --->" prompts with the
// carriage-return/space sequences that erase them, backspaces and trailing padding.
// Line numbers always count the lines of the original input.
type Scanner struct {
	r         *bufio.Reader
	num       int
	text      []byte // the current line, normalised; valid until the next call to Scan
	buf       []byte
	truncated bool
	err       error
	binary    bool
}

// NewScanner returns a Scanner reading r.
func NewScanner(r io.Reader) *Scanner {
	return &Scanner{r: bufio.NewReaderSize(r, 256<<10)}
}

// Scan advances to the next line; it returns false at the end of input or on error.
func (s *Scanner) Scan() bool {
	if s.err != nil {
		return false
	}
	line, err := s.r.ReadSlice('\n')
	s.truncated = false
	if errors.Is(err, bufio.ErrBufferFull) {
		// A very long line: keep its start, skip the rest.
		s.buf = append(s.buf[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = s.r.ReadSlice('\n')
			if room := maxKept - len(s.buf); room > 0 {
				s.buf = append(s.buf, line[:min(room, len(line))]...)
			}
		}
		if len(s.buf) >= maxKept {
			s.truncated = true
		}
		line = s.buf
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		s.err = err
		return false
	}
	if len(line) == 0 && errors.Is(err, io.EOF) {
		s.err = io.EOF
		return false
	}
	if errors.Is(err, io.EOF) {
		s.err = io.EOF // last line without a newline; return it, stop next time
	}
	s.num++
	s.text = s.normalise(line)
	return true
}

// Head returns up to n bytes of the input not read yet, without consuming them; before the
// first Scan it is the start of the input, as it is, for recognising file types.
func (s *Scanner) Head(n int) []byte {
	b, _ := s.r.Peek(n)
	return b
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
func (s *Scanner) normalise(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimRight(line, "\r")
	if s.num == 1 {
		line = bytes.TrimPrefix(line, bom)
	}
	// Fast path: most lines hold nothing a terminal left behind.
	if bytes.IndexAny(line, "\r\x1b\b\x00") >= 0 {
		line = s.render(line)
	}
	if bytes.HasPrefix(bytes.TrimLeft(line, " "), morePrmt) {
		line = bytes.TrimLeft(bytes.TrimLeft(line, " ")[len(morePrmt):], " ")
	}
	return bytes.TrimRight(line, " \t")
}

// render plays line through a one-line terminal: CR returns to column 0 and overwrites,
// backspace moves back, ANSI escape sequences are dropped, NULs are dropped and noted.
func (s *Scanner) render(line []byte) []byte {
	out := make([]byte, 0, len(line))
	col := 0
	put := func(c byte) {
		if col < len(out) {
			out[col] = c
		} else {
			out = append(out, c)
		}
		col++
	}
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
			put(c)
		}
	}
	// What a CR overwrote with spaces (the pager's erase sequence) is blank now.
	return bytes.TrimRight(out, " ")
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
