package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/asaaudit/asaaudit/asasim"
	"github.com/asaaudit/asaaudit/collect"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

// bindingMovesDump is fixtures/captures/binding-moves.pcap as the ASA's "show capture NAME
// dump" prints it: a header line per packet, then its Ethernet frame in hex, 16 bytes a
// line. A phone behind the firewall (192.168.1.89, seen as 198.51.100.2) registers on
// udp/5080 every 90 s, and each refresh leaves from another public port: the NAT binding
// idled out.
func bindingMovesDump(t *testing.T) string {
	t.Helper()
	f, err := os.Open(fixtures + "captures/binding-moves.pcap")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var d strings.Builder
	n := 0
	for {
		frame, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		n++
		p := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.Default)
		ip, udp := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4), p.Layer(layers.LayerTypeUDP).(*layers.UDP)
		fmt.Fprintf(&d, "\n%4d: %s       %s/%d > %s/%d:  udp %d\n", n, ci.Timestamp.UTC().Format("15:04:05.000000"),
			ip.SrcIP, udp.SrcPort, ip.DstIP, udp.DstPort, len(udp.Payload))
		for off := 0; off < len(frame); off += 16 {
			row := frame[off:min(off+16, len(frame))]
			var hex strings.Builder
			for i := 0; i < len(row); i += 2 {
				fmt.Fprintf(&hex, " %x", row[i:min(i+2, len(row))])
			}
			fmt.Fprintf(&d, "0x%04x\t%-40s\t%s\n", off, hex.String(), strings.Map(func(r rune) rune {
				if r < 0x20 || r > 0x7e {
					return '.'
				}
				return r
			}, string(row)))
		}
	}
	return d.String() + fmt.Sprintf("%d packets shown\n", n)
}

// captureDevice is fixtures/captures/seed.config.txt (udp/5080 not inspected, timeout udp
// 0:01:00) with the binding-moves capture as "SIP", or without a capture.
func captureDevice(t *testing.T, withCapture bool) asasim.Device {
	t.Helper()
	d := asasim.Device{Hostname: "TRUST-FW01", Config: withSecret(mustRead(t, fixtures+"captures/seed.config.txt")), Outputs: map[string]string{}}
	if withCapture {
		d.Outputs["show capture SIP dump"] = bindingMovesDump(t)
	}
	return d
}

func liveReport(t *testing.T, r result) report.Report {
	t.Helper()
	var doc report.Report
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("%v: %s %s", err, r.out, r.err)
	}
	return doc
}

func oneFinding(t *testing.T, doc report.Report, rule, file string) rules.Finding {
	t.Helper()
	var found []rules.Finding
	for _, f := range findingsOf(doc, rule) {
		if f.File == file {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s in %s, got %+v (all: %+v)", rule, file, found, doc.Findings)
	}
	return found[0]
}

// live --capture NAME analyses the capture as check --evidence does a capture file: its
// registrations are a capture target of the report, the intervals it measured drive the
// timeout rules of that host's configuration, and REG004 and SIP003 name each other. A
// capture the device does not have is a warning, and the audit goes on.
func TestLiveCaptureAnalysed(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	srv := startDevice(t, captureDevice(t, true), kh, asasim.Faults{})
	host := srv.Addr()
	base := []string{"live", "--host", host, "--known-hosts", kh, "--timeout", "20s", "--no-evidence", "--capture", "SIP", "--capture", "missing", "--format", "json", "--fail-on", "never"}

	t.Run("in memory", func(t *testing.T) {
		r := runLiveCLI(t, liveEnv(simPassword), base...)
		doc := liveReport(t, r)
		capName := host + " capture SIP"
		if len(doc.Targets) != 2 || doc.Targets[0].Target != host || doc.Targets[0].Kind != "" ||
			doc.Targets[1].Target != capName || doc.Targets[1].Kind != "capture" || doc.Targets[1].Lines != 12 {
			t.Errorf("targets %+v", doc.Targets)
		}
		reg004 := oneFinding(t, doc, "REG004", capName)
		sip003 := oneFinding(t, doc, "SIP003", host)
		if !strings.Contains(reg004.Message, fmt.Sprintf("(the configuration says why: SIP003 at %s:%d)", host, sip003.Line)) ||
			!strings.Contains(sip003.Message, fmt.Sprintf("(the capture confirms it: REG004 at %s:%d)", capName, reg004.Line)) {
			t.Errorf("REG004 and SIP003 do not name each other:\n%s\n%s", reg004.Message, sip003.Message)
		}
		// SIP003 fired on the measured re-REGISTER interval: no --keepalive was given.
		if !strings.Contains(sip003.Message, "1m30s re-REGISTER interval") {
			t.Errorf("SIP003 does not use the measured interval: %s", sip003.Message)
		}
		if !strings.Contains(r.err, "\"show capture missing dump\" failed on the device") ||
			!strings.Contains(r.err, "udp/5080: the timeout rules use the intervals measured in the capture (re-REGISTER 1m30s)") {
			t.Errorf("stderr %q", r.err)
		}
		if r.code != report.ExitClean || len(doc.Errors) != 0 {
			t.Errorf("exit %d, errors %+v", r.code, doc.Errors)
		}
		checkReadOnly(t, srv, map[string]string{"stdout": r.out, "stderr": r.err})
	})

	t.Run("saved", func(t *testing.T) {
		save := filepath.Join(dir, "saved")
		r := runLiveCLI(t, liveEnv(simPassword), append(base, "--save", save)...)
		doc := liveReport(t, r)
		config := collect.SavePath(save, host)
		capPath := strings.TrimSuffix(config, ".txt") + ".capture-SIP.txt"
		reg004 := oneFinding(t, doc, "REG004", capPath)
		sip003 := oneFinding(t, doc, "SIP003", config)
		if !strings.Contains(sip003.Message, fmt.Sprintf("(the capture confirms it: REG004 at %s:%d)", capPath, reg004.Line)) {
			t.Errorf("SIP003: %s", sip003.Message)
		}
		savedConfig, _ := os.ReadFile(config)
		savedCapture, _ := os.ReadFile(capPath)
		checkReadOnly(t, srv, map[string]string{"stdout": r.out, "stderr": r.err, "saved config": string(savedConfig), "saved capture": string(savedCapture)})
		// The saved files give check --evidence the same findings.
		ch := runCLI(t, "", nil, false, "check", "--format", "json", "--fail-on", "never", "--evidence", capPath, config)
		again := liveReport(t, ch)
		if !reflect.DeepEqual(again.Findings, doc.Findings) {
			t.Errorf("check --evidence differs:\n%+v\n%+v", again.Findings, doc.Findings)
		}
	})

	t.Run("html", func(t *testing.T) {
		page := filepath.Join(dir, "live.html")
		r := runLiveCLI(t, liveEnv(simPassword), append(base[:len(base)-4], "--format", "html="+page, "--fail-on", "never")...)
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatalf("%v; stderr %s", err, r.err)
		}
		// The capture's registration is drawn as a ladder, as sip and check --evidence do.
		if !strings.Contains(string(b), `<section class="ladders">`) || !strings.Contains(string(b), "REG004") {
			t.Errorf("the live page has no registration ladder")
		}
	})

	t.Run("text", func(t *testing.T) {
		r := runLiveCLI(t, liveEnv(simPassword), append(base[:len(base)-4], "--fail-on", "never")...)
		if !strings.Contains(r.out, host+" capture SIP: registration udp/5080 sip:1001@voip.example.net") || !strings.Contains(r.out, "=> frame 5: error REG004") {
			t.Errorf("no ladder in the text output:\n%s", r.out)
		}
	})

	for _, cmd := range srv.Transcript() {
		if strings.HasPrefix(cmd, "capture ") || strings.HasPrefix(cmd, "no capture") || strings.HasPrefix(cmd, "clear capture") {
			t.Errorf("sent %q", cmd)
		}
	}
}

// In a fleet, a host's capture is that host's: it measures intervals for and corroborates
// its own configuration only, even when another host has the same configuration.
func TestLiveCapturePerHost(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	a := startDevice(t, captureDevice(t, true), kh, asasim.Faults{})
	b := startDevice(t, captureDevice(t, false), filepath.Join(dir, "kh-b"), asasim.Faults{})
	both, _ := os.ReadFile(filepath.Join(dir, "kh-b"))
	f, err := os.OpenFile(kh, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write(both)
	_ = f.Close()
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--host", a.Addr(), "--host", b.Addr(), "--known-hosts", kh, "--timeout", "20s", "--workers", "1",
		"--no-evidence", "--capture", "SIP", "--format", "json", "--fail-on", "never")
	doc := liveReport(t, r)
	sip003 := oneFinding(t, doc, "SIP003", a.Addr())
	if !strings.Contains(sip003.Message, "(the capture confirms it: REG004 at "+a.Addr()+" capture SIP:") {
		t.Errorf("host A: %s", sip003.Message)
	}
	for _, f := range doc.Findings {
		if f.File == b.Addr() && (f.Rule == "SIP003" || strings.Contains(f.Message, "capture")) {
			t.Errorf("host B got host A's capture: %s %s", f.Rule, f.Message)
		}
	}
	if !strings.Contains(r.err, "\"show capture SIP dump\" failed on the device") {
		t.Errorf("stderr %q", r.err)
	}
	checkReadOnly(t, a, map[string]string{"stdout": r.out, "stderr": r.err})
	checkReadOnly(t, b, map[string]string{"stdout": r.out, "stderr": r.err})
}

// live collects "show service-policy inspect sip": drops there are a RUN006 finding at the
// configuration's "inspect sip" line, naming the output it read them from.
func TestLiveSIPInspectionDrops(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	d := captureDevice(t, false)
	d.Outputs["show service-policy inspect sip"] = "\nGlobal policy:\n  Service-policy: global_policy\n    Class-map: inspection_default\n      Inspect: sip , packet 1234, lock fail 0, drop 56, reset-drop 0, 5-min-pkt-rate 0 pkts/sec, v6-fail-close 0 sctp-drop-override 0\n"
	srv := startDevice(t, d, kh, asasim.Faults{})
	r := runLiveCLI(t, liveEnv(simPassword), "live", "--host", srv.Addr(), "--known-hosts", kh, "--timeout", "20s", "--format", "json", "--fail-on", "never")
	doc := liveReport(t, r)
	f := oneFinding(t, doc, "RUN006", srv.Addr())
	line := slices.Index(strings.Split(d.Config, "\n"), "  inspect sip") + 1
	if f.Line != line || f.Source != "inspect sip" || !strings.Contains(f.Message, "dropped 56 of 1234 SIP packets") ||
		!strings.Contains(f.Message, srv.Addr()+" show service-policy inspect sip:") {
		t.Errorf("RUN006 %d %q: %s", f.Line, f.Source, f.Message)
	}
	checkReadOnly(t, srv, map[string]string{"stdout": r.out, "stderr": r.err})
}
