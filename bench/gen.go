// Package bench generates large, realistic Cisco ASA configurations and holds the
// benchmarks of the parser and of a whole check run over them.
package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"strconv"

	"github.com/asaaudit/asaaudit/rules"
)

// Shares of the body (the lines between the interfaces and the timeouts, and between the
// timeouts and the MPF section) taken by each section, in file order; the access-lists take
// what is left. They follow the proportions of large enterprise and data-centre ASAs, where
// access-lists and objects dominate and the MPF section is a few dozen lines.
var shares = []struct {
	name  string
	share float64
	emit  func(*gen, int) // emit writes one item of at most max lines
}{
	{"names", 0.01, (*gen).name},
	{"objects", 0.14, (*gen).object},
	{"object-groups", 0.16, (*gen).objectGroup},
	{"access-lists", 0, (*gen).accessList},
	{"nat", 0.05, (*gen).nat},
	{"routes", 0.05, (*gen).route},
	{"vpn", 0.04, (*gen).vpn},
}

// Write writes a configuration of n lines (at least the fixed header, interfaces, MPF
// section and trailer, about 200 lines) to w. The same n and seed always give the same
// bytes. It returns the number of lines and bytes written.
func Write(w io.Writer, n int, seed uint64) (lines int, size int64, err error) {
	g := &gen{r: rand.New(rand.NewPCG(seed, 0x5eed)), w: bufio.NewWriterSize(w, 256<<10)}
	g.ifaces = 6 + n/25000

	// The timeouts and the MPF section are fixed text whose length is known before the
	// body is sized; they are rendered first, into buffers, with their own random stream.
	var midBuf, endBuf bytes.Buffer
	mid := &gen{r: rand.New(rand.NewPCG(seed, 0x7173)), w: bufio.NewWriter(&midBuf), ifaces: g.ifaces}
	mid.timeouts()
	midLines := mid.lines
	mid.lines = 0
	mid.w.Flush()
	mid.w.Reset(&endBuf)
	mid.mpf(1 + n/100000)
	mid.trailer()
	endLines := mid.lines
	mid.w.Flush()

	g.header()
	g.interfaces()
	g.misc()
	body := n - g.lines - midLines - endLines
	budget := make([]int, len(shares))
	rest := body
	for i, s := range shares {
		budget[i] = int(float64(body) * s.share)
		rest -= budget[i]
	}
	for i, s := range shares {
		if s.share == 0 {
			budget[i] = rest
		}
		if s.name == "vpn" {
			g.w.Write(midBuf.Bytes())
			g.lines += midLines
		}
		for stop := g.lines + budget[i]; g.lines < stop; {
			s.emit(g, stop-g.lines)
		}
	}
	g.w.Write(endBuf.Bytes())
	g.lines += endLines
	if err := g.w.Flush(); err != nil {
		return 0, 0, err
	}
	return g.lines, g.size + int64(midBuf.Len()+endBuf.Len()), nil
}

// Paths are the clients and provider the benchmarks with the path rules use: the inside
// zone's subnet, and a provider reached by the default route through outside.
var Paths = rules.Options{
	Clients:   []netip.Prefix{netip.MustParsePrefix("172.16.0.0/24")},
	Providers: []netip.Addr{netip.MustParseAddr("203.0.113.10")},
}

// WriteFile writes a configuration of n lines to path; see Write.
func WriteFile(path string, n int, seed uint64) (lines int, size int64, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, 0, err
	}
	lines, size, err = Write(f, n, seed)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, 0, fmt.Errorf("write %s: %w", path, err)
	}
	return lines, size, nil
}

type gen struct {
	r      *rand.Rand
	w      *bufio.Writer
	b      []byte
	lines  int
	size   int64
	ifaces int
	// Counters that make object names unique and let later lines refer to earlier objects.
	objects, groups, services int
	// netObjects are the ids of the network objects (an id can also be a service object
	// or a name): a reference names one of them, as the ASA refuses a line that names an
	// object or object-group it does not have.
	netObjects []int
	// aclTotal is the length of the access-lists section (accessList).
	aclTotal int
}

// objName and groupName are the names of network object and network object-group id:
// each id has one name, so that every reference finds what it names.
func objName(id int) string   { return "obj-" + words[id%len(words)] + "-" + strconv.Itoa(id) }
func groupName(id int) string { return "og-" + words[id%len(words)] + "-" + strconv.Itoa(id) }

// anyObject and anyGroup name a network object and a network object-group defined above.
func (g *gen) anyObject() string { return objName(g.netObjects[g.r.IntN(len(g.netObjects))]) }
func (g *gen) anyGroup() string  { return groupName(1 + g.r.IntN(g.groups)) }

// line writes the parts as one line.
func (g *gen) line(parts ...any) {
	g.b = g.b[:0]
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			g.b = append(g.b, v...)
		case int:
			g.b = strconv.AppendInt(g.b, int64(v), 10)
		case ip:
			g.b = v.append(g.b)
		}
	}
	g.b = append(g.b, '\n')
	g.w.Write(g.b)
	g.lines++
	g.size += int64(len(g.b))
}

// ip is an IPv4 address.
type ip uint32

func (a ip) append(b []byte) []byte {
	for i := 3; i >= 0; i-- {
		b = strconv.AppendInt(b, int64(a>>(8*i)&0xff), 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	return b
}

func (g *gen) host() ip { return ip(10<<24 | g.r.Uint32N(1<<24)) }

func (g *gen) subnet() (ip, ip) {
	bits := 16 + g.r.IntN(13)
	mask := ip(^uint32(0) << (32 - bits))
	return g.host() & mask, mask
}

var (
	zones    = []string{"inside", "outside", "dmz", "mgmt", "voice", "partner", "guest", "dc"}
	services = []string{"https", "www", "ssh", "domain", "smtp", "ldaps", "ntp", "sip", "3389", "8443", "1433", "5060", "10000"}
	protos   = []string{"tcp", "tcp", "tcp", "udp", "ip", "icmp"}
	words    = []string{"web", "db", "app", "voip", "sbc", "pbx", "dns", "mail", "vpn", "backup", "print", "erp", "crm", "ad", "ntp", "jump"}
)

func pick[T any](g *gen, s []T) T { return s[g.r.IntN(len(s))] }

func (g *gen) header() {
	g.line(": Saved")
	g.line(":")
	g.line(": Serial Number: FCH2", 1000+g.r.IntN(9000), "V0X")
	g.line(": Hardware:   ASA5555, 16384 MB RAM, CPU Lynnfield 2800 MHz, 1 CPU (8 cores)")
	g.line(":")
	g.line("ASA Version 9.12(4)56")
	g.line("!")
	g.line("hostname dc-fw01")
	g.line("domain-name example.net")
	g.line("enable password ***** pbkdf2")
	g.line("passwd ***** encrypted")
	g.line("names")
	g.line("no mac-address auto")
	g.line("!")
}

func (g *gen) interfaces() {
	for i := 0; i < 4; i++ {
		g.line("interface GigabitEthernet0/", i)
		g.line(" channel-group 1 mode active")
		g.line(" no nameif")
		g.line(" no security-level")
		g.line(" no ip address")
		g.line("!")
	}
	g.line("interface Management0/0")
	g.line(" management-only")
	g.line(" nameif mgmt")
	g.line(" security-level 100")
	g.line(" ip address 192.168.255.1 255.255.255.0")
	g.line("!")
	for i := 0; i < g.ifaces; i++ {
		vlan := 100 + i
		g.line("interface Port-channel1.", vlan)
		g.line(" description ", pick(g, words), "-segment-", vlan)
		g.line(" vlan ", vlan)
		if i < len(zones) {
			g.line(" nameif ", zones[i])
		} else {
			g.line(" nameif vlan", vlan)
		}
		g.line(" security-level ", g.r.IntN(101))
		g.line(" ip address ", ip(172<<24|16<<16|uint32(i)<<8|1), " 255.255.255.0 standby ", ip(172<<24|16<<16|uint32(i)<<8|2))
		g.line("!")
	}
}

func (g *gen) misc() {
	g.line("ftp mode passive")
	g.line("clock timezone CET 1")
	g.line("clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00")
	g.line("dns domain-lookup mgmt")
	g.line("dns server-group DefaultDNS")
	g.line(" name-server 10.0.0.53")
	g.line(" domain-name example.net")
	g.line("same-security-traffic permit inter-interface")
	g.line("same-security-traffic permit intra-interface")
}

func (g *gen) name(int) {
	g.line("name ", g.host(), " ", pick(g, words), "-", g.r.IntN(100000), " description ", pick(g, words), " server")
}

func (g *gen) object(max int) {
	g.objects++
	id := g.objects
	if max < 2 || g.r.IntN(10) == 0 {
		if max >= 2 {
			g.line("object service svc-", id)
			g.line(" service ", pick(g, []string{"tcp", "udp"}), " destination eq ", 1024+g.r.IntN(60000))
			return
		}
		g.line("name ", g.host(), " host-", id)
		return
	}
	g.netObjects = append(g.netObjects, id)
	g.line("object network ", objName(id))
	switch g.r.IntN(4) {
	case 0, 1:
		g.line(" host ", g.host())
	case 2:
		a, m := g.subnet()
		g.line(" subnet ", a, " ", m)
	default:
		a := g.host()
		g.line(" range ", a, " ", a+ip(1+g.r.IntN(200)))
	}
	if max >= 3 && g.r.IntN(3) == 0 {
		g.line(" description ", pick(g, words), " ", pick(g, words), " ticket CHG", g.r.IntN(1000000))
	}
}

func (g *gen) objectGroup(max int) {
	if max < 2 {
		g.line("access-list global_access remark object-group section")
		return
	}
	n := min(1+g.r.IntN(20), max-1)
	switch g.r.IntN(4) {
	case 0:
		g.services++
		g.line("object-group service og-svc-", g.services, " tcp")
		for range n {
			if g.r.IntN(3) == 0 {
				p := 1024 + g.r.IntN(60000)
				g.line(" port-object range ", p, " ", p+g.r.IntN(100))
			} else {
				g.line(" port-object eq ", pick(g, services))
			}
		}
	default:
		g.groups++
		g.line("object-group network ", groupName(g.groups))
		for i := range n {
			switch {
			case i == 0 && n > 2:
				g.line(" description ", pick(g, words), " servers")
			case len(g.netObjects) > 0 && g.r.IntN(3) == 0:
				g.line(" network-object object ", g.anyObject())
			case g.groups > 1 && g.r.IntN(8) == 0:
				g.line(" group-object ", groupName(1+g.r.IntN(g.groups-1)))
			case g.r.IntN(2) == 0:
				g.line(" network-object host ", g.host())
			default:
				a, m := g.subnet()
				g.line(" network-object ", a, " ", m)
			}
		}
	}
}

// accessList writes one line of the access-lists section, max lines before its end. The
// section holds one list per zone, each whole in turn, as show running-config prints
// them (the ASA keeps each list's entries together, in order): a path evaluation then
// reads the lines of the lists it walks, not of all eight interleaved.
func (g *gen) accessList(max int) {
	if g.aclTotal == 0 {
		g.aclTotal = max
	}
	acl := zones[(g.aclTotal-max)*len(zones)/g.aclTotal] + "_access_in"
	switch k := g.r.IntN(20); {
	case k == 0:
		g.line("access-list ", acl, " remark CHG", g.r.IntN(1000000), " ", pick(g, words), " to ", pick(g, words))
	case k < 8 && g.groups > 0:
		g.line("access-list ", acl, " extended permit ", g.service(" object-group ", g.anyGroup(), " object-group ", g.anyGroup()), " log")
	case k < 14 && len(g.netObjects) > 0:
		g.line("access-list ", acl, " extended permit ", g.service(" object ", g.anyObject(), " host ", string(g.host().append(nil))))
	case k < 17:
		a, m := g.subnet()
		g.line("access-list ", acl, " extended permit udp ", a, " ", m, " host ", g.host(), " range ", 16384, " ", 32767)
	default:
		g.line("access-list ", acl, " extended deny ip host ", g.host(), " any4 log disable")
	}
}

// service writes a protocol, the source and destination arguments, and a destination
// port where the protocol has ports (the ASA refuses "eq" after ip or icmp).
func (g *gen) service(src, srcName, dst, dstName string) string {
	g.b = g.b[:0]
	p := pick(g, protos)
	g.b = append(append(append(append(append(g.b, p...), src...), srcName...), dst...), dstName...)
	if p == "tcp" || p == "udp" {
		g.b = append(append(g.b, " eq "...), pick(g, services)...)
	}
	return string(g.b)
}

func (g *gen) nat(max int) {
	if max >= 2 && len(g.netObjects) > 0 && g.r.IntN(3) == 0 {
		g.line("object network ", g.anyObject())
		g.line(" nat (", pick(g, zones), ",outside) static ", g.host(), " service tcp ", pick(g, services), " ", pick(g, services))
		return
	}
	src, dst := pick(g, zones), pick(g, zones)
	if g.groups > 0 {
		a, b := g.anyGroup(), g.anyGroup()
		g.line("nat (", src, ",", dst, ") source static ", a, " ", a, " destination static ", b, " ", b, " no-proxy-arp route-lookup")
		return
	}
	g.line("nat (", src, ",outside) source dynamic any interface")
}

func (g *gen) route(int) {
	a, m := g.subnet()
	g.line("route ", pick(g, zones), " ", a, " ", m, " ", ip(172<<24|16<<16|uint32(g.r.IntN(g.ifaces))<<8|254), " ", 1+g.r.IntN(10))
}

func (g *gen) vpn(max int) {
	peer := ip(198<<24 | 51<<16 | g.r.Uint32N(1<<16))
	switch {
	case max >= 4 && g.r.IntN(2) == 0:
		g.line("tunnel-group ", peer, " type ipsec-l2l")
		g.line("tunnel-group ", peer, " ipsec-attributes")
		g.line(" ikev2 remote-authentication pre-shared-key *****")
		g.line(" ikev2 local-authentication pre-shared-key *****")
	case max >= 3:
		n := g.r.IntN(1000)
		g.line("crypto map outside_map ", n, " match address outside_cryptomap_", n)
		g.line("crypto map outside_map ", n, " set peer ", peer)
		g.line("crypto map outside_map ", n, " set ikev2 ipsec-proposal AES256-SHA256")
	default:
		g.line("username user", g.r.IntN(100000), " password ***** pbkdf2 privilege 0")
	}
}

func (g *gen) timeouts() {
	g.line("pager lines 24")
	g.line("logging enable")
	g.line("logging timestamp")
	g.line("logging buffered warnings")
	g.line("logging host mgmt 192.168.255.10")
	g.line("mtu mgmt 1500")
	for i := 0; i < min(g.ifaces, len(zones)); i++ {
		g.line("mtu ", zones[i], " 1500")
	}
	g.line("failover")
	g.line("failover lan unit primary")
	g.line("failover lan interface folink GigabitEthernet0/7")
	g.line("icmp unreachable rate-limit 1 burst-size 1")
	g.line("asdm image disk0:/asdm-7181-152.bin")
	g.line("no asdm history enable")
	g.line("arp timeout 14400")
	g.line("no arp permit-nonconnected")
	g.line("route outside 0.0.0.0 0.0.0.0 172.16.1.254 1")
	// SIP from inside: the last entry of its access-list, so that a path evaluation reads
	// the whole list and goes on to NAT and inspection.
	g.line("access-list inside_access_in extended permit udp any any range sip 5061")
	for i := 0; i < min(g.ifaces, len(zones)); i++ {
		g.line("access-group ", zones[i], "_access_in in interface ", zones[i])
	}
	g.line("timeout xlate 3:00:00")
	g.line("timeout pat-xlate 0:00:30")
	g.line("timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 sctp 0:02:00 icmp 0:00:02")
	g.line("timeout sunrpc 0:10:00 h323 0:05:00 h225 1:00:00 mgcp 0:05:00 mgcp-pat 0:05:00")
	g.line("timeout sip 0:30:00 sip_media 0:02:00 sip-invite 0:03:00 sip-disconnect 0:02:00")
	g.line("timeout sip-provisional-media 0:02:00 uauth 0:05:00 absolute")
	g.line("timeout tcp-proxy-reassembly 0:01:00")
	g.line("timeout floating-conn 0:00:00")
	g.line("timeout conn-holddown 0:00:15")
	g.line("timeout igp stale-route 0:01:10")
	g.line("user-identity default-domain LOCAL")
	g.line("aaa authentication ssh console LOCAL")
	g.line("http server enable")
	g.line("http 192.168.255.0 255.255.255.0 mgmt")
	g.line("snmp-server host mgmt 192.168.255.20 community ***** version 2c")
	g.line("crypto ipsec ikev2 ipsec-proposal AES256-SHA256")
	g.line(" protocol esp encryption aes-256")
	g.line(" protocol esp integrity sha-256")
	g.line("crypto ipsec security-association pmtu-aging infinite")
	g.line("crypto ikev2 policy 10")
	g.line(" encryption aes-256")
	g.line(" integrity sha256")
	g.line(" group 14")
	g.line(" prf sha256")
	g.line(" lifetime seconds 86400")
	g.line("crypto ikev2 enable outside")
}

// mpf writes the Modular Policy Framework section: the factory inspection class, voice
// classes (extra of them, for the larger configurations), inspect policy-maps, the global
// policy and an interface policy.
func (g *gen) mpf(extra int) {
	g.line("threat-detection basic-threat")
	g.line("threat-detection statistics access-list")
	g.line("ssl cipher tlsv1.2 high")
	g.line("!")
	g.line("class-map inspection_default")
	g.line(" match default-inspection-traffic")
	g.line("class-map sip-trunk")
	g.line(" description provider SIP trunk")
	g.line(" match port udp eq 5080")
	for i := 0; i < extra; i++ {
		g.line("class-map voice-", i)
		switch i % 3 {
		case 0:
			// Not "match access-list": a class matching an access-list that exists makes
			// the audit read the file twice (and one that does not is REF004); the
			// benchmarks measure the single pass.
			g.line(" match port udp range 16384 ", 16384+i%1000)
		case 1:
			g.line(" match port tcp-udp range sip ", 5061+i%100)
		default:
			g.line(" match dscp ef")
		}
	}
	g.line("class-map type inspect sip match-any sip-block")
	g.line(" match request-method message")
	g.line("!")
	g.line("!")
	g.line("policy-map type inspect dns preset_dns_map")
	g.line(" parameters")
	g.line("  message-length maximum client auto")
	g.line("  message-length maximum 512")
	g.line("  no tcp-inspection")
	g.line("policy-map type inspect sip sip-map")
	g.line(" parameters")
	g.line("  rtp-conformance")
	g.line("  no traffic-non-sip")
	g.line(" class sip-block")
	g.line("  drop-connection log")
	g.line("policy-map global_policy")
	g.line(" class inspection_default")
	for _, p := range []string{"dns preset_dns_map", "ftp", "h323 h225", "h323 ras", "ip-options", "netbios", "rsh", "rtsp", "skinny", "esmtp", "sqlnet", "sunrpc", "tftp", "sip sip-map", "xdmcp"} {
		g.line("  inspect ", p)
	}
	g.line(" class sip-trunk")
	g.line("  inspect sip sip-map")
	g.line("  set connection timeout idle 1:00:00")
	for i := 0; i < extra; i++ {
		g.line(" class voice-", i)
		g.line("  set connection timeout idle 0:", 10+i%50, ":00 dcd 0:00:15 5")
	}
	g.line(" class class-default")
	g.line("  user-statistics accounting")
	g.line("policy-map outside-policy")
	g.line(" class sip-trunk")
	g.line("  inspect sip")
	g.line("!")
	g.line("service-policy global_policy global")
	g.line("service-policy outside-policy interface outside")
}

func (g *gen) trailer() {
	g.line("prompt hostname context")
	g.line("call-home reporting anonymous")
	g.line("call-home")
	g.line(" profile CiscoTAC-1")
	g.line("  no active")
	g.line("  destination address http https://tools.cisco.com/its/service/oddce/services/DDCEService")
	g.line("  destination address email callhome@cisco.com")
	g.line("  destination transport-method http")
	g.line("  subscribe-to-alert-group diagnostic")
	g.line("  subscribe-to-alert-group environment")
	g.line("Cryptochecksum:", fmt.Sprintf("%08x%08x%08x%08x", g.r.Uint32(), g.r.Uint32(), g.r.Uint32(), g.r.Uint32()))
	g.line(": end")
}
