package parser

import (
	"slices"
	"strings"
	"testing"
)

// A whole configuration that stops before its service-policies, with none of the lines
// the ASA prints after them, may have been cut: its last sections are not shown (the MPF
// rules are then not evaluated), and everything before them is.
func TestTruncated(t *testing.T) {
	const head = "ASA Version 9.8(4)\nhostname fw1\ninterface GigabitEthernet0/0\n nameif outside\n security-level 0\ntimeout conn 1:00:00 udp 0:02:00\n"
	for _, tt := range []struct {
		name, body string
		cut        []string // nil: a whole configuration
	}{
		{"cut after the timeouts", "crypto ca certificate chain TP\n certificate 3082\n", []string{"class-map", "policy-map", "service-policy"}},
		{"cut inside a policy-map", "class-map inspection_default\n match default-inspection-traffic\npolicy-map global_policy\n class inspection_default\n", []string{"service-policy"}},
		{"cut after a class-map", "class-map c\n match port udp eq 5080\n", []string{"policy-map", "service-policy"}},
		{"an excerpt with policy-maps and no class-map", "policy-map global_policy\n class inspection_default\n  inspect sip\n", []string{"class-map", "service-policy"}},
		{"no service-policy, up to : end", "class-map c\n match any\npolicy-map p\n class c\n  inspect sip\nprompt hostname context\nCryptochecksum:0123\n: end\n", nil},
		{"no service-policy, prompt line only", "prompt hostname context\n", nil},
		{"no service-policy, call-home only", "no call-home reporting anonymous\n", nil},
		{"service-policy shown", "service-policy global_policy global\n", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(head+tt.body), "t.txt")
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Scope.Cut(); !slices.Equal(got, tt.cut) || cfg.Scope.Truncated != (tt.cut != nil) {
				t.Fatalf("truncated %v, cut %v; want %v", cfg.Scope.Truncated, got, tt.cut)
			}
			for _, s := range []string{"class-map", "policy-map", "service-policy", "timeout", "interface"} {
				if want := !slices.Contains(tt.cut, s); cfg.Shows(s) != want {
					t.Errorf("Shows(%q) = %v, want %v", s, !want, want)
				}
			}
			if tt.cut != nil && (cfg.Scope.Kind() != "partial" || cfg.Scope.Last != strings.Count(head+tt.body, "\n")) {
				t.Errorf("kind %q, last line %d", cfg.Scope.Kind(), cfg.Scope.Last)
			}
		})
	}
	// Without a header or a whole echo, a partial input is judged as before.
	cfg, _ := Parse(strings.NewReader("policy-map p\n class c\n  inspect sip\n"), "t.txt")
	if cfg.Scope.Truncated {
		t.Error("a headerless excerpt counted as a cut whole configuration")
	}
}

// A whole configuration whose policy-map names a class-map while it has none at all was
// excerpted: its class-maps are not shown (Scope.Excerpt names the class), whatever else
// it shows; class-default needs none, and one class-map shown is enough to judge.
func TestExcerpt(t *testing.T) {
	const head = "ASA Version 9.8(4)\nhostname fw1\ntimeout conn 1:00:00 udp 0:02:00\n"
	const tail = "service-policy global_policy global\nprompt hostname context\n: end\n"
	for _, tt := range []struct {
		name, body string
		excerpt    string // the class named, "" for none
	}{
		{"no class-map, class inspection_default", "policy-map global_policy\n class inspection_default\n  inspect sip\n", "inspection_default"},
		{"inspect policy-map class", "policy-map type inspect sip sp\n class sc\n  drop\npolicy-map global_policy\n class class-default\n  inspect sip sp\n", "sc"},
		{"class-default only", "policy-map global_policy\n class class-default\n  inspect sip\n", ""},
		{"a class-map shown", "class-map other\n match any\npolicy-map global_policy\n class inspection_default\n  inspect sip\n", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(head+tt.body+tail), "t.txt")
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if e := cfg.Scope.Excerpt; e != nil {
				got = e.Name
			}
			if got != tt.excerpt || cfg.Shows("class-map") != (tt.excerpt == "") || cfg.Scope.Truncated {
				t.Fatalf("excerpt %q (want %q), shows class-map %v, truncated %v", got, tt.excerpt, cfg.Shows("class-map"), cfg.Scope.Truncated)
			}
			if kind := cfg.Scope.Kind(); (kind == "partial") != (tt.excerpt != "") || !cfg.Shows("policy-map") || !cfg.Shows("service-policy") {
				t.Errorf("kind %q, shows policy-map %v, service-policy %v", kind, cfg.Shows("policy-map"), cfg.Shows("service-policy"))
			}
		})
	}
}

// "show running-config object-group" or "... access-list" alone is an ASA partial (its
// rules not evaluated), not "not a Cisco ASA configuration"; an IOS access-list is still
// told apart.
func TestSectionOnlyInputs(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		asa        bool
	}{
		{"object-groups", "object-group service sg-skype_ports\n service-object tcp-udp destination range sip 5061\nobject-group network og-web\n network-object host 10.1.1.1\n", true},
		{"objects", "object network web\n host 10.1.1.1\n", true},
		{"ASA access-list", "access-list OUT extended permit udp any any eq sip\n", true},
		{"ASA access-list remark", "access-list OUT remark SIP trunk\n", true},
		{"IOS numbered access-list", "hostname r1\naccess-list 101 permit ip any any\nip route 0.0.0.0 0.0.0.0 10.0.0.1\n", false},
	} {
		cfg, err := Parse(strings.NewReader(tt.text), "t.txt")
		if (err == nil) != tt.asa {
			t.Errorf("%s: error %v", tt.name, err)
			continue
		}
		if err == nil && cfg.Scope.Kind() != "partial" {
			t.Errorf("%s: scope %q, want partial", tt.name, cfg.Scope.Kind())
		}
	}
}

// A second configuration starts only after a first one's commands: a line that is no
// command (it starts with no letter, as the tail of a header comment broken over two lines
// in a mail does) before the first "ASA Version" does not make that header a second one.
func TestSecondConfiguration(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		second    bool
	}{
		{"header comment broken", "fw# show run\n: Saved\n: Hardware:   ASA5516, 1 CPU (=\n8 cores)\n:\nASA Version 9.7(1)4\nhostname fw\ntimeout sip 0:30:00\n: end\n", false},
		{"two configurations", "fw# show run\n: Saved\nASA Version 9.7(1)4\nhostname fw\n: end\nfw# show run\n: Saved\nASA Version 9.7(1)4\nhostname fw2\n", true},
		{"a command before the header", "fw# show run\nhostname fw\nASA Version 9.7(1)4\nhostname fw\n", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(tt.src), "t.txt")
			if err != nil {
				t.Fatal(err)
			}
			second := slices.ContainsFunc(cfg.Diagnostics, func(d Diagnostic) bool { return d.Code == "PARSE002" })
			if second != tt.second || !tt.second && cfg.Hostname != "fw" {
				t.Errorf("PARSE002 %v (want %v), hostname %q, diagnostics %v", second, tt.second, cfg.Hostname, cfg.Diagnostics)
			}
		})
	}
}
