package evidence

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/asaaudit/asaaudit/internal/lazyre"
)

// Conn is one connection of a "show conn" output.
//
// "show conn long" (ASA 8.4 and later; 9.x adds the Initiator/Responder and "Connection
// lookup keyid" lines under it):
//
//	UDP EXTERNAL02: 204.11.192.22/5080 (204.11.192.22/5080) TRUST01: 10.200.41.89/55589 (1.22.11.100/55589), flags - , idle 1s, uptime 8m18s, timeout 1m0s, bytes 17115
//	  Initiator: 10.200.41.89, Responder: 204.11.192.22
//	  Connection lookup keyid: 29581235
//
// "show conn detail" (the same without the mapped addresses, the counters on a second line):
//
//	UDP outside: 198.51.100.7/5060 inside: 10.1.1.10/5060,
//	    flags -, idle 3s, uptime 2m1s, timeout 2m0s, bytes 1520
//
// "show conn" (real(mapped):port, no uptime or timeout):
//
//	UDP outside 198.51.100.7:5060 inside 10.1.1.10(203.0.113.5):5060, idle 0:00:03, bytes 1520, flags -
type Conn struct {
	Pos Position
	// Source is the connection's first line as written, without its indentation.
	Source string
	Output *Output
	// Proto is the protocol in lower case: "udp", "tcp", "icmp", "sctp", ...
	Proto string
	// A and B are the two ends in the order printed (the first is the lower-security
	// interface's, as the ASA prints them).
	A, B  Side
	Flags string // as printed, e.g. "-", "UIO", "- N1"
	Idle  time.Duration
	// Uptime and Timeout are known only when HasUptime / HasTimeout ("show conn" prints
	// neither). A Timeout of 0 means the connection never idles out.
	Uptime, Timeout       time.Duration
	HasUptime, HasTimeout bool
	Bytes                 int64
	// Initiator and Responder come from the line under the connection (9.x), else invalid.
	Initiator, Responder netip.Addr
	// LookupKeyID is the "Connection lookup keyid" (9.x), "" when absent.
	LookupKeyID string
	// Extra holds the fields of the line this package does not use ("xlate id 0x...",
	// "flow id 3378", "Rx-RingNum 45", ...), as written.
	Extra []string

	idleSet bool // the counters have been read (every form prints idle)
}

// Side is one end of a connection.
type Side struct {
	Interface string
	Addr      netip.Addr
	Port      int
	// Mapped and MappedPort are the translated address and port; equal to Addr and Port
	// when the output shows no translation.
	Mapped     netip.Addr
	MappedPort int
}

// String writes the side as "show conn long" does: "IF ADDR/PORT (MAPPED/PORT)", the
// mapped part only when it differs.
func (s Side) String() string {
	out := fmt.Sprintf("%s %s/%d", s.Interface, s.Addr, s.Port)
	if s.Mapped != s.Addr || s.MappedPort != s.Port {
		out += fmt.Sprintf(" (%s/%d)", s.Mapped, s.MappedPort)
	}
	return out
}

// HasPort reports whether the connection is of protocol proto ("udp", "tcp") and either end
// uses port, real or mapped.
func (c *Conn) HasPort(proto string, port int) bool {
	if c.Proto != proto {
		return false
	}
	for _, s := range []Side{c.A, c.B} {
		if s.Port == port || s.MappedPort == port {
			return true
		}
	}
	return false
}

// Key identifies a connection across snapshots: protocol and both real ends.
func (c *Conn) Key() string {
	a, b := c.A.String(), c.B.String()
	return c.Proto + " " + a + " <-> " + b
}

// String names the connection by its protocol and real ends: "UDP EXTERNAL02
// 204.11.192.22/5080 <-> TRUST01 10.200.41.89/55589".
func (c *Conn) String() string {
	return fmt.Sprintf("%s %s %s/%d <-> %s %s/%d", strings.ToUpper(c.Proto), c.A.Interface, c.A.Addr, c.A.Port, c.B.Interface, c.B.Addr, c.B.Port)
}

const addrChars = `[0-9A-Fa-f.:]+`

var (
	// longSide is "IF: ADDR/PORT (MADDR/MPORT)" (long) or "IF: ADDR/PORT" (detail); 8.x
	// writes no blank after the colon. An interface name may itself hold a colon.
	longSide = `(\S+?): ?(` + addrChars + `)/(\d+)(?: \((` + addrChars + `)/(\d+)\))?`
	longRe   = lazyre.New(`^([A-Za-z][A-Za-z0-9]*) ` + longSide + ` +` + longSide + `(.*)$`)
	// shortSide is "IF ADDR:PORT" or "IF ADDR(MADDR):PORT".
	shortSide = `(\S+) +(` + addrChars + `?)(?:\((` + addrChars + `)\))?:(\d+)`
	shortRe   = lazyre.New(`^([A-Za-z][A-Za-z0-9]*) +` + shortSide + ` +` + shortSide + `(.*)$`)

	// 8.4 ends the count with a period ("101 in use, 5589 most used.").
	connCountRe    = lazyre.New(`^\d+ in use, \d+ most used\.?$`)
	clusterCountRe = lazyre.New(`^[A-Za-z][A-Za-z -]* connections: \d+ in use, \d+ most used\.?$`)
	// legendRe is a line of the "Flags:" legend; documents and some terminals turn the
	// hyphen into a Unicode minus (U+2212) or dash (U+2013, U+2014).
	legendRe = lazyre.New(`^[A-Za-z0-9] [-\x{2212}\x{2013}\x{2014}] \S`)
	// clusterIDRe is a line of the "Cluster units to ID mappings:" legend of a cluster's
	// "show conn detail".
	clusterIDRe       = lazyre.New(`^ID \d+: \S`)
	initiatorRe       = lazyre.New(`^Initiator: (\S+), Responder: (\S+)$`)
	lookupKeyRe       = lazyre.New(`^Connection lookup keyid: (\S+)$`)
	connProtoPrefixRe = lazyre.New(`^(?:TCP|UDP|SCTP|ICMP|ICMP6|GRE|ESP|AH|IP|[0-9]+) `)
)

// connLineStart reports whether t (trimmed) looks like the first line of a connection.
func connLineStart(t string) bool {
	if !hasConnProtoPrefix(t) {
		return false
	}
	_, ok := matchConn(t)
	return ok
}

// hasConnProtoPrefix reports whether t starts as connProtoPrefixRe says a connection line
// does; a line of text that cannot start so is not asked the expression.
func hasConnProtoPrefix(t string) bool {
	if !reference && (t == "" || strings.IndexByte("TUSIGEA0123456789", t[0]) < 0) {
		return false
	}
	return connProtoPrefixRe.Get().MatchString(t)
}

// connReader reads the lines of one "show conn" output.
type connReader struct {
	counted bool  // the "N in use, M most used" line has been read
	last    *Conn // the connection that Initiator and keyid lines belong to
	pending *Conn // a detail connection waiting for its "flags ..." line
	legend  bool  // inside the "Flags:" legend
	// clusterIDs is set inside the "Cluster units to ID mappings:" legend, whose long
	// entries go on under the entry, indented deeper.
	clusterIDs bool
	// scratch is where fastLine reads the connections it does not keep, so that a table
	// of a million flows costs no allocation for each.
	scratch Conn
}

func (r *connReader) line(p *state, pos Position, text string) bool {
	t := strings.TrimSpace(text)
	indented := len(text) > len(strings.TrimLeft(text, " \t"))
	if r.pending != nil {
		c := r.pending
		r.pending = nil
		// A capture that lost the indentation still has the counters right under the line
		// that ends with a comma.
		if strings.HasPrefix(t, "flags ") || t == "flags" {
			if err := c.fields(t); err != nil {
				p.diag(pos, text, "connection counters not readable ("+err.Error()+"), connection not used")
				return true
			}
			r.add(p, c)
			return true
		}
		p.diag(c.Pos, c.Source, "connection without its flags/idle line, not used")
	}
	switch {
	case isConnCount(t):
		if r.counted {
			return false // the next snapshot, saved without its echo
		}
		r.counted, r.legend = true, false
		return true
	case isClusterCount(t),
		t == "Cluster:", t == "Cluster stats:", t == "Inspect Snort:", strings.HasPrefix(t, "preserve-connection: "):
		r.legend = false
		return true
	case strings.HasPrefix(t, "Flags: "):
		r.legend, r.clusterIDs = true, false
		return true
	case r.legend && isLegend(t):
		return true
	case t == "Cluster units to ID mappings:":
		r.legend, r.clusterIDs = false, true
		return true
	case r.clusterIDs && (isClusterID(t) || indented && len(text)-len(strings.TrimLeft(text, " \t")) > 4 && notConnLine(t)):
		return true
	}
	if indented {
		if ini, res, ok := matchInitiator(t); ok {
			a, err1 := netip.ParseAddr(ini)
			b, err2 := netip.ParseAddr(res)
			if r.last == nil || err1 != nil || err2 != nil {
				p.diag(pos, text, "Initiator/Responder line without a connection above it, not used")
				return true
			}
			r.last.Initiator, r.last.Responder = a, b
			return true
		}
		if key, ok := matchLookupKey(t); ok {
			if r.last == nil {
				p.diag(pos, text, "keyid line without a connection above it, not used")
				return true
			}
			r.last.LookupKeyID = key
			return true
		}
	}
	r.legend, r.clusterIDs = false, false
	c, err := parseConnLine(t)
	if c == nil {
		// Not a line of this output: what follows cannot belong to the connection above.
		r.last = nil
		return false
	}
	c.Pos, c.Source, c.Output = pos, t, p.cur.out
	if err != nil {
		p.diag(pos, text, "connection not readable ("+err.Error()+"), not used")
		r.last = nil
		return true
	}
	if !c.counted() {
		r.pending = c // detail form: the counters follow on the next line
		return true
	}
	r.add(p, c)
	return true
}

// add records c: counted in its output, kept when p keeps it. A connection not kept is
// still the one its Initiator and keyid lines belong to.
func (r *connReader) add(p *state, c *Conn) {
	c.Output.Conns++
	if p.keepsConn(c) {
		p.ev.Conns = append(p.ev.Conns, c)
	}
	r.last = c
}

func (r *connReader) flush(p *state) {
	if r.pending != nil {
		p.diag(r.pending.Pos, r.pending.Source, "connection without its flags/idle line, not used")
		r.pending = nil
	}
	r.last = nil
}

// notConnLine reports whether t is not a connection line: the text of a legend entry
// continued on the next line.
func notConnLine(t string) bool {
	c, _ := parseConnLine(t)
	return c == nil
}

// counted reports whether the connection line held its counters (not the detail form's
// first line).
func (c *Conn) counted() bool { return c.idleSet }

// parseConnLine reads a connection's first line. It returns nil when the line is not a
// connection line at all, and the connection with an error when it is one that cannot be read.
func parseConnLine(t string) (*Conn, error) {
	m, ok := matchConn(t)
	if !ok {
		return nil, nil
	}
	c := &Conn{}
	return c, c.build(m)
}

// build fills c, which is empty, from what matchConn read of a connection line.
func (c *Conn) build(m connMatch) error {
	c.Proto = lowerProto(m.proto)
	var err error
	if c.A, err = side(m.a[0], m.a[1], m.a[2], m.a[3], m.a[4]); err == nil {
		c.B, err = side(m.b[0], m.b[1], m.b[2], m.b[3], m.b[4])
	}
	if err != nil {
		return err
	}
	rest := strings.TrimSpace(m.rest)
	if rest == "," || rest == "" {
		return nil
	}
	rest = strings.TrimPrefix(rest, ",")
	return c.fields(rest)
}

// side builds one end from the text of its address, port, mapped address and mapped port
// (the mapped ones may be empty).
func side(iface, addr, port, maddr, mport string) (Side, error) {
	s := Side{Interface: iface}
	var err error
	if s.Addr, err = netip.ParseAddr(addr); err != nil {
		return s, fmt.Errorf("address %q", addr)
	}
	if s.Port, err = strconv.Atoi(port); err != nil || s.Port > 65535 {
		return s, fmt.Errorf("port %q", port)
	}
	s.Mapped, s.MappedPort = s.Addr, s.Port
	// A mapped part equal to the real one (most of a table) is not read again.
	if maddr != "" && maddr != addr {
		if s.Mapped, err = netip.ParseAddr(maddr); err != nil {
			return s, fmt.Errorf("address %q", maddr)
		}
	}
	if mport != "" && mport != port {
		if s.MappedPort, err = strconv.Atoi(mport); err != nil || s.MappedPort > 65535 {
			return s, fmt.Errorf("port %q", mport)
		}
	}
	return s, nil
}

// fields reads the comma-separated "flags ..., idle ..., uptime ..., timeout ...,
// bytes ..." part of a connection.
func (c *Conn) fields(s string) error {
	for s != "" {
		// strings.SplitSeq(s, ","), by hand: the fields are short, and the loop is run
		// for every connection of a table.
		f := s
		if i := strings.IndexByte(s, ','); i >= 0 {
			f, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		key, val, _ := strings.Cut(f, " ")
		val = strings.TrimSpace(val)
		var err error
		switch key {
		case "flags":
			c.Flags = val
			// A document's typography turns the "no flags" hyphen into a dash.
			if c.Flags == "" || c.Flags == "\u2013" || c.Flags == "\u2014" || c.Flags == "\u2212" {
				c.Flags = "-"
			}
		case "idle":
			c.Idle, err = ParseDuration(val)
			c.idleSet = err == nil
		case "uptime":
			c.Uptime, err = ParseDuration(val)
			c.HasUptime = err == nil
		case "timeout":
			c.Timeout, err = ParseDuration(val)
			c.HasTimeout = err == nil
		case "bytes":
			c.Bytes, err = strconv.ParseInt(val, 10, 64)
		default:
			c.Extra = append(c.Extra, f)
		}
		if err != nil {
			return fmt.Errorf("%s %q", key, val)
		}
	}
	if !c.idleSet {
		return fmt.Errorf("no idle time")
	}
	return nil
}
