package rules

import (
	"fmt"
	"strings"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/parser"
)

const sipInspectionWhy = "Without SIP inspection the ASA neither rewrites the private addresses in SIP headers and SDP nor opens pinholes for media and inbound requests: phones may register, but calls get one-way or no audio and inbound calls do not arrive. Leaving it off is only right when the phones or an SBC do their own NAT traversal (STUN/ICE, a hosted SBC)."

// SIP001 reports SIP ports that no applied "inspect sip" covers.
var SIP001 = &Rule{
	ID:       "SIP001",
	Title:    "SIP is not inspected on an audited port",
	Severity: Error,
	Needs:    []string{"class-map", "policy-map", "service-policy"},
	Check: func(p *Pass) {
		m := p.Model
		for _, port := range p.Options.Ports {
			v := m.SIP(port)
			if v.Best != nil && v.Best.Inspected() {
				continue
			}
			f := notInspected(m, v)
			f.Key = port.String()
			detail := []string{sipInspectionWhy}
			if f.Detail != "" {
				detail = append(detail, f.Detail)
			}
			for _, c := range v.Coverages {
				if c.Assumed != "" {
					detail = append(detail, "Assumption: "+c.Assumed+".")
				}
			}
			if others := otherScopes(v); others != "" {
				detail = append(detail, others)
			}
			f.Detail = strings.Join(detail, " ")
			p.Report(f)
		}
	},
}

// notInspected explains why the best coverage of v does not inspect SIP.
func notInspected(m *asa.Model, v asa.Verdict) Finding {
	port := v.Port
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
		fix := addSIPClassOrDefault(m, a.Line.Name, port)
		if near := similar(a.Line.Name, l34PolicyNames(m)); near != "" {
			fix = reapply(a.Line, near)
		}
		return Finding{
			Message: fmt.Sprintf("%s: SIP is not inspected: service-policy %s (%s) names a policy-map that does not exist", port, a.Line.Name, scope(a)),
			File:    a.Line.Pos.Filename, Line: a.Line.Pos.Line, Source: a.Line.Source,
			Fix: fix,
		}
	case c.Class == nil:
		return Finding{
			Message: fmt.Sprintf("%s: SIP is not inspected: no class of policy-map %s (%s) with an inspect action matches %s", port, a.PolicyMap.Name, scope(a), port),
			File:    a.PolicyMap.Pos.Filename, Line: a.PolicyMap.Pos.Line, Source: a.PolicyMap.Source,
			Fix: addSIPClassOrDefault(m, a.PolicyMap.Name, port),
		}
	}
	// A class matches the port for inspection but does not inspect SIP. Adding inspect sip
	// to class-default would treat all traffic as SIP, so that case gets its own class
	// (class-default is always evaluated last, so the new class comes before it).
	// A class whose access-list permits every port of the protocol is as broad for its
	// addresses: its access-list stops matching the port first, so that the new class
	// (added after it) gets it.
	fix := addInspectSIP(a.PolicyMap.Name, c.Class.Name)
	note := ""
	switch r := m.ClassMatches(c.Class, port); {
	case catchAll(m, c.Class):
		fix = addSIPClass(m, a.PolicyMap.Name, port)
	case r.AllPortsACL != "":
		fix = append([]string{fmt.Sprintf("access-list %s line 1 extended deny %s any any eq %d", r.AllPortsACL, port.Proto, port.Number)}, addSIPClass(m, a.PolicyMap.Name, port)...)
		note = fmt.Sprintf("The fix's deny line only takes %s out of class %s; if access-list %s is also applied with access-group (or used by NAT or a VPN), give the class its own access-list instead, or that deny also drops the traffic there.", port, c.Class.Name, r.AllPortsACL)
	}
	return Finding{
		Detail:  note,
		Message: fmt.Sprintf("%s: SIP is not inspected: %s is matched by class %s of policy-map %s (%s), which has no \"inspect sip\"", port, port, c.Class.Name, a.PolicyMap.Name, scope(a)),
		File:    c.Class.Pos.Filename, Line: c.Class.Pos.Line, Source: c.Class.Source, Fix: fix,
	}
}

// addSIPClassOrDefault adds SIP on port to policy-map pm: into the factory class for 5060
// when the policy has it, else as a class of its own.
func addSIPClassOrDefault(m *asa.Model, pm string, port asa.Port) []string {
	if port.Number == 5060 && m.ClassMap("inspection_default") != nil {
		return addInspectSIP(pm, "inspection_default")
	}
	return addSIPClass(m, pm, port)
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

func checkIdle(p *Pass, margin bool) {
	m := p.Model
	for _, port := range p.Options.Ports {
		refresh, what := p.Options.RefreshFor(port)
		if refresh <= 0 {
			continue
		}
		idle := m.SIP(port).Idle
		if idle.Value == 0 {
			continue // 0:00:00 disables the idle timeout
		}
		short := idle.Value < refresh
		if margin == short || (margin && idle.Value >= 2*refresh) {
			continue
		}
		f := idleFinding(m, idle)
		f.Key = port.String() + " " + idle.Source
		setting := setting(idle)
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
