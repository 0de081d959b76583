package asasim

import (
	"strings"
	"testing"
)

func multiContextDevice() Device {
	return Device{
		Hostname:       "fw1",
		Config:         "ASA Version 9.8(4) <system>\nhostname fw1\nadmin-context admin\n",
		EnablePassword: "en-secret",
		Outputs:        map[string]string{"show clock detail": "system clock"},
		Contexts: map[string]Device{
			"admin": {Config: "ASA Version 9.8(4) <context>\nhostname admin\ninterface Management1/1\n nameif management\n"},
			"voice": {
				Config:  "ASA Version 9.8(4) <context>\nhostname voice\ninterface GigabitEthernet1/1\n nameif outside\ninterface GigabitEthernet1/2\n nameif inside\n",
				Outputs: map[string]string{"show conn protocol udp port 5060 long": "0 in use, 7 most used\n"},
			},
		},
	}
}

// A multiple-context session, driven with a plain x/crypto/ssh client: it starts in the
// admin context, moves with changeto, and every context answers with its own configuration
// and outputs under its own prompt.
func TestMultipleContexts(t *testing.T) {
	t.Parallel()
	srv := startServer(t, func(o *Options) { o.Device = multiContextDevice() })
	tm := mustTerm(t, srv)
	tm.expect("fw1/admin> ")
	if got := tm.cmd("show mode", "fw1/admin> "); got != "Security context mode: multiple\r\n" {
		t.Errorf("show mode in user mode: %q", got)
	}
	tm.cmd("changeto system", "fw1/admin> ") // not in user mode
	tm.send("enable\n")
	tm.expect("Password: ")
	tm.send("en-secret\n")
	tm.expect("fw1/admin# ")
	tm.cmd("terminal pager 0", "fw1/admin# ")

	wantAll := crlf(`Context Name      Class                Interfaces           Mode         URL
*admin            default              Management1/1        Routed       disk0:/admin.cfg
 voice            default              GigabitEthernet1/1,  Routed       disk0:/voice.cfg
                                       GigabitEthernet1/2
Total active Security Contexts: 2
`)
	if got := tm.cmd("show context", "fw1/admin# "); got != wantAll {
		t.Errorf("show context in admin:\n%s\nwant:\n%s", got, wantAll)
	}
	if got := tm.cmd("show running-config", "fw1/admin# "); !strings.Contains(got, "hostname admin") {
		t.Errorf("admin running-config: %q", got)
	}
	tm.cmd("changeto context voice", "fw1/voice# ")
	if got := tm.cmd("show running-config", "fw1/voice# "); !strings.Contains(got, "hostname voice") {
		t.Errorf("voice running-config: %q", got)
	}
	if got := tm.cmd("show conn protocol udp port 5060 long", "fw1/voice# "); got != "0 in use, 7 most used\r\n" {
		t.Errorf("voice output: %q", got)
	}
	if got := tm.cmd("show context", "fw1/voice# "); strings.Contains(got, "admin") || !strings.Contains(got, " voice ") {
		t.Errorf("show context in a context lists only it: %q", got)
	}
	if got := tm.cmd("show clock detail", "fw1/voice# "); strings.Contains(got, "system clock") {
		t.Errorf("a context answered with the system space's output: %q", got)
	}
	if got := tm.cmd("changeto context nosuch", "fw1/voice# "); !strings.Contains(got, errInvalid) {
		t.Errorf("changeto to an unknown context: %q", got)
	}
	tm.cmd("changeto system", "fw1# ")
	if got := tm.cmd("show running-config", "fw1# "); !strings.Contains(got, "<system>") {
		t.Errorf("system running-config: %q", got)
	}
	if got := tm.cmd("show clock detail", "fw1# "); got != "system clock\r\n" {
		t.Errorf("system output: %q", got)
	}
	tm.cmd("configure terminal", "fw1(config)# ")
	tm.cmd("end", "fw1# ")
	tm.cmd("ch con admin", "fw1/admin# ")
	tm.cmd("configure terminal", "fw1/admin(config)# ")
}

func TestSingleModeHasNoContexts(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	tm := mustTerm(t, srv)
	tm.login()
	tm.enable("en-secret")
	if got := tm.cmd("show mode", "fw1# "); got != "Security context mode: single\r\n" {
		t.Errorf("show mode: %q", got)
	}
	for _, cmd := range []string{"show context", "changeto system"} {
		if got := tm.cmd(cmd, "fw1# "); !strings.Contains(got, errInvalid) {
			t.Errorf("%s in single mode: %q", cmd, got)
		}
	}
}

func TestStartRejectsBadContexts(t *testing.T) {
	t.Parallel()
	for name, d := range map[string]Device{
		"no admin context":          {Contexts: map[string]Device{"voice": {}}},
		"named admin not a context": {Contexts: map[string]Device{"admin": {}}, AdminContext: "mgmt"},
		"bad name":                  {Contexts: map[string]Device{"admin": {}, "a b": {}}},
		"system is reserved":        {Contexts: map[string]Device{"admin": {}, "system": {}}},
	} {
		if _, err := Start(Options{Username: "u", Password: "p", Device: d}); err == nil {
			t.Errorf("%s: Start succeeded", name)
		}
	}
}

func TestDeviceFromCaptures(t *testing.T) {
	capture := "fw1# show running-config\r\nASA Version 9.8(4) <system>\r\nhostname fw1\r\n: end\r\n" +
		"fw1# changeto context ctx1\r\n" +
		"fw1/ctx1# show running-config\r\nhostname ctx1\r\n" +
		"fw1/ctx1# show  conn   long\r\n0 in use, 1 most used\r\n" +
		"fw1/ctx1# show version\r\nCisco Adaptive Security Appliance Software Version 9.8(4) <context>\r\n" +
		"fw1/ctx1# "
	d, err := DeviceFromCaptures(capture)
	if err != nil {
		t.Fatal(err)
	}
	if d.Hostname != "fw1" || d.Config != "ASA Version 9.8(4) <system>\nhostname fw1\n: end\n" || d.AdminContext != "ctx1" {
		t.Errorf("device: %+v", d)
	}
	c := d.Contexts["ctx1"]
	if c.Config != "hostname ctx1\n" || c.Outputs["show conn long"] != "0 in use, 1 most used\n" || len(c.Outputs) != 1 {
		t.Errorf("context ctx1: %+v", c)
	}
	if !strings.Contains(d.Version, "<context>") {
		t.Errorf("version: %q", d.Version)
	}
	if _, err := DeviceFromCaptures("fw1# show run\n", "fw2# show run\n"); err == nil {
		t.Error("captures of two devices accepted")
	}
	if _, err := DeviceFromCaptures("no prompt here\n"); err == nil {
		t.Error("a capture without a prompt accepted")
	}
	single, err := DeviceFromCaptures("fw9# show running-config\nhostname fw9\n")
	if err != nil || single.Contexts != nil || single.Config != "hostname fw9\n" {
		t.Errorf("single-mode capture: %+v, %v", single, err)
	}
}
