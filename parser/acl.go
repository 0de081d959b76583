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
// [time-range NAME] [inactive]", or FTD's "advanced permit|deny|trust …" with "rule-id N
// [event-log …]" after it (trust lets the flow through, as permit does). The grammar reads the operands in order; which one is
// the source port and which the destination depends on the type of the object-groups
// they name, so roles are assigned after parsing (Src, SrcPort, Dst, DstPort, ICMP).
type ExtendedACE struct {
	Pos       lexer.Position
	Action    string       `parser:"( 'extended' @('permit'|'deny') | 'advanced' @('permit'|'deny'|'trust') )"`
	Protocol  *ACLProtocol `parser:"@@"`
	Operands  []*Operand   `parser:"@@+"`
	Log       *ACLLog      `parser:"@@?"`
	TimeRange string       `parser:"('time-range' @(Word|Number))?"`
	Inactive  bool         `parser:"@'inactive'?"`
	// RuleID and EventLog are what FTD adds to the entries it deploys ("advanced permit
	// … rule-id 268435461 event-log flow-start"), some with their log after them.
	RuleID   string  `parser:"('rule-id' @Number)?"`
	EventLog string  `parser:"('event-log' @('both'|'flow-start'|'flow-end'))?"`
	LogAfter *ACLLog `parser:"@@?"`

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
	Net  *Address `parser:"| (?! 'log' | 'time-range' | 'inactive' | 'rule-id' | 'event-log' ) @@"`
	Mask *Address `parser:"  ( (?! 'log' | 'time-range' | 'inactive' | 'rule-id' | 'event-log' | 'object' | 'object-group' | 'host' | 'any' | 'any4' | 'any6' | 'interface' | 'eq' | 'neq' | 'lt' | 'gt' | 'range' ) @@ )? )"`
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
	Pos lexer.Position
	// Each branch after "log" reads a word: a branch that could read none made
	// participle panic when a word it does not take followed ("log time-range T").
	Setting  string `parser:"'log' ( @('disable'|'default')"`
	Level    string `parser:"| @('emergencies'|'alerts'|'critical'|'errors'|'warnings'|'notifications'|'informational'|'debugging'|Number)"`
	Interval int    `parser:"  ('interval' @Number)? | 'interval' @Number )?"`
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

// Sketch kinds: what ACESketch.Kind says a line is.
const (
	SketchRemark   = 1 // "remark ...": never an entry
	SketchExtended = 2 // an extended entry of the common shape, described by the sketch
)

// ACESketch is an extended entry of the common shape read from its text without the
// grammar: "extended permit|deny PROTO SRC [PORT] DST [PORT] [log ...]", where PROTO is a
// protocol name or number, an address is any, any4, any6, "host A", "A M" (IPv4
// literals), "object NAME" or "object-group NAME" (not a service group), and a port is
// "eq|neq|lt|gt P" or "range P Q". The path evaluation reads the text of every entry it
// passes, so it decides from a sketch that an entry cannot match a flow before paying
// for the grammar. A line is sketched only when the grammar and checkACE read it without
// error and with the same roles; any other line is left to the grammar.
type ACESketch struct {
	Kind     int
	Permit   bool
	Protocol int // the protocol number
	Src, Dst SketchAddr
	// SrcPort and DstPort are the port arguments; Op "" when absent (any port).
	SrcPort, DstPort SketchPort
}

// SketchAddr is an address argument of a sketch. Name aliases the kept line: it must not
// be modified.
type SketchAddr struct {
	Any    string       // "any", "any4" or "any6"
	Prefix netip.Prefix // "host A" (a /32) or "A M"
	Object []byte       // "object NAME"
	Group  []byte       // "object-group NAME"
	// GroupRef is the object-group Group, as NetGroup finds it (its summary, if any): the
	// sketch looked it up already.
	GroupRef NetRef
}

// SketchPort is a port argument of a sketch: Op is "eq", "neq", "lt", "gt" or "range" (From
// and To), "" when there is none.
type SketchPort struct {
	Op       string
	From, To int
}

// Bounds returns the ports the operator matches as PortOp.Bounds does.
func (p SketchPort) Bounds() (lo, hi int) {
	switch p.Op {
	case "lt":
		return 0, p.From - 1
	case "gt":
		return p.From + 1, 65535
	case "range":
		return p.From, p.To
	}
	return p.From, p.From
}

// maxSketchWords bounds the words of a sketched entry; a longer line is left to the grammar.
const maxSketchWords = 24

// Sketch reads line i of the access-list into s without the grammar; false when the line
// is not of the shape ACESketch describes (the caller then parses it with At).
func (a *AccessList) Sketch(i int, s *ACESketch) bool {
	d := a.Deferred
	if d.full[i] || isTime(a.Name) {
		return false
	}
	var words [maxSketchWords][]byte
	split, ok := d.words(i, words[:], false) // a remark may hold anything
	if !ok {
		return false
	}
	return a.sketchWords(split, s)
}

// sketchWords is Sketch of a line split into words.
func (a *AccessList) sketchWords(w [][]byte, s *ACESketch) bool {
	if len(w) > 0 && string(w[0]) == "remark" {
		*s = ACESketch{Kind: SketchRemark}
		return true
	}
	for _, x := range w {
		if isTime(x) {
			return false
		}
	}
	*s = ACESketch{Kind: SketchExtended}
	if len(w) < 5 || string(w[0]) != "extended" && string(w[0]) != "advanced" {
		return false
	}
	switch string(w[1]) {
	case "trust": // FTD's "advanced trust" lets the flow through, as permit does
		if string(w[0]) != "advanced" {
			return false
		}
		s.Permit = true
	case "permit":
		s.Permit = true
	case "deny":
	default:
		return false
	}
	proto, ok := sketchProtocol(w[2])
	if !ok {
		return false
	}
	s.Protocol = proto
	w = w[3:]
	if w, ok = a.sketchAddr(w, &s.Src); !ok {
		return false
	}
	if len(w) > 0 && isPortOp(w[0]) {
		if w, ok = sketchPort(w, &s.SrcPort); !ok {
			return false
		}
	}
	if w, ok = a.sketchAddr(w, &s.Dst); !ok {
		return false
	}
	if len(w) > 0 && isPortOp(w[0]) {
		if w, ok = sketchPort(w, &s.DstPort); !ok {
			return false
		}
	}
	return sketchTail(w)
}

// sketchTail reads what follows an entry's last operand as the grammar does: [log ...]
// [rule-id N] [event-log both|flow-start|flow-end] [log ...] (FTD's additions).
func sketchTail(w [][]byte) bool {
	w, ok := sketchLog(w)
	if !ok {
		return false
	}
	if len(w) >= 2 && string(w[0]) == "rule-id" {
		if _, ok := sketchNumber(w[1], 19); !ok {
			return false
		}
		w = w[2:]
	}
	if len(w) >= 2 && string(w[0]) == "event-log" {
		switch string(w[1]) {
		case "both", "flow-start", "flow-end":
			w = w[2:]
		default:
			return false
		}
	}
	if w, ok = sketchLog(w); !ok {
		return false
	}
	return len(w) == 0
}

func isPortOp(w []byte) bool {
	switch string(w) {
	case "eq", "neq", "lt", "gt", "range":
		return true
	}
	return false
}

// sketchProtocol reads a protocol name, or a number written as ProtocolNumber accepts it.
func sketchProtocol(w []byte) (int, bool) {
	switch string(w) { // the commonest, without the map
	case "tcp":
		return 6, true
	case "udp":
		return 17, true
	case "ip":
		return 0, true
	}
	if n, ok := protocols[string(w)]; ok {
		return n, true
	}
	n, ok := sketchNumber(w, 3)
	return n, ok && n <= 255
}

// sketchNumber reads a decimal number of at most digits digits, without a sign or a
// leading zero.
func sketchNumber(w []byte, digits int) (int, bool) {
	if len(w) == 0 || len(w) > digits || len(w) > 1 && w[0] == '0' {
		return 0, false
	}
	n := 0
	for _, c := range w {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// sketchIPv4 reads a dotted-quad IPv4 literal (no leading zeros), which netip.ParseAddr
// accepts too.
func sketchIPv4(w []byte) (netip.Addr, bool) {
	var b [4]byte
	part := 0
	for k := 0; k < 4; k++ {
		end := part
		for end < len(w) && w[end] != '.' {
			end++
		}
		v, ok := sketchNumber(w[part:end], 3)
		if !ok || v > 255 || (k < 3) != (end < len(w)) {
			return netip.Addr{}, false
		}
		b[k] = byte(v)
		part = end + 1
	}
	return netip.AddrFrom4(b), true
}

// sketchAddr reads an address argument from the front of w.
func (a *AccessList) sketchAddr(w [][]byte, s *SketchAddr) ([][]byte, bool) {
	if len(w) == 0 {
		return nil, false
	}
	switch string(w[0]) {
	case "any":
		s.Any = "any"
		return w[1:], true
	case "any4":
		s.Any = "any4"
		return w[1:], true
	case "any6":
		s.Any = "any6"
		return w[1:], true
	case "host":
		if len(w) < 2 {
			return nil, false
		}
		ip, ok := sketchIPv4(w[1])
		if !ok {
			return nil, false
		}
		s.Prefix = netip.PrefixFrom(ip, 32)
		return w[2:], true
	case "object":
		if len(w) < 2 {
			return nil, false
		}
		s.Object = w[1]
		return w[2:], true
	case "object-group":
		if len(w) < 2 {
			return nil, false
		}
		b := a.ps.groups[string(w[1])]
		if b != nil && b.kind == kindService {
			return nil, false // a service group is a port argument
		}
		s.Group, s.GroupRef = w[1], NetRef{b}
		return w[2:], true
	}
	if len(w) < 2 {
		return nil, false
	}
	ip, ok := sketchIPv4(w[0])
	if !ok {
		return nil, false
	}
	mask, ok := sketchIPv4(w[1])
	if !ok {
		return nil, false
	}
	bits, ok := maskBits(mask)
	if !ok {
		return nil, false
	}
	s.Prefix = netip.PrefixFrom(ip, bits).Masked()
	return w[2:], true
}

// sketchPort reads a port argument from the front of w.
func sketchPort(w [][]byte, p *SketchPort) ([][]byte, bool) {
	switch string(w[0]) {
	case "eq":
		p.Op = "eq"
	case "neq":
		p.Op = "neq"
	case "lt":
		p.Op = "lt"
	case "gt":
		p.Op = "gt"
	default:
		p.Op = "range"
	}
	need := 2
	if p.Op == "range" {
		need = 3
	}
	if len(w) < need {
		return nil, false
	}
	var ok bool
	if p.From, ok = sketchPortNumber(w[1]); !ok {
		return nil, false
	}
	if need == 3 {
		if p.To, ok = sketchPortNumber(w[2]); !ok || p.From > p.To {
			return nil, false
		}
	}
	return w[need:], true
}

func sketchPortNumber(w []byte) (int, bool) {
	if n, ok := sketchNumber(w, 5); ok {
		return n, n <= 65535
	}
	n, ok := portNames[string(w)]
	return n, ok
}

// sketchLog reports whether w is a log option the grammar reads, or nothing.
// sketchLog reads an optional "log [LEVEL] [interval N]", "log disable" or "log default"
// from the front of w, as ACLLog does, and returns what follows it.
func sketchLog(w [][]byte) ([][]byte, bool) {
	if len(w) == 0 || string(w[0]) != "log" {
		return w, true
	}
	w = w[1:]
	if len(w) > 0 && (string(w[0]) == "disable" || string(w[0]) == "default") {
		return w[1:], true
	}
	if len(w) > 0 {
		if _, ok := sketchNumber(w[0], 9); ok || logLevels[string(w[0])] {
			w = w[1:]
		}
	}
	if len(w) > 0 && string(w[0]) == "interval" {
		if len(w) < 2 {
			return nil, false
		}
		if _, ok := sketchNumber(w[1], 9); !ok {
			return nil, false
		}
		w = w[2:]
	}
	return w, true
}

var logLevels = map[string]bool{"emergencies": true, "alerts": true, "critical": true, "errors": true, "warnings": true,
	"notifications": true, "informational": true, "debugging": true}
