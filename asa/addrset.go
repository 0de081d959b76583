package asa

import (
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"strings"

	"github.com/asaaudit/asaaudit/parser"
)

// span is an inclusive range of IPv4 addresses.
type span struct{ lo, hi uint32 }

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func addr4(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func prefixSpan(p netip.Prefix) span {
	p = p.Masked()
	lo := u32(p.Addr())
	return span{lo, lo | uint32(uint64(1)<<(32-p.Bits())-1)}
}

func hostSpan(a netip.Addr) span { v := u32(a); return span{v, v} }

var allV4 = span{0, ^uint32(0)}

// prefix returns the span as a prefix, when it is one.
func (s span) prefix() (netip.Prefix, bool) {
	for bits := 0; bits <= 32; bits++ {
		if p := netip.PrefixFrom(addr4(s.lo), bits); prefixSpan(p) == s && p.Masked().Addr() == addr4(s.lo) {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// String writes the span as an address or prefix when it is one, else as a range.
func (s span) String() string {
	if p, ok := s.prefix(); ok {
		return clientsString(p)
	}
	return addr4(s.lo).String() + "-" + addr4(s.hi).String()
}

// spans is a sorted set of disjoint spans.
type spans []span

func (ss spans) String() string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.String()
	}
	return strings.Join(parts, ", ")
}

func (ss spans) contains(v uint32) bool {
	for _, s := range ss {
		if s.lo <= v && v <= s.hi {
			return true
		}
	}
	return false
}

// covers reports whether ss holds every address of s.
func (ss spans) covers(s span) bool {
	return len(spans{s}.subtract(ss)) == 0
}

// union returns the normalised union of ss and more.
func (ss spans) union(more spans) spans {
	all := slices.Concat(ss, more)
	slices.SortFunc(all, func(a, b span) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	var out spans
	for _, s := range all {
		if n := len(out); n > 0 && (s.lo <= out[n-1].hi || out[n-1].hi != ^uint32(0) && s.lo == out[n-1].hi+1) {
			out[n-1].hi = max(out[n-1].hi, s.hi)
			continue
		}
		out = append(out, s)
	}
	return out
}

func (ss spans) intersect(other spans) spans {
	var out spans
	for _, a := range ss {
		for _, b := range other {
			lo, hi := max(a.lo, b.lo), min(a.hi, b.hi)
			if lo <= hi {
				out = append(out, span{lo, hi})
			}
		}
	}
	return spans(nil).union(out)
}

func (ss spans) subtract(other spans) spans {
	var out spans
	for _, a := range ss {
		cur := spans{a}
		for _, b := range other {
			var next spans
			for _, c := range cur {
				if b.hi < c.lo || b.lo > c.hi {
					next = append(next, c)
					continue
				}
				if b.lo > c.lo {
					next = append(next, span{c.lo, b.lo - 1})
				}
				if b.hi < c.hi {
					next = append(next, span{b.hi + 1, c.hi})
				}
			}
			cur = next
		}
		out = append(out, cur...)
	}
	return out
}

// addrSet is what an address argument matches: IPv4 spans, IPv6 prefixes, and the
// members the audit cannot know (an FQDN, a blanked-out address, an undefined object),
// named in unknown.
type addrSet struct {
	spans   spans
	v6      []netip.Prefix
	unknown []string
}

// gather adds the members of o to s; s.spans is then not normalised until the caller
// unions it once.
func (s *addrSet) gather(o *addrSet) {
	s.spans = append(s.spans, o.spans...)
	s.v6 = append(s.v6, o.v6...)
	s.unknown = append(s.unknown, o.unknown...)
}

// netObjectSet returns the set of network object name from the parse's summary
// (parser.NetObject), its span written into set and buf; false when name is not
// summarised, and objectSet reads its lines.
func (m *Model) netObjectSet(name string, set *addrSet, buf *[1]span) (*addrSet, bool) {
	r, ok := m.aclPaths().NetObject(name)
	if !ok || !summaries {
		return nil, false
	}
	lo, hi, has := r.Span()
	if !has {
		return emptySet, true
	}
	buf[0] = span{lo, hi}
	*set = addrSet{spans: buf[:]}
	return set, true
}

// summaries lets objectSet, groupSet and sketchSet take the values the parse read of
// plain network objects and object-groups (parser.NetObject, NetGroup) instead of
// reading their lines again; the tests turn it off to compare.
var summaries = true

// netHasKey is a summarised object-group and a span of IPv4 addresses.
type netHasKey struct {
	group  parser.NetRef
	lo, hi uint32
}

// Answers of netHas, kept in pathState.netHas.
const (
	netLacks uint8 = iota
	netHolds
	netUnknown // not summarised throughout, or in progress (a group that nests itself)
)

// netHas reports whether the summarised object-group r holds address a, from its
// members and those of the groups it nests, without building a set; known is false when
// one of them is not summarised (the set then says, with its unknown members).
func (m *Model) netHas(r parser.NetRef, a uint32) (has, known bool) {
	return m.netHasSpan(r, a, a)
}

// netHasSpan is netHas for any address in [lo, hi].
func (m *Model) netHasSpan(r parser.NetRef, lo, hi uint32) (has, known bool) {
	key := netHasKey{r, lo, hi}
	if v, seen := m.path.netHas[key]; seen {
		return v == netHolds, v != netUnknown
	}
	if !r.Summarised(true) {
		return false, false
	}
	m.path.netHas[key] = netUnknown
	known = true
	m.aclPaths().Members(r, func(x parser.NetMember) bool {
		switch {
		case x.Ref == parser.NetRef{}:
			has = x.Lo <= hi && lo <= x.Hi
		case x.Group:
			has, known = m.netHasSpan(x.Ref, lo, hi)
		case x.Ref.Summarised(false):
			vlo, vhi, value := x.Ref.Span()
			has = value && vlo <= hi && lo <= vhi
		default:
			known = false
		}
		return !has && known
	})
	switch {
	case has:
		m.path.netHas[key] = netHolds
	case known:
		m.path.netHas[key] = netLacks
	}
	return has, known || has
}

// netGroupSet resolves a network object-group the parse summarised (parser.NetGroup)
// from its members, without reading its lines: false when a member is no longer
// summarised or the group contains itself, which the lines then say (groupSet).
func (m *Model) netGroupSet(ps *parser.Paths, r parser.NetRef) (*addrSet, bool) {
	if s, ok := m.path.netSets[r]; ok {
		return s, s != nil
	}
	if !r.Summarised(true) {
		return nil, false // entered again or edited after a group named it
	}
	m.path.netSets[r] = nil // in progress, then for good when it fails
	var all spans
	ok := true
	ps.Members(r, func(x parser.NetMember) bool {
		switch {
		case x.Ref == parser.NetRef{}:
			all = append(all, span{x.Lo, x.Hi})
		case x.Group:
			var sub *addrSet
			if sub, ok = m.netGroupSet(ps, x.Ref); ok {
				all = append(all, sub.spans...)
			}
		case x.Ref.Summarised(false):
			if lo, hi, has := x.Ref.Span(); has {
				all = append(all, span{lo, hi})
			}
		default:
			ok = false
		}
		return ok
	})
	if !ok {
		return nil, false
	}
	s := &addrSet{spans: spans(nil).union(all)}
	m.path.netSets[r] = s
	return s, true
}

// has6 reports whether the IPv6 address a is in s.
func (s *addrSet) has6(a netip.Addr) bool {
	for _, p := range s.v6 {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// objectSet resolves a network object.
func (m *Model) objectSet(name string) *addrSet {
	var set addrSet
	var buf [1]span
	if s, ok := m.netObjectSet(name, &set, &buf); ok {
		// A set of its own, not kept: tens of thousands of objects are named once each.
		if s == &set {
			return &addrSet{spans: spans{buf[0]}}
		}
		return s
	}
	if s, ok := m.path.objSets[name]; ok {
		return s
	}
	o := m.aclPaths().Object(name)
	if o == nil {
		key, s := undefinedSet("object ", name)
		m.path.objSets[key] = s
		return s
	}
	s := &addrSet{}
	switch {
	case o.Kind != "network":
		s.unknown = append(s.unknown, fmt.Sprintf("object %s is a %s object, not a network object", name, o.Kind))
	case o.Host != nil:
		s.addAddress(o.Host.Address, nil, "object ", name)
	case o.Subnet != nil:
		s.addAddress(o.Subnet.Address, o.Subnet.Mask, "object ", name)
	case o.Range != nil && o.Range.From.IP.Is4() && o.Range.To.IP.Is4():
		s.spans = spans{{u32(o.Range.From.IP), u32(o.Range.To.IP)}}
	case o.Range != nil && (o.Range.From.Masked || o.Range.To.Masked):
		s.unknown = append(s.unknown, fmt.Sprintf("object %s has a blanked-out address", name))
	case o.Range != nil:
		s.unknown = append(s.unknown, fmt.Sprintf("object %s is a range of IPv6 addresses, which the audit does not evaluate", name))
	case o.FQDN != nil:
		s.unknown = append(s.unknown, fmt.Sprintf("object %s is the FQDN %s, resolved only at run time", name, o.FQDN.Name))
	}
	m.path.objSets[strings.Clone(name)] = s // a clone: the name may be part of a kept line
	return s
}

// addAddress adds "A" (a host, mask nil), "A M" or an IPv6 prefix (mask nil). kind and
// name say what holds it, for the one message that needs them: a group of thousands of
// members makes no string per member.
func (s *addrSet) addAddress(a, mask *parser.Address, kind, name string) {
	switch {
	case a.Masked || mask != nil && mask.Masked:
		s.unknown = append(s.unknown, kind+name+" has a blanked-out address")
	case mask == nil && a.IP.Is4():
		s.spans = append(s.spans, hostSpan(a.IP))
	case mask == nil && a.IP.Is6():
		s.v6 = append(s.v6, netip.PrefixFrom(a.IP, 128))
	case mask == nil:
		if p, err := netip.ParsePrefix(a.Raw); err == nil && p.Addr().Is6() {
			s.v6 = append(s.v6, p.Masked())
		}
	case mask != nil && a.IP.Is4():
		if p, ok := parser.NetPrefix(a, mask); ok {
			s.spans = append(s.spans, prefixSpan(p))
		}
	}
}

// undefined is the set of a name the configuration does not define, allocated with its
// one unknown.
type undefined struct {
	set addrSet
	why [1]string
}

// undefinedSet returns the set of the undefined object or object-group name (kind is
// "object " or "object-group "), and the name as a key for objSets or grpSets that shares
// the message's bytes: a large access-list may name tens of thousands of undefined
// groups, and three allocations each made a tenth of the memory the evaluation kept.
func undefinedSet(kind, name string) (string, *addrSet) {
	u := &undefined{}
	u.why[0] = kind + name + " is not defined"
	u.set.unknown = u.why[:]
	return u.why[0][len(kind) : len(kind)+len(name)], &u.set
}

// groupSet resolves a network object-group with its nested groups.
func (m *Model) groupSet(name string) *addrSet {
	// A summarised group first: its set is kept by its summary (netSets), not by name, so
	// looking its name up in grpSets first would miss every time.
	ps := m.aclPaths()
	if r, ok := ps.NetGroup(name); ok && summaries {
		if s, ok := m.netGroupSet(ps, r); ok {
			return s
		}
	}
	if s, ok := m.path.grpSets[name]; ok {
		if s == nil {
			return &addrSet{unknown: []string{fmt.Sprintf("object-group %s contains itself", name)}}
		}
		return s
	}
	g := ps.ObjectGroup(name)
	if g == nil {
		key, s := undefinedSet("object-group ", name)
		m.path.grpSets[key] = s
		return s
	}
	m.path.grpSets[name] = nil // in progress: a nested reference back to it is a cycle
	s := &addrSet{}
	switch {
	case g.Kind != "network":
		s.unknown = append(s.unknown, fmt.Sprintf("object-group %s is a %s group, not a network group", name, g.Kind))
	default:
		// The members' spans are gathered, then sorted and merged once: merging each
		// into the set made a group of n members cost n².
		for _, n := range g.Networks {
			switch {
			case n.Object != "":
				s.gather(m.objectSet(n.Object))
			case n.Host != nil:
				s.addAddress(n.Host, nil, "object-group ", name)
			default:
				s.addAddress(n.Address, n.Mask, "object-group ", name)
			}
		}
		for _, sub := range g.Groups {
			s.gather(m.groupSet(sub.Group))
		}
		s.spans = spans(nil).union(s.spans)
	}
	m.path.grpSets[strings.Clone(name)] = s
	return s
}

// anySet, any4Set and any6Set are shared by every entry that names any (both families
// since ASA 9.0), any4 or any6.
var (
	allV6   = netip.MustParsePrefix("::/0")
	anySet  = &addrSet{spans: spans{allV4}, v6: []netip.Prefix{allV6}}
	any4Set = &addrSet{spans: spans{allV4}}
	any6Set = &addrSet{v6: []netip.Prefix{allV6}}
	// emptySet is the set of a network object without a value.
	emptySet = &addrSet{}
)

// operandSet resolves the address argument of an access-list entry. Sets of one span are
// shared between the entries that name the same addresses.
func (m *Model) operandSet(o *parser.Operand) *addrSet {
	s := m.resolveOperand(o)
	if len(s.spans) == 1 && len(s.unknown) == 0 && o.Object == "" && o.Group == "" {
		if shared, ok := m.path.spanSets[s.spans[0]]; ok {
			return shared
		}
		m.path.spanSets[s.spans[0]] = s
	}
	return s
}

func (m *Model) resolveOperand(o *parser.Operand) *addrSet {
	switch {
	case o.Any == "any":
		return anySet
	case o.Any == "any4":
		return any4Set
	case o.Any == "any6":
		return any6Set
	case o.Host != nil:
		s := &addrSet{}
		s.addAddress(o.Host, nil, "host ", o.Host.Raw)
		return s
	case o.Object != "":
		return m.objectSet(o.Object)
	case o.Group != "":
		return m.groupSet(o.Group)
	case o.Interface != "":
		s := &addrSet{}
		if i := m.iface(o.Interface); i != nil && i.addr.IsValid() {
			s.spans = spans{hostSpan(i.addr)}
		}
		return s
	}
	s := &addrSet{}
	if o.Net != nil {
		s.addAddress(o.Net, o.Mask, "", o.Net.Raw)
	}
	return s
}

// v6view projects IPv6 addresses onto the span space of an IPv6 flow's clients, so that
// the evaluation of IPv4 serves IPv6 too: a span is a range of cells, each cell the
// 2^shift addresses that share the first bits+32 bits (one address for a /96 or longer).
// A prefix longer than a cell inside the clients is only part of its cell: partial.
type v6view struct {
	base  netip.Prefix
	width int // the bits of the clients' host part the cells resolve: min(32, 128-bits)
}

func newV6View(clients netip.Prefix) *v6view {
	return &v6view{base: clients.Masked(), width: min(32, 128-clients.Bits())}
}

// all is the span of every client.
func (v *v6view) all() span { return span{0, uint32(uint64(1)<<v.width - 1)} }

// project returns the cells of ps among the clients, and the cells only part of which
// ps holds.
func (v *v6view) project(ps []netip.Prefix) (exact, partial spans) {
	for _, p := range ps {
		switch {
		case p.Bits() <= v.base.Bits():
			if p.Contains(v.base.Addr()) {
				exact = exact.union(spans{v.all()})
			}
		case !v.base.Contains(p.Addr()):
		case p.Bits() > v.base.Bits()+v.width:
			c := v.cell(p.Addr())
			partial = partial.union(spans{{c, c}})
		default:
			lo := v.cell(p.Addr())
			n := uint64(1) << (v.width - (p.Bits() - v.base.Bits()))
			exact = exact.union(spans{{lo, uint32(uint64(lo) + n - 1)}})
		}
	}
	return exact, partial
}

// cell is the bits of a just after the clients' prefix.
func (v *v6view) cell(a netip.Addr) uint32 {
	b := a.As16()
	var c uint32
	for i := v.base.Bits(); i < v.base.Bits()+v.width; i++ {
		c = c<<1 | uint32(b[i/8]>>(7-i%8)&1)
	}
	return c
}

// addr is the first address of cell c.
func (v *v6view) addr(c uint32) netip.Addr {
	b := v.base.Addr().As16()
	for k := 0; k < v.width; k++ {
		i := v.base.Bits() + v.width - 1 - k
		if c>>k&1 == 1 {
			b[i/8] |= 1 << (7 - i%8)
		}
	}
	return netip.AddrFrom16(b)
}

// String writes cells as IPv6 prefixes or ranges.
func (v *v6view) String(ss spans) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = v.addr(s.lo).String() + "-" + v.addr(s.hi).String()
		n := uint64(s.hi-s.lo) + 1
		if k := bits.TrailingZeros64(n); n == 1<<k && uint64(s.lo)%n == 0 {
			parts[i] = clientsString(netip.PrefixFrom(v.addr(s.lo), v.base.Bits()+v.width-k))
		}
	}
	return strings.Join(parts, ", ")
}
