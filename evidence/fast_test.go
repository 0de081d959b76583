package evidence

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// withReference runs f with the regular expressions alone (the reference) when ref is set.
func withReference(ref bool, f func()) {
	old := reference
	reference = ref
	defer func() { reference = old }()
	f()
}

// corpusTexts returns the texts the equivalence tests read: every capture of testdata, of
// the fixtures and of the shared corpus, and every string literal of the repository's
// tests that holds a line of show output (the inline "show conn" fixtures), by name.
func corpusTexts(t *testing.T) map[string]string {
	t.Helper()
	texts := map[string]string{}
	for _, pattern := range []string{"testdata/*/*.txt", "../fixtures/evidence/*.txt", "../fixtures/evidence/*/*.txt", filepath.Join(corpus, "*.txt")} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts[f] = string(b)
		}
	}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != ".." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return nil // not this test's business
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && strings.ContainsAny(s, ":/") {
					texts[fset.Position(lit.Pos()).String()] = s
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

// Pieces the random connection lines are made of: the usual forms and their odd variants
// (IPv6, interface names with colons, dots and hyphens, no blank after the colon, missing
// or broken mapped parts, odd spacing).
var (
	randProtos = []string{"UDP", "TCP", "udp", "SCTP", "ICMP6", "17", "GRE", "X1", "", "U-DP", "ICMP"}
	randIfaces = []string{"outside", "inside", "in:side", "dmz.10", "DMZ-1", "Gi0/1", "a:b:c", "nlp_int_tap", "(x)", "1:2", "o", ":", "if:1:", "EXTERNAL02", "abc:", "x\u00e9y"}
	randAddrs  = []string{"198.51.100.7", "10.1.1.10", "2001:db8::1", "fe80::1", "::", "::1", "::ffff:1.2.3.4", "1.2.3", "abc", "1.2.3.4.5", "2001:db8::5060", "dead:beef::", "1.2.3.4:5", "0.0.0.0", "", "fe80::1%eth0"}
	randPorts  = []string{"5060", "0", "65535", "65536", "", "12a", "80", "1", "99999999999999999999"}
	randSeps   = []string{": ", ":", ":  ", " ", " : "}
	randGaps   = []string{" ", "  ", "\t", " \t ", "", ",", "   "}
	randRests  = []string{
		", flags -, idle 1s, uptime 1m, timeout 2m0s, bytes 10",
		", flags UIO N1, idle 3s, uptime 8m18s, timeout 1h0m, bytes 17115, xlate id 0x7f2a, flow id 33",
		",", "", " ,", ", idle 0:00:03, bytes 1520, flags -", " flags", ", flags -, idle 1x", ", bytes 1, idle 1s",
		", flags \u2013, idle 2s", ", idle 1s, timeout 0s, bytes 99999999999999999999", ", idle 1s,, ,flags",
		" (9.9.9.9/1), idle 1s", ":5 x", ", idle 1s\n", "), idle 1s", ", idle 1s, extra", " trailing",
	}
	randChars = " :/().,0123456789abcdefABCDEF\t#>-_xX%\u00a0\v"
)

// usualOnly makes pick choose among the usual forms only.
var usualOnly bool

// pick returns an element of s, one of its first three (the usual forms) three times in
// four, or always with usualOnly.
func pick(r *rand.Rand, s []string) string {
	if usualOnly || r.IntN(4) != 0 {
		return s[r.IntN(min(3, len(s)))]
	}
	return s[r.IntN(len(s))]
}

// randLongSide writes "IF: ADDR/PORT (MADDR/MPORT)" with its variants.
func randLongSide(r *rand.Rand) string {
	s := pick(r, randIfaces) + pick(r, randSeps) + pick(r, randAddrs) + "/" + pick(r, randPorts)
	switch r.IntN(4) {
	case 0, 1:
		s += " (" + pick(r, randAddrs) + "/" + pick(r, randPorts) + ")"
	case 2:
		s += pick(r, []string{" (", " (1.2.3.4/5", " (1.2.3.4)", "(1.2.3.4/5)", " ()", " (::/1)x"})
	}
	return s
}

// randShortSide writes "IF ADDR:PORT" or "IF ADDR(MADDR):PORT" with their variants.
func randShortSide(r *rand.Rand) string {
	s := pick(r, randIfaces) + pick(r, []string{" ", "  ", "\t", ""}) + pick(r, randAddrs)
	if r.IntN(3) == 0 {
		s += "(" + pick(r, randAddrs) + ")"
	}
	return s + pick(r, []string{":", "", "::", "/"}) + pick(r, randPorts)
}

// randLine returns a random connection line (or a mangled one).
func randLine(r *rand.Rand) string {
	// A third of the lines are well-formed, but for the spacing and the forms' variants.
	usualOnly = r.IntN(3) == 0
	defer func() { usualOnly = false }()
	var s string
	switch r.IntN(10) {
	case 0:
		s = "Initiator: " + pick(r, randAddrs) + pick(r, []string{", Responder: ", ",Responder: ", ", Responder:  ", " , Responder: ", ", Responder: , Responder: "}) + pick(r, randAddrs)
	case 1:
		s = "Connection lookup keyid: " + pick(r, []string{"29581235", "", "a b", "x\ty", "0x1f"})
	case 2, 3, 4:
		s = pick(r, randProtos) + pick(r, []string{" ", " ", "  "}) + randShortSide(r) + pick(r, randGaps) + randShortSide(r) + pick(r, randRests)
	default:
		s = pick(r, randProtos) + pick(r, []string{" ", " ", " ", "  ", ""}) + randLongSide(r) + pick(r, randGaps) + randLongSide(r) + pick(r, randRests)
	}
	// Truncated, mangled, indented.
	b := []byte(s)
	for range max(0, r.IntN(5)-2) * min(1, r.IntN(3)) {
		if len(b) == 0 {
			break
		}
		i := r.IntN(len(b))
		switch r.IntN(4) {
		case 0:
			b = b[:i]
		case 1:
			b = append(b[:i], b[i+1:]...)
		case 2:
			c := randChars[r.IntN(len(randChars))]
			b = append(b[:i], append([]byte{c}, b[i:]...)...)
		case 3:
			b[i] = randChars[r.IntN(len(randChars))]
		}
	}
	if r.IntN(3) == 0 {
		b = append([]byte(pick(r, []string{"  ", "\t", " ", "    "})), b...)
	}
	return string(b)
}

// randLines returns n random lines, the same on every run.
func randLines(n int) []string {
	r := rand.New(rand.NewPCG(7, 11))
	out := make([]string, n)
	for i := range out {
		out[i] = randLine(r)
	}
	return out
}

// TestFastEquivalence requires the pre-checks and hand-written readers to give what the
// regular expressions give, on every line of the captures, fixtures and test strings of
// the repository and on random connection lines in their usual and odd forms.
func TestFastEquivalence(t *testing.T) {
	texts := corpusTexts(t)
	var lines []string
	for _, s := range texts {
		lines = append(lines, strings.Split(s, "\n")...)
	}
	fromCorpus := len(lines)
	// 50,000 random lines take about 18 s under the race detector (make test); make fuzz
	// (FuzzParse) compares both readers on every input it makes, for as long as it runs.
	n := 50_000
	if testing.Short() {
		n = 10_000
	}
	lines = append(lines, randLines(n)...)
	var certain, conns, matched, failures int
	for _, line := range lines {
		if failures > 20 {
			t.Fatal("too many differences")
		}
		tl := strings.TrimSpace(line)
		fail := func(what string, fast, ref any) {
			failures++
			t.Errorf("%s differs on %q:\nfast %#v\nref  %#v", what, line, fast, ref)
		}
		var fastC, refC *Conn
		var fastErr, refErr error
		withReference(false, func() { fastC, fastErr = parseConnLine(tl) })
		withReference(true, func() { refC, refErr = parseConnLine(tl) })
		if !reflect.DeepEqual(fastC, refC) || fmt.Sprint(fastErr) != fmt.Sprint(refErr) {
			fail("parseConnLine", []any{fastC, fastErr}, []any{refC, refErr})
		}
		if refC != nil {
			conns++
		}
		if m, ok, sure := matchConnFast(tl); sure {
			certain++
			if ok {
				matched++
			}
			if rm, rok := matchConnRE(tl); ok != rok || ok && m != rm {
				fail("matchConnFast", m, rm)
			}
		}
		for _, s := range []string{line, tl} {
			check := func(what string, f func() any) {
				var fast, ref any
				withReference(false, func() { fast = f() })
				withReference(true, func() { ref = f() })
				if !reflect.DeepEqual(fast, ref) {
					fail(what, fast, ref)
				}
			}
			check("prompt", func() any { c, h, x, ok := prompt(s); return []any{c, h, x, ok} })
			check("commandKind", func() any { return commandKind(s) })
			check("sniff", func() any { return sniff(s) })
			check("isConnCount", func() any { return isConnCount(s) })
			check("isClusterCount", func() any { return isClusterCount(s) })
			check("isLegend", func() any { return isLegend(s) })
			check("isClusterID", func() any { return isClusterID(s) })
			check("connLineStart", func() any { return connLineStart(s) })
			check("matchInitiator", func() any { a, b, ok := matchInitiator(s); return []any{a, b, ok} })
			check("matchLookupKey", func() any { k, ok := matchLookupKey(s); return []any{k, ok} })
		}
	}
	t.Logf("%d lines compared (%d from %d texts of the repository, %d random): %d connection lines; the hand-written reader decided %d lines, %d of them connection lines",
		len(lines), fromCorpus, len(texts), len(lines)-fromCorpus, conns, certain, matched)
	// The reader must decide the usual forms itself, or it saves nothing.
	for _, s := range []string{
		"UDP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.10/5060 (203.0.113.5/5060), flags -, idle 1s",
		"UDP outside: 198.51.100.7/5060 inside: 10.1.1.10/5060,",
		"UDP outside:2001:db8::1/5060 inside:10.1.1.10/5060, flags -, idle 1s",
		"UDP outside 198.51.100.7:5060 inside 10.1.1.10(203.0.113.5):5060, idle 0:00:03, bytes 1520, flags -",
		"TCP outside 2001:db8::1:443 inside 10.1.1.1:5060, idle 0:00:03, bytes 1520, flags UIO",
	} {
		if _, ok, sure := matchConnFast(s); !ok || !sure {
			t.Errorf("matchConnFast(%q) = %v, certain %v: want it read", s, ok, sure)
		}
	}
}

// TestFastParseEquivalence reads whole captures with the fast readers and with the
// reference, keeping everything and keeping what the RUN rules use, and requires the same
// evidence: connections, outputs, diagnostics and unread lines.
func TestFastParseEquivalence(t *testing.T) {
	texts := corpusTexts(t)
	// Random "show conn" captures: random lines among well-formed ones and the lines that
	// go with them (continuation lines, legends, counts, blank lines, prompts).
	r := rand.New(rand.NewPCG(3, 5))
	extra := []string{
		"  Initiator: 10.1.1.10, Responder: 198.51.100.7", "  Connection lookup keyid: 29581235", "",
		"Flags: A - awaiting responder ACK to SYN, a - awaiting initiator ACK to SYN,",
		"       b - TCP state-bypass or nailed", "4 in use, 9 most used", "4 in use, 9 most used.",
		"    flags -, idle 3s, uptime 2m1s, timeout 2m0s, bytes 1520", "flags -, idle 3s",
		"Cluster units to ID mappings:", "  ID 0: unit-1-1", "         continued text",
		"fw1# show conn long", "fw1/admin# sh conn detail", "show conn", "some text line",
		"UDP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.10/5060 (203.0.113.5/5060), flags T, idle 3s, uptime 2m1s, timeout 2m0s, bytes 1520",
		"TCP outside: 198.51.100.9/443 (198.51.100.9/443) inside: 10.1.1.11/50000 (203.0.113.5/50000), flags UIO, idle 1s, uptime 9m1s, timeout 1h0m, bytes 99, xlate id 0x1",
		"UDP outside: 198.51.100.7/5060 inside: 10.1.1.10/5060,", "Security context mode: single",
		"TCP outside  10.0.0.1:5060 inside 10.1.1.1:5080, idle 0:00:03, bytes 1520, flags -",
	}
	for i := range 300 {
		var b strings.Builder
		if i%3 != 0 {
			b.WriteString("fw1# show conn long\n")
		}
		for range 20 + r.IntN(200) {
			if r.IntN(2) == 0 {
				b.WriteString(pick(r, extra))
			} else {
				b.WriteString(randLine(r))
			}
			b.WriteString(pick(r, []string{"\n", "\n", "\n", "\r\n", " \n"}))
		}
		texts[fmt.Sprintf("random-%d", i)] = b.String()
	}
	// Lines of thousands of colons, where trying every end of the interface name would cost
	// the square of the line's length (the reader leaves them to the expressions).
	texts["colons-1"] = "fw1# show conn\nUDP a" + strings.Repeat(":", 60000) + "\n"
	texts["colons-2"] = "fw1# show conn\nUDP a: 1.2.3.4/5 b" + strings.Repeat(":", 60000) + "\n"
	texts["colons-3"] = "fw1# show conn\nUDP a b" + strings.Repeat(":1", 30000) + "\n"
	for name, in := range texts {
		for _, o := range []Options{{}, sip} {
			if msg := compareReference(o, in); msg != "" {
				t.Fatalf("%s (ports %v): %s", name, o.Ports, msg)
			}
		}
	}
	t.Logf("%d captures read both ways", len(texts))
}

// compareReference reads in with the fast readers and with the reference and says how
// they differ, "" when they do not.
func compareReference(o Options, in string) string {
	var fast, ref *Evidence
	var fastErr, refErr error
	withReference(false, func() { fast, fastErr = o.Parse(strings.NewReader(in), "f") })
	withReference(true, func() { ref, refErr = o.Parse(strings.NewReader(in), "f") })
	if fmt.Sprint(fastErr) != fmt.Sprint(refErr) {
		return fmt.Sprintf("error %v, reference %v", fastErr, refErr)
	}
	if !reflect.DeepEqual(fast, ref) {
		return fmt.Sprintf("fast:\n%s\nreference:\n%s", render(fast), render(ref))
	}
	return ""
}
