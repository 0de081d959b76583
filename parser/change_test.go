package parser

import (
	"reflect"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// The "no timeout" grammar accepts exactly the keywords of the timeout grammar.
func TestTimeoutKeywordsAgree(t *testing.T) {
	tag := func(v any, field string) string {
		f, _ := reflect.TypeOf(v).FieldByName(field)
		return f.Tag.Get("parser")
	}
	if a, b := tag(TimeoutEntry{}, "Key"), tag(timeoutKey{}, "Key"); a != b {
		t.Errorf("keyword lists differ:\n timeout:    %s\n no timeout: %s", a, b)
	}
}

func TestParseLine(t *testing.T) {
	tests := []struct {
		mode Mode
		text string
		want string // the parsed node, printed; "no " prefixed for the no form
		err  string
	}{
		{GlobalMode, "class-map type inspect sip match-any sip-class", "class-map type inspect sip match-any sip-class", ""},
		{GlobalMode, "no class-map sip-5080", "no class-map sip-5080", ""},
		{GlobalMode, "policy-map global_policy", "policy-map global_policy", ""},
		{GlobalMode, "  no service-policy global_policy global", "no service-policy global_policy global", ""},
		{GlobalMode, "timeout sip 0:10:00 udp 0:01:00", "timeout sip 0:10:00 udp 0:01:00", ""},
		{GlobalMode, "no timeout sip udp 0:02:00", "no timeout sip udp 0:02:00", ""},
		{GlobalMode, "no timeout", "no timeout", ""},
		{GlobalMode, "timeout sip", "", "1:9: cannot read line"},
		{GlobalMode, "access-list x permit ip any any", "", `"access-list" is not a config command`},
		{ClassMapMode, " match port udp eq sip", "match port udp eq sip", ""},
		{ClassMapMode, " match port udp eq nosuch", "", `1:20: unknown port "nosuch"`},
		{ClassMapMode, "no description", "no description", ""},
		{PolicyMapMode, " class sip-5080", "class sip-5080", ""},
		{PolicyMapMode, " no class sip-5080", "no class sip-5080", ""},
		{ClassMode, "  inspect sip sip-map", "inspect sip sip-map", ""},
		{ClassMode, "  no inspect sip", "no inspect sip", ""},
		{ClassMode, "set connection timeout idle 0:10:00 reset", "set connection timeout idle 0:10:00 reset", ""},
		{ClassMode, "no set connection timeout idle", "no set connection timeout idle", ""},
		{ClassMode, "user-statistics accounting", "user-statistics accounting", ""},
		{InspectSubMode, "  no tcp-inspection", "no tcp-inspection", ""},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String()+" "+tt.text, func(t *testing.T) {
			l, err := ParseLine(tt.mode, "change.txt", 1, tt.text)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "change.txt:1:") {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var node interface{ String() string }
			for _, n := range []interface{ String() string }{l.ClassMap, l.PolicyMap, l.ServicePolicy, l.Timeout, l.Match, l.Description, l.Class, l.InspectMatch, l.Action, l.Setting} {
				if !reflect.ValueOf(n).IsNil() {
					node = n
				}
			}
			got := node.String()
			if l.No {
				got = "no " + got
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// Positions name the file and line given, and columns count in the line as written.
func TestParseLinePositions(t *testing.T) {
	l, err := ParseLine(ClassMode, "change.txt", 7, "   no inspect sip")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Action.Inspect.Pos
	if p.Filename != "change.txt" || p.Line != 7 || p.Column != 7 {
		t.Errorf("position %+v, want change.txt:7:7", p)
	}
}

// An access-list removed and then added again is a new list: the lines of the old one are
// gone, whatever the parse kept of the last list it added to.
func TestRemoveThenAddACL(t *testing.T) {
	cfg, err := ParseWith(strings.NewReader("hostname fw\naccess-list A extended permit ip any any\naccess-list A extended permit udp any any eq 5060\n"), "t.txt", Options{Paths: true})
	if err != nil {
		t.Fatal(err)
	}
	ps := cfg.Paths
	ps.RemoveACL("A")
	ps.AddACL("A", -1, lexer.Position{Filename: "t.txt", Line: 9, Column: 1}, "access-list A extended deny ip any any")
	ps.AddACL("A", -1, lexer.Position{Filename: "t.txt", Line: 10, Column: 1}, "access-list A extended permit tcp any any")
	a := ps.AccessList("A")
	if a == nil || a.Len() != 2 {
		t.Fatalf("access-list A: %+v", a)
	}
	if num, text := a.Line(0); num != 9 || text != "access-list A extended deny ip any any" {
		t.Errorf("first line %d %q", num, text)
	}
}
