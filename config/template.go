package config

import (
	"fmt"
	"strings"

	"github.com/asaaudit/asaaudit/rules"
)

// Template is a commented starting file ("asaaudit config init"). It lists every rule so
// that switching one off or changing its severity is an edit of one line.
func Template() string {
	var b strings.Builder
	b.WriteString(`# asaaudit configuration. asaaudit check and asaaudit live read the first .asaaudit.yaml
# found in the working directory or a parent directory (or the file named by --config).
# Command-line flags override what this file sets.

# Lowest severity that makes the exit code 1: error, warning, info or never.
fail-on: warning

# The SIP clients behind the firewall, one profile per provider or trunk. Each profile's
# ports are audited for SIP inspection (SIP001) and, when the profile gives a keepalive or
# re-REGISTER interval, for idle timeouts shorter than it (SIP003, SIP004). A port belongs
# to one profile. Ports are udp/N, tcp/N, or N for both; without "ports" a profile covers
# udp/5060 and tcp/5060. Intervals are Go durations: 30s, 5m, 1h.
profiles:
  - name: provider
    ports: [udp/5080]
    keepalive: 30s           # the phones' NAT keepalive (CRLF or OPTIONS)
  - name: trunk
    ports: [udp/5060, tcp/5060]
    # register-interval: 10m # the trunk's re-REGISTER interval; none for a static trunk

# Where the phones and the provider are: with both, the path rules follow SIP through the
# interfaces, access-lists, security levels and NAT (ACL001, ACL002, NAT001; "asaaudit
# trace" shows the steps). Subnets or addresses, one or a list.
# clients: [10.200.41.0/24]
# provider: [204.11.192.22]

# Rule settings: off, or a severity (info, warning, error) that replaces the default.
# "asaaudit rules explain ID" says what each rule checks.
rules:
`)
	for _, r := range rules.All {
		fmt.Fprintf(&b, "  # %-9s %-8s # %s\n", r.ID+":", r.Severity, r.Title)
	}
	b.WriteString(`
# Known findings to accept (asaaudit check --write-baseline FILE writes one), relative to
# this file. Findings in it do not fail the run; they are counted as baselined.
# baseline: .asaaudit-baseline.json
`)
	return b.String()
}
