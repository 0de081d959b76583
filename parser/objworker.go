package parser

import "encoding/binary"

// The lines of object and object-group blocks are a large part of what the path sections
// add to a parse of a large configuration (tens of thousands of blocks: the name maps,
// the blocks, their kept lines and summaries). A parse with Options.Paths hands them to a
// goroutine of their own, in batches, while it goes on with the lines after them.
// Access-list lines stay with the parse: they cost it little each, and copying them all
// to the goroutine cost more.
//
// The objects come in one stretch of a configuration, where the goroutine has more to do
// per line than the parse: with little room between them the parse waited for it
// (35-40 ms of 225 on the 1M-line benchmark). So a batch is small per line (a header's
// text and a few varints; a line below a header that is the input's bytes as they are
// is read back from the input by the goroutine, not copied) and the goroutine may fall
// far behind (objMaxBatches), catching up while the parse reads the access-lists.
//
// When it reads lines back, it also reads ahead the interfaces of each NAT line (pairOf),
// late in the parse, when it has nothing else to do: the path evaluation then passes over
// the NAT rules of other interfaces without reading their lines (50,000 on the benchmark).
//
// The goroutine owns what it builds (Paths.objects, groups, memberPages, slab, objText and
// the blocks; pairWords and the sections' pairs) until the parse waits for it; nothing
// else reads them before. It takes the lines in the order of the file, so what it builds
// is what the parse built itself (an edit, Paths.EnterBlock, still does it itself).

// objWorkers lets a parse hand the object lines to a goroutine; the tests turn it off to
// compare with the parse keeping them itself.
var objWorkers = true

// objWorker is the goroutine and its batches.
type objWorker struct {
	work chan *objBatch
	free chan *objBatch
	done chan struct{}
	cur  *objBatch
	made int // batches made so far, at most objMaxBatches
	shut bool
	// readBack is set when lines can be read back from the input (Paths.src).
	readBack bool
	// lastNum and lastOff are those of the last record added to cur (delta encoding).
	lastNum int
	lastOff int64
	// errNum and err are the first line the goroutine could not read back, reported by
	// wait; the lines stay references, reported again by whoever reads them.
	errNum int
	err    error
}

// objBatch holds records for the goroutine, encoded one after the other in buf:
//
//	flags byte (objHeader, objGroup, objText, objRef, objNAT, objTwice)
//	line number, less that of the record before in the batch (uvarint)
//	with objRef: the offset in the input, less that of the record before with one (uvarint)
//	below a header: the indentation; for objNAT, the line's index in its section (uvarint)
//	with objText: the text's length (uvarint) and the text
//
// A header always carries its text (its name is read from it); a line below one carries
// its text only when it is not the input's bytes (objRef unset) or has no offset.
type objBatch struct {
	buf []byte
}

// Record flags.
const (
	objHeader = 1 << iota
	objGroup
	objText
	objRef
	objNAT   // a NAT line: its index in its section follows (Paths.pairOf)
	objTwice // of NAT, not ObjectNAT
)

const (
	objBatchBytes = 32 << 10
	// objMaxBatches bounds how far the goroutine may fall behind: 8 MiB of records,
	// about a million lines below headers, or a quarter of that of headers.
	objMaxBatches = 256
)

func newObjWorker(ps *Paths) *objWorker {
	w := &objWorker{work: make(chan *objBatch, objMaxBatches), free: make(chan *objBatch, objMaxBatches), done: make(chan struct{}), readBack: ps.src != nil}
	// The goroutine reads lines back through a copy of the source of its own: the source
	// keeps a record of what it read and checked, which the parse may use meanwhile.
	var src *source
	if ps.src != nil {
		c := *ps.src
		src = &c
	}
	go func() {
		defer close(w.done)
		// The maps are made here, sized for the input, not by the parse: clearing tens of
		// thousands of slots is worth doing on this side.
		ps.objects = make(map[string]*block, blockHint(ps.src, 1024))
		ps.groups = make(map[string]*block, blockHint(ps.src, 4096))
		var cur *block
		var win window
		for b := range w.work {
			num, off := 0, int64(0)
			buf := b.buf
			for len(buf) > 0 {
				flags := buf[0]
				buf = buf[1:]
				d, n := binary.Uvarint(buf)
				buf = buf[n:]
				num += int(d)
				at := int64(-1)
				if flags&objRef != 0 {
					d, n = binary.Uvarint(buf)
					buf = buf[n:]
					off += int64(d)
					at = off
				}
				indent := 0
				if flags&objHeader == 0 {
					d, n = binary.Uvarint(buf)
					buf = buf[n:]
					indent = int(d)
				}
				var text []byte
				if flags&objText != 0 {
					d, n = binary.Uvarint(buf)
					buf = buf[n:]
					text, buf = buf[:d], buf[d:]
				} else {
					t, err := src.readLine(&win, at)
					if err != nil && flags&objNAT != 0 {
						continue // not read ahead: natRules reads the line, and reports it
					}
					if err != nil {
						// The line stays a reference, read (and reported) again by whoever
						// asks for it; its block is not summarised.
						if w.err == nil {
							w.errNum, w.err = num, err
						}
						if cur != nil {
							cur.sum = sumNone
							cur.add(int32(ps.objText.push(lineRef{num: uint32(num) &^ refInMemory, at: uint32(at)})))
						}
						continue
					}
					text = t
				}
				if flags&objNAT != 0 {
					if flags&objTwice != 0 {
						setPair(ps.NAT, indent, ps.pairOf(text, "source", "after-auto"))
					} else {
						setPair(ps.ObjectNAT, indent, ps.pairOf(text, "static", "dynamic"))
					}
				} else if flags&objHeader != 0 {
					_, name := headerWords(text)
					cur = ps.objHeader(flags&objGroup != 0, string(name), num, text, at)
				} else if cur != nil {
					ps.objChild(cur, num, text, indent, at)
				}
			}
			b.buf = b.buf[:0]
			w.free <- b
		}
	}()
	w.cur = w.batch()
	return w
}

// batch returns an empty batch: a free one, a new one while fewer than objMaxBatches
// were made, else the next one the goroutine frees.
func (w *objWorker) batch() *objBatch {
	select {
	case b := <-w.free:
		return b
	default:
	}
	if w.made < objMaxBatches {
		w.made++
		return &objBatch{buf: make([]byte, 0, objBatchBytes)}
	}
	return <-w.free
}

// add hands a line to the goroutine: a header of an object (group: object-group), or a
// line below one, indented by indent; off is its offset in the input (lineStore.add), or
// -1.
func (w *objWorker) add(header, group bool, num int, text []byte, indent int, off int64) {
	var flags byte
	if header {
		flags |= objHeader
		if group {
			flags |= objGroup
		}
	}
	w.put(flags, header, num, text, indent, off)
}

// addNAT hands the goroutine line idx of NAT (twice) or ObjectNAT, whose interfaces it
// reads ahead (Paths.pairOf).
func (w *objWorker) addNAT(twice bool, idx, num int, text []byte, off int64) {
	flags := byte(objNAT)
	if twice {
		flags |= objTwice
	}
	w.put(flags, false, num, text, idx, off)
}

// put adds a record of flags to the batch, with the line's text when withText is set or
// the goroutine cannot read it back; indent is a NAT line's index for objNAT.
func (w *objWorker) put(flags byte, withText bool, num int, text []byte, indent int, off int64) {
	// The goroutine reads the line back when lineStore.add would keep it as a reference.
	ref := w.readBack && off >= 0 && off <= maxInputOffset && len(text) > 0
	if ref && len(w.cur.buf) > 0 && off < w.lastOff {
		ref = false // offsets only grow; a line should one not is kept as text
	}
	if ref {
		flags |= objRef
	}
	if withText || !ref {
		flags |= objText
	}
	need := 1 + 3*binary.MaxVarintLen64 + len(text)
	if len(w.cur.buf) > 0 && len(w.cur.buf)+need > cap(w.cur.buf) {
		w.work <- w.cur
		w.cur = w.batch()
	}
	if len(w.cur.buf) == 0 {
		w.lastNum, w.lastOff = 0, 0
	}
	b := append(w.cur.buf, flags)
	b = binary.AppendUvarint(b, uint64(num-w.lastNum))
	w.lastNum = num
	if ref {
		b = binary.AppendUvarint(b, uint64(off-w.lastOff))
		w.lastOff = off
	}
	if flags&objHeader == 0 {
		b = binary.AppendUvarint(b, uint64(indent))
	}
	if flags&objText != 0 {
		b = binary.AppendUvarint(b, uint64(len(text)))
		b = append(b, text...)
	}
	w.cur.buf = b
}

// wait hands over the last lines and returns once the goroutine has read them all; it may
// be called again. Lines the goroutine could not read back are reported then.
func (w *objWorker) wait(ps *Paths) {
	if w == nil || w.shut {
		return
	}
	w.shut = true
	if len(w.cur.buf) > 0 {
		w.work <- w.cur
	}
	close(w.work)
	<-w.done
	if w.err != nil {
		ps.unreadable(w.errNum, w.err)
	}
	// Lines kept after the last one handed over have no interfaces read ahead.
	if ps.NAT.pairs != nil {
		fillPairs(ps.NAT, ps.NAT.Len())
	}
	if ps.ObjectNAT.pairs != nil {
		fillPairs(ps.ObjectNAT, ps.ObjectNAT.Len())
	}
}
