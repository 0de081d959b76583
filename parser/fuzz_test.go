package parser

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/asaaudit/asaaudit/internal/corpus"
	"golang.org/x/text/encoding/unicode"
)

// seeds adds the fixtures and the corpus of real configurations to f, through add.
func seeds(f *testing.F, add func(data []byte)) {
	files, _ := filepath.Glob("../fixtures/*.txt")
	for _, path := range append(files, corpus.ASA(f)...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
}

// refLines is the specification of the Scanner, one line at a time, without its buffer
// management: decode UTF-16 that starts with a byte order mark, split at "\n", cut to keep
// bytes, drop trailing CRs (and the BOM of line 1), play the line through render when it
// holds a special byte, drop a leading pager prompt with the spaces of its erase sequence,
// trailing blanks, and a trailing pager prompt.
func refLines(data []byte, keep int) (lines []string, truncated []bool, binary bool) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		order := unicode.BigEndian
		if data[0] == 0xff {
			order = unicode.LittleEndian
		}
		var err error
		if data, err = unicode.UTF16(order, unicode.ExpectBOM).NewDecoder().Bytes(data); err != nil {
			panic(err) // the decoder replaces what it cannot decode
		}
	}
	if len(data) == 0 {
		return nil, nil, false
	}
	raw := bytes.Split(data, []byte("\n"))
	if len(raw[len(raw)-1]) == 0 {
		raw = raw[:len(raw)-1]
	}
	var s Scanner
	for i, l := range raw {
		cut := len(l) > keep
		if cut {
			l = l[:keep]
		}
		l = bytes.TrimRight(l, "\r")
		if i == 0 {
			l = bytes.TrimPrefix(l, bom)
		}
		if bytes.ContainsAny(l, string(specials[:])) {
			l = s.render(bytes.Clone(l))
		}
		if t := bytes.TrimLeft(l, " "); bytes.HasPrefix(t, morePrmt) {
			t = t[len(morePrmt):]
			l = t[min(len(t)-len(bytes.TrimLeft(t, " ")), len(morePrmt)):]
		}
		l = bytes.TrimRight(l, " \t")
		if bytes.HasSuffix(l, morePrmt) {
			l = bytes.TrimRight(l[:len(l)-len(morePrmt)], " \t")
		}
		lines = append(lines, string(l))
		truncated = append(truncated, cut)
	}
	return lines, truncated, s.binary
}

// readers wraps data in readers that return it in odd pieces, chosen by mode.
func reader(data []byte, mode uint8) io.Reader {
	var r io.Reader = bytes.NewReader(data)
	switch mode % 4 {
	case 1:
		r = iotest.OneByteReader(r)
	case 2:
		r = iotest.HalfReader(r)
	case 3:
		r = iotest.DataErrReader(r)
	}
	return r
}

// FuzzScanner checks the Scanner against refLines with buffers from 2 bytes up, so that
// lines cross and overflow the buffer, and with readers that return short reads.
func FuzzScanner(f *testing.F) {
	seeds(f, func(data []byte) { f.Add(data, uint16(64), uint8(0)) })
	f.Add([]byte("\xef\xbb\xbfa\r\r\nb\x1b[1mc\r  \rd\x00\n<--- More --->\r   \r x \t"), uint16(4), uint8(1))
	f.Add([]byte("0123456789abcdef0123456789\nshort\n\n"), uint16(8), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, size uint16, mode uint8) {
		size = 2 + size%4096
		keep := max(1, int(size)/2)
		check := func(s *Scanner, keep int) {
			want, wantCut, wantBin := refLines(data, keep)
			var got []string
			for s.Scan() {
				n, text := s.Line()
				if n != len(got)+1 {
					t.Fatalf("line number %d after %d lines", n, len(got))
				}
				if len(got) < len(want) && s.Truncated() != wantCut[len(got)] {
					t.Errorf("line %d: truncated %v, want %v", n, s.Truncated(), wantCut[len(got)])
				}
				got = append(got, string(text))
			}
			if err := s.Err(); err != nil {
				t.Fatalf("Err: %v", err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d lines, want %d\ngot  %q\nwant %q", len(got), len(want), got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("line %d: %q, want %q", i+1, got[i], want[i])
				}
				if strings.ContainsAny(got[i], "\n\r\x1b\b\x00") || strings.HasSuffix(got[i], " ") || strings.HasSuffix(got[i], "\t") {
					t.Errorf("line %d: %q keeps a terminal artefact or trailing blank", i+1, got[i])
				}
			}
			if s.Binary() != wantBin {
				t.Errorf("Binary() %v, want %v", s.Binary(), wantBin)
			}
		}
		check(newScanner(reader(data, mode), int(size), keep), keep)
		check(NewScanner(reader(data, mode)), maxKept)
	})
}

// FuzzParse checks that Parse never panics or hangs, that its errors name the file, and
// that every line of an audited block is in the AST or reported (see checkAccounting),
// with the path sections when paths is set.
func FuzzParse(f *testing.F) {
	seeds(f, func(data []byte) { f.Add(data, false); f.Add(data, true) })
	f.Add([]byte("ASA Version 9.8(4)\npolicy-map p\n class c\n  inspect sip\n: end\n: Saved\n"), false)
	f.Add([]byte("ASA Version 9.8(4)\nobject-group network a\n group-object a\naccess-list x extended permit udp object-group a any\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, paths bool) {
		// With the path sections, lines are read back from the input, as from a file.
		cfg, err := ParseWith(bytes.NewReader(data), "fuzz.cfg", Options{Paths: paths, ReadBack: paths})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.cfg") || !errors.Is(err, ErrNotASA) {
				t.Fatalf("error %q does not name the file or is not ErrNotASA", err)
			}
			return
		}
		if cfg.Lines < 1 {
			t.Fatalf("no error and %d lines", cfg.Lines)
		}
		checkAccounting(t, "fuzz.cfg", data, cfg)
		if paths {
			checkSketchReader(t, cfg)
		}
	})
}

// checkSketchReader fails when SketchEach says of a line of an access-list other than
// what Sketch says.
func checkSketchReader(t *testing.T, cfg *Config) {
	t.Helper()
	for _, name := range cfg.Paths.aclNames {
		acl := cfg.Paths.AccessList(name)
		acl.NewSketchReader().SketchEach(0, acl.Len(), func(i int, s *ACESketch, ok bool) {
			var want ACESketch
			if wok := acl.Sketch(i, &want); ok != wok || ok && !reflect.DeepEqual(*s, want) {
				t.Fatalf("access-list %s line %d: SketchEach %v %+v, Sketch %v %+v", name, i, ok, *s, wok, want)
			}
		})
	}
}

// FuzzGrammar runs every grammar over one line: no panic, and every node a successful
// parse produces is positioned inside the line.
func FuzzGrammar(f *testing.F) {
	seen := map[string]bool{}
	seeds(f, func(data []byte) {
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" && !seen[l] {
				seen[l] = true
				f.Add(l)
			}
		}
	})
	g, pg := loadGrammars(), loadPathGrammars()
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\n") {
			return // the Scanner splits lines; a grammar never sees a newline
		}
		checkNodes(t, line, g.classMap)
		checkNodes(t, line, g.classMapChild)
		checkNodes(t, line, g.policyMap)
		checkNodes(t, line, g.policyMapChild)
		checkNodes(t, line, g.action)
		checkNodes(t, line, g.setting)
		checkNodes(t, line, g.servicePolicy)
		checkNodes(t, line, g.timeout)
		checkNodes(t, line, pg.interfaceChild())
		checkNodes(t, line, pg.route())
		checkNodes(t, line, pg.sameSecurity())
		checkNodes(t, line, pg.accessGroup())
		checkNodes(t, line, pg.namesLine())
		checkNodes(t, line, pg.name())
		checkNodes(t, line, pg.aclEntry())
		checkNodes(t, line, pg.objectHeader())
		checkNodes(t, line, pg.objectChild())
		checkNodes(t, line, pg.groupHeader())
		checkNodes(t, line, pg.groupChild())
		checkNodes(t, line, pg.objectNAT())
		checkNodes(t, line, pg.natLine())
		checkNodes(t, line, pg.global())
		checkNodes(t, line, pg.static())
	})
}

func checkNodes[T any](t *testing.T, line string, g *participle.Parser[T]) {
	t.Helper()
	v, err := parseLine(g, "f", 7, line)
	if err != nil {
		var perr participle.Error
		if !errors.As(err, &perr) {
			t.Fatalf("%T error %v is not a participle.Error", err, err)
		}
		if p := perr.Position(); p.Line != 7 || p.Column < 1 || p.Column > len(line)+1 {
			t.Fatalf("error at %v, outside the line (%d bytes)", p, len(line))
		}
		return
	}
	walkPositions(v, func(path string, p lexer.Position) {
		if p == (lexer.Position{}) && !strings.HasSuffix(path, ".Pos") {
			return // set after parsing, from the block the line is in (ObjectNAT.Header)
		}
		if p.Line != 7 || p.Column < 1 || p.Column > len(line)+1 || p.Filename != "f" {
			t.Fatalf("%s at %v, outside the line (%d bytes)", path, p, len(line))
		}
	})
}
