package capture

import (
	"bytes"
	"encoding/binary"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Captures for the tests are built here, frame by frame, with gopacket's own layers and
// writers, so each test says in a few lines what is on the wire.

var t0 = time.Date(2026, 3, 2, 10, 41, 2, 0, time.UTC)

// link is how a frame is framed below IP.
type link string

const (
	ether link = "ethernet"
	vlan  link = "802.1Q"
	qinq  link = "QinQ"
	sll   link = "SLL"
	sll2  link = "SLL2"
	raw   link = "raw"
	raw4  link = "raw IPv4"
	null  link = "null"
)

func (l link) linkType() layers.LinkType {
	switch l {
	case sll:
		return layers.LinkTypeLinuxSLL
	case sll2:
		return linkTypeSLL2
	case raw:
		return layers.LinkTypeRaw
	case raw4:
		return layers.LinkTypeIPv4
	case null:
		return layers.LinkTypeNull
	}
	return layers.LinkTypeEthernet
}

// rawLinkType is the value written in a file header (SLL2's does not fit in a LinkType).
func (l link) rawLinkType() uint32 {
	if l == sll2 {
		return 276
	}
	return uint32(l.linkType())
}

// frameSpec is one frame: a transport layer (UDP, TCP or ICMP with its quote) between
// two addresses, and its payload.
type frameSpec struct {
	link     link
	src, dst string // "addr:port" for UDP and TCP; addresses for ICMP
	tcp      *layers.TCP
	icmp     *icmpSpec
	payload  string
}

// icmpSpec is an ICMP error quoting a UDP packet from qsrc to qdst.
type icmpSpec struct {
	typ, code  uint8
	qsrc, qdst string
}

func udp(src, dst, payload string) frameSpec {
	return frameSpec{link: ether, src: src, dst: dst, payload: payload}
}

func tcp(src, dst string, seq uint32, payload string) frameSpec {
	return frameSpec{link: ether, src: src, dst: dst, tcp: &layers.TCP{Seq: seq, ACK: true, PSH: true, Window: 1024}, payload: payload}
}

// build serializes f into the bytes of its link type.
func build(t testing.TB, f frameSpec) []byte {
	t.Helper()
	var src, dst netip.AddrPort
	var err error
	if f.icmp != nil {
		src = netip.AddrPortFrom(netip.MustParseAddr(f.src), 0)
		dst = netip.AddrPortFrom(netip.MustParseAddr(f.dst), 0)
	} else {
		if src, err = netip.ParseAddrPort(f.src); err != nil {
			t.Fatal(err)
		}
		if dst, err = netip.ParseAddrPort(f.dst); err != nil {
			t.Fatal(err)
		}
	}
	v6 := src.Addr().Is6()
	var ls []gopacket.SerializableLayer
	etherType := layers.EthernetTypeIPv4
	if v6 {
		etherType = layers.EthernetTypeIPv6
	}
	mac := func(b byte) net.HardwareAddr { return net.HardwareAddr{0x00, 0x50, 0x56, 0x9a, 0x3b, b} }
	switch f.link {
	case ether:
		ls = append(ls, &layers.Ethernet{SrcMAC: mac(1), DstMAC: mac(2), EthernetType: etherType})
	case vlan:
		ls = append(ls, &layers.Ethernet{SrcMAC: mac(1), DstMAC: mac(2), EthernetType: layers.EthernetTypeDot1Q},
			&layers.Dot1Q{VLANIdentifier: 41, Type: etherType})
	case qinq:
		ls = append(ls, &layers.Ethernet{SrcMAC: mac(1), DstMAC: mac(2), EthernetType: layers.EthernetTypeQinQ},
			&layers.Dot1Q{VLANIdentifier: 100, Type: layers.EthernetTypeDot1Q},
			&layers.Dot1Q{VLANIdentifier: 41, Type: etherType})
	}
	var network gopacket.NetworkLayer
	if v6 {
		next := layers.IPProtocolUDP
		switch {
		case f.tcp != nil:
			next = layers.IPProtocolTCP
		case f.icmp != nil:
			next = layers.IPProtocolICMPv6
		}
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: next, SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
		network = ip
		ls = append(ls, ip)
	} else {
		next := layers.IPProtocolUDP
		switch {
		case f.tcp != nil:
			next = layers.IPProtocolTCP
		case f.icmp != nil:
			next = layers.IPProtocolICMPv4
		}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: next, SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
		network = ip
		ls = append(ls, ip)
	}
	switch {
	case f.icmp != nil:
		quote := build(t, frameSpec{link: raw, src: f.icmp.qsrc, dst: f.icmp.qdst, payload: "REGISTER"})
		quote = quote[:len(quote)-len("REGISTER")] // IP header and 8 bytes of UDP, as routers quote
		if v6 {
			ic := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(f.icmp.typ, f.icmp.code)}
			ic.SetNetworkLayerForChecksum(network)
			ls = append(ls, ic, gopacket.Payload(append([]byte{0, 0, 0, 0}, quote...)))
		} else {
			ls = append(ls, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(f.icmp.typ, f.icmp.code)}, gopacket.Payload(quote))
		}
	case f.tcp != nil:
		tc := *f.tcp
		tc.SrcPort, tc.DstPort = layers.TCPPort(src.Port()), layers.TCPPort(dst.Port())
		tc.SetNetworkLayerForChecksum(network)
		ls = append(ls, &tc, gopacket.Payload(f.payload))
	default:
		u := &layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}
		u.SetNetworkLayerForChecksum(network)
		ls = append(ls, u, gopacket.Payload(f.payload))
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// The link headers gopacket cannot write are written here.
	proto := make([]byte, 2)
	binary.BigEndian.PutUint16(proto, uint16(etherType))
	switch f.link {
	case sll: // packet type, ARPHRD, address length, address (8), protocol
		h := []byte{0, 0, 0, 1, 0, 6, 0, 0x50, 0x56, 0x9a, 0x3b, 1, 0, 0}
		b = append(append(h, proto...), b...)
	case sll2: // protocol, reserved, ifindex, ARPHRD, packet type, address length, address (8)
		h := append(proto, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0, 0x50, 0x56, 0x9a, 0x3b, 1, 0, 0)
		b = append(h, b...)
	case null: // the address family in the capturing host's byte order
		family := uint32(2)
		if v6 {
			family = 30 // AF_INET6 as macOS writes it
		}
		h := make([]byte, 4)
		binary.LittleEndian.PutUint32(h, family)
		b = append(h, b...)
	}
	return b
}

// record is a frame as written to a file: its bytes, and how many of them were captured
// (all when capLen is 0), on which pcapng interface.
type record struct {
	data   []byte
	capLen int
	iface  int
}

func records(t testing.TB, fs ...frameSpec) []record {
	var rs []record
	for _, f := range fs {
		rs = append(rs, record{data: build(t, f)})
	}
	return rs
}

func ci(i int, r record) gopacket.CaptureInfo {
	n := len(r.data)
	if r.capLen > 0 {
		n = r.capLen
	}
	return gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * 10 * time.Millisecond), CaptureLength: n,
		Length: len(r.data), InterfaceIndex: r.iface}
}

// writePcap writes rs as a pcap file of link l, in microseconds or nanoseconds.
func writePcap(t testing.TB, l link, nano bool, rs []record) []byte {
	t.Helper()
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	if nano {
		w = pcapgo.NewWriterNanos(&b)
	}
	if err := w.WriteFileHeader(65535, l.linkType()); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	binary.LittleEndian.PutUint32(out[20:24], l.rawLinkType())
	for i, r := range rs {
		c := ci(i, r)
		if err := w.WritePacket(c, r.data[:c.CaptureLength]); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// bigEndian rewrites a little-endian pcap file as a big-endian one, as SPARC and some
// appliances write them.
func bigEndian(le []byte) []byte {
	b := bytes.Clone(le)
	swap32 := func(p []byte) { binary.BigEndian.PutUint32(p, binary.LittleEndian.Uint32(p)) }
	swap16 := func(p []byte) { binary.BigEndian.PutUint16(p, binary.LittleEndian.Uint16(p)) }
	swap32(b[0:4])
	swap16(b[4:6])
	swap16(b[6:8])
	for i := 8; i < 24; i += 4 {
		swap32(b[i : i+4])
	}
	for off := 24; off+16 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[off+8 : off+12]))
		for i := off; i < off+16; i += 4 {
			swap32(b[i : i+4])
		}
		off += 16 + n
	}
	return b
}

// writePcapng writes rs as a pcapng file with one interface per link in ls; a record's
// iface indexes ls.
func writePcapng(t testing.TB, ls []link, rs []record) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&b, pcapgo.NgInterface{Name: "outside", LinkType: ls[0].linkType(),
		SnapLength: 65535}, pcapgo.NgWriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls[1:] {
		if _, err := w.AddInterface(pcapgo.NgInterface{Name: "inside", LinkType: l.linkType(), SnapLength: 65535}); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rs {
		c := ci(i, r)
		if err := w.WritePacket(c, r.data[:c.CaptureLength]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
