package parser

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// The nodes of this file are read only with Options.Paths: what an interface is
// connected to, the routes, the names that stand for addresses, and whether interfaces of
// equal security level may talk.

// interfaceChild is one line below "interface X".
type interfaceChild struct {
	Nameif   *Nameif           `parser:"  @@"`
	Security *SecurityLevel    `parser:"| @@"`
	Address  *IPAddress        `parser:"| @@"`
	Other    *InterfaceSetting `parser:"| @@"`
}

// InterfaceSetting is another line of an interface block (description, vlan, shutdown,
// "no nameif", bridge-group...), kept as words.
type InterfaceSetting struct {
	Pos   lexer.Position
	Words []string `parser:"@!('nameif'|'security-level'|'ip') @(Word|Number|Time)*"`
}

// Nameif is "nameif NAME".
type Nameif struct {
	Pos  lexer.Position
	Name string `parser:"'nameif' @(Word|Number)"`
}

// SecurityLevel is "security-level N" (0 to 100).
type SecurityLevel struct {
	Pos    lexer.Position
	Level  int `parser:"'security-level' @Number"`
	Source string
}

// IPAddress is "ip address A M [standby S]", or an address the interface learns
// ("ip address dhcp [setroute]", "ip address pppoe [setroute]").
type IPAddress struct {
	Pos lexer.Position
	// The ASA takes an unambiguous abbreviation; paste-in scripts use "ip addr".
	Learned []string `parser:"'ip' ('address'|'addres'|'addre'|'addr'|'add') ( @('dhcp'|'pppoe') @Word*"`
	Address *Address `parser:"| @@"`
	Mask    *Address `parser:"  @@"`
	Standby *Address `parser:"  ('standby' @@)? )"`
	Source  string
}

// Prefix is the connected subnet; ok is false for a learned or unknown address.
func (a *IPAddress) Prefix() (netip.Prefix, bool) {
	if a == nil || a.Address == nil {
		return netip.Prefix{}, false
	}
	return NetPrefix(a.Address, a.Mask)
}

// Address is an IPv4 (or IPv6) address as written: a literal, or a name defined by
// "name A NAME" (ASA 8.x writes names in place of addresses where names are enabled).
// IP is resolved after parsing; Masked marks an address the file's author blanked out
// ("125.x.x.10"), which the audit treats as unknown without reporting it.
type Address struct {
	Pos    lexer.Position
	Raw    string `parser:"@(Word|Number)"`
	IP     netip.Addr
	Masked bool
}

func (a *Address) String() string { return a.Raw }

// NetPrefix is the subnet of address a with mask m; ok is false when either is unknown
// or the mask is not contiguous.
func NetPrefix(a, m *Address) (netip.Prefix, bool) {
	if a == nil || m == nil || !a.IP.Is4() || !m.IP.Is4() {
		return netip.Prefix{}, false
	}
	bits, ok := maskBits(m.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a.IP, bits).Masked(), true
}

// maskBits returns the prefix length of a contiguous IPv4 mask.
func maskBits(m netip.Addr) (int, bool) {
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := 0
	for v&(1<<31) != 0 {
		n++
		v <<= 1
	}
	return n, v == 0
}

// Route is "route IF NET MASK GATEWAY [DISTANCE] [track N] [tunneled]".
type Route struct {
	Pos       lexer.Position
	Interface string   `parser:"'route' @(Word|Number)"`
	Network   *Address `parser:"@@"`
	Mask      *Address `parser:"@@"`
	Gateway   *Address `parser:"@@"`
	Distance  int      `parser:"@Number?"`
	Track     int      `parser:"('track' @Number)?"`
	Tunneled  bool     `parser:"@'tunneled'?"`
	Source    string
}

// Route6 is "ipv6 route IF PREFIX GATEWAY [DISTANCE] [tunneled]".
type Route6 struct {
	Pos       lexer.Position
	Interface string   `parser:"'ipv6' 'route' @(Word|Number)"`
	Network   *Address `parser:"@@"`
	Gateway   *Address `parser:"@@"`
	Distance  int      `parser:"@Number?"`
	Tunneled  bool     `parser:"@'tunneled'?"`
	Source    string
}

// Prefix is the route's destination.
func (r *Route6) Prefix() (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(r.Network.Raw)
	return p.Masked(), err == nil && p.Addr().Is6()
}

func checkRoute6(r *Route6) (lexer.Position, error) {
	if _, ok := r.Prefix(); !ok {
		return r.Network.Pos, fmt.Errorf("%q is not an IPv6 prefix", r.Network.Raw)
	}
	if ip, err := netip.ParseAddr(r.Gateway.Raw); err != nil || !ip.Is6() {
		return r.Gateway.Pos, fmt.Errorf("%q is not an IPv6 address", r.Gateway.Raw)
	}
	return lexer.Position{}, nil
}

// IPv6Address returns the interface's IPv6 subnet and address ("ipv6 address A/LEN",
// the first one), and that line.
func (i *Interface) IPv6Address() (netip.Prefix, *InterfaceSetting, bool) {
	for _, s := range i.Settings {
		if len(s.Words) >= 3 && s.Words[0] == "ipv6" && s.Words[1] == "address" {
			if p, err := netip.ParsePrefix(s.Words[2]); err == nil && p.Addr().Is6() {
				return p, s, true
			}
		}
	}
	return netip.Prefix{}, nil, false
}

// SameSecurity is "same-security-traffic permit inter-interface|intra-interface".
type SameSecurity struct {
	Pos  lexer.Position
	Kind string `parser:"'same-security-traffic' 'permit' @('inter-interface'|'intra-interface')"`
}

// NamesLine is the "names" command, which turns on names in place of addresses.
type NamesLine struct {
	Pos   lexer.Position
	Names bool `parser:"@'names'"`
}

// Name is "name ADDRESS NAME [description TEXT]".
type Name struct {
	Pos         lexer.Position
	Address     *Address `parser:"'name' @@"`
	Name        string   `parser:"@(Word|Number)"`
	Description []string `parser:"('description' @(Word|Number|Time)*)?"`
}

// masked reports whether s is an address its author blanked out: dotted parts of digits
// and x, *, = or # with at least one of the latter ("125.x.x.10", "=====").
func masked(s string) bool {
	blank := false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9', c == '.':
		case c == 'x' || c == 'X' || c == '*' || c == '=' || c == '#':
			blank = true
		default:
			return false
		}
	}
	return blank
}

// resolveAddress sets a.IP from a literal or a name; the error says why it cannot.
func resolveAddress(a *Address, names map[string]netip.Addr) error {
	if a == nil {
		return nil
	}
	if ip, err := netip.ParseAddr(a.Raw); err == nil {
		a.IP = ip
		return nil
	}
	if ip, ok := names[a.Raw]; ok {
		a.IP = ip
		return nil
	}
	if masked(a.Raw) {
		a.Masked = true
		return nil
	}
	return fmt.Errorf("%q is neither an address nor a name defined by a \"name\" line", a.Raw)
}

// resolveMask resolves a as a contiguous IPv4 mask.
func resolveMask(a *Address, names map[string]netip.Addr) error {
	if err := resolveAddress(a, names); err != nil || a == nil || a.Masked {
		return err
	}
	if !a.IP.Is4() {
		return fmt.Errorf("%q is not an IPv4 mask", a.Raw)
	}
	if _, ok := maskBits(a.IP); !ok {
		return fmt.Errorf("mask %s is not contiguous", a.Raw)
	}
	return nil
}

// checkInterfaceChild validates what the grammar cannot.
func checkInterfaceChild(c *interfaceChild, names map[string]netip.Addr) (lexer.Position, error) {
	switch {
	case c.Security != nil && (c.Security.Level < 0 || c.Security.Level > 100):
		return c.Security.Pos, fmt.Errorf("security-level %d is outside 0-100", c.Security.Level)
	case c.Address != nil && c.Address.Address != nil:
		a := c.Address
		for _, x := range []*Address{a.Address, a.Standby} {
			if err := resolveAddress(x, names); err != nil {
				return x.Pos, err
			}
		}
		if err := resolveMask(a.Mask, names); err != nil {
			return a.Mask.Pos, err
		}
	}
	return lexer.Position{}, nil
}

// checkRoute resolves a route's addresses.
func checkRoute(r *Route, names map[string]netip.Addr) (lexer.Position, error) {
	for _, a := range []*Address{r.Network, r.Gateway} {
		if err := resolveAddress(a, names); err != nil {
			return a.Pos, err
		}
	}
	if err := resolveMask(r.Mask, names); err != nil {
		return r.Mask.Pos, err
	}
	return lexer.Position{}, nil
}

// Prefix is the route's destination.
func (r *Route) Prefix() (netip.Prefix, bool) { return NetPrefix(r.Network, r.Mask) }

// BridgeGroup returns the bridge group the interface is a member of ("bridge-group N"),
// and that line.
func (i *Interface) BridgeGroup() (int, *InterfaceSetting, bool) {
	for _, s := range i.Settings {
		if len(s.Words) == 2 && s.Words[0] == "bridge-group" {
			if n, err := strconv.Atoi(s.Words[1]); err == nil {
				return n, s, true
			}
		}
	}
	return 0, nil, false
}

// BVI returns the bridge group of a bridge virtual interface ("interface BVI1").
func (i *Interface) BVI() (int, bool) {
	rest, ok := strings.CutPrefix(strings.ToUpper(i.Hardware), "BVI")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}
