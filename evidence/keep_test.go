package evidence

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/asa"
)

// sip is the port set the tests audit.
var sip = Options{Ports: []asa.Port{{Proto: "udp", Number: 5060}, {Proto: "tcp", Number: 5080}}}

// With the audited ports given, only their connections and the sip Inspect lines are kept,
// and what is dropped is still counted where it is reported (Unmatched).
func TestOptionsKeepWhatRulesUse(t *testing.T) {
	in := "fw2# show conn long\n4 in use, 9 most used\n" +
		"UDP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.10/40000 (203.0.113.5/40000), flags T, idle 3s, uptime 2m1s, timeout 2m0s, bytes 1520\n" +
		"  Initiator: 10.1.1.10, Responder: 198.51.100.7\n" +
		"TCP outside: 198.51.100.9/443 (198.51.100.9/443) inside: 10.1.1.11/50000 (203.0.113.5/50000), flags UIO, idle 1s, uptime 9m1s, timeout 1h0m, bytes 99\n" +
		"  Initiator: 10.1.1.11, Responder: 198.51.100.9\n" +
		// udp/5080 is not audited, tcp/5080 is: the protocol counts.
		"UDP outside: 198.51.100.8/5080 (198.51.100.8/5080) inside: 10.1.1.12/5080 (203.0.113.5/5080), flags -, idle 1s, uptime 1m, timeout 2m0s, bytes 10\n" +
		// The mapped port is the audited one.
		"TCP outside: 198.51.100.8/7000 (198.51.100.8/5080) inside: 10.1.1.13/6000 (203.0.113.5/6000), flags UIO, idle 1s, uptime 1m, timeout 1h0m, bytes 10\n" +
		"fw2# show service-policy\nGlobal policy:\n  Service-policy: global_policy\n" +
		"    Class-map: inspection_default\n" +
		"      Inspect: dns preset_dns_map, packet 10, lock fail 0, drop 0, reset-drop 0\n" +
		"      Inspect: sip , packet 458, lock fail 0, drop 0, reset-drop 0\n" +
		"               tcp-proxy: bytes in buffer 0, bytes dropped 0\n" +
		"    Class-map: web\n" +
		"      Set connection policy: random-sequence-number disable\n" +
		"      Inspect: http , packet 7, lock fail 0, drop 0, reset-drop 0\n" +
		"  Service-policy: other_policy\n" +
		"    Class-map: c\n" +
		"      Inspect: ftp , packet 1, lock fail 0, drop 0, reset-drop 0\n" +
		"fw2# show version\nCisco Adaptive Security Appliance Software Version 9.8(4)\n"
	all, err := Parse(strings.NewReader(in), "x")
	if err != nil {
		t.Fatal(err)
	}
	kept, err := sip.Parse(strings.NewReader(in), "x")
	if err != nil {
		t.Fatal(err)
	}
	want := "output 1-8 show conn \"show conn long\" host=fw2 ctx=\n" +
		"output 9-21 show service-policy \"show service-policy\" host=fw2 ctx=\n" +
		"conn 3: udp outside 198.51.100.7/5060 | inside 10.1.1.10/40000 (203.0.113.5/40000) | flags=\"T\" idle=3s uptime=2m1s timeout=2m0s bytes=1520 init=10.1.1.10 resp=198.51.100.7\n" +
		"conn 8: tcp outside 198.51.100.8/7000 (198.51.100.8/5080) | inside 10.1.1.13/6000 (203.0.113.5/6000) | flags=\"UIO\" idle=1s uptime=1m0s timeout=1h0m0s bytes=10\n" +
		"policy 11: global global_policy\n" +
		" class 12: inspection_default\n" +
		"  inspect 14: sip [] packets=458 drops=0 counters=4\n"
	if got := render(kept); got != want {
		t.Errorf("kept with ports:\n%s\nwant:\n%s", got, want)
	}
	if len(all.Conns) != 4 || len(all.Policies) != 2 || len(all.Outputs) != 3 {
		t.Errorf("without ports everything is kept: %d conns, %d policies, %d outputs", len(all.Conns), len(all.Policies), len(all.Outputs))
	}
	for _, ev := range []*Evidence{all, kept} {
		var got []string
		for _, u := range ev.Unmatched([]string{"fw1"}) {
			got = append(got, fmt.Sprintf("%d flows=%d counters=%d", u.Output.Pos.Line, u.Flows, u.Counters))
		}
		if want := "1 flows=4 counters=0, 9 flows=0 counters=4"; strings.Join(got, ", ") != want {
			t.Errorf("Unmatched = %q, want %q: what is not kept is still counted", got, want)
		}
	}
}

// A file of text that is no show output keeps the first maxDiagnostics runs of unread
// lines, each with at most maxText of its first line, and counts the others: UnreadLines
// and the warnings still count every line.
func TestDiagnosticsBounded(t *testing.T) {
	var b strings.Builder
	const runs = 3 * maxDiagnostics
	for i := range runs {
		// Two lines a run: a paragraph of a pasted ticket, 10 KB long lines.
		fmt.Fprintf(&b, "é%d %s\nsecond line\n\n", i, strings.Repeat("x", 10_000))
	}
	// After the junk: within an output, each line would be a diagnostic of its own.
	b.WriteString("0 in use, 1 most used\n")
	ev, err := sip.Parse(strings.NewReader(b.String()), "log.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Diagnostics) != maxDiagnostics {
		t.Fatalf("%d diagnostics kept, want %d", len(ev.Diagnostics), maxDiagnostics)
	}
	if want := []Omitted{{File: "log.txt", Diagnostics: runs - maxDiagnostics, Lines: 2 * (runs - maxDiagnostics)}}; fmt.Sprint(ev.Omitted) != fmt.Sprint(want) {
		t.Errorf("Omitted = %v, want %v", ev.Omitted, want)
	}
	if got := ev.UnreadLines(); got != 2*runs {
		t.Errorf("UnreadLines = %d, want %d", got, 2*runs)
	}
	d := ev.Diagnostics[0]
	if d.Pos.Line != 1 || d.EndLine != 2 || len(d.Text) > maxText+len("...") || !strings.HasPrefix(d.Text, "é0 xxx") || !strings.HasSuffix(d.Text, "...") {
		t.Errorf("first diagnostic %d-%d %q, want lines 1-2 and the text cut", d.Pos.Line, d.EndLine, d.Text)
	}
	if last := ev.Diagnostics[maxDiagnostics-1]; last.Pos.Line != 1+3*(maxDiagnostics-1) {
		t.Errorf("last kept diagnostic at line %d, want the %dth run's", last.Pos.Line, maxDiagnostics)
	}
	merged := Merge(ev, ev)
	if got := merged.UnreadLines(); got != 4*runs || len(merged.Omitted) != 2 {
		t.Errorf("merged: UnreadLines %d, %d Omitted; want %d and one per file", got, len(merged.Omitted), 4*runs)
	}
}

// generated streams size bytes of evidence made by line (called with 0, 1, 2...), so that
// a test measures what the parser keeps, not the input.
type generated struct {
	line func(i int) string
	size int
	i    int
	buf  []byte
}

func (g *generated) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.size <= 0 {
			return 0, io.EOF
		}
		g.buf = []byte(g.line(g.i))
		g.i++
		g.size -= len(g.buf)
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// heldBytes is the heap that parsing r leaves in use with its result alive.
func heldBytes(t *testing.T, o Options, r io.Reader) (int64, *Evidence) {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ev, err := o.Parse(r, "big.txt")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	return int64(after.HeapInuse) - int64(before.HeapInuse), ev
}

// Evidence is streamed and only what the rules use is kept: 16 MB of session log or of a
// busy firewall's connection table leave at most a few MB in use (before, 27 and 45 MB:
// every unread paragraph's text, every connection).
func TestParseMemoryBounded(t *testing.T) {
	const size, bound = 16 << 20, 4 << 20
	junk := "customer reports one way audio after thirty seconds, see the firewall logs below " + strings.Repeat("%ASA-6-302015 built outbound UDP connection ", 40)
	for _, tt := range []struct {
		name string
		line func(i int) string
	}{
		{"session log", func(i int) string {
			switch {
			case i == 0:
				return "fw1# show conn\n0 in use, 1 most used\n"
			case i%4 == 3:
				return "\n"
			}
			return junk + "\n"
		}},
		{"connection table", func(i int) string {
			if i == 0 {
				return "fw1# show conn long\n250000 in use, 400000 most used\n"
			}
			port := 443
			if i%1000 == 0 {
				port = 5060
			}
			return fmt.Sprintf("TCP outside: 203.0.%d.%d/%d (203.0.%[1]d.%[2]d/%[3]d) inside: 10.1.%[1]d.%[2]d/%d (198.51.100.9/%[4]d), flags UIO, idle 4s, uptime 1m2s, timeout 1h0m, bytes %d\n"+
				"  Initiator: 10.1.%[1]d.%[2]d, Responder: 203.0.%[1]d.%[2]d\n  Connection lookup keyid: %[5]d\n", i/256%256, i%256, port, 10000+i%50000, i)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := &generated{line: tt.line, size: size}
			held, ev := heldBytes(t, Options{Ports: []asa.Port{{Proto: "tcp", Number: 5060}}}, g)
			t.Logf("%d MB parsed, %.2f MB kept in use", size>>20, float64(held)/(1<<20))
			if held > bound {
				t.Errorf("parsing %d MB keeps %.1f MB in use, want at most %d MB", size>>20, float64(held)/(1<<20), bound>>20)
			}
			if tt.name == "connection table" && (len(ev.Conns) != g.i/1000 || ev.Outputs[0].Conns != g.i-1) {
				t.Errorf("%d SIP connections kept of %d read, want %d of %d", len(ev.Conns), ev.Outputs[0].Conns, g.i/1000, g.i-1)
			}
			if tt.name == "session log" {
				want := 0
				for i := 1; i < g.i; i++ {
					if i%4 != 3 {
						want++
					}
				}
				if ev.UnreadLines() != want {
					t.Errorf("UnreadLines = %d, want %d", ev.UnreadLines(), want)
				}
			}
			runtime.KeepAlive(ev)
		})
	}
}
