package asa

import (
	"runtime"
	"slices"
	"sync/atomic"

	"github.com/asaaudit/asaaudit/parser"
)

// A walk over a long access-list reads back and sketches each line it passes (most of
// the path evaluation's time on a large configuration, 0.4 µs a line), on one core while
// the parse's other core sits idle. So the lines are first read in runs of aheadRun, by a
// goroutine and by the walk itself, whichever comes first (parser.SketchReader, a reader
// of its own each), and each line is said in a byte what sketchSkips would say of it
// without the model: that it is a remark, that it names source ports, and for which
// queries its service, or an address literal on the provider's or the clients' side,
// passes over the flow (aheadBits). Most lines of a large list are passed over so; the
// walk sketches the others and decides them as before, in order. Nothing the walk
// decides changes, only who reads what.
//
// The way back is known before the walk that needs it (evaluate starts it ahead while it
// works out the translation), so its goroutine gets a head start.
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

// What is said of a line, in a byte.
const (
	aheadSketched = 1 << iota // the line is sketched; nothing else is set otherwise
	aheadRemark               // it is a remark
	aheadSport                // its service names source ports (services.sportRestricted)
	aheadSkip                 // aheadSkip<<k: it passes over query k
)

// aheadQueries is the most queries a walk read ahead may have: one bit each.
const aheadQueries = 8 - 3

// ahead is the reading ahead of one access-list for a walk with queries qs.
type ahead struct {
	acl  *parser.AccessList
	qs   []aclQuery // copies, without sportSeen, which is the walk's to set
	bits []uint8    // a byte a line, written by whoever claimed its run
	next atomic.Int64
	done []chan struct{} // closed once a run's bits are written
	quit chan struct{}
	gone chan struct{} // closed when the goroutine has returned
	// walk and sc are the walk's own reader and room, for the runs it reads itself.
	walk *parser.SketchReader
	sc   aheadScratch
}

// startAhead starts reading acl ahead of a walk with queries qs; nil when acl is too
// short, the queries too many or IPv6, or there is no other core.
func startAhead(acl *parser.AccessList, qs []aclQuery) *ahead {
	n := acl.Len()
	if !sketchAhead || !sketching || n < aheadMin || len(qs) > aheadQueries || runtime.GOMAXPROCS(0) < 2 {
		return nil
	}
	qs = slices.Clone(qs)
	for k := range qs {
		if qs[k].v6 != nil {
			return nil
		}
		qs[k].sportSeen = nil
	}
	runs := (n + aheadRun - 1) / aheadRun
	h := &ahead{acl: acl, qs: qs, bits: make([]uint8, n), done: make([]chan struct{}, runs), quit: make(chan struct{}), gone: make(chan struct{}), walk: acl.NewSketchReader()}
	for r := range h.done {
		h.done[r] = make(chan struct{})
	}
	rd := acl.NewSketchReader() // made here: NewSketchReader copies what the walk's goroutine uses
	go func() {
		defer close(h.gone)
		var sc aheadScratch
		for {
			select {
			case <-h.quit:
				return
			default:
			}
			r, ok := h.claim()
			if !ok {
				return
			}
			h.read(r, rd, &sc)
		}
	}()
	return h
}

// claim returns the next run nobody read; false when every run is claimed.
func (h *ahead) claim() (int, bool) {
	r := int(h.next.Add(1) - 1)
	return r, r < len(h.done)
}

// read says of each line of run r what aheadBits says, through rd.
func (h *ahead) read(r int, rd *parser.SketchReader, sc *aheadScratch) {
	from := r * aheadRun
	rd.SketchEach(from, min(from+aheadRun, len(h.bits)), func(i int, s *parser.ACESketch, ok bool) {
		h.bits[i] = 0
		if ok {
			h.bits[i] = aheadBits(s, h.qs, sc)
		}
	})
	close(h.done[r])
}

// lineBits returns what was said of line i; 0 without reading ahead. While the goroutine
// is still reading the run of line i, the walk reads the next run nobody claimed, so that
// neither waits for the other.
func (h *ahead) lineBits(i int) uint8 {
	if h == nil {
		return 0
	}
	done := h.done[i/aheadRun]
	for {
		select {
		case <-done:
			return h.bits[i]
		default:
		}
		r, ok := h.claim()
		if !ok {
			<-done // every run is claimed, this one by the goroutine
			return h.bits[i]
		}
		h.read(r, h.walk, &h.sc)
	}
}

// stop ends the goroutine once the walk is over (or done early), and waits for it: it
// reads the access-list, which may change after the walk.
func (h *ahead) stop() {
	if h == nil {
		return
	}
	close(h.quit)
	<-h.gone
}

// sameQueries reports whether the reading ahead was for queries qs.
func (h *ahead) sameQueries(qs []aclQuery) bool {
	return slices.EqualFunc(h.qs, qs, func(a, b aclQuery) bool {
		return a.fixed == b.fixed && a.varyDst == b.varyDst && a.port == b.port && a.sport == b.sport && a.dport == b.dport &&
			b.v6 == nil && slices.Equal(a.vary, b.vary)
	})
}

// aheadFor returns the reading ahead of acl for a walk with queries qs: the one evaluate
// started for the way back when it is for them, else a new one.
func (m *Model) aheadFor(acl *parser.AccessList, qs []aclQuery) *ahead {
	if h := m.path.ahead; h != nil {
		m.path.ahead = nil
		if h.acl == acl && h.sameQueries(qs) {
			return h
		}
		h.stop()
	}
	return startAhead(acl, qs)
}

// aheadScratch is a reader's own room for a sketch's service and literals.
type aheadScratch struct {
	svc          services
	alt          [1]service
	sport, dport [2]portSpan
	set          [2]addrSet
	buf          [2][1]span
}

// aheadBits is what is said of sketch s for the queries qs.
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
