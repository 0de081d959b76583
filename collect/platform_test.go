package collect

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/scrapli/scrapligo/platform"
)

func TestPlatformDefinitionLoads(t *testing.T) {
	p, d, err := newPlatform("192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if p.GetPlatformType() != "cisco_asa" {
		t.Errorf("platform type %q", p.GetPlatformType())
	}
	if d.DefaultDesiredPriv != levelPriv {
		t.Errorf("default desired priv %q", d.DefaultDesiredPriv)
	}
	want := []string{"ERROR: % Invalid input detected", "ERROR: % Incomplete command", "ERROR:"}
	for _, w := range want {
		found := false
		for _, f := range d.FailedWhenContains {
			found = found || f == w
		}
		if !found {
			t.Errorf("failed-when-contains lacks %q", w)
		}
	}
	// network-on-open: acquire-priv then terminal pager 0, nothing else.
	var ops []string
	for _, op := range p.NetworkOnOpen {
		s, _ := op["operation"].(string)
		if c, ok := op["command"].(string); ok {
			s += " " + c
		}
		ops = append(ops, s)
	}
	if got := strings.Join(ops, "; "); got != "acquire-priv; driver.send-command terminal pager 0" {
		t.Errorf("network-on-open = %q", got)
	}
	if d.OnClose == nil || d.Driver.OnOpen != nil || d.Driver.OnClose != nil {
		t.Errorf("unexpected on-open/on-close hooks installed")
	}
	if bytes.Contains(bytes.ToLower(platformYAML), []byte("configure")) || bytes.Contains(platformYAML, []byte("terminal width")) {
		t.Errorf("platform definition mentions configure / terminal width")
	}
}

func TestPlatformPrompts(t *testing.T) {
	_, d, err := newPlatform("192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	s := &session{d: d, re: map[string]*regexp.Regexp{}}
	for name, l := range d.PrivilegeLevels {
		s.re[name] = regexp.MustCompile(l.Pattern)
	}
	s.pwRe = regexp.MustCompile(d.PrivilegeLevels[levelPriv].EscalatePrompt)
	cases := map[string]string{
		"fw1> ":               levelExec,
		"fw1>":                levelExec,
		"fw1# ":               levelPriv,
		"fw1/admin# ":         levelPriv,
		"fw1/admin> ":         levelExec,
		"fw1/pri/act# ":       levelPriv,
		"fw-1.example.com# ":  levelPriv,
		"fw1(config)# ":       levelConfig,
		"fw1(config-if)# ":    levelConfig,
		"fw1/ctx(config)# ":   levelConfig,
		"Password: ":          "",
		" nameif outside":     "",
		"access-list x#":      "",
		": end":               "",
		"fw1# show version":   "",
		"<--- More --->":      "",
		"Type help or '?' fo": "",
	}
	for in, want := range cases {
		if got := s.level(in); got != want {
			t.Errorf("level(%q) = %q, want %q", in, got, want)
		}
	}
	for _, p := range []string{"Password: ", "password:", "Enable Password: "} {
		if !s.pwRe.MatchString(p) {
			t.Errorf("escalate prompt does not match %q", p)
		}
	}
	// Once the prompt is known, only it counts (a config line cannot end a read early).
	s.base = promptBase("fw1/admin# ")
	if s.base != "fw1/admin" {
		t.Fatalf("promptBase = %q", s.base)
	}
	if s.level("fw1/admin> ") != levelExec || s.level("fw1/admin# ") != levelPriv || s.level("other# ") != "" {
		t.Errorf("base-restricted prompt matching is wrong")
	}
}

// A definition that would escalate into configuration mode, run something on open that is not
// allowed, or send anything on close must be refused.
func TestCheckPlatformRefusesUnsafeDefinitions(t *testing.T) {
	mutate := map[string][2]string{
		"config escalate": {"    configuration:\n      name: 'configuration'\n      pattern: '(?im)^[\\w.\\-@/:]{1,63}\\(config[\\w.\\-@/:]*\\)#\\s?$'\n      previous-priv: 'privilege_exec'\n      # Never entered: no escalate command. Recognised only so that collect can refuse it.\n      deescalate:\n      escalate:",
			"    configuration:\n      name: 'configuration'\n      pattern: '(?im)^[\\w.\\-@/:]{1,63}\\(config[\\w.\\-@/:]*\\)#\\s?$'\n      previous-priv: 'privilege_exec'\n      deescalate: 'end'\n      escalate: 'configure terminal'"},
		"on-open width": {"      command: 'terminal pager 0'", "      command: 'terminal width 511'"},
		"on-open write": {"    - operation: 'acquire-priv'\n", "    - operation: 'channel.write'\n      input: 'reload'\n"},
		"on-close":      {"  network-on-open:", "  network-on-close:\n    - operation: 'channel.write'\n      input: 'exit'\n  network-on-open:"},
		"deescalate":    {"      # \"disable\" is not on the allowlist and is never needed: the session is closed instead.\n      deescalate:", "      deescalate: 'disable'"},
	}
	for name, m := range mutate {
		if !bytes.Contains(platformYAML, []byte(m[0])) {
			t.Fatalf("%s: pattern not found in cisco_asa.yaml", name)
		}
		y := bytes.Replace(platformYAML, []byte(m[0]), []byte(m[1]), 1)
		p, err := platform.NewPlatform(y, "192.0.2.1")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := checkPlatform(p); err == nil {
			t.Errorf("%s: checkPlatform accepted an unsafe definition", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}
