package parser

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// The Scanner at its production sizes agrees with refLines where lines meet the edges of
// its buffer and of maxKept, however the reader splits the input.
func TestScannerEdges(t *testing.T) {
	long := strings.Repeat("x", bufSize+100)
	tests := map[string]string{
		"BOM and a first line longer than the buffer, no newline": "\xef\xbb\xbf" + long,
		"a line longer than the buffer, then short lines":         long + "\ntimeout sip 0:30:00\r\n!\n",
		"line of exactly maxKept":                                 strings.Repeat("a", maxKept) + "\nb\n",
		"line of maxKept+1":                                       strings.Repeat("a", maxKept+1) + "\nb\n",
		"CRLF split by the buffer edge":                           strings.Repeat("c", bufSize-1) + "\r\nnext\r\n",
		"escape right after the buffer edge":                      strings.Repeat("d\n", bufSize/2) + "\x1b[1mbold\x1b[0m\n",
		"pager erase straddling the buffer edge":                  strings.Repeat("e\n", bufSize/2-3) + "<--- More --->\r              \rinterface x\n",
		"NUL far into a long line":                                strings.Repeat("f", maxKept+10) + "\x00\n",
		"NUL in the kept part of a long line":                     "g\x00" + long + "\n",
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			want, wantCut, wantBin := refLines([]byte(in), maxKept)
			for _, r := range []struct {
				name string
				s    *Scanner
			}{
				{"whole", NewScanner(strings.NewReader(in))},
				{"half reads", NewScanner(iotest.HalfReader(strings.NewReader(in)))},
				{"data with EOF", NewScanner(iotest.DataErrReader(strings.NewReader(in)))},
			} {
				s := r.s
				var got []string
				for s.Scan() {
					_, text := s.Line()
					if i := len(got); i < len(wantCut) && s.Truncated() != wantCut[i] {
						t.Errorf("%s: line %d truncated %v, want %v", r.name, i+1, s.Truncated(), wantCut[i])
					}
					got = append(got, string(text))
				}
				if s.Err() != nil {
					t.Fatalf("%s: %v", r.name, s.Err())
				}
				if strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) != len(want) {
					t.Errorf("%s: %d lines, want %d; first difference at line %d", r.name, len(got), len(want), firstDiff(got, want)+1)
				}
				if s.Binary() != wantBin {
					t.Errorf("%s: Binary() %v, want %v", r.name, s.Binary(), wantBin)
				}
			}
		})
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// A reader that fails mid-file ends the scan with its error, after the complete lines.
func TestScannerReadError(t *testing.T) {
	r := io.MultiReader(strings.NewReader("a\nb\npartial"), iotest.ErrReader(errBoom))
	s := NewScanner(r)
	var got []string
	for s.Scan() {
		_, text := s.Line()
		got = append(got, string(text))
	}
	if strings.Join(got, ",") != "a,b" || s.Err() != errBoom {
		t.Errorf("lines %q, Err %v; want a,b and %v", got, s.Err(), errBoom)
	}
	if _, err := Parse(io.MultiReader(strings.NewReader("ASA Version 9.8(4)\n"), iotest.ErrReader(errBoom)), "x.cfg"); err == nil || err.Error() != "read x.cfg: boom" {
		t.Errorf("Parse error %v, want read x.cfg: boom", err)
	}
}

var errBoom = errors.New("boom")
