package rules_test

import (
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/parser"
	"github.com/asaaudit/asaaudit/rules"
)

func pathModel(t *testing.T, file string) *asa.Model {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := parser.ParseWith(f, file, parser.Options{Paths: true})
	if err != nil {
		t.Fatal(err)
	}
	return asa.New(cfg)
}

var (
	patClients   = []netip.Prefix{netip.MustParsePrefix("10.200.41.0/24")}
	patProviders = []netip.Addr{netip.MustParseAddr("204.11.192.22")}
)

// Each packet-tracer fixture set beside fixtures/paths/pat-inspect.txt: agreement, and each
// kind of disagreement, phase by phase.
func TestCompareTrace(t *testing.T) {
	cases := []struct {
		file    string
		reverse bool
		diffs   []string // phases that differ
		agreed  string
	}{
		{"allow-9x.xml.txt", false, nil, "output interface outside, access-list permit, translated to 198.51.100.2, inspect sip applies, result allow"},
		{"allow-8x.txt", false, nil, "output interface outside, translated to 198.51.100.2, inspect sip applies, result allow"},
		{"acl-drop-9x.xml.txt", false, []string{"ACCESS-LIST"}, ""},
		{"route-drop-8x.txt", false, []string{"ROUTE-LOOKUP"}, ""},
		{"nat-differs-9x.xml.txt", false, []string{"ROUTE-LOOKUP", "NAT"}, ""},
		{"inspect-nosip-9x.xml.txt", false, []string{"INSPECT"}, ""},
		{"return-drop-9x.xml.txt", true, nil, "the provider's request is dropped"},
	}
	m := pathModel(t, "../fixtures/paths/pat-inspect.txt")
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ev, err := evidence.ParseFile("../evidence/testdata/packettracer/" + c.file)
			if err != nil || len(ev.Traces) != 1 {
				t.Fatalf("%v %d", err, len(ev.Traces))
			}
			cmp := rules.CompareTrace(m, ev.Traces[0], patClients, patProviders)
			var phases []string
			for _, d := range cmp.Diffs {
				phases = append(phases, d.Phase)
				if d.Device == "" || d.Config == "" || d.Why == "" {
					t.Errorf("diff %+v", d)
				}
			}
			if cmp.Reverse != c.reverse || !slices.Equal(phases, c.diffs) || c.agreed != "" && strings.Join(cmp.Agreed, ", ") != c.agreed {
				t.Errorf("reverse %v, diffs %+v, agreed %q", cmp.Reverse, cmp.Diffs, cmp.Agreed)
			}
		})
	}
}

// PT001 names both sides and the configuration line the model used; PT002 fires once per
// flow; without the path sections the outputs are reported, not compared.
func TestPacketTracerRules(t *testing.T) {
	m := pathModel(t, "../fixtures/paths/pat-inspect.txt")
	var evs []*evidence.Evidence
	for _, f := range []string{"allow-9x.xml.txt", "allow-9x.xml.txt", "nat-differs-9x.xml.txt"} {
		ev, err := evidence.ParseFile("../evidence/testdata/packettracer/" + f)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	// The same flow twice (allow-9x) counts once; nat-differs is the same command too, so
	// each fixture is run on its own.
	opts := rules.Options{Clients: patClients, Providers: patProviders, Evidence: evidence.Merge(evs[0], evs[1])}
	got := rules.Run(m, opts, []*rules.Rule{rules.PT001, rules.PT002})
	if len(got) != 1 || got[0].Rule != "PT002" || got[0].Line != 25 || !strings.Contains(got[0].Message, "agrees with the configuration: output interface outside") {
		t.Errorf("agreement: %+v", got)
	}
	opts.Evidence = evs[2]
	got = rules.Run(m, opts, []*rules.Rule{rules.PT001, rules.PT002})
	if len(got) != 1 || got[0].Rule != "PT001" || got[0].Line != 31 || got[0].Source != "route outside 0.0.0.0 0.0.0.0 198.51.100.1 1" {
		t.Fatalf("disagreement: %+v", got)
	}
	for _, want := range []string{"ROUTE-LOOKUP: the firewall: output interface dmz; the configuration: output interface outside", "line 31", "NAT: the firewall: translated to 192.0.2.5", "the rules trusted the configuration"} {
		if !strings.Contains(got[0].Message, want) {
			t.Errorf("PT001 message lacks %q: %s", want, got[0].Message)
		}
	}
	f, err := os.Open("../fixtures/paths/pat-inspect.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := parser.Parse(f, "pat-inspect.txt")
	if err != nil {
		t.Fatal(err)
	}
	noPaths := asa.New(cfg)
	got = rules.Run(noPaths, rules.Options{Evidence: evs[2]}, []*rules.Rule{rules.PT001, rules.PT002})
	if len(got) != 1 || got[0].Rule != "PT001" || !strings.Contains(got[0].Message, "not compared") {
		t.Errorf("without paths: %+v", got)
	}
	if got := rules.Run(m, rules.Options{}, []*rules.Rule{rules.PT001, rules.PT002}); len(got) != 0 {
		t.Errorf("without evidence: %+v", got)
	}
}

// The commands live sends: the phones' packet from an address of the subnet on the input
// interface, and the provider's request back, xml on 9.x; each is allowlisted.
func TestTracerCommands(t *testing.T) {
	m := pathModel(t, "../fixtures/paths/pat-inspect.txt")
	got := rules.TracerCommands(m, rules.Options{Clients: patClients, Providers: patProviders, Ports: []asa.Port{{Proto: "udp", Number: 5060}}}, true)
	want := []string{
		"packet-tracer input phones udp 10.200.41.10 5060 204.11.192.22 5060 xml",
		"packet-tracer input outside udp 204.11.192.22 5060 10.200.41.10 5060 xml",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q", got)
	}
	got = rules.TracerCommands(m, rules.Options{Clients: []netip.Prefix{netip.MustParsePrefix("10.200.41.77/32")}, Providers: patProviders, Ports: []asa.Port{{Proto: "tcp", Number: 5060}}}, false)
	if len(got) != 2 || got[0] != "packet-tracer input phones tcp 10.200.41.77 5060 204.11.192.22 5060" {
		t.Errorf("got %q", got)
	}
}

// SIP003/SIP004 take a timeout the configuration does not set from the device
// ("show running-config all timeout") and say so.
func TestIdleFromDevice(t *testing.T) {
	cfg, err := parser.Parse(strings.NewReader("ASA Version 9.8(4)\nhostname fw1\nclass-map sip-5080\n match port udp eq 5080\npolicy-map global_policy\n class sip-5080\n  set connection timeout idle 1:00:00\nservice-policy global_policy global\n"), "fw1.txt")
	if err != nil {
		t.Fatal(err)
	}
	m := asa.New(cfg)
	ev, err := evidence.Parse(strings.NewReader("fw1# show running-config all timeout\ntimeout conn 1:00:00 half-closed 0:10:00 udp 0:01:00 icmp 0:00:02\n"), "fw1.show.txt")
	if err != nil {
		t.Fatal(err)
	}
	opts := rules.Options{Ports: []asa.Port{{Proto: "udp", Number: 5060}}, RegisterInterval: 90 * time.Second}
	got := rules.Run(m, opts, []*rules.Rule{rules.SIP003, rules.SIP004})
	if len(got) != 1 || got[0].Rule != "SIP004" || !strings.Contains(got[0].Message, "0:02:00 (no timeout udp line: the default of ASA 9.8(4))") {
		t.Fatalf("the table's default, 2m against 90s: got %+v", got)
	}
	opts.Evidence = ev
	got = rules.Run(m, opts, []*rules.Rule{rules.SIP003, rules.SIP004})
	if len(got) != 1 || got[0].Rule != "SIP003" || !strings.Contains(got[0].Message, "idles out after 0:01:00 (no timeout udp line: the device's value, from show running-config all timeout at fw1.show.txt:2)") {
		t.Errorf("got %+v", got)
	}
}
