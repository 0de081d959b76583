package collect

import (
	"errors"
	"strings"
	"testing"
)

func TestAllowed(t *testing.T) {
	ok := []string{
		"",
		"show version",
		"show running-config",
		"SHOW Running-Config",
		"  show   running-config  ",
		"show running-config all",
		"show run | include sip",
		"show running-config | begin policy-map",
		"show running-config | exclude ^!",
		"show run | grep -v x",
		"show service-policy inspect sip",
		"show conn count",
		"terminal pager 0",
		"terminal pager lines 0",
		"Terminal Pager 0",
		"enable",
		"changeto system",
		"changeto context admin",
		"changeto context ctx-1.a",
	}
	for _, c := range ok {
		if err := Allowed(c); err != nil {
			t.Errorf("Allowed(%q) = %v, want nil", c, err)
		}
	}
	bad := []string{
		"configure terminal",
		"conf t",
		"copy running-config startup-config",
		"write memory",
		"write erase",
		"reload",
		"clear configure all",
		"terminal width 511",
		"terminal pager 24",
		"terminal pager lines 24",
		"terminal monitor",
		"enable 15",
		"enable password foo",
		"disable",
		"exit",
		"logout",
		"show",
		"show |include x",
		"sh run",
		"sho version",
		"show run | redirect disk0:/x.txt",
		"show run | append disk0:/x.txt",
		"show run | tee disk0:/x.txt",
		"show run | include",
		"show run |",
		"show version\nconfigure terminal",
		"show version\rreload",
		"show version\x1a",
		"show version\x00",
		"show vérsion",
		"changeto context",
		"changeto context a b",
		"changeto context ../x",
		"changeto",
		"more system:running-config",
		"debug sip",
		"no terminal pager",
		"show " + strings.Repeat("x", 600),
	}
	for _, c := range bad {
		err := Allowed(c)
		if err == nil {
			t.Errorf("Allowed(%q) = nil, want refusal", c)
			continue
		}
		if !errors.Is(err, ErrNotAllowed) {
			t.Errorf("Allowed(%q) = %v, not wrapping ErrNotAllowed", c, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("Allowed(%q): error is not one line: %q", c, err)
		}
	}
}

func TestAllowedAbbreviationHint(t *testing.T) {
	err := Allowed("sh run")
	if err == nil || !strings.Contains(err.Error(), "in full") {
		t.Fatalf("Allowed(sh run) = %v, want a hint to write show in full", err)
	}
}
