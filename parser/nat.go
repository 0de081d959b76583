package parser

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// NAT comes in three syntaxes: object NAT and twice NAT (ASA 8.3 and later) and the
// nat/global/static commands of ASA 8.2 and earlier. The audit reads enough of each to
// tell whether a source is translated when it leaves through an interface, and how.

// IfacePair is "(real,mapped)" or "(IF)", as written in nat, global and static lines.
type IfacePair struct {
	Real, Mapped string
}

// Capture implements participle.Capture.
func (p *IfacePair) Capture(values []string) error {
	s := values[0]
	if len(s) < 3 || s[0] != '(' || s[len(s)-1] != ')' {
		return fmt.Errorf("%q is not (interface) or (real,mapped)", s)
	}
	real, mapped, pair := strings.Cut(s[1:len(s)-1], ",")
	if real == "" || pair && mapped == "" || strings.ContainsAny(mapped, ",()") || strings.ContainsAny(real, "()") {
		return fmt.Errorf("%q is not (interface) or (real,mapped)", s)
	}
	*p = IfacePair{Real: real, Mapped: mapped}
	return nil
}

func (p IfacePair) String() string {
	if p.Mapped == "" {
		return "(" + p.Real + ")"
	}
	return "(" + p.Real + "," + p.Mapped + ")"
}

// ObjectNAT is "nat (real,mapped) static|dynamic MAPPED [options]" inside an "object
// network" block; Object is the block's object.
type ObjectNAT struct {
	Pos     lexer.Position
	Ifaces  IfacePair    `parser:"'nat' @Word"`
	Kind    string       `parser:"@('static'|'dynamic')"`
	Mapped  *NATMapped   `parser:"@@"`
	Options []*NATOption `parser:"@@*"`
	Object  string
	// Header is the position of the "object network" line of the block.
	Header lexer.Position
	Source string
}

// NATMapped is what a source is translated to: the interface's address, a PAT pool, or
// an address, name, object or object-group (Target, resolved by the model).
type NATMapped struct {
	Pos       lexer.Position
	Interface bool   `parser:"( @'interface'"`
	PatPool   string `parser:"| 'pat-pool' @(Word|Number)"`
	Target    string `parser:"| @(Word|Number) )"`
}

// NATOption is one of the options after a NAT rule.
type NATOption struct {
	Pos         lexer.Position
	Service     *NATService `parser:"( 'service' @@"`
	Description []string    `parser:"| 'description' @(Word|Number|Time)*"`
	Flag        string      `parser:"| @('dns'|'no-proxy-arp'|'route-lookup'|'net-to-net'|'interface'|'ipv6'|'unidirectional'|'inactive'|'extended'|'flat'|'include-reserve'|'round-robin'|'block-allocation') )"`
}

// NATService is "service PROTO REAL-PORT MAPPED-PORT" (object NAT) or "service REAL-SVC
// MAPPED-SVC" (twice NAT, service objects).
type NATService struct {
	Pos        lexer.Position
	Protocol   string `parser:"( @('tcp'|'udp'|'sctp')"`
	RealPort   *Port  `parser:"  @@"`
	MappedPort *Port  `parser:"  @@"`
	RealObj    string `parser:"| @(Word|Number)"`
	MappedObj  string `parser:"  @(Word|Number) )"`
}

// NATLine is a top-level "nat" line: twice NAT (8.3 and later) or "nat (IF) ID ..." (8.2
// and earlier).
type NATLine struct {
	Pos    lexer.Position
	Ifaces IfacePair  `parser:"'nat' ( (?! 'source' | 'after-auto' ) @Word )?"`
	Twice  *TwiceNAT  `parser:"( @@"`
	Legacy *LegacyNAT `parser:"| @@ )"`
	Source string
}

// TwiceNAT is "[after-auto] [LINE] source static|dynamic REAL MAPPED [destination static
// MAPPED REAL] [options]".
type TwiceNAT struct {
	Pos         lexer.Position
	AfterAuto   bool         `parser:"@'after-auto'?"`
	Line        int          `parser:"@Number?"`
	Src         *TwiceSource `parser:"'source' @@"`
	Destination *TwiceDest   `parser:"('destination' @@)?"`
	Options     []*NATOption `parser:"@@*"`
}

// TwiceSource is the source part of twice NAT.
type TwiceSource struct {
	Pos    lexer.Position
	Kind   string     `parser:"@('static'|'dynamic')"`
	Real   string     `parser:"@(Word|Number)"`
	Mapped *NATMapped `parser:"@@"`
}

// TwiceDest is "destination static MAPPED REAL".
type TwiceDest struct {
	Pos    lexer.Position
	Kind   string `parser:"@'static'"`
	Mapped string `parser:"@(Word|Number)"`
	Real   string `parser:"@(Word|Number)"`
}

// LegacyNAT is "nat (IF) ID A M [options]" or "nat (IF) ID access-list ACL [options]" of
// ASA 8.2 and earlier: ID 0 exempts the addresses from NAT, other IDs translate them to
// the "global (IF) ID" pool of the interface they leave through.
type LegacyNAT struct {
	Pos     lexer.Position
	ID      int      `parser:"@Number"`
	ACL     string   `parser:"( 'access-list' @(Word|Number)"`
	Address *Address `parser:"| @@"`
	Mask    *Address `parser:"  @@ )"`
	Options []string `parser:"@(Word|Number)*"`
}

// Global is "global (IF) ID interface" or "global (IF) ID A[-B] [netmask M]" (8.2 and
// earlier): the pool that NAT ID translates to on interface IF.
type Global struct {
	Pos       lexer.Position
	Ifaces    IfacePair `parser:"'global' @Word"`
	ID        int       `parser:"@Number"`
	Interface bool      `parser:"( @'interface'"`
	Pool      string    `parser:"| @(Word|Number) )"`
	Netmask   *Address  `parser:"('netmask' @@)?"`
	// From and To are the pool's first and last addresses (equal for one address).
	From, To netip.Addr
	Source   string
}

// PAT reports whether the pool is one address (port address translation).
func (g *Global) PAT() bool { return g.Interface || g.From == g.To }

// Static is "static (real,mapped) ..." (8.2 and earlier): a fixed translation of an
// address, or of one port of it.
type Static struct {
	Pos     lexer.Position
	Ifaces  IfacePair    `parser:"'static' @Word"`
	Port    *StaticPort  `parser:"( @@"`
	Plain   *StaticPlain `parser:"| @@ )"`
	Netmask *Address     `parser:"('netmask' @@)?"`
	Options []string     `parser:"@(Word|Number)*"`
	Source  string
}

// StaticPort is "tcp|udp MAPPED MAPPED-PORT REAL REAL-PORT".
type StaticPort struct {
	Pos        lexer.Position
	Protocol   string   `parser:"@('tcp'|'udp')"`
	MappedIf   bool     `parser:"( @'interface'"`
	Mapped     *Address `parser:"| @@ )"`
	MappedPort *Port    `parser:"@@"`
	Real       *Address `parser:"@@"`
	RealPort   *Port    `parser:"@@"`
}

// StaticPlain is "MAPPED REAL" or "MAPPED access-list ACL".
type StaticPlain struct {
	Pos      lexer.Position
	MappedIf bool     `parser:"( @'interface'"`
	Mapped   *Address `parser:"| @@ )"`
	ACL      string   `parser:"( 'access-list' @(Word|Number)"`
	Real     *Address `parser:"| @@ )"`
}

// checkNATOptions resolves the ports of a "service" option.
func checkNATOptions(opts []*NATOption) (lexer.Position, error) {
	for _, o := range opts {
		if s := o.Service; s != nil && s.Protocol != "" {
			for _, p := range []*Port{s.RealPort, s.MappedPort} {
				n, ok := PortNumber(p.Raw)
				if !ok {
					return p.Pos, fmt.Errorf("unknown port %q", p.Raw)
				}
				p.Number = n
			}
		}
	}
	return lexer.Position{}, nil
}

// checkObjectNAT checks an object NAT line.
func checkObjectNAT(n *ObjectNAT) (lexer.Position, error) {
	if n.Ifaces.Mapped == "" {
		return n.Pos, fmt.Errorf("object NAT needs (real,mapped) interfaces, not %s", n.Ifaces)
	}
	return checkNATOptions(n.Options)
}

// checkNATLine checks a top-level nat line against the syntax it uses.
func checkNATLine(n *NATLine, names map[string]netip.Addr) (lexer.Position, error) {
	switch {
	case n.Twice != nil:
		if n.Ifaces.Real != "" && n.Ifaces.Mapped == "" {
			return n.Pos, fmt.Errorf("twice NAT needs (real,mapped) interfaces, not %s", n.Ifaces)
		}
		return checkNATOptions(n.Twice.Options)
	case n.Ifaces.Real == "" || n.Ifaces.Mapped != "":
		return n.Pos, fmt.Errorf("\"nat (IF) ID\" needs one interface in parentheses")
	}
	l := n.Legacy
	if l.Address != nil {
		if err := resolveAddress(l.Address, names); err != nil {
			return l.Address.Pos, err
		}
		if err := resolveMask(l.Mask, names); err != nil {
			return l.Mask.Pos, err
		}
	}
	return lexer.Position{}, nil
}

// checkGlobal resolves a global pool.
func checkGlobal(g *Global, names map[string]netip.Addr) (lexer.Position, error) {
	if g.Ifaces.Mapped != "" {
		return g.Pos, fmt.Errorf("global needs one interface in parentheses, not %s", g.Ifaces)
	}
	if g.Interface {
		return lexer.Position{}, nil
	}
	from, to, isRange := strings.Cut(g.Pool, "-")
	if !isRange {
		to = from
	}
	var err error
	for _, x := range []struct {
		s string
		p *netip.Addr
	}{{from, &g.From}, {to, &g.To}} {
		a := &Address{Raw: x.s}
		if err = resolveAddress(a, names); err != nil {
			return g.Pos, err
		}
		*x.p = a.IP
	}
	if g.Netmask != nil {
		if err := resolveMask(g.Netmask, names); err != nil {
			return g.Netmask.Pos, err
		}
	}
	return lexer.Position{}, nil
}

// checkStatic resolves a static's addresses and ports.
func checkStatic(s *Static, names map[string]netip.Addr) (lexer.Position, error) {
	if s.Ifaces.Mapped == "" {
		return s.Pos, fmt.Errorf("static needs (real,mapped) interfaces, not %s", s.Ifaces)
	}
	var addrs []*Address
	switch {
	case s.Port != nil:
		addrs = []*Address{s.Port.Mapped, s.Port.Real}
		for _, p := range []*Port{s.Port.MappedPort, s.Port.RealPort} {
			n, ok := PortNumber(p.Raw)
			if !ok {
				return p.Pos, fmt.Errorf("unknown port %q", p.Raw)
			}
			p.Number = n
		}
	default:
		addrs = []*Address{s.Plain.Mapped, s.Plain.Real}
	}
	for _, a := range addrs {
		if err := resolveAddress(a, names); err != nil {
			return a.Pos, err
		}
	}
	if s.Netmask != nil {
		if err := resolveMask(s.Netmask, names); err != nil {
			return s.Netmask.Pos, err
		}
	}
	return lexer.Position{}, nil
}
