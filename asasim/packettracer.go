package asasim

import (
	"net/netip"
	"strconv"
	"strings"
)

// errAuthorization is what an ASA with command authorization (AAA) answers to a command
// the user may not run.
const errAuthorization = "Command authorization failed"

// unauthorized reports whether command authorization refuses line (Device.Unauthorized).
func (ss *session) unauthorized(line string) bool {
	l := strings.ToLower(normalizeCmd(line))
	for _, u := range ss.srv.opts.Device.Unauthorized {
		if u = strings.ToLower(normalizeCmd(u)); u != "" && strings.HasPrefix(l, u) {
			return true
		}
	}
	return false
}

// derived answers the commands whose output follows from what the device holds when
// Device.Outputs does not give them: "show running-config all timeout" (every timeout,
// the configuration's value or the default) and "show service-policy inspect sip" (the
// "show service-policy" output cut to the SIP inspection).
func (ss *session) derived(cmd string) (string, bool) {
	if ss.mode == modeUser {
		return "", false
	}
	if out, ok := ss.space.outputs[cmd]; ok {
		return out, true
	}
	switch strings.ToLower(cmd) {
	case "show running-config all timeout":
		return allTimeouts(ss.space.config), true
	case "show service-policy inspect sip":
		all, ok := ss.space.outputs["show service-policy"]
		if !ok {
			return "", false
		}
		return inspectSIP(all), true
	}
	return "", false
}

// timeoutDefaults are the lines of "show running-config all timeout" on ASA 9.x with no
// timeout configured, in the device's order: keyword, default.
var timeoutDefaults = [][]string{
	{"xlate", "3:00:00"},
	{"pat-xlate", "0:00:30"},
	{"conn", "1:00:00", "half-closed", "0:10:00", "udp", "0:02:00", "sctp", "0:02:00", "icmp", "0:00:02"},
	{"sunrpc", "0:10:00", "h323", "0:05:00", "h225", "1:00:00", "mgcp", "0:05:00", "mgcp-pat", "0:05:00"},
	{"sip", "0:30:00", "sip_media", "0:02:00", "sip-invite", "0:03:00", "sip-disconnect", "0:02:00"},
	{"sip-provisional-media", "0:02:00", "uauth", "0:05:00", "absolute"},
	{"tcp-proxy-reassembly", "0:01:00"},
	{"floating-conn", "0:00:00"},
	{"conn-holddown", "0:00:15"},
	{"igp", "stale-route", "0:01:10"},
}

// allTimeouts is "show running-config all timeout" for config: the defaults, with the
// values the configuration's timeout lines set.
func allTimeouts(config string) string {
	set := map[string]string{}
	for _, l := range strings.Split(config, "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || f[0] != "timeout" {
			continue
		}
		for i := 1; i+1 < len(f); i++ {
			if isHMS(f[i+1]) && !isHMS(f[i]) {
				set[f[i]] = f[i+1]
			}
		}
	}
	var b strings.Builder
	for _, line := range timeoutDefaults {
		b.WriteString("timeout")
		for i := 0; i < len(line); i++ {
			w := line[i]
			b.WriteString(" " + w)
			if i+1 < len(line) && isHMS(line[i+1]) {
				v := line[i+1]
				if c, ok := set[w]; ok {
					v = c
				}
				b.WriteString(" " + v)
				i++
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func isHMS(s string) bool {
	f := strings.Split(s, ":")
	if len(f) != 3 {
		return false
	}
	for _, x := range f {
		if _, err := strconv.Atoi(x); err != nil {
			return false
		}
	}
	return true
}

// inspectSIP cuts a "show service-policy" output to what "show service-policy inspect
// sip" prints: the policy and class headers and the "Inspect: sip" lines with their
// counters.
func inspectSIP(all string) string {
	var b strings.Builder
	keep := false
	for _, l := range strings.SplitAfter(all, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			continue
		case t == "Global policy:" || strings.HasPrefix(t, "Interface ") || strings.HasPrefix(t, "Service-policy:") || strings.HasPrefix(t, "Class-map:"):
			keep = false
			b.WriteString(l)
		case strings.HasPrefix(t, "Inspect:"):
			keep = strings.HasPrefix(t, "Inspect: sip")
			if keep {
				b.WriteString(l)
			}
		case keep:
			b.WriteString(l)
		}
	}
	return b.String()
}

// packetTracer answers "packet-tracer input IF udp|tcp SRC SPORT DST DPORT [detailed]
// [xml]" from Device.Outputs (keyed by the command; served before this is reached). A
// well-formed command without a fixture gets the answer of a packet that the device
// cannot route; a malformed one the caret error, as on the ASA.
func (ss *session) packetTracer(toks []token) error {
	if len(toks) < 8 {
		return ss.incomplete()
	}
	if _, k := matchWord(toks[1].text, "input"); k != matchOne {
		return ss.invalidAt(toks[1].off)
	}
	if toks[3].text != "udp" && toks[3].text != "tcp" {
		return ss.invalidAt(toks[3].off)
	}
	for _, i := range []int{4, 6} {
		if _, err := netip.ParseAddr(toks[i].raw); err != nil {
			return ss.invalidAt(toks[i].off)
		}
	}
	for _, i := range []int{5, 7} {
		if n, err := strconv.Atoi(toks[i].text); err != nil || n < 0 || n > 65535 {
			return ss.invalidAt(toks[i].off)
		}
	}
	xml := false
	for _, t := range toks[8:] {
		switch t.text {
		case "detailed":
		case "xml":
			xml = true
		default:
			return ss.invalidAt(t.off)
		}
	}
	in := toks[2].raw
	if xml {
		return ss.output("<Phase>\n<id>1</id>\n<type>ROUTE-LOOKUP</type>\n<subtype>Resolve Egress Interface</subtype>\n<result>DROP</result>\n<config>\n</config>\n<extra>\nno route to host\n</extra>\n</Phase>\n\n<result>\n<input-interface>"+in+"</input-interface>\n<input-status>up</input-status>\n<input-line-status>up</input-line-status>\n<action>drop</action>\n<drop-reason>(no-route) No route to host</drop-reason>\n</result>\n", false)
	}
	return ss.output("\nPhase: 1\nType: ROUTE-LOOKUP\nSubtype: Resolve Egress Interface\nResult: DROP\nConfig:\nAdditional Information:\nno route to host\n\nResult:\ninput-interface: "+in+"\ninput-status: up\ninput-line-status: up\nAction: drop\nDrop-reason: (no-route) No route to host\n", false)
}
