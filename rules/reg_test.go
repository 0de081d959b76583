package rules_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/capture"
	"github.com/asaaudit/asaaudit/registration"
	"github.com/asaaudit/asaaudit/rules"
)

// net is one transport and address family the scenarios run over: the client's public
// address, the registrar's and a private address.
type net struct {
	name, transport          string
	client, registrar, inner string
}

var nets = []net{
	{"udp4", "UDP", "203.0.113.5", "198.51.100.10", "10.1.1.5"},
	{"tcp4", "TCP", "203.0.113.5", "198.51.100.10", "192.168.1.5"},
	{"udp6", "UDP", "2001:db8:5::5", "2001:db8:1::10", "fd00::5"},
	{"tcp6", "TCP", "2001:db8:5::5", "2001:db8:1::10", "fd00:1::5"},
}

// script builds the events of one scenario.
type script struct {
	n      net
	events []capture.Event
	start  time.Time
}

func (s *script) ap(addr string, port uint16) netip.AddrPort {
	return netip.AddrPortFrom(netip.MustParseAddr(addr), port)
}

func (s *script) add(at float64, src, dst netip.AddrPort, kind capture.Kind, m *capture.Message) *capture.Event {
	s.events = append(s.events, capture.Event{File: "cap.pcapng", Frame: len(s.events) + 1, Time: s.start.Add(time.Duration(at * float64(time.Second))),
		Kind: kind, Transport: s.n.transport, Src: src, Dst: dst, SIP: m})
	return &s.events[len(s.events)-1]
}

// register sends a REGISTER from the client's port at second at.
func (s *script) register(at float64, port uint16, cseq uint32, creds *capture.Credentials) *capture.Message {
	host := s.n.client
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	m := &capture.Message{Request: true, Method: "REGISTER", RequestURI: "sip:example.com", CallID: "c1@phone", CSeq: cseq,
		From: "sip:alice@example.com", To: "sip:alice@example.com", Expires: 120,
		Contacts: []capture.Contact{{URI: fmt.Sprintf("sip:alice@%s:%d", host, port), Expires: -1}},
		Via:      []capture.Via{{Transport: s.n.transport, Host: s.n.client, Port: int(port)}}, Credentials: creds}
	s.add(at, s.ap(s.n.client, port), s.ap(s.n.registrar, 5060), capture.SIP, m)
	return m
}

// respond answers the client's port at second at.
func (s *script) respond(at float64, port uint16, cseq uint32, code int, reason string) *capture.Message {
	m := &capture.Message{Method: "REGISTER", StatusCode: code, Reason: reason, CallID: "c1@phone", CSeq: cseq,
		To: "sip:alice@example.com", Expires: -1, MinExpires: -1}
	s.add(at, s.ap(s.n.registrar, 5060), s.ap(s.n.client, port), capture.SIP, m)
	return m
}

func (s *script) challenge(at float64, cseq uint32, nonce string, stale bool) {
	s.respond(at, 5060, cseq, 407, "Proxy Authentication Required").Challenge = &capture.Challenge{Proxy: true, Realm: "example.com", Nonce: nonce, Stale: stale}
}

func (s *script) ok(at float64, port uint16, cseq uint32, expires int) {
	m := s.respond(at, port, cseq, 200, "OK")
	host := s.n.client
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	m.Contacts = []capture.Contact{{URI: fmt.Sprintf("sip:alice@%s:%d", host, port), Expires: expires}}
}

var creds = &capture.Credentials{Proxy: true, Username: "alice", Realm: "example.com", Nonce: "n1"}

var scenarios = []struct {
	name string
	run  func(s *script)
	want []string // the rules that fire, sorted
	// tcpWant, when set, is want over TCP: a TCP client opens a new connection (a new
	// port) whenever it likes, so a new source is no NAT binding that moved.
	tcpWant []string
	// text must appear in the finding of the first rule of want that is not REG005
	text string
}{
	{"credentials rejected with 403", func(s *script) {
		s.register(0, 5060, 1, nil)
		s.challenge(0.1, 1, "n1", false)
		s.register(0.2, 5060, 2, creds)
		s.respond(0.3, 5060, 2, 403, "Incorrect Authentication")
	}, []string{"REG001", "REG005"}, nil, `username "alice", realm "example.com"`},
	{"same nonce challenged again", func(s *script) {
		s.register(0, 5060, 1, nil)
		s.challenge(0.1, 1, "n1", false)
		s.register(0.2, 5060, 2, creds)
		s.challenge(0.3, 2, "n1", false)
	}, []string{"REG001", "REG005"}, nil, "same nonce"},
	{"stale nonce is a normal re-challenge", func(s *script) {
		s.register(0, 5060, 1, nil)
		s.challenge(0.1, 1, "n1", false)
		s.register(0.2, 5060, 2, creds)
		s.challenge(0.3, 2, "n1", true)
	}, []string{"REG005"}, nil, ""},
	{"retransmitted without answer", func(s *script) {
		for _, at := range []float64{0, 0.5, 1.5, 3.5, 7.5} {
			s.register(at, 5060, 1, nil)
		}
	}, []string{"REG002", "REG005"}, nil, "sent 5 times"},
	{"the capture stops after one retransmission: not shown unanswered", func(s *script) {
		s.register(0, 5060, 1, nil)
		s.register(0.5, 5060, 1, nil)
	}, []string{"REG005"}, nil, ""},
	{"ICMP unreachable", func(s *script) {
		s.register(0, 5060, 1, nil)
		e := s.add(0.01, s.ap(s.n.client, 5060), s.ap(s.n.registrar, 5060), capture.Unreachable, nil)
		e.Reason, e.From = "port unreachable", netip.MustParseAddr(s.n.registrar)
	}, []string{"REG002", "REG005"}, nil, "ICMP port unreachable"},
	{"private addresses not rewritten", func(s *script) {
		m := s.register(0, 5060, 1, nil)
		m.Via[0].Host = s.n.inner
		m.Contacts[0].URI = "sip:alice@" + bracket(s.n.inner) + ":5060"
		s.ok(0.1, 5060, 1, 120)
	}, []string{"REG003", "REG003", "REG005", "REG008"}, nil, "SIP inspection did not rewrite"},
	{"binding moved between refreshes", func(s *script) {
		s.register(0, 1024, 1, nil)
		s.ok(0.1, 1024, 1, 120)
		s.register(90, 1025, 2, nil)
		s.ok(90.1, 1025, 2, 120)
		s.register(180, 1026, 3, nil)
		s.ok(180.1, 1026, 3, 120)
	}, []string{"REG004", "REG005", "REG008"}, []string{"REG005", "REG008"}, "1m30s after the last message"},
	{"new port sooner than any idle timeout: not an idle-out", func(s *script) {
		s.register(0, 1024, 1, nil)
		s.ok(0.1, 1024, 1, 120)
		s.register(10, 1025, 2, nil)
		s.ok(10.1, 1025, 2, 120)
	}, []string{"REG005", "REG008"}, nil, ""},
	{"a private source is the phone, before any NAT", func(s *script) {
		for i, at := range []float64{0, 90} {
			m := s.register(at, uint16(1024+i), uint32(i+1), nil)
			s.events[len(s.events)-1].Src = s.ap(s.n.inner, uint16(1024+i))
			m.Via[0].Host = s.n.inner
			s.ok(at+0.1, uint16(1024+i), uint32(i+1), 120)
			s.events[len(s.events)-1].Dst = s.ap(s.n.inner, uint16(1024+i))
		}
	}, []string{"REG005", "REG008"}, nil, ""},
	{"domain unknown", func(s *script) {
		s.register(0, 5060, 1, nil)
		s.respond(0.1, 5060, 1, 404, "Not Found")
	}, []string{"REG005", "REG006"}, nil, `domain "example.com"`},
	{"403 without challenge", func(s *script) {
		s.register(0, 5060, 1, nil)
		s.respond(0.1, 5060, 1, 403, "Forbidden")
	}, []string{"REG005", "REG006"}, nil, "403 Forbidden"},
	{"interval too brief", func(s *script) {
		s.register(0, 5060, 1, nil)
		s.respond(0.1, 5060, 1, 423, "Interval Too Brief")
	}, []string{"REG005", "REG007"}, nil, "Min-Expires"},
	{"interval too brief, with the registrar's minimum", func(s *script) {
		s.register(0, 5060, 1, nil)
		s.respond(0.1, 5060, 1, 423, "Interval Too Brief").MinExpires = 1800
	}, []string{"REG005", "REG007"}, nil, "Min-Expires: 1800 s"},
	{"registration limit", func(s *script) {
		s.register(0, 5060, 1, nil)
		s.challenge(0.1, 1, "n1", false)
		s.register(0.2, 5060, 2, creds)
		s.respond(0.3, 5060, 2, 403, "Maximum registrations reached")
	}, []string{"REG005", "REG007"}, nil, "Maximum registrations reached"},
	{"registered after challenge, refreshed, with keepalives", func(s *script) {
		s.register(0, 5060, 1, nil)
		s.challenge(0.1, 1, "n1", false)
		s.register(0.2, 5060, 2, creds)
		s.ok(0.3, 5060, 2, 3600)
		for i := 1; i <= 3; i++ {
			s.add(float64(30*i), s.ap(s.n.client, 5060), s.ap(s.n.registrar, 5060), capture.Keepalive, nil).Keepalive = "crlf"
		}
		s.register(300, 5060, 3, nil)
		s.ok(300.1, 5060, 3, 3600)
	}, []string{"REG005", "REG008"}, nil, "expires in 1h"},
	{"summary: REGISTER, 407, REGISTER, 403 repeated", func(s *script) {
		for i := range 2 {
			at := float64(60 * i)
			for j, m := range []*capture.Message{
				{Request: true, Method: "REGISTER", RequestURI: "sip:example.com", Summary: true},
				{Method: "REGISTER", StatusCode: 407, Reason: "Proxy Authentication Required", Summary: true},
				{Request: true, Method: "REGISTER", RequestURI: "sip:example.com", Summary: true},
				{Method: "REGISTER", StatusCode: 403, Reason: "Incorrect Authentication", Summary: true},
			} {
				src, dst := s.ap(s.n.client, 5060), s.ap(s.n.registrar, 5060)
				if !m.Request {
					src, dst = dst, src
				}
				s.add(at+float64(j)/10, src, dst, capture.SIP, m)
			}
		}
	}, []string{"REG001", "REG005"}, nil, "403 Incorrect Authentication (2 times)"},
}

func bracket(a string) string {
	if strings.Contains(a, ":") {
		return "[" + a + "]"
	}
	return a
}

// analyze runs the registration analysis and every capture rule over events.
func analyze(events []capture.Event) ([]*registration.Registration, []rules.Finding) {
	var regs []*registration.Registration
	var out []rules.Finding
	a := registration.New(func(r *registration.Registration) {
		regs = append(regs, r)
		out = append(out, rules.RunCapture(r, rules.All)...)
	})
	for _, e := range events {
		a.Add(e)
	}
	a.Flush()
	return regs, out
}

func TestCaptureRules(t *testing.T) {
	for _, sc := range scenarios {
		for _, n := range nets {
			t.Run(sc.name+"/"+n.name, func(t *testing.T) {
				s := &script{n: n, start: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
				sc.run(s)
				regs, findings := analyze(s.events)
				if len(regs) != 1 {
					t.Fatalf("%d registrations, want 1", len(regs))
				}
				var got []string
				for _, f := range findings {
					got = append(got, f.Rule)
					if f.File != "cap.pcapng" || f.Line < 1 || f.Source == "" || len(f.Fingerprint) != 16 || f.Fix == nil {
						t.Errorf("finding without capture, frame, source, fingerprint or fix: %+v", f)
					}
					if r := rules.ByID(f.Rule); r.Severity != f.Severity || r.Capture == nil {
						t.Errorf("%s: severity %s, capture check %v", f.Rule, f.Severity, r.Capture != nil)
					}
					if strings.Contains(f.Message, "n1") {
						t.Errorf("%s shows the nonce: %s", f.Rule, f.Message)
					}
				}
				slices.Sort(got)
				want := sc.want
				if n.transport == "TCP" && sc.tcpWant != nil {
					want = sc.tcpWant
				}
				if !slices.Equal(got, want) {
					t.Fatalf("rules %v, want %v\n%s", got, want, messages(findings))
				}
				if sc.text == "" {
					return
				}
				main := sc.want[0]
				if main == "REG005" && len(sc.want) > 1 {
					main = sc.want[1]
				}
				for _, f := range findings {
					if f.Rule == main {
						if !strings.Contains(f.Message, sc.text) {
							t.Errorf("%s: %q lacks %q", f.Rule, f.Message, sc.text)
						}
						notFirewall := slices.Contains([]string{"REG001", "REG006", "REG007"}, f.Rule)
						if notFirewall != strings.Contains(f.Detail, "The firewall is not the cause") || (notFirewall && len(f.Fix) > 0) {
							t.Errorf("%s: detail %q, fix %q", f.Rule, f.Detail, f.Fix)
						}
						return
					}
				}
			})
		}
	}
}

func messages(fs []rules.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s:%d %s\n", f.Rule, f.File, f.Line, f.Message)
	}
	return b.String()
}

// Fingerprints name the rule and the binding, not the frame: the same failure later in
// another capture is the same finding.
func TestCaptureFingerprintStable(t *testing.T) {
	fp := func(offset int) string {
		s := &script{n: nets[0], start: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
		for range offset {
			s.add(0, s.ap("192.0.2.1", 1), s.ap("192.0.2.2", 2), capture.Packet, nil)
		}
		s.register(0, 5060, 1, nil)
		s.respond(0.1, 5060, 1, 404, "Not Found")
		_, fs := analyze(s.events)
		for _, f := range fs {
			if f.Rule == "REG006" {
				return f.Fingerprint
			}
		}
		return ""
	}
	if a, b := fp(0), fp(7); a == "" || a != b {
		t.Errorf("fingerprints %q and %q", a, b)
	}
}

// The capture rules are listed with the others but report nothing on a configuration,
// and SCOPE001 never names them.
func TestCaptureRulesRegistered(t *testing.T) {
	for _, id := range []string{"REG001", "REG002", "REG003", "REG004", "REG005", "REG006", "REG007", "REG008"} {
		r := rules.ByID(id)
		if r == nil || r.Capture == nil || r.Check == nil || r.Doc() == "" {
			t.Errorf("%s is not a registered capture rule with docs", id)
		}
	}
}

func TestCorroborate(t *testing.T) {
	capture := []rules.Finding{{Rule: "REG004", Message: "udp/5080 sip:alice@example.com (...): moved", File: "cap.pcap", Line: 7}}
	config := []rules.Finding{{Rule: "SIP003", Message: "udp/5080: the SIP flow idles out after 0:01:00", File: "fw.txt", Line: 42, Key: "udp/5080 timeout udp", Fix: []string{"timeout udp 0:03:00"}}}
	if n := rules.Corroborate(capture, config, false); n != 1 {
		t.Fatalf("linked %d", n)
	}
	if !strings.Contains(capture[0].Message, "SIP003 at fw.txt:42") || !strings.Contains(config[0].Message, "REG004 at cap.pcap:7") || !slices.Equal(capture[0].Fix, config[0].Fix) {
		t.Errorf("not linked: %+v %+v", capture[0], config[0])
	}
}
