package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/asasim"
	"github.com/asaaudit/asaaudit/collect"
	"github.com/asaaudit/asaaudit/report"
)

const (
	simUser     = "audit"
	simPassword = "s3cret-Pa55"
	simEnable   = "en-S3cret"
)

// startSim starts an emulated ASA serving the fixture and records its key in knownHosts.
func startSim(t *testing.T, fixture, hostname, knownHosts string, faults asasim.Faults) *asasim.Server {
	t.Helper()
	cfg, err := os.ReadFile(fixtures + fixture)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's running-config gains a secret, to prove it never leaves masked files.
	config := strings.Replace(string(cfg), "names\n", "names\nusername admin password "+simPassword+" encrypted privilege 15\n", 1)
	srv, err := asasim.Start(asasim.Options{
		Username: simUser, Password: simPassword,
		Device: asasim.Device{Hostname: hostname, Config: config, EnablePassword: simEnable},
		Faults: faults,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if err := asasim.WriteKnownHosts(knownHosts, srv.Addr(), srv.HostKey()); err != nil {
		t.Fatal(err)
	}
	return srv
}

func liveEnv(password string) map[string]string {
	return map[string]string{"ASAAUDIT_PASSWORD": password, "ASAAUDIT_ENABLE_PASSWORD": simEnable, "ASAAUDIT_USERNAME": simUser}
}

func runLiveCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	s := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut,
		Getenv: func(k string) string { return env[k] },
		Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	code := Main(args, s)
	return result{out.String(), errOut.String(), code}
}

func TestLiveEndToEnd(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	srv := startSim(t, "no-sip.txt", "fw1", kh, asasim.Faults{})
	save := filepath.Join(dir, "saved")

	r := runLiveCLI(t, liveEnv(simPassword), "live", "--host", srv.Addr(), "--known-hosts", kh, "--timeout", "20s", "--save", save, "--format", "json")
	if r.code != report.ExitFindings {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	var doc report.Report
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 2 || doc.Findings[0].Rule != "SIP001" || doc.Findings[0].File != srv.Addr() {
		t.Errorf("findings %+v", doc.Findings)
	}
	// The config comes back whole: line numbers match the fixture's (79 plus the added username line).
	if doc.Findings[0].Line != 80 {
		t.Errorf("finding at line %d, want 80", doc.Findings[0].Line)
	}
	if len(doc.Targets) != 1 || doc.Targets[0].Hostname != "ciscoasa" || doc.Targets[0].Version == "" {
		t.Errorf("targets %+v", doc.Targets)
	}
	// Read-only: every command the device received is on the allowlist.
	for _, cmd := range srv.Transcript() {
		if cmd == "<password>" {
			continue
		}
		if err := collect.Allowed(cmd); err != nil {
			t.Errorf("device received %q, which is not allowlisted", cmd)
		}
	}
	saved, err := os.ReadFile(collect.SavePath(save, srv.Addr()))
	if err != nil {
		t.Fatalf("saved config: %v", err)
	}
	for name, text := range map[string]string{"stdout": r.out, "stderr": r.err, "saved file": string(saved)} {
		if strings.Contains(text, simPassword) || strings.Contains(text, simEnable) {
			t.Errorf("a password appears in %s", name)
		}
	}
	// The saved file audits the same with check.
	c := runCLI(t, "", nil, false, "check", "--format", "json", collect.SavePath(save, srv.Addr()))
	if c.code != report.ExitFindings || !strings.Contains(c.out, `"line": 80`) {
		t.Errorf("re-audit of saved config: exit %d %s", c.code, c.out)
	}
}

func TestLiveErrors(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	srv := startSim(t, "factory-default.txt", "fw1", kh, asasim.Faults{})
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"wrong password", liveEnv("wrong"), []string{"--host", srv.Addr(), "--known-hosts", kh}, "authentication failed"},
		{"unknown host key", liveEnv(simPassword), []string{"--host", srv.Addr(), "--known-hosts", filepath.Join(dir, "empty")}, "is not in"},
		{"no password", map[string]string{"ASAAUDIT_USERNAME": simUser}, []string{"--host", srv.Addr(), "--known-hosts", kh}, "no SSH password"},
		{"no host", liveEnv(simPassword), nil, "--host HOST or --inventory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runLiveCLI(t, tt.env, append([]string{"live", "--timeout", "10s"}, tt.args...)...)
			if r.code != report.ExitError || !strings.Contains(r.err, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.err, tt.want)
			}
			if strings.Contains(r.err+r.out, simPassword) {
				t.Error("password in output")
			}
		})
	}
}

// changeHostKey replaces the server's known_hosts entry with another key, as if the
// firewall's key had changed since it was recorded.
func changeHostKey(t *testing.T, kh string, srv *asasim.Server) {
	t.Helper()
	b, err := os.ReadFile(kh)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if !strings.Contains(l, fmt.Sprintf("]:%d ", srv.Port())) {
			keep = append(keep, l)
		}
	}
	if err := os.WriteFile(kh, []byte(strings.Join(keep, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	other, err := asasim.GenerateHostKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := asasim.WriteKnownHosts(kh, srv.Addr(), other.PublicKey()); err != nil {
		t.Fatal(err)
	}
}

// A fleet from an inventory: 50 emulated firewalls, one with a wrong host key. The bad one is
// reported and makes the exit 2; the others are audited.
func TestLiveFleet(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	var inv strings.Builder
	inv.WriteString("defaults:\n  user: " + simUser + "\nhosts:\n")
	for i := 0; i < 50; i++ {
		srv := startSim(t, "factory-default.txt", fmt.Sprintf("fw%d", i), kh, asasim.Faults{})
		if i == 17 {
			changeHostKey(t, kh, srv)
		}
		fmt.Fprintf(&inv, "  - name: fw%d\n    host: 127.0.0.1\n    port: %d\n", i, srv.Port())
	}
	invPath := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(invPath, []byte(inv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--inventory", invPath, "--known-hosts", kh, "--workers", "16", "--timeout", "30s", "--format", "json")
	if r.code != report.ExitError {
		t.Fatalf("exit %d, want 2; stderr %q", r.code, r.err)
	}
	var doc report.Report
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Targets) != 49 || len(doc.Errors) != 1 || doc.Errors[0].Target != "fw17" {
		t.Errorf("targets %d, errors %+v", len(doc.Targets), doc.Errors)
	}
	if strings.Count(r.err, "\n") != 1 || !strings.Contains(r.err, "fw17") {
		t.Errorf("stderr should be one line about fw17: %q", r.err)
	}
}

// live --apply audits the device's configuration with a change simulated on the collected
// copy: the device receives only allowlisted commands, and the diff shows what the change
// would introduce.
func TestLiveApply(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	srv := startSim(t, "factory-default.txt", "fw1", kh, asasim.Faults{})
	script := filepath.Join(dir, "change.txt")
	if err := os.WriteFile(script, []byte("policy-map global_policy\n class inspection_default\n  no inspect sip\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--host", srv.Addr(), "--known-hosts", kh, "--apply", script, "--format", "json")
	if r.code != report.ExitFindings {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	var d struct {
		Introduced []struct{ Rule string } `json:"introduced"`
	}
	if err := json.Unmarshal([]byte(r.out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Introduced) != 2 || d.Introduced[0].Rule != "SIP001" {
		t.Errorf("introduced %+v", d.Introduced)
	}
	for _, cmd := range srv.Transcript() {
		if cmd != "<password>" && collect.Allowed(cmd) != nil {
			t.Errorf("device received %q", cmd)
		}
	}
}
