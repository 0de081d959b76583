package capture

import (
	"bytes"
	"net/netip"
	"strconv"
	"time"
)

// Bounds on TCP reassembly: a SIP message is a few KiB, so 64 KiB per direction holds any
// real one, and 256 directions at once hold any registration trace while keeping the worst
// case at 16 MiB whatever the capture.
const (
	maxStreamBuf = 64 << 10
	maxStreams   = 256
)

type streamKey struct{ src, dst netip.AddrPort }

// stream is one direction of a TCP connection that has carried SIP. Segments are joined in
// sequence order; a gap (a segment lost or out of order in the capture) drops what is
// buffered, with a warning, rather than guess at the missing bytes.
type stream struct {
	next  uint32 // sequence number of the next expected byte
	buf   []byte
	marks []mark // the frame of each segment in buf, to name a message by its first byte
	used  int    // frame that last touched the stream, for eviction
}

// mark says that buf[off:] came from frame, captured at time at.
type mark struct {
	off, frame int
	at         time.Time
}

// first is the mark of the frame that carried buf[0].
func (s *stream) first() mark {
	if len(s.marks) == 0 {
		return mark{}
	}
	return s.marks[0]
}

// consume drops the first n bytes of buf.
func (s *stream) consume(n int) {
	s.buf = s.buf[:copy(s.buf, s.buf[n:])]
	if len(s.buf) == 0 {
		s.marks = s.marks[:0]
		return
	}
	i := 0
	for i+1 < len(s.marks) && s.marks[i+1].off <= n {
		i++
	}
	s.marks = s.marks[:copy(s.marks, s.marks[i:])]
	for j := range s.marks {
		s.marks[j].off = max(s.marks[j].off-n, 0)
	}
}

// tcpSegment handles one TCP segment: it joins it to its stream and emits every SIP
// message (or CRLF keepalive) now complete.
func (r *Reader) tcpSegment(p *packet, truncated bool) {
	key := streamKey{p.src, p.dst}
	s := r.streams[key]
	data := p.payload
	if s == nil {
		if p.rst || len(data) == 0 {
			return
		}
		if !looksSIP(data) {
			// A segment that does not start a SIP message: a keepalive on a SIP flow
			// (or anything else, which is skipped without a look).
			r.keepalive(p)
			return
		}
		s = r.newStream(key)
		s.next = p.seq
	}
	s.used = r.frames
	if p.rst {
		r.dropStream(key)
		return
	}
	if truncated {
		r.warn(r.frames, "TCP segment cut by the capture's snap length: the SIP message in it is not read")
		r.dropStream(key)
		return
	}
	if len(data) == 0 {
		if p.fin {
			r.dropStream(key)
		}
		return
	}
	switch d := int32(p.seq - s.next); {
	case d < 0:
		// A retransmission, at least in part: keep only the new bytes.
		if -int(d) >= len(data) {
			return
		}
		data = data[-d:]
	case d > 0:
		if len(s.buf) > 0 {
			r.warn(r.frames, "TCP gap of "+strconv.Itoa(int(d))+" bytes before this segment (lost by the capture): the SIP message before it is not read")
		}
		s.buf, s.marks = s.buf[:0], s.marks[:0]
		if !looksSIP(data) {
			r.dropStream(key)
			return
		}
	}
	if len(s.buf)+len(data) > maxStreamBuf {
		r.warn(r.frames, "more than "+strconv.Itoa(maxStreamBuf>>10)+" KiB of TCP data without a complete SIP message: the stream is not read further")
		r.dropStream(key)
		return
	}
	s.next = p.seq + uint32(len(p.payload))
	s.marks = append(s.marks, mark{len(s.buf), r.frames, r.frameAt})
	s.buf = append(s.buf, data...)
	r.drain(p, s)
	if p.fin {
		r.dropStream(key)
	}
}

// drain emits the complete messages at the start of s.buf.
func (r *Reader) drain(p *packet, s *stream) {
	for len(s.buf) > 0 {
		if s.buf[0] == '\r' || s.buf[0] == '\n' {
			n := 0
			for n < len(s.buf) && (s.buf[n] == '\r' || s.buf[n] == '\n') {
				n++
			}
			r.emit(Event{Frame: s.first().frame, Time: s.first().at, Kind: Keepalive, Keepalive: "crlf", Transport: "TCP",
				Src: p.src, Dst: p.dst, Length: n})
			s.consume(n)
			continue
		}
		n, ok := sipFrame(s.buf)
		first := s.first()
		if n == 0 && ok {
			return // incomplete: wait for more
		}
		if !ok {
			r.warn(first.frame, "TCP stream does not hold a SIP message here: the stream is not read further")
			s.buf, s.marks = s.buf[:0], s.marks[:0]
			return
		}
		r.sipMessage(p, first.frame, first.at, s.buf[:n])
		s.consume(n)
	}
}

// sipFrame finds the length of the SIP message at the start of b, framed as RFC 3261
// section 18.3 says for streams: headers up to the empty line, then Content-Length bytes.
// It returns (0, true) when more data is needed, and ok false when b cannot start a SIP
// message (a missing Content-Length counts as 0 only if there is no body, as on UDP).
func sipFrame(b []byte) (n int, ok bool) {
	if !looksSIP(b) {
		if len(b) < 12 || bytes.IndexByte(b, '\n') < 0 {
			return 0, len(b) < 1024 // perhaps a start line not yet whole
		}
		return 0, false
	}
	end := bytes.Index(b, []byte("\r\n\r\n"))
	sep := 4
	if end < 0 {
		if end = bytes.Index(b, []byte("\n\n")); end < 0 {
			return 0, true
		}
		sep = 2
	}
	cl := 0
	for _, line := range bytes.Split(b[:end], []byte("\n")) {
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			continue
		}
		name = bytes.TrimSpace(name)
		if bytes.EqualFold(name, []byte("Content-Length")) || bytes.EqualFold(name, []byte("l")) {
			v, err := strconv.Atoi(string(bytes.TrimSpace(value)))
			if err != nil || v < 0 || v > maxStreamBuf {
				return 0, false
			}
			cl = v
		}
	}
	total := end + sep + cl
	if total > len(b) {
		return 0, true
	}
	return total, true
}

func (r *Reader) newStream(key streamKey) *stream {
	if len(r.streams) >= maxStreams {
		var oldest streamKey
		first := true
		for k, s := range r.streams {
			if first || s.used < r.streams[oldest].used {
				oldest, first = k, false
			}
		}
		r.warn(r.frames, "more than "+strconv.Itoa(maxStreams)+" TCP streams carrying SIP at once: the least recently used ("+
			oldest.src.String()+" > "+oldest.dst.String()+") is not read further")
		r.dropStream(oldest)
	}
	s := &stream{}
	r.streams[key] = s
	return s
}

func (r *Reader) dropStream(key streamKey) { delete(r.streams, key) }
