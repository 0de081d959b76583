package parser

import (
	"bytes"
	"errors"
	"io"
	"slices"
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

// scanAll reads s to the end and returns each line with the mode of the prompt it lost.
func scanAll(t *testing.T, s *Scanner) (lines, modes []string) {
	t.Helper()
	for s.Scan() {
		n, text := s.Line()
		if n != len(lines)+1 {
			t.Fatalf("line number %d after %d lines", n, len(lines))
		}
		lines = append(lines, string(text))
		modes = append(modes, s.PromptMode())
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return lines, modes
}

// Session logs and Cisco's guides show configuration commands after the prompt of the mode
// they were typed in; the parser wants the command, and the mode to confirm the structure.
func TestScannerConfigPrompts(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		lines []string
		modes []string
	}{{
		name:  "policy-map typed in its modes",
		in:    "fw1(config)# policy-map global_policy\nfw1(config-pmap)# class inspection_default\nfw1(config-pmap-c)# inspect sip\nfw1(config-pmap-c)# exit\n",
		lines: []string{"policy-map global_policy", "class inspection_default", "inspect sip", "exit"},
		modes: []string{"config", "config-pmap", "config-pmap-c", "config-pmap-c"},
	}, {
		// A running-config pasted at the prompt keeps its indentation after the prompt's space.
		name:  "pasted lines keep their indentation",
		in:    "fw1(config)# class-map sip-5080\nfw1(config-cmap)#  match port udp eq 5080\n",
		lines: []string{"class-map sip-5080", " match port udp eq 5080"},
		modes: []string{"config", "config-cmap"},
	}, {
		name:  "contexts, failover units and hyphens in the host name",
		in:    "asa/ctx(config)# hostname x\nfw/pri/act(config)# timeout sip 0:30:00\nedge-fw-01(config-network-object)# host 10.0.0.1\nfw.lab_1(config-if)# nameif inside\n",
		lines: []string{"hostname x", "timeout sip 0:30:00", "host 10.0.0.1", "nameif inside"},
		modes: []string{"config", "config", "config-network-object", "config-if"},
	}, {
		name:  "a prompt alone leaves an empty line",
		in:    "fw1(config)#\nciscoasa(config-if)# \r\n",
		lines: []string{"", ""},
		modes: []string{"config", "config-if"},
	}, {
		name:  "a prompt redrawn by the terminal",
		in:    "fw1(config)# \x1b[Kclass-map x\r\nfw1(config-cmap)# matc\b\bxx\b\btch any\r\n",
		lines: []string{"class-map x", "match any"},
		modes: []string{"config", "config-cmap"},
	}, {
		// The prompt starts past where the raw line did: what is looked at for a '#' must
		// be the line as it was read.
		name:  "a prompt after escapes and after the pager's",
		in:    "\x1b[?2004h\x1b[Kfw1(config)#\r\n<--- More --->              fw1(config)# exit\n",
		lines: []string{"", "exit"},
		modes: []string{"config", "config"},
	}, {
		name:  "a prompt after lines without one",
		in:    strings.Repeat("names\n", 12) + "fw1(config-if)# nameif inside\n",
		lines: append(slices.Repeat([]string{"names"}, 12), "nameif inside"),
		modes: append(make([]string, 12), "config-if"),
	}, {
		// The parser takes exec prompts, and a show in configuration mode, as the echo of
		// the command whose output follows.
		name:  "command echoes stay",
		in:    "fw1# show running-config\nfw1/admin> enable\nfw1(config)# show run\nciscoasa(config)#  sh conn long\nfw1(config-pmap)# more system:running-config\n",
		lines: []string{"fw1# show running-config", "fw1/admin> enable", "fw1(config)# show run", "ciscoasa(config)#  sh conn long", "fw1(config-pmap)# more system:running-config"},
		modes: []string{"", "", "", "", ""},
	}, {
		name: "lines that only look like prompts",
		in: " description uplink fw1(config)# x\n" +
			"description see fw1(config)# x\n" +
			"banner motd fw1(config)# x\n" +
			"fw1(configure)# x\n" +
			"fw1(Config)# x\n" +
			"(config)# x\n" +
			"/ctx(config)# x\n" +
			"fw1(config)#x\n" +
			"fw1(config-if) # x\n" +
			"fw1(cfg)(config)# x\n" +
			"fw1#(config)# x\n",
		lines: []string{" description uplink fw1(config)# x", "description see fw1(config)# x", "banner motd fw1(config)# x", "fw1(configure)# x", "fw1(Config)# x", "(config)# x", "/ctx(config)# x", "fw1(config)#x", "fw1(config-if) # x", "fw1(cfg)(config)# x", "fw1#(config)# x"},
		modes: make([]string, 11),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The small buffer puts lines across its edges, where the Scanner's note of the
			// next '#' must be found again.
			for _, s := range []*Scanner{NewScanner(strings.NewReader(tt.in)), newScanner(iotest.HalfReader(strings.NewReader(tt.in)), 64, 64)} {
				s.StripConfigPrompts()
				lines, modes := scanAll(t, s)
				if !slices.Equal(lines, tt.lines) {
					t.Errorf("lines\n %q\nwant\n %q", lines, tt.lines)
				}
				if !slices.Equal(modes, tt.modes) {
					t.Errorf("modes %q, want %q", modes, tt.modes)
				}
			}
		})
	}
}

// A line longer than the buffer is read from a copy, not from the buffer.
func TestScannerConfigPromptLongLine(t *testing.T) {
	in := "fw1(config-if)# description " + strings.Repeat("x", bufSize+10) + "\nfw1(config-if)# nameif inside\n"
	s := NewScanner(strings.NewReader(in))
	s.StripConfigPrompts()
	if !s.Scan() {
		t.Fatal(s.Err())
	}
	if _, text := s.Line(); !bytes.HasPrefix(text, []byte("description xxx")) || len(text) != maxKept-len("fw1(config-if)# ") || !s.Truncated() || s.PromptMode() != "config-if" {
		t.Errorf("%.20q... (%d bytes), truncated %v, mode %q", text, len(text), s.Truncated(), s.PromptMode())
	}
	if !s.Scan() {
		t.Fatal(s.Err())
	}
	if _, text := s.Line(); string(text) != "nameif inside" || s.PromptMode() != "config-if" {
		t.Errorf("%q, mode %q", text, s.PromptMode())
	}
}

// Change scripts reject prompts and evidence reads them as command echoes: a Scanner
// strips them only when asked.
func TestScannerKeepsPromptsByDefault(t *testing.T) {
	in := "fw1(config)# timeout sip 0:30:00\nfw1(config-pmap-c)#\n"
	lines, modes := scanAll(t, NewScanner(strings.NewReader(in)))
	if want := []string{"fw1(config)# timeout sip 0:30:00", "fw1(config-pmap-c)#"}; !slices.Equal(lines, want) {
		t.Errorf("lines %q, want %q", lines, want)
	}
	if !slices.Equal(modes, []string{"", ""}) {
		t.Errorf("modes %q, want none", modes)
	}
}

// The pager's prompt where captures leave it: erased by CR, spaces, CR; or, when the
// carriage returns were stripped, followed by the erase spaces and the next line's text;
// or after the last line of the page.
func TestScannerPager(t *testing.T) {
	more := "<--- More --->"
	erase := strings.Repeat(" ", len(more))
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"erased by the terminal", more + "\r" + erase + "\r  inspect sip\n", []string{"  inspect sip"}},
		{"carriage returns stripped", more + erase + "class inspection_default\n", []string{"class inspection_default"}},
		{"spaces past the erase are indentation", more + erase + "  inspect sip\n" + more + erase + " class sip-5080\n", []string{"  inspect sip", " class sip-5080"}},
		{"an erase cut short", more + "  class x\n", []string{"class x"}},
		{"the prompt after leading spaces", "   " + more + erase + "policy-map global_policy\n", []string{"policy-map global_policy"}},
		{"the prompt alone", more + "\n" + more + erase + "\n", []string{"", ""}},
		{"after the last line of a page", "  inspect sip " + more + "      \n  inspect dns" + more + "\n", []string{"  inspect sip", "  inspect dns"}},
		{"CRLF after the prompt", more + erase + " class c\r\n", []string{" class c"}},
		// Text on both sides is two lines run together; neither is guessed at.
		{"inside a line", " description a " + more + " b\n", []string{" description a " + more + " b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := scanAll(t, NewScanner(strings.NewReader(tt.in)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n %q\nwant\n %q", got, tt.want)
			}
			want, _, _ := refLines([]byte(tt.in), maxKept)
			if !slices.Equal(got, want) {
				t.Errorf("refLines says %q", want)
			}
		})
	}
}
