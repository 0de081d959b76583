package parser

import (
	"bufio"
	"io"
	"strings"
)

// The String methods write a node's own line as "show running-config" does, without
// indentation; Print writes whole blocks. They render the AST, not the Source text, so
// that a node changed after parsing (a change script applied to it) prints as it is now.

func (c *ClassMap) String() string {
	return join("class-map", typeWords(c.Type, c.Protocol), c.MatchMode, c.Name)
}

func (p *PolicyMap) String() string {
	return join("policy-map", typeWords(p.Type, p.Protocol), p.Name)
}

func typeWords(typ, proto string) string {
	switch typ {
	case "":
		return ""
	case "inspect":
		return join("type inspect", proto)
	}
	return "type " + typ
}

func (m *Match) String() string {
	var what string
	switch {
	case m.DefaultInspection:
		what = "default-inspection-traffic"
	case m.Port != nil:
		what = "port " + m.Port.String()
	case m.AccessList != "":
		what = "access-list " + m.AccessList
	case m.Any:
		what = "any"
	default:
		what = strings.Join(m.Other, " ")
	}
	return join("match", flag(m.Not, "not"), what)
}

func (d *Description) String() string { return join("description", strings.Join(d.Text, " ")) }

func (c *PolicyClass) String() string { return "class " + c.Name }

func (m *InspectMatch) String() string {
	return join("match", flag(m.Not, "not"), strings.Join(m.Criteria, " "))
}

func (a *Action) String() string {
	switch {
	case a.Inspect != nil:
		return a.Inspect.String()
	case a.Set != nil:
		return a.Set.String()
	}
	return strings.Join(a.Other, " ")
}

func (i *Inspect) String() string {
	return join("inspect", i.Protocol, strings.Join(i.Args, " "))
}

func (s *SetConnection) String() string {
	if len(s.Timeouts) == 0 {
		return join("set connection", strings.Join(s.Other, " "))
	}
	parts := []string{"set connection timeout"}
	for _, t := range s.Timeouts {
		parts = append(parts, t.String())
	}
	return strings.Join(parts, " ")
}

func (t *ConnTimeout) String() string {
	if t.DCD {
		return join("dcd", t.Retry.String(), t.Retries)
	}
	return join(t.Kind, t.Value.String(), flag(t.Reset, "reset"))
}

func (s *Setting) String() string { return strings.Join(s.Words, " ") }

func (s *ServicePolicy) String() string {
	if s.Global {
		return "service-policy " + s.Name + " global"
	}
	return "service-policy " + s.Name + " interface " + s.Interface
}

func (t *Timeout) String() string {
	parts := []string{"timeout"}
	for _, e := range t.Entries {
		parts = append(parts, e.String())
	}
	return strings.Join(parts, " ")
}

func (e *TimeoutEntry) String() string {
	key := e.Key
	switch {
	case e.IGP:
		key = "igp stale-route"
	case e.Uauth:
		key = "uauth"
	}
	return join(key, e.Value.String(), e.Mode)
}

// String writes the value as it was written, or as H:MM:SS; "" for a nil Duration (the
// optional value of a "no" form).
func (d *Duration) String() string {
	switch {
	case d == nil:
		return ""
	case d.Text != "":
		return d.Text
	}
	return FormatHMS(d.D)
}

// join joins the non-empty words with spaces.
func join(words ...string) string {
	out := words[:0:0]
	for _, w := range words {
		if w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

func flag(set bool, word string) string {
	if set {
		return word
	}
	return ""
}

// Print writes the parts of cfg the audit reads in running-config form: the version and
// hostname, the named interfaces, the timeouts, the class-maps, the policy-maps and the
// service-policies, ending with ": end". Everything else of the original configuration
// (access-lists, NAT, routes...) was never kept by Parse and is not printed. What Print
// writes parses back to an equal Config (positions aside). Inspect policy-maps print their
// parameters, then their match entries, then their classes.
func Print(w io.Writer, cfg *Config) error {
	b := bufio.NewWriter(w)
	line := func(indent int, s string) {
		b.WriteString(strings.Repeat(" ", indent))
		b.WriteString(s)
		b.WriteByte('\n')
	}
	if cfg.Version != "" {
		v := cfg.Version
		if cfg.VersionMarker != "" {
			v += " <" + cfg.VersionMarker + ">"
		}
		line(0, "ASA Version "+v)
	}
	if cfg.Hostname != "" {
		line(0, "hostname "+cfg.Hostname)
	}
	for _, i := range cfg.Interfaces {
		line(0, "!")
		line(0, "interface "+i.Hardware)
		line(1, "nameif "+i.Name)
	}
	if len(cfg.Timeouts) > 0 {
		line(0, "!")
	}
	for _, t := range cfg.Timeouts {
		line(0, t.String())
	}
	for _, c := range cfg.ClassMaps {
		line(0, "!")
		line(0, c.String())
		for _, d := range c.Descriptions {
			line(1, d.String())
		}
		for _, m := range c.Matches {
			line(1, m.String())
		}
	}
	for _, p := range cfg.PolicyMaps {
		line(0, "!")
		line(0, p.String())
		if len(p.Parameters) > 0 {
			line(1, "parameters")
			for _, s := range p.Parameters {
				line(2, s.String())
			}
		}
		for _, m := range p.Matches {
			line(1, m.String())
			for _, s := range m.Settings {
				line(2, s.String())
			}
		}
		for _, c := range p.Classes {
			line(1, c.String())
			for _, a := range c.Actions {
				line(2, a.String())
			}
			for _, s := range c.Settings {
				line(2, s.String())
			}
		}
	}
	if len(cfg.ServicePolicies) > 0 {
		line(0, "!")
	}
	for _, s := range cfg.ServicePolicies {
		line(0, s.String())
	}
	line(0, ": end")
	return b.Flush()
}
