package parser

import (
	"bytes"
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
	Ifaces  IfacePair    `parser:"'nat' ( (?! 'static' | 'dynamic' ) @Word )?"`
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
			if s.RealPort == nil || s.MappedPort == nil {
				// "service udp 5": the grammar tried the ports and fell back to two
				// service objects, keeping what it had read of the ports.
				return s.Pos, fmt.Errorf("service %s needs a real and a mapped port", s.Protocol)
			}
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
	// Without interfaces the rule applies on all of them (the nat command reference:
	// "(real_ifc,mapped_ifc) (Optional) ... If you do not specify the real and mapped
	// interfaces, all interfaces are used"); one interface alone is not a form.
	if n.Ifaces.Real != "" && n.Ifaces.Mapped == "" {
		return n.Pos, fmt.Errorf("object NAT needs (real,mapped) interfaces, not %s", n.Ifaces)
	}
	if n.Ifaces.Real == "" && n.Mapped != nil && n.Mapped.Interface {
		// Interface PAT translates to one interface's address: it must be named.
		return n.Mapped.Pos, fmt.Errorf("\"interface\" needs the mapped interface: nat (real,mapped) %s interface", n.Kind)
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

// ObjectNATSketch reads the interfaces of line i of ObjectNAT ("nat (real,mapped) ...")
// and its kind (static, else dynamic) from its text, without the grammar, when the
// grammar and checkObjectNAT read the line without error: the path evaluation passes over
// the rules of other interfaces unread, and orders the others without parsing them. ok is
// false for a line of another shape, which the caller reads with At.
func (ps *Paths) ObjectNATSketch(i int) (real, mapped []byte, static, ok bool) {
	var buf [maxSketchWords][]byte
	w, ok := ps.ObjectNAT.natWords(i, &buf)
	if !ok || len(w) < 2 {
		return nil, nil, false, false
	}
	if s := string(w[0]); s == "static" || s == "dynamic" {
		// No interfaces: the rule applies on all of them (nil, nil); interface PAT needs
		// the mapped interface (checkObjectNAT).
		if string(w[1]) == "interface" {
			return nil, nil, false, false
		}
		w, ok = sketchNATMapped(w[1:])
		return nil, nil, s == "static", ok && sketchNATOptions(w, false)
	}
	if len(w) < 3 {
		return nil, nil, false, false
	}
	real, mapped, ok = sketchPair(w[0])
	if !ok || mapped == nil || string(w[1]) != "static" && string(w[1]) != "dynamic" {
		return nil, nil, false, false
	}
	static = string(w[1]) == "static"
	w, ok = sketchNATMapped(w[2:])
	return real, mapped, static, ok && sketchNATOptions(w, false)
}

// TwiceIfaces is ObjectNATSketch (without the kind) for line i of NAT, a twice NAT line ("nat [(real,mapped)]
// [after-auto] [LINE] source ..."); real and mapped are nil when the line names none.
func (ps *Paths) TwiceIfaces(i int) (real, mapped []byte, ok bool) {
	var buf [maxSketchWords][]byte
	w, ok := ps.NAT.natWords(i, &buf)
	if !ok || len(w) == 0 {
		return nil, nil, false
	}
	if s := string(w[0]); s != "source" && s != "after-auto" {
		if real, mapped, ok = sketchPair(w[0]); !ok || mapped == nil {
			return nil, nil, false
		}
		w = w[1:]
	}
	if len(w) > 0 && string(w[0]) == "after-auto" {
		w = w[1:]
	}
	if len(w) > 0 {
		if _, isNum := sketchNumber(w[0], 9); isNum {
			w = w[1:]
		}
	}
	if len(w) < 4 || string(w[0]) != "source" || string(w[1]) != "static" && string(w[1]) != "dynamic" || natKeyword(w[2]) {
		return nil, nil, false
	}
	if w, ok = sketchNATMapped(w[3:]); !ok {
		return nil, nil, false
	}
	if len(w) > 0 && string(w[0]) == "destination" {
		if len(w) < 4 || string(w[1]) != "static" || natKeyword(w[2]) || natKeyword(w[3]) {
			return nil, nil, false
		}
		w = w[4:]
	}
	return real, mapped, sketchNATOptions(w, true)
}

// natWords splits line i of a NAT section into words after its "nat", refusing a line
// with a word the lexer takes for a time.
func (d *Deferred[T]) natWords(i int, buf *[maxSketchWords][]byte) ([][]byte, bool) {
	w, ok := d.words(i, buf[:], true)
	if !ok {
		return nil, false
	}
	if d.full[i] || d.prefix != "nat " {
		if len(w) == 0 || string(w[0]) != "nat" {
			return nil, false
		}
		w = w[1:]
	}
	return w, true
}

// sketchPair reads "(real,mapped)" or "(real)" (mapped nil) as IfacePair.Capture does.
func sketchPair(w []byte) (real, mapped []byte, ok bool) {
	if len(w) < 3 || w[0] != '(' || w[len(w)-1] != ')' {
		return nil, nil, false
	}
	in := w[1 : len(w)-1]
	real = in
	if k := bytes.IndexByte(in, ','); k >= 0 {
		real, mapped = in[:k], in[k+1:]
		if len(mapped) == 0 || bytes.ContainsAny(mapped, ",()") {
			return nil, nil, false
		}
	}
	if len(real) == 0 || bytes.ContainsAny(real, "()") {
		return nil, nil, false
	}
	return real, mapped, true
}

// natKeyword reports whether w is a word the NAT grammar gives a meaning to; the sketches
// refuse one where a name is expected rather than guess what the grammar makes of it.
func natKeyword(w []byte) bool {
	switch string(w) {
	case "interface", "pat-pool", "service", "description", "destination", "source", "static", "dynamic", "after-auto":
		return true
	}
	return natFlag(w)
}

func natFlag(w []byte) bool {
	switch string(w) {
	case "dns", "no-proxy-arp", "route-lookup", "net-to-net", "interface", "ipv6", "unidirectional", "inactive", "extended",
		"flat", "include-reserve", "round-robin", "block-allocation":
		return true
	}
	return false
}

// sketchNATMapped reads NATMapped from the front of w.
func sketchNATMapped(w [][]byte) ([][]byte, bool) {
	switch {
	case len(w) == 0:
		return nil, false
	case string(w[0]) == "interface":
		return w[1:], true
	case string(w[0]) == "pat-pool":
		if len(w) < 2 || natKeyword(w[1]) {
			return nil, false
		}
		return w[2:], true
	case natKeyword(w[0]):
		return nil, false
	}
	return w[1:], true
}

// sketchNATOptions reports whether w is NAT options the grammar and checkNATOptions read:
// flags, "description ...", "service tcp|udp|sctp P P" and, with objects, "service A B".
func sketchNATOptions(w [][]byte, objects bool) bool {
	for len(w) > 0 {
		switch {
		case string(w[0]) == "description":
			return true
		case natFlag(w[0]):
			w = w[1:]
		case string(w[0]) != "service" || len(w) < 3:
			return false
		case string(w[1]) == "tcp" || string(w[1]) == "udp" || string(w[1]) == "sctp":
			if _, ok := sketchPortNumber(w[2]); !ok || len(w) < 4 {
				return false
			}
			if _, ok := sketchPortNumber(w[3]); !ok {
				return false
			}
			w = w[4:]
		case objects && !natKeyword(w[1]) && !natKeyword(w[2]):
			w = w[3:]
		default:
			return false
		}
	}
	return true
}
