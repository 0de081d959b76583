package parser

import (
	"slices"
	"strings"
	"testing"
)

// submodeOnly is a switch for speed; it must stay the set the vocabulary defines: the
// commands of the audited sub-modes that global configuration does not have.
func TestSubmodeOnly(t *testing.T) {
	var want []string
	for _, m := range []map[string]bool{ClassMapCommands, PolicyMapCommands, InspectPolicyMapCommands, ClassCommands} {
		for w := range m {
			if !IsGlobalCommand(w) && w != "description" && w != "rename" && !slices.Contains(want, w) {
				want = append(want, w)
			}
		}
	}
	for _, w := range want {
		if !submodeOnly(w) {
			t.Errorf("submodeOnly(%q) = false; the vocabulary makes it a sub-mode-only command", w)
		}
	}
	for _, w := range []string{"class", "description", "access-list", "timeout", "flow-export", "nameif"} {
		if submodeOnly(w) {
			t.Errorf("submodeOnly(%q) = true", w)
		}
	}
}

// The depth of each line of a configuration comes from the CLI modes: each case is
// written flat, as a wiki paste has it, with the depth the ASA gives each line (0 global,
// 1 in a block, 2 in a block's sub-mode, x rejected, c control or comment).
func TestModesFlattened(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"object NAT and twice NAT", []string{
			"object network PHONES", "subnet 10.1.1.0 255.255.255.0", "nat (inside,outside) dynamic interface",
			"nat (inside,outside) source static PHONES PHONES", "nat (inside,outside) after-auto 1 source dynamic any interface",
		}, "01100"},
		{"aaa-server and sla monitor timeouts", []string{
			"aaa-server RAD (inside) host 10.1.1.5", "timeout 5", "key *****",
			"sla monitor 10", "type echo protocol ipIcmpEcho 8.8.8.8 interface outside", "timeout 3000", "frequency 10",
			"timeout sip 0:30:00",
		}, "01101110"},
		{"inspect policy-map then layer 3/4", []string{
			"policy-map type inspect dns preset_dns_map", "parameters", "message-length maximum 512", "no tcp-inspection",
			"policy-map global_policy", "class inspection_default", "inspect dns preset_dns_map", "inspect sip",
			"class sip-trunk", "inspect sip", "set connection timeout idle 1:00:00",
			"service-policy global_policy global",
		}, "012201221220"},
		{"interface then global ip and ipv6", []string{
			"interface GigabitEthernet0/0", "nameif outside", "ip address 198.51.100.2 255.255.255.0", "ipv6 enable",
			"ip local pool VPN 10.9.9.1-10.9.9.99", "ipv6 route outside ::/0 2001:db8::1",
		}, "011100"},
		{"group-policy attributes with global words", []string{
			"group-policy GP attributes", "vpn-tunnel-protocol ikev1", "split-tunnel-network-list value SPLIT", "webvpn", "anyconnect keep-installer installed",
			"class-map voice", "match port udp eq 5080", "description the trunk",
		}, "01111011"},
		{"certificate chain", []string{
			"crypto ca certificate chain TP", "certificate 3082", "308203a4 30820...", "quit",
			"access-list OUT extended permit udp any any eq sip",
		}, "01110"},
		{"hierarchical service-policy stays in the class", []string{
			"policy-map parent", "class class-default", "shape average 2000000", "service-policy child",
			"service-policy parent interface outside",
		}, "01220"},
		{"a sub-mode command with no mode to take it is rejected", []string{
			"hostname fw1", "inspect sip", "match port udp eq 5060", "class-map c", "match any", "exit", "match any",
		}, "0xx01cx"},
		{"a command we do not know keeps the lines under it", []string{
			"nolicy-map type inspect dns preset_dns_map", "parameters", "message-length maximum 512",
			"access-list OUT extended permit udp any any eq sip", "inspect sip",
		}, "0110x"},
		{"a # comment leaves the mode as ! does", []string{
			"policy-map global_policy", "class inspection_default", "inspect ftp", "#inspect skinny", "inspect sip",
			"#a note on the next block", "class sip-trunk", "!", "inspect sip",
		}, "012c2c1c2"},
		{"exit and end", []string{
			"policy-map p", "class c", "exit", "class d", "inspect sip", "end", "inspect sip",
		}, "01c12cx"},
		{"system execution space", []string{
			"admin-context admin", "context admin", "allocate-interface GigabitEthernet0/0", "config-url disk0:/admin.cfg",
			"class default", "limit-resource All 0", "failover lan unit primary",
		}, "0011010"},
	}
	code := func(d int) byte {
		switch {
		case d == placeInvalid:
			return 'x'
		case d < 0:
			return 'c'
		}
		return byte('0' + d)
	}
	for _, tt := range tests {
		for _, indented := range []bool{false, true} {
			var m modes
			got := make([]byte, 0, len(tt.lines))
			for _, l := range tt.lines {
				text := []byte(l)
				if indented && tt.want[len(got)] > '0' && tt.want[len(got)] <= '9' {
					// As show running-config prints it: one space per level.
					text = append([]byte(strings.Repeat(" ", int(tt.want[len(got)]-'0'))), text...)
				}
				indent := len(text) - len(strings.TrimLeft(string(text), " "))
				got = append(got, code(m.place(text, indent, firstWord(text[indent:]))))
			}
			if string(got) != tt.want {
				t.Errorf("%s (indented %v): depths %s, want %s", tt.name, indented, got, tt.want)
			}
		}
	}
}

// The fast paths of modes are switches, not the vocabulary's maps; they must agree with
// them: plainGlobal only names global commands that open no sub-mode, and the object
// sub-modes take every command of their vocabulary, flattened or not.
func TestModesFastPathsAgreeWithVocabulary(t *testing.T) {
	every := map[string]bool{}
	for _, m := range []map[string]bool{AuditedGlobalCommands, GlobalCommands, ClassMapCommands, PolicyMapCommands,
		InspectPolicyMapCommands, ClassCommands, interfaceCommands, objectNetworkCommands, objectGroupCommands} {
		for w := range m {
			every[w] = true
		}
	}
	for w := range every {
		if plainGlobal([]byte(w)) && (!IsGlobalCommand(w) || SubModeOpeners[w] || submodeOnly(w)) {
			t.Errorf("plainGlobal(%q): it is not a global command that opens no sub-mode", w)
		}
	}
	for kind, words := range map[frameKind]map[string]bool{frameObjectNetwork: objectNetworkCommands, frameObjectGroup: objectGroupCommands} {
		for w := range words {
			if w == "nat" {
				continue // object NAT is decided by its words (TestModesFlattened)
			}
			var m modes
			m.push(kind, 0)
			args := []byte(w + " x")
			if !m.has(m.stack[0], w, []byte("x"), args, 0) {
				t.Errorf("frame %d does not take %q, a command of its vocabulary", kind, w)
			}
		}
	}
}
