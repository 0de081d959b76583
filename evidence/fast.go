package evidence

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
)

// The readers in this file stand in front of the regular expressions of conn.go and
// evidence.go, which stay the reference: a whole "show conn long" of a busy firewall is
// millions of lines, and a regular expression on each costs thirty times what reading the
// configuration does. Each reader here either knows the expression's exact answer for a
// line (a cheap test that the line cannot match, or the one match a backtracking reading
// of the expression would find) or says it does not, and the expression is asked then.
// TestFastEquivalence compares both on many lines and whole captures.

// reference makes the package use its regular expressions alone, without the exact
// pre-checks and hand-written readers in front of them: the tests set it to compare both.
var reference = false

// isBlank reports whether b is a blank of the regular expressions' \s ([\t\n\f\r ]: not \v).
func isBlank(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r'
}

// word reports whether s is one \S+ of the regular expressions: not empty, no blank.
func word(s string) bool {
	return s != "" && span(s, 0, func(b byte) bool { return !isBlank(b) }) == len(s)
}

// isAddrChar reports whether b is one of addrChars ([0-9A-Fa-f.:]).
func isAddrChar(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F' || b == '.' || b == ':'
}

func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// span returns the end of the run of bytes from i that satisfy in.
func span(t string, i int, in func(byte) bool) int {
	for i < len(t) && in(t[i]) {
		i++
	}
	return i
}

// mayBePrompt reports whether text can be a prompt line: promptRe needs a '#' or a '>'.
func mayBePrompt(text string) bool {
	return reference || strings.IndexByte(text, '#') >= 0 || strings.IndexByte(text, '>') >= 0
}

// isConnCount reports whether t is the "N in use, M most used" line, as connCountRe does.
func isConnCount(t string) bool {
	if reference {
		return connCountRe.Get().MatchString(t)
	}
	i := span(t, 0, isDigit)
	if i == 0 || !strings.HasPrefix(t[i:], " in use, ") {
		return false
	}
	i += len(" in use, ")
	j := span(t, i, isDigit)
	if j == i {
		return false
	}
	return t[j:] == " most used" || t[j:] == " most used."
}

// isClusterCount reports whether t is a cluster's "... connections: N in use, M most used"
// line; clusterCountRe needs the line to end as the count does.
func isClusterCount(t string) bool {
	return (reference || strings.HasSuffix(t, " most used") || strings.HasSuffix(t, " most used.")) &&
		clusterCountRe.Get().MatchString(t)
}

// isLegend reports whether t is a line of the "Flags:" legend; legendRe needs a blank as
// the second byte.
func isLegend(t string) bool {
	return (reference || len(t) > 1 && t[1] == ' ') && legendRe.Get().MatchString(t)
}

// isClusterID reports whether t is an entry of the "Cluster units to ID mappings:" legend.
func isClusterID(t string) bool {
	return (reference || strings.HasPrefix(t, "ID ")) && clusterIDRe.Get().MatchString(t)
}

// hasPrefixOrRef reports whether t starts with prefix, the literal start of a regular
// expression asked next; always true for the reference.
func hasPrefixOrRef(t, prefix string) bool { return reference || strings.HasPrefix(t, prefix) }

// matchInitiator reads "Initiator: A, Responder: B" as initiatorRe does. The first blank
// after "Initiator: " must be the one of ", Responder: ", since the first address holds
// none: the line has a single reading, found without backtracking.
func matchInitiator(t string) (ini, res string, ok bool) {
	const head, mid = "Initiator: ", ", Responder: "
	if !reference && strings.HasPrefix(t, head) {
		i := len(head)
		for i < len(t) && !isBlank(t[i]) {
			i++
		}
		if i-1 > len(head) && t[i-1] == ',' && strings.HasPrefix(t[i-1:], mid) {
			res = t[i-1+len(mid):]
			if word(res) {
				return t[len(head) : i-1], res, true
			}
		}
	}
	// Whatever the reader above did not read is left to the expression, the reference.
	if !hasPrefixOrRef(t, head) {
		return "", "", false
	}
	m := initiatorRe.Get().FindStringSubmatch(t)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// matchLookupKey reads "Connection lookup keyid: K" as lookupKeyRe does.
func matchLookupKey(t string) (key string, ok bool) {
	const head = "Connection lookup keyid: "
	if !reference && strings.HasPrefix(t, head) {
		key = t[len(head):]
		if word(key) {
			return key, true
		}
	}
	if !hasPrefixOrRef(t, head) {
		return "", false
	}
	m := lookupKeyRe.Get().FindStringSubmatch(t)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// connMatch is what longRe or shortRe read of a connection line.
type connMatch struct {
	proto string
	// a and b are each side's interface, address, port, mapped address and mapped port
	// (the mapped ones "" when not printed).
	a, b [5]string
	rest string // what follows the second side
}

// matchConn reads a connection's first line as longRe, or else shortRe, does: ok is false
// when neither matches.
func matchConn(t string) (m connMatch, ok bool) {
	if !reference {
		if m, ok, certain := matchConnFast(t); certain {
			return m, ok
		}
	}
	return matchConnRE(t)
}

// matchConnRE is matchConn by the regular expressions, the reference.
func matchConnRE(t string) (m connMatch, ok bool) {
	if s := longRe.Get().FindStringSubmatch(t); s != nil {
		m.proto, m.rest = s[1], s[12]
		copy(m.a[:], s[2:7])
		copy(m.b[:], s[7:12])
		return m, true
	}
	if s := shortRe.Get().FindStringSubmatch(t); s != nil {
		m.proto, m.rest = s[1], s[10]
		m.a = [5]string{s[2], s[3], s[5], s[4], ""}
		m.b = [5]string{s[6], s[7], s[9], s[8], ""}
		return m, true
	}
	return m, false
}

// matchConnFast reads t as matchConnRE does, or says it cannot be certain. A backtracking
// reading of an expression returns its first success in the order of preference (a lazy
// part as short as possible, a greedy one as long as possible, an optional part present),
// and a line's last part (.*) always matches: the reader takes at each choice the first
// alternative that is not certain to fail, and gives up (certain false) as soon as it would
// have to come back on a choice made. Every alternative it passes over fails on the bytes
// right after it (an address run not followed by '/', a port not followed by a blank).
func matchConnFast(t string) (m connMatch, ok, certain bool) {
	if strings.IndexByte(t, '\n') >= 0 {
		return m, false, false // (.*)$ does not cross a line break: left to the expressions
	}
	// Both expressions start with the protocol word and a blank.
	if t == "" || !isLetter(t[0]) {
		return m, false, true
	}
	p := span(t, 1, func(b byte) bool { return isLetter(b) || isDigit(b) })
	if p == len(t) || t[p] != ' ' {
		return m, false, true
	}
	m.proto = t[:p]
	switch end, st := longSides(t, p+1, &m); st {
	case sideOK:
		m.rest = t[end:]
		return m, true, true
	case sideUnsure:
		return m, false, false
	}
	// longRe cannot match: shortRe is asked.
	switch end, st := shortSides(t, span(t, p, isSpace), &m); st {
	case sideOK:
		m.rest = t[end:]
		return m, true, true
	case sideUnsure:
		return m, false, false
	}
	return connMatch{}, false, true
}

// isSpace reports whether b is the space, the one blank that ` +` and ' ?' match.
func isSpace(b byte) bool { return b == ' ' }

// Outcomes of reading the sides of a connection line.
const (
	sideFails  = iota // the expression certainly does not match
	sideOK            // read, as the expression would
	sideUnsure        // the expression would backtrack: left to it
)

// maxColons is how many of an interface name's possible ends (its colons) the reader tries
// before leaving the line to the expression: each try reads the address after it, and a
// line of thousands of colons would cost their square, where the expression's cost is
// linear. A real interface name holds one or two.
const maxColons = 4

// longSides reads the two longSide parts from i (right after the protocol's blank).
func longSides(t string, i int, m *connMatch) (int, int) {
	// The first interface is the shortest run of non-blanks before a ':' that leads on to
	// a readable side.
	tries := 0
	for c := i + 1; c < len(t) && !isBlank(t[c]); c++ {
		if t[c] != ':' || isBlank(t[i]) {
			continue
		}
		if tries++; tries > maxColons {
			return 0, sideUnsure
		}
		end, st := readLongSide(t, i, c, false, &m.a)
		if st == sideFails {
			continue
		}
		if st == sideUnsure {
			return 0, sideUnsure
		}
		// ` +` and then the second side; any failure there would send the expression back
		// to the first side's other readings.
		j := span(t, end, isSpace)
		if j == end {
			return 0, sideUnsure
		}
		tries = 0
		for c2 := j + 1; c2 < len(t) && !isBlank(t[c2]); c2++ {
			if t[c2] != ':' || isBlank(t[j]) {
				continue
			}
			if tries++; tries > maxColons {
				return 0, sideUnsure
			}
			end2, st2 := readLongSide(t, j, c2, true, &m.b)
			if st2 == sideOK {
				return end2, sideOK
			}
			if st2 == sideUnsure {
				return 0, sideUnsure
			}
		}
		return 0, sideUnsure
	}
	return 0, sideFails
}

// readLongSide reads one longSide whose interface is t[i:c] (t[c] is its ':'); last tells the
// second side, followed by (.*), from the first, which must be followed by a blank. It
// returns where the side ends.
func readLongSide(t string, i, c int, last bool, s *[5]string) (int, int) {
	k := c + 1
	if k < len(t) && t[k] == ' ' {
		k++ // ' ?' takes the blank; without it the address would start with one
	}
	a := span(t, k, isAddrChar)
	if a == k || a == len(t) || t[a] != '/' {
		return 0, sideFails
	}
	port := span(t, a+1, isDigit)
	if port == a+1 {
		return 0, sideFails
	}
	*s = [5]string{t[i:c], t[k:a], t[a+1 : port], "", ""}
	// The mapped part, when present, is preferred.
	if strings.HasPrefix(t[port:], " (") {
		ma := span(t, port+2, isAddrChar)
		if ma > port+2 && ma < len(t) && t[ma] == '/' {
			mp := span(t, ma+1, isDigit)
			if mp > ma+1 && mp < len(t) && t[mp] == ')' {
				if last || mp+1 < len(t) && t[mp+1] == ' ' {
					s[3], s[4] = t[port+2:ma], t[ma+1:mp]
					return mp + 1, sideOK
				}
				// Without the blank, the expression would try the side without its
				// mapped part.
				return 0, sideUnsure
			}
		}
	}
	if last || port < len(t) && t[port] == ' ' {
		return port, sideOK
	}
	return 0, sideFails
}

// shortSides reads the two shortSide parts from i (after the blanks that follow the
// protocol).
func shortSides(t string, i int, m *connMatch) (int, int) {
	// The interface is the whole run of non-blanks, followed by blanks.
	e := i
	for e < len(t) && !isBlank(t[e]) {
		e++
	}
	if e == i || e == len(t) || t[e] != ' ' {
		return 0, sideFails
	}
	end, st := shortAddr(t, span(t, e, isSpace), false, &m.a)
	if st != sideOK {
		return 0, st
	}
	m.a[0] = t[i:e]
	// Any failure from here on would send the expression back to the first side.
	j := span(t, end, isSpace)
	if j == end {
		return 0, sideUnsure
	}
	e = j
	for e < len(t) && !isBlank(t[e]) {
		e++
	}
	if e == j || e == len(t) || t[e] != ' ' {
		return 0, sideUnsure
	}
	end, st = shortAddr(t, span(t, e, isSpace), true, &m.b)
	if st != sideOK {
		return 0, sideUnsure
	}
	m.b[0] = t[j:e]
	return end, sideOK
}

// shortAddr reads "ADDR:PORT" or "ADDR(MADDR):PORT" from k. The address is lazy: the
// shortest run of address characters followed by a readable rest is taken.
func shortAddr(t string, k int, last bool, s *[5]string) (int, int) {
	for q := k + 1; q < len(t) && isAddrChar(t[q-1]); q++ {
		switch t[q] {
		case '(':
			ma := span(t, q+1, isAddrChar)
			if ma == q+1 || !strings.HasPrefix(t[ma:], "):") {
				return 0, sideFails // and no longer address: '(' is none of its characters
			}
			port := span(t, ma+2, isDigit)
			if port == ma+2 || !last && (port == len(t) || t[port] != ' ') {
				return 0, sideFails
			}
			*s = [5]string{"", t[k:q], t[ma+2 : port], t[q+1 : ma], ""}
			return port, sideOK
		case ':':
			port := span(t, q+1, isDigit)
			if port == q+1 || !last && (port == len(t) || t[port] != ' ') {
				continue // a longer address may be followed by a port
			}
			*s = [5]string{"", t[k:q], t[q+1 : port], "", ""}
			return port, sideOK
		}
	}
	return 0, sideFails
}

// lowerProto returns the protocol in lower case, without allocating for the usual ones.
func lowerProto(p string) string {
	switch p {
	case "TCP", "tcp":
		return "tcp"
	case "UDP", "udp":
		return "udp"
	case "ICMP":
		return "icmp"
	case "SCTP":
		return "sctp"
	}
	return strings.ToLower(p)
}

// fastLine reads one line of a "show conn" output when it is one of the lines that make
// such an output big: a connection line with its counters, an Initiator or keyid line under
// one, or a line of text that is none and starts no other output (reported as not read).
// It returns false, having changed nothing, for any other line or when in doubt: p.line
// reads it then. Everything it does is what p.line would do with the same line.
func (p *state) fastLine(num int, b []byte) bool {
	if reference || p.cur == nil || p.cur.out.Kind != Conns {
		return false
	}
	r := &p.cur.conns
	if r.pending != nil || r.legend || r.clusterIDs {
		return false
	}
	if bytes.IndexByte(b, '#') >= 0 || bytes.IndexByte(b, '>') >= 0 {
		return false // may be a prompt
	}
	// One string per line, which what is kept of it may hold on to. (Borrowing the
	// Scanner's bytes instead, with unsafe, saved a quarter of the time, at the price of
	// copying out whatever is kept; not worth the risk.)
	text := string(b)
	// strings.TrimSpace, when the line starts and ends with ASCII that is no blank.
	i := span(text, 0, func(c byte) bool { return c == ' ' || c == '\t' })
	if i == len(text) || !isLetter(text[i]) && !isDigit(text[i]) {
		return false
	}
	j := len(text)
	for j > i && asciiSpace(text[j-1]) {
		j--
	}
	if text[j-1] >= 0x80 {
		return false // may end with a Unicode blank
	}
	t, indented := text[i:j], i > 0
	if commandKind(t) != Other || isConnCount(t) ||
		strings.HasSuffix(t, " most used") || strings.HasSuffix(t, " most used.") ||
		t == "Cluster:" || t == "Cluster stats:" || t == "Inspect Snort:" || t == "Cluster units to ID mappings:" ||
		strings.HasPrefix(t, "preserve-connection: ") || strings.HasPrefix(t, "Flags: ") {
		return false
	}
	pos := Position{p.file, num}
	switch {
	case indented && strings.HasPrefix(t, "Initiator: "):
		ini, res, ok := matchInitiator(t)
		if !ok || r.last == nil {
			return false
		}
		a, err1 := netip.ParseAddr(ini)
		b, err2 := netip.ParseAddr(res)
		if err1 != nil || err2 != nil {
			return false
		}
		r.last.Initiator, r.last.Responder = a, b
	case indented && strings.HasPrefix(t, "Connection lookup keyid: "):
		key, ok := matchLookupKey(t)
		if !ok || r.last == nil {
			return false
		}
		// The scratch connection is one not kept: nothing reads its key.
		if r.last != &r.scratch {
			r.last.LookupKeyID = key
		}
	default:
		m, ok, certain := matchConnFast(t)
		if !certain {
			return false
		}
		if !ok {
			// No connection line: unless it starts another output, p.line reports it as
			// a line of this one not read (text that is no show output, a whole session
			// log pasted after the table), without a string made of it.
			if sniff(t) != Other {
				return false
			}
			r.last = nil
			p.cur.out.EndLine = num
			p.diag(pos, text, connLineNotRecognised)
			return true
		}
		c := &r.scratch
		*c = Conn{Extra: c.Extra[:0]}
		if err := c.build(m); err != nil || !c.counted() {
			return false
		}
		c.Pos, c.Source, c.Output = pos, t, p.cur.out
		c.Output.Conns++
		if p.keepsConn(c) {
			kept := c.own()
			p.ev.Conns = append(p.ev.Conns, kept)
			r.last = kept
		} else {
			r.last = c
		}
	}
	p.cur.out.EndLine = num
	return true
}

// connLineNotRecognised is the message p.line gives a line of a "show conn" output that
// it does not read.
var connLineNotRecognised = notRecognised(Conns)

// own returns a copy of c, the connection reused for each line read (connReader.scratch),
// with its own Extra.
func (c *Conn) own() *Conn {
	n := new(Conn)
	*n = *c
	n.Extra = nil // as a connection read by p.line has none
	if len(c.Extra) > 0 {
		n.Extra = slices.Clone(c.Extra)
	}
	return n
}
