// Package capture reads packet captures (pcap and pcapng files, the ASA's "show capture"
// output, tshark/Wireshark one-line summaries) and yields, in frame order and streamed, the
// SIP messages and the few other packets that tell a registration's story: keepalives on a
// SIP flow and ICMP errors quoting one. It knows nothing of registrations or rules; package
// registration reads its events.
package capture

import (
	"fmt"
	"net/netip"
	"time"
)

// Kind is what an Event is.
type Kind int

const (
	// SIP is one SIP request or response (Event.SIP is set).
	SIP Kind = iota
	// Keepalive is a NAT keepalive on a SIP flow: a CRLF ping (RFC 5626 "\r\n\r\n" or a
	// bare "\r\n") or a STUN binding request or response (Event.Keepalive says which).
	Keepalive
	// Unreachable is an ICMP or ICMPv6 destination-unreachable (or time-exceeded) that
	// quotes a packet of a flow: Src and Dst are the quoted packet's addresses, From is the
	// router that sent the error and Reason its type/code in words.
	Unreachable
	// Packet is a packet whose payload the input does not show ("show capture" without
	// detail or dump): only its addresses, ports, transport and Length are known.
	Packet
)

// Event is one thing seen in a capture.
type Event struct {
	// File is the capture as named by the user; Frame the 1-based number of the frame (for
	// a SIP message over TCP split across segments, the frame of its first byte), as
	// Wireshark and "show capture" number them.
	File  string
	Frame int
	// Time is the frame's timestamp; zero when the input has none. The text forms carry
	// no date: for a tshark summary Time is 1970-01-01 00:00:00 UTC (Unix 0) plus the
	// seconds since the first packet, for "show capture" Unix 0 plus the time of day (a
	// day more each time the clock goes back past midnight). Differences between events
	// are right in every form; the date is not.
	Time time.Time
	Kind Kind
	// Transport is "UDP" or "TCP"; "" in a tshark summary, which does not show it (and
	// whose Src and Dst have port 0 for the same reason).
	Transport string
	Src, Dst  netip.AddrPort
	// SIP is the message (Kind SIP).
	SIP *Message
	// Keepalive is "crlf" or "stun" (Kind Keepalive).
	Keepalive string
	// From and Reason describe an ICMP error (Kind Unreachable).
	From   netip.Addr
	Reason string
	// Length is the transport payload's length in bytes as the input states it.
	Length int
}

// Warning is something in the input that was not read, or not read whole (a truncated
// frame, a snaplen that cut a SIP message, a malformed message): named by file and frame
// so the user can find it, never guessed around.
type Warning struct {
	File    string
	Frame   int
	Message string
}

func (w Warning) String() string { return fmt.Sprintf("%s: frame %d: %s", w.File, w.Frame, w.Message) }

// Message is the part of a SIP message the registration rules read. Fields a text summary
// cannot show stay empty, and Summary says so.
type Message struct {
	// Request is true for a request; Method is the request's method, or for a response
	// the method of its CSeq.
	Request    bool
	Method     string
	RequestURI string
	StatusCode int
	Reason     string

	CallID   string
	CSeq     uint32
	From, To string // the URIs, without tags or display names
	FromTag  string
	ToTag    string
	Contacts []Contact
	Expires  int // the Expires header in seconds; -1 when absent
	// MinExpires is a 423 Interval Too Brief's Min-Expires header in seconds; -1 when absent.
	MinExpires int
	Via        []Via
	UserAgent  string
	// Credentials are the Authorization or Proxy-Authorization header's non-secret
	// parameters (the digest response is never kept); nil when absent.
	Credentials *Credentials
	// Challenge is the WWW-Authenticate or Proxy-Authenticate header; nil when absent.
	Challenge *Challenge
	// SDPAddresses are the addresses of the SDP body's c= (and o=) lines.
	SDPAddresses []string
	// Summary is true when the message came from a one-line summary (tshark, "show
	// capture" without detail): only Request, Method, RequestURI, StatusCode and Reason
	// are known.
	Summary bool
}

// Contact is one Contact header value.
type Contact struct {
	URI string
	// Expires is the contact's expires parameter in seconds; -1 when absent.
	Expires int
}

// Via is one Via header value.
type Via struct {
	Transport string // "UDP", "TCP", "TLS"...
	Host      string // sent-by host
	Port      int    // sent-by port; 0 when absent
	Received  string // the received parameter; "" when absent
	RPort     int    // the rport parameter's value; 0 when absent or empty
}

// Credentials are what a REGISTER with credentials says about the account.
type Credentials struct {
	Proxy    bool // Proxy-Authorization (answering a 407) rather than Authorization
	Username string
	Realm    string
	Nonce    string
}

// Challenge is a 401/407's digest challenge.
type Challenge struct {
	Proxy bool // Proxy-Authenticate
	Realm string
	Nonce string
	Stale bool
}
