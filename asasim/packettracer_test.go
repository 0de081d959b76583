package asasim

import (
	"strings"
	"testing"
)

// packet-tracer from fixtures keyed by the command, the emulator's no-route answer
// (text and xml) for a well-formed command without one, the caret error for a malformed
// one; command authorization; and the outputs derived from the device: every timeout with
// its default, and "show service-policy inspect sip".
func TestPacketTracerAndDerived(t *testing.T) {
	t.Parallel()
	const fixture = "Phase: 1\nType: ROUTE-LOOKUP\nSubtype: input\nResult: ALLOW\nConfig:\nAdditional Information:\nin   0.0.0.0 0.0.0.0 outside\n\nResult:\ninput-interface: inside\noutput-interface: outside\nAction: allow\n"
	const policies = "\nGlobal policy:\n  Service-policy: global_policy\n    Class-map: inspection_default\n      Inspect: dns preset_dns_map, packet 10, lock fail 0, drop 0, reset-drop 0\n        dns-guard, count 5\n      Inspect: sip , packet 120, lock fail 0, drop 3, reset-drop 0\n        tcp-proxy: bytes in buffer 0, bytes dropped 0\n      Inspect: ftp, packet 0, lock fail 0, drop 0, reset-drop 0\n"
	srv := startServer(t, func(o *Options) {
		o.Device.Config = strings.Replace(testConfig(), ": end\n", "timeout conn 1:00:00 half-closed 0:10:00 udp 0:01:00 icmp 0:00:02\n: end\n", 1)
		o.Device.Outputs = map[string]string{
			"packet-tracer input inside udp 10.1.1.10 5060 198.51.100.7 5060": fixture,
			"show service-policy": policies,
		}
		o.Device.Unauthorized = []string{"packet-tracer input dmz"}
	})
	invalid := "ERROR: % Invalid input detected at '^' marker.\r\n"
	tests := []struct{ cmd, want string }{
		{"packet-tracer input inside udp 10.1.1.10 5060 198.51.100.7 5060", crlf(fixture)},
		{"packet-tracer input inside udp 10.1.1.11 5060 198.51.100.7 5060", crlf("\nPhase: 1\nType: ROUTE-LOOKUP\nSubtype: Resolve Egress Interface\nResult: DROP\nConfig:\nAdditional Information:\nno route to host\n\nResult:\ninput-interface: inside\ninput-status: up\ninput-line-status: up\nAction: drop\nDrop-reason: (no-route) No route to host\n")},
		{"packet-tracer input inside tcp 10.1.1.11 5060 198.51.100.7 5060 detailed xml", "<Phase>\r\n<id>1</id>\r\n<type>ROUTE-LOOKUP</type>"},
		{"packet-tracer input inside icmp 10.1.1.11 8 0 198.51.100.7", strings.Repeat(" ", 29) + "^\r\n" + invalid},
		{"packet-tracer input inside udp 10.1.1.11 5060 198.51.100.7 5060 bogus", strings.Repeat(" ", 69) + "^\r\n" + invalid},
		{"packet-tracer input dmz udp 10.1.1.11 5060 198.51.100.7 5060", "Command authorization failed\r\n"},
		{"show running-config all timeout", "timeout conn 1:00:00 half-closed 0:10:00 udp 0:01:00 sctp 0:02:00 icmp 0:00:02\r\ntimeout sunrpc"},
		{"show service-policy inspect sip", crlf("\nGlobal policy:\n  Service-policy: global_policy\n    Class-map: inspection_default\n      Inspect: sip , packet 120, lock fail 0, drop 3, reset-drop 0\n        tcp-proxy: bytes in buffer 0, bytes dropped 0\n")[2:]},
	}
	tm := mustTerm(t, srv)
	tm.login()
	tm.enable("en-secret")
	tm.cmd("terminal pager 0", "fw1# ")
	for _, tc := range tests {
		got := tm.cmd(tc.cmd, "fw1# ")
		if !strings.HasPrefix(got, tc.want) && !strings.Contains(got, tc.want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.cmd, got, tc.want)
		}
	}
	all := tm.cmd("show running-config all timeout", "fw1# ")
	for _, want := range []string{"timeout xlate 3:00:00\r\n", "timeout sip 0:30:00 sip_media 0:02:00 sip-invite 0:03:00 sip-disconnect 0:02:00\r\n", "uauth 0:05:00 absolute\r\n", "timeout igp stale-route 0:01:10\r\n"} {
		if !strings.Contains(all, want) {
			t.Errorf("show running-config all timeout lacks %q:\n%s", want, all)
		}
	}
	// In user EXEC, packet-tracer does not exist.
	tu := mustTerm(t, srv)
	tu.login()
	if got := tu.cmd("packet-tracer input inside udp 10.1.1.11 5060 198.51.100.7 5060", "fw1> "); !strings.HasSuffix(got, invalid) {
		t.Errorf("user EXEC: %q", got)
	}
}
