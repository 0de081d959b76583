package parser

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Options select what ParseWith reads beyond the SIP inspection blocks.
type Options struct {
	// Paths reads what decides whether SIP gets through at all (Config.Paths): interface
	// addresses and security levels, routes, names, access-lists and access-groups,
	// objects and object-groups, NAT. Without it these sections are skipped by their
	// first word and cost nothing.
	Paths bool
	// ReadBack lets the path sections keep a line that is the input's bytes as they are
	// by its offset, and read it back when it is asked for, instead of keeping its text:
	// the memory of an audit then does not grow with the access-lists. It needs an input
	// that is an io.ReaderAt and an io.Seeker (a regular file, a bytes.Reader) which stays
	// open and unchanged while the Config is used (Config.ReadBackErr says when it did
	// not); for any other input the lines are kept in memory.
	ReadBack bool
}

// Paths is what ParseWith reads with Options.Paths. Routes, NAT, access-lists, objects
// and object-groups are most of a large configuration, so they are kept as text and a
// line is parsed when it is asked for (Deferred.At, AccessList, Object, ObjectGroup),
// every time it is asked for: the caller keeps what it needs in its own form. A line that
// cannot be read becomes a PARSE001 diagnostic of the Config then, once. Interfaces,
// access-groups, names and same-security-traffic are parsed as they are met.
//
// A Paths is not safe for concurrent use: reading a deferred line records diagnostics.
type Paths struct {
	// Interfaces holds every interface block, named or not, in file order.
	Interfaces   []*Interface
	SameSecurity []*SameSecurity
	AccessGroups []*AccessGroup
	NamesLines   []*NamesLine

	Routes *Deferred[Route]
	// Routes6 holds the "ipv6 route" lines.
	Routes6 *Deferred[Route6]
	// ObjectNAT holds the "nat" lines of object network blocks, NAT the top-level nat
	// lines (twice NAT, or "nat (IF) ID" of 8.2), in file order.
	ObjectNAT *Deferred[ObjectNAT]
	NAT       *Deferred[NATLine]
	Globals   *Deferred[Global]
	Statics   *Deferred[Static]

	// unread holds the lines of the sections read now ("interface", "access-group",
	// "same-security-traffic") that could not be read: see Unreadable.
	unread Unreadable

	cfg   *Config
	g     *pathGrammars
	src   *source // nil: the lines are kept in memory
	names map[string]netip.Addr
	// namesSized is set once names was sized for the input, at the first name line.
	namesSized bool
	// pairWords are the interfaces NAT lines name (pairOf), once each.
	pairWords []string
	pairIDs   map[string]uint16
	// nameLines are the lines read into names, for the tests: names keeps no positions.
	nameLines []int32
	acls      map[string]*AccessList
	aclNames  []string
	objText   lineStore
	objects   map[string]*block
	groups    map[string]*block
	// memberPages hold the members of the summarised network object-groups (netsum.go).
	memberPages [][]netMember
	slab        []block // where newBlock takes blocks from
	// otherKinds holds the kind of the blocks whose kind is none of blockKinds.
	otherKinds map[*block]string
	lastACL    *AccessList // the access-list of the last access-list line
	// objNAT is the object block of each ObjectNAT line: its name and header line.
	objNAT   []objectRef
	reported map[int]bool
}

type objectRef struct {
	name   string
	header int
}

// PathHint is the first access-group line: where a configuration starts filtering traffic
// with access-lists. The parser records it in every mode, for free, so that the audit can
// say the path rules would have something to check.
type PathHint struct {
	Pos    lexer.Position
	Source string
}

// pathGrammars are the grammars of the path sections, each built the first time it is
// used: building participle's parsers costs milliseconds each, and the quick readers
// (quick.go) leave most of them unused on most configurations.
type pathGrammars struct {
	interfaceChild grammar[interfaceChild]
	route          grammar[Route]
	route6         grammar[Route6]
	sameSecurity   grammar[SameSecurity]
	accessGroup    grammar[AccessGroup]
	namesLine      grammar[NamesLine]
	name           grammar[Name]
	aclEntry       grammar[ACLEntry]
	objectHeader   grammar[objectHeader]
	objectChild    grammar[objectChild]
	groupHeader    grammar[groupHeader]
	groupChild     grammar[groupChild]
	objectNAT      grammar[ObjectNAT]
	natLine        grammar[NATLine]
	global         grammar[Global]
	static         grammar[Static]
	setting        grammar[Setting]
}

// grammar returns its parser, built on first use.
type grammar[T any] func() *participle.Parser[T]

func lazyGrammar[T any]() grammar[T] {
	return sync.OnceValue(func() *participle.Parser[T] {
		return participle.MustBuild[T](participle.Lexer(lineLexer{}), participle.UseLookahead(2))
	})
}

// pathGrammarSet holds the path grammars: a parse without Options.Paths never builds
// them.
var pathGrammarSet = &pathGrammars{
	interfaceChild: lazyGrammar[interfaceChild](),
	route:          lazyGrammar[Route](),
	route6:         lazyGrammar[Route6](),
	sameSecurity:   lazyGrammar[SameSecurity](),
	accessGroup:    lazyGrammar[AccessGroup](),
	namesLine:      lazyGrammar[NamesLine](),
	name:           lazyGrammar[Name](),
	aclEntry:       lazyGrammar[ACLEntry](),
	objectHeader:   lazyGrammar[objectHeader](),
	objectChild:    lazyGrammar[objectChild](),
	groupHeader:    lazyGrammar[groupHeader](),
	groupChild:     lazyGrammar[groupChild](),
	objectNAT:      lazyGrammar[ObjectNAT](),
	natLine:        lazyGrammar[NATLine](),
	global:         lazyGrammar[Global](),
	static:         lazyGrammar[Static](),
	setting:        lazyGrammar[Setting](),
}

func loadPathGrammars() *pathGrammars { return pathGrammarSet }

func newPaths(cfg *Config, src *source) *Paths {
	ps := &Paths{
		cfg:      cfg,
		src:      src,
		objText:  lineStore{src: src},
		g:        loadPathGrammars(),
		names:    map[string]netip.Addr{},
		acls:     map[string]*AccessList{},
		objects:  map[string]*block{},
		groups:   map[string]*block{},
		reported: map[int]bool{},
	}
	ps.Routes = newDeferred(ps, ps.g.route, "route ", func(r *Route, _ int) (lexer.Position, error) { return checkRoute(r, ps.names) })
	ps.Routes6 = newDeferred(ps, ps.g.route6, "ipv6 route ", func(r *Route6, _ int) (lexer.Position, error) { return checkRoute6(r) })
	ps.ObjectNAT = newDeferred(ps, ps.g.objectNAT, "", func(n *ObjectNAT, i int) (lexer.Position, error) {
		ref := ps.objNAT[i]
		n.Object, n.Header = ref.name, lexer.Position{Filename: cfg.File, Line: ref.header, Column: 1}
		return checkObjectNAT(n)
	})
	ps.NAT = newDeferred(ps, ps.g.natLine, "nat ", func(n *NATLine, _ int) (lexer.Position, error) { return checkNATLine(n, ps.names) })
	ps.ObjectNAT.quick = quickObjectNAT
	ps.NAT.quick = quickTwiceNAT
	ps.Globals = newDeferred(ps, ps.g.global, "global ", func(g *Global, _ int) (lexer.Position, error) { return checkGlobal(g, ps.names) })
	ps.Statics = newDeferred(ps, ps.g.static, "static ", func(s *Static, _ int) (lexer.Position, error) { return checkStatic(s, ps.names) })
	return ps
}

// blockHint is the number of objects (per 1 KiB of input), object-groups (per 4 KiB) or
// names (per 8 KiB) a configuration read from src is sized for: large configurations are
// mostly access-lists, objects and groups, and a map grown a line at a time to tens of
// thousands of blocks rehashes and copies itself over and over.
func blockHint(src *source, per int64) int {
	if src == nil {
		return 0
	}
	return int(min(src.size/per, 1<<20))
}

// newBlock returns a new block of kind, taken from a slab: tens of thousands of small
// allocations are one per slabBlocks.
func (ps *Paths) newBlock(kind uint8) *block {
	if len(ps.slab) == cap(ps.slab) {
		ps.slab = make([]block, 0, slabBlocks)
	}
	ps.slab = append(ps.slab, block{kind: kind})
	return &ps.slab[len(ps.slab)-1]
}

// blockKinds are the kinds of object and object-group there are; a block holds the index
// of its own, or kindOther, whose word Paths.otherKinds keeps.
var blockKinds = [...]string{"network", "service", "protocol", "icmp-type", "user", "security"}

const (
	kindNetwork = uint8(iota)
	kindService
	kindOther = uint8(len(blockKinds))
)

// kindIndex returns the index of kind in blockKinds, or kindOther.
func kindIndex(kind []byte) uint8 {
	for i, k := range blockKinds {
		if string(kind) == k {
			return uint8(i)
		}
	}
	return kindOther
}

// kindOf returns the kind of block b, as its header says it.
func (ps *Paths) kindOf(b *block) string {
	if b.kind < kindOther {
		return blockKinds[b.kind]
	}
	return ps.otherKinds[b]
}

const slabBlocks = 512

// block is a deferred object or object-group: its kind (the second word of its header)
// and its lines in objText (the header of each time the block was entered, and the
// children). A configuration has tens of thousands of blocks, nearly all entered once, so
// that their lines follow each other in objText: first and n say which, and lines is nil.
// The lines of any other block are listed in *lines, a pointer so that a block is 32
// bytes, not 48; its kind is an index (blockKinds), not a string, for the same reason.
type block struct {
	lines    *[]int32
	first, n int32
	// sum, vlo, vst and vhi are the block's summary (netsum.go).
	vlo, vst, vhi uint32
	sum           uint8
	kind          uint8
}

// add appends line idx of objText to the block.
func (b *block) add(idx int32) {
	switch {
	case b.lines != nil:
		*b.lines = append(*b.lines, idx)
	case b.n == 0:
		b.first, b.n = idx, 1
	case idx == b.first+b.n:
		b.n++
	default:
		lines := make([]int32, 0, b.n+1)
		for i := range b.n {
			lines = append(lines, b.first+i)
		}
		lines = append(lines, idx)
		b.lines = &lines
	}
}

// indexes returns the block's lines in objText.
func (b *block) indexes() iter.Seq2[int, int32] {
	return func(yield func(int, int32) bool) {
		if b.lines != nil {
			for i, idx := range *b.lines {
				if !yield(i, idx) {
					return
				}
			}
			return
		}
		for i := range b.n {
			if !yield(int(i), b.first+i) {
				return
			}
		}
	}
}

// len returns the number of the block's lines.
func (b *block) len() int {
	if b.lines != nil {
		return len(*b.lines)
	}
	return int(b.n)
}

// removeFunc removes the block's lines for which drop is true, and reports whether it
// removed one. The block lists its lines after.
func (b *block) removeFunc(drop func(int32) bool) bool {
	keep := []int32{}
	b.sum = sumNone // an edit: the lines are read again
	for _, idx := range b.indexes() {
		if !drop(idx) {
			keep = append(keep, idx)
		}
	}
	removed := len(keep) != b.len()
	b.first, b.n, b.lines = 0, 0, &keep
	return removed
}

// Deferred is a section kept as text and parsed a line at a time on demand.
type Deferred[T any] struct {
	ps *Paths
	g  grammar[T]
	// quick, when set, reads the commonest shapes without g (see quickOr).
	quick func(file string, num int, text string) (*T, bool)
	check func(x *T, i int) (lexer.Position, error)
	// prefix is stripped from the lines that start with it, which is nearly all of them;
	// full marks the others, stored whole.
	prefix string
	lines  lineStore
	full   map[int]bool
	// pairs holds, for a NAT section, the interfaces of each line as pairOf read them
	// (the object goroutine, while the parse went on); nil when none were read, or after
	// an edit, which moves the lines.
	pairs []uint32
}

func newDeferred[T any](ps *Paths, g grammar[T], prefix string, check func(*T, int) (lexer.Position, error)) *Deferred[T] {
	return &Deferred[T]{ps: ps, g: g, check: check, prefix: prefix, lines: lineStore{src: ps.src}}
}

// add keeps a line; off is its offset in the input, or -1 (see lineStore.add).
func (d *Deferred[T]) add(num int, text []byte, off int64) {
	if d.prefix == "" {
		d.lines.add(num, text, off) // every line is whole: nothing to mark
		return
	}
	if d.hasPrefix(text) {
		d.addRest(num, text, off)
		return
	}
	if d.full == nil {
		d.full = map[int]bool{}
	}
	d.full[d.lines.add(num, text, off)] = true
}

// hasPrefix reports whether text starts with the section's prefix.
func (d *Deferred[T]) hasPrefix(text []byte) bool {
	return len(text) >= len(d.prefix) && string(text[:len(d.prefix)]) == d.prefix
}

// addRest keeps text, which starts with the prefix, without it.
func (d *Deferred[T]) addRest(num int, text []byte, off int64) {
	if off >= 0 {
		off += int64(len(d.prefix))
	}
	d.lines.add(num, text[len(d.prefix):], off)
}

// Len returns the number of lines.
func (d *Deferred[T]) Len() int { return d.lines.len() }

// Line returns the file line number and text of line i. The text is empty when the line
// could not be read back from the input, which is reported (once) as PARSE001.
func (d *Deferred[T]) Line(i int) (int, string) {
	num, text, _ := d.line(i)
	return num, text
}

// Num returns the file line number of line i, without reading it.
func (d *Deferred[T]) Num(i int) int { return d.lines.ref(i).line() }

// line is Line, false when the line could not be read back.
func (d *Deferred[T]) line(i int) (int, string, bool) {
	num, text, err := d.lines.line(i)
	if err != nil {
		d.ps.unreadable(num, err)
		return num, "", false
	}
	if !d.full[i] {
		text = d.prefix + text
	}
	return num, text, true
}

// Find returns the index of the line whose text is text (trailing blanks aside), or -1.
// It reads the kept bytes in place: a search of a long access-list allocates nothing.
func (d *Deferred[T]) Find(text string) int {
	rest, cut := strings.CutPrefix(text, d.prefix)
	for i := range d.lines.len() {
		num, b, err := d.lines.bytes(i)
		if err != nil {
			d.ps.unreadable(num, err)
			continue
		}
		b = bytes.TrimRight(b, " \t")
		if d.full[i] && string(b) == text || !d.full[i] && cut && string(b) == rest {
			return i
		}
	}
	return -1
}

// At parses line i; nil when it cannot be read, which is reported (once) as PARSE001.
func (d *Deferred[T]) At(i int) *T {
	num, text, ok := d.line(i)
	if !ok {
		return nil
	}
	v := d.ps.parse(num, text, func(file string, num int, text string) (any, error) {
		var x *T
		var err error
		if d.quick != nil {
			x, err = quickOr(d.quick, d.g, file, num, text)
		} else {
			x, err = parseLine(d.g(), file, num, text)
		}
		if err != nil {
			return nil, err
		}
		if pos, err := d.check(x, i); err != nil {
			return nil, positionedAt(pos, err)
		}
		setSource(x, text)
		return x, nil
	})
	if v == nil {
		return nil
	}
	return v.(*T)
}

// setSource sets the Source field of the nodes that have one.
func setSource(x any, text string) {
	switch v := x.(type) {
	case *Route:
		v.Source = text
	case *Route6:
		v.Source = text
	case *ObjectNAT:
		v.Source = text
	case *NATLine:
		v.Source = text
	case *Global:
		v.Source = text
	case *Static:
		v.Source = text
	case *ACLEntry:
		v.Source = text
	}
}

// AccessList is the lines of one access-list.
type AccessList struct {
	Name string
	// Pos is the position of the first line.
	Pos lexer.Position
	*Deferred[ACLEntry]
}

// AccessList returns the access-list name, or nil when the configuration has none.
func (ps *Paths) AccessList(name string) *AccessList { return ps.acls[name] }

// GroupKind returns the kind of object-group name ("network", "service", ...), or "".
func (ps *Paths) GroupKind(name string) string {
	if b := ps.groups[name]; b != nil {
		return ps.kindOf(b)
	}
	return ""
}

// ObjectKind returns the kind of object name ("network", "service", ...), or "".
func (ps *Paths) ObjectKind(name string) string {
	if b := ps.objects[name]; b != nil {
		return ps.kindOf(b)
	}
	return ""
}

// Object parses the object name (network or service); nil when the configuration
// defines none.
func (ps *Paths) Object(name string) *Object {
	if b := ps.objects[name]; b != nil {
		return ps.readObject(b)
	}
	return nil
}

// ObjectGroup parses the object-group name; nil when the configuration defines none.
// Nested groups are named, not followed: the caller resolves them (and their cycles).
func (ps *Paths) ObjectGroup(name string) *ObjectGroup {
	if b := ps.groups[name]; b != nil {
		return ps.readGroup(b)
	}
	return nil
}

// Resolve returns the address an address literal or a name stands for.
func (ps *Paths) Resolve(word string) (netip.Addr, bool) {
	a := &Address{Raw: word}
	if resolveAddress(a, ps.names) != nil || a.Masked {
		return netip.Addr{}, false
	}
	return a.IP, true
}

// posError is an error at a position inside a line.
type posError struct {
	pos lexer.Position
	err error
}

func (e *posError) Error() string { return e.err.Error() }

func positionedAt(pos lexer.Position, err error) error {
	if err == nil {
		return nil
	}
	return &posError{pos, err}
}

// unreadable reports (once) that line num could not be read back from the input.
func (ps *Paths) unreadable(num int, err error) {
	if ps.reported[num] {
		return
	}
	ps.reported[num] = true
	ps.cfg.Diagnostics = append(ps.cfg.Diagnostics, Diagnostic{Pos: lexer.Position{Filename: ps.cfg.File, Line: num, Column: 1}, Code: "PARSE001",
		Message: "cannot read line back from the file: " + err.Error()})
}

// ReadBackErr returns an error wrapping ErrChanged when the input changed after it was
// parsed (Options.ReadBack): lines read back since may not be the lines parsed, so an
// audit that gets it must not be reported. It compares the input once more, so that a
// change after the last comparison is found too.
func (c *Config) ReadBackErr() error {
	for _, ps := range []*Paths{c.Paths, c.ACLs} {
		if ps == nil || ps.src == nil {
			continue
		}
		if err := ps.src.check(); errors.Is(err, ErrChanged) {
			return ps.src.changed
		}
		// Unchanged, or it cannot be compared any more (closed): what was read stands.
	}
	return nil
}

// parse runs read over one line; an error becomes a PARSE001 diagnostic (once per line)
// and nil.
func (ps *Paths) parse(num int, text string, read func(file string, num int, text string) (any, error)) any {
	v, err := read(ps.cfg.File, num, text)
	if err == nil {
		return v
	}
	if ps.reported[num] {
		return nil
	}
	ps.reported[num] = true
	col := len(text) - len(strings.TrimLeft(text, " \t")) + 1
	msg := "cannot read line: " + err.Error()
	var perr participle.Error
	var pe *posError
	switch {
	case errors.As(err, &pe):
		if pe.pos.Line == num {
			col = pe.pos.Column
		}
		msg = "cannot read line: " + pe.err.Error()
	case errors.As(err, &perr):
		col = perr.Position().Column
		msg = "cannot read line: " + strings.Replace(perr.Message(), `"<EOF>"`, "end of line", 1)
	}
	ps.cfg.Diagnostics = append(ps.cfg.Diagnostics, Diagnostic{Pos: lexer.Position{Filename: ps.cfg.File, Line: num, Column: col}, Code: "PARSE001", Message: msg, Source: strings.TrimSpace(text)})
	return nil
}

func (ps *Paths) parseSetting(num int, text string) *Setting {
	v := ps.parse(num, text, func(file string, num int, text string) (any, error) {
		st, err := parseLine(ps.g.setting(), file, num, text)
		if err == nil {
			st.Source = text
		}
		return st, err
	})
	if v == nil {
		return nil
	}
	return v.(*Setting)
}

// eager parses a line of a section read as it is met, with grammar g and then check.
// quick, when not nil, reads the commonest shapes without the grammar (see quickOr).
func eager[T any](p *state, g grammar[T], quick func(file string, num int, text string) (*T, bool), num int, text []byte, truncated bool, check func(*T) (lexer.Position, error)) *T {
	if truncated {
		p.diag(num, 1, "PARSE001", fmt.Sprintf("line longer than %d bytes was not read", maxKept), text[:min(len(text), 80)])
		return nil
	}
	v := p.paths.parse(num, string(text), func(file string, num int, text string) (any, error) {
		var x *T
		var err error
		if quick != nil {
			x, err = quickOr(quick, g, file, num, text)
		} else {
			x, err = parseLine(g(), file, num, text)
		}
		if err != nil {
			return nil, err
		}
		if check != nil {
			if pos, err := check(x); err != nil {
				return nil, positionedAt(pos, err)
			}
		}
		return x, nil
	})
	if v == nil {
		return nil
	}
	return v.(*T)
}

// keep adds a line to a deferred section, unless it is too long to be read.
func keep[T any](p *state, d *Deferred[T], num int, text []byte, truncated bool) {
	if truncated {
		p.diag(num, 1, "PARSE001", fmt.Sprintf("line longer than %d bytes was not read", maxKept), text[:min(len(text), 80)])
		return
	}
	d.add(num, text, p.offset(text))
}

// offset returns the offset in the input of b, a part of the current line that runs to
// its end, when the line is the input's bytes as they are; else -1. A store reads such a
// part back from there to the line ending.
func (p *state) offset(b []byte) int64 {
	if !p.verbatim || len(b) == 0 {
		return -1
	}
	i := cap(p.lineText) - cap(b)
	if i < 0 || i+len(b) != len(p.lineText) || &p.lineText[i] != &b[0] {
		return -1
	}
	return p.lineOff + int64(i)
}

// Unreadable returns the lines of the sections read with the configuration ("interface",
// "access-group", "same-security-traffic") that could not be read.
func (ps *Paths) Unreadable() *Unreadable { return &ps.unread }

// pathTop handles a top-level line of a path section; false when word starts none.
func (p *state) pathTop(word []byte, num int, text []byte, truncated bool) bool {
	ps := p.paths
	switch string(word) {
	case "same-security-traffic":
		if s := eager(p, ps.g.sameSecurity, nil, num, text, truncated, nil); s != nil {
			ps.SameSecurity = append(ps.SameSecurity, s)
		} else {
			ps.unread.Add("same-security-traffic", num)
		}
	case "access-group":
		if a := eager(p, ps.g.accessGroup, nil, num, text, truncated, nil); a != nil {
			a.Source = string(text)
			ps.AccessGroups = append(ps.AccessGroups, a)
		} else {
			ps.unread.Add("access-group", num)
		}
	case "names":
		if n := eager(p, ps.g.namesLine, nil, num, text, truncated, nil); n != nil {
			ps.NamesLines = append(ps.NamesLines, n)
		}
	case "name":
		if !ps.namesSized {
			// Sized at the first name line, as the objects are at the start: a map grown a
			// name at a time to tens of thousands copies itself over and over (1.6 MB
			// allocated for the 1M-line benchmark's 10,000 names, 0.7 MB kept). Once:
			// a name line that cannot be read leaves the map empty.
			ps.names, ps.namesSized = make(map[string]netip.Addr, blockHint(ps.src, 8<<10)), true
		}
		if ip, name, ok := sketchName(text); ok && !truncated {
			// The common shape, read as quickName reads it, without the Name it makes: a
			// large configuration has tens of thousands of these lines.
			ps.names[string(name)] = ip
			ps.nameLines = append(ps.nameLines, int32(num))
			return true
		}
		check := func(n *Name) (lexer.Position, error) {
			if _, err := netip.ParseAddr(n.Address.Raw); err != nil {
				return n.Address.Pos, fmt.Errorf("%q is not an address", n.Address.Raw)
			}
			return lexer.Position{}, resolveAddress(n.Address, nil)
		}
		if n := eager(p, ps.g.name, quickName, num, text, truncated, check); n != nil {
			ps.names[n.Name] = n.Address.IP
			ps.nameLines = append(ps.nameLines, int32(num))
		}
	case "route":
		keep(p, ps.Routes, num, text, truncated)
	case "ipv6":
		// Only "ipv6 route" is read; the other global ipv6 commands do not bear on paths.
		rest := skipBlanks(text[len(word):])
		if string(firstWord(rest)) != "route" {
			return false
		}
		keep(p, ps.Routes6, num, text, truncated)
	case "nat":
		keep(p, ps.NAT, num, text, truncated)
		if p.objs != nil && p.objs.readBack && !truncated {
			p.objs.addNAT(true, ps.NAT.Len()-1, num, text, p.offset(text))
		}
	case "global":
		keep(p, ps.Globals, num, text, truncated)
	case "static":
		keep(p, ps.Statics, num, text, truncated)
	case "access-list":
		p.deferACL(num, text, truncated)
	case "object", "object-group":
		p.openObject(word, num, text, truncated)
	default:
		return false
	}
	return true
}

// deferACL keeps an access-list line for reading on demand.
func (p *state) deferACL(num int, text []byte, truncated bool) {
	if truncated {
		p.diag(num, 1, "PARSE001", fmt.Sprintf("line longer than %d bytes was not read", maxKept), text[:min(len(text), 80)])
	}
	// Not handed to the goroutine that takes the object lines (objworker.go): copying
	// hundreds of thousands of lines to it costs the parse more than keeping them here.
	p.paths.aclLine(num, text, p.offset(text), truncated)
}

// aclLine keeps access-list line text (off: its offset in the input, or -1), making its
// access-list when it is the first line of it; a truncated line only makes it.
func (ps *Paths) aclLine(num int, text []byte, off int64, truncated bool) {
	// The lines of an access-list nearly always follow each other, written alike: the
	// last list's prefix ("access-list NAME ") is compared first, once for the list and
	// the store, without reading the name or looking it up.
	a := ps.lastACL
	if a != nil && a.prefix != "" && a.hasPrefix(text) {
		if !truncated {
			a.addRest(num, text, off)
		}
		return
	}
	word := firstWord(skipBlanks(text[len("access-list"):]))
	if a == nil || a.Name != string(word) {
		a = ps.acls[string(word)]
	}
	if a == nil {
		name := string(word)
		prefix := ""
		if name != "" {
			prefix = "access-list " + name + " "
		}
		a = &AccessList{Name: name, Pos: lexer.Position{Filename: ps.cfg.File, Line: num, Column: 1}, Deferred: newDeferred(ps, ps.g.aclEntry, prefix, func(e *ACLEntry, _ int) (lexer.Position, error) {
			if e.Extended == nil {
				return lexer.Position{}, nil
			}
			return checkACE(e.Extended, ps.names, ps.GroupKind)
		})}
		ps.acls[name] = a
		ps.aclNames = append(ps.aclNames, name)
	}
	ps.lastACL = a
	if !truncated {
		a.add(num, text, off)
	}
}

// openObject starts a deferred object or object-group block.
func (p *state) openObject(word []byte, num int, text []byte, truncated bool) {
	p.kind = blockObject
	p.obj, p.objOpen, p.objName, p.objNameBuf, p.objHeader = nil, false, "", p.objNameBuf[:0], p.pos(num, 1)
	if truncated {
		p.diag(num, 1, "PARSE001", fmt.Sprintf("line longer than %d bytes was not read", maxKept), text[:min(len(text), 80)])
		return
	}
	kind, name := headerWords(text)
	group := string(word) == "object-group"
	// The name is made a string only when object NAT below needs it (objectChild): the
	// goroutine makes its own, from the header's text.
	p.objNameBuf = append(p.objNameBuf[:0], name...)
	p.objOpen, p.objNetwork = true, string(word) == "object" && string(kind) == "network"
	if p.objs != nil {
		p.objs.add(true, group, num, text, 0, p.offset(text))
		return
	}
	p.obj = p.paths.objHeader(group, string(name), num, text, p.offset(text))
}

// headerWords returns the kind and the name an object or object-group header line gives
// ("object network NAME", "object-group service NAME tcp").
func headerWords(text []byte) (kind, name []byte) {
	rest := skipBlanks(text[len(firstWord(text)):])
	kind = firstWord(rest)
	return kind, firstWord(skipBlanks(rest[len(kind):]))
}

// objHeader keeps the header line text of object (group false) or object-group name,
// making its block when it is new, and returns the block.
func (ps *Paths) objHeader(group bool, name string, num int, text []byte, off int64) *block {
	blocks := ps.objects
	if group {
		blocks = ps.groups
	}
	b := blocks[name]
	isNew := b == nil
	if isNew {
		kind, _ := headerWords(text)
		k := kindIndex(kind)
		b = ps.newBlock(k)
		if k == kindOther {
			if ps.otherKinds == nil {
				ps.otherKinds = map[*block]string{}
			}
			ps.otherKinds[b] = string(kind)
		}
		blocks[name] = b
	}
	summaryStart(ps, b, text, isNew)
	b.add(int32(ps.objText.add(num, text, off)))
	return b
}

// objectChild handles a line below an object or object-group: object NAT is read now,
// the rest kept with the block.
func (p *state) objectChild(num int, text []byte, indent int, truncated bool) {
	ps := p.paths
	if p.objNetwork && string(firstWord(text[indent:])) == "nat" {
		if !truncated {
			if p.objName == "" {
				p.objName = string(p.objNameBuf)
			}
			ps.objNAT = append(ps.objNAT, objectRef{p.objName, p.objHeader.Line})
		}
		keep(p, ps.ObjectNAT, num, text, truncated)
		if p.objs != nil && p.objs.readBack && !truncated {
			p.objs.addNAT(false, ps.ObjectNAT.Len()-1, num, text, p.offset(text))
		}
		return
	}
	switch {
	case !p.objOpen:
		p.diag(num, indent+1, "PARSE001", "line below an unreadable object or object-group line was not read", text)
		return
	case truncated:
		p.diag(num, 1, "PARSE001", fmt.Sprintf("line longer than %d bytes was not read", maxKept), text[:min(len(text), 80)])
		return
	}
	if p.objs != nil {
		p.objs.add(false, false, num, text, indent, p.offset(text))
		return
	}
	ps.objChild(p.obj, num, text, indent, p.offset(text))
}

// objChild keeps line text below the header of block b, indent its indentation.
func (ps *Paths) objChild(b *block, num int, text []byte, indent int, off int64) {
	if b.sum != sumNone {
		summaryChild(ps, b, text[indent:])
	}
	b.add(int32(ps.objText.add(num, text, off)))
}

// interfaceChild reads a line below "interface X" with Options.Paths.
func (p *state) interfaceChild(num int, text []byte, truncated bool) {
	ps := p.paths
	c := eager(p, ps.g.interfaceChild, quickInterfaceChild, num, text, truncated, func(c *interfaceChild) (lexer.Position, error) {
		return checkInterfaceChild(c, ps.names)
	})
	if c == nil {
		ps.unread.Add("interface", num)
		return
	}
	i := p.iface
	switch {
	case c.Nameif != nil:
		p.strong++
		if i.Nameif != nil {
			i.Superseded = append(i.Superseded, i.Nameif.Pos)
		}
		i.Nameif, i.Name, i.Pos = c.Nameif, c.Nameif.Name, c.Nameif.Pos
		p.cfg.Interfaces = append(p.cfg.Interfaces, i)
	case c.Security != nil:
		c.Security.Source = string(text)
		if i.SecurityLevel != nil {
			i.Superseded = append(i.Superseded, i.SecurityLevel.Pos)
		}
		i.SecurityLevel = c.Security
	case c.Address != nil:
		c.Address.Source = string(text)
		if i.Address != nil {
			i.Superseded = append(i.Superseded, i.Address.Pos)
		}
		i.Address = c.Address
	case c.Other != nil:
		i.Settings = append(i.Settings, c.Other)
	}
}

// objLine returns the file line number and text of line idx of objText; false when it
// could not be read back, which is reported.
func (ps *Paths) objLine(idx int32) (int, string, bool) {
	num, text, err := ps.objText.line(int(idx))
	if err != nil {
		ps.unreadable(num, err)
		return num, "", false
	}
	return num, text, true
}

// isHeader reports whether a kept object line is a block header ("object ..." or
// "object-group ..."), which no line inside a block starts with, whatever its indentation.
func isHeader(text string) bool {
	w := firstWord([]byte(strings.TrimLeft(text, " \t")))
	return string(w) == "object" || string(w) == "object-group"
}

// readAll reads every deferred line and returns what it read, the objects and groups in
// the order of their names, for the tests: every line of a path section is then in the
// AST or reported, and two stores can be compared.
func (ps *Paths) readAll() []any {
	var out []any
	add := func(x any, ok bool) {
		if ok {
			out = append(out, x)
		}
	}
	for _, d := range []interface{ readAll(func(any, bool)) }{ps.Routes, ps.Routes6, ps.ObjectNAT, ps.NAT, ps.Globals, ps.Statics} {
		d.readAll(add)
	}
	for _, name := range ps.aclNames {
		ps.acls[name].readAll(add)
	}
	for _, name := range slices.Sorted(maps.Keys(ps.objects)) {
		out = append(out, ps.Object(name))
	}
	for _, name := range slices.Sorted(maps.Keys(ps.groups)) {
		out = append(out, ps.ObjectGroup(name))
	}
	return out
}

func (d *Deferred[T]) readAll(add func(any, bool)) {
	for i := range d.Len() {
		x := d.At(i)
		add(x, x != nil)
	}
}

// wordsInto puts the blank-separated words of text in buf, as many as fit; more is set when
// words are left over.
func wordsInto(text []byte, buf [][]byte) (n int, more bool) {
	for j := 0; j < len(text); {
		if text[j] == ' ' || text[j] == '\t' {
			j++
			continue
		}
		if n == len(buf) {
			return n, true
		}
		start := j
		for j < len(text) && text[j] != ' ' && text[j] != '\t' {
			j++
		}
		buf[n] = text[start:j]
		n++
	}
	return n, false
}

// RouteSketch is a "route IF A M GW [DISTANCE] [track N] [tunneled]" line with literal
// IPv4 addresses, read from its text without the grammar. Interface and Gateway alias the
// kept line: they must not be modified.
type RouteSketch struct {
	Interface []byte
	Prefix    netip.Prefix
	Gateway   []byte
	Distance  int // 0 when the line gives none
}

// words splits the stored text of line i into its blank-separated words, in buf; false
// for a line of more than len(buf) words or, with noTime, one with a word the lexer takes
// for a time: the sketches leave such lines to the grammar.
func (d *Deferred[T]) words(i int, buf [][]byte, noTime bool) ([][]byte, bool) {
	num, text, err := d.lines.stable(i)
	if err != nil {
		d.ps.unreadable(num, err)
		return nil, false
	}
	n, more := wordsInto(text, buf)
	if more {
		return nil, false
	}
	if noTime {
		for _, w := range buf[:n] {
			if isTime(w) {
				return nil, false
			}
		}
	}
	return buf[:n], true
}

// routeSketch reads route i into s without the grammar, when the grammar and checkRoute read it
// without error: a routing table of many thousands of lines is built without a parse per
// line. false for a line of another shape, which the caller reads with At.
func (d *Deferred[T]) routeSketch(i int, s *RouteSketch) bool {
	if d.full[i] {
		return false
	}
	var buf [8][]byte
	w, ok := d.words(i, buf[:], true)
	if !ok {
		return false
	}
	if len(w) < 4 {
		return false
	}
	a, ok := sketchIPv4(w[1])
	if !ok {
		return false
	}
	m, ok := sketchIPv4(w[2])
	if !ok {
		return false
	}
	bits, ok := maskBits(m)
	if !ok {
		return false
	}
	if _, ok := sketchIPv4(w[3]); !ok {
		return false
	}
	*s = RouteSketch{Interface: w[0], Prefix: netip.PrefixFrom(a, bits).Masked(), Gateway: w[3]}
	w = w[4:]
	if len(w) > 0 {
		if s.Distance, ok = sketchNumber(w[0], 9); ok {
			w = w[1:]
		}
	}
	if len(w) >= 2 && string(w[0]) == "track" {
		if _, ok := sketchNumber(w[1], 9); !ok {
			return false
		}
		w = w[2:]
	}
	if len(w) > 0 && string(w[0]) == "tunneled" {
		w = w[1:]
	}
	return len(w) == 0
}

// pairUnknown is a NAT line whose interfaces pairOf did not read: the line must be.
const pairUnknown = 1<<32 - 1

// pairOf reads the interfaces "(real,mapped)" or "(real)" a NAT line names after its
// "nat", as the grammar's IfacePair reads them: real<<16 | mapped, each 1 + an index in
// pairWords (0 for none); 0 when the line names none (its next word is one of stops),
// pairUnknown when the word is of another shape. The path evaluation then passes over
// the rules of other interfaces without reading their lines.
func (ps *Paths) pairOf(text []byte, stop1, stop2 string) uint32 {
	rest := skipBlanks(text)
	rest = skipBlanks(rest[len(firstWord(rest)):])
	w := firstWord(rest)
	switch {
	case len(w) == 0:
		return pairUnknown
	case string(w) == stop1 || string(w) == stop2:
		return 0
	}
	real, mapped, ok := sketchPair(w)
	if !ok {
		return pairUnknown
	}
	r, okr := ps.pairWord(real)
	m, okm := ps.pairWord(mapped)
	if !okr || !okm {
		return pairUnknown
	}
	return uint32(r)<<16 | uint32(m)
}

// pairWord returns 1 + the index of w in pairWords, 0 for nil; false when there are too
// many interfaces to count.
func (ps *Paths) pairWord(w []byte) (uint16, bool) {
	if w == nil {
		return 0, true
	}
	if id, ok := ps.pairIDs[string(w)]; ok {
		return id, true
	}
	if len(ps.pairWords) >= 1<<16-2 {
		return 0, false
	}
	if ps.pairIDs == nil {
		ps.pairIDs = map[string]uint16{}
	}
	ps.pairWords = append(ps.pairWords, string(w))
	id := uint16(len(ps.pairWords))
	ps.pairIDs[ps.pairWords[id-1]] = id
	return id, true
}

// setPair records pair as that of line idx of d, the lines before it that have none
// unknown.
func setPair[T any](d *Deferred[T], idx int, pair uint32) {
	fillPairs(d, idx)
	d.pairs = append(d.pairs[:idx], pair)
}

// fillPairs gives the lines up to n that have no pair an unknown one.
func fillPairs[T any](d *Deferred[T], n int) {
	for len(d.pairs) < n {
		d.pairs = append(d.pairs, pairUnknown)
	}
}

// NATPair returns the interfaces line i of ObjectNAT (of NAT with twice) names, "" for
// none, as its grammar reads them; known is false when they were not read ahead (the
// line is of another shape, or the section was edited), and the line must be read.
func (ps *Paths) NATPair(twice bool, i int) (real, mapped string, known bool) {
	d := ps.ObjectNAT.pairs
	if twice {
		d = ps.NAT.pairs
	}
	if i >= len(d) || d[i] == pairUnknown {
		return "", "", false
	}
	word := func(id uint32) string {
		if id == 0 {
			return ""
		}
		return ps.pairWords[id-1]
	}
	return word(d[i] >> 16), word(d[i] & 0xffff), true
}

// RouteSketch reads route i of Routes; see RouteSketch.
func (ps *Paths) RouteSketch(i int, s *RouteSketch) bool { return ps.Routes.routeSketch(i, s) }
