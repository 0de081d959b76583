package change

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/asaaudit/asaaudit/parser"
)

// Skipped is a command the simulation did not apply, and why.
type Skipped struct {
	Pos    lexer.Position
	Text   string // the command, without indentation
	Reason string
}

// Result is what Apply did.
type Result struct {
	// Simulated counts the commands applied, including those the ASA accepts without a
	// change (entering an existing class-map, repeating a timeout).
	Simulated int
	// Skipped are the commands that were not applied, in script order.
	Skipped []Skipped
	// trace holds "LINE MODE" after each command, for the tests of the mode rules.
	trace []string
	// added holds the lines the script added to the path sections (access-lists, objects,
	// NAT...), by script line, as they are kept.
	added map[int]string
}

// Added reports whether the script's line added text (an access-list entry, an object's
// line, a NAT rule...) to the path sections. These lines are kept with the configuration's
// own, so that the audit's findings on them name the configuration's file and the
// script's line: Added tells those findings apart.
func (r *Result) Added(line int, text string) bool {
	t, ok := r.added[line]
	return ok && t == strings.TrimSpace(text)
}

// mode is a CLI mode of the session the script is typed into.
type mode uint8

const (
	execMode       mode = iota // privileged exec: after "end", or "exit" from global configuration
	globalMode                 // config
	classMapMode               // config-cmap
	policyMapMode              // config-pmap
	classMode                  // config-pmap-c, in a layer 3/4 policy-map
	inspectSubMode             // below parameters, match or class of an inspect policy-map
	blockMode                  // config-network-object, config-network-object-group...: an object or object-group
	otherMode                  // below a command the simulation does not model (interface, crypto...)
)

func (m mode) String() string {
	return [...]string{"exec", "config", "config-cmap", "config-pmap", "config-pmap-c", "config-pmap-inspect", "config-object", "config-other"}[m]
}

// parent is the mode "exit" returns to, and where the ASA looks for a command its
// current mode does not have.
func (m mode) parent() mode {
	switch m {
	case classMode, inspectSubMode:
		return policyMapMode
	case execMode:
		return execMode
	}
	return globalMode
}

// applier is one run of a script over a configuration.
type applier struct {
	cfg  *parser.Config
	file string
	res  *Result
	// classMaps and policyMaps index cfg's blocks by name, built on first use, so that a
	// script creating thousands of them costs linear time.
	classMaps  map[string]*parser.ClassMap
	policyMaps map[string]*parser.PolicyMap

	mode     mode
	cm       *parser.ClassMap
	pm       *parser.PolicyMap
	class    *parser.PolicyClass
	settings *[]*parser.Setting // what inspectSubMode adds to
	opener   Command            // the command that entered otherMode
	left     Command            // the "exit" or "end" that left configuration mode

	// The path sections: ps is the store the audit reads (Config.Paths, or Config.ACLs
	// when only the access-lists of class-maps are read; full is false then).
	ps            *parser.Paths
	full          bool
	block         *parser.Block // the object or object-group of blockMode
	blockGroup    bool
	blockKind     string
	blockProtocol string
	blockName     string
}

// Apply applies the script's commands to cfg in order, as the ASA would, starting in
// global configuration mode. cfg is changed in place (parse the configuration again to keep
// the original). New nodes are positioned in the script, so that findings about them name
// the script's lines; nodes the script changes keep their own positions. The path
// sections' commands change cfg.Paths, or cfg.ACLs without it (After reads them), and
// are not simulated when cfg has neither.
func (s *Script) Apply(cfg *parser.Config) *Result {
	a := &applier{cfg: cfg, file: s.File, res: &Result{Skipped: []Skipped{}, added: map[int]string{}}, mode: globalMode,
		ps: cfg.Paths, full: cfg.Paths != nil}
	if a.ps == nil {
		a.ps = cfg.ACLs
	}
	for _, c := range s.Commands {
		a.run(c)
		a.res.trace = append(a.res.trace, fmt.Sprintf("%d %s", c.Line, a.mode))
	}
	return a.res
}

func (a *applier) run(c Command) {
	w := c.Words
	switch {
	case len(w) == 1 && w[0] == "exit":
		a.exit(c)
		return
	case len(w) == 1 && w[0] == "end":
		a.mode, a.left = execMode, c
		return
	case configureTerminal(w):
		a.enter(globalMode)
		return
	case execCommands[w[0]] || w[0] == "do":
		a.skip(c, "an exec command: it changes no configuration")
		return
	case a.mode == execMode:
		a.skip(c, fmt.Sprintf("not in configuration mode (%q at line %d left it): the ASA would not take it as configuration", a.left.Words[0], a.left.Line))
		return
	}
	args := w
	if w[0] == "no" && len(w) > 1 {
		args = w[1:]
	}
	// The ASA tries a command in the current mode, then in each parent mode; the first
	// mode that has it runs it and becomes the current mode.
	for m := a.mode; ; m = m.parent() {
		if a.has(m, c, args) {
			a.enter(m)
			a.do(c, args[0])
			return
		}
		if m == globalMode {
			break
		}
	}
	switch full := expansions(args[0]); len(full) {
	case 0:
		a.skip(c, "unknown command: the ASA would reject it")
	case 1:
		a.skip(c, fmt.Sprintf("%q abbreviates %q: abbreviations are not simulated, write commands in full", args[0], full[0]))
	default:
		a.skip(c, fmt.Sprintf("%q is an ambiguous abbreviation (%s): write commands in full", args[0], strings.Join(full, ", ")))
	}
}

// expansions returns the commands that word is a prefix of, sorted: the ASA accepts an
// unambiguous prefix of a keyword, which the simulation does not follow.
func expansions(word string) []string {
	var out []string
	for _, cmds := range []map[string]bool{modelled, globalCommands, classMapCommands, policyMapCommands, inspectPolicyMapCommands, classCommands} {
		for cmd := range cmds {
			if strings.HasPrefix(cmd, word) && !slices.Contains(out, cmd) {
				out = append(out, cmd)
			}
		}
	}
	slices.Sort(out)
	return out
}

// configureTerminal reports whether w is "configure terminal" or an abbreviation of it.
func configureTerminal(w []string) bool {
	return len(w) == 2 && len(w[0]) >= 4 && strings.HasPrefix("configure", w[0]) && strings.HasPrefix("terminal", w[1])
}

// has reports whether mode m has the command whose words (after "no") are args.
func (a *applier) has(m mode, c Command, args []string) bool {
	word := args[0]
	switch m {
	case globalMode:
		return modelled[word] || globalCommands[word]
	case classMapMode:
		return classMapCommands[word]
	case policyMapMode:
		return policyMapCommands[word] || !a.pm.IsL34() && inspectPolicyMapCommands[word]
	case classMode:
		if word == "service-policy" {
			return len(args) == 2 // hierarchical; "service-policy NAME global" is the global command
		}
		return classCommands[word]
	case inspectSubMode:
		// The settings of inspect policy-maps are protocol-specific and kept as text: any
		// command that no enclosing mode has is one.
		return !modelled[word] && !globalCommands[word] && !policyMapCommands[word] && !inspectPolicyMapCommands[word]
	case blockMode:
		return parser.BlockHas(a.blockGroup, a.blockKind, args)
	case otherMode:
		return !modelled[word] && !globalCommands[word] || c.Indent > a.opener.Indent
	}
	return false
}

// enter makes m the current mode, leaving the modes below it.
func (a *applier) enter(m mode) {
	a.mode = m
	switch m {
	case globalMode, otherMode:
		a.cm, a.pm, a.class, a.settings, a.block = nil, nil, nil, nil, nil
	case classMapMode:
		a.pm, a.class, a.settings = nil, nil, nil
	case policyMapMode:
		a.cm, a.class, a.settings = nil, nil, nil
	}
}

func (a *applier) exit(c Command) {
	switch a.mode {
	case globalMode, execMode:
		a.mode, a.left = execMode, c
	default:
		a.enter(a.mode.parent())
	}
}

// do runs command c in the current mode; word is its keyword (after "no").
func (a *applier) do(c Command, word string) {
	pmode := map[mode]parser.Mode{
		globalMode: parser.GlobalMode, classMapMode: parser.ClassMapMode, policyMapMode: parser.PolicyMapMode,
		classMode: parser.ClassMode, inspectSubMode: parser.InspectSubMode,
	}
	no, args := c.Words[0] == "no", c.Words
	if no {
		args = args[1:]
	}
	switch {
	case a.mode == otherMode:
		a.skip(c, fmt.Sprintf("in the sub-mode of %q (line %d), outside the sections the audit reads", strings.Join(a.opener.Words, " "), a.opener.Line))
		return
	case a.mode == blockMode:
		a.blockLine(c, args, no)
		return
	case a.mode == globalMode && pathCommand(args) && a.path(c, args):
		return
	case a.mode == globalMode && !modelled[word]:
		a.skip(c, "outside the sections the audit reads (class-map, policy-map, service-policy, timeout)")
		if openers[word] && c.Words[0] != "no" {
			a.mode, a.opener = otherMode, c
		}
		return
	case word == "rename":
		a.skip(c, "rename is not simulated: write the block under its new name and change what refers to it")
		return
	case word == "description" && a.mode == policyMapMode:
		a.skip(c, "policy-map descriptions are not kept by the audit (they do not affect SIP)")
		return
	}
	l, err := parser.ParseLine(pmode[a.mode], a.file, c.Line, c.Text)
	if err != nil {
		msg := err.Error()
		var le *parser.LineError
		if errors.As(err, &le) {
			msg = le.Message
		}
		a.skip(c, "cannot read it: "+strings.TrimPrefix(msg, "cannot read line: "))
		return
	}
	switch {
	case l.ClassMap != nil:
		a.classMap(c, l)
	case l.PolicyMap != nil:
		a.policyMap(c, l)
	case l.ServicePolicy != nil:
		a.servicePolicy(c, l)
	case l.Timeout != nil:
		a.timeout(l)
	case l.Match != nil:
		a.match(c, l)
	case l.Description != nil:
		a.description(l)
	case l.Class != nil:
		a.policyClass(c, l)
	case l.Parameters:
		a.parameters(l)
	case l.InspectMatch != nil:
		a.inspectMatch(c, l)
	case l.Action != nil:
		a.action(c, l)
	case l.Setting != nil:
		a.setting(l)
	}
}

func (a *applier) skip(c Command, reason string) {
	pos := lexer.Position{Filename: a.file, Line: c.Line, Column: c.Indent + 1}
	a.res.Skipped = append(a.res.Skipped, Skipped{Pos: pos, Text: strings.Join(c.Words, " "), Reason: reason})
}

func (a *applier) done() { a.res.Simulated++ }

// indent returns s indented as "show running-config" shows a line at depth d.
func indent(d int, s string) string { return strings.Repeat(" ", d) + s }

func (a *applier) classMap(c Command, l *parser.Line) {
	cm := l.ClassMap
	if l.No {
		n := len(a.cfg.ClassMaps)
		a.cfg.ClassMaps = slices.DeleteFunc(a.cfg.ClassMaps, func(x *parser.ClassMap) bool {
			return x.Name == cm.Name && x.Type == cm.Type
		})
		a.classMaps = nil // rebuilt on next use
		if n == len(a.cfg.ClassMaps) {
			a.skip(c, fmt.Sprintf("class-map %s does not exist: nothing to remove", cm.Name))
			return
		}
		a.done()
		return
	}
	if x := a.classMapNamed(cm.Name); x != nil {
		if x.Type != cm.Type || x.Protocol != cm.Protocol {
			a.skip(c, fmt.Sprintf("the ASA refuses it: %q already exists (line %d)", x.String(), x.Pos.Line))
			return
		}
		a.cm, a.mode = x, classMapMode
		a.done()
		return
	}
	cm.Source = cm.String()
	a.cfg.ClassMaps = append(a.cfg.ClassMaps, cm)
	a.classMaps[cm.Name] = cm
	a.cm, a.mode = cm, classMapMode
	a.done()
}

// classMapNamed returns the first class-map named name, or nil.
func (a *applier) classMapNamed(name string) *parser.ClassMap {
	if a.classMaps == nil {
		a.classMaps = map[string]*parser.ClassMap{}
		for _, x := range a.cfg.ClassMaps {
			if a.classMaps[x.Name] == nil {
				a.classMaps[x.Name] = x
			}
		}
	}
	return a.classMaps[name]
}

// policyMapNamed returns the first policy-map named name (all types share one name
// space), or nil.
func (a *applier) policyMapNamed(name string) *parser.PolicyMap {
	if a.policyMaps == nil {
		a.policyMaps = map[string]*parser.PolicyMap{}
		for _, x := range a.cfg.PolicyMaps {
			if a.policyMaps[x.Name] == nil {
				a.policyMaps[x.Name] = x
			}
		}
	}
	return a.policyMaps[name]
}

func (a *applier) policyMap(c Command, l *parser.Line) {
	pm := l.PolicyMap
	if l.No {
		n := len(a.cfg.PolicyMaps)
		a.cfg.PolicyMaps = slices.DeleteFunc(a.cfg.PolicyMaps, func(x *parser.PolicyMap) bool {
			return x.Name == pm.Name && x.Type == pm.Type
		})
		a.policyMaps = nil // rebuilt on next use
		if n == len(a.cfg.PolicyMaps) {
			a.skip(c, fmt.Sprintf("policy-map %s does not exist: nothing to remove", pm.Name))
			return
		}
		a.done()
		return
	}
	// All types of policy-map share one name space. Re-entering a policy-map adds to it.
	if x := a.policyMapNamed(pm.Name); x != nil {
		if x.Type != pm.Type || x.Protocol != pm.Protocol {
			a.skip(c, fmt.Sprintf("the ASA refuses it: %q already exists (line %d)", x.String(), x.Pos.Line))
			return
		}
		a.pm, a.mode = x, policyMapMode
		a.done()
		return
	}
	pm.Source = pm.String()
	a.cfg.PolicyMaps = append(a.cfg.PolicyMaps, pm)
	a.policyMaps[pm.Name] = pm
	a.pm, a.mode = pm, policyMapMode
	a.done()
}

func (a *applier) servicePolicy(c Command, l *parser.Line) {
	sp := l.ServicePolicy
	sameScope := func(x *parser.ServicePolicy) bool { return x.Global == sp.Global && x.Interface == sp.Interface }
	if l.No {
		n := len(a.cfg.ServicePolicies)
		a.cfg.ServicePolicies = slices.DeleteFunc(a.cfg.ServicePolicies, func(x *parser.ServicePolicy) bool {
			return sameScope(x) && x.Name == sp.Name
		})
		if n == len(a.cfg.ServicePolicies) {
			a.skip(c, fmt.Sprintf("%q is not configured: nothing to remove", sp.String()))
			return
		}
		a.done()
		return
	}
	for _, x := range a.cfg.ServicePolicies {
		if !sameScope(x) {
			continue
		}
		if x.Name != sp.Name {
			a.skip(c, fmt.Sprintf("the ASA refuses it: only one service-policy applies %s, and %q (line %d) does; remove it first", scopeOf(sp), x.String(), x.Pos.Line))
			return
		}
		a.done()
		return
	}
	sp.Source = sp.String()
	a.cfg.ServicePolicies = append(a.cfg.ServicePolicies, sp)
	a.done()
}

func scopeOf(sp *parser.ServicePolicy) string {
	if sp.Global {
		return "globally"
	}
	return "to interface " + sp.Interface
}

// timeout sets or resets timeout keywords. A keyword set again is taken off the line that
// had it, and the new values form a line of their own, positioned in the script.
func (a *applier) timeout(l *parser.Line) {
	t := l.Timeout
	if l.No && len(t.Entries) == 0 {
		a.cfg.Timeouts = nil // "no timeout" resets every timeout to its default
		a.done()
		return
	}
	for _, e := range t.Entries {
		a.removeTimeout(e.Name())
	}
	if !l.No {
		t.Source = t.String()
		a.cfg.Timeouts = append(a.cfg.Timeouts, t)
	}
	a.done()
}

func (a *applier) removeTimeout(name string) {
	a.cfg.Timeouts = slices.DeleteFunc(a.cfg.Timeouts, func(t *parser.Timeout) bool {
		n := len(t.Entries)
		t.Entries = slices.DeleteFunc(t.Entries, func(e *parser.TimeoutEntry) bool { return e.Name() == name })
		if len(t.Entries) != n {
			t.Source = t.String()
		}
		return len(t.Entries) == 0
	})
}

// matchKind is what a class-map match line tests; a layer 3/4 class-map has one match
// per kind, so a new match of a kind replaces the old one.
func matchKind(m *parser.Match) string {
	switch {
	case m.DefaultInspection:
		return "default-inspection-traffic"
	case m.Port != nil:
		return "port"
	case m.AccessList != "":
		return "access-list"
	case m.Any:
		return "any"
	}
	return m.Other[0]
}

// combinable reports whether a layer 3/4 class-map may hold matches of both kinds: the
// default inspection traffic narrowed by an access-list, and a tunnel-group with another
// criterion.
func combinable(k1, k2 string) bool {
	pair := func(a, b string) bool { return k1 == a && k2 == b || k1 == b && k2 == a }
	return pair("default-inspection-traffic", "access-list") || k1 == "tunnel-group" || k2 == "tunnel-group"
}

func (a *applier) match(c Command, l *parser.Line) {
	m := l.Match
	text := m.String()
	if l.No {
		n := len(a.cm.Matches)
		a.cm.Matches = slices.DeleteFunc(a.cm.Matches, func(x *parser.Match) bool { return x.String() == text })
		if n == len(a.cm.Matches) {
			a.skip(c, fmt.Sprintf("class-map %s has no %q: nothing to remove", a.cm.Name, text))
			return
		}
		a.done()
		return
	}
	if a.cm.IsL34() {
		// A layer 3/4 class-map has one match line, except for the combinations below;
		// the same kind of match again replaces the old one.
		for _, x := range a.cm.Matches {
			if k := matchKind(x); k != matchKind(m) && !combinable(k, matchKind(m)) {
				a.skip(c, fmt.Sprintf("the ASA refuses it: class-map %s already has %q; enter \"no %s\" first", a.cm.Name, x.String(), x.String()))
				return
			}
		}
	}
	a.cm.Matches = slices.DeleteFunc(a.cm.Matches, func(x *parser.Match) bool {
		return x.String() == text || a.cm.IsL34() && matchKind(x) == matchKind(m)
	})
	m.Source = indent(1, text)
	a.cm.Matches = append(a.cm.Matches, m)
	a.done()
}

func (a *applier) description(l *parser.Line) {
	a.cm.Descriptions = nil
	if !l.No {
		a.cm.Descriptions = []*parser.Description{l.Description}
	}
	a.done()
}

func (a *applier) policyClass(c Command, l *parser.Line) {
	pc := l.Class
	if l.No {
		n := len(a.pm.Classes)
		a.pm.Classes = slices.DeleteFunc(a.pm.Classes, func(x *parser.PolicyClass) bool { return x.Name == pc.Name })
		if n == len(a.pm.Classes) {
			a.skip(c, fmt.Sprintf("policy-map %s has no class %s: nothing to remove", a.pm.Name, pc.Name))
			return
		}
		a.done()
		return
	}
	if x := a.pm.Class(pc.Name); x != nil {
		pc = x
	} else {
		pc.Source = indent(1, pc.String())
		// class-default is always the last class; new classes go before it.
		i := len(a.pm.Classes)
		if pc.Name != "class-default" {
			if j := slices.IndexFunc(a.pm.Classes, func(x *parser.PolicyClass) bool { return x.Name == "class-default" }); j >= 0 {
				i = j
			}
		}
		a.pm.Classes = slices.Insert(a.pm.Classes, i, pc)
	}
	a.class, a.mode = pc, classMode
	if !a.pm.IsL34() {
		a.mode, a.settings = inspectSubMode, &pc.Settings
	}
	a.done()
}

func (a *applier) parameters(l *parser.Line) {
	if l.No {
		a.pm.Parameters = nil
	} else {
		a.mode, a.settings = inspectSubMode, &a.pm.Parameters
	}
	a.done()
}

func (a *applier) inspectMatch(c Command, l *parser.Line) {
	m := l.InspectMatch
	text := m.String()
	if l.No {
		n := len(a.pm.Matches)
		a.pm.Matches = slices.DeleteFunc(a.pm.Matches, func(x *parser.InspectMatch) bool { return x.String() == text })
		if n == len(a.pm.Matches) {
			a.skip(c, fmt.Sprintf("policy-map %s has no %q: nothing to remove", a.pm.Name, text))
			return
		}
		a.done()
		return
	}
	i := slices.IndexFunc(a.pm.Matches, func(x *parser.InspectMatch) bool { return x.String() == text })
	if i < 0 {
		m.Source = indent(1, text)
		a.pm.Matches = append(a.pm.Matches, m)
		i = len(a.pm.Matches) - 1
	}
	a.mode, a.settings = inspectSubMode, &a.pm.Matches[i].Settings
	a.done()
}

func (a *applier) action(c Command, l *parser.Line) {
	act := l.Action
	cl := a.class
	switch {
	case act.Inspect != nil:
		in := act.Inspect
		var old *parser.Inspect
		for _, x := range cl.Actions {
			if x.Inspect != nil && inspection(x.Inspect) == inspection(in) {
				old = x.Inspect
			}
		}
		switch {
		case l.No && old == nil:
			a.skip(c, fmt.Sprintf("class %s has no inspect %s: nothing to remove", cl.Name, inspection(in)))
			return
		case l.No:
			cl.Actions = slices.DeleteFunc(cl.Actions, func(x *parser.Action) bool { return x.Inspect == old })
		case old != nil && old.String() != in.String():
			a.skip(c, fmt.Sprintf("the ASA refuses a second inspect %s in class %s (it has %q): enter \"no %s\" first", inspection(in), cl.Name, old.String(), old.String()))
			return
		case old == nil:
			a.addAction(act)
		}
	case act.Set != nil && len(act.Set.Timeouts) > 0:
		kinds := map[string]bool{}
		for _, t := range act.Set.Timeouts {
			kinds[connKind(t)] = true
		}
		if !a.removeConnTimeouts(kinds) && l.No {
			a.skip(c, fmt.Sprintf("class %s sets no such connection timeout: nothing to remove", cl.Name))
			return
		}
		if !l.No {
			a.addAction(act)
		}
	default:
		text := act.String()
		if l.No {
			n := len(cl.Actions)
			cl.Actions = slices.DeleteFunc(cl.Actions, func(x *parser.Action) bool {
				s := x.String()
				return s == text || strings.HasPrefix(s, text+" ")
			})
			if n == len(cl.Actions) {
				a.skip(c, fmt.Sprintf("class %s has no %q: nothing to remove", cl.Name, text))
				return
			}
		} else if !slices.ContainsFunc(cl.Actions, func(x *parser.Action) bool { return x.String() == text }) {
			a.addAction(act)
		}
	}
	a.done()
}

// inspection names what an inspect action inspects: its protocol, and for the protocols
// the ASA inspects in parts the part ("h323 h225" and "h323 ras", "icmp" and "icmp
// error"), which a class may hold side by side.
func inspection(in *parser.Inspect) string {
	if len(in.Args) > 0 && (in.Protocol == "h323" && (in.Args[0] == "h225" || in.Args[0] == "ras") || in.Protocol == "icmp" && in.Args[0] == "error") {
		return in.Protocol + " " + in.Args[0]
	}
	return in.Protocol
}

func (a *applier) addAction(act *parser.Action) {
	act.Source = indent(2, act.String())
	a.class.Actions = append(a.class.Actions, act)
}

func connKind(t *parser.ConnTimeout) string {
	if t.DCD {
		return "dcd"
	}
	return t.Kind
}

// removeConnTimeouts takes the given kinds off the class's "set connection timeout"
// actions, dropping actions left empty; it reports whether any was there.
func (a *applier) removeConnTimeouts(kinds map[string]bool) bool {
	removed := false
	a.class.Actions = slices.DeleteFunc(a.class.Actions, func(x *parser.Action) bool {
		if x.Set == nil || len(x.Set.Timeouts) == 0 {
			return false
		}
		n := len(x.Set.Timeouts)
		x.Set.Timeouts = slices.DeleteFunc(x.Set.Timeouts, func(t *parser.ConnTimeout) bool { return kinds[connKind(t)] })
		if len(x.Set.Timeouts) == n {
			return false
		}
		removed = true
		x.Source = indent(2, x.String())
		return len(x.Set.Timeouts) == 0
	})
	return removed
}

// setting adds a line below an inspect policy-map's parameters, match or class. The
// settings are kept as text: "no X" takes X away, or is kept as a setting of its own
// ("no tcp-inspection") when X is not there.
func (a *applier) setting(l *parser.Line) {
	st := l.Setting
	text := st.String()
	list := a.settings
	if l.No {
		n := len(*list)
		*list = slices.DeleteFunc(*list, func(x *parser.Setting) bool {
			s := x.String()
			return s == text || strings.HasPrefix(s, text+" ")
		})
		if n != len(*list) {
			a.done()
			return
		}
		st.Words = append([]string{"no"}, st.Words...)
	} else {
		*list = slices.DeleteFunc(*list, func(x *parser.Setting) bool { return x.String() == "no "+text })
	}
	if !slices.ContainsFunc(*list, func(x *parser.Setting) bool { return x.String() == st.String() }) {
		st.Source = indent(2, st.String())
		*list = append(*list, st)
	}
	a.done()
}
