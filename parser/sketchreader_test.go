package parser

import (
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// sketchReaderConfig is an access-list of many shapes: entries Sketch reads, ones it
// leaves to the grammar, remarks, lines kept whole (no "access-list A " prefix as such)
// and lines the Scanner normalises (kept in memory, not as references); a list whose name
// is a time, which is never sketched; and a list of lines that all follow each other.
func sketchReaderConfig(r *rand.Rand) string {
	addrs := []string{"any", "any4", "any6", "host 10.1.2.3", "10.0.0.0 255.255.0.0", "object O1", "object-group G1", "object-group SVC", "1:2:3"}
	ports := []string{"", "", "eq 5060", "eq sip", "range 16384 32767", "gt 1023", "eq nosuch"}
	var b strings.Builder
	b.WriteString(sketchHeader + "object network O1\n host 10.1.1.1\n")
	for i := range 3000 {
		switch r.IntN(12) {
		case 0:
			b.WriteString("access-list A remark change " + strings.Repeat("x", r.IntN(40)) + "\n")
		case 1:
			b.WriteString([]string{"access-list A  extended permit udp any any eq 5060\n", "access-list\tA extended deny ip any any\n"}[r.IntN(2)]) // kept whole
		case 2:
			b.WriteString("access-list A extended permit udp any any eq 5060 \r\n") // normalised
		case 3:
			b.WriteString("access-list A extended deny ip any any time-range 1:2:3\n")
		default:
			b.WriteString(strings.Join(strings.Fields(strings.Join([]string{"access-list A extended",
				[]string{"permit", "deny"}[r.IntN(2)], []string{"udp", "tcp", "ip", "17"}[r.IntN(4)],
				addrs[r.IntN(len(addrs))], ports[r.IntN(len(ports))], addrs[r.IntN(len(addrs))], ports[r.IntN(len(ports))],
				[]string{"", "log", "log disable"}[r.IntN(3)]}, " ")), " ") + "\n")
		}
		if i%500 == 0 {
			b.WriteString("access-list 1:2:3 extended permit ip any any\n")
		}
	}
	// B's lines all follow each other, each as the Scanner reads it: its pages stay
	// compact (lineStore), which A's, with lines in memory among them, do not.
	for range 5000 {
		b.WriteString(strings.Join(strings.Fields(strings.Join([]string{"access-list B extended permit", []string{"udp", "tcp"}[r.IntN(2)],
			addrs[r.IntN(len(addrs))], ports[r.IntN(len(ports))], addrs[r.IntN(len(addrs))], ports[r.IntN(len(ports))]}, " ")), " ") + "\n")
	}
	return b.String()
}

// SketchEach says of every line what Sketch says, sketch and all, whether the lines are
// read back from the input or kept in memory, from any line to any other, and while the
// walk's goroutine reads the same list (the race detector checks that they share
// nothing written).
func TestSketchReaderAsSketch(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	src := sketchReaderConfig(r)
	fromFile, _ := parseFileBack(t, src)
	for _, cfg := range []*Config{fromFile, parsePaths(t, src)} {
		sketched, refused := 0, 0
		for _, name := range []string{"A", "B", "1:2:3"} {
			acl := cfg.Paths.AccessList(name)
			n := acl.Len()
			want := make([]*ACESketch, n)
			for i := range n {
				var s ACESketch
				if acl.Sketch(i, &s) {
					want[i] = ownSketch(s)
				}
			}
			check := func(rd *SketchReader, from, to int) {
				i := from
				rd.SketchEach(from, to, func(at int, s *ACESketch, ok bool) {
					switch {
					case at != i:
						t.Errorf("%s: line %d given after %d", name, at, i-1)
					case ok != (want[at] != nil):
						t.Errorf("%s line %d: SketchEach %v, Sketch %v", name, at, ok, want[at] != nil)
					case ok && !reflect.DeepEqual(*s, *want[at]):
						t.Errorf("%s line %d: SketchEach %+v, Sketch %+v", name, at, *s, *want[at])
					case ok:
						sketched++
					default:
						refused++
					}
					i++
				})
				if i != to {
					t.Errorf("%s: SketchEach(%d, %d) gave lines up to %d", name, from, to, i)
				}
			}
			rd := acl.NewSketchReader()
			check(rd, 0, n)
			for range 200 {
				from := r.IntN(n)
				check(rd, from, from+r.IntN(n-from+1))
			}
			// The walk's goroutine reads runs while the walk sketches others. The reader is
			// made on the walk's goroutine, as the walk does.
			var wg sync.WaitGroup
			rd = acl.NewSketchReader()
			wg.Go(func() {
				for from := 0; from < n; from += 64 {
					rd.SketchEach(from, min(from+32, n), func(int, *ACESketch, bool) {})
				}
			})
			var s ACESketch
			for i := 32; i < n; i += 1 {
				acl.Sketch(i, &s)
			}
			wg.Wait()
		}
		if sketched < 10000 || refused < 1000 {
			t.Fatalf("%d lines sketched and %d refused: the test checks too little", sketched, refused)
		}
	}
}

// A line that can no longer be read back (the file was cut short) is never sketched by
// SketchEach; Sketch reads it again, and reports it.
func TestSketchReaderUnreadable(t *testing.T) {
	src := sketchReaderConfig(rand.New(rand.NewPCG(13, 14)))
	cfg, path := parseFileBack(t, src)
	if err := os.Truncate(path, int64(len(src)/2)); err != nil {
		t.Fatal(err)
	}
	acl := cfg.Paths.AccessList("A")
	ok := 0
	acl.NewSketchReader().SketchEach(acl.Len()-1000, acl.Len(), func(_ int, _ *ACESketch, sketched bool) {
		if sketched {
			ok++
		}
	})
	if ok != 0 {
		t.Errorf("%d lines of a cut file sketched", ok)
	}
	var s ACESketch
	if acl.Sketch(acl.Len()-1, &s) || cfg.ReadBackErr() == nil && len(cfg.Diagnostics) == 0 {
		t.Errorf("Sketch read a line of a cut file without a word: %v", cfg.Diagnostics)
	}
}

// ownSketch is s with copies of the words it aliases, which the next read overwrites.
func ownSketch(s ACESketch) *ACESketch {
	for _, a := range []*SketchAddr{&s.Src, &s.Dst} {
		if a.Object != nil {
			a.Object = []byte(string(a.Object))
		}
		if a.Group != nil {
			a.Group = []byte(string(a.Group))
		}
	}
	return &s
}
