package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/parser"
)

const sipInspectionWhy = "Without SIP inspection the ASA neither rewrites the private addresses in SIP headers and SDP nor opens pinholes for media and inbound requests: phones may register, but calls get one-way or no audio and inbound calls do not arrive. Leaving it off is only right when the phones or an SBC do their own NAT traversal (STUN/ICE, a hosted SBC)."

// SIP001 reports SIP ports that no applied "inspect sip" covers: on no interface (error),
// on the path from the clients to the provider (error), or on some interfaces when the
// path is not known (warning).
var SIP001 = &Rule{
	ID:       "SIP001",
	Title:    "SIP is not inspected on an audited port",
	Severity: Error,
	Needs:    []string{"class-map", "policy-map", "service-policy"},
	Check: func(p *Pass) {
		for _, port := range p.Options.Ports {
			if f, ok := sipFinding(p, port); ok {
				f.Key = port.String()
				p.Report(f)
			}
		}
	},
}

// sipFinding decides SIP001 for one port from the interfaces whose traffic is inspected.
func sipFinding(p *Pass, port asa.Port) (Finding, bool) {
	m := p.Model
	if tlsPort(port) {
		return tlsFinding(m, port)
	}
	ifs := m.InterfacesSIP(port)
	var inspecting []asa.InterfaceSIP
	for _, s := range ifs {
		if s.Inspected() {
			inspecting = append(inspecting, s)
		}
	}
	if len(inspecting) == 0 {
		v := m.SIP(port)
		if v.Best != nil && v.Best.Inspected() {
			return overriddenEverywhere(m, port, p.Options.Ports, ifs), true
		}
		f := notInspectedPorts(m, v, p.Options.Ports)
		f.Detail = joinDetail(sipInspectionWhy, f.Detail, coverageAssumptions(v.Coverages), otherScopes(v))
		return f, true
	}
	// With the path known, the flow's own interfaces decide.
	unknown := true
	for _, fl := range flows(p) {
		if fl.Port != port {
			continue
		}
		unknown = false
		path := m.Path(fl)
		if path.Ingress == "" || path.Egress == "" {
			unknown = true
			continue
		}
		in, out := m.OnInterface(path.Ingress, port), m.OnInterface(path.Egress, port)
		if asa.FlowInspected(in, out) {
			continue
		}
		return pathNotInspected(m, fl, path.Ingress, path.Egress, inspecting, p.Options.Ports), true
	}
	if !unknown {
		return Finding{}, false
	}
	return partlyInspected(m, port, p.Options.Ports, ifs, inspecting)
}

// tlsFinding is SIP001 for SIP over TLS: inspect sip reads it only through a TLS proxy
// (the ASA terminates the TLS session with its own certificate), so a class that matches
// the port with plain inspect sip inspects nothing (a warning; the fix removes that
// inspect, which changes nothing the ASA could do), and a class for the port is never the
// fix. Without one the port is uninspected, which is right when the phones do their own
// NAT traversal, and only a TLS proxy built on the site's own certificates and
// trustpoints (which no fix can guess) could change it: that is not reported.
func tlsFinding(m *asa.Model, port asa.Port) (Finding, bool) {
	v := m.SIP(port)
	const why = "SIP over TLS is encrypted end to end: plain inspect sip cannot read it, so it neither rewrites the addresses in SIP and SDP nor opens pinholes for the media. Either configure a TLS proxy (the ASA terminates TLS with its own certificate, which the phones must trust: \"tls-proxy NAME\" with its trustpoints, then \"inspect sip [MAP] tls-proxy NAME\" in a class that matches tcp/5061; Cisco ASA unified communications guide, \"TLS Proxy\"), or leave SIP over TLS uninspected and let the phones do their own NAT traversal (STUN/ICE, an SBC, a provider that uses the received address)."
	c := v.Best
	if c == nil || !c.Inspected() || tlsProxy(c.Inspect) {
		return Finding{}, false
	}
	return Finding{
		Severity: Warning,
		Message:  fmt.Sprintf("%s: SIP over TLS is not inspected: class %s of policy-map %s (%s) has inspect sip without a TLS proxy, which cannot read TLS", port, c.Class.Name, c.Applied.Line.Name, scope(c.Applied)),
		File:     c.Class.Pos.Filename, Line: c.Class.Pos.Line, Source: c.Class.Source,
		Detail: why + " The fix removes the plain inspect sip, which inspects nothing here; configure a TLS proxy in its place if the phones are to rely on the ASA for NAT traversal.",
		Fix:    []string{"policy-map " + c.Applied.Line.Name, " class " + c.Class.Name, "  no " + strings.TrimSpace(actionOf(c))},
	}, true
}

// actionOf returns the source of the action that holds c's inspect.
func actionOf(c *asa.Coverage) string {
	for _, a := range c.Class.Actions {
		if a.Inspect == c.Inspect {
			return a.Source
		}
	}
	return "inspect sip"
}

// pathNotInspected is SIP001 for a flow that crosses no interface inspecting its port.
func pathNotInspected(m *asa.Model, fl asa.Flow, in, out string, inspecting []asa.InterfaceSIP, ports []asa.Port) Finding {
	v := m.SIPOn(fl.Port, in, out)
	f := notInspectedPorts(m, v, ports)
	reason := strings.TrimPrefix(f.Message, fl.Port.String()+": SIP is not inspected: ")
	if v.Best == nil {
		reason = fmt.Sprintf("no service-policy is applied to %s or %s, and none globally", in, out)
	}
	f.Message = fmt.Sprintf("%s: SIP from %s (%s) to %s (%s) is not inspected: %s; it is inspected only on %s", fl.Port, clients(fl.Clients), in, fl.Provider, out, reason, ifaceList(inspecting))
	f.Detail = joinDetail(sipInspectionWhy, "An interface service-policy acts only on traffic entering or leaving its own interface, and on each interface it takes precedence over the global policy for the same feature; a flow's inspection is decided on its input interface first, then on its output interface.", f.Detail, coverageAssumptions(v.Coverages))
	return f
}

// partlyInspected is SIP001 (warning) when some interfaces inspect the port and a flow
// between others would not be: the path is not known, so the finding names them.
func partlyInspected(m *asa.Model, port asa.Port, ports []asa.Port, ifs, inspecting []asa.InterfaceSIP) (Finding, bool) {
	// Only the interfaces the input shows are judged: with none shown (a partial capture),
	// whether the firewall has others, between which SIP would not be inspected, is the
	// unknown premise, and a finding about them would be a guess.
	ifs = slices.DeleteFunc(slices.Clone(ifs), func(s asa.InterfaceSIP) bool { return s.Interface == "" })
	// bad are the interfaces, not inspecting themselves, of some flow that is not
	// inspected: the flow's input interface decides first, then its output interface.
	var bad []asa.InterfaceSIP
	seen := map[string]bool{}
	add := func(s asa.InterfaceSIP) {
		if !s.Inspected() && !seen[s.Interface] {
			seen[s.Interface] = true
			bad = append(bad, s)
		}
	}
	// Every pair of interfaces is a possible flow, but only the uninspected ones can be
	// added: the pairs are walked over those alone, and the walk ends once all of them
	// are in, so that a configuration with thousands of interface policies costs linear
	// time. The order is the one of the pairs, input interface first.
	var open []int
	names := map[string]bool{}
	for i, s := range ifs {
		if !s.Inspected() {
			open = append(open, i)
			names[s.Interface] = true
		}
	}
	for i, a := range ifs {
		if len(bad) == len(names) {
			break
		}
		if a.Decides != nil && !a.Inspected() && len(ifs) > 1 {
			add(a) // it decides every flow entering by it (a flow needs another interface)
		}
		for _, j := range open {
			if i != j && !asa.FlowInspected(a, ifs[j]) {
				add(a)
				add(ifs[j])
			}
		}
	}
	if len(bad) == 0 {
		return Finding{}, false
	}
	var between, entering []asa.InterfaceSIP
	for _, s := range bad {
		if s.Decides != nil {
			entering = append(entering, s)
		} else {
			between = append(between, s)
		}
	}
	var clauses []string
	if len(between) > 1 {
		clauses = append(clauses, fmt.Sprintf("SIP between %s is not inspected", ifaceList(between)))
	}
	if len(entering) > 0 {
		clauses = append(clauses, fmt.Sprintf("SIP entering by %s is not inspected, whatever interface it leaves by", ifaceList(entering)))
	}
	var why, fix []string
	var at *parser.PolicyClass
	for _, s := range bad {
		why = append(why, ifaceName(s.Interface)+": "+ifaceReason(s, port))
		if s.Overrides() && at == nil {
			at = s.Own.Class
		}
		for _, l := range blocks(ifaceFix(m, s, port, ports)) {
			if !containsBlock(fix, l) {
				fix = append(fix, l...)
			}
		}
	}
	f := Finding{
		Severity: Warning,
		Message:  fmt.Sprintf("%s: SIP is inspected only on %s: %s", port, ifaceList(inspecting), strings.Join(clauses, "; ")),
		Detail: joinDetail(sipInspectionWhy,
			"An interface service-policy acts only on traffic entering or leaving its own interface, and on each interface it takes precedence over the global policy for the same feature, so SIP between interfaces that do not inspect it is not inspected. Why each is not: "+strings.Join(why, "; ")+".",
			"Give --clients and --provider to know the SIP path: this is then an error when the path crosses no inspecting interface, and nothing when it crosses one."),
		Fix: fix,
	}
	switch sp := inspecting[0].Decides.Applied.Line; {
	case at != nil:
		f.File, f.Line, f.Source = at.Pos.Filename, at.Pos.Line, at.Source
	default:
		f.File, f.Line, f.Source = sp.Pos.Filename, sp.Pos.Line, sp.Source
	}
	return f, true
}

// overriddenEverywhere is SIP001 when the global policy inspects the port but every
// interface's own policy takes the port with another inspection.
func overriddenEverywhere(m *asa.Model, port asa.Port, ports []asa.Port, ifs []asa.InterfaceSIP) Finding {
	var why, fix []string
	for _, s := range ifs {
		why = append(why, ifaceName(s.Interface)+": "+ifaceReason(s, port))
		for _, l := range blocks(ifaceFix(m, s, port, ports)) {
			if !containsBlock(fix, l) {
				fix = append(fix, l...)
			}
		}
	}
	c := ifs[0].Decides.Class
	return Finding{
		Message: fmt.Sprintf("%s: SIP is not inspected on any interface: the global policy's inspect sip is overridden by each interface's own policy", port),
		File:    c.Pos.Filename, Line: c.Pos.Line, Source: c.Source,
		Detail: joinDetail(sipInspectionWhy, "On each interface its own service-policy takes precedence over the global policy for the same feature: "+strings.Join(why, "; ")+"."),
		Fix:    fix,
	}
}

// ifaceReason says why SIP on port is not inspected on interface s.
func ifaceReason(s asa.InterfaceSIP, port asa.Port) string {
	switch c := s.Decides; {
	case s.Overrides():
		return fmt.Sprintf("class %s of policy-map %s (%s) takes %s for %s, which takes precedence over the global policy's inspect sip", c.Class.Name, c.Applied.Line.Name, scope(c.Applied), port, inspectsOf(c.Class))
	case c != nil:
		return fmt.Sprintf("class %s of policy-map %s (%s) takes %s without inspect sip", c.Class.Name, c.Applied.Line.Name, scope(c.Applied), port)
	case s.Own == nil && s.Global == nil:
		return "no service-policy of its own and none global"
	}
	var parts []string
	for _, c := range []*asa.Coverage{s.Own, s.Global} {
		switch {
		case c == nil:
		case c.Applied.PolicyMap == nil:
			parts = append(parts, fmt.Sprintf("policy-map %s (%s) does not exist", c.Applied.Line.Name, scope(c.Applied)))
		default:
			parts = append(parts, fmt.Sprintf("no class of policy-map %s (%s) inspects %s", c.Applied.Line.Name, scope(c.Applied), port))
		}
	}
	if s.Global == nil {
		parts = append(parts, "no global policy")
	}
	return strings.Join(parts, ", ")
}

// inspectsOf lists the inspections of a class ("inspect rtsp").
func inspectsOf(c *parser.PolicyClass) string {
	var out []string
	for _, a := range c.Actions {
		if a.Inspect != nil {
			out = append(out, "inspect "+a.Inspect.Protocol)
		}
	}
	return strings.Join(out, ", ")
}

// ifaceFix returns the lines that make interface s inspect SIP on port: in the class or
// policy that decides it, else in the global policy (created when there is none).
func ifaceFix(m *asa.Model, s asa.InterfaceSIP, port asa.Port, ports []asa.Port) []string {
	switch {
	case s.Decides != nil:
		return notInspectedPorts(m, asa.Verdict{Port: port, Best: s.Decides}, ports).Fix
	case s.Global != nil:
		return notInspectedPorts(m, asa.Verdict{Port: port, Best: s.Global}, ports).Fix
	case s.Own != nil && s.Own.Applied.PolicyMap != nil:
		return addSIPClassOrDefault(m, s.Own.Applied.PolicyMap.Name, port)
	}
	return notInspectedPorts(m, asa.Verdict{Port: port}, ports).Fix
}

// blocks splits fix lines into blocks, each a top-level line with its sub-mode lines.
func blocks(lines []string) [][]string {
	var out [][]string
	for _, l := range lines {
		if len(out) == 0 || !strings.HasPrefix(l, " ") {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], l)
	}
	return out
}

// containsBlock reports whether lines already hold block b.
func containsBlock(lines, b []string) bool {
	for _, have := range blocks(lines) {
		if slices.Equal(have, b) {
			return true
		}
	}
	return false
}

func ifaceName(name string) string {
	if name == "" {
		return "the interfaces the input does not show"
	}
	return name
}

// ifaceList names interfaces: "a", "a and b", "a, b and c".
func ifaceList(ss []asa.InterfaceSIP) string {
	var out []string
	for _, s := range ss {
		out = append(out, ifaceName(s.Interface))
	}
	if n := len(out); n > 1 {
		return strings.Join(out[:n-1], ", ") + " and " + out[n-1]
	}
	return strings.Join(out, "")
}

func coverageAssumptions(covs []asa.Coverage) string {
	var out []string
	for _, c := range covs {
		if c.Assumed != "" {
			out = append(out, "Assumption: "+c.Assumed+".")
		}
	}
	return strings.Join(out, " ")
}

// joinDetail joins the non-empty parts of a detail.
func joinDetail(parts ...string) string {
	var out []string
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// notInspected explains why the best coverage of v does not inspect SIP.
func notInspected(m *asa.Model, v asa.Verdict) Finding {
	return notInspectedPorts(m, v, []asa.Port{v.Port})
}

// notInspectedPorts is notInspected in a run that audits ports: a fix that belongs to a
// missing reference (REF002, REF004) is that rule's, for every port it covers.
func notInspectedPorts(m *asa.Model, v asa.Verdict, ports []asa.Port) Finding {
	port := v.Port
	if tlsPort(port) {
		// A class with plain inspect sip cannot read SIP over TLS: no lines (tlsFinding).
		a := missingAnchor(m)
		return Finding{
			Message: fmt.Sprintf("%s: SIP is not inspected: SIP over TLS is read only through a TLS proxy", port),
			File:    a.file, Line: a.line, Source: a.source, Fix: []string{},
		}
	}
	if v.Best == nil {
		a := missingAnchor(m)
		fix := factoryPolicy(m, port)
		if pm := unappliedSIPPolicy(m, port); pm != nil {
			fix = []string{"service-policy " + pm.Name + " global"}
		}
		return Finding{
			Message: fmt.Sprintf("%s: SIP is not inspected: no service-policy is applied (no \"service-policy NAME global\" or \"service-policy NAME interface IF\")", port),
			File:    a.file, Line: a.line, Source: a.source, Fix: fix,
		}
	}
	c := v.Best
	a := c.Applied
	switch {
	case a.PolicyMap == nil:
		// One root cause, one fix: REF001's.
		fix := missingPolicyFix(m, a.Line, ports)
		return Finding{
			Message: fmt.Sprintf("%s: SIP is not inspected: service-policy %s (%s) names a policy-map that does not exist", port, a.Line.Name, scope(a)),
			File:    a.Line.Pos.Filename, Line: a.Line.Pos.Line, Source: a.Line.Source,
			Fix: fix,
		}
	case c.Class == nil:
		if f, ok := sipClassBroken(m, a, port, ports); ok {
			return f
		}
		return Finding{
			Message: fmt.Sprintf("%s: SIP is not inspected: no class of policy-map %s (%s) with an inspect action matches %s", port, a.PolicyMap.Name, scope(a), port),
			File:    a.PolicyMap.Pos.Filename, Line: a.PolicyMap.Pos.Line, Source: a.PolicyMap.Source,
			Fix: addSIPClassOrDefault(m, a.PolicyMap.Name, port),
		}
	}
	// A class matches the port for inspection but does not inspect SIP. Adding inspect sip
	// to class-default would treat all traffic as SIP, so that case gets its own class
	// (class-default is always evaluated last, so the new class comes before it). A class
	// that matches all traffic, or every port of the protocol through its access-list, is
	// as broad, and a class with another inspection cannot take a second one (only a
	// default-inspection-traffic class may): a SIP class of its own must come before it,
	// and classes are evaluated in the order they were entered, so it and the classes
	// after it are removed and entered again after the new one.
	fix := addInspectSIP(a.PolicyMap.Name, c.Class.Name)
	note := ""
	switch r := m.ClassMatches(c.Class, port); {
	case c.Class.Name == "class-default":
		fix = addSIPClass(m, a.PolicyMap.Name, port)
	case catchAll(m, c.Class) || r.AllPortsACL != "" || otherInspect(m, c.Class):
		fix = sipClassBefore(m, a.PolicyMap, c.Class, port)
		note = fmt.Sprintf("Class %s takes %s first, so the fix enters a SIP class ahead of it: it removes %s and the classes after it and enters them again, with their actions, after the new class (their inspections are off for the moment between the two).", c.Class.Name, port, c.Class.Name)
	}
	return Finding{
		Detail:  note,
		Message: fmt.Sprintf("%s: SIP is not inspected: %s is matched by class %s of policy-map %s (%s), which has no \"inspect sip\"", port, port, c.Class.Name, a.PolicyMap.Name, scope(a)),
		File:    c.Class.Pos.Filename, Line: c.Class.Pos.Line, Source: c.Class.Source, Fix: fix,
	}
}

// sipClassBroken finds, in the policy of a, a class with inspect sip that does not match
// port because of one root cause another rule reports: its class-map does not exist
// (REF002), its access-list does not exist (REF004), or its access-list does not permit
// the port. The finding points there and its fix is that cause's, never a second class
// for the same port.
func sipClassBroken(m *asa.Model, a asa.Applied, port asa.Port, ports []asa.Port) (Finding, bool) {
	for _, c := range a.PolicyMap.Classes {
		if c.Inspect("sip") == nil || c.Name == "class-default" {
			continue
		}
		head := fmt.Sprintf("%s: SIP is not inspected: class %s of policy-map %s (%s) has inspect sip, but", port, c.Name, a.PolicyMap.Name, scope(a))
		cm := m.ClassMap(c.Name)
		if cm == nil {
			return Finding{
				Message: head + fmt.Sprintf(" class-map %s does not exist (REF002)", c.Name),
				File:    c.Pos.Filename, Line: c.Pos.Line, Source: c.Source,
				Fix: missingClassFix(m, c, ports),
			}, true
		}
		r := m.ClassMatches(c, port)
		if r.Matches || r.ACL == "" {
			continue
		}
		mt := aclMatch(cm, r.ACL)
		if r.MissingACL {
			return Finding{
				Message: head + fmt.Sprintf(" its access-list %s does not exist, so it matches nothing (REF004)", r.ACL),
				File:    mt.Pos.Filename, Line: mt.Pos.Line, Source: mt.Source,
				Fix: missingACLFix(m, cm, r.ACL, ports),
			}, true
		}
		why := fmt.Sprintf(" access-list %s does not permit %s, so the class does not match it", r.ACL, port)
		if r.Assumed != "" {
			// A line of the access-list could not be read (PARSE001): the verdict rests on
			// the lines that could, and says so.
			why = fmt.Sprintf(" no line of access-list %s that asaaudit could read permits %s, so the class is taken not to match it: %s", r.ACL, port, r.Assumed)
		}
		return Finding{
			Message: head + why,
			File:    mt.Pos.Filename, Line: mt.Pos.Line, Source: mt.Source,
			Detail: fmt.Sprintf("The fix puts a permit for %s first in access-list %s, so that the class takes it; if the access-list is also applied with access-group (or used by NAT or a VPN), give the class its own access-list instead, or that permit also admits the traffic there.", port, r.ACL),
			Fix:    []string{fmt.Sprintf("access-list %s line 1 extended permit %s any any eq %d", r.ACL, port.Proto, port.Number)},
		}, true
	}
	return Finding{}, false
}

// aclMatch returns the "match access-list name" line of class-map cm.
func aclMatch(cm *parser.ClassMap, name string) *parser.Match {
	for _, mt := range cm.Matches {
		if mt.AccessList == name {
			return mt
		}
	}
	return cm.Matches[0]
}

// addSIPClassOrDefault adds SIP on port to policy-map pm: into the factory class for 5060
// when the policy has it, else as a class of its own.
func addSIPClassOrDefault(m *asa.Model, pm string, port asa.Port) []string {
	if port.Number == 5060 && m.ClassMap("inspection_default") != nil {
		return addInspectSIP(pm, "inspection_default")
	}
	return addSIPClass(m, pm, port)
}

// otherInspect reports whether class c inspects a protocol other than SIP and is not a
// default-inspection-traffic class (the only kind that may hold several inspections).
func otherInspect(m *asa.Model, c *parser.PolicyClass) bool {
	if !c.HasInspect() || c.Inspect("sip") != nil {
		return false
	}
	if cm := m.ClassMap(c.Name); cm != nil {
		for _, mt := range cm.Matches {
			if mt.DefaultInspection {
				return false
			}
		}
	}
	return true
}

// catchAll reports whether a class matches all traffic.
func catchAll(m *asa.Model, c *parser.PolicyClass) bool {
	if c.Name == "class-default" {
		return true
	}
	if cm := m.ClassMap(c.Name); cm != nil {
		for _, mt := range cm.Matches {
			if mt.Any {
				return true
			}
		}
	}
	return false
}

// unappliedSIPPolicy returns a layer 3/4 policy-map that would inspect SIP on port if it
// were applied, or nil.
func unappliedSIPPolicy(m *asa.Model, port asa.Port) *parser.PolicyMap {
	for _, pm := range m.L34PolicyMaps() {
		if len(m.ServicePolicies(pm.Name)) > 0 {
			continue
		}
		cov := m.CoverWith(asa.Applied{Scope: "global", PolicyMap: pm}, port)
		if cov.Inspected() {
			return pm
		}
	}
	return nil
}

// otherScopes describes the applied policies other than the one reported.
func otherScopes(v asa.Verdict) string {
	var parts []string
	for _, c := range v.Coverages {
		if c.Applied.Line == v.Best.Applied.Line {
			continue
		}
		name := c.Applied.Line.Name
		switch {
		case c.Applied.PolicyMap == nil:
			parts = append(parts, fmt.Sprintf("%s (%s) does not exist", name, scope(c.Applied)))
		case c.Class == nil:
			parts = append(parts, fmt.Sprintf("%s (%s) has no class matching %s", name, scope(c.Applied), v.Port))
		default:
			parts = append(parts, fmt.Sprintf("%s (%s) matches it with class %s, without inspect sip", name, scope(c.Applied), c.Class.Name))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Other applied policies do not inspect it either: " + strings.Join(parts, "; ") + "."
}

// SIP002 reports policy-maps that hold inspect sip but are applied nowhere.
var SIP002 = &Rule{
	ID:       "SIP002",
	Title:    "policy-map with inspect sip is not applied",
	Severity: Error,
	Needs:    []string{"policy-map", "service-policy"},
	Check: func(p *Pass) {
		m := p.Model
		for _, pm := range m.L34PolicyMaps() {
			if len(m.ServicePolicies(pm.Name)) > 0 || !holdsSIP(pm) {
				continue
			}
			f := Finding{
				Message: fmt.Sprintf("policy-map %s contains \"inspect sip\" but no service-policy applies it", pm.Name),
				File:    pm.Pos.Filename, Line: pm.Pos.Line, Source: pm.Source,
				Detail: "A policy-map does nothing until \"service-policy NAME global\" or \"service-policy NAME interface IF\" applies it, so its SIP inspection is off. " + sipInspectionWhy,
				Key:    pm.Name,
			}
			switch {
			case m.Global == nil:
				f.Fix = []string{"service-policy " + pm.Name + " global"}
			case m.PolicyMap(m.Global.Name) == nil:
				// The global service-policy names a missing policy-map (REF001): apply this one instead.
				f.Fix = reapply(m.Global, pm.Name)
			default:
				// Only one global policy is allowed: apply this one to an interface instead.
				iface := "outside"
				if !hasInterface(m, iface) && len(m.Config.Interfaces) > 0 {
					iface = m.Config.Interfaces[0].Name
				}
				f.Fix = []string{"service-policy " + pm.Name + " interface " + iface}
				f.Detail += fmt.Sprintf(" Policy-map %s is already the global policy (only one is allowed): apply this one to the interface the SIP traffic crosses, or move its SIP class into %s.", m.Global.Name, m.Global.Name)
			}
			p.Report(f)
		}
	},
}

func holdsSIP(pm *parser.PolicyMap) bool {
	for _, c := range pm.Classes {
		if c.Inspect("sip") != nil {
			return true
		}
	}
	return false
}

func hasInterface(m *asa.Model, name string) bool {
	for _, i := range m.Config.Interfaces {
		if i.Name == name {
			return true
		}
	}
	return false
}

// SIP003 reports SIP flows whose idle timeout is shorter than the clients' refresh interval.
var SIP003 = &Rule{
	ID:       "SIP003",
	Title:    "SIP flow idles out before the clients refresh it",
	Severity: Error,
	Needs:    []string{"class-map", "policy-map", "service-policy", "timeout"},
	active:   refreshKnown,
	Check:    func(p *Pass) { checkIdle(p, false) },
}

// SIP004 reports SIP flows whose idle timeout is less than twice the refresh interval.
var SIP004 = &Rule{
	ID:       "SIP004",
	Title:    "SIP flow idles out after one lost refresh",
	Severity: Warning,
	Needs:    []string{"class-map", "policy-map", "service-policy", "timeout"},
	active:   refreshKnown,
	Check:    func(p *Pass) { checkIdle(p, true) },
}

// versionSetting names where an idle timeout comes from; a default is named as the
// default of the configuration's version (the defaults are the same across ASA 8.x and
// 9.x, asa.Defaults), since no line shows it.
func versionSetting(m *asa.Model, idle asa.Idle) string {
	if !idle.Default {
		return idle.Source
	}
	v := "the ASA default"
	if ver := m.Config.Version; ver != "" {
		v = "the default of ASA " + strings.Fields(ver)[0]
	}
	return fmt.Sprintf("no %s line: %s", idle.Source, v)
}

// deviceIdle takes the value of a timeout that no line of the configuration sets from
// what the device itself showed ("show running-config all timeout" evidence, collected by
// live), instead of the table of defaults: device is that value, nil when there is none.
func deviceIdle(p *Pass, idle asa.Idle) (asa.Idle, *evidence.TimeoutValue) {
	if !idle.Default || idle.Key == "" {
		return idle, nil
	}
	device := p.Options.Evidence.DeviceTimeouts(p.Model.Config.Hostname)[idle.Key]
	if device != nil {
		idle.Value = device.Value
	}
	return idle, device
}

func checkIdle(p *Pass, margin bool) {
	m := p.Model
	for _, port := range p.Options.Ports {
		refresh, what := p.Options.RefreshFor(port)
		if refresh <= 0 {
			continue
		}
		v := m.SIP(port)
		idle, device := deviceIdle(p, v.Idle)
		if idle.Value == 0 {
			continue // 0:00:00 disables the idle timeout
		}
		short := idle.Value < refresh
		if margin == short || (margin && idle.Value >= 2*refresh) {
			continue
		}
		f := idleFinding(m, idle)
		if idle.Pos.Line == 0 && m.FirstTimeoutLine() == nil && v.Best != nil && v.Best.Class != nil {
			// No timeout line to point at: the class that governs the flow is where its
			// idle timeout would be set for it alone.
			c := v.Best.Class
			f.File, f.Line, f.Column, f.Source = c.Pos.Filename, c.Pos.Line, 0, c.Source
		}
		f.Key = port.String() + " " + idle.Source
		setting := versionSetting(m, idle)
		if device != nil {
			setting = fmt.Sprintf("no %s line: the device's value, from show running-config all timeout at %s", idle.Source, device.Pos)
		}
		if short {
			f.Message = fmt.Sprintf("%s: the SIP flow idles out after %s (%s), before the clients' %s %s", port, hms(idle.Value), setting, human(refresh), what)
			f.Detail = "The connection and its NAT/PAT translation expire between two refreshes, so requests from the provider (INVITE for an incoming call) reach a closed pinhole and are dropped until the client sends again."
		} else {
			f.Message = fmt.Sprintf("%s: the SIP flow idles out after %s (%s), less than twice the clients' %s %s", port, hms(idle.Value), setting, human(refresh), what)
			f.Detail = "One lost or late refresh is enough for the connection and its NAT/PAT translation to expire; incoming calls then fail until the client sends again."
		}
		f.Fix = idleFix(idle, recommendedIdle(refresh, idle.Key))
		p.Report(f)
	}
}
