package rules

import (
	"fmt"

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
				Fix:    addSIPClassOrDefault(m, sp.Name, firstPort(p)),
				Key:    sp.Source,
			}
			if near := similar(sp.Name, l34PolicyNames(m)); near != "" {
				f.Message += fmt.Sprintf(" (did you mean %s?)", near)
				f.Fix = reapply(sp, near)
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
					Detail: "A class without its class-map matches no traffic, so its actions (inspections, connection settings) never apply.",
					Fix:    []string{"class-map " + c.Name, " " + suggestMatch(c, firstPort(p))},
					Key:    pm.Name + " " + c.Name,
				})
			}
		}
	},
}

// suggestMatch proposes the match line of a missing class-map from what the class does.
func suggestMatch(c *parser.PolicyClass, port asa.Port) string {
	switch {
	case c.Name == "inspection_default":
		return "match default-inspection-traffic"
	case c.Inspect("sip") != nil:
		return fmt.Sprintf("match port %s eq %d", port.Proto, port.Number)
	}
	for _, a := range c.Actions {
		if a.Inspect == nil {
			return "match any"
		}
	}
	return "match default-inspection-traffic"
}

func firstPort(p *Pass) asa.Port {
	for _, port := range p.Options.Ports {
		if port.Number != 5060 {
			return port
		}
	}
	return p.Options.Ports[0]
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
					if in == nil || in.Protocol != "sip" || in.Map() == "" || m.InspectPolicyMap("sip", in.Map()) != nil {
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
