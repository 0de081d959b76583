package parser

// The lines of object and object-group blocks are a large part of what the path sections
// add to a parse of a large configuration (tens of thousands of blocks: the name maps,
// the blocks, their kept lines and summaries). A parse with Options.Paths hands them to a
// goroutine of their own, in batches, while it goes on with the lines after them (on the
// 1M-line benchmark, 0.48 s became 0.43 s on two cores). Access-list lines stay with the
// parse: they cost it little each, and copying them all to the goroutine cost more.
//
// The goroutine owns what it builds (Paths.objects, groups, memberPages, slab, objText and
// the blocks) until the parse waits for it; nothing else reads them before. It takes
// the lines in the order of the file, so what it builds is what the parse built itself
// (an edit, Paths.EnterBlock, still does it itself).

// objWorkers lets a parse hand the object lines to a goroutine; the tests turn it off to
// compare with the parse keeping them itself.
var objWorkers = true

// objWorker is the goroutine and its batches.
type objWorker struct {
	work chan *objBatch
	free chan *objBatch
	done chan struct{}
	cur  *objBatch
	shut bool
}

// objBatch holds lines for the goroutine: their text in buf, each described by a record.
type objBatch struct {
	buf  []byte
	recs []objRec
}

// objRec is a line of a block: its header (with the block's name), or a line below it.
type objRec struct {
	name       string // header: the block's name
	off        int64  // the line's offset in the input, or -1 (lineStore.add)
	num        int
	indent     int32
	start, end int32 // its text in the batch's buf
	kind       uint8
	group      bool // header: an object-group, not an object
}

// Kinds of objRec.
const (
	recChild uint8 = iota
	recHeader
)

const (
	objBatchBytes = 64 << 10
	objBatches    = 3 // one being filled, two at most waiting or being read
)

func newObjWorker(ps *Paths) *objWorker {
	w := &objWorker{work: make(chan *objBatch, objBatches-1), free: make(chan *objBatch, objBatches), done: make(chan struct{})}
	for range objBatches {
		w.free <- &objBatch{buf: make([]byte, 0, objBatchBytes)}
	}
	go func() {
		defer close(w.done)
		var cur *block
		for b := range w.work {
			for _, r := range b.recs {
				text := b.buf[r.start:r.end]
				switch r.kind {
				case recHeader:
					cur = ps.objHeader(r.group, r.name, r.num, text, r.off)
				case recChild:
					ps.objChild(cur, r.num, text, int(r.indent), r.off)
				}
			}
			b.buf, b.recs = b.buf[:0], b.recs[:0]
			w.free <- b
		}
	}()
	w.cur = <-w.free
	return w
}

// add hands the line text, described by r, to the goroutine.
func (w *objWorker) add(r objRec, text []byte) {
	if len(w.cur.recs) > 0 && len(w.cur.buf)+len(text) > cap(w.cur.buf) {
		w.work <- w.cur
		w.cur = <-w.free
	}
	r.start = int32(len(w.cur.buf))
	w.cur.buf = append(w.cur.buf, text...)
	r.end = int32(len(w.cur.buf))
	w.cur.recs = append(w.cur.recs, r)
}

// wait hands over the last lines and returns once the goroutine has read them all; it may
// be called again.
func (w *objWorker) wait() {
	if w == nil || w.shut {
		return
	}
	w.shut = true
	if len(w.cur.recs) > 0 {
		w.work <- w.cur
	}
	close(w.work)
	<-w.done
}
