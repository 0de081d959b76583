package rules_test

import (
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/parser"
	"github.com/asaaudit/asaaudit/rules"
)

// A policy-map entered twice (as a hand-edited file or a change script does) is one policy:
// its classes are evaluated together and each missing class-map is reported once, and
// resolving the model does not change the parsed blocks.
func TestReenteredPolicyMap(t *testing.T) {
	src := `ASA Version 9.8(4)
class-map inspection_default
 match default-inspection-traffic
policy-map global_policy
 class inspection_default
  inspect dns
policy-map global_policy
 class voice
  inspect sip
service-policy global_policy global
`
	cfg, err := parser.Parse(strings.NewReader(src), "t.cfg")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second model of the same configuration must see the same thing
		m := asa.New(cfg)
		if n := len(m.L34PolicyMaps()); n != 1 {
			t.Fatalf("%d layer 3/4 policy-maps, want 1", n)
		}
		if n := len(m.PolicyMap("global_policy").Classes); n != 2 {
			t.Fatalf("merged policy has %d classes, want 2", n)
		}
		var ref002 []rules.Finding
		for _, f := range rules.Run(m, rules.Options{}, rules.All) {
			if f.Rule == "REF002" {
				ref002 = append(ref002, f)
			}
		}
		if len(ref002) != 1 || ref002[0].Line != 8 {
			t.Errorf("REF002 findings %+v, want one at line 8", ref002)
		}
	}
	if n := len(cfg.PolicyMaps[0].Classes); n != 1 {
		t.Errorf("the first parsed block now has %d classes, want 1 (the model changed the AST)", n)
	}
}

// REF004 needs the access-lists: on a partial input that does not show them it is not
// evaluated, and SCOPE001 names it only when a class-map matches an access-list.
func TestREF004Scope(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		ref004    bool // a REF004 finding
		named     bool // SCOPE001 names REF004
	}{
		{"whole configuration", "ASA Version 9.8(4)\nhostname fw\ntimeout udp 0:02:00\nclass-map C\n match access-list A\n", true, false},
		{"partial, with match access-list", "class-map C\n match access-list A\npolicy-map P\n class C\n  inspect sip\n", false, true},
		{"partial, without match access-list", "class-map C\n match port udp eq 5060\npolicy-map P\n class C\n  inspect sip\n", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parser.Parse(strings.NewReader(tc.src), "t.cfg")
			if err != nil {
				t.Fatal(err)
			}
			var ref004, named bool
			for _, f := range rules.Run(asa.New(cfg), rules.Options{}, rules.All) {
				ref004 = ref004 || f.Rule == "REF004"
				named = named || f.Rule == "SCOPE001" && strings.Contains(f.Message, "REF004")
			}
			if ref004 != tc.ref004 || named != tc.named {
				t.Errorf("REF004 finding %v (want %v), SCOPE001 names REF004 %v (want %v)", ref004, tc.ref004, named, tc.named)
			}
		})
	}
}
