package parser

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// lineStore keeps the lines of a deferred section. A line that is the input's bytes as
// they are (Scanner.Verbatim), when the input can be read again (Options.ReadBack), is
// kept as a reference into the input and read back when asked for: a large configuration
// is mostly access-list lines, and keeping their text would make the memory of an audit
// grow with the file. Any other line (normalised by the Scanner, or added by an edit) is
// kept as text in fixed-size chunks, so that a growing store never copies what it holds.
type lineStore struct {
	chunks [][]byte
	// pages hold the lineRefs, refPage to a page, so that a growing store of hundreds
	// of thousands of lines does not copy them each time it outgrows its slice; n is
	// the number of lines.
	pages []*refPageData
	n     int
	src   *source // nil: every line is in chunks
	// win is what was last read of the input for this store: each store has its own,
	// since the lines of an access-list are read in order while the objects they name
	// are read here and there.
	win window
	// cur holds the last line bytes read back, for the callers that keep slices of it.
	cur []byte
	// far holds where the lines in memory past nearChunks are: chunk<<32 | offset.
	far []uint64
}

// lineRef is where a kept line is, and its file line: 8 bytes, as a large configuration
// has hundreds of thousands of them. A line in the input is at its offset there, and
// runs to its line ending (less the blanks and carriage returns before it, which the
// Scanner leaves out of a line's text): its length is read back with it. A line in
// memory is at its chunk and its offset in the chunk (refOffBits), after its length in
// refLenBytes bytes.
type lineRef struct {
	num uint32 // the file line; refInMemory is set for a line in chunks
	at  uint32
}

const (
	refInMemory = 1 << 31
	refOffBits  = 18 // chunkSize
	refLenBytes = 3
	// maxLine is the longest line a store keeps whole; the Scanner gives none longer.
	maxLine = 1<<(8*refLenBytes) - 1
	// maxInputOffset bounds the offsets kept as references; a line beyond it (in an
	// input of gigabytes) is kept in memory.
	maxInputOffset = 1<<32 - 1
	// refFar marks, in a line in memory, an index into lineStore.far: past nearChunks
	// chunks (2 GiB of lines that were not kept as references), the chunk and offset
	// take 8 more bytes.
	refFar     = 1 << 31
	nearChunks = refFar >> refOffBits
)

func (r lineRef) inInput() bool { return r.num&refInMemory == 0 }
func (r lineRef) line() int     { return int(r.num &^ refInMemory) }

// refPage is the number of lineRefs of a page (32 KiB written out).
const refPage = 4096

// refPageData is a page of lineRefs. Most pages hold lines of the input that follow each
// other in the file (an access-list's, the objects'): such a page is compact, 2 bytes a
// line, the distance from the line before, with the offset of every refMark-th line; the
// first line that does not fit (in memory, not the next file line, too far) writes the
// page out whole, as does an edit. On a large configuration the refs were the largest
// part of what a parse keeps, and memory touched for the first time is slow to get.
type refPageData struct {
	full []lineRef // the page written out; nil while compact
	// A compact page's line k is file line num0+k at offset marks[k/refMark] plus
	// delta[k/refMark*refMark+1 .. k]; last is the offset of its last line.
	num0, last uint32
	delta      []uint16
	marks      []uint32
	// cache is the last line read, so that reading a page line after line adds one
	// distance each.
	cache refCursor
}

// refCursor is a line of a compact page and its offset: the next line's offset is one
// distance on. A reader of its own keeps one (SketchReader), the store one a page.
type refCursor struct {
	k  int // -1: none
	at uint32
}

// offset returns the offset of line k of compact page p, from c when c is on k or the
// line before it, and moves c to k.
func (c *refCursor) offset(p *refPageData, k int) uint32 {
	switch {
	case k == c.k && k >= 0:
		return c.at // a line asked for again (stable asks twice)
	case k == c.k+1 && c.k >= 0:
		c.at += uint32(p.delta[k])
	default:
		c.at = p.marks[k/refMark]
		for t := k/refMark*refMark + 1; t <= k; t++ {
			c.at += uint32(p.delta[t])
		}
	}
	c.k = k
	return c.at
}

// ref returns where line k of page p is, reading a compact page through c.
func (p *refPageData) ref(k int, c *refCursor) lineRef {
	if p.full != nil {
		return p.full[k]
	}
	return lineRef{num: p.num0 + uint32(k), at: c.offset(p, k)}
}

// refMark is how often a compact page keeps a line's offset.
const refMark = 64

// at returns the offset of line k of compact page p.
func (p *refPageData) at(k int) uint32 { return p.cache.offset(p, k) }

// fits reports whether r can be added to compact page p as its line k.
func (p *refPageData) fits(k int, r lineRef) bool {
	if !r.inInput() || len(p.delta) != k {
		return false
	}
	return k == 0 || r.num == p.num0+uint32(k) && r.at > p.last && r.at-p.last <= 1<<16-1
}

// add adds r, which fits, as line k of compact page p.
func (p *refPageData) add(k int, r lineRef) {
	if k == 0 {
		p.num0, p.delta, p.marks, p.cache = r.num, make([]uint16, 0, refPage), make([]uint32, 0, refPage/refMark), refCursor{k: -1}
	}
	d := uint16(0)
	if k > 0 {
		d = uint16(r.at - p.last)
	}
	p.delta = append(p.delta, d)
	if k%refMark == 0 {
		p.marks = append(p.marks, r.at)
	}
	p.last = r.at
}

// writeOut makes p a page written out, with its lines as they are.
func (p *refPageData) writeOut() {
	if p.full != nil {
		return
	}
	full := make([]lineRef, refPage)
	for k := range p.delta {
		full[k] = lineRef{num: p.num0 + uint32(k), at: p.at(k)}
	}
	p.full, p.delta, p.marks = full, nil, nil
}

// len returns the number of lines.
func (s *lineStore) len() int { return s.n }

// ref returns where line i is.
func (s *lineStore) ref(i int) lineRef {
	p := s.pages[i/refPage]
	return p.ref(i%refPage, &p.cache)
}

func (s *lineStore) setRef(i int, r lineRef) {
	p := s.pages[i/refPage]
	p.writeOut()
	p.full[i%refPage] = r
}

// push adds r after the last line and returns its index.
func (s *lineStore) push(r lineRef) int {
	if s.n%refPage == 0 {
		s.pages = append(s.pages, &refPageData{})
	}
	p, k := s.pages[len(s.pages)-1], s.n%refPage
	if p.full == nil && p.fits(k, r) {
		p.add(k, r)
	} else {
		if p.full == nil {
			p.delta = p.delta[:min(len(p.delta), k)] // lines removed from its end
			p.writeOut()
		}
		p.full[k] = r
	}
	s.n++
	return s.n - 1
}

// move moves the last line to index i, after the lines before it.
func (s *lineStore) move(i int) {
	r := s.ref(s.n - 1)
	for j := s.n - 1; j > i; j-- {
		s.setRef(j, s.ref(j-1))
	}
	s.setRef(i, r)
}

// remove takes line i away.
func (s *lineStore) remove(i int) {
	for j := i; j < s.n-1; j++ {
		s.setRef(j, s.ref(j+1))
	}
	s.n--
	if s.n%refPage == 0 {
		s.pages = s.pages[:len(s.pages)-1]
	}
}

// chunkSize holds several lines of maxKept, so that few bytes are left unused at the end
// of a chunk.
const chunkSize = 1 << refOffBits

// add keeps line b, numbered num; off is the offset of b in the input when b is the
// input's bytes there up to the end of the line's text, else -1. It returns the line's
// index.
func (s *lineStore) add(num int, b []byte, off int64) int {
	b = b[:min(len(b), maxLine)]
	n32 := uint32(num) &^ refInMemory
	if s.src != nil && off >= 0 && off <= maxInputOffset && len(b) > 0 {
		return s.push(lineRef{num: n32, at: uint32(off)})
	}
	n := len(s.chunks)
	if n == 0 || len(s.chunks[n-1])+refLenBytes+len(b) > cap(s.chunks[n-1]) {
		s.chunks = append(s.chunks, make([]byte, 0, max(chunkSize, refLenBytes+len(b))))
		n++
	}
	c := s.chunks[n-1]
	s.chunks[n-1] = append(append(c, byte(len(b)>>16), byte(len(b)>>8), byte(len(b))), b...)
	at := uint32(n-1)<<refOffBits | uint32(len(c))
	if n > nearChunks {
		at = refFar | uint32(len(s.far))
		s.far = append(s.far, uint64(n-1)<<32|uint64(len(c)))
	}
	return s.push(lineRef{num: n32 | refInMemory, at: at})
}

// bytes returns the file line number and the text of line i. Text read back from the
// input is valid until the next read of the input; an error says the line could not be
// read back.
func (s *lineStore) bytes(i int) (int, []byte, error) {
	r := s.ref(i)
	b, err := s.text(r, s.src, &s.win)
	return r.line(), b, err
}

// text returns the text of r: a line of the input read back from src through w, or a
// line in chunks.
func (s *lineStore) text(r lineRef, src *source, w *window) ([]byte, error) {
	if !r.inInput() {
		return s.inMemory(r), nil
	}
	if src == nil {
		return nil, errNoSource
	}
	return src.readLine(w, int64(r.at))
}

// errNoSource is text's error for a line of the input with no source to read it from,
// which a store never holds.
var errNoSource = errors.New("the input cannot be read again")

// inMemory returns the text of r, a line in chunks.
func (s *lineStore) inMemory(r lineRef) []byte {
	chunk, off := int(r.at>>refOffBits), int(r.at&(1<<refOffBits-1))
	if r.at&refFar != 0 {
		f := s.far[r.at&^refFar]
		chunk, off = int(f>>32), int(uint32(f))
	}
	c := s.chunks[chunk]
	n := int(c[off])<<16 | int(c[off+1])<<8 | int(c[off+2])
	return c[off+refLenBytes : off+refLenBytes+n]
}

// stable is bytes with a text that stays valid until the next call of stable on this
// store.
func (s *lineStore) stable(i int) (int, []byte, error) {
	num, b, err := s.bytes(i)
	if err == nil && s.ref(i).inInput() {
		s.cur = append(s.cur[:0], b...)
		b = s.cur
	}
	return num, b, err
}

// line returns the file line number and text of line i.
func (s *lineStore) line(i int) (int, string, error) {
	num, b, err := s.bytes(i)
	return num, string(b), err
}

// readWindow is how much of the input a read back reads at once when it goes on from
// the previous read: the lines of one access-list follow each other, so that reading
// through it costs a system call per window, not per line. Each store has a window of its
// own, so it is not made larger: 256 KiB cost more in memory first touched than the
// system calls it saved. A read elsewhere (an object
// named by an entry) reads seekWindow, which holds a block of several lines.
const (
	readWindow = 64 << 10
	seekWindow = 4 << 10
)

// window is a part of the input read back: buf holds it from Scanner offset off.
type window struct {
	buf []byte
	off int64
	eof bool // buf runs to the end of the input
}

// source reads back the lines kept as references into the input.
type source struct {
	r    io.ReaderAt
	name string
	// base is the offset in r of the Scanner's first byte.
	base int64
	// stat, when the input is a file, says its size and modification time, compared
	// before each read with those when it was opened.
	stat  func() (fs.FileInfo, error)
	size  int64
	mtime time.Time
	// unchecked counts the bytes read since the input was last compared with stat: it is
	// compared again before the next read once that is readWindow or more, and at the
	// end (Config.ReadBackErr), so that a change is found whatever was read after it.
	unchecked int
	// changed is set when the input was found changed; every read back fails after.
	changed error
}

// newSource returns a source reading r, which the Scanner starts reading at its current
// offset; nil when r cannot be read at offsets.
func newSource(r io.Reader, name string) *source {
	ra, ok := r.(io.ReaderAt)
	sk, ok2 := r.(io.Seeker)
	if !ok || !ok2 {
		return nil
	}
	base, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil
	}
	src := &source{r: ra, name: name, base: base, unchecked: readWindow}
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		fi, err := st.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		src.stat, src.size, src.mtime = st.Stat, fi.Size(), fi.ModTime()
	}
	return src
}

// ErrChanged is wrapped by the error of a Config whose input changed while it was read back.
var ErrChanged = errors.New("the file changed while it was audited")

// check compares the input with what it was when it was opened: an error when it cannot
// tell, ErrChanged (kept in changed) when it differs.
func (s *source) check() error {
	s.unchecked = 0
	if s.stat == nil || s.changed != nil {
		return s.changed
	}
	fi, err := s.stat()
	if err != nil {
		return err
	}
	if fi.Size() != s.size || !fi.ModTime().Equal(s.mtime) {
		s.changed = fmt.Errorf("%s: %w (its size or modification time is not what it was when it was read): audit it again once it is no longer written to", s.name, ErrChanged)
	}
	return s.changed
}

// readLine returns the text of the verbatim line at Scanner offset off through w, valid
// until the next read through w: the bytes up to the line ending, less the trailing
// blanks and carriage returns (lineEnd).
func (s *source) readLine(w *window, off int64) ([]byte, error) {
	need := 1 // a window, which holds most lines whole
	for {
		if off >= w.off && off < w.off+int64(len(w.buf)) {
			rest := w.buf[off-w.off:]
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				return lineEnd(rest[:i]), nil
			}
			if w.eof || need > maxKept {
				return lineEnd(rest), nil
			}
			// A verbatim line is at most maxKept bytes before its newline.
			need = maxKept + 1
		}
		if _, err := s.read(w, off, need, true); err != nil {
			return nil, err
		}
		if len(w.buf) == 0 {
			return nil, io.ErrUnexpectedEOF
		}
	}
}

// lineEnd returns raw, a line of the input without its newline, as far as the text the
// Scanner gives of it runs when it gives it as it is.
func lineEnd(raw []byte) []byte {
	for len(raw) > 0 && raw[len(raw)-1] == '\r' {
		raw = raw[:len(raw)-1]
	}
	return trimBlanks(raw)
}

// read returns n bytes at Scanner offset off, through w, valid until the next read
// through w; with short, fewer at the end of the input.
func (s *source) read(w *window, off int64, n int, short bool) ([]byte, error) {
	if off >= w.off && off+int64(n) <= w.off+int64(len(w.buf)) {
		return w.buf[off-w.off : off-w.off+int64(n)], nil
	}
	if s.changed != nil {
		return nil, s.changed
	}
	if s.unchecked >= readWindow {
		if err := s.check(); err != nil {
			return nil, err
		}
	}
	size := seekWindow
	if off >= w.off && off <= w.off+int64(len(w.buf))+readWindow {
		size = readWindow
	}
	size = max(size, n)
	if cap(w.buf) < size {
		w.buf = make([]byte, size)
	}
	got, err := s.r.ReadAt(w.buf[:size], s.base+off)
	w.buf, w.off = w.buf[:got], off
	w.eof = got < size && (err == nil || errors.Is(err, io.EOF))
	s.unchecked += got
	if got >= n {
		return w.buf[:n], nil
	}
	if short && w.eof {
		return w.buf, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return nil, err
}
