package asa

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/asaaudit/asaaudit/parser"
)

// portSpan is an inclusive range of ports.
type portSpan struct{ lo, hi int }

// portSet is the ports an argument matches; any matches every port.
type portSet struct {
	any   bool
	spans []portSpan
}

var anyPort = portSet{any: true}

func (s portSet) has(port int) bool {
	if s.any {
		return true
	}
	for _, p := range s.spans {
		if p.lo <= port && port <= p.hi {
			return true
		}
	}
	return false
}

// cover reports whether the ports lo-hi, but port skip, are all in s, and whether some
// are.
func (s portSet) cover(lo, hi, skip int) (all, some bool) {
	if s.any {
		return true, true
	}
	if lo == hi {
		in := s.has(lo)
		return in, in
	}
	// Walk up from lo through the spans that hold the next port; the spans may overlap
	// and are few, so a scan per step is enough.
	next := lo
	for moved := true; moved && next <= hi; {
		moved = false
		if next == skip {
			next, moved = next+1, true
		}
		for _, p := range s.spans {
			if p.lo <= next && next <= p.hi {
				next, moved = p.hi+1, true
			}
		}
	}
	if next > hi {
		return true, true
	}
	for _, p := range s.spans {
		if p.lo <= hi && lo <= p.hi && !(p.lo == skip && p.hi == skip) {
			return false, true
		}
	}
	return false, false
}

func (s *portSet) add(o portSet) {
	s.any = s.any || o.any
	s.spans = append(s.spans, o.spans...)
}

func opPorts(o *parser.PortOp) portSet {
	lo, hi := o.Bounds()
	switch {
	case o.Op == "neq":
		return portSet{spans: []portSpan{{0, lo - 1}, {lo + 1, 65535}}}
	case lo > hi:
		return portSet{}
	}
	return portSet{spans: []portSpan{{lo, hi}}}
}

// service is one protocol with the source and destination ports it matches.
type service struct {
	proto        string // "ip" (every protocol), "tcp", "udp", "tcp-udp", or another protocol
	sport, dport portSet
}

// matches reports whether the service matches every source port of sport (all) and
// whether it matches some of them.
func (s service) matches(p Port, sport portSpan, dport int) (all, some bool) {
	// The phones' ephemeral port is never the SIP port they send to.
	switch s.proto {
	case "ip":
		return true, true
	case "tcp-udp", p.Proto:
	default:
		return false, false
	}
	if !s.dport.has(dport) {
		return false, false
	}
	return s.sport.cover(sport.lo, sport.hi, dport)
}

// services is what the protocol and port arguments of an entry match: any of alts.
type services struct {
	alts    []service
	unknown []string
}

func (s *services) matches(p Port, sport portSpan, dport int) (all, some bool) {
	for _, a := range s.alts {
		al, so := a.matches(p, sport, dport)
		if al {
			return true, true
		}
		some = some || so
	}
	return false, some
}

// sportRestricted reports whether some alternative names source ports: only then can
// the phones' source port change what the entry does.
func (s *services) sportRestricted() bool {
	for _, a := range s.alts {
		if a.proto != "ip" && !a.sport.any {
			return true
		}
	}
	return false
}

// protoName normalises a protocol as written (a name or a number) to the name the flow
// ports use ("tcp", "udp"), or "ip" for protocol 0.
func protoName(s string) string {
	n, ok := parser.ProtocolNumber(s)
	switch {
	case !ok:
		return s
	case n == 0:
		return "ip"
	case n == 6:
		return "tcp"
	case n == 17:
		return "udp"
	}
	return strconv.Itoa(n)
}

// specService resolves the protocol and ports of an "object service" or a
// "service-object" line.
func (m *Model) specService(spec *parser.ServiceSpec, depth int) *services {
	if spec.Object != "" {
		return m.serviceObject(spec.Object, depth+1)
	}
	svc := service{proto: spec.Protocol, sport: anyPort, dport: anyPort}
	if svc.proto != "tcp-udp" {
		svc.proto = protoName(spec.Protocol)
	}
	if spec.Source != nil {
		svc.sport = opPorts(spec.Source)
	}
	if spec.Destination != nil {
		svc.dport = opPorts(spec.Destination)
	}
	return &services{alts: []service{svc}}
}

// serviceObject resolves "object service NAME".
func (m *Model) serviceObject(name string, depth int) *services {
	o := m.aclPaths().Object(name)
	switch {
	case o == nil:
		return &services{unknown: []string{fmt.Sprintf("object %s is not defined", name)}}
	case o.Service == nil || depth > 8:
		return &services{unknown: []string{fmt.Sprintf("object %s is not a service object", name)}}
	}
	return m.specService(o.Service, depth)
}

// serviceGroup resolves an object-group used as the protocol of an entry: a protocol
// group or a group of service-objects, with nested groups.
func (m *Model) serviceGroup(name string, visiting map[string]bool) *services {
	out := &services{}
	g := m.aclPaths().ObjectGroup(name)
	switch {
	case g == nil:
		out.unknown = append(out.unknown, fmt.Sprintf("object-group %s is not defined", name))
		return out
	case visiting[name]:
		out.unknown = append(out.unknown, fmt.Sprintf("object-group %s contains itself", name))
		return out
	}
	visiting[name] = true
	defer delete(visiting, name)
	for _, p := range g.Protocols {
		out.alts = append(out.alts, service{proto: protoName(p.Protocol), sport: anyPort, dport: anyPort})
	}
	for _, s := range g.Services {
		sub := m.specService(s.Service, 0)
		out.alts = append(out.alts, sub.alts...)
		out.unknown = append(out.unknown, sub.unknown...)
	}
	if g.Protocol != "" {
		// A port group used as a protocol: its protocol with its ports.
		ports := m.portGroup(name, map[string]bool{})
		out.alts = append(out.alts, service{proto: g.Protocol, sport: anyPort, dport: ports})
	}
	for _, sub := range g.Groups {
		s := m.serviceGroup(sub.Group, visiting)
		out.alts = append(out.alts, s.alts...)
		out.unknown = append(out.unknown, s.unknown...)
	}
	return out
}

// portGroup resolves a service object-group used as a port argument ("object-group
// service NAME udp" with port-objects, or service-objects), with nested groups.
func (m *Model) portGroup(name string, visiting map[string]bool) portSet {
	var out portSet
	g := m.aclPaths().ObjectGroup(name)
	if g == nil || visiting[name] {
		return out
	}
	visiting[name] = true
	defer delete(visiting, name)
	for _, p := range g.Ports {
		out.add(opPorts(p.Port))
	}
	for _, s := range g.Services {
		if s.Service.Destination != nil {
			out.add(opPorts(s.Service.Destination))
		} else if s.Service.Object == "" {
			out.add(anyPort)
		}
	}
	for _, sub := range g.Groups {
		out.add(m.portGroup(sub.Group, visiting))
	}
	return out
}

// operandPorts resolves a port argument (nil: any port).
func (m *Model) operandPorts(o *parser.Operand) portSet {
	switch {
	case o == nil:
		return anyPort
	case o.Port != nil:
		return opPorts(o.Port)
	}
	if s, ok := m.path.ports[o.Group]; ok {
		return s
	}
	s := m.portGroup(o.Group, map[string]bool{})
	m.path.ports[strings.Clone(o.Group)] = s // a clone: the name is part of the entry's line
	return s
}

// ace is an access-list entry in the form the evaluation uses.
type ace struct {
	index    int // the line of the access-list
	permit   bool
	src, dst *addrSet
	svc      *services
	// timeRange names the time-range the entry is active in ("" when always).
	timeRange string
}

func (a *ace) unknown() []string {
	return append(append(append([]string(nil), a.src.unknown...), a.dst.unknown...), a.svc.unknown...)
}

// compiledACL holds the entries of an access-list compiled so far: an evaluation reads
// the lines only until its first match.
type compiledACL struct {
	acl  *parser.AccessList
	aces []*ace
	next int // the next line to compile
}

func (m *Model) compiled(acl *parser.AccessList) *compiledACL {
	c := m.path.acls[acl.Name]
	if c == nil {
		c = &compiledACL{acl: acl}
		m.path.acls[acl.Name] = c
	}
	return c
}

// entry returns the k-th active extended entry, compiling lines as needed; nil after
// the last.
func (m *Model) entry(c *compiledACL, k int) *ace {
	for len(c.aces) <= k && c.next < c.acl.Len() {
		i := c.next
		c.next++
		e := c.acl.At(i)
		if e == nil || e.Extended == nil || e.Extended.Inactive {
			continue // unreadable (PARSE001), a remark, not extended, or inactive
		}
		c.aces = append(c.aces, m.compileACE(i, e.Extended))
	}
	if k < len(c.aces) {
		return c.aces[k]
	}
	return nil
}

func (m *Model) compileACE(i int, e *parser.ExtendedACE) *ace {
	a := &ace{index: i, permit: e.Action == "permit", src: m.operandSet(e.Src), dst: m.operandSet(e.Dst), timeRange: e.TimeRange}
	pr := e.Protocol
	switch {
	case pr.Obj != "":
		a.svc = m.serviceObject(pr.Obj, 0)
	case pr.Group != "":
		a.svc = m.path.services[pr.Group]
		if a.svc == nil {
			a.svc = m.serviceGroup(pr.Group, map[string]bool{})
			m.path.services[strings.Clone(pr.Group)] = a.svc
		}
		if m.aclPaths().GroupKind(pr.Group) == "protocol" {
			// A protocol group takes the entry's own port arguments.
			svc := &services{unknown: a.svc.unknown}
			for _, alt := range a.svc.alts {
				alt.sport, alt.dport = m.operandPorts(e.SrcPort), m.operandPorts(e.DstPort)
				svc.alts = append(svc.alts, alt)
			}
			a.svc = svc
		}
	default:
		key := protoName(pr.Name) + "|" + portKey(e.SrcPort) + "|" + portKey(e.DstPort)
		if a.svc = m.path.simple[key]; a.svc == nil {
			a.svc = &services{alts: []service{{proto: strings.Clone(protoName(pr.Name)), sport: m.operandPorts(e.SrcPort), dport: m.operandPorts(e.DstPort)}}}
			m.path.simple[key] = a.svc
		}
	}
	return a
}

// portKey writes a port argument for sharing the services of entries that have the same.
func portKey(o *parser.Operand) string {
	switch {
	case o == nil:
		return ""
	case o.Port != nil:
		return o.Port.String()
	}
	return "object-group " + o.Group
}

// ACLHit is the decision of an access-list, or of the rule that applies without one, for
// part of a flow.
type ACLHit struct {
	// ACL and Line (the entry's index in it) name the entry that matched; ACL is nil for
	// the implicit deny at the end.
	ACL    *parser.AccessList
	Line   int
	Permit bool
	// Addrs is the part of the varying side (the clients) the decision covers.
	Addrs spans
	// Cond is set when the entry decides the flow only if something the audit cannot
	// know holds (a time-range is active, an FQDN resolves to the address, the phones'
	// source port is one the entry names): the evaluation goes on past it, as the ASA
	// does when it does not hold, and the verdict says it depends on it.
	Cond string
}

// Source returns the file line number and text of the matched entry (0 and "" for the
// implicit deny).
func (h ACLHit) Source() (int, string) {
	if h.ACL == nil {
		return 0, ""
	}
	return h.ACL.Line(h.Line)
}

// Ephemeral is the source ports of phones that do not send from the SIP port: the
// ports an operating system hands out for outgoing connections.
var Ephemeral = portSpan{1024, 65535}

// aclQuery is a flow with one side varying over a set of addresses.
type aclQuery struct {
	vary    spans // the clients
	fixed   uint32
	varyDst bool // the clients are the destination (a flow from the provider)
	port    Port
	sport   portSpan
	dport   int
	// sportSeen, when set, is set to true when an entry that names source ports is
	// consulted: only then can another source port change the verdict.
	sportSeen *bool
	// v6, for an IPv6 flow, projects the clients onto vary (v6view); fixed6 is then the
	// provider.
	v6     *v6view
	fixed6 netip.Addr
}

// query is the access query of flow f from the clients (the varying side) to the
// provider, the phones sending from sport.
func query(f Flow, sport portSpan) aclQuery {
	q := aclQuery{port: f.Port, sport: sport, dport: f.Port.Number}
	if f.Clients.Addr().Is6() {
		q.v6, q.fixed6 = newV6View(f.Clients), f.Provider
		q.vary = spans{q.v6.all()}
		return q
	}
	q.vary, q.fixed = spans{prefixSpan(f.Clients)}, u32(f.Provider)
	return q
}

// hasFixed reports whether set holds the fixed side of the query (the provider).
func (q *aclQuery) hasFixed(set *addrSet) bool {
	if q.v6 != nil {
		return set.has6(q.fixed6)
	}
	return set.spans.contains(q.fixed)
}

// varying returns the part of set on the varying side, and (IPv6) the part only partly
// known.
func (q *aclQuery) varying(set *addrSet) (spans, spans) {
	if q.v6 != nil {
		return q.v6.project(set.v6)
	}
	return set.spans, nil
}

// str writes a part of the varying side as addresses.
func (q *aclQuery) str(ss spans) string {
	if q.v6 != nil {
		return q.v6.String(ss)
	}
	return ss.String()
}

// evalChain runs access-lists in order (an interface's, then the global one) and the
// implicit deny after the last, first match wins. It returns the decisions that split the
// varying side, the conditional ones included (Cond).
func (m *Model) evalChain(chain []*parser.AccessList, q aclQuery) []ACLHit {
	var hits []ACLHit
	rest := q.vary
	for _, acl := range chain {
		c := m.compiled(acl)
		for k := 0; len(rest) > 0; k++ {
			a := m.entry(c, k)
			if a == nil {
				break
			}
			if q.sportSeen != nil && !*q.sportSeen && a.svc.sportRestricted() {
				*q.sportSeen = true
			}
			all, some := a.svc.matches(q.port, q.sport, q.dport)
			if !some && len(a.svc.unknown) == 0 {
				continue
			}
			fixed, vary := a.dst, a.src
			if q.varyDst {
				fixed, vary = a.src, a.dst
			}
			var why []string
			if !all {
				if some {
					why = append(why, fmt.Sprintf("the phones' source port must be one the entry names (it matches only some of %d-%d)", q.sport.lo, q.sport.hi))
				}
				why = append(why, a.svc.unknown...)
			}
			if !q.hasFixed(fixed) {
				if len(fixed.unknown) == 0 {
					continue
				}
				why = append(why, fixed.unknown...)
			}
			exact, partial := q.varying(vary)
			hit := rest.intersect(exact)
			if len(hit) == 0 {
				part := rest.intersect(partial)
				switch {
				case len(part) > 0:
					hit = part
					why = append(why, "the entry names only some of the IPv6 addresses of "+q.str(part))
				case len(vary.unknown) == 0:
					continue
				default:
					hit = rest
					why = append(why, vary.unknown...)
				}
			}
			if a.timeRange != "" {
				why = append(why, fmt.Sprintf("it is active only during time-range %s", a.timeRange))
			}
			if len(why) > 0 {
				hits = append(hits, ACLHit{ACL: acl, Line: a.index, Permit: a.permit, Addrs: hit, Cond: strings.Join(why, "; ")})
				continue
			}
			hits = append(hits, ACLHit{ACL: acl, Line: a.index, Permit: a.permit, Addrs: hit})
			rest = rest.subtract(hit)
		}
	}
	if len(rest) > 0 {
		hits = append(hits, ACLHit{Addrs: rest})
	}
	return hits
}
