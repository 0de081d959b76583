package input

import (
	"github.com/asaaudit/asaaudit/internal/testio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "fw1.txt")
	if err := os.WriteFile(file, []byte("hostname fw1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Open(file, "a configuration file")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, tt := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.txt"), filepath.Join(dir, "missing.txt") + ": no such file or directory"},
		{dir, dir + ": is a directory, not a configuration file"},
	} {
		if _, err := Open(tt.path, "a configuration file"); err == nil || err.Error() != tt.want {
			t.Errorf("Open(%q) error %v, want %q", tt.path, err, tt.want)
		}
	}
}

// An endless input is refused having read a bounded amount: at its first bytes when they
// are NULs with no line, at the bound when they are text.
func TestReadBoundedEndless(t *testing.T) {
	for _, tt := range []struct {
		b        byte
		want     string
		maxBytes int64
	}{
		{0, "<stdin>: binary data (NUL bytes), not a baseline file", sniffSize},
		{'a', "<stdin>: larger than 1 MiB, too large for a baseline file", 1<<20 + 1},
	} {
		e := &testio.Endless{Chunk: []byte{tt.b}}
		_, err := ReadBounded(e, "<stdin>", "a baseline file", 1<<20)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q stream: error %v, want %q", tt.b, err, tt.want)
		}
		if e.N > tt.maxBytes {
			t.Errorf("%q stream: read %d bytes, want at most about %d", tt.b, e.N, tt.maxBytes)
		}
	}
}

func TestReadAllBounded(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := write("ok.json", []byte(`{"schemaVersion": 1}`))
	if b, err := ReadAllBounded(ok, "a baseline file", 64); err != nil || string(b) != `{"schemaVersion": 1}` {
		t.Errorf("ReadAllBounded(ok) = %q, %v", b, err)
	}
	exact := write("exact", []byte(strings.Repeat("x", 64)))
	if b, err := ReadAllBounded(exact, "a baseline file", 64); err != nil || len(b) != 64 {
		t.Errorf("a file of exactly the bound: %d bytes, %v", len(b), err)
	}
	// A sparse file is large without using the disk; its size alone refuses it.
	sparse := filepath.Join(dir, "sparse")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, tt := range []struct{ path, want string }{
		{write("big", []byte(strings.Repeat("x", 65))), "big: larger than 64 bytes, too large for a baseline file"},
		{write("nul", make([]byte, 50)), "nul: binary data (NUL bytes), not a baseline file"},
		{sparse, "sparse: larger than 1 KiB, too large for a baseline file"},
		{filepath.Join(dir, "missing"), "missing: no such file or directory"},
	} {
		limit := int64(64)
		if tt.path == sparse {
			limit = 1 << 10
		}
		_, err := ReadAllBounded(tt.path, "a baseline file", limit)
		if err == nil || err.Error() != filepath.Join(dir, tt.want) {
			t.Errorf("ReadAllBounded(%s): error %v, want %q", filepath.Base(tt.path), err, filepath.Join(dir, tt.want))
		}
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := ReadAllBounded("/dev/zero", "a private key file", MaxKey); err == nil || err.Error() != "/dev/zero: binary data (NUL bytes), not a private key file" {
			t.Errorf("/dev/zero: error %v", err)
		}
	}
}

func TestReadLine(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{"pw\r\nrest\n", "pw", ""},
		{"last", "last", ""},
		{"", "", ""},
		{strings.Repeat("p", 16) + "\n", strings.Repeat("p", 16), ""},
		{strings.Repeat("p", 17) + "\n", "", "--password-stdin: the first line is longer than 16 bytes"},
		{"p\x00w\n", "", "--password-stdin: binary data (NUL bytes) in the first line"},
	} {
		got, err := ReadLine(strings.NewReader(tt.in), "--password-stdin", 16)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ReadLine(%q): error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ReadLine(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	// An endless line is refused having read no more than the bound and its line end.
	e := &testio.Endless{Chunk: []byte{0}}
	if _, err := ReadLine(e, "--password-stdin", MaxPassword); err == nil {
		t.Error("an endless stream of NULs gave a password")
	}
	if e.N > MaxPassword+2 {
		t.Errorf("read %d bytes of an endless stream, want at most %d", e.N, MaxPassword+2)
	}
}
