package parser

import (
	"reflect"
	"testing"
)

// TestQuickGroupChild: the member lines read without the grammar give what the grammar
// gives, positions included, and every other shape is left to the grammar.
func TestQuickGroupChild(t *testing.T) {
	g := loadPathGrammars()
	for _, tc := range []struct {
		text  string
		quick bool
	}{
		{" network-object host 10.1.1.1", true},
		{"  network-object 10.1.0.0 255.255.0.0", true},
		{"network-object 2001:db8::/32", true},
		{" network-object object WEB-SRV", true},
		{" network-object host phone-proxy", true},
		{" group-object VOICE", true},
		{" network-object 10.1.1.0", true},
		{" network-object host", false},
		{" network-object object", false},
		{" network-object host 10.1.1.1 extra", false},
		{" network-object 10.1.1.1 01:02:03", false},
		{" port-object eq 5060", true},
		{" description host 10.1.1.1", true},
		{" group-object", false},
	} {
		got, ok := quickGroupChild("f.txt", 7, tc.text)
		if ok != tc.quick {
			t.Errorf("%q: quick = %v, want %v", tc.text, ok, tc.quick)
			continue
		}
		if !ok {
			continue
		}
		want, err := parseLine(g.groupChild(), "f.txt", 7, tc.text)
		if err != nil {
			t.Errorf("%q: the grammar rejects a line the quick path reads: %v", tc.text, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\nquick   %#v\ngrammar %#v", tc.text, got, want)
		}
	}
}
