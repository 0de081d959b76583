package capture

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/asaaudit/asaaudit/internal/input"
)

// maxWarnings bounds the warnings kept: a capture damaged throughout says so in its first
// hundred, and WarningCount still gives the total.
const maxWarnings = 100

// maxSnaplen is the largest snap length passed on to pcapgo, which allocates a buffer of
// the header's snap length: a damaged header must not ask for gigabytes. No link carries
// frames anywhere near it.
const maxSnaplen = 256 << 10

// ErrNotCapture is wrapped by the error for an input that is none of the formats read, so
// that a caller sorting files (--evidence takes captures and show outputs) can tell it
// from a capture that is damaged.
var ErrNotCapture = errors.New(`not a packet capture (pcap, pcapng, "show capture" output or a tshark summary)`)

// Reader reads the events of one capture, streamed: memory stays bounded whatever the
// size of the input.
type Reader struct {
	name     string
	closer   io.Closer
	format   string
	flowOnly bool
	next     func() error // reads one frame (or line) into r.queue; io.EOF at the end

	queue     []Event
	frames    int
	warnings  []Warning
	warnCount int
	done      error

	// Frames of pcap and pcapng, and of "show capture dump".
	dec      *decoder
	pkt      packet
	frameAt  time.Time
	streams  map[streamKey]*stream
	sipFlows *flowSet
	sipPorts [65536]bool
}

// Open opens the capture at path and finds its format from its first bytes. Errors name
// the file.
func Open(path string) (*Reader, error) {
	f, err := input.Open(path, "a packet capture")
	if err != nil {
		return nil, err
	}
	r, err := NewReader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewReader reads a capture from rd, named name in errors, warnings and events.
func NewReader(rd io.Reader, name string) (*Reader, error) {
	br := bufio.NewReaderSize(rd, 1<<20)
	r := &Reader{name: name, dec: newDecoder(), streams: map[streamKey]*stream{}, sipFlows: newFlowSet(maxFlows)}
	head, err := br.Peek(4)
	if err != nil && len(head) == 0 {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file, %w", name, ErrNotCapture)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch {
	case len(head) == 4 && isPcapMagic(head):
		return r, r.openPcap(br)
	case len(head) == 4 && binary.BigEndian.Uint32(head) == 0x0a0d0d0a:
		return r, r.openPcapng(br)
	}
	return r, r.openText(br)
}

func isPcapMagic(b []byte) bool {
	switch binary.BigEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		return true
	}
	return false
}

func (r *Reader) openPcap(br *bufio.Reader) error {
	r.format = "pcap"
	// pcapgo sizes its buffer from the header's snap length (bytes 16-20, in the file's
	// byte order) and refuses frames longer than it. Both are wrong for us: a damaged
	// header asks for gigabytes, and some writers (dpkt) declare 1500 and write longer
	// frames, which tcpdump and Wireshark read. The header passed on says maxSnaplen.
	hdr, err := br.Peek(24)
	if err != nil {
		return fmt.Errorf("%s: the pcap file header is cut short: the file is truncated", r.name)
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if hdr[0] == 0xa1 {
		order = binary.BigEndian
	}
	fixed := bytes.Clone(hdr)
	order.PutUint32(fixed[16:20], maxSnaplen)
	br.Discard(24)
	pr, err := pcapgo.NewReader(io.MultiReader(bytes.NewReader(fixed), br))
	if err != nil {
		return fmt.Errorf("%s: %v", r.name, err)
	}
	lt := pr.LinkType()
	if !supportedLink(lt) {
		return fmt.Errorf("%s: link type %d (%s) is not read: capture on an Ethernet interface, or with tcpdump -i any", r.name, int(lt), lt)
	}
	r.next = func() error {
		data, ci, err := pr.ZeroCopyReadPacketData()
		if err != nil {
			return r.readErr(err)
		}
		r.frame(lt, data, ci)
		return nil
	}
	return nil
}

func (r *Reader) openPcapng(br *bufio.Reader) error {
	r.format = "pcapng"
	var nr *pcapgo.NgReader
	err := safely(func() (err error) {
		nr, err = pcapgo.NewNgReader(&ngGuard{r: br}, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		return err
	})
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%s: pcapng header cut short: the file is truncated", r.name)
		}
		return fmt.Errorf("%s: %v", r.name, err)
	}
	r.next = func() error {
		var data []byte
		var ci gopacket.CaptureInfo
		err := safely(func() (err error) {
			data, ci, err = nr.ZeroCopyReadPacketData()
			return err
		})
		if err != nil {
			return r.readErr(err)
		}
		lt := nr.LinkType()
		if ifc, err := nr.Interface(ci.InterfaceIndex); err == nil {
			lt = ifc.LinkType
		}
		if !supportedLink(lt) {
			r.frames++
			r.warn(r.frames, fmt.Sprintf("link type %d (%s) is not read", int(lt), lt))
			return nil
		}
		r.frame(lt, data, ci)
		return nil
	}
	return nil
}

// safely runs f, turning a panic of pcapgo (which trusts some fields of a pcapng file: an
// empty or out-of-range timestamp resolution divides by zero) into an error: a damaged
// file must not crash the tool.
func safely(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the file is damaged (%v)", p)
		}
	}()
	return f()
}

// readErr turns the end of a pcap or pcapng file into io.EOF. A file cut inside a frame
// (a capture copied while still being written, a download cut short) still gives the
// frames before the cut, with a warning naming the frame that is cut; a file cut in its
// first frame has nothing to give and is an error.
func (r *Reader) readErr(err error) error {
	switch {
	case errors.Is(err, io.EOF):
		return io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF) && r.frames > 0:
		r.warn(r.frames+1, "the file ends inside this frame (truncated capture): the frames before it are read")
		return io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: frame 1: the file ends inside this frame (truncated capture)", r.name)
	}
	return fmt.Errorf("%s: frame %d: %v", r.name, r.frames+1, err)
}

// frame decodes one captured frame and queues its events.
func (r *Reader) frame(lt layers.LinkType, data []byte, ci gopacket.CaptureInfo) {
	r.frames++
	r.frameAt = ci.Timestamp
	r.packet(lt, data, ci.CaptureLength < ci.Length)
}

// packet queues the events of one frame's bytes; truncated says the capture kept only
// the start of the frame.
func (r *Reader) packet(lt layers.LinkType, data []byte, truncated bool) {
	p := &r.pkt
	if !r.dec.decode(lt, data, p) {
		return
	}
	if p.icmp != nil {
		r.unreachable(p.icmp)
		return
	}
	if p.fragment {
		r.warn(r.frames, "SIP message in a fragmented IP datagram: fragments are not reassembled, the message is not read")
		return
	}
	if p.transport == "TCP" {
		r.tcpSegment(p, truncated)
		return
	}
	switch {
	case looksSIP(p.payload):
		if truncated {
			r.warn(r.frames, "SIP message cut by the capture's snap length: not read (capture with a larger packet length)")
			return
		}
		r.sipMessage(p, r.frames, r.frameAt, p.payload)
	default:
		r.keepalive(p)
	}
}

// sipMessage parses one SIP message and queues it, remembering its flow and ports so
// that keepalives and ICMP errors on them are recognised.
func (r *Reader) sipMessage(p *packet, frame int, at time.Time, b []byte) {
	m, err := parseSIP(b)
	if err != nil {
		r.warn(frame, "malformed SIP message: "+err.Error())
		return
	}
	r.sipFlows.add(p.src, p.dst)
	r.sipPorts[p.src.Port()] = true
	r.sipPorts[p.dst.Port()] = true
	r.emit(Event{Frame: frame, Time: at, Kind: SIP, Transport: p.transport, Src: p.src, Dst: p.dst, SIP: m, Length: len(b)})
}

// keepalive queues a CRLF or STUN keepalive on a flow that has carried SIP.
func (r *Reader) keepalive(p *packet) {
	kind := ""
	switch {
	case onlyCRLF(p.payload):
		kind = "crlf"
	case isSTUN(p.payload):
		kind = "stun"
	default:
		return
	}
	if !r.sipFlows.has(p.src, p.dst) {
		return
	}
	r.emit(Event{Frame: r.frames, Kind: Keepalive, Keepalive: kind, Transport: p.transport,
		Src: p.src, Dst: p.dst, Length: len(p.payload)})
}

// unreachable queues an ICMP error quoting a SIP flow, or a flow on a SIP port.
func (r *Reader) unreachable(e *icmpError) {
	sp, dp := e.src.Port(), e.dst.Port()
	if !r.sipFlows.has(e.src, e.dst) && !sipPort(sp) && !sipPort(dp) && !r.sipPorts[sp] && !r.sipPorts[dp] {
		return
	}
	r.emit(Event{Frame: r.frames, Kind: Unreachable, Transport: e.transport, Src: e.src, Dst: e.dst,
		From: e.from, Reason: e.reason})
}

func sipPort(p uint16) bool { return p == 5060 || p == 5061 }

// emit queues ev, stamped with the file and the current frame's time.
func (r *Reader) emit(ev Event) {
	ev.File = r.name
	if ev.Time.IsZero() {
		ev.Time = r.frameAt
	}
	r.queue = append(r.queue, ev)
}

func (r *Reader) warn(frame int, msg string) {
	r.warnCount++
	if len(r.warnings) < maxWarnings {
		r.warnings = append(r.warnings, Warning{File: r.name, Frame: frame, Message: msg})
	}
}

// Next returns the next event in frame order, and io.EOF after the last. Other errors
// name the file and the frame ("cap.pcap: frame 12: ...") and end the reading. A pcap or
// pcapng file cut inside a frame ends with io.EOF and a warning naming the cut frame when
// frames before it were read (they are still worth reading), and with an error when its
// first frame is cut.
func (r *Reader) Next() (Event, error) {
	for len(r.queue) == 0 {
		if r.done != nil {
			return Event{}, r.done
		}
		if err := r.next(); err != nil {
			r.done = err
		}
	}
	ev := r.queue[0]
	r.queue[0] = Event{}
	r.queue = r.queue[1:]
	if len(r.queue) == 0 {
		r.queue = r.queue[:0:0]
	}
	return ev, nil
}

// Format is the input's format: "pcap", "pcapng", "show capture", "show capture detail",
// "show capture dump" or "tshark summary".
func (r *Reader) Format() string { return r.format }

// FlowOnly is true when the input shows no payloads ("show capture" without detail or
// dump): it yields only Packet events.
func (r *Reader) FlowOnly() bool { return r.flowOnly }

// Warnings are what was not read, the first maxWarnings of them.
func (r *Reader) Warnings() []Warning { return r.warnings }

// WarningCount is the number of warnings, including those Warnings does not keep.
func (r *Reader) WarningCount() int { return r.warnCount }

// Frames is the number of frames (or packet lines) read so far.
func (r *Reader) Frames() int { return r.frames }

// Close closes the file Open opened; it does nothing for NewReader's.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	c := r.closer
	r.closer = nil
	return c.Close()
}

// flowSet is the set of flows (address and port pairs, either direction) that carried
// SIP, bounded: past its size the oldest flows are forgotten, first in first out.
type flowSet struct {
	m     map[[2]netip.AddrPort]struct{}
	order [][2]netip.AddrPort // ring of the flows in the order they were added
	head  int
	max   int
}

func newFlowSet(max int) *flowSet {
	return &flowSet{m: map[[2]netip.AddrPort]struct{}{}, max: max}
}

func flowKey(a, b netip.AddrPort) [2]netip.AddrPort {
	if a.Addr().Less(b.Addr()) || (a.Addr() == b.Addr() && a.Port() < b.Port()) {
		return [2]netip.AddrPort{a, b}
	}
	return [2]netip.AddrPort{b, a}
}

func (s *flowSet) add(a, b netip.AddrPort) {
	k := flowKey(a, b)
	if _, ok := s.m[k]; ok {
		return
	}
	if len(s.order) < s.max {
		s.order = append(s.order, k)
	} else {
		delete(s.m, s.order[s.head])
		s.order[s.head] = k
		s.head = (s.head + 1) % len(s.order)
	}
	s.m[k] = struct{}{}
}

func (s *flowSet) has(a, b netip.AddrPort) bool {
	if len(s.m) == 0 {
		return false
	}
	_, ok := s.m[flowKey(a, b)]
	return ok
}

// maxFlows bounds the SIP flows remembered: far more phones than one capture shows.
const maxFlows = 1 << 16
