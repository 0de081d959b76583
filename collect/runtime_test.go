package collect

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/asasim"
	"github.com/asaaudit/asaaudit/evidence"
)

func TestEvidenceCommands(t *testing.T) {
	cases := []struct {
		name  string
		ports []Port
		want  []string
	}{
		{"none", nil, []string{"show service-policy", "show service-policy inspect sip", "show running-config all timeout"}},
		{"defaults", []Port{{"udp", 5060}, {"tcp", 5060}},
			[]string{"show conn protocol udp port 5060 long", "show conn protocol tcp port 5060 long", "show service-policy", "show service-policy inspect sip", "show running-config all timeout"}},
		{"adjacent ports make a range, duplicates count once", []Port{{"udp", 5080}, {"udp", 5061}, {"udp", 5060}, {"udp", 5061}},
			[]string{"show conn protocol udp port 5060-5061 long", "show conn protocol udp port 5080 long", "show service-policy", "show service-policy inspect sip", "show running-config all timeout"}},
		{"three in a row", []Port{{"tcp", 5062}, {"tcp", 5060}, {"tcp", 5061}},
			[]string{"show conn protocol tcp port 5060-5062 long", "show service-policy", "show service-policy inspect sip", "show running-config all timeout"}},
	}
	for _, c := range cases {
		got := EvidenceCommands(c.ports)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		for _, cmd := range got {
			if err := Allowed(cmd); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
}

func TestCapture(t *testing.T) {
	refused := &Error{Target: "fw1", Kind: ErrCommand, Msg: "refused"}
	got := string(Capture([]Output{
		{Prompt: "fw1#", Command: "show mode", Text: "Security context mode: multiple\n"},
		{Prompt: "fw1#", Command: "show context", Text: " voice   default   Gi1/1   Routed   ftp://audit:S3cret@192.0.2.9/voice.cfg"},
		{Prompt: "fw1/voice#", Command: "show conn protocol tcp port 5060 long", Text: "ERROR: % Invalid input\n", Err: refused},
		{Prompt: "fw1/voice#", Command: "show service-policy", Text: ""},
	}))
	want := "fw1# show mode\nSecurity context mode: multiple\n" +
		"fw1# show context\n voice   default   Gi1/1   Routed   ftp://audit:*****@192.0.2.9/voice.cfg\n" +
		"fw1/voice# show service-policy\n"
	if got != want {
		t.Errorf("Capture:\n%s\nwant:\n%s", got, want)
	}
}

// seedConns is the seed's "show conn ... port 5080 long": a provider flow with a one-minute
// timeout.
const seedConns = `2 in use, 412 most used

UDP EXTERNAL02: 204.11.192.22/5080 (204.11.192.22/5080) TRUST01: 10.200.41.89/55589 (1.22.11.100/55589), flags - , idle 1s, uptime 8m18s, timeout 1m0s, bytes 17115
  Initiator: 10.200.41.89, Responder: 204.11.192.22
  Connection lookup keyid: 1180637264
`

const servicePolicy = `
Global policy:
  Service-policy: global_policy
    Class-map: inspection_default
      Inspect: sip , packet 120, lock fail 0, drop 0, reset-drop 0, 5-min-pkt-rate 0 pkts/sec, v6-fail-close 0 sctp-drop-override 0
`

// Single-context mode: show mode, then the evidence commands at the device's prompt; a
// command the device refuses is kept with its error and does not fail the host.
func TestCollectEvidenceSingleContext(t *testing.T) {
	f := newFixture(t, func(o *asasim.Options) {
		o.Device.Outputs = map[string]string{
			"show conn protocol udp port 5060-5061 long": "0 in use, 412 most used\n",
			"show conn protocol udp port 5080 long":      seedConns,
			"show service-policy":                        servicePolicy,
		}
	})
	f.opts.Contexts, f.opts.Evidence = true, true
	f.opts.SIPPorts = []Port{{"udp", 5060}, {"udp", 5061}, {"udp", 5080}}
	f.target.SIPPorts = append(slices.Clone(f.opts.SIPPorts), Port{"tcp", 5060}) // this firewall's own ports
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err != nil {
		t.Fatalf("Collect: %v", r.Err)
	}
	if r.Mode != ModeSingle || len(r.Contexts) != 0 || string(r.Config) != testConfig {
		t.Errorf("Mode %q, %d contexts, config of %d bytes", r.Mode, len(r.Contexts), len(r.Config))
	}
	wantCmds := []string{"show mode", "show conn protocol udp port 5060-5061 long", "show conn protocol udp port 5080 long",
		"show conn protocol tcp port 5060 long", "show service-policy", "show service-policy inspect sip", "show running-config all timeout"}
	var cmds []string
	for _, o := range r.Evidence {
		cmds = append(cmds, o.Command)
		if o.Prompt != "fw1#" {
			t.Errorf("%q typed at prompt %q", o.Command, o.Prompt)
		}
		if (o.Err != nil) != (o.Command == "show conn protocol tcp port 5060 long") {
			t.Errorf("%q: Err = %v", o.Command, o.Err)
		}
	}
	if !slices.Equal(cmds, wantCmds) {
		t.Errorf("evidence commands %q, want %q", cmds, wantCmds)
	}
	if e := r.Evidence[3].Err; !errors.Is(e, ErrCommand) || !strings.Contains(e.Error(), "Invalid input") {
		t.Errorf("refused command: %v", e)
	}
	want := append([]string{"enable", "terminal pager 0", "show version", "show running-config"}, wantCmds...)
	if !slices.Equal(r.Sent, want) {
		t.Errorf("Sent = %q, want %q", r.Sent, want)
	}

	// The capture reads back as evidence: the seed's flow with its timeout, the counters,
	// every output under the device's prompt, and no line left unread.
	ev, err := evidence.Parse(strings.NewReader(string(Capture(r.Evidence))), "fw1.show.txt")
	if err != nil {
		t.Fatal(err)
	}
	// show service-policy and show service-policy inspect sip each show the global policy;
	// show running-config all timeout gives the device's timeouts, defaults included.
	if len(ev.Diagnostics) > 0 || len(ev.Conns) != 1 || len(ev.Policies) != 2 || len(ev.Modes) != 1 || ev.DeviceTimeouts("")["sip"] == nil {
		t.Fatalf("evidence: %d conns, %d policies, %d modes, %d timeouts, diagnostics %v", len(ev.Conns), len(ev.Policies), len(ev.Modes), len(ev.Timeouts), ev.Diagnostics)
	}
	if c := ev.Conns[0]; !c.HasPort("udp", 5080) || c.Timeout.String() != "1m0s" || c.Output.Host != "fw1" {
		t.Errorf("conn %+v", c)
	}
}

// multiContextDevice is the emulator of the multiple-context firewall captured in
// fixtures/evidence/multi-context/fw1.txt.
func multiContextDevice(t *testing.T) asasim.Device {
	t.Helper()
	capture, err := os.ReadFile("../fixtures/evidence/multi-context/fw1.txt")
	if err != nil {
		t.Fatal(err)
	}
	d, err := asasim.DeviceFromCaptures(string(capture))
	if err != nil {
		t.Fatal(err)
	}
	d.EnablePassword = testEnable
	return d
}

// A multiple-context firewall: the contexts are listed from the system execution space and
// each is collected in it, under its own prompt and target name.
func TestCollectMultiContext(t *testing.T) {
	device := multiContextDevice(t)
	f := newFixture(t, func(o *asasim.Options) { o.Device = device })
	f.opts.Contexts, f.opts.Evidence = true, true
	f.opts.SIPPorts = []Port{{"udp", 5060}}
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err != nil {
		t.Fatalf("Collect: %v", r.Err)
	}
	if r.Mode != ModeMultiple || r.Hostname != "fw1" {
		t.Errorf("Mode %q, Hostname %q", r.Mode, r.Hostname)
	}
	if string(r.Config) != device.Contexts["admin"].Config {
		t.Errorf("Config is not the admin context's (where the session started)")
	}
	if len(r.Evidence) != 2 || r.Evidence[0].Prompt != "fw1/admin#" || r.Evidence[1].Command != "show context" || r.Evidence[1].Prompt != "fw1#" {
		t.Errorf("device evidence %+v", r.Evidence)
	}
	if len(r.Contexts) != 2 {
		t.Fatalf("contexts %+v", r.Contexts)
	}
	for i, name := range []string{"admin", "voice"} {
		c := r.Contexts[i]
		if c.Name != name || c.Target != "fw1/"+name || c.Err != nil || string(c.Config) != device.Contexts[name].Config {
			t.Errorf("context %d: %q %q %v, config %d bytes", i, c.Name, c.Target, c.Err, len(c.Config))
		}
		var cmds []string
		for _, o := range c.Evidence {
			cmds = append(cmds, o.Command)
			want, ok := device.Contexts[name].Outputs[o.Command]
			if o.Prompt != "fw1/"+name+"#" || o.Err != nil || ok && o.Text != want || !ok && o.Text == "" {
				t.Errorf("%s: %q at %q: %v", name, o.Command, o.Prompt, o.Err)
			}
		}
		if !slices.Equal(cmds, []string{"show conn protocol udp port 5060 long", "show service-policy", "show service-policy inspect sip", "show running-config all timeout"}) {
			t.Errorf("%s: evidence commands %q", name, cmds)
		}
	}
	want := []string{"enable", "<password>", "terminal pager 0", "show version", "show running-config", "show mode",
		"changeto system", "show context",
		"changeto context admin", "terminal pager 0", "show running-config", "show conn protocol udp port 5060 long", "show service-policy", "show service-policy inspect sip", "show running-config all timeout",
		"changeto context voice", "terminal pager 0", "show running-config", "show conn protocol udp port 5060 long", "show service-policy", "show service-policy inspect sip", "show running-config all timeout"}
	if got := f.srv.Transcript(); !slices.Equal(got, want) {
		t.Errorf("Transcript = %q\nwant %q", got, want)
	}
	voice, err := evidence.Parse(strings.NewReader(string(Capture(r.Contexts[1].Evidence))), "fw1_voice.show.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(voice.Conns) != 2 || voice.Conns[0].Output.Context != "voice" || len(voice.Diagnostics) > 0 {
		t.Errorf("voice evidence: %d conns, diagnostics %v", len(voice.Conns), voice.Diagnostics)
	}
}

// What the device refuses in multiple-context mode narrows what is collected, never fails
// the host: a user who may not leave the login context gets that one, and a context that
// cannot be entered is that context's error.
func TestCollectMultiContextRefusals(t *testing.T) {
	const invalid = "ERROR: % Invalid input detected at '^' marker.\n"
	cases := []struct {
		name       string
		system     map[string]string // answers in the system execution space
		admin      map[string]string // answers in the admin context
		contexts   []string
		failed     string // the context whose Err is set
		noEvidence bool
	}{
		{"changeto system refused: show context in the admin context", nil, map[string]string{"changeto system": invalid}, []string{"admin", "voice"}, "", false},
		{"show context refused: the login context only", map[string]string{"show context": invalid}, nil, []string{"admin"}, "", false},
		{"a context that cannot be entered", nil, map[string]string{"changeto context voice": invalid}, []string{"admin", "voice"}, "voice", false},
		{"no evidence: configurations only", nil, nil, []string{"admin", "voice"}, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			device := multiContextDevice(t)
			device.Outputs = c.system
			admin := device.Contexts["admin"]
			for k, v := range c.admin {
				admin.Outputs[k] = v
			}
			device.Contexts["admin"] = admin
			f := newFixture(t, func(o *asasim.Options) { o.Device = device })
			f.opts.Contexts, f.opts.Evidence = true, !c.noEvidence
			f.opts.SIPPorts = []Port{{"udp", 5060}}
			r := Collect(context.Background(), f.target, f.opts)
			checkHygiene(t, f, r)
			if r.Err != nil {
				t.Fatalf("Collect: %v", r.Err)
			}
			var names []string
			for _, ctx := range r.Contexts {
				names = append(names, ctx.Name)
				switch {
				case ctx.Name == c.failed:
					if !errors.Is(ctx.Err, ErrCommand) || !strings.HasPrefix(ctx.Err.Error(), "fw1: context voice: \"changeto context voice\" failed on the device") || ctx.Config != nil {
						t.Errorf("%s: Err = %v", ctx.Name, ctx.Err)
					}
				case ctx.Err != nil || string(ctx.Config) != device.Contexts[ctx.Name].Config:
					t.Errorf("%s: Err = %v, config of %d bytes", ctx.Name, ctx.Err, len(ctx.Config))
				case c.noEvidence != (len(ctx.Evidence) == 0):
					t.Errorf("%s: %d evidence outputs", ctx.Name, len(ctx.Evidence))
				}
			}
			if !slices.Equal(names, c.contexts) {
				t.Errorf("contexts %q, want %q", names, c.contexts)
			}
		})
	}
}

func TestCollectRefusesBadSIPPort(t *testing.T) {
	f := newFixture(t, nil)
	f.opts.Evidence = true
	f.opts.SIPPorts = []Port{{"sctp", 5060}}
	r := Collect(context.Background(), f.target, f.opts)
	if !errors.Is(r.Err, ErrOptions) || len(f.srv.Transcript()) != 0 {
		t.Errorf("Err = %v, transcript %q", r.Err, f.srv.Transcript())
	}
}

func TestSaveAndShowPath(t *testing.T) {
	for target, want := range map[string]string{
		"fw1":            "d/fw1",
		"fw1/voice":      "d/fw1_voice",
		"127.0.0.1:2222": "d/127.0.0.1_2222",
		".hidden/x":      "d/_hidden_x",
	} {
		if got := SavePath("d", target); got != want+".txt" {
			t.Errorf("SavePath(%q) = %q", target, got)
		}
		if got := ShowPath("d", target); got != want+".show.txt" {
			t.Errorf("ShowPath(%q) = %q", target, got)
		}
	}
}

// Options.PacketTracer: its commands run after the evidence, each through the allowlist;
// one the allowlist refuses is never sent (kept with ErrNotAllowed), one the device
// refuses (command authorization) is kept with ErrCommand, and the host is collected.
func TestCollectPacketTracer(t *testing.T) {
	const good = "packet-tracer input inside udp 10.1.1.10 5060 192.0.2.1 5060 xml"
	const denied = "packet-tracer input dmz udp 10.1.1.10 5060 192.0.2.1 5060"
	bad := []string{
		"packet-tracer input inside udp 10.1.1.10 5060 192.0.2.1 5060 ; write memory",
		"packet-tracer input inside udp pbx.example.com 5060 192.0.2.1 5060",
		"packet-tracer input inside icmp 10.1.1.10 8 0 192.0.2.1",
	}
	f := newFixture(t, func(o *asasim.Options) {
		o.Device.Outputs = map[string]string{good: "<Phase>\n<id>1</id>\n<type>ROUTE-LOOKUP</type>\n<result>ALLOW</result>\n</Phase>\n<result>\n<action>allow</action>\n</result>\n"}
		o.Device.Unauthorized = []string{"packet-tracer input dmz"}
	})
	var gotTarget, gotVersion string
	f.opts.PacketTracer = func(target string, config []byte, version string) []string {
		if string(config) != testConfig {
			t.Errorf("PacketTracer got another configuration")
		}
		gotTarget, gotVersion = target, version
		return append([]string{good, denied}, bad...)
	}
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err != nil {
		t.Fatalf("Collect: %v", r.Err)
	}
	if gotTarget != "fw1" || gotVersion != "9.8(4)" {
		t.Errorf("PacketTracer(%q, _, %q)", gotTarget, gotVersion)
	}
	if len(r.Evidence) != 2+len(bad) || r.Evidence[0].Err != nil || !strings.Contains(r.Evidence[0].Text, "<action>allow</action>") ||
		!errors.Is(r.Evidence[1].Err, ErrCommand) || !strings.Contains(r.Evidence[1].Err.Error(), "Command authorization failed") {
		t.Fatalf("evidence %+v", r.Evidence)
	}
	for i, o := range r.Evidence[2:] {
		if !errors.Is(o.Err, ErrNotAllowed) || o.Command != bad[i] {
			t.Errorf("%q: %v", o.Command, o.Err)
		}
	}
	for _, cmd := range f.srv.Transcript() {
		if slices.Contains(bad, cmd) {
			t.Errorf("sent %q", cmd)
		}
	}
	if !slices.Contains(f.srv.Transcript(), good) || !slices.Contains(f.srv.Transcript(), denied) {
		t.Errorf("transcript %q", f.srv.Transcript())
	}
	ev := evidence.ParseOutput("fw1 "+good, good, r.Evidence[0].Text)
	if len(ev.Traces) != 1 || ev.Traces[0].Action != "allow" {
		t.Errorf("traces %+v diagnostics %v", ev.Traces, ev.Diagnostics)
	}
}
