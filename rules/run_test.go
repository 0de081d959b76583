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

var runRules = []*rules.Rule{rules.RUN001, rules.RUN002, rules.RUN003, rules.RUN004, rules.RUN005}

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
