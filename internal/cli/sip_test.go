package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/rules"
)

const summary = fixtures + "captures/credentials.tshark.txt"

func TestSIPCommand(t *testing.T) {
	dir := t.TempDir()
	notCapture := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notCapture, []byte("shopping list\neggs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badPcap := filepath.Join(dir, "cut.pcap")
	if err := os.WriteFile(badPcap, []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0}, 0o644); err != nil {
		t.Fatal(err)
	}
	stdin, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string // substring; "" means stderr must be empty
		stdout string // substring
	}{
		{"credentials rejected", "", []string{"sip", summary}, 1, "", "=> frame 4: error REG001"},
		{"ladder before findings", "", []string{"sip", summary}, 1, "", "    4     0.494 204.11.192.22 -> 10.200.41.89 SIP/2.0 403 Incorrect Authentication\n"},
		{"fail-on never", "", []string{"sip", "--fail-on", "never", summary}, 0, "", "REG001"},
		{"disabled rule", "", []string{"sip", "--disable", "REG001", summary}, 0, "", "1 finding(s)"},
		{"standard input", string(stdin), []string{"sip", "-"}, 1, "", "<stdin>:4: error REG001"},
		{"missing capture", "", []string{"sip", filepath.Join(dir, "absent.pcap")}, 2, "absent.pcap", ""},
		{"not a capture", "", []string{"sip", notCapture}, 2, "notes.txt: not a packet capture", ""},
		{"cut pcap header", "", []string{"sip", badPcap}, 2, "cut.pcap", ""},
		{"missing running-config", "", []string{"sip", "--running-config", filepath.Join(dir, "absent.txt"), summary}, 2, "absent.txt", "REG001"},
		{"stdin twice", "", []string{"sip", "-", "--running-config", "-"}, 2, "standard input (-) can be given once", ""},
		{"no capture", "", []string{"sip"}, 2, "requires at least 1 arg", ""},
		{"capture among --evidence", "", []string{"check", "--evidence", summary, fixtures + "seed-policy.txt"}, 1, "", "REG001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.stdin, nil, false, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.out, r.err)
			}
			if tt.stderr == "" && r.err != "" {
				t.Errorf("unexpected stderr: %s", r.err)
			}
			if !strings.Contains(r.err, tt.stderr) {
				t.Errorf("stderr %q lacks %q", r.err, tt.stderr)
			}
			if tt.code == 2 && tt.stderr != "" && strings.Count(strings.TrimSpace(r.err), "\n") > 0 {
				t.Errorf("input error is not one line: %q", r.err)
			}
			if !strings.Contains(r.out, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, r.out)
			}
		})
	}
}

// The capture rules are listed and explained like the others.
func TestSIPRulesListed(t *testing.T) {
	r := runCLI(t, "", nil, false, "rules")
	for _, id := range []string{"REG001", "REG008"} {
		if !strings.Contains(r.out, id) {
			t.Errorf("rules does not list %s:\n%s", id, r.out)
		}
	}
	r = runCLI(t, "", nil, false, "rules", "explain", "REG001")
	if r.code != 0 || !strings.Contains(r.out, "## How it decides") && !strings.Contains(r.out, "How it decides") {
		t.Errorf("rules explain REG001: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// The JSON of a capture is the check document: the capture is a target, its frames its
// lines, each finding at its frame.
func TestSIPJSON(t *testing.T) {
	r := runCLI(t, "", nil, false, "sip", "--format", "json", summary)
	var doc struct {
		Targets []struct {
			Target string `json:"target"`
			Lines  int    `json:"lines"`
		} `json:"targets"`
		Findings []rules.Finding `json:"findings"`
		Summary  struct {
			ExitCode int `json:"exitCode"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if len(doc.Targets) != 1 || doc.Targets[0].Target != summary || doc.Targets[0].Lines != 8 || doc.Summary.ExitCode != 1 {
		t.Errorf("targets %+v, exit %d", doc.Targets, doc.Summary.ExitCode)
	}
	for _, f := range doc.Findings {
		if f.Rule == "REG001" && (f.Line != 4 || len(f.Fix) != 0 || !strings.Contains(f.Detail, "not the cause")) {
			t.Errorf("REG001: %+v", f)
		}
	}
}

// A baseline written from a capture accepts its findings the next time: fingerprints do
// not depend on the frame.
func TestSIPBaselineAndFormats(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "baseline.json")
	if r := runCLI(t, "", nil, false, "sip", "--write-baseline", base, summary); r.code != 0 {
		t.Fatalf("write-baseline: exit %d %s", r.code, r.err)
	}
	if r := runCLI(t, "", nil, false, "sip", "--baseline", base, summary); r.code != 0 || strings.Contains(r.out, "=> frame 4") {
		t.Errorf("baseline: exit %d\n%s", r.code, r.out)
	}
	sarif := filepath.Join(dir, "out.sarif")
	r := runCLI(t, "", nil, false, "sip", "--format", "text", "--format", "sarif="+sarif, "--format", "junit="+filepath.Join(dir, "out.xml"), summary)
	if r.code != 1 {
		t.Fatalf("exit %d %s", r.code, r.err)
	}
	b, err := os.ReadFile(sarif)
	if err != nil || !strings.Contains(string(b), `"ruleId": "REG001"`) {
		t.Errorf("SARIF lacks the REG001 result: %v", err)
	}
	if x, _ := os.ReadFile(filepath.Join(dir, "out.xml")); !strings.Contains(string(x), "REG001") {
		t.Error("JUnit lacks REG001")
	}
}
