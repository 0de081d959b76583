package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/asasim"
	"github.com/asaaudit/asaaudit/collect"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
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
	// The device answers the default evidence commands as a firewall without SIP traffic and
	// without service policies does.
	device := asasim.Device{Hostname: hostname, Config: withSecret(string(cfg)), Outputs: map[string]string{
		"show conn protocol udp port 5060 long": "0 in use, 0 most used\n",
		"show conn protocol tcp port 5060 long": "0 in use, 0 most used\n",
		"show service-policy":                   "",
	}}
	return startDevice(t, device, knownHosts, faults)
}

// withSecret adds a secret to a running-config, to prove it never leaves masked files.
func withSecret(config string) string {
	return strings.Replace(config, "names\n", "names\nusername admin password "+simPassword+" encrypted privilege 15\n", 1)
}

// startDevice starts an emulated ASA and records its key in knownHosts.
func startDevice(t *testing.T, device asasim.Device, knownHosts string, faults asasim.Faults) *asasim.Server {
	t.Helper()
	device.EnablePassword = simEnable
	srv, err := asasim.Start(asasim.Options{Username: simUser, Password: simPassword, Device: device, Faults: faults})
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
	if r.err != "" {
		t.Errorf("stderr %q", r.err)
	}
	// Findings name the saved file, which check can audit again.
	if len(doc.Findings) != 2 || doc.Findings[0].Rule != "SIP001" || doc.Findings[0].File != collect.SavePath(save, srv.Addr()) {
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
	// A known_hosts file that exists but does not list the host (a missing one is a usage
	// error of its own: TestKnownHostsMissing).
	if err := os.WriteFile(filepath.Join(dir, "empty"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
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

// seedDevice is the emulator of the seed firewall: its configuration and the show conn and
// show service-policy outputs saved in fixtures/evidence (the provider flow on udp/5080 with
// a one-minute timeout among them).
func seedDevice(t *testing.T) asasim.Device {
	t.Helper()
	cfg, err := os.ReadFile(fixtures + "evidence/seed-9x.config.txt")
	if err != nil {
		t.Fatal(err)
	}
	show, err := os.ReadFile(fixtures + "evidence/seed-9x.show.txt")
	if err != nil {
		t.Fatal(err)
	}
	d, err := asasim.DeviceFromCaptures("TRUST-FW01# show running-config\n"+withSecret(string(cfg)), string(show))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// checkReadOnly asserts that the device received only allowlisted commands and that no
// password appears in texts.
func checkReadOnly(t *testing.T, srv *asasim.Server, texts map[string]string) {
	t.Helper()
	for _, cmd := range srv.Transcript() {
		if cmd != "<password>" && collect.Allowed(cmd) != nil {
			t.Errorf("device received %q, which is not allowlisted", cmd)
		}
	}
	for name, text := range texts {
		if strings.Contains(text, simPassword) || strings.Contains(text, simEnable) {
			t.Errorf("a password appears in %s", name)
		}
	}
}

// Live mode collects show conn and show service-policy beside the configuration: the seed's
// provider flow with "timeout 1m0s" is a RUN002 finding. Saved, the configuration and the
// evidence audit with check --evidence exactly as live audited them.
func TestLiveEvidence(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	srv := startDevice(t, seedDevice(t), kh, asasim.Faults{})
	save := filepath.Join(dir, "saved")
	flags := []string{"--sip-port", "udp/5060", "--sip-port", "udp/5061", "--sip-port", "udp/5080", "--register-interval", "5m", "--format", "json"}
	live := func(extra ...string) (result, report.Report) {
		t.Helper()
		args := append(append([]string{"live", "--host", srv.Addr(), "--known-hosts", kh, "--timeout", "20s"}, flags...), extra...)
		r := runLiveCLI(t, liveEnv(simPassword), args...)
		var doc report.Report
		if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
			t.Fatalf("%v: %s %s", err, r.out, r.err)
		}
		return r, doc
	}
	run002 := func(doc report.Report) *rules.Finding {
		for i, f := range doc.Findings {
			if f.Rule == "RUN002" && strings.HasPrefix(f.Message, "udp/5080: ") {
				return &doc.Findings[i]
			}
		}
		t.Errorf("no RUN002 for udp/5080 in %+v", doc.Findings)
		return nil
	}

	// Unsaved: the finding points at the target; the flow, at the line of its command's output.
	r, doc := live()
	if r.code != report.ExitFindings || r.err != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	if f := run002(doc); f != nil && (f.File != srv.Addr() ||
		!strings.Contains(f.Message, "timeout, shorter than the clients' 5m re-REGISTER interval") ||
		!strings.Contains(f.Message, "("+srv.Addr()+" show conn protocol udp port 5080 long:22)")) {
		t.Errorf("RUN002 %s:%d %s", f.File, f.Line, f.Message)
	}
	want := []string{"show version", "show running-config", "show mode", "show conn protocol udp port 5060-5061 long",
		"show conn protocol udp port 5080 long", "show service-policy"}
	if !containsInOrder(srv.Transcript(), want) {
		t.Errorf("transcript %q lacks %q", srv.Transcript(), want)
	}

	// Saved: the finding points at the saved configuration, the flow at the saved evidence.
	r, doc = live("--save", save)
	config, show := collect.SavePath(save, srv.Addr()), collect.ShowPath(save, srv.Addr())
	if r.code != report.ExitFindings || r.err != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	f := run002(doc)
	if f != nil && (f.File != config || !strings.Contains(f.Message, "("+show+":")) {
		t.Errorf("RUN002 %s:%d %s", f.File, f.Line, f.Message)
	}
	savedConfig, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	savedShow, err := os.ReadFile(show)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(savedShow), "TRUST-FW01# show mode\nSecurity context mode: single\nTRUST-FW01# show conn protocol udp port 5060-5061 long\n") {
		t.Errorf("saved evidence starts %q", string(savedShow)[:200])
	}
	if f != nil {
		lines := strings.Split(string(savedConfig), "\n")
		if f.Line < 1 || f.Line > len(lines) || !strings.HasPrefix(lines[f.Line-1], "timeout conn ") {
			t.Errorf("RUN002 points at %s:%d", f.File, f.Line)
		}
	}
	checkReadOnly(t, srv, map[string]string{"stdout": r.out, "stderr": r.err, "saved config": string(savedConfig), "saved evidence": string(savedShow)})

	c := runCLI(t, "", nil, false, append(append([]string{"check"}, flags...), "--evidence", show, config)...)
	if c.code != r.code || c.err != "" {
		t.Fatalf("check on the saved files: exit %d, stderr %q", c.code, c.err)
	}
	var again report.Report
	if err := json.Unmarshal([]byte(c.out), &again); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Findings, doc.Findings) {
		t.Errorf("check --evidence on the saved files differs from live:\n%+v\n%+v", again.Findings, doc.Findings)
	}

	// --no-evidence: no show conn, no RUN findings, no evidence file.
	save2 := filepath.Join(dir, "saved2")
	sent := len(srv.Transcript())
	r, doc = live("--no-evidence", "--save", save2)
	for _, f := range doc.Findings {
		if strings.HasPrefix(f.Rule, "RUN") {
			t.Errorf("--no-evidence: %s %s", f.Rule, f.Message)
		}
	}
	for _, cmd := range srv.Transcript()[sent:] {
		if strings.HasPrefix(cmd, "show conn") || strings.HasPrefix(cmd, "show service-policy") {
			t.Errorf("--no-evidence sent %q", cmd)
		}
	}
	if _, err := os.Stat(collect.ShowPath(save2, srv.Addr())); !os.IsNotExist(err) {
		t.Errorf("--no-evidence saved evidence: %v", err)
	}
}

// A command the device refuses leaves its evidence out, with a warning (none with -q); the
// host is audited all the same.
func TestLiveEvidenceRefused(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	srv := startDevice(t, asasim.Device{Hostname: "fw1", Config: withSecret(mustRead(t, fixtures+"no-sip.txt"))}, kh, asasim.Faults{})
	args := []string{"live", "--host", srv.Addr(), "--known-hosts", kh, "--sip-port", "udp/5060"}
	r := runLiveCLI(t, liveEnv(simPassword), args...)
	if r.code != report.ExitFindings || !strings.Contains(r.out, "SIP001") {
		t.Fatalf("exit %d, stdout %q", r.code, r.out)
	}
	want := "asaaudit: warning: " + srv.Addr() + ": \"show conn protocol udp port 5060 long\" failed on the device: ERROR: % Invalid input detected at '^' marker. (not used as evidence)\n" +
		"asaaudit: warning: " + srv.Addr() + ": \"show service-policy\" failed on the device: ERROR: % Invalid input detected at '^' marker. (not used as evidence)\n" +
		"asaaudit: warning: " + srv.Addr() + ": \"show service-policy inspect sip\" failed on the device: ERROR: % Invalid input detected at '^' marker. (not used as evidence)\n"
	if r.err != want {
		t.Errorf("stderr %q\nwant %q", r.err, want)
	}
	if r := runLiveCLI(t, liveEnv(simPassword), append(args, "-q")...); r.err != "" || r.code != report.ExitFindings {
		t.Errorf("-q: exit %d, stderr %q", r.code, r.err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A firewall in multiple-context mode is audited per security context, each its own target
// HOST/CONTEXT; saved, each context's configuration and evidence audit with check exactly
// as live audited them.
func TestLiveMultiContext(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	device, err := asasim.DeviceFromCaptures(mustRead(t, fixtures+"evidence/multi-context/fw1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range device.Contexts {
		c.Config = withSecret(c.Config)
		device.Contexts[name] = c
	}
	srv := startDevice(t, device, kh, asasim.Faults{})
	inv := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(inv, fmt.Appendf(nil, "hosts:\n  - name: fw1\n    host: 127.0.0.1\n    port: %d\n", srv.Port()), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := []string{"--sip-port", "udp/5060", "--register-interval", "5m"}
	live := func(extra ...string) result {
		t.Helper()
		return runLiveCLI(t, liveEnv(simPassword), append(append([]string{"live", "--inventory", inv, "--known-hosts", kh}, flags...), extra...)...)
	}

	r := live("--format", "json")
	if r.code != report.ExitFindings || r.err != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	var doc report.Report
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, tg := range doc.Targets {
		targets = append(targets, tg.Target+" "+tg.Hostname)
	}
	if want := []string{"fw1/admin admin", "fw1/voice voice"}; !slices.Equal(targets, want) {
		t.Errorf("targets %q, want %q", targets, want)
	}
	rulesBy := map[string][]string{}
	for _, f := range doc.Findings {
		rulesBy[f.File] = append(rulesBy[f.File], f.Rule)
	}
	// The voice context has the SIP flows with a one-minute timeout and no SIP inspection.
	if v := rulesBy["fw1/voice"]; !slices.Contains(v, "RUN001") || !slices.Contains(v, "RUN002") || !slices.Contains(v, "SIP001") {
		t.Errorf("fw1/voice findings %q", v)
	}
	for _, f := range doc.Findings {
		if strings.HasPrefix(f.Rule, "RUN") && f.File == "fw1/voice" && !regexp.MustCompile(`\bfw1/voice show conn protocol udp port 5060 long:[37]\b`).MatchString(f.Message) {
			t.Errorf("%s does not name its evidence: %s", f.Rule, f.Message)
		}
	}
	wantT := []string{"show mode", "changeto system", "show context",
		"changeto context admin", "show running-config", "show conn protocol udp port 5060 long", "show service-policy",
		"changeto context voice", "show running-config", "show conn protocol udp port 5060 long", "show service-policy"}
	if !containsInOrder(srv.Transcript(), wantT) {
		t.Errorf("transcript %q lacks %q", srv.Transcript(), wantT)
	}

	// Saved: one configuration and one evidence file per context, and the device's own.
	save := filepath.Join(dir, "saved")
	r = live("--save", save)
	if r.code != report.ExitFindings || r.err != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	texts := map[string]string{"stdout": r.out}
	for _, name := range []string{"fw1_admin.txt", "fw1_admin.show.txt", "fw1_voice.txt", "fw1_voice.show.txt", "fw1.show.txt"} {
		texts[name] = mustRead(t, filepath.Join(save, name))
	}
	checkReadOnly(t, srv, texts)
	if !strings.Contains(texts["fw1_voice.txt"], "hostname voice\n") || !strings.HasPrefix(texts["fw1_voice.show.txt"], "fw1/voice# show conn protocol udp port 5060 long\n2 in use") ||
		!strings.HasPrefix(texts["fw1.show.txt"], "fw1/admin# show mode\nSecurity context mode: multiple\nfw1# show context\n") {
		t.Errorf("saved files:\n%s\n%s", texts["fw1_voice.show.txt"], texts["fw1.show.txt"])
	}
	if !strings.Contains(r.out, filepath.Join(save, "fw1_voice.txt")+":27: error RUN002 udp/5060: 2 SIP flows observed with a 1m0s idle timeout") ||
		!strings.Contains(r.out, "("+filepath.Join(save, "fw1_voice.show.txt")+":4)") {
		t.Errorf("findings do not name the saved files:\n%s", r.out)
	}
	c := runCLI(t, "", nil, false, append(append([]string{"check"}, flags...),
		"--evidence", filepath.Join(save, "fw1_admin.show.txt"), "--evidence", filepath.Join(save, "fw1_voice.show.txt"),
		filepath.Join(save, "fw1_admin.txt"), filepath.Join(save, "fw1_voice.txt"))...)
	if c.out != r.out || c.code != r.code || c.err != "" {
		t.Errorf("check on the saved files (exit %d, stderr %q):\n%s\nlive (exit %d):\n%s", c.code, c.err, c.out, r.code, r.out)
	}

	// --apply needs one configuration.
	script := filepath.Join(dir, "change.txt")
	if err := os.WriteFile(script, []byte("timeout udp 0:10:00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := live("--apply", script); r.code != report.ExitError || !strings.Contains(r.err, "fw1 is in multiple-context mode with 2 contexts") {
		t.Errorf("--apply: exit %d, stderr %q", r.code, r.err)
	}
}

// containsInOrder reports whether want appears in have in order, other entries between.
func containsInOrder(have, want []string) bool {
	i := 0
	for _, h := range have {
		if i < len(want) && h == want[i] {
			i++
		}
	}
	return i == len(want)
}

// An inventory profile's SIP ports are the ports that host's evidence lists.
func TestLiveProfilePorts(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	srv := startDevice(t, seedDevice(t), kh, asasim.Faults{})
	inv := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(inv, fmt.Appendf(nil, "hosts:\n  - name: seed\n    host: 127.0.0.1\n    port: %d\n    profile:\n      register-interval: 5m\n      sip-ports: [udp/5080]\n", srv.Port()), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--inventory", inv, "--known-hosts", kh)
	if r.code != report.ExitFindings || r.err != "" || !strings.Contains(r.out, "error RUN002 udp/5080: 2 SIP flows observed with a 1m0s idle timeout") {
		t.Errorf("exit %d, stderr %q\n%s", r.code, r.err, r.out)
	}
	var conns []string
	for _, cmd := range srv.Transcript() {
		if strings.HasPrefix(cmd, "show conn") {
			conns = append(conns, cmd)
		}
	}
	if want := []string{"show conn protocol udp port 5080 long"}; !slices.Equal(conns, want) {
		t.Errorf("show conn commands %q, want %q", conns, want)
	}
}

// diff live:HOST compares the firewall's current configuration (collected read-only) with a
// proposed one.
func TestDiffLive(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	srv := startSim(t, "factory-default.txt", "fw1", kh, asasim.Faults{})
	r := runLiveCLI(t, liveEnv(simPassword), "diff", "--known-hosts", kh, "--format", "json", "live:"+srv.Addr(), fixtures+"no-sip.txt")
	if r.code != report.ExitFindings {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	var d struct {
		Introduced []struct{ Rule string } `json:"introduced"`
		Unchanged  []struct{ Rule string } `json:"unchanged"`
	}
	if err := json.Unmarshal([]byte(r.out), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Introduced) != 2 || d.Introduced[0].Rule != "SIP001" || len(d.Unchanged) != 0 {
		t.Errorf("introduced %+v unchanged %+v", d.Introduced, d.Unchanged)
	}
	for _, cmd := range srv.Transcript() {
		if cmd != "<password>" && collect.Allowed(cmd) != nil {
			t.Errorf("device received %q", cmd)
		}
	}
	if strings.Contains(r.out+r.err, simPassword) {
		t.Error("password in output")
	}
	// An unreachable device is an input error (exit 2) naming it, within the timeout.
	r = runLiveCLI(t, liveEnv(simPassword), "diff", "--known-hosts", kh, "--timeout", "2s", "live:127.0.0.1:1", fixtures+"no-sip.txt")
	if r.code != report.ExitError || !strings.Contains(r.err, "127.0.0.1:1") {
		t.Errorf("unreachable: exit %d, stderr %q", r.code, r.err)
	}
}

// --password-stdin reads the password from standard input, and --insecure-ignore-host-key
// connects to a host that is in no known_hosts file, with a warning on stderr.
func TestLivePasswordStdinAndInsecure(t *testing.T) {
	dir := t.TempDir()
	srv := startSim(t, "factory-default.txt", "fw1", filepath.Join(dir, "known_hosts"), asasim.Faults{})
	env := map[string]string{"ASAAUDIT_USERNAME": simUser, "ASAAUDIT_ENABLE_PASSWORD": simEnable}
	var out, errOut bytes.Buffer
	s := &IOStreams{In: strings.NewReader(simPassword + "\n"), Out: &out, ErrOut: &errOut,
		Getenv: func(k string) string { return env[k] },
		Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	code := Main([]string{"live", "--host", srv.Addr(), "--password-stdin", "--insecure-ignore-host-key", "--known-hosts", filepath.Join(dir, "empty")}, s)
	if code != report.ExitClean {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "WARNING: --insecure-ignore-host-key") {
		t.Errorf("no warning: %q", errOut.String())
	}
	if strings.Contains(out.String()+errOut.String(), simPassword) {
		t.Error("password in output")
	}
}
