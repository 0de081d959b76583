package asa

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/asaaudit/asaaudit/parser"
)

// Translation is what NAT does to the clients' source address on the way out.
type Translation struct {
	// Kind is "dynamic PAT", "dynamic NAT", "static" or "identity" (a rule that keeps the
	// address: twice NAT "static any any", object NAT to itself, "nat (IF) 0").
	Kind string
	// Mapped says what the address becomes ("the address of interface outside,
	// 198.51.100.2", "198.51.100.9", "object pool").
	Mapped string
	Config []ConfigLine
	// Partial is set when the rule holds only some of the clients.
	Partial bool
	// Port is set for a static translation of one port (static PAT): the real port.
	Port int
	// inbound is, for a static of 8.2 and earlier, the mapped addresses of the clients:
	// what an access-list must permit for connections from outside.
	inbound spans
}

// Translates reports whether the source address is rewritten.
func (t *Translation) Translates() bool { return t != nil && t.Kind != "identity" }

// Dynamic reports whether the translation exists only while connections use it.
func (t *Translation) Dynamic() bool { return t != nil && strings.HasPrefix(t.Kind, "dynamic") }

// natRule is an 8.3+ NAT rule (object or twice NAT) in evaluation order.
type natRule struct {
	section  int // 1 twice NAT, 2 object NAT static, 3 object NAT dynamic, 4 after-auto twice NAT
	size     uint64
	name     string
	realIf   string
	mappedIf string
	real     *addrSet
	// realWord and target are the real and mapped arguments as written.
	realWord string
	mapped   *parser.NATMapped
	dest     *addrSet // twice NAT "destination static MAPPED REAL": the mapped side; nil for any
	// destWord is the mapped side of a twice NAT destination as written; pending is set
	// while real and dest of a twice NAT rule are not resolved yet (resolve).
	destWord string
	pending  bool
	// objIndex is 1 + the index in ObjectNAT of an object NAT rule whose line is not read
	// yet (parseObjectNAT), else 0.
	objIndex int
	kind     string // "static" or "dynamic"
	// unidirectional statics and dynamic rules do not admit connections from outside.
	unidirectional bool
	service        *parser.NATService
	config         ConfigLine
}

// objectNATLine takes the rest of object NAT rule r from its line n.
func (m *Model) objectNATLine(r *natRule, n *parser.ObjectNAT) {
	r.name, r.realWord, r.mapped, r.config = n.Object, n.Object, n.Mapped, ConfigLine{n.Pos.Line, n.Source}
	for _, o := range n.Options {
		r.service = cmp.Or(o.Service, r.service)
		r.unidirectional = r.unidirectional || o.Flag == "unidirectional"
	}
}

// parseObjectNAT reads the line of an object NAT rule natRules took from its sketch;
// false when it cannot be read (which is reported), and the rule is passed over.
func (m *Model) parseObjectNAT(r *natRule) bool {
	if r.objIndex == 0 {
		return r.mapped != nil
	}
	n := m.Config.Paths.ObjectNAT.At(r.objIndex - 1)
	r.objIndex = 0
	if n == nil {
		return false
	}
	m.objectNATLine(r, n)
	return true
}

// resolve resolves the arguments of a twice NAT rule, once.
func (m *Model) resolve(r *natRule) {
	if !r.pending {
		return
	}
	r.pending = false
	r.real = m.wordSet(r.realWord)
	if r.destWord != "" {
		r.dest = m.wordSet(r.destWord)
	}
}

// mayHold reports whether the NAT argument w, as wordSet resolves it, may hold an address
// in [lo, hi]: false only when the parse's summary of the object or object-group it names
// says it holds none.
func (m *Model) mayHold(w string, lo, hi uint32) bool {
	ps := m.Config.Paths
	if !summaries || w == "any" {
		return true
	}
	if ps.ObjectKind(w) != "" {
		r, ok := ps.NetObject(w)
		if !ok {
			return true
		}
		vlo, vhi, value := r.Span()
		return value && vlo <= hi && lo <= vhi
	}
	if r, ok := ps.NetGroup(w); ok {
		has, known := m.netHasSpan(r, lo, hi)
		return has || !known
	}
	return true
}

// wordSet resolves a NAT argument: "any", an address or name, an object or a group.
func (m *Model) wordSet(w string) *addrSet {
	ps := m.Config.Paths
	switch {
	case w == "any":
		return &addrSet{spans: spans{allV4}}
	case ps.ObjectKind(w) != "":
		return m.objectSet(w)
	case ps.GroupKind(w) != "":
		return m.groupSet(w)
	}
	if ip, ok := ps.Resolve(w); ok && ip.Is4() {
		return &addrSet{spans: spans{hostSpan(ip)}}
	}
	return &addrSet{unknown: []string{fmt.Sprintf("%s is not a defined object, group, name or address", w)}}
}

func setSize(s *addrSet) uint64 {
	var n uint64
	for _, sp := range s.spans {
		n += uint64(sp.hi-sp.lo) + 1
	}
	return n
}

// natRules compiles the 8.3+ NAT rules that may apply to traffic from interface in to
// interface out, in the order the ASA evaluates them: twice NAT, then object NAT (static
// before dynamic; fewer addresses first, then lower address, then name), then twice NAT
// after-auto. The rules of other interfaces are passed over from their text, unread.
func (m *Model) natRules(in, out *ifaceInfo) []*natRule {
	key := [2]string{in.name, out.name}
	if rules, ok := m.path.nat[key]; ok {
		return rules
	}
	ps := m.Config.Paths
	other := func(real, mapped []byte) bool {
		return real != nil && string(real) != "any" && !in.named(string(real)) || mapped != nil && string(mapped) != "any" && !out.named(string(mapped))
	}
	// otherPair is other for the interfaces the parse read ahead ("" for none): a rule
	// of other interfaces is passed over without reading its line.
	pairOther := func(twice bool, i int) bool {
		real, mapped, known := ps.NATPair(twice, i)
		return known && (real != "" && real != "any" && !in.named(real) || mapped != "" && mapped != "any" && !out.named(mapped))
	}
	otherPair := func(twice bool, i int) bool { return sketching && pairOther(twice, i) }
	// unread notes NAT line i (twice: of NAT, else of ObjectNAT) that could not be read,
	// unless what can be read of its interfaces shows that it applies to others: with
	// the shortcuts above or without, the same lines are noted.
	unread := func(twice bool, i int) {
		if pairOther(twice, i) {
			return
		}
		if twice {
			if real, mapped, ok := ps.TwiceIfaces(i); ok && other(real, mapped) {
				return
			}
			m.path.unread.Add("nat", ps.NAT.Num(i))
			return
		}
		if real, mapped, _, ok := ps.ObjectNATSketch(i); ok && other(real, mapped) {
			return
		}
		m.path.unread.Add("nat", ps.ObjectNAT.Num(i))
	}
	rules := []*natRule{}
	for i := range ps.ObjectNAT.Len() {
		if otherPair(false, i) {
			continue
		}
		real, mapped, static, ok := ps.ObjectNATSketch(i)
		if sketching && ok {
			if other(real, mapped) {
				continue
			}
			// What the order needs (the kind, the object's addresses) is known without
			// parsing the line, which is read when a flow reaches the rule (parseObjectNAT).
			name := ps.ObjectNATOf(i)
			r := &natRule{section: 3, name: name, realIf: cmp.Or(string(real), "any"), mappedIf: cmp.Or(string(mapped), "any"), real: m.objectSet(name),
				realWord: name, kind: "dynamic", objIndex: i + 1}
			if static {
				r.section, r.kind = 2, "static"
			}
			r.size = setSize(r.real)
			rules = append(rules, r)
			continue
		}
		n := ps.ObjectNAT.At(i)
		if n == nil {
			unread(false, i)
			continue
		}
		r := &natRule{section: 3, realIf: cmp.Or(n.Ifaces.Real, "any"), mappedIf: cmp.Or(n.Ifaces.Mapped, "any"), real: m.objectSet(n.Object),
			kind: n.Kind}
		m.objectNATLine(r, n)
		if n.Kind == "static" {
			r.section = 2
		}
		r.size = setSize(r.real)
		rules = append(rules, r)
	}
	for i := range ps.NAT.Len() {
		if otherPair(true, i) {
			continue
		}
		if real, mapped, ok := ps.TwiceIfaces(i); sketching && ok && other(real, mapped) {
			continue
		}
		n := ps.NAT.At(i)
		if n == nil {
			unread(true, i)
		}
		if n == nil || n.Twice == nil {
			continue
		}
		t := n.Twice
		// Twice NAT keeps its order (the sort below does not look at its sets): its
		// arguments are resolved when a flow reaches the rule, most of them never.
		r := &natRule{section: 1, realIf: cmp.Or(n.Ifaces.Real, "any"), mappedIf: cmp.Or(n.Ifaces.Mapped, "any"), pending: true,
			realWord: t.Src.Real, mapped: t.Src.Mapped, kind: t.Src.Kind, config: ConfigLine{n.Pos.Line, n.Source}}
		if t.AfterAuto {
			r.section = 4
		}
		if t.Destination != nil {
			r.destWord = t.Destination.Mapped
		}
		inactive := false
		for _, o := range t.Options {
			r.unidirectional = r.unidirectional || o.Flag == "unidirectional"
			inactive = inactive || o.Flag == "inactive"
		}
		if !inactive {
			rules = append(rules, r)
		}
	}
	slices.SortStableFunc(rules, func(a, b *natRule) int {
		if c := cmp.Compare(a.section, b.section); c != 0 || a.section == 1 || a.section == 4 {
			return c
		}
		if c := cmp.Compare(a.size, b.size); c != 0 {
			return c
		}
		var la, lb uint32
		if len(a.real.spans) > 0 && len(b.real.spans) > 0 {
			la, lb = a.real.spans[0].lo, b.real.spans[0].lo
		}
		if c := cmp.Compare(la, lb); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	m.path.nat[key] = rules
	return rules
}

// legacyNAT reports whether the configuration uses the NAT commands of ASA 8.2 and
// earlier: by its version when the header gives one, else by the commands it holds.
func (m *Model) legacyNAT() bool {
	var major, minor int
	if _, err := fmt.Sscanf(m.Config.Version, "%d.%d", &major, &minor); err == nil {
		return major < 8 || major == 8 && minor < 3
	}
	ps := m.Config.Paths
	if ps.Globals.Len() > 0 || ps.Statics.Len() > 0 {
		return true
	}
	for i := range ps.NAT.Len() {
		if n := ps.NAT.At(i); n != nil && n.Legacy != nil {
			return true
		}
	}
	return false
}

// translate finds the NAT rule that applies to the clients leaving ingress through
// egress towards the provider; nil when none does (the source leaves untranslated).
// A bridge-group member is named by its own name or its BVI's (the factory default of
// the 5506-X names the members: "nat (inside_1,outside)").
func (m *Model) translate(f Flow, in, out *ifaceInfo) *Translation {
	ingress, egress := in.name, out.name
	if f.Clients.Addr().Is6() {
		return nil // NAT66 and NAT64 are not evaluated: IPv6 leaves with its own address
	}
	if m.legacyNAT() {
		return m.translateLegacy(f, ingress, egress)
	}
	clients := spans{prefixSpan(f.Clients)}
	for _, r := range m.natRules(in, out) {
		if r.realIf != "any" && !in.named(r.realIf) || r.mappedIf != "any" && !out.named(r.mappedIf) {
			continue
		}
		if r.pending && !m.mayHold(r.realWord, clients[0].lo, clients[0].hi) || r.destWord != "" && !m.mayHold(r.destWord, u32(f.Provider), u32(f.Provider)) {
			continue // told from the parse's summaries, without building the sets
		}
		m.resolve(r)
		hit := clients.intersect(r.real.spans)
		if len(hit) == 0 || r.dest != nil && !r.dest.spans.contains(u32(f.Provider)) {
			continue
		}
		if r.section == 2 || r.section == 3 {
			if !m.parseObjectNAT(r) {
				continue
			}
		}
		if s := r.service; r.kind == "static" && s != nil && (s.Protocol != "" && s.Protocol != f.Port.Proto || s.RealPort != nil && (f.Ephemeral || s.RealPort.Number != f.Port.Number)) {
			continue // a static of another port, or of the SIP port for phones that send from another
		}
		t := m.ruleTranslation(r, egress)
		t.Partial = !hit.covers(prefixSpan(f.Clients))
		return t
	}
	return nil
}

func (m *Model) ruleTranslation(r *natRule, egress string) *Translation {
	t := &Translation{Config: []ConfigLine{r.config}}
	mp := r.mapped
	switch {
	case mp.Interface:
		t.Kind, t.Mapped = "dynamic PAT", m.ifaceAddr(egress)
		if r.kind == "static" {
			t.Kind = "static"
		}
	case mp.PatPool != "":
		t.Kind, t.Mapped = "dynamic PAT", "PAT pool "+mp.PatPool
	case r.kind == "static" && (mp.Target == r.realWord || mp.Target == "any" && r.realWord == "any"):
		t.Kind, t.Mapped = "identity", "itself"
	case r.kind == "static":
		t.Kind, t.Mapped = "static", mp.Target
	default:
		t.Kind, t.Mapped = "dynamic NAT", mp.Target
		if setSize(m.wordSet(mp.Target)) == 1 {
			t.Kind = "dynamic PAT"
		}
	}
	if r.service != nil && r.service.RealPort != nil && t.Kind == "static" {
		t.Port = r.service.RealPort.Number
	}
	return t
}

func (m *Model) ifaceAddr(name string) string {
	if i := m.iface(name); i != nil && i.addr.IsValid() {
		return fmt.Sprintf("the address of interface %s, %s", name, i.addr)
	}
	return "the address of interface " + name
}

// translateLegacy is translate for "nat (IF) ID", "global (IF) ID" and "static" (8.2 and
// earlier), in the ASA's order: NAT exemption (nat 0 access-list), static, identity (nat
// 0), then the dynamic nat whose addresses hold the clients most closely, with the global
// pool of its ID on the egress interface.
func (m *Model) translateLegacy(f Flow, ingress, egress string) *Translation {
	ps := m.Config.Paths
	clients := spans{prefixSpan(f.Clients)}
	var nats []*parser.NATLine
	for i := range ps.NAT.Len() {
		n := ps.NAT.At(i)
		if n == nil {
			m.path.unread.Add("nat", ps.NAT.Num(i))
		}
		if n != nil && n.Legacy != nil && n.Ifaces.Real == ingress {
			nats = append(nats, n)
		}
	}
	q := aclQuery{vary: clients, fixed: u32(f.Provider), port: f.Port, sport: f.sourcePorts(), dport: f.Port.Number}
	policyHolds := func(name string) (bool, bool) {
		acl := ps.AccessList(name)
		if acl == nil {
			return false, false
		}
		var permitted spans
		for _, h := range m.evalChain([]*parser.AccessList{acl}, q) {
			if h.Permit && h.Cond == "" {
				permitted = permitted.union(h.Addrs)
			}
		}
		return len(permitted) > 0, !permitted.covers(prefixSpan(f.Clients))
	}
	line := func(n *parser.NATLine) []ConfigLine { return []ConfigLine{{n.Pos.Line, n.Source}} }
	for _, n := range nats {
		if n.Legacy.ID == 0 && n.Legacy.ACL != "" {
			if ok, partial := policyHolds(n.Legacy.ACL); ok {
				return &Translation{Kind: "identity", Mapped: "itself (NAT exemption)", Config: line(n), Partial: partial}
			}
		}
	}
	for i := range ps.Statics.Len() {
		s := ps.Statics.At(i)
		if s == nil {
			m.path.unread.Add("nat", ps.Statics.Num(i))
		}
		if s == nil || s.Ifaces.Real != ingress || s.Ifaces.Mapped != egress {
			continue
		}
		t := &Translation{Kind: "static", Config: []ConfigLine{{s.Pos.Line, s.Source}}}
		ifaddr := spans(nil)
		if i := m.iface(egress); i != nil && i.addr.Is4() {
			ifaddr = spans{hostSpan(i.addr)}
		}
		mapped := func(isIface bool, a *parser.Address) spans {
			if isIface || !a.IP.Is4() {
				return ifaddr
			}
			return spans{hostSpan(a.IP)}
		}
		switch {
		case s.Port != nil:
			if s.Port.Protocol != f.Port.Proto || f.Ephemeral || s.Port.RealPort.Number != f.Port.Number || !s.Port.Real.IP.Is4() || !clients.contains(u32(s.Port.Real.IP)) {
				continue
			}
			t.Mapped, t.Port = mappedWord(s.Port.MappedIf, s.Port.Mapped, m.ifaceAddr(egress)), s.Port.RealPort.Number
			t.Partial, t.inbound = f.Clients.Bits() < 32, mapped(s.Port.MappedIf, s.Port.Mapped)
		case s.Plain.ACL != "":
			ok, partial := policyHolds(s.Plain.ACL)
			if !ok {
				continue
			}
			t.Mapped, t.Partial = mappedWord(s.Plain.MappedIf, s.Plain.Mapped, m.ifaceAddr(egress)), partial
			t.inbound = mapped(s.Plain.MappedIf, s.Plain.Mapped)
		default:
			real := staticSpan(s.Plain.Real, s.Netmask)
			hit := clients.intersect(spans{real})
			if len(hit) == 0 {
				continue
			}
			t.Mapped, t.Partial = mappedWord(s.Plain.MappedIf, s.Plain.Mapped, m.ifaceAddr(egress)), !hit.covers(prefixSpan(f.Clients))
			if s.Plain.MappedIf || !s.Plain.Mapped.IP.Is4() {
				t.inbound = ifaddr
				break
			}
			base := u32(s.Plain.Mapped.IP) &^ (real.hi - real.lo)
			for _, h := range hit {
				t.inbound = append(t.inbound, span{base + (h.lo - real.lo), base + (h.hi - real.lo)})
			}
			if s.Plain.Mapped.IP == s.Plain.Real.IP {
				t.Kind, t.Mapped = "identity", "itself"
			}
		}
		return t
	}
	var best *parser.NATLine
	bestBits := -1
	for _, n := range nats {
		l := n.Legacy
		if l.ACL != "" {
			if ok, _ := policyHolds(l.ACL); ok && bestBits < 33 {
				best, bestBits = n, 33 // policy NAT is more specific than any address
			}
			continue
		}
		p, ok := parser.NetPrefix(l.Address, l.Mask)
		if ok && p.Contains(f.Clients.Addr()) && p.Bits() > bestBits {
			best, bestBits = n, p.Bits()
		}
	}
	if best == nil {
		return nil
	}
	if best.Legacy.ID == 0 {
		return &Translation{Kind: "identity", Mapped: "itself (nat 0)", Config: line(best)}
	}
	for i := range ps.Globals.Len() {
		g := ps.Globals.At(i)
		if g == nil {
			m.path.unread.Add("nat", ps.Globals.Num(i))
		}
		if g == nil || g.Ifaces.Real != egress || g.ID != best.Legacy.ID {
			continue
		}
		t := &Translation{Kind: "dynamic NAT", Config: append(line(best), ConfigLine{g.Pos.Line, g.Source})}
		switch {
		case g.Interface:
			t.Kind, t.Mapped = "dynamic PAT", m.ifaceAddr(egress)
		case g.PAT():
			t.Kind, t.Mapped = "dynamic PAT", g.From.String()
		default:
			t.Mapped = g.Pool
		}
		return t
	}
	return nil
}

func mappedWord(isIface bool, a *parser.Address, iface string) string {
	if isIface {
		return iface
	}
	return a.Raw
}

// staticSpan is the real addresses of a pre-8.3 static: the address with its netmask (a
// host without one).
func staticSpan(a, mask *parser.Address) span {
	if mask != nil {
		if p, ok := parser.NetPrefix(a, mask); ok {
			return prefixSpan(p)
		}
	}
	if a.IP.Is4() {
		return hostSpan(a.IP)
	}
	return span{1, 0} // empty
}

// inboundTarget returns the addresses connections from outside must be sent to, and
// that an access-list must permit, to reach the clients: their real addresses when they
// are not translated or statically translated (ASA 8.3 and later name real addresses in
// access-lists), the mapped ones of an 8.2 static. ok is false when only a dynamic
// translation exists: nothing reaches the clients but replies on existing connections.
func inboundTarget(f Flow, out *Translation) (spans, bool) {
	switch {
	case f.Clients.Addr().Is6():
		return nil, true // the clients' own addresses (admitBack projects them)
	case out == nil || out.Kind == "identity":
		return spans{prefixSpan(f.Clients)}, true
	case out.Kind != "static":
		return nil, false
	case out.inbound != nil:
		return out.inbound, true
	}
	return spans{prefixSpan(f.Clients)}, true
}

// LegacyNAT reports whether the configuration uses the NAT commands of ASA 8.2 and
// earlier (nat/global/static), whose fixes are written differently.
func (m *Model) LegacyNAT() bool { return m.legacyNAT() }
