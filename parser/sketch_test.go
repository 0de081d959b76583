package parser

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
)

// The sketches (AccessList.Sketch, Paths.ObjectNATSketch, Paths.TwiceIfaces, Paths.RouteSketch)
// let the path evaluation pass over lines without the grammar, so a sketch must never
// accept a line the grammar reads otherwise, or not at all: that would hide a PARSE001 or
// change a verdict. These tests throw random word sequences and well-formed lines at both
// and compare.

// sketchHeader defines the groups and object the random lines name: a service group is a
// port argument, which the sketch leaves to the grammar.
const sketchHeader = "ASA Version 9.12(4)\nobject-group service SVC tcp\n port-object eq 80\nobject-group network G1\n network-object host 10.9.9.9\n"

func randomLine(r *rand.Rand, prefix string, vocab []string, n int) string {
	words := []string{prefix}
	for range 1 + r.IntN(n) {
		words = append(words, vocab[r.IntN(len(vocab))])
	}
	sep := " "
	if r.IntN(20) == 0 {
		sep = "\t"
	}
	return strings.Join(words, sep)
}

func TestACLSketchAgreesWithGrammar(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	addrs := []string{"any", "any4", "any6", "host 10.1.2.3", "host 010.1.2.3", "host nm", "10.0.0.0 255.255.0.0", "10.0.0.0 255.0.255.0",
		"10.1.2.3", "object O1", "object-group G1", "object-group SVC", "object-group NOPE", "interface inside", "2001:db8::/32"}
	ports := []string{"", "", "eq 5060", "eq sip", "neq 22", "lt 1024", "gt 1023", "range 16384 32767", "range 900 80", "eq 70000", "eq nosuch", "range sip 5061"}
	tails := []string{"", "", "log", "log disable", "log default", "log 6", "log informational interval 300", "log interval 10",
		"log 6 interval 99999999999999999999", "time-range tr1", "inactive", "log bogus", "extra",
		// FTD's additions, in the orders it writes them, and broken ones.
		"rule-id 268435461", "rule-id 268435461 event-log flow-start", "rule-id 268435461 event-log both", "rule-id 9998 log",
		"log rule-id 5", "rule-id 5 event-log flow-end log disable", "rule-id", "rule-id x", "event-log sometimes", "rule-id 5 rule-id 6",
		"event-log flow-end rule-id 5", "log disable log"}
	protos := []string{"udp", "tcp", "ip", "icmp", "17", "017", "256", "bogus", "object-group SVC", "object SVCO"}
	vocab := []string{"extended", "permit", "deny", "udp", "ip", "any", "any4", "host", "10.1.2.3", "255.255.255.0", "eq", "range",
		"5060", "sip", "log", "object", "object-group", "G1", "SVC", "1:2:3", "01", "remark", "line", "1", "inactive", "(x)", "standard", "advanced", "trust", "rule-id", "event-log", "flow-end"}
	var lines []string
	for range 20000 {
		if r.IntN(4) == 0 {
			lines = append(lines, randomLine(r, "access-list A", vocab, 10))
			continue
		}
		action := []string{"permit", "deny", "trust"}[r.IntN(3)]
		parts := []string{"access-list A " + []string{"extended", "extended", "advanced"}[r.IntN(3)], action, protos[r.IntN(len(protos))], addrs[r.IntN(len(addrs))],
			ports[r.IntN(len(ports))], addrs[r.IntN(len(addrs))], ports[r.IntN(len(ports))], tails[r.IntN(len(tails))]}
		lines = append(lines, strings.Join(strings.Fields(strings.Join(parts, " ")), " "))
	}
	lines = append(lines, "access-list A remark any 1:2:3 words", "access-list 1:2:3 extended permit ip any any")
	cfg := parsePaths(t, sketchHeader+strings.Join(lines, "\n")+"\n")
	sketched := 0
	for _, name := range []string{"A", "1:2:3"} {
		acl := cfg.Paths.AccessList(name)
		for i := range acl.Len() {
			var s ACESketch
			if !acl.Sketch(i, &s) {
				continue
			}
			sketched++
			before := len(cfg.Diagnostics)
			e := acl.At(i)
			_, text := acl.Line(i)
			if e == nil || len(cfg.Diagnostics) != before {
				t.Fatalf("sketched %q, which the grammar does not read: %v", text, cfg.Diagnostics[before:])
			}
			if s.Kind == SketchRemark {
				if e.Remark == nil {
					t.Errorf("%q: sketched as a remark, parsed as %+v", text, e)
				}
				continue
			}
			x := e.Extended
			if x == nil || x.Inactive || x.TimeRange != "" || x.ICMP != nil {
				t.Fatalf("%q: sketched as an active entry, parsed as %+v", text, e)
			}
			proto, _ := ProtocolNumber(x.Protocol.Name)
			if x.Protocol.Name == "" || proto != s.Protocol || (x.Action != "deny") != s.Permit {
				t.Errorf("%q: protocol/action %v/%v, sketch %v/%v", text, x.Protocol, x.Action, s.Protocol, s.Permit)
			}
			for _, c := range []struct {
				o *Operand
				a SketchAddr
			}{{x.Src, s.Src}, {x.Dst, s.Dst}} {
				if got := sketchOf(c.o); got != describeSketch(c.a) {
					t.Errorf("%q: operand %s, sketch %s", text, got, describeSketch(c.a))
				}
			}
			for _, c := range []struct {
				o *Operand
				p SketchPort
			}{{x.SrcPort, s.SrcPort}, {x.DstPort, s.DstPort}} {
				if c.o == nil || c.o.Port == nil {
					if c.o != nil || c.p.Op != "" {
						t.Errorf("%q: port %+v, sketch %+v", text, c.o, c.p)
					}
					continue
				}
				lo, hi := c.o.Port.Bounds()
				slo, shi := c.p.Bounds()
				if lo != slo || hi != shi || c.o.Port.Op != c.p.Op && !(c.o.Port.Range && c.p.Op == "range") {
					t.Errorf("%q: port %s, sketch %+v", text, c.o.Port, c.p)
				}
			}
		}
	}
	if sketched < 500 {
		t.Fatalf("only %d lines sketched: the test checks too little", sketched)
	}
}

func sketchOf(o *Operand) string {
	switch {
	case o.Any != "":
		return o.Any
	case o.Host != nil:
		return netip.PrefixFrom(o.Host.IP, 32).String()
	case o.Object != "":
		return "object " + o.Object
	case o.Group != "":
		return "group " + o.Group
	case o.Net != nil:
		if p, ok := NetPrefix(o.Net, o.Mask); ok {
			return p.String()
		}
	}
	return "?"
}

func describeSketch(a SketchAddr) string {
	switch {
	case a.Any != "":
		return a.Any
	case a.Object != nil:
		return "object " + string(a.Object)
	case a.Group != nil:
		return "group " + string(a.Group)
	}
	return a.Prefix.String()
}

func TestNATSketchAgreesWithGrammar(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vocab := []string{"(inside,outside)", "(inside)", "(a,b,c)", "(,x)", "(any,any)", "static", "dynamic", "interface", "pat-pool", "P",
		"10.1.1.1", "any", "O1", "source", "destination", "after-auto", "5", "service", "tcp", "udp", "sip", "5060", "nosuch",
		"dns", "no-proxy-arp", "route-lookup", "unidirectional", "inactive", "description", "1:2:3", "0", "access-list"}
	var b strings.Builder
	b.WriteString(sketchHeader)
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	pairs := []string{"(inside,outside)", "(inside,outside)", "(inside,outside)", "(any,outside)", "(inside)", "(a,b,c)", "(,x)", "inside", ""}
	mapped := []string{"interface", "pat-pool P", "pat-pool", "10.1.1.1", "O1", "any", "O1", "any", "dns", "service"}
	options := []string{"", "", "", "", "", "", "dns", "no-proxy-arp route-lookup", "service tcp sip 5060", "service udp 5060 nosuch", "service S1 S2",
		"service tcp 5060", "description a b 1:2:3", "description x", "unidirectional", "inactive", "bogus", "round-robin"}
	for k := range 15000 {
		switch k % 3 {
		case 0:
			b.WriteString("object network O1\n host 10.0.0.1\n" + randomLine(r, " nat", vocab, 9) + "\n")
			continue
		case 1:
			b.WriteString("object network O1\n " + strings.Join(strings.Fields(strings.Join([]string{"nat", pick(pairs...), pick("static", "dynamic", "source"),
				pick(mapped...), pick(options...), pick(options...)}, " ")), " ") + "\n")
			continue
		}
		if r.IntN(3) == 0 {
			b.WriteString(randomLine(r, "nat", vocab, 11) + "\n")
			continue
		}
		b.WriteString(strings.Join(strings.Fields(strings.Join([]string{"nat", pick(pairs...), pick("", "after-auto"), pick("", "", "3", "03"),
			pick("source", "source", "source", "destination"), pick("static", "dynamic", "static", "identity"), pick("any", "G1", "O1", "interface", "service"), pick(mapped...),
			pick("", "", "", "", "destination static G1 G1", "destination dynamic G1 G1", "destination static G1"), pick(options...), pick(options...)}, " ")), " ") + "\n")
	}
	for _, l := range []string{"nat (inside,outside) source static G1 G1 destination static G1 G1 no-proxy-arp route-lookup",
		"nat source dynamic any interface", "nat (inside,outside) after-auto 3 source dynamic any pat-pool P round-robin",
		"nat (inside,outside) source static O1 O1 service S1 S2", "object network O1\n nat (inside,outside) static 10.2.2.2 service tcp sip 5060",
		"object network O1\n nat (inside,outside) dynamic interface dns"} {
		b.WriteString(l + "\n")
	}
	cfg := parsePaths(t, b.String())
	ps := cfg.Paths
	sketched := 0
	for i := range ps.ObjectNAT.Len() {
		real, mapped, static, ok := ps.ObjectNATSketch(i)
		if !ok {
			continue
		}
		sketched++
		before := len(cfg.Diagnostics)
		n := ps.ObjectNAT.At(i)
		_, text := ps.ObjectNAT.Line(i)
		if n == nil || len(cfg.Diagnostics) != before {
			t.Fatalf("sketched %q, which the grammar does not read: %v", text, cfg.Diagnostics[before:])
		}
		if n.Ifaces.Real != string(real) || n.Ifaces.Mapped != string(mapped) {
			t.Errorf("%q: interfaces %v, sketch %q,%q", text, n.Ifaces, real, mapped)
		}
		if static != (n.Kind == "static") {
			t.Errorf("%q: kind %s, sketch static %v", text, n.Kind, static)
		}
	}
	for i := range ps.NAT.Len() {
		real, mapped, ok := ps.TwiceIfaces(i)
		if !ok {
			continue
		}
		sketched++
		before := len(cfg.Diagnostics)
		n := ps.NAT.At(i)
		_, text := ps.NAT.Line(i)
		if n == nil || n.Twice == nil || len(cfg.Diagnostics) != before {
			t.Fatalf("sketched %q, which the grammar does not read as twice NAT: %v", text, cfg.Diagnostics[before:])
		}
		if n.Ifaces.Real != string(real) || n.Ifaces.Mapped != string(mapped) {
			t.Errorf("%q: interfaces %v, sketch %q,%q", text, n.Ifaces, real, mapped)
		}
	}
	if sketched < 150 {
		t.Fatalf("only %d lines sketched: the test checks too little", sketched)
	}
}

func TestRouteSketchAgreesWithGrammar(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	vocab := []string{"outside", "10.0.0.0", "255.0.0.0", "255.0.255.0", "0.0.0.0", "10.1.1.254", "gw", "1", "01", "255",
		"99999999999999999999", "track", "tunneled", "1:2:3", "x"}
	var b strings.Builder
	b.WriteString(sketchHeader + "name 10.1.1.253 gw\n")
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	for k := range 12000 {
		if k%4 == 0 {
			b.WriteString(randomLine(r, "route", vocab, 8) + "\n")
			continue
		}
		b.WriteString(strings.Join(strings.Fields(strings.Join([]string{"route", pick("outside", "inside", "1:2:3", "5"), pick("10.0.0.0", "0.0.0.0", "10.1.2.3", "10.0.0.0", "gw", "x"),
			pick("255.0.0.0", "0.0.0.0", "255.255.255.255", "255.0.0.0", "255.0.255.0", "gw"), pick("10.1.1.254", "10.1.1.254", "10.1.1.254", "gw", "10.1.1", "2001:db8::1"),
			pick("", "", "1", "255", "01", "99999999999999999999", "x"), pick("", "", "track 1", "track", "track x"), pick("", "", "tunneled", "x")}, " ")), " ") + "\n")
	}
	b.WriteString("route outside 0.0.0.0 0.0.0.0 10.1.1.254\nroute inside 10.0.0.0 255.0.0.0 10.1.1.254 2 track 1 tunneled\n")
	cfg := parsePaths(t, b.String())
	rs := cfg.Paths.Routes
	sketched := 0
	for i := range rs.Len() {
		var s RouteSketch
		if !cfg.Paths.RouteSketch(i, &s) {
			continue
		}
		sketched++
		before := len(cfg.Diagnostics)
		x := rs.At(i)
		_, text := rs.Line(i)
		if x == nil || len(cfg.Diagnostics) != before {
			t.Fatalf("sketched %q, which the grammar does not read: %v", text, cfg.Diagnostics[before:])
		}
		p, ok := x.Prefix()
		if !ok || p != s.Prefix || x.Interface != string(s.Interface) || x.Gateway.Raw != string(s.Gateway) || x.Distance != s.Distance {
			t.Errorf("%q: parsed %v %s %s %d, sketch %v %s %s %d", text, p, x.Interface, x.Gateway.Raw, x.Distance, s.Prefix, s.Interface, s.Gateway, s.Distance)
		}
	}
	if sketched < 300 {
		t.Fatalf("only %d lines sketched: the test checks too little", sketched)
	}
}

// A log option followed by a word it does not take made participle panic ("branch was
// accepted but did not progress the lexer"): every tail after the operands reads, or is
// reported, without a panic.
func TestACLTailsNoPanic(t *testing.T) {
	for _, tt := range []struct {
		tail     string
		timeR    string
		inactive bool
		ruleID   string
		ok       bool
	}{
		{"log time-range tr1", "tr1", false, "", true},
		{"log inactive", "", true, "", true},
		{"log 6 interval 300 time-range tr1 inactive", "tr1", true, "", true},
		{"log interval 10 inactive", "", true, "", true},
		{"log rule-id 268435461", "", false, "268435461", true},
		{"rule-id 268435461 event-log flow-start", "", false, "268435461", true},
		{"rule-id 9998 log disable", "", false, "9998", true},
		{"log bogus", "", false, "", false},
		{"log interval", "", false, "", false},
	} {
		for _, head := range []string{"access-list A extended deny udp any any ", "access-list A advanced trust udp any any "} {
			cfg := parsePaths(t, sketchHeader+head+tt.tail+"\n")
			e := cfg.Paths.AccessList("A").At(0)
			switch {
			case !tt.ok && e == nil:
			case !tt.ok || e == nil || e.Extended == nil:
				t.Errorf("%q: parsed %+v, want ok %v (%v)", head+tt.tail, e, tt.ok, cfg.Diagnostics)
			case e.Extended.TimeRange != tt.timeR || e.Extended.Inactive != tt.inactive || e.Extended.RuleID != tt.ruleID:
				t.Errorf("%q: %+v", head+tt.tail, *e.Extended)
			}
		}
	}
}

// sketchProtocol answers every protocol name as the table does, the ones it knows without
// the table included.
func TestSketchProtocol(t *testing.T) {
	for name, want := range protocols {
		if got, ok := sketchProtocol([]byte(name)); !ok || got != want {
			t.Errorf("%s: %d %v, want %d", name, got, ok, want)
		}
	}
	for _, w := range []string{"TCP", "tc", "udpx", "256", "017", ""} {
		if n, ok := sketchProtocol([]byte(w)); ok {
			t.Errorf("%q read as protocol %d", w, n)
		}
	}
}

// isTime is classify's answer on every short or odd word.
func TestIsTime(t *testing.T) {
	words := []string{"", "1", "1:2", "1:2:3", "12:00:00", ":1:2:3", "1::2:3", "1:2:3:", "a1:2:3", "123456", "1:2:3:4", "10.0.0.1", "0:0:0"}
	for _, w := range words {
		if got, want := isTime(w), classify(w) == tokTime; got != want {
			t.Errorf("%q: isTime %v, classify says %v", w, got, want)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		b := make([]byte, r.IntN(9))
		for k := range b {
			b[k] = "0123456789::a"[r.IntN(13)]
		}
		if got, want := isTime(b), classify(b) == tokTime; got != want {
			t.Fatalf("%q: isTime %v, classify says %v", b, got, want)
		}
	}
}
