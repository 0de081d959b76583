package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/asasim"
	"github.com/asaaudit/asaaudit/collect"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

const tracerFixtures = "../../evidence/testdata/packettracer/"

// The flows live --packet-tracer traces on fixtures/paths/pat-inspect.txt (phones on
// 10.200.41.0/24, provider 204.11.192.22, udp/5060): the phones' packet and the provider's
// request back.
const (
	ptForward = "packet-tracer input phones udp 10.200.41.10 5060 204.11.192.22 5060"
	ptReverse = "packet-tracer input outside udp 204.11.192.22 5060 10.200.41.10 5060"
)

// tracerOutput is a packet-tracer fixture as the device prints it: without the echo line.
func tracerOutput(t *testing.T, file string) string {
	t.Helper()
	_, out, _ := strings.Cut(mustRead(t, tracerFixtures+file), "\n")
	return out
}

// tracerDevice is pat-inspect answering the evidence commands and, on 9.x, the xml form of
// packet-tracer from the fixtures forward and reverse ("" leaves a command unanswered);
// version8 makes it an ASA 8.4 (text form).
func tracerDevice(t *testing.T, forward, reverse string, version8 bool) asasim.Device {
	t.Helper()
	d := asasim.Device{Hostname: "pat-inspect", Config: withSecret(mustRead(t, fixtures+"paths/pat-inspect.txt")), Outputs: map[string]string{
		"show conn protocol udp port 5060 long": "0 in use, 0 most used\n",
		"show service-policy":                   "",
	}}
	suffix := " xml"
	if version8 {
		suffix = ""
		d.Version = "\nCisco Adaptive Security Appliance Software Version 8.4(7)\n\npat-inspect up 3 days 1 hour\n"
	}
	if forward != "" {
		d.Outputs[ptForward+suffix] = tracerOutput(t, forward)
	}
	if reverse != "" {
		d.Outputs[ptReverse+suffix] = tracerOutput(t, reverse)
	}
	return d
}

func findingsOf(doc report.Report, rule string) []rules.Finding {
	var out []rules.Finding
	for _, f := range doc.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// live --packet-tracer against the emulator: agreement, each kind of disagreement, the
// text form of an 8.x device, and a device whose command authorization refuses
// packet-tracer. Every command sent is allowlisted, none is a configuration command, and no
// secret is printed.
func TestLivePacketTracer(t *testing.T) {
	cases := []struct {
		name             string
		forward, reverse string
		version8         bool
		unauthorized     bool
		pt001            []string // what PT001's message holds; nil: no PT001
		pt002            int
	}{
		{name: "agreement", forward: "allow-9x.xml.txt", reverse: "return-drop-9x.xml.txt", pt002: 2},
		{name: "acl drop", forward: "acl-drop-9x.xml.txt", reverse: "return-drop-9x.xml.txt", pt002: 1,
			pt001: []string{"ACCESS-LIST: the firewall: drop by access-list phones_in extended deny udp any any eq sip; the configuration: permitted"}},
		// The request back has no fixture: the emulator answers no route, which agrees with
		// the way back the configuration gives (dynamic PAT, no access-list permit).
		{name: "route drop, 8.x text", forward: "route-drop-8x.txt", reverse: "", version8: true, pt002: 1,
			pt001: []string{"ROUTE-LOOKUP: the firewall: no route ((no-route) No route to host); the configuration: output interface outside"}},
		{name: "route and nat differ", forward: "nat-differs-9x.xml.txt", reverse: "return-drop-9x.xml.txt", pt002: 1,
			pt001: []string{"output interface dmz", "NAT: the firewall: translated to 192.0.2.5"}},
		{name: "no inspect sip", forward: "inspect-nosip-9x.xml.txt", reverse: "return-drop-9x.xml.txt", pt002: 1,
			pt001: []string{"INSPECT: the firewall: no inspect sip; the configuration: inspect sip applies"}},
		{name: "refused", forward: "allow-9x.xml.txt", reverse: "return-drop-9x.xml.txt", unauthorized: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			kh := filepath.Join(dir, "known_hosts")
			d := tracerDevice(t, c.forward, c.reverse, c.version8)
			if c.unauthorized {
				d.Unauthorized = []string{"packet-tracer"}
			}
			srv := startDevice(t, d, kh, asasim.Faults{})
			save := filepath.Join(dir, "saved")
			flags := []string{"--clients", "10.200.41.0/24", "--provider", "204.11.192.22", "--sip-port", "udp/5060", "--format", "json", "--fail-on", "never"}
			r := runLiveCLI(t, liveEnv(simPassword), append([]string{"live", "--host", srv.Addr(), "--known-hosts", kh, "--timeout", "20s", "--packet-tracer", "--save", save}, flags...)...)
			var doc report.Report
			if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
				t.Fatalf("%v: %s %s", err, r.out, r.err)
			}
			pt001, pt002 := findingsOf(doc, "PT001"), findingsOf(doc, "PT002")
			if len(pt002) != c.pt002 || (len(pt001) == 1) != (c.pt001 != nil) || len(pt001) > 1 {
				t.Fatalf("PT001 %+v, PT002 %+v (stderr %q)", pt001, pt002, r.err)
			}
			for _, want := range c.pt001 {
				if !strings.Contains(pt001[0].Message, want) {
					t.Errorf("PT001 lacks %q: %s", want, pt001[0].Message)
				}
			}
			suffix := " xml"
			if c.version8 {
				suffix = ""
			}
			sentTracer := slices.ContainsFunc(srv.Transcript(), func(cmd string) bool { return cmd == ptForward+suffix })
			if !sentTracer {
				t.Errorf("transcript %q lacks %q", srv.Transcript(), ptForward+suffix)
			}
			switch {
			case c.unauthorized:
				if !strings.Contains(r.err, "\""+ptForward+suffix+"\" failed on the device: Command authorization failed (not used as evidence)") || r.code != report.ExitClean {
					t.Errorf("refused: exit %d, stderr %q", r.code, r.err)
				}
			case r.err != "":
				t.Errorf("stderr %q", r.err)
			}
			savedConfig, _ := os.ReadFile(collect.SavePath(save, srv.Addr()))
			savedShow, _ := os.ReadFile(collect.ShowPath(save, srv.Addr()))
			checkReadOnly(t, srv, map[string]string{"stdout": r.out, "stderr": r.err, "saved config": string(savedConfig), "saved evidence": string(savedShow)})
			for _, cmd := range srv.Transcript() {
				if f := strings.Fields(cmd); len(f) > 0 && !slices.Contains([]string{"enable", "<password>", "terminal", "show", "packet-tracer"}, f[0]) {
					t.Errorf("sent %q", cmd)
				}
			}
			// The saved files audit the same with check --evidence.
			ch := runCLI(t, "", nil, false, append(append([]string{"check"}, flags...), "--evidence", collect.ShowPath(save, srv.Addr()), collect.SavePath(save, srv.Addr()))...)
			var again report.Report
			if err := json.Unmarshal([]byte(ch.out), &again); err != nil {
				t.Fatalf("%v: %s %s", err, ch.out, ch.err)
			}
			if !reflect.DeepEqual(findingsOf(again, "PT001"), pt001) || !reflect.DeepEqual(findingsOf(again, "PT002"), pt002) {
				t.Errorf("check --evidence differs:\n%+v\n%+v", again.Findings, doc.Findings)
			}
		})
	}
}

// --packet-tracer needs the flows: without --clients and --provider it is a usage error
// before any login.
func TestLivePacketTracerNeedsFlows(t *testing.T) {
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--host", "127.0.0.1:1", "--packet-tracer", "--provider", "204.11.192.22")
	if r.code != report.ExitError || !strings.Contains(r.err, "--packet-tracer needs --clients and --provider") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

// live --capture NAME reads an existing capture with "show capture NAME dump" and saves it
// beside the configuration; a capture the device does not have is a warning, and a name
// that cannot be one is a usage error before any login.
func TestLiveCapture(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	_, dump, _ := strings.Cut(mustRead(t, "../../capture/testdata/show-capture-dump.txt"), "\n")
	d := tracerDevice(t, "", "", false)
	d.Outputs["show capture SIP dump"] = dump
	srv := startDevice(t, d, kh, asasim.Faults{})
	save := filepath.Join(dir, "saved")
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--host", srv.Addr(), "--known-hosts", kh, "--timeout", "20s", "--capture", "SIP", "--capture", "other", "--save", save, "--fail-on", "never")
	path := strings.TrimSuffix(collect.SavePath(save, srv.Addr()), ".txt") + ".capture-SIP.txt"
	saved, err := os.ReadFile(path)
	if err != nil || string(saved) != strings.ReplaceAll(dump, "\r\n", "\n") {
		t.Errorf("saved capture: %v\n%q", err, saved)
	}
	if r.code != report.ExitClean || !strings.Contains(r.err, "capture SIP of "+srv.Addr()+" saved to "+path) ||
		!strings.Contains(r.err, "\"show capture other dump\" failed on the device") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
	if !slices.Contains(srv.Transcript(), "show capture SIP dump") {
		t.Errorf("transcript %q", srv.Transcript())
	}
	checkReadOnly(t, srv, map[string]string{"stdout": r.out, "stderr": r.err})
	for _, cmd := range srv.Transcript() {
		if strings.HasPrefix(cmd, "capture ") || strings.HasPrefix(cmd, "no capture") || strings.HasPrefix(cmd, "clear capture") {
			t.Errorf("sent %q", cmd)
		}
	}
	r = runLiveCLI(t, liveEnv(simPassword), "live", "--host", srv.Addr(), "--known-hosts", kh, "--capture", "x;y")
	if r.code != report.ExitError || !strings.Contains(r.err, "--capture \"x;y\": not a capture name") {
		t.Errorf("bad name: exit %d, stderr %q", r.code, r.err)
	}
}
