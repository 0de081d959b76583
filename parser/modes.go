package parser

import "bytes"

// frameKind is a configuration sub-mode that a line can open.
type frameKind uint8

const (
	frameClassMap      frameKind = iota + 1 // class-map (any type)
	framePolicyMap                          // layer 3/4 policy-map
	framePolicyClass                        // class of a layer 3/4 policy-map
	frameInspectMap                         // policy-map type inspect
	frameInspectSub                         // parameters, match or class of an inspect policy-map
	frameInterface                          // interface
	frameObjectNetwork                      // object network
	frameObjectService                      // object service
	frameObjectGroup                        // object-group
	frameOther                              // a sub-mode whose commands the audit does not model
)

type frame struct {
	kind   frameKind
	indent int // of the line that opened it
}

// modes follows the ASA's configuration modes through a running-config, as the ASA does
// when the text is pasted: a line is tried in the current mode, then in each enclosing
// mode out to global configuration, and the first mode that has the command takes it.
// Indentation, which show running-config prints but the ASA ignores, is only a hint where
// the vocabulary leaves a choice: a command we do not know, or a line in a sub-mode whose
// commands we do not model. So stripped, doubled, uniform or tab indentation gives the
// same structure.
type modes struct {
	stack [3]frame
	n     int
	// indented is set once a block's line was indented deeper than its header: the file
	// keeps show running-config's indentation, so a line at the header's level leaves a
	// sub-mode whose commands we do not know. Without it (a flattened paste) such a line
	// stays in the sub-mode unless it is a global command.
	indented bool
	// unknownAt is 1 + the indentation of the line before, when that line was a global
	// command we do not know (0 otherwise): a line indented under it belongs to it.
	unknownAt int
}

// Control results of place: lines that change the mode and hold no command to read.
const (
	placeComment = -1 // "!": no command, no change
	placeControl = -2 // exit, end: the mode changed
	placeBlank   = -3 // a blank line
	// placeInvalid is a command of an audited sub-mode that no open mode has: the ASA
	// rejects it and stays in the current mode.
	placeInvalid = -4
)

// reset returns to global configuration (after a prompt, ": end", "end").
func (m *modes) reset() { m.n = 0 }

// place returns the depth of the line in the configuration's structure (0 for a global
// command, 1 for a line of a block, 2 for a line of a block's sub-mode), or placeComment
// or placeControl, and makes the line's mode current for the lines that follow. text is
// the whole line; indent is the length of its leading blanks and w its first word.
func (m *modes) place(text []byte, indent int, w []byte) int {
	rest := text[indent:]
	switch {
	case len(w) == 0 || w[0] == '!' || w[0] == '#':
		// "#" starts the comments of templates and wiki pastes ("#inspect skinny" in a
		// class): the ASA rejects such a line and stays in its mode, as a "!" leaves it.
		return placeComment
	case string(w) == "exit":
		if m.n > 0 {
			m.n--
		}
		return placeControl
	case string(w) == "end" && len(w) == len(rest):
		m.n = 0
		return placeControl
	}
	if u := m.unknownAt; u > 0 {
		m.unknownAt = 0
		if m.n == 0 && submodeOnly(string(w)) && (indent >= u || !m.indented) {
			// A sub-mode command under a command we do not know (indented deeper, or in a
			// flattened paste): the ASA may well have a mode there that we do not model (a
			// newer version's command), so the line is that block's, unread; "the ASA
			// rejects it" would be a guess.
			m.push(frameOther, u-1)
			m.indented = m.indented || indent >= u
			return m.n
		}
	}
	if m.n == 0 && plainGlobal(w) {
		return 0 // the bulk of a large configuration: one switch, no lookups
	}
	if m.n > 0 {
		// A sub-mode whose vocabulary we do not keep whole (interface, object, object-group,
		// the others) takes every line indented deeper than its header, whatever the
		// command (has gives the same answer, slower): most of the rest of a large one.
		if f := m.stack[m.n-1]; f.kind >= frameInterface && indent > f.indent {
			m.indented = true
			return m.n
		}
	}
	args := rest
	no := string(w) == "no"
	if no {
		args = skipBlanks(rest[len(w):])
		if w = firstWord(args); len(w) == 0 {
			return placeComment
		}
	}
	w2 := firstWord(skipBlanks(args[len(w):]))
	word := string(w)
	if submodeOnly(word) && !m.anyHas(word, w2, args, indent) {
		// The ASA rejects the line and stays in the mode it was in.
		return placeInvalid
	}
	for m.n > 0 {
		f := m.stack[m.n-1]
		if m.has(f, word, w2, args, indent) {
			if indent > f.indent {
				m.indented = true
			}
			depth := m.n
			if !no {
				m.enterSub(f, word, indent)
			}
			return depth
		}
		m.n--
	}
	if !no {
		m.open(word, w2, args, indent)
	}
	return 0
}

// plainGlobal reports whether w is one of the commonest global commands that open no
// sub-mode and belong to no other mode.
func plainGlobal(w []byte) bool {
	switch string(w) {
	case "access-list", "route", "nat", "name", "names", "access-group", "timeout", "service-policy",
		"hostname", "ssh", "http", "logging", "snmp-server", "icmp", "mtu", "arp", "ntp",
		"telnet", "same-security-traffic", "static", "global", "pager", "ftp", "threat-detection",
		"domain-name", "dhcpd", "user-identity", "asdm", "prompt", "passwd", "console", "mac-address":
		return true
	}
	return false
}

// skipBlanks returns b without its leading blanks: bytes.TrimLeft(b, " \t") without the
// set that builds on each call, which the parse paid on every line.
func skipBlanks(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// anyHas reports whether one of the open modes has the command.
func (m *modes) anyHas(word string, w2, args []byte, indent int) bool {
	for i := m.n - 1; i >= 0; i-- {
		if m.has(m.stack[i], word, w2, args, indent) {
			return true
		}
	}
	return false
}

// enterSub opens the sub-mode a line of block f enters, if any.
func (m *modes) enterSub(f frame, word string, indent int) {
	if m.n >= len(m.stack) {
		return
	}
	switch {
	case f.kind == framePolicyMap && word == "class":
		m.push(framePolicyClass, indent)
	case f.kind == frameInspectMap && (word == "class" || word == "match" || word == "parameters"):
		m.push(frameInspectSub, indent)
	}
}

func (m *modes) push(k frameKind, indent int) {
	m.stack[m.n] = frame{kind: k, indent: indent}
	m.n++
}

// open starts the block a global command opens, if it opens one.
func (m *modes) open(word string, w2, args []byte, indent int) {
	switch word {
	case "class-map":
		m.push(frameClassMap, indent)
	case "policy-map":
		if string(w2) == "type" {
			if f := bytes.Fields(args); len(f) > 2 && string(f[2]) == "inspect" {
				m.push(frameInspectMap, indent)
			} else {
				m.push(frameOther, indent)
			}
			return
		}
		m.push(framePolicyMap, indent)
	case "interface":
		m.push(frameInterface, indent)
	case "object":
		switch string(w2) {
		case "network":
			m.push(frameObjectNetwork, indent)
		case "service":
			m.push(frameObjectService, indent)
		default:
			m.push(frameOther, indent)
		}
	case "object-group":
		m.push(frameObjectGroup, indent)
	default:
		if SubModeOpeners[word] {
			m.push(frameOther, indent)
		} else if !IsGlobalCommand(word) {
			m.unknownAt = indent + 1
		}
	}
}

// has reports whether the mode of frame f has the command word (second word w2, words
// args from the command on), with the line indented by indent.
func (m *modes) has(f frame, word string, w2, args []byte, indent int) bool {
	deeper := indent > f.indent
	if m.hasWord(f, word, w2, args, deeper) {
		return true
	}
	// A command no mode has: the ASA would reject it; indentation says where it was meant.
	return deeper && !knownAnywhere(word)
}

// hasWord is has for the commands the mode of f has, by their words.
func (m *modes) hasWord(f frame, word string, w2, args []byte, deeper bool) bool {
	switch f.kind {
	case frameClassMap:
		return ClassMapCommands[word]
	case framePolicyMap:
		return PolicyMapCommands[word]
	case framePolicyClass:
		if word == "service-policy" {
			return fields(args) == 2 // hierarchical; with "global" or "interface" it is global
		}
		return ClassCommands[word]
	case frameInspectMap:
		return PolicyMapCommands[word] || InspectPolicyMapCommands[word]
	case frameInspectSub:
		// Settings are protocol-specific: any command the inspect policy-map or global
		// configuration does not have is one, at whatever indentation (a paste with every
		// line of a block indented alike puts them level with "parameters").
		if PolicyMapCommands[word] || InspectPolicyMapCommands[word] {
			return false
		}
		return !IsGlobalCommand(word) || deeper
	case frameInterface:
		switch word {
		case "ip":
			return len(w2) >= 3 && bytes.HasPrefix([]byte("address"), w2) || deeper
		case "ipv6":
			return !globalIPv6[string(w2)] || deeper
		case "mac-address":
			return bytes.IndexByte(w2, '.') > 0 || deeper
		}
		return interfaceCommands[word] || m.unmodelled(word, deeper)
	case frameObjectNetwork:
		if word == "nat" {
			return objectNAT(args)
		}
		switch word {
		case "host", "subnet", "range", "fqdn", "description":
			return true // objectNetworkCommands, without the lookup
		}
		return m.unmodelled(word, deeper)
	case frameObjectService:
		if word == "service" {
			return !globalServiceArgs[string(w2)]
		}
		return word == "description" || m.unmodelled(word, deeper)
	case frameObjectGroup:
		switch word {
		case "network-object", "port-object", "service-object", "group-object", "protocol-object", "icmp-object":
			return true // the bulk of a large configuration: no map lookup
		}
		return objectGroupCommands[word] || m.unmodelled(word, deeper)
	case frameOther:
		switch word {
		case "description":
			return true
		case "timeout":
			// "timeout 5" of aaa-server or sla monitor; the global command names a timer.
			if len(w2) > 0 && w2[0] >= '0' && w2[0] <= '9' {
				return true
			}
		}
		return subModeGlobalWords[word] || m.unmodelled(word, deeper)
	}
	return false
}

// unmodelled decides a line in a sub-mode whose full vocabulary we do not keep: a global
// command leaves it; another command stays, unless the file's indentation puts it at the
// header's level.
func (m *modes) unmodelled(word string, deeper bool) bool {
	switch word {
	case "object", "object-group", "access-list", "interface":
		return deeper // the commonest next block: no lookup
	}
	return deeper || !IsGlobalCommand(word) && !m.indented
}

// objectNAT reports whether the nat command args is object NAT, "nat [(A,B)] static|dynamic
// ...": twice NAT, the global form, has "source" (or a section number) there instead.
func objectNAT(args []byte) bool {
	rest := skipBlanks(args[len("nat"):])
	if len(rest) > 0 && rest[0] == '(' {
		rest = skipBlanks(rest[len(firstWord(rest)):])
	}
	w := string(firstWord(rest))
	return w == "static" || w == "dynamic"
}

// submodeOnly reports whether word is a command of an audited sub-mode (class-map,
// policy-map, policy-map class) that global configuration does not have: such a line that
// no open mode takes is one the ASA rejects.
func submodeOnly(word string) bool {
	// A switch, not the maps: it runs on every line (TestSubmodeOnly keeps it equal to them).
	switch word {
	case "match", "parameters", "inspect", "set", "police", "priority", "shape", "user-statistics",
		"ips", "sfr", "csc", "cxsc":
		return true
	}
	return false
}

// fields counts the blank-separated words of b.
func fields(b []byte) int {
	n, in := 0, false
	for _, c := range b {
		blank := c == ' ' || c == '\t'
		if !blank && !in {
			n++
		}
		in = !blank
	}
	return n
}
