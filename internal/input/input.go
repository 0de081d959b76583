// Package input opens the files a user names, with the one-line errors the CLI prints.
package input

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/asaaudit/asaaudit/parser"
)

// Bounds on what is read whole into memory. They are far above any real file of the kind
// and far below what would hurt the machine: /dev/zero or a mistyped path to a disk image
// fails at once instead of growing the process.
const (
	MaxFile     = 64 << 20 // a baseline, the configuration file (.asaaudit.yaml), an inventory
	MaxKey      = 1 << 20  // an SSH private key
	MaxPassword = 4 << 10  // the line --password-stdin reads
)

// sniffSize is how much of the start of an input the binary check looks at.
const sniffSize = 512

// Open opens path for reading. The error names the file once ("fw1.txt: no such file or
// directory") and rejects a directory, saying what kind of file was expected (what).
func Open(path, what string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a directory, not %s", path, what)
	}
	return f, nil
}

// ReadAllBounded reads the file at path whole, refusing at once one larger than limit bytes
// and one whose first bytes are binary data with no line structure (parser.BinaryStream):
// neither can be the text file expected (what, e.g. "a baseline file"). Errors start with
// the path, as Open's do.
func ReadAllBounded(path, what string, limit int64) ([]byte, error) {
	f, err := Open(path, what)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		if size = st.Size(); size > limit {
			// A regular file says its size: no need to read it to refuse it.
			return nil, tooLarge(path, what, limit)
		}
	}
	return readBounded(f, path, what, limit, size)
}

// ReadBounded is ReadAllBounded for an open reader (standard input) named name.
func ReadBounded(r io.Reader, name, what string, limit int64) ([]byte, error) {
	return readBounded(r, name, what, limit, 0)
}

// readBounded is ReadBounded with the size the input says it has (0 when it does not):
// the buffer is made that size (and a little more, should the file be growing) at once.
// Grown by doubling instead, reading a 73 MB configuration wrote 256 MB of buffers, which
// on a VM where memory touched for the first time costs about 3 ms per MB took 1.7 s.
func readBounded(r io.Reader, name, what string, limit, size int64) ([]byte, error) {
	head := make([]byte, min(sniffSize, limit+1))
	n, err := io.ReadFull(r, head)
	head = head[:n]
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if parser.BinaryStream(head) {
		return nil, fmt.Errorf("%s: binary data (NUL bytes), not %s", name, what)
	}
	var buf bytes.Buffer
	if size > int64(n) {
		buf.Grow(int(min(size, limit) + bytes.MinRead))
	}
	buf.Write(head)
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1-int64(n))); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(buf.Len()) > limit {
		return nil, tooLarge(name, what, limit)
	}
	return buf.Bytes(), nil
}

// ReadLine reads the first line of r (without its line end, LF or CRLF; the last line may
// lack one), refusing a line longer than limit bytes or one holding NUL bytes: a password
// piped from the wrong source (/dev/zero, a binary) fails at once, having read at most
// limit+2 bytes.
func ReadLine(r io.Reader, name string, limit int) (string, error) {
	br := bufio.NewReaderSize(r, limit+2) // the line, CR and LF
	line, err := br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || len(bytes.TrimRight(line, "\r\n")) > limit:
		return "", fmt.Errorf("%s: the first line is longer than %d bytes", name, limit)
	case err != nil && !errors.Is(err, io.EOF):
		return "", fmt.Errorf("%s: %w", name, err)
	case bytes.IndexByte(line, 0) >= 0:
		return "", fmt.Errorf("%s: binary data (NUL bytes) in the first line", name)
	}
	return string(bytes.TrimRight(line, "\r\n")), nil
}

func tooLarge(name, what string, limit int64) error {
	return fmt.Errorf("%s: larger than %s, too large for %s", name, size(limit), what)
}

// size says limit in the unit it was chosen in.
func size(limit int64) string {
	switch {
	case limit >= 1<<20 && limit%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", limit>>20)
	case limit >= 1<<10 && limit%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", limit>>10)
	}
	return fmt.Sprintf("%d bytes", limit)
}
