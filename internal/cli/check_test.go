package cli

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/config"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

// seedArgs are the seed-policy fixture's arguments: with them fw.txt has two findings,
// SIP003 and SIP001 on udp/5080.
var seedArgs = []string{"--sip-port", "udp/5060", "--sip-port", "udp/5080", "--register-interval", "5m"}

// workdir makes a temporary working directory holding fw.txt (the seed-policy fixture:
// udp/5080 uninspected, timeout udp 0:01:00, timeout sip 0:30:00) and the given files.
func workdir(t *testing.T, files map[string]string) string {
	t.Helper()
	src, err := os.ReadFile(fixtures + "seed-policy.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files["fw.txt"] = string(src)
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

type jsonDoc struct {
	Findings  []rules.Finding `json:"findings"`
	Baselined []rules.Finding `json:"baselined"`
	Summary   report.Summary  `json:"summary"`
}

func decodeJSON(t *testing.T, s string) jsonDoc {
	t.Helper()
	var doc jsonDoc
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("%v in %q", err, s)
	}
	return doc
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOutputs(t *testing.T) {
	workdir(t, map[string]string{})
	check := func(tty bool, args ...string) result {
		return runCLI(t, "", nil, tty, append(append([]string{"check"}, seedArgs...), args...)...)
	}
	r := check(false, "--format", "json", "--output", "out.json", "fw.txt")
	if r.code != 1 || r.out != "" || r.err != "" {
		t.Errorf("--output: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
	if doc := decodeJSON(t, readFile(t, "out.json")); len(doc.Findings) != 2 {
		t.Errorf("out.json has %d findings", len(doc.Findings))
	}
	r = check(true, "--format", "text", "--format", "sarif=out.sarif,junit=out.xml", "-o", "out.txt", "--format", "json=-", "fw.txt")
	if r.code != 1 || !strings.Contains(readFile(t, "out.txt"), "2 finding(s)") || strings.Contains(readFile(t, "out.txt"), "\x1b[") {
		t.Errorf("text to --output: exit %d, %q", r.code, readFile(t, "out.txt"))
	}
	if doc := decodeJSON(t, r.out); len(doc.Findings) != 2 {
		t.Errorf("json=- on stdout: %q", r.out)
	}
	if !strings.Contains(readFile(t, "out.sarif"), `"version": "2.1.0"`) {
		t.Error("out.sarif is not SARIF")
	}
	var suites struct {
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, "out.xml")), &suites); err != nil || suites.Failures != 2 {
		t.Errorf("out.xml: %v, %d failures", err, suites.Failures)
	}

	errs := []struct {
		name string
		args []string
		want string
	}{
		{"two on stdout", []string{"--format", "sarif,junit"}, "--format: sarif, junit all write to standard output"},
		{"two on --output", []string{"--format", "sarif", "--format", "json", "-o", "x"}, "sarif, json all write to x"},
		{"two on one file", []string{"--format", "json=a", "--format", "sarif=a"}, "json, sarif all write to a"},
		{"output unused", []string{"--format", "json=a", "-o", "b"}, "--output b: every --format already names its file"},
		{"unknown", []string{"--format", "xml=a"}, `unknown --format "xml"`},
		{"no file after =", []string{"--format", "json="}, "missing file name"},
		{"empty", []string{"--format", ","}, "no format given"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, "", nil, false, append(append([]string{"check"}, tt.args...), "fw.txt")...)
			if r.code != 2 || !strings.Contains(r.err, tt.want) || strings.Count(r.err, "\n") != 1 {
				t.Errorf("exit %d, stderr %q, want %q", r.code, r.err, tt.want)
			}
		})
	}
	r = runCLI(t, "", nil, false, "check", "--format", "json", "-o", filepath.Join("no", "such", "dir", "x.json"), "fw.txt")
	if r.code != 2 || !strings.Contains(r.err, "x.json") {
		t.Errorf("unwritable output: exit %d, %q", r.code, r.err)
	}
}

func TestQuiet(t *testing.T) {
	if r := runCLI(t, "", nil, false, "check", "-q", fixtures+"factory-default.txt"); r.code != 0 || r.out != "" {
		t.Errorf("quiet clean run: exit %d, %q", r.code, r.out)
	}
	r := runCLI(t, "", nil, false, "check", "--quiet", fixtures+"no-sip.txt")
	if r.code != 1 || !strings.Contains(r.out, "SIP001") || strings.Contains(r.out, "finding(s)") {
		t.Errorf("quiet with findings: exit %d, %q", r.code, r.out)
	}
}

const profiles = `profiles:
  - name: provider
    ports: [udp/5080]
    keepalive: 2m
  - name: trunk
    ports: [udp/5060]
    register-interval: 40m
`

// Flags override the file; the file overrides the defaults; per-provider profiles give
// each port its own interval.
func TestConfigPrecedence(t *testing.T) {
	tests := []struct {
		name     string
		config   string
		args     []string
		code     int
		want     []string // substrings of stdout (JSON findings' messages or text)
		wantNot  []string
		stderr   string
		fromSubd bool
	}{
		{"per-provider profiles", profiles, nil, 1,
			[]string{"udp/5080: the SIP flow idles out after 0:01:00 (timeout udp), before the clients' 2m keepalive", "udp/5060: the SIP flow idles out after 0:30:00 (timeout sip), before the clients' 40m re-REGISTER", "SIP001 udp/5080"}, nil, "", false},
		{"trunk without registration", "profiles:\n  - ports: [udp/5080]\n    keepalive: 2m\n  - name: trunk\n    ports: [udp/5060]\n", nil, 1,
			[]string{"udp/5080: the SIP flow idles out"}, []string{"udp/5060: the SIP flow"}, "", false},
		{"--keepalive sets every port", profiles, []string{"--keepalive", "10m"}, 1,
			[]string{"udp/5080: the SIP flow idles out after 0:01:00 (timeout udp), before the clients' 10m keepalive"}, []string{"udp/5060: the SIP flow", "2m keepalive"}, "", false},
		{"--sip-port picks the ports, profiles keep their intervals", profiles, []string{"--sip-port", "udp/5060"}, 1,
			[]string{"udp/5060: the SIP flow idles out after 0:30:00 (timeout sip), before the clients' 40m re-REGISTER"}, []string{"udp/5080"}, "", false},
		{"fail-on from the file", "fail-on: never\n" + profiles, nil, 0, []string{"SIP001"}, nil, "", false},
		{"--fail-on beats the file", "fail-on: never\n" + profiles, []string{"--fail-on", "warning"}, 1, nil, nil, "", false},
		{"rule off and severity", profiles + "rules:\n  SIP001: off\n  SIP003: warning\n", []string{"--fail-on", "error"}, 0,
			[]string{"warning SIP003"}, []string{"SIP001", "error SIP003"}, "", false},
		{"--disable", "", append([]string{"--disable", "sip001", "--disable", "SIP003"}, seedArgs...), 0, []string{"0 finding(s)"}, nil, "", false},
		{"--disable unknown", "", []string{"--disable", "SIP999"}, 2, nil, nil, `--disable: unknown rule "SIP999"`, false},
		{"found from a subdirectory", "fail-on: never\n" + profiles, nil, 0, []string{"SIP001"}, nil, "", true},
		{"bad file names file, line and key", "profiles:\n  - name: p\n    keepalive: soon\n", nil, 2, nil, nil, `.asaaudit.yaml:3: profiles[0].keepalive: "soon" is not a duration`, false},
		{"unknown key", "failon: never\n", nil, 2, nil, nil, `.asaaudit.yaml:1: unknown key "failon" (did you mean "fail-on"?)`, false},
		{"--config", "fail-on: never\n", append([]string{"--config", "strict.yaml"}, seedArgs...), 1, nil, nil, "", false},
		{"--config missing", "", []string{"--config", "nope.yaml"}, 2, nil, nil, "config nope.yaml: no such file or directory", false},
		{"--config /dev/null turns discovery off", "fail-on: never\n", append([]string{"--config", os.DevNull}, seedArgs...), 1, nil, nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := workdir(t, map[string]string{config.FileName: tt.config, "strict.yaml": "fail-on: warning\n"})
			file := "fw.txt"
			if tt.fromSubd {
				sub := filepath.Join(dir, "a", "b")
				if err := os.MkdirAll(sub, 0o755); err != nil {
					t.Fatal(err)
				}
				t.Chdir(sub)
				file = filepath.Join("..", "..", "fw.txt")
			}
			r := runCLI(t, "", nil, false, append(append([]string{"check"}, tt.args...), file)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tt.code, r.err)
			}
			// A file found by discovery is always named on stderr (it changes the outcome
			// without being on the command line); one given with --config is not.
			notice := "asaaudit: using configuration file " + filepath.Join(map[bool]string{true: "../..", false: "."}[tt.fromSubd], config.FileName) + "\n"
			if discovered := !slices.Contains(tt.args, "--config"); discovered != strings.Contains(r.err, notice) {
				t.Errorf("stderr %q: discovered %v, notice %q", r.err, discovered, notice)
			}
			r.err = strings.Replace(r.err, notice, "", 1)
			if !strings.Contains(r.err, tt.stderr) || tt.stderr == "" && r.err != "" {
				t.Errorf("stderr %q, want %q", r.err, tt.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.out)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(r.out, w) {
					t.Errorf("stdout has %q:\n%s", w, r.out)
				}
			}
		})
	}
}

// A disabled rule is a skipped testcase in JUnit; the others ran.
func TestJUnitSkipsDisabledRules(t *testing.T) {
	workdir(t, map[string]string{})
	r := runCLI(t, "", nil, false, append(append([]string{"check"}, seedArgs...), "--format", "junit", "--disable", "SIP004", "fw.txt")...)
	var doc struct {
		Suites []struct {
			Skipped int `xml:"skipped,attr"`
			Cases   []struct {
				Name    string    `xml:"name,attr"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	// Skipped: the disabled rule, and the capture rules, which judge captures, not
	// configurations.
	s := doc.Suites[0]
	captureRules := 0
	for _, r := range rules.All {
		if r.Capture != nil {
			captureRules++
		}
	}
	if captureRules == 0 || s.Skipped != 1+captureRules || len(s.Cases) != len(rules.All) {
		t.Fatalf("suite: %d skipped, %d cases; %d capture rules", s.Skipped, len(s.Cases), captureRules)
	}
	for _, c := range s.Cases {
		want := strings.HasPrefix(c.Name, "SIP004 ") || strings.HasPrefix(c.Name, "REG")
		if (c.Skipped != nil) != want {
			t.Errorf("testcase %q skipped: %v", c.Name, c.Skipped != nil)
		}
	}
}

// A baseline accepts today's findings by fingerprint: moving lines and editing unrelated
// ones keeps them accepted; a new problem still fails the run.
func TestBaselineRoundTrip(t *testing.T) {
	workdir(t, map[string]string{})
	r := runCLI(t, "", nil, false, append(append([]string{"check"}, seedArgs...), "--write-baseline", "base.json", "fw.txt")...)
	if r.code != 0 || !strings.Contains(r.err, "wrote 2 finding(s) to baseline base.json") || !strings.Contains(r.out, "0 finding(s)") || !strings.Contains(r.out, "2 baselined") {
		t.Fatalf("--write-baseline: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
	var b report.Baseline
	if err := json.Unmarshal([]byte(readFile(t, "base.json")), &b); err != nil || b.SchemaVersion != 1 || len(b.Findings) != 2 || b.Findings[0].File != "fw.txt" {
		t.Fatalf("base.json: %v %+v", err, b)
	}

	check := func(args ...string) (jsonDoc, int) {
		t.Helper()
		r := runCLI(t, "", nil, false, append(append([]string{"check", "--baseline", "base.json", "--format", "json"}, seedArgs...), args...)...)
		if r.err != "" {
			t.Errorf("stderr %q", r.err)
		}
		return decodeJSON(t, r.out), r.code
	}
	doc, code := check("fw.txt")
	if code != 0 || len(doc.Findings) != 0 || len(doc.Baselined) != 2 || doc.Summary.Baselined != 2 || doc.Summary.Errors != 0 {
		t.Errorf("with the baseline: exit %d, %+v", code, doc.Summary)
	}

	// Lines move and an unrelated line changes: still accepted.
	src := readFile(t, "fw.txt")
	moved := strings.Replace(src, "hostname TRUST-FW01", "! a comment\n!\n!\nhostname TRUST-FW02", 1)
	if moved == src {
		t.Fatal("fixture has no hostname line")
	}
	if err := os.WriteFile("fw.txt", []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, code = check("fw.txt")
	if code != 0 || doc.Summary.Baselined != 2 || len(doc.Findings) != 0 || doc.Baselined[0].Line < 40 {
		t.Errorf("after moving lines: exit %d, %+v", code, doc.Summary)
	}

	// A new problem fails the run; only it is a finding.
	broken := strings.Replace(moved, "service-policy global_policy global", "service-policy global-policy global", 1)
	if err := os.WriteFile("fw.txt", []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, code = check("fw.txt")
	if code != 1 || len(doc.Findings) == 0 {
		t.Errorf("with a new problem: exit %d, %+v", code, doc.Summary)
	}
	for _, f := range doc.Findings {
		for _, e := range b.Findings {
			if f.Fingerprint == e.Fingerprint {
				t.Errorf("baselined finding %s reported as new", f.Rule)
			}
		}
	}

	// The same findings in another file are not accepted.
	if err := os.WriteFile("fw2.txt", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if doc, code = check("fw2.txt"); code != 1 || doc.Summary.Baselined != 0 {
		t.Errorf("other file: exit %d, %+v", code, doc.Summary)
	}

	for name, content := range map[string]string{"bad.json": "not json", "old.json": `{"schemaVersion": 9, "findings": []}`, "partial.json": `{"schemaVersion": 1, "findings": [{"rule": "SIP001"}]}`} {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, "", nil, false, "check", "--baseline", name, "fw.txt")
		if r.code != 2 || !strings.Contains(r.err, "baseline "+name) {
			t.Errorf("%s: exit %d, %q", name, r.code, r.err)
		}
	}
	if r := runCLI(t, "", nil, false, "check", "--baseline", "missing.json", "fw.txt"); r.code != 2 || !strings.Contains(r.err, "missing.json: no such file") {
		t.Errorf("missing baseline: exit %d, %q", r.code, r.err)
	}
}

// The configuration file names the baseline relative to itself.
func TestBaselineFromConfig(t *testing.T) {
	dir := workdir(t, map[string]string{config.FileName: "baseline: ci/base.json\n"})
	if err := os.Mkdir("ci", 0o755); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "", nil, false, append(append([]string{"check"}, seedArgs...), "-q", "--write-baseline", filepath.Join("ci", "base.json"), "fw.txt")...); r.code != 0 || r.err != "" {
		t.Fatalf("write: exit %d, %q", r.code, r.err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	// From sub/, fw.txt is ../fw.txt: the baseline's "fw.txt" entries do not match it.
	r := runCLI(t, "", nil, false, append(append([]string{"check"}, seedArgs...), "../fw.txt")...)
	if r.code != 1 || strings.Contains(r.out, "baselined") {
		t.Errorf("other relative path: exit %d, %q", r.code, r.out)
	}
	t.Chdir(dir)
	if r := runCLI(t, "", nil, false, append(append([]string{"check"}, seedArgs...), "fw.txt")...); r.code != 0 || !strings.Contains(r.out, "2 baselined") {
		t.Errorf("baseline from the file: exit %d, %q %q", r.code, r.out, r.err)
	}
}

func TestConfigInit(t *testing.T) {
	workdir(t, map[string]string{})
	r := runCLI(t, "", nil, false, "config", "init")
	if r.code != 0 || !strings.Contains(r.out, "wrote "+config.FileName) {
		t.Fatalf("config init: exit %d, %q %q", r.code, r.out, r.err)
	}
	if got := readFile(t, config.FileName); got != config.Template() {
		t.Error("the file is not the template")
	}
	if r := runCLI(t, "", nil, false, "config", "init"); r.code != 2 || !strings.Contains(r.err, "already exists (use --force") {
		t.Errorf("second init: exit %d, %q", r.code, r.err)
	}
	if r := runCLI(t, "", nil, false, "config", "init", "--force"); r.code != 0 {
		t.Errorf("init --force: exit %d, %q", r.code, r.err)
	}
	if r := runCLI(t, "", nil, false, "config", "init", "-"); r.code != 0 || r.out != config.Template() {
		t.Errorf("init -: exit %d", r.code)
	}
	// check uses the new file: its provider profile audits udp/5080, which the default
	// ports do not include.
	r = runCLI(t, "", nil, false, "check", "fw.txt")
	if r.code != 1 || !strings.Contains(r.out, "SIP001 udp/5080") {
		t.Errorf("check with the template: exit %d, %q %q", r.code, r.out, r.err)
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := runCLI(t, "", nil, false, "completion", shell); r.code != 0 || !strings.Contains(r.out, "asaaudit") {
			t.Errorf("completion %s: exit %d, %q", shell, r.code, r.err)
		}
	}
	r := runCLI(t, "", nil, false, "__complete", "check", "--format", "")
	for _, f := range report.Formats {
		if !strings.Contains(r.out, f+"\n") {
			t.Errorf("--format completion lacks %s: %q", f, r.out)
		}
	}
	r = runCLI(t, "", nil, false, "__complete", "rules", "explain", "SIP")
	if !strings.Contains(r.out, "SIP001\t") || strings.Contains(r.out, "REF001") {
		t.Errorf("rules explain completion: %q", r.out)
	}
}
