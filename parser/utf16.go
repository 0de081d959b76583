package parser

import (
	"bytes"
	"errors"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffUTF16 runs on the first fill: when the input starts with a UTF-16 byte order mark
// (a PowerShell redirect of a saved session writes UTF-16LE), it puts a decoder between
// the reader and the buffer, so that everything after reads UTF-8. The decoded text has
// the same newlines, so line numbers still count the lines of the original. UTF-8 input
// costs one comparison per Scanner.
func (s *Scanner) sniffUTF16() {
	s.sniffed = true
	for s.end < 2 && s.rerr == nil { // a reader may hand out one byte at a time
		s.read()
	}
	var order unicode.Endianness
	switch {
	case s.end >= 2 && s.buf[0] == 0xff && s.buf[1] == 0xfe:
		order = unicode.LittleEndian
	case s.end >= 2 && s.buf[0] == 0xfe && s.buf[1] == 0xff:
		order = unicode.BigEndian
	default:
		return
	}
	src := []io.Reader{bytes.NewReader(bytes.Clone(s.buf[:s.end]))}
	switch {
	case s.rerr == nil:
		src = append(src, s.r)
	case !errors.Is(s.rerr, io.EOF):
		src = append(src, failed{s.rerr}) // the error comes after the bytes read before it
	}
	s.decoded = true
	s.r = transform.NewReader(io.MultiReader(src...), unicode.UTF16(order, unicode.ExpectBOM).NewDecoder())
	s.end, s.rerr = 0, nil
	s.read()
}

// failed is a reader that has failed with err.
type failed struct{ err error }

func (f failed) Read([]byte) (int, error) { return 0, f.err }
