package parser

import (
	"bytes"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

// encodeUTF16 encodes s as UTF-16 with a byte order mark, as Windows tools write it.
func encodeUTF16(s string, bigEndian bool) []byte {
	b := []byte{0xff, 0xfe}
	if bigEndian {
		b = []byte{0xfe, 0xff}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

// A PowerShell redirect of a saved session is UTF-16 with CRLF: it reads as its UTF-8
// text, with the same line numbers, and its NUL bytes are not binary data, however the
// reader splits it and wherever the buffer's edges fall.
func TestScannerUTF16(t *testing.T) {
	text := "fw1(config)# hostname fw1\r\ninterface GigabitEthernet1/1\r\n description Außenseite – trunk 𝄞\r\n<--- More --->              nameif outside\r\n\r\n: end\r\n"
	want := []string{"hostname fw1", "interface GigabitEthernet1/1", " description Außenseite – trunk 𝄞", "nameif outside", "", ": end"}
	modes := []string{"config", "", "", "", "", ""}
	for _, order := range []struct {
		name string
		big  bool
	}{{"UTF-16LE", false}, {"UTF-16BE", true}} {
		data := encodeUTF16(text, order.big)
		for _, r := range []struct {
			name string
			s    func() *Scanner
		}{
			{"whole", func() *Scanner { return NewScanner(bytes.NewReader(data)) }},
			{"one byte at a time", func() *Scanner { return NewScanner(iotest.OneByteReader(bytes.NewReader(data))) }},
			{"data with EOF", func() *Scanner { return NewScanner(iotest.DataErrReader(bytes.NewReader(data))) }},
			{"small buffer", func() *Scanner { return newScanner(iotest.HalfReader(bytes.NewReader(data)), 64, 48) }},
		} {
			t.Run(order.name+"/"+r.name, func(t *testing.T) {
				s := r.s()
				if head := string(s.Head(9)); head != "fw1(confi" {
					t.Errorf("Head %q, want the decoded start", head)
				}
				s.StripConfigPrompts()
				lines, gotModes := scanAll(t, s)
				if !slices.Equal(lines, want) || !slices.Equal(gotModes, modes) {
					t.Errorf("lines %q modes %q\nwant  %q modes %q", lines, gotModes, want, modes)
				}
				if s.Binary() {
					t.Error("UTF-16 taken for binary data")
				}
			})
		}
		t.Run(order.name+"/refLines", func(t *testing.T) {
			got, _, bin := refLines(data, maxKept)
			if want := []string{"fw1(config)# hostname fw1", want[1], want[2], want[3], want[4], want[5]}; !slices.Equal(got, want) || bin {
				t.Errorf("refLines %q binary %v, want %q", got, bin, want)
			}
		})
	}
}

// Inputs at the edges of the byte order mark check.
func TestScannerUTF16Edges(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		want   []string
		binary bool
	}{
		{"a byte order mark alone", []byte{0xff, 0xfe}, nil, false},
		{"one byte of one", []byte{0xff}, []string{"\xff"}, false},
		{"one character, big-endian, no newline", []byte("\xfe\xff\x00a"), []string{"a"}, false},
		{"a half character at the end", append(encodeUTF16("a\nb", false), 'c'), []string{"a", "b\uFFFD"}, false},
		// Only the first bytes of the input say UTF-16; after a UTF-8 BOM, NULs are binary.
		{"UTF-16 after a UTF-8 byte order mark", append([]byte("\xef\xbb\xbf"), encodeUTF16("a", false)...), []string{"\xff\xfea"}, true},
		{"a NUL character in UTF-16", encodeUTF16("a\x00b\n", false), []string{"ab"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{bytes.NewReader(tt.in), iotest.OneByteReader(bytes.NewReader(tt.in))} {
				s := NewScanner(r)
				got, _ := scanAll(t, s)
				if !slices.Equal(got, tt.want) || s.Binary() != tt.binary {
					t.Errorf("got %q binary %v, want %q binary %v", got, s.Binary(), tt.want, tt.binary)
				}
			}
			if got, _, bin := refLines(tt.in, maxKept); !slices.Equal(got, tt.want) || bin != tt.binary {
				t.Errorf("refLines %q binary %v", got, bin)
			}
		})
	}
}

// A read error in UTF-16 input comes after the lines decoded before it, whether it came
// with the first read or after.
func TestScannerUTF16ReadError(t *testing.T) {
	data := encodeUTF16("a\r\nb\r\npartial", false)
	for name, r := range map[string]io.Reader{
		"with the first read": iotest.DataErrReader(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(errBoom))),
		"after it":            io.MultiReader(bytes.NewReader(data[:4]), bytes.NewReader(data[4:]), iotest.ErrReader(errBoom)),
	} {
		s := NewScanner(r)
		var got []string
		for s.Scan() {
			_, text := s.Line()
			got = append(got, string(text))
		}
		if strings.Join(got, ",") != "a,b" || s.Err() != errBoom {
			t.Errorf("%s: lines %q, Err %v; want a,b and %v", name, got, s.Err(), errBoom)
		}
	}
}

// The UTF-16 files are the UTF-8 one saved by Windows tools: the audit reads the same
// configuration from each.
func TestParseUTF16(t *testing.T) {
	parse := func(path string) *Config {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cfg, err := Parse(f, "session.cfg")
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return cfg
	}
	want := parse("testdata/shapes/session.cfg")
	var names []string
	for _, cm := range want.ClassMaps {
		names = append(names, cm.Name)
	}
	if want.Hostname != "fw1" || !slices.Equal(names, []string{"inspection_default", "sip-5080"}) || len(want.PolicyMaps) != 2 || len(want.Diagnostics) != 0 {
		t.Fatalf("UTF-8 original: hostname %q, class-maps %q, %d policy-maps, diagnostics %v", want.Hostname, names, len(want.PolicyMaps), want.Diagnostics)
	}
	for _, path := range []string{"testdata/shapes/session-utf16le.cfg", "testdata/shapes/session-utf16be.cfg"} {
		if got := parse(path); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: hostname %q, %d class-maps, %d lines, diagnostics %v; the UTF-8 original differs", path, got.Hostname, len(got.ClassMaps), got.Lines, got.Diagnostics)
		}
	}
}
