package audit

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/internal/corpus"
	"github.com/asaaudit/asaaudit/parser"
	"github.com/asaaudit/asaaudit/rules"
)

// pathOptions turn the path rules on for the clients and providers of the fixtures.
var pathOptions = Options{Rules: rules.Options{
	Clients:   []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16")},
	Providers: []netip.Addr{netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("198.51.100.10")},
}}

// An audit of a file, whose lines are read back from it, finds what an audit of the same
// bytes from a reader that cannot be read again finds, for every fixture and corpus file.
func TestReadBackSameFindings(t *testing.T) {
	var files []string
	for _, pat := range []string{"../fixtures/*.txt", "../fixtures/*/*.txt", "../fixtures/*/*.txt16"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	files = append(files, corpus.ASA(t)...)
	if len(files) < 40 {
		t.Fatalf("want the fixtures, got %d files", len(files))
	}
	for _, file := range files {
		back, err := File(file, nil, pathOptions)
		if err != nil {
			continue // not a configuration
		}
		in, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		mem, err := Reader(struct{ io.Reader }{bytes.NewReader(in)}, file, pathOptions)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.Findings, mem.Findings) {
			t.Errorf("%s: findings differ:\n%+v\n%+v", file, back.Findings, mem.Findings)
		}
		if !reflect.DeepEqual(back.Model.Config.Diagnostics, mem.Model.Config.Diagnostics) {
			t.Errorf("%s: diagnostics differ", file)
		}
	}
}

// changing is a configuration in memory that says, as a file would, that it changed once
// it has been read to its end.
type changing struct {
	*bytes.Reader
	size int64
}

func (c *changing) Stat() (fs.FileInfo, error) {
	if c.Len() == 0 {
		return info{c.size + 1}, nil
	}
	return info{c.size}, nil
}

type info struct{ size int64 }

func (i info) Name() string       { return "fw.txt" }
func (i info) Size() int64        { return i.size }
func (i info) Mode() fs.FileMode  { return 0o644 }
func (i info) ModTime() time.Time { return time.Time{} }
func (i info) IsDir() bool        { return false }
func (i info) Sys() any           { return nil }

// A file that changed between its parse and the rules makes the audit an error that says so.
func TestReadBackChangedFile(t *testing.T) {
	in, err := os.ReadFile("../fixtures/paths/acl-deny-above-permit.txt")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Reader(&changing{bytes.NewReader(in), int64(len(in))}, "fw.txt", pathOptions)
	if !errors.Is(err, parser.ErrChanged) || !strings.HasPrefix(err.Error(), "fw.txt: ") {
		t.Fatalf("err = %v, want the file changed", err)
	}
}
