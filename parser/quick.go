package parser

import (
	"net/netip"

	"github.com/alecthomas/participle/v2/lexer"
)

// The quick readers below read the commonest shapes of the path lines a large
// configuration is made of without the grammar, which costs a parser run and its
// allocations per line. Each gives what the grammar gives, positions included (the tests
// of quick.go compare them), and reports false for any other shape, which the grammar
// then reads.

// quickOr reads a line with quick, or with grammar g when quick does not read its shape.
func quickOr[T any](quick func(file string, num int, text string) (*T, bool), g grammar[T], file string, num int, text string) (*T, error) {
	if x, ok := quick(file, num, text); ok {
		return x, nil
	}
	return parseLine(g(), file, num, text)
}

// maxQuickWords is the most words a quick reader reads; a longer line goes to the grammar.
const maxQuickWords = 16

// qline is a line split into its blank-separated words as lexLine splits it, without
// allocating tokens.
type qline struct {
	file string
	num  int
	n    int // words
	w    [maxQuickWords]string
	off  [maxQuickWords]int
}

// split splits text into q; false when it has more than maxQuickWords words.
func (q *qline) split(file string, num int, text string) bool {
	q.file, q.num, q.n = file, num, 0
	for i := 0; i < len(text); {
		if text[i] == ' ' || text[i] == '\t' {
			i++
			continue
		}
		start := i
		for i < len(text) && text[i] != ' ' && text[i] != '\t' {
			i++
		}
		if q.n == maxQuickWords {
			return false
		}
		q.w[q.n], q.off[q.n] = text[start:i], start
		q.n++
	}
	return true
}

// pos is the position of word i, as lexLine gives it.
func (q *qline) pos(i int) lexer.Position {
	return lexer.Position{Filename: q.file, Offset: q.off[i], Line: q.num, Column: q.off[i] + 1}
}

// plain reports whether words from i on are all words or numbers (not times), which is
// what the grammar's Word|Number accept.
func (q *qline) plain(from int) bool { return q.plainTo(from, q.n) }

// plainTo is plain for words from to to (excluded).
func (q *qline) plainTo(from, to int) bool {
	for _, w := range q.w[from:to] {
		if classify(w) == tokTime {
			return false
		}
	}
	return true
}

func (q *qline) address(i int) *Address { return &Address{Pos: q.pos(i), Raw: q.w[i]} }

// description reads "description WORD...", with at least one word: the grammar reads
// times among them too.
func (q *qline) description() (*Description, bool) {
	if q.n < 2 || q.w[0] != "description" {
		return nil, false
	}
	return &Description{Pos: q.pos(0), Text: append(make([]string, 0, q.n-1), q.w[1:q.n]...)}, true
}

// quickName reads "name A NAME [description WORD...]".
func quickName(file string, num int, text string) (*Name, bool) {
	var q qline
	if !q.split(file, num, text) || q.n < 3 || q.n == 4 || q.w[0] != "name" {
		return nil, false
	}
	if classify(q.w[1]) == tokTime || classify(q.w[2]) == tokTime {
		return nil, false
	}
	n := &Name{Pos: q.pos(0), Address: q.address(1), Name: q.w[2]}
	if q.n > 3 {
		if q.w[3] != "description" {
			return nil, false
		}
		n.Description = append(make([]string, 0, q.n-4), q.w[4:q.n]...)
	}
	return n, true
}

// sketchName reads "name A NAME [description ...]" with A an IPv4 literal, the commonest
// shape, as quickName (or the grammar, for a long description) and the check of its
// address read it; false for any other line, which they read.
func sketchName(text []byte) (netip.Addr, []byte, bool) {
	var w [4][]byte
	n, _ := wordsInto(text, w[:])
	// A description takes any words: every word is a Word, Number or Time token.
	if n < 3 || n == 4 && string(w[3]) != "description" || string(w[0]) != "name" || classify(w[2]) == tokTime {
		return netip.Addr{}, nil, false
	}
	ip, ok := sketchIPv4(w[1])
	return ip, w[2], ok
}

// quickObjectHeader reads "object KIND NAME".
func quickObjectHeader(file string, num int, text string) (*objectHeader, bool) {
	var q qline
	if !q.split(file, num, text) || q.n != 3 || q.w[0] != "object" || !q.plain(1) || classify(q.w[1]) != tokWord {
		return nil, false
	}
	return &objectHeader{Pos: q.pos(0), Kind: q.w[1], Name: q.w[2]}, true
}

// quickGroupHeader reads "object-group KIND NAME [tcp|udp|tcp-udp]".
func quickGroupHeader(file string, num int, text string) (*groupHeader, bool) {
	var q qline
	if !q.split(file, num, text) || q.n < 3 || q.n > 4 || q.w[0] != "object-group" || !q.plain(1) || classify(q.w[1]) != tokWord {
		return nil, false
	}
	h := &groupHeader{Pos: q.pos(0), Kind: q.w[1], Name: q.w[2]}
	if q.n == 4 {
		switch p := q.w[3]; p {
		case "tcp", "udp", "tcp-udp":
			h.Protocol = p
		default:
			return nil, false
		}
	}
	return h, true
}

// quickObjectChild reads "host A [M]", "subnet A [M]", "range A B" and "description
// WORD..." below an object.
func quickObjectChild(file string, num int, text string) (*objectChild, bool) {
	var q qline
	if !q.split(file, num, text) || q.n == 0 {
		return nil, false
	}
	if d, ok := q.description(); ok {
		return &objectChild{Description: d}, true
	}
	if !q.plain(1) {
		return nil, false
	}
	switch {
	case q.n == 3 && q.w[0] == "range":
		return &objectChild{Range: &ObjectRange{Pos: q.pos(0), From: q.address(1), To: q.address(2)}}, true
	case q.n < 2 || q.n > 3:
		return nil, false
	}
	var mask *Address
	if q.n == 3 {
		mask = q.address(2)
	}
	switch q.w[0] {
	case "host":
		return &objectChild{Host: &ObjectHost{Pos: q.pos(0), Address: q.address(1), Mask: mask}}, true
	case "subnet":
		return &objectChild{Subnet: &ObjectSubnet{Pos: q.pos(0), Address: q.address(1), Mask: mask}}, true
	}
	return nil, false
}

// quickGroupChild reads the member lines that make up nearly every large group
// ("network-object host A", "network-object A M", "network-object object N", "group-object
// N", "port-object eq P", "port-object range A B", "description ...").
func quickGroupChild(file string, num int, text string) (*groupChild, bool) {
	var q qline
	if !q.split(file, num, text) || q.n < 2 {
		return nil, false
	}
	if d, ok := q.description(); ok {
		return &groupChild{Description: d}, true
	}
	if !q.plain(1) {
		return nil, false
	}
	switch {
	case q.n == 2 && q.w[0] == "group-object":
		return &groupChild{Group: &GroupObject{Pos: q.pos(0), Group: q.w[1]}}, true
	case q.n >= 3 && q.w[0] == "port-object":
		if op, ok := q.portOp(1); ok {
			return &groupChild{Port: &PortObject{Pos: q.pos(0), Port: op}}, true
		}
		return nil, false
	case q.n > 3 || q.w[0] != "network-object":
		return nil, false
	}
	n := &NetworkObject{Pos: q.pos(0)}
	switch w := q.w[1]; {
	case q.n == 3 && w == "host":
		n.Host = q.address(2)
	case q.n == 3 && w == "object":
		n.Object = q.w[2]
	case w == "host" || w == "object":
		return nil, false
	default:
		n.Address = q.address(1)
		if q.n == 3 {
			n.Mask = q.address(2)
		}
	}
	return &groupChild{Network: n}, true
}

// portOp reads "eq|neq|lt|gt P" or "range A B", words i to the end.
func (q *qline) portOp(i int) (*PortOp, bool) {
	port := func(j int) *Port { return &Port{Pos: q.pos(j), Raw: q.w[j]} }
	switch op, n := q.w[i], q.n-i; {
	case n == 2 && (op == "eq" || op == "neq" || op == "lt" || op == "gt"):
		return &PortOp{Pos: q.pos(i), Op: op, Port: port(i + 1)}, true
	case n == 3 && op == "range":
		return &PortOp{Pos: q.pos(i), Range: true, From: port(i + 1), To: port(i + 2)}, true
	}
	return nil, false
}

// quickObjectNAT reads "nat (REAL,MAPPED) static|dynamic interface|pat-pool P|TARGET
// [service tcp|udp|sctp P P] [FLAG...] [description WORD...]", the object NAT lines of a
// large configuration.
func quickObjectNAT(file string, num int, text string) (*ObjectNAT, bool) {
	var q qline
	// Every word but a description's must be a word or a number: times are checked for
	// up to the mapped address here, in the service ports below.
	if !q.split(file, num, text) || q.n < 4 || q.w[0] != "nat" || classify(q.w[1]) != tokWord || !q.plainTo(2, min(q.n, 5)) {
		return nil, false
	}
	n := &ObjectNAT{Pos: q.pos(0)}
	if n.Ifaces.Capture([]string{q.w[1]}) != nil {
		return nil, false
	}
	switch n.Kind = q.w[2]; n.Kind {
	case "static", "dynamic":
	default:
		return nil, false
	}
	n.Mapped = &NATMapped{Pos: q.pos(3)}
	i := 4
	switch q.w[3] {
	case "interface":
		n.Mapped.Interface = true
	case "pat-pool":
		if q.n < 5 {
			return nil, false
		}
		n.Mapped.PatPool, i = q.w[4], 5
	default:
		n.Mapped.Target = q.w[3]
	}
	var ok bool
	if n.Options, ok = q.natOptions(i); !ok {
		return nil, false
	}
	return n, true
}

// natOptions reads the NAT options from word i to the end: flags, "service tcp|udp|sctp
// P P" and "description WORD...".
func (q *qline) natOptions(i int) ([]*NATOption, bool) {
	var opts []*NATOption
	for i < q.n {
		o := &NATOption{Pos: q.pos(i)}
		switch w := q.w[i]; {
		case w == "description":
			if i+1 == q.n {
				return nil, false
			}
			o.Description, i = append(make([]string, 0, q.n-i-1), q.w[i+1:q.n]...), q.n
		case natFlag([]byte(w)):
			o.Flag, i = w, i+1
		case w == "service" && i+3 < q.n && (q.w[i+1] == "tcp" || q.w[i+1] == "udp" || q.w[i+1] == "sctp") && q.plainTo(i+2, i+4):
			o.Service = &NATService{Pos: q.pos(i + 1), Protocol: q.w[i+1], RealPort: &Port{Pos: q.pos(i + 2), Raw: q.w[i+2]}, MappedPort: &Port{Pos: q.pos(i + 3), Raw: q.w[i+3]}}
			i += 4
		default:
			return nil, false
		}
		opts = append(opts, o)
	}
	return opts, true
}

// quickTwiceNAT reads "nat [(REAL,MAPPED)] source static|dynamic REAL MAPPED [destination
// static MAPPED REAL] [options]", the twice NAT lines of a large configuration, with
// MAPPED an object, group or address (not interface or pat-pool).
func quickTwiceNAT(file string, num int, text string) (*NATLine, bool) {
	var q qline
	if !q.split(file, num, text) || q.n < 5 || q.w[0] != "nat" {
		return nil, false
	}
	n := &NATLine{Pos: q.pos(0)}
	i := 1
	if q.w[1] != "source" {
		if classify(q.w[1]) != tokWord || n.Ifaces.Capture([]string{q.w[1]}) != nil {
			return nil, false
		}
		i = 2
	}
	// source KIND REAL MAPPED, then destination static MAPPED REAL: plain names.
	name := func(j int) bool { return j < q.n && classify(q.w[j]) != tokTime && !natKeyword([]byte(q.w[j])) }
	if i+3 >= q.n || q.w[i] != "source" || q.w[i+1] != "static" && q.w[i+1] != "dynamic" || !name(i+2) || !name(i+3) {
		return nil, false
	}
	t := &TwiceNAT{Pos: q.pos(i), Src: &TwiceSource{Pos: q.pos(i + 1), Kind: q.w[i+1], Real: q.w[i+2], Mapped: &NATMapped{Pos: q.pos(i + 3), Target: q.w[i+3]}}}
	i += 4
	if i < q.n && q.w[i] == "destination" {
		if i+3 >= q.n || q.w[i+1] != "static" || !name(i+2) || !name(i+3) {
			return nil, false
		}
		t.Destination = &TwiceDest{Pos: q.pos(i + 1), Kind: "static", Mapped: q.w[i+2], Real: q.w[i+3]}
		i += 4
	}
	var ok bool
	if t.Options, ok = q.natOptions(i); !ok {
		return nil, false
	}
	n.Twice = t
	return n, true
}

// quickInterfaceChild reads the lines below an interface: "nameif NAME", "security-level
// N", "ip address A M [standby S]" and the other settings, kept as words. An interface
// block is a few lines, but a configuration has hundreds of them: the grammar cost the
// 1M-line benchmark's parse more than its 137,000 access-list lines.
func quickInterfaceChild(file string, num int, text string) (*interfaceChild, bool) {
	var q qline
	if !q.split(file, num, text) || q.n == 0 {
		return nil, false
	}
	switch q.w[0] {
	case "nameif":
		if q.n != 2 || !q.plain(1) {
			return nil, false
		}
		return &interfaceChild{Nameif: &Nameif{Pos: q.pos(0), Name: q.w[1]}}, true
	case "security-level":
		// One to three digits without a leading zero: what the grammar's conversion of the
		// number reads as written.
		if q.n != 2 {
			return nil, false
		}
		level, ok := sketchNumber([]byte(q.w[1]), 3)
		if !ok {
			return nil, false
		}
		return &interfaceChild{Security: &SecurityLevel{Pos: q.pos(0), Level: level}}, true
	case "ip":
		if q.n != 4 && q.n != 6 || q.w[1] != "address" || q.w[2] == "dhcp" || q.w[2] == "pppoe" || !q.plain(2) {
			return nil, false
		}
		a := &IPAddress{Pos: q.pos(0), Address: q.address(2), Mask: q.address(3)}
		if q.n == 6 {
			if q.w[4] != "standby" {
				return nil, false
			}
			a.Standby = q.address(5)
		}
		return &interfaceChild{Address: a}, true
	}
	return &interfaceChild{Other: &InterfaceSetting{Pos: q.pos(0), Words: append(make([]string, 0, q.n), q.w[:q.n]...)}}, true
}
