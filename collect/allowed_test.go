package collect

import (
	"errors"
	"strings"
	"testing"
)

func TestAllowed(t *testing.T) {
	ok := []string{
		"",
		"show version",
		"show running-config",
		"SHOW Running-Config",
		"  show   running-config  ",
		"show running-config all",
		"show run | include sip",
		"show running-config | begin policy-map",
		"show running-config | exclude ^!",
		"show run | grep -v x",
		"show service-policy inspect sip",
		"show conn count",
		"terminal pager 0",
		"terminal pager lines 0",
		"Terminal Pager 0",
		"enable",
		"changeto system",
		"changeto context admin",
		"changeto context ctx-1.a",
		"show running-config all timeout",
		"show capture sip dump",
		"packet-tracer input inside udp 10.200.41.10 5060 204.11.192.22 5060",
		"packet-tracer input phones tcp 10.200.41.10 5060 204.11.192.22 5060 detailed",
		"packet-tracer input outside udp 204.11.192.22 5080 10.200.41.10 5080 xml",
		"packet-tracer input inside udp 10.200.41.10 5060 204.11.192.22 5060 detailed xml",
		"PACKET-TRACER INPUT inside UDP 2001:db8::10 5060 2001:db8:1::10 5060",
	}
	for _, c := range ok {
		if err := Allowed(c); err != nil {
			t.Errorf("Allowed(%q) = %v, want nil", c, err)
		}
	}
	bad := []string{
		"show capture",
		"show capture sip",
		"show capture sip dump | redirect disk0:/x",
		"show capture sip detail",
		"show capture sip dump extra",
		"show capture s;ip dump",
		"packet-tracer",
		"packet-tracer input inside udp 10.200.41.10 5060 204.11.192.22",
		"packet-tracer input inside udp 10.200.41.10 5060 204.11.192.22 5060 extra",
		"packet-tracer input inside udp 10.200.41.10 5060 204.11.192.22 5060 xml detailed",
		"packet-tracer input inside udp 10.200.41.10 5060 204.11.192.22 5060 detailed detailed",
		"packet-tracer input inside udp 10.200.41.10 5060 204.11.192.22 5060;write memory",
		"packet-tracer input inside udp 10.200.41.10 5060 204.11.192.22 5060 ; write memory",
		"packet-tracer input inside udp 10.200.41.10 5060 204.11.192.22 5060\nwrite memory",
		"packet-tracer input inside udp 10.200.41.10 5060 204.11.192.22 5060 | redirect disk0:/x",
		"packet-tracer input inside icmp 10.200.41.10 8 0 204.11.192.22",
		"packet-tracer input inside sctp 10.200.41.10 5060 204.11.192.22 5060",
		"packet-tracer input inside rawip 10.200.41.10 17 204.11.192.22",
		"packet-tracer input inside udp sip.example.com 5060 204.11.192.22 5060",
		"packet-tracer input inside udp 10.200.41.10 5060 fqdn sip.example.com 5060",
		"packet-tracer input inside udp 10.200.41.10 sip 204.11.192.22 5060",
		"packet-tracer input inside udp 10.200.41.10 0 204.11.192.22 5060",
		"packet-tracer input inside udp 10.200.41.10 05060 204.11.192.22 5060",
		"packet-tracer input inside udp 10.200.41.10 70000 204.11.192.22 5060",
		"packet-tracer input inside udp 010.200.41.10 5060 204.11.192.22 5060",
		"packet-tracer input inside udp fe80::1%inside 5060 204.11.192.22 5060",
		"packet-tracer input inside udp user alice 5060 204.11.192.22 5060",
		"packet-tracer input inside pcap disk0:/x.pcap",
		"packet-tracer input pcap udp 10.200.41.10 5060 204.11.192.22 5060",
		"packet-tracer input inside vlan-id 10 udp 10.200.41.10 5060 204.11.192.22",
		"packet-tracer output inside udp 10.200.41.10 5060 204.11.192.22 5060",
		"packet-tracer input in;side udp 10.200.41.10 5060 204.11.192.22 5060",
		"packet input inside udp 10.200.41.10 5060 204.11.192.22 5060",
		"packet-trace input inside udp 10.200.41.10 5060 204.11.192.22 5060",
		"configure terminal",
		"conf t",
		"copy running-config startup-config",
		"write memory",
		"write erase",
		"reload",
		"clear configure all",
		"terminal width 511",
		"terminal pager 24",
		"terminal pager lines 24",
		"terminal monitor",
		"enable 15",
		"enable password foo",
		"disable",
		"exit",
		"logout",
		"show",
		"show |include x",
		"sh run",
		"sho version",
		"show run | redirect disk0:/x.txt",
		"show run | append disk0:/x.txt",
		"show run | tee disk0:/x.txt",
		"show run | include",
		"show run |",
		"show version\nconfigure terminal",
		"show version\rreload",
		"show version\x1a",
		"show version\x00",
		"show vérsion",
		"changeto context",
		"changeto context a b",
		"changeto context ../x",
		"changeto",
		"more system:running-config",
		"debug sip",
		"no terminal pager",
		"show " + strings.Repeat("x", 600),
	}
	for _, c := range bad {
		err := Allowed(c)
		if err == nil {
			t.Errorf("Allowed(%q) = nil, want refusal", c)
			continue
		}
		if !errors.Is(err, ErrNotAllowed) {
			t.Errorf("Allowed(%q) = %v, not wrapping ErrNotAllowed", c, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("Allowed(%q): error is not one line: %q", c, err)
		}
	}
}

func TestAllowedAbbreviationHint(t *testing.T) {
	err := Allowed("sh run")
	if err == nil || !strings.Contains(err.Error(), "in full") {
		t.Fatalf("Allowed(sh run) = %v, want a hint to write show in full", err)
	}
}
