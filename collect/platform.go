package collect

import (
	_ "embed"
	"fmt"
	"regexp"

	"github.com/scrapli/scrapligo/driver/network"
	"github.com/scrapli/scrapligo/driver/options"
	"github.com/scrapli/scrapligo/platform"
	"github.com/scrapli/scrapligo/util"
)

// platformYAML is our scrapligo platform definition for the Cisco ASA (scrapligo ships none).
//
//go:embed cisco_asa.yaml
var platformYAML []byte

const (
	levelExec   = "exec"
	levelPriv   = "privilege_exec"
	levelConfig = "configuration"
)

// newPlatform loads the embedded definition for host with extra scrapligo options, and checks it.
func newPlatform(host string, opts ...util.Option) (*platform.Platform, *network.Driver, error) {
	// Nothing runs on open or close behind our back: collect executes the definition's
	// network-on-open steps itself, through its guarded send, and closes by closing the session.
	opts = append(opts,
		options.WithNetworkOnOpen(func(*network.Driver) error { return nil }),
		options.WithNetworkOnClose(func(*network.Driver) error { return nil }),
	)
	p, err := platform.NewPlatform(platformYAML, host, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("cisco_asa platform definition: %w", err)
	}
	if err := checkPlatform(p); err != nil {
		return nil, nil, err
	}
	d, err := p.GetNetworkDriver()
	if err != nil {
		return nil, nil, fmt.Errorf("cisco_asa platform definition: %w", err)
	}
	return p, d, nil
}

// checkPlatform verifies that everything the definition could ever make scrapligo type passes
// Allowed, that it never enters the configuration level, and that it runs nothing on close.
func checkPlatform(p *platform.Platform) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("cisco_asa platform definition: "+format, a...)
	}
	if p.DriverType != "network" {
		return bad("driver-type %q, want network", p.DriverType)
	}
	for _, name := range []string{levelExec, levelPriv, levelConfig} {
		if _, ok := p.PrivilegeLevels[name]; !ok {
			return bad("privilege level %q missing", name)
		}
	}
	if p.DefaultDesiredPrivilegeLevel != levelPriv {
		return bad("default-desired-privilege-level %q, want %s", p.DefaultDesiredPrivilegeLevel, levelPriv)
	}
	for name, l := range p.PrivilegeLevels {
		if _, err := regexp.Compile(l.Pattern); err != nil {
			return bad("privilege level %s: %v", name, err)
		}
		for _, c := range []string{l.Escalate, l.Deescalate} {
			if err := Allowed(c); err != nil {
				return bad("privilege level %s: %v", name, err)
			}
		}
		if name == levelConfig && l.Escalate != "" {
			return bad("the configuration level must have no escalate command")
		}
	}
	if len(p.OnOpen) > 0 || len(p.OnClose) > 0 || len(p.NetworkOnClose) > 0 {
		return bad("on-open/on-close/network-on-close must be empty")
	}
	for _, op := range p.NetworkOnOpen {
		switch op["operation"] {
		case platform.OpAcquirePriv:
			if t, ok := op["target"].(string); ok && t != levelPriv {
				return bad("network-on-open acquire-priv target %q, only %s is allowed", t, levelPriv)
			}
		case platform.OpDriverSendCommand:
			c, _ := op["command"].(string)
			if err := Allowed(c); err != nil {
				return bad("network-on-open: %v", err)
			}
		default:
			return bad("network-on-open operation %v is not supported (only acquire-priv and driver.send-command)", op["operation"])
		}
	}
	return nil
}
