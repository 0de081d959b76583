package rules_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/parser"
	"github.com/asaaudit/asaaudit/rules"
)

// sipHead is a firewall with three named interfaces, the phones on voip and the provider
// behind outside's default route.
const sipHead = `ASA Version 9.8(4)
hostname fw
interface g0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.252
interface g1
 nameif voip
 security-level 100
 ip address 10.200.41.1 255.255.255.0
interface g2
 nameif guest
 security-level 10
 ip address 172.16.50.1 255.255.255.0
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
class-map inspection_default
 match default-inspection-traffic
class-map sip
 match port udp eq 5060
class-map all
 match any
`

const (
	globalNoSIP = "policy-map global_policy\n class inspection_default\n  inspect dns\n  inspect ftp\n"
	globalSIP   = "policy-map global_policy\n class inspection_default\n  inspect dns\n  inspect sip\n"
	guestSIP    = "policy-map guest_policy\n class sip\n  inspect sip\nservice-policy global_policy global\nservice-policy guest_policy interface guest\n"
)

func run(t *testing.T, src string, opts rules.Options) []rules.Finding {
	t.Helper()
	cfg, err := parser.ParseWith(strings.NewReader(src), "t.cfg", rules.ParserOptions(opts, nil))
	if err != nil {
		t.Fatal(err)
	}
	return rules.Run(asa.New(cfg), opts, rules.All)
}

func only(fs []rules.Finding, rule string) []rules.Finding {
	var out []rules.Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// SIP001 per interface: an interface policy acts on its own interface only, and there
// takes precedence over the global policy for the inspection feature.
func TestSIP001Interfaces(t *testing.T) {
	udp := []asa.Port{{Proto: "udp", Number: 5060}}
	path := rules.Options{Ports: udp, Clients: []netip.Prefix{netip.MustParsePrefix("10.200.41.0/24")}, Providers: []netip.Addr{netip.MustParseAddr("204.11.192.22")}}
	for _, tc := range []struct {
		name, policies string
		opts           rules.Options
		severity       rules.Severity // 0: no SIP001
		message        []string       // substrings of the message
		fix            []string       // lines the fix must hold
	}{
		{
			name: "inspected only on guest, path unknown", policies: globalNoSIP + guestSIP, opts: rules.Options{Ports: udp},
			severity: rules.Warning, message: []string{"inspected only on guest", "SIP between outside and voip is not inspected"},
			fix: []string{"policy-map global_policy", " class inspection_default", "  inspect sip"},
		},
		{
			name: "inspected only on guest, the path from voip to outside", policies: globalNoSIP + guestSIP, opts: path,
			severity: rules.Error, message: []string{"SIP from 10.200.41.0/24 (voip) to 204.11.192.22 (outside) is not inspected", "inspected only on guest"},
			fix: []string{"  inspect sip"},
		},
		{
			name: "the path crosses the inspecting interface", policies: globalNoSIP + "policy-map out_policy\n class sip\n  inspect sip\nservice-policy global_policy global\nservice-policy out_policy interface outside\n", opts: path,
		},
		{
			name: "global inspect sip, no override", policies: globalSIP + "policy-map out_policy\n class all\n  set connection timeout idle 0:10:00\nservice-policy global_policy global\nservice-policy out_policy interface outside\n", opts: rules.Options{Ports: udp},
		},
		{
			name: "an interface class with another inspection overrides the global inspect sip", policies: globalSIP + "policy-map out_policy\n class all\n  inspect icmp\nservice-policy global_policy global\nservice-policy out_policy interface outside\n", opts: rules.Options{Ports: udp},
			severity: rules.Warning, message: []string{"SIP entering by outside is not inspected"},
			// The SIP class must come before the match-any class that takes the port.
			fix: []string{"policy-map out_policy", " no class all", " class sip-udp-5060", "  inspect sip", " class all", "  inspect icmp"},
		},
		{
			name: "every interface overrides the global inspect sip", policies: globalSIP + "policy-map own\n class all\n  inspect icmp\nservice-policy global_policy global\nservice-policy own interface outside\nservice-policy own interface voip\nservice-policy own interface guest\n", opts: rules.Options{Ports: udp},
			severity: rules.Error, message: []string{"not inspected on any interface", "overridden"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := only(run(t, sipHead+tc.policies, tc.opts), "SIP001")
			if tc.severity == 0 {
				if len(got) > 0 {
					t.Fatalf("want no SIP001, got %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one SIP001, got %+v", got)
			}
			f := got[0]
			if f.Severity != tc.severity {
				t.Errorf("severity %v, want %v: %s", f.Severity, tc.severity, f.Message)
			}
			for _, s := range tc.message {
				if !strings.Contains(f.Message, s) {
					t.Errorf("message %q lacks %q", f.Message, s)
				}
			}
			if len(tc.fix) > 0 && !containsRun(f.Fix, tc.fix) {
				t.Errorf("fix %q lacks %q", f.Fix, tc.fix)
			}
		})
	}
}

// containsRun reports whether lines hold want as consecutive lines.
func containsRun(lines, want []string) bool {
	for i := 0; i+len(want) <= len(lines); i++ {
		if slices.Equal(lines[i:i+len(want)], want) {
			return true
		}
	}
	return false
}

// One root cause, one fix: a SIP class that matches nothing because of a missing
// reference makes SIP001 point where the reference rule points, with its fix.
func TestSIP001RootCause(t *testing.T) {
	p5080 := []asa.Port{{Proto: "udp", Number: 5080}}
	for _, tc := range []struct {
		name, src, ref string
		fix            []string
	}{
		{
			name: "missing access-list with a near name", ref: "REF004",
			src: "access-list sip_provider extended permit udp any any eq 5080\nclass-map prov\n match access-list SIP-PROVIDER\n" + globalSIP + " class prov\n  inspect sip\nservice-policy global_policy global\n",
			fix: []string{"class-map prov", " match access-list sip_provider"},
		},
		{
			name: "missing access-list", ref: "REF004",
			src: "class-map prov\n match access-list prov_acl\n" + globalSIP + " class prov\n  inspect sip\nservice-policy global_policy global\n",
			fix: []string{"access-list prov_acl extended permit udp any any eq 5080"},
		},
		{
			name: "missing class-map", ref: "REF002",
			src: globalSIP + " class prov\n  inspect sip\nservice-policy global_policy global\n",
			fix: []string{"class-map prov", " match port udp eq 5080"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := run(t, sipHead+tc.src, rules.Options{Ports: p5080})
			sip, ref := only(fs, "SIP001"), only(fs, tc.ref)
			if len(sip) != 1 || len(ref) != 1 {
				t.Fatalf("want one SIP001 and one %s, got %+v", tc.ref, fs)
			}
			if sip[0].Line != ref[0].Line || !slices.Equal(sip[0].Fix, ref[0].Fix) || !slices.Equal(ref[0].Fix, tc.fix) {
				t.Errorf("SIP001 at %d with fix %q, %s at %d with fix %q, want both %q", sip[0].Line, sip[0].Fix, tc.ref, ref[0].Line, ref[0].Fix, tc.fix)
			}
		})
	}
}

// A class whose access-list has a line asaaudit cannot read is taken not to match only
// as far as the lines it could read go, and SIP001 says so; one that reads whole says
// plainly that it does not permit the port.
func TestSIP001UnreadableAccessListLine(t *testing.T) {
	p5080 := []asa.Port{{Proto: "udp", Number: 5080}}
	tail := "class-map prov\n match access-list sip5080\n" + globalSIP + " class prov\n  inspect sip\nservice-policy global_policy global\n"
	opts := rules.Options{Ports: p5080}
	for _, tc := range []struct{ acl, want string }{
		{"access-list sip5080 permit udp any any eq 5080\n", "no line of access-list sip5080 that asaaudit could read permits udp/5080, so the class is taken not to match it: class prov is assumed not to match udp/5080 (access-list sip5080 line 22 could not be read (PARSE001), and may permit it)"},
		{"access-list sip5080 extended permit udp any any eq 5081\n", "access-list sip5080 does not permit udp/5080, so the class does not match it"},
	} {
		src := sipHead + tc.acl + tail
		cfg, err := parser.ParseWith(strings.NewReader(src), "t.cfg", rules.ParserOptions(opts, nil))
		if err != nil {
			t.Fatal(err)
		}
		// The access-lists a class matches are read by a second pass, as audit does.
		if err := parser.ReadACLs(strings.NewReader(src), cfg, cfg.MatchACLs()); err != nil {
			t.Fatal(err)
		}
		sip := only(rules.Run(asa.New(cfg), opts, rules.All), "SIP001")
		if len(sip) != 1 || !strings.Contains(sip[0].Message, tc.want) {
			t.Errorf("%q: SIP001 %+v, want one saying %q", tc.acl, sip, tc.want)
		}
	}
}

// REF001 without a near name recreates the policy with every factory inspection (so that
// pasting it loses none) and a class for each audited port inspection_default misses.
func TestREF001Recreates(t *testing.T) {
	src := sipHead + "service-policy voice_policy global\n"
	fs := only(run(t, src, rules.Options{Ports: []asa.Port{{Proto: "udp", Number: 5060}, {Proto: "tcp", Number: 5060}, {Proto: "udp", Number: 5080}, {Proto: "tcp", Number: 5061}}}), "REF001")
	if len(fs) != 1 {
		t.Fatalf("want one REF001, got %+v", fs)
	}
	fix := fs[0].Fix
	for _, want := range [][]string{
		{"policy-map type inspect dns preset_dns_map", " parameters"},
		{"class-map sip-udp-5080", " match port udp eq 5080"},
		{"policy-map voice_policy", " class inspection_default", "  inspect dns preset_dns_map", "  inspect ftp"},
		{"  inspect sip", "  inspect xdmcp", " class sip-udp-5080", "  inspect sip"},
	} {
		if !containsRun(fix, want) {
			t.Errorf("fix %q lacks %q", fix, want)
		}
	}
	if slices.ContainsFunc(fix, func(l string) bool { return strings.Contains(l, "5061") }) {
		t.Errorf("fix %q has a class for SIP over TLS, which plain inspect sip cannot read", fix)
	}
}

// SIP over TLS: plain inspect sip on tcp/5061 inspects nothing; a TLS proxy does.
func TestSIP001TLS(t *testing.T) {
	tls := []asa.Port{{Proto: "tcp", Number: 5061}}
	for _, tc := range []struct {
		name, inspect string
		finding       bool
		severity      rules.Severity
		fix           []string
	}{
		// The plain inspect inspects nothing: removing it is the one safe line.
		{"plain inspect sip", "  inspect sip\n", true, rules.Warning, []string{"policy-map global_policy", " class tls", "  no inspect sip"}},
		{"with a TLS proxy", "  inspect sip tls-proxy phones\n", false, 0, nil},
		// Uninspected is right when the phones traverse NAT themselves, and no class
		// with plain inspect sip is proposed.
		{"no class for the port", "  set connection timeout idle 1:00:00\n", false, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := sipHead + "class-map tls\n match port tcp eq 5061\n" + globalSIP + " class tls\n" + tc.inspect + "service-policy global_policy global\n"
			fs := run(t, src, rules.Options{Ports: tls})
			sip := only(fs, "SIP001")
			if !tc.finding {
				if len(sip)+len(only(fs, "REF003")) > 0 {
					t.Errorf("want no SIP001 or REF003, got %+v", fs)
				}
				return
			}
			if len(sip) != 1 || sip[0].Severity != tc.severity || !slices.Equal(sip[0].Fix, tc.fix) || !strings.Contains(sip[0].Message, "TLS") {
				t.Errorf("want one SIP001 %v about TLS with fix %q, got %+v", tc.severity, tc.fix, sip)
			}
		})
	}
}

// A SIP class that exists but comes after a class taking the port first moves ahead of
// it with its own actions, entered once.
func TestSIP001MovesExistingSIPClass(t *testing.T) {
	src := sipHead + "class-map sip-udp-5060\n match port udp eq 5060\npolicy-map global_policy\n class all\n  inspect icmp\n class sip-udp-5060\n  inspect sip\n  set connection timeout idle 0:10:00\nservice-policy global_policy global\n"
	fs := only(run(t, src, rules.Options{Ports: []asa.Port{{Proto: "udp", Number: 5060}}}), "SIP001")
	want := []string{"policy-map global_policy", " no class sip-udp-5060", " no class all", " class sip-udp-5060", "  inspect sip", "  set connection timeout idle 0:10:00", " class all", "  inspect icmp"}
	if len(fs) != 1 || !slices.Equal(fs[0].Fix, want) {
		t.Errorf("got %+v, want one SIP001 with fix %q", fs, want)
	}
}

// A partial capture that shows no interface blocks (a forum paste of the MPF section): the
// interfaces whose policies inspect SIP are all the audit knows of, and whether the firewall
// has others, between which SIP would not be inspected, is not shown: no finding guesses it.
func TestSIP001UnshownInterfaces(t *testing.T) {
	src := "class-map inspection_default\n match default-inspection-traffic\nclass-map sip\n match port udp eq 5060\n" +
		globalNoSIP + "policy-map sip_policy\n class sip\n  inspect sip\n" +
		"service-policy global_policy global\nservice-policy sip_policy interface outside\nservice-policy sip_policy interface inny\n"
	if got := only(run(t, src, rules.Options{Ports: []asa.Port{{Proto: "udp", Number: 5060}}}), "SIP001"); len(got) > 0 {
		t.Errorf("want no SIP001 about interfaces the input does not show, got %+v", got)
	}
	// With a shown interface that does not inspect, the guest-only case still warns.
	got := only(run(t, sipHead+globalNoSIP+guestSIP, rules.Options{Ports: []asa.Port{{Proto: "udp", Number: 5060}}}), "SIP001")
	if len(got) != 1 || !strings.Contains(got[0].Message, "SIP between outside and voip is not inspected") {
		t.Errorf("shown interfaces: %+v", got)
	}
}
