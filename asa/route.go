package asa

import (
	"fmt"
	"net/netip"
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
		m.path.ifaces[d.Name] = i
	}
	return m.path.ifaces
}

func (m *Model) iface(name string) *ifaceInfo { return m.interfaces()[name] }

// levelLine is the configuration line that gives the interface its security level.
func (i *ifaceInfo) levelLine() []ConfigLine {
	if l := i.decl.SecurityLevel; l != nil {
		return []ConfigLine{{l.Pos.Line, l.Source}}
	}
	return []ConfigLine{{i.decl.Pos.Line, " nameif " + i.name}}
}

func (i *ifaceInfo) describe() string {
	s := fmt.Sprintf("%s (security-level %d", i.name, i.level)
	if i.levelDefault {
		s += ", the default: the block has no security-level line"
	}
	return s + ")"
}

// route is a static route in the form lookups use.
type route struct {
	prefix   netip.Prefix
	iface    string
	gateway  string
	distance int
	index    int // in Paths.Routes
}

func (m *Model) routes() []route {
	if m.path.routes != nil {
		return m.path.routes
	}
	m.path.routes = []route{}
	rs := m.Config.Paths.Routes
	for i := range rs.Len() {
		r := rs.At(i)
		if r == nil {
			continue
		}
		if p, ok := r.Prefix(); ok {
			d := r.Distance
			if d == 0 {
				d = 1
			}
			m.path.routes = append(m.path.routes, route{prefix: p, iface: strings.Clone(r.Interface), gateway: strings.Clone(r.Gateway.Raw), distance: d, index: i})
		}
	}
	return m.path.routes
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
	var best RouteHit
	bestBits, bestDist, found := -1, 0, false
	for _, d := range m.Config.Interfaces {
		i := m.iface(d.Name)
		if i.prefix.IsValid() && i.prefix.Contains(a) && i.prefix.Bits() > bestBits {
			best = RouteHit{Interface: i.name, Prefix: i.prefix, Connected: true, Config: ConfigLine{d.Address.Pos.Line, d.Address.Source}}
			bestBits, bestDist, found = i.prefix.Bits(), 0, true
		}
	}
	for _, r := range m.routes() {
		if !r.prefix.Contains(a) || r.prefix.Bits() < bestBits || r.prefix.Bits() == bestBits && r.distance >= bestDist && found {
			continue
		}
		num, text := m.Config.Paths.Routes.Line(r.index)
		best = RouteHit{Interface: r.iface, Prefix: r.prefix, Gateway: r.gateway, Config: ConfigLine{num, text}}
		bestBits, bestDist, found = r.prefix.Bits(), r.distance, true
	}
	if !found {
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

// accessGroups returns the access-lists applied to traffic entering (in) or leaving
// (out) interface name, then the global one for in; and their access-group lines.
func (m *Model) accessGroups(name, dir string) ([]*parser.AccessList, []ConfigLine) {
	var acls []*parser.AccessList
	var lines []ConfigLine
	ps := m.Config.Paths
	add := func(g *parser.AccessGroup) {
		if acl := ps.AccessList(g.ACL); acl != nil && extended(acl) {
			acls = append(acls, acl)
			lines = append(lines, ConfigLine{g.Pos.Line, g.Source})
		}
	}
	for _, g := range ps.AccessGroups {
		if !g.Global && g.Interface == name && g.Direction == dir && g.Option != "control-plane" {
			add(g)
		}
	}
	if dir == "in" {
		for _, g := range ps.AccessGroups {
			if g.Global {
				add(g)
			}
		}
	}
	return acls, lines
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
