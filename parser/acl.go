package parser

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// ACLEntry is one "access-list NAME ..." line: an extended entry, a remark, or a
// standard, webtype or ethertype entry (kept as words; the path rules do not use them).
type ACLEntry struct {
	Pos      lexer.Position
	ACL      string       `parser:"'access-list' @(Word|Number)"`
	Line     int          `parser:"('line' @Number)?"`
	Remark   *Remark      `parser:"( @@"`
	Extended *ExtendedACE `parser:"| @@"`
	Other    *OtherACE    `parser:"| @@ )"`
	Source   string
}

// Remark is "remark TEXT".
type Remark struct {
	Pos  lexer.Position
	Text []string `parser:"'remark' @(Word|Number|Time)*"`
}

// OtherACE is a standard, webtype or ethertype entry.
type OtherACE struct {
	Pos   lexer.Position
	Type  string   `parser:"@('standard'|'webtype'|'ethertype')"`
	Words []string `parser:"@(Word|Number|Time)*"`
}

// ExtendedACE is "extended permit|deny PROTO SRC [SRCPORT] DST [DSTPORT|ICMPTYPE] [log ...]
// [time-range NAME] [inactive]". The grammar reads the operands in order; which one is
// the source port and which the destination depends on the type of the object-groups
// they name, so roles are assigned after parsing (Src, SrcPort, Dst, DstPort, ICMP).
type ExtendedACE struct {
	Pos       lexer.Position
	Action    string       `parser:"'extended' @('permit'|'deny')"`
	Protocol  *ACLProtocol `parser:"@@"`
	Operands  []*Operand   `parser:"@@+"`
	Log       *ACLLog      `parser:"@@?"`
	TimeRange string       `parser:"('time-range' @(Word|Number))?"`
	Inactive  bool         `parser:"@'inactive'?"`

	Src, Dst         *Operand
	SrcPort, DstPort *Operand // nil when absent: any port
	// ICMP is the ICMP type operand (a word, a number, or an icmp-type object-group).
	ICMP *Operand
}

// ACLProtocol is the protocol of an entry: a name or number, "object-group G" (a
// protocol or service group) or "object SVC" (a service object).
type ACLProtocol struct {
	Pos   lexer.Position
	Group string `parser:"( 'object-group' @(Word|Number)"`
	Obj   string `parser:"| 'object' @(Word|Number)"`
	Name  string `parser:"| @(Word|Number) )"`
}

// Operand is one address or port argument of an extended entry.
type Operand struct {
	Pos       lexer.Position
	Any       string   `parser:"( @('any'|'any4'|'any6')"`
	Host      *Address `parser:"| 'host' @@"`
	Object    string   `parser:"| 'object' @(Word|Number)"`
	Group     string   `parser:"| 'object-group' @(Word|Number)"`
	Interface string   `parser:"| 'interface' @(Word|Number)"`
	Port      *PortOp  `parser:"| @@"`
	// Net is "ADDRESS MASK", an IPv6 prefix, or (last, for ICMP) a type word. A keyword is
	// never a mask; an IPv6 prefix takes none, which assignRoles sorts out (the grammar
	// cannot look inside a word).
	Net  *Address `parser:"| (?! 'log' | 'time-range' | 'inactive' ) @@"`
	Mask *Address `parser:"  ( (?! 'log' | 'time-range' | 'inactive' | 'object' | 'object-group' | 'host' | 'any' | 'any4' | 'any6' | 'interface' | 'eq' | 'neq' | 'lt' | 'gt' | 'range' ) @@ )? )"`
}

// isV6Prefix reports whether a word is an IPv6 prefix ("2001:db8::/64").
func isV6Prefix(s string) bool {
	if !strings.Contains(s, ":") {
		return false // IPv4 "A M" words: no parse, whose error would allocate
	}
	p, err := netip.ParsePrefix(s)
	return err == nil && p.Addr().Is6()
}

// splitV6 undoes what the grammar does to an IPv6 prefix followed by another address
// word: it reads the word as the prefix's mask. The word is an operand of its own.
func splitV6(ops []*Operand) []*Operand {
	// Nearly every entry has no such operand: it is returned as it is, without a copy.
	if !slices.ContainsFunc(ops, func(o *Operand) bool { return o.Net != nil && o.Mask != nil && isV6Prefix(o.Net.Raw) }) {
		return ops
	}
	var out []*Operand
	for _, o := range ops {
		out = append(out, o)
		if o.Net != nil && o.Mask != nil && isV6Prefix(o.Net.Raw) {
			out = append(out, &Operand{Pos: o.Mask.Pos, Net: o.Mask})
			o.Mask = nil
		}
	}
	return out
}

// PortOp is "eq|neq|lt|gt PORT" or "range A B".
type PortOp struct {
	Pos   lexer.Position
	Op    string `parser:"( @('eq'|'neq'|'lt'|'gt')"`
	Port  *Port  `parser:"  @@"`
	Range bool   `parser:"| @'range'"`
	From  *Port  `parser:"  @@"`
	To    *Port  `parser:"  @@ )"`
}

// Bounds returns the ports the operator matches, inclusive; neq matches all but lo.
func (o *PortOp) Bounds() (lo, hi int) {
	switch o.Op {
	case "eq", "neq":
		return o.Port.Number, o.Port.Number
	case "lt":
		return 0, o.Port.Number - 1
	case "gt":
		return o.Port.Number + 1, 65535
	}
	return o.From.Number, o.To.Number
}

func (o *PortOp) String() string {
	if o.Range {
		return "range " + o.From.Raw + " " + o.To.Raw
	}
	return o.Op + " " + o.Port.Raw
}

// ACLLog is "log [LEVEL] [interval N]", "log disable" or "log default".
type ACLLog struct {
	Pos      lexer.Position
	Setting  string `parser:"'log' ( @('disable'|'default')"`
	Level    string `parser:"| @('emergencies'|'alerts'|'critical'|'errors'|'warnings'|'notifications'|'informational'|'debugging'|Number)?"`
	Interval int    `parser:"  ('interval' @Number)? )"`
}

// AccessGroup is "access-group ACL in|out interface IF [per-user-override|control-plane]"
// or "access-group ACL global".
type AccessGroup struct {
	Pos       lexer.Position
	ACL       string `parser:"'access-group' @(Word|Number)"`
	Direction string `parser:"( @('in'|'out')"`
	Interface string `parser:"  'interface' @(Word|Number)"`
	Option    string `parser:"  @('per-user-override'|'control-plane')?"`
	Global    bool   `parser:"| @'global' )"`
	Source    string
}

// protocols are the protocol names an access-list accepts, with their numbers.
var protocols = map[string]int{
	"ip": 0, "icmp": 1, "igmp": 2, "ipinip": 4, "tcp": 6, "igrp": 9, "udp": 17, "icmp6": 58,
	"gre": 47, "esp": 50, "ah": 51, "eigrp": 88, "ospf": 89, "nos": 94, "pim": 103, "pcp": 108,
	"snp": 109, "sctp": 132, "ipsec": 50, "pptp": 47,
}

// ProtocolNumber resolves a protocol as written: a name or a number 0-255.
func ProtocolNumber(s string) (int, bool) {
	if n, ok := protocols[s]; ok {
		return n, true
	}
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err == nil && fmt.Sprint(n) == s && n >= 0 && n <= 255 {
		return n, true
	}
	return 0, false
}

// isPortOperand reports whether o can be a port argument.
func isPortOperand(o *Operand, groupKind func(string) string) bool {
	return o.Port != nil || o.Group != "" && groupKind(o.Group) == "service"
}

func isAddressOperand(o *Operand) bool { return o.Port == nil }

// assignRoles decides which operand is the source, source port, destination,
// destination port or ICMP type. groupKind returns the type of an object-group ("" when
// unknown): "object-group G" after the source is the source port when G is a service group.
func (e *ExtendedACE) assignRoles(groupKind func(string) string) (*Operand, error) {
	e.Operands = splitV6(e.Operands)
	ops := e.Operands
	i := 0
	next := func() *Operand {
		if i < len(ops) {
			i++
			return ops[i-1]
		}
		return nil
	}
	e.Src = next()
	if !isAddressOperand(e.Src) {
		return e.Src, fmt.Errorf("the source address is missing before %q", e.Src.Port)
	}
	if i < len(ops) && isPortOperand(ops[i], groupKind) && i+1 < len(ops) {
		e.SrcPort = next()
	}
	e.Dst = next()
	if e.Dst == nil {
		return e.Src, fmt.Errorf("the destination address is missing")
	}
	if !isAddressOperand(e.Dst) {
		return e.Dst, fmt.Errorf("the destination address is missing before %q", e.Dst.Port)
	}
	if last := next(); last != nil {
		switch {
		case isPortOperand(last, groupKind):
			e.DstPort = last
		case last.Net != nil && last.Mask == nil, last.Group != "":
			e.ICMP = last
		default:
			return last, fmt.Errorf("unexpected operand after the destination")
		}
	}
	if extra := next(); extra != nil {
		return extra, fmt.Errorf("unexpected operand after the destination port")
	}
	return nil, nil
}

// checkACE assigns the roles of an extended entry and resolves its protocol, ports and
// addresses.
func checkACE(e *ExtendedACE, names map[string]netip.Addr, groupKind func(string) string) (lexer.Position, error) {
	if pr := e.Protocol; pr.Name != "" {
		if _, ok := ProtocolNumber(pr.Name); !ok {
			return pr.Pos, fmt.Errorf("unknown protocol %q", pr.Name)
		}
	}
	if at, err := e.assignRoles(groupKind); err != nil {
		return at.Pos, err
	}
	for _, o := range []*Operand{e.Src, e.Dst} {
		if pos, err := checkAddressOperand(o, names); err != nil {
			return pos, err
		}
	}
	for _, o := range []*Operand{e.SrcPort, e.DstPort} {
		if o != nil && o.Port != nil {
			if err := resolvePortOp(o.Port); err != nil {
				return o.Pos, err
			}
		}
	}
	return lexer.Position{}, nil
}

// checkAddressOperand resolves "host A" and "A M" (or an IPv6 prefix).
func checkAddressOperand(o *Operand, names map[string]netip.Addr) (lexer.Position, error) {
	switch {
	case o.Host != nil:
		if err := resolveAddress(o.Host, names); err != nil {
			return o.Host.Pos, err
		}
	case o.Net != nil && o.Mask == nil:
		if _, err := netip.ParsePrefix(o.Net.Raw); err != nil {
			return o.Net.Pos, fmt.Errorf("%q is not an address with a mask", o.Net.Raw)
		}
	case o.Net != nil:
		if err := resolveAddress(o.Net, names); err != nil {
			return o.Net.Pos, err
		}
		if err := resolveMask(o.Mask, names); err != nil {
			return o.Mask.Pos, err
		}
	}
	return lexer.Position{}, nil
}

// resolvePortOp resolves named ports ("sip", "www") to numbers.
func resolvePortOp(o *PortOp) error {
	for _, p := range []*Port{o.Port, o.From, o.To} {
		if p == nil {
			continue
		}
		n, ok := PortNumber(p.Raw)
		if !ok {
			return fmt.Errorf("unknown port %q", p.Raw)
		}
		p.Number = n
	}
	if o.Range && o.From.Number > o.To.Number {
		return fmt.Errorf("port range %s %s is empty", o.From.Raw, o.To.Raw)
	}
	return nil
}
