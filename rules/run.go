package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/parser"
)

// The RUN rules set what the firewall showed at run time (Options.Evidence) beside the
// configuration. Each finding points at the configuration line it corroborates (the line
// the matching SIP rule would point at) and names the evidence file and line in its message.

// evidenceGiven is the active condition of the RUN rules.
func evidenceGiven(o Options) bool { return o.Evidence != nil }

// RUN001 reports SIP flows seen on a port that no applied "inspect sip" covers.
var RUN001 = &Rule{
	ID:       "RUN001",
	Title:    "SIP flows seen on a port that SIP inspection does not cover",
	Severity: Error,
	Needs:    []string{"class-map", "policy-map", "service-policy"},
	active:   evidenceGiven,
	Check: func(p *Pass) {
		m := p.Model
		for _, port := range p.Options.Ports {
			flows := sipFlows(p, port)
			if len(flows) == 0 {
				continue
			}
			v := m.SIP(port)
			if v.Best != nil && v.Best.Inspected() {
				continue
			}
			f := notInspected(m, v)
			f.Key = port.String()
			f.Message = fmt.Sprintf("%s: %s seen without SIP inspection: %s; the configuration agrees: %s",
				port, count(distinct(flows), "SIP flow"), flowList(flows, func(c *evidence.Conn) string {
					return fmt.Sprintf("flags %s, idle %s", c.Flags, evidence.FormatDuration(c.Idle))
				}), strings.TrimPrefix(f.Message, port.String()+": SIP is not inspected: "))
			detail := []string{sipInspectionWhy}
			if n := distinct(sipInspectedFlows(flows, true)); n > 0 {
				detail = append(detail, fmt.Sprintf("%s the T (SIP) or t (SIP transient) flag, which the ASA sets on connections its SIP inspection handles: the configuration audited may not be the one running.", count(n, "of these flows carries", "of these flows carry")))
			}
			f.Detail = strings.Join(detail, " ")
			p.Report(f)
		}
	},
}

// RUN002 reports SIP flows whose timeout, as the firewall shows it, is shorter than the
// clients' refresh interval.
var RUN002 = &Rule{
	ID:       "RUN002",
	Title:    "observed SIP flow times out before the clients refresh it",
	Severity: Error,
	Needs:    []string{"class-map", "policy-map", "service-policy", "timeout"},
	active:   evidenceGiven,
	Check: func(p *Pass) {
		m := p.Model
		for _, port := range p.Options.Ports {
			refresh, what := p.Options.RefreshFor(port)
			if refresh <= 0 {
				continue
			}
			byTimeout := map[time.Duration][]*evidence.Conn{}
			var timeouts []time.Duration
			for _, c := range sipFlows(p, port) {
				if !c.HasTimeout || c.Timeout == 0 || c.Timeout >= refresh {
					continue
				}
				if byTimeout[c.Timeout] == nil {
					timeouts = append(timeouts, c.Timeout)
				}
				byTimeout[c.Timeout] = append(byTimeout[c.Timeout], c)
			}
			slices.Sort(timeouts)
			for _, t := range timeouts {
				flows := byTimeout[t]
				idle, how := observedIdle(m, port, t)
				f := idleFinding(m, idle)
				f.Key = port.String() + " " + evidence.FormatDuration(t)
				f.Message = fmt.Sprintf("%s: %s observed with a %s idle timeout, shorter than the clients' %s %s: %s",
					port, count(distinct(flows), "SIP flow"), evidence.FormatDuration(t), human(refresh), what, flowList(flows, nil))
				f.Detail = "The firewall itself shows the timeout: the connection and its NAT/PAT translation expire between two refreshes, so requests from the provider (INVITE for an incoming call) reach a closed pinhole and are dropped until the client sends again. " + how
				f.Fix = idleFix(idle, recommendedIdle(refresh, idle.Key))
				p.Report(f)
			}
		}
	},
}

// nearExpiryPercent is the share of its timeout a flow's idle time may reach before RUN003
// reports it (within 20 % of expiry).
const nearExpiryPercent = 80

// RUN003 reports SIP flows whose idle time has come within 20 % of their timeout.
var RUN003 = &Rule{
	ID:       "RUN003",
	Title:    "observed SIP flow is close to idling out",
	Severity: Warning,
	Needs:    []string{"class-map", "policy-map", "service-policy", "timeout"},
	active:   evidenceGiven,
	Check: func(p *Pass) {
		m := p.Model
		for _, port := range p.Options.Ports {
			var flows []*evidence.Conn
			var longest *evidence.Conn
			for _, c := range sipFlows(p, port) {
				if c.HasTimeout && c.Timeout > 0 && c.Idle*100 >= c.Timeout*nearExpiryPercent {
					flows = append(flows, c)
					if longest == nil || c.Idle > longest.Idle {
						longest = c
					}
				}
			}
			if len(flows) == 0 {
				continue
			}
			idle, how := observedIdle(m, port, longest.Timeout)
			f := idleFinding(m, idle)
			f.Key = port.String()
			f.Message = fmt.Sprintf("%s: %s idle for %d %% or more of the idle timeout: %s", port, count(distinct(flows), "SIP flow"), nearExpiryPercent,
				flowList(flows, func(c *evidence.Conn) string {
					return fmt.Sprintf("idle %s of %s", evidence.FormatDuration(c.Idle), evidence.FormatDuration(c.Timeout))
				}))
			f.Detail = "Whatever the clients are configured to do, they are not refreshing these flows often enough: one more late or lost packet and the connection and its NAT/PAT translation expire, and incoming calls fail until the client sends again. Make the clients send keepalives more often, or raise the idle timeout (the fix proposes twice the longest idle time seen, or twice the refresh interval when that is more). " + how
			want := recommendedIdle(longest.Idle, idle.Key)
			if refresh, _ := p.Options.RefreshFor(port); refresh > 0 {
				want = max(want, recommendedIdle(refresh, idle.Key))
			}
			f.Fix = idleFix(idle, want)
			p.Report(f)
		}
	},
}

// RUN004 reports an "inspect sip" that the firewall shows is not inspecting the SIP flows
// on the port it is configured to cover: flows without the T (SIP) or t (SIP transient)
// flag, or a packet counter of 0 while flows exist. A flow with either flag was inspected,
// whatever a counter says, so flagged flows alone never make a finding.
var RUN004 = &Rule{
	ID:       "RUN004",
	Title:    "inspect sip is configured but inspects no packets",
	Severity: Warning,
	Needs:    []string{"class-map", "policy-map", "service-policy"},
	active:   evidenceGiven,
	Check: func(p *Pass) {
		m := p.Model
		ev := p.Options.Evidence
		for _, port := range p.Options.Ports {
			flows := sipFlows(p, port)
			if len(flows) == 0 {
				continue
			}
			v := m.SIP(port)
			if v.Best == nil || !v.Best.Inspected() {
				continue // RUN001
			}
			uninspected := sipInspectedFlows(flows, false)
			if len(uninspected) == 0 {
				continue
			}
			a, c := v.Best.Applied, v.Best.Class
			var counters []*evidence.Inspect
			for _, pol := range ev.FindPolicies(a.Scope, a.PolicyMap.Name) {
				if !pol.Output.BelongsTo(p.Model.Config.Hostname) {
					continue
				}
				if cl := pol.Class(c.Name); cl != nil {
					if in := cl.Inspect("sip"); in != nil {
						counters = append(counters, in)
					}
				}
			}
			zero := len(counters) > 0 && !slices.ContainsFunc(counters, func(in *evidence.Inspect) bool { return in.Packets > 0 })
			// Plain "show conn" of 8.x and later prints the flags too, so a flow without T
			// or t is evidence on its own; the counter adds to it when it is 0.
			what := fmt.Sprintf("%s neither the T (SIP) nor the t (SIP transient) flag: %s", count(distinct(uninspected), "SIP flow carries", "SIP flows carry"),
				flowList(uninspected, func(c *evidence.Conn) string { return "flags " + c.Flags }))
			if zero {
				in := counters[len(counters)-1]
				what = fmt.Sprintf("its packet counter is 0 (%s: %s) and %s", in.Pos, in.Source, what)
			}
			f := Finding{
				Key:     port.String() + " " + a.PolicyMap.Name + " " + c.Name,
				Line:    c.Pos.Line,
				Source:  c.Source,
				Message: fmt.Sprintf("%s: class %s of policy-map %s (%s) has \"inspect sip\", but %s", port, c.Name, a.PolicyMap.Name, scope(a), what),
				Detail: "The class does not match the SIP traffic, so the flows are not inspected: no address rewriting in SIP and SDP, no pinholes for media or inbound requests. " +
					"Check what the class matches against the flows' addresses and ports (an access-list that permits the wrong protocol, port or hosts is the usual cause), and that no interface policy overrides this one on the flows' interfaces. Counters count since the last reboot or \"clear service-policy\".",
			}
			if v.Best.Assumed != "" {
				f.Detail += " The audit assumed the class matches: " + v.Best.Assumed + "."
			}
			f.Fix = addSIPClass(m, a.PolicyMap.Name, port)
			p.Report(f)
		}
	},
}

// RUN005 reports, per SIP flow, the longest idle time seen: the clients' real refresh
// interval on that flow is at least that long.
var RUN005 = &Rule{
	ID:       "RUN005",
	Title:    "longest idle time observed on a SIP flow",
	Severity: Info,
	active:   evidenceGiven,
	Check: func(p *Pass) {
		m := p.Model
		for _, port := range p.Options.Ports {
			refresh, what := p.Options.RefreshFor(port)
			for _, obs := range observations(sipFlows(p, port)) {
				c := obs.longest
				idle := m.SIP(port).Idle
				if obs.timeout != nil {
					idle, _ = observedIdle(m, port, obs.timeout.Timeout)
				}
				f := idleFinding(m, idle)
				f.Key = c.Key()
				f.Message = fmt.Sprintf("%s: %s: longest idle time seen %s (%s, %s)", port, c, evidence.FormatDuration(c.Idle), count(obs.n, "observation"), c.Pos)
				if obs.timeout != nil {
					f.Message += ", timeout " + evidence.FormatDuration(obs.timeout.Timeout)
				}
				f.Message += fmt.Sprintf(": the clients' real refresh interval on this flow is at least %s", evidence.FormatDuration(c.Idle))
				if refresh > 0 && c.Idle > refresh {
					f.Message += fmt.Sprintf(", longer than their %s %s", human(refresh), what)
				}
				f.Detail = "The idle time is how long the flow has gone without a packet, so its largest value is a measured lower bound of the interval at which the clients really refresh the flow; more snapshots (show conn at different times) make it tighter. The idle timeout must stay above it."
				p.Report(f)
			}
		}
	},
}

// sipInspectedFlows returns the connections of conns that carry the T (SIP) or t (SIP
// transient) flag when flagged is true, the others when it is false: the ASA sets them on
// every connection its SIP inspection handles.
func sipInspectedFlows(conns []*evidence.Conn, flagged bool) []*evidence.Conn {
	var out []*evidence.Conn
	for _, c := range conns {
		if strings.ContainsAny(c.Flags, "Tt") == flagged {
			out = append(out, c)
		}
	}
	return out
}

// sipFlows returns the connections of the evidence that use port on either end, in the
// outputs that belong to the audited configuration.
func sipFlows(p *Pass, port asa.Port) []*evidence.Conn {
	ev := p.Options.Evidence
	if ev == nil {
		return nil
	}
	var out []*evidence.Conn
	for _, c := range ev.Conns {
		if c.HasPort(port.Proto, port.Number) && c.Output.BelongsTo(p.Model.Config.Hostname) {
			out = append(out, c)
		}
	}
	return out
}

// observation is one flow seen in one or more snapshots.
type observation struct {
	longest *evidence.Conn // the snapshot with the longest idle time
	timeout *evidence.Conn // the last snapshot that shows the timeout, nil when none does
	n       int
}

// observations groups connections by flow (protocol and both ends), in order of first sight.
func observations(conns []*evidence.Conn) []*observation {
	var out []*observation
	byKey := map[string]*observation{}
	for _, c := range conns {
		o := byKey[c.Key()]
		if o == nil {
			o = &observation{longest: c}
			byKey[c.Key()] = o
			out = append(out, o)
		}
		o.n++
		if c.Idle > o.longest.Idle {
			o.longest = c
		}
		if c.HasTimeout {
			o.timeout = c
		}
	}
	return out
}

// distinct counts the flows among conns (a flow seen in several snapshots counts once).
func distinct(conns []*evidence.Conn) int { return len(observations(conns)) }

// maxListed is how many flows a message names; the rest are counted.
const maxListed = 3

// flowList names flows (each once, in order of first sight) with where they were seen, and
// what about each matters when more is given.
func flowList(conns []*evidence.Conn, more func(*evidence.Conn) string) string {
	obs := observations(conns)
	var parts []string
	for i, o := range obs {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(obs)-maxListed))
			break
		}
		c := o.longest
		s := fmt.Sprintf("%s (%s", c, c.Pos)
		if more != nil {
			s += ", " + more(c)
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, "; ")
}

// count writes "1 SIP flow" or "3 SIP flows"; plural replaces the "s" form when given.
func count(n int, singular string, plural ...string) string {
	if n == 1 {
		return "1 " + singular
	}
	if len(plural) > 0 {
		return fmt.Sprintf("%d %s", n, plural[0])
	}
	return fmt.Sprintf("%d %ss", n, singular)
}

// observedIdle returns the setting that gives the port's flows the timeout the firewall
// shows, and a sentence on how that compares with the configuration: the setting the
// configuration applies when it gives that value; else the global timeout of the flow
// inspected or not (when one of them gives it, the firewall evidently inspects the flow
// differently from what the configuration audited says); else the configuration's own
// setting, with a warning that the file may not be what is running.
func observedIdle(m *asa.Model, port asa.Port, observed time.Duration) (asa.Idle, string) {
	idle := m.SIP(port).Idle
	if idle.Value == observed {
		return idle, fmt.Sprintf("The configuration agrees: %s gives %s.", setting(idle), hms(idle.Value))
	}
	for _, inspected := range []bool{false, true} {
		alt := m.IdleFor(asa.Applied{}, port, inspected)
		if alt.Source == idle.Source || alt.Value != observed {
			continue
		}
		how := "not SIP-inspected"
		if inspected {
			how = "SIP-inspected"
		}
		return alt, fmt.Sprintf("That is what %s gives (%s), not the %s of %s that the configuration audited applies: the firewall evidently treats these flows as %s.", setting(alt), hms(alt.Value), hms(idle.Value), setting(idle), how)
	}
	return idle, fmt.Sprintf("The configuration audited gives %s (%s), not %s: it may not be the running configuration, or another policy governs these flows.", hms(idle.Value), setting(idle), evidence.FormatDuration(observed))
}

// RUN006 reports an "inspect sip" whose counters show that the SIP inspection dropped
// packets: "drop" or "reset-drop" above 0 in "show service-policy".
var RUN006 = &Rule{
	ID:       "RUN006",
	Title:    "SIP inspection drops packets",
	Severity: Warning,
	Needs:    []string{"class-map", "policy-map", "service-policy"},
	active:   evidenceGiven,
	Check: func(p *Pass) {
		m, ev := p.Model, p.Options.Evidence
		if ev == nil {
			return
		}
		// A policy shown in several snapshots is reported once, from its last snapshot:
		// the counters only grow until they are cleared.
		last := map[string]*sipDrops{}
		var order []string
		for _, pol := range ev.Policies {
			if !pol.Output.BelongsTo(m.Config.Hostname) {
				continue
			}
			for _, cl := range pol.Classes {
				in := cl.Inspect("sip")
				if in == nil {
					continue
				}
				key := pol.Scope + " " + pol.Name + " " + cl.Name
				if last[key] == nil {
					order = append(order, key)
				}
				last[key] = &sipDrops{policy: pol, class: cl, inspect: in}
			}
		}
		for _, key := range order {
			d := last[key]
			in := d.inspect
			drop, reset := in.Drops, in.Counters["reset-drop"]
			if drop+reset <= 0 {
				continue
			}
			f := Finding{Key: key}
			where := d.policy.Scope
			switch where {
			case "global":
				where = "applied globally"
			case "":
				where = "applied"
			default:
				where = "applied to interface " + where
			}
			inspect := "inspect sip"
			if a, i := configuredInspect(m, d.policy.Scope, d.policy.Name, d.class.Name); i != nil {
				f.File, f.Line, f.Column = i.Pos.Filename, i.Pos.Line, i.Pos.Column
				f.Source = strings.TrimSpace(strings.Join(append([]string{"inspect", i.Protocol}, i.Args...), " "))
				inspect = f.Source
				where = scope(a)
				if mp := i.Map(); mp != "" {
					if pm := m.InspectPolicyMap("sip", mp); pm != nil {
						f.Detail = fmt.Sprintf("This class inspects with the inspect policy-map %s (line %d): look at its match and parameters lines first. ", mp, pm.Pos.Line)
					}
				}
			} else {
				a := missingAnchor(m)
				f.File, f.Line, f.Source = a.file, a.line, a.source
				f.Detail = "The audited configuration applies no such class with inspect sip: it may not be the running configuration. "
			}
			f.Message = fmt.Sprintf("class %s of policy-map %s (%s): %q dropped %d of %d SIP packets (drop %d, reset-drop %d; %s: %s); the counters count since the last reboot or \"clear service-policy\"",
				d.class.Name, d.policy.Name, where, inspect, drop+reset, in.Packets, drop, reset, in.Pos, in.Source)
			if in.Packets > 0 && float64(drop+reset) < minDropShare*float64(in.Packets) {
				// A handful in millions is what scanners' malformed probes leave on an
				// internet-facing SIP port: worth knowing, not a gate's failure.
				f.Severity = Info
				f.Message += fmt.Sprintf(": below %.1f%% of the packets, as little as malformed probes from scanners leave; it explains no systematic failure", 100*minDropShare)
			}
			f.Detail += "The ASA's SIP inspection drops the messages it rejects: malformed SIP or SDP (a header it cannot parse, a bad Content-Length, a message over its length limits), and the messages an inspect policy-map tells it to drop (a \"match\" whose action is \"drop\", \"drop-connection\" or \"reset\"; \"parameters\" such as \"strict-header-validation\" or \"rtp-conformance\"). A dropped REGISTER, INVITE or answer looks, from the phone or the provider, like a message lost on the way: registrations that fail now and then, calls that do not set up. " +
				"See what is dropped and why with \"show service-policy inspect sip detail\" and the ASA's syslog, or an ASP-drop capture (\"capture NAME type asp-drop\"); look at the inspect policy-map's actions; for a provider trunk whose messages are legitimate but unusual, consider an inspect sip policy-map that relaxes the check for it. Do not remove \"inspect sip\" blindly: without it the firewall neither rewrites the addresses in SIP and SDP nor opens pinholes for media (SIP001). The counters are cumulative: old drops can be from a problem already fixed; \"clear service-policy\" and look again to see whether it still drops."
			p.Report(f)
		}
	},
}

// minDropShare is the share of inspected packets below which RUN006's drops are reported
// as information rather than a warning.
const minDropShare = 0.001

// sipDrops is the last snapshot of one class's "Inspect: sip" counters.
type sipDrops struct {
	policy  *evidence.Policy
	class   *evidence.Class
	inspect *evidence.Inspect
}

// configuredInspect returns the applied policy-map named name in scope ("global", an
// interface name, or "" for any), its class named class and that class's "inspect sip"
// line; nil when the configuration has no such line.
func configuredInspect(m *asa.Model, scope, name, class string) (asa.Applied, *parser.Inspect) {
	for _, a := range m.Applied() {
		if a.PolicyMap == nil || a.PolicyMap.Name != name || (scope != "" && a.Scope != scope) {
			continue
		}
		for _, c := range a.PolicyMap.Classes {
			if c.Name == class {
				if i := c.Inspect("sip"); i != nil {
					return a, i
				}
			}
		}
	}
	return asa.Applied{}, nil
}
