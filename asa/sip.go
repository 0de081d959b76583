package asa

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/asaaudit/asaaudit/parser"
)

// defaultSIPPort is the one port "match default-inspection-traffic" matches for SIP,
// on both UDP and TCP (Cisco ASA firewall configuration guide, "Default Inspections").
const defaultSIPPort = 5060

// Applied is a policy-map applied by a service-policy line.
type Applied struct {
	Scope     string // "global" or the interface name
	Line      *parser.ServicePolicy
	PolicyMap *parser.PolicyMap // nil when the name does not resolve (REF001)
}

// Applied returns the applied policies: the global one first, then per interface in file order.
func (m *Model) Applied() []Applied {
	var out []Applied
	if m.Global != nil {
		out = append(out, Applied{Scope: "global", Line: m.Global, PolicyMap: m.policyMaps[m.Global.Name]})
	}
	for _, sp := range m.Config.ServicePolicies {
		if !sp.Global && m.PerInterface[sp.Interface] == sp {
			out = append(out, Applied{Scope: sp.Interface, Line: sp, PolicyMap: m.policyMaps[sp.Name]})
		}
	}
	return out
}

// Match is how a class matches a port.
type Match struct {
	Matches bool
	// Assumed explains a verdict the audit could not prove from the configuration (an
	// access-list it does not evaluate); empty when the verdict is certain.
	Assumed string
	// AllPortsACL names the access-list whose permit entry matched every port of the
	// protocol ("permit ip ..."): inspect sip in such a class would treat all its traffic
	// as SIP.
	AllPortsACL string
	// ACL names the access-list of a "match access-list" that decided the verdict
	// ("" for other matches); MissingACL is set when no such access-list exists.
	ACL        string
	MissingACL bool
}

// ClassMatches decides whether a class of a policy-map matches port p. class-default
// matches everything; a missing class-map matches nothing (REF002 reports it).
func (m *Model) ClassMatches(c *parser.PolicyClass, p Port) Match {
	if c.Name == "class-default" {
		return Match{Matches: true}
	}
	cm := m.classMaps[c.Name]
	if cm == nil || len(cm.Matches) == 0 {
		return Match{}
	}
	// A layer 3/4 class-map with several match lines matches when all of them do.
	out := Match{Matches: true}
	for _, mt := range cm.Matches {
		r := m.matchOne(mt, c, p)
		if mt.Not {
			r.Matches = !r.Matches
		}
		if !r.Matches {
			return r
		}
		if r.Assumed != "" {
			out.Assumed = r.Assumed
		}
		if r.AllPortsACL != "" {
			out.AllPortsACL = r.AllPortsACL
		}
		if r.ACL != "" {
			out.ACL = r.ACL
		}
	}
	return out
}

func (m *Model) matchOne(mt *parser.Match, c *parser.PolicyClass, p Port) Match {
	switch {
	case mt.Any:
		return Match{Matches: true}
	case mt.DefaultInspection:
		return Match{Matches: p.Number == defaultSIPPort}
	case mt.Port != nil:
		return Match{Matches: mt.Port.Contains(p.Proto, p.Number)}
	case mt.AccessList != "":
		return m.matchACL(mt.AccessList, c, p)
	}
	return Match{Assumed: fmt.Sprintf("class %s (%s) is assumed not to match %s", c.Name, mt.Source, p)}
}

// matchACL decides whether "match access-list name" matches SIP on port p: the first
// active entry whose protocol is p's and whose source or destination port is p's, for
// any addresses, decides (permit: the class matches). An entry that holds only some
// addresses, or only some of the other side's ports, or members the audit cannot know,
// decides for part of the traffic: a permit then counts as a match, with a note.
func (m *Model) matchACL(name string, c *parser.PolicyClass, p Port) Match {
	r := m.matchACLEntries(name, c, p)
	r.ACL = name
	if defined, known := m.ACLDefined(name); known && !defined {
		r.MissingACL = true
	}
	return r
}

// ACLDefined reports whether access-list name exists; known is false when the input does
// not show the access-lists (a partial configuration), so that its absence proves nothing.
func (m *Model) ACLDefined(name string) (defined, known bool) {
	if ps := m.Config.Paths; ps != nil && ps.AccessList(name) != nil {
		return true, true
	}
	return m.Config.ACLNames[name], m.Config.Shows("access-list")
}

func (m *Model) matchACLEntries(name string, c *parser.PolicyClass, p Port) Match {
	ps := m.aclPaths()
	if ps == nil {
		if defined, known := m.ACLDefined(name); known && !defined {
			return Match{} // no such access-list: the class matches nothing
		}
		// The access-list was not read (standard input cannot be read a second time):
		// a class written for SIP (it has inspect sip) is taken to carry it, any other
		// class is taken not to.
		const why = "access-list %s is not evaluated: it is read by a second pass over the file, which standard input does not allow"
		if c.Inspect("sip") != nil {
			return Match{Matches: true, Assumed: fmt.Sprintf("class %s is assumed to match %s ("+why+")", c.Name, p, name)}
		}
		return Match{Assumed: fmt.Sprintf("class %s is assumed not to match %s ("+why+")", c.Name, p, name)}
	}
	acl := ps.AccessList(name)
	if acl == nil {
		return Match{}
	}
	m.initPath()
	cacl := m.compiled(acl)
	part := ""   // the first entry that decided for part of the traffic
	unread := "" // the first line that could not be read: it may permit or deny
	for k := 0; ; k++ {
		a := m.entry(cacl, k)
		switch {
		case a == nil && unread != "":
			return Match{Assumed: fmt.Sprintf("class %s is assumed not to match %s (%s, and may permit it)", c.Name, p, unread)}
		case a == nil:
			return Match{} // the implicit deny: the class does not match the rest
		case a.unread:
			if unread == "" {
				num, _ := acl.Line(a.index)
				unread = fmt.Sprintf("access-list %s line %d could not be read (PARSE001)", name, num)
				if part == "" {
					part = unread
				}
			}
			continue
		}
		full, some := a.covers(p)
		if !some {
			continue
		}
		if !full && part == "" {
			num, text := acl.Line(a.index)
			part = fmt.Sprintf("access-list %s line %d: %s", name, num, text)
			if unknown := a.unknown(); len(unknown) > 0 {
				part += " (" + strings.Join(unknown, "; ") + ")"
			}
		}
		switch {
		case a.permit:
			r := Match{Matches: true}
			if part != "" {
				r.Assumed = fmt.Sprintf("class %s matches %s for part of the traffic only (%s)", c.Name, p, part)
			}
			if a.svc.allPorts(p) {
				r.AllPortsACL = name
			}
			return r
		case full && unread != "":
			return Match{Assumed: fmt.Sprintf("class %s is assumed not to match %s (%s, and may permit it)", c.Name, p, unread)}
		case full:
			return Match{} // a deny before any permit: the class does not match
		}
	}
}

// covers reports whether the entry holds every flow of port p (full), or some of them.
func (a *ace) covers(p Port) (full, some bool) {
	sf, ss := a.svc.portCover(p)
	if !ss {
		return false, false
	}
	if (len(a.src.spans) == 0 || len(a.dst.spans) == 0) && len(a.src.unknown)+len(a.dst.unknown) == 0 {
		return false, false // no IPv4 address on one side (any6)
	}
	whole := spans{allV4}
	full = sf && len(a.unknown()) == 0 && whole.subtract(a.src.spans) == nil && whole.subtract(a.dst.spans) == nil
	return full, true
}

// allPorts reports whether the services hold every port of protocol p.Proto.
func (s *services) allPorts(p Port) bool {
	for _, a := range s.alts {
		if a.proto == "ip" || (a.proto == "tcp-udp" || a.proto == p.Proto) && a.sport.any && a.dport.any {
			return true
		}
	}
	return false
}

// portCover reports whether the services hold protocol p.Proto with every port, or
// with port p.Number on one side and any port on the other (full), or with p.Number on
// one side and only some ports on the other (some).
func (s *services) portCover(p Port) (full, some bool) {
	for _, a := range s.alts {
		switch a.proto {
		case "ip":
			return true, true
		case "tcp-udp", p.Proto:
		default:
			continue
		}
		// An "any" side is no condition: "eq 5080" on the destination does not cover
		// 5060 because the source port may be anything.
		sh, dh := !a.sport.any && a.sport.has(p.Number), !a.dport.any && a.dport.has(p.Number)
		if a.sport.any && a.dport.any || sh && a.dport.any || dh && a.sport.any {
			return true, true
		}
		some = some || sh || dh
	}
	return false, some || len(s.unknown) > 0 && len(s.alts) == 0
}

// orderedClasses returns the classes in evaluation order: class-default is always last,
// wherever it is written.
func orderedClasses(pm *parser.PolicyMap) []*parser.PolicyClass {
	out := make([]*parser.PolicyClass, 0, len(pm.Classes))
	var def *parser.PolicyClass
	for _, c := range pm.Classes {
		if c.Name == "class-default" {
			def = c
			continue
		}
		out = append(out, c)
	}
	if def != nil {
		out = append(out, def)
	}
	return out
}

// Coverage is what one applied policy does to SIP on one port.
type Coverage struct {
	Port    Port
	Applied Applied
	// Class is the first class with an inspect action that matches the port (a packet
	// matches one class per feature), nil when none does.
	Class   *parser.PolicyClass
	Assumed string
	// Inspect is the class's "inspect sip" action: nil when SIP is not inspected.
	Inspect *parser.Inspect
}

// Inspected reports whether SIP on the port is inspected under this policy.
func (c Coverage) Inspected() bool { return c.Inspect != nil }

// Cover evaluates every applied policy for port p.
func (m *Model) Cover(p Port) []Coverage {
	var out []Coverage
	for _, a := range m.Applied() {
		out = append(out, m.CoverWith(a, p))
	}
	return out
}

// Idle is the idle timeout that governs a SIP flow, and where it comes from.
type Idle struct {
	Value time.Duration // 0 means no idle timeout
	// Source names the setting: "set connection timeout idle", "timeout sip",
	// "timeout udp" or "timeout conn".
	Source string
	// Key is the timeout keyword ("sip", "udp", "conn"), or "" for a class setting.
	Key string
	// Pos is where the value is configured; zero when an ASA default applies.
	Pos     lexer.Position
	Default bool
	// Line is the configuration line that sets the value ("" for a default).
	Line string
	// Class is set when a "set connection timeout idle" of this class governs the flow.
	Class     *parser.PolicyClass
	PolicyMap *parser.PolicyMap
}

// IdleFor returns the idle timeout of a SIP flow on port p under applied policy a, given
// whether it is inspected: the matching class's "set connection timeout idle" first, then
// "timeout sip" for inspected SIP, else "timeout udp" (UDP) or "timeout conn" (TCP).
func (m *Model) IdleFor(a Applied, p Port, inspected bool) Idle {
	if a.PolicyMap != nil {
		for _, c := range orderedClasses(a.PolicyMap) {
			t := c.IdleTimeout()
			if t == nil || !m.ClassMatches(c, p).Matches {
				continue
			}
			return Idle{Value: t.Value.D, Source: "set connection timeout idle", Pos: t.Pos, Class: c, PolicyMap: a.PolicyMap, Line: actionSource(c, t)}
		}
	}
	key := "conn"
	switch {
	case inspected:
		key = "sip"
	case p.Proto == "udp":
		key = "udp"
	}
	s := m.Timeout(key)
	idle := Idle{Value: s.Value, Source: "timeout " + key, Key: key, Pos: s.Pos(), Default: s.Entry == nil}
	if s.Line != nil {
		idle.Line = s.Line.Source
	}
	return idle
}

// actionSource returns the source line of the action that holds t.
func actionSource(c *parser.PolicyClass, t *parser.ConnTimeout) string {
	for _, a := range c.Actions {
		if a.Set != nil {
			for _, x := range a.Set.Timeouts {
				if x == t {
					return a.Source
				}
			}
		}
	}
	return ""
}

// Verdict is the audit's answer for one SIP port: the policy that governs it (the one
// that inspects it, if any) and its idle timeout.
type Verdict struct {
	Port      Port
	Coverages []Coverage // one per applied policy; empty when no service-policy applies
	// Best is the coverage that inspects SIP, else the global one, else nil; for SIPOn,
	// the coverage that decides the flow's inspection, else the first that acts on it.
	Best *Coverage
	Idle Idle
}

// SIP evaluates port p as if the flow crossed every interface: the policy that inspects it
// anywhere, else the global one. It is the answer for the idle timeout and the run-time
// evidence, which do not know the path; which interfaces inspect the port is
// InterfacesSIP's, and a known path's is SIPOn's.
func (m *Model) SIP(p Port) Verdict { return m.verdict(p, m.Cover(p)) }

// SIPOn is SIP for a flow that enters by interface in and leaves by interface out. On each
// interface the interface's own policy takes precedence over the global one for the
// inspection feature (InterfaceSIP.Decides), and a flow that matches an inspection on its
// input interface is not matched again on its output interface (Cisco ASA configuration
// guide, "Feature Matching for Multiple Service Policies"): the input interface decides
// first, then the output interface. Best is the coverage that decides, else the first
// policy that acts on the flow.
func (m *Model) SIPOn(p Port, in, out string) Verdict {
	var covs []Coverage
	for _, a := range m.Applied() {
		if a.Scope == "global" || a.Scope == in || a.Scope == out {
			covs = append(covs, m.CoverWith(a, p))
		}
	}
	v := Verdict{Port: p, Coverages: covs}
	for _, iface := range []string{in, out} {
		s := m.OnInterface(iface, p)
		if s.Decides == nil {
			continue
		}
		for i := range v.Coverages {
			if v.Coverages[i].Applied.Line == s.Decides.Applied.Line {
				v.Best = &v.Coverages[i]
			}
		}
		break
	}
	return m.settle(v)
}

// InterfaceSIP is what decides SIP inspection of port p for traffic on one interface.
type InterfaceSIP struct {
	// Interface is the nameif; "" stands for the interfaces the input does not show (a
	// partial configuration), which only the global policy governs.
	Interface string
	// Own is the interface's own policy, Global the global one; nil when not applied.
	Own, Global *Coverage
	// Decides is the policy whose class takes the port for inspection on this interface:
	// the interface's own when one of its classes with an inspect action matches the port,
	// else the global one's; nil when neither has such a class.
	Decides *Coverage
}

// Inspected reports whether SIP on the port is inspected on this interface.
func (s InterfaceSIP) Inspected() bool { return s.Decides != nil && s.Decides.Inspected() }

// Overrides reports whether the interface's own policy takes the port with another
// inspection where the global policy would have inspected SIP.
func (s InterfaceSIP) Overrides() bool {
	return s.Decides != nil && s.Decides == s.Own && !s.Own.Inspected() && s.Global != nil && s.Global.Inspected()
}

// OnInterface evaluates port p for traffic entering or leaving interface iface. An
// interface service-policy takes precedence over the global one feature by feature (Cisco
// ASA configuration guide, "Service Policy Guidelines"): a class of the interface's
// policy that matches the port with an inspect action takes it from the global policy,
// whatever it inspects; a port that no such class matches is left to the global policy.
func (m *Model) OnInterface(iface string, p Port) InterfaceSIP {
	s := InterfaceSIP{Interface: iface}
	if sp := m.PerInterface[iface]; sp != nil && iface != "" {
		c := m.CoverWith(Applied{Scope: iface, Line: sp, PolicyMap: m.policyMaps[sp.Name]}, p)
		s.Own = &c
	}
	if m.Global != nil {
		c := m.CoverWith(Applied{Scope: "global", Line: m.Global, PolicyMap: m.policyMaps[m.Global.Name]}, p)
		s.Global = &c
	}
	for _, c := range []*Coverage{s.Own, s.Global} {
		if c != nil && m.decides(c) {
			s.Decides = c
			break
		}
	}
	return s
}

// decides reports whether the class of c takes the port for inspection. A class that
// matches "default-inspection-traffic" applies each of its inspections to that
// protocol's own default ports only (Cisco ASA configuration guide, "Incompatibility of
// Certain Feature Actions"), so without "inspect sip" it does not take SIP on 5060.
func (m *Model) decides(c *Coverage) bool {
	if c.Class == nil {
		return false
	}
	if c.Inspected() {
		return true
	}
	cm := m.classMaps[c.Class.Name]
	return cm == nil || !slices.ContainsFunc(cm.Matches, func(mt *parser.Match) bool { return mt.DefaultInspection })
}

// Interfaces returns the interfaces SIP may cross: the nameif names in file order, then
// the interfaces a service-policy names that the input does not show.
func (m *Model) Interfaces() []string {
	var out []string
	seen := map[string]bool{} // a set, not a scan: firewalls with thousands of interfaces exist
	for _, i := range m.Config.Interfaces {
		if i.Name != "" && !seen[i.Name] {
			seen[i.Name] = true
			out = append(out, i.Name)
		}
	}
	for _, sp := range m.Config.ServicePolicies {
		if !sp.Global && m.PerInterface[sp.Interface] == sp && !seen[sp.Interface] {
			seen[sp.Interface] = true
			out = append(out, sp.Interface)
		}
	}
	return out
}

// InterfacesSIP evaluates port p on every interface of Interfaces. When the input shows
// no interface block (a partial configuration), a last entry with Interface "" stands for
// the interfaces it does not show, which only the global policy governs.
func (m *Model) InterfacesSIP(p Port) []InterfaceSIP {
	var out []InterfaceSIP
	for _, iface := range m.Interfaces() {
		out = append(out, m.OnInterface(iface, p))
	}
	if len(out) == 0 {
		// No named interface (none shown, or only blocks without a nameif): the
		// global policy alone governs.
		out = append(out, m.OnInterface("", p))
	}
	return out
}

// FlowInspected reports whether SIP on port p that enters by in and leaves by out is
// inspected: the input interface decides first, then the output interface (SIPOn).
func FlowInspected(in, out InterfaceSIP) bool {
	if in.Decides != nil {
		return in.Inspected()
	}
	return out.Inspected()
}

func (m *Model) verdict(p Port, covs []Coverage) Verdict {
	v := Verdict{Port: p, Coverages: covs}
	for i := range v.Coverages {
		if v.Coverages[i].Inspected() {
			v.Best = &v.Coverages[i]
			break
		}
	}
	return m.settle(v)
}

// settle completes v: the first coverage governs when none was chosen, and the idle
// timeout follows from the one that governs.
func (m *Model) settle(v Verdict) Verdict {
	if v.Best == nil && len(v.Coverages) > 0 {
		v.Best = &v.Coverages[0]
	}
	v.Idle = m.idleOf(v)
	return v
}

// idleOf is the idle timeout under the policy that governs v.
func (m *Model) idleOf(v Verdict) Idle {
	if v.Best != nil {
		return m.IdleFor(v.Best.Applied, v.Port, v.Best.Inspected())
	}
	return m.IdleFor(Applied{}, v.Port, false)
}

// CoverWith evaluates one policy as if it were applied as a.
func (m *Model) CoverWith(a Applied, p Port) Coverage {
	cov := Coverage{Port: p, Applied: a}
	if a.PolicyMap == nil {
		return cov
	}
	for _, c := range orderedClasses(a.PolicyMap) {
		if !c.HasInspect() {
			continue
		}
		r := m.ClassMatches(c, p)
		if r.Assumed != "" && cov.Assumed == "" {
			cov.Assumed = r.Assumed
		}
		if r.Matches {
			cov.Class, cov.Inspect = c, c.Inspect("sip")
			break
		}
	}
	return cov
}
