package capture

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// looksSIP says whether b starts with a SIP request line ("METHOD uri SIP/2.0") or status
// line ("SIP/2.0 NNN"). It is the cheap test every UDP and TCP payload goes through before
// any parsing: RTP (first byte 0x80) and most other traffic fail on the first byte.
func looksSIP(b []byte) bool {
	if len(b) < 12 {
		return false
	}
	if bytes.HasPrefix(b, []byte("SIP/2.0 ")) {
		return b[8] >= '1' && b[8] <= '6'
	}
	if b[0] < 'A' || b[0] > 'Z' {
		return false
	}
	// The method: uppercase letters (and '-', as extension methods may), then a space.
	i := 1
	for ; i < len(b) && i < 20; i++ {
		c := b[i]
		if c == ' ' {
			break
		}
		if (c < 'A' || c > 'Z') && c != '-' {
			return false
		}
	}
	if i >= len(b) || b[i] != ' ' {
		return false
	}
	line := b[i+1:]
	if len(line) > 1024 {
		line = line[:1024]
	}
	end := bytes.IndexByte(line, '\n')
	if end < 0 {
		return false
	}
	line = bytes.TrimRight(line[:end], "\r")
	return bytes.HasSuffix(line, []byte(" SIP/2.0")) && bytes.IndexByte(line, ':') > 0
}

// onlyCRLF says whether b is a CRLF keepalive: nothing but CR and LF.
func onlyCRLF(b []byte) bool {
	if len(b) == 0 || len(b) > 8 {
		return false
	}
	for _, c := range b {
		if c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// isSTUN says whether b is a STUN message (RFC 5389): two zero top bits, the magic cookie,
// and a length that matches the rest.
func isSTUN(b []byte) bool {
	return len(b) >= 20 && b[0]&0xc0 == 0 &&
		b[4] == 0x21 && b[5] == 0x12 && b[6] == 0xa4 && b[7] == 0x42 &&
		int(b[2])<<8|int(b[3]) == len(b)-20
}

// sipParser is shared: a sip.Parser is read-only once built.
var sipParser = sip.NewParser()

// parseSIP parses one whole SIP message. sipgo is a third-party parser fed with bytes from
// any capture: a panic in it becomes a malformed-message error, never a crash of the tool.
func parseSIP(b []byte) (m *Message, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("SIP parser failed: %v", p)
		}
	}()
	msg, err := sipParser.ParseSIP(b)
	if err != nil {
		return nil, err
	}
	return toMessage(msg)
}

// toMessage keeps what the registration rules read.
func toMessage(msg sip.Message) (*Message, error) {
	m := &Message{Expires: -1, MinExpires: -1}
	switch v := msg.(type) {
	case *sip.Request:
		m.Request = true
		m.Method = string(v.Method)
		m.RequestURI = v.Recipient.String()
	case *sip.Response:
		m.StatusCode = v.StatusCode
		m.Reason = v.Reason
	default:
		return nil, fmt.Errorf("not a SIP request or response")
	}
	if cs := msg.CSeq(); cs != nil {
		m.CSeq = cs.SeqNo
		if !m.Request {
			m.Method = string(cs.MethodName)
		}
	}
	if id := msg.CallID(); id != nil {
		m.CallID = id.Value()
	}
	if f := msg.From(); f != nil {
		m.From = uri(&f.Address)
		m.FromTag, _ = f.Params.Get("tag")
	}
	if t := msg.To(); t != nil {
		m.To = uri(&t.Address)
		m.ToTag, _ = t.Params.Get("tag")
	}
	for _, h := range msg.GetHeaders("Contact") {
		c, ok := h.(*sip.ContactHeader)
		if !ok {
			continue
		}
		ct := Contact{URI: uri(&c.Address), Expires: -1}
		if e, ok := c.Params.Get("expires"); ok {
			ct.Expires = atoi(e, -1)
		}
		m.Contacts = append(m.Contacts, ct)
	}
	for _, h := range msg.GetHeaders("Via") {
		v, ok := h.(*sip.ViaHeader)
		if !ok {
			continue
		}
		via := Via{Transport: strings.ToUpper(v.Transport), Host: v.Host, Port: v.Port}
		via.Received, _ = v.Params.Get("received")
		if rp, ok := v.Params.Get("rport"); ok {
			via.RPort = atoi(rp, 0)
		}
		m.Via = append(m.Via, via)
	}
	if h := header(msg, "Expires"); h != nil {
		m.Expires = atoi(strings.TrimSpace(h.Value()), -1)
	}
	if h := header(msg, "Min-Expires"); h != nil {
		m.MinExpires = atoi(strings.TrimSpace(h.Value()), -1)
	}
	if h := header(msg, "User-Agent"); h != nil {
		m.UserAgent = h.Value()
	}
	for _, name := range []string{"Authorization", "Proxy-Authorization"} {
		if h := header(msg, name); h != nil {
			c := &Credentials{Proxy: name == "Proxy-Authorization"}
			// Only the account's names are copied: the digest response stays in the
			// parsed value, which is dropped here.
			if d, err := digest.ParseCredentials(h.Value()); err == nil {
				c.Username, c.Realm, c.Nonce = d.Username, d.Realm, d.Nonce
			}
			m.Credentials = c
			break
		}
	}
	for _, name := range []string{"WWW-Authenticate", "Proxy-Authenticate"} {
		if h := header(msg, name); h != nil {
			c := &Challenge{Proxy: name == "Proxy-Authenticate"}
			if d, err := digest.ParseChallenge(h.Value()); err == nil {
				c.Realm, c.Nonce, c.Stale = d.Realm, d.Nonce, d.Stale
			}
			m.Challenge = c
			break
		}
	}
	m.SDPAddresses = sdpAddresses(msg.Body())
	return m, nil
}

// uri is a URI as the rules compare it: "*" for a wildcard Contact.
func uri(u *sip.Uri) string {
	if u.Wildcard {
		return "*"
	}
	return u.String()
}

// sdpAddresses returns the distinct addresses of an SDP body's c= and o= lines, in order.
func sdpAddresses(body []byte) []string {
	var out []string
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) < 2 || line[1] != '=' || (line[0] != 'c' && line[0] != 'o') {
			continue
		}
		// c=IN IP4 addr[/ttl]; o=user sess-id version IN IP4 addr: the address is last.
		f := strings.Fields(string(line[2:]))
		if len(f) < 3 || f[len(f)-3] != "IN" {
			continue
		}
		addr, _, _ := strings.Cut(f[len(f)-1], "/")
		if !slices.Contains(out, addr) {
			out = append(out, addr)
		}
	}
	return out
}

func atoi(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

// header is the first header called name, or nil.
func header(msg sip.Message, name string) sip.Header {
	if hs := msg.GetHeaders(name); len(hs) > 0 {
		return hs[0]
	}
	return nil
}
