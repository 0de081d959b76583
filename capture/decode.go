package capture

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// linkTypeSLL2 is LINKTYPE_LINUX_SLL2 (276, tcpdump -i any since libpcap 1.10): its 20-byte
// header is stripped by hand, like the other link headers the decoder skips to reach IP.
const linkTypeSLL2 = layers.LinkTypeLinuxSLL2

// packet is what the decoder keeps of a frame: the transport flow and its payload, or the
// quoted flow of an ICMP error. Payload aliases the frame's bytes: valid until the next
// frame is read.
type packet struct {
	transport string // "UDP", "TCP", or "" when neither (ICMP errors set icmp)
	src, dst  netip.AddrPort
	payload   []byte
	seq       uint32 // TCP
	syn, fin  bool
	rst       bool
	fragment  bool // the first fragment of a UDP datagram holding a SIP message

	icmp *icmpError
}

// icmpError is an ICMP destination-unreachable or time-exceeded and the flow it quotes.
type icmpError struct {
	from      netip.Addr
	reason    string
	transport string
	src, dst  netip.AddrPort
}

// decoder turns frames into packets with one set of preallocated layers, reused for every
// frame: gopacket's DecodingLayerParser allocates nothing per frame, which is what keeps a
// gigabyte of RTP cheap to skip.
type decoder struct {
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	sll     layers.LinuxSLL
	loop    layers.Loopback
	ip4     layers.IPv4
	ip6     layers.IPv6
	udp     layers.UDP
	tcp     layers.TCP
	icmp4   layers.ICMPv4
	icmp6   layers.ICMPv6
	payload gopacket.Payload
	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
	icmpErr icmpError
}

func newDecoder() *decoder {
	d := &decoder{parsers: map[gopacket.LayerType]*gopacket.DecodingLayerParser{}, decoded: make([]gopacket.LayerType, 0, 8)}
	for _, first := range []gopacket.LayerType{layers.LayerTypeEthernet, layers.LayerTypeLinuxSLL,
		layers.LayerTypeLoopback, layers.LayerTypeIPv4, layers.LayerTypeIPv6} {
		p := gopacket.NewDecodingLayerParser(first, &d.eth, &d.dot1q, &d.sll, &d.loop, &d.ip4, &d.ip6,
			&d.udp, &d.tcp, &d.icmp4, &d.icmp6, &d.payload)
		// Unknown layers (ARP, IPv6 extension headers we do not follow, ICMP bodies) end
		// decoding where they start; what came before is still usable.
		p.IgnoreUnsupported = true
		d.parsers[first] = p
	}
	return d
}

// supportedLink says whether frames of link type lt can be decoded.
func supportedLink(lt layers.LinkType) bool {
	switch lt {
	case layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, linkTypeSLL2, layers.LinkTypeNull,
		layers.LinkTypeLoop, layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6, 12, 14:
		// 12 and 14 are LINKTYPE_RAW as some BSDs and old libpcap wrote it.
		return true
	}
	return false
}

// decode decodes one frame of link type lt into p. It reports false when the frame holds
// no UDP or TCP flow and no ICMP error worth looking at.
func (d *decoder) decode(lt layers.LinkType, data []byte, p *packet) bool {
	*p = packet{}
	var first gopacket.LayerType
	switch lt {
	case layers.LinkTypeEthernet:
		first = layers.LayerTypeEthernet
	case layers.LinkTypeLinuxSLL:
		first = layers.LayerTypeLinuxSLL
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		first = layers.LayerTypeLoopback
	case linkTypeSLL2:
		if len(data) < 20 {
			return false
		}
		proto := binary.BigEndian.Uint16(data[0:2])
		data = data[20:]
		switch layers.EthernetType(proto) {
		case layers.EthernetTypeIPv4:
			first = layers.LayerTypeIPv4
		case layers.EthernetTypeIPv6:
			first = layers.LayerTypeIPv6
		default:
			return false
		}
	default: // raw IP: the version nibble says which
		if len(data) == 0 {
			return false
		}
		switch data[0] >> 4 {
		case 4:
			first = layers.LayerTypeIPv4
		case 6:
			first = layers.LayerTypeIPv6
		default:
			return false
		}
	}
	// A malformed layer stops decoding with an error; the layers before it are in
	// d.decoded and a frame without a complete transport header is simply skipped.
	_ = d.parsers[first].DecodeLayers(data, &d.decoded)
	var src, dst netip.Addr
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeIPv4:
			if d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0 {
				// A fragment: fragments are not reassembled, but a SIP message that
				// starts in one is reported, as large INVITEs and some REGISTERs over
				// UDP are fragmented and firewalls drop fragments.
				pl := d.ip4.Payload
				p.fragment = d.ip4.FragOffset == 0 && d.ip4.Protocol == layers.IPProtocolUDP && len(pl) > 8 && looksSIP(pl[8:])
				return p.fragment
			}
			src, _ = netip.AddrFromSlice(d.ip4.SrcIP)
			dst, _ = netip.AddrFromSlice(d.ip4.DstIP)
			src, dst = src.Unmap(), dst.Unmap()
		case layers.LayerTypeIPv6:
			src, _ = netip.AddrFromSlice(d.ip6.SrcIP)
			dst, _ = netip.AddrFromSlice(d.ip6.DstIP)
		case layers.LayerTypeUDP:
			p.transport = "UDP"
			p.src = netip.AddrPortFrom(src, uint16(d.udp.SrcPort))
			p.dst = netip.AddrPortFrom(dst, uint16(d.udp.DstPort))
			p.payload = d.udp.Payload
			return src.IsValid()
		case layers.LayerTypeTCP:
			p.transport = "TCP"
			p.src = netip.AddrPortFrom(src, uint16(d.tcp.SrcPort))
			p.dst = netip.AddrPortFrom(dst, uint16(d.tcp.DstPort))
			p.payload = d.tcp.Payload
			p.seq, p.syn, p.fin, p.rst = d.tcp.Seq, d.tcp.SYN, d.tcp.FIN, d.tcp.RST
			return src.IsValid()
		case layers.LayerTypeICMPv4:
			typ, code := d.icmp4.TypeCode.Type(), d.icmp4.TypeCode.Code()
			if typ != layers.ICMPv4TypeDestinationUnreachable && typ != layers.ICMPv4TypeTimeExceeded {
				return false
			}
			return d.quoted(src, icmp4Reason(typ, code), d.icmp4.Payload, p)
		case layers.LayerTypeICMPv6:
			typ, code := d.icmp6.TypeCode.Type(), d.icmp6.TypeCode.Code()
			if typ != layers.ICMPv6TypeDestinationUnreachable && typ != layers.ICMPv6TypeTimeExceeded {
				return false
			}
			// The payload starts with 4 unused bytes, then the quoted packet.
			if len(d.icmp6.Payload) < 4 {
				return false
			}
			return d.quoted(src, icmp6Reason(typ, code), d.icmp6.Payload[4:], p)
		}
	}
	return false
}

// quoted reads the IP header and the first 4 transport bytes (the ports) that an ICMP
// error quotes. It is decoded by hand: the quote is cut after 8 transport bytes, which
// gopacket's TCP layer rejects as too short.
func (d *decoder) quoted(from netip.Addr, reason string, q []byte, p *packet) bool {
	var proto byte
	var src, dst netip.Addr
	switch {
	case len(q) >= 20 && q[0]>>4 == 4:
		ihl := int(q[0]&0x0f) * 4
		if ihl < 20 || len(q) < ihl+4 {
			return false
		}
		proto = q[9]
		src = netip.AddrFrom4([4]byte(q[12:16]))
		dst = netip.AddrFrom4([4]byte(q[16:20]))
		q = q[ihl:]
	case len(q) >= 44 && q[0]>>4 == 6:
		// Extension headers are not followed: a SIP flow's quote has none in practice.
		proto = q[6]
		src = netip.AddrFrom16([16]byte(q[8:24]))
		dst = netip.AddrFrom16([16]byte(q[24:40]))
		q = q[40:]
	default:
		return false
	}
	e := &d.icmpErr
	*e = icmpError{from: from, reason: reason}
	switch proto {
	case 6:
		e.transport = "TCP"
	case 17:
		e.transport = "UDP"
	default:
		return false
	}
	e.src = netip.AddrPortFrom(src, binary.BigEndian.Uint16(q[0:2]))
	e.dst = netip.AddrPortFrom(dst, binary.BigEndian.Uint16(q[2:4]))
	p.icmp = e
	return from.IsValid()
}

func icmp4Reason(typ, code uint8) string {
	if typ == layers.ICMPv4TypeTimeExceeded {
		if code == 1 {
			return "fragment reassembly time exceeded"
		}
		return "time to live exceeded"
	}
	switch code {
	case 0:
		return "network unreachable"
	case 1:
		return "host unreachable"
	case 2:
		return "protocol unreachable"
	case 3:
		return "port unreachable"
	case 4:
		return "fragmentation needed"
	case 9, 10:
		return "communication with destination administratively prohibited"
	case 13:
		return "administratively prohibited"
	}
	return "destination unreachable (code " + strconv.Itoa(int(code)) + ")"
}

func icmp6Reason(typ, code uint8) string {
	if typ == layers.ICMPv6TypeTimeExceeded {
		if code == 1 {
			return "fragment reassembly time exceeded"
		}
		return "hop limit exceeded"
	}
	switch code {
	case 0:
		return "no route to destination"
	case 1:
		return "administratively prohibited"
	case 3:
		return "address unreachable"
	case 4:
		return "port unreachable"
	case 5:
		return "source address failed ingress/egress policy"
	case 6:
		return "reject route to destination"
	}
	return "destination unreachable (code " + strconv.Itoa(int(code)) + ")"
}
