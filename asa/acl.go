package asa

import (
	"fmt"
	"net/netip"
	"slices"
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
	return boundPorts(o.Op == "neq", lo, hi, make([]portSpan, 0, 2))
}

// boundPorts is the ports lo-hi (neq: all but lo) in buf.
func boundPorts(neq bool, lo, hi int, buf []portSpan) portSet {
	switch {
	case neq:
		return portSet{spans: append(buf[:0], portSpan{0, lo - 1}, portSpan{lo + 1, 65535})}
	case lo > hi:
		return portSet{}
	}
	return portSet{spans: append(buf[:0], portSpan{lo, hi})}
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
	// unread marks a line that could not be read (PARSE001): it may be an entry that
	// decides the flow, either way, and nothing else of it is known.
	unread bool
}

func (a *ace) unknown() []string {
	return append(append(append([]string(nil), a.src.unknown...), a.dst.unknown...), a.svc.unknown...)
}

// compiledACL holds the entries of an access-list compiled so far: an evaluation compiles
// only the entries that may decide its flow (see sketchSkips), up to its first match.
type compiledACL struct {
	acl *parser.AccessList
	// lines holds the compiled lines by index, noACE for a line that is not an active
	// extended entry.
	lines map[int]*ace
	// aces are the active extended entries in order up to line next, for entry.
	aces []*ace
	next int
}

// sketching lets the evaluation read lines from their sketches (parser.ACESketch,
// RouteSketch, ObjectNATSketch) instead of the grammar; the tests turn it off to compare.
var sketching = true

// noACE marks a line that is no entry: unreadable (PARSE001), a remark, not extended, or
// inactive.
var noACE = &ace{}

func (m *Model) compiled(acl *parser.AccessList) *compiledACL {
	c := m.path.acls[acl.Name]
	if c == nil {
		c = &compiledACL{acl: acl, lines: map[int]*ace{}}
		m.path.acls[acl.Name] = c
	}
	return c
}

// line compiles line i with the grammar, once.
func (m *Model) line(c *compiledACL, i int) *ace {
	if a, ok := c.lines[i]; ok {
		return a
	}
	sc := &m.path.scratch
	if sketching && c.acl.Sketch(i, &sc.sketch) {
		return m.lineFrom(c, i, &sc.sketch, nil)
	}
	return m.lineFrom(c, i, nil, c.acl.At(i))
}

// lineFrom compiles line i from its sketch s or, without one, from its parse e (nil when
// it cannot be read).
func (m *Model) lineFrom(c *compiledACL, i int, s *parser.ACESketch, e *parser.ACLEntry) *ace {
	a := noACE
	switch {
	case s != nil:
		// The sketch says what the grammar would: the entry is compiled from it.
		if s.Kind == parser.SketchExtended {
			a = m.sketchACE(i, s)
		}
	case e != nil && e.Extended != nil && !e.Extended.Inactive:
		a = m.compileACE(i, e.Extended)
	case e == nil:
		a = &ace{index: i, unread: true}
	}
	c.lines[i] = a
	return a
}

// sketchKey identifies the services of a sketched entry, shared by the entries that name
// the same protocol and ports.
type sketchKey struct {
	proto        int
	sport, dport parser.SketchPort
}

// sketchACE compiles a sketched entry as compileACE compiles the parsed one.
func (m *Model) sketchACE(i int, s *parser.ACESketch) *ace {
	a := &ace{index: i, permit: s.Permit, src: m.sketchOperand(&s.Src), dst: m.sketchOperand(&s.Dst)}
	key := sketchKey{s.Protocol, s.SrcPort, s.DstPort}
	if a.svc = m.path.sketched[key]; a.svc == nil {
		a.svc = &services{alts: []service{{proto: protoNames[s.Protocol], sport: sketchPorts(s.SrcPort, nil), dport: sketchPorts(s.DstPort, nil)}}}
		m.path.sketched[key] = a.svc
	}
	return a
}

// sketchOperand is operandSet for a sketched address argument.
func (m *Model) sketchOperand(a *parser.SketchAddr) *addrSet {
	var set addrSet
	var buf [1]span
	s := m.sketchSet(a, &set, &buf)
	if s != &set {
		return s
	}
	if shared, ok := m.path.spanSets[buf[0]]; ok {
		return shared
	}
	s = &addrSet{spans: spans{buf[0]}}
	m.path.spanSets[buf[0]] = s
	return s
}

// entry returns the k-th active extended entry or line that could not be read,
// compiling lines as needed; nil after the last.
func (m *Model) entry(c *compiledACL, k int) *ace {
	for len(c.aces) <= k && c.next < c.acl.Len() {
		i := c.next
		c.next++
		if a := m.line(c, i); a != noACE {
			c.aces = append(c.aces, a) // a line that could not be read too (ace.unread)
		}
	}
	if k < len(c.aces) {
		return c.aces[k]
	}
	return nil
}

// sketchScratch holds the entry sketchSkips builds, reused so that passing over an entry
// allocates nothing.
type sketchScratch struct {
	sketch       parser.ACESketch
	sport, dport [2]portSpan
	src, dst     addrSet
	srcSpan      [1]span
	dstSpan      [1]span
	alt          [1]service
	svc          services
	ace          ace
}

// protoNames are protoName of each protocol number.
var protoNames = func() (names [256]string) {
	for n := range names {
		names[n] = protoName(strconv.Itoa(n))
	}
	return names
}()

// sketchSkips reports whether the entry on line i, sketched in sc.sketch, passes over rest
// in evalChain (no decision, not even a conditional one), so that it need not be
// compiled. It notes source ports as evalChain does, and resolves the objects the entry
// names only as far as the decision needs them: the service first, then the provider's
// side, then the clients'.
func (m *Model) sketchSkips(acl *parser.AccessList, i int, sc *sketchScratch, q aclQuery, rest spans) bool {
	s := &sc.sketch
	sketchService(s, &sc.svc, &sc.alt, &sc.sport, &sc.dport)
	if q.sportSeen != nil && !*q.sportSeen && sc.svc.sportRestricted() {
		*q.sportSeen = true
	}
	if _, some := sc.svc.matches(q.port, q.sport, q.dport); !some {
		return true
	}
	fixed, vary := &s.Dst, &s.Src
	fixedSet, fixedSpan, varySet, varySpan := &sc.dst, &sc.dstSpan, &sc.src, &sc.srcSpan
	if q.varyDst {
		fixed, vary = vary, fixed
		fixedSet, fixedSpan, varySet, varySpan = varySet, varySpan, fixedSet, fixedSpan
	}
	if q.v6 == nil && fixed.Group != nil && summaries {
		// Most entries name groups without the provider: that is answered from the
		// parse's summary without building the group's set.
		if r := fixed.GroupRef; r.Summarised(true) {
			if has, known := m.netHas(r, q.fixed); known && !has {
				return true
			}
		}
	}
	f := m.sketchSet(fixed, fixedSet, fixedSpan)
	if !q.hasFixed(f) && len(f.unknown) == 0 {
		return true
	}
	v := m.sketchSet(vary, varySet, varySpan)
	src, dst := v, f
	if q.varyDst {
		src, dst = f, v
	}
	sc.ace = ace{index: i, permit: s.Permit, src: src, dst: dst, svc: &sc.svc}
	_, decides := m.consider(acl, &sc.ace, q, rest)
	return !decides
}

// sketchService writes the service of sketch s into svc, with alt and the port buffers.
func sketchService(s *parser.ACESketch, svc *services, alt *[1]service, sport, dport *[2]portSpan) {
	alt[0] = service{proto: protoNames[s.Protocol], sport: sketchPorts(s.SrcPort, sport[:]), dport: sketchPorts(s.DstPort, dport[:])}
	*svc = services{alts: alt[:]}
}

func sketchPorts(p parser.SketchPort, buf []portSpan) portSet {
	if p.Op == "" {
		return anyPort
	}
	lo, hi := p.Bounds()
	return boundPorts(p.Op == "neq", lo, hi, buf)
}

// sketchSet is the address set of a sketched argument, as operandSet resolves it; a
// literal is written into set and buf.
func (m *Model) sketchSet(a *parser.SketchAddr, set *addrSet, buf *[1]span) *addrSet {
	if s, ok := literalSet(a, set, buf); ok {
		return s
	}
	switch {
	case a.Object != nil:
		// A summarised object is written into set, as a literal is, allocating nothing.
		if s, ok := m.netObjectSet(string(a.Object), set, buf); ok {
			return s
		}
		return m.objectSet(string(a.Object))
	case a.Group != nil:
		if r := a.GroupRef; r.Summarised(true) && summaries {
			if s, ok := m.netGroupSet(m.aclPaths(), r); ok {
				return s
			}
		}
		return m.groupSet(string(a.Group))
	}
	panic("unreachable: literalSet reads every other argument")
}

// literalSet is sketchSet of "any", "any4", "any6" or an address literal, which need
// nothing of the model; false for an object or object-group.
func literalSet(a *parser.SketchAddr, set *addrSet, buf *[1]span) (*addrSet, bool) {
	switch {
	case a.Any == "any":
		return anySet, true
	case a.Any == "any4":
		return any4Set, true
	case a.Any == "any6":
		return any6Set, true
	case a.Object != nil || a.Group != nil:
		return nil, false
	}
	buf[0] = prefixSpan(a.Prefix)
	*set = addrSet{spans: buf[:]}
	return set, true
}

func (m *Model) compileACE(i int, e *parser.ExtendedACE) *ace {
	a := &ace{index: i, permit: e.Action != "deny", src: m.operandSet(e.Src), dst: m.operandSet(e.Dst), timeRange: e.TimeRange}
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
	// Unread is set, with Cond, for a line that could not be read (PARSE001): it may
	// permit or deny, and Permit says nothing.
	Unread bool
}

// unreadCond is the condition of a line that could not be read.
const unreadCond = "asaaudit could not read the line (PARSE001), so what it does is not known"

// Num returns the file line number of the matched entry (0 for the implicit deny).
func (h *ACLHit) Num() int {
	if h.ACL == nil {
		return 0
	}
	return h.ACL.Num(h.Line)
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
//
// The flows of the other audited ports (Audits) meet the same lists with the same
// clients: their queries ride along in the same walk, and their decisions wait in
// chainHits until they are asked for, so that each line is read and sketched once. The
// way back (varyDst) is walked alone: it is evaluated only for a flow that gets out, and
// a port's flow is evaluated whole before the next port's, so a ride-along there would
// be paid for flows that may never be let out (on the 1M-line benchmark, tcp/5060 is not).
func (m *Model) evalChain(chain []*parser.AccessList, q aclQuery) []ACLHit {
	if q.v6 != nil || q.varyDst || len(m.path.audited) < 2 {
		return m.walkChain(chain, []aclQuery{q})[0]
	}
	key := chainKey(chain, q)
	if r, ok := m.path.chainHits[key]; ok {
		delete(m.path.chainHits, key)
		if r.sportSeen && q.sportSeen != nil {
			*q.sportSeen = true
		}
		return r.hits
	}
	qs, keys := []aclQuery{q}, []string{key}
	seen := make([]bool, len(m.path.audited))
	for k, p := range m.path.audited {
		s := q
		s.port, s.dport = p, p.Number
		if q.sport == (portSpan{q.dport, q.dport}) {
			s.sport = portSpan{p.Number, p.Number} // the phones send from the SIP port
		}
		sk := chainKey(chain, s)
		if _, pending := m.path.chainHits[sk]; pending || slices.Contains(keys, sk) {
			continue
		}
		s.sportSeen = &seen[k]
		qs, keys = append(qs, s), append(keys, sk)
	}
	hits := m.walkChain(chain, qs)
	for k := 1; k < len(qs); k++ {
		m.path.chainHits[keys[k]] = chainResult{hits: hits[k], sportSeen: *qs[k].sportSeen}
	}
	return hits[0]
}

// chainResult is what evalChain found for a query ahead of its ask.
type chainResult struct {
	hits      []ACLHit
	sportSeen bool
}

// chainKey identifies an IPv4 query on a chain of access-lists.
func chainKey(chain []*parser.AccessList, q aclQuery) string {
	b := make([]byte, 0, 64)
	for _, acl := range chain {
		b = fmt.Appendf(b, "%p,", acl)
	}
	b = fmt.Appendf(b, "|%v|%d|%v|%s|%d-%d|%d", q.vary, q.fixed, q.varyDst, q.port, q.sport.lo, q.sport.hi, q.dport)
	return string(b)
}

// walkChain evaluates the queries qs on chain in one walk over its lines: a line is
// sketched (or compiled) once, then considered for each query whose clients are not
// all decided yet.
func (m *Model) walkChain(chain []*parser.AccessList, qs []aclQuery) [][]ACLHit {
	hits := make([][]ACLHit, len(qs))
	rests := make([]spans, len(qs))
	open := 0
	for k, q := range qs {
		if rests[k] = q.vary; len(rests[k]) > 0 {
			open++
		}
	}
	sc := &m.path.scratch
	for _, acl := range chain {
		c := m.compiled(acl)
		ahead := m.aheadFor(acl, qs)
		for i := 0; i < acl.Len() && open > 0; i++ {
			a := c.lines[i]
			// sketched is 1 when sc.sketch holds line i, -1 when the line has no sketch,
			// 2 when only what was read ahead of it is known (bits).
			sketched := 0
			var bits uint8
			for k := range qs {
				rest := rests[k]
				if len(rest) == 0 {
					continue
				}
				if a == nil {
					// An entry the sketch shows cannot decide the flow is passed over
					// without the grammar.
					if sketched == 0 {
						sketched = -1
						if bits = ahead.lineBits(i); bits&aheadSketched != 0 {
							sketched = 2
						} else if sketching && acl.Sketch(i, &sc.sketch) {
							sketched = 1
						}
					}
					if sketched == 2 {
						// What was read ahead says whether the line passes over query k as
						// sketchSkips would; if not, the line is sketched here.
						if bits&aheadRemark != 0 {
							continue
						}
						if bits&aheadSport != 0 && qs[k].sportSeen != nil {
							*qs[k].sportSeen = true
						}
						if bits&(aheadSkip<<k) != 0 {
							continue
						}
						sketched = -1
						if acl.Sketch(i, &sc.sketch) {
							sketched = 1
						}
					}
					if sketched == 1 && (sc.sketch.Kind == parser.SketchRemark || m.sketchSkips(acl, i, sc, qs[k], rest)) {
						continue
					}
					if sketched == 1 {
						a = m.lineFrom(c, i, &sc.sketch, nil) // the sketch the walk has, not a second
					} else {
						a = m.lineFrom(c, i, nil, acl.At(i))
					}
				}
				if a == noACE {
					continue
				}
				if a.unread {
					// What the line does is not known: the verdict depends on it, as on
					// an entry that applies only under a condition.
					hits[k] = append(hits[k], ACLHit{ACL: acl, Line: i, Addrs: rest, Cond: unreadCond, Unread: true})
					continue
				}
				hit, ok := m.consider(acl, a, qs[k], rest)
				if !ok {
					continue
				}
				hits[k] = append(hits[k], hit)
				if hit.Cond == "" {
					if rests[k] = rest.subtract(hit.Addrs); len(rests[k]) == 0 {
						open--
					}
				}
			}
		}
		ahead.stop()
	}
	for k, rest := range rests {
		if len(rest) > 0 {
			hits[k] = append(hits[k], ACLHit{Addrs: rest})
		}
	}
	return hits
}

// consider returns what entry a of acl decides for rest (the part of q's clients no entry
// above decided), with Cond when it decides only under a condition; false when it
// passes over them.
func (m *Model) consider(acl *parser.AccessList, a *ace, q aclQuery, rest spans) (ACLHit, bool) {
	if q.sportSeen != nil && !*q.sportSeen && a.svc.sportRestricted() {
		*q.sportSeen = true
	}
	all, some := a.svc.matches(q.port, q.sport, q.dport)
	if !some && len(a.svc.unknown) == 0 {
		return ACLHit{}, false
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
			return ACLHit{}, false
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
			return ACLHit{}, false
		default:
			hit = rest
			why = append(why, vary.unknown...)
		}
	}
	if a.timeRange != "" {
		why = append(why, fmt.Sprintf("it is active only during time-range %s", a.timeRange))
	}
	if len(why) > 0 {
		return ACLHit{ACL: acl, Line: a.index, Permit: a.permit, Addrs: hit, Cond: strings.Join(why, "; ")}, true
	}
	return ACLHit{ACL: acl, Line: a.index, Permit: a.permit, Addrs: hit}, true
}
