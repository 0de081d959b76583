package bench

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"
)

// Shares of a generated capture, in packets, as on the outside interface of an ASA in
// front of a call centre: RTP media is nearly all of it (50 packets a second each way per
// call), other TCP traffic some, and SIP a trickle.
const (
	capTCPEvery = 20   // one TCP segment of other traffic every 20 packets
	capSIPEvery = 2000 // one REGISTER/200 OK exchange every 2000 packets
)

// CaptureStats says what WriteCapture wrote.
type CaptureStats struct {
	Frames int   // frames written
	SIP    int   // SIP messages among them (each in one UDP datagram)
	Size   int64 // bytes written
}

// WriteCapture writes a pcap file (Ethernet, microseconds) of about size bytes to w:
// mostly RTP over UDP between phones and a media gateway, some TCP segments of other
// traffic, and a REGISTER and its 200 OK every capSIPEvery packets. The same size and seed
// always give the same bytes. Frames are patched templates, so writing a gigabyte costs
// little more than the disk.
func WriteCapture(w io.Writer, size int64, seed uint64) (CaptureStats, error) {
	r := rand.New(rand.NewPCG(seed, 0xca9))
	bw := bufio.NewWriterSize(w, 1<<20)
	var st CaptureStats
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144)
	binary.LittleEndian.PutUint32(hdr[20:], 1) // Ethernet
	bw.Write(hdr)
	st.Size = 24

	rtp := frame(17, [4]byte{10, 200, 41, 89}, [4]byte{204, 11, 192, 30}, 16384, 20000, append([]byte{0x80, 0x00, 0, 0, 0, 0, 0, 0, 0x1a, 0x2b, 0x3c, 0x4d}, make([]byte, 160)...))
	other := frame(6, [4]byte{10, 200, 41, 12}, [4]byte{93, 184, 216, 34}, 51000, 443, make([]byte, 1380))
	for i := range other[54:] {
		other[54+i] = byte(r.Uint32())
	}
	reg, ok := sipPair()
	var rec [16]byte
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	write := func(b []byte) {
		binary.LittleEndian.PutUint32(rec[0:], uint32(at.Unix()))
		binary.LittleEndian.PutUint32(rec[4:], uint32(at.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(b)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(b)))
		bw.Write(rec[:])
		bw.Write(b)
		st.Size += int64(16 + len(b))
		st.Frames++
		at = at.Add(time.Duration(100+r.IntN(200)) * time.Microsecond)
	}
	for seq := 0; st.Size < size; seq++ {
		switch {
		case seq%capSIPEvery == capSIPEvery-1:
			write(reg)
			write(ok)
			st.SIP += 2
		case seq%capTCPEvery == 0:
			binary.BigEndian.PutUint32(other[38:], uint32(seq)*1380) // sequence number
			write(other)
		default:
			// Calls differ by port; each packet moves the RTP sequence and timestamp.
			call := uint16(r.IntN(200))
			binary.BigEndian.PutUint16(rtp[34:], 16384+2*call)
			binary.BigEndian.PutUint16(rtp[36:], 20000+2*call)
			binary.BigEndian.PutUint16(rtp[44:], uint16(seq))
			binary.BigEndian.PutUint32(rtp[46:], uint32(seq)*160)
			write(rtp)
		}
	}
	return st, bw.Flush()
}

// WriteCaptureFile writes a capture of about size bytes to path; see WriteCapture.
func WriteCaptureFile(path string, size int64, seed uint64) (CaptureStats, error) {
	f, err := os.Create(path)
	if err != nil {
		return CaptureStats{}, err
	}
	st, err := WriteCapture(f, size, seed)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return st, err
}

// frame is an Ethernet/IPv4 frame carrying UDP (proto 17) or TCP (6) with payload. The
// transport checksum is left zero (valid for UDP, unchecked by readers for TCP).
func frame(proto byte, src, dst [4]byte, sport, dport uint16, payload []byte) []byte {
	th := 8
	if proto == 6 {
		th = 20
	}
	b := make([]byte, 14+20+th+len(payload))
	copy(b[0:], []byte{0x00, 0x50, 0x56, 0x9a, 0x3b, 0x02, 0x00, 0x50, 0x56, 0x9a, 0x3b, 0x01, 0x08, 0x00})
	ip := b[14:34]
	ip[0], ip[8], ip[9] = 0x45, 64, proto
	binary.BigEndian.PutUint16(ip[2:], uint16(20+th+len(payload)))
	copy(ip[12:], src[:])
	copy(ip[16:], dst[:])
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
	t := b[34:]
	binary.BigEndian.PutUint16(t[0:], sport)
	binary.BigEndian.PutUint16(t[2:], dport)
	if proto == 17 {
		binary.BigEndian.PutUint16(t[4:], uint16(8+len(payload)))
	} else {
		t[12], t[13] = 5<<4, 0x18 // header length, PSH ACK
		binary.BigEndian.PutUint16(t[14:], 1024)
	}
	copy(b[14+20+th:], payload)
	return b
}

// sipPair is a REGISTER from a phone and the registrar's 200 OK.
func sipPair() (reg, ok []byte) {
	phone, server := [4]byte{10, 200, 41, 89}, [4]byte{204, 11, 192, 22}
	common := "Via: SIP/2.0/UDP 10.200.41.89:5060;branch=z9hG4bK-77;rport\r\n" +
		"From: <sip:2001@callcentric.com>;tag=a1\r\n" +
		"To: <sip:2001@callcentric.com>%s\r\n" +
		"Call-ID: 5f3c1a@10.200.41.89\r\n" +
		"CSeq: 12 REGISTER\r\n" +
		"Contact: <sip:2001@10.200.41.89:5060>;expires=120\r\n"
	r := "REGISTER sip:callcentric.com SIP/2.0\r\n" + fmt.Sprintf(common, "") +
		"Max-Forwards: 70\r\nUser-Agent: Yealink SIP-T46S 66.86.0.15\r\nExpires: 120\r\n" +
		"Authorization: Digest username=\"2001\", realm=\"callcentric.com\", nonce=\"6a1b\", uri=\"sip:callcentric.com\", response=\"00112233445566778899aabbccddeeff\"\r\n" +
		"Content-Length: 0\r\n\r\n"
	o := "SIP/2.0 200 OK\r\n" + fmt.Sprintf(common, ";tag=srv9") + "Expires: 120\r\nContent-Length: 0\r\n\r\n"
	return frame(17, phone, server, 5060, 5060, []byte(r)), frame(17, server, phone, 5060, 5060, []byte(o))
}
