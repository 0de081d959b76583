package bench_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/evidence"
)

// evidenceSize is the size of each generated evidence file: the size of the captures users
// have fed --evidence (whole session logs, a firewall's full connection table).
const evidenceSize = 80 << 20

// evidenceShapes are the evidence files a user may give: a session log that holds no show
// output asaaudit reads beyond a few lines (long text lines, paragraphs), and the full
// "show conn long" of a busy firewall, where SIP is a handful of flows among web traffic.
var evidenceShapes = []struct {
	name  string
	write func(w *bufio.Writer, r *rand.Rand, size int)
}{
	{"junk", writeJunk},
	{"conns", writeConns},
}

// words make the junk lines: prose, log and ticket text that is no show output.
var words = strings.Fields("the call dropped after thirty seconds again customer reports one way audio " +
	"please check firewall logs attached below %ASA-6-302015 built outbound UDP connection for " +
	"ticket escalated provider says registration expires keepalive timer trunk reset voice vlan")

// writeJunk writes size bytes of text that is not show output: long lines in paragraphs,
// after one real output so that the file is accepted as evidence.
func writeJunk(w *bufio.Writer, r *rand.Rand, size int) {
	n, _ := w.WriteString("fw1# show conn protocol udp port 5060 long\n1 in use, 3 most used\n" +
		"UDP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.10/5060 (203.0.113.5/5060), flags T, idle 3s, uptime 2m1s, timeout 2m0s, bytes 1520\n\n")
	for line := 0; n < size; line++ {
		if line%5 == 4 {
			n += 1
			w.WriteByte('\n')
			continue
		}
		length := 200 + r.IntN(4000)
		for l := 0; l < length; {
			word := words[r.IntN(len(words))]
			w.WriteString(word)
			w.WriteByte(' ')
			l += len(word) + 1
			n += len(word) + 1
		}
		w.WriteByte('\n')
		n++
	}
}

// writeConns writes a "show conn long" of about size bytes: TCP and UDP flows on other
// ports, one SIP flow in a thousand.
func writeConns(w *bufio.Writer, r *rand.Rand, size int) {
	n, _ := w.WriteString("fw1# show conn long\n250000 in use, 400000 most used\n")
	for i := 0; n < size; i++ {
		proto, port := "TCP", []int{443, 80, 8443, 22}[r.IntN(4)]
		if i%1000 == 0 {
			proto, port = "UDP", 5060
		}
		a := fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254))
		b := fmt.Sprintf("203.0.%d.%d", r.IntN(256), 1+r.IntN(254))
		sport := 1024 + r.IntN(60000)
		k, _ := fmt.Fprintf(w, "%s outside: %s/%d (%s/%d) inside: %s/%d (198.51.100.9/%d), flags UIO N1, idle %ds, uptime %dm%ds, timeout 1h0m, bytes %d, xlate id 0x%x\n"+
			"  Initiator: %s, Responder: %s\n  Connection lookup keyid: %d\n",
			proto, b, port, b, port, a, sport, sport, r.IntN(60), r.IntN(600), r.IntN(60), r.IntN(1<<30), r.Uint32(), a, b, r.Uint32())
		n += k
	}
}

// evidenceFile returns the path of the generated evidence file of the given shape.
func evidenceFile(b *testing.B, name string, write func(*bufio.Writer, *rand.Rand, int)) string {
	b.Helper()
	dirOnce.Do(func() { dir, dirErr = os.MkdirTemp("", "asaaudit-bench-") })
	if dirErr != nil {
		b.Fatal(dirErr)
	}
	path := filepath.Join(dir, "evidence-"+name+".txt")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	write(w, rand.New(rand.NewPCG(1, 2)), evidenceSize)
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkEvidence reads each 80 MB evidence shape as "check --evidence" does (only the
// default SIP ports' flows kept) and reports, beside time and allocations, the heap the
// parsed evidence holds (heap-MB: HeapInuse after a GC with the result still live), which
// must stay far below the file's size.
func BenchmarkEvidence(b *testing.B) {
	for _, s := range evidenceShapes {
		b.Run(s.name, func(b *testing.B) {
			path := evidenceFile(b, s.name, s.write)
			b.SetBytes(evidenceSize)
			b.ReportAllocs()
			var held float64
			for b.Loop() {
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				ev, err := evidence.Options{Ports: asa.DefaultSIPPorts}.ParseFile(path)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				held = max(held, float64(int64(after.HeapInuse)-int64(before.HeapInuse))/(1<<20))
				runtime.KeepAlive(ev)
			}
			b.ReportMetric(held, "heap-MB")
		})
	}
}
