package parser

import (
	"fmt"
	"strings"
	"testing"
)

// TestReadACLs: every access-list name is noted in the first pass (past the short list
// too), and the second pass keeps only the access-lists asked for, at their file lines.
func TestReadACLs(t *testing.T) {
	var b strings.Builder
	b.WriteString("ASA Version 9.8(4)\nhostname fw\nobject network PBX\n host 10.0.0.5\n")
	for i := range 2 * maxListedACLs {
		fmt.Fprintf(&b, "access-list A%d extended permit udp any any eq %d\n", i%(maxListedACLs+8), 5000+i)
	}
	b.WriteString("class-map C\n match access-list A39\nclass-map D\n match access-list NONE\n: end\naccess-list A0 extended permit ip any any\n")
	src := b.String()
	cfg, err := Parse(strings.NewReader(src), "t.cfg")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.ACLNames) != maxListedACLs+8 || !cfg.ACLNames["A39"] || cfg.ACLNames["NONE"] {
		t.Fatalf("ACLNames = %v", cfg.ACLNames)
	}
	if got := cfg.MatchACLs(); len(got) != 1 || got[0] != "A39" {
		t.Fatalf("MatchACLs = %v, want [A39]", got)
	}
	if err := ReadACLs(strings.NewReader(src), cfg, []string{"A39", "A0"}); err != nil {
		t.Fatal(err)
	}
	ps := cfg.ACLs
	if ps.AccessList("A1") != nil || ps.Object("PBX") == nil {
		t.Errorf("kept A1 or lost object PBX")
	}
	a := ps.AccessList("A39")
	if a == nil || a.Len() != 1 {
		t.Fatalf("A39 = %v", a)
	}
	lines := strings.Split(src, "\n")
	if num, text := a.Line(0); lines[num-1] != text || a.At(0) == nil {
		t.Errorf("A39 line %d: %q, file has %q", num, text, lines[num-1])
	}
	if a0 := ps.AccessList("A0"); a0 == nil || a0.Len() != 2 {
		t.Errorf("A0: want its 2 lines before \": end\"")
	}
	if len(cfg.Diagnostics) > 0 {
		t.Errorf("diagnostics: %v", cfg.Diagnostics)
	}
}
