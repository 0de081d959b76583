package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/rules"
)

type result struct {
	out, err string
	code     int
}

func runCLI(t *testing.T, stdin string, env map[string]string, tty bool, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	s := &IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut, OutTTY: tty, Getenv: func(k string) string { return env[k] }}
	code := Main(args, s)
	return result{out.String(), errOut.String(), code}
}

const fixtures = "../../fixtures/"

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	notASA := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notASA, []byte("shopping list\neggs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		code    int
		stderr  string // substring; "" means stderr must be empty
		stdout  string // substring
		oneLine bool   // stderr must be exactly one line
	}{
		{"clean", []string{"check", fixtures + "factory-default.txt"}, 0, "", "0 finding(s)", false},
		{"findings", []string{"check", fixtures + "no-sip.txt"}, 1, "", "SIP001", false},
		{"warning below fail-on error", []string{"check", "--fail-on", "error", "--register-interval", "3m", fixtures + "sip-timeout-margin.txt"}, 0, "", "SIP004", false},
		{"warning at fail-on warning", []string{"check", "--register-interval", "3m", fixtures + "sip-timeout-margin.txt"}, 1, "", "SIP004", false},
		{"fail-on never", []string{"check", "--fail-on", "never", fixtures + "no-sip.txt"}, 0, "", "SIP001", false},
		{"missing file", []string{"check", filepath.Join(dir, "nope.txt")}, 2, "nope.txt: no such file or directory", "", true},
		{"directory", []string{"check", dir}, 2, "is a directory", "", true},
		{"not asa", []string{"check", notASA}, 2, "notes.txt: no ASA configuration lines found", "", true},
		{"one bad input among good ones", []string{"check", fixtures + "factory-default.txt", notASA}, 2, "notes.txt", "1 target(s)", true},
		{"no file", []string{"check"}, 2, "requires at least 1 arg", "", true},
		{"bad format", []string{"check", "--format", "xml", fixtures + "no-sip.txt"}, 2, "unknown --format", "", true},
		{"bad fail-on", []string{"check", "--fail-on", "fatal", fixtures + "no-sip.txt"}, 2, "--fail-on", "", true},
		{"bad port", []string{"check", "--sip-port", "udp/99999", fixtures + "no-sip.txt"}, 2, "--sip-port", "", true},
		{"bad duration", []string{"check", "--keepalive", "soon", fixtures + "no-sip.txt"}, 2, "invalid argument", "", true},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command", "", true},
		{"unknown rule", []string{"rules", "explain", "SIP999"}, 2, "unknown rule", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, "", nil, false, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tt.code, r.err)
			}
			if tt.stderr == "" && r.err != "" {
				t.Errorf("unexpected stderr %q", r.err)
			}
			if !strings.Contains(r.err, tt.stderr) {
				t.Errorf("stderr %q does not contain %q", r.err, tt.stderr)
			}
			if tt.oneLine && strings.Count(r.err, "\n") != 1 {
				t.Errorf("stderr is not one line: %q", r.err)
			}
			if !strings.Contains(r.out, tt.stdout) {
				t.Errorf("stdout %q does not contain %q", r.out, tt.stdout)
			}
			if strings.Contains(r.err, "panic") || strings.Contains(r.err, "goroutine") {
				t.Errorf("panic: %s", r.err)
			}
		})
	}
}

func TestStdin(t *testing.T) {
	src, err := os.ReadFile(fixtures + "no-sip.txt")
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, string(src), nil, false, "check", "--format", "json", "-")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var doc struct {
		SchemaVersion int             `json:"schemaVersion"`
		Findings      []rules.Finding `json:"findings"`
		Errors        []any           `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != 1 || len(doc.Findings) != 2 || doc.Findings[0].File != "<stdin>" || doc.Findings[0].Line != 79 || doc.Errors == nil {
		t.Errorf("unexpected document: %+v", doc)
	}
}

// The JSON field names are a public contract: a clean run still has an empty findings array.
func TestJSONContract(t *testing.T) {
	r := runCLI(t, "", nil, false, "check", "--format", "json", fixtures+"factory-default.txt")
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schemaVersion", "targets", "findings", "errors", "summary"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("missing %q", k)
		}
	}
	if string(doc["findings"]) != "[]" || string(doc["errors"]) != "[]" {
		t.Errorf("findings %s errors %s, want []", doc["findings"], doc["errors"])
	}
	r = runCLI(t, "", nil, false, "check", "--format", "json", fixtures+"no-sip.txt")
	var withFindings struct {
		Findings []map[string]json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.out), &withFindings); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"rule", "severity", "title", "message", "file", "line", "fix", "fingerprint", "source", "detail"} {
		if _, ok := withFindings.Findings[0][k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
}

func TestColor(t *testing.T) {
	args := []string{"check", fixtures + "no-sip.txt"}
	if r := runCLI(t, "", nil, true, args...); !strings.Contains(r.out, "\x1b[") {
		t.Error("no colour on a terminal")
	}
	if r := runCLI(t, "", map[string]string{"NO_COLOR": "1"}, true, args...); strings.Contains(r.out, "\x1b[") {
		t.Error("colour despite NO_COLOR")
	}
	if r := runCLI(t, "", nil, false, args...); strings.Contains(r.out, "\x1b[") {
		t.Error("colour when not a terminal")
	}
}

func TestRulesCommands(t *testing.T) {
	r := runCLI(t, "", nil, false, "rules")
	for _, rule := range rules.All {
		if !strings.Contains(r.out, rule.ID) {
			t.Errorf("rules does not list %s", rule.ID)
		}
		e := runCLI(t, "", nil, false, "rules", "explain", strings.ToLower(rule.ID))
		if e.code != 0 || !strings.Contains(e.out, "## Fix") || !strings.Contains(e.out, "## How it decides") {
			t.Errorf("rules explain %s: exit %d, %q", rule.ID, e.code, e.out)
		}
	}
	v := runCLI(t, "", nil, false, "version")
	if v.code != 0 || !strings.HasPrefix(v.out, "asaaudit ") || !strings.Contains(v.out, "go go1.") {
		t.Errorf("version: %q", v.out)
	}
}

// The commands that audit configurations put off the process's first collection
// (IOStreams.DeferGC, gcstart); those that stream captures or print help do not: there
// it would only hold more memory.
func TestDeferGCOnlyWhereItPays(t *testing.T) {
	if System().DeferGC == nil {
		t.Fatal("the process's streams do not put off the first collection")
	}
	for _, tc := range []struct {
		args  []string
		calls int
	}{
		{[]string{"check", fixtures + "factory-default.txt"}, 1},
		{[]string{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", "--port", "udp/5080", pathFixture}, 1},
		{[]string{"diff", fixtures + "factory-default.txt", fixtures + "no-sip.txt"}, 1},
		{[]string{"sip", summary}, 0},
		{[]string{"version"}, 0},
		{[]string{"rules", "explain", "SIP001"}, 0},
	} {
		calls := 0
		var out, errOut bytes.Buffer
		s := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }, DeferGC: func() { calls++ }}
		if code := Main(tc.args, s); code > 1 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errOut.String())
		}
		if calls != tc.calls {
			t.Errorf("%v: DeferGC called %d times, want %d", tc.args, calls, tc.calls)
		}
	}
}
