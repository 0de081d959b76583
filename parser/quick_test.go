package parser

import (
	"net/netip"
	"strings"

	"reflect"
	"testing"

	"github.com/alecthomas/participle/v2"
)

type quickCase struct {
	text  string
	quick bool
}

// agree checks that quick reads the lines marked quick as the grammar does, positions
// included, and leaves the others to the grammar.
func agree[T any](t *testing.T, quick func(file string, num int, text string) (*T, bool), g *participle.Parser[T], cases []quickCase) {
	t.Helper()
	for _, tc := range cases {
		got, ok := quick("f.txt", 7, tc.text)
		if ok != tc.quick {
			t.Errorf("%q: quick = %v, want %v", tc.text, ok, tc.quick)
			continue
		}
		if !ok {
			continue
		}
		want, err := parseLine(g, "f.txt", 7, tc.text)
		if err != nil {
			t.Errorf("%q: the grammar rejects a line the quick path reads: %v", tc.text, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\nquick   %#v\ngrammar %#v", tc.text, got, want)
		}
	}
}

func TestQuickName(t *testing.T) {
	agree(t, quickName, loadPathGrammars().name(), []quickCase{
		{"name 10.1.1.1 pbx", true},
		{"name 10.71.212.63 pbx-83450 description ad server", true},
		{"name  10.1.1.1\tpbx  description  a 12:00:00 b", true},
		{"name 2001:db8::1 v6host description x", true},
		{"name 10.1.1.1 description description x", true},
		{"name 10.1.1.1 pbx description", false},
		{"name 10.1.1.1 pbx description 1 2 3 4 5 6 7 8 9 10 11 12 13", false}, // more words than a quick reader reads
		{"name 10.1.1.1 pbx description 1 2 3 4 5 6 7 8 9 10 11 12", true},
		{"name 10.1.1.1 pbx extra", false},
		{"name 10.1.1.1", false},
		{"name 12:00:00 pbx", false},
		{"names", false},
	})
}

func TestQuickObjectHeader(t *testing.T) {
	agree(t, quickObjectHeader, loadPathGrammars().objectHeader(), []quickCase{
		{"object network obj-sbc-1", true},
		{"object service 42", true},
		{"object network", false},
		{"object 42 x", false},
		{"object network a b", false},
	})
}

func TestQuickGroupHeader(t *testing.T) {
	agree(t, quickGroupHeader, loadPathGrammars().groupHeader(), []quickCase{
		{"object-group network og-voip-1", true},
		{"object-group service og-svc-1 tcp", true},
		{"object-group service og-svc-1 tcp-udp", true},
		{"object-group service og-svc-1 udp", true},
		{"object-group service og-svc-1 sctp", false},
		{"object-group network", false},
		{"object-group 7 x", false},
	})
}

func TestQuickInterfaceChild(t *testing.T) {
	agree(t, quickInterfaceChild, loadPathGrammars().interfaceChild(), []quickCase{
		{" nameif outside", true},
		{" nameif 1", true},
		{"\tnameif  inside", true},
		{" nameif", false},
		{" nameif a b", false},
		{" nameif 12:00:00", false},
		{" security-level 100", true},
		{" security-level 0", true},
		{" security-level 50", true},
		{" security-level 007", false}, // the grammar's conversion decides
		{" security-level 1000", false},
		{" security-level high", false},
		{" security-level", false},
		{" security-level 1 2", false},
		{" ip address 10.1.1.1 255.255.255.0", true},
		{" ip address 10.1.1.1 255.255.255.0 standby 10.1.1.2", true},
		{" ip address inside-net 255.255.255.0", true},
		{" ip address 2001:db8::1/64", false},
		{" ip address 10.1.1.1 255.255.255.0 standby", false},
		{" ip address 10.1.1.1 255.255.255.0 other 10.1.1.2", false},
		{" ip address dhcp setroute", false},
		{" ip address pppoe setroute", false},
		{" ip address dhcp", false},
		{" ip addr 10.1.1.1 255.255.255.0", false},
		{" ip address 10.1.1.1 12:00:00", false},
		{" ip verify reverse-path", false},
		{" ip", false},
		{" no nameif", true},
		{" no security-level", true},
		{" no ip address", true},
		{" shutdown", true},
		{" description uplink to core at 12:00:00", true},
		{" channel-group 1 mode active", true},
		{" vlan 10", true},
		{" 12:00:00 x", true},
		{" ipv6 address 2001:db8::1/64", true},
		{" description 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", false}, // more words than a quick reader reads
	})
}

func TestQuickObjectChild(t *testing.T) {
	agree(t, quickObjectChild, loadPathGrammars().objectChild(), []quickCase{
		{" host 10.17.244.148", true},
		{" host 192.168.1.25 255.255.255.0", true},
		{" host phone-proxy", true},
		{" subnet 10.1.0.0 255.255.0.0", true},
		{" subnet 2001:db8::/32", true},
		{" range 10.250.223.4 10.250.223.99", true},
		{" description print web ticket CHG142412", true},
		{" description at 12:00:00 daily", true},
		{" description", false},
		{" range 10.1.1.1", false},
		{" host", false},
		{" host 10.1.1.1 255.0.0.0 x", false},
		{" subnet 10.1.1.0 01:02:03", false},
		{" fqdn v4 sip.example.net", false},
		{" service udp destination eq 5060", false},
	})
}

func TestQuickGroupChildPorts(t *testing.T) {
	agree(t, quickGroupChild, loadPathGrammars().groupChild(), []quickCase{
		{" port-object eq 5060", true},
		{" port-object eq sip", true},
		{" port-object neq 80", true},
		{" port-object lt 1024", true},
		{" port-object gt 1023", true},
		{" port-object range 56657 56681", true},
		{" description voip ntp ticket CHG395164", true},
		{" description", false},
		{" port-object eq", false},
		{" port-object range 1", false},
		{" port-object eq 1 2", false},
		{" port-object le 5", false},
	})
}

func TestQuickObjectNAT(t *testing.T) {
	agree(t, quickObjectNAT, loadPathGrammars().objectNAT(), []quickCase{
		{" nat (partner,outside) static 10.218.49.170 service tcp 3389 5060", true},
		{" nat (inside,outside) static 10.105.238.130 service tcp smtp 8443", true},
		{" nat (inside,outside) static 10.105.238.130 service udp sip sip dns no-proxy-arp route-lookup", true},
		{" nat (inside,outside) dynamic interface", true},
		{" nat (inside,outside) dynamic interface ipv6", true},
		{" nat (any,outside) dynamic pat-pool POOL round-robin extended flat include-reserve block-allocation", true},
		{" nat (inside,outside) static OBJ-MAPPED unidirectional inactive", true},
		{" nat (inside,outside) static 10.1.1.1 description web server 12:00:00", true},
		{" nat (dmz) static 10.1.1.1", true},
		{" nat (inside,outside) static 10.1.1.1 description", false},
		{" nat (inside,outside) static 10.1.1.1 service svc-a svc-b", false},
		{" nat (inside,outside) static 10.1.1.1 service tcp 80", false},
		{" nat (inside,outside) static 10.1.1.1 bogus", false},
		{" nat (inside,outside) dynamic pat-pool", false},
		{" nat (inside,outside) translate 10.1.1.1", false},
		{" nat inside,outside static 10.1.1.1", false},
		{" nat (inside,outside) static", false},
		{" nat (inside,outside) static 01:02:03", false},
		{" nat (inside,outside) dynamic pat-pool 01:02:03", false},
		{" nat (inside,outside) static 10.1.1.1 service tcp 01:02:03 80", false},
		{" nat (inside,outside) static 10.1.1.1 service tcp 80 01:02:03", false},
		{" nat (inside,outside) static 10.1.1.1 dns 01:02:03", false},
		{" nat (inside,outside) dynamic pat-pool description dns", true},
	})
}

func TestQuickTwiceNAT(t *testing.T) {
	agree(t, quickTwiceNAT, loadPathGrammars().natLine(), []quickCase{
		{"nat (dmz,dc) source static og-sbc-7249 og-dns-7249 destination static og-web-7249 og-print-7249 no-proxy-arp route-lookup", true},
		{"nat (inside,outside) source dynamic any 198.51.100.10", true},
		{"nat (inside,outside) source static OBJ OBJ destination static GP GP", true},
		{"nat (inside,outside) source static OBJ OBJ service tcp 5060 5080 unidirectional", true},
		{"nat (inside,outside) source static OBJ OBJ inactive description a 12:00:00", true},
		{"nat source static any any", true},
		{"nat (inside,outside) source dynamic any interface", false},
		{"nat (inside,outside) source dynamic any pat-pool P", false},
		{"nat (inside,outside) after-auto source dynamic any 198.51.100.10", false},
		{"nat (inside,outside) 1 source static any any", false},
		{"nat (inside,outside) source static any any destination dynamic A B", false},
		{"nat (inside,outside) source static any any destination static A", false},
		{"nat (inside,outside) source static any any service svc-a svc-b", false},
		{"nat (inside,outside) source static any 01:02:03", false},
		{"nat (inside) 1 10.1.1.0 255.255.255.0", false},
		{"nat (a,b,c) source static any any", false},
		{"nat bogus source static any any", false},
	})
}

// sketchName reads a name line only as quickName and the check of its address read it.
func TestSketchName(t *testing.T) {
	lines := []string{
		"name 10.1.1.1 srv", "name 10.1.1.1\tsrv", "name  10.1.1.1 srv  ", "name 10.1.1.1 123", "name 10.1.1.1 12:34:56",
		"name 010.1.1.1 srv", "name 10.1.1 srv", "name 10.1.1.256 srv", "name 2001:db8::1 v6", "name 10.1.1.1 srv description web",
		"name 10.1.1.1", "name srv 10.1.1.1", "names 10.1.1.1 srv", "name 1.2.3.4.5 x", "name 10.1.1.1 a,b", "name 0.0.0.0 zero",
		"name 10.1.1.1 srv description", "name 10.1.1.1 srv description ad server 12:00:00 \"quoted\" (x)", "name 10.1.1.1 srv remark x",
		"name 10.1.1.1 srv description " + strings.Repeat("w ", 200),
	}
	for _, line := range lines {
		ip, name, ok := sketchName([]byte(line))
		n, quick := quickName("t", 1, line)
		if !ok {
			continue
		}
		if !quick {
			// A long description is the grammar's.
			x, err := parseLine(loadPathGrammars().name(), "t", 1, line)
			if err != nil {
				t.Errorf("%q: sketched, but neither quickName nor the grammar reads it: %v", line, err)
				continue
			}
			n = x
		}
		want, err := netip.ParseAddr(n.Address.Raw)
		if err != nil || ip != want || string(name) != n.Name {
			t.Errorf("%q: sketched %s %q, quickName %s %q (%v)", line, ip, name, want, n.Name, err)
		}
	}
	for line, want := range map[string]bool{"name 10.1.1.1 srv": true, "name 10.1.1.1 srv description web": true, "name 10.1.1.1 srv remark x": false, "name 2001:db8::1 v6": false, "name 010.1.1.1 srv": false} {
		if _, _, ok := sketchName([]byte(line)); ok != want {
			t.Errorf("%q: sketched %v, want %v", line, ok, want)
		}
	}
}
