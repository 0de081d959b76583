package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxBlock is the largest pcapng block read: a frame of maxSnaplen and generous options.
const maxBlock = maxSnaplen + 64<<10

// ngGuard passes a pcapng stream to pcapgo block by block, after checking each block's
// lengths. pcapgo v1.1.19 trusts them: an enhanced packet block's captured length sizes an
// allocation before anything is read, so one damaged length asks for 4 GiB. Interface
// snap lengths are clamped to maxSnaplen for the same reason.
type ngGuard struct {
	r     io.Reader
	order binary.ByteOrder
	buf   []byte
	off   int
	err   error
	snap0 uint32 // the section's first interface's snap length, which cuts simple packets
	ifcs  int
}

func (g *ngGuard) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		if g.err != nil {
			return 0, g.err
		}
		if g.err = g.block(); g.err != nil {
			g.buf = g.buf[:0] // a block cut or damaged is not passed on in part
		}
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

// block reads and checks the next block into buf.
func (g *ngGuard) block() error {
	g.buf, g.off = g.buf[:0], 0
	var h [12]byte
	if n, err := io.ReadFull(g.r, h[:8]); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return io.EOF
		}
		return io.ErrUnexpectedEOF
	}
	hl := 8
	if binary.BigEndian.Uint32(h[0:4]) == 0x0a0d0d0a { // a section header sets the byte order
		if _, err := io.ReadFull(g.r, h[8:12]); err != nil {
			return io.ErrUnexpectedEOF
		}
		switch {
		case binary.LittleEndian.Uint32(h[8:12]) == 0x1a2b3c4d:
			g.order = binary.LittleEndian
		case binary.BigEndian.Uint32(h[8:12]) == 0x1a2b3c4d:
			g.order = binary.BigEndian
		default:
			return errors.New("pcapng section header without its byte-order magic: the file is damaged")
		}
		hl = 12
		g.ifcs = 0
	}
	if g.order == nil {
		return errors.New("pcapng block before any section header: the file is damaged")
	}
	typ, length := g.order.Uint32(h[0:4]), g.order.Uint32(h[4:8])
	if length < 12 || length%4 != 0 || length > maxBlock || int(length) < hl {
		return fmt.Errorf("pcapng block of %d bytes: the file is damaged", length)
	}
	if cap(g.buf) < int(length) {
		g.buf = make([]byte, 0, length)
	}
	g.buf = append(g.buf[:0], h[:hl]...)
	g.buf = g.buf[:length]
	if _, err := io.ReadFull(g.r, g.buf[hl:]); err != nil {
		return io.ErrUnexpectedEOF
	}
	switch typ {
	case 1: // interface description: link type, reserved, snap length
		if length < 20 {
			return fmt.Errorf("pcapng interface block of %d bytes: the file is damaged", length)
		}
		if s := g.order.Uint32(g.buf[12:16]); s == 0 || s > maxSnaplen {
			g.order.PutUint32(g.buf[12:16], maxSnaplen)
		}
		if g.ifcs++; g.ifcs == 1 {
			g.snap0 = g.order.Uint32(g.buf[12:16])
		}
	case 6: // enhanced packet: interface, timestamp (2), captured length, original length
		if length < 32 || g.order.Uint32(g.buf[20:24]) > length-32 {
			return fmt.Errorf("pcapng packet block of %d bytes holds a longer frame: the file is damaged", length)
		}
	case 3: // simple packet: original length, then the frame cut to the snap length
		if length < 16 || min(g.order.Uint32(g.buf[8:12]), g.snap0) > length-16 {
			return fmt.Errorf("pcapng packet block of %d bytes holds a longer frame: the file is damaged", length)
		}
	}
	return nil
}
