package asa

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/parser"
)

// base is the part of the test configurations the cases share: phones on inside
// (10.200.41.0/24, level 100), the provider 204.11.192.22 behind outside (level 0), a
// dmz at level 50 and a voice interface at level 100.
const base = `ASA Version 9.8(4)
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.200.41.1 255.255.255.0
interface GigabitEthernet0/2
 nameif dmz
 security-level 50
 ip address 172.16.1.1 255.255.255.0
interface GigabitEthernet0/3
 nameif voice
 security-level 100
 ip address 10.201.0.1 255.255.255.0
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
`

func model(t *testing.T, src string) *Model {
	t.Helper()
	cfg, err := parser.ParseWith(strings.NewReader(src), "t.cfg", parser.Options{Paths: true, ReadBack: true})
	if err != nil {
		t.Fatal(err)
	}
	return New(cfg)
}

func flow(clients, provider, port string) Flow {
	ps, err := ParsePorts(port)
	if err != nil {
		panic(err)
	}
	c, err := netip.ParsePrefix(clients)
	if err != nil {
		a := netip.MustParseAddr(clients)
		c = netip.PrefixFrom(a, a.BitLen())
	}
	return Flow{Clients: c, Provider: netip.MustParseAddr(provider), Port: ps[0]}
}

// outcome summarises what the path does to the clients: "allow", or each denial as
// "PHASE line N [part]", or "unresolved".
func outcome(p *Path) string {
	if p.Unresolved != "" {
		return "unresolved"
	}
	var parts []string
	for _, d := range p.Denied {
		s := fmt.Sprintf("%s line %d", d.Phase, d.At.Line)
		if d.Implicit {
			s = fmt.Sprintf("implicit deny %s line %d", d.ACL, d.At.Line)
		}
		if d.Clients != clientsString(p.Clients) {
			s += " [" + d.Clients + "]"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "allow"
	}
	if p.Allowed() {
		parts = append([]string{"allow rest"}, parts...)
	}
	return strings.Join(parts, "; ")
}

const sipFromPhones = "10.200.41.0/24 204.11.192.22 udp/5060"

func TestAccessRules(t *testing.T) {
	for _, tc := range []struct {
		name, cfg, flow, want string
	}{
		{"object-group permit", `object-group network PHONES
 network-object 10.200.41.0 255.255.255.0
access-list in extended permit udp object-group PHONES host 204.11.192.22 eq sip
access-group in in interface inside`, sipFromPhones, "allow"},
		{"explicit deny above the permit", `access-list in extended deny udp any any eq 5060
access-list in extended permit ip any any
access-group in in interface inside`, sipFromPhones, "ACCESS-LIST line 19"},
		{"implicit deny", `access-list in extended permit tcp any any eq https
access-group in in interface inside`, sipFromPhones, "implicit deny in line 20"},
		{"no ACL, 100 to 0", ``, sipFromPhones, "allow"},
		{"no ACL, 0 to 100", ``, "198.51.100.0/24 10.200.41.5 udp/5060", "SECURITY-LEVEL line 4"},
		{"equal levels without same-security", ``, "10.200.41.0/24 10.201.0.9 udp/5060", "SAME-SECURITY line 8"},
		{"equal levels with same-security", `same-security-traffic permit inter-interface`, "10.200.41.0/24 10.201.0.9 udp/5060", "allow"},
		{"equal levels without same-security, even with a permit", `access-list in extended permit ip any any
access-group in in interface inside`, "10.200.41.0/24 10.201.0.9 udp/5060", "SAME-SECURITY line 8"},
		{"hairpin without intra-interface", `route inside 10.50.0.0 255.255.0.0 10.200.41.254`, "10.200.41.0/24 10.50.1.1 udp/5060", "SAME-SECURITY line 8"},
		{"hairpin with intra-interface", `route inside 10.50.0.0 255.255.0.0 10.200.41.254
same-security-traffic permit intra-interface`, "10.200.41.0/24 10.50.1.1 udp/5060", "allow"},
		{"global ACL permits", `access-list g extended permit udp any any range 5060 5061
access-group g global`, sipFromPhones, "allow"},
		{"global ACL denies, implicit deny after it", `access-list g extended permit tcp any any
access-group g global`, sipFromPhones, "implicit deny g line 20"},
		{"interface ACL falls through to the global one", `access-list in extended permit tcp any any
access-list g extended permit udp any any eq 5060
access-group in in interface inside
access-group g global`, sipFromPhones, "allow"},
		{"global ACL applies to 0 to 100 too", `access-list g extended permit udp any any eq 5060
access-group g global`, "198.51.100.0/24 10.200.41.5 udp/5060", "allow"},
		{"inactive entries are ignored", `access-list in extended deny udp any any eq 5060 inactive
access-list in extended permit udp any any eq 5060
access-list in extended permit udp any any eq 5080 inactive
access-group in in interface inside`, "10.200.41.0/24 204.11.192.22 udp/5080", "implicit deny in line 22"},
		{"nested service groups, range 5060 5061", `object-group service SIP-ALL udp
 group-object SIP-TLS
object-group service SIP-TLS udp
 group-object SIP-RANGE
object-group service SIP-RANGE udp
 port-object range 5060 5061
access-list in extended permit udp any any object-group SIP-ALL
access-group in in interface inside`, "10.200.41.0/24 204.11.192.22 udp/5061", "allow"},
		{"nested service groups, outside the range", `object-group service SIP-ALL udp
 group-object SIP-RANGE
object-group service SIP-RANGE udp
 port-object range 5060 5061
access-list in extended permit udp any any object-group SIP-ALL
access-group in in interface inside`, "10.200.41.0/24 204.11.192.22 udp/5062", "implicit deny in line 24"},
		{"service-object group as protocol", `object-group service SIP
 service-object udp destination eq sip
access-list in extended permit object-group SIP any any
access-group in in interface inside`, sipFromPhones, "allow"},
		{"service object as protocol, tcp only", `object service SIP-TCP
 service tcp destination eq 5060
access-list in extended permit object SIP-TCP any any
access-group in in interface inside`, sipFromPhones, "implicit deny in line 22"},
		{"protocol group with the entry's ports", `object-group protocol TU
 protocol-object tcp
 protocol-object udp
access-list in extended permit object-group TU any any eq 5060
access-group in in interface inside`, sipFromPhones, "allow"},
		{"neq", `access-list in extended deny udp any any neq 5060
access-list in extended permit udp any any
access-group in in interface inside`, sipFromPhones, "allow"},
		{"lt and gt", `access-list in extended permit udp any any lt 5060
access-list in extended permit udp any any gt 5060
access-group in in interface inside`, sipFromPhones, "implicit deny in line 21"},
		{"source port: the SIP port", `access-list in extended permit udp any eq 5060 any eq 5060
access-group in in interface inside`, sipFromPhones, "allow"},
		{"names", `names
name 204.11.192.22 PROVIDER
name 10.200.41.0 PHONES
access-list in extended permit udp PHONES 255.255.255.0 host PROVIDER eq sip
access-group in in interface inside`, sipFromPhones, "allow"},
		{"part of the clients permitted", `access-list in extended permit udp 10.200.41.0 255.255.255.128 any eq 5060
access-group in in interface inside`, sipFromPhones, "allow rest; implicit deny in line 20 [10.200.41.128/25]"},
		{"part of the clients denied by an entry", `access-list in extended deny udp host 10.200.41.7 any
access-list in extended permit udp any any
access-group in in interface inside`, sipFromPhones, "allow rest; ACCESS-LIST line 19 [10.200.41.7]"},
		{"out ACL on the egress interface", `access-list out extended deny udp any any eq 5060
access-group out out interface outside`, sipFromPhones, "ACCESS-LIST line 19"},
		{"undefined object-group matches nothing", `access-list in extended permit udp object-group NOPE any
access-group in in interface inside`, sipFromPhones, "implicit deny in line 20"},
		{"object range and fqdn", `object network r
 range 10.200.41.0 10.200.41.255
object network f
 fqdn sip.example.net
access-list in extended permit udp any object f
access-list in extended permit udp object r any
access-group in in interface inside`, sipFromPhones, "allow"},
		{"control-plane access-group is not for transit traffic", `access-list cp extended deny ip any any
access-group cp in interface inside control-plane`, sipFromPhones, "allow"},
		{"ethertype list beside the extended one", `access-list eth ethertype permit bpdu
access-list in extended permit udp any any eq 5060
access-group eth in interface inside
access-group in in interface inside`, sipFromPhones, "allow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := model(t, base+tc.cfg+"\n")
			f := strings.Fields(tc.flow)
			p := m.Path(flow(f[0], f[1], f[2]))
			if got := outcome(p); got != tc.want {
				t.Errorf("got %q, want %q\nsteps: %+v", got, tc.want, p.Steps)
			}
			if len(m.Config.Diagnostics) > 0 {
				t.Errorf("diagnostics: %v", m.Config.Diagnostics)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	for _, tc := range []struct {
		name, cfg, flow, want string
	}{
		{"connected subnet", ``, sipFromPhones, "inside outside"},
		{"longer route beats the connected subnet", `route dmz 10.200.41.128 255.255.255.128 172.16.1.254`, "10.200.41.200 204.11.192.22 udp/5060", "dmz outside"},
		{"longest prefix", `route dmz 204.11.192.0 255.255.255.0 172.16.1.254`, sipFromPhones, "inside dmz"},
		{"lower distance wins a tie", `route dmz 204.11.192.0 255.255.255.0 172.16.1.254 5
route outside 204.11.192.0 255.255.255.0 198.51.100.1 2`, sipFromPhones, "inside outside"},
		{"routed clients", `route inside 10.60.0.0 255.255.0.0 10.200.41.254`, "10.60.4.0/24 204.11.192.22 udp/5060", "inside outside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := model(t, base+tc.cfg+"\n").Path(flow(strings.Fields(tc.flow)[0], strings.Fields(tc.flow)[1], strings.Fields(tc.flow)[2]))
			if got := p.Ingress + " " + p.Egress; got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	noDefault := strings.Replace(base, "route outside 0.0.0.0 0.0.0.0 198.51.100.1 1\n", "", 1)
	if p := model(t, noDefault).Path(flow("10.200.41.0/24", "204.11.192.22", "udp/5060")); p.Unresolved == "" || p.Allowed() {
		t.Errorf("no route: resolved %+v", p)
	}
	dhcp := strings.Replace(noDefault, " ip address 198.51.100.2 255.255.255.0", " ip address dhcp setroute", 1)
	if p := model(t, dhcp).Path(flow("10.200.41.0/24", "204.11.192.22", "udp/5060")); p.Egress != "outside" {
		t.Errorf("dhcp setroute: egress %q, want outside (%s)", p.Egress, p.Unresolved)
	}
}

// natOutcome is the translation of the clients and whether the provider's requests get
// back in.
func natOutcome(p *Path) string {
	kind := "none"
	if t := p.Translation; t != nil {
		kind = fmt.Sprintf("%s to %s line %d", t.Kind, t.Mapped, t.Config[len(t.Config)-1].Line)
		if t.Partial {
			kind += " (partial)"
		}
	}
	back := "return by state"
	if p.Return.Admitted {
		back = "return admitted"
	}
	return kind + "; " + back
}

func TestNAT(t *testing.T) {
	phones := "object network phones\n subnet 10.200.41.0 255.255.255.0\n"
	pbx := "object network pbx\n host 10.200.41.10\n"
	inbound := "access-list outside_in extended permit udp host 204.11.192.22 10.200.41.0 255.255.255.0 eq 5060\naccess-group outside_in in interface outside\n"
	for _, tc := range []struct {
		name, cfg, clients, want string
	}{
		{"no NAT, no inbound ACL", ``, "10.200.41.0/24", "none; return by state"},
		{"no NAT, inbound ACL", inbound, "10.200.41.0/24", "none; return admitted"},
		{"object NAT PAT to the interface", phones + " nat (inside,outside) dynamic interface\n" + inbound, "10.200.41.0/24", "dynamic PAT to the address of interface outside, 198.51.100.2 line 21; return by state"},
		{"object NAT for another interface pair", phones + " nat (inside,dmz) dynamic interface\n", "10.200.41.0/24", "none; return by state"},
		{"object NAT without interfaces applies on all", pbx + " nat static 198.51.100.10\n", "10.200.41.10", "static to 198.51.100.10 line 21; return by state"},
		{"object NAT (any,any)", phones + " nat (any,any) dynamic interface\n", "10.200.41.0/24", "dynamic PAT to the address of interface outside, 198.51.100.2 line 21; return by state"},
		{"static before dynamic, whatever the order", phones + " nat (inside,outside) dynamic interface\n" + pbx + " nat (inside,outside) static 198.51.100.10\n" + inbound, "10.200.41.10", "static to 198.51.100.10 line 24; return admitted"},
		{"static without an inbound permit", pbx + " nat (inside,outside) static 198.51.100.10\n", "10.200.41.10", "static to 198.51.100.10 line 21; return by state"},
		{"static of another port", pbx + " nat (inside,outside) static 198.51.100.10 service udp 5080 5080\n" + phones + " nat (inside,outside) dynamic interface\n", "10.200.41.10", "dynamic PAT to the address of interface outside, 198.51.100.2 line 24; return by state"},
		{"identity object NAT", phones + " nat (inside,outside) static phones\n" + inbound, "10.200.41.0/24", "identity to itself line 21; return admitted"},
		{"dynamic to a host is PAT", phones + " nat (inside,outside) dynamic 198.51.100.9\n", "10.200.41.0/24", "dynamic PAT to 198.51.100.9 line 21; return by state"},
		{"dynamic to a range is NAT", "object network pool\n range 198.51.100.20 198.51.100.29\n" + phones + " nat (inside,outside) dynamic pool\n", "10.200.41.0/24", "dynamic NAT to pool line 23; return by state"},
		{"PAT pool", phones + " nat (inside,outside) dynamic pat-pool pool\n", "10.200.41.0/24", "dynamic PAT to PAT pool pool line 21; return by state"},
		{"twice NAT before object NAT", phones + " nat (inside,outside) dynamic interface\nnat (inside,outside) source static any any\n" + inbound, "10.200.41.0/24", "identity to itself line 22; return admitted"},
		{"after-auto twice NAT after object NAT", phones + " nat (inside,outside) dynamic interface\nnat (inside,outside) after-auto source static any any\n", "10.200.41.0/24", "dynamic PAT to the address of interface outside, 198.51.100.2 line 21; return by state"},
		{"twice NAT for another destination", phones + "object network other\n host 8.8.8.8\nnat (inside,outside) source static phones phones destination static other other\nnat (inside,outside) source dynamic phones interface\n", "10.200.41.0/24", "dynamic PAT to the address of interface outside, 198.51.100.2 line 24; return by state"},
		{"inactive twice NAT", "nat (inside,outside) source dynamic any interface inactive\n", "10.200.41.0/24", "none; return by state"},
		{"object NAT holding part of the clients", "object network half\n subnet 10.200.41.0 255.255.255.128\n nat (inside,outside) dynamic interface\n", "10.200.41.0/24", "dynamic PAT to the address of interface outside, 198.51.100.2 line 21 (partial); return by state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := model(t, base+tc.cfg)
			p := m.Path(flow(tc.clients, "204.11.192.22", "udp/5060"))
			if got := natOutcome(p); got != tc.want {
				t.Errorf("got %q, want %q\nsteps: %+v", got, tc.want, p.Steps)
			}
			if len(m.Config.Diagnostics) > 0 {
				t.Errorf("diagnostics: %v", m.Config.Diagnostics)
			}
		})
	}
}

func TestLegacyNAT(t *testing.T) {
	base82 := strings.Replace(base, "ASA Version 9.8(4)", "ASA Version 8.2(1)", 1)
	for _, tc := range []struct {
		name, cfg, clients, want string
	}{
		{"nat/global PAT to the interface", "global (outside) 1 interface\nnat (inside) 1 0.0.0.0 0.0.0.0\n", "10.200.41.0/24", "dynamic PAT to the address of interface outside, 198.51.100.2 line 19; return by state"},
		{"global address", "global (outside) 1 198.51.100.9\nnat (inside) 1 10.200.41.0 255.255.255.0\n", "10.200.41.0/24", "dynamic PAT to 198.51.100.9 line 19; return by state"},
		{"global pool", "global (outside) 1 198.51.100.20-198.51.100.29\nnat (inside) 1 10.200.41.0 255.255.255.0\n", "10.200.41.0/24", "dynamic NAT to 198.51.100.20-198.51.100.29 line 19; return by state"},
		{"no global on the egress interface", "global (dmz) 1 interface\nnat (inside) 1 0.0.0.0 0.0.0.0\n", "10.200.41.0/24", "none; return by state"},
		{"the closest nat wins", "global (outside) 1 interface\nglobal (outside) 2 198.51.100.9\nnat (inside) 1 0.0.0.0 0.0.0.0\nnat (inside) 2 10.200.41.0 255.255.255.0\n", "10.200.41.0/24", "dynamic PAT to 198.51.100.9 line 20; return by state"},
		{"NAT exemption", "access-list nonat extended permit ip 10.200.41.0 255.255.255.0 any\nnat (inside) 0 access-list nonat\nglobal (outside) 1 interface\nnat (inside) 1 0.0.0.0 0.0.0.0\naccess-list o extended permit udp any 10.200.41.0 255.255.255.0\naccess-group o in interface outside\n", "10.200.41.0/24", "identity to itself (NAT exemption) line 20; return admitted"},
		{"static before nat, ACL on the mapped address", "global (outside) 1 interface\nnat (inside) 1 0.0.0.0 0.0.0.0\nstatic (inside,outside) 198.51.100.10 10.200.41.10 netmask 255.255.255.255\naccess-list o extended permit udp any host 198.51.100.10 eq 5060\naccess-group o in interface outside\n", "10.200.41.10", "static to 198.51.100.10 line 21; return admitted"},
		{"static, ACL on the real address", "static (inside,outside) 198.51.100.10 10.200.41.10 netmask 255.255.255.255\naccess-list o extended permit udp any host 10.200.41.10 eq 5060\naccess-group o in interface outside\n", "10.200.41.10", "static to 198.51.100.10 line 19; return by state"},
		{"static PAT of the SIP port", "static (inside,outside) udp interface 5060 10.200.41.10 5060 netmask 255.255.255.255\naccess-list o extended permit udp any interface outside eq 5060\naccess-group o in interface outside\n", "10.200.41.10", "static to the address of interface outside, 198.51.100.2 line 19; return admitted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := model(t, base82+tc.cfg)
			p := m.Path(flow(tc.clients, "204.11.192.22", "udp/5060"))
			if got := natOutcome(p); got != tc.want {
				t.Errorf("got %q, want %q\nsteps: %+v", got, tc.want, p.Steps)
			}
			if len(m.Config.Diagnostics) > 0 {
				t.Errorf("diagnostics: %v", m.Config.Diagnostics)
			}
		})
	}
}

// The inspection and idle timeout of the path come from the policies on its interfaces.
func TestPathInspection(t *testing.T) {
	src := base + `class-map sip5080
 match port udp eq 5080
policy-map dmz-policy
 class sip5080
  inspect sip
policy-map global_policy
 class class-default
  user-statistics accounting
service-policy global_policy global
service-policy dmz-policy interface dmz
timeout udp 0:01:00
`
	m := model(t, src)
	p := m.Path(flow("10.200.41.0/24", "204.11.192.22", "udp/5080"))
	if p.SIP.Best == nil || p.SIP.Best.Inspected() || p.SIP.Idle.Key != "udp" {
		t.Errorf("inside to outside: %+v, want uninspected with timeout udp", p.SIP)
	}
	if !m.SIP(Port{"udp", 5080}).Best.Inspected() {
		t.Error("the port is inspected somewhere: SIP should say so")
	}
	p = m.Path(flow("10.200.41.0/24", "172.16.1.9", "udp/5080"))
	if p.SIP.Best == nil || !p.SIP.Best.Inspected() {
		t.Errorf("inside to dmz: %+v, want inspected by dmz-policy", p.SIP)
	}
}

func TestSpans(t *testing.T) {
	s := func(a, b string) span { return span{u32(netip.MustParseAddr(a)), u32(netip.MustParseAddr(b))} }
	all := spans{s("10.0.0.0", "10.0.0.255")}
	for _, tc := range []struct {
		got  spans
		want string
	}{
		{all.subtract(spans{s("10.0.0.7", "10.0.0.7")}), "10.0.0.0-10.0.0.6, 10.0.0.8-10.0.0.255"},
		{all.intersect(spans{s("10.0.0.128", "10.0.1.5")}), "10.0.0.128/25"},
		{spans{s("10.0.0.0", "10.0.0.127")}.union(spans{s("10.0.0.128", "10.0.0.255")}), "10.0.0.0/24"},
		{spans{allV4}.subtract(spans{allV4}), ""},
		{spans{allV4}, "0.0.0.0/0"},
	} {
		if tc.got.String() != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if !all.covers(s("10.0.0.5", "10.0.0.9")) || all.covers(s("10.0.0.5", "10.0.1.9")) {
		t.Error("covers")
	}
}

// outcomeDepends is outcome with the condition of each denial.
func outcomeDepends(p *Path) string {
	s := outcome(p)
	for _, d := range p.Denied {
		if d.Depends != "" {
			s += " {" + d.Depends + "}"
		}
	}
	return s
}

// Entries whose effect the configuration cannot tell (a time-range, an FQDN) do not
// decide the verdict: it goes on past them and says it depends on them.
func TestConditionalEntries(t *testing.T) {
	fqdn := "object network prov\n fqdn sip.example.net\n"
	for _, tc := range []struct {
		name, cfg, want string
	}{
		{"permit during a time-range only", `time-range office
 periodic weekdays 8:00 to 18:00
access-list in extended permit udp any any eq 5060 time-range office
access-group in in interface inside`, "implicit deny in line 22 {unless line 21 applies (it is active only during time-range office)}"},
		{"deny during a time-range, permit below", `access-list in extended deny udp any any eq 5060 time-range office
access-list in extended permit ip any any
access-group in in interface inside`, "allow rest; ACCESS-LIST line 19 {if line 19 applies (it is active only during time-range office)}"},
		{"permit to an FQDN", fqdn + `access-list in extended permit udp any object prov eq 5060
access-group in in interface inside`, "implicit deny in line 22 {unless line 21 applies (object prov is the FQDN sip.example.net, resolved only at run time)}"},
		{"FQDN in a group beside the provider's address: decided", fqdn + `object-group network provs
 network-object object prov
 network-object host 204.11.192.22
access-list in extended permit udp any object-group provs eq 5060
access-group in in interface inside`, "allow"},
		{"deny to an FQDN above a permit", fqdn + `access-list in extended deny udp any object prov
access-list in extended permit udp any any eq 5060
access-group in in interface inside`, "allow rest; ACCESS-LIST line 21 {if line 21 applies (object prov is the FQDN sip.example.net, resolved only at run time)}"},
		// A line asaaudit cannot read (PARSE001) may be an entry the ASA applies, either
		// way: the implicit deny below depends on it; a permit below it decides, with
		// the line noted, and it is not taken to deny.
		{"unreadable line above the implicit deny", `access-list in permit udp any any eq 5060
access-group in in interface inside`, "implicit deny in line 20 {unless line 19 applies (asaaudit could not read the line (PARSE001), so what it does is not known)}"},
		{"unreadable line above a permit", `access-list in extended permit udp any any eq 5060 bogus-option
access-list in extended permit udp any any eq 5060
access-group in in interface inside`, "allow"},
		{"unreadable line above a deny", `access-list in permit udp any any eq 5060
access-list in extended deny ip any any
access-group in in interface inside`, "ACCESS-LIST line 20 {unless line 19 applies (asaaudit could not read the line (PARSE001), so what it does is not known)}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := model(t, base+tc.cfg+"\n").Path(flow("10.200.41.0/24", "204.11.192.22", "udp/5060"))
			if got := outcomeDepends(p); got != tc.want {
				t.Errorf("got  %q\nwant %q\nsteps: %+v", got, tc.want, p.Steps)
			}
		})
	}
}

// An interface, route, same-security-traffic, access-group or NAT line asaaudit cannot
// read is passed over, and every path says its verdict may depend on it; a NAT line whose
// interfaces show it applies to others is not named.
func TestUnreadRulesNoted(t *testing.T) {
	src := base + `object network pbx
 host 10.200.41.5
 nat (inside,outside) static 198.51.100.5 bogus
nat (inside,outside) source static any any destination static x
nat (dmz,outside) source static any any destination static y
route outside 10.9.0.0 255.255.0.0
access-group in_acl in interface
same-security-traffic permit bogus
interface GigabitEthernet0/9
 ip address 10.9.9.1
`
	for _, sketch := range []bool{true, false} {
		sketching = sketch
		p := model(t, src).Path(flow("10.200.41.5", "204.11.192.22", "udp/5060"))
		want := []string{
			"the interfaces and their subnets may depend on the interface line on line 28, which asaaudit could not read (PARSE001)",
			"the route lookups may depend on the route line on line 24, which asaaudit could not read (PARSE001)",
			"the access checks may depend on the same-security-traffic line on line 26, which asaaudit could not read (PARSE001)",
			"the access checks may depend on the access-group line on line 25, which asaaudit could not read (PARSE001)",
			"the translation may depend on the nat lines on lines 21, 22, which asaaudit could not read (PARSE001)",
		}
		if !slices.Equal(p.Notes, want) {
			t.Errorf("sketches %v: notes\n%q\nwant\n%q", sketch, p.Notes, want)
		}
	}
	sketching = true
}

// The unreadable lines kept are bounded (parser.MaxUnreadKept), and the note says there
// were more.
func TestUnreadRulesBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(base)
	for i := range parser.MaxUnreadKept + 5 {
		fmt.Fprintf(&b, "route outside 10.%d.%d.0 255.255.255.0\n", i/256, i%256)
	}
	m := model(t, b.String())
	p := m.Path(flow("10.200.41.5", "204.11.192.22", "udp/5060"))
	kept, more := m.path.unread.Lines("route")
	if len(kept) != parser.MaxUnreadKept || !more || len(p.Notes) != 1 || !strings.Contains(p.Notes[0], fmt.Sprintf("and more than %d more", parser.MaxUnreadKept-maxNotes)) {
		t.Errorf("%d lines kept, more %v, notes %q", len(kept), more, p.Notes)
	}
}

// Phones that send from an ephemeral port meet the entries that name source ports
// differently; Variants evaluates them only when such an entry is consulted.
func TestEphemeralSourcePort(t *testing.T) {
	for _, tc := range []struct {
		name, cfg, sym, eph string
	}{
		{"no source port named: one evaluation", `access-list in extended permit udp any any eq 5060
access-group in in interface inside`, "allow", ""},
		{"source port eq sip", `access-list in extended permit udp any eq 5060 any eq 5060
access-group in in interface inside`, "allow", "implicit deny in line 20"},
		{"source port range covering the ephemeral ports", `access-list in extended permit udp any range 1024 65535 any eq 5060
access-group in in interface inside`, "allow", "allow"},
		{"source port gt 30000: only some ephemeral ports", `access-list in extended permit udp any gt 30000 any eq 5060
access-group in in interface inside`, "implicit deny in line 20", "implicit deny in line 20 {unless line 19 applies (the phones' source port must be one the entry names (it matches only some of 1024-65535))}"},
		{"deny from the SIP port only", `access-list in extended deny udp any eq 5060 any
access-list in extended permit ip any any
access-group in in interface inside`, "ACCESS-LIST line 19", "allow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := model(t, base+tc.cfg+"\n")
			sym, eph := m.Variants(flow("10.200.41.0/24", "204.11.192.22", "udp/5060"))
			if got := outcome(sym); got != tc.sym {
				t.Errorf("symmetric: got %q, want %q", got, tc.sym)
			}
			got := ""
			if eph != nil {
				got = outcomeDepends(eph)
			}
			if got != tc.eph {
				t.Errorf("ephemeral: got %q, want %q", got, tc.eph)
			}
		})
	}
	// A static translation of the SIP port does not hold phones that send from another.
	m := model(t, base+"object network pbx\n host 10.200.41.10\n nat (inside,outside) static 198.51.100.10 service udp 5060 5060\n")
	sym, eph := m.Variants(flow("10.200.41.10", "204.11.192.22", "udp/5060"))
	if eph == nil || sym.Translation == nil || eph.Translation != nil {
		t.Errorf("port static: symmetric %+v, ephemeral %+v", sym.Translation, eph)
	}
}

// bvi is the 5506-X factory default shape: the inside ports in bridge group 1, the
// subnet on BVI1, NAT per member.
const bvi = `ASA Version 9.8(4)
interface GigabitEthernet1/1
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.0
interface GigabitEthernet1/2
 bridge-group 1
 nameif inside_1
 security-level 100
interface GigabitEthernet1/3
 bridge-group 1
 nameif inside_2
 security-level 100
interface BVI1
 nameif inside
 security-level 100
 ip address 192.168.1.1 255.255.255.0
object network obj_any1
 subnet 0.0.0.0 0.0.0.0
 nat (inside_1,outside) dynamic interface
object network obj_any2
 subnet 0.0.0.0 0.0.0.0
 nat (inside_2,outside) dynamic interface
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
`

func TestBridgeGroup(t *testing.T) {
	f := flow("192.168.1.0/24", "204.11.192.22", "udp/5060")
	m := model(t, bvi+`access-list inside_2_in extended deny udp any any eq 5060
access-list inside_2_in extended permit ip any any
access-group inside_2_in in interface inside_2
`)
	if got := m.Inputs(f); strings.Join(got, " ") != "inside_1 inside_2" {
		t.Fatalf("Inputs: %v", got)
	}
	f.Input = "inside_1"
	p := m.Path(f)
	if got := outcome(p); got != "allow" || p.Ingress != "inside_1" || p.Translation == nil || p.Translation.Config[0].Line != 20 {
		t.Errorf("inside_1: %s via %s, NAT %+v", got, p.Ingress, p.Translation)
	}
	f.Input = "inside_2"
	if got := outcome(m.Path(f)); got != "ACCESS-LIST line 25" {
		t.Errorf("inside_2: %s, want its own access-list's deny", got)
	}
	f.Input = "outside"
	if p := m.Path(f); p.Unresolved == "" {
		t.Error("a non-member input should not resolve")
	}

	// The BVI's access-list comes after the member's; the security levels that count
	// are the BVI's (a member at 0 still passes to outside at 0 without same-security).
	m = model(t, strings.Replace(bvi, "nameif inside_1\n security-level 100", "nameif inside_1\n security-level 0", 1)+`access-list bvi_in extended permit tcp any any
access-group bvi_in in interface inside
`)
	f.Input = "inside_1"
	if got := outcome(m.Path(f)); got != "implicit deny bvi_in line 26" {
		t.Errorf("BVI access-list: %s", got)
	}
}

// IPv6 clients and providers are evaluated like IPv4: connected "ipv6 address" subnets,
// "ipv6 route", and IPv6 entries of the unified access-lists (any matches both families,
// any4 and any6 one each).
func TestIPv6(t *testing.T) {
	src := strings.Replace(base, " ip address 10.200.41.1 255.255.255.0\n", " ip address 10.200.41.1 255.255.255.0\n ipv6 address 2001:db8:41::1/64\n", 1) +
		"ipv6 route outside ::/0 2001:db8:ffff::1\n"
	for _, tc := range []struct {
		name, acl, clients, want string
	}{
		{"no access-list: the security levels", ``, "2001:db8:41::/64", "allow"},
		{"any4 does not match IPv6", "access-list in extended permit udp any4 any4 eq 5060\n", "2001:db8:41::/64", "implicit deny in line 22"},
		{"any matches IPv6", "access-list in extended permit udp any any eq 5060\n", "2001:db8:41::/64", "allow"},
		{"IPv6 prefixes, source and destination", "access-list in extended permit udp 2001:db8:41::/64 2001:db8:1::/48 eq 5060\n", "2001:db8:41::/64", "allow"},
		{"deny part of the clients", "access-list in extended deny udp 2001:db8:41::/80 any6\naccess-list in extended permit udp any6 any6\n", "2001:db8:41::/64", "allow rest; ACCESS-LIST line 21 [2001:db8:41::/80]"},
		{"a host inside a /64 is known only in part", "access-list in extended permit udp host 2001:db8:41::89 any6\n", "2001:db8:41::/64", "implicit deny in line 22"},
		{"the host itself", "access-list in extended permit udp host 2001:db8:41::89 any6\n", "2001:db8:41::89", "allow"},
		{"an IPv4 entry does not match", "access-list in extended permit udp 10.200.41.0 255.255.255.0 any eq 5060\n", "2001:db8:41::89", "implicit deny in line 22"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := src
			if tc.acl != "" {
				cfg += tc.acl + "access-group in in interface inside\n"
			}
			m := model(t, cfg)
			p := m.Path(flow(tc.clients, "2001:db8:1::10", "udp/5060"))
			if got := outcome(p); got != tc.want || p.Ingress != "inside" || p.Egress != "outside" {
				t.Errorf("got %q via %s -> %s, want %q\nsteps: %+v", got, p.Ingress, p.Egress, tc.want, p.Steps)
			}
			if len(m.Config.Diagnostics) > 0 {
				t.Errorf("diagnostics: %v", m.Config.Diagnostics)
			}
		})
	}
	if p := model(t, src).Path(flow("10.200.41.0/24", "2001:db8:1::10", "udp/5060")); p.Unresolved == "" {
		t.Error("IPv4 clients to an IPv6 provider should not resolve")
	}
}

func TestV6View(t *testing.T) {
	v := newV6View(netip.MustParsePrefix("2001:db8:41::/64"))
	exact, partial := v.project([]netip.Prefix{netip.MustParsePrefix("2001:db8:41:0:8000::/65"), netip.MustParsePrefix("2001:db8:41::89/128"), netip.MustParsePrefix("2001:db8:42::/64")})
	if got := v.String(exact) + " | " + v.String(partial); got != "2001:db8:41:0:8000::/65 | 2001:db8:41::/96" {
		t.Errorf("got %q", got)
	}
	if all, _ := v.project([]netip.Prefix{netip.MustParsePrefix("2001:db8::/32")}); v.String(all) != "2001:db8:41::/64" {
		t.Errorf("a containing prefix: %q", v.String(all))
	}
}

// randomPathConfig is base with random access-lists on inside and outside, objects and
// groups, routes and NAT rules: entries of every shape the sketches read and of shapes
// they leave to the grammar, most of them unable to decide the test flows.
func randomPathConfig(r *rand.Rand) string {
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("same-security-traffic permit inter-interface\ntime-range TR\n periodic daily 8:00 to 18:00\n")
	b.WriteString("object network OH\n host 10.200.41.7\nobject network ON\n subnet 10.200.41.0 255.255.255.128\n")
	b.WriteString("object network OP\n host 204.11.192.22\nobject network OF\n fqdn sip.example.net\nobject service OS\n service udp destination eq 5060\n")
	b.WriteString("object-group network GC\n network-object 10.200.41.0 255.255.255.192\n network-object object OH\nobject-group network GP\n network-object host 204.11.192.22\n group-object GC\n")
	b.WriteString("object-group network GX\n network-object 10.9.0.0 255.255.0.0\nobject-group service SVC udp\n port-object eq 5060\nobject-group protocol PR\n protocol-object udp\n")
	addrs := []string{"any", "any4", "host 10.200.41.7", "10.200.41.0 255.255.255.128", "10.200.0.0 255.255.0.0", "host 204.11.192.22",
		"204.11.192.0 255.255.255.0", "object OH", "object ON", "object OP", "object OF", "object NOPE", "object-group GC", "object-group GP",
		"object-group GX", "object-group NOPE", "interface outside", "host 10.1.1.1", "10.1.0.0 255.255.0.0", "host 10.1.1.2", "10.2.0.0 255.255.0.0"}
	ports := []string{"", "", "", "eq 5060", "eq sip", "range 5000 5100", "gt 1023", "lt 1024", "neq 5060", "eq 5080", "eq 443", "object-group SVC"}
	for _, acl := range []string{"inside_in", "outside_in"} {
		for range 60 + r.IntN(200) {
			switch r.IntN(30) {
			case 0:
				fmt.Fprintf(&b, "access-list %s remark %s\n", acl, pick("sip", "web 1:2:3", "x"))
				continue
			case 1:
				fmt.Fprintf(&b, "access-list %s extended permit %s any any %s\n", acl, pick("object-group PR", "object OS", "object-group SVC"), pick("", "eq 5060"))
				continue
			case 2:
				fmt.Fprintf(&b, "access-list %s extended permit udp bogus 1.2.3\n", acl)
				continue
			}
			fmt.Fprintf(&b, "access-list %s extended %s %s %s %s %s %s %s\n", acl, pick("permit", "deny"), pick("udp", "tcp", "ip", "icmp", "17", "6", "gre"),
				pick(addrs...), pick(ports...), pick(addrs...), pick(ports...), pick("", "", "", "log", "log disable", "time-range TR", "inactive"))
		}
		fmt.Fprintf(&b, "access-list %s extended %s ip any any\n", acl, pick("permit", "deny"))
	}
	b.WriteString("access-group inside_in in interface inside\naccess-group outside_in in interface outside\n")
	for k := range 40 + r.IntN(60) {
		fmt.Fprintf(&b, "route %s %s %s 198.51.100.%d %d\n", pick("outside", "dmz", "voice"), pick("204.11.192.0", "204.11.0.0", "204.0.0.0", "10.200.41.0", "10.200.41.128", "10.9.0.0"),
			pick("255.255.255.0", "255.255.0.0", "255.0.0.0", "255.255.255.128", "255.255.255.255"), k%250+1, 1+r.IntN(3))
	}
	ifaces := []string{"inside", "dmz", "voice", "outside", "any"}
	for k := range 30 + r.IntN(60) {
		switch r.IntN(3) {
		case 0:
			fmt.Fprintf(&b, "object network N%d\n %s\n nat (%s,%s) %s %s %s\n", k, pick("host 10.200.41.7", "subnet 10.200.41.0 255.255.255.0", "host 10.1.1.1"),
				pick(ifaces...), pick(ifaces...), pick("static", "dynamic"), pick("interface", "198.51.100.9", "N0", "pat-pool N0"), pick("", "", "dns", "service udp 5060 5060", "service tcp sip 5080"))
		case 1:
			fmt.Fprintf(&b, "nat (%s,%s) %s source %s %s %s %s\n", pick(ifaces...), pick(ifaces...), pick("", "", "after-auto"), pick("static", "dynamic"),
				pick("any", "GC", "ON", "OH", "GX"), pick("interface", "198.51.100.10", "GC"), pick("", "", "destination static GP GP", "no-proxy-arp route-lookup", "inactive", "unidirectional"))
		default:
			fmt.Fprintf(&b, "nat %s source static any any\n", pick("(inside)", "(a,b,c)", "bogus"))
		}
	}
	return b.String()
}

// renderVariants writes everything the rules read of a flow's paths.
func renderVariants(m *Model, f Flow) string {
	var out []string
	sym, eph := m.Variants(f)
	for _, p := range []*Path{sym, eph} {
		if p == nil {
			out = append(out, "nil")
			continue
		}
		tr := "none"
		if p.Translation != nil {
			tr = fmt.Sprintf("%+v", *p.Translation)
		}
		steps := make([]string, len(p.Steps))
		for i, s := range p.Steps {
			steps[i] = fmt.Sprintf("%s|%s|%+v|%s", s.Phase, s.Result, s.Config, s.Text())
		}
		out = append(out, fmt.Sprintf("%s|%s|%s|%q|%+v|%q|%s|%+v|%v", p.Unresolved, p.Ingress, p.Egress, steps, p.Denied, p.Notes, tr, p.Return, m.ReturnAccess(p)))
	}
	return strings.Join(out, "\n")
}

// onRandomPaths calls compare with 25 random configurations and the flows of two client
// sets, three providers and ports, and fails when fewer than 100 flows met an
// access-list: compare returns how many did; fewer would check too little.
func onRandomPaths(t *testing.T, r *rand.Rand, ports []string, compare func(src string, flows []Flow) (decided int)) {
	t.Helper()
	decided := 0
	for range 25 {
		src := randomPathConfig(r)
		var flows []Flow
		for _, c := range []string{"10.200.41.0/24", "10.200.41.7"} {
			for _, p := range []string{"204.11.192.22", "204.11.192.99", "10.9.1.1"} {
				for _, port := range ports {
					flows = append(flows, flow(c, p, port))
				}
			}
		}
		decided += compare(src, flows)
	}
	if decided < 100 {
		t.Fatalf("only %d flows met an access-list: the test checks too little", decided)
	}
}

// Walking an access-list once for the flows of every audited port decides each flow as
// walking it for that flow alone does, in whatever order the flows are asked.
func TestAuditedPortsKeepPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	ports := []string{"udp/5060", "tcp/5060", "udp/5080"}
	var audited []Port
	for _, p := range ports {
		audited = append(audited, flow("10.200.41.7", "10.9.1.1", p).Port)
	}
	onRandomPaths(t, r, ports, func(src string, flows []Flow) (decided int) {
		r.Shuffle(len(flows), func(i, j int) { flows[i], flows[j] = flows[j], flows[i] })
		batched, alone := model(t, src), model(t, src)
		batched.Audits(audited)
		for _, f := range flows {
			got, want := renderVariants(batched, f), renderVariants(alone, f)
			if got != want {
				t.Fatalf("flow %s: walked with the other ports\n%s\nwalked alone\n%s\nconfiguration:\n%s", f, got, want, src)
			}
			if strings.Contains(got, "ACCESS-LIST") {
				decided++
			}
		}
		return decided
	})
}

// The sketches only spare the grammar: every path, its steps, denials, notes, translation
// and way back are what the grammar alone gives.
func TestSketchesKeepPaths(t *testing.T) {
	sameWithout(t, rand.New(rand.NewPCG(7, 8)), []string{"udp/5060", "tcp/5060", "udp/5080"}, &sketching, "with the sketches", "with the grammar alone")
}

// What the goroutine reading ahead says of a line only spares the walk its sketch: every
// path is what the walk alone finds. Runs of two lines, so that the random configurations'
// short lists are read ahead, with the ports of three audits riding along.
func TestAheadKeepsPaths(t *testing.T) {
	defer func(run, least int) { aheadRun, aheadMin = run, least }(aheadRun, aheadMin)
	aheadRun, aheadMin = 2, 1
	sameWithout(t, rand.New(rand.NewPCG(17, 18)), []string{"udp/5060", "tcp/5060", "udp/5080"}, &sketchAhead, "with lines read ahead", "walked alone")
}

// The way back is read ahead for the clients' real addresses; behind an 8.2 static it
// walks the mapped ones, and what was read for the others is not used.
func TestAheadWayBackTranslated(t *testing.T) {
	defer func(run, least int) { aheadRun, aheadMin = run, least }(aheadRun, aheadMin)
	aheadRun, aheadMin = 2, 1
	src := strings.Replace(base, "ASA Version 9.8(4)", "ASA Version 8.2(1)", 1) + `global (outside) 1 interface
nat (inside) 1 0.0.0.0 0.0.0.0
static (inside,outside) 198.51.100.10 10.200.41.10 netmask 255.255.255.255
access-list o remark x
access-list o extended deny udp any host 10.200.41.99 eq 5060
access-list o extended permit udp any host 198.51.100.10 eq 5060
access-group o in interface outside
`
	f := flow("10.200.41.10", "204.11.192.22", "udp/5060")
	var got [2]string
	for k, ahead := range []bool{false, true} {
		sketchAhead = ahead
		got[k] = renderVariants(model(t, src), f)
	}
	sketchAhead = true
	if got[0] != got[1] || !strings.Contains(got[0], "Admitted:true") {
		t.Errorf("walked alone (want the return admitted)\n%s\nwith the way back read ahead\n%s", got[0], got[1])
	}
}

// An entry that names source ports, passed over by the goroutine for its service, still
// tells the walk that the source port can change the verdict: the ephemeral variant is
// evaluated, as without it. Runs of two lines: line 3 is in the second, which either the
// goroutine or the walk reads ahead.
func TestAheadNotesSourcePorts(t *testing.T) {
	defer func(run, least int) { aheadRun, aheadMin = run, least }(aheadRun, aheadMin)
	aheadRun, aheadMin = 2, 1
	src := base + `access-list inside_in extended deny udp host 10.99.99.99 any
access-list inside_in remark x
access-list inside_in extended permit tcp any eq 5060 any
access-list inside_in remark y
access-list inside_in extended permit udp any any eq 5060
access-group inside_in in interface inside
`
	for _, ahead := range []bool{false, true} {
		sketchAhead = ahead
		_, eph := model(t, src).Variants(flow("10.200.41.0/24", "204.11.192.22", "udp/5060"))
		if eph == nil {
			t.Errorf("read ahead %v: no ephemeral variant, though line 3 names source ports", ahead)
		}
	}
	sketchAhead = true
}

// sameWithout fails when turning *shortcut off changes a path of the random
// configurations (onRandomPaths); with and without name the two ways in a failure.
func sameWithout(t *testing.T, r *rand.Rand, ports []string, shortcut *bool, with, without string) {
	t.Helper()
	onRandomPaths(t, r, ports, func(src string, flows []Flow) (decided int) {
		on, off := model(t, src), model(t, src)
		for _, f := range flows {
			*shortcut = true
			got := renderVariants(on, f)
			*shortcut = false
			want := renderVariants(off, f)
			*shortcut = true
			if got != want {
				t.Fatalf("flow %s: %s\n%s\n%s\n%s\nconfiguration:\n%s", f, with, got, without, want, src)
			}
			if strings.Contains(got, "ACCESS-LIST") {
				decided++
			}
		}
		return decided
	})
}

// The route index finds what a scan of every route finds: the longest prefix, then the
// lowest distance, then the first route; IPv4 and IPv6 routes apart.
func TestRouteIndexLongestPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	addr := func() netip.Addr {
		b := [4]byte{10, byte(r.IntN(2)), byte(r.IntN(4)), byte(r.IntN(256))}
		if r.IntN(4) == 0 {
			return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 12: b[0], 13: b[1], 14: b[2], 15: b[3]})
		}
		return netip.AddrFrom4(b)
	}
	for range 200 {
		var routes []route
		for k := range 1 + r.IntN(40) {
			a := addr()
			bits := []int{0, 8, 16, 22, 24, 30, 32}[r.IntN(7)]
			if a.Is6() {
				bits += 96
			}
			p := netip.PrefixFrom(a, bits).Masked()
			routes = append(routes, route{prefix: p, distance: int32(1 + r.IntN(3)), index: int32(k)})
		}
		x := newRouteIndex(routes)
		for range 50 {
			a := addr()
			want, found := -1, false
			for k, rt := range routes {
				if !rt.prefix.Contains(a) {
					continue
				}
				if w := routes[max(want, 0)]; !found || rt.prefix.Bits() > w.prefix.Bits() || rt.prefix.Bits() == w.prefix.Bits() && rt.distance < w.distance {
					want, found = k, true
				}
			}
			got, ok := x.lookup(a)
			if ok != found || found && got != want {
				t.Fatalf("lookup %s in %v: got %d %v, want %d %v", a, routes, got, ok, want, found)
			}
		}
	}
}

// An undefined object or object-group resolves to its message, once per name, and its key
// is the name.
func TestUndefinedSets(t *testing.T) {
	m := model(t, "hostname fw\nobject-group network G\n network-object host 10.0.0.1\n group-object NOPE\n")
	m.initPath()
	for _, tc := range []struct {
		resolve func(string) *addrSet
		sets    map[string]*addrSet
		name    string
		want    string
	}{
		{m.objectSet, m.path.objSets, "obj-1", "object obj-1 is not defined"},
		{m.groupSet, m.path.grpSets, "og-1", "object-group og-1 is not defined"},
	} {
		s := tc.resolve(strings.Clone(tc.name))
		if len(s.spans) != 0 || len(s.v6) != 0 || !slices.Equal(s.unknown, []string{tc.want}) {
			t.Errorf("%s: got %+v, want only %q", tc.name, *s, tc.want)
		}
		if tc.resolve(tc.name) != s || tc.sets[tc.name] != s || len(tc.sets) != 1 {
			t.Errorf("%s: not resolved once, under its name: %v", tc.name, tc.sets)
		}
	}
	g := m.groupSet("G")
	if !slices.Equal(g.unknown, []string{"object-group NOPE is not defined"}) || g.spans.String() != "10.0.0.1" {
		t.Errorf("G: got %+v", *g)
	}
}

// The summaries the parse keeps of plain network objects and object-groups only spare
// reading their lines again: every path is what reading the lines gives.
func TestSummariesKeepPaths(t *testing.T) {
	sameWithout(t, rand.New(rand.NewPCG(11, 12)), []string{"udp/5060", "tcp/5060"}, &summaries, "with the summaries", "reading the lines")
}

// A drop that many conditional entries above it could prevent names the first ten and
// counts the rest: the steps list each, the denial's text stays short.
func TestDependsOnBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(base)
	for k := range 25 {
		fmt.Fprintf(&b, "access-list in extended permit udp object-group G%d host 204.11.192.22 eq 5060\n", k)
	}
	b.WriteString("access-group in in interface inside\n")
	p := model(t, b.String()).Path(flow("10.200.41.0/24", "204.11.192.22", "udp/5060"))
	if len(p.Denied) != 1 {
		t.Fatalf("denials %+v", p.Denied)
	}
	d := p.Denied[0].Depends
	if n := strings.Count(d, "object-group G"); n != 10 || !strings.HasSuffix(d, ", or one of 15 more entries above it applies under a condition") {
		t.Errorf("%d entries named in %q", n, d)
	}
	conds := 0
	for _, s := range p.Steps {
		if s.Phase == "ACCESS-LIST" && s.Result == Info {
			conds++
		}
	}
	if conds != 25 {
		t.Errorf("%d conditional steps, want 25", conds)
	}
}

// The addresses a check says it will look up (Expect) are routed in one pass over the
// routes, as the table and its index route them: the same route, interface, gateway and
// line for every address, expected or not, whatever the routes (shared and nested
// prefixes, distances, names, IPv6, lines only the grammar reads).
func TestExpectedRoutes(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	ifaces := []string{"inside", "outside", "dmz"}
	addr := func() netip.Addr {
		return netip.AddrFrom4([4]byte{10, byte(r.IntN(2)), byte(r.IntN(4)), byte(r.IntN(256))})
	}
	for round := range 60 {
		var b strings.Builder
		b.WriteString("hostname fw\nnames\nname 10.1.0.0 net-b\n")
		for k, name := range ifaces {
			fmt.Fprintf(&b, "interface GigabitEthernet0/%d\n nameif %s\n security-level %d\n ip address 192.168.%d.1 255.255.255.0\n", k, name, 50*k, k)
		}
		for range 1 + r.IntN(60) {
			bits := []int{0, 8, 16, 22, 24, 30, 32}[r.IntN(7)]
			p := netip.PrefixFrom(addr(), bits).Masked()
			mask := net.CIDRMask(bits, 32)
			network := p.Addr().String()
			if p.Addr() == netip.MustParseAddr("10.1.0.0") && r.IntN(2) == 0 {
				network = "net-b" // a name: read by the grammar, not the sketch
			}
			gw := fmt.Sprintf("192.168.%d.%d", r.IntN(3), 2+r.IntN(200))
			fmt.Fprintf(&b, "route %s %s %d.%d.%d.%d %s", ifaces[r.IntN(3)], network, mask[0], mask[1], mask[2], mask[3], gw)
			if r.IntN(2) == 0 {
				fmt.Fprintf(&b, " %d", 1+r.IntN(3))
			}
			b.WriteString("\n")
		}
		if r.IntN(3) == 0 {
			b.WriteString("ipv6 route outside ::/0 2001:db8::1\n")
		}
		src := b.String()
		var asked []netip.Addr
		for range 12 {
			asked = append(asked, addr())
		}
		plain, expecting := model(t, src), model(t, src)
		plain.initPath()
		expecting.Expect(asked[:6])
		for _, a := range asked {
			want, wantOK := plain.lookup(a)
			got, gotOK := expecting.lookup(a)
			if got != want || gotOK != wantOK {
				t.Fatalf("round %d: %s routes to %+v %v, want %+v %v\n%s", round, a, got, gotOK, want, wantOK, src)
			}
		}
	}
}
