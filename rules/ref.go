package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/parser"
)

// REF001 reports service-policy lines that name a missing policy-map.
var REF001 = &Rule{
	ID:       "REF001",
	Title:    "service-policy names a policy-map that does not exist",
	Severity: Error,
	Needs:    []string{"policy-map"},
	Check: func(p *Pass) {
		m := p.Model
		for _, sp := range m.Config.ServicePolicies {
			if m.PolicyMap(sp.Name) != nil {
				continue
			}
			f := Finding{
				Message: fmt.Sprintf("service-policy %s: policy-map %s does not exist", sp.Name, sp.Name),
				File:    sp.Pos.Filename, Line: sp.Pos.Line, Column: sp.Pos.Column, Source: sp.Source,
				Detail: "The service-policy applies nothing, so every inspection it was meant to apply, SIP's included, is off.",
				Fix:    missingPolicyFix(m, sp, p.Options.Ports),
				Key:    sp.Source,
			}
			if near := similar(sp.Name, l34PolicyNames(m)); near != "" {
				f.Message += fmt.Sprintf(" (did you mean %s?)", near)
			} else {
				f.Detail += " The fix recreates it as the factory global_policy (every default inspection, SIP's included) with a class for each audited SIP port the default inspection does not cover; add back anything else the policy held."
			}
			p.Report(f)
		}
	},
}

// REF002 reports policy-map classes that name a missing class-map.
var REF002 = &Rule{
	ID:       "REF002",
	Title:    "policy-map class names a class-map that does not exist",
	Severity: Error,
	Needs:    []string{"class-map"},
	Check: func(p *Pass) {
		m := p.Model
		for _, pm := range m.L34PolicyMaps() {
			for _, c := range pm.Classes {
				if c.Name == "class-default" || m.ClassMap(c.Name) != nil {
					continue
				}
				p.Report(Finding{
					Message: fmt.Sprintf("policy-map %s: class %s names a class-map that does not exist", pm.Name, c.Name),
					File:    c.Pos.Filename, Line: c.Pos.Line, Column: c.Pos.Column, Source: c.Source,
					Detail: "A class without its class-map matches no traffic, so its actions (inspections, connection settings) never apply. " +
						"The ASA refuses such a class when it is entered, so a running-config saved from a firewall cannot show one: if this file is such a capture, it was cut or edited (check the device with show running-config class-map); if it is a configuration being prepared, the class-map must be added before the policy-map.",
					Fix: missingClassFix(m, c, p.Options.Ports),
					Key: pm.Name + " " + c.Name,
				})
			}
		}
	},
}

// missingClassFix recreates the missing class-map of class c from what the class does.
// A SIP class gets the audited ports that no applied policy inspects yet: one port
// number as "match port" (tcp-udp when both protocols), several as the first of them
// (a class-map holds one match; SIP001 then reports the others).
func missingClassFix(m *asa.Model, c *parser.PolicyClass, ports []asa.Port) []string {
	match := "match default-inspection-traffic"
	switch {
	case c.Name == "inspection_default":
	case c.Inspect("sip") != nil:
		todo := uncovered(m, ports)
		port := todo[0]
		proto := port.Proto
		same := true
		for _, q := range todo {
			same = same && q.Number == port.Number
		}
		if same && len(todo) > 1 {
			proto = "tcp-udp"
		}
		match = fmt.Sprintf("match port %s eq %d", proto, port.Number)
	default:
		for _, a := range c.Actions {
			if a.Inspect == nil {
				match = "match any"
				break
			}
		}
	}
	return []string{"class-map " + c.Name, " " + match}
}

// uncovered returns the ports no applied policy inspects (all of them when every one is),
// the ones that are not 5060 first: "match default-inspection-traffic" covers 5060.
func uncovered(m *asa.Model, ports []asa.Port) []asa.Port {
	var out, at5060 []asa.Port
	for _, port := range ports {
		if v := m.SIP(port); v.Best != nil && v.Best.Inspected() {
			continue
		}
		if port.Number == 5060 {
			at5060 = append(at5060, port)
		} else {
			out = append(out, port)
		}
	}
	out = append(out, at5060...)
	if len(out) == 0 {
		return ports
	}
	return out
}

// missingACLFix makes "match access-list name" of class-map cm match: the existing
// access-list whose name is close (a typo), else, for a class that inspects SIP, the
// access-list created with a permit for each audited port no policy inspects yet; nil
// when what the class was meant to match cannot be known.
func missingACLFix(m *asa.Model, cm *parser.ClassMap, name string, ports []asa.Port) []string {
	var defined []string
	for n := range m.Config.ACLNames {
		defined = append(defined, n)
	}
	slices.Sort(defined)
	if near := similar(name, defined); near != "" {
		return []string{"class-map " + cm.Name, " match access-list " + near}
	}
	if !classInspectsSIP(m, cm.Name) {
		return nil
	}
	var out []string
	for _, port := range uncovered(m, ports) {
		out = append(out, fmt.Sprintf("access-list %s extended permit %s any any eq %d", name, port.Proto, port.Number))
	}
	return out
}

// classInspectsSIP reports whether a policy-map class named name has inspect sip.
func classInspectsSIP(m *asa.Model, name string) bool {
	for _, pm := range m.L34PolicyMaps() {
		for _, c := range pm.Classes {
			if c.Name == name && c.Inspect("sip") != nil {
				return true
			}
		}
	}
	return false
}

// matchesACL reports whether a layer 3/4 class-map has a "match access-list".
func matchesACL(m *asa.Model) bool {
	for _, cm := range m.Config.ClassMaps {
		if cm.IsL34() && slices.ContainsFunc(cm.Matches, func(mt *parser.Match) bool { return mt.AccessList != "" }) {
			return true
		}
	}
	return false
}

// REF004 reports "match access-list NAME" naming an access-list that does not exist.
var REF004 = &Rule{
	ID:       "REF004",
	Title:    "class-map matches an access-list that does not exist",
	Severity: Error,
	Needs:    []string{"class-map", "access-list"},
	relevant: matchesACL,
	Check: func(p *Pass) {
		m := p.Model
		for _, cm := range m.Config.ClassMaps {
			if !cm.IsL34() {
				continue
			}
			for _, mt := range cm.Matches {
				if mt.AccessList == "" {
					continue
				}
				if defined, known := m.ACLDefined(mt.AccessList); defined || !known {
					continue
				}
				f := Finding{
					Message: fmt.Sprintf("class-map %s: match access-list %s names an access-list that does not exist", cm.Name, mt.AccessList),
					File:    mt.Pos.Filename, Line: mt.Pos.Line, Column: mt.Pos.Column, Source: mt.Source,
					Detail: "A class whose access-list does not exist matches no traffic, so its actions (inspections, connection settings) never apply.",
					Fix:    missingACLFix(m, cm, mt.AccessList, p.Options.Ports),
					Key:    cm.Name + " " + mt.AccessList,
				}
				switch {
				case len(f.Fix) == 2 && strings.HasPrefix(f.Fix[0], "class-map "):
					f.Message += fmt.Sprintf(" (did you mean %s?)", strings.TrimPrefix(f.Fix[1], " match access-list "))
				case len(f.Fix) == 0:
					f.Detail += " Create access-list " + mt.AccessList + " with the traffic the class is meant to match, or remove the class."
				}
				p.Report(f)
			}
		}
	},
}

// REF003 reports "inspect sip MAP" naming a missing inspect policy-map.
var REF003 = &Rule{
	ID:       "REF003",
	Title:    "inspect sip names an inspect policy-map that does not exist",
	Severity: Error,
	Needs:    []string{"policy-map"},
	Check: func(p *Pass) {
		m := p.Model
		for _, pm := range m.L34PolicyMaps() {
			for _, c := range pm.Classes {
				for _, a := range c.Actions {
					in := a.Inspect
					if in == nil || in.Protocol != "sip" || in.Map() == "" || in.Map() == "tls-proxy" || m.InspectPolicyMap("sip", in.Map()) != nil {
						continue
					}
					p.Report(Finding{
						Message: fmt.Sprintf("policy-map %s, class %s: inspect sip %s names a \"policy-map type inspect sip\" that does not exist", pm.Name, c.Name, in.Map()),
						File:    a.Pos.Filename, Line: a.Pos.Line, Column: a.Pos.Column, Source: a.Source,
						Detail: "The ASA refuses \"inspect sip\" with an unknown map, so this configuration cannot be loaded as written; SIP inspection in this class is not in effect.",
						Fix:    []string{"policy-map type inspect sip " + in.Map(), " parameters"},
						Key:    pm.Name + " " + c.Name + " " + in.Map(),
					})
				}
			}
		}
	},
}
