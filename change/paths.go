package change

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/asaaudit/asaaudit/parser"
)

// The path sections: access-lists, access-groups, same-security-traffic, objects and
// object-groups, NAT and routes. Their commands are applied to the configuration's own
// stores of these sections (parser.Paths), as lines of text read on demand like the
// configuration's: the configuration's Paths when the path rules run, else the second
// pass's ACLs (the access-lists of "match access-list", objects, object-groups), which
// holds no access-group, route or NAT to apply a command to.

// pathCommands are the global commands of the path sections the simulation applies.
var pathCommands = map[string]bool{
	"access-list": true, "access-group": true, "same-security-traffic": true, "object": true, "object-group": true,
	"nat": true, "route": true, "global": true, "static": true,
}

// aclCommands are those of pathCommands that the second pass reads (Config.ACLs).
var aclCommands = map[string]bool{"access-list": true, "object": true, "object-group": true}

// pathCommand reports whether the global command whose words (after "no") are args is one
// of the path sections: "clear configure access-list NAME" is one too.
func pathCommand(args []string) bool {
	return pathCommands[args[0]] || clearACL(args)
}

func clearACL(args []string) bool {
	return len(args) == 4 && args[0] == "clear" && args[1] == "configure" && args[2] == "access-list"
}

// path runs a global path command; false when the configuration holds no store for it
// (the caller reports the command as not simulated).
func (a *applier) path(c Command, args []string) bool {
	word := args[0]
	if clearACL(args) {
		word = "access-list"
	}
	switch {
	case !a.full && !aclCommands[word]:
		a.skip(c, "access-groups, same-security-traffic, routes and NAT are read only by the path rules: give --clients and --provider to simulate it")
		return true
	case a.ps == nil:
		return false
	}
	no := c.Words[0] == "no"
	switch word {
	case "access-list":
		if clearACL(args) {
			a.removeACL(c, args[3])
			return true
		}
		a.accessList(c, args, no)
	case "access-group":
		a.accessGroup(c, args, no)
	case "same-security-traffic":
		a.sameSecurity(c, args, no)
	case "object", "object-group":
		a.object(c, args, no)
	case "route":
		a.deferred(c, args, no, a.ps.Routes)
	case "nat":
		a.nat(c, args, no)
	case "global":
		a.deferred(c, args, no, a.ps.Globals)
	case "static":
		a.deferred(c, args, no, a.ps.Statics)
	}
	return true
}

// lines is a deferred section of the configuration: access-list, routes, NAT.
type lines interface {
	Len() int
	Line(i int) (int, string)
	Insert(i, num int, text string)
	Remove(i int)
}

// find returns the index of the line of d that reads text (blanks aside), or -1.
func find(d lines, text string) int {
	for i := range d.Len() {
		if _, t := d.Line(i); strings.Join(strings.Fields(t), " ") == text {
			return i
		}
	}
	return -1
}

// read checks a path command with the parser's grammar; false (and the command
// skipped) when the ASA would refuse it or the audit could not read it.
func (a *applier) read(c Command, text string) (any, bool) {
	v, err := a.ps.ReadLine(a.file, c.Line, text)
	if err != nil {
		a.skip(c, "cannot read it: "+err.(*parser.LineError).Message)
		return nil, false
	}
	return v, true
}

// add records that the script's line c is kept as text in the path sections.
func (a *applier) add(c Command, text string) {
	a.res.added[c.Line] = strings.TrimSpace(text)
}

func (a *applier) pos(c Command) lexer.Position {
	return lexer.Position{Filename: a.file, Line: c.Line, Column: c.Indent + 1}
}

// accessList adds an entry or remark to an access-list (before its line N with "line N",
// remarks counting as lines as on the ASA), or removes one ("no access-list NAME ENTRY")
// or the whole list ("no access-list NAME").
func (a *applier) accessList(c Command, args []string, no bool) {
	if len(args) < 2 {
		a.skip(c, "cannot read it: the access-list has no name")
		return
	}
	name := args[1]
	if no && len(args) == 2 {
		a.removeACL(c, name)
		return
	}
	rest, at := args[2:], -1
	if len(rest) >= 2 && rest[0] == "line" {
		n, err := strconv.Atoi(rest[1])
		if err != nil || n < 1 {
			a.skip(c, fmt.Sprintf("cannot read it: line %q is not a line number (1 or more)", rest[1]))
			return
		}
		rest, at = rest[2:], n-1
	}
	if len(rest) == 0 {
		a.skip(c, fmt.Sprintf("give the entry: \"no access-list %s ENTRY\" removes one entry, \"no access-list %s\" the list", name, name))
		return
	}
	text := "access-list " + name + " " + strings.Join(rest, " ")
	acl := a.ps.AccessList(name)
	if no {
		i := -1
		if acl != nil {
			i = find(acl, text)
		}
		if i < 0 {
			a.skip(c, fmt.Sprintf("access-list %s has no %q: nothing to remove", name, strings.Join(rest, " ")))
			return
		}
		acl.Remove(i)
		if acl.Len() == 0 {
			a.dropACL(name) // the ASA deletes a list whose last line goes
		}
		a.done()
		return
	}
	if _, ok := a.read(c, text); !ok {
		return
	}
	if missing := a.missingObject(rest); missing != "" {
		a.skip(c, "the ASA refuses it: "+missing+" does not exist")
		return
	}
	if acl != nil {
		if kind, other := aclKind(rest[0]), listKind(acl); kind != "" && other != "" && kind != other {
			a.skip(c, fmt.Sprintf("the ASA refuses it: access-list %s holds %s entries, not %s", name, other, kind))
			return
		}
		if rest[0] != "remark" && find(acl, text) >= 0 {
			a.done() // the ASA warns of the duplicate and keeps the list as it is
			return
		}
	}
	a.ps.AddACL(name, at, a.pos(c), text)
	a.add(c, text)
	a.done()
}

// aclKind is the kind of entry an access-list line after its name starts with; "" for a
// remark, which any list may hold.
func aclKind(word string) string {
	if word == "remark" {
		return ""
	}
	return word
}

// listKind is the kind of the entries of acl, "" when it holds remarks only.
func listKind(acl *parser.AccessList) string {
	for i := range acl.Len() {
		_, t := acl.Line(i)
		if w := strings.Fields(t); len(w) > 2 {
			if k := aclKind(w[2]); k != "" {
				return k
			}
		}
	}
	return ""
}

// missingObject names an object or object-group the words refer to that the
// configuration does not define, or returns "".
func (a *applier) missingObject(words []string) string {
	for i := 0; i+1 < len(words); i++ {
		switch words[i] {
		case "object":
			if a.ps.ObjectKind(words[i+1]) == "" {
				return "object " + words[i+1]
			}
		case "object-group":
			if a.ps.GroupKind(words[i+1]) == "" {
				return "object-group " + words[i+1]
			}
		}
	}
	return ""
}

func (a *applier) removeACL(c Command, name string) {
	if a.ps.AccessList(name) == nil {
		a.skip(c, fmt.Sprintf("access-list %s does not exist: nothing to remove", name))
		return
	}
	a.dropACL(name)
	a.done()
}

// dropACL removes access-list name and the access-groups that apply it, as the ASA does.
func (a *applier) dropACL(name string) {
	a.ps.RemoveACL(name)
	if a.full {
		a.ps.AccessGroups = slices.DeleteFunc(a.ps.AccessGroups, func(g *parser.AccessGroup) bool { return g.ACL == name })
		a.pathHint()
	}
}

// pathHint keeps Config.PathHint on the first access-group.
func (a *applier) pathHint() {
	a.cfg.PathHint = parser.PathHint{}
	if gs := a.ps.AccessGroups; len(gs) > 0 {
		a.cfg.PathHint = parser.PathHint{Pos: gs[0].Pos, Source: gs[0].Source}
	}
}

// accessGroup applies an access-list to an interface and direction, or globally, in
// place of the one applied there; "no access-group" removes it.
func (a *applier) accessGroup(c Command, args []string, no bool) {
	text := strings.Join(args, " ")
	v, ok := a.read(c, text)
	if !ok {
		return
	}
	g := v.(*parser.AccessGroup)
	g.Source = text
	same := func(x *parser.AccessGroup) bool {
		return x.Global == g.Global && x.Interface == g.Interface && x.Direction == g.Direction
	}
	if no {
		n := len(a.ps.AccessGroups)
		a.ps.AccessGroups = slices.DeleteFunc(a.ps.AccessGroups, func(x *parser.AccessGroup) bool { return same(x) && x.ACL == g.ACL })
		if n == len(a.ps.AccessGroups) {
			a.skip(c, fmt.Sprintf("%q is not configured: nothing to remove", text))
			return
		}
		a.pathHint()
		a.done()
		return
	}
	acl := a.ps.AccessList(g.ACL)
	switch {
	case acl == nil:
		a.skip(c, fmt.Sprintf("the ASA refuses it: access-list %s does not exist", g.ACL))
		return
	case !g.Global && !slices.ContainsFunc(a.cfg.Interfaces, func(i *parser.Interface) bool { return i.Name == g.Interface }):
		a.skip(c, fmt.Sprintf("the ASA refuses it: no interface is named %s (nameif)", g.Interface))
		return
	}
	// An interface and direction have one extended access-list (and one of another kind,
	// ethertype): the new one replaces the one of its kind.
	kind := listKind(acl)
	a.ps.AccessGroups = slices.DeleteFunc(a.ps.AccessGroups, func(x *parser.AccessGroup) bool {
		other := a.ps.AccessList(x.ACL)
		return same(x) && (other == nil || listKind(other) == kind)
	})
	a.ps.AccessGroups = append(a.ps.AccessGroups, g)
	a.pathHint()
	a.done()
}

func (a *applier) sameSecurity(c Command, args []string, no bool) {
	text := strings.Join(args, " ")
	v, ok := a.read(c, text)
	if !ok {
		return
	}
	s := v.(*parser.SameSecurity)
	i := slices.IndexFunc(a.ps.SameSecurity, func(x *parser.SameSecurity) bool { return x.Kind == s.Kind })
	switch {
	case no && i < 0:
		a.skip(c, fmt.Sprintf("%q is not configured: nothing to remove", text))
		return
	case no:
		a.ps.SameSecurity = slices.Delete(a.ps.SameSecurity, i, i+1)
	case i < 0:
		a.ps.SameSecurity = append(a.ps.SameSecurity, s)
	}
	a.done()
}

// deferred adds a line to a section kept as text (routes, global, static) or, with
// "no", removes the line that reads the same.
func (a *applier) deferred(c Command, args []string, no bool, d lines) {
	text := strings.Join(args, " ")
	a.addOrRemove(c, text, no, d, d.Len())
}

func (a *applier) addOrRemove(c Command, text string, no bool, d lines, at int) {
	i := find(d, text)
	switch {
	case no && i < 0:
		a.skip(c, fmt.Sprintf("%q is not configured: nothing to remove", text))
		return
	case no:
		d.Remove(i)
		a.done()
		return
	}
	if _, ok := a.read(c, text); !ok {
		return
	}
	if i < 0 {
		d.Insert(at, c.Line, text)
		a.add(c, text)
	}
	a.done()
}

// nat adds a top-level nat line: twice NAT goes before line N of its section (before or
// after the object NAT rules: "after-auto") when the command gives N, else after it;
// 8.2's "nat (IF) ID" is added at the end.
func (a *applier) nat(c Command, args []string, no bool) {
	words := slices.Clone(args)
	i := 1
	if i < len(words) && strings.HasPrefix(words[i], "(") {
		i++
	}
	after := i < len(words) && words[i] == "after-auto"
	if after {
		i++
	}
	n := 0
	if i+1 < len(words) && words[i+1] == "source" {
		if v, err := strconv.Atoi(words[i]); err == nil && v > 0 {
			n, words = v, slices.Delete(words, i, i+1)
		}
	}
	text := strings.Join(words, " ")
	d := a.ps.NAT
	at := d.Len()
	if n > 0 {
		// The N-th twice NAT line of the section, counted as the ASA numbers them.
		for j, k := 0, 0; j < d.Len(); j++ {
			_, t := d.Line(j)
			w := strings.Fields(t)
			if !slices.Contains(w, "source") || slices.Contains(w, "after-auto") != after {
				continue
			}
			if k++; k == n {
				at = j
				break
			}
		}
	}
	a.addOrRemove(c, text, no, d, at)
}

// object enters (creating it) an object or object-group, or removes it.
func (a *applier) object(c Command, args []string, no bool) {
	group := args[0] == "object-group"
	if len(args) < 3 {
		a.skip(c, "cannot read it: give the kind and the name")
		return
	}
	kind, name := args[1], args[2]
	if no {
		if !a.ps.RemoveBlock(group, name) {
			a.skip(c, fmt.Sprintf("%s %s does not exist: nothing to remove", args[0], name))
			return
		}
		a.done()
		return
	}
	switch {
	case a.ps.ObjectKind(name) != "" && (group || a.ps.ObjectKind(name) != kind):
		a.skip(c, fmt.Sprintf("the ASA refuses it: object %s %s already exists", a.ps.ObjectKind(name), name))
		return
	case a.ps.GroupKind(name) != "" && (!group || a.ps.GroupKind(name) != kind):
		a.skip(c, fmt.Sprintf("the ASA refuses it: object-group %s %s already exists", a.ps.GroupKind(name), name))
		return
	}
	protocol := ""
	if group && len(args) > 3 {
		protocol = args[3]
	}
	a.block = a.ps.EnterBlock(c.Line, strings.Join(args, " "))
	a.blockGroup, a.blockKind, a.blockProtocol, a.blockName = group, kind, protocol, name
	a.mode = blockMode
	a.done()
}

// blockLine runs a command of object or object-group mode. An object has one value
// (host, subnet, range, fqdn; service), one description and one NAT rule: a new one
// replaces the old. An object-group's lines are added once each.
func (a *applier) blockLine(c Command, args []string, no bool) {
	text := strings.Join(args, " ")
	word := args[0]
	if !a.blockGroup && word == "nat" {
		a.objectNAT(c, text, no)
		return
	}
	if no {
		removed := a.block.RemoveLine(text)
		if word == "description" {
			removed = a.removeBlockLines("description")
		}
		if !removed {
			a.skip(c, fmt.Sprintf("%s %s %s has no %q: nothing to remove", map[bool]string{false: "object", true: "object-group"}[a.blockGroup], a.blockKind, a.blockName, text))
			return
		}
		a.done()
		return
	}
	if err := a.ps.ReadBlockLine(a.blockGroup, a.blockKind, a.blockProtocol, a.file, c.Line, text); err != nil {
		a.skip(c, "cannot read it: "+err.(*parser.LineError).Message)
		return
	}
	if missing := a.missingObject(args); missing != "" {
		a.skip(c, "the ASA refuses it: "+missing+" does not exist")
		return
	}
	switch {
	case word == "description":
		a.removeBlockLines("description")
	case !a.blockGroup:
		a.removeBlockLines("host", "subnet", "range", "fqdn", "service")
	case slices.Contains(a.block.Lines(), text):
		a.done()
		return
	}
	a.block.Add(c.Line, text)
	a.add(c, text)
	a.done()
}

// removeBlockLines removes the lines of the open block that start with one of words.
func (a *applier) removeBlockLines(words ...string) bool {
	removed := false
	for _, l := range a.block.Lines() {
		if w := strings.Fields(l); len(w) > 0 && slices.Contains(words, w[0]) {
			removed = a.block.RemoveLine(l) || removed
		}
	}
	return removed
}

// objectNAT sets the open object's NAT rule (one per object), or removes it.
func (a *applier) objectNAT(c Command, text string, no bool) {
	ps := a.ps
	var mine []int
	for i := range ps.ObjectNAT.Len() {
		if ps.ObjectNATOf(i) == a.blockName {
			mine = append(mine, i)
		}
	}
	if no {
		for _, i := range slices.Backward(mine) {
			if _, t := ps.ObjectNAT.Line(i); strings.Join(strings.Fields(t), " ") == text {
				ps.RemoveObjectNAT(i)
				a.done()
				return
			}
		}
		a.skip(c, fmt.Sprintf("object network %s has no %q: nothing to remove", a.blockName, text))
		return
	}
	if err := ps.ReadBlockLine(false, a.blockKind, "", a.file, c.Line, text); err != nil {
		a.skip(c, "cannot read it: "+err.(*parser.LineError).Message)
		return
	}
	for _, i := range slices.Backward(mine) {
		ps.RemoveObjectNAT(i)
	}
	a.block.Add(c.Line, text)
	a.add(c, text)
	a.done()
}
