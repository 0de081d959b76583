package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// TestLinks reads one REGISTER after an RTP packet, on every link type and both IP
// versions, in pcap (both byte orders, micro- and nanoseconds) and pcapng.
func TestLinks(t *testing.T) {
	links := []link{ether, vlan, qinq, sll, sll2, raw, raw4, null}
	addrs := []struct{ name, phone, server string }{
		{"IPv4", "10.200.41.89", "204.11.192.22"},
		{"IPv6", "2001:db8:41::89", "2001:db8:192::22"},
	}
	files := []struct {
		name   string
		format string
		write  func(t testing.TB, l link, rs []record) []byte
	}{
		{"pcap", "pcap", func(t testing.TB, l link, rs []record) []byte { return writePcap(t, l, false, rs) }},
		{"pcap-ns", "pcap", func(t testing.TB, l link, rs []record) []byte { return writePcap(t, l, true, rs) }},
		{"pcap-be", "pcap", func(t testing.TB, l link, rs []record) []byte { return bigEndian(writePcap(t, l, false, rs)) }},
		{"pcapng", "pcapng", func(t testing.TB, l link, rs []record) []byte { return writePcapng(t, []link{l}, rs) }},
	}
	for _, l := range links {
		for _, a := range addrs {
			if l == raw4 && a.name == "IPv6" {
				continue
			}
			for _, f := range files {
				t.Run(fmt.Sprintf("%s/%s/%s", l, a.name, f.name), func(t *testing.T) {
					phone := netip.AddrPortFrom(netip.MustParseAddr(a.phone), 5060)
					server := netip.AddrPortFrom(netip.MustParseAddr(a.server), 5060)
					media := frameSpec{link: l, src: netip.AddrPortFrom(phone.Addr(), 4000).String(),
						dst: netip.AddrPortFrom(server.Addr(), 4000).String(), payload: rtp}
					reg := frameSpec{link: l, src: phone.String(), dst: server.String(), payload: register}
					r, evs := read(t, "cap", f.write(t, l, records(t, media, reg)))
					if r.Format() != f.format || r.Frames() != 2 || len(evs) != 1 {
						t.Fatalf("format %q frames %d events %d, want %q 2 1", r.Format(), r.Frames(), len(evs), f.format)
					}
					ev := evs[0]
					if ev.Frame != 2 || ev.Kind != SIP || ev.Transport != "UDP" || ev.Src != phone || ev.Dst != server ||
						ev.SIP.Method != "REGISTER" || ev.File != "cap" || !ev.Time.Equal(t0.Add(10e6)) || ev.Length != len(register) {
						t.Errorf("got %s", describe(ev))
					}
				})
			}
		}
	}
}

// TestPcapngInterfaces reads a pcapng file whose frames come from two interfaces of
// different link types, as "dumpcap -i eth0 -i any" writes.
func TestPcapngInterfaces(t *testing.T) {
	a := frameSpec{link: ether, src: "10.200.41.89:5060", dst: "204.11.192.22:5060", payload: register}
	b := frameSpec{link: sll, src: "204.11.192.22:5060", dst: "10.200.41.89:5060", payload: ok200}
	rs := records(t, a, b)
	rs[1].iface = 1
	_, evs := read(t, "two.pcapng", writePcapng(t, []link{ether, sll}, rs))
	if len(evs) != 2 || evs[0].SIP.Method != "REGISTER" || evs[1].SIP.StatusCode != 200 || evs[1].Frame != 2 {
		t.Fatalf("got %d events: %v", len(evs), evs)
	}
}

// TestMessage checks the mapping of sipgo's message into Message, field by field.
func TestMessage(t *testing.T) {
	tests := []struct {
		name, payload, want string
	}{
		{"register with credentials", register, `frame 1 10:41:02.000000 SIP UDP 10.200.41.89:5060 > 204.11.192.22:5060 len 525 | REGISTER sip:callcentric.com | call c1@10.200.41.89 cseq 7 from sip:2001@callcentric.com;tag=a1 to sip:2001@callcentric.com;tag= expires 120 ua "Yealink SIP-T46S 66.86.0.15" | contact sip:2001@10.200.41.89:5060 expires 120 | via UDP 10.200.41.89:5060 received "" rport 0 | credentials proxy=true user 2001 realm callcentric.com nonce n0nce`},
		{"200 with two contacts and received", ok200, `frame 1 10:41:02.000000 SIP UDP 10.200.41.89:5060 > 204.11.192.22:5060 len 325 | 200 OK (REGISTER) | call c1@10.200.41.89 cseq 7 from sip:2001@callcentric.com;tag=a1 to sip:2001@callcentric.com;tag=b2 expires -1 ua "" | contact sip:2001@198.51.100.7:40112 expires 60 | contact sip:2001@10.9.9.9:5060 expires -1 | via UDP 10.200.41.89:5060 received "198.51.100.7" rport 40112`},
		{"407 challenge", challenge, `frame 1 10:41:02.000000 SIP UDP 10.200.41.89:5060 > 204.11.192.22:5060 len 335 | 407 Proxy Authentication Required (REGISTER) | call c1@10.200.41.89 cseq 6 from sip:2001@callcentric.com;tag=a1 to sip:2001@callcentric.com;tag=b1 expires -1 ua "" | via UDP 10.200.41.89:5060 received "" rport 0 | challenge proxy=true realm callcentric.com nonce n0nce stale=true`},
		{"invite with sdp", invite, `frame 1 10:41:02.000000 SIP UDP 10.200.41.89:5060 > 204.11.192.22:5060 len 355 | INVITE sip:3000@callcentric.com | call c9@10.200.41.89 cseq 1 from sip:2001@callcentric.com;tag=a9 to sip:3000@callcentric.com;tag= expires -1 ua "" | via TCP 10.200.41.89:5080 received "" rport 0 | sdp 10.200.41.89 10.200.41.90`},
		{"compact headers", "SIP/2.0 200 OK\r\nv: SIP/2.0/UDP 10.1.1.1;rport=5062\r\nf: <sip:a@b>;tag=1\r\nt: <sip:a@b>\r\ni: x\r\nm: *\r\nCSeq: 2 REGISTER\r\nl: 0\r\n\r\n",
			`frame 1 10:41:02.000000 SIP UDP 10.200.41.89:5060 > 204.11.192.22:5060 len 124 | 200 OK (REGISTER) | call x cseq 2 from sip:a@b;tag=1 to sip:a@b;tag= expires -1 ua "" | contact * expires -1 | via UDP 10.1.1.1:0 received "" rport 5062`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := udp("10.200.41.89:5060", "204.11.192.22:5060", tt.payload)
			_, evs := read(t, "cap", writePcap(t, ether, false, records(t, f)))
			if len(evs) != 1 {
				t.Fatalf("%d events", len(evs))
			}
			if got := describe(evs[0]); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			// The digest response is a password hash: it must not travel with the event.
			if strings.Contains(fmt.Sprintf("%+v %+v", evs[0].SIP, evs[0].SIP.Credentials), "0123456789abcdef") {
				t.Error("the digest response was kept")
			}
		})
	}
}

// TestMinExpires reads a 423's Min-Expires (REG007 quotes it); other messages say -1.
func TestMinExpires(t *testing.T) {
	for _, tt := range []struct {
		payload string
		want    int
	}{
		{"SIP/2.0 423 Interval Too Brief\r\nVia: SIP/2.0/UDP 10.1.1.1:5060\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: x\r\nCSeq: 2 REGISTER\r\nMin-Expires: 1800\r\nContent-Length: 0\r\n\r\n", 1800},
		{ok200, -1},
	} {
		f := udp("204.11.192.22:5060", "10.200.41.89:5060", tt.payload)
		_, evs := read(t, "cap", writePcap(t, ether, false, records(t, f)))
		if len(evs) != 1 || evs[0].SIP == nil {
			t.Fatalf("%d events", len(evs))
		}
		if got := evs[0].SIP.MinExpires; got != tt.want {
			t.Errorf("%.30q: MinExpires %d, want %d", tt.payload, got, tt.want)
		}
	}
}

// TestTCP joins a REGISTER split across two segments (on a port that is not 5060), and
// splits one segment holding two messages, naming each by the frame of its first byte.
func TestTCP(t *testing.T) {
	phone, server := "10.200.41.89:40000", "204.11.192.22:5080"
	half := len(register) / 2
	both := ok200 + invite
	fs := []frameSpec{
		tcp(phone, server, 1000, register[:half]),
		tcp(server, phone, 5000, ""), // a bare ACK
		tcp(phone, server, uint32(1000+half), register[half:]),
		tcp(server, phone, 5000, both),
		tcp(phone, server, uint32(1000+len(register)), "\r\n\r\n"),
		tcp(phone, server, uint32(1000+half), register[half:]), // a retransmission: nothing new
	}
	r, evs := read(t, "tcp.pcap", writePcap(t, ether, false, records(t, fs...)))
	var got []string
	for _, ev := range evs {
		got = append(got, describe(ev)[:strings.Index(describe(ev), " | call")+1])
	}
	want := []string{
		"frame 1 10:41:02.000000 SIP TCP 10.200.41.89:40000 > 204.11.192.22:5080 len 525 | REGISTER sip:callcentric.com ",
		"frame 4 10:41:02.030000 SIP TCP 204.11.192.22:5080 > 10.200.41.89:40000 len 325 | 200 OK (REGISTER) ",
		"frame 4 10:41:02.030000 SIP TCP 204.11.192.22:5080 > 10.200.41.89:40000 len 355 | INVITE sip:3000@callcentric.com ",
	}
	if len(evs) != 4 || strings.Join(got[:3], "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ev := evs[3]; ev.Kind != Keepalive || ev.Keepalive != "crlf" || ev.Frame != 5 || ev.Transport != "TCP" {
		t.Errorf("keepalive: %s", describe(ev))
	}
	if r.WarningCount() != 0 {
		t.Errorf("warnings: %v", r.Warnings())
	}
}

// TestTCPGap drops what was buffered when a segment is missing, with a warning naming
// the frame after the gap.
func TestTCPGap(t *testing.T) {
	phone, server := "10.200.41.89:40000", "204.11.192.22:5060"
	fs := []frameSpec{
		tcp(phone, server, 1000, register[:100]),
		tcp(phone, server, 1200, register[200:]),
		tcp(phone, server, 9000, register),
	}
	r, evs := read(t, "gap.pcap", writePcap(t, ether, false, records(t, fs...)))
	if len(evs) != 1 || evs[0].Frame != 3 {
		t.Fatalf("events %v", evs)
	}
	if w := r.Warnings(); len(w) != 1 || w[0].Frame != 2 || !strings.Contains(w[0].Message, "TCP gap of 100 bytes") {
		t.Errorf("warnings %v", w)
	}
}

// TestKeepalives: CRLF and STUN count on a flow that carried SIP, in either direction,
// and nowhere else.
func TestKeepalives(t *testing.T) {
	stun := string([]byte{0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	phone, server := "10.200.41.89:5060", "204.11.192.22:5060"
	fs := []frameSpec{
		udp(phone, server, "\r\n\r\n"), // before any SIP on the flow: not yet a SIP flow
		udp(phone, server, register),
		udp(phone, server, "\r\n\r\n"),
		udp(server, phone, "\r\n"),
		udp(phone, server, stun),
		udp("10.200.41.50:5060", server, "\r\n\r\n"), // another flow
	}
	_, evs := read(t, "ka.pcap", writePcap(t, ether, false, records(t, fs...)))
	var got []string
	for _, ev := range evs {
		got = append(got, fmt.Sprintf("%d %s", ev.Frame, ev.Keepalive))
	}
	if strings.Join(got, ",") != "2 ,3 crlf,4 crlf,5 stun" {
		t.Errorf("got %v", got)
	}
}

// TestUnreachable reads ICMP errors quoting SIP flows.
func TestUnreachable(t *testing.T) {
	phone, server := "10.200.41.89:5062", "204.11.192.22:5062"
	fs := []frameSpec{
		udp(phone, server, register),
		{link: ether, src: "10.0.0.1", dst: "10.200.41.89", icmp: &icmpSpec{3, 3, phone, server}},
		{link: ether, src: "10.0.0.1", dst: "10.200.41.89", icmp: &icmpSpec{3, 13, "10.200.41.89:7000", "8.8.8.8:5060"}},
		{link: ether, src: "10.0.0.1", dst: "10.200.41.89", icmp: &icmpSpec{3, 3, "10.200.41.89:7000", "8.8.8.8:53"}}, // not SIP
		{link: ether, src: "10.0.0.1", dst: "10.200.41.89", icmp: &icmpSpec{11, 0, phone, server}},
		{link: vlan, src: "2001:db8::1", dst: "2001:db8:41::89", icmp: &icmpSpec{1, 1, "[2001:db8:41::89]:5060", "[2001:db8:192::22]:5060"}},
	}
	_, evs := read(t, "icmp.pcap", writePcap(t, vlan, false, records(t, fs...)))
	var got []string
	for _, ev := range evs[1:] {
		got = append(got, describe(ev)[len("frame 2 10:41:02.010000 "):])
	}
	want := []string{
		"Unreachable UDP 10.200.41.89:5062 > 204.11.192.22:5062 len 0 from 10.0.0.1: port unreachable",
		"Unreachable UDP 10.200.41.89:7000 > 8.8.8.8:5060 len 0 from 10.0.0.1: administratively prohibited",
		"Unreachable UDP 10.200.41.89:5062 > 204.11.192.22:5062 len 0 from 10.0.0.1: time to live exceeded",
		"Unreachable UDP [2001:db8:41::89]:5060 > [2001:db8:192::22]:5060 len 0 from 2001:db8::1: administratively prohibited",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if evs[1].Frame != 2 || evs[4].Frame != 6 {
		t.Errorf("frames %d %d", evs[1].Frame, evs[4].Frame)
	}
}

// TestSnaplen: a SIP message cut by the snap length is a warning naming its frame.
func TestSnaplen(t *testing.T) {
	rs := records(t, udp("10.200.41.89:5060", "204.11.192.22:5060", register), udp("204.11.192.22:5060", "10.200.41.89:5060", ok200))
	rs[0].capLen = 200
	for _, tc := range []struct {
		name string
		rs   []record
	}{
		{"udp", rs},
		{"tcp", func() []record {
			r := records(t, tcp("10.200.41.89:5060", "204.11.192.22:5060", 1, register))
			r[0].capLen = 200
			return r
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, evs := read(t, "cut.pcap", writePcap(t, ether, false, tc.rs))
			if len(evs) != len(tc.rs)-1 {
				t.Errorf("events %v", evs)
			}
			if w := r.Warnings(); len(w) != 1 || w[0].Frame != 1 || !strings.Contains(w[0].Message, "snap length") {
				t.Errorf("warnings %v", w)
			}
		})
	}
}

// TestMalformed: a message that starts like SIP but does not parse is a warning.
func TestMalformed(t *testing.T) {
	bad := "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.1.1\r\nCSeq: nonsense\r\nContent-Length: 0\r\n\r\n"
	r, evs := read(t, "bad.pcap", writePcap(t, ether, false, records(t,
		udp("10.1.1.1:5060", "10.2.2.2:5060", bad), udp("10.1.1.1:5060", "10.2.2.2:5060", register))))
	if len(evs) != 1 || evs[0].Frame != 2 {
		t.Errorf("events %v", evs)
	}
	if w := r.Warnings(); len(w) != 1 || w[0].Frame != 1 || !strings.HasPrefix(w[0].String(), "bad.pcap: frame 1: malformed SIP message") {
		t.Errorf("warnings %v", w)
	}
}

// TestTruncated: a file cut inside a frame gives the frames before it and a warning; cut
// inside its first frame, it is an error naming the file and frame.
func TestTruncated(t *testing.T) {
	whole := writePcap(t, ether, false, records(t, udp("10.1.1.1:5060", "10.2.2.2:5060", register), udp("10.2.2.2:5060", "10.1.1.1:5060", ok200)))
	r, evs := read(t, "cut.pcap", whole[:len(whole)-50])
	if len(evs) != 1 || r.Frames() != 1 {
		t.Errorf("events %v frames %d", evs, r.Frames())
	}
	if w := r.Warnings(); len(w) != 1 || w[0].String() != "cut.pcap: frame 2: the file ends inside this frame (truncated capture): the frames before it are read" {
		t.Errorf("warnings %v", w)
	}

	r, err := NewReader(bytes.NewReader(whole[:60]), "cut.pcap")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil || err.Error() != "cut.pcap: frame 1: the file ends inside this frame (truncated capture)" {
		t.Errorf("err %v", err)
	}
	if _, err := NewReader(bytes.NewReader(whole[:10]), "cut.pcap"); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("header err %v", err)
	}
}

// TestNotCapture names the file and says what was expected.
func TestNotCapture(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, content string }{
		{"notes.txt", "the phones won't register\nplease help\n"},
		{"zero.bin", "\x00\x00\x00\x00\x00\x00"},
		{"empty.pcap", ""},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		os.WriteFile(path, []byte(tt.content), 0o644)
		_, err := Open(path)
		if !errors.Is(err, ErrNotCapture) {
			t.Errorf("%s: %v does not wrap ErrNotCapture", tt.name, err)
		}
		if err == nil || !strings.HasPrefix(err.Error(), path+": ") ||
			!strings.HasSuffix(err.Error(), `not a packet capture (pcap, pcapng, "show capture" output or a tshark summary)`) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing.pcap")); err == nil || err.Error() != filepath.Join(dir, "missing.pcap")+": no such file or directory" {
		t.Errorf("missing: %v", err)
	}
}

// TestUnsupportedLink refuses a link type it cannot decode, saying which.
func TestUnsupportedLink(t *testing.T) {
	b := writePcap(t, ether, false, nil)
	binary.LittleEndian.PutUint32(b[20:24], uint32(layers.LinkTypeIEEE80211Radio))
	_, err := NewReader(bytes.NewReader(b), "wifi.pcap")
	if err == nil || !strings.HasPrefix(err.Error(), "wifi.pcap: link type 127") {
		t.Errorf("err %v", err)
	}
}

// TestWarningsBounded keeps the first hundred warnings and counts them all.
func TestWarningsBounded(t *testing.T) {
	bad := "REGISTER sip:x SIP/2.0\r\nCSeq: x\r\n\r\n"
	var fs []frameSpec
	for range 150 {
		fs = append(fs, udp("10.1.1.1:5060", "10.2.2.2:5060", bad))
	}
	r, _ := read(t, "bad.pcap", writePcap(t, ether, false, records(t, fs...)))
	if len(r.Warnings()) != maxWarnings || r.WarningCount() != 150 {
		t.Errorf("kept %d counted %d", len(r.Warnings()), r.WarningCount())
	}
}

// TestStreamsBounded evicts the least recently used TCP stream past maxStreams.
func TestStreamsBounded(t *testing.T) {
	var fs []frameSpec
	for i := range maxStreams + 1 {
		fs = append(fs, tcp(fmt.Sprintf("10.1.%d.%d:5060", i/250, i%250+1), "10.2.2.2:5060", 1, register[:100]))
	}
	r, _ := read(t, "many.pcap", writePcap(t, ether, false, records(t, fs...)))
	if len(r.streams) != maxStreams || r.WarningCount() != 1 || !strings.Contains(r.Warnings()[0].Message, "10.1.0.1:5060 > 10.2.2.2:5060") {
		t.Errorf("streams %d warnings %v", len(r.streams), r.Warnings())
	}
}

// TestText checks the text forms' key values; TestGolden has the rest.
func TestText(t *testing.T) {
	tests := []struct {
		file, format string
		flowOnly     bool
		events       int
		first        string
	}{
		{"tshark-summary.txt", "tshark summary", false, 4, "frame 1 00:00:09.698676 SIP  10.200.41.89:0 > 204.11.192.22:0 len 610 | REGISTER sip:callcentric.com summary"},
		{"sipp-register.tshark.txt", "tshark summary", false, 4, "frame 1 00:00:00.000000 SIP  127.0.0.1:0 > 127.0.0.1:0 len 385 | REGISTER sip:127.0.0.1 summary"},
		{"show-capture.txt", "show capture", true, 4, "frame 1 10:41:02.123456 Packet UDP 127.0.0.1:5070 > 127.0.0.1:5060 len 343"},
		{"show-capture-detail.txt", "show capture detail", true, 4, "frame 1 10:41:02.123456 Packet UDP 127.0.0.1:5070 > 127.0.0.1:5060 len 343"},
		{"show-capture-dump.txt", "show capture dump", false, 4, "frame 1 10:41:02.123456 SIP UDP 127.0.0.1:5070 > 127.0.0.1:5060 len 343 | REGISTER sip:127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			evs := readAll(t, r)
			if r.Format() != tt.format || r.FlowOnly() != tt.flowOnly || len(evs) != tt.events {
				t.Fatalf("format %q flow-only %v events %d", r.Format(), r.FlowOnly(), len(evs))
			}
			if got := describe(evs[0]); !strings.HasPrefix(got, tt.first) {
				t.Errorf("first event\n%s\nwant prefix\n%s", got, tt.first)
			}
			if r.WarningCount() != 0 {
				t.Errorf("warnings %v", r.Warnings())
			}
		})
	}
}

// TestShowCaptureForms reads the address forms of several ASA releases and TCP lines.
func TestShowCaptureForms(t *testing.T) {
	in := "ciscoasa# show capture CAP\n\n3 packets captured\n\n" +
		"   1: 23:59:59.900000       10.200.41.89.5060 > 204.11.192.22.5060:  udp 568\n" +
		"   2: 00:00:00.100000       2001:db8::1/5060 > 2001:db8::2/5060:  udp 300\n" +
		"   3: 00:00:00.200000       10.200.41.89/40000 > 204.11.192.22/5061: P 1:569(568) ack 1 win 1024\n" +
		"   4: 00:00:00.300000       10.200.41.89 > 204.11.192.22 icmp: echo request\n" +
		"3 packets shown\n"
	r, evs := read(t, "show.txt", []byte(in))
	var got []string
	for _, ev := range evs {
		got = append(got, describe(ev))
	}
	want := []string{
		"frame 1 23:59:59.900000 Packet UDP 10.200.41.89:5060 > 204.11.192.22:5060 len 568",
		"frame 2 00:00:00.100000 Packet UDP [2001:db8::1]:5060 > [2001:db8::2]:5060 len 300",
		"frame 3 00:00:00.200000 Packet TCP 10.200.41.89:40000 > 204.11.192.22:5061 len 568",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || r.Frames() != 4 || r.WarningCount() != 0 {
		t.Errorf("got\n%s\nframes %d warnings %v", strings.Join(got, "\n"), r.Frames(), r.Warnings())
	}
	if d := evs[1].Time.Sub(evs[0].Time); d.Milliseconds() != 200 {
		t.Errorf("midnight: %v apart", d)
	}
}

// TestSipp reads the captures tcpdump made of sipp registering (see testdata/sipp).
func TestSipp(t *testing.T) {
	for _, file := range []string{"sipp-register.pcap", "sipp-register-any.pcap"} {
		t.Run(file, func(t *testing.T) {
			r, err := Open(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			evs := readAll(t, r)
			if len(evs) != 4 || r.Frames() != 4 {
				t.Fatalf("%d events %d frames", len(evs), r.Frames())
			}
			reg, chal, auth, ok := evs[0].SIP, evs[1].SIP, evs[2].SIP, evs[3].SIP
			if reg.Method != "REGISTER" || reg.CSeq != 1 || evs[0].Src.Port() != 5070 || evs[0].Dst.Port() != 5060 ||
				len(reg.Contacts) != 1 || reg.Contacts[0].Expires != 3600 || reg.UserAgent != "sipp-phone" {
				t.Errorf("register: %s", describe(evs[0]))
			}
			if chal.StatusCode != 401 || chal.Challenge == nil || chal.Challenge.Realm != "asaaudit.test" || chal.Challenge.Nonce != "4f1a2b3c" {
				t.Errorf("challenge: %s", describe(evs[1]))
			}
			if auth.CSeq != 2 || auth.Credentials == nil || auth.Credentials.Username != "2001" || auth.Credentials.Realm != "asaaudit.test" {
				t.Errorf("credentials: %s", describe(evs[2]))
			}
			if ok.StatusCode != 200 || ok.Method != "REGISTER" || evs[3].Frame != 4 {
				t.Errorf("200: %s", describe(evs[3]))
			}
		})
	}
}

// FuzzReader feeds anything to the reader: it must end, without panicking, within bounds.
func FuzzReader(f *testing.F) {
	f.Add(writePcap(f, ether, false, records(f, udp("10.1.1.1:5060", "10.2.2.2:5060", register),
		tcp("10.1.1.1:5060", "10.2.2.2:5060", 1, ok200+invite))))
	f.Add(writePcapng(f, []link{sll}, records(f, frameSpec{link: sll, src: "10.1.1.1:5060", dst: "10.2.2.2:5060", payload: challenge})))
	files, _ := filepath.Glob("testdata/*.*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewReader(bytes.NewReader(b), "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz: ") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		for i := 0; ; i++ {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "fuzz: ") {
					t.Fatalf("error does not name the input: %v", err)
				}
				break
			}
			if i > len(b) {
				t.Fatalf("more events (%d) than input bytes", i)
			}
		}
		if len(r.Warnings()) > maxWarnings {
			t.Fatalf("%d warnings kept", len(r.Warnings()))
		}
	})
}

// TestDamagedPcapng: a pcapng length that does not fit its block is an error naming the
// frame, read without allocating what the length asks for.
func TestDamagedPcapng(t *testing.T) {
	b := writePcapng(t, []link{ether}, records(t, udp("10.1.1.1:5060", "10.2.2.2:5060", register), udp("10.2.2.2:5060", "10.1.1.1:5060", ok200)))
	shb := int(binary.LittleEndian.Uint32(b[4:8]))
	idb := int(binary.LittleEndian.Uint32(b[shb+4 : shb+8]))
	epb := shb + idb
	epb2 := epb + int(binary.LittleEndian.Uint32(b[epb+4:epb+8]))
	binary.LittleEndian.PutUint32(b[epb2+20:epb2+24], 0xfffffff0) // the second frame's captured length
	r, err := NewReader(bytes.NewReader(b), "bad.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	if ev, err := r.Next(); err != nil || ev.Frame != 1 {
		t.Fatalf("first frame: %v %v", ev, err)
	}
	if _, err := r.Next(); err == nil || !strings.HasPrefix(err.Error(), "bad.pcapng: frame 2: pcapng packet block of") {
		t.Errorf("err %v", err)
	}
}

// TestFragment: a SIP message in a fragmented datagram is a warning, not a guess.
func TestFragment(t *testing.T) {
	b := build(t, udp("10.1.1.1:5060", "10.2.2.2:5060", register))
	b[14+6] |= 0x20 // more fragments; the checksum is not checked
	r, evs := read(t, "frag.pcap", writePcap(t, ether, false, []record{{data: b}}))
	if w := r.Warnings(); len(evs) != 0 || len(w) != 1 || w[0].Frame != 1 || !strings.Contains(w[0].Message, "fragmented") {
		t.Errorf("events %v warnings %v", evs, w)
	}
}

// TestSmallSnaplen reads frames longer than the snap length the header declares, as
// tcpdump and Wireshark do (dpkt writes 1500 and longer frames).
func TestSmallSnaplen(t *testing.T) {
	b := writePcap(t, ether, false, records(t, udp("10.1.1.1:5060", "10.2.2.2:5060", invite)))
	binary.LittleEndian.PutUint32(b[16:20], 100)
	_, evs := read(t, "dpkt.pcap", b)
	if len(evs) != 1 || evs[0].SIP.Method != "INVITE" {
		t.Errorf("events %v", evs)
	}
}

// A "show capture dump" pasted from a terminal, with CRLF line ends and the pager's
// "<--- More --->" erased in front of a line, reads as the clean output does: the text
// forms are read with the configurations' Scanner.
func TestShowCaptureTerminalPaste(t *testing.T) {
	clean, err := os.ReadFile("testdata/show-capture-dump.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(clean), "\n"), "\n")
	for i := 5; i < len(lines); i += 7 {
		lines[i] = "<--- More --->\r              \r" + lines[i]
	}
	pasted := strings.Join(lines, "\r\n") + "\r\n"
	events := func(text string) []string {
		r, err := NewReader(strings.NewReader(text), "cap.txt")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for {
			ev, err := r.Next()
			if err != nil {
				break
			}
			out = append(out, fmt.Sprintf("%d %v %s>%s", ev.Frame, ev.Kind, ev.Src, ev.Dst))
		}
		if r.WarningCount() != 0 {
			t.Errorf("%d warnings: %v", r.WarningCount(), r.Warnings())
		}
		return out
	}
	want, got := events(string(clean)), events(pasted)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("pasted:\n%v\nclean:\n%v", got, want)
	}
}
