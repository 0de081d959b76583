package asa

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/asaaudit/asaaudit/parser"
)

// ifaceInfo is a named interface as the path evaluation sees it.
type ifaceInfo struct {
	decl  *parser.Interface
	name  string
	level int
	// levelDefault is set when the block has no security-level line: the ASA gives
	// "inside" 100 and every other name 0.
	levelDefault bool
	prefix       netip.Prefix // the connected subnet; invalid when unknown
	addr         netip.Addr
	// learned is set for "ip address dhcp setroute" (or pppoe): a default route is
	// learned at run time through this interface.
	learned bool
	// bvi is, for a member of a bridge group, the group's BVI: it holds the subnet, and
	// its security level is the one that counts for routed traffic. members are a BVI's
	// named members, in file order.
	bvi     *ifaceInfo
	group   ConfigLine // the member's bridge-group line
	members []*ifaceInfo
	// prefix6 is the IPv6 subnet ("ipv6 address A/LEN"), line6 that line.
	prefix6 netip.Prefix
	line6   ConfigLine
}

// named reports whether a NAT rule's interface name stands for i: its own name, or its
// BVI's for a bridge-group member.
func (i *ifaceInfo) named(name string) bool {
	return name == i.name || i.bvi != nil && name == i.bvi.name
}

// routed is the interface that takes part in routing: a member's BVI, else itself.
func (i *ifaceInfo) routed() *ifaceInfo {
	if i.bvi != nil {
		return i.bvi
	}
	return i
}

func (m *Model) interfaces() map[string]*ifaceInfo {
	if m.path.ifaces != nil {
		return m.path.ifaces
	}
	m.path.ifaces = map[string]*ifaceInfo{}
	for _, d := range m.Config.Interfaces {
		i := &ifaceInfo{decl: d, name: d.Name}
		if d.SecurityLevel != nil {
			i.level = d.SecurityLevel.Level
		} else {
			i.levelDefault = true
			if d.Name == "inside" {
				i.level = 100
			}
		}
		if a := d.Address; a != nil {
			if p, ok := a.Prefix(); ok {
				i.prefix, i.addr = p, a.Address.IP
			}
			i.learned = len(a.Learned) > 1 && a.Learned[1] == "setroute"
		}
		if p, line, ok := d.IPv6Address(); ok {
			i.prefix6, i.line6 = p.Masked(), ConfigLine{line.Pos.Line, " " + strings.Join(line.Words, " ")}
		}
		m.path.ifaces[d.Name] = i
	}
	// Bridge groups: "bridge-group N" on a member, "interface BVIN" for the group.
	bvis := map[int]*ifaceInfo{}
	for _, d := range m.Config.Interfaces {
		if n, ok := d.BVI(); ok {
			bvis[n] = m.path.ifaces[d.Name]
		}
	}
	for _, d := range m.Config.Interfaces {
		n, line, ok := d.BridgeGroup()
		if b := bvis[n]; ok && b != nil && b.name != d.Name {
			i := m.path.ifaces[d.Name]
			i.bvi, i.group = b, ConfigLine{line.Pos.Line, " " + strings.Join(line.Words, " ")}
			b.members = append(b.members, i)
		}
	}
	return m.path.ifaces
}

func (m *Model) iface(name string) *ifaceInfo { return m.interfaces()[name] }

// levelLine is the configuration line that gives the interface the security level that
// counts for routed traffic (a member's BVI's).
func (i *ifaceInfo) levelLine() []ConfigLine {
	i = i.routed()
	if l := i.decl.SecurityLevel; l != nil {
		return []ConfigLine{{l.Pos.Line, l.Source}}
	}
	return []ConfigLine{{i.decl.Pos.Line, " nameif " + i.name}}
}

func (i *ifaceInfo) describe() string {
	if b := i.bvi; b != nil {
		return fmt.Sprintf("%s (a member of bridge group %s; for routed traffic its BVI counts: %s)", i.name, b.decl.Hardware, b.describe())
	}
	s := fmt.Sprintf("%s (security-level %d", i.name, i.level)
	if i.levelDefault {
		s += ", the default: the block has no security-level line"
	}
	return s + ")"
}

// route is a static route in the form lookups use.
type route struct {
	prefix netip.Prefix
	// iface and gateway index pathState.words: a large table names few interfaces
	// among tens of thousands of routes. gateway is noGateway for a route read from its
	// sketch, whose gateway is read again from its line when a lookup takes it: interning
	// tens of thousands of gateways cost more than the rest of the table.
	iface, gateway int32
	distance       int32
	index          int32 // in Paths.Routes
}

func (m *Model) routes() []route {
	if m.path.routes != nil {
		return m.path.routes
	}
	ps := m.Config.Paths
	m.path.routes = make([]route, 0, ps.Routes6.Len()+ps.Routes.Len())
	last, lastID := "", int32(-1) // routes often come interface by interface
	m.eachRoute(func(p netip.Prefix, iface, gateway []byte, distance, index int, sketched bool) {
		if lastID < 0 || string(iface) != last {
			lastID = m.intern(iface)
			last = m.path.words[lastID]
		}
		gw := int32(noGateway)
		if !sketched {
			gw = m.intern(gateway)
		}
		m.path.routes = append(m.path.routes, route{prefix: p, iface: lastID, gateway: gw, distance: int32(max(distance, 1)), index: int32(index)})
	})
	return m.path.routes
}

// eachRoute calls add with each route of the configuration in the order of the table:
// the IPv6 routes, then the IPv4 ones. A route read from its sketch (sketched) has no
// gateway: it is read from its line when needed (gateway). iface and gateway are valid
// only during the call.
func (m *Model) eachRoute(add func(p netip.Prefix, iface, gateway []byte, distance, index int, sketched bool)) {
	ps := m.Config.Paths
	r6 := ps.Routes6
	for i := range r6.Len() {
		r := r6.At(i)
		if r == nil {
			m.path.unread.Add("route", r6.Num(i))
			continue
		}
		if p, ok := r.Prefix(); ok {
			add(p, []byte(r.Interface), []byte(r.Gateway.Raw), r.Distance, -1-i, false)
		}
	}
	var sk parser.RouteSketch
	for i := range ps.Routes.Len() {
		if sketching && ps.RouteSketch(i, &sk) {
			add(sk.Prefix, sk.Interface, nil, sk.Distance, i, true)
			continue
		}
		r := ps.Routes.At(i)
		if r == nil {
			m.path.unread.Add("route", ps.Routes.Num(i))
			continue
		}
		if p, ok := r.Prefix(); ok {
			add(p, []byte(r.Interface), []byte(r.Gateway.Raw), r.Distance, i, false)
		}
	}
}

// intern returns the index in pathState.words of w: one copy of each interface name and
// gateway.
func (m *Model) intern(w []byte) int32 {
	id, ok := m.path.wordIDs[string(w)]
	if !ok {
		if m.path.wordIDs == nil {
			m.path.wordIDs = map[string]int32{}
		}
		id = int32(len(m.path.words))
		s := string(w)
		m.path.wordIDs[s] = id
		m.path.words = append(m.path.words, s)
	}
	return id
}

// Expect says which addresses the evaluation will look up routes for (the clients' and the
// providers'): the first lookup of one of them finds the routes of all of them in one pass
// over the routes, without the table and index (routes, longest) that lookups of other
// addresses build. Path expects the addresses of its flow itself until that pass is made:
// a trace asks about one flow.
func (m *Model) Expect(addrs []netip.Addr) {
	m.initPath()
	m.path.expect = slices.Clone(addrs)
}

// expectFlow adds the addresses flow f looks up to those expected, while no pass over the
// routes has been made.
func (m *Model) expectFlow(f Flow) {
	if m.path.expected != nil {
		return
	}
	for _, a := range []netip.Addr{f.Clients.Addr(), f.Provider} {
		if !slices.Contains(m.path.expect, a) {
			m.path.expect = append(m.path.expect, a)
		}
	}
}

// bestRoute returns the route that holds a with the longest prefix (the lowest distance,
// then the first, among those of that prefix).
func (m *Model) bestRoute(a netip.Addr) (route, bool) {
	if slices.Contains(m.path.expect, a) {
		if m.path.expected == nil {
			m.scanExpected()
		}
		r, ok := m.path.expected[a]
		return r, ok
	}
	routes := m.routes()
	if k, ok := m.longest(a); ok {
		return routes[k], true
	}
	return route{}, false
}

// scanExpected finds the route of each expected address in one pass over the routes.
func (m *Model) scanExpected() {
	expect := m.path.expect
	best := make([]route, len(expect))
	found := make([]bool, len(expect))
	m.eachRoute(func(p netip.Prefix, iface, gateway []byte, distance, index int, sketched bool) {
		d := int32(max(distance, 1))
		for k, a := range expect {
			if !p.Contains(a) {
				continue
			}
			if b := &best[k]; !found[k] || p.Bits() > b.prefix.Bits() || p.Bits() == b.prefix.Bits() && d < b.distance {
				gw := int32(noGateway)
				if !sketched {
					gw = m.intern(gateway)
				}
				*b, found[k] = route{prefix: p, iface: m.intern(iface), gateway: gw, distance: d, index: int32(index)}, true
			}
		}
	})
	m.path.expected = map[netip.Addr]route{}
	for k, a := range expect {
		if found[k] {
			m.path.expected[a] = best[k]
		}
	}
}

// longest returns the index in routes of the route that holds a with the longest prefix
// (the lowest distance, then the first, among those of that prefix).
func (m *Model) longest(a netip.Addr) (int, bool) {
	routes := m.routes()
	if m.path.routeIndex == nil {
		m.path.routeIndex = newRouteIndex(routes)
	}
	return m.path.routeIndex.lookup(a)
}

// noGateway is route.gateway for a route whose gateway is read from its line.
const noGateway = -1

// gateway returns the gateway of route r.
func (m *Model) gateway(r route) string {
	if r.gateway != noGateway {
		return m.path.words[r.gateway]
	}
	var sk parser.RouteSketch
	if m.Config.Paths.RouteSketch(int(r.index), &sk) {
		return string(sk.Gateway)
	}
	return "" // the line could not be read back, which is reported
}

// routeIndex finds the longest prefix among the routes: for each prefix length in use,
// longest first, the route a lookup takes among those of each prefix (the lowest
// distance, then the first).
type routeIndex struct {
	lens [2][]int // the prefix lengths in use, longest first: IPv4, IPv6
	// best4 is keyed by an IPv4 prefix's address and length (v4key), best6 by the
	// prefix: a table of tens of thousands of IPv4 routes takes a third of the memory.
	best4 map[uint64]int32
	best6 map[netip.Prefix]int32
}

func v4key(p netip.Prefix) uint64 { return uint64(u32(p.Addr()))<<8 | uint64(p.Bits()) }

func newRouteIndex(routes []route) *routeIndex {
	x := &routeIndex{best4: make(map[uint64]int32, len(routes)), best6: map[netip.Prefix]int32{}}
	seen := map[[2]int]bool{}
	for k, r := range routes {
		fam := 0
		if r.prefix.Addr().Is6() {
			fam = 1
			if j, ok := x.best6[r.prefix]; !ok || r.distance < routes[j].distance {
				x.best6[r.prefix] = int32(k)
			}
		} else if j, ok := x.best4[v4key(r.prefix)]; !ok || r.distance < routes[j].distance {
			x.best4[v4key(r.prefix)] = int32(k)
		}
		if key := [2]int{fam, r.prefix.Bits()}; !seen[key] {
			seen[key] = true
			x.lens[fam] = append(x.lens[fam], r.prefix.Bits())
		}
	}
	for _, l := range x.lens {
		slices.SortFunc(l, func(a, b int) int { return b - a })
	}
	return x
}

// lookup returns the route that holds a with the longest prefix, if any.
func (x *routeIndex) lookup(a netip.Addr) (int, bool) {
	fam := 0
	if a.Is6() {
		fam = 1
	}
	for _, bits := range x.lens[fam] {
		p, err := a.Prefix(bits)
		if err != nil {
			continue
		}
		k, ok := x.best6[p]
		if fam == 0 {
			k, ok = x.best4[v4key(p)]
		}
		if ok {
			return int(k), true
		}
	}
	return 0, false
}

// routeLine returns the line of route index i (ipv6 routes have negative indexes).
func (m *Model) routeLine(i int) (int, string) {
	if i < 0 {
		return m.Config.Paths.Routes6.Line(-1 - i)
	}
	return m.Config.Paths.Routes.Line(i)
}

// RouteHit is how the ASA reaches an address: the interface and the configuration line
// that sends it there.
type RouteHit struct {
	Interface string
	Prefix    netip.Prefix
	Connected bool
	Gateway   string // "" for a connected subnet
	// Learned is set when no configured route matches and the interface learns its default
	// route at run time (ip address dhcp setroute).
	Learned bool
	Config  ConfigLine
}

// lookup finds the interface that reaches a: the longest matching prefix among the
// connected subnets and the routes (a connected subnet wins a tie, then the lower
// distance, then the first route).
func (m *Model) lookup(a netip.Addr) (RouteHit, bool) {
	// The flows of a check ask about the same few addresses over and over.
	if h, ok := m.path.lookups[a]; ok {
		return h.hit, h.found
	}
	hit, found := m.lookupRoutes(a)
	if m.path.lookups == nil {
		m.path.lookups = map[netip.Addr]lookupResult{}
	}
	m.path.lookups[a] = lookupResult{hit, found}
	return hit, found
}

// lookupResult is what lookup found for an address.
type lookupResult struct {
	hit   RouteHit
	found bool
}

// lookupRoutes is lookup, uncached.
func (m *Model) lookupRoutes(a netip.Addr) (RouteHit, bool) {
	var best RouteHit
	bestBits, found := -1, false
	for _, d := range m.Config.Interfaces {
		i := m.iface(d.Name)
		if i.prefix.IsValid() && i.prefix.Contains(a) && i.prefix.Bits() > bestBits {
			best = RouteHit{Interface: i.name, Prefix: i.prefix, Connected: true, Config: ConfigLine{d.Address.Pos.Line, d.Address.Source}}
			bestBits, found = i.prefix.Bits(), true
		}
		if i.prefix6.IsValid() && i.prefix6.Contains(a) && i.prefix6.Bits() > bestBits {
			best = RouteHit{Interface: i.name, Prefix: i.prefix6, Connected: true, Config: i.line6}
			bestBits, found = i.prefix6.Bits(), true
		}
	}
	if r, ok := m.bestRoute(a); ok {
		// A connected subnet wins a tie.
		if r.prefix.Bits() > bestBits || !found {
			num, text := m.routeLine(int(r.index))
			best, found = RouteHit{Interface: m.path.words[r.iface], Prefix: r.prefix, Gateway: m.gateway(r), Config: ConfigLine{num, text}}, true
		}
	}
	if !found && a.Is4() {
		for _, d := range m.Config.Interfaces {
			if i := m.iface(d.Name); i.learned {
				return RouteHit{Interface: i.name, Learned: true, Config: ConfigLine{d.Address.Pos.Line, d.Address.Source}}, true
			}
		}
	}
	return best, found
}

// describe says how the route was found.
func (h RouteHit) describe(a string) string {
	switch {
	case h.Learned:
		return fmt.Sprintf("no configured route holds %s; interface %s learns a default route at run time", a, h.Interface)
	case h.Connected:
		return fmt.Sprintf("%s is in the connected subnet %s of interface %s", a, h.Prefix, h.Interface)
	}
	return fmt.Sprintf("%s is routed to %s by the route to %s via %s", a, h.Interface, h.Prefix, h.Gateway)
}

// sameSecurity reports whether "same-security-traffic permit KIND" is configured, and
// its line.
func (m *Model) sameSecurity(kind string) (ConfigLine, bool) {
	for _, s := range m.Config.Paths.SameSecurity {
		if s.Kind == kind {
			return ConfigLine{s.Pos.Line, "same-security-traffic permit " + kind}, true
		}
	}
	return ConfigLine{}, false
}

// aclCheck is access-lists consulted together, first match wins, with the implicit deny
// after the last, and their access-group lines.
type aclCheck struct {
	acls   []*parser.AccessList
	groups []ConfigLine
}

func (c *aclCheck) add(o aclCheck) {
	c.acls = append(c.acls, o.acls...)
	c.groups = append(c.groups, o.groups...)
}

// groupsOn returns the access-lists applied in direction dir (in, out) of interface
// name, or the global one with global.
func (m *Model) groupsOn(name, dir string, global bool) aclCheck {
	var c aclCheck
	ps := m.Config.Paths
	for _, g := range ps.AccessGroups {
		if g.Global != global || !global && (g.Interface != name || g.Direction != dir || g.Option == "control-plane") {
			continue
		}
		if acl := ps.AccessList(g.ACL); acl != nil && extended(acl) {
			c.acls = append(c.acls, acl)
			c.groups = append(c.groups, ConfigLine{g.Pos.Line, g.Source})
		}
	}
	return c
}

// inbound returns the checks traffic entering interface i passes, in order: its own
// access-list then the global one. For a bridge-group member, the member's access-list
// comes first, then the BVI's (the Cisco firewall guide, "Access Rules": inbound, the
// member rules are evaluated first, then the BVI rules); when both have one, each is a
// check of its own with its implicit deny. Empty when none applies: then the security
// levels decide.
func (m *Model) inbound(i *ifaceInfo) []aclCheck {
	own, glob := m.groupsOn(i.name, "in", false), m.groupsOn("", "", true)
	var bvi aclCheck
	if i.bvi != nil {
		bvi = m.groupsOn(i.bvi.name, "in", false)
	}
	switch {
	case len(own.acls) > 0 && len(bvi.acls) > 0:
		bvi.add(glob)
		return []aclCheck{own, bvi}
	case len(bvi.acls) > 0:
		bvi.add(glob)
		return []aclCheck{bvi}
	}
	own.add(glob)
	if len(own.acls) == 0 {
		return nil
	}
	return []aclCheck{own}
}

// outbound returns the checks traffic leaving interface i passes: for a bridge-group
// member the BVI's out access-list, then the member's (outbound, the BVI rules come
// first).
func (m *Model) outbound(i *ifaceInfo) []aclCheck {
	var out []aclCheck
	if i.bvi != nil {
		if c := m.groupsOn(i.bvi.name, "out", false); len(c.acls) > 0 {
			out = append(out, c)
		}
	}
	if c := m.groupsOn(i.name, "out", false); len(c.acls) > 0 {
		out = append(out, c)
	}
	return out
}

// extended reports whether an access-list is an extended one: an interface may also
// have an ethertype list, which does not filter IP. A list whose type cannot be read
// counts as extended (its lines are reported as PARSE001).
func extended(acl *parser.AccessList) bool {
	for i := range acl.Len() {
		if e := acl.At(i); e != nil && e.Remark == nil {
			return e.Other == nil
		}
	}
	return true
}
