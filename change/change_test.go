package change

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/parser"
)

const running = `ASA Version 9.8(4)
hostname fw1
interface GigabitEthernet0/0
 nameif outside
class-map inspection_default
 match default-inspection-traffic
policy-map type inspect dns preset_dns_map
 parameters
  message-length maximum client auto
policy-map global_policy
 class inspection_default
  inspect dns preset_dns_map
  inspect sip
 class class-default
  user-statistics accounting
service-policy global_policy global
timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00
timeout sip 0:30:00 sip_media 0:02:00
`

func runningConfig(t *testing.T) *parser.Config {
	t.Helper()
	cfg, err := parser.Parse(strings.NewReader(running), "running.txt")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func apply(t *testing.T, script string) (*parser.Config, *Result) {
	t.Helper()
	s, err := Read(strings.NewReader(script), "change.txt")
	if err != nil {
		t.Fatal(err)
	}
	cfg := runningConfig(t)
	return cfg, s.Apply(cfg)
}

// The mode each command leaves the session in, as "LINE MODE".
func TestModeRules(t *testing.T) {
	tests := []struct {
		name, script string
		want         []string
	}{
		{"indented", "policy-map global_policy\n class inspection_default\n  no inspect sip\n",
			[]string{"1 config-pmap", "2 config-pmap-c", "3 config-pmap-c"}},
		{"without indentation", "policy-map global_policy\nclass inspection_default\nno inspect sip\n",
			[]string{"1 config-pmap", "2 config-pmap-c", "3 config-pmap-c"}},
		{"a global command leaves the sub-modes", "policy-map global_policy\n class inspection_default\n  inspect ftp\ntimeout sip 0:10:00\n  inspect sip\n",
			[]string{"1 config-pmap", "2 config-pmap-c", "3 config-pmap-c", "4 config", "5 config"}},
		{"class in class mode is the policy-map's", "policy-map global_policy\n class inspection_default\n class class-default\n  inspect sip\n",
			[]string{"1 config-pmap", "2 config-pmap-c", "3 config-pmap-c", "4 config-pmap-c"}},
		{"exit goes up one level", "policy-map global_policy\n class inspection_default\n exit\nexit\nexit\ntimeout sip 0:10:00\n",
			[]string{"1 config-pmap", "2 config-pmap-c", "3 config-pmap", "4 config", "5 exec", "6 exec"}},
		{"end leaves configuration mode, configure terminal returns", "class-map sip-5080\nend\nconf t\n match port udp eq 5080\ntimeout sip 0:10:00\n",
			[]string{"1 config-cmap", "2 exec", "3 config", "4 config", "5 config"}},
		{"class-map mode", "configure terminal\nclass-map sip-5080\n description provider\n match port udp eq 5080\n",
			[]string{"1 config", "2 config-cmap", "3 config-cmap", "4 config-cmap"}},
		{"policy-map in class-map mode", "class-map sip-5080\n match port udp eq 5080\npolicy-map global_policy\n class sip-5080\n",
			[]string{"1 config-cmap", "2 config-cmap", "3 config-pmap", "4 config-pmap-c"}},
		{"class in class-map mode is not the policy-map's", "class-map sip-5080\n class inspection_default\n",
			[]string{"1 config-cmap", "2 config-other"}},
		{"a sub-mode that is not modelled", "interface GigabitEthernet0/1\n nameif dmz\n security-level 50\ntimeout sip 0:10:00\n",
			[]string{"1 config-other", "2 config-other", "3 config-other", "4 config"}},
		{"indentation keeps a global command in an unmodelled sub-mode", "object network obj_any\n nat (any,outside) dynamic interface\nnat (inside,outside) source static a a\n",
			[]string{"1 config-other", "2 config-other", "3 config"}},
		{"a one-line command opens no sub-mode", "access-list voice extended permit udp any any eq 5080\n inspect sip\n",
			[]string{"1 config", "2 config"}},
		{"inspect policy-map", "policy-map type inspect sip sip-map\n parameters\n  rtp-conformance\n match request-method message\n  drop-connection log\npolicy-map global_policy\n",
			[]string{"1 config-pmap", "2 config-pmap-inspect", "3 config-pmap-inspect", "4 config-pmap-inspect", "5 config-pmap-inspect", "6 config-pmap"}},
		{"an unknown command keeps the mode", "policy-map global_policy\n class inspection_default\n  frobnicate sip\n  inspect ftp\n",
			[]string{"1 config-pmap", "2 config-pmap-c", "3 config-pmap-c", "4 config-pmap-c"}},
		{"hierarchical service-policy is a class action", "policy-map global_policy\n class class-default\n  service-policy child\nservice-policy global_policy global\n",
			[]string{"1 config-pmap", "2 config-pmap-c", "3 config-pmap-c", "4 config"}},
		{"exec commands keep the mode", "policy-map global_policy\nshow running-config policy-map\n class inspection_default\nwrite memory\n",
			[]string{"1 config-pmap", "2 config-pmap", "3 config-pmap-c", "4 config-pmap-c"}},
		{"match is not a layer 3/4 policy-map command", "policy-map global_policy\n match port udp eq 5080\n",
			[]string{"1 config-pmap", "2 config-pmap"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, res := apply(t, tt.script)
			if strings.Join(res.trace, "|") != strings.Join(tt.want, "|") {
				t.Errorf("modes:\n got  %q\n want %q\nskipped: %+v", res.trace, tt.want, res.Skipped)
			}
		})
	}
}

func printed(t *testing.T, cfg *parser.Config) string {
	t.Helper()
	var b strings.Builder
	if err := parser.Print(&b, cfg); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// What the commands do to the configuration.
func TestApply(t *testing.T) {
	tests := []struct {
		name, script string
		has, lacks   []string // blocks of the printed result
		skipped      []string // reasons, in order
	}{
		{
			name:   "no inspect sip",
			script: "policy-map global_policy\n class inspection_default\n  no inspect sip\n",
			has:    []string{" class inspection_default\n  inspect dns preset_dns_map\n class class-default\n"},
		},
		{
			name:    "no inspect sip where there is none",
			script:  "policy-map global_policy\n class class-default\n  no inspect sip\n",
			skipped: []string{"class class-default has no inspect sip: nothing to remove"},
		},
		{
			name:    "a second inspect sip is refused",
			script:  "policy-map global_policy\n class inspection_default\n  inspect sip sip-map\n  inspect sip\n",
			has:     []string{"  inspect dns preset_dns_map\n  inspect sip\n class class-default"},
			skipped: []string{`the ASA refuses a second inspect sip in class inspection_default (it has "inspect sip"): enter "no inspect sip" first`},
		},
		{
			name:    "the parts of h323 are inspections of their own",
			script:  "policy-map global_policy\n class inspection_default\n  inspect h323 h225\n  inspect h323 ras\n  inspect h323 ras\n  inspect h323 h225 h323-map\n",
			has:     []string{"  inspect sip\n  inspect h323 h225\n  inspect h323 ras\n class class-default"},
			skipped: []string{`the ASA refuses a second inspect h323 h225 in class inspection_default (it has "inspect h323 h225"): enter "no inspect h323 h225" first`},
		},
		{
			name:   "re-entering a policy-map appends, before class-default",
			script: "class-map sip-5080\n match port udp eq 5080\npolicy-map global_policy\n class sip-5080\n  inspect sip\n",
			has: []string{"class-map sip-5080\n match port udp eq 5080\n",
				"policy-map global_policy\n class inspection_default\n  inspect dns preset_dns_map\n  inspect sip\n class sip-5080\n  inspect sip\n class class-default\n"},
		},
		{
			name:   "a new match of the same kind replaces the old one",
			script: "class-map sip-5080\n match port udp eq 5060\n match port udp eq 5080\n",
			has:    []string{"class-map sip-5080\n match port udp eq 5080\n!"},
		},
		{
			name:    "one match per layer 3/4 class-map",
			script:  "class-map inspection_default\n match port udp eq 5080\n match access-list voice\n",
			has:     []string{"class-map inspection_default\n match default-inspection-traffic\n match access-list voice\n!"},
			skipped: []string{`the ASA refuses it: class-map inspection_default already has "match default-inspection-traffic"; enter "no match default-inspection-traffic" first`},
		},
		{
			name:   "no match and description",
			script: "class-map inspection_default\n description default\n no match default-inspection-traffic\n",
			has:    []string{"class-map inspection_default\n description default\n!"},
		},
		{
			name:   "no class-map, no policy-map, no class",
			script: "no class-map inspection_default\npolicy-map global_policy\n no class class-default\nno policy-map type inspect dns preset_dns_map\n",
			has:    []string{"policy-map global_policy\n class inspection_default\n  inspect dns preset_dns_map\n  inspect sip\n!"},
			lacks:  []string{"class-map inspection_default", "preset_dns_map\n parameters", "class class-default"},
		},
		{
			name:    "removing what does not exist",
			script:  "no class-map nosuch\nno policy-map nosuch\nno service-policy global_policy interface outside\n",
			skipped: []string{"class-map nosuch does not exist: nothing to remove", "policy-map nosuch does not exist: nothing to remove", `"service-policy global_policy interface outside" is not configured: nothing to remove`},
		},
		{
			name:   "no service-policy",
			script: "no service-policy global_policy global\n",
			lacks:  []string{"service-policy global_policy global"},
		},
		{
			name:    "one global service-policy",
			script:  "service-policy other global\nservice-policy global_policy global\nservice-policy other interface outside\n",
			has:     []string{"service-policy global_policy global\nservice-policy other interface outside\n"},
			skipped: []string{`the ASA refuses it: only one service-policy applies globally, and "service-policy global_policy global" (line 16) does; remove it first`},
		},
		{
			name:   "timeouts",
			script: "timeout sip 0:10:00 udp 0:01:00\n",
			has:    []string{"timeout conn 1:00:00 half-closed 0:10:00\ntimeout sip_media 0:02:00\ntimeout sip 0:10:00 udp 0:01:00\n"},
		},
		{
			name:   "no timeout KEYWORD",
			script: "no timeout sip\nno timeout udp 0:02:00 sip_media\n",
			has:    []string{"!\ntimeout conn 1:00:00 half-closed 0:10:00\n!"},
		},
		{
			name:   "no timeout",
			script: "no timeout\n",
			lacks:  []string{"timeout"},
		},
		{
			name:   "set connection timeout idle",
			script: "policy-map global_policy\n class class-default\n  set connection timeout embryonic 0:00:30 idle 0:05:00\n  set connection timeout idle 0:10:00 reset\n",
			has:    []string{"  user-statistics accounting\n  set connection timeout embryonic 0:00:30\n  set connection timeout idle 0:10:00 reset\n"},
		},
		{
			name:    "no set connection timeout idle",
			script:  "policy-map global_policy\n class class-default\n  set connection timeout idle 0:10:00\n  no set connection timeout idle\n  no set connection timeout idle\n",
			has:     []string{" class class-default\n  user-statistics accounting\n!"},
			skipped: []string{"class class-default sets no such connection timeout: nothing to remove"},
		},
		{
			name:   "other actions are kept as text",
			script: "policy-map global_policy\n class class-default\n  no user-statistics\n  police output 56000\n  police output 56000\n",
			has:    []string{" class class-default\n  police output 56000\n!"},
		},
		{
			name:   "inspect policy-map settings",
			script: "policy-map type inspect dns preset_dns_map\n parameters\n  no message-length maximum client\n  no tcp-inspection\npolicy-map type inspect sip sip-map\n parameters\n  rtp-conformance\n",
			has:    []string{"policy-map type inspect dns preset_dns_map\n parameters\n  no tcp-inspection\n", "policy-map type inspect sip sip-map\n parameters\n  rtp-conformance\n"},
		},
		{
			name:   "commands outside the model",
			script: "access-list voice extended permit udp any any eq 5080\nfrobnicate now\ninterface GigabitEthernet0/1\n nameif dmz\npolicy-map global_policy\n rename voice_policy\n description VoIP\nclass-map inspection_default\n rename x\ntimeout sip soon\nwrite memory\n",
			skipped: []string{
				"outside the sections the audit reads (class-map, policy-map, service-policy, timeout)",
				"unknown command: the ASA would reject it",
				"outside the sections the audit reads (class-map, policy-map, service-policy, timeout)",
				`in the sub-mode of "interface GigabitEthernet0/1" (line 3), outside the sections the audit reads`,
				"rename is not simulated: write the block under its new name and change what refers to it",
				"policy-map descriptions are not kept by the audit (they do not affect SIP)",
				"rename is not simulated: write the block under its new name and change what refers to it",
				`cannot read it: unexpected token "sip" (expected TimeoutEntry+)`,
				"an exec command: it changes no configuration",
			},
		},
		{
			name:    "abbreviations",
			script:  "policy-m global_policy\ntim sip 0:10:00\n",
			skipped: []string{`"policy-m" abbreviates "policy-map": abbreviations are not simulated, write commands in full`, `"tim" is an ambiguous abbreviation (time-range, timeout): write commands in full`},
		},
		{
			name:    "after end",
			script:  "end\ntimeout sip 0:10:00\n",
			skipped: []string{`not in configuration mode ("end" at line 1 left it): the ASA would not take it as configuration`},
		},
		{
			name:    "a class-map and a policy-map of another type",
			script:  "class-map type inspect sip inspection_default\npolicy-map preset_dns_map\n",
			skipped: []string{`the ASA refuses it: "class-map inspection_default" already exists (line 5)`, `the ASA refuses it: "policy-map type inspect dns preset_dns_map" already exists (line 7)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, res := apply(t, tt.script)
			out := printed(t, cfg)
			for _, h := range tt.has {
				if !strings.Contains(out, h) {
					t.Errorf("result lacks\n%s\n--- result ---\n%s", h, out)
				}
			}
			for _, l := range tt.lacks {
				if strings.Contains(out, l) {
					t.Errorf("result still has %q\n--- result ---\n%s", l, out)
				}
			}
			var got []string
			for _, s := range res.Skipped {
				got = append(got, s.Reason)
			}
			if strings.Join(got, "\n") != strings.Join(tt.skipped, "\n") {
				t.Errorf("skipped:\n got  %q\n want %q", got, tt.skipped)
			}
		})
	}
}

// New nodes are positioned in the script; changed nodes keep their place; the result
// prints and parses back as it is.
func TestPositions(t *testing.T) {
	cfg, res := apply(t, "! provider trunk\nclass-map sip-5080\n match port udp eq 5080\npolicy-map global_policy\n class sip-5080\n   inspect sip\ntimeout udp 0:05:00\n")
	if len(res.Skipped) != 0 || res.Simulated != 6 {
		t.Fatalf("simulated %d, skipped %+v", res.Simulated, res.Skipped)
	}
	cm := cfg.ClassMaps[1]
	pm := cfg.PolicyMaps[1]
	class := pm.Classes[1]
	tm := cfg.Timeouts[len(cfg.Timeouts)-1]
	for _, c := range []struct {
		what       string
		file       string
		line, col  int
		gotF       string
		gotL, gotC int
	}{
		{"class-map", "change.txt", 2, 1, cm.Pos.Filename, cm.Pos.Line, cm.Pos.Column},
		{"match", "change.txt", 3, 2, cm.Matches[0].Pos.Filename, cm.Matches[0].Pos.Line, cm.Matches[0].Pos.Column},
		{"re-entered policy-map", "running.txt", 10, 1, pm.Pos.Filename, pm.Pos.Line, pm.Pos.Column},
		{"class", "change.txt", 5, 2, class.Pos.Filename, class.Pos.Line, class.Pos.Column},
		{"action", "change.txt", 6, 4, class.Actions[0].Pos.Filename, class.Actions[0].Pos.Line, class.Actions[0].Pos.Column},
		{"timeout entry", "change.txt", 7, 9, tm.Entries[0].Pos.Filename, tm.Entries[0].Pos.Line, tm.Entries[0].Pos.Column},
	} {
		if c.gotF != c.file || c.gotL != c.line || c.gotC != c.col {
			t.Errorf("%s at %s:%d:%d, want %s:%d:%d", c.what, c.gotF, c.gotL, c.gotC, c.file, c.line, c.col)
		}
	}
	// Source is the line as the running-config would show it, whatever the script's indentation.
	if class.Source != " class sip-5080" || class.Actions[0].Source != "  inspect sip" || tm.Source != "timeout udp 0:05:00" {
		t.Errorf("sources %q %q %q", class.Source, class.Actions[0].Source, tm.Source)
	}
	if cfg.Timeouts[0].Source != "timeout conn 1:00:00 half-closed 0:10:00" {
		t.Errorf("the changed timeout line's source was not updated: %q", cfg.Timeouts[0].Source)
	}
	out := printed(t, cfg)
	again, err := parser.Parse(strings.NewReader(out), "printed")
	if err != nil || len(again.Diagnostics) > 0 {
		t.Fatalf("printed result does not parse cleanly: %v %v\n%s", err, again.Diagnostics, out)
	}
	if printed(t, again) != out {
		t.Errorf("printed result does not print back the same")
	}
}

func TestReadRejectsWhatIsNotAScript(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"json", `  {"policy-map": "global_policy"}`, "change.txt:1: JSON"},
		{"gzip", "\x1f\x8b\x08\x00rest", "change.txt:1: compressed data"},
		{"CR-only line ends", "configure terminal\rtimeout sip 0:10:00\rend\r", "change.txt:1: its lines end in carriage returns only"},
		{"binary", "timeout sip 0:10:00\nti\x00meout\n", "change.txt:2: binary data"},
		{"saved running-config", "! saved\n: Saved\n:\nASA Version 9.8(4)\n", `change.txt:2: ": Saved" belongs to a saved running-config`},
		{"running-config without header", "ASA Version 9.8(4)\nhostname fw1\n", `change.txt:1: "ASA Version 9.8(4)" belongs to a saved running-config`},
		{"terminal capture", "fw1(config)# timeout sip 0:10:00\n", "change.txt:1: \"fw1(config)# timeout sip 0:10:00\" starts with a CLI prompt"},
		{"show output", "\nGlobal policy:\n  Service-policy: global_policy\n", `change.txt:2: "Global policy:" is not a configuration command`},
		{"show conn", "2 in use, 10 most used\n", `change.txt:1: "2 in use, 10 most used" is not a configuration command`},
		{"label", "policy-map global_policy\n class: inspection_default\n", `change.txt:2: "class: inspection_default" is not a configuration command`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in), "change.txt")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || !errors.Is(err, ErrNotScript) {
				t.Errorf("error %v, want one starting %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestReadAcceptsConfigText(t *testing.T) {
	s, err := Read(strings.NewReader("\xef\xbb\xbf! comment\r\nconfigure terminal\r\n\tpolicy-map global_policy  \r\n\r\n  class inspection_default\r\nend\r\n"), "change.txt")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range s.Commands {
		got = append(got, strings.Join(c.Words, " "))
	}
	if strings.Join(got, "|") != "configure terminal|policy-map global_policy|class inspection_default|end" || s.Commands[1].Line != 3 || s.Commands[2].Indent != 2 {
		t.Errorf("commands %q %+v", got, s.Commands)
	}
}

const pathsRunning = `ASA Version 9.8(4)
hostname fw1
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.0
interface GigabitEthernet0/1
 nameif phones
 security-level 50
 ip address 10.200.41.1 255.255.255.0
access-list phones_in remark web
access-list phones_in extended permit tcp any any eq www
access-list phones_in extended deny udp any any eq 5080
access-list outside_in extended permit icmp any any
access-group phones_in in interface phones
access-group outside_in in interface outside
object network phones
 subnet 10.200.41.0 255.255.255.0
object network pbx
 host 10.200.41.5
 nat (phones,outside) static 198.51.100.5
object-group network providers
 network-object host 204.11.192.22
nat (phones,outside) source static phones phones destination static providers providers
nat (phones,outside) after-auto source dynamic any interface
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
class-map inspection_default
 match default-inspection-traffic
`

// pathState writes the path sections of cfg as the tests compare them.
func pathState(ps *parser.Paths) string {
	var b strings.Builder
	for _, name := range []string{"phones_in", "outside_in", "voice"} {
		if acl := ps.AccessList(name); acl != nil {
			for i := range acl.Len() {
				_, t := acl.Line(i)
				b.WriteString(t + "\n")
			}
		}
	}
	for _, g := range ps.AccessGroups {
		b.WriteString(g.Source + "\n")
	}
	for _, s := range ps.SameSecurity {
		b.WriteString("same-security-traffic permit " + s.Kind + "\n")
	}
	for _, name := range []string{"phones", "pbx", "sip"} {
		if o := ps.Object(name); o != nil {
			b.WriteString("object " + o.Kind + " " + name)
			if o.Host != nil {
				b.WriteString(" host " + o.Host.Address.Raw)
			}
			if o.Subnet != nil {
				b.WriteString(" subnet " + o.Subnet.Address.Raw)
			}
			b.WriteString("\n")
		}
	}
	for i := range ps.ObjectNAT.Len() {
		_, t := ps.ObjectNAT.Line(i)
		b.WriteString(ps.ObjectNATOf(i) + ":" + t + "\n")
	}
	for _, d := range []lines{ps.NAT, ps.Routes, ps.Statics, ps.Globals} {
		for i := range d.Len() {
			_, t := d.Line(i)
			b.WriteString(t + "\n")
		}
	}
	if g := ps.ObjectGroup("providers"); g != nil {
		for _, n := range g.Networks {
			b.WriteString("providers " + n.Host.Raw + "\n")
		}
	}
	return b.String()
}

func applyPaths(t *testing.T, script string) (*parser.Config, *Result) {
	t.Helper()
	s, err := Read(strings.NewReader(script), "change.txt")
	if err != nil {
		t.Fatal(err)
	}
	cfg, res, err := s.After(strings.NewReader(pathsRunning), "running.txt", parser.Options{Paths: true})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, res
}

// The path sections' commands, applied as the ASA applies them.
func TestApplyPaths(t *testing.T) {
	before, _ := applyPaths(t, "")
	tests := []struct {
		name, script string
		// changes lists the lines of pathState that the script removes ("-") and adds ("+").
		changes []string
		skipped []string // reasons, by substring
	}{
		{"append", "access-list phones_in extended permit udp any any eq 5060\n",
			[]string{"+access-list phones_in extended permit udp any any eq 5060"}, nil},
		{"insert at line N: remarks count", "access-list phones_in line 2 extended permit udp any any eq 5080\n",
			[]string{"+access-list phones_in extended permit udp any any eq 5080@1"}, nil},
		{"line past the end appends", "access-list phones_in line 9 remark end\n",
			[]string{"+access-list phones_in remark end"}, nil},
		{"remove an entry", "no access-list phones_in line 3 extended deny udp any any eq 5080\n",
			[]string{"-access-list phones_in extended deny udp any any eq 5080"}, nil},
		{"remove an entry that is not there", "no access-list phones_in extended deny udp any any eq 5061\n",
			nil, []string{"nothing to remove"}},
		{"remove the list and its access-group", "no access-list phones_in\n",
			[]string{"-access-list phones_in remark web", "-access-list phones_in extended permit tcp any any eq www",
				"-access-list phones_in extended deny udp any any eq 5080", "-access-group phones_in in interface phones"}, nil},
		{"clear configure access-list", "clear configure access-list outside_in\n",
			[]string{"-access-list outside_in extended permit icmp any any", "-access-group outside_in in interface outside"}, nil},
		{"a new list", "access-list voice extended permit udp any any eq sip\n",
			[]string{"+access-list voice extended permit udp any any eq sip"}, nil},
		{"a duplicate entry changes nothing", "access-list outside_in extended permit icmp any any\n", nil, nil},
		{"an entry of another kind is refused", "access-list outside_in standard permit any4\n", nil, []string{"holds extended entries"}},
		{"an unknown object is refused", "access-list outside_in extended permit udp any object nothere eq sip\n", nil, []string{"object nothere does not exist"}},
		{"an unreadable entry", "access-list outside_in extended permit udp any\n", nil, []string{"cannot read it"}},
		{"replace an access-group", "access-list voice extended permit ip any any\naccess-group voice in interface phones\n",
			[]string{"+access-list voice extended permit ip any any", "-access-group phones_in in interface phones", "+access-group voice in interface phones"}, nil},
		{"access-group global", "access-group outside_in global\n", []string{"+access-group outside_in global"}, nil},
		{"no access-group", "no access-group outside_in in interface outside\n", []string{"-access-group outside_in in interface outside"}, nil},
		{"access-group of a missing list", "access-group nothere in interface phones\n", nil, []string{"access-list nothere does not exist"}},
		{"access-group of a missing interface", "access-group outside_in in interface dmz\n", nil, []string{"no interface is named dmz"}},
		{"same-security-traffic", "same-security-traffic permit inter-interface\n", []string{"+same-security-traffic permit inter-interface"}, nil},
		{"no same-security-traffic that is not there", "no same-security-traffic permit intra-interface\n", nil, []string{"nothing to remove"}},
		{"object NAT in the sub-mode replaces the object's", "object network pbx\n nat (phones,outside) static 198.51.100.6\n",
			[]string{"-pbx: nat (phones,outside) static 198.51.100.5", "+pbx: nat (phones,outside) static 198.51.100.6"}, nil},
		{"no nat in the sub-mode", "object network pbx\n no nat (phones,outside) static 198.51.100.5\n",
			[]string{"-pbx: nat (phones,outside) static 198.51.100.5"}, nil},
		{"a new object with NAT", "object network sip\n host 10.200.41.6\n nat (phones,outside) dynamic interface\n",
			[]string{"+object network sip host 10.200.41.6", "+sip: nat (phones,outside) dynamic interface"}, nil},
		{"an object's address is replaced", "object network pbx\n host 10.200.41.7\n",
			[]string{"-object network pbx host 10.200.41.5", "+object network pbx host 10.200.41.7"}, nil},
		{"an object of another kind is refused", "object service pbx\n", nil, []string{"already exists"}},
		{"no object", "no object network pbx\n",
			[]string{"-object network pbx host 10.200.41.5", "-pbx: nat (phones,outside) static 198.51.100.5"}, nil},
		{"object-group lines", "object-group network providers\n network-object host 204.11.192.23\n no network-object host 204.11.192.22\n",
			[]string{"-providers 204.11.192.22", "+providers 204.11.192.23"}, nil},
		{"twice NAT at line 1", "nat (phones,outside) 1 source static any any\n",
			[]string{"+nat (phones,outside) source static any any@nat0"}, nil},
		{"twice NAT in the sub-mode of an object is global", "object network pbx\n nat (phones,outside) after-auto source dynamic phones interface\n",
			[]string{"+nat (phones,outside) after-auto source dynamic phones interface"}, nil},
		{"no twice NAT", "no nat (phones,outside) after-auto source dynamic any interface\n",
			[]string{"-nat (phones,outside) after-auto source dynamic any interface"}, nil},
		{"route", "route outside 192.0.2.0 255.255.255.0 198.51.100.1 5\nno route outside 0.0.0.0 0.0.0.0 198.51.100.1 1\n",
			[]string{"-route outside 0.0.0.0 0.0.0.0 198.51.100.1 1", "+route outside 192.0.2.0 255.255.255.0 198.51.100.1 5"}, nil},
		{"8.2 static and global", "static (phones,outside) 198.51.100.9 10.200.41.9 netmask 255.255.255.255\nglobal (outside) 1 interface\n",
			[]string{"+static (phones,outside) 198.51.100.9 10.200.41.9 netmask 255.255.255.255", "+global (outside) 1 interface"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, res := applyPaths(t, tt.script)
			got := diffLines(pathState(before.Paths), pathState(cfg.Paths))
			want := map[string]bool{}
			for _, c := range tt.changes {
				want[strings.Split(c, "@")[0]] = true
			}
			if strings.Join(sorted(got), "\n") != strings.Join(sorted(keys(want)), "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(sorted(got), "\n"), strings.Join(sorted(keys(want)), "\n"))
			}
			for _, c := range tt.changes {
				text, at, ok := strings.Cut(c[1:], "@")
				if !ok {
					continue
				}
				var d interface{ Line(int) (int, string) } = cfg.Paths.AccessList("phones_in")
				if after, ok := strings.CutPrefix(at, "nat"); ok {
					d, at = cfg.Paths.NAT, after
				}
				i := int(at[0] - '0')
				if _, l := d.Line(i); l != text {
					t.Errorf("line %d is %q, want %q", i, l, text)
				}
			}
			if len(res.Skipped) != len(tt.skipped) {
				t.Fatalf("skipped %v, want %d", res.Skipped, len(tt.skipped))
			}
			for i, k := range res.Skipped {
				if !strings.Contains(k.Reason, tt.skipped[i]) {
					t.Errorf("skipped for %q, want %q", k.Reason, tt.skipped[i])
				}
			}
		})
	}
}

// diffLines returns the lines of a that b lacks ("-") and those of b that a lacks ("+").
func diffLines(a, b string) []string {
	count := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		count[l]--
	}
	for _, l := range strings.Split(b, "\n") {
		count[l]++
	}
	var out []string
	for l, n := range count {
		for ; n < 0; n++ {
			out = append(out, "-"+l)
		}
		for ; n > 0; n-- {
			out = append(out, "+"+l)
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

// Without the path rules, the access-lists of "match access-list" (and those the script
// names) are read by a second pass and the script changes them there; the commands of the
// sections only the path rules read are listed as not simulated.
func TestApplyPathsWithoutPathRules(t *testing.T) {
	running := pathsRunning + "class-map voice\n match access-list outside_in\n"
	s, err := Read(strings.NewReader("access-list outside_in line 1 extended deny udp any any eq 5080\naccess-list phones_in extended permit udp any any eq sip\naccess-group phones_in global\n"), "change.txt")
	if err != nil {
		t.Fatal(err)
	}
	cfg, res, err := s.After(strings.NewReader(running), "running.txt", parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Paths != nil || cfg.ACLs == nil {
		t.Fatalf("Paths %v, ACLs %v: want the second pass's ACLs only", cfg.Paths, cfg.ACLs)
	}
	acl := cfg.ACLs.AccessList("outside_in")
	if _, text := acl.Line(0); acl.Len() != 2 || text != "access-list outside_in extended deny udp any any eq 5080" {
		t.Errorf("outside_in has %d lines, the first %q", acl.Len(), text)
	}
	if e := acl.At(0); e == nil || e.Pos.Line != 1 {
		t.Errorf("the added entry reads %+v, want it at line 1", e)
	}
	if acl := cfg.ACLs.AccessList("phones_in"); acl == nil || acl.Len() != 4 {
		t.Errorf("phones_in, named by the script, was not read and changed: %v", acl)
	}
	if !res.Added(1, "access-list outside_in extended deny udp any any eq 5080") || res.Added(2, "access-list outside_in extended deny udp any any eq 5080") {
		t.Error("Added does not tell the script's line")
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Pos.Line != 3 || !strings.Contains(res.Skipped[0].Reason, "--clients and --provider") {
		t.Errorf("skipped %v, want the access-group", res.Skipped)
	}
}

// After reads the lines of a configuration file back from it when they are asked for, so
// a file changed meanwhile is found (Config.ReadBackErr), as the audit finds it.
func TestAfterReadsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "running.txt")
	if err := os.WriteFile(path, []byte(pathsRunning), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Read(strings.NewReader("timeout sip 0:05:00\n"), "c.txt")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := s.After(f, path, parser.Options{Paths: true})
	if err != nil || cfg.ReadBackErr() != nil {
		t.Fatalf("after: %v %v", err, cfg.ReadBackErr())
	}
	if err := os.WriteFile(path, []byte(pathsRunning+"!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cfg.ReadBackErr(); !errors.Is(err, parser.ErrChanged) {
		t.Errorf("ReadBackErr after the file changed: %v", err)
	}
}
