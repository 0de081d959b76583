package parser

import (
	"errors"
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Editing the path sections in place, for the change simulation (package change): the
// access-list, object and NAT commands of a script become lines of the stores the
// configuration's own lines are in, kept as text and read on demand like them. An added
// line carries the script's line number; the positions the audit gives it name the
// configuration's file, and the caller maps them back to the script.

// ReadLine reads a top-level path command (access-list, access-group,
// same-security-traffic, route, nat, global, static) with the grammar and checks the
// configuration's lines get, without recording anything: an error is what the ASA would
// refuse or the audit could not read.
func (ps *Paths) ReadLine(file string, num int, text string) (any, error) {
	var v any
	var err error
	var pos lexer.Position
	switch string(firstWord([]byte(text))) {
	case "access-list":
		var e *ACLEntry
		if e, err = parseLine(ps.g.aclEntry(), file, num, text); err == nil && e.Extended != nil {
			pos, err = checkACE(e.Extended, ps.names, ps.GroupKind)
		}
		v = e
	case "access-group":
		v, err = parseLine(ps.g.accessGroup(), file, num, text)
	case "same-security-traffic":
		v, err = parseLine(ps.g.sameSecurity(), file, num, text)
	case "route":
		var r *Route
		if r, err = parseLine(ps.g.route(), file, num, text); err == nil {
			pos, err = checkRoute(r, ps.names)
		}
		v = r
	case "nat":
		var n *NATLine
		if n, err = parseLine(ps.g.natLine(), file, num, text); err == nil {
			pos, err = checkNATLine(n, ps.names)
		}
		v = n
	case "global":
		var g *Global
		if g, err = parseLine(ps.g.global(), file, num, text); err == nil {
			pos, err = checkGlobal(g, ps.names)
		}
		v = g
	case "static":
		var s *Static
		if s, err = parseLine(ps.g.static(), file, num, text); err == nil {
			pos, err = checkStatic(s, ps.names)
		}
		v = s
	default:
		return nil, &LineError{Pos: lexer.Position{Filename: file, Line: num, Column: 1}, Message: "not a path command"}
	}
	if err != nil {
		return nil, lineError(file, num, text, positionedAt(pos, err))
	}
	return v, nil
}

// ReadBlockLine reads a line below "object KIND NAME" (group false) or "object-group KIND
// NAME [PROTO]" as ReadLine does. Lines of the kinds the audit does not read are
// accepted as they are.
func (ps *Paths) ReadBlockLine(group bool, kind, protocol, file string, num int, text string) error {
	var err error
	switch {
	case !group && string(firstWord([]byte(strings.TrimSpace(text)))) == "nat":
		var n *ObjectNAT
		if n, err = parseLine(ps.g.objectNAT(), file, num, text); err == nil {
			var pos lexer.Position
			pos, err = checkObjectNAT(n)
			err = positionedAt(pos, err)
		}
	case !group && (kind == "network" || kind == "service"):
		var c *objectChild
		if c, err = parseLine(ps.g.objectChild(), file, num, text); err == nil {
			err = ps.checkObjectChild(&Object{Kind: kind}, c)
		}
	case group && (kind == "network" || kind == "service" || kind == "protocol" || kind == "icmp-type"):
		var c *groupChild
		if c, err = parseLine(ps.g.groupChild(), file, num, text); err == nil {
			err = ps.checkGroupChild(&ObjectGroup{Kind: kind, Protocol: protocol}, c)
		}
	}
	if err != nil {
		return lineError(file, num, text, err)
	}
	return nil
}

// lineError turns a grammar or check error into a LineError, with the message PARSE001
// would give.
func lineError(file string, num int, text string, err error) *LineError {
	pos := lexer.Position{Filename: file, Line: num, Column: len(text) - len(strings.TrimLeft(text, " \t")) + 1}
	msg := err.Error()
	var perr participle.Error
	var pe *posError
	switch {
	case errors.As(err, &pe):
		if pe.pos.Line == num {
			pos.Column = pe.pos.Column
		}
		msg = pe.err.Error()
	case errors.As(err, &perr):
		pos.Column = perr.Position().Column
		msg = strings.Replace(perr.Message(), `"<EOF>"`, "end of line", 1)
	}
	return &LineError{Pos: pos, Message: msg}
}

// Insert adds a line before line i (after the last when i is Len()); num is its line
// number.
func (d *Deferred[T]) Insert(i, num int, text string) {
	d.pairs = nil // the lines move
	d.add(num, []byte(text), -1)
	last := d.lines.len() - 1
	full := d.full[last]
	delete(d.full, last)
	d.lines.move(i)
	d.shift(i, 1)
	if full {
		d.full[i] = true
	}
}

// Remove takes line i away.
func (d *Deferred[T]) Remove(i int) {
	d.pairs = nil
	d.lines.remove(i)
	delete(d.full, i)
	d.shift(i+1, -1)
}

// shift moves the marks of the lines from i on by delta places.
func (d *Deferred[T]) shift(i, delta int) {
	if len(d.full) == 0 {
		return
	}
	full := make(map[int]bool, len(d.full))
	for k := range d.full {
		if k >= i {
			k += delta
		}
		full[k] = true
	}
	d.full = full
}

// AddACL adds a line to access-list name before its line at (at its end when at is
// Len() or less than 0), creating the list, positioned at pos, when there is none.
func (ps *Paths) AddACL(name string, at int, pos lexer.Position, text string) {
	a := ps.acls[name]
	if a == nil || at < 0 || at >= a.Len() {
		p := &state{cfg: ps.cfg, paths: ps}
		p.deferACL(pos.Line, []byte(text), false)
		if a == nil {
			ps.acls[name].Pos = pos
			if ps.cfg.ACLNames == nil {
				ps.cfg.ACLNames = map[string]bool{}
			}
			ps.cfg.ACLNames[name] = true
		}
		return
	}
	a.Insert(at, pos.Line, text)
}

// RemoveACL removes access-list name.
func (ps *Paths) RemoveACL(name string) {
	if a := ps.acls[name]; a != nil && a == ps.lastACL {
		ps.lastACL = nil // a line added later makes a new list
	}
	delete(ps.acls, name)
	ps.aclNames = slices.DeleteFunc(ps.aclNames, func(n string) bool { return n == name })
	delete(ps.cfg.ACLNames, name)
}

// Block is an object or object-group block a script is adding lines to.
type Block struct {
	p *state
}

// EnterBlock enters the object or object-group of header text ("object network NAME"),
// creating it when the configuration has none, as configuration mode does; num is the
// line number of the header.
func (ps *Paths) EnterBlock(num int, text string) *Block {
	p := &state{cfg: ps.cfg, paths: ps}
	p.openObject(firstWord([]byte(text)), num, []byte(text), false)
	return &Block{p}
}

// Add adds a line (without indentation) to the block; an object's "nat" line goes with
// the object NAT lines.
func (b *Block) Add(num int, text string) {
	b.p.objectChild(num, []byte(" "+text), 1, false)
}

// Lines returns the lines below the block's headers, blanks normalised.
func (b *Block) Lines() []string {
	var out []string
	for _, idx := range b.p.obj.indexes() {
		if _, text, ok := b.p.paths.objLine(idx); ok && !isHeader(text) {
			out = append(out, strings.Join(strings.Fields(text), " "))
		}
	}
	return out
}

// RemoveLine removes the lines below the block's headers that read text, and reports
// whether there was one.
func (b *Block) RemoveLine(text string) bool {
	ps := b.p.paths
	return b.p.obj.removeFunc(func(idx int32) bool {
		_, t, ok := ps.objLine(idx)
		return ok && !isHeader(t) && strings.Join(strings.Fields(t), " ") == text
	})
}

// RemoveBlock removes the object (group false) or object-group name, with an object's
// NAT line, and reports whether there was one.
func (ps *Paths) RemoveBlock(group bool, name string) bool {
	blocks := ps.objects
	if group {
		blocks = ps.groups
	}
	if blocks[name] == nil {
		return false
	}
	blocks[name].sum = sumNone // a group that names it reads its lines, and finds it gone
	delete(blocks, name)
	if !group {
		for i := ps.ObjectNAT.Len() - 1; i >= 0; i-- {
			if ps.objNAT[i].name == name {
				ps.RemoveObjectNAT(i)
			}
		}
	}
	return true
}

// ObjectNATOf returns the object whose block holds object NAT line i.
func (ps *Paths) ObjectNATOf(i int) string { return ps.objNAT[i].name }

// RemoveObjectNAT removes object NAT line i.
func (ps *Paths) RemoveObjectNAT(i int) {
	ps.ObjectNAT.Remove(i)
	ps.objNAT = slices.Delete(ps.objNAT, i, i+1)
}

// BlockHas reports whether the mode of an object (group false) or object-group of kind
// has the command whose words (after "no") are w: in an object network, "nat" with
// static or dynamic is object NAT, any other "nat" the global command (twice NAT).
func BlockHas(group bool, kind string, w []string) bool {
	switch {
	case group:
		return objectGroupCommands[w[0]]
	case kind == "network" && w[0] == "nat":
		return objectNAT([]byte(strings.Join(w, " ")))
	case kind == "network":
		return objectNetworkCommands[w[0]]
	case kind == "service":
		return w[0] == "service" && (len(w) < 2 || !globalServiceArgs[w[1]]) || w[0] == "description"
	}
	return w[0] == "description"
}
