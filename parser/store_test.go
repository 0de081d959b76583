package parser

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/asaaudit/asaaudit/internal/corpus"
)

// inputs are the configurations of the fixtures and of the corpus of real configurations.
func inputs(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"../fixtures/*.txt", "../fixtures/*/*.txt", "../fixtures/*/*.txt16"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	files = append(files, corpus.ASA(t)...)
	if len(files) < 40 {
		t.Fatalf("want the fixtures, got %d files", len(files))
	}
	return files
}

// A line the Scanner calls verbatim is the input's bytes at its offset, followed by a blank,
// a line ending or the end of the input, at any buffer size.
func TestScannerVerbatim(t *testing.T) {
	for _, file := range inputs(t) {
		in, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{bufSize, 64, 7} {
			s := newScanner(iotest.HalfReader(bytes.NewReader(in)), size, min(size, maxKept))
			s.StripConfigPrompts()
			verbatim := 0
			for s.Scan() {
				num, text := s.Line()
				off, ok := s.Verbatim()
				if !ok {
					continue
				}
				verbatim++
				end := off + int64(len(text))
				if end > int64(len(in)) || !bytes.Equal(in[off:end], text) || end < int64(len(in)) && !strings.ContainsRune(" \t\r\n", rune(in[end])) {
					t.Fatalf("%s (buffer %d): line %d %q is not the input at %d", file, size, num, text, off)
				}
				// A store reads a verbatim line back to its line ending (source.readLine).
				raw := in[off:]
				if i := bytes.IndexByte(raw, '\n'); i >= 0 {
					raw = raw[:i]
				}
				if got := lineEnd(raw); !bytes.Equal(got, text) {
					t.Fatalf("%s (buffer %d): line %d %q runs to %q", file, size, num, text, got)
				}
			}
			// None is verbatim in UTF-16, or when a prompt the Scanner strips stands
			// before every line (a configuration-mode transcript).
			if none := strings.HasSuffix(file, ".txt16") || allPrompted(in); size == bufSize && none != (verbatim == 0) {
				t.Errorf("%s (buffer %d): %d verbatim lines", file, size, verbatim)
			}
		}
	}
}

// modePrompt is the prompt of a configuration mode, "fw(config-pmap-c)# ".
var modePrompt = regexp.MustCompile(`^\S+\(config[^)]*\)# ?`)

// allPrompted reports whether every line of in that is not blank starts with a
// configuration-mode prompt.
func allPrompted(in []byte) bool {
	for line := range strings.Lines(string(in)) {
		if strings.TrimSpace(line) != "" && !modePrompt.MatchString(line) {
			return false
		}
	}
	return true
}

// parseFileBack writes src to a file and parses it with its lines read back from there.
func parseFileBack(t *testing.T, src string) (*Config, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fw.txt")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	cfg, err := ParseWith(f, path, Options{Paths: true, ReadBack: true})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, path
}

// parseBoth parses file with its lines read back from the file, and from a reader that
// cannot be read again (kept in memory).
func parseBoth(t *testing.T, file string) (back, mem *Config) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	back, err = ParseWith(f, file, Options{Paths: true, ReadBack: true})
	if err != nil {
		return nil, nil
	}
	in, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	mem, err = ParseWith(iotest.HalfReader(bytes.NewReader(in)), file, Options{Paths: true, ReadBack: true})
	if err != nil {
		t.Fatal(err)
	}
	if mem.Paths.src != nil {
		t.Fatal("a reader that cannot be read again reads back")
	}
	return back, mem
}

// storeLines returns the text of every kept line, and how many are read back.
func storeLines(ps *Paths) (lines []string, inInput int) {
	add := func(s *lineStore) {
		for i := range s.len() {
			r := s.ref(i)
			num, text, err := s.line(i)
			if err != nil {
				text = "error: " + err.Error()
			}
			lines = append(lines, fmt.Sprintf("%d %s", num, text))
			if r.inInput() {
				inInput++
			}
		}
	}
	for _, s := range []*lineStore{&ps.Routes.lines, &ps.Routes6.lines, &ps.ObjectNAT.lines, &ps.NAT.lines, &ps.Globals.lines, &ps.Statics.lines, &ps.objText} {
		add(s)
	}
	for _, name := range ps.aclNames {
		add(&ps.acls[name].lines)
	}
	return lines, inInput
}

// The lines read back from the file are the lines kept in memory, and read the same: the
// same nodes, the same diagnostics.
func TestReadBackSameText(t *testing.T) {
	readBack := 0
	for _, file := range inputs(t) {
		back, mem := parseBoth(t, file)
		if back == nil {
			continue // not a configuration
		}
		got, n := storeLines(back.Paths)
		want, m := storeLines(mem.Paths)
		if m != 0 {
			t.Fatalf("%s: %d lines kept as references without an input to read back", file, m)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the lines read back differ from those kept in memory", file)
		}
		readBack += n
		if !reflect.DeepEqual(back.Paths.readAll(), mem.Paths.readAll()) {
			t.Errorf("%s: the lines read back parse differently", file)
		}
		if !reflect.DeepEqual(back.Diagnostics, mem.Diagnostics) {
			t.Errorf("%s: diagnostics differ:\n%v\n%v", file, back.Diagnostics, mem.Diagnostics)
		}
		if err := back.ReadBackErr(); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
	if readBack == 0 {
		t.Error("no line was read back")
	}
}

// Lines read back to their line ending are the lines the Scanner gave, whatever blanks and
// carriage returns end them, at the end of the input and across the read windows.
func TestReadBackLineEnds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ends := []string{"\n", "\r\n", " \n", "\t \r\n", " \r\r\n", "\r \t\n", "  \n"}
	for round := range 20 {
		var b strings.Builder
		b.WriteString("hostname fw\n")
		for k := range 2000 + r.IntN(3000) {
			fmt.Fprintf(&b, "access-list in extended permit udp any host 10.0.%d.%d eq %d%s", k/256%256, k%256, 1+r.IntN(65535), strings.Repeat(" x", r.IntN(3)))
			b.WriteString(ends[r.IntN(len(ends))])
			if r.IntN(50) == 0 {
				fmt.Fprintf(&b, "object network o%d\n host 10.1.%d.%d%s", k, k/256%256, k%256, ends[r.IntN(len(ends))])
			}
		}
		b.WriteString("access-list in extended deny ip any any")
		b.WriteString([]string{"", " ", "\r", " \t"}[round%4])
		in := []byte(b.String())
		path := filepath.Join(t.TempDir(), "c.txt")
		if err := os.WriteFile(path, in, 0o644); err != nil {
			t.Fatal(err)
		}
		back, mem := parseBoth(t, path)
		got, n := storeLines(back.Paths)
		want, _ := storeLines(mem.Paths)
		if n == 0 || !slices.Equal(got, want) {
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Fatalf("round %d: %d lines read back; line %d read back %q, kept %q", round, n, i, got[i], want[i])
				}
			}
			t.Fatalf("round %d: %d lines read back of %d, %d kept", round, n, len(got), len(want))
		}
	}
}

// Lines the Scanner changed are kept in memory: all of a UTF-16 file, the lines of a pager
// capture that held the pager, the lines of a session log that held a prompt.
func TestReadBackFallback(t *testing.T) {
	tests := []struct {
		file   string
		noRefs bool
	}{
		{file: "../fixtures/shapes/utf16-powershell.txt16", noRefs: true},
		{file: "../fixtures/shapes/pager-same-line.txt"},
	}
	for _, tt := range tests {
		back, mem := parseBoth(t, tt.file)
		got, n := storeLines(back.Paths)
		want, _ := storeLines(mem.Paths)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the lines read back differ from those kept in memory", tt.file)
		}
		if tt.noRefs != (n == 0) || len(got) == 0 {
			t.Errorf("%s: %d of %d lines read back", tt.file, n, len(got))
		}
	}
	// A prompt-stripped line in the middle of verbatim ones.
	in := "ASA Version 9.8(4)\nhostname fw\nfw(config)# access-list in extended permit udp any any eq 5060\naccess-list in extended deny ip any any\nfw(config)# object network o1\nfw(config-network-object)# host 10.0.0.1\naccess-group in in interface inside\n"
	path := filepath.Join(t.TempDir(), "session.txt")
	if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	back, _ := parseBoth(t, path)
	acl := back.Paths.AccessList("in")
	if acl == nil || acl.Len() != 2 {
		t.Fatalf("access-list in: %v", acl)
	}
	if acl.lines.ref(0).inInput() || !acl.lines.ref(1).inInput() {
		t.Error("the prompt-stripped line is read back, or the verbatim one is not")
	}
	for i, want := range []string{"access-list in extended permit udp any any eq 5060", "access-list in extended deny ip any any"} {
		if _, text := acl.Line(i); text != want {
			t.Errorf("line %d: %q, want %q", i, text, want)
		}
	}
	if o := back.Paths.Object("o1"); o == nil || o.Host == nil {
		t.Errorf("object o1: %+v", o)
	}
}

// A file changed after it was parsed is not read back: the lines are reported as
// unreadable and the Config says why.
func TestReadBackChanged(t *testing.T) {
	var b strings.Builder
	b.WriteString("ASA Version 9.8(4)\nhostname fw\n")
	for range 10000 { // more than one read window
		b.WriteString("access-list in extended permit udp any host 10.1.1.1 eq 5060\n")
	}
	cfg, path := parseFileBack(t, b.String())
	acl := cfg.Paths.AccessList("in")
	if e := acl.At(0); e == nil {
		t.Fatal("line 3 not read")
	}
	if err := os.WriteFile(path, []byte(strings.Replace(b.String(), "5060", "5061", -1)+"!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if e := acl.At(9999); e != nil {
		t.Errorf("the last line was read from the changed file: %s", e.Source)
	}
	if _, text := acl.Line(9998); text != "" {
		t.Errorf("Line read %q from the changed file", text)
	}
	err := cfg.ReadBackErr()
	if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), path) {
		t.Fatalf("ReadBackErr: %v", err)
	}
	if len(cfg.Diagnostics) != 2 || cfg.Diagnostics[0].Code != "PARSE001" || !strings.Contains(cfg.Diagnostics[0].Message, "changed") {
		t.Errorf("diagnostics: %v", cfg.Diagnostics)
	}
}

// A change after the last read back is found at the end: the file is compared once more.
func TestReadBackChangedAtEnd(t *testing.T) {
	cfg, path := parseFileBack(t, "ASA Version 9.8(4)\nhostname fw\naccess-list in extended permit udp any any eq 5060\n")
	if cfg.Paths.AccessList("in").At(0) == nil || cfg.ReadBackErr() != nil {
		t.Fatalf("read back: %v %v", cfg.Diagnostics, cfg.ReadBackErr())
	}
	cfg.Paths.AccessList("in").At(0) // from the window, without a read
	if err := os.Chtimes(path, time.Time{}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := cfg.ReadBackErr(); !errors.Is(err, ErrChanged) {
		t.Errorf("ReadBackErr: %v", err)
	}
}

// A file truncated under the Config (same modification time, as a copy may keep it) gives
// unreadable lines, not a panic.
func TestReadBackTruncated(t *testing.T) {
	in := "ASA Version 9.8(4)\nhostname fw\naccess-list in extended permit udp any any eq 5060\n"
	cfg, err := ParseWith(bytes.NewReader([]byte(in)), "t.cfg", Options{Paths: true, ReadBack: true})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Paths.src.r = bytes.NewReader([]byte(in[:40]))
	if e := cfg.Paths.AccessList("in").At(0); e != nil || len(cfg.Diagnostics) != 1 {
		t.Errorf("entry %v, diagnostics %v", e, cfg.Diagnostics)
	}
}

// A block keeps its lines as a range while they follow each other, as a list after.
func TestBlockLines(t *testing.T) {
	lines := func(b *block) []int32 {
		var out []int32
		for _, idx := range b.indexes() {
			out = append(out, idx)
		}
		return out
	}
	b := &block{}
	for _, idx := range []int32{4, 5, 6} {
		b.add(idx)
	}
	if b.lines != nil || !slices.Equal(lines(b), []int32{4, 5, 6}) {
		t.Fatalf("range: %+v", b)
	}
	b.add(9)
	b.add(10)
	if !slices.Equal(lines(b), []int32{4, 5, 6, 9, 10}) {
		t.Fatalf("list: %v", lines(b))
	}
	if !b.removeFunc(func(idx int32) bool { return idx == 5 }) || b.removeFunc(func(idx int32) bool { return idx == 5 }) {
		t.Error("removeFunc reports wrongly")
	}
	b.add(11)
	if !slices.Equal(lines(b), []int32{4, 6, 9, 10, 11}) {
		t.Fatalf("after remove: %v", lines(b))
	}
	e := &block{first: 3, n: 2}
	if e.removeFunc(func(int32) bool { return false }) || !slices.Equal(lines(e), []int32{3, 4}) {
		t.Errorf("nothing removed: %v", lines(e))
	}
}

// Lines moved and removed across the pages of a store keep their text and numbers.
func TestStorePages(t *testing.T) {
	var s lineStore
	var want []string
	for i := range 2*refPage + 3 {
		s.add(i, []byte(fmt.Sprint("line ", i)), -1)
		want = append(want, fmt.Sprint(i, " line ", i))
	}
	check := func(step string) {
		t.Helper()
		var got []string
		for i := range s.len() {
			num, text, err := s.line(i)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprint(num, " ", text))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: %d lines, first difference at %d", step, len(got), firstDiff(got, want))
		}
	}
	check("added")
	s.add(99999, []byte("first"), -1)
	s.move(0)
	want = slices.Insert(want, 0, "99999 first")
	check("moved to 0")
	for _, i := range []int{refPage, 0, -1, -1, -1, -1} { // -1: the last
		if i < 0 {
			i = s.len() - 1
		}
		s.remove(i)
		want = slices.Delete(want, i, i+1)
		check(fmt.Sprint("removed ", i))
	}
	if s.len() != 2*refPage-2 || len(s.pages) != 2 {
		t.Errorf("%d lines in %d pages", s.len(), len(s.pages))
	}
}

// Past nearChunks chunks, lines in memory are found through far, and read as they were
// kept.
func TestStoreFarChunks(t *testing.T) {
	s := &lineStore{chunks: make([][]byte, nearChunks-1)}
	want := []string{"near", strings.Repeat("y", chunkSize-refLenBytes), "far", "", strings.Repeat("z", maxKept)}
	for k, text := range want {
		s.add(k+1, []byte(text), -1)
	}
	if len(s.far) != 4 || len(s.chunks) != nearChunks+2 {
		t.Fatalf("%d lines far, %d chunks", len(s.far), len(s.chunks))
	}
	for k, text := range want {
		num, got, err := s.line(k)
		if num != k+1 || got != text || err != nil || s.ref(k).inInput() {
			t.Errorf("line %d: %d %.20q %v", k, num, got, err)
		}
	}
}

// The goroutine that keeps the object and object-group lines (objworker.go) builds what
// the parse builds keeping them itself: the same blocks, lines, summaries and
// diagnostics, for every fixture and corpus file.
func TestObjWorkerKeepsBlocks(t *testing.T) {
	summarised := 0
	for _, file := range inputs(t) {
		in, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// With ReadBack the goroutine reads the lines below headers back from the input.
		for _, readBack := range []bool{false, true} {
			compareObjWorker(t, file, in, readBack, &summarised)
		}
	}
	if summarised < 10 {
		t.Errorf("only %d summarised groups compared", summarised)
	}
}

func compareObjWorker(t *testing.T, file string, in []byte, readBack bool, summarised *int) {
	var dumps [2]string
	var read [2][]any
	for k, workers := range []bool{true, false} {
		objWorkers = workers
		cfg, err := ParseWith(bytes.NewReader(in), file, Options{Paths: true, ReadBack: readBack})
		objWorkers = true
		if err != nil {
			dumps[k] = err.Error()
			continue
		}
		ps := cfg.Paths
		read[k] = ps.readAll()
		var b strings.Builder
		fmt.Fprintf(&b, "%v\n", cfg.Diagnostics)
		for _, blocks := range []map[string]*block{ps.objects, ps.groups} {
			for _, name := range slices.Sorted(maps.Keys(blocks)) {
				x := blocks[name]
				fmt.Fprintf(&b, "%s %s %v sum %d %d %d %d:", name, ps.kindOf(x), slices.Collect(func(yield func(int32) bool) {
					for _, idx := range x.indexes() {
						if !yield(idx) {
							return
						}
					}
				}), x.sum, x.vlo, x.vst, x.vhi)
				if x.sum == sumGroup {
					*summarised++
					ps.Members(NetRef{x}, func(m NetMember) bool {
						ref := -1
						if m.Ref.b != nil {
							ref = int(m.Ref.b.first)
						}
						fmt.Fprintf(&b, " %d-%d/%d/%v", m.Lo, m.Hi, ref, m.Group)
						return true
					})
				}
				b.WriteByte('\n')
			}
		}
		dumps[k] = b.String()
	}
	if dumps[0] != dumps[1] || !reflect.DeepEqual(read[0], read[1]) {
		t.Errorf("%s (read back %v): with the goroutine\n%s\nwithout\n%s(lines read alike: %v)", file, readBack, dumps[0], dumps[1], reflect.DeepEqual(read[0], read[1]))
	}
}

// failingAt is an input that reads but cannot be read back at offsets.
type failingAt struct{ *bytes.Reader }

func (failingAt) ReadAt([]byte, int64) (int, error) { return 0, errors.New("disk gone") }

// A line below a header the goroutine cannot read back stays with its block, which is
// then not summarised, and the first such line is reported: nothing is dropped.
func TestObjWorkerReadBackFails(t *testing.T) {
	src := "ASA Version 9.18(1)\nhostname fw\nobject network h1\n host 10.0.0.1\nobject-group network G\n network-object object h1\n network-object host 10.0.0.2\n"
	cfg, err := ParseWith(failingAt{bytes.NewReader([]byte(src))}, "fw.txt", Options{Paths: true, ReadBack: true})
	if err != nil {
		t.Fatal(err)
	}
	ps := cfg.Paths
	if _, ok := ps.NetGroup("G"); ok {
		t.Error("G is summarised from lines that were not read")
	}
	if _, ok := ps.NetObject("h1"); ok {
		t.Error("h1 is summarised from a line that was not read")
	}
	if g := ps.groups["G"]; g == nil || g.n != 3 {
		t.Fatalf("G keeps %+v, want its header and 2 lines", g)
	}
	var found bool
	for _, d := range cfg.Diagnostics {
		if d.Code == "PARSE001" && d.Pos.Line == 4 && strings.Contains(d.Message, "disk gone") {
			found = true
		}
	}
	if !found {
		t.Errorf("line 4 not reported: %v", cfg.Diagnostics)
	}
}

// Compact pages (lines of the input that follow each other) give back the refs they were
// given, whatever comes: lines in memory, gaps in the numbers, offsets too far apart, a
// page read out of order, lines moved and removed; and a run of consecutive lines stays
// compact.
func TestStoreCompactPages(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for round := range 40 {
		s := lineStore{src: &source{}}
		var want []lineRef
		num, at := uint32(1+r.IntN(100)), uint32(r.IntN(1000))
		n := r.IntN(3 * refPage)
		breakEvery := []int{0, 1, 7, 500, 5000}[round%5] // 0: never
		for i := range n {
			ref := lineRef{num: num, at: at}
			switch {
			case breakEvery > 0 && r.IntN(breakEvery) == 0:
				switch r.IntN(4) {
				case 0: // a line in memory
					ref = lineRef{num: num | refInMemory, at: uint32(i)}
				case 1: // a gap in the line numbers
					ref.num += 3
				case 2: // an offset too far from the line before
					ref.at += 1 << 17
				case 3: // an offset before the line before
					ref.at -= min(ref.at, 5)
				}
			}
			s.push(ref)
			want = append(want, ref)
			num, at = ref.num&^refInMemory+1, max(at, ref.at)+uint32(1+r.IntN(200))
		}
		check := func(step string) {
			t.Helper()
			if s.len() != len(want) {
				t.Fatalf("round %d %s: %d lines, want %d", round, step, s.len(), len(want))
			}
			// In order (each line twice, as stable asks), then out of order.
			for i := range want {
				for range 2 {
					if got := s.ref(i); got != want[i] {
						t.Fatalf("round %d %s: line %d is %+v, want %+v", round, step, i, got, want[i])
					}
				}
			}
			for range 200 {
				if len(want) == 0 {
					break
				}
				i := r.IntN(len(want))
				if got := s.ref(i); got != want[i] {
					t.Fatalf("round %d %s: line %d (out of order) is %+v, want %+v", round, step, i, got, want[i])
				}
			}
		}
		check("pushed")
		if breakEvery == 0 && n > 0 {
			for _, p := range s.pages {
				if p.full != nil {
					t.Fatalf("round %d: a page of consecutive lines was written out", round)
				}
			}
		}
		for range 5 {
			if len(want) == 0 {
				break
			}
			i := r.IntN(len(want))
			s.remove(i)
			want = slices.Delete(want, i, i+1)
			check(fmt.Sprint("removed ", i))
			// A line pushed after lines were removed from the end of a compact page.
			ref := lineRef{num: want[len(want)-1].num&^refInMemory + 1, at: 1 << 30}
			s.push(ref)
			want = append(want, ref)
			check("pushed after removing")
			j := r.IntN(len(want))
			s.move(j)
			want = slices.Insert(want[:len(want)-1], j, ref)
			check(fmt.Sprint("moved to ", j))
		}
	}
}

// The interfaces the object goroutine reads ahead of a NAT line (NATPair) are the ones
// its grammar reads, on every fixture and corpus file and on NAT lines of every shape; an
// edit of a section drops them.
func TestNATPairs(t *testing.T) {
	shapes := "ASA Version 9.8(4)\nhostname fw\nobject network a\n host 10.0.0.1\n nat (inside,outside) dynamic interface\n" +
		"object network b\n host 10.0.0.2\n nat static 198.51.100.9\nobject network c\n host 10.0.0.3\n nat (any,outside) static 198.51.100.10 service udp 5060 5060\n" +
		"object network d\n host 10.0.0.4\n nat (inside) dynamic interface\nobject network e\n host 10.0.0.5\n nat inside,outside) dynamic interface\n" +
		"nat (inside,outside) source static a a destination static b b\nnat source dynamic any interface\n" +
		"nat (inside,outside) after-auto source dynamic any interface\nnat after-auto source dynamic any interface\n" +
		"nat (inside) 1 10.0.0.0 255.0.0.0\nnat (dmz,outside) 3 source static a a\nnat\t(dmz,inside)\tsource static c c\nnat (x,y,z) source static a a\n" +
		"nat (inside,outside) source static a a \r\n"
	type input struct {
		name string
		data []byte
	}
	ins := []input{{"shapes", []byte(shapes)}}
	for _, file := range inputs(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, input{file, data})
	}
	compared := 0
	for _, in := range ins {
		cfg, err := ParseWith(bytes.NewReader(in.data), in.name, Options{Paths: true, ReadBack: true})
		if err != nil {
			continue // not an ASA configuration
		}
		ps := cfg.Paths
		type section struct {
			n, pairs int
			ifaces   func(i int) (IfacePair, bool)
		}
		sections := map[bool]section{
			false: {ps.ObjectNAT.Len(), len(ps.ObjectNAT.pairs), func(i int) (IfacePair, bool) {
				if n := ps.ObjectNAT.At(i); n != nil {
					return n.Ifaces, true
				}
				return IfacePair{}, false
			}},
			true: {ps.NAT.Len(), len(ps.NAT.pairs), func(i int) (IfacePair, bool) {
				if n := ps.NAT.At(i); n != nil {
					return n.Ifaces, true
				}
				return IfacePair{}, false
			}},
		}
		for _, twice := range []bool{false, true} {
			d := sections[twice]
			if d.n > 0 && d.pairs != d.n {
				t.Fatalf("%s: %d NAT lines (twice %v), %d read ahead", in.name, d.n, twice, d.pairs)
			}
			for i := range d.n {
				real, mapped, known := ps.NATPair(twice, i)
				p, ok := d.ifaces(i)
				if !known || !ok {
					continue
				}
				compared++
				if p.Real != real || p.Mapped != mapped {
					t.Errorf("%s: NAT line %d (twice %v) read ahead as (%s,%s), by the grammar as (%s,%s)", in.name, i, twice, real, mapped, p.Real, p.Mapped)
				}
			}
		}
		if in.name == "shapes" {
			if _, _, known := ps.NATPair(true, 0); !known {
				t.Error("shapes: the first twice NAT line was not read ahead")
			}
			ps.NAT.Remove(0)
			if _, _, known := ps.NATPair(true, 0); known {
				t.Error("shapes: interfaces read ahead kept after an edit")
			}
		}
	}
	if compared < 15 {
		t.Errorf("only %d lines compared", compared)
	}
}
