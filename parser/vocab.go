package parser

// The ASA's command vocabulary, as far as the audit needs it to follow configuration
// modes: which first words each mode has. The ASA tries a line in the current mode, then
// in each enclosing mode out to global configuration; the first mode that has the command
// runs it and becomes the current mode. The parser (for running-configs) and the change
// simulation (for scripts) follow the modes with these same tables.

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// AuditedGlobalCommands are the global commands whose blocks and lines the SIP audit reads
// from a change script.
var AuditedGlobalCommands = wordSet("class-map", "policy-map", "service-policy", "timeout")

// GlobalCommands are the other global configuration commands of ASA 8.x/9.x (and FTD's
// LINA configuration).
var GlobalCommands = wordSet(
	"aaa", "aaa-server", "access-group", "access-list", "anyconnect-custom-attr", "arp", "arp-inspection", "asdm", "asp",
	"auth-prompt", "auto-update", "banner", "boot", "call-home", "class", "clear", "client-update", "clock",
	"cluster", "command-alias", "community-list", "compression", "console", "context", "crashinfo",
	"crypto", "ctl-file", "ctl-provider", "cts", "ddns", "dhcp-client", "dhcpd", "dhcprelay", "dns",
	"dns-guard", "domain-name", "dynamic-access-policy-config", "dynamic-access-policy-record",
	"dynamic-filter", "eigrp", "enable", "established", "event", "failover", "filter", "fips", "firewall",
	"flow-export", "flow-offload", "fragment", "ftp", "ftp-map", "group-delimiter", "group-policy",
	"gtp-map", "hostname", "hpm", "http", "http-map", "icmp", "igmp", "imap4s", "interface", "ip",
	"ip-audit", "ip-client", "ipsec", "ipv6", "isakmp", "jumbo-frame", "key", "l2tp", "ldap", "license", "logging",
	"mac-address", "mac-address-table", "mac-learn", "management-access", "media-termination",
	"mgcp-map", "mode", "monitor-interface", "mroute", "mtu", "multicast-routing", "name", "names",
	"nat", "no-proxy", "ntp", "nve", "object", "object-group", "object-group-search", "opdata-interface", "pager", "passwd", "password",
	"password-policy", "phone-proxy", "pim", "policy-list", "pop3s", "prefix-list", "priority-queue",
	"privilege", "prompt", "quota", "regex", "remote-access", "route", "route-map", "router",
	"same-security-traffic", "scansafe", "service", "service-module", "sla", "smtp-server", "smtps",
	"snmp-map", "snmp-server", "ssh", "ssl", "sunrpc-server", "sysopt", "tcp-map", "telnet",
	"tftp-server", "threat-detection", "time-range", "tls-proxy", "track", "tunnel-group",
	"tunnel-group-map", "uc-ime", "url-block", "url-cache", "url-server", "user-identity", "username",
	"virtual", "vpdn", "vpn", "vpn-addr-assign", "vpnsetup", "vxlan", "wccp", "webvpn", "zone",
	// The system execution space of a multiple-context firewall.
	"admin-context",
)

// SubModeOpeners are the global commands above that enter a sub-mode of their own whose
// commands the audit does not model (tunnel-group attributes, crypto, router...). A line
// in such a sub-mode that is a global command leaves it, unless indentation says it is
// deeper than the line that opened the sub-mode.
var SubModeOpeners = wordSet(
	"aaa-server", "call-home", "class", "cluster", "context", "crypto", "ctl-file", "ctl-provider",
	"dns", "dynamic-access-policy-record", "event", "failover", "ftp-map", "group-policy", "gtp-map",
	"http-map", "imap4s", "interface", "ldap", "license", "media-termination", "mgcp-map", "nve", "object",
	"object-group", "phone-proxy", "policy-list", "pop3s", "route-map", "router", "sla", "smtps",
	"snmp-map", "tcp-map", "time-range", "tls-proxy", "tunnel-group", "uc-ime", "username", "vpdn", "vpn",
	"webvpn", "zone",
)

// subModeGlobalWords are global commands that are also common commands of the sub-modes
// the audit does not model (aaa-server host "key", group-policy "webvpn" and "banner",
// webvpn "enable", trustpoint "password"): in such a sub-mode they stay there.
var subModeGlobalWords = wordSet("key", "webvpn", "banner", "password", "enable")

// ExecCommands change no configuration; the ASA also runs them in configuration mode.
var ExecCommands = wordSet(
	"copy", "debug", "delete", "dir", "disable", "logout", "more", "packet-tracer", "ping",
	"reload", "show", "terminal", "traceroute", "undebug", "verify", "write",
)

// ClassMapCommands are the commands of class-map mode (config-cmap).
var ClassMapCommands = wordSet("match", "description", "rename")

// PolicyMapCommands are the commands of a layer 3/4 policy-map (config-pmap); an inspect
// policy-map also has InspectPolicyMapCommands.
var (
	PolicyMapCommands        = wordSet("class", "description", "rename")
	InspectPolicyMapCommands = wordSet("parameters", "match")
)

// ClassCommands are the actions of a class of a layer 3/4 policy-map (config-pmap-c).
// "service-policy NAME" (hierarchical, below shape) is one too; with "global" or
// "interface" it is the global command.
var ClassCommands = wordSet(
	"csc", "cxsc", "flow-export", "inspect", "ips", "police", "priority", "set", "sfr", "shape",
	"user-statistics",
)

// interfaceCommands are the commands of interface mode (config-if) that are not also
// global commands; "ip address", "ipv6 …", "mac-address H.H.H" and a few others are
// decided by their second word (interfaceHas).
var interfaceCommands = wordSet(
	"nameif", "security-level", "description", "shutdown", "speed", "duplex", "vlan",
	"management-only", "bridge-group", "channel-group", "member-interface", "pppoe", "delay",
	"nve-only", "ospf", "flowcontrol", "lacp", "media-type", "zone-member", "port-channel",
	"authentication", "mfib", "multicast", "policy-route", "rename", "igmp",
)

// globalIPv6 are the second words of global "ipv6" commands; every other "ipv6" line
// inside an interface block is the interface's.
var globalIPv6 = wordSet("route", "access-list", "icmp", "unicast-routing", "local", "dhcprelay",
	"router", "prefix-list", "mroute", "multicast-routing", "nd-inspection")

// objectNetworkCommands, objectServiceCommands and objectGroupCommands are the commands of
// the object and object-group modes.
var (
	objectNetworkCommands = wordSet("host", "subnet", "range", "fqdn", "description", "nat")
	objectGroupCommands   = wordSet("network-object", "port-object", "service-object", "group-object",
		"protocol-object", "icmp-object", "description", "user", "user-group", "security-group")
	// globalServiceArgs are the second words of the global "service" commands.
	globalServiceArgs = wordSet("password-recovery", "call-home", "sw-reset-button", "resetinbound",
		"resetoutside", "telemetry", "internal", "module")
)

// knownAnywhere reports whether word is a command of some mode the audit knows.
func knownAnywhere(word string) bool {
	return AuditedGlobalCommands[word] || GlobalCommands[word] || ClassMapCommands[word] ||
		PolicyMapCommands[word] || InspectPolicyMapCommands[word] || ClassCommands[word] ||
		interfaceCommands[word] || objectNetworkCommands[word] || objectGroupCommands[word]
}

// IsGlobalCommand reports whether word starts a global configuration command.
func IsGlobalCommand(word string) bool { return AuditedGlobalCommands[word] || GlobalCommands[word] }
