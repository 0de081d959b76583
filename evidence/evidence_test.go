package evidence

import (
	"fmt"
	"github.com/asaaudit/asaaudit/internal/testio"
	"strings"
	"testing"
	"time"
)

// render writes what Parse read, one record a line, in file order of kind: outputs,
// connections, policies, modes, contexts, diagnostics.
func render(ev *Evidence) string {
	var b strings.Builder
	for _, o := range ev.Outputs {
		fmt.Fprintf(&b, "output %d-%d %s", o.Pos.Line, o.EndLine, o.Kind)
		if o.Command != "" {
			fmt.Fprintf(&b, " %q host=%s ctx=%s", o.Command, o.Host, o.Context)
		}
		b.WriteString("\n")
	}
	for _, c := range ev.Conns {
		fmt.Fprintf(&b, "conn %d: %s %s | %s | flags=%q idle=%s", c.Pos.Line, c.Proto, c.A, c.B, c.Flags, c.Idle)
		if c.HasUptime {
			fmt.Fprintf(&b, " uptime=%s", c.Uptime)
		}
		if c.HasTimeout {
			fmt.Fprintf(&b, " timeout=%s", c.Timeout)
		}
		fmt.Fprintf(&b, " bytes=%d", c.Bytes)
		if c.Initiator.IsValid() {
			fmt.Fprintf(&b, " init=%s resp=%s", c.Initiator, c.Responder)
		}
		if c.LookupKeyID != "" {
			fmt.Fprintf(&b, " key=%s", c.LookupKeyID)
		}
		if len(c.Extra) > 0 {
			fmt.Fprintf(&b, " extra=%q", c.Extra)
		}
		b.WriteString("\n")
	}
	for _, p := range ev.Policies {
		fmt.Fprintf(&b, "policy %d: %s %s\n", p.Pos.Line, p.Scope, p.Name)
		for _, c := range p.Classes {
			fmt.Fprintf(&b, " class %d: %s", c.Pos.Line, c.Name)
			if len(c.Other) > 0 {
				fmt.Fprintf(&b, " other=%q", c.Other)
			}
			b.WriteString("\n")
			for _, i := range c.Inspects {
				fmt.Fprintf(&b, "  inspect %d: %s %q packets=%d drops=%d counters=%d\n", i.Pos.Line, i.Protocol, i.Args, i.Packets, i.Drops, len(i.Counters))
			}
		}
	}
	for _, m := range ev.Modes {
		fmt.Fprintf(&b, "mode %d: %s\n", m.Pos.Line, m.Mode)
	}
	for _, c := range ev.Contexts {
		fmt.Fprintf(&b, "context %d: %s admin=%v class=%s if=%q mode=%s url=%s\n", c.Pos.Line, c.Name, c.Admin, c.Class, c.Interfaces, c.Mode, c.URL)
	}
	for _, d := range ev.Diagnostics {
		fmt.Fprintf(&b, "diag %s\n", d)
	}
	return b.String()
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{{
		name: "seed line, 9.x long with Initiator and keyid",
		in: `TRUST-FW01# show conn protocol udp port 5080 long
1 in use, 412 most used

UDP EXTERNAL02: 204.11.192.22/5080 (204.11.192.22/5080) TRUST01: 10.200.41.89/55589 (1.22.11.100/55589), flags - , idle 1s, uptime 8m18s, timeout 1m0s, bytes 17115
  Initiator: 10.200.41.89, Responder: 204.11.192.22
  Connection lookup keyid: 1180637264
TRUST-FW01# `,
		want: `output 1-6 show conn "show conn protocol udp port 5080 long" host=TRUST-FW01 ctx=
conn 4: udp EXTERNAL02 204.11.192.22/5080 | TRUST01 10.200.41.89/55589 (1.22.11.100/55589) | flags="-" idle=1s uptime=8m18s timeout=1m0s bytes=17115 init=10.200.41.89 resp=204.11.192.22 key=1180637264
`,
	}, {
		name: "8.x long: no Initiator lines, no blank after the colon, H:MM:SS durations",
		in: `1 in use, 10 most used
UDP outside:198.51.100.7/5060 (198.51.100.7/5060) inside:10.1.1.10/5060 (203.0.113.5/5060), flags -, idle 0:00:03, uptime 0:10:00, timeout 0:01:00, bytes 1520
TCP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.11/49152 (203.0.113.5/49152), flags UIO, idle 2m3s, uptime 3h1m, timeout 2h0m, bytes 88`,
		want: `output 1-3 show conn
conn 2: udp outside 198.51.100.7/5060 | inside 10.1.1.10/5060 (203.0.113.5/5060) | flags="-" idle=3s uptime=10m0s timeout=1m0s bytes=1520
conn 3: tcp outside 198.51.100.7/5060 | inside 10.1.1.11/49152 (203.0.113.5/49152) | flags="UIO" idle=2m3s uptime=3h1m0s timeout=2h0m0s bytes=88
`,
	}, {
		name: "detail: counters on a second line, extra fields kept, interface with colons, years and days",
		in: `fw1/voice# show conn detail
UDP outside: 198.51.100.7/5060 inside: 10.1.1.10/5060,
    flags - N1, idle 21s, uptime 3D4h, timeout 2m0s, bytes 28, Rx-RingNum 45, Internal-Data0/1
  Connection lookup keyid: 100587686

UDP VPLS:VPLS(VPLS): 10.2.76.3/4789 inside: 10.1.76.3/4816,
    flags -o, idle 0s, uptime 1Y25D, timeout 2m0s, bytes 7688943400093
`,
		want: `output 1-7 show conn "show conn detail" host=fw1 ctx=voice
conn 2: udp outside 198.51.100.7/5060 | inside 10.1.1.10/5060 | flags="- N1" idle=21s uptime=76h0m0s timeout=2m0s bytes=28 key=100587686 extra=["Rx-RingNum 45" "Internal-Data0/1"]
conn 6: udp VPLS:VPLS(VPLS) 10.2.76.3/4789 | inside 10.1.76.3/4816 | flags="-o" idle=0s uptime=9360h0m0s timeout=2m0s bytes=7688943400093
`,
	}, {
		name: "plain show conn, real(mapped):port, 0:01:00 idle, IPv6 in long form",
		in: `fw1# sh conn
2 in use, 5 most used
UDP outside 198.51.100.7:5060 inside 10.1.1.10(203.0.113.5):5060, idle 0:01:00, bytes 1520, flags -
UDP outside: 2001:db8::7/5060 (2001:db8::7/5060) inside: 2001:db8:1::10/5060 (2001:db8:1::10/5060), flags -, idle 5s, uptime 5s, timeout 2m0s, bytes 10, xlate id 0x7fcbc5a1e580, flow id 33782708`,
		want: `output 1-4 show conn "sh conn" host=fw1 ctx=
conn 3: udp outside 198.51.100.7/5060 | inside 10.1.1.10/5060 (203.0.113.5/5060) | flags="-" idle=1m0s bytes=1520
conn 4: udp outside 2001:db8::7/5060 | inside 2001:db8:1::10/5060 | flags="-" idle=5s uptime=5s timeout=2m0s bytes=10 extra=["xlate id 0x7fcbc5a1e580" "flow id 33782708"]
`,
	}, {
		name: "legend and cluster lines are known; unknown lines are reported with their line",
		in: `fw1# show conn long
3 in use, 9 most used
Cluster:
        fwd connections: 0 in use, 0 most used
        dir connections: 0 in use, 0 most used
Inspect Snort:
        preserve-connection: 0 enabled, 0 in effect, 0 most enabled, 0 most in effect

Flags: A - awaiting responder ACK to SYN, a - awaiting initiator ACK to SYN,
       T - SIP, t - SIP transient, U - up,
       Z - Scansafe redirection, z - forwarding stub flow

UDP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.10/5060 (10.1.1.10/5060), flags T, idle 1s, uptime 1s, timeout soon, bytes 1
UDP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.11/5060 (10.1.1.11/5060), flags T, idle 1s, uptime 1s, timeout 30m0s, bytes 1
  this line is new
UDP outside 198.51.100.7 inside 10.1.1.12
  Initiator: 10.1.1.11, Responder: 198.51.100.7
UDP outside: 198.51.100.7/5060 inside: 10.1.1.13/5060,

UDP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.300/5060 (10.1.1.10/5060), flags T, idle 1s, uptime 1s, timeout 1m0s, bytes 1`,
		want: `output 1-20 show conn "show conn long" host=fw1 ctx=
conn 14: udp outside 198.51.100.7/5060 | inside 10.1.1.11/5060 | flags="T" idle=1s uptime=1s timeout=30m0s bytes=1
diag x:13: connection not readable (timeout "soon"), not used: UDP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.10/5060 (10.1.1.10/5060), flags T, idle 1s, uptime 1s, timeout soon, bytes 1
diag x:15: line not recognised in show conn output, not used: this line is new
diag x:16: line not recognised in show conn output, not used: UDP outside 198.51.100.7 inside 10.1.1.12
diag x:17: Initiator/Responder line without a connection above it, not used: Initiator: 10.1.1.11, Responder: 198.51.100.7
diag x:18: connection without its flags/idle line, not used: UDP outside: 198.51.100.7/5060 inside: 10.1.1.13/5060,
diag x:20: connection not readable (address "10.1.1.300"), not used: UDP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.300/5060 (10.1.1.10/5060), flags T, idle 1s, uptime 1s, timeout 1m0s, bytes 1
`,
	}, {
		name: "service-policy 8.x, interface scope, Set connection block, tcp-proxy, bad line",
		in: `voicefw# show service-policy

Global policy:
  Service-policy: global_policy
    Class-map: inspection_default
      Inspect: dns preset_dns_map, packet 11936434, lock fail 0, drop 34090, reset-drop 0
      Inspect: sip , packet 458106, lock fail 0, drop 0, reset-drop 0
               tcp-proxy: bytes in buffer 0, bytes dropped 0

Interface outside:
  Service-policy: outside-policy
    Class-map: sip-5080
      Inspect: sip sip-map, packet 0, lock fail 0, drop 0, reset-drop 0
      Set connection policy: drop 0
      Set connection timeout policy:
        idle 0:10:00
        DCD: disabled, retry-interval 0:00:15, max-retries 5
      Inspect: h323 h225 _default_h323_map, packet many, lock fail 0, drop 0, reset-drop 0
      Shape: average 2000000
voicefw#`,
		want: `output 1-19 show service-policy "show service-policy" host=voicefw ctx=
policy 4: global global_policy
 class 5: inspection_default
  inspect 6: dns ["preset_dns_map"] packets=11936434 drops=34090 counters=4
  inspect 7: sip [] packets=458106 drops=0 counters=4
policy 11: outside outside-policy
 class 12: sip-5080 other=["Set connection policy: drop 0" "Set connection timeout policy:" "idle 0:10:00" "DCD: disabled, retry-interval 0:00:15, max-retries 5"]
  inspect 13: sip ["sip-map"] packets=0 drops=0 counters=4
diag x:18: Inspect line not readable (no packet counter), not used: Inspect: h323 h225 _default_h323_map, packet many, lock fail 0, drop 0, reset-drop 0
diag x:19: line not recognised in show service-policy output, not used: Shape: average 2000000
`,
	}, {
		name: "service-policy 9.x counters",
		in: `Global policy:
  Service-policy: global_policy
    Class-map: inspection_default
      Inspect: sip , packet 120554, lock fail 0, drop 3, reset-drop 0, 5-min-pkt-rate 3 pkts/sec, v6-fail-close 0 sctp-drop-override 0
                    tcp-proxy: bytes in buffer 0, bytes dropped 0`,
		want: `output 1-5 show service-policy
policy 2: global global_policy
 class 3: inspection_default
  inspect 4: sip [] packets=120554 drops=3 counters=7
`,
	}, {
		name: "outputs concatenated without echo; another command's output skipped; stray lines grouped",
		in: `some notes the user typed
more notes
Global policy:
  Service-policy: global_policy
    Class-map: inspection_default
      Inspect: sip , packet 0, lock fail 0, drop 0, reset-drop 0
0 in use, 3 most used
fw1# show version

Cisco Adaptive Security Appliance Software Version 9.8(4)
fw1# show mode
Security context mode: single
stray`,
		want: `output 3-6 show service-policy
output 7-7 show conn
output 8-10 other "show version" host=fw1 ctx=
output 11-13 show mode "show mode" host=fw1 ctx=
policy 4: global global_policy
 class 5: inspection_default
  inspect 6: sip [] packets=0 drops=0 counters=4
mode 12: single
diag x:1-2: 2 lines not recognised as show conn, show service-policy, show mode or show context output, not used: some notes the user typed
diag x:13: line not recognised in show mode output, not used: stray
`,
	}, {
		name: "show context with and without the Mode column",
		in: `fw1# show context
Context Name      Class                Interfaces           Mode         URL
*admin            default              Management0/0        Routed       disk0:/admin.cfg
 voice            default              GigabitEthernet0/0,  Routed       disk0:/voice.cfg
                                       GigabitEthernet0/1
Total active Security Contexts: 2
fw2# show context
Context Name      Class      Interfaces           URL
*admin            default    Vlan1000,Vlan1001... disk0:/admin.cfg`,
		want: `output 1-6 show context "show context" host=fw1 ctx=
output 7-9 show context "show context" host=fw2 ctx=
context 3: admin admin=true class=default if=["Management0/0"] mode=Routed url=disk0:/admin.cfg
context 4: voice admin=false class=default if=["GigabitEthernet0/0" "GigabitEthernet0/1"] mode=Routed url=disk0:/voice.cfg
context 9: admin admin=true class=default if=["Vlan1000" "Vlan1001"] mode= url=disk0:/admin.cfg
`,
	}, {
		name: "terminal capture: CRLF, pager prompt and its erase sequence, multi-context prompt",
		in:   "fw1/admin# show mode\r\nSecurity context mode: multiple\r\nfw1/admin# show conn long\r\n1 in use, 1 most used\r\n<--- More --->\r              \rUDP outside: 198.51.100.7/5060 (198.51.100.7/5060) inside: 10.1.1.10/5060 (10.1.1.10/5060), flags -, idle 1s, uptime 1s, timeout 2m0s, bytes 1\r\nfw1/admin# ",
		want: `output 1-2 show mode "show mode" host=fw1 ctx=admin
output 3-5 show conn "show conn long" host=fw1 ctx=admin
conn 5: udp outside 198.51.100.7/5060 | inside 10.1.1.10/5060 | flags="-" idle=1s uptime=1s timeout=2m0s bytes=1
mode 2: multiple
`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Parse(strings.NewReader(tt.in), "x")
			if err != nil {
				t.Fatal(err)
			}
			if got := render(ev); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestParseOutput(t *testing.T) {
	ev := ParseOutput("fw1/voice show conn", "show conn protocol udp port 5080 long", "0 in use, 4 most used\n")
	if got, want := render(ev), "output 1-1 show conn \"show conn protocol udp port 5080 long\" host= ctx=\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if ev.Empty() {
		t.Error("an empty show conn output is evidence (no flows), not empty")
	}
	ev = ParseOutput("fw1", "show service-policy", "")
	if ev.Empty() || ev.Outputs[0].Kind != ServicePolicies {
		t.Errorf("empty show service-policy output: %s", render(ev))
	}
}

func TestEmpty(t *testing.T) {
	for in, want := range map[string]bool{
		"":                                   true,
		"fw1# show version\nCisco ASA 9.8\n": true,
		"notes\n":                            true,
		"0 in use, 1 most used\n":            false,
		"Security context mode: single\n":    false,
	} {
		ev, err := Parse(strings.NewReader(in), "x")
		if err != nil {
			t.Fatal(err)
		}
		if ev.Empty() != want {
			t.Errorf("Empty(%q) = %v, want %v", in, !want, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"1s", time.Second, false},
		{"1m0s", time.Minute, false},
		{"8m18s", 8*time.Minute + 18*time.Second, false},
		{"2h0m", 2 * time.Hour, false},
		{"30m0s", 30 * time.Minute, false},
		{"3D4h", 76 * time.Hour, false},
		{"1Y25D", 390 * 24 * time.Hour, false},
		{"0:01:00", time.Minute, false},
		{"1:00:00", time.Hour, false},
		{"1193:00:00", 1193 * time.Hour, false},
		{"0s", 0, false},
		{"", 0, true},
		{"1", 0, true},
		{"m", 0, true},
		{"1w", 0, true},
		{"0:1:00", 0, true},
		{"99999999999Y", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	for d, want := range map[time.Duration]string{
		time.Second: "1s", time.Minute: "1m0s", 8*time.Minute + 18*time.Second: "8m18s",
		2 * time.Hour: "2h0m", 30 * time.Hour: "1D6h",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestMergeAndFindPolicies(t *testing.T) {
	a, _ := Parse(strings.NewReader("Global policy:\n  Service-policy: gp\n    Class-map: c\n      Inspect: sip , packet 1, lock fail 0, drop 0, reset-drop 0\n"), "a")
	b, _ := Parse(strings.NewReader("  Service-policy: gp\n    Class-map: c\n      Inspect: sip , packet 2, lock fail 0, drop 0, reset-drop 0\n"), "b")
	ev := Merge(a, nil, b)
	got := ev.FindPolicies("global", "gp")
	if len(got) != 2 || got[0].Pos.File != "a" || got[1].Pos.File != "b" || got[1].Scope != "" {
		t.Fatalf("FindPolicies(global, gp) = %v, want a's and b's (b shows no scope, so it matches any)", got)
	}
	if len(ev.FindPolicies("outside", "gp")) != 1 || len(ev.Diagnostics) != 0 {
		t.Errorf("FindPolicies(outside, gp) or diagnostics wrong: %v", ev.Diagnostics)
	}
	if in := got[0].Class("c").Inspect("sip"); in == nil || in.Packets != 1 {
		t.Errorf("Class/Inspect lookup: %+v", in)
	}
}

// Two snapshots of show conn saved one after the other without their echo are two outputs.
func TestConsecutiveSnapshots(t *testing.T) {
	in := "1 in use, 2 most used\nUDP outside 198.51.100.7:5060 inside 10.1.1.10:5060, idle 0:00:03, bytes 1, flags -\n" +
		"1 in use, 2 most used\nUDP outside 198.51.100.7:5060 inside 10.1.1.10:5060, idle 0:00:09, bytes 1, flags -\n"
	ev, err := Parse(strings.NewReader(in), "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Outputs) != 2 || len(ev.Conns) != 2 || ev.Conns[1].Output != ev.Outputs[1] || len(ev.Diagnostics) > 0 {
		t.Errorf("got:\n%s", render(ev))
	}
}

func TestPrompt(t *testing.T) {
	for _, tt := range []struct {
		line, command, host, context string
		ok                           bool
	}{
		{"fw1# show conn", "show conn", "fw1", "", true},
		{"fw1/admin# show mode", "show mode", "fw1", "admin", true},
		{"fw/pri/act# sh conn", "sh conn", "fw", "", true},
		{"fw/sec/stby#", "", "fw", "", true},
		{"host/ctx/pri/act# sh conn", "sh conn", "host", "ctx", true},
		{"fw1/voice/sec/stby# show service-policy", "show service-policy", "fw1", "voice", true},
		{"Sydney-FW#show conn all", "show conn all", "Sydney-FW", "", true},
		{"> show service-policy", "show service-policy", "", "", true},
		{">", "", "", "", true},
		{"fw1(config)# do sh conn", "sh conn", "fw1", "", true},
		{"fw1> show conn", "show conn", "fw1", "", true},
		// A note is not a prompt: without a host only a show command makes one.
		{"# notes from the ticket", "", "", "", false},
		{"UDP outside 198.51.100.7:5060 inside 10.1.1.10:5060, idle 0:00:01, bytes 1, flags -", "", "", "", false},
		{"T - SIP, t - SIP transient, U - up,", "", "", "", false},
	} {
		command, host, context, ok := prompt(tt.line)
		if command != tt.command || host != tt.host || context != tt.context || ok != tt.ok {
			t.Errorf("prompt(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", tt.line, command, host, context, ok, tt.command, tt.host, tt.context, tt.ok)
		}
	}
}

// An output whose prompt names a host no audited configuration has is reported with what
// it held; outputs without a host, or a configuration without a hostname, match any.
func TestUnmatched(t *testing.T) {
	in := "fw2/pri/act# show conn\n2 in use, 2 most used\n" +
		"UDP outside 198.51.100.7:5060 inside 10.1.1.10:5060, idle 0:00:03, bytes 1, flags T\n" +
		"UDP outside 198.51.100.8:5060 inside 10.1.1.10:5060, idle 0:00:03, bytes 1, flags T\n" +
		"fw2/voice# show service-policy\nGlobal policy:\n  Service-policy: gp\n    Class-map: c\n      Inspect: sip , packet 1, lock fail 0, drop 0, reset-drop 0\n" +
		"fw1# show conn\n0 in use, 1 most used\n" +
		"fw2# show version\nCisco Adaptive Security Appliance Software Version 9.8(4)\n" +
		"> show conn\n0 in use, 1 most used\n"
	ev, err := Parse(strings.NewReader(in), "x")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range ev.Unmatched([]string{"fw1", "voice2"}) {
		got = append(got, fmt.Sprintf("%s %s/%s flows=%d counters=%d", u.Output.Pos, u.Output.Host, u.Output.Context, u.Flows, u.Counters))
	}
	if want := "x:1 fw2/ flows=2 counters=0, x:5 fw2/voice flows=0 counters=1"; strings.Join(got, ", ") != want {
		t.Errorf("Unmatched(fw1, voice2) = %q, want %q", got, want)
	}
	if u := ev.Unmatched([]string{"voice"}); len(u) != 2 || u[0].Output.Pos.Line != 1 || u[1].Output.Pos.Line != 10 {
		t.Errorf("the context voice matches fw2/voice only: %v", u)
	}
	if u := ev.Unmatched([]string{"fw1", ""}); u != nil {
		t.Errorf("a configuration without a hostname takes every output: %v", u)
	}
}

// Unread lines are counted one by one, a run of them as its length.
func TestUnreadLines(t *testing.T) {
	ev, err := Parse(strings.NewReader("notes\nmore notes\n0 in use, 1 most used\nstray words\n"), "x")
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.UnreadLines(); got != 3 || len(ev.Diagnostics) != 2 {
		t.Errorf("UnreadLines = %d over %v, want 3 lines in 2 diagnostics", got, ev.Diagnostics)
	}
	if (*Evidence)(nil).UnreadLines() != 0 {
		t.Error("nil evidence has unread lines")
	}
}

// --evidence /dev/zero and /dev/urandom are refused at once, never read for ever.
func TestEndlessBinaryEvidence(t *testing.T) {
	for name, chunk := range map[string][]byte{
		"NULs, no newline":  make([]byte, 64),
		"NULs and newlines": []byte("fw1# show conn\n\x00\x01\n"),
	} {
		if _, err := Parse(&testio.Endless{Chunk: chunk}, "ev.bin"); err == nil || !strings.Contains(err.Error(), "binary data") {
			t.Errorf("%s: error %v, want binary data", name, err)
		}
	}
}
