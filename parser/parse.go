// Package parser reads a Cisco ASA "show running-config" capture into the blocks that a
// SIP audit needs (class-map, policy-map, service-policy, timeout, interface names; with
// ParseWith and Options.Paths also interfaces, routes, names, access-lists, objects and
// NAT), with the file position of every node and a diagnostic for every line it could not
// read.
package parser

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// grammars are built on first use, not in init, so that commands which never parse
// (rules, version, completion) start instantly.
type grammars struct {
	classMap       *participle.Parser[ClassMap]
	classMapChild  *participle.Parser[classMapChild]
	policyMap      *participle.Parser[PolicyMap]
	policyMapChild *participle.Parser[policyMapChild]
	action         *participle.Parser[Action]
	setting        *participle.Parser[Setting]
	servicePolicy  *participle.Parser[ServicePolicy]
	timeout        *participle.Parser[Timeout]
}

var loadGrammars = sync.OnceValue(func() *grammars {
	opts := []participle.Option{participle.Lexer(lineLexer{}), participle.UseLookahead(2)}
	return &grammars{
		classMap:       participle.MustBuild[ClassMap](opts...),
		classMapChild:  participle.MustBuild[classMapChild](opts...),
		policyMap:      participle.MustBuild[PolicyMap](opts...),
		policyMapChild: participle.MustBuild[policyMapChild](opts...),
		action:         participle.MustBuild[Action](opts...),
		setting:        participle.MustBuild[Setting](opts...),
		servicePolicy:  participle.MustBuild[ServicePolicy](opts...),
		timeout:        participle.MustBuild[Timeout](opts...),
	}
})

// parseLine runs grammar p over one line, with positions that name the real file line.
func parseLine[T any](p *participle.Parser[T], file string, line int, text string) (*T, error) {
	peek, err := lexer.Upgrade(&tokens{toks: lexLine(file, line, text)})
	if err != nil {
		return nil, err
	}
	return p.ParseFromLexer(peek)
}

// ErrNotASA is wrapped by the error Parse returns when the input is not an ASA configuration.
var ErrNotASA = errors.New("not a Cisco ASA configuration")

// Parse reads an ASA configuration from r. name is used in positions and messages. The
// error is non-nil only when the input cannot be audited at all (unreadable, binary, not an
// ASA configuration); lines it cannot read are Diagnostics in the Config.
func Parse(r io.Reader, name string) (*Config, error) { return ParseWith(r, name, Options{}) }

// ParseWith is Parse with options: Options.Paths also reads the sections that decide
// whether SIP gets through (Config.Paths).
func ParseWith(r io.Reader, name string, o Options) (*Config, error) {
	p := &state{cfg: &Config{File: name}, g: loadGrammars()}
	if o.Paths {
		var src *source
		if o.ReadBack {
			src = newSource(r, name)
		}
		p.paths = newPaths(p.cfg, src)
		p.cfg.Paths = p.paths
		if objWorkers {
			p.objs = newObjWorker(p.paths)
			defer p.objs.wait(p.paths) // on every return: the goroutine never outlives the parse
		}
	}
	s := NewScanner(r)
	s.StripConfigPrompts()
	if err := sniff(s.Head(512)); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for s.Scan() {
		num, text := s.Line()
		if s.Binary() {
			return nil, fmt.Errorf("%s: line %d: binary data (NUL bytes): %w", name, num, ErrNotASA)
		}
		if m := s.PromptMode(); m != "" {
			p.session = true
			if m == "config" {
				p.modes.reset() // the prompt says the line was typed in global mode
			}
		}
		p.lineText = text
		p.lineOff, p.verbatim = s.Verbatim()
		p.line(num, text, s.Truncated(), s.MayHoldPrompt())
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	p.objs.wait(p.paths)
	p.cfg.Lines = s.num
	p.scope()
	if err := p.verdict(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p.cfg, nil
}

// sniff rejects inputs that are recognisably something else, from their first bytes.
func sniff(first []byte) error {
	t := bytes.TrimSpace(bytes.TrimPrefix(first, bom))
	switch {
	case bytes.HasPrefix(first, []byte{0x1f, 0x8b}):
		return fmt.Errorf("gzip-compressed data (decompress it first, with gunzip): %w", ErrNotASA)
	case bytes.HasPrefix(first, []byte("PK\x03\x04")):
		return fmt.Errorf("zip archive (extract the configuration first): %w", ErrNotASA)
	case len(t) > 0 && (t[0] == '{' || t[0] == '['):
		return fmt.Errorf("looks like JSON: %w", ErrNotASA)
	case BinaryStream(first):
		return fmt.Errorf("line 1: binary data (NUL bytes): %w", ErrNotASA)
	case CROnly(first):
		return fmt.Errorf("%s: %w", crOnlyAdvice, ErrNotASA)
	}
	return nil
}

// BinaryStream reports whether first, the start of an input, is binary data with no line
// structure (/dev/zero, an image): refused at once, since reading on for a newline could
// take forever. Binary data with newlines is refused at its first NUL by the line reader.
func BinaryStream(first []byte) bool {
	return bytes.IndexByte(first, 0) >= 0 && bytes.IndexByte(first, '\n') < 0
}

// crOnlyAdvice is what to do with a file whose lines end in carriage returns alone.
const crOnlyAdvice = `its lines end in carriage returns only (classic Mac): convert them to newlines first (tr '\r' '\n' < IN > OUT)`

// CROnly reports whether first, the start of a file, has lines ended by carriage returns
// alone: read as one line, such a file would be audited wrongly, so it is refused.
func CROnly(first []byte) bool {
	if bytes.IndexByte(first, '\n') >= 0 || bytes.Count(first, []byte{'\r'}) < 2 {
		return false
	}
	// Text, not random bytes that happen to hold carriage returns.
	for _, c := range first {
		if c < 0x20 && c != '\r' && c != '\t' && c != 0x1b && c != '\b' || c == 0x7f {
			return false
		}
	}
	return true
}

// CROnlyError is the error for such a file, for the other readers of configuration text.
func CROnlyError() error { return errors.New(crOnlyAdvice) }

type blockKind uint8

const (
	blockNone blockKind = iota
	blockClassMap
	blockPolicyMap
	blockInterface
	blockObject // object or object-group, with Options.Paths
	blockOther
	blockContext // context NAME, in the system execution space
	// blockUnread is a class-map or policy-map whose header could not be read: its
	// children are reported, so that no line of an audited block goes unmentioned.
	blockUnread
)

// state is the streaming parser: one top-level block is open at a time.
type state struct {
	cfg *Config
	g   *grammars

	kind  blockKind
	modes modes
	paths *Paths // nil without Options.Paths
	// The current line as the Scanner gave it and, when verbatim, its offset in the
	// input, for the path sections to keep a reference instead of the text.
	lineText []byte
	lineOff  int64
	verbatim bool
	cm       *ClassMap
	pm       *PolicyMap
	iface    *Interface
	// Within a policy-map: the open first-level child.
	pmClass   *PolicyClass
	pmMatch   *InspectMatch
	pmParams  bool
	pmUnknown bool // the open first-level child could not be read; its children are reported with it
	// Within an object or object-group block, with Options.Paths.
	obj        *block
	objName    string // the open block's name, made from objNameBuf when needed
	objNameBuf []byte
	objHeader  lexer.Position
	objNetwork bool
	objOpen    bool // the block's header was read
	// objs, when set, takes the lines of object and object-group blocks (objworker.go).
	objs *objWorker

	// The access-list names seen, for Config.ACLNames: a short list scanned from the last
	// one found (configurations have few), then a map past maxListedACLs.
	aclList [][]byte
	lastACL int

	ctx *ContextDef // the open context block

	session     bool // configuration-mode prompts seen: a session log, not a saved configuration
	started     bool // an "ASA Version" header or a whole "show running-config" echo seen
	configLines bool // a configuration line seen since
	ended       bool // ": end" seen
	tail        bool // a line the ASA prints after the service-policies (Scope.Truncated)
	last        int  // the last line with content
	afterEnd    bool // PARSE002 already reported

	// Evidence that this is an ASA configuration, and that it is not IOS.
	strong, weak, ios int
	content           bool // a line that is not blank
}

// line reads one line; hash is false when the Scanner saw no '#' in it, so that it holds
// no "fw1#" prompt.
func (p *state) line(num int, text []byte, truncated, hash bool) {
	if p.ended {
		if t := skipBlanks(text); len(t) > 0 {
			p.trailer(num, t, firstWord(t))
		}
		return
	}
	indent, depth, word, prompt := p.place(text, hash)
	if depth == placeBlank {
		return
	}
	p.content, p.last = true, num
	switch {
	case depth == placeInvalid:
		w := word
		if string(w) == "no" {
			w = firstWord(skipBlanks(text[indent+2:]))
		}
		p.diag(num, indent+1, "PARSE001", fmt.Sprintf("%q is not a command of the mode this line is in (nor of global configuration): the ASA rejects it", w), text)
		if p.kind == blockPolicyMap {
			p.pmUnknown = true // the lines below it are reported with it
		}
		return
	case depth < 0:
		return
	case depth > 0:
		p.child(num, text, indent, depth, truncated)
		return
	}
	text = text[indent:]
	if string(word) == "access-list" {
		// Most lines of a large configuration: straight to the access-list handling.
		p.configLines = true
		p.cfg.Scope.shown |= 1 << secAccessList
		p.seeACL(text[len(word):])
		if p.paths != nil {
			p.deferACL(num, text, truncated)
		}
		p.kind = blockOther
		return
	}
	p.kind = blockNone
	if prompt {
		p.seeEcho(num, text)
		return
	}
	// Only a command counts, and every ASA command starts with a letter: the tail of a
	// header comment broken over two lines ("8 cores)" in a mail's quoted-printable copy)
	// made the "ASA Version" after it "a second configuration", and nothing was audited.
	p.configLines = p.configLines || !headerWord(word) && (word[0]|0x20 >= 'a' && word[0]|0x20 <= 'z')
	p.seeSection(word)
	switch string(word) {
	case "admin-context", "context":
		p.strong++
		p.seeSystem(num, word, text)
		return
	case "!":
		return
	case ":":
		if bytes.Equal(bytes.TrimSpace(text[1:]), []byte("end")) {
			p.ended, p.tail = true, true
			p.cfg.End = p.pos(num, 1)
		} else {
			p.strong++ // ": Saved", ": Serial Number: ..."
		}
		return
	case "ASA", "PIX", "FWSM", "NGFW":
		if bytes.HasPrefix(text[len(word):], []byte(" Version ")) {
			if p.startSecond(num, text, "a second \""+string(word)+" Version\" header") {
				return
			}
			p.started = true
			p.cfg.Version = string(bytes.TrimSpace(text[len(word)+9:]))
			if v, marker, ok := strings.Cut(p.cfg.Version, "<"); ok {
				p.cfg.Version, p.cfg.VersionMarker = strings.TrimSpace(v), strings.TrimSuffix(strings.TrimSpace(marker), ">")
			}
			if string(word) == "NGFW" {
				p.cfg.Platform = "FTD"
			}
			if p.cfg.VersionMarker == "system" {
				p.system(num)
			}
			p.strong++
		}
		return
	case "hostname":
		p.cfg.Hostname = string(bytes.TrimSpace(text[len(word):]))
		p.weak++
		return
	case "interface":
		p.kind = blockInterface
		p.iface = &Interface{HeaderPos: p.pos(num, 1), Hardware: string(bytes.TrimSpace(text[len(word):]))}
		if p.paths != nil {
			p.paths.Interfaces = append(p.paths.Interfaces, p.iface)
		}
		p.weak++
		return
	case "class-map":
		p.weak++
		p.openClassMap(num, text, truncated)
		return
	case "policy-map":
		p.weak++
		p.openPolicyMap(num, text, truncated)
		return
	case "service-policy":
		p.strong++
		if sp := parseTop(p, p.g.servicePolicy, num, text, truncated); sp != nil {
			sp.Source = string(text)
			p.cfg.ServicePolicies = append(p.cfg.ServicePolicies, sp)
		}
		return
	case "timeout":
		p.strong++
		if t := parseTop(p, p.g.timeout, num, text, truncated); t != nil {
			t.Source = string(text)
			p.cfg.Timeouts = append(p.cfg.Timeouts, t)
		}
		return
	case "nameif", "security-level", "same-security-traffic", "pager", "names", "passwd":
		p.strong++
	case "access-list":
		p.seeACL(text[len(word):])
	case "object", "object-group":
		// A "show running-config object-group" alone is an ASA partial, not foreign text
		// (weak: newer IOS has object-groups too).
		p.weak++
	case "access-group":
		p.strong++
		if p.cfg.PathHint.Pos.Line == 0 {
			p.cfg.PathHint = PathHint{Pos: p.pos(num, 1), Source: string(text)}
		}
	case "Cryptochecksum:", "cryptochecksum:":
		p.strong++
		p.tail = true
		return
	case "prompt", "call-home":
		p.tail = true
	case "no":
		if bytes.HasPrefix(text, []byte("no call-home")) {
			p.tail = true
		}
	case "version", "router", "line", "ip", "boot-start-marker", "ipv6":
		// IOS writes "version 15.2", "ip route", "router ospf", "line vty"; the ASA writes
		// none of these at the top level.
		p.ios++
	}
	if p.paths != nil && p.pathTop(word, num, text, truncated) {
		return
	}
	if isPrompt(word) {
		return
	}
	p.kind = blockOther
}

// maxListedACLs is how many access-list names seeACL keeps in a list before the map.
const maxListedACLs = 32

// seeACL notes the name of an access-list line in Config.ACLNames. Access-list lines are
// most of a large configuration, so a name is first compared with the few already seen,
// which neither hashes nor allocates.
func (p *state) seeACL(rest []byte) {
	if p.lastACL < len(p.aclList) && hasName(rest, p.aclList[p.lastACL]) {
		return
	}
	for i, n := range p.aclList {
		if hasName(rest, n) {
			p.lastACL = i
			return
		}
	}
	name := firstWord(skipBlanks(rest))
	switch string(firstWord(skipBlanks(skipBlanks(rest)[len(name):]))) {
	case "extended", "advanced", "standard", "remark", "webtype", "ethertype":
		// "access-list NAME extended ...": the ASA's form (IOS writes "ip access-list
		// extended NAME" or a numbered list); once per list, not per line.
		p.strong++
	}
	if p.cfg.ACLNames == nil {
		p.cfg.ACLNames = map[string]bool{}
	}
	if len(p.aclList) < maxListedACLs {
		p.lastACL = len(p.aclList)
		p.aclList = append(p.aclList, bytes.Clone(name))
		p.cfg.ACLNames[string(name)] = true
	} else if !p.cfg.ACLNames[string(name)] {
		p.cfg.ACLNames[string(name)] = true
	}
}

// hasName reports whether rest (what follows "access-list") is " name" followed by a
// blank or the end of the line, as the ASA writes it.
func hasName(rest, name []byte) bool {
	n := len(name) + 1
	return len(rest) >= n && rest[0] == ' ' && bytes.Equal(rest[1:n], name) && (len(rest) == n || rest[n] == ' ' || rest[n] == '\t')
}

// trailer handles lines after ": end". ASDM adds "asdm location" lines there, and terminal
// captures add prompts and console messages; a second configuration is reported, since the
// audit reads only the first.
func (p *state) trailer(num int, text, word []byte) {
	if p.afterEnd {
		return
	}
	second := string(word) == ":" && bytes.Contains(bytes.ToLower(text), []byte("saved")) ||
		bytes.HasPrefix(text, []byte("ASA Version "))
	if second {
		p.afterEnd = true
		p.diag(num, 1, "PARSE002", fmt.Sprintf("a second configuration starts here, after \": end\" at line %d; only the first was audited: split the file", p.cfg.End.Line), text)
	}
}

// verdict decides whether what was read is an ASA configuration.
func (p *state) verdict() error {
	switch {
	case p.cfg.Lines == 0:
		return fmt.Errorf("empty file: %w", ErrNotASA)
	case !p.content:
		return fmt.Errorf("only blank lines: %w", ErrNotASA)
	case p.strong == 0 && p.ios > 0:
		return fmt.Errorf("looks like a Cisco IOS configuration (no ASA markers such as \"ASA Version\", nameif, timeout): %w", ErrNotASA)
	case p.strong == 0 && p.weak == 0:
		return fmt.Errorf("no ASA configuration lines found (expected \"ASA Version\", hostname, interface, class-map, policy-map, service-policy or timeout): %w", ErrNotASA)
	}
	return nil
}

// place returns the length of the line's indentation and its depth in the configuration's
// structure (see modes.place; placeBlank for a blank line). The structure comes from the
// CLI modes, not from the indentation.
func (p *state) place(text []byte, hash bool) (indent, depth int, word []byte, prompt bool) {
	for indent < len(text) && (text[indent] == ' ' || text[indent] == '\t') {
		indent++
	}
	if indent == len(text) {
		return indent, placeBlank, nil, false
	}
	if n := p.modes.n; n > 0 && !hash {
		// A line of an interface, object or object-group block, indented as show
		// running-config prints it: what modes.place would decide, without reading the
		// command ("!" and "exit"/"end" excepted).
		if f := p.modes.stack[n-1]; f.kind >= frameInterface && indent > f.indent && text[indent] != '!' && text[indent] != 'e' {
			p.modes.indented = true
			return indent, n, nil, false
		}
	}
	word = firstWord(text[indent:])
	hash = hash || word[len(word)-1] == '>'
	if !hash && p.modes.n == 0 && (string(word) == "access-list" || plainGlobal(word)) {
		// Most lines of a large configuration. A global command also ends whatever a
		// command we do not know may have opened, as modes.place would say.
		p.modes.unknownAt = 0
		return indent, 0, word, false
	}
	prompt = hash && promptWord(word)
	if prompt || headerWord(word) {
		p.modes.reset()
	}
	return indent, p.modes.place(text, indent, word), word, prompt
}

// headerWord reports whether w starts a line that begins or ends a whole configuration
// (": Saved", "ASA Version", "Cryptochecksum:"): whatever sub-mode was open is left.
func headerWord(w []byte) bool {
	switch string(w) {
	case ":", "ASA", "PIX", "FWSM", "NGFW", "Cryptochecksum:", "cryptochecksum:":
		return true
	}
	return false
}

// child handles a line inside a block; depth is 1 for the block's own commands and 2 for
// those of its sub-mode (a policy-map class's actions).
func (p *state) child(num int, text []byte, indent, depth int, truncated bool) {
	switch p.kind {
	case blockObject:
		p.objectChild(num, text, indent, truncated)
	case blockInterface:
		if p.paths != nil {
			p.interfaceChild(num, text, truncated)
			return
		}
		if w := firstWord(text[indent:]); string(w) == "nameif" {
			name := string(bytes.TrimSpace(text[indent+len(w):]))
			if name == "" {
				// The ASA refuses "nameif" without a name: no named interface, and no
				// sign of an ASA configuration (as with the path sections, whose grammar
				// refuses it).
				return
			}
			p.strong++
			p.iface.Name = name
			p.iface.Pos = p.pos(num, indent+1)
			p.cfg.Interfaces = append(p.cfg.Interfaces, p.iface)
		}
	case blockClassMap:
		p.classMapChild(num, text, indent, truncated)
	case blockPolicyMap:
		p.policyMapChild(num, text, indent, depth, truncated)
	case blockContext:
		if w := firstWord(text[indent:]); string(w) == "config-url" {
			p.ctx.ConfigURL = string(bytes.TrimSpace(text[indent+len(w):]))
		}
	case blockUnread:
		p.diag(num, indent+1, "PARSE001", "line below an unreadable class-map or policy-map was not read", text)
	}
}

func (p *state) openClassMap(num int, text []byte, truncated bool) {
	cm := parseTop(p, p.g.classMap, num, text, truncated)
	if cm == nil {
		p.kind = blockUnread
		return
	}
	if cm.OtherType != "" {
		cm.Type, cm.OtherType = cm.OtherType, ""
	}
	cm.Source = string(text)
	p.cfg.ClassMaps = append(p.cfg.ClassMaps, cm)
	p.kind, p.cm = blockClassMap, cm
}

func (p *state) classMapChild(num int, text []byte, indent int, truncated bool) {
	c := parseChild(p, p.g.classMapChild, num, text, truncated)
	if c == nil {
		return
	}
	switch {
	case c.Match != nil:
		if c.Match.Port != nil && !p.resolvePorts(c.Match.Port, text) {
			return
		}
		c.Match.Source = string(text)
		p.cm.Matches = append(p.cm.Matches, c.Match)
	case c.Description != nil:
		p.cm.Descriptions = append(p.cm.Descriptions, c.Description)
	}
}

func (p *state) resolvePorts(m *PortMatch, text []byte) bool {
	for _, port := range []*Port{m.Eq, m.From, m.To} {
		if port == nil {
			continue
		}
		n, ok := PortNumber(port.Raw)
		if !ok {
			p.diag(port.Pos.Line, port.Pos.Column, "PARSE001", fmt.Sprintf("unknown port %q", port.Raw), text)
			return false
		}
		port.Number = n
	}
	if m.From != nil && m.From.Number > m.To.Number {
		p.diag(m.Pos.Line, m.Pos.Column, "PARSE001", fmt.Sprintf("port range %s %s is empty", m.From.Raw, m.To.Raw), text)
		return false
	}
	return true
}

func (p *state) openPolicyMap(num int, text []byte, truncated bool) {
	pm := parseTop(p, p.g.policyMap, num, text, truncated)
	if pm == nil {
		p.kind = blockUnread
		return
	}
	if pm.OtherType != "" {
		pm.Type, pm.OtherType = pm.OtherType, ""
	}
	pm.Source = string(text)
	p.cfg.PolicyMaps = append(p.cfg.PolicyMaps, pm)
	p.kind, p.pm = blockPolicyMap, pm
	p.pmClass, p.pmMatch, p.pmParams, p.pmUnknown = nil, nil, false, false
}

func (p *state) policyMapChild(num int, text []byte, indent, depth int, truncated bool) {
	if depth == 1 {
		p.pmClass, p.pmMatch, p.pmParams, p.pmUnknown = nil, nil, false, false
		c := parseChild(p, p.g.policyMapChild, num, text, truncated)
		switch {
		case c == nil:
			p.pmUnknown = true
		case c.Class != nil:
			c.Class.Source = string(text)
			p.pmClass = c.Class
			p.pm.Classes = append(p.pm.Classes, c.Class)
		case c.Parameters && !p.pm.IsL34():
			p.pmParams = true
			p.pm.ParametersPos = append(p.pm.ParametersPos, p.pos(num, indent+1))
		case c.Match != nil && !p.pm.IsL34():
			c.Match.Source = string(text)
			p.pmMatch = c.Match
			p.pm.Matches = append(p.pm.Matches, c.Match)
		case c.Description != nil:
			p.pm.Descriptions = append(p.pm.Descriptions, c.Description)
		default:
			p.pmUnknown = true
			p.diag(num, indent+1, "PARSE001", fmt.Sprintf("%q is not valid in a layer 3/4 policy-map (expected class or description)", firstWord(text[indent:])), text)
		}
		return
	}
	// A second-level line: an action of a layer 3/4 class, or a setting of an inspect
	// policy-map's parameters, match or class.
	switch {
	case p.pmUnknown:
		p.diag(num, indent+1, "PARSE001", "line below an unreadable policy-map entry was not read", text)
	case p.pm.IsL34() && p.pmClass != nil:
		a := parseChild(p, p.g.action, num, text, truncated)
		if a == nil {
			return
		}
		a.Source = string(text)
		p.pmClass.Actions = append(p.pmClass.Actions, a)
	case p.pm.IsL34(), p.pmClass == nil && p.pmMatch == nil && !p.pmParams:
		p.diag(num, indent+1, "PARSE001", "unexpected indentation in policy-map", text)
	default:
		st := parseChild(p, p.g.setting, num, text, truncated)
		if st == nil {
			return
		}
		st.Source = string(text)
		switch {
		case p.pmClass != nil:
			p.pmClass.Settings = append(p.pmClass.Settings, st)
		case p.pmMatch != nil:
			p.pmMatch.Settings = append(p.pmMatch.Settings, st)
		case p.pmParams:
			p.pm.Parameters = append(p.pm.Parameters, st)
		}
	}
}

// parseTop parses a top-level line, reporting it if it cannot be read.
func parseTop[T any](p *state, g *participle.Parser[T], num int, text []byte, truncated bool) *T {
	return parseChild(p, g, num, text, truncated)
}

// parseChild parses one line of an audited block with grammar g; an unreadable line
// becomes a PARSE001 diagnostic and nil.
func parseChild[T any](p *state, g *participle.Parser[T], num int, text []byte, truncated bool) *T {
	if truncated {
		p.diag(num, 1, "PARSE001", fmt.Sprintf("line longer than %d bytes was not read", maxKept), text[:min(len(text), 80)])
		return nil
	}
	v, err := parseLine(g, p.cfg.File, num, string(text))
	if err != nil {
		col := 1
		msg := err.Error()
		var perr participle.Error
		if errors.As(err, &perr) {
			col = perr.Position().Column
			msg = strings.Replace(perr.Message(), `"<EOF>"`, "end of line", 1)
		}
		p.diag(num, col, "PARSE001", "cannot read line: "+msg, text)
		return nil
	}
	return v
}

func (p *state) diag(num, col int, code, msg string, text []byte) {
	p.cfg.Diagnostics = append(p.cfg.Diagnostics, Diagnostic{Pos: p.pos(num, col), Code: code, Message: msg, Source: strings.TrimSpace(string(text))})
}

func (p *state) pos(num, col int) lexer.Position {
	return lexer.Position{Filename: p.cfg.File, Line: num, Column: col}
}

func firstWord(text []byte) []byte {
	for i, c := range text {
		if c == ' ' || c == '\t' {
			return text[:i]
		}
	}
	return text
}

// isPrompt reports whether word is a CLI prompt such as "fw1#", "fw1>", "fw1(config)#" or
// "fw1/admin#", as left in a terminal capture. ASA commands never end in '#' or '>'.
func isPrompt(word []byte) bool {
	n := len(word)
	return n > 1 && (word[n-1] == '#' || word[n-1] == '>')
}

// promptWord reports whether a line whose first word is w starts with a CLI prompt:
// "fw1#", FTD's ">", or a prompt with the command right after it ("Sydney-FW#show").
func promptWord(w []byte) bool {
	n := len(w)
	switch {
	case n == 0:
		return false
	case w[n-1] == '#' || w[n-1] == '>':
		return true
	}
	return w[0] != '!' && bytes.IndexByte(w, '#') > 0
}
