package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const pathFixture = fixtures + "paths/pat-no-inspect.txt"

// trace's exit codes, usage errors and input errors; the steps themselves are compared
// with golden files in fixtures/paths.
func TestTraceExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring; "" means stderr must be empty
		stdout string // substring
	}{
		{"allowed", []string{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", "--port", "udp/5080", pathFixture}, 0, "", "Result: ALLOW"},
		{"dropped", []string{"trace", "--from", "10.200.41.89", "--to", "10.1.1.50", fixtures + "paths/same-security-without.txt"}, 1, "", "Phase 3: SAME-SECURITY\nResult: DROP"},
		{"not evaluated", []string{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", "--port", "udp/5080", fixtures + "paths/no-route.txt"}, 1, "", "not evaluated: no interface's subnet and no route holds the provider"},
		{"subnet", []string{"trace", "--from", "10.200.41.0/24", "--to", "204.11.192.22", pathFixture}, 0, "", "trace udp/5060 10.200.41.0/24 -> 204.11.192.22"},
		{"missing --to", []string{"trace", "--from", "10.200.41.89", pathFixture}, 2, `required flag(s) "to" not set`, ""},
		{"bad --from", []string{"trace", "--from", "phones", "--to", "204.11.192.22", pathFixture}, 2, "--from: invalid clients", ""},
		{"bad --to", []string{"trace", "--from", "10.200.41.89", "--to", "10.0.0.0/8", pathFixture}, 2, "--to: invalid provider", ""},
		{"both protocols", []string{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", "--port", "5060", pathFixture}, 2, "--port: want udp/N or tcp/N", ""},
		{"bad format", []string{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", "--format", "sarif", pathFixture}, 2, "--format: unknown format", ""},
		{"missing file", []string{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", "nope.txt"}, 2, "nope.txt: no such file or directory", ""},
		{"two files", []string{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", pathFixture, pathFixture}, 2, "accepts 1 arg", ""},
		{"bridge group, first member by default", []string{"trace", "--from", "192.168.1.20", "--to", "204.11.192.22", fixtures + "paths/bridge-group.txt"}, 0, "", "input interface inside_1:"},
		{"bridge group, member given", []string{"trace", "--from", "192.168.1.20", "--to", "204.11.192.22", "--input", "inside_3", fixtures + "paths/bridge-group.txt"}, 0, "", "input interface inside_3:"},
		{"not a member", []string{"trace", "--from", "192.168.1.20", "--to", "204.11.192.22", "--input", "outside", fixtures + "paths/bridge-group.txt"}, 1, "", "not evaluated: outside is not a member of bridge group BVI1"},
		{"symmetric source port passes", []string{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", fixtures + "paths/ephemeral-source-port.txt"}, 0, "", "Result: ALLOW"},
		{"bad --source-port", []string{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", "--source-port", "5060", pathFixture}, 2, "--source-port: want sip or ephemeral", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, "", nil, false, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.err)
			}
			if tt.stderr == "" && r.err != "" || !strings.Contains(r.err, tt.stderr) {
				t.Errorf("stderr %q, want %q", r.err, tt.stderr)
			}
			if !strings.Contains(r.out, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, r.out)
			}
		})
	}
}

// trace reads standard input, and its JSON names the lines that could not be read.
func TestTraceStdinAndDiagnostics(t *testing.T) {
	src, err := os.ReadFile(pathFixture)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(src), " nat (phones,outside) dynamic interface", " nat (phones,outside) dynamic interface bogus", 1)
	r := runCLI(t, bad, nil, false, "trace", "--from", "10.200.41.89", "--to", "204.11.192.22", "--port", "udp/5080", "--format", "json", "-")
	if r.code != 0 || r.err != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	var doc struct {
		File        string `json:"file"`
		Result      string `json:"result"`
		Diagnostics []struct {
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.File != "<stdin>" || doc.Result != "ALLOW" || len(doc.Diagnostics) != 1 || doc.Diagnostics[0].Line != 30 {
		t.Errorf("got %+v", doc)
	}
}

// --clients and --provider enable the path rules; the configuration file gives them too,
// and the flags replace what it gives.
func TestPathFlags(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(cfg, []byte("clients: 10.200.41.0/24\nprovider: [204.11.192.22]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(args ...string) result {
		return runCLI(t, "", nil, false, append(append([]string{"check", "--sip-port", "udp/5080", "--format", "json"}, args...), pathFixture)...)
	}
	rulesOf := func(r result) string {
		var ids []string
		for _, f := range decodeJSON(t, r.out).Findings {
			ids = append(ids, f.Rule)
		}
		return strings.Join(ids, " ")
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"flags", []string{"--config", os.DevNull, "--clients", "10.200.41.0/24", "--provider", "204.11.192.22"}, "ACL002 NAT001 SIP001"},
		{"file", []string{"--config", cfg}, "ACL002 NAT001 SIP001"},
		{"flags replace the file", []string{"--config", cfg, "--clients", "10.99.0.0/16"}, "ACL001 SIP001"}, // routed to outside: in and out by outside
		{"one missing", []string{"--config", os.DevNull, "--provider", "204.11.192.22"}, "PATH000 SIP001"},
		{"none: no access-group, no PATH000", []string{"--config", os.DevNull}, "SIP001"},
		{"rules off: not even parsed", []string{"--config", cfg, "--disable", "ACL002", "--disable", "NAT001", "--disable", "ACL001", "--disable", "PATH000"}, "SIP001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rulesOf(check(tc.args...)); got != tc.want {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
		})
	}
	for _, bad := range [][]string{{"--clients", "10.200.41.0/33"}, {"--provider", "sip.example.net"}} {
		r := check(append([]string{"--config", os.DevNull}, bad...)...)
		if r.code != 2 || !strings.Contains(r.err, bad[0]+": invalid") {
			t.Errorf("%v: exit %d, stderr %q", bad, r.code, r.err)
		}
	}
}

// trace --evidence sets the device's packet-tracer output of the flow beside the trace:
// agreement, a disagreement phase by phase with the lines the trace used, the request
// back, outputs of other flows, and the JSON form.
func TestTraceEvidence(t *testing.T) {
	cfg := fixtures + "paths/pat-inspect.txt"
	base := []string{"trace", "--from", "10.200.41.10", "--to", "204.11.192.22", "--port", "udp/5060"}
	ev := func(f string) []string { return []string{"--evidence", tracerFixtures + f} }
	tests := []struct {
		name   string
		args   []string
		stdout []string
		stderr string
	}{
		{"agrees", ev("allow-9x.xml.txt"), []string{"Firewall: packet-tracer input phones udp 10.200.41.10 5060 204.11.192.22 5060 (" + tracerFixtures + "allow-9x.xml.txt:1) agrees with the trace: output interface outside, access-list permit, translated to 198.51.100.2, inspect sip applies, result allow"}, ""},
		{"8.x text", ev("allow-8x.txt"), []string{"agrees with the trace: output interface outside"}, ""},
		{"disagrees", ev("nat-differs-9x.xml.txt"), []string{"disagrees with the trace\n  ROUTE-LOOKUP: the firewall: output interface dmz; the configuration: output interface outside\n    " + cfg + ":31: route outside 0.0.0.0 0.0.0.0 198.51.100.1 1\n    likely: ", "NAT: the firewall: translated to 192.0.2.5"}, ""},
		{"request back", ev("return-drop-9x.xml.txt"), []string{"agrees with the trace: the provider's request is dropped"}, ""},
		{"other flow", []string{"--evidence", fixtures + "evidence/seed-9x.show.txt"}, []string{"Result: ALLOW"}, "no packet-tracer output for this flow (0 for other flows)"},
	}
	for _, tt := range tests {
		r := runCLI(t, "", nil, false, append(append(append([]string{}, base...), tt.args...), cfg)...)
		for _, want := range tt.stdout {
			if !strings.Contains(r.out, want) {
				t.Errorf("%s: stdout lacks %q:\n%s", tt.name, want, r.out)
			}
		}
		if tt.stderr == "" && r.err != "" || !strings.Contains(r.err, tt.stderr) || r.code != 0 {
			t.Errorf("%s: exit %d, stderr %q", tt.name, r.code, r.err)
		}
	}
	r := runCLI(t, "", nil, false, append(append(append([]string{}, base...), "--format", "json", "--evidence", tracerFixtures+"inspect-nosip-9x.xml.txt"), cfg)...)
	var doc struct {
		PacketTracer []struct {
			Command string `json:"command"`
			Agrees  bool   `json:"agrees"`
			Diffs   []struct {
				Phase, Device, Config string
				Lines                 []struct{ Line int }
			} `json:"diffs"`
		} `json:"packetTracer"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.PacketTracer) != 1 || doc.PacketTracer[0].Agrees || len(doc.PacketTracer[0].Diffs) != 1 || doc.PacketTracer[0].Diffs[0].Phase != "INSPECT" || len(doc.PacketTracer[0].Diffs[0].Lines) == 0 {
		t.Errorf("json: %+v", doc.PacketTracer)
	}
}

// A trace of a file, whose lines are read back from it as they are asked for, is the
// trace of the same text from standard input, kept in memory (the file name aside).
func TestTraceFileReadBack(t *testing.T) {
	files, _ := filepath.Glob(fixtures + "paths/*.txt")
	if len(files) < 10 {
		t.Fatalf("%d path fixtures", len(files))
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"text", "json"} {
			args := []string{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", "--port", "udp/5080", "--format", format}
			fromFile := runCLI(t, "", nil, false, append(args, file)...)
			fromStdin := runCLI(t, string(src), nil, false, append(args, "-")...)
			name, _ := json.Marshal(file)
			stdin, _ := json.Marshal("<stdin>")
			got := strings.ReplaceAll(strings.ReplaceAll(fromFile.out, string(name), string(stdin)), file, "<stdin>")
			if fromFile.code != fromStdin.code || got != fromStdin.out || fromFile.err != fromStdin.err {
				t.Errorf("%s (%s): from the file (exit %d)\n%s\nfrom stdin (exit %d)\n%s", file, format, fromFile.code, fromFile.out, fromStdin.code, fromStdin.out)
			}
		}
	}
}
