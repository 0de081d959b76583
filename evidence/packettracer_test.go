package evidence

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The packet-tracer fixtures, in the text form of ASA 8.x and the xml form of 9.x, read
// to the same fields.
func TestPacketTracerFixtures(t *testing.T) {
	cases := []struct {
		file                  string
		xml                   bool
		input, output, action string
		drop                  string
		types                 []string
	}{
		{"allow-9x.xml.txt", true, "phones", "outside", "allow", "", []string{"ROUTE-LOOKUP", "ACCESS-LIST", "NAT", "INSPECT", "FLOW-CREATION"}},
		{"allow-8x.txt", false, "phones", "outside", "allow", "", []string{"ROUTE-LOOKUP", "IP-OPTIONS", "NAT", "INSPECT", "FLOW-CREATION"}},
		{"acl-drop-9x.xml.txt", true, "phones", "outside", "drop", "(acl-drop) Flow is denied by configured rule", []string{"ROUTE-LOOKUP", "ACCESS-LIST"}},
		{"route-drop-8x.txt", false, "phones", "", "drop", "(no-route) No route to host", []string{"ROUTE-LOOKUP"}},
		{"nat-differs-9x.xml.txt", true, "phones", "dmz", "allow", "", []string{"ROUTE-LOOKUP", "ACCESS-LIST", "NAT", "INSPECT"}},
		{"inspect-nosip-9x.xml.txt", true, "phones", "outside", "allow", "", []string{"ROUTE-LOOKUP", "NAT", "INSPECT"}},
		{"return-drop-9x.xml.txt", true, "outside", "phones", "drop", "(acl-drop) Flow is denied by configured rule", []string{"ROUTE-LOOKUP", "ACCESS-LIST"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ev, err := ParseFile("testdata/packettracer/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Diagnostics) > 0 || len(ev.Traces) != 1 || ev.Empty() {
				t.Fatalf("%d traces, diagnostics %v", len(ev.Traces), ev.Diagnostics)
			}
			tr := ev.Traces[0]
			var types []string
			for i, p := range tr.Phases {
				types = append(types, p.Type)
				if p.ID != i+1 || p.Result == "" || p.Line == 0 {
					t.Errorf("phase %+v", p)
				}
			}
			if tr.XML != c.xml || tr.InputInterface != c.input || tr.OutputInterface != c.output || tr.Action != c.action || tr.DropReason != c.drop || !slices.Equal(types, c.types) {
				t.Errorf("got xml=%v in=%q out=%q action=%q drop=%q types=%q", tr.XML, tr.InputInterface, tr.OutputInterface, tr.Action, tr.DropReason, types)
			}
			if tr.Proto != "udp" || tr.SrcPort != 5060 || tr.DstPort != 5060 || tr.Output.Host != "pat-inspect" || tr.Pos.Line != 1 {
				t.Errorf("flow %s at %s host %q", tr, tr.Pos, tr.Output.Host)
			}
		})
	}
	ev, err := ParseFile("testdata/packettracer/allow-9x.xml.txt")
	if err != nil {
		t.Fatal(err)
	}
	nat := ev.Traces[0].Phase("NAT")
	if len(nat) != 1 || !slices.Equal(nat[0].Config, []string{"object network phones", "nat (phones,outside) dynamic interface"}) ||
		!slices.Equal(nat[0].Extra, []string{"Dynamic translate 10.200.41.10/5060 to 198.51.100.2/5060"}) || nat[0].Line != 26 {
		t.Errorf("NAT phase %+v", nat)
	}
}

// Shapes: without the prompt, without the echo, after FTD's bare prompt, refused by the
// device, cut before its Result, and the xml form with no line breaks.
func TestPacketTracerShapes(t *testing.T) {
	const text = "Phase: 1\nType: ROUTE-LOOKUP\nSubtype: Resolve Egress Interface\nResult: ALLOW\nConfig:\nAdditional Information:\nfound next-hop 198.51.100.1 using egress ifc outside\n\nResult:\ninput-interface: inside\noutput-interface: outside\nAction: allow\n"
	cases := []struct {
		name, in string
		traces   int
		diag     string
	}{
		{"echo without prompt", "packet-tracer input inside udp 10.1.1.10 5060 192.0.2.1 sip\n" + text, 1, ""},
		{"ftd prompt", "> packet-tracer input inside udp 10.1.1.10 5060 192.0.2.1 5060\n" + text, 1, ""},
		{"no echo", text, 0, "without its command"},
		{"refused", "fw1# packet-tracer input inside udp 10.1.1.10 5060 192.0.2.1 5060\nCommand authorization failed\nfw1# ", 0, "refused"},
		{"cut", "fw1# packet-tracer input inside udp 10.1.1.10 5060 192.0.2.1 5060\nPhase: 1\nType: ROUTE-LOOKUP\n", 0, "without its final Result"},
		{"bad command", "fw1# packet-tracer input inside icmp 10.1.1.10 8 0 192.0.2.1\n" + text, 0, "is not of the form"},
		{"one-line xml", "fw1# packet-tracer input inside udp 10.1.1.10 5060 192.0.2.1 5060 xml\n<Phase><id>1</id><type>ROUTE-LOOKUP</type><subtype></subtype><result>ALLOW</result><config></config><extra>found next-hop 198.51.100.1 using egress ifc outside</extra></Phase><result><input-interface>inside</input-interface><output-interface>outside</output-interface><action>allow</action></result>\n", 1, ""},
		{"broken xml", "fw1# packet-tracer input inside udp 10.1.1.10 5060 192.0.2.1 5060 xml\n<Phase><id>1</id><type>ROUTE-LOOKUP</type\n", 0, "cannot be read"},
	}
	for _, c := range cases {
		ev, err := Parse(strings.NewReader(c.in), "x")
		if err != nil {
			t.Fatal(err)
		}
		var diags []string
		for _, d := range ev.Diagnostics {
			diags = append(diags, d.String())
		}
		got := strings.Join(diags, "\n")
		if len(ev.Traces) != c.traces || c.diag == "" && got != "" || c.diag != "" && !strings.Contains(got, c.diag) {
			t.Errorf("%s: %d traces, diagnostics %q", c.name, len(ev.Traces), got)
		}
		if c.traces == 1 && (ev.Traces[0].OutputInterface != "outside" || ev.Traces[0].Action != "allow" || ev.Traces[0].Dst.String() != "192.0.2.1") {
			t.Errorf("%s: %+v", c.name, ev.Traces[0])
		}
	}
}

func TestDeviceTimeouts(t *testing.T) {
	const in = `fw1# show running-config all timeout
timeout xlate 3:00:00
timeout pat-xlate 0:00:30
timeout conn 1:00:00 half-closed 0:10:00 udp 0:01:00 sctp 0:02:00 icmp 0:00:02
timeout sip 0:30:00 sip_media 0:02:00 sip-invite 0:03:00 sip-disconnect 0:02:00
timeout sip-provisional-media 0:02:00 uauth 0:05:00 absolute
timeout igp stale-route 0:01:10
fw1# show running-config timeout
timeout udp 0:05:00
`
	ev, err := Parse(strings.NewReader(in), "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Diagnostics) > 0 {
		t.Fatalf("diagnostics %v", ev.Diagnostics)
	}
	tm := ev.DeviceTimeouts("fw1")
	if tm["udp"].Value != time.Minute || tm["udp"].Pos.Line != 4 || tm["sip"].Value != 30*time.Minute || tm["uauth"].Value != 5*time.Minute ||
		tm["igp stale-route"].Value != 70*time.Second || len(tm) != 14 {
		t.Errorf("timeouts %d: udp %+v", len(tm), tm["udp"])
	}
	if ev.DeviceTimeouts("fw2") != nil {
		t.Errorf("another host's timeouts")
	}
}
