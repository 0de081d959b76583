package change

// The ASA's command vocabulary, as far as the simulation needs it to follow the modes:
// which first words each mode has. A command that its mode does not have is tried in the
// parent modes, up to global configuration, as the ASA's parser does; the first mode
// that has it runs it, and the session stays there.

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// modelled are the global commands the simulation applies.
var modelled = set("class-map", "policy-map", "service-policy", "timeout")

// globalCommands are the other global configuration commands of ASA 8.x/9.x: known, but
// outside the sections the audit reads.
var globalCommands = set(
	"aaa", "aaa-server", "access-group", "access-list", "arp", "arp-inspection", "asdm", "asp",
	"auth-prompt", "auto-update", "banner", "boot", "call-home", "class", "clear", "client-update", "clock",
	"cluster", "command-alias", "community-list", "compression", "console", "context", "crashinfo",
	"crypto", "ctl-file", "ctl-provider", "ddns", "dhcp-client", "dhcpd", "dhcprelay", "dns",
	"dns-guard", "domain-name", "dynamic-access-policy-config", "dynamic-access-policy-record",
	"dynamic-filter", "enable", "established", "event", "failover", "filter", "fips", "firewall",
	"flow-export", "flow-offload", "fragment", "ftp", "ftp-map", "group-delimiter", "group-policy",
	"gtp-map", "hostname", "hpm", "http", "http-map", "icmp", "igmp", "imap4s", "interface", "ip",
	"ip-audit", "ipv6", "isakmp", "jumbo-frame", "key", "l2tp", "ldap", "license", "logging",
	"mac-address", "mac-address-table", "mac-learn", "management-access", "media-termination",
	"mgcp-map", "mode", "monitor-interface", "mroute", "mtu", "multicast-routing", "name", "names",
	"nat", "ntp", "object", "object-group", "object-group-search", "pager", "passwd", "password",
	"password-policy", "phone-proxy", "pim", "policy-list", "pop3s", "prefix-list", "priority-queue",
	"privilege", "prompt", "quota", "regex", "remote-access", "route", "route-map", "router",
	"same-security-traffic", "scansafe", "service", "service-module", "smtp-server", "smtps",
	"snmp-map", "snmp-server", "ssh", "ssl", "sunrpc-server", "sysopt", "tcp-map", "telnet",
	"tftp-server", "threat-detection", "time-range", "tls-proxy", "track", "tunnel-group",
	"tunnel-group-map", "uc-ime", "url-block", "url-cache", "url-server", "user-identity", "username",
	"virtual", "vpdn", "vpn", "vpn-addr-assign", "vpnsetup", "vxlan", "wccp", "webvpn", "zone",
)

// openers are the global commands above that enter a sub-mode of their own (interface,
// object, tunnel-group attributes...). The simulation does not know those sub-modes'
// commands: a following line stays in the sub-mode when it is not a global command, or
// when it is indented deeper than the command that opened it.
var openers = set(
	"aaa-server", "call-home", "class", "cluster", "context", "crypto", "ctl-file", "ctl-provider",
	"dns", "dynamic-access-policy-record", "failover", "ftp-map", "group-policy", "gtp-map",
	"http-map", "imap4s", "interface", "ldap", "media-termination", "mgcp-map", "object",
	"object-group", "phone-proxy", "policy-list", "pop3s", "route-map", "router", "smtps",
	"snmp-map", "tcp-map", "time-range", "tls-proxy", "tunnel-group", "uc-ime", "username", "vpn",
	"webvpn", "zone",
)

// execCommands change no configuration; the ASA also runs them in configuration mode.
var execCommands = set(
	"copy", "debug", "delete", "dir", "disable", "logout", "more", "packet-tracer", "ping",
	"reload", "show", "terminal", "traceroute", "undebug", "verify", "write",
)

// classMapCommands are the commands of class-map mode (config-cmap).
var classMapCommands = set("match", "description", "rename")

// policyMapCommands are the commands of a layer 3/4 policy-map (config-pmap); an inspect
// policy-map also has inspectPolicyMapCommands.
var (
	policyMapCommands        = set("class", "description", "rename")
	inspectPolicyMapCommands = set("parameters", "match")
)

// classCommands are the actions of a class of a layer 3/4 policy-map (config-pmap-c).
// "service-policy NAME" (hierarchical, below shape) is one too; with "global" or
// "interface" it is the global command.
var classCommands = set(
	"csc", "cxsc", "flow-export", "inspect", "ips", "police", "priority", "set", "sfr", "shape",
	"user-statistics",
)
