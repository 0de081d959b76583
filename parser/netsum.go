package parser

// The address values of network objects and object-groups, read while the configuration
// is parsed (a "summary"), so that an audit with the path rules resolves the groups its
// access-lists name without reading their lines back and parsing them again: on a large
// configuration that reading back, here and there in the file, was most of the audit.
//
// A block is summarised only when every line of it has one of the plain shapes (a
// literal IPv4 host, subnet or range; an object or group defined before it; a
// description). Entering it again keeps its summary (see summaryStart). Anything else (a
// name, IPv6, an FQDN, a line the grammar would reject, a group entered again after
// another group's members, an edit) leaves it unsummarised, and its readers take the
// lines as before (Paths.Object, Paths.ObjectGroup): what a summary says is always what
// those would say (asa's TestSummariesKeepSets compares them).

// Summary states of a block (block.sum).
const (
	sumNone  uint8 = iota // not summarised: read the block's lines
	sumEmpty              // a network object with no value (yet)
	sumSpan               // a network object whose value is the IPv4 span [vlo, vhi]
	sumGroup              // a network object-group: its vhi members are memberPages[vlo][vst:]
)

// memberPage is the size of a page of Paths.memberPages. A group's members are in one
// page, one after the other; a group that outgrows the room left in the last page moves
// to a new one (of its own when it is larger than a page). Pages are never grown by
// copying, as one slice of every member was, reallocated over and over.
const memberPage = 4096

// netMember is a member of a summarised network object-group: the IPv4 span [lo, hi], or
// (ref set) the object (lo 0) or object-group (lo 1) ref.
type netMember struct {
	lo, hi uint32
	ref    *block
}

// NetRef is a network object or object-group whose value the parse summarised.
type NetRef struct{ b *block }

// NetMember is a member of a summarised network object-group: an IPv4 span [Lo, Hi]
// when Ref is the zero NetRef, else the object (Group false) or object-group Ref.
type NetMember struct {
	Lo, Hi uint32
	Ref    NetRef
	Group  bool
}

// NetObject returns the summary of network object name; false when there is none.
func (ps *Paths) NetObject(name string) (NetRef, bool) {
	b := ps.objects[name]
	return NetRef{b}, b != nil && (b.sum == sumSpan || b.sum == sumEmpty)
}

// NetGroup returns the summary of network object-group name; false when there is none.
func (ps *Paths) NetGroup(name string) (NetRef, bool) {
	b := ps.groups[name]
	return NetRef{b}, b != nil && b.sum == sumGroup
}

// Span returns the value of a summarised network object: ok false when it has none (an
// object without a host, subnet or range line, whose set is empty), or when r is not (or
// no longer) a summarised object.
func (r NetRef) Span() (lo, hi uint32, ok bool) {
	if r.b == nil || r.b.sum != sumSpan {
		return 0, 0, false
	}
	return r.b.vlo, r.b.vhi, true
}

// Summarised reports whether r is still a summarised object (group false) or
// object-group: an edit or a later entry of the block takes its summary away.
func (r NetRef) Summarised(group bool) bool {
	if r.b == nil {
		return false
	}
	if group {
		return r.b.sum == sumGroup
	}
	return r.b.sum == sumSpan || r.b.sum == sumEmpty
}

// Members calls yield with each member of the summarised object-group r, in file order.
func (ps *Paths) Members(r NetRef, yield func(NetMember) bool) {
	if r.b == nil || r.b.sum != sumGroup {
		return
	}
	for _, m := range ps.memberPages[r.b.vlo][r.b.vst : r.b.vst+r.b.vhi] {
		x := NetMember{Lo: m.lo, Hi: m.hi}
		if m.ref != nil {
			x = NetMember{Ref: NetRef{m.ref}, Group: m.lo == 1}
		}
		if !yield(x) {
			return
		}
	}
}

// summaryWords splits a line into at most len(w) words; n is the number of words, or
// len(w)+1 when there are more.
func summaryWords(text []byte, w *[5][]byte) int {
	n := 0
	for i := 0; i < len(text); {
		for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
			i++
		}
		if i == len(text) {
			break
		}
		j := i
		for j < len(text) && text[j] != ' ' && text[j] != '\t' {
			j++
		}
		if n == len(w) {
			return n + 1
		}
		w[n] = text[i:j]
		n++
		i = j
	}
	return n
}

// summaryStart sets the summary of block b as its header (text) enters it: new says it
// was just made. Entering it again keeps the summary: the object NAT section of a
// "show running-config" enters each translated object again for its nat line, and value
// lines that follow are read in order, as the block's reader reads them (the last value
// of an object wins; a group's members must follow its others in memberPages).
func summaryStart(ps *Paths, b *block, text []byte, isNew bool) {
	var w [5][]byte
	n := summaryWords(text, &w)
	switch {
	case n != 3 || string(w[1]) != "network":
		b.sum = sumNone
	case !isNew:
	case string(w[0]) == "object":
		b.sum = sumEmpty
	case string(w[0]) == "object-group":
		if len(ps.memberPages) == 0 {
			ps.memberPages = append(ps.memberPages, make([]netMember, 0, memberPage))
		}
		last := len(ps.memberPages) - 1
		b.sum, b.vlo, b.vst, b.vhi = sumGroup, uint32(last), uint32(len(ps.memberPages[last])), 0
	}
}

// summaryChild adds child line text to the summary of block b, or takes it away when
// the line has none of the plain shapes.
func summaryChild(ps *Paths, b *block, text []byte) {
	var w [5][]byte
	n := summaryWords(text, &w)
	if n > 0 && string(w[0]) == "description" {
		return
	}
	ok := false
	switch b.sum {
	case sumEmpty, sumSpan:
		var lo, hi uint32
		if lo, hi, ok = objectValue(w[:min(n, len(w))]); ok {
			b.sum, b.vlo, b.vhi = sumSpan, lo, hi
		}
	case sumGroup:
		var m netMember
		m, ok = groupMember(ps, w[:min(n, len(w))])
		last := len(ps.memberPages) - 1
		// Its members must be the last ones kept (not so when another group's came
		// between the times it was entered).
		if ok = ok && int(b.vlo) == last && b.vst+b.vhi == uint32(len(ps.memberPages[last])); ok {
			page := ps.memberPages[last]
			if len(page) == cap(page) {
				moved := make([]netMember, 0, max(memberPage, 2*(int(b.vhi)+1)))
				moved = append(moved, page[b.vst:]...)
				ps.memberPages[last] = page[:b.vst:b.vst]
				ps.memberPages = append(ps.memberPages, moved)
				b.vlo, b.vst = uint32(last+1), 0
				page = moved
			}
			ps.memberPages[b.vlo] = append(page, m)
			b.vhi++
		}
	}
	if !ok {
		b.sum = sumNone
	}
}

// objectValue reads "host A", "subnet A M" and "range A B" (IPv4 literals).
func objectValue(w [][]byte) (lo, hi uint32, ok bool) {
	switch {
	case len(w) == 2 && string(w[0]) == "host":
		a, ok := summaryIPv4(w[1])
		return a, a, ok
	case len(w) == 3 && string(w[0]) == "subnet":
		return summaryPrefix(w[1], w[2])
	case len(w) == 3 && string(w[0]) == "range":
		a, ok1 := summaryIPv4(w[1])
		b, ok2 := summaryIPv4(w[2])
		return a, b, ok1 && ok2
	}
	return 0, 0, false
}

// groupMember reads "network-object host A", "network-object A M", "network-object
// object NAME" and "group-object NAME", NAME defined before.
func groupMember(ps *Paths, w [][]byte) (netMember, bool) {
	switch {
	case len(w) == 3 && string(w[0]) == "network-object" && string(w[1]) == "host":
		a, ok := summaryIPv4(w[2])
		return netMember{lo: a, hi: a}, ok
	case len(w) == 3 && string(w[0]) == "network-object" && string(w[1]) == "object":
		ref := ps.objects[string(w[2])]
		return netMember{ref: ref}, ref != nil && ref.kind == kindNetwork
	case len(w) == 3 && string(w[0]) == "network-object":
		lo, hi, ok := summaryPrefix(w[1], w[2])
		return netMember{lo: lo, hi: hi}, ok
	case len(w) == 2 && string(w[0]) == "group-object":
		ref := ps.groups[string(w[1])]
		return netMember{lo: 1, ref: ref}, ref != nil && ref.kind == kindNetwork
	}
	return netMember{}, false
}

func summaryIPv4(w []byte) (uint32, bool) {
	a, ok := sketchIPv4(w)
	if !ok {
		return 0, false
	}
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), true
}

// summaryPrefix reads "A M", M a contiguous mask, as the span of the masked prefix.
func summaryPrefix(a, m []byte) (lo, hi uint32, ok bool) {
	addr, ok1 := summaryIPv4(a)
	mask, ok2 := summaryIPv4(m)
	if !ok1 || !ok2 || ^mask&(^mask+1) != 0 {
		return 0, 0, false // ^mask+1 is a power of two only for a contiguous mask
	}
	return addr & mask, addr | ^mask, true
}
