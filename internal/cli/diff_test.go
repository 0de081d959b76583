package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiffAndApplyExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noInspect := write("no-inspect.txt", "policy-map global_policy\n class inspection_default\n  no inspect sip\n")
	harmless := write("harmless.txt", "timeout sip 1:00:00\n")
	jsonScript := write("change.json", `{"commands": ["timeout sip 0:05:00"]}`)
	showOutput := write("show.txt", "timeout sip 0:05:00\nGlobal policy:\n")
	notes := write("notes.txt", "shopping list\neggs\n")
	factory, noSIP := fixtures+"factory-default.txt", fixtures+"no-sip.txt"
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring; "" means stderr must be empty
		stdout string // substring
	}{
		{"diff introduces", []string{"diff", factory, noSIP}, 1, "", "introduced (2):"},
		{"diff resolves", []string{"diff", noSIP, factory}, 0, "", "resolved (2):"},
		{"diff of the same file", []string{"diff", noSIP, noSIP}, 0, "", "unchanged (2):"},
		{"diff fail-on never", []string{"diff", "--fail-on", "never", factory, noSIP}, 0, "", "2 introduced"},
		{"diff missing file", []string{"diff", factory, filepath.Join(dir, "nope.txt")}, 2, "nope.txt: no such file or directory", ""},
		{"diff not asa", []string{"diff", notes, factory}, 2, "no ASA configuration lines", ""},
		{"diff live without credentials", []string{"diff", "live:fw1", factory}, 2, "no SSH password", ""},
		{"diff live as after", []string{"diff", factory, "live:fw1"}, 2, "live:HOST can only be BEFORE", ""},
		{"diff one file", []string{"diff", factory}, 2, "accepts 2 arg(s)", ""},
		{"diff both stdin", []string{"diff", "-", "-"}, 2, "only one of BEFORE and AFTER", ""},
		{"diff baseline", []string{"diff", "--baseline", "b.json", factory, noSIP}, 2, "--baseline and --write-baseline do not apply", ""},
		{"apply introduces", []string{"check", factory, "--apply", noInspect}, 1, "", "introduced (2):"},
		{"apply harmless", []string{"check", factory, "--apply", harmless}, 0, "", "0 introduced"},
		{"apply json script", []string{"check", factory, "--apply", jsonScript}, 2, "change.json:1: JSON: not a configuration-mode change script", ""},
		{"apply show output", []string{"check", factory, "--apply", showOutput}, 2, `show.txt:2: "Global policy:" is not a configuration command`, ""},
		{"apply missing script", []string{"check", factory, "--apply", filepath.Join(dir, "nope.txt")}, 2, "nope.txt: no such file or directory", ""},
		{"apply missing config", []string{"check", filepath.Join(dir, "nope.txt"), "--apply", harmless}, 2, "nope.txt: no such file or directory", ""},
		{"apply two files", []string{"check", factory, noSIP, "--apply", harmless}, 2, "one configuration, got 2 files", ""},
		{"print-config without apply", []string{"check", factory, "--print-config"}, 2, "--print-config needs --apply", ""},
		{"apply sarif carries the introduced", []string{"check", factory, "--apply", noInspect, "--format", "sarif"}, 1, "", `"ruleId": "SIP001"`},
		// --format html: the change's page, introduced findings first, for diff and --apply.
		{"diff html", []string{"diff", factory, noSIP, "--format", "html"}, 1, "", "<h2>Introduced (2)</h2>"},
		{"apply html", []string{"check", factory, "--apply", noInspect, "--format", "html"}, 1, "", `<span id="diff-change">` + noInspect + "</span>"},
		{"apply print-config", []string{"check", factory, "--apply", noInspect, "--print-config"}, 0, "", "policy-map global_policy\n class inspection_default\n  inspect dns preset_dns_map\n"},
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
			if tt.code == 2 && strings.Count(r.err, "\n") != 1 {
				t.Errorf("stderr is not one line: %q", r.err)
			}
			if !strings.Contains(r.out, tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, r.out)
			}
		})
	}
}

// The script can come from standard input, and the configuration too.
func TestApplyStdin(t *testing.T) {
	r := runCLI(t, "no service-policy global_policy global\n", nil, false, "check", fixtures+"factory-default.txt", "--apply", "-", "--format", "json")
	var doc struct {
		Change     string
		Introduced []struct{ Rule, File string }
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("%v: %s %s", err, r.out, r.err)
	}
	if r.code != 1 || doc.Change != "<stdin>" || len(doc.Introduced) != 3 {
		t.Errorf("exit %d, document %+v", r.code, doc)
	}
	src, err := os.ReadFile(fixtures + "factory-default.txt")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "c.txt")
	if err := os.WriteFile(script, []byte("timeout sip 0:05:00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, string(src), nil, false, "check", "-", "--apply", script, "--register-interval", "10m")
	if r.code != 1 || !strings.Contains(r.out, script+":1: error SIP003 udp/5060") {
		t.Errorf("exit %d:\n%s%s", r.code, r.out, r.err)
	}
}

// A configuration file given to --apply is read from where it is, its lines read back as
// they are asked for; standard input is read whole. Both give the same report, for
// scripts that change the access-lists, objects and MPF, with and without the path rules.
func TestApplyFileReadBack(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "c.txt")
	if err := os.WriteFile(script, []byte("access-list inside_in line 1 extended permit udp 10.200.41.0 255.255.255.0 host 204.11.192.22 eq 5080\n"+
		"object-group network VOICE-NETS\n network-object 10.200.41.0 255.255.255.0\nno service-policy global_policy global\ntimeout sip 0:05:00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(fixtures + "paths/*.txt")
	files = append(files, fixtures+"factory-default.txt", fixtures+"match-acl.txt")
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, paths := range [][]string{nil, {"--clients", "10.200.41.0/24", "--provider", "204.11.192.22"}} {
			args := append([]string{"check", "--apply", script, "--format", "json"}, paths...)
			fromFile := runCLI(t, "", nil, false, append(args, file)...)
			fromStdin := runCLI(t, string(src), nil, false, append(args, "-")...)
			name, _ := json.Marshal(file)
			stdin, _ := json.Marshal("<stdin>")
			if got := strings.ReplaceAll(fromFile.out, string(name), string(stdin)); fromFile.code != fromStdin.code || got != fromStdin.out {
				t.Errorf("%s %v: from the file (exit %d)\n%s\nfrom stdin (exit %d)\n%s", file, paths, fromFile.code, fromFile.out, fromStdin.code, fromStdin.out)
			}
		}
	}
}
