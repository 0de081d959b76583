package parser

import (
	"bytes"
	"fmt"
	"net/netip"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// parsePaths parses src with Options.Paths.
func parsePaths(t *testing.T, src string) *Config {
	t.Helper()
	cfg, err := ParseWith(strings.NewReader(src), "p.cfg", Options{Paths: true})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func diagLines(cfg *Config) []int {
	var out []int
	for _, d := range cfg.Diagnostics {
		out = append(out, d.Pos.Line)
	}
	return out
}

// Without Options.Paths nothing of the path sections is kept, but the first access-group
// line is noted.
func TestPathsOff(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
	}{
		{"ASA Version 9.8(4)\nobject network a\n host 10.0.0.1\n nat (inside,outside) dynamic interface\naccess-group x in interface inside\n", 5},
		{"ASA Version 8.2(1)\nglobal (outside) 1 interface\nnat (inside) 1 0.0.0.0 0.0.0.0\n", 0},
		{"ASA Version 9.8(4)\naccess-list x extended permit ip any any\n", 0},
	} {
		cfg, err := Parse(strings.NewReader(tc.src), "off.cfg")
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Paths != nil || cfg.PathHint.Pos.Line != tc.line {
			t.Errorf("%q: Paths %v, hint at line %d, want nil and %d", tc.src, cfg.Paths, cfg.PathHint.Pos.Line, tc.line)
		}
	}
}

// Each form of each path section parses to the nodes the model reads.
func TestPathGrammar(t *testing.T) {
	src := `ASA Version 9.8(4)
names
name 10.61.73.0 LAN-network description the LAN
name 203.0.113.5 PROVIDER
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.0 standby 198.51.100.3
interface GigabitEthernet0/1
 description phones
 nameif inside
 security-level 100
 ip address 10.200.41.1 255.255.255.0
interface GigabitEthernet0/2
 shutdown
 no nameif
 no security-level
 no ip address
interface Vlan9
 nameif wan
 security-level 0
 ip address dhcp setroute
same-security-traffic permit inter-interface
object network phones
 subnet 10.200.41.0 255.255.255.0
 description the phones
object network provider
 host 203.0.113.5
object network pool
 range 198.51.100.10 198.51.100.20
object network cloud
 fqdn v4 sip.example.net
object service sip-udp
 service udp destination eq sip
object-group network PHONES
 network-object object phones
 network-object host 10.200.42.7
 network-object 10.200.43.0 255.255.255.0
 group-object MORE
object-group network MORE
 network-object LAN-network 255.255.255.0
object-group service SIP-PORTS udp
 port-object range 5060 5061
 group-object SIP-MORE
object-group service SIP-MORE udp
 port-object eq 5080
object-group service SIP-SVC
 service-object udp destination range sip 5061
 service-object object sip-udp
 service-object tcp eq 5060
object-group protocol TCPUDP
 protocol-object udp
 protocol-object tcp
object-group icmp-type PING
 icmp-object echo-reply
access-list in remark SIP to the provider
access-list in extended permit udp object-group PHONES host PROVIDER object-group SIP-PORTS log
access-list in extended deny udp any any eq 5080 log disable inactive
access-list in extended permit object-group SIP-SVC object phones any
access-list in extended permit object-group TCPUDP any object-group SIP-PORTS any eq 5060
access-list in extended permit icmp any any object-group PING
access-list in extended permit tcp 10.0.0.0 255.0.0.0 gt 1023 interface outside neq www log 7 interval 30 time-range work
access-list std standard permit host 10.0.0.1
access-list eth ethertype permit bpdu
access-group in in interface inside
access-group glob global
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
route inside LAN-network 255.255.255.0 10.200.41.254
object network phones
 nat (inside,outside) dynamic interface
object network provider
 nat (inside,outside) static 198.51.100.9 service udp sip 5080
nat (inside,outside) source dynamic PHONES interface
nat (inside,outside) after-auto 1 source static phones phones destination static provider provider no-proxy-arp route-lookup
nat (inside) 1 0.0.0.0 0.0.0.0
nat (inside) 0 access-list nonat
global (outside) 1 interface
global (outside) 2 198.51.100.30-198.51.100.40 netmask 255.255.255.0
static (inside,outside) udp interface sip 10.200.41.10 sip netmask 255.255.255.255
static (inside,outside) 198.51.100.50 access-list pbx
static (inside,outside) 198.51.100.51 PROVIDER netmask 255.255.255.255 dns
`
	cfg := parsePaths(t, src)
	ps := cfg.Paths
	nodes := ps.readAll()
	if len(cfg.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", cfg.Diagnostics)
	}
	checkAccounting(t, "p.cfg", []byte(src), cfg)
	if len(nodes) != 9+5+7+2+2+4+2+3 {
		t.Errorf("read %d deferred nodes, want 34", len(nodes))
	}

	got := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
	in := ps.AccessList("in")
	entry := func(i int) *ExtendedACE { return in.At(i).Extended }
	op := func(o *Operand) string {
		switch {
		case o == nil:
			return "-"
		case o.Any != "":
			return o.Any
		case o.Host != nil:
			return "host " + o.Host.IP.String()
		case o.Object != "":
			return "object " + o.Object
		case o.Group != "":
			return "object-group " + o.Group
		case o.Interface != "":
			return "interface " + o.Interface
		case o.Port != nil:
			return o.Port.String()
		case o.Mask != nil:
			return o.Net.IP.String() + "/" + o.Mask.IP.String()
		}
		return o.Net.Raw
	}
	ace := func(e *ExtendedACE) string {
		return got("%s %s%s%s src=%s sport=%s dst=%s dport=%s icmp=%s inactive=%v", e.Action, e.Protocol.Name, e.Protocol.Group, e.Protocol.Obj,
			op(e.Src), op(e.SrcPort), op(e.Dst), op(e.DstPort), op(e.ICMP), e.Inactive)
	}
	for _, tc := range []struct{ got, want string }{
		{got("%d %q", in.Len(), in.At(0).Remark.Text), `7 ["SIP" "to" "the" "provider"]`},
		{ace(entry(1)), "permit udp src=object-group PHONES sport=- dst=host 203.0.113.5 dport=object-group SIP-PORTS icmp=- inactive=false"},
		{ace(entry(2)), "deny udp src=any sport=- dst=any dport=eq 5080 icmp=- inactive=true"},
		{got("%s %s", ace(entry(2)), entry(2).Log.Setting), "deny udp src=any sport=- dst=any dport=eq 5080 icmp=- inactive=true disable"},
		{ace(entry(3)), "permit SIP-SVC src=object phones sport=- dst=any dport=- icmp=- inactive=false"},
		{ace(entry(4)), "permit TCPUDP src=any sport=object-group SIP-PORTS dst=any dport=eq 5060 icmp=- inactive=false"},
		{ace(entry(5)), "permit icmp src=any sport=- dst=any dport=- icmp=object-group PING inactive=false"},
		{ace(entry(6)), "permit tcp src=10.0.0.0/255.0.0.0 sport=gt 1023 dst=interface outside dport=neq www icmp=- inactive=false"},
		{got("%s %d %s", entry(6).Log.Level, entry(6).Log.Interval, entry(6).TimeRange), "7 30 work"},
		{got("%s %q", ps.AccessList("std").At(0).Other.Type, ps.AccessList("eth").At(0).Other.Words), `standard ["permit" "bpdu"]`},
		{got("%v", ps.aclNames), "[in std eth]"},

		{got("%d %s/%v %s/%v", len(ps.Interfaces), cfg.Interfaces[0].Name, cfg.Interfaces[0].SecurityLevel.Level, cfg.Interfaces[1].Name, cfg.Interfaces[1].SecurityLevel.Level), "4 outside/0 inside/100"},
		{got("%v %v", prefix(cfg.Interfaces[1].Address), cfg.Interfaces[0].Address.Standby.IP), "10.200.41.0/24 true 198.51.100.3"},
		{got("%q %q", cfg.Interfaces[2].Address.Learned, ps.Interfaces[2].Settings[1].Words), `["dhcp" "setroute"] ["no" "nameif"]`},
		{got("%s %s", ps.SameSecurity[0].Kind, ps.names["LAN-network"]), "inter-interface 10.61.73.0"},
		{got("%s %v %d", ps.Routes.At(1).Interface, prefixOf(ps.Routes.At(1)), ps.Routes.At(0).Distance), "inside 10.61.73.0/24 true 1"},
		{got("%s %s %s %v", ps.AccessGroups[0].ACL, ps.AccessGroups[0].Direction, ps.AccessGroups[0].Interface, ps.AccessGroups[1].Global), "in in inside true"},

		{got("%s %v %v", ps.Object("phones").Subnet.Address.IP, ps.Object("phones").Headers[1].Line, ps.Object("cloud").FQDN.Name), "10.200.41.0 69 sip.example.net"},
		{got("%s %s", ps.Object("pool").Range.To.IP, ps.Object("sip-udp").Service.Destination), "198.51.100.20 eq sip"},
		{got("%s %d %s", ps.ObjectGroup("PHONES").Networks[0].Object, len(ps.ObjectGroup("PHONES").Networks), ps.ObjectGroup("PHONES").Groups[0].Group), "phones 3 MORE"},
		{got("%s %s %s", ps.ObjectGroup("SIP-PORTS").Protocol, ps.ObjectGroup("SIP-PORTS").Ports[0].Port, ps.ObjectGroup("MORE").Networks[0].Address.IP), "udp range 5060 5061 10.61.73.0"},
		{got("%s|%s|%s", ps.ObjectGroup("SIP-SVC").Services[0].Service.Destination, ps.ObjectGroup("SIP-SVC").Services[1].Service.Object, ps.ObjectGroup("SIP-SVC").Services[2].Service.Destination), "range sip 5061|sip-udp|eq 5060"},
		{got("%s %s", ps.ObjectGroup("TCPUDP").Protocols[1].Protocol, ps.ObjectGroup("PING").ICMPTypes[0].Type), "tcp echo-reply"},

		{got("%s %s %s %v", ps.ObjectNAT.At(0).Object, ps.ObjectNAT.At(0).Ifaces, ps.ObjectNAT.At(0).Kind, ps.ObjectNAT.At(0).Mapped.Interface), "phones (inside,outside) dynamic true"},
		{got("%s %d", ps.ObjectNAT.At(1).Mapped.Target, ps.ObjectNAT.At(1).Options[0].Service.MappedPort.Number), "198.51.100.9 5080"},
		{got("%s %s %v", ps.NAT.At(0).Twice.Src.Kind, ps.NAT.At(0).Twice.Src.Real, ps.NAT.At(0).Twice.Src.Mapped.Interface), "dynamic PHONES true"},
		{got("%v %d %s %s", ps.NAT.At(1).Twice.AfterAuto, ps.NAT.At(1).Twice.Line, ps.NAT.At(1).Twice.Destination.Mapped, ps.NAT.At(1).Twice.Options[1].Flag), "true 1 provider route-lookup"},
		{got("%s %d %s %s", ps.NAT.At(2).Ifaces, ps.NAT.At(2).Legacy.ID, ps.NAT.At(2).Legacy.Mask.IP, ps.NAT.At(3).Legacy.ACL), "(inside) 1 0.0.0.0 nonat"},
		{got("%v %v %s %s %v", ps.Globals.At(0).PAT(), ps.Globals.At(1).PAT(), ps.Globals.At(1).From, ps.Globals.At(1).To, ps.Globals.At(1).Netmask.IP), "true false 198.51.100.30 198.51.100.40 255.255.255.0"},
		{got("%v %d %s", ps.Statics.At(0).Port.MappedIf, ps.Statics.At(0).Port.RealPort.Number, ps.Statics.At(0).Port.Real.IP), "true 5060 10.200.41.10"},
		{got("%s %s %s %q", ps.Statics.At(1).Plain.ACL, ps.Statics.At(2).Plain.Mapped.IP, ps.Statics.At(2).Plain.Real.IP, ps.Statics.At(2).Options), `pbx 198.51.100.51 203.0.113.5 ["dns"]`},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %s\nwant %s", tc.got, tc.want)
		}
	}
}

func prefix(a *IPAddress) string {
	p, ok := a.Prefix()
	return fmt.Sprintf("%v %v", p, ok)
}

func prefixOf(r *Route) string {
	p, ok := r.Prefix()
	return fmt.Sprintf("%v %v", p, ok)
}

// Unreadable lines of the path sections are reported, each once, the deferred ones when
// they are read; a blanked-out address is not a mistake.
func TestPathDiagnostics(t *testing.T) {
	src := `ASA Version 9.8(4)
interface Vlan2
 nameif outside
 security-level 101
 ip address 125.x.x.10 255.255.255.252
 ip address 10.0.0.1 255.0.255.0
 nameif
route outside 0.0.0.0 0.0.0.0 GATEWAY 1
access-list a extended permit udp any any eq nosuchport
access-list a extended permit udp any
access-list a extended permit foo any any
access-list a extended permit udp host NOPE any
access-list a extended permit udp any any range 5061 5060
access-list a extended permit udp any eq 5060
access-list a extended permit udp any any eq 5060 log
object network o
 host 10.0.0.1
 service udp destination eq 5060
object-group network g
 port-object eq 5060
object-group service s
 port-object eq 5060
nat inside source static a b
nat (inside,outside) 1 0.0.0.0 0.0.0.0
nat (inside) source static a b
global (inside,outside) 1 interface
static (inside) 1.1.1.1 2.2.2.2
object network n
 nat (inside) dynamic interface
same-security-traffic permit everything
access-group a sideways interface inside
`
	cfg := parsePaths(t, src)
	checkAccounting(t, "p.cfg", []byte(src), cfg)
	if want := []int{4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 18, 20, 22, 23, 24, 25, 26, 27, 29, 30, 31}; !reflect.DeepEqual(sorted(diagLines(cfg)), want) {
		t.Errorf("diagnostics on lines %v, want %v:\n%v", diagLines(cfg), want, cfg.Diagnostics)
	}
	cfg.Paths.readAll() // a second read reports nothing new
	if n := len(cfg.Diagnostics); n != 21 {
		t.Errorf("%d diagnostics after reading twice, want 21", n)
	}
	if a := cfg.Interfaces[0].Address; a == nil || !a.Address.Masked {
		t.Errorf("masked address not kept as masked: %+v", a)
	}
}

func sorted(lines []int) []int {
	slices.Sort(lines)
	return lines
}

// A bridge group's members name it with "bridge-group N" and its BVI is "interface BVIN";
// the model joins them by N.
func TestBridgeGroup(t *testing.T) {
	cfg := parsePaths(t, `ASA Version 9.8(2)
interface GigabitEthernet1/2
 bridge-group 1
 nameif inside_1
 security-level 100
interface GigabitEthernet1/3
 nameif dmz
 bridge-group x
interface BVI1
 nameif inside
 ip address 192.168.1.1 255.255.255.0
`)
	var got []string
	for _, i := range cfg.Interfaces {
		n, line, member := i.BridgeGroup()
		b, bvi := i.BVI()
		s := fmt.Sprintf("%s member=%v/%d bvi=%v/%d", i.Name, member, n, bvi, b)
		if member {
			s += fmt.Sprintf(" at %d", line.Pos.Line)
		}
		got = append(got, s)
	}
	want := []string{"inside_1 member=true/1 bvi=false/0 at 3", "dmz member=false/0 bvi=false/0", "inside member=false/0 bvi=true/1"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// IPv6: "ipv6 address" on an interface, "ipv6 route", and entries of the unified
// access-lists whose IPv6 prefixes take no mask (the grammar would read the next word as
// one).
func TestIPv6Paths(t *testing.T) {
	cfg := parsePaths(t, `ASA Version 9.8(4)
interface GigabitEthernet0/1
 nameif inside
 ipv6 address 2001:db8:41::1/64
 ipv6 enable
ipv6 route outside ::/0 2001:db8:ffff::1 5
ipv6 route outside 2001:db8::/32 10.0.0.1
access-list in extended permit udp 2001:db8:41::/64 2001:db8:1::/48 eq sip
access-list in extended permit udp 2001:db8:41::/64 object prov eq sip
`)
	if p, line, ok := cfg.Interfaces[0].IPv6Address(); !ok || p.String() != "2001:db8:41::1/64" || line.Pos.Line != 4 {
		t.Errorf("ipv6 address: %v %v", p, ok)
	}
	r := cfg.Paths.Routes6
	if r.Len() != 2 {
		t.Fatalf("%d ipv6 routes", r.Len())
	}
	if x := r.At(0); x == nil || x.Interface != "outside" || x.Distance != 5 {
		t.Errorf("route: %+v", x)
	}
	if r.At(1) != nil || !slices.Contains(diagLines(cfg), 7) {
		t.Errorf("an IPv4 gateway for an IPv6 route should be PARSE001: %v", cfg.Diagnostics)
	}
	acl := cfg.Paths.AccessList("in")
	e := acl.At(0).Extended
	if e.Src.Net.Raw != "2001:db8:41::/64" || e.Src.Mask != nil || e.Dst.Net.Raw != "2001:db8:1::/48" || e.DstPort == nil || e.DstPort.Port.String() != "eq sip" {
		t.Errorf("roles: src %+v dst %+v port %+v", e.Src, e.Dst, e.DstPort)
	}
	if e := acl.At(1).Extended; e.Dst.Object != "prov" || e.Src.Mask != nil {
		t.Errorf("object after an IPv6 prefix: src %+v dst %+v", e.Src, e.Dst)
	}
}

// Find looks a line up by its text, with or without the kept prefix, trailing blanks aside.
func TestDeferredFind(t *testing.T) {
	cfg := parsePaths(t, "ASA Version 9.8(4)\naccess-list in extended deny udp any any eq 5060\naccess-list in extended permit ip any any   \n")
	acl := cfg.Paths.AccessList("in")
	for text, want := range map[string]int{
		"access-list in extended permit ip any any":        1,
		"access-list in extended deny udp any any eq 5060": 0,
		"access-list in extended permit udp any any":       -1,
		"access-list other extended permit ip any any":     -1,
	} {
		if got := acl.Find(text); got != want {
			t.Errorf("Find(%q) = %d, want %d", text, got, want)
		}
	}
}

// Access-list lines are kept with their list whether they follow a line of the same list
// written alike (the prefix compared once) or not: another list between, a double space,
// a tab, a name that starts like the last one's.
func TestACLLinesKept(t *testing.T) {
	lines := []string{
		"access-list in extended permit udp any any eq 5060",
		"access-list in extended deny ip any any",
		"access-list inside extended permit ip any any",
		"access-list in  extended permit tcp any any eq 5061",
		"access-list\tin extended permit icmp any any",
		"access-list in remark back to in",
		"access-list out extended deny udp any any",
		"access-list in extended permit esp any any",
	}
	src := "ASA Version 9.8(4)\nhostname fw\n" + strings.Join(lines, "\n") + "\n"
	for _, readBack := range []bool{false, true} {
		cfg, err := ParseWith(bytes.NewReader([]byte(src)), "fw.txt", Options{Paths: true, ReadBack: readBack})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{}
		for k, l := range lines {
			name := strings.Fields(l)[1]
			want[name] = append(want[name], fmt.Sprintf("%d %s", k+3, l))
		}
		for name, w := range want {
			a := cfg.Paths.AccessList(name)
			if a == nil {
				t.Fatalf("read back %v: no access-list %s", readBack, name)
			}
			var got []string
			for i := range a.Len() {
				num, text := a.Line(i)
				got = append(got, fmt.Sprintf("%d %s", num, text))
			}
			if !slices.Equal(got, w) {
				t.Errorf("read back %v: %s keeps\n%q\nwant\n%q", readBack, name, got, w)
			}
		}
	}
}

// The lines of the sections read at once that could not be read are kept by line number
// for the path evaluation, in file order and at most MaxUnreadKept, and the rest counted.
func TestUnreadKept(t *testing.T) {
	var b strings.Builder
	b.WriteString("ASA Version 9.8(4)\ninterface g0\n nameif outside\n ip address 10.1.1.1\nsame-security-traffic permit bogus\n")
	for range MaxUnreadKept + 3 {
		b.WriteString("access-group a in interface\n")
	}
	cfg := parsePaths(t, b.String())
	if lines, more := cfg.Paths.Unreadable().Lines("interface"); !slices.Equal(lines, []int{4}) || more {
		t.Errorf("interface: %v %v", lines, more)
	}
	if lines, more := cfg.Paths.Unreadable().Lines("same-security-traffic"); !slices.Equal(lines, []int{5}) || more {
		t.Errorf("same-security-traffic: %v %v", lines, more)
	}
	lines, more := cfg.Paths.Unreadable().Lines("access-group")
	if len(lines) != MaxUnreadKept || lines[0] != 6 || lines[len(lines)-1] != 6+MaxUnreadKept-1 || !more {
		t.Errorf("access-group: %d lines from %d, more %v", len(lines), lines[0], more)
	}
}

// A block's kind is an index for the kinds there are, and the word itself for any other:
// GroupKind and ObjectKind give the header's word either way. The index keeps a block at
// 32 bytes, tens of thousands of them on a large configuration.
func TestBlockKinds(t *testing.T) {
	cfg := parsePaths(t, "ASA Version 9.8(4)\nobject network N\n host 10.1.1.1\nobject service S\n service udp destination eq 5060\n"+
		"object-group icmp-type I\n icmp-object echo\nobject-group network G\n network-object host 10.1.1.1\nobject-group futurekind F\n")
	ps := cfg.Paths
	for _, c := range []struct{ got, want string }{
		{ps.ObjectKind("N"), "network"}, {ps.ObjectKind("S"), "service"}, {ps.GroupKind("I"), "icmp-type"},
		{ps.GroupKind("G"), "network"}, {ps.GroupKind("F"), "futurekind"}, {ps.GroupKind("N"), ""}, {ps.ObjectKind("missing"), ""},
	} {
		if c.got != c.want {
			t.Errorf("kind %q, want %q", c.got, c.want)
		}
	}
	if size := unsafe.Sizeof(block{}); size != 32 {
		t.Errorf("a block is %d bytes, want 32", size)
	}
}

// The names map is sized once, at the first name line, for the size of the input: name
// lines that cannot be read (which leave it empty) do not size it again, each allocating
// a map for the whole file.
func TestNamesSizedOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("ASA Version 9.8(4)\nhostname fw\n")
	for range 500 {
		b.WriteString("name 10.1.1.1\n") // no name: PARSE001, and names stays empty
	}
	pad := "! " + strings.Repeat("x", 1000) + "\n"
	for b.Len() < 16<<20 { // an input that sizes the map for 2,000 names
		b.WriteString(pad)
	}
	b.WriteString("name 10.1.1.2 pbx\n")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cfg, _ := parseFileBack(t, b.String())
	runtime.ReadMemStats(&after)
	if ip, ok := cfg.Paths.Resolve("pbx"); !ok || ip != netip.MustParseAddr("10.1.1.2") {
		t.Errorf("pbx resolves to %v %v", ip, ok)
	}
	// One map for 2,000 names is about 160 KB; sized again at each unreadable line, 500
	// of them were 80 MB.
	if got := after.TotalAlloc - before.TotalAlloc; got > 40<<20 {
		t.Errorf("parsing allocated %d MB", got>>20)
	}
}
