package asa

import (
	"runtime"
	"slices"

	"github.com/asaaudit/asaaudit/parser"
)

// A walk over a long access-list reads back and sketches each line it passes (most of
// the path evaluation's time on a large configuration, 0.4 µs a line), on one core while
// the parse's other core sits idle. So a goroutine reads two of every three runs of
// aheadRun lines ahead of the walk (parser.SketchReader, a reader of its own) and says of
// each line, in a byte, what sketchSkips would say without the model: that it is a
// remark, that it names source ports, and for which queries its service, or an address
// literal on the provider's or the clients' side, passes over the flow. Most lines of a
// large list are passed over so; the walk sketches the others itself and decides them
// as before, in order. Nothing the walk decides changes, only who reads what.
//
// The goroutine reads nothing of the model: the queries are copied, the functions it
// calls (sketchService, literalSet, services.matches) are of the sketch alone, and the
// parser's side is read only (SketchReader).

// sketchAhead lets walkChain have lines read ahead; the tests turn it off to compare.
var sketchAhead = true

// aheadRun is the lines of a run; aheadMin the fewest lines of an access-list read
// ahead, below which a goroutine costs more than it saves. The tests make them small.
var (
	aheadRun = 256
	aheadMin = 4096
)

// aheadRuns is how many runs the goroutine may have read before the walk takes them.
const aheadRuns = 8

// What the goroutine says of a line, in a byte.
const (
	aheadSketched = 1 << iota // the line is sketched; nothing else is set otherwise
	aheadRemark               // it is a remark
	aheadSport                // its service names source ports (services.sportRestricted)
	aheadSkip                 // aheadSkip<<k: it passes over query k
)

// aheadQueries is the most queries a walk read ahead may have: one bit each.
const aheadQueries = 8 - 3

// aheadMine reports whether the walk reads run r itself: the goroutine reads the others.
// It takes two runs of three because the walk, which also decides every line it keeps,
// is the slower of the two.
func aheadMine(r int) bool { return r%2 == 0 }

// aheadBatch is what the goroutine said of the lines from to to (excluded).
type aheadBatch struct {
	from, to int
	bits     []uint8
}

// ahead is the goroutine reading one access-list, and the batch the walk reads.
type ahead struct {
	out  chan *aheadBatch // batches read, in order
	free chan *aheadBatch // batches the walk is done with
	quit chan struct{}
	done chan struct{}
	cur  *aheadBatch
}

// startAhead starts a goroutine reading acl ahead of a walk with queries qs; nil when
// acl is too short, the queries too many or IPv6, or there is no other core.
func (m *Model) startAhead(acl *parser.AccessList, qs []aclQuery) *ahead {
	n := acl.Len()
	if !sketchAhead || !sketching || n < aheadMin || len(qs) > aheadQueries || runtime.GOMAXPROCS(0) < 2 {
		return nil
	}
	qs = slices.Clone(qs)
	for k := range qs {
		if qs[k].v6 != nil {
			return nil
		}
		qs[k].sportSeen = nil // the walk's to set
	}
	h := &ahead{out: make(chan *aheadBatch, aheadRuns), free: make(chan *aheadBatch, aheadRuns), quit: make(chan struct{}), done: make(chan struct{})}
	for range aheadRuns {
		h.free <- &aheadBatch{bits: make([]uint8, aheadRun)}
	}
	rd := acl.NewSketchReader()
	go func() {
		defer close(h.done)
		var sc aheadScratch
		for r := 1; r*aheadRun < n; r++ {
			if aheadMine(r) {
				continue
			}
			var b *aheadBatch
			select {
			case b = <-h.free:
			case <-h.quit:
				return
			}
			b.from, b.to = r*aheadRun, min((r+1)*aheadRun, n)
			rd.SketchEach(b.from, b.to, func(i int, s *parser.ACESketch, ok bool) {
				b.bits[i-b.from] = 0
				if ok {
					b.bits[i-b.from] = aheadBits(s, qs, &sc)
				}
			})
			h.out <- b // there is room: out holds as many batches as there are
		}
	}()
	return h
}

// bits returns what the goroutine said of line i; 0 when the walk reads the line itself.
// The walk asks for lines in order, and may pass over some.
func (h *ahead) bits(i int) uint8 {
	if h == nil || aheadMine(i/aheadRun) {
		return 0
	}
	for h.cur == nil || i >= h.cur.to {
		if h.cur != nil {
			h.free <- h.cur
		}
		h.cur = <-h.out
	}
	return h.cur.bits[i-h.cur.from]
}

// stop ends the goroutine once the walk is over (or done early), and waits for it: it
// reads the access-list, which may change after the walk.
func (h *ahead) stop() {
	if h == nil {
		return
	}
	close(h.quit)
	<-h.done
}

// aheadScratch is the goroutine's own room for a sketch's service and literals.
type aheadScratch struct {
	svc          services
	alt          [1]service
	sport, dport [2]portSpan
	set          [2]addrSet
	buf          [2][1]span
}

// aheadBits is what the goroutine says of sketch s for the queries qs.
func aheadBits(s *parser.ACESketch, qs []aclQuery, sc *aheadScratch) uint8 {
	if s.Kind == parser.SketchRemark {
		return aheadSketched | aheadRemark
	}
	sketchService(s, &sc.svc, &sc.alt, &sc.sport, &sc.dport)
	b := uint8(aheadSketched)
	if sc.svc.sportRestricted() {
		b |= aheadSport
	}
	for k := range qs {
		if passesOver(s, &qs[k], sc) {
			b |= aheadSkip << k
		}
	}
	return b
}

// passesOver reports whether sketchSkips would pass over the entry sketched in s for q,
// from what needs no model: the service (already in sc), then, when the provider's side
// is a literal (or any), that it misses the provider, then, when the clients' side is
// one too, that it misses every client. An object or object-group on the provider's side
// is left to the walk, which resolves it first.
func passesOver(s *parser.ACESketch, q *aclQuery, sc *aheadScratch) bool {
	if _, some := sc.svc.matches(q.port, q.sport, q.dport); !some {
		return true
	}
	fixed, vary := &s.Dst, &s.Src
	if q.varyDst {
		fixed, vary = vary, fixed
	}
	f, ok := literalSet(fixed, &sc.set[0], &sc.buf[0])
	if !ok {
		return false
	}
	if !q.hasFixed(f) {
		return true
	}
	// consider passes over an entry whose literal clients' side misses what is left of
	// the clients, which is part of q.vary.
	v, ok := literalSet(vary, &sc.set[1], &sc.buf[1])
	return ok && len(q.vary.intersect(v.spans)) == 0
}
