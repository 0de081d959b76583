package parser_test

import (
	"cmp"
	"github.com/asaaudit/asaaudit/internal/testio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/internal/corpus"
	"github.com/asaaudit/asaaudit/parser"
)

func TestScannerNormalises(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"crlf and trailing space", "a \r\nb\r\n", []string{"a", "b"}},
		{"bom", "\xef\xbb\xbfASA Version 9.8(4)\n", []string{"ASA Version 9.8(4)"}},
		{"no final newline", "a\nb", []string{"a", "b"}},
		{"pager erase sequence", "<--- More --->\r              \rinterface Gi0/0\n", []string{"interface Gi0/0"}},
		{"pager prompt left as text", "<--- More ---> policy-map x\n", []string{"policy-map x"}},
		{"ansi escapes", "\x1b[1mhostname\x1b[0m fw1\n", []string{"hostname fw1"}},
		{"backspace", "timeoutt\b 0:01:00\n", []string{"timeout 0:01:00"}},
		{"tabs kept as indentation", "\tinspect sip\t\n", []string{"\tinspect sip"}},
		{"blank lines counted", "a\n\n\nb\n", []string{"a", "", "", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parser.NewScanner(strings.NewReader(tt.in))
			var got []string
			for s.Scan() {
				n, text := s.Line()
				if n != len(got)+1 {
					t.Fatalf("line number %d, want %d", n, len(got)+1)
				}
				got = append(got, string(text))
			}
			if s.Err() != nil {
				t.Fatal(s.Err())
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func parse(t *testing.T, src string) *parser.Config {
	t.Helper()
	cfg, err := parser.Parse(strings.NewReader(src), "test.cfg")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

func TestGrammar(t *testing.T) {
	cfg := parse(t, `ASA Version 9.8(4)
class-map inspection_default
 match default-inspection-traffic
class-map type inspect sip match-any sip-class
 match request-method invite
class-map sip-range
 description provider trunk
 match port tcp-udp range sip 5070
class-map voice
 match access-list voice_acl
class-map everything
 match any
policy-map type inspect sip sip-map
 parameters
  rtp-conformance
 match request-method message
  drop-connection log
policy-map global_policy
 class inspection_default
  inspect sip sip-map
  inspect h323 h225
  set connection timeout embryonic 0:00:30 half-closed 0:10:00 idle 0:05:00 reset dcd 0:00:15 5
  set connection conn-max 100 embryonic-conn-max 50
  user-statistics accounting
service-policy global_policy global
service-policy outside interface outside
timeout sip 0:30:00 sip_media 0:02:00 sip-media 0:02:00
timeout uauth 0:05:00 absolute igp stale-route 0:01:10
`)
	if len(cfg.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", cfg.Diagnostics)
	}
	if cfg.Version != "9.8(4)" {
		t.Errorf("version %q", cfg.Version)
	}
	cm := cfg.ClassMaps
	if len(cm) != 5 {
		t.Fatalf("%d class-maps", len(cm))
	}
	if !cm[0].Matches[0].DefaultInspection || cm[0].Pos.Line != 2 || cm[0].Matches[0].Pos.Line != 3 {
		t.Errorf("inspection_default: %+v", cm[0])
	}
	if cm[1].Type != "inspect" || cm[1].Protocol != "sip" || cm[1].MatchMode != "match-any" || cm[1].Name != "sip-class" {
		t.Errorf("inspect class-map: %+v", cm[1])
	}
	pm := cm[2].Matches[0].Port
	if pm.Protocol != "tcp-udp" || pm.From.Number != 5060 || pm.To.Number != 5070 || !pm.Contains("udp", 5065) || pm.Contains("udp", 5071) {
		t.Errorf("port range: %+v", pm)
	}
	if pm.Pos.Column != 13 {
		t.Errorf("port match column %d, want 13", pm.Pos.Column)
	}
	if cm[3].Matches[0].AccessList != "voice_acl" || !cm[4].Matches[0].Any {
		t.Errorf("access-list/any: %+v %+v", cm[3].Matches[0], cm[4].Matches[0])
	}
	insp := cfg.PolicyMaps[0]
	if insp.Type != "inspect" || insp.Protocol != "sip" || len(insp.Parameters) != 1 || len(insp.Matches) != 1 || len(insp.Matches[0].Settings) != 1 {
		t.Errorf("inspect policy-map: %+v", insp)
	}
	class := cfg.PolicyMaps[1].Classes[0]
	if len(class.Actions) != 5 {
		t.Fatalf("%d actions", len(class.Actions))
	}
	if in := class.Inspect("sip"); in == nil || in.Map() != "sip-map" || in.Pos.Line != 20 || in.Pos.Column != 3 {
		t.Errorf("inspect sip: %+v", in)
	}
	idle := class.IdleTimeout()
	if idle == nil || idle.Value.D != 5*time.Minute || !idle.Reset {
		t.Errorf("idle: %+v", idle)
	}
	if ts := class.Actions[2].Set.Timeouts; len(ts) != 4 || !ts[3].DCD || ts[3].Retries != "5" {
		t.Errorf("set connection timeout: %+v", ts)
	}
	if o := class.Actions[3].Set.Other; len(o) != 4 {
		t.Errorf("conn-max kept as text: %v", o)
	}
	if o := class.Actions[4].Other; strings.Join(o, " ") != "user-statistics accounting" {
		t.Errorf("other action: %v", o)
	}
	sp := cfg.ServicePolicies
	if !sp[0].Global || sp[1].Interface != "outside" {
		t.Errorf("service-policy: %+v %+v", sp[0], sp[1])
	}
	e := cfg.Timeouts[0].Entries
	if len(e) != 3 || e[2].Name() != "sip_media" || e[0].Value.D != 30*time.Minute {
		t.Errorf("timeout entries: %+v", e)
	}
	e = cfg.Timeouts[1].Entries
	if !e[0].Uauth || e[0].Mode != "absolute" || e[1].Name() != "igp stale-route" {
		t.Errorf("uauth/igp: %+v %+v", e[0], e[1])
	}
}

// Every line of an audited block that the grammar rejects is a PARSE001 at that line.
func TestUnreadableLinesAreReported(t *testing.T) {
	cfg := parse(t, `hostname fw1
class-map c1
 match port udp eq nosuchport
 bogus line
policy-map p
 class c1
  inspect
  set connection timeout idle soon
  inspect sip
 parameters
  x
timeout sip 0:30:00 banana 0:01:00
timeout sip 30
service-policy p everywhere
`)
	want := map[int]bool{3: true, 4: true, 7: true, 8: true, 10: true, 11: true, 12: true, 13: true, 14: true}
	got := map[int]bool{}
	for _, d := range cfg.Diagnostics {
		if d.Code != "PARSE001" || d.Pos.Filename != "test.cfg" {
			t.Errorf("diagnostic %+v", d)
		}
		got[d.Pos.Line] = true
	}
	for l := range want {
		if !got[l] {
			t.Errorf("line %d not reported; diagnostics: %v", l, cfg.Diagnostics)
		}
	}
	for l := range got {
		if !want[l] {
			t.Errorf("line %d reported but readable", l)
		}
	}
	if a := cfg.PolicyMaps[0].Classes[0].Actions; len(a) != 1 || a[0].Inspect.Protocol != "sip" {
		t.Errorf("the readable action was lost: %+v", a)
	}
}

func TestNotASA(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty file"},
		{"json", `{"a": 1}`, "JSON"},
		{"gzip", "\x1f\x8b\x08\x00rest", "gzip"},
		{"ios", "version 15.2\nhostname r1\ninterface Gi0/0\n ip address 10.0.0.1 255.255.255.0\nip route 0.0.0.0 0.0.0.0 10.0.0.2\n", "IOS"},
		{"prose", "hello\nworld\n", "no ASA configuration lines"},
		{"only bangs", "!\n!\n!\n", "no ASA configuration lines"},
		{"nul bytes", "ASA Version 9.1\nhost\x00name\n", "binary"},
		{"NULs without a newline", strings.Repeat("\x00", 600), "binary"},
		// Read as one line, a classic-Mac file would be audited wrongly: it is refused.
		{"CR-only line ends", "ASA Version 9.8(4)\rhostname fw\rtimeout udp 0:01:00\r", "carriage returns only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parser.Parse(strings.NewReader(tt.in), "in.txt")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "in.txt") {
				t.Errorf("error %v, want one naming in.txt and containing %q", err, tt.want)
			}
		})
	}
}

// The real configurations of the corpus (internal/corpus: fixtures/corpus/asa and
// ../shared/corpus/asa) parse without error and with the recorded number of diagnostics.
func TestCorpus(t *testing.T) {
	type counts struct {
		parse001, parse002, classMaps, policyMaps, timeouts int
		scope                                               string // whole, partial or system
	}
	want := map[string]counts{
		"pub-asa-8.0-config-guide-sip-config-mode.txt":        {0, 0, 0, 2, 0, "partial"},
		"pub-asa-8.0-pix-forum-paste-flattened.txt":           {0, 0, 2, 3, 0, "partial"},
		"pub-asa-8.2-5505-forum-post.txt":                     {0, 0, 1, 2, 6, "whole"},
		"pub-asa-8.4-gns3-lab-capture.txt":                    {0, 1, 0, 0, 7, "whole"},
		"pub-asa-9.0-ciscoconfparse-fixture.txt":              {0, 0, 0, 2, 8, "partial"}, // an excerpt: a class names a class-map, none shown
		"pub-asa-9.1-context-more-disk0-failover-prompt.txt":  {0, 0, 1, 2, 8, "whole"},
		"pub-asa-9.1-system-context-crlf.txt":                 {0, 0, 0, 0, 0, "system"},
		"pub-asa-9.20-wiki-two-space-indent.txt":              {0, 0, 1, 4, 10, "whole"},
		"pub-asa-9.5-5508-factory-default-write-terminal.txt": {0, 0, 1, 2, 8, "whole"},
		"pub-asa-9.x-bvi-excerpt.txt":                         {0, 0, 1, 4, 10, "partial"},
		"pub-asa-multi-context-lab-input-script-tabs.txt":     {0, 0, 0, 0, 0, "system"},
		"pub-ftd-10.0-partial-show-run-mpf-flattened.txt":     {0, 0, 2, 3, 0, "partial"},

		// Added with fixtures/corpus_findings_test.go (sources in SOURCES.md).
		"pub-asa-9.23-failover-prompt-show-run-policy-map-service-policy.txt":  {0, 0, 0, 4, 0, "partial"},
		"pub-asa-9.3-more-system-running-config-ise-anyconnect.txt":            {0, 0, 1, 2, 8, "whole"},
		"pub-asa-9.8-annotated-edge-config-no-class-map-no-service-policy.txt": {0, 0, 0, 1, 0, "partial"},
		"pub-asa-9.8-ikev2-tutorial-show-run-double-spaced-truncated.txt":      {0, 0, 0, 0, 10, "partial"},
		"pub-asa-9.9-batfish-interface-no-final-newline.txt":                   {0, 0, 0, 0, 0, "partial"},
		"pub-asa-9.9-batfish-nat-mixed-test-config.txt":                        {0, 0, 0, 0, 0, "partial"},
		"pub-asa-9.x-blog-5505-global-map-mpf-snippet.txt":                     {0, 0, 1, 1, 0, "partial"},
		"pub-asa-9.x-zones-bgp-asdot-markdown-excerpt.txt":                     {0, 0, 1, 3, 0, "partial"},

		// Added with internal/corpus (sources in fixtures/corpus/asa/SOURCES.md).
		"pub-asa-ntc-show-run-access-group-only.txt":                           {0, 0, 0, 0, 0, "partial"},
		"pub-asa-9.8-transparent-template-hash-comments-glued-lines.txt":       {0, 0, 1, 2, 8, "whole"},
		"pub-asa-9.1-context-trimmed-service-policy-only-no-final-newline.txt": {0, 0, 0, 0, 0, "partial"},
		"pub-asa-9.1-system-context-example-hash-comments-prose.txt":           {0, 0, 0, 0, 0, "system"},

		// Added with the second corpus search (sources in fixtures/corpus/asa/SOURCES.md).
		"pub-asa-9.7-mailing-list-show-run-quoted-printable.txt":                {3, 0, 1, 2, 7, "whole"}, // three timeout lines cut by soft line breaks; the ": Hardware:" tail "8 cores)" is no command
		"pub-asa-9.x-5506-blog-starter-template-cleartext-enable-masked.txt":    {0, 0, 1, 2, 8, "whole"},
		"pub-asa-ntc-show-run-object-group-service-only.txt":                    {0, 0, 0, 0, 0, "partial"},
		"pub-asa-9.9-batfish-failover-interfaces-no-nameif.txt":                 {0, 0, 0, 0, 0, "partial"},
		"pub-asa-9.1-runbook-config-script-twice-nat-sip-udp-5080.txt":          {0, 0, 0, 0, 0, "partial"},
		"pub-asa-9.1-changelog-object-static-pat-pbx-5080-to-5060-two-wans.txt": {0, 0, 0, 0, 0, "partial"},
	}
	for _, path := range corpus.ASA(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cfg, err := parser.Parse(f, name)
			if err != nil {
				t.Fatal(err)
			}
			var p1, p2 int
			for _, d := range cfg.Diagnostics {
				if d.Code == "PARSE001" {
					p1++
				} else {
					p2++
				}
			}
			scope := cmp.Or(cfg.Scope.Kind(), "whole")
			got := counts{p1, p2, len(cfg.ClassMaps), len(cfg.PolicyMaps), len(cfg.Timeouts), scope}
			w, ok := want[name]
			if !ok {
				t.Fatalf("new corpus file: record its counts %+v", got)
			}
			if got != w {
				t.Errorf("got %+v, want %+v; diagnostics %v", got, w, cfg.Diagnostics)
			}
		})
	}
}

// An endless binary stream is refused at once, with or without newlines, instead of being
// read for ever (check /dev/zero, check /dev/urandom).
func TestEndlessBinaryInput(t *testing.T) {
	for name, chunk := range map[string][]byte{
		"NULs, no newline":   make([]byte, 64),
		"NULs and newlines":  []byte("\x00\x01binary\n\x00"),
		"text, then NUL gap": []byte("timeout sip 0:30:00\n\x00\n"),
	} {
		_, err := parser.Parse(&testio.Endless{Chunk: chunk}, "in.bin")
		if err == nil || !strings.Contains(err.Error(), "binary data") || !strings.HasPrefix(err.Error(), "in.bin") {
			t.Errorf("%s: error %v, want binary data naming in.bin", name, err)
		}
	}
}
