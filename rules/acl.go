package rules

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/parser"
)

// The path rules follow a SIP flow from the clients (--clients) to the provider
// (--provider) through the interfaces, access-lists, security levels and NAT, and the
// provider's requests back (asa.Path). They run before PARSE001, which then reports the
// lines they read that could not be read.

// flows returns every client subnet, provider and audited port, in that order.
func flows(p *Pass) []asa.Flow {
	var out []asa.Flow
	for _, c := range p.Options.Clients {
		for _, pr := range p.Options.Providers {
			for _, port := range p.Options.Ports {
				out = append(out, asa.Flow{Clients: c, Provider: pr, Port: port})
			}
		}
	}
	return out
}

func clients(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}

// pathAnchor is where a finding about the paths as a whole points: the first access-group
// line, else the first interface, else line 1.
func pathAnchor(m *asa.Model) anchor {
	switch h := m.Config.PathHint; {
	case h.Pos.Line > 0:
		return anchor{line: h.Pos.Line, source: h.Source}
	case len(m.Config.Interfaces) > 0:
		i := m.Config.Interfaces[0]
		return anchor{line: i.HeaderPos.Line, source: "interface " + i.Hardware}
	}
	return anchor{line: 1}
}

// PATH000 says when the path rules did not run, and why.
var PATH000 = &Rule{
	ID:       "PATH000",
	Title:    "SIP path not evaluated",
	Severity: Info,
	Needs:    []string{"interface", "route", "access-list", "access-group", "nat"},
	active:   pathsGiven,
	Check: func(p *Pass) {
		m, o := p.Model, p.Options
		a := pathAnchor(m)
		report := func(msg, key string) {
			p.Report(Finding{Message: msg, Line: a.line, Source: a.source, Key: key,
				Detail: "ACL001, ACL002 and NAT001 follow SIP from the phones to the provider through the interfaces, access-lists, security levels and NAT; they need to know where both are."})
		}
		switch {
		case len(o.Clients) == 0 && len(o.Providers) == 0:
			if m.Config.PathHint.Pos.Line == 0 {
				// No access-list is applied: only the security levels and NAT act on the
				// path, and SIP001 already reports NAT without inspection.
				return
			}
			report("the SIP path rules (ACL001, ACL002, NAT001) were not evaluated: give --clients CIDR (the phones) and --provider ADDR (the provider), or clients: and provider: in .asaaudit.yaml", "flags")
			return
		case len(o.Clients) == 0:
			report("the SIP path rules (ACL001, ACL002, NAT001) were not evaluated: --provider is given but not --clients CIDR (the phones' subnet), nor clients: in .asaaudit.yaml", "flags")
			return
		case len(o.Providers) == 0:
			report("the SIP path rules (ACL001, ACL002, NAT001) were not evaluated: --clients is given but not --provider ADDR (the provider's address), nor provider: in .asaaudit.yaml", "flags")
			return
		}
		seen := map[string]bool{}
		for _, f := range flows(p) {
			path := m.Path(f)
			if path.Unresolved == "" || seen[path.Unresolved] {
				continue
			}
			seen[path.Unresolved] = true
			report(fmt.Sprintf("the SIP path from %s to %s was not evaluated: %s", clients(f.Clients), f.Provider, path.Unresolved), path.Unresolved)
		}
	},
}

// ACL001 reports SIP from the clients to the provider that the ASA drops.
var ACL001 = &Rule{
	ID:       "ACL001",
	Title:    "SIP from the clients to the provider is denied",
	Severity: Error,
	Needs:    []string{"interface", "route", "access-list", "access-group", "nat"},
	active:   pathsGiven,
	Check: func(p *Pass) {
		for _, f := range flows(p) {
			path := p.Model.Path(f)
			for _, d := range path.Denied {
				who := clients(f.Clients)
				part := ""
				if d.Clients != who {
					part = fmt.Sprintf(" (%s of them)", d.Clients)
				}
				detail := "The phones' REGISTER and INVITE never reach the provider: registration fails and no call can be made or received. " + assumptions(path)
				if d.Phase == "SECURITY-LEVEL" {
					detail += "Applying an access-list to an interface replaces its security-level rule: everything the list does not permit is then denied, so add permits for the other traffic that must pass too."
				}
				p.Report(Finding{
					Message: fmt.Sprintf("%s: SIP from %s%s to %s is dropped: %s", f.Port, who, part, f.Provider, d.Reason),
					Line:    d.At.Line, Source: d.At.Text,
					Detail: strings.TrimSpace(detail),
					Fix:    denialFix(p.Model, path, d),
					Key:    fmt.Sprintf("%s %s %s %s %s %s", f.Port, f.Clients, f.Provider, d.Phase, d.ACL, d.Clients),
				})
			}
		}
	},
}

// assumptions lists what the evaluation assumed, as sentences.
func assumptions(path *asa.Path) string {
	if len(path.Notes) == 0 {
		return ""
	}
	return "Assumed: " + strings.Join(path.Notes, "; ") + ". "
}

// aclSpec writes addresses as an access-list entry names them.
func aclSpec(p netip.Prefix) string {
	if p.IsSingleIP() {
		return "host " + p.Addr().String()
	}
	m := net4Mask(p.Bits())
	return p.Masked().Addr().String() + " " + m
}

func net4Mask(bits int) string {
	v := ^uint32(0) << (32 - bits)
	if bits == 0 {
		v = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", v>>24, v>>16&0xff, v>>8&0xff, v&0xff)
}

// permitLine is the entry that permits SIP from src to dst on port.
func permitLine(acl string, line int, src, dst netip.Prefix, port asa.Port) string {
	at := ""
	if line > 0 {
		at = fmt.Sprintf("line %d ", line)
	}
	return fmt.Sprintf("access-list %s %sextended permit %s %s %s eq %d", acl, at, port.Proto, aclSpec(src), aclSpec(dst), port.Number)
}

// denialFix returns the commands that let the flow through where d drops it.
func denialFix(m *asa.Model, path *asa.Path, d asa.Denial) []string {
	f := path.Flow
	provider := netip.PrefixFrom(f.Provider, 32)
	switch d.Phase {
	case "SAME-SECURITY":
		if path.Ingress == path.Egress {
			return []string{"same-security-traffic permit intra-interface"}
		}
		return []string{"same-security-traffic permit inter-interface"}
	case "SECURITY-LEVEL":
		acl := path.Ingress + "_access_in"
		return []string{permitLine(acl, 0, f.Clients, provider, f.Port), "access-group " + acl + " in interface " + path.Ingress}
	}
	return []string{permitLine(d.ACL, d.Entry, f.Clients, provider, f.Port)}
}

// ACL002 reports requests from the provider that reach the clients only through the
// state of connections the clients opened.
var ACL002 = &Rule{
	ID:       "ACL002",
	Title:    "provider's requests reach the phones only through connection state",
	Severity: Warning,
	Needs:    []string{"interface", "route", "access-list", "access-group", "nat"},
	active:   pathsGiven,
	Check: func(p *Pass) {
		for _, f := range flows(p) {
			path := p.Model.Path(f)
			if !path.Allowed() || path.Return.Admitted {
				continue
			}
			idle := path.SIP.Idle
			if refresh, _ := p.Options.RefreshFor(f.Port); refresh > 0 && (idle.Value == 0 || refresh < idle.Value) {
				continue // the clients refresh the connection before it idles out
			}
			governs := fmt.Sprintf("%s (%s)", hms(idle.Value), setting(idle))
			if idle.Value == 0 {
				governs = fmt.Sprintf("never (%s is 0:00:00)", setting(idle))
			}
			msg := fmt.Sprintf("%s: requests from %s (an INVITE for an incoming call) reach %s only through the connection the phones opened, which idles out after %s", f.Port, f.Provider, clients(f.Clients), governs)
			detail := "Nothing in the configuration admits a new connection from the provider to the phones (an access-list permit, and a static translation or none), so incoming calls work only while the phones keep their connection alive: send keepalives or re-REGISTER more often than the idle timeout. Give that interval (--keepalive or --register-interval): when it is shorter than the idle timeout this rule is satisfied, and SIP003 reports it when it is not."
			if t := path.Translation; t.Dynamic() {
				xlate := p.Model.Timeout("pat-xlate")
				msg += fmt.Sprintf(", and the %s translation lasts %s (timeout pat-xlate) after that", t.Kind, hms(xlate.Value))
				detail += fmt.Sprintf(" The phones leave through %s: a permit alone cannot reach them, each would need a static translation.", t.Kind)
			}
			if path.SIP.Best != nil && path.SIP.Best.Inspected() {
				detail += " With inspect sip, a REGISTER opens a pinhole for the provider's requests that lasts as long as the registration (timeout sip)."
			}
			at := returnAnchor(p.Model, path)
			p.Report(Finding{
				Message: msg, Line: at.line, Source: at.source,
				Detail: detail + " " + path.Return.Detail + ".",
				Fix:    returnFix(path),
				Key:    fmt.Sprintf("%s %s %s", f.Port, f.Clients, f.Provider),
			})
		}
	},
}

// returnAnchor is where ACL002 points: the dynamic NAT rule, else the access-group of
// the interface the requests enter by, else the first line of the return step.
func returnAnchor(m *asa.Model, path *asa.Path) anchor {
	if t := path.Translation; t.Dynamic() {
		c := t.Config[0]
		return anchor{line: c.Line, source: c.Text}
	}
	for _, c := range path.Return.Config {
		if c.Line > 0 {
			return anchor{line: c.Line, source: c.Text}
		}
	}
	return pathAnchor(m)
}

// returnFix admits the provider's requests: a permit on the interface they enter by.
func returnFix(path *asa.Path) []string {
	f := path.Flow
	provider := netip.PrefixFrom(f.Provider, 32)
	r := path.Return
	if r.ACL != "" {
		return []string{permitLine(r.ACL, 1, provider, r.To, f.Port)}
	}
	acl := r.Interface + "_access_in"
	return []string{permitLine(acl, 0, provider, r.To, f.Port), "access-group " + acl + " in interface " + r.Interface}
}

// NAT001 reports clients whose source address NAT rewrites while SIP on the port is not
// inspected.
var NAT001 = &Rule{
	ID:       "NAT001",
	Title:    "SIP leaves through NAT without inspect sip",
	Severity: Error,
	Needs:    []string{"interface", "route", "access-list", "access-group", "nat"},
	active:   pathsGiven,
	Check: func(p *Pass) {
		for _, f := range flows(p) {
			path := p.Model.Path(f)
			t := path.Translation
			if !path.Allowed() || !t.Translates() || path.SIP.Best != nil && path.SIP.Best.Inspected() {
				continue
			}
			c := t.Config[0]
			fix := notInspected(p.Model, path.SIP).Fix
			p.Report(Finding{
				Message: fmt.Sprintf("%s: %s leaves for %s through %s (to %s) and SIP on %s is not inspected: the SIP headers and SDP keep the phones' private addresses", f.Port, clients(f.Clients), f.Provider, t.Kind, t.Mapped, f.Port),
				Line:    c.Line, Source: c.Text,
				Detail: "NAT rewrites the packets' addresses, but only inspect sip rewrites the addresses inside SIP (Via, Contact) and SDP (the media address) and opens pinholes for the media: without it the provider answers and sends audio to private addresses, so calls get one-way or no audio and inbound calls fail. Leave it only when the phones or an SBC do their own NAT traversal (STUN/ICE, a provider that uses the received address); then disable NAT001. " + inspectWhere(path.SIP),
				Fix:    fix,
				Key:    fmt.Sprintf("%s %s %s", f.Port, f.Clients, f.Provider),
			})
		}
	},
}

// inspectWhere says which policy decides the port on the path.
func inspectWhere(v asa.Verdict) string {
	c := v.Best
	switch {
	case c == nil:
		return "No service-policy applies on this path."
	case c.Class == nil:
		return fmt.Sprintf("No class of policy-map %s (%s) with an inspect action matches %s.", c.Applied.Line.Name, scope(c.Applied), v.Port)
	}
	return fmt.Sprintf("%s is matched by class %s of policy-map %s (%s), which has no inspect sip.", v.Port, c.Class.Name, c.Applied.Line.Name, scope(c.Applied))
}

// pathRules are the rules that need the configuration's path sections parsed.
var pathRules = []*Rule{PATH000, ACL001, ACL002, NAT001}

// ParserOptions returns how to parse a configuration for rules run with opts (enabled
// selects them; nil is all): with its path sections when a path rule will evaluate paths.
func ParserOptions(opts Options, enabled func(*Rule) bool) parser.Options {
	if len(opts.Clients) == 0 || len(opts.Providers) == 0 {
		return parser.Options{}
	}
	for _, r := range pathRules {
		if enabled == nil || enabled(r) {
			return parser.Options{Paths: true}
		}
	}
	return parser.Options{}
}
