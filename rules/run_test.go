package rules_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/parser"
	"github.com/asaaudit/asaaudit/rules"
)

var runRules = []*rules.Rule{rules.RUN001, rules.RUN002, rules.RUN003, rules.RUN004, rules.RUN005, rules.RUN006}

func seedModel(t *testing.T) *asa.Model {
	t.Helper()
	f, err := os.Open("../fixtures/evidence/seed-9x.config.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := parser.Parse(f, "seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	return asa.New(cfg)
}

const seedConn = "UDP EXTERNAL02: 204.11.192.22/5080 (204.11.192.22/5080) TRUST01: 10.200.41.89/55589 (1.22.11.100/55589), flags - , idle 55s, uptime 8m18s, timeout 1m0s, bytes 17115\n"

// The RUN rules need evidence: without it, with evidence of nothing, or with evidence
// captured on another firewall (its prompt names another host), they are silent.
func TestRunRulesSilentWithoutEvidence(t *testing.T) {
	m := seedModel(t)
	ports := []asa.Port{{Proto: "udp", Number: 5060}, {Proto: "udp", Number: 5080}}
	parse := func(s string) *evidence.Evidence {
		ev, err := evidence.Parse(strings.NewReader(s), "ev.txt")
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	for name, ev := range map[string]*evidence.Evidence{
		"nil":                 nil,
		"no flows":            parse("0 in use, 12 most used\n"),
		"other ports":         parse(strings.ReplaceAll(seedConn, "5080", "5090")),
		"other protocol":      parse(strings.Replace(seedConn, "UDP", "TCP", 1)),
		"another firewall":    parse("fw2# show conn long\n" + seedConn),
		"service-policy only": parse("Global policy:\n  Service-policy: global_policy\n    Class-map: inspection_default\n      Inspect: sip , packet 0, lock fail 0, drop 0, reset-drop 0\n"),
	} {
		got := rules.Run(m, rules.Options{Ports: ports, RegisterInterval: 5 * time.Minute, Evidence: ev}, runRules)
		if len(got) != 0 {
			t.Errorf("%s: %d findings, first %s: %s", name, len(got), got[0].Rule, got[0].Message)
		}
	}
	// The same flow captured on this firewall (or without a prompt) is evidence.
	for _, in := range []string{seedConn, "TRUST-FW01# show conn long\n" + seedConn} {
		got := rules.Run(m, rules.Options{Ports: ports, RegisterInterval: 5 * time.Minute, Evidence: parse(in)}, runRules)
		var ids []string
		for _, f := range got {
			ids = append(ids, f.Rule)
		}
		if strings.Join(ids, " ") != "RUN002 RUN003 RUN005 RUN001" {
			t.Errorf("%q: rules %v", in, ids)
		}
	}
}

// The flow flags are evidence of inspection: T (SIP) or t (SIP transient) on every flow
// keeps RUN004 silent whatever the counter says; a flow without them on a port the
// configuration inspects is a RUN004 finding, counter or not.
func TestRUN004Flags(t *testing.T) {
	m := seedModel(t)
	ports := []asa.Port{{Proto: "udp", Number: 5060}}
	flow := func(flags string) string {
		return "UDP EXTERNAL02: 198.51.100.20/5060 (198.51.100.20/5060) TRUST01: 10.200.41.17/5060 (1.22.11.100/5060), flags " + flags + ", idle 12s, uptime 2h14m, timeout 30m0s, bytes 48213\n"
	}
	counter := func(packets string) string {
		return "TRUST-FW01/pri/act# show service-policy\nGlobal policy:\n  Service-policy: global_policy\n    Class-map: inspection_default\n      Inspect: sip , packet " + packets + ", lock fail 0, drop 0, reset-drop 0\n"
	}
	for _, tt := range []struct {
		name, in string
		want     string // a part of the RUN004 message; "" for no finding
	}{
		{"T with a zero counter", flow("T") + counter("0"), ""},
		{"t with a zero counter", flow("t") + counter("0"), ""},
		{"T among other flags", flow("UIOT") + counter("0"), ""},
		{"no flag, counter counts", flow("-") + counter("4711"), "1 SIP flow carries neither the T (SIP) nor the t (SIP transient) flag: UDP EXTERNAL02 198.51.100.20/5060 <-> TRUST01 10.200.41.17/5060 (ev.txt:1, flags -)"},
		{"no flag, no counters", flow("- N1"), "1 SIP flow carries neither the T (SIP) nor the t (SIP transient) flag"},
		{"no flag, zero counter", flow("-") + counter("0"), "its packet counter is 0 (ev.txt:6: Inspect: sip , packet 0, lock fail 0, drop 0, reset-drop 0) and 1 SIP flow carries neither"},
		{"no flag on another firewall", "fw2/pri/act# show conn long\n" + flow("-"), ""},
		{"no flag on this firewall, failover prompt", "TRUST-FW01/sec/stby# show conn long\n" + flow("-"), "(ev.txt:2, flags -)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := evidence.Parse(strings.NewReader(tt.in), "ev.txt")
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Diagnostics) > 0 {
				t.Fatalf("evidence not read: %v", ev.Diagnostics)
			}
			var got []string
			for _, f := range rules.Run(m, rules.Options{Ports: ports, Evidence: ev}, []*rules.Rule{rules.RUN004}) {
				got = append(got, f.Message)
			}
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("want no RUN004, got %q", got)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
				t.Errorf("want one RUN004 containing %q, got %q", tt.want, got)
			}
		})
	}
}

// RUN006 reads the Inspect: sip counters of show service-policy in the shapes the ASA
// prints (8.x, 9.x with its rate counters, a line the terminal wrapped, an interface
// policy, several snapshots) and reports the classes whose inspection dropped packets, at
// their "inspect sip" line.
func TestRUN006(t *testing.T) {
	m := seedModel(t) // global_policy, class inspection_default, "inspect sip" on line 97
	policy := func(prompt, scope, class, inspect string) string {
		return prompt + "# show service-policy\n" + scope + "\n  Service-policy: global_policy\n    Class-map: " + class + "\n      Inspect: " + inspect + "\n"
	}
	const (
		global  = "Global policy:"
		class   = "inspection_default"
		zero9x  = "sip , packet 1234, lock fail 0, drop 0, reset-drop 0, 5-min-pkt-rate 0 pkts/sec, v6-fail-close 0 sctp-drop-override 0"
		drops9x = "sip , packet 1234, lock fail 0, drop 56, reset-drop 0, 5-min-pkt-rate 0 pkts/sec, v6-fail-close 0 sctp-drop-override 0"
	)
	for _, tt := range []struct {
		name, in string
		want     []string // parts of the one RUN006 message; nil for no finding
		line     int
		diags    bool
		info     bool // fewer than 1 in 1,000 packets dropped: information, not a warning
	}{
		{name: "no drops", in: policy("TRUST-FW01", global, class, zero9x)},
		{name: "9.x drops", in: policy("TRUST-FW01", global, class, drops9x), line: 97,
			want: []string{"class inspection_default of policy-map global_policy (applied globally): \"inspect sip\" dropped 56 of 1234 SIP packets (drop 56, reset-drop 0; ev.txt:5: Inspect: " + drops9x + ")", "since the last reboot or \"clear service-policy\""}},
		{name: "8.x reset-drop", in: policy("TRUST-FW01", global, class, "sip , packet 458106, lock fail 0, drop 0, reset-drop 7"), line: 97, info: true,
			want: []string{"dropped 7 of 458106 SIP packets (drop 0, reset-drop 7;", "below 0.1% of the packets"}},
		{name: "one in a thousand", in: policy("TRUST-FW01", global, class, "sip , packet 10000, lock fail 0, drop 10, reset-drop 0"), line: 97,
			want: []string{"dropped 10 of 10000 SIP packets"}},
		// The fixture (from fw1, renamed) also holds a line it cannot read: its diagnostic is expected.
		{name: "wrapped line", in: strings.ReplaceAll(mustReadFile(t, "../evidence/testdata/shapes/inspect-wrapped.txt"), "fw1#", "TRUST-FW01#"), diags: true, line: 97,
			info: true, want: []string{"dropped 3 of 120554 SIP packets"}},
		{name: "another firewall", in: policy("fw2", global, class, drops9x)},
		{name: "failover prompt", in: policy("TRUST-FW01/sec/stby", global, class, drops9x), line: 97, want: []string{"dropped 56 of 1234"}},
		{name: "other engine drops", in: policy("TRUST-FW01", global, class, "dns preset_dns_map, packet 10, lock fail 0, drop 4, reset-drop 0")},
		{name: "last snapshot counts", in: policy("TRUST-FW01", global, class, drops9x) + policy("TRUST-FW01", global, class, strings.Replace(drops9x, "drop 56", "drop 60", 1)),
			line: 97, want: []string{"dropped 60 of 1234"}},
		{name: "interface policy the configuration does not apply", in: policy("TRUST-FW01", "Interface outside:", class, drops9x),
			want: []string{"(applied to interface outside)", "dropped 56 of 1234"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := evidence.Parse(strings.NewReader(tt.in), "ev.txt")
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Diagnostics) > 0 && !tt.diags {
				t.Fatalf("evidence not read: %v", ev.Diagnostics)
			}
			got := rules.Run(m, rules.Options{Ports: asa.DefaultSIPPorts, Evidence: ev}, []*rules.Rule{rules.RUN006})
			if tt.want == nil {
				if len(got) > 0 {
					t.Errorf("want no RUN006, got %q", got[0].Message)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one RUN006, got %d: %+v", len(got), got)
			}
			f := got[0]
			for _, w := range tt.want {
				if !strings.Contains(f.Message, w) {
					t.Errorf("message lacks %q:\n%s", w, f.Message)
				}
			}
			if tt.line > 0 && (f.Line != tt.line || f.Source != "inspect sip") {
				t.Errorf("points at %d %q, want %d \"inspect sip\"", f.Line, f.Source, tt.line)
			}
			if tt.line == 0 && !strings.Contains(f.Detail, "may not be the running configuration") {
				t.Errorf("detail: %s", f.Detail)
			}
			if want := map[bool]rules.Severity{false: rules.Warning, true: rules.Info}[tt.info]; f.Severity != want || !strings.Contains(f.Detail, "show service-policy inspect sip detail") {
				t.Errorf("severity %s, detail %s", f.Severity, f.Detail)
			}
		})
	}
}

func mustReadFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// An "inspect sip MAP" line is pointed at as written, and the finding names the inspect
// policy-map whose match and parameters lines may be what drops.
func TestRUN006InspectMap(t *testing.T) {
	src := mustReadFile(t, "../fixtures/evidence/seed-9x.config.txt")
	src = strings.Replace(src, "  inspect sip\n", "  inspect sip trunk_sip\n", 1)
	src = strings.Replace(src, "policy-map global_policy\n", "policy-map type inspect sip trunk_sip\n parameters\n  strict-header-validation action drop log\npolicy-map global_policy\n", 1)
	cfg, err := parser.Parse(strings.NewReader(src), "seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := evidence.Parse(strings.NewReader("Global policy:\n  Service-policy: global_policy\n    Class-map: inspection_default\n      Inspect: sip trunk_sip, packet 900, lock fail 0, drop 12, reset-drop 0\n"), "ev.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := rules.Run(asa.New(cfg), rules.Options{Evidence: ev}, []*rules.Rule{rules.RUN006})
	if len(got) != 1 || got[0].Source != "inspect sip trunk_sip" || got[0].Line != 100 ||
		!strings.Contains(got[0].Message, "\"inspect sip trunk_sip\" dropped 12 of 900 SIP packets") ||
		!strings.Contains(got[0].Detail, "the inspect policy-map trunk_sip (line 82)") {
		t.Errorf("%+v", got)
	}
}
