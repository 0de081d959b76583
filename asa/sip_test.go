package asa

import (
	"slices"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/parser"
)

// TestMatchAccessList evaluates "match access-list" classes: the first active entry with
// the port decides, for any addresses; an entry for some addresses decides for part of
// the traffic only.
func TestMatchAccessList(t *testing.T) {
	for _, tc := range []struct {
		name, acl string
		port      Port
		matches   bool
		assumed   string // a substring of Match.Assumed; "" when it must be empty
		allPorts  bool
	}{
		{"permit dst port", "access-list A extended permit udp any any eq 5080", Port{"udp", 5080}, true, "", false},
		{"other port", "access-list A extended permit udp any any eq 5080", Port{"udp", 5060}, false, "", false},
		{"other protocol", "access-list A extended permit tcp any any eq 5080", Port{"udp", 5080}, false, "", false},
		{"src port", "access-list A extended permit udp any eq 5080 any", Port{"udp", 5080}, true, "", false},
		{"range", "access-list A extended permit tcp any any range 5060 5090", Port{"tcp", 5080}, true, "", false},
		{"ip", "access-list A extended permit ip any any", Port{"udp", 5080}, true, "", true},
		{"deny first", "access-list A extended deny udp any any eq 5080\naccess-list A extended permit ip any any", Port{"udp", 5080}, false, "", false},
		{"inactive deny", "access-list A extended deny udp any any eq 5080 inactive\naccess-list A extended permit udp any any", Port{"udp", 5080}, true, "", true},
		{"part of the addresses", "access-list A extended permit ip 10.200.0.0 255.255.0.0 any", Port{"udp", 5080}, true, "access-list A line 3: access-list A extended permit ip 10.200.0.0 255.255.0.0 any", true},
		{"partial deny then permit", "access-list A extended deny udp host 10.0.0.1 any eq 5080\naccess-list A extended permit udp any any eq 5080", Port{"udp", 5080}, true, "line 3", false},
		{"partial deny only", "access-list A extended deny udp host 10.0.0.1 any eq 5080", Port{"udp", 5080}, false, "", false},
		{"remark only", "access-list A remark nothing", Port{"udp", 5080}, false, "", false},
		{"other side restricted", "access-list A extended permit udp any eq 5060 any eq 5080", Port{"udp", 5080}, true, "part of the traffic", false},
		// A line asaaudit cannot read may permit or deny: the verdict below it is assumed.
		{"unreadable line, then nothing", "access-list A permit udp any any eq 5080", Port{"udp", 5080}, false, "assumed not to match udp/5080 (access-list A line 3 could not be read (PARSE001), and may permit it)", false},
		{"unreadable line, then a deny", "access-list A permit udp any any eq 5080\naccess-list A extended deny ip any any", Port{"udp", 5080}, false, "line 3 could not be read", false},
		{"unreadable line, then a permit", "access-list A permit udp any any eq 5080 x\naccess-list A extended permit udp any any eq 5080", Port{"udp", 5080}, true, "for part of the traffic only (access-list A line 3 could not be read (PARSE001))", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "ASA Version 9.8(4)\nhostname fw\n" + tc.acl + "\nclass-map C\n match access-list A\npolicy-map P\n class C\n  inspect sip\nservice-policy P global\n"
			for _, paths := range []bool{true, false} {
				cfg, err := parser.ParseWith(strings.NewReader(src), "t.cfg", parser.Options{Paths: paths})
				if err != nil {
					t.Fatal(err)
				}
				if !paths {
					if err := parser.ReadACLs(strings.NewReader(src), cfg, cfg.MatchACLs()); err != nil {
						t.Fatal(err)
					}
				}
				m := New(cfg)
				pm := m.Applied()[0].PolicyMap
				r := m.ClassMatches(pm.Classes[0], tc.port)
				if r.Matches != tc.matches || (tc.assumed == "") != (r.Assumed == "") || !strings.Contains(r.Assumed, tc.assumed) || (r.AllPortsACL != "") != tc.allPorts {
					t.Errorf("paths %v: got %+v, want matches %v, assumed %q, all ports %v", paths, r, tc.matches, tc.assumed, tc.allPorts)
				}
			}
		})
	}
}

// TestMatchAccessListUnread keeps the assumption when the access-lists were not read (a
// second pass over standard input is not possible), and matches nothing for an
// access-list the configuration does not define.
func TestMatchAccessListUnread(t *testing.T) {
	src := "ASA Version 9.8(4)\nhostname fw\naccess-list A extended permit udp any any eq 5080\n" +
		"class-map C\n match access-list A\nclass-map D\n match access-list MISSING\n" +
		"policy-map P\n class D\n  inspect sip\n class C\n  inspect sip\nservice-policy P global\n"
	cfg, err := parser.Parse(strings.NewReader(src), "t.cfg")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.MatchACLs(); len(got) != 1 || got[0] != "A" {
		t.Errorf("MatchACLs = %v, want [A]", got)
	}
	m := New(cfg)
	pm := m.Applied()[0].PolicyMap
	if r := m.ClassMatches(pm.Classes[0], Port{"udp", 5060}); r.Matches || r.Assumed != "" {
		t.Errorf("class D (missing access-list): got %+v, want no match and no assumption", r)
	}
	r := m.ClassMatches(pm.Classes[1], Port{"udp", 5060})
	if !r.Matches || !strings.Contains(r.Assumed, "standard input") {
		t.Errorf("class C (access-list not read): got %+v, want the assumption", r)
	}
}

// TestMatchAccessListObjects resolves service and network object-groups in the second
// pass too.
func TestMatchAccessListObjects(t *testing.T) {
	src := "ASA Version 9.8(4)\nhostname fw\nobject-group service SIP udp\n port-object eq 5080\n" +
		"object network PBX\n host 10.0.0.5\n" +
		"access-list A extended permit udp object PBX any object-group SIP\n" +
		"class-map C\n match access-list A\npolicy-map P\n class C\n  inspect sip\nservice-policy P global\n"
	cfg, err := parser.Parse(strings.NewReader(src), "t.cfg")
	if err != nil {
		t.Fatal(err)
	}
	if err := parser.ReadACLs(strings.NewReader(src), cfg, cfg.MatchACLs()); err != nil {
		t.Fatal(err)
	}
	m := New(cfg)
	c := m.Applied()[0].PolicyMap.Classes[0]
	if r := m.ClassMatches(c, Port{"udp", 5080}); !r.Matches || !strings.Contains(r.Assumed, "line 7") {
		t.Errorf("udp/5080: got %+v, want a match for part of the traffic (line 7)", r)
	}
	if r := m.ClassMatches(c, Port{"udp", 5060}); r.Matches {
		t.Errorf("udp/5060: got %+v, want no match", r)
	}
	if len(cfg.Diagnostics) > 0 {
		t.Errorf("diagnostics: %v", cfg.Diagnostics)
	}
}

// TestInterfaceInspection decides, per interface, which policy takes SIP for inspection:
// the interface's own policy when one of its classes with an inspect action matches the
// port (whatever it inspects), else the global one; a flow is decided on its input
// interface first, then on its output interface.
func TestInterfaceInspection(t *testing.T) {
	const head = "ASA Version 9.8(4)\nhostname fw\n" +
		"interface g0\n nameif outside\ninterface g1\n nameif inside\ninterface g2\n nameif guest\n" +
		"class-map inspection_default\n match default-inspection-traffic\n" +
		"class-map sip\n match port udp eq 5060\nclass-map all\n match any\n"
	const globalNoSIP = "policy-map global_policy\n class inspection_default\n  inspect dns\n  inspect ftp\n"
	const globalSIP = "policy-map global_policy\n class inspection_default\n  inspect dns\n  inspect sip\n"
	udp := Port{"udp", 5060}
	for _, tc := range []struct {
		name, policies string
		inspected      map[string]bool // per interface
		overrides      []string        // interfaces whose own policy overrides the global inspect sip
		flows          map[[2]string]bool
	}{
		{
			name:      "guest only",
			policies:  globalNoSIP + "policy-map guest_policy\n class sip\n  inspect sip\nservice-policy global_policy global\nservice-policy guest_policy interface guest\n",
			inspected: map[string]bool{"outside": false, "inside": false, "guest": true},
			flows:     map[[2]string]bool{{"inside", "outside"}: false, {"guest", "outside"}: true, {"outside", "guest"}: true},
		},
		{
			name:      "global inspects, interface policy without an inspection for the port",
			policies:  globalSIP + "policy-map out_policy\n class all\n  set connection timeout idle 0:10:00\nservice-policy global_policy global\nservice-policy out_policy interface outside\n",
			inspected: map[string]bool{"outside": true, "inside": true, "guest": true},
			flows:     map[[2]string]bool{{"inside", "outside"}: true, {"outside", "inside"}: true},
		},
		{
			name:      "interface class with another inspection overrides the global inspect sip",
			policies:  globalSIP + "policy-map out_policy\n class all\n  inspect icmp\nservice-policy global_policy global\nservice-policy out_policy interface outside\n",
			inspected: map[string]bool{"outside": false, "inside": true, "guest": true},
			overrides: []string{"outside"},
			// Entering by outside, the flow matches inspect icmp there and is not matched again.
			flows: map[[2]string]bool{{"inside", "outside"}: true, {"outside", "inside"}: false},
		},
		{
			name:      "no global policy",
			policies:  "policy-map in_policy\n class sip\n  inspect sip\nservice-policy in_policy interface inside\n",
			inspected: map[string]bool{"outside": false, "inside": true, "guest": false},
			flows:     map[[2]string]bool{{"guest", "outside"}: false, {"inside", "outside"}: true, {"outside", "inside"}: true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parser.Parse(strings.NewReader(head+tc.policies), "t.cfg")
			if err != nil {
				t.Fatal(err)
			}
			m := New(cfg)
			if got := m.Interfaces(); strings.Join(got, " ") != "outside inside guest" {
				t.Errorf("Interfaces() = %v", got)
			}
			for iface, want := range tc.inspected {
				s := m.OnInterface(iface, udp)
				if s.Inspected() != want {
					t.Errorf("%s: inspected %v, want %v", iface, s.Inspected(), want)
				}
				if s.Overrides() != slices.Contains(tc.overrides, iface) {
					t.Errorf("%s: overrides %v", iface, s.Overrides())
				}
			}
			for fl, want := range tc.flows {
				in, out := m.OnInterface(fl[0], udp), m.OnInterface(fl[1], udp)
				if got := FlowInspected(in, out); got != want {
					t.Errorf("%s -> %s: inspected %v, want %v", fl[0], fl[1], got, want)
				}
				v := m.SIPOn(udp, fl[0], fl[1])
				if got := v.Best != nil && v.Best.Inspected(); got != want {
					t.Errorf("SIPOn %s -> %s: inspected %v, want %v (best %+v)", fl[0], fl[1], got, want, v.Best)
				}
			}
		})
	}
}

// TestMissingAccessList: a "match access-list" naming no access-list matches nothing and
// says so (MissingACL), with or without the path sections; a partial input that does not
// show the access-lists proves nothing about them.
func TestMissingAccessList(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		missing   bool
	}{
		{"whole configuration without access-lists", "ASA Version 9.8(4)\nhostname fw\n", true},
		{"whole configuration with other access-lists", "ASA Version 9.8(4)\nhostname fw\naccess-list B extended permit udp any any eq 5060\n", true},
		{"partial input without the access-lists", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src + "class-map C\n match access-list A\npolicy-map P\n class C\n  inspect sip\nservice-policy P global\n"
			for _, paths := range []bool{false, true} {
				cfg, err := parser.ParseWith(strings.NewReader(src), "t.cfg", parser.Options{Paths: paths})
				if err != nil {
					t.Fatal(err)
				}
				m := New(cfg)
				r := m.ClassMatches(m.Applied()[0].PolicyMap.Classes[0], Port{"udp", 5060})
				if r.MissingACL != tc.missing || r.ACL != "A" {
					t.Errorf("paths %v: got %+v, want MissingACL %v", paths, r, tc.missing)
				}
				if tc.missing && r.Matches {
					t.Errorf("paths %v: a missing access-list matched: %+v", paths, r)
				}
			}
		})
	}
}
